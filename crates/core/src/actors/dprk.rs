use super::{chance, stochastic_round, unit, Ctx};
use crate::ladder::Rung;
use crate::message::{ActorId, Collapse, Draft, Msg, Outbox, Terms, To};
use crate::params::{Param as P, Params};
use crate::world::DprkPublic;
use crate::SimRng;
use rand::Rng as _;
use rand_distr::{Distribution, Poisson};

/// North Korea: the programme, the regime's threat perception, economic stress and trust.
#[derive(Clone, Debug)]
pub struct Dprk {
    /// Assembled warheads.
    pub warheads: u32,
    /// Unassembled fissile material, kg.
    pub fissile_kg: f64,
    /// Missile capability, 0..1.
    pub capability: f64,
    /// Regime threat perception, 0..1.
    pub threat: f64,
    /// Trust in US commitments, 0..1.
    pub trust: f64,
    /// Economic stress, 0..1.
    pub stress: f64,
    talks: Option<Terms>,
    deal: Option<Terms>,
    cheating: bool,
    inspectors: bool,
}

/// What DPRK heard last month that moves its threat perception.
#[derive(Default)]
struct Heard {
    exercises: u32,
    threats: u32,
    strike: bool,
    engagement: bool,
}

impl Dprk {
    /// DPRK at the initial state the parameters give.
    pub fn new(p: &Params) -> Dprk {
        Dprk {
            warheads: p[P::InitialWarheads].round() as u32,
            fissile_kg: p[P::InitialFissileKg],
            capability: p[P::InitialCapability],
            threat: p[P::InitialThreat],
            trust: p[P::InitialTrust],
            stress: p[P::InitialStress],
            talks: None,
            deal: None,
            cheating: false,
            inspectors: false,
        }
    }

    /// Public facts.
    pub fn public(&self) -> DprkPublic {
        DprkPublic {
            warheads: self.warheads,
            capability: self.capability,
            in_talks: self.talks.is_some(),
            deal: self.deal,
        }
    }

    pub(crate) fn step(&mut self, cx: &Ctx, rng: &mut SimRng, out: &mut Outbox) {
        let heard = self.read_inbox(cx, rng, out);
        self.update_economy(cx);
        self.update_threat(cx, &heard);
        self.negotiate(cx, rng, out);
        self.keep_or_break_deal(cx, rng, out);
        self.programme(cx, rng);
        self.provoke(cx, rng, out);
        self.hazards(cx, rng, out);
    }

    /// Puts a deal on `t` in force now (an imposed event), inviting inspectors if it asks
    /// for verification; the US and the IAEA hear of it as of any deal.
    pub(crate) fn impose_deal(&mut self, t: Terms, out: &mut Outbox) {
        self.talks = None;
        self.deal = Some(t);
        self.cheating = false;
        out.send(To::ALL, Msg::DealAgreed(t));
        if t.verification > 0.0 {
            self.inspectors = true;
            out.send(To::ALL, Msg::InspectorsInvited { coverage: t.verification, safety: t.safety });
        }
    }

    fn read_inbox(&mut self, cx: &Ctx, rng: &mut SimRng, out: &mut Outbox) -> Heard {
        let p = cx.params;
        let mut heard = Heard::default();
        for (_, m) in cx.inbox() {
            match *m {
                Msg::TalksOffer(t) if self.talks.is_none() && self.deal.is_none() => {
                    let accept = p[P::TalksAcceptance] * (1.0 - 0.9 * t.precondition) * (0.5 + self.trust);
                    if chance(rng, accept) {
                        self.talks = Some(t);
                        out.send(To::two(ActorId::Us, ActorId::China), Msg::TalksAccepted);
                    } else {
                        out.send(To::one(ActorId::Us), Msg::TalksRefused);
                    }
                }
                Msg::ExerciseHeld => heard.exercises += 1,
                Msg::Threat => heard.threats += 1,
                Msg::Strike => {
                    heard.strike = true;
                    self.lose_trust(p, 2.0);
                    if chance(rng, p[P::Retaliation]) {
                        out.send(To::ALL, Msg::Retaliation);
                    }
                }
                Msg::InterKoreanEngagement => heard.engagement = true,
                Msg::Inducement { amount } => {
                    self.stress = unit(self.stress - amount);
                    self.trust = unit(self.trust + p[P::TrustGain] * (amount * 10.0).min(1.0));
                }
                Msg::ResolutionAdopted { kind: Draft::Relief, .. } => self.trust = unit(self.trust + p[P::TrustGain]),
                // Relief promised for verified steps that never arrives is a broken commitment (H6).
                Msg::ResolutionFailed { kind: Draft::Relief } => self.lose_trust(p, 1.0),
                Msg::ResolutionAdopted { .. } if self.deal.is_some() => self.lose_trust(p, 1.0),
                Msg::DealEndedByUs(_) => {
                    self.deal = None;
                    self.cheating = false;
                    self.lose_trust(p, 1.0);
                    self.expel(out);
                }
                _ => {}
            }
        }
        // Trust drifts toward a low baseline without fresh commitments.
        self.trust += p[P::TrustDecay] * (0.1 - self.trust);
        heard
    }

    fn lose_trust(&mut self, p: &Params, times: f64) {
        self.trust = unit(self.trust - times * p[P::TrustLoss]);
    }

    fn expel(&mut self, out: &mut Outbox) {
        if self.inspectors {
            self.inspectors = false;
            out.send(To::ALL, Msg::InspectorsExpelled);
        }
    }

    fn update_economy(&mut self, cx: &Ctx) {
        let p = cx.params;
        let w = cx.world;
        let target = p[P::SanctionBite] * w.unsc.sanctions * (0.3 + 0.7 * w.china.enforcement);
        self.stress += p[P::StressAdjust] * (target - self.stress);
    }

    fn update_threat(&mut self, cx: &Ctx, h: &Heard) {
        let p = cx.params;
        let w = cx.world;
        // Security comes from the deliverable arsenal, as the US counts it.
        let w_ = self.warheads as f64 * self.capability;
        let comfort = p[P::DeterrenceComfort] * w_ / (w_ + p[P::DeterrenceHalf]);
        let target = 0.35
            + 0.25 * (h.exercises.min(1) as f64)
            + 0.1 * (h.threats.min(2) as f64)
            + 0.3 * w.unsc.sanctions * w.china.enforcement
            - 0.15 * f64::from(u8::from(self.talks.is_some()))
            - 0.25 * f64::from(u8::from(self.deal.is_some()))
            - 0.1 * f64::from(u8::from(h.engagement))
            - comfort;
        self.threat += p[P::ThreatAdjust] * (unit(target) - self.threat);
        if h.strike || w.at_war {
            self.threat = 1.0;
        }
    }

    fn negotiate(&mut self, cx: &Ctx, rng: &mut SimRng, out: &mut Outbox) {
        let Some(t) = self.talks else { return };
        let p = cx.params;
        if chance(rng, deal_probability(p, &t, self.warheads, self.trust, self.stress)) {
            self.talks = None;
            self.deal = Some(t);
            out.send(To::ALL, Msg::DealAgreed(t));
            if t.verification > 0.0 {
                self.inspectors = true;
                out.send(To::ALL, Msg::InspectorsInvited { coverage: t.verification, safety: t.safety });
            }
        } else if chance(rng, p[P::TalksBreakoff]) {
            self.talks = None;
            out.send(To::one(ActorId::Us), Msg::TalksEnded);
        }
    }

    fn keep_or_break_deal(&mut self, cx: &Ctx, rng: &mut SimRng, out: &mut Outbox) {
        let Some(_) = self.deal else { return };
        let p = cx.params;
        if self.trust < p[P::WalkoutTrust] || chance(rng, p[P::DealBreakdown]) {
            let why = if self.trust < p[P::WalkoutTrust] { Collapse::DprkWalkout } else { Collapse::Breakdown };
            self.deal = None;
            self.cheating = false;
            out.send(To::ALL, Msg::DealEndedByDprk(why));
            self.expel(out);
            return;
        }
        if !self.cheating && chance(rng, p[P::CheatRate] * (1.0 - self.trust) * (0.5 + self.threat)) {
            self.cheating = true;
        }
        let to = if self.inspectors { To::two(ActorId::Us, ActorId::Iaea) } else { To::one(ActorId::Us) };
        out.send(to, Msg::SiteActivity { covert: self.cheating });
    }

    fn programme(&mut self, cx: &Ctx, rng: &mut SimRng) {
        let p = cx.params;
        let pace = match (self.deal, self.cheating) {
            (None, _) => 1.0,
            (Some(_), true) => p[P::CovertProduction],
            (Some(_), false) => 0.0,
        };
        self.fissile_kg += pace * p[P::FissileKgPerMonth] * (1.0 - p[P::StressProductionDrag] * self.stress);
        // Whole warhead-worths of spare material (truncation is the floor for x >= 0).
        let spare = (self.fissile_kg / p[P::KgPerWarhead]).max(0.0) as u32;
        let built = stochastic_round(rng, p[P::AssemblyRate] * spare as f64 * pace).min(spare);
        self.warheads += built;
        self.fissile_kg -= built as f64 * p[P::KgPerWarhead];
        if let Some(t) = self.deal {
            if !self.cheating && t.demand > 0.0 {
                let gone =
                    stochastic_round(rng, p[P::DismantleRate] * t.demand * self.warheads as f64).min(self.warheads);
                self.warheads -= gone;
            }
        }
    }

    fn provoke(&mut self, cx: &Ctx, rng: &mut SimRng, out: &mut Outbox) {
        let p = cx.params;
        let w = cx.world;
        if w.at_war {
            return self.wage_war(cx, rng, out);
        }
        // One factor scales every test: threat perception, and restraint under a deal or talks.
        let drive = libm::exp(p[P::ThreatElasticity] * (self.threat - 0.5)) * self.restraint(p);
        let count = poisson(rng, p[P::MissileRate] * drive).min(20);
        if count > 0 {
            let long_range = chance(rng, 1.0 - libm::pow(1.0 - p[P::LongRangeShare], count as f64));
            self.capability = unit(self.capability + p[P::CapabilityLearning] * count as f64);
            out.send(To::ALL, Msg::MissileTest { count: count as u8, long_range });
        }
        if chance(rng, p[P::NuclearTestRate] * drive) {
            out.send(To::ALL, Msg::NuclearTest);
        }
        if chance(rng, p[P::IncidentRate] * 2.0 * self.threat) {
            out.send(To::ALL, Msg::DeadlyIncident);
        }
    }

    /// Multiplier on testing from a deal's moratorium or from talks under way.
    fn restraint(&self, p: &Params) -> f64 {
        if self.deal.is_some() {
            1.0 - p[P::MoratoriumEffect]
        } else if self.talks.is_some() {
            1.0 - p[P::TalksRestraint]
        } else {
            1.0
        }
    }

    fn wage_war(&mut self, cx: &Ctx, rng: &mut SimRng, out: &mut Outbox) {
        let p = cx.params;
        if self.warheads > 0 {
            if chance(rng, p[P::NuclearUseInWar] * self.threat) {
                out.send(To::ALL, Msg::NuclearUse);
            } else if chance(rng, p[P::NuclearAlertInWar]) {
                out.send(To::ALL, Msg::NuclearAlert);
            }
        }
    }

    fn hazards(&mut self, cx: &Ctx, rng: &mut SimRng, out: &mut Outbox) {
        let p = cx.params;
        let w = cx.world;
        if chance(rng, accident_hazard(p, self.warheads, w.alert, w.iaea.safety)) {
            out.send(To::ALL, Msg::NuclearAccident);
        }
        if chance(
            rng,
            transfer_hazard(
                p,
                self.fissile_kg + self.warheads as f64 * p[P::KgPerWarhead],
                self.stress,
                w.iaea.confidence,
            ),
        ) {
            out.send(To::NOBODY, Msg::MaterialTransferred);
        }
        // Misread intent (Schelling): a step up from the current crisis level that nobody chose.
        let misread = p[P::InadvertentRate]
            * w.alert
            * (w.tension as u8 as f64 / 9.0)
            * (1.0 - p[P::MisreadTransparency] * w.iaea.confidence);
        if w.tension >= Rung::Posturing && chance(rng, misread) {
            let msg = match w.tension.up() {
                r if r <= Rung::DeadlyIncident => Msg::DeadlyIncident,
                Rung::LimitedStrikes => Msg::Retaliation,
                Rung::War => Msg::WarBegins,
                Rung::NuclearAlert => Msg::NuclearAlert,
                _ if self.warheads > 0 => Msg::NuclearUse,
                _ => Msg::NuclearAlert,
            };
            out.send(To::ALL, msg);
        }
    }
}

/// A Poisson draw. For the small means of monthly launches (below 30) it inverts the CDF with
/// one uniform draw; above, it uses rand_distr's sampler.
fn poisson(rng: &mut SimRng, lambda: f64) -> u32 {
    if lambda <= 0.0 || !lambda.is_finite() {
        return 0;
    }
    if lambda < 30.0 {
        let u: f64 = rng.random();
        let mut term = libm::exp(-lambda);
        let mut cdf = term;
        let mut k = 0u32;
        while u > cdf && k < 200 {
            k += 1;
            term *= lambda / k as f64;
            cdf += term;
        }
        return k;
    }
    Poisson::new(lambda).map(|d| d.sample(rng) as u32).unwrap_or(0)
}

/// Monthly probability that talks on terms `t` close a deal (H1, H6, Powell 2006): falls with
/// the disarmament demanded, the more steeply the larger the arsenal; rises with trust, with
/// economic stress, and when China hosts.
pub fn deal_probability(p: &Params, t: &Terms, warheads: u32, trust: f64, stress: f64) -> f64 {
    let attachment = 1.0 + warheads as f64 / p[P::AttachmentHalf];
    let acceptance = libm::exp(-p[P::CvidResistance] * t.demand * attachment);
    let mediation = 1.0 + p[P::ChinaMediation] * t.multilateral;
    unit(p[P::DealRate] * (0.2 + 0.8 * trust) * acceptance * (0.5 + stress) * mediation)
}

/// Monthly nuclear-accident hazard (H5): per warhead, raised by the alert level, lowered by
/// the safety measures in place.
pub fn accident_hazard(p: &Params, warheads: u32, alert: f64, safety: f64) -> f64 {
    unit(
        p[P::AccidentRate]
            * warheads as f64
            * (1.0 + p[P::AlertAccidentFactor] * alert)
            * (1.0 - p[P::SafetyEffect] * safety),
    )
}

/// Monthly onward-transfer hazard (H5): grows with the stock and with economic stress, falls
/// with verification confidence (transparency).
pub fn transfer_hazard(p: &Params, stock_kg: f64, stress: f64, confidence: f64) -> f64 {
    let stock = stock_kg / (stock_kg + 25.0);
    unit(p[P::TransferRate] * stock * stress * stress * (1.0 - p[P::TransparencyEffect] * confidence))
}
