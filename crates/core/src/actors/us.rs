use super::{chance, unit, Ctx};
use crate::ladder::Rung;
use crate::message::{ActorId, Collapse, Draft, Msg, Outbox, Terms, To};
use crate::params::{Param as P, Params};
use crate::policy::{Lever, Policy};
use crate::world::{UsPublic, World};
use crate::SimRng;

/// The United States: its strategy, the deal it is party to, and the election clock.
#[derive(Clone, Debug)]
pub struct Us {
    policy: Policy,
    election_target: Option<Policy>,
    policy_index: u8,
    deal: Option<Terms>,
    verified_months: u32,
    at_war: bool,
    /// Shipments already interdicted or attributed (their reports arrive until the DPRK hears).
    handled: Vec<u32>,
}

/// What the US saw last month that calls for an answer.
#[derive(Default)]
struct Seen {
    /// A crisis that opens the strike window: a long-range launch, a nuclear test, an accident
    /// taken as a crisis, or a transfer attributed this month.
    crisis: bool,
    /// A strike already ordered this month (at most one).
    struck: bool,
    /// The DPRK asked for talks.
    request: bool,
}

impl Us {
    /// A US following `policy`, which an election may switch to `election_target`.
    pub fn new(policy: Policy, election_target: Option<Policy>) -> Us {
        Us {
            policy,
            election_target,
            policy_index: 0,
            deal: None,
            verified_months: 0,
            at_war: false,
            handled: Vec::new(),
        }
    }

    /// The policy in force.
    pub fn policy(&self) -> &Policy {
        &self.policy
    }

    /// Public posture.
    pub fn public(&self) -> UsPublic {
        UsPublic {
            policy_index: self.policy_index,
            hardness: self.policy.hardness(),
            force: self.policy.get(Lever::Force),
            sanction_push: self.policy.get(Lever::SanctionPush),
        }
    }

    pub(crate) fn step(&mut self, cx: &Ctx, rng: &mut SimRng, out: &mut Outbox) {
        self.election(cx, rng, out);
        self.at_war = cx.world.at_war;
        let seen = self.read_inbox(cx, rng, out);
        self.diplomacy(cx, rng, out, seen.request);
        self.posture(cx, rng, out);
        self.force(cx, rng, out, seen.crisis && !seen.struck);
    }

    fn read_inbox(&mut self, cx: &Ctx, rng: &mut SimRng, out: &mut Outbox) -> Seen {
        let (w, p) = (cx.world, cx.params);
        let mut seen = Seen::default();
        for (_, m) in cx.inbox() {
            match *m {
                Msg::MissileTest { long_range, .. } => seen.crisis |= long_range,
                Msg::NuclearTest => seen.crisis = true,
                Msg::NuclearAccident => seen.crisis |= chance(rng, p[P::AccidentCrisis]),
                Msg::TalksRequest => seen.request = true,
                Msg::DealAgreed(t) => {
                    self.deal = Some(t);
                    self.verified_months = 0;
                }
                Msg::DealEndedByDprk(_) => self.deal = None,
                Msg::Report { violation: true, .. } => self.end_deal(out, Collapse::ViolationDetected),
                Msg::Report { confidence, violation: false }
                    if self.deal.is_some() && confidence > p[P::VerifiedConfidence] =>
                {
                    self.verified_months += 1
                }
                Msg::SiteActivity { covert: true } if chance(rng, p[P::DetectWithoutAccess]) => {
                    self.end_deal(out, Collapse::ViolationDetected)
                }
                // Intelligence on a sale: seized in transit, or attributed once delivered. Material
                // accounting under inspections (transparency) makes both likelier.
                Msg::Shipment { id, delivered }
                    if !self.handled.contains(&id) && chance(rng, transfer_detection(p, w)) =>
                {
                    self.handled.push(id);
                    if delivered {
                        out.send(To::ALL, Msg::TransferAttributed(id));
                        seen.crisis = true;
                    } else {
                        out.send(To::ALL, Msg::Interdiction(id));
                    }
                }
                Msg::Retaliation if !self.at_war && chance(rng, p[P::WarFromRetaliation]) => {
                    out.send(To::ALL, Msg::WarBegins);
                    self.at_war = true;
                }
                Msg::DeadlyIncident
                    if !seen.struck && !self.at_war && chance(rng, incident_response(p, &self.policy, w)) =>
                {
                    out.send(To::ALL, Msg::Strike);
                    seen.struck = true;
                }
                _ => {}
            }
        }
        seen
    }

    fn election(&mut self, cx: &Ctx, rng: &mut SimRng, out: &mut Outbox) {
        let period = (cx.params[P::UsElectionPeriod].round() as u32).max(1);
        if cx.month == 0 || cx.month % period != 0 {
            return;
        }
        if let Some(target) = self.election_target.as_mut() {
            if chance(rng, cx.params[P::ElectionSwitch]) {
                std::mem::swap(&mut self.policy, target);
                self.policy_index ^= 1;
                out.send(To::ALL, Msg::PolicyChanged);
            }
        }
    }

    /// Adopts `policy` from now on (an imposed event: an era of the record).
    pub(crate) fn adopt(&mut self, policy: Policy, out: &mut Outbox) {
        self.policy = policy;
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
            out.send(To::one(ActorId::Unsc), Msg::ProposeSanctions(Draft::SanctionsAfterViolation));
        }
    }

    /// Talks: the policy's own offers, offers after a crisis whatever the policy, and answers to
    /// the DPRK's requests; a crisis also eases the precondition. Under a deal: inducements and
    /// relief for verified compliance.
    fn diplomacy(&mut self, cx: &Ctx, rng: &mut SimRng, out: &mut Outbox, request: bool) {
        let (w, p) = (cx.world, cx.params);
        match self.deal {
            None if !w.dprk.in_talks && w.dprk.deal.is_none() && !w.at_war => {
                let mut terms = Terms::of(&self.policy);
                terms.precondition *= 1.0 - p[P::CrisisEasing] * w.crisis;
                let own = self.policy.get(Lever::Talks);
                let offer = own + (1.0 - own) * p[P::CrisisTalks] * w.crisis;
                let answer = if request { 1.0 - p[P::PreconditionBar] * terms.precondition } else { 0.0 };
                if chance(rng, 1.0 - (1.0 - offer) * (1.0 - answer)) {
                    // China hears of talks it hosts (it does nothing with the offer itself).
                    let to = if terms.multilateral > 0.0 {
                        To::two(ActorId::Dprk, ActorId::China)
                    } else {
                        To::one(ActorId::Dprk)
                    };
                    out.send(to, Msg::TalksOffer(terms));
                }
            }
            Some(t) => {
                if t.inducements > 0.0 {
                    out.send(To::one(ActorId::Dprk), Msg::Inducement { amount: p[P::InducementSize] * t.inducements });
                }
                if self.verified_months as f64 >= p[P::ReliefInterval] && t.relief > 0.0 {
                    self.verified_months = 0;
                    let amount = t.relief * w.unsc.sanctions;
                    let via_unsc = amount * t.relief_via_unsc;
                    if via_unsc > 0.0 {
                        out.send(To::one(ActorId::Unsc), Msg::ProposeRelief { amount: via_unsc });
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
        let (w, p) = (cx.world, cx.params);
        // Joint exercises need Seoul: a divided alliance holds fewer.
        if chance(rng, p[P::ExerciseRate] * self.policy.get(Lever::Exercises) * w.rok.cohesion) {
            out.send(To::ALL, Msg::ExerciseHeld);
        }
        if w.tension >= Rung::MissileTest && chance(rng, p[P::RhetoricRate] * self.policy.get(Lever::Rhetoric)) {
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

/// Monthly probability that US intelligence finds a shipment (in transit or delivered):
/// national means, plus material accounting at the IAEA's verification confidence.
fn transfer_detection(p: &Params, w: &World) -> f64 {
    p[P::TransferDetection] + p[P::TransparencyDetection] * w.iaea.confidence
}

/// Probability that the US answers a deadly incident with a limited strike: the policy's
/// willingness (at least `min_force_response`: any administration answers some attacks),
/// deterred by the deliverable arsenal as in [`strike_probability`] (H2).
fn incident_response(p: &Params, policy: &Policy, w: &World) -> f64 {
    let deliverable = w.dprk.warheads as f64 * w.dprk.capability;
    unit(
        p[P::IncidentEscalation]
            * policy.get(Lever::Force).max(p[P::MinForceResponse])
            * libm::exp(-deliverable / p[P::DeterrenceScale]),
    )
}

/// Monthly probability of a US strike in a crisis (H2): falls exponentially with the
/// deliverable arsenal (warheads x missile capability), and a Seoul bent on engagement
/// restrains it as far as the alliance holds.
pub fn strike_probability(p: &Params, force: f64, deliverable: f64, rok_engagement: f64, cohesion: f64) -> f64 {
    let deterred = libm::exp(-deliverable.max(0.0) / p[P::DeterrenceScale]);
    let restrained = 1.0 - p[P::RokStrikeVeto] * rok_engagement * cohesion;
    unit(p[P::StrikeRate] * force * deterred * restrained)
}
