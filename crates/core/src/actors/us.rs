use super::{chance, Ctx};
use crate::ladder::Rung;
use crate::message::{ActorId, Collapse, Draft, Msg, Outbox, Terms, To};
use crate::params::Param as P;
use crate::policy::{Lever, Policy};
use crate::world::UsPublic;
use crate::SimRng;

/// Months of verified compliance between two relief steps.
const RELIEF_INTERVAL: u32 = 6;
/// Months between US elections.
pub const ELECTION_PERIOD: u32 = 48;

/// The United States: its strategy, the deal it is party to, and the election clock.
#[derive(Clone, Debug)]
pub struct Us {
    policy: Policy,
    election_target: Option<Policy>,
    policy_index: u8,
    hardness: f64,
    deal: Option<Terms>,
    verified_months: u32,
    at_war: bool,
}

impl Us {
    /// A US following `policy`, which an election may switch to `election_target`.
    pub fn new(policy: Policy, election_target: Option<Policy>) -> Us {
        let hardness = policy.hardness();
        Us { policy, election_target, policy_index: 0, hardness, deal: None, verified_months: 0, at_war: false }
    }

    /// The policy in force.
    pub fn policy(&self) -> &Policy {
        &self.policy
    }

    /// Public posture.
    pub fn public(&self) -> UsPublic {
        UsPublic { policy_index: self.policy_index, hardness: self.hardness }
    }

    pub(crate) fn step(&mut self, cx: &Ctx, rng: &mut SimRng, out: &mut Outbox) {
        let w = cx.world;
        let p = cx.params;
        self.election(cx, rng, out);
        self.at_war = w.at_war;
        let mut provoked = None;
        // A crisis: a long-range launch or a nuclear test last month (H2's strike window).
        let mut crisis = false;
        let mut struck = false;
        for (_, m) in cx.inbox() {
            match *m {
                Msg::MissileTest { long_range, .. } => {
                    provoked = provoked.or(Some(Draft::SanctionsAfterMissile));
                    crisis |= long_range;
                }
                Msg::NuclearTest => {
                    provoked = Some(Draft::SanctionsAfterNuclearTest);
                    crisis = true;
                }
                Msg::DealAgreed(t) => {
                    self.deal = Some(t);
                    self.verified_months = 0;
                }
                Msg::DealEndedByDprk(_) => self.deal = None,
                Msg::Report { violation: true, .. } => self.end_deal(out, Collapse::ViolationDetected),
                Msg::Report { confidence, violation: false } if confidence > 0.3 => self.verified_months += 1,
                Msg::SiteActivity { covert: true } if chance(rng, p[P::DetectWithoutAccess]) => {
                    self.end_deal(out, Collapse::ViolationDetected)
                }
                Msg::Retaliation if !self.at_war && chance(rng, p[P::WarFromRetaliation]) => {
                    out.send(To::ALL, Msg::WarBegins);
                    self.at_war = true;
                }
                Msg::DeadlyIncident
                    if !struck && !self.at_war && chance(rng, incident_response(p, &self.policy, w)) =>
                {
                    out.send(To::ALL, Msg::Strike);
                    struck = true;
                }
                _ => {}
            }
        }
        if let Some(draft) = provoked {
            if chance(rng, self.policy.get(Lever::SanctionPush)) {
                // The draft circulates to the Council and to the veto players at once.
                out.send(To::two(ActorId::Unsc, ActorId::China), Msg::ProposeSanctions(draft));
            }
        }
        self.diplomacy(cx, rng, out);
        self.posture(cx, rng, out);
        self.force(cx, rng, out, crisis && !struck);
    }

    fn election(&mut self, cx: &Ctx, rng: &mut SimRng, out: &mut Outbox) {
        if cx.month == 0 || cx.month % ELECTION_PERIOD != 0 {
            return;
        }
        if let Some(target) = self.election_target.as_mut() {
            if chance(rng, cx.params[P::ElectionSwitch]) {
                std::mem::swap(&mut self.policy, target);
                self.hardness = self.policy.hardness();
                self.policy_index ^= 1;
                out.send(To::ALL, Msg::PolicyChanged);
            }
        }
    }

    /// Adopts `policy` from now on (an imposed event: an era of the record).
    pub(crate) fn adopt(&mut self, policy: Policy, out: &mut Outbox) {
        self.policy = policy;
        self.hardness = self.policy.hardness();
        out.send(To::ALL, Msg::PolicyChanged);
    }

    /// Ends the deal in force without a sanctions draft (an imposed event).
    pub(crate) fn drop_deal(&mut self, out: &mut Outbox) {
        if self.deal.take().is_some() {
            out.send(To::ALL, Msg::DealEndedByUs(Collapse::ViolationDetected));
        }
    }

    fn end_deal(&mut self, out: &mut Outbox, why: Collapse) {
        if self.deal.take().is_some() {
            out.send(To::ALL, Msg::DealEndedByUs(why));
            out.send(To::two(ActorId::Unsc, ActorId::China), Msg::ProposeSanctions(Draft::SanctionsAfterViolation));
        }
    }

    fn diplomacy(&mut self, cx: &Ctx, rng: &mut SimRng, out: &mut Outbox) {
        let w = cx.world;
        match self.deal {
            None if !w.dprk.in_talks
                && w.dprk.deal.is_none()
                && !w.at_war
                && chance(rng, self.policy.get(Lever::Talks)) =>
            {
                let terms = Terms::of(&self.policy);
                let to = if terms.multilateral > 0.5 {
                    To::two(ActorId::Dprk, ActorId::China)
                } else {
                    To::one(ActorId::Dprk)
                };
                out.send(to, Msg::TalksOffer(terms));
            }
            Some(t) => {
                if t.inducements > 0.0 {
                    out.send(To::one(ActorId::Dprk), Msg::Inducement { amount: 0.02 * t.inducements });
                }
                if self.verified_months >= RELIEF_INTERVAL && t.relief > 0.0 {
                    self.verified_months = 0;
                    let amount = t.relief * w.unsc.sanctions;
                    let via_unsc = amount * t.relief_via_unsc;
                    if via_unsc > 0.0 {
                        out.send(To::two(ActorId::Unsc, ActorId::China), Msg::ProposeRelief { amount: via_unsc });
                    }
                    if amount - via_unsc > 0.0 {
                        out.send(To::one(ActorId::Dprk), Msg::Inducement { amount: amount - via_unsc });
                    }
                }
            }
            None => {}
        }
    }

    fn posture(&mut self, cx: &Ctx, rng: &mut SimRng, out: &mut Outbox) {
        let w = cx.world;
        // Joint exercises need Seoul: a divided alliance holds fewer.
        if chance(rng, 0.25 * self.policy.get(Lever::Exercises) * w.rok.cohesion) {
            out.send(To::ALL, Msg::ExerciseHeld);
        }
        if w.tension >= Rung::MissileTest && chance(rng, 0.3 * self.policy.get(Lever::Rhetoric)) {
            out.send(To::ALL, Msg::Threat);
        }
    }

    fn force(&mut self, cx: &Ctx, rng: &mut SimRng, out: &mut Outbox, crisis: bool) {
        let w = cx.world;
        if w.at_war {
            if chance(rng, cx.params[P::WarEnd]) {
                out.send(To::ALL, Msg::Ceasefire);
            }
            return;
        }
        if self.at_war || !crisis {
            return; // a war declared this month, or no crisis to answer
        }
        let p = strike_probability(
            cx.params,
            self.policy.get(Lever::Force),
            w.dprk.warheads as f64 * w.dprk.capability,
            w.rok.engagement,
            w.rok.cohesion,
        );
        if chance(rng, p) {
            out.send(To::ALL, Msg::Strike);
        }
    }
}

/// Probability that the US answers a deadly incident with a limited strike: the policy's
/// willingness (at least 0.2: any administration answers some attacks), deterred by the
/// deliverable arsenal as in [`strike_probability`] (H2).
fn incident_response(p: &crate::Params, policy: &Policy, w: &crate::World) -> f64 {
    let deliverable = w.dprk.warheads as f64 * w.dprk.capability;
    super::unit(
        p[P::IncidentEscalation] * policy.get(Lever::Force).max(0.2) * libm::exp(-deliverable / p[P::DeterrenceScale]),
    )
}

/// Monthly probability of a US strike in a crisis (H2): falls exponentially with the
/// deliverable arsenal (warheads x missile capability), and a Seoul bent on engagement
/// restrains it as far as the alliance holds.
pub fn strike_probability(p: &crate::Params, force: f64, deliverable: f64, rok_engagement: f64, cohesion: f64) -> f64 {
    let deterred = libm::exp(-deliverable.max(0.0) / p[P::DeterrenceScale]);
    let restrained = 1.0 - p[P::RokStrikeVeto] * rok_engagement * cohesion;
    super::unit(p[P::StrikeRate] * force * deterred * restrained)
}
