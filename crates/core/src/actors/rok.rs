use super::{chance, unit, Ctx};
use crate::ladder::Rung;
use crate::message::{ActorId, Msg, Outbox, To};
use crate::params::{Param as P, Params};
use crate::world::RokPublic;
use crate::SimRng;

/// South Korea: its engagement preference and the alliance's cohesion (H3).
#[derive(Clone, Debug)]
pub struct Rok {
    /// Seoul's preference for engagement, 0..1.
    pub engagement: f64,
    /// Alliance cohesion with the US, 0..1.
    pub cohesion: f64,
}

impl Rok {
    /// The ROK at the initial state the parameters give.
    pub fn new(p: &Params) -> Rok {
        Rok { engagement: p[P::RokEngagement], cohesion: p[P::InitialCohesion] }
    }

    /// Public facts.
    pub fn public(&self) -> RokPublic {
        RokPublic { cohesion: self.cohesion, engagement: self.engagement }
    }

    pub(crate) fn step(&mut self, cx: &Ctx, rng: &mut SimRng, out: &mut Outbox) {
        let p = cx.params;
        let w = cx.world;
        let mut attacked = false;
        for (_, m) in cx.inbox() {
            attacked |= matches!(m, Msg::DeadlyIncident | Msg::Retaliation | Msg::WarBegins);
        }
        // H3: cohesion erodes with the gap between Washington's hardness and Seoul's wish.
        let clash = policy_clash(w.us.hardness, self.engagement);
        self.cohesion =
            unit(self.cohesion - p[P::AllianceStrain] * clash + p[P::AllianceRecovery] * (1.0 - self.cohesion));
        // An attack on the South rallies the alliance.
        if attacked {
            self.cohesion = unit(self.cohesion + 0.1);
        }
        if !w.at_war && w.tension < Rung::DeadlyIncident && chance(rng, 0.1 * self.engagement) {
            out.send(To::one(ActorId::Dprk), Msg::InterKoreanEngagement);
        }
    }
}

/// Gap between the hardness of US policy and the hardness Seoul wants (1 - engagement).
pub fn policy_clash(us_hardness: f64, rok_engagement: f64) -> f64 {
    (us_hardness - (1.0 - rok_engagement)).abs()
}
