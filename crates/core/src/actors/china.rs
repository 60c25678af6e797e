use super::{chance, unit, Ctx};
use crate::message::{ActorId, Draft, Msg, Outbox, To};
use crate::params::{Param as P, Params};
use crate::world::ChinaPublic;
use crate::SimRng;

/// China (with Russia's UNSC vote folded in): sanctions enforcement, stability first, the veto.
#[derive(Clone, Debug)]
pub struct China {
    /// Sanctions enforcement, 0..1 (1 - leakage).
    pub enforcement: f64,
}

impl China {
    /// China at the initial state the parameters give.
    pub fn new(p: &Params) -> China {
        China { enforcement: p[P::InitialEnforcement] }
    }

    /// Public facts.
    pub fn public(&self) -> ChinaPublic {
        ChinaPublic { enforcement: self.enforcement }
    }

    pub(crate) fn step(&mut self, cx: &Ctx, rng: &mut SimRng, out: &mut Outbox) {
        let p = cx.params;
        let w = cx.world;
        // A cohesive alliance gives Washington leverage over Beijing's enforcement (H3).
        let baseline = unit(p[P::InitialEnforcement] + p[P::ChinaAllianceLeverage] * (w.rok.cohesion - 0.5));
        self.enforcement += p[P::ChinaRelax] * (baseline - self.enforcement);
        for (_, m) in cx.inbox() {
            match *m {
                Msg::NuclearTest => self.enforcement = unit(self.enforcement + p[P::ChinaStabilityReaction]),
                Msg::ProposeSanctions(kind) => self.vote(cx, rng, out, kind),
                Msg::ProposeRelief { .. } => self.vote(cx, rng, out, Draft::Relief),
                _ => {}
            }
        }
    }

    /// China's vote (with Russia's) on a draft it has just seen circulate.
    fn vote(&self, cx: &Ctx, rng: &mut SimRng, out: &mut Outbox, kind: Draft) {
        let p = cx.params;
        let veto = match kind {
            Draft::SanctionsAfterMissile => p[P::ChinaVetoMissile],
            Draft::SanctionsAfterNuclearTest | Draft::SanctionsAfterViolation => p[P::ChinaVetoNuclear],
            Draft::Relief => 0.0,
        };
        // The draft was sent last month; that month identifies it at the Council.
        let proposed = cx.month.saturating_sub(1);
        out.send(To::one(ActorId::Unsc), Msg::Vote { kind, proposed, yes: !chance(rng, veto) });
    }
}
