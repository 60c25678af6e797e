//! Calibration to the historical record by approximate Bayesian computation (rejection), the
//! posterior it produces, and the back-test of the posterior against the record.
//!
//! Every draw of the prior runs one historical replay ([`crate::history::Replay`]) on the
//! sweep's Rayon pool; the summary statistics of the replay are compared with the record's,
//! each standardised by its standard deviation over the prior draws (counts on the square-root
//! scale); the draws nearest
//! the record are kept. Draw `i` takes its parameters and its seed from the calibration's hash
//! and `i` alone, so the posterior does not depend on the thread count.

use crate::history::{Record, Replay, Ym, REPLAY_ERAS, REPLAY_LAST_YEAR};
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

/// The fitted parameters and their priors: the behaviour parameters the record informs.
/// The op-ed's hypotheses (swept in the default experiment) are not fitted: 1994-2016 holds
/// no evidence on them (no accident, no relief-for-transparency deal).
pub const PRIORS: &[Prior] = &[
    Prior { param: Param::MissileRate, low: 0.05, high: 2.0, why: "0.6 to 24 launches a year at threat 0.5" },
    Prior { param: Param::ThreatElasticity, low: 0.0, high: 5.0, why: "from no effect to a 12-fold swing" },
    Prior { param: Param::TalksRestraint, low: 0.0, high: 1.0, why: "the whole range" },
    Prior { param: Param::MoratoriumEffect, low: 0.5, high: 1.0, why: "a deal at least halves testing" },
    Prior { param: Param::NuclearTestRate, low: 0.005, high: 0.15, why: "one test per 7 to 200 months at threat 0.5" },
    Prior { param: Param::DealRate, low: 0.01, high: 0.3, why: "one deal per 3 to 100 months of talks at trust 1" },
    Prior { param: Param::TalksBreakoff, low: 0.01, high: 0.3, why: "talks last 3 to 100 months" },
    Prior { param: Param::DealBreakdown, low: 0.0, high: 0.05, why: "a deal lasts at least 20 months on average" },
];

/// Names of the summary statistics, in order.
pub const STATS: [&str; 8] = [
    "missiles_per_year_agreed_framework",
    "missiles_per_year_six_party_talks",
    "missiles_per_year_strategic_patience",
    "nuclear_tests",
    "first_nuclear_test_year",
    "months_test_to_sanctions",
    "iaea_months_2003_2016",
    "iaea_expulsions",
];

/// Which statistics are compared on the square-root scale (counts and rates).
const SQRT_SCALE: [bool; STATS.len()] = [true, true, true, true, false, false, true, true];

/// Value of `months_test_to_sanctions` for a history without a nuclear test (far from the
/// record's 1.2 months, so such draws are judged on it as misses).
const NO_TEST_DELAY: f64 = 24.0;

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
}

impl History {
    /// The record, seen through the replay's window.
    pub fn of_record(r: &Record, rp: &Replay) -> History {
        let (first, last) = (rp.start, rp.ym(rp.horizon - 1));
        let inside = |m: &Ym| *m >= first && *m <= last;
        let mut access = Vec::new();
        let mut expulsions = Vec::new();
        for (s, e) in &r.iaea {
            access.extend((s.0..e.0).map(Ym).filter(inside));
            if inside(e) {
                expulsions.push(*e);
            }
        }
        History {
            missiles: r.missiles.iter().copied().filter(|(y, _)| (first.year()..=last.year()).contains(y)).collect(),
            tests: r.nuclear_tests.iter().copied().filter(inside).collect(),
            resolutions: r.resolutions.iter().copied().filter(inside).collect(),
            access,
            expulsions,
        }
    }

    /// Missiles in `year` (0 if the history does not cover it).
    pub fn missiles_in(&self, year: i32) -> u32 {
        self.missiles.iter().find(|(y, _)| *y == year).map(|(_, n)| *n).unwrap_or(0)
    }

    /// The summary statistics, in the order of [`STATS`].
    pub fn stats(&self, r: &Record, rp: &Replay) -> [f64; STATS.len()] {
        let mut s = [0.0; STATS.len()];
        for (k, (era, _)) in REPLAY_ERAS.iter().enumerate() {
            let years = era_years(r, rp, era);
            s[k] = years.clone().map(|y| self.missiles_in(y) as f64).sum::<f64>() / years.count().max(1) as f64;
        }
        s[3] = self.tests.len() as f64;
        s[4] = self
            .tests
            .first()
            .map(|m| m.year() as f64 + (m.month() - 1) as f64 / 12.0)
            .unwrap_or(REPLAY_LAST_YEAR as f64 + 1.0);
        let end = rp.ym(rp.horizon - 1);
        let delays: Vec<f64> = self
            .tests
            .iter()
            .map(|t| {
                let next = self.resolutions.iter().find(|x| *x >= t).copied().unwrap_or(Ym(end.0 + 1));
                t.until(next) as f64
            })
            .collect();
        s[5] = if delays.is_empty() { NO_TEST_DELAY } else { delays.iter().sum::<f64>() / delays.len() as f64 };
        let from = r.era(REPLAY_ERAS[1].0).start;
        s[6] = self.access.iter().filter(|m| **m >= from).count() as f64;
        s[7] = self.expulsions.len() as f64;
        s
    }
}

/// Full calendar years of an era inside the replay.
pub fn era_years(r: &Record, rp: &Replay, era: &str) -> std::ops::RangeInclusive<i32> {
    let e = r.era(era);
    let first = if e.start.month() == 1 { e.start.year() } else { e.start.year() + 1 };
    let last = if e.end.month() == 12 { e.end.year() } else { e.end.year() - 1 };
    first.max(rp.start.year())..=last.min(REPLAY_LAST_YEAR)
}

struct Recorder<'a> {
    rp: &'a Replay,
    h: History,
}

impl Observer for Recorder<'_> {
    fn month(&mut self, log: &MonthLog) {
        let ym = self.rp.ym(log.month);
        if log.missiles > 0 {
            match self.h.missiles.last_mut() {
                Some((y, n)) if *y == ym.year() => *n += log.missiles,
                _ => self.h.missiles.push((ym.year(), log.missiles)),
            }
        }
        if log.nuclear_tests > 0 {
            self.h.tests.push(ym);
        }
        if log.world.iaea.access {
            self.h.access.push(ym);
        }
        for e in log.messages {
            match e.msg {
                Msg::ResolutionAdopted { kind, .. } if kind.is_sanctions() => self.h.resolutions.push(ym),
                Msg::InspectorsExpelled => self.h.expulsions.push(ym),
                _ => {}
            }
        }
    }
}

/// Runs the replay once with `params` (behaviour; the recorded 1994 state is applied here).
pub fn replay(rp: &Replay, params: &Params, seed: u64) -> History {
    let p = rp.params(params);
    let spec =
        RunSpec { policy: &rp.policy, election_target: None, params: &p, horizon: rp.horizon, events: &rp.events };
    let mut rec = Recorder { rp, h: History::default() };
    run_observed(&spec, seed, &mut rec);
    rec.h
}

/// What a calibration run is asked to do.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AbcSpec {
    /// Prior draws, one replay each.
    pub draws: u32,
    /// Draws kept (the nearest to the record).
    pub accept: u32,
    /// Replays per draw; the statistics are averaged over them, which damps the noise of a
    /// single stochastic history.
    pub reps: u32,
    /// Master seed.
    pub seed: u64,
}

impl Default for AbcSpec {
    fn default() -> Self {
        AbcSpec { draws: 200_000, accept: 1_000, reps: 4, seed: 19_941_021 }
    }
}

/// The result of a calibration.
#[derive(Clone, Debug)]
pub struct Calibration {
    /// Its hash: model version, record, priors, statistics and the spec.
    pub hash: String,
    /// The spec.
    pub spec: AbcSpec,
    /// The record's statistics.
    pub observed: [f64; STATS.len()],
    /// Scale of each statistic (standard deviation over the prior draws, on the square-root
    /// scale for counts).
    pub scale: [f64; STATS.len()],
    /// The posterior.
    pub posterior: Posterior,
}

fn abc_hash(r: &Record, spec: &AbcSpec) -> String {
    let mut h = blake3::Hasher::new();
    h.update(MODEL_VERSION.as_bytes());
    h.update(r.blake3.as_bytes());
    for p in PRIORS {
        h.update(format!("{}:{:?}:{:?};", p.param.name(), p.low, p.high).as_bytes());
    }
    h.update(STATS.join(",").as_bytes());
    h.update(format!("{}:{}:{}:{}", spec.draws, spec.accept, spec.reps, spec.seed).as_bytes());
    h.finalize().to_hex()[..16].to_string()
}

/// Parameters of prior draw `i`.
fn draw(key: u64, i: u64) -> Vec<f64> {
    let mut rng = SimRng::seed_from_u64(splitmix64(key ^ splitmix64(i.wrapping_mul(2) + 1)));
    PRIORS.iter().map(|p| p.low + rng.random::<f64>() * (p.high - p.low)).collect()
}

fn with(base: &Params, params: &[Param], values: &[f64]) -> Params {
    let mut p = base.clone();
    for (param, x) in params.iter().zip(values) {
        p.set(*param, *x).expect("values lie in their ranges");
    }
    p
}

/// Calibrates the [`PRIORS`] to the record by rejection ABC, in parallel on the current Rayon
/// pool. The same record, spec and model give the same posterior on any number of threads.
pub fn calibrate(r: &Record, spec: &AbcSpec, base: &Params) -> Calibration {
    let rp = Replay::from_record(r);
    let hash = abc_hash(r, spec);
    let key = u64::from_str_radix(&hash, 16).expect("hex");
    let observed = History::of_record(r, &rp).stats(r, &rp);
    let params: Vec<Param> = PRIORS.iter().map(|p| p.param).collect();
    let sims: Vec<[f64; STATS.len()]> = (0..spec.draws as u64)
        .into_par_iter()
        .map(|i| {
            let p = with(base, &params, &draw(key, i));
            let mut mean = [0.0; STATS.len()];
            for k in 0..spec.reps.max(1) as u64 {
                let seed = splitmix64(key ^ splitmix64(i.wrapping_mul(2)) ^ k.wrapping_mul(0x9E37_79B9_7F4A_7C15));
                for (m, x) in mean.iter_mut().zip(replay(&rp, &p, seed).stats(r, &rp)) {
                    *m += x / spec.reps.max(1) as f64;
                }
            }
            mean
        })
        .collect();
    // Counts and rates are compared on the square-root scale (variance-stabilising for counts),
    // each statistic standardised by its standard deviation over the prior draws.
    let t = |k: usize, x: f64| if SQRT_SCALE[k] { x.max(0.0).sqrt() } else { x };
    let mut scale = [1.0; STATS.len()];
    for (k, s) in scale.iter_mut().enumerate() {
        let n = sims.len().max(1) as f64;
        let mean = sims.iter().map(|x| t(k, x[k])).sum::<f64>() / n;
        let var = sims.iter().map(|x| (t(k, x[k]) - mean).powi(2)).sum::<f64>() / n;
        *s = if var > 0.0 { var.sqrt() } else { 1.0 };
    }
    let distance = |x: &[f64; STATS.len()]| {
        (0..STATS.len()).map(|k| ((t(k, x[k]) - t(k, observed[k])) / scale[k]).powi(2)).sum::<f64>().sqrt()
    };
    let mut order: Vec<(f64, u64)> = sims.iter().enumerate().map(|(i, x)| (distance(x), i as u64)).collect();
    order.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    order.truncate(spec.accept.min(spec.draws) as usize);
    let rows: Vec<Vec<f64>> = order.iter().map(|(_, i)| draw(key, *i)).collect();
    let meta = vec![
        ("calibration".to_string(), hash.clone()),
        ("method".to_string(), "rejection ABC (nearest draws; Euclidean distance, counts on the square-root scale, each statistic over its prior standard deviation)".to_string()),
        ("model".to_string(), MODEL_VERSION.to_string()),
        ("record".to_string(), r.blake3.clone()),
        ("draws".to_string(), spec.draws.to_string()),
        ("accepted".to_string(), order.len().to_string()),
        ("replays_per_draw".to_string(), spec.reps.to_string()),
        ("seed".to_string(), spec.seed.to_string()),
        ("statistics".to_string(), STATS.join(",")),
        ("observed".to_string(), observed.iter().map(|x| format!("{x:?}")).collect::<Vec<_>>().join(",")),
        ("scale".to_string(), scale.iter().map(|x| format!("{x:?}")).collect::<Vec<_>>().join(",")),
    ];
    let posterior = Posterior::new(params, rows, order.iter().map(|(d, i)| (*i, *d)).collect(), meta);
    Calibration { hash, spec: *spec, observed, scale, posterior }
}

/// Accepted parameter vectors: a posterior sample, as stored in a posterior CSV.
#[derive(Clone, Debug, PartialEq)]
pub struct Posterior {
    /// The parameters (columns).
    pub params: Vec<Param>,
    /// Rows of values, one per accepted draw.
    pub rows: Vec<Vec<f64>>,
    /// (draw index, distance) of each row.
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

/// Observed and simulated yearly series and era rates of a back-test.
#[derive(Clone, Debug)]
pub struct Backtest {
    /// Years shown.
    pub years: Vec<i32>,
    /// Observed missiles by year.
    pub observed: Vec<u32>,
    /// Simulated missiles by year: quantiles (5, 25, 50, 75, 95%).
    pub simulated: Vec<[f64; 5]>,
    /// Observed cumulative nuclear tests at the end of each year.
    pub tests_observed: Vec<u32>,
    /// Simulated cumulative nuclear tests: quantiles.
    pub tests_simulated: Vec<[f64; 5]>,
    /// Per era: name, first and last full year, observed mean per year, simulated quantiles.
    pub eras: Vec<(String, i32, i32, f64, [f64; 5])>,
    /// Per statistic: name, observed value, simulated quantiles.
    pub stats: Vec<(&'static str, f64, [f64; 5])>,
    /// Replays run.
    pub replays: usize,
}

/// Replays the record `reps` times for every posterior row and summarises them.
pub fn backtest(r: &Record, post: &Posterior, reps: u32, seed: u64, base: &Params) -> Backtest {
    let rp = Replay::from_record(r);
    let key = splitmix64(seed ^ u64::from_str_radix(&post.blake3[..16], 16).unwrap_or(0));
    let n = post.rows.len() * reps as usize;
    let hs: Vec<History> = (0..n)
        .into_par_iter()
        .map(|i| {
            let mut p = base.clone();
            post.apply(i / reps as usize, &mut p, |_| true);
            replay(&rp, &p, splitmix64(key ^ i as u64))
        })
        .collect();
    let obs = History::of_record(r, &rp);
    let years: Vec<i32> = (rp.start.year()..=REPLAY_LAST_YEAR).collect();
    let cum_tests = |h: &History, y: i32| h.tests.iter().filter(|t| t.year() <= y).count();
    let mut simulated = Vec::new();
    let mut tests_simulated = Vec::new();
    for y in &years {
        simulated.push(quantiles(&mut hs.iter().map(|h| h.missiles_in(*y) as f64).collect::<Vec<_>>()));
        tests_simulated.push(quantiles(&mut hs.iter().map(|h| cum_tests(h, *y) as f64).collect::<Vec<_>>()));
    }
    let sim_stats: Vec<[f64; STATS.len()]> = hs.iter().map(|h| h.stats(r, &rp)).collect();
    let obs_stats = obs.stats(r, &rp);
    let eras = REPLAY_ERAS
        .iter()
        .enumerate()
        .map(|(k, (era, _))| {
            let ys = era_years(r, &rp, era);
            let q = quantiles(&mut sim_stats.iter().map(|s| s[k]).collect::<Vec<_>>());
            (era.to_string(), *ys.start(), *ys.end(), obs_stats[k], q)
        })
        .collect();
    let stats = STATS
        .iter()
        .enumerate()
        .map(|(k, name)| (*name, obs_stats[k], quantiles(&mut sim_stats.iter().map(|s| s[k]).collect::<Vec<_>>())))
        .collect();
    Backtest {
        observed: years.iter().map(|y| obs.missiles_in(*y)).collect(),
        tests_observed: years.iter().map(|y| cum_tests(&obs, *y) as u32).collect(),
        years,
        simulated,
        tests_simulated,
        eras,
        stats,
        replays: n,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn record_statistics_are_the_published_ones() {
        let r = Record::embedded();
        let rp = Replay::from_record(&r);
        let s = History::of_record(&r, &rp).stats(&r, &rp);
        assert!((s[0] - 0.125).abs() < 1e-12 && (s[1] - 7.0 / 6.0).abs() < 1e-12 && (s[2] - 9.25).abs() < 1e-12);
        assert_eq!(s[3], 5.0);
        assert!((s[4] - (2006.0 + 9.0 / 12.0)).abs() < 1e-12);
        // 1718 the same month as the first test; 1874, 2094: one month; 2270, 2321: two.
        assert!((s[5] - 1.2).abs() < 1e-12, "{}", s[5]);
        // July 2007 to March 2009 inclusive.
        assert_eq!(s[6], 21.0);
        assert_eq!(s[7], 2.0);
    }

    #[test]
    fn calibration_is_deterministic_for_a_seed() {
        let r = Record::embedded();
        let spec = AbcSpec { draws: 300, accept: 20, reps: 2, seed: 5 };
        let a = calibrate(&r, &spec, &Params::default());
        let b = rayon::ThreadPoolBuilder::new()
            .num_threads(1)
            .build()
            .unwrap()
            .install(|| calibrate(&r, &spec, &Params::default()));
        assert_eq!(a.posterior.to_csv(), b.posterior.to_csv());
        let c = calibrate(&r, &AbcSpec { seed: 6, ..spec }, &Params::default());
        assert_ne!(a.posterior.rows, c.posterior.rows);
        assert_eq!(a.posterior.rows.len(), 20);
        // Accepted draws are the nearest: sorted by distance.
        assert!(a.posterior.draws.windows(2).all(|w| w[0].1 <= w[1].1));
    }

    #[test]
    fn posterior_round_trips_and_refuses_bad_values() {
        let r = Record::embedded();
        let cal = calibrate(&r, &AbcSpec { draws: 50, accept: 5, reps: 1, seed: 1 }, &Params::default());
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
    }
}

#[cfg(test)]
mod embedded {
    use super::*;

    /// The committed posterior must come from `brink calibrate` on this model and this record:
    /// a model change without recalibration fails here.
    #[test]
    fn embedded_posterior_is_a_calibration_of_this_model_and_record() {
        let post = Posterior::embedded();
        let r = Record::embedded();
        assert_eq!(post.meta("model"), Some(MODEL_VERSION), "recalibrate: brink calibrate --out configs/posterior.csv");
        assert_eq!(post.meta("record"), Some(r.blake3.as_str()), "the record changed: recalibrate");
        let spec = AbcSpec {
            draws: post.meta("draws").unwrap().parse().unwrap(),
            accept: post.meta("accepted").unwrap().parse().unwrap(),
            reps: post.meta("replays_per_draw").unwrap().parse().unwrap(),
            seed: post.meta("seed").unwrap().parse().unwrap(),
        };
        let hash = abc_hash(&r, &spec);
        assert_eq!(post.meta("calibration"), Some(hash.as_str()));
        // Every row is the prior draw it claims to be.
        let key = u64::from_str_radix(&hash, 16).unwrap();
        let params: Vec<Param> = PRIORS.iter().map(|p| p.param).collect();
        assert_eq!(post.params, params);
        for (row, (i, _)) in post.rows.iter().zip(&post.draws) {
            assert_eq!(row, &draw(key, *i));
        }
        assert_eq!(post.text, post.to_csv());
    }
}
