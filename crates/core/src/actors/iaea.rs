use super::{chance, unit, Ctx};
use crate::message::{ActorId, Msg, Outbox, To};
use crate::params::Param as P;
use crate::world::IaeaPublic;
use crate::SimRng;

/// The IAEA: it verifies only where it has access; its reports move the others' beliefs.
#[derive(Clone, Debug, Default)]
pub struct Iaea {
    /// Whether inspectors are in the country.
    pub access: bool,
    coverage: f64,
    agreed_safety: f64,
    /// Verification confidence, 0..1.
    pub confidence: f64,
    /// Safety measures in place, 0..1.
    pub safety: f64,
}

impl Iaea {
    /// Public facts.
    pub fn public(&self) -> IaeaPublic {
        IaeaPublic { access: self.access, confidence: self.confidence, safety: self.safety }
    }

    pub(crate) fn step(&mut self, cx: &Ctx, rng: &mut SimRng, out: &mut Outbox) {
        let p = cx.params;
        let mut violation = false;
        for (_, m) in cx.inbox() {
            match *m {
                Msg::InspectorsInvited { coverage, safety } => {
                    self.access = true;
                    self.coverage = coverage;
                    self.agreed_safety = safety;
                }
                Msg::InspectorsExpelled | Msg::DealEndedByUs(_) | Msg::DealEndedByDprk(_) => self.access = false,
                Msg::SiteActivity { covert: true } if self.access => {
                    violation |= chance(rng, p[P::DetectWithAccess] * self.confidence);
                }
                _ => {}
            }
        }
        if self.access {
            self.confidence += p[P::IaeaLearning] * self.coverage * (1.0 - self.confidence);
            self.safety += p[P::SafetyAdoption] * (self.agreed_safety - self.safety);
            out.send(To::two(ActorId::Us, ActorId::Unsc), Msg::Report { confidence: self.confidence, violation });
        } else {
            self.confidence = unit(self.confidence * (1.0 - p[P::IaeaDecay]));
            self.safety = unit(self.safety * (1.0 - p[P::SafetyDecay]));
        }
    }
}
