use super::{chance, unit, Ctx};
use crate::ladder::Rung;
use crate::message::{ActorId, Msg, Outbox, To};
use crate::params::{Param as P, Params};
use crate::world::RokPublic;
use crate::SimRng;

/// South Korea: its engagement preference, which elections can move, and the alliance's
/// cohesion (H3).
#[derive(Clone, Debug)]
pub struct Rok {
    /// Seoul's preference for engagement, 0..1.
    pub engagement: f64,
    /// Alliance cohesion with the US, 0..1.
    pub cohesion: f64,
    /// Month of the first presidential election.
    first_election: u32,
    /// Months between elections.
    election_period: u32,
}

impl Rok {
    /// The ROK at the initial state the parameters give.
    pub fn new(p: &Params) -> Rok {
        Rok {
            engagement: p[P::RokEngagement],
            cohesion: p[P::InitialCohesion],
            first_election: p[P::RokFirstElection].round() as u32,
            election_period: (p[P::RokElectionPeriod].round() as u32).max(1),
        }
    }

    /// Public facts.
    pub fn public(&self) -> RokPublic {
        RokPublic { cohesion: self.cohesion, engagement: self.engagement }
    }

    pub(crate) fn step(&mut self, cx: &Ctx, rng: &mut SimRng, out: &mut Outbox) {
        let p = cx.params;
        let w = cx.world;
        self.election(cx, rng);
        let (mut attacked, mut us_strike) = (false, false);
        for (_, m) in cx.inbox() {
            match m {
                // Attacks on the South (or a war) rally the alliance.
                Msg::DeadlyIncident | Msg::Retaliation | Msg::WarBegins => attacked = true,
                // A US strike on the North is no attack on the South, but an engagement-minded
                // Seoul resents force used over its objection.
                Msg::Strike => us_strike = true,
                _ => {}
            }
        }
        // H3: cohesion erodes with the gap between Washington's hardness and Seoul's wish.
        let clash = policy_clash(w.us.hardness, self.engagement);
        self.cohesion =
            unit(self.cohesion - p[P::AllianceStrain] * clash + p[P::AllianceRecovery] * (1.0 - self.cohesion));
        if attacked {
            self.cohesion = unit(self.cohesion + p[P::RallyCohesion]);
        }
        if us_strike {
            self.cohesion = unit(self.cohesion - p[P::StrikeStrain] * self.engagement);
        }
        if !w.at_war && w.tension < Rung::DeadlyIncident && chance(rng, p[P::InterKoreanRate] * self.engagement) {
            out.send(To::one(ActorId::Dprk), Msg::InterKoreanEngagement);
        }
    }

    /// A presidential election every `rok_election_period` months from `rok_first_election`:
    /// with `rok_turnover` the other camp wins and Seoul's preference mirrors (1 - engagement).
    fn election(&mut self, cx: &Ctx, rng: &mut SimRng) {
        let (first, period) = (self.first_election, self.election_period);
        if cx.month >= first && (cx.month - first) % period == 0 && chance(rng, cx.params[P::RokTurnover]) {
            self.engagement = 1.0 - self.engagement;
        }
    }
}

/// Gap between the hardness of US policy and the hardness Seoul wants (1 - engagement).
pub fn policy_clash(us_hardness: f64, rok_engagement: f64) -> f64 {
    (us_hardness - (1.0 - rok_engagement)).abs()
}
