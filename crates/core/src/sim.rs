//! The monthly loop: step every actor on last month's world, deliver messages at the month
//! boundary in a canonical order, publish the new world, record the outcome.

use crate::actors::{China, Ctx, Dprk, Iaea, Rok, Unsc, Us};
use crate::ladder::Rung;
use crate::message::{ActorId, Envelope, Msg, Outbox, Terms};
use crate::params::{Param as P, Params};
use crate::policy::Policy;
use crate::world::World;
use crate::SimRng;
use rand::SeedableRng;
use serde::{Serialize, Serializer};

/// What one run needs besides its seed.
#[derive(Clone, Copy, Debug)]
pub struct RunSpec<'a> {
    /// The US policy at month 0.
    pub policy: &'a Policy,
    /// The policy an election may switch to (with probability `election_switch`).
    pub election_target: Option<&'a Policy>,
    /// Behaviour and initial-state parameters.
    pub params: &'a Params,
    /// Months to simulate.
    pub horizon: u32,
    /// Recorded events imposed from outside, sorted by month (empty for a forward run; the
    /// historical back-test uses them for what the model does not generate).
    pub events: &'a [Event],
}

impl<'a> RunSpec<'a> {
    /// A forward run of `policy` for `horizon` months: no election switch, no imposed events.
    pub fn new(policy: &'a Policy, params: &'a Params, horizon: u32) -> Self {
        RunSpec { policy, election_target: None, params, horizon, events: &[] }
    }
}

/// An event imposed on a run at the start of a month, before any actor steps.
#[derive(Clone, Debug, PartialEq)]
pub struct Event {
    /// Month (0-based) at which it happens.
    pub month: u32,
    /// What happens.
    pub kind: EventKind,
}

/// What an imposed event does.
#[derive(Clone, Debug, PartialEq)]
pub enum EventKind {
    /// The US adopts this policy (a new administration's strategy, an era of the record).
    Policy(Policy),
    /// A deal on the current policy's terms is in force, with inspectors invited if the terms
    /// ask for verification (e.g. the Agreed Framework in force in November 1994).
    DealInForce,
    /// The US ends the deal in force without going to the Security Council (e.g. the 2002
    /// enrichment dispute: fuel oil cut off in November 2002, no resolution followed).
    UsEndsDeal,
    /// The DPRK declares (`true`) or lifts (`false`) a testing moratorium (e.g. 1999, 2018).
    Moratorium(bool),
    /// China and Russia take a new stance at the Council (multiplies veto probabilities).
    VetoStance(f64),
    /// The DPRK's fissile production capacities change (kg Pu-equivalent a month): the
    /// recorded path of the Yongbyon reactor and of enrichment.
    Capacity {
        /// Plutonium production capacity, kg a month.
        plutonium: f64,
        /// Enrichment capacity, kg Pu-equivalent a month.
        enrichment: f64,
    },
}

/// How a run ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Ran to the horizon.
    Completed,
    /// Stopped at the first nuclear use.
    NuclearUse,
}

impl Status {
    /// Name used in output.
    pub fn name(self) -> &'static str {
        match self {
            Status::Completed => "completed",
            Status::NuclearUse => "nuclear_use",
        }
    }
}

/// Everything recorded of one run (one row of `runs.parquet`).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RunOutcome {
    /// How it ended.
    pub status: Status,
    /// Months simulated.
    pub months: u32,
    /// Highest rung reached.
    pub max_rung: Rung,
    /// Month (0-based) each rung was first reached, by rung index (serialized as an object
    /// keyed by the rungs' names).
    #[serde(serialize_with = "by_rung")]
    pub first_month: [Option<u32>; 10],
    /// Missiles launched.
    pub missile_tests: u32,
    /// Long-range or satellite launches (months with one).
    pub long_range_launches: u32,
    /// Nuclear tests.
    pub nuclear_tests: u32,
    /// Month (0-based) of the first nuclear test. (The nuclear-test rung is also reached by a
    /// nuclear accident or an attributed transfer; this is the test alone.)
    pub nuclear_test_month: Option<u32>,
    /// Assembled warheads at the end.
    pub warheads_end: u32,
    /// Unassembled fissile material at the end, kg.
    pub fissile_kg_end: f64,
    /// Month of the first nuclear accident.
    pub accident_month: Option<u32>,
    /// Month of the first onward sale of material.
    pub transfer_month: Option<u32>,
    /// Deadly armed incidents (including clashes over an interdiction).
    pub incidents: u32,
    /// Wars begun (months in which the world went from peace to war).
    pub wars: u32,
    /// Nuclear accidents.
    pub accidents: u32,
    /// Onward sales of material (shipments sent).
    pub transfers: u32,
    /// Shipments that reached their buyer.
    pub transfers_delivered: u32,
    /// Shipments seized in transit (an interdiction that comes after delivery seizes nothing).
    pub interdictions: u32,
    /// Talks begun (offers accepted).
    pub talks: u32,
    /// Self-declared moratoria.
    pub moratoria: u32,
    /// Nuclear design maturity at the end.
    pub design_end: f64,
    /// US-ROK alliance cohesion at the end.
    pub cohesion_end: f64,
    /// DPRK trust in the US at the end.
    pub trust_end: f64,
    /// Sanctions level at the end.
    pub sanctions_end: f64,
    /// Months with IAEA access.
    pub iaea_months: u32,
    /// Deals agreed.
    pub deals: u32,
    /// Months with a deal in force.
    pub deal_months: u32,
    /// US strikes.
    pub strikes: u32,
    /// Elections that switched the policy.
    pub policy_switches: u32,
    /// Sum of the monthly escalation scores (Rivera et al. 2024 points).
    pub escalation_score: i64,
}

impl RunOutcome {
    /// Month the run first reached `rung`, if it did.
    pub fn first(&self, rung: Rung) -> Option<u32> {
        self.first_month[rung as usize]
    }

    /// Month of the first escalation to a key rung at or above `rung`.
    pub fn first_at_or_above(&self, rung: Rung) -> Option<u32> {
        self.first_month[rung as usize..].iter().flatten().min().copied()
    }
}

fn by_rung<S: Serializer>(months: &[Option<u32>; 10], s: S) -> Result<S::Ok, S::Error> {
    s.collect_map(Rung::ALL.iter().map(|r| (r.name(), months[*r as usize])))
}

/// One month as an observer sees it.
#[derive(Debug)]
pub struct MonthLog<'a> {
    /// The month (0-based).
    pub month: u32,
    /// Every message sent this month, in canonical order.
    pub messages: &'a [Envelope],
    /// The public world at the end of the month.
    pub world: &'a World,
    /// Escalation score of the month.
    pub score: i32,
    /// Missiles launched this month.
    pub missiles: u32,
    /// Nuclear tests this month.
    pub nuclear_tests: u32,
    /// DPRK trust in the US at the end of the month.
    pub trust: f64,
    /// DPRK economic stress at the end of the month.
    pub stress: f64,
    /// DPRK threat perception at the end of the month.
    pub threat: f64,
    /// Unassembled fissile material at the end of the month, kg.
    pub fissile_kg: f64,
}

/// Sees every month of a run: traces, per-month aggregates.
pub trait Observer {
    /// Called once per month after messages are sent and the world is published.
    fn month(&mut self, log: &MonthLog);
}

impl Observer for () {
    #[inline]
    fn month(&mut self, _: &MonthLog) {}
}

/// Runs one simulation with no observer.
pub fn run(spec: &RunSpec, seed: u64) -> RunOutcome {
    Simulation::new(spec, seed, ActorId::ALL).run(&mut ())
}

/// Runs one simulation, calling `obs` every month.
pub fn run_observed(spec: &RunSpec, seed: u64, obs: &mut impl Observer) -> RunOutcome {
    Simulation::new(spec, seed, ActorId::ALL).run(obs)
}

/// Runs one simulation stepping the actors in `order` (any permutation gives the same run).
#[doc(hidden)]
pub fn run_in_order(spec: &RunSpec, seed: u64, order: [ActorId; 6], obs: &mut impl Observer) -> RunOutcome {
    Simulation::new(spec, seed, order).run(obs)
}

/// The random stream of one actor in one month of a run: a named algorithm (SplitMix64),
/// seeded from the run's seed, the actor's identity and the month, never from the clock or the
/// thread.
///
/// A fresh stream every month synchronises common random numbers: two runs on the same seed
/// that differ in one month (another policy, an accident that happened in one and not the
/// other) draw the same numbers again from the next month on, so paired comparisons differ
/// only through the state, not through shifted random streams.
pub fn actor_rng(seed: u64, actor: ActorId, month: u32) -> SimRng {
    let key = ((actor as u64 + 1) << 32) | u64::from(month);
    SimRng::seed_from_u64(splitmix64(seed ^ splitmix64(key)))
}

/// SplitMix64 finaliser: a bijective mix of 64 bits.
pub fn splitmix64(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// The public world at the start of a run (month 0's snapshot before anyone acts): calm, no
/// alert, no crisis, every actor at the initial state the parameters give.
pub fn initial_world(spec: &RunSpec) -> World {
    let p = spec.params;
    let us = Us::new(spec.policy.clone(), None, p);
    world_of(&us, &Dprk::new(p), &Rok::new(p), &China::new(p), &Unsc::new(p), &Iaea::default())
}

fn world_of(us: &Us, dprk: &Dprk, rok: &Rok, china: &China, unsc: &Unsc, iaea: &Iaea) -> World {
    World {
        month: 0,
        rung: Rung::Calm,
        tension: Rung::Calm,
        alert: 0.0,
        at_war: false,
        crisis: 0.0,
        us: us.public(),
        dprk: dprk.public(),
        rok: rok.public(),
        china: china.public(),
        unsc: unsc.public(),
        iaea: iaea.public(),
    }
}

struct Simulation<'a> {
    spec: &'a RunSpec<'a>,
    us: Us,
    dprk: Dprk,
    rok: Rok,
    china: China,
    unsc: Unsc,
    iaea: Iaea,
    seed: u64,
    order: [ActorId; 6],
    world: World,
    inbox: Vec<Envelope>,
    outbox: Vec<Envelope>,
    out: RunOutcome,
    was_at_war: bool,
}

impl<'a> Simulation<'a> {
    fn new(spec: &'a RunSpec<'a>, seed: u64, order: [ActorId; 6]) -> Self {
        let p = spec.params;
        let us = Us::new(spec.policy.clone(), spec.election_target.cloned(), p);
        let (dprk, rok, china, unsc, iaea) = (Dprk::new(p), Rok::new(p), China::new(p), Unsc::new(p), Iaea::default());
        let world = world_of(&us, &dprk, &rok, &china, &unsc, &iaea);
        let out = RunOutcome {
            status: Status::Completed,
            months: 0,
            max_rung: Rung::Calm,
            first_month: [None; 10],
            missile_tests: 0,
            long_range_launches: 0,
            nuclear_tests: 0,
            nuclear_test_month: None,
            warheads_end: dprk.warheads,
            fissile_kg_end: dprk.fissile_kg,
            accident_month: None,
            transfer_month: None,
            incidents: 0,
            wars: 0,
            accidents: 0,
            transfers: 0,
            transfers_delivered: 0,
            interdictions: 0,
            talks: 0,
            moratoria: 0,
            design_end: dprk.design,
            cohesion_end: rok.cohesion,
            trust_end: dprk.trust,
            sanctions_end: unsc.sanctions,
            iaea_months: 0,
            deals: 0,
            deal_months: 0,
            strikes: 0,
            policy_switches: 0,
            escalation_score: 0,
        };
        Simulation {
            spec,
            us,
            dprk,
            rok,
            china,
            unsc,
            iaea,
            seed,
            order,
            world,
            inbox: Vec::with_capacity(32),
            outbox: Vec::with_capacity(32),
            out,
            was_at_war: false,
        }
    }

    fn run(mut self, obs: &mut impl Observer) -> RunOutcome {
        for month in 0..self.spec.horizon {
            self.step(month);
            let (score, missiles, nuclear_tests) = self.record(month);
            obs.month(&MonthLog {
                month,
                messages: &self.outbox,
                world: &self.world,
                score,
                missiles,
                nuclear_tests,
                trust: self.dprk.trust,
                stress: self.dprk.stress,
                threat: self.dprk.threat,
                fissile_kg: self.dprk.fissile_kg,
            });
            std::mem::swap(&mut self.inbox, &mut self.outbox);
            if self.out.status == Status::NuclearUse {
                break;
            }
        }
        self.finish()
    }

    fn step(&mut self, month: u32) {
        self.outbox.clear();
        for e in self.spec.events.iter().filter(|e| e.month == month) {
            self.impose(&e.kind);
        }
        for id in self.order {
            let cx = Ctx::new(month, &self.world, self.spec.params, id, &self.inbox);
            let mut out = Outbox::new(id, &mut self.outbox);
            let rng = &mut actor_rng(self.seed, id, month);
            match id {
                ActorId::Us => self.us.step(&cx, rng, &mut out),
                ActorId::Dprk => self.dprk.step(&cx, rng, &mut out),
                ActorId::Rok => self.rok.step(&cx, rng, &mut out),
                ActorId::China => self.china.step(&cx, rng, &mut out),
                ActorId::Unsc => self.unsc.step(&cx, rng, &mut out),
                ActorId::Iaea => self.iaea.step(&cx, rng, &mut out),
            }
        }
        // Canonical delivery order: by sender, then in the order each sender sent.
        if !self.outbox.is_sorted_by_key(|e| e.from) {
            self.outbox.sort_by_key(|e| e.from);
        }
        self.publish(month);
    }

    fn impose(&mut self, kind: &EventKind) {
        match kind {
            EventKind::Policy(p) => self.us.adopt(p.clone(), &mut Outbox::new(ActorId::Us, &mut self.outbox)),
            EventKind::DealInForce => {
                let terms = Terms::of(self.us.policy());
                self.dprk.impose_deal(terms, &mut Outbox::new(ActorId::Dprk, &mut self.outbox));
            }
            EventKind::UsEndsDeal => self.us.drop_deal(&mut Outbox::new(ActorId::Us, &mut self.outbox)),
            EventKind::Moratorium(on) => {
                self.dprk.impose_moratorium(*on, &mut Outbox::new(ActorId::Dprk, &mut self.outbox))
            }
            EventKind::VetoStance(x) => self.china.set_stance(*x),
            EventKind::Capacity { plutonium, enrichment } => self.dprk.set_capacity(*plutonium, *enrichment),
        }
    }

    fn publish(&mut self, month: u32) {
        let w = &mut self.world;
        let rung = self.outbox.iter().map(|e| e.msg.rung()).max().unwrap_or(Rung::Calm);
        w.month = month;
        w.tension = rung.max(Rung::from_index((w.tension as u8).saturating_sub(1)));
        w.rung = rung;
        let p = self.spec.params;
        w.alert = (w.alert * p[P::AlertDecay]).max(rung as u8 as f64 / Rung::NuclearUse as u8 as f64);
        // A long-range launch or anything worse (a nuclear test, an accident, an attributed
        // transfer, violence) is a crisis that diplomacy remembers.
        let crisis = if rung >= Rung::LongRangeLaunch { 1.0 } else { 0.0 };
        w.crisis = (w.crisis * p[P::CrisisMemory]).max(crisis);
        for e in &self.outbox {
            match e.msg {
                Msg::WarBegins => w.at_war = true,
                Msg::Ceasefire => w.at_war = false,
                // An accident puts forces on alert while its cause is unclear.
                Msg::NuclearAccident => w.alert = w.alert.max(p[P::AccidentAlert]),
                _ => {}
            }
        }
        w.us = self.us.public();
        w.dprk = self.dprk.public();
        w.rok = self.rok.public();
        w.china = self.china.public();
        w.unsc = self.unsc.public();
        w.iaea = self.iaea.public();
    }

    fn record(&mut self, month: u32) -> (i32, u32, u32) {
        let o = &mut self.out;
        let (mut score, mut missiles, mut nuclear) = (0i32, 0u32, 0u32);
        for e in &self.outbox {
            score += e.msg.category().points();
            let r = e.msg.rung() as usize;
            o.first_month[r].get_or_insert(month);
            match e.msg {
                Msg::MissileTest { count, long_range } => {
                    missiles += count as u32;
                    o.long_range_launches += u32::from(long_range);
                }
                Msg::NuclearTest => nuclear += 1,
                Msg::NuclearAccident => {
                    o.accident_month.get_or_insert(month);
                    o.accidents += 1;
                }
                Msg::MaterialTransferred => {
                    o.transfer_month.get_or_insert(month);
                    o.transfers += 1;
                }
                Msg::TransferDelivered => o.transfers_delivered += 1,
                Msg::ShipmentSeized => o.interdictions += 1,
                Msg::DeadlyIncident => o.incidents += 1,
                Msg::TalksAccepted => o.talks += 1,
                Msg::MoratoriumDeclared => o.moratoria += 1,
                Msg::DealAgreed(_) => o.deals += 1,
                Msg::Strike => o.strikes += 1,
                Msg::PolicyChanged => o.policy_switches += 1,
                Msg::NuclearUse => o.status = Status::NuclearUse,
                _ => {}
            }
        }
        // A war is counted when the world goes to war (two declarations in a month are one war).
        o.wars += u32::from(self.world.at_war && !self.was_at_war);
        self.was_at_war = self.world.at_war;
        o.max_rung = o.max_rung.max(self.world.rung);
        o.missile_tests += missiles;
        o.nuclear_tests += nuclear;
        o.iaea_months += u32::from(self.world.iaea.access);
        o.deal_months += u32::from(self.world.dprk.deal.is_some());
        o.escalation_score += score as i64;
        if nuclear > 0 {
            o.nuclear_test_month.get_or_insert(month);
        }
        o.months = month + 1;
        (score, missiles, nuclear)
    }

    fn finish(mut self) -> RunOutcome {
        let o = &mut self.out;
        o.first_month[Rung::Calm as usize] = Some(0);
        o.warheads_end = self.dprk.warheads;
        o.fissile_kg_end = self.dprk.fissile_kg;
        o.cohesion_end = self.rok.cohesion;
        o.trust_end = self.dprk.trust;
        o.sanctions_end = self.unsc.sanctions;
        o.design_end = self.dprk.design;
        self.out
    }
}
