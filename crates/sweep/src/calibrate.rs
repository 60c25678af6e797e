//! Calibration to the historical record by approximate Bayesian computation with sequential
//! Monte Carlo (ABC-SMC, the population Monte Carlo sampler of Beaumont, Cornuet, Marin and
//! Robert 2009), its honesty checks (simulation-based coverage, posterior predictive checks),
//! the posterior it produces, and the back-test.
//!
//! Every particle is one historical replay ([`crate::history::Replay`]) of its parameters; its
//! summary statistics ([`statistics`]) are compared with the record's, each standardised by its
//! standard deviation over the prior predictive (counts on the square-root scale; a recorded
//! range, such as a warhead estimate, counts as a hit anywhere inside it). Generation 0 draws
//! from the prior and keeps the nearest; each later generation lowers the tolerance to a
//! quantile of the last one's distances and proposes by perturbing weighted particles with a
//! Gaussian kernel of twice their weighted variance. Proposal `k` of generation `t` takes its
//! parameters and its seed from the calibration's hash, `t` and `k` alone, and accepted
//! proposals are taken in index order, so the posterior does not depend on the thread count.

use crate::history::{Record, Replay, Span, Window, Ym};
use brink_core::sim::{run_observed, splitmix64};
use brink_core::{MonthLog, Msg, Observer, Param, Params, RunSpec, SimRng, MODEL_VERSION};
use rand::{Rng, SeedableRng};
use rayon::prelude::*;
use std::fmt::Write as _;

/// The embedded posterior: the calibration committed with this version of the model.
pub const EMBEDDED_POSTERIOR: &str = include_str!("../../../configs/posterior.csv");

/// Name by which an experiment file asks for the embedded posterior.
pub const EMBEDDED_NAME: &str = "calibrated";

/// A fitted parameter and its uniform prior.
#[derive(Clone, Copy, Debug)]
pub struct Prior {
    /// The parameter.
    pub param: Param,
    /// Lowest value.
    pub low: f64,
    /// Highest value.
    pub high: f64,
    /// Why this range.
    pub why: &'static str,
}

/// The parameters drawn during the fit and their uniform priors: the behaviour the record
/// informs, the weights of the rival mechanisms, and the op-ed's hypotheses (over the ranges
/// the default experiment sweeps), so the posterior is not conditional on anyone's defaults.
/// Parameters of the recorded state (`initial_state.csv`) are set by the record, not drawn.
pub const PRIORS: &[Prior] = &[
    // Behaviour the record informs.
    Prior { param: Param::MissileRate, low: 0.05, high: 2.0, why: "0.6 to 24 launches a year at threat 0.5" },
    Prior { param: Param::ThreatElasticity, low: 0.0, high: 5.0, why: "from no effect to a 12-fold swing" },
    Prior { param: Param::TalksRestraint, low: 0.0, high: 1.0, why: "the whole range" },
    Prior { param: Param::MoratoriumEffect, low: 0.5, high: 1.0, why: "a deal at least halves testing" },
    Prior { param: Param::NuclearTestRate, low: 0.005, high: 0.3, why: "one test per 3 to 200 months when ready" },
    Prior { param: Param::DealRate, low: 0.01, high: 0.5, why: "one deal per 2 to 100 months of talks at trust 0.5" },
    Prior { param: Param::TalksBreakoff, low: 0.01, high: 0.3, why: "talks last 3 to 100 months" },
    Prior { param: Param::DealBreakdown, low: 0.0, high: 0.05, why: "a deal lasts at least 20 months on average" },
    Prior {
        param: Param::IncidentRate,
        low: 0.001,
        high: 0.05,
        why: "one deadly incident per 2 to 80 years at threat 0.5",
    },
    Prior { param: Param::CampaignStart, low: 0.0, high: 0.2, why: "no campaigns to one every 5 months" },
    Prior { param: Param::CampaignBoost, low: 0.0, high: 10.0, why: "campaigns from no effect to an 11-fold rate" },
    Prior { param: Param::TalksSeeking, low: 0.0, high: 0.5, why: "the whole plausible range" },
    Prior { param: Param::CrisisTalks, low: 0.0, high: 0.3, why: "no crisis diplomacy to an offer within 3 months" },
    Prior { param: Param::CheatRate, low: 0.0, high: 0.1, why: "never to within a year" },
    Prior { param: Param::DetectWithAccess, low: 0.0, high: 0.5, why: "inspectors never to quickly find cheating" },
    Prior { param: Param::UnscPace, low: 0.3, high: 1.0, why: "a vote within 1 to 3 months on average" },
    Prior { param: Param::TestPrepMonths, low: 0.0, high: 24.0, why: "no preparation to two years" },
    // The rival mechanisms' weights (ranges of the default sweep).
    Prior { param: Param::SpiralWeight, low: 0.0, high: 2.0, why: "the default sweep's range" },
    Prior { param: Param::DeterrenceWeight, low: 0.0, high: 2.0, why: "the default sweep's range" },
    Prior { param: Param::ArsenalBoldness, low: -1.5, high: 1.5, why: "the default sweep's range" },
    Prior { param: Param::StressToTalks, low: 0.0, high: 2.0, why: "the default sweep's range" },
    Prior { param: Param::StressToProvocation, low: 0.0, high: 2.0, why: "the default sweep's range" },
    Prior { param: Param::PlanWeight, low: 0.0, high: 0.6, why: "the default sweep's range" },
    // The op-ed's hypotheses (ranges of the default sweep).
    Prior { param: Param::CvidResistance, low: 0.5, high: 3.0, why: "the default sweep's range" },
    Prior { param: Param::DeterrenceScale, low: 5.0, high: 40.0, why: "the default sweep's range" },
    Prior { param: Param::P3BlockRelief, low: 0.0, high: 0.8, why: "the default sweep's range" },
    Prior { param: Param::TrustGain, low: 0.02, high: 0.1, why: "the default sweep's range" },
    Prior { param: Param::InducementTrust, low: 0.1, high: 1.0, why: "the default sweep's range" },
    Prior { param: Param::SafetyEffect, low: 0.2, high: 0.9, why: "the default sweep's range" },
    Prior { param: Param::TransparencyEffect, low: 0.2, high: 0.9, why: "the default sweep's range" },
    Prior { param: Param::AccidentRate, low: 0.000002, high: 0.00005, why: "the default sweep's range" },
    Prior { param: Param::TransferRate, low: 0.0002, high: 0.004, why: "the default sweep's range" },
    Prior { param: Param::AccidentCrisis, low: 0.0, high: 1.0, why: "the default sweep's range" },
    Prior { param: Param::AccidentThreat, low: 0.0, high: 0.6, why: "the default sweep's range" },
    Prior { param: Param::InterdictionClash, low: 0.0, high: 0.5, why: "the default sweep's range" },
];

/// Value of `first_nuclear_test_year` for a window without a test: the year after it ends.
/// Value of `months_test_to_sanctions` for a window without a test (far from the record's
/// 1.2 months, so such histories are judged misses on it).
const NO_TEST_DELAY: f64 = 24.0;

/// What a summary statistic measures.
#[derive(Clone, Debug, PartialEq)]
pub enum StatKind {
    /// Missiles a year over these calendar years.
    MissilesPerYear(Vec<i32>),
    /// Deadly armed incidents in [from, to].
    Incidents(Ym, Ym),
    /// Nuclear tests in [from, to].
    NuclearTests(Ym, Ym),
    /// Decimal year of the first nuclear test in [from, to] (the month after `to` if none).
    FirstTestYear(Ym, Ym),
    /// Mean months from each test in [from, to] to the next sanctions resolution.
    TestToSanctions(Ym, Ym),
    /// Warhead-equivalents (assembled warheads plus material / kg per warhead) at the start of
    /// a month.
    Warheads(Ym),
    /// Months the first deal of [from, to] held (to its end or to `to`).
    FirstDealMonths(Ym, Ym),
    /// Months with IAEA access in [from, to].
    IaeaMonths(Ym, Ym),
    /// Expulsions of inspectors in [from, to].
    Expulsions(Ym, Ym),
}

/// A summary statistic: what it measures, its window, the record's value and how it is
/// compared.
#[derive(Clone, Debug, PartialEq)]
pub struct Stat {
    /// Name in files.
    pub name: String,
    /// Fit or holdout.
    pub window: Window,
    /// What it measures.
    pub kind: StatKind,
    /// The record's value (the middle of a recorded range).
    pub observed: f64,
    /// Half the width of a recorded range (0 for a point).
    pub half_width: f64,
    /// Compared on the square-root scale (counts and rates).
    pub sqrt: bool,
}

impl Stat {
    fn t(&self, x: f64) -> f64 {
        if self.sqrt {
            x.max(0.0).sqrt()
        } else {
            x
        }
    }

    /// Distance of a simulated value from the record on the comparison scale, before
    /// standardisation: 0 inside a recorded range.
    fn gap(&self, sim: f64, observed: f64) -> f64 {
        let (lo, hi) = (self.t(observed - self.half_width), self.t(observed + self.half_width));
        let x = self.t(sim);
        if x < lo {
            lo - x
        } else if x > hi {
            x - hi
        } else {
            0.0
        }
    }

    /// Whether `observed` (± half width) lies in the band [lo, hi].
    pub fn inside(&self, lo: f64, hi: f64) -> bool {
        self.observed + self.half_width >= lo && self.observed - self.half_width <= hi
    }
}

/// Full calendar years whose majority of months (7 or more) lie in [from, to].
fn majority_years(from: Ym, to: Ym) -> Vec<i32> {
    (from.year()..=to.year())
        .filter(|y| (1..=12).filter(|m| (from..=to).contains(&Ym::new(*y, *m))).count() >= 7)
        .collect()
}

/// The summary statistics of a replay of the record: per era, missiles a year, deadly
/// incidents and nuclear tests; over the fit window, the year of the first test, the delay
/// from a test to sanctions, how long the first deal held, IAEA months and expulsions; and
/// the warhead estimates inside the replay. Era statistics take the era's window; the others
/// use months before `--holdout-from` only (estimates after it are held out).
pub fn statistics(r: &Record, rp: &Replay) -> Vec<Stat> {
    let obs = History::of_record(r, rp);
    let (start, end) = (rp.start, rp.end());
    let fit_end = rp.holdout_from.map(|h| Ym(h.0 - 1)).unwrap_or(end);
    let mut out = Vec::new();
    let mut push = |name: String, window: Window, kind: StatKind, sqrt: bool| {
        let observed = obs.value(&kind);
        out.push(Stat { name, window, kind, observed, half_width: 0.0, sqrt });
    };
    for e in &rp.eras {
        let years = majority_years(e.start, e.end);
        if !years.is_empty() {
            push(format!("missiles_per_year_{}", e.name), e.window, StatKind::MissilesPerYear(years), true);
        }
        push(format!("incidents_{}", e.name), e.window, StatKind::Incidents(e.start, e.end), true);
        push(format!("nuclear_tests_{}", e.name), e.window, StatKind::NuclearTests(e.start, e.end), true);
    }
    push("first_nuclear_test_year".into(), Window::Fit, StatKind::FirstTestYear(start, fit_end), false);
    push("months_test_to_sanctions".into(), Window::Fit, StatKind::TestToSanctions(start, fit_end), false);
    if r.events.iter().any(|(d, e)| *e == crate::history::Recorded::DealInForce && *d >= start && *d <= fit_end) {
        push("first_deal_months".into(), Window::Fit, StatKind::FirstDealMonths(start, fit_end), true);
    }
    push("iaea_months".into(), Window::Fit, StatKind::IaeaMonths(start, fit_end), true);
    push("iaea_expulsions".into(), Window::Fit, StatKind::Expulsions(start, fit_end), true);
    // An estimate "as of" January 2017 describes the end of 2016: the replay's last month.
    for (at, lo, hi) in &r.warheads {
        if *at > start && *at <= Ym(end.0 + 1) {
            let kind = StatKind::Warheads(*at);
            let name = format!("warheads_{}", at).replace('-', "_");
            out.push(Stat {
                name,
                window: rp.window(Ym(at.0 - 1)),
                kind,
                observed: (lo + hi) / 2.0,
                half_width: (hi - lo) / 2.0,
                sqrt: true,
            });
        }
    }
    out
}

/// What a history (the record, or one replay) did, month by month.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct History {
    /// Missiles launched each year.
    pub missiles: Vec<(i32, u32)>,
    /// Months of nuclear tests.
    pub tests: Vec<Ym>,
    /// Months of sanctions resolutions.
    pub resolutions: Vec<Ym>,
    /// Months with IAEA access.
    pub access: Vec<Ym>,
    /// Months inspectors were expelled.
    pub expulsions: Vec<Ym>,
    /// Months of deadly armed incidents (one entry per incident).
    pub incidents: Vec<Ym>,
    /// Deals: (month agreed or imposed, month ended if it did).
    pub deals: Vec<(Ym, Option<Ym>)>,
    /// Warhead-equivalents at the end of each month of the replay, from its first month.
    pub warheads: Vec<f64>,
    /// First month of the history.
    pub start: Option<Ym>,
}

impl History {
    /// The record, seen through the replay's window.
    pub fn of_record(r: &Record, rp: &Replay) -> History {
        let (first, last) = (rp.start, rp.end());
        let inside = |m: &Ym| *m >= first && *m <= last;
        let mut access = Vec::new();
        let mut expulsions = Vec::new();
        for (s, e) in &r.iaea {
            access.extend((s.0..e.0).map(Ym).filter(inside));
            if inside(e) {
                expulsions.push(*e);
            }
        }
        let mut deals: Vec<(Ym, Option<Ym>)> = Vec::new();
        for (d, ev) in &r.events {
            match ev {
                crate::history::Recorded::DealInForce if inside(d) => deals.push((*d, None)),
                crate::history::Recorded::UsEndsDeal => {
                    if let Some(last) = deals.last_mut().filter(|x| x.1.is_none()) {
                        last.1 = Some(*d);
                    }
                }
                _ => {}
            }
        }
        History {
            missiles: r.missiles.iter().copied().filter(|(y, _)| (first.year()..=last.year()).contains(y)).collect(),
            tests: r.nuclear_tests.iter().copied().filter(inside).collect(),
            resolutions: r.resolutions.iter().copied().filter(inside).collect(),
            access,
            expulsions,
            incidents: r.incidents.iter().copied().filter(inside).collect(),
            deals,
            warheads: Vec::new(),
            start: Some(first),
        }
    }

    /// Missiles in `year` (0 if the history does not cover it).
    pub fn missiles_in(&self, year: i32) -> u32 {
        self.missiles.iter().find(|(y, _)| *y == year).map(|(_, n)| *n).unwrap_or(0)
    }

    /// Warhead-equivalents at the start of month `at` (the end of the month before), if the
    /// history covers it.
    pub fn warheads_at(&self, at: Ym) -> Option<f64> {
        let i = self.start?.until(at) - 1;
        usize::try_from(i).ok().and_then(|i| self.warheads.get(i)).copied()
    }

    /// The value of one statistic.
    pub fn value(&self, kind: &StatKind) -> f64 {
        let count = |v: &[Ym], a: Ym, b: Ym| v.iter().filter(|m| **m >= a && **m <= b).count() as f64;
        match kind {
            StatKind::MissilesPerYear(years) => {
                years.iter().map(|y| self.missiles_in(*y) as f64).sum::<f64>() / years.len().max(1) as f64
            }
            StatKind::Incidents(a, b) => count(&self.incidents, *a, *b),
            StatKind::NuclearTests(a, b) => count(&self.tests, *a, *b),
            StatKind::FirstTestYear(a, b) => {
                self.tests.iter().find(|m| **m >= *a && **m <= *b).map(|m| m.decimal()).unwrap_or(Ym(b.0 + 1).decimal())
            }
            StatKind::TestToSanctions(a, b) => {
                let delays: Vec<f64> = self
                    .tests
                    .iter()
                    .filter(|t| **t >= *a && **t <= *b)
                    .map(|t| {
                        // The next resolution, or the month after the window if none comes in it.
                        let next = self.resolutions.iter().find(|x| *x >= t && **x <= *b).copied();
                        t.until(next.unwrap_or(Ym(b.0 + 1))) as f64
                    })
                    .collect();
                if delays.is_empty() {
                    NO_TEST_DELAY
                } else {
                    delays.iter().sum::<f64>() / delays.len() as f64
                }
            }
            StatKind::Warheads(at) => self.warheads_at(*at).unwrap_or(0.0),
            StatKind::FirstDealMonths(a, b) => self
                .deals
                .iter()
                .find(|(s, _)| *s >= *a && *s <= *b)
                .map(|(s, e)| s.until(e.unwrap_or(Ym(b.0 + 1)).min(Ym(b.0 + 1))) as f64)
                .unwrap_or(0.0),
            StatKind::IaeaMonths(a, b) => count(&self.access, *a, *b),
            StatKind::Expulsions(a, b) => count(&self.expulsions, *a, *b),
        }
    }
}

struct Recorder<'a> {
    rp: &'a Replay,
    kg_per_warhead: f64,
    h: History,
}

impl Observer for Recorder<'_> {
    fn month(&mut self, log: &MonthLog) {
        let ym = self.rp.ym(log.month);
        let h = &mut self.h;
        if log.missiles > 0 {
            match h.missiles.last_mut() {
                Some((y, n)) if *y == ym.year() => *n += log.missiles,
                _ => h.missiles.push((ym.year(), log.missiles)),
            }
        }
        if log.nuclear_tests > 0 {
            h.tests.push(ym);
        }
        if log.world.iaea.access {
            h.access.push(ym);
        }
        h.warheads.push(log.world.dprk.warheads as f64 + log.fissile_kg / self.kg_per_warhead);
        for e in log.messages {
            match e.msg {
                Msg::ResolutionAdopted { kind, .. } if kind.is_sanctions() => h.resolutions.push(ym),
                Msg::InspectorsExpelled => h.expulsions.push(ym),
                Msg::DeadlyIncident => h.incidents.push(ym),
                Msg::DealAgreed(_) => h.deals.push((ym, None)),
                Msg::DealEndedByUs(_) | Msg::DealEndedByDprk(_) => {
                    if let Some(d) = h.deals.last_mut().filter(|d| d.1.is_none()) {
                        d.1 = Some(ym);
                    }
                }
                _ => {}
            }
        }
    }
}

/// Runs the replay once with `params` (behaviour; the recorded state is applied here).
pub fn replay(rp: &Replay, params: &Params, seed: u64) -> History {
    let p = rp.params(params);
    let spec =
        RunSpec { policy: &rp.policy, election_target: None, params: &p, horizon: rp.horizon, events: &rp.events };
    let mut rec = Recorder {
        rp,
        kg_per_warhead: p[Param::KgPerWarhead],
        h: History { start: Some(rp.start), ..History::default() },
    };
    run_observed(&spec, seed, &mut rec);
    rec.h
}

/// What a calibration is asked to do.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SmcSpec {
    /// Particles per generation (the posterior's size).
    pub particles: u32,
    /// Prior draws of generation 0 (the nearest `particles` are kept).
    pub initial: u32,
    /// Most generations after generation 0.
    pub generations: u32,
    /// Each generation's tolerance: this quantile of the last generation's distances.
    pub quantile: f64,
    /// Stop when a generation accepts fewer than this share of its proposals.
    pub min_acceptance: f64,
    /// Most MCMC steps per chain and generation (the steps a 99% chance of a move needs,
    /// capped here).
    pub max_steps: u32,
    /// Master seed.
    pub seed: u64,
}

impl Default for SmcSpec {
    fn default() -> Self {
        SmcSpec {
            particles: 1_000,
            initial: 100_000,
            generations: 6,
            quantile: 0.5,
            min_acceptance: 0.002,
            max_steps: 1_000,
            seed: 19_941_021,
        }
    }
}

impl SmcSpec {
    fn key_text(&self) -> String {
        format!(
            "{}:{}:{}:{:?}:{:?}:{}:{}",
            self.particles,
            self.initial,
            self.generations,
            self.quantile,
            self.min_acceptance,
            self.max_steps,
            self.seed
        )
    }
}

/// One generation's summary.
#[derive(Clone, Debug, PartialEq)]
pub struct Generation {
    /// Tolerance.
    pub epsilon: f64,
    /// Proposals (replays, or moves refused by the prior ratio).
    pub proposals: u64,
    /// Particles accepted (generation 0) or chains moved by the first MCMC step.
    pub accepted: u32,
}

/// The result of a calibration.
#[derive(Clone, Debug)]
pub struct Calibration {
    /// Its hash: model version, record, span, priors, statistics and the spec.
    pub hash: String,
    /// The spec.
    pub spec: SmcSpec,
    /// The statistics (fit and holdout).
    pub stats: Vec<Stat>,
    /// Scale of each statistic (standard deviation over the prior predictive, on its scale).
    pub scale: Vec<f64>,
    /// Generations run.
    pub generations: Vec<Generation>,
    /// Replays run in all.
    pub replays: u64,
    /// The posterior (equally weighted after resampling).
    pub posterior: Posterior,
}

fn abc_hash(r: &Record, rp: &Replay, stats: &[Stat], spec: &SmcSpec) -> String {
    let mut h = blake3::Hasher::new();
    h.update(MODEL_VERSION.as_bytes());
    h.update(r.blake3.as_bytes());
    h.update(format!("{}:{}:{:?}", rp.start, rp.end(), rp.holdout_from).as_bytes());
    for p in PRIORS {
        h.update(format!("{}:{:?}:{:?};", p.param.name(), p.low, p.high).as_bytes());
    }
    for s in stats {
        h.update(format!("{}:{}:{:?}:{:?};", s.name, s.window.name(), s.observed, s.half_width).as_bytes());
    }
    h.update(spec.key_text().as_bytes());
    h.finalize().to_hex()[..16].to_string()
}

/// A random stream for draw `i` of generation `t` under `key` (`salt` separates uses).
fn stream(key: u64, t: u64, i: u64, salt: u64) -> SimRng {
    SimRng::seed_from_u64(splitmix64(key ^ splitmix64(t.wrapping_mul(0x1_0000_0001) ^ splitmix64(i) ^ salt)))
}

/// A standard normal draw by Box-Muller with `libm` (the same bits on every platform).
fn normal(rng: &mut SimRng) -> f64 {
    let u1: f64 = 1.0 - rng.random::<f64>();
    let u2: f64 = rng.random();
    libm::sqrt(-2.0 * libm::log(u1)) * libm::cos(std::f64::consts::TAU * u2)
}

/// The kernel works on the logit of each parameter's place in its prior range, where the
/// uniform prior has the logistic density: proposals never leave the prior's support, which
/// in 34 dimensions would otherwise reject almost every proposal.
fn to_theta(z: &[f64]) -> Vec<f64> {
    z.iter().zip(PRIORS).map(|(z, p)| p.low + (p.high - p.low) / (1.0 + libm::exp(-z))).collect()
}

/// Log density of the prior in the logit coordinates (a product of standard logistics).
fn log_prior(z: &[f64]) -> f64 {
    z.iter().map(|z| -z.abs() - 2.0 * libm::log1p(libm::exp(-z.abs()))).sum()
}

/// Prior draw `i`, in the logit coordinates.
fn prior_draw(key: u64, i: u64) -> Vec<f64> {
    let mut rng = stream(key, 0, i, 1);
    PRIORS
        .iter()
        .map(|_| {
            let u = rng.random::<f64>().clamp(1e-12, 1.0 - 1e-12);
            libm::log(u / (1.0 - u))
        })
        .collect()
}

fn with(base: &Params, values: &[f64]) -> Params {
    let mut p = base.clone();
    for (prior, x) in PRIORS.iter().zip(values) {
        p.set(prior.param, *x).expect("values lie in their priors, inside the valid ranges");
    }
    p
}

/// Simulated statistics of the parameters at logit coordinates `z` (one replay).
fn simulate(rp: &Replay, stats: &[Stat], base: &Params, z: &[f64], seed: u64) -> Vec<f64> {
    let h = replay(rp, &with(base, &to_theta(z)), seed);
    stats.iter().map(|s| h.value(&s.kind)).collect()
}

/// Standardised distance over the fit statistics.
fn distance(stats: &[Stat], observed: &[f64], scale: &[f64], sim: &[f64]) -> f64 {
    stats
        .iter()
        .enumerate()
        .filter(|(_, s)| s.window == Window::Fit)
        .map(|(k, s)| (s.gap(sim[k], observed[k]) / scale[k]).powi(2))
        .sum::<f64>()
        .sqrt()
}

/// The prior predictive sample of generation 0: parameters and statistics of each draw.
struct PriorSample {
    thetas: Vec<Vec<f64>>,
    sims: Vec<Vec<f64>>,
    scale: Vec<f64>,
}

fn prior_sample(rp: &Replay, stats: &[Stat], base: &Params, key: u64, n: u32) -> PriorSample {
    let (thetas, sims): (Vec<Vec<f64>>, Vec<Vec<f64>>) = (0..n as u64)
        .into_par_iter()
        .map(|i| {
            let theta = prior_draw(key, i);
            let sim = simulate(rp, stats, base, &theta, splitmix64(key ^ splitmix64(i) ^ 0x5EED));
            (theta, sim)
        })
        .unzip();
    let scale = stats
        .iter()
        .enumerate()
        .map(|(k, s)| {
            let n = sims.len().max(1) as f64;
            let mean = sims.iter().map(|x| s.t(x[k])).sum::<f64>() / n;
            let var = sims.iter().map(|x| (s.t(x[k]) - mean).powi(2)).sum::<f64>() / n;
            if var > 0.0 {
                var.sqrt()
            } else {
                1.0
            }
        })
        .collect();
    PriorSample { thetas, sims, scale }
}

/// A population of equally weighted particles, in logit coordinates, sorted by distance.
#[derive(Clone, Debug)]
struct Population {
    thetas: Vec<Vec<f64>>,
    distances: Vec<f64>,
    ids: Vec<u64>,
}

/// What every simulation of a calibration shares.
struct Ctx<'a> {
    rp: &'a Replay,
    stats: &'a [Stat],
    observed: &'a [f64],
    scale: &'a [f64],
    base: &'a Params,
}

/// One move of the Markov chain that replenishes a particle (Drovandi and Pettitt 2011): a
/// Gaussian step in logit coordinates, accepted with the prior ratio (Metropolis-Hastings with
/// a symmetric kernel) if the proposal's replay lies within the tolerance.
fn mcmc_step(ctx: &Ctx, chain: &mut Chain, sigma: &[f64], epsilon: f64, seed: u64) -> bool {
    let proposal: Vec<f64> = chain.z.iter().zip(sigma).map(|(x, s)| x + s * normal(&mut chain.rng)).collect();
    let u: f64 = chain.rng.random();
    let ratio = log_prior(&proposal) - log_prior(&chain.z);
    if !proposal.iter().all(|x| x.is_finite()) || libm::log(u.max(f64::MIN_POSITIVE)) > ratio {
        return false;
    }
    let sim = simulate(ctx.rp, ctx.stats, ctx.base, &proposal, seed);
    let d = distance(ctx.stats, ctx.observed, ctx.scale, &sim);
    if d > epsilon {
        return false;
    }
    chain.z = proposal;
    chain.d = d;
    true
}

/// A particle being moved: its coordinates, distance, identity and random stream.
struct Chain {
    z: Vec<f64>,
    d: f64,
    id: u64,
    rng: SimRng,
}

/// Runs ABC-SMC against `observed` (the record's statistics, or a synthetic record's): the
/// replenishment sampler of Drovandi and Pettitt (2011). Each generation keeps the particles
/// below the `quantile` of the distances (the new tolerance), resamples the rest from them and
/// moves each resampled particle by MCMC steps that stay within the tolerance: as many steps
/// as give a chain a 99% chance to move, judged from the acceptance of a first step. It stops
/// after `generations`, or when a step is accepted less often than `min_acceptance`.
fn smc(
    rp: &Replay,
    stats: &[Stat],
    observed: &[f64],
    base: &Params,
    spec: &SmcSpec,
    key: u64,
    prior: &PriorSample,
) -> (Population, Vec<Generation>, u64) {
    let ctx = Ctx { rp, stats, observed, scale: &prior.scale, base };
    let n = spec.particles.min(spec.initial).max(2) as usize;
    let mut order: Vec<(f64, usize)> =
        prior.sims.iter().enumerate().map(|(i, x)| (distance(stats, observed, &prior.scale, x), i)).collect();
    order.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    order.truncate(n);
    let mut pop = Population {
        thetas: order.iter().map(|(_, i)| prior.thetas[*i].clone()).collect(),
        distances: order.iter().map(|(d, _)| *d).collect(),
        ids: order.iter().map(|(_, i)| *i as u64).collect(),
    };
    let mut gens =
        vec![Generation { epsilon: pop.distances[n - 1], proposals: prior.sims.len() as u64, accepted: n as u32 }];
    let mut replays = prior.sims.len() as u64;
    let dims = PRIORS.len();
    let keep = ((n as f64 * spec.quantile).round() as usize).clamp(1, n - 1);
    for t in 1..=spec.generations as u64 {
        // The population is sorted by distance: the tolerance is the keep-th smallest.
        let epsilon = pop.distances[keep - 1];
        let sigma: Vec<f64> = (0..dims)
            .map(|d| {
                let m = pop.thetas[..keep].iter().map(|x| x[d]).sum::<f64>() / keep as f64;
                let var = pop.thetas[..keep].iter().map(|x| (x[d] - m).powi(2)).sum::<f64>() / keep as f64;
                // The random-walk scale of Roberts, Gelman and Gilks (1997): 2.38 / sqrt(d)
                // standard deviations, so a move in many dimensions at once is not a leap.
                (2.38 * var.sqrt() / (dims as f64).sqrt()).max(1e-9)
            })
            .collect();
        // Replenish: resample from the kept particles, then move each copy.
        let mut chains: Vec<Chain> = (keep..n)
            .map(|i| {
                let mut rng = stream(key, t, i as u64, 2);
                let j = rng.random_range(0..keep);
                Chain { z: pop.thetas[j].clone(), d: pop.distances[j], id: t << 32 | i as u64, rng }
            })
            .collect();
        let step = |chains: &mut Vec<Chain>, s: u64| -> usize {
            chains
                .par_iter_mut()
                .map(|c| {
                    let seed = splitmix64(key ^ splitmix64(c.id) ^ splitmix64(s.wrapping_add(0x5EED)));
                    usize::from(mcmc_step(&ctx, c, &sigma, epsilon, seed))
                })
                .sum()
        };
        let moved = step(&mut chains, 0);
        let tries = chains.len() as u64;
        let acceptance = moved as f64 / tries as f64;
        let mut proposals = tries;
        if acceptance >= spec.min_acceptance {
            // Steps for a 99% chance that a chain moves at least once.
            let steps = if acceptance >= 1.0 {
                1
            } else {
                (libm::log(0.01) / libm::log(1.0 - acceptance)).ceil().clamp(1.0, spec.max_steps.max(1) as f64) as u64
            };
            for s in 1..steps {
                step(&mut chains, s);
                proposals += tries;
            }
        }
        replays += proposals;
        let mut next: Vec<(Vec<f64>, f64, u64)> = (0..keep)
            .map(|i| (pop.thetas[i].clone(), pop.distances[i], pop.ids[i]))
            .chain(chains.into_iter().map(|c| (c.z, c.d, c.id)))
            .collect();
        next.sort_by(|a, b| a.1.total_cmp(&b.1).then(a.2.cmp(&b.2)));
        pop = Population {
            distances: next.iter().map(|x| x.1).collect(),
            ids: next.iter().map(|x| x.2).collect(),
            thetas: next.into_iter().map(|x| x.0).collect(),
        };
        gens.push(Generation { epsilon, proposals, accepted: moved as u32 });
        if acceptance < spec.min_acceptance {
            break;
        }
    }
    (pop, gens, replays)
}

/// Distinct particles of a population (copies left by chains that did not move count once).
fn distinct(pop: &Population) -> usize {
    let mut keys: Vec<Vec<u64>> = pop.thetas.iter().map(|z| z.iter().map(|x| x.to_bits()).collect()).collect();
    keys.sort();
    keys.dedup();
    keys.len()
}

/// Calibrates the [`PRIORS`] to the record over the replay `rp` by ABC-SMC, in parallel on the
/// current Rayon pool. The same record, span, spec and model give the same posterior on any
/// number of threads.
pub fn calibrate(r: &Record, rp: &Replay, spec: &SmcSpec, base: &Params) -> Calibration {
    let stats = statistics(r, rp);
    let hash = abc_hash(r, rp, &stats, spec);
    let key = u64::from_str_radix(&hash, 16).expect("hex");
    let observed: Vec<f64> = stats.iter().map(|s| s.observed).collect();
    let prior = prior_sample(rp, &stats, base, key, spec.initial);
    let (pop, generations, replays) = smc(rp, &stats, &observed, base, spec, key, &prior);
    let rows: Vec<Vec<f64>> = pop.thetas.iter().map(|z| to_theta(z)).collect();
    let draws: Vec<(u64, f64)> = pop.ids.iter().copied().zip(pop.distances.iter().copied()).collect();
    let fit: Vec<&str> = stats.iter().filter(|s| s.window == Window::Fit).map(|s| s.name.as_str()).collect();
    let held: Vec<&str> = stats.iter().filter(|s| s.window == Window::Holdout).map(|s| s.name.as_str()).collect();
    let meta = vec![
        ("calibration".to_string(), hash.clone()),
        ("method".to_string(), "ABC-SMC, the replenishment sampler of Drovandi and Pettitt (2011): adaptive tolerance (a quantile of the distances), MCMC moves with a Gaussian kernel of 2.38/sqrt(d) standard deviations in logit coordinates (Roberts, Gelman and Gilks 1997); Euclidean distance, counts on the square-root scale, each statistic over its prior-predictive standard deviation, recorded ranges as hits".to_string()),
        ("model".to_string(), MODEL_VERSION.to_string()),
        ("record".to_string(), r.blake3.clone()),
        ("span".to_string(), format!("{} to {}", rp.start, rp.end())),
        ("holdout_from".to_string(), rp.holdout_from.map(|h| h.to_string()).unwrap_or_else(|| "none".into())),
        ("particles".to_string(), spec.particles.to_string()),
        ("initial".to_string(), spec.initial.to_string()),
        ("generations".to_string(), spec.generations.to_string()),
        ("quantile".to_string(), format!("{:?}", spec.quantile)),
        ("min_acceptance".to_string(), format!("{:?}", spec.min_acceptance)),
        ("max_steps".to_string(), spec.max_steps.to_string()),
        ("distinct_particles".to_string(), distinct(&pop).to_string()),
        ("seed".to_string(), spec.seed.to_string()),
        ("replays".to_string(), replays.to_string()),
        ("tolerances".to_string(), generations.iter().map(|g| format!("{:.4}", g.epsilon)).collect::<Vec<_>>().join(",")),
        ("statistics".to_string(), fit.join(",")),
        ("held_out".to_string(), held.join(",")),
        ("observed".to_string(), stats.iter().filter(|s| s.window == Window::Fit).map(|s| format!("{:?}", s.observed)).collect::<Vec<_>>().join(",")),
    ];
    let params: Vec<Param> = PRIORS.iter().map(|p| p.param).collect();
    let posterior = Posterior::new(params, rows, draws, meta);
    Calibration { hash, spec: *spec, stats, scale: prior.scale, generations, replays, posterior }
}

/// One parameter's coverage in the simulation-based check.
#[derive(Clone, Debug, PartialEq)]
pub struct Coverage {
    /// The parameter.
    pub param: Param,
    /// Synthetic records whose true value lay inside the 90% posterior interval.
    pub inside: u32,
    /// Synthetic records.
    pub records: u32,
    /// Mean width of the 90% interval over the prior's width (1: the record says nothing).
    pub width: f64,
}

/// Simulation-based calibration (Talts et al. 2018, as a coverage check): draw parameters from
/// the prior, simulate a synthetic record (one replay), calibrate on it, and count how often
/// the true value lies inside the 90% posterior interval. Generation 0 (the prior predictive)
/// is shared by every synthetic record.
pub fn coverage(r: &Record, rp: &Replay, spec: &SmcSpec, records: u32, base: &Params) -> Vec<Coverage> {
    let stats = statistics(r, rp);
    let hash = abc_hash(r, rp, &stats, spec);
    let key = splitmix64(u64::from_str_radix(&hash, 16).expect("hex") ^ 0xC0FE);
    let prior = prior_sample(rp, &stats, base, key, spec.initial);
    let mut inside = vec![0u32; PRIORS.len()];
    let mut width = vec![0.0; PRIORS.len()];
    for s in 0..records as u64 {
        let truth = prior_draw(splitmix64(key ^ 0x7E57), s);
        // The synthetic record: one replay of the truth (a recorded range keeps its width
        // around the synthetic value).
        let observed = simulate(rp, &stats, base, &truth, splitmix64(key ^ splitmix64(s) ^ 0x0B5));
        let (pop, _, _) = smc(rp, &stats, &observed, base, spec, splitmix64(key ^ s), &prior);
        let rows: Vec<Vec<f64>> = pop.thetas.iter().map(|z| to_theta(z)).collect();
        let truth = to_theta(&truth);
        for (d, p) in PRIORS.iter().enumerate() {
            let mut col: Vec<f64> = rows.iter().map(|r| r[d]).collect();
            col.sort_by(f64::total_cmp);
            let q = |f: f64| col[((col.len() - 1) as f64 * f).round() as usize];
            let (lo, hi) = (q(0.05), q(0.95));
            inside[d] += u32::from(truth[d] >= lo && truth[d] <= hi);
            width[d] += (hi - lo) / (p.high - p.low) / records as f64;
        }
    }
    PRIORS
        .iter()
        .enumerate()
        .map(|(d, p)| Coverage { param: p.param, inside: inside[d], records, width: width[d] })
        .collect()
}

/// Accepted parameter vectors: a posterior sample, as stored in a posterior CSV.
#[derive(Clone, Debug, PartialEq)]
pub struct Posterior {
    /// The parameters (columns).
    pub params: Vec<Param>,
    /// Rows of values, one per accepted draw.
    pub rows: Vec<Vec<f64>>,
    /// (draw id, distance) of each row.
    pub draws: Vec<(u64, f64)>,
    /// Header lines: `# key = value`.
    pub meta: Vec<(String, String)>,
    /// BLAKE3 of the CSV text, in hex.
    pub blake3: String,
    /// The CSV text as read or written (a results folder keeps a copy).
    pub text: String,
}

impl Posterior {
    fn new(params: Vec<Param>, rows: Vec<Vec<f64>>, draws: Vec<(u64, f64)>, meta: Vec<(String, String)>) -> Posterior {
        let mut p = Posterior { params, rows, draws, meta, blake3: String::new(), text: String::new() };
        p.text = p.to_csv();
        p.blake3 = blake3::hash(p.text.as_bytes()).to_hex().to_string();
        p
    }

    /// The embedded posterior (parsed once per process: every experiment file is layered over
    /// the default, which names it).
    pub fn embedded() -> Posterior {
        static PARSED: std::sync::OnceLock<Posterior> = std::sync::OnceLock::new();
        PARSED.get_or_init(|| Posterior::parse(EMBEDDED_POSTERIOR).expect("the embedded posterior is valid")).clone()
    }

    /// A header value.
    pub fn meta(&self, key: &str) -> Option<&str> {
        self.meta.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str())
    }

    /// The CSV text: `# key = value` lines, a header, one line per row (shortest round-trip
    /// numbers, so the text and its hash are stable).
    pub fn to_csv(&self) -> String {
        let mut s = String::from("# brink posterior: accepted parameter vectors of a calibration to the record\n");
        for (k, v) in &self.meta {
            let _ = writeln!(s, "# {k} = {v}");
        }
        s.push_str("draw,distance");
        for p in &self.params {
            let _ = write!(s, ",{}", p.name());
        }
        s.push('\n');
        for (row, (i, d)) in self.rows.iter().zip(&self.draws) {
            let _ = write!(s, "{i},{d:?}");
            for x in row {
                let _ = write!(s, ",{x:?}");
            }
            s.push('\n');
        }
        s
    }

    /// Reads a posterior CSV; errors name the line and what is wrong.
    pub fn parse(text: &str) -> Result<Posterior, String> {
        let mut meta = Vec::new();
        let mut params: Option<Vec<Param>> = None;
        let (mut rows, mut draws) = (Vec::new(), Vec::new());
        for (n, line) in text.lines().enumerate().map(|(n, l)| (n + 1, l.trim_end_matches('\r'))) {
            if line.trim().is_empty() {
                continue;
            }
            if let Some(c) = line.strip_prefix('#') {
                if let Some((k, v)) = c.split_once('=') {
                    meta.push((k.trim().to_string(), v.trim().to_string()));
                }
                continue;
            }
            let cells: Vec<&str> = line.split(',').map(|c| c.trim()).collect();
            match &params {
                None => {
                    if cells.len() < 3 || cells[0] != "draw" || cells[1] != "distance" {
                        return Err(format!(
                            "line {n}: the header must be `draw,distance,<parameter>,...`, not {line:?}"
                        ));
                    }
                    let mut ps = Vec::new();
                    for c in &cells[2..] {
                        let p = Param::from_name(c).ok_or_else(|| format!("line {n}: unknown parameter {c:?}"))?;
                        if ps.contains(&p) {
                            return Err(format!("line {n}: parameter {c:?} appears twice"));
                        }
                        ps.push(p);
                    }
                    params = Some(ps);
                }
                Some(ps) => {
                    if cells.len() != ps.len() + 2 {
                        return Err(format!("line {n}: {} fields, the header has {}", cells.len(), ps.len() + 2));
                    }
                    let i: u64 =
                        cells[0].parse().map_err(|_| format!("line {n}: draw {:?} is not a count", cells[0]))?;
                    let d: f64 = cells[1]
                        .parse()
                        .ok()
                        .filter(|d: &f64| d.is_finite() && *d >= 0.0)
                        .ok_or_else(|| format!("line {n}: distance {:?} is not a finite number >= 0", cells[1]))?;
                    let mut row = Vec::with_capacity(ps.len());
                    for (c, p) in cells[2..].iter().zip(ps) {
                        let s = p.spec();
                        let x: f64 = c.parse().map_err(|_| format!("line {n}: {}: {c:?} is not a number", s.name))?;
                        if !(x >= s.min && x <= s.max) {
                            return Err(format!(
                                "line {n}: {}: {c} is outside the valid range [{}, {}]",
                                s.name, s.min, s.max
                            ));
                        }
                        row.push(x);
                    }
                    rows.push(row);
                    draws.push((i, d));
                }
            }
        }
        let Some(params) = params else { return Err("no header line `draw,distance,<parameter>,...`".into()) };
        if rows.is_empty() {
            return Err("no rows: a posterior needs at least one accepted draw".into());
        }
        Ok(Posterior {
            params,
            rows,
            draws,
            meta,
            blake3: blake3::hash(text.as_bytes()).to_hex().to_string(),
            text: text.to_string(),
        })
    }

    /// Sets the parameters of row `row` in `base`, those for which `drawn` holds.
    pub fn apply(&self, row: usize, base: &mut Params, drawn: impl Fn(Param) -> bool) {
        for (p, x) in self.params.iter().zip(&self.rows[row]) {
            if drawn(*p) {
                base.set(*p, *x).expect("validated when read");
            }
        }
    }

    /// `base` with every column at its posterior median (the parameter set `brink run` uses).
    pub fn medians(&self, base: &Params) -> Params {
        let mut p = base.clone();
        for (param, q) in self.ranges() {
            p.set(param, q[2]).expect("validated when read");
        }
        p
    }

    /// (min, 5%, median, 95%, max) of each column.
    pub fn ranges(&self) -> Vec<(Param, [f64; 5])> {
        self.params
            .iter()
            .enumerate()
            .map(|(j, p)| {
                let mut col: Vec<f64> = self.rows.iter().map(|r| r[j]).collect();
                col.sort_by(|a, b| a.total_cmp(b));
                let q = |f: f64| col[((col.len() - 1) as f64 * f).round() as usize];
                (*p, [col[0], q(0.05), q(0.5), q(0.95), col[col.len() - 1]])
            })
            .collect()
    }
}

/// Quantiles (5, 25, 50, 75, 95%) of a sample.
pub fn quantiles(v: &mut [f64]) -> [f64; 5] {
    v.sort_by(|a, b| a.total_cmp(b));
    if v.is_empty() {
        return [f64::NAN; 5];
    }
    let q = |f: f64| v[((v.len() - 1) as f64 * f).round() as usize];
    [q(0.05), q(0.25), q(0.5), q(0.75), q(0.95)]
}

/// A posterior predictive check of one statistic.
#[derive(Clone, Debug)]
pub struct Check {
    /// The statistic.
    pub stat: Stat,
    /// Simulated quantiles (5, 25, 50, 75, 95%).
    pub simulated: [f64; 5],
}

impl Check {
    /// Whether the record lies inside the 90% predictive band.
    pub fn inside_90(&self) -> bool {
        self.stat.inside(self.simulated[0], self.simulated[4])
    }
}

/// A yearly series of a back-test: observed and simulated quantiles.
#[derive(Clone, Debug, Default)]
pub struct Series {
    /// Observed value each year (NaN where the record has none).
    pub observed: Vec<f64>,
    /// Observed range each year (low, high) where the record gives one.
    pub ranges: Vec<Option<(f64, f64)>>,
    /// Simulated quantiles each year.
    pub simulated: Vec<[f64; 5]>,
}

/// Observed and simulated yearly series and the predictive checks of a back-test.
#[derive(Clone, Debug)]
pub struct Backtest {
    /// Years shown.
    pub years: Vec<i32>,
    /// Missiles launched each year.
    pub missiles: Series,
    /// Nuclear tests, cumulative at the end of each year.
    pub tests: Series,
    /// Deadly armed incidents, cumulative at the end of each year.
    pub incidents: Series,
    /// Warhead-equivalents at the end of each year (estimates as of the next January as ranges).
    pub warheads: Series,
    /// The posterior predictive check of every statistic, fit and holdout.
    pub checks: Vec<Check>,
    /// The replay's eras: (name, first month, last month, window).
    pub eras: Vec<(String, Ym, Ym, Window)>,
    /// First held-out month.
    pub holdout_from: Option<Ym>,
    /// Replays run.
    pub replays: usize,
}

/// Replays the record `reps` times for every posterior row and checks every statistic.
pub fn backtest(r: &Record, rp: &Replay, post: &Posterior, reps: u32, seed: u64, base: &Params) -> Backtest {
    let key = splitmix64(seed ^ u64::from_str_radix(&post.blake3[..16], 16).unwrap_or(0));
    let n = post.rows.len() * reps as usize;
    let hs: Vec<History> = (0..n)
        .into_par_iter()
        .map(|i| {
            let mut p = base.clone();
            post.apply(i / reps as usize, &mut p, |_| true);
            replay(rp, &p, splitmix64(key ^ i as u64))
        })
        .collect();
    let obs = History::of_record(r, rp);
    let years: Vec<i32> = (rp.start.year()..=rp.end().year()).collect();
    let cum = |v: &[Ym], y: i32| v.iter().filter(|t| t.year() <= y).count() as f64;
    let series = |f: &dyn Fn(&History, i32) -> f64, obs_f: &dyn Fn(i32) -> f64| Series {
        observed: years.iter().map(|y| obs_f(*y)).collect(),
        ranges: vec![None; years.len()],
        simulated: years.iter().map(|y| quantiles(&mut hs.iter().map(|h| f(h, *y)).collect::<Vec<_>>())).collect(),
    };
    let missiles = series(&|h, y| h.missiles_in(y) as f64, &|y| obs.missiles_in(y) as f64);
    let tests = series(&|h, y| cum(&h.tests, y), &|y| cum(&obs.tests, y));
    let incidents = series(&|h, y| cum(&h.incidents, y), &|y| cum(&obs.incidents, y));
    // Warheads at the end of each year, against estimates "as of" the next January.
    let mut warheads = series(&|h, y| h.warheads_at(Ym::new(y + 1, 1)).unwrap_or(f64::NAN), &|_| f64::NAN);
    for (i, y) in years.iter().enumerate() {
        if let Some((_, lo, hi)) = r.warheads.iter().find(|w| w.0 == Ym::new(*y + 1, 1)) {
            warheads.ranges[i] = Some((*lo, *hi));
            warheads.observed[i] = (lo + hi) / 2.0;
        }
    }
    let checks = statistics(r, rp)
        .into_iter()
        .map(|stat| {
            let simulated = quantiles(&mut hs.iter().map(|h| h.value(&stat.kind)).collect::<Vec<_>>());
            Check { stat, simulated }
        })
        .collect();
    Backtest {
        years,
        missiles,
        tests,
        incidents,
        warheads,
        checks,
        eras: rp.eras.iter().map(|e| (e.name.clone(), e.start, e.end, e.window)).collect(),
        holdout_from: rp.holdout_from,
        replays: n,
    }
}

/// The replay a posterior was calibrated on (its recorded span and holdout), over `r`.
pub fn replay_of(r: &Record, post: &Posterior) -> Result<Replay, String> {
    let parse = |s: &str| Ym::parse(s).ok_or_else(|| format!("posterior header: {s:?} is not a month"));
    let span = match post.meta("span").and_then(|s| s.split_once(" to ")) {
        Some((a, b)) => Span { from: Some(parse(a)?), until: Some(parse(b)?), holdout_from: None },
        None => Span::default(),
    };
    let holdout_from = match post.meta("holdout_from") {
        Some("none") | None => None,
        Some(h) => Some(parse(h)?),
    };
    Replay::new(r, &Span { holdout_from, ..span })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn small() -> SmcSpec {
        SmcSpec {
            particles: 40,
            initial: 400,
            generations: 2,
            quantile: 0.5,
            min_acceptance: 0.02,
            max_steps: 200,
            seed: 5,
        }
    }

    #[test]
    fn record_statistics_are_the_published_ones() {
        let r = Record::embedded();
        let rp = Replay::from_record(&r);
        let st = statistics(&r, &rp);
        let get = |name: &str| st.iter().find(|s| s.name == name).unwrap_or_else(|| panic!("no {name}")).observed;
        assert!((get("missiles_per_year_agreed_framework") - 0.125).abs() < 1e-12);
        assert!((get("missiles_per_year_six_party_talks") - 7.0 / 6.0).abs() < 1e-12);
        assert!((get("missiles_per_year_strategic_patience") - 9.25).abs() < 1e-12);
        assert_eq!(get("nuclear_tests_six_party_talks") + get("nuclear_tests_strategic_patience"), 5.0);
        assert_eq!(
            (get("incidents_agreed_framework"), get("incidents_six_party_talks"), get("incidents_strategic_patience")),
            (2.0, 0.0, 3.0)
        );
        assert!((get("first_nuclear_test_year") - (2006.0 + 9.0 / 12.0)).abs() < 1e-12);
        // 1718 the same month as the first test; 1874, 2094: one month; 2270, 2321: two.
        assert!((get("months_test_to_sanctions") - 1.2).abs() < 1e-12);
        assert_eq!(get("first_deal_months"), 97.0);
        assert_eq!(get("iaea_expulsions"), 2.0);
        let w = st.iter().find(|s| s.name == "warheads_2017_01").unwrap();
        assert_eq!((w.observed, w.half_width), (15.0, 5.0));
        assert!(st.iter().all(|s| s.window == Window::Fit));
    }

    #[test]
    fn held_out_statistics_come_from_months_after_the_holdout() {
        let r = Record::embedded();
        let rp = Replay::new(&r, &Span { holdout_from: Some(Ym::new(2009, 1)), ..Span::default() }).unwrap();
        let st = statistics(&r, &rp);
        let held: Vec<&str> = st.iter().filter(|s| s.window == Window::Holdout).map(|s| s.name.as_str()).collect();
        assert!(
            held.contains(&"missiles_per_year_strategic_patience") && held.contains(&"warheads_2017_01"),
            "{held:?}"
        );
        let first = st.iter().find(|s| s.name == "first_nuclear_test_year").unwrap();
        assert_eq!(first.window, Window::Fit);
        assert!((first.observed - 2006.75).abs() < 1e-12);
        // Tests after the holdout do not enter the fitted delay: 1718 (0) and 1874? no: 2009-05 is held out.
        let lag = st.iter().find(|s| s.name == "months_test_to_sanctions").unwrap();
        assert_eq!(lag.observed, 0.0);
    }

    #[test]
    fn calibration_is_deterministic_for_a_seed() {
        let r = Record::embedded();
        let rp = Replay::from_record(&r);
        let a = calibrate(&r, &rp, &small(), &Params::default());
        let b = rayon::ThreadPoolBuilder::new()
            .num_threads(1)
            .build()
            .unwrap()
            .install(|| calibrate(&r, &rp, &small(), &Params::default()));
        assert_eq!(a.posterior.to_csv(), b.posterior.to_csv());
        let c = calibrate(&r, &rp, &SmcSpec { seed: 6, ..small() }, &Params::default());
        assert_ne!(a.posterior.rows, c.posterior.rows);
        assert_eq!(a.posterior.rows.len(), 40);
        // Later generations have lower tolerances.
        assert!(a.generations.windows(2).all(|g| g[1].epsilon <= g[0].epsilon), "{:?}", a.generations);
    }

    #[test]
    fn posterior_round_trips_and_refuses_bad_values() {
        let r = Record::embedded();
        let rp = Replay::from_record(&r);
        let cal =
            calibrate(&r, &rp, &SmcSpec { particles: 5, initial: 50, generations: 0, ..small() }, &Params::default());
        let text = cal.posterior.to_csv();
        let back = Posterior::parse(&text).unwrap();
        assert_eq!(back, cal.posterior);
        let bad = text.replacen("draw,distance,missile_rate", "draw,distance,missile_rat", 1);
        assert!(Posterior::parse(&bad).unwrap_err().contains("unknown parameter \"missile_rat\""));
        let lines: Vec<&str> = text.lines().collect();
        let last = lines.last().unwrap();
        let mut cells: Vec<&str> = last.split(',').collect();
        cells[2] = "-1";
        let bad = text.replace(last, &cells.join(","));
        assert!(Posterior::parse(&bad).unwrap_err().contains("outside the valid range"));
        assert_eq!(replay_of(&r, &back).unwrap().end(), rp.end());
    }

    #[test]
    fn replay_is_reproducible_and_follows_the_eras() {
        let r = Record::embedded();
        let rp = Replay::from_record(&r);
        let p = Params::default();
        assert_eq!(replay(&rp, &p, 9), replay(&rp, &p, 9));
        // Monitoring under the Agreed Framework from the first month, and an expulsion by early
        // 2003 at the latest, since the US ends the deal in November 2002.
        let h = replay(&rp, &p, 9);
        assert!(h.access.first().is_some_and(|m| *m <= Ym::new(1994, 11)), "{:?}", h.access.first());
        assert!(h.expulsions.first().is_some_and(|m| *m <= Ym::new(2003, 1)), "{:?}", h.expulsions);
        assert_eq!(h.warheads.len(), rp.horizon as usize);
        assert!(h.deals.first().is_some_and(|d| d.0 == rp.start));
    }

    #[test]
    fn a_narrow_record_narrows_the_posterior_of_what_it_informs() {
        // A synthetic check at small scale: the posterior of missile_rate is narrower than its
        // prior, that of a parameter the record cannot see (safety_effect) is not much narrower.
        let r = Record::embedded();
        let rp = Replay::from_record(&r);
        let cal = calibrate(
            &r,
            &rp,
            &SmcSpec { particles: 200, initial: 10_000, generations: 2, ..small() },
            &Params::default(),
        );
        let width = |p: Param| {
            let (_, q) = cal.posterior.ranges().into_iter().find(|(x, _)| *x == p).unwrap();
            let prior = PRIORS.iter().find(|x| x.param == p).unwrap();
            (q[3] - q[1]) / (prior.high - prior.low)
        };
        let (informed, blind) = (width(Param::NuclearTestRate), width(Param::SafetyEffect));
        assert!(informed < blind - 0.05 && blind > 0.7, "nuclear_test_rate {informed}, safety_effect {blind}");
    }
}

#[cfg(test)]
mod embedded {
    use super::*;

    /// Defaults whose source is the calibration must lie inside its 90% posterior interval, so
    /// `brink run --params defaults` and the one-at-a-time checks start from where the record is.
    #[test]
    fn calibrated_defaults_lie_inside_their_posterior_intervals() {
        let post = Posterior::embedded();
        let mut checked = 0;
        for (p, q) in post.ranges() {
            let s = p.spec();
            if s.source.starts_with("posterior median") {
                assert!(
                    s.default >= q[1] && s.default <= q[3],
                    "{} = {} lies outside [{}, {}]",
                    s.name,
                    s.default,
                    q[1],
                    q[3]
                );
                checked += 1;
            }
        }
        assert!(checked >= 10, "{checked}");
    }

    /// The committed posterior must be `brink calibrate` on this model and this record: the
    /// calibration is rerun from the spec in its header and must give the same bytes, so a model
    /// or record change without recalibration fails here.
    #[test]
    fn embedded_posterior_is_a_calibration_of_this_model_and_record() {
        let post = Posterior::embedded();
        let r = Record::embedded();
        assert_eq!(post.meta("model"), Some(MODEL_VERSION), "recalibrate: brink calibrate --out configs/posterior.csv");
        assert_eq!(post.meta("record"), Some(r.blake3.as_str()), "the record changed: recalibrate");
        let get = |k: &str| post.meta(k).unwrap_or_else(|| panic!("no {k} in the header"));
        let spec = SmcSpec {
            particles: get("particles").parse().unwrap(),
            initial: get("initial").parse().unwrap(),
            generations: get("generations").parse().unwrap(),
            quantile: get("quantile").parse().unwrap(),
            min_acceptance: get("min_acceptance").parse().unwrap(),
            max_steps: get("max_steps").parse().unwrap(),
            seed: get("seed").parse().unwrap(),
        };
        let rp = replay_of(&r, &post).unwrap();
        let cal = calibrate(&r, &rp, &spec, &Params::default());
        assert_eq!(post.meta("calibration"), Some(cal.hash.as_str()));
        assert!(
            cal.posterior.text == post.text,
            "the embedded posterior is not this calibration's output: recalibrate"
        );
    }
}
