use super::{unit, Ctx};
use crate::message::{Msg, Outbox};
use crate::params::{Param as P, Params};
use crate::world::ChinaPublic;
use crate::SimRng;

/// China (with Russia folded in): sanctions enforcement, stability first, and its stance at the
/// Security Council, which the Council reads when a draft comes to a vote.
#[derive(Clone, Debug)]
pub struct China {
    /// Sanctions enforcement, 0..1 (1 - leakage).
    pub enforcement: f64,
    /// Protectiveness of the DPRK at the Council: multiplies every veto probability.
    pub stance: f64,
}

impl China {
    /// China at the initial state the parameters give.
    pub fn new(p: &Params) -> China {
        China { enforcement: p[P::InitialEnforcement], stance: p[P::ChinaRussiaStance] }
    }

    /// Public facts.
    pub fn public(&self) -> ChinaPublic {
        ChinaPublic { enforcement: self.enforcement, stance: self.stance }
    }

    /// Takes a new stance at the Council from now on (an imposed event of the record).
    pub(crate) fn set_stance(&mut self, stance: f64) {
        self.stance = stance.max(0.0);
    }

    pub(crate) fn step(&mut self, cx: &Ctx, _rng: &mut SimRng, _out: &mut Outbox) {
        let p = cx.params;
        let w = cx.world;
        // A cohesive alliance gives Washington leverage over Beijing's enforcement (H3): the
        // baseline is the initial enforcement at the initial cohesion.
        let baseline =
            unit(p[P::InitialEnforcement] + p[P::ChinaAllianceLeverage] * (w.rok.cohesion - p[P::InitialCohesion]));
        self.enforcement += p[P::ChinaRelax] * (baseline - self.enforcement);
        for (_, m) in cx.inbox() {
            if let Msg::NuclearTest = m {
                self.enforcement = unit(self.enforcement + p[P::ChinaStabilityReaction]);
            }
        }
    }
}
