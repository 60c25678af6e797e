use super::{chance, stochastic_round, trust_factor, unit, Ctx};
use crate::draw::poisson;
use crate::ladder::Rung;
use crate::message::{ActorId, Collapse, Draft, Msg, Outbox, Terms, To};
use crate::params::{Param as P, Params, REFERENCE};
use crate::world::{DprkPublic, World};
use crate::SimRng;

/// North Korea: the programme, the regime's threat perception, economic stress and trust.
#[derive(Clone, Debug)]
pub struct Dprk {
    /// Assembled warheads.
    pub warheads: u32,
    /// Unassembled fissile material, kg Pu-equivalent.
    pub fissile_kg: f64,
    /// Missile capability, 0..1.
    pub capability: f64,
    /// Nuclear design maturity, 0..1.
    pub design: f64,
    /// Regime threat perception, 0..1.
    pub threat: f64,
    /// Trust in US commitments, 0..1.
    pub trust: f64,
    /// Economic stress, 0..1.
    pub stress: f64,
    /// Plutonium production capacity, kg a month.
    pub plutonium: f64,
    /// Enrichment capacity, kg Pu-equivalent a month.
    pub enrichment: f64,
    months_since_test: i32,
    talks: Option<Terms>,
    deal: Option<Terms>,
    cheating: bool,
    inspectors: bool,
    campaign: bool,
    moratorium: bool,
    /// The shipment in transit, if any.
    in_transit: Option<u32>,
    /// Delivered shipments not yet attributed.
    unattributed: Vec<u32>,
    /// Sales so far (the next shipment's number).
    sales: u32,
}

/// What the DPRK heard last month that moves its threat perception.
#[derive(Default)]
struct Heard {
    exercise: bool,
    threat: bool,
    strike: bool,
    engagement: bool,
    accident: bool,
}

impl Dprk {
    /// The DPRK at the initial state the parameters give.
    pub fn new(p: &Params) -> Dprk {
        Dprk {
            warheads: p[P::InitialWarheads].round() as u32,
            fissile_kg: p[P::InitialFissileKg],
            capability: p[P::InitialCapability],
            design: p[P::InitialDesign],
            threat: p[P::InitialThreat],
            trust: p[P::InitialTrust],
            stress: p[P::InitialStress],
            plutonium: p[P::PlutoniumKgPerMonth],
            enrichment: p[P::EnrichmentKgPerMonth],
            months_since_test: p[P::InitialMonthsSinceTest].round() as i32,
            talks: None,
            deal: None,
            cheating: false,
            inspectors: false,
            campaign: false,
            moratorium: false,
            in_transit: None,
            unattributed: Vec::new(),
            sales: 0,
        }
    }

    /// Public facts.
    pub fn public(&self) -> DprkPublic {
        DprkPublic {
            warheads: self.warheads,
            capability: self.capability,
            in_talks: self.talks.is_some(),
            deal: self.deal,
            moratorium: self.moratorium,
        }
    }

    pub(crate) fn step(&mut self, cx: &Ctx, rng: &mut SimRng, out: &mut Outbox) {
        let heard = self.read_inbox(cx, rng, out);
        self.update_economy(cx);
        self.update_threat(cx, &heard);
        self.seek_talks(cx, rng, out);
        self.negotiate(cx, rng, out);
        self.keep_or_break_deal(cx, rng, out);
        self.programme(cx, rng);
        self.declare_or_lift_moratorium(cx, rng, out);
        self.provoke(cx, rng, out);
        self.hazards(cx, rng, out);
    }

    /// Puts a deal on `t` in force now (an imposed event), inviting inspectors if it asks
    /// for verification; the US and the IAEA hear of it as of any deal.
    pub(crate) fn impose_deal(&mut self, t: Terms, out: &mut Outbox) {
        self.agree(t, out);
    }

    /// Declares (or lifts) a testing moratorium now (an imposed event).
    pub(crate) fn impose_moratorium(&mut self, on: bool, out: &mut Outbox) {
        if on != self.moratorium {
            self.moratorium = on;
            out.send(To::ALL, if on { Msg::MoratoriumDeclared } else { Msg::MoratoriumEnded });
        }
    }

    /// Sets the production capacities from now on (an imposed event: the recorded path).
    pub(crate) fn set_capacity(&mut self, plutonium: f64, enrichment: f64) {
        self.plutonium = plutonium.max(0.0);
        self.enrichment = enrichment.max(0.0);
    }

    fn agree(&mut self, t: Terms, out: &mut Outbox) {
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
                    if chance(rng, talks_acceptance(p, &t, self.trust)) {
                        self.talks = Some(t);
                        out.send(To::two(ActorId::Us, ActorId::China), Msg::TalksAccepted);
                    } else {
                        out.send(To::one(ActorId::Us), Msg::TalksRefused);
                    }
                }
                Msg::ExerciseHeld => heard.exercise = true,
                Msg::Threat => heard.threat = true,
                // A boarding is a hostile act and may turn violent; it seizes the shipment only if
                // the shipment has not reached its buyer in the meantime.
                Msg::Interdiction(id) => {
                    heard.threat = true;
                    if self.in_transit == Some(id) {
                        self.in_transit = None;
                        out.send(To::NOBODY, Msg::ShipmentSeized);
                    }
                    if chance(rng, p[P::InterdictionClash]) {
                        out.send(To::ALL, Msg::DeadlyIncident);
                    }
                }
                Msg::TransferAttributed(id) => self.unattributed.retain(|x| *x != id),
                Msg::Strike => {
                    heard.strike = true;
                    self.trust = unit(self.trust - p[P::StrikeBetrayal]);
                    if chance(rng, p[P::Retaliation]) {
                        out.send(To::ALL, Msg::Retaliation);
                    }
                }
                Msg::InterKoreanEngagement => heard.engagement = true,
                // Its own accident: the regime fears the US will exploit the chaos.
                Msg::NuclearAccident => heard.accident = true,
                // Bilateral inducements and easing relieve the economy directly.
                Msg::Inducement { amount } => {
                    self.stress = unit(self.stress - amount);
                    self.receive_value(p, amount);
                }
                Msg::ResolutionAdopted { kind: Draft::Relief, step, .. } => {
                    self.trust = unit(self.trust + p[P::TrustGain]);
                    self.receive_value(p, step);
                }
                // Relief promised for verified steps that never arrives is a broken commitment (H6).
                Msg::ResolutionFailed { kind: Draft::Relief } => self.lose_trust(p),
                Msg::ResolutionAdopted { .. } if self.deal.is_some() => self.lose_trust(p),
                Msg::DealEndedByUs(_) => {
                    self.deal = None;
                    self.cheating = false;
                    self.lose_trust(p);
                    self.expel(out);
                }
                _ => {}
            }
        }
        // Trust drifts toward its baseline every month.
        self.trust += p[P::TrustDecay] * (p[P::TrustBaseline] - self.trust);
        heard
    }

    /// Economic value received (bilateral inducements or easing, or UNSC relief, whose economic
    /// effect arrives through the lower sanctions level): it buys trust in proportion to its size.
    fn receive_value(&mut self, p: &Params, amount: f64) {
        self.trust = unit(self.trust + p[P::InducementTrust] * amount);
    }

    fn lose_trust(&mut self, p: &Params) {
        self.trust = unit(self.trust - p[P::TrustLoss]);
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
        let leak = p[P::UnenforcedBite];
        let target = p[P::SanctionBite] * w.unsc.sanctions * (leak + (1.0 - leak) * w.china.enforcement);
        self.stress += p[P::StressAdjust] * (target - self.stress);
    }

    /// Threat perception moves toward a target that US/ROK posture and sanctions raise (the
    /// spiral channel, weighted by `spiral_weight`) and talks, a deal and engagement lower.
    fn update_threat(&mut self, cx: &Ctx, h: &Heard) {
        let p = cx.params;
        let w = cx.world;
        let posture = p[P::ExerciseThreat] * f64::from(u8::from(h.exercise))
            + p[P::RhetoricThreat] * f64::from(u8::from(h.threat))
            + p[P::SanctionsThreat] * w.unsc.sanctions * w.china.enforcement;
        let target = p[P::ThreatBase] + p[P::SpiralWeight] * posture
            - p[P::TalksCalm] * f64::from(u8::from(self.talks.is_some()))
            - p[P::DealCalm] * f64::from(u8::from(self.deal.is_some()))
            - p[P::EngagementCalm] * f64::from(u8::from(h.engagement));
        self.threat += p[P::ThreatAdjust] * (unit(target) - self.threat);
        if h.accident {
            self.threat = unit(self.threat + p[P::AccidentThreat] * (1.0 - self.threat));
        }
        if h.strike || w.at_war {
            self.threat = 1.0;
        }
    }

    /// Under economic stress the regime seeks talks and relief (the sanctions-to-talks channel).
    fn seek_talks(&mut self, cx: &Ctx, rng: &mut SimRng, out: &mut Outbox) {
        if self.talks.is_some() || self.deal.is_some() || cx.world.at_war {
            return;
        }
        let p = cx.params;
        if chance(rng, p[P::TalksSeeking] * p[P::StressToTalks] * self.stress) {
            out.send(To::one(ActorId::Us), Msg::TalksRequest);
        }
    }

    fn negotiate(&mut self, cx: &Ctx, rng: &mut SimRng, out: &mut Outbox) {
        let Some(t) = self.talks else { return };
        let p = cx.params;
        if chance(rng, deal_probability(p, &t, self.warheads, self.trust, self.stress)) {
            self.agree(t, out);
        } else if chance(rng, p[P::TalksBreakoff]) {
            self.talks = None;
            out.send(To::one(ActorId::Us), Msg::TalksEnded);
        }
    }

    fn keep_or_break_deal(&mut self, cx: &Ctx, rng: &mut SimRng, out: &mut Outbox) {
        let Some(_) = self.deal else { return };
        let p = cx.params;
        let walkout = self.trust < p[P::WalkoutTrust];
        if walkout || chance(rng, p[P::DealBreakdown]) {
            let why = if walkout { Collapse::DprkWalkout } else { Collapse::Breakdown };
            self.deal = None;
            self.cheating = false;
            out.send(To::ALL, Msg::DealEndedByDprk(why));
            self.expel(out);
            return;
        }
        let cheat =
            p[P::CheatRate] * (1.0 - self.trust) * libm::exp(p[P::ThreatElasticity] * (self.threat - REFERENCE));
        if !self.cheating && chance(rng, cheat) {
            self.cheating = true;
        }
        let to = if self.inspectors { To::two(ActorId::Us, ActorId::Iaea) } else { To::one(ActorId::Us) };
        out.send(to, Msg::SiteActivity { covert: self.cheating });
    }

    /// Fissile production from the reactor and enrichment capacities; a deal freezes the
    /// (monitored) reactor, and enrichment too unless the DPRK cheats; assembly; dismantlement
    /// under a deal that demands it.
    fn programme(&mut self, cx: &Ctx, rng: &mut SimRng) {
        let p = cx.params;
        let (pace, produced) = match (self.deal, self.cheating) {
            (None, _) => (1.0, self.plutonium + self.enrichment),
            (Some(_), true) => (p[P::CovertProduction], p[P::CovertProduction] * self.enrichment),
            (Some(_), false) => (0.0, 0.0),
        };
        self.fissile_kg += produced * (1.0 - p[P::StressProductionDrag] * self.stress);
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
        self.months_since_test = self.months_since_test.saturating_add(1);
    }

    /// Self-declared moratoria outside deals: declared in talks or once the programme is proven
    /// (1999, 2018), lifted as threat perception rises.
    fn declare_or_lift_moratorium(&mut self, cx: &Ctx, rng: &mut SimRng, out: &mut Outbox) {
        let p = cx.params;
        if cx.world.at_war {
            return;
        }
        if self.moratorium {
            if chance(rng, p[P::MoratoriumLapse] * self.threat) {
                self.moratorium = false;
                out.send(To::ALL, Msg::MoratoriumEnded);
            }
        } else {
            let reason = if self.talks.is_some() { 1.0 } else { self.capability * self.design };
            if chance(rng, p[P::MoratoriumDeclare] * reason) {
                self.moratorium = true;
                out.send(To::ALL, Msg::MoratoriumDeclared);
            }
        }
    }

    fn provoke(&mut self, cx: &Ctx, rng: &mut SimRng, out: &mut Outbox) {
        let p = cx.params;
        let w = cx.world;
        if w.at_war {
            return self.wage_war(cx, rng, out);
        }
        let drive = libm::exp(provocation_drive(p, w, self.threat, self.stress, self.deliverable()));
        // Missile development campaigns: more likely the further capability is from its goal.
        if self.campaign {
            self.campaign = !chance(rng, p[P::CampaignEnd]);
        } else {
            self.campaign = chance(rng, p[P::CampaignStart] * (1.0 - self.capability));
        }
        let campaign = 1.0 + p[P::CampaignBoost] * f64::from(u8::from(self.campaign));
        // Talks and deals hold back all testing, a declared moratorium nuclear and long-range
        // tests only; in each case only the part not set by the development plan.
        let restraint = self.restraint(p);
        let declared = if self.moratorium { 1.0 - p[P::MoratoriumEffect] } else { 1.0 };
        let count = poisson(rng, p[P::MissileRate] * drive * campaign * planned(p, restraint)).min(u8::MAX.into());
        if count > 0 {
            let share = p[P::LongRangeShare] * planned(p, declared);
            let long_range = chance(rng, 1.0 - libm::pow(1.0 - unit(share), count as f64));
            self.capability = unit(self.capability + p[P::CapabilityLearning] * count as f64);
            out.send(To::ALL, Msg::MissileTest { count: count as u8, long_range });
        }
        let ready = self.months_since_test as f64 >= p[P::TestPrepMonths]
            && (self.fissile_kg >= p[P::KgPerWarhead] || self.warheads > 0);
        let unproven = 1.0 - p[P::ProvenRestraint] * self.design;
        if ready && chance(rng, p[P::NuclearTestRate] * drive * planned(p, restraint * declared) * unproven) {
            self.nuclear_test(p);
            out.send(To::ALL, Msg::NuclearTest);
        }
        if chance(rng, p[P::IncidentRate] * drive) {
            out.send(To::ALL, Msg::DeadlyIncident);
        }
    }

    /// A test uses one device's material (a warhead if no loose material is left) and teaches
    /// the designers.
    fn nuclear_test(&mut self, p: &Params) {
        if self.fissile_kg >= p[P::KgPerWarhead] {
            self.fissile_kg -= p[P::KgPerWarhead];
        } else {
            self.warheads -= 1;
        }
        self.design = unit(self.design + p[P::DesignLearning]);
        self.months_since_test = 0;
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

    fn deliverable(&self) -> f64 {
        self.warheads as f64 * self.capability
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
        self.sell(cx, rng, out);
        // Misread intent (Schelling): a step up from the current crisis level that nobody chose.
        let misread = p[P::InadvertentRate]
            * w.alert
            * (w.tension as u8 as f64 / Rung::NuclearUse as u8 as f64)
            * (1.0 - p[P::MisreadTransparency] * w.iaea.confidence);
        if w.tension >= Rung::Posturing && chance(rng, misread) {
            let msg = match w.tension.up() {
                r if r <= Rung::DeadlyIncident => Msg::DeadlyIncident,
                Rung::LimitedStrikes => Msg::Retaliation,
                Rung::War if !w.at_war => Msg::WarBegins,
                Rung::War => Msg::NuclearAlert,
                Rung::NuclearAlert => Msg::NuclearAlert,
                _ if self.warheads > 0 => Msg::NuclearUse,
                _ => Msg::NuclearAlert,
            };
            out.send(To::ALL, msg);
        }
    }

    /// Onward sales (H5): a sale puts one warhead's worth in transit (loose material, or an
    /// assembled warhead if too little is loose); a shipment reaches its buyer with
    /// `transfer_delivery` a month; US intelligence sees what is in transit or delivered and not
    /// yet attributed (and may interdict or attribute it).
    fn sell(&mut self, cx: &Ctx, rng: &mut SimRng, out: &mut Outbox) {
        let p = cx.params;
        if let Some(id) = self.in_transit {
            if chance(rng, p[P::TransferDelivery]) {
                self.in_transit = None;
                self.unattributed.push(id);
                out.send(To::NOBODY, Msg::TransferDelivered);
            }
        } else {
            let stock = self.fissile_kg + self.warheads as f64 * p[P::KgPerWarhead];
            let worth = self.fissile_kg >= p[P::KgPerWarhead] || self.warheads > 0;
            if worth && chance(rng, transfer_hazard(p, stock, self.stress, cx.world.iaea.confidence)) {
                if self.fissile_kg >= p[P::KgPerWarhead] {
                    self.fissile_kg -= p[P::KgPerWarhead];
                } else {
                    self.warheads -= 1;
                }
                self.sales += 1;
                self.in_transit = Some(self.sales);
                out.send(To::NOBODY, Msg::MaterialTransferred);
            }
        }
        if let Some(id) = self.in_transit {
            out.send(To::one(ActorId::Us), Msg::Shipment { id, delivered: false });
        }
        for id in &self.unattributed {
            out.send(To::one(ActorId::Us), Msg::Shipment { id: *id, delivered: true });
        }
    }
}

/// A restraint `r` on testing as it acts: the share `plan_weight` of testing follows the
/// development plan whatever talks, deals and moratoria; the rest is held back by `r`.
fn planned(p: &Params, r: f64) -> f64 {
    p[P::PlanWeight] + (1.0 - p[P::PlanWeight]) * r
}

/// The log of the multiplier on every provocation hazard (missile and nuclear tests, deadly
/// incidents): threat perception (the spiral's outcome), the provoke-to-be-paid channel of
/// economic stress, the deterrence channel of allied resolve (the US's willingness to use
/// force or Seoul's hawkishness, as far as the alliance holds), and the signed arsenal effect
/// (comforted < 0 < emboldened). 0 at threat 0.5, stress 0.5, no resolve, no arsenal.
pub fn provocation_drive(p: &Params, w: &World, threat: f64, stress: f64, deliverable: f64) -> f64 {
    let hawk = 1.0 - w.rok.engagement;
    let resolve = w.rok.cohesion * (w.us.force + hawk - w.us.force * hawk);
    let secure = deliverable.max(0.0) / (deliverable.max(0.0) + p[P::ArsenalHalf]);
    p[P::ThreatElasticity] * (threat - REFERENCE) + p[P::StressToProvocation] * (stress - REFERENCE)
        - p[P::DeterrenceWeight] * resolve
        + p[P::ArsenalBoldness] * secure
}

/// Probability the DPRK accepts talks on terms `t` (whose precondition the US may have eased
/// after a crisis).
fn talks_acceptance(p: &Params, t: &Terms, trust: f64) -> f64 {
    p[P::TalksAcceptance] * (1.0 - p[P::PreconditionBar] * t.precondition) * trust_factor(p, trust)
}

/// Monthly probability that talks on terms `t` close a deal (H1, H6, Powell 2006): falls with
/// the disarmament demanded, the more steeply the larger the arsenal; rises with trust, with
/// economic stress (weighted by `stress_to_talks`), and when China hosts.
pub fn deal_probability(p: &Params, t: &Terms, warheads: u32, trust: f64, stress: f64) -> f64 {
    let attachment = 1.0 + warheads as f64 / p[P::AttachmentHalf];
    let acceptance = libm::exp(-p[P::CvidResistance] * t.demand * attachment);
    let mediation = 1.0 + p[P::ChinaMediation] * t.multilateral;
    let pressure = libm::exp(p[P::StressToTalks] * (stress - REFERENCE));
    unit(p[P::DealRate] * trust_factor(p, trust) * acceptance * pressure * mediation)
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

/// Monthly onward-sale hazard (H5): grows with the stock and with economic stress (the
/// provoke-to-be-paid channel), falls with verification confidence (transparency).
pub fn transfer_hazard(p: &Params, stock_kg: f64, stress: f64, confidence: f64) -> f64 {
    let stock = stock_kg.max(0.0) / (stock_kg.max(0.0) + p[P::TransferStockHalf]);
    let need = libm::exp(p[P::StressToProvocation] * (stress - REFERENCE));
    unit(p[P::TransferRate] * stock * need * (1.0 - p[P::TransparencyEffect] * confidence))
}
