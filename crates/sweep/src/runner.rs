//! The sweep runner: runs as a pure parallel map over run indices, cut into fixed parts that
//! are written in order, with per-policy monthly aggregates computed in the workers.
//!
//! Run `i` is scenario `i / (R * P)`, replication `(i / P) % R`, policy `i % P`. Its seed comes
//! from the experiment's scenario key ([`Experiment::scenario_key`]: the experiment without its
//! policy list), the scenario and the replication only, so every policy meets the same random
//! streams (common random numbers), differences between policies are paired, and adding a
//! policy to an experiment leaves the other policies' runs as they were.
//! Aggregates are integer sums, so their value does not depend on how work was split.
//!
//! A policy family (levers given as ranges) runs, in each scenario, at a concrete setting
//! drawn from its ranges ([`Plan::policy_at`]): each uncertain lever from a hash of the scenario
//! key, the policy's name, the scenario and the lever ([`lever_draw`]), never from the run's
//! seed, so the seeds are as for any policy and adding or removing another policy changes
//! neither the family's draws nor any other policy's runs.

use crate::design::Design;
use crate::experiment::Experiment;
use brink_core::sim::{run_observed, splitmix64};
use brink_core::{Lever, MonthLog, Observer, Params, Policy, RunOutcome, RunSpec, Rung, KEY_RUNGS};
use rayon::prelude::*;
use std::borrow::Cow;
use std::ops::Range;

/// (scenario, replication) groups per part: the unit of writing, resuming and sharding. A part
/// holds every policy of each of its groups, so paired comparisons never straddle parts.
pub const PART_GROUPS: u64 = 4_096;
/// Salt that separates the choice of posterior rows from the other streams.
const POSTERIOR_SALT: u64 = 0x706f_7374_6572_0001;
/// Runs per parallel task inside a part.
const BLOCK_RUNS: u64 = 256;
/// Bins of the monthly score histogram (width [`SCORE_BIN`], from [`SCORE_MIN`]).
pub const SCORE_BINS: usize = 128;
/// Width of a score bin, in points.
pub const SCORE_BIN: i32 = 2;
/// Lower edge of the first score bin.
pub const SCORE_MIN: i32 = -16;
/// Bins of the histogram of cumulative scores (width [`cum_score_bin`], from [`CUM_SCORE_MIN`]).
pub const CUM_SCORE_BINS: usize = 256;
/// Lower edge of the first cumulative-score bin.
pub const CUM_SCORE_MIN: i64 = -64;

/// The draw in [0, 1) that places lever `lever` of the policy named `policy` within its range
/// in scenario `scenario` of the experiment with scenario key `key`
/// ([`Experiment::scenario_key`]): the top 53 bits of a BLAKE3 hash of the four. It depends on
/// nothing else (not the run's seed, the other policies, the thread or the clock).
pub fn lever_draw(key: u64, policy: &str, scenario: u32, lever: Lever) -> f64 {
    let mut h = blake3::Hasher::new();
    h.update(b"brink lever draw\0");
    h.update(&key.to_le_bytes());
    h.update(&(policy.len() as u64).to_le_bytes());
    h.update(policy.as_bytes());
    h.update(&scenario.to_le_bytes());
    h.update(lever.name().as_bytes());
    let x = u64::from_le_bytes(h.finalize().as_bytes()[..8].try_into().expect("8 bytes"));
    (x >> 11) as f64 / (1u64 << 53) as f64
}

/// The setting `policy` runs at in draw `scenario` of the experiment with scenario key `key`
/// (the scenario index; for a Sobol design its base row, see [`Plan::instance`]): the policy
/// itself when no lever is a range, else its instance at [`lever_draw`]s.
pub fn policy_instance(key: u64, policy: &Policy, scenario: u32) -> Cow<'_, Policy> {
    if policy.is_family() {
        Cow::Owned(policy.instance(|l| lever_draw(key, policy.name(), scenario, l)))
    } else {
        Cow::Borrowed(policy)
    }
}

/// Width of a cumulative-score bin for a horizon of `horizon` months, in points: even (every
/// score is), and wide enough that the bins span 32 points a month, above what 95% of runs
/// accumulate under every built-in policy.
pub fn cum_score_bin(horizon: u32) -> i64 {
    let w = (horizon as u64 * 32).div_ceil(CUM_SCORE_BINS as u64) as i64;
    (w + w % 2).max(2)
}

/// A validated experiment with its hash and design: everything needed to run any run.
#[derive(Clone, Debug)]
pub struct Plan {
    /// The experiment.
    pub exp: Experiment,
    /// Its hash (the result folder's name).
    pub hash: String,
    key: u64,
    design: Design,
}

/// One run's identity and outcome.
#[derive(Clone, Debug)]
pub struct RunRow {
    /// Run index.
    pub run: u64,
    /// Scenario index.
    pub scenario: u32,
    /// Replication index.
    pub replication: u32,
    /// Index into the experiment's policies.
    pub policy: u16,
    /// Seed of the run.
    pub seed: u64,
    /// The outcome, or the message of a run that failed.
    pub outcome: Result<RunOutcome, String>,
}

/// Integer monthly aggregates of one policy in one month.
#[derive(Clone, Debug, PartialEq)]
pub struct MonthCell {
    /// Runs still going this month.
    pub runs: u64,
    /// Runs that had reached each key rung (or above) by this month, terminated runs included.
    pub reached: [u64; KEY_RUNGS.len()],
    /// Sum of escalation scores.
    pub score_sum: i64,
    /// Histogram of escalation scores.
    pub score_hist: [u32; SCORE_BINS],
    /// Sum of the scores accumulated since the start of the run, by the end of this month, over
    /// every run (a run stopped at nuclear use keeps its total).
    pub cum_score_sum: i64,
    /// Histogram of the scores accumulated since the start of the run (every run, as
    /// `cum_score_sum`).
    pub cum_score_hist: [u32; CUM_SCORE_BINS],
    /// Missiles launched.
    pub missiles: u64,
    /// Nuclear tests.
    pub nuclear_tests: u64,
    /// Runs with a deal in force.
    pub deals: u64,
    /// Sum of warheads.
    pub warheads: u64,
}

impl Default for MonthCell {
    fn default() -> Self {
        MonthCell {
            runs: 0,
            reached: [0; KEY_RUNGS.len()],
            score_sum: 0,
            score_hist: [0; SCORE_BINS],
            cum_score_sum: 0,
            cum_score_hist: [0; CUM_SCORE_BINS],
            missiles: 0,
            nuclear_tests: 0,
            deals: 0,
            warheads: 0,
        }
    }
}

impl MonthCell {
    fn add(&mut self, o: &MonthCell) {
        self.runs += o.runs;
        for k in 0..self.reached.len() {
            self.reached[k] += o.reached[k];
        }
        self.score_sum += o.score_sum;
        for k in 0..SCORE_BINS {
            self.score_hist[k] += o.score_hist[k];
        }
        self.cum_score_sum += o.cum_score_sum;
        for k in 0..CUM_SCORE_BINS {
            self.cum_score_hist[k] += o.cum_score_hist[k];
        }
        self.missiles += o.missiles;
        self.nuclear_tests += o.nuclear_tests;
        self.deals += o.deals;
        self.warheads += o.warheads;
    }

    /// Score at quantile `q` from the histogram: the bin's lower edge, exact for the even scores
    /// that the Rivera scale produces (every category is worth an even number of points).
    pub fn score_quantile(&self, q: f64) -> f64 {
        let total: u64 = self.score_hist.iter().map(|c| *c as u64).sum();
        if total == 0 {
            return f64::NAN;
        }
        let target = (q * total as f64).ceil().max(1.0) as u64;
        let mut acc = 0u64;
        for (k, c) in self.score_hist.iter().enumerate() {
            acc += *c as u64;
            if acc >= target {
                return (SCORE_MIN + SCORE_BIN * k as i32) as f64;
            }
        }
        f64::NAN
    }

    /// Cumulative score at quantile `q` from its histogram of bins `width` points wide (for
    /// the experiment's horizon, [`cum_score_bin`]), interpolated linearly within the bin;
    /// NaN if the cell holds no run.
    pub fn cum_score_quantile(&self, q: f64, width: i64) -> f64 {
        let total: u64 = self.cum_score_hist.iter().map(|c| *c as u64).sum();
        if total == 0 {
            return f64::NAN;
        }
        let target = q * total as f64;
        let mut acc = 0u64;
        for (k, c) in self.cum_score_hist.iter().enumerate() {
            let next = acc + *c as u64;
            if *c > 0 && next as f64 >= target {
                let within = ((target - acc as f64) / *c as f64).clamp(0.0, 1.0);
                return (CUM_SCORE_MIN + width * k as i64) as f64 + within * width as f64;
            }
            acc = next;
        }
        f64::NAN
    }
}

/// Monthly aggregates for every policy: `cells[policy * horizon + month]`.
#[derive(Clone, Debug, PartialEq)]
pub struct Monthly {
    /// Months.
    pub horizon: u32,
    /// Policies.
    pub policies: usize,
    /// The cells.
    pub cells: Vec<MonthCell>,
}

impl Monthly {
    /// Empty aggregates.
    pub fn new(horizon: u32, policies: usize) -> Monthly {
        Monthly { horizon, policies, cells: vec![MonthCell::default(); horizon as usize * policies] }
    }

    /// Adds another set of aggregates of the same shape.
    pub fn add(&mut self, o: &Monthly) {
        for (a, b) in self.cells.iter_mut().zip(&o.cells) {
            a.add(b);
        }
    }

    /// Little-endian bytes: horizon, policies, then every cell's integers in order.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut b = Vec::with_capacity(16 + self.cells.len() * (8 * 13 + 4 * (SCORE_BINS + CUM_SCORE_BINS)));
        b.extend((self.horizon as u64).to_le_bytes());
        b.extend((self.policies as u64).to_le_bytes());
        for c in &self.cells {
            b.extend(c.runs.to_le_bytes());
            c.reached.iter().for_each(|x| b.extend(x.to_le_bytes()));
            b.extend(c.score_sum.to_le_bytes());
            c.score_hist.iter().for_each(|x| b.extend(x.to_le_bytes()));
            b.extend(c.cum_score_sum.to_le_bytes());
            c.cum_score_hist.iter().for_each(|x| b.extend(x.to_le_bytes()));
            for x in [c.missiles, c.nuclear_tests, c.deals, c.warheads] {
                b.extend(x.to_le_bytes());
            }
        }
        b
    }

    /// Reads what [`Monthly::to_bytes`] wrote; `None` if the bytes are not such a record.
    pub fn from_bytes(b: &[u8]) -> Option<Monthly> {
        let mut r = b.chunks_exact(8);
        let u64_ = |r: &mut std::slice::ChunksExact<u8>| -> Option<u64> {
            Some(u64::from_le_bytes(r.next()?.try_into().ok()?))
        };
        let horizon = u32::try_from(u64_(&mut r)?).ok()?;
        let policies = usize::try_from(u64_(&mut r)?).ok()?;
        let cell_bytes = 8 * (1 + KEY_RUNGS.len() + 1 + 1 + 4) + 4 * (SCORE_BINS + CUM_SCORE_BINS);
        let body = cell_bytes.checked_mul(horizon as usize)?.checked_mul(policies)?;
        if horizon == 0 || policies == 0 || b.len() != body.checked_add(16)? {
            return None;
        }
        let mut m = Monthly::new(horizon, policies);
        let mut at = 16;
        let mut take = |n: usize| {
            let s = &b[at..at + n];
            at += n;
            s
        };
        for c in m.cells.iter_mut() {
            c.runs = u64::from_le_bytes(take(8).try_into().ok()?);
            for x in c.reached.iter_mut() {
                *x = u64::from_le_bytes(take(8).try_into().ok()?);
            }
            c.score_sum = i64::from_le_bytes(take(8).try_into().ok()?);
            for x in c.score_hist.iter_mut() {
                *x = u32::from_le_bytes(take(4).try_into().ok()?);
            }
            c.cum_score_sum = i64::from_le_bytes(take(8).try_into().ok()?);
            for x in c.cum_score_hist.iter_mut() {
                *x = u32::from_le_bytes(take(4).try_into().ok()?);
            }
            c.missiles = u64::from_le_bytes(take(8).try_into().ok()?);
            c.nuclear_tests = u64::from_le_bytes(take(8).try_into().ok()?);
            c.deals = u64::from_le_bytes(take(8).try_into().ok()?);
            c.warheads = u64::from_le_bytes(take(8).try_into().ok()?);
        }
        Some(m)
    }

    /// The cell of `policy` in `month`.
    pub fn cell(&self, policy: usize, month: u32) -> &MonthCell {
        &self.cells[policy * self.horizon as usize + month as usize]
    }
}

/// What one run did in one month, kept until the run ends, then added to the aggregates.
#[derive(Clone, Copy, Default)]
struct MonthPoint {
    max_rung: Rung,
    score: i32,
    missiles: u32,
    nuclear_tests: u32,
    deal: bool,
    warheads: u32,
}

struct MonthlyObserver<'a> {
    points: &'a mut Vec<MonthPoint>,
    max_rung: Rung,
}

impl Observer for MonthlyObserver<'_> {
    fn month(&mut self, log: &MonthLog) {
        self.max_rung = self.max_rung.max(log.world.rung);
        self.points.push(MonthPoint {
            max_rung: self.max_rung,
            score: log.score,
            missiles: log.missiles,
            nuclear_tests: log.nuclear_tests,
            deal: log.world.dprk.deal.is_some(),
            warheads: log.world.dprk.warheads,
        });
    }
}

/// Adds one finished run's months to its policy's cells. A run stopped by nuclear use stays
/// at its rung and keeps its accumulated score for the rest of the horizon (counted in
/// `reached` and the cumulative score, not in `runs`).
fn add_run(cells: &mut [MonthCell], points: &[MonthPoint]) {
    let last = points.last().map(|p| p.max_rung).unwrap_or(Rung::Calm);
    let width = cum_score_bin(cells.len() as u32);
    let mut total = 0i64;
    for (t, c) in cells.iter_mut().enumerate() {
        let (rung, point) = match points.get(t) {
            Some(p) => (p.max_rung, Some(p)),
            None => (last, None),
        };
        for (k, r) in KEY_RUNGS.iter().enumerate() {
            c.reached[k] += u64::from(rung >= *r);
        }
        total += point.map_or(0, |p| p.score as i64);
        c.cum_score_sum += total;
        let bin = ((total - CUM_SCORE_MIN).div_euclid(width)).clamp(0, CUM_SCORE_BINS as i64 - 1);
        c.cum_score_hist[bin as usize] += 1;
        let Some(p) = point else { continue };
        c.runs += 1;
        c.score_sum += p.score as i64;
        let bin = ((p.score - SCORE_MIN) / SCORE_BIN).clamp(0, SCORE_BINS as i32 - 1);
        c.score_hist[bin as usize] += 1;
        c.missiles += p.missiles as u64;
        c.nuclear_tests += p.nuclear_tests as u64;
        c.deals += u64::from(p.deal);
        c.warheads += p.warheads as u64;
    }
}

/// One part of a sweep: its rows in run order and its monthly aggregates.
#[derive(Debug)]
pub struct Part {
    /// Part index.
    pub index: u64,
    /// Rows, in run order.
    pub rows: Vec<RunRow>,
    /// Monthly aggregates of these rows.
    pub monthly: Monthly,
}

impl Plan {
    /// Plans an experiment: its hash and design.
    pub fn new(exp: Experiment) -> Plan {
        let hash = exp.hash();
        // Scenarios and seeds come from the scenario set, not from the policies compared.
        let key = exp.scenario_key();
        let design = Design::new(&exp, key);
        Plan { exp, hash, key, design }
    }

    /// Total runs.
    pub fn runs(&self) -> u64 {
        self.design.len() as u64 * self.exp.replications as u64 * self.exp.policies.len() as u64
    }

    /// Number of parts.
    pub fn parts(&self) -> u64 {
        self.runs().div_ceil(self.part_runs())
    }

    /// Runs in a full part.
    pub fn part_runs(&self) -> u64 {
        PART_GROUPS * self.exp.policies.len() as u64
    }

    /// Run indices of part `k`.
    pub fn part_range(&self, k: u64) -> Range<u64> {
        let n = self.part_runs();
        (k * n).min(self.runs())..((k + 1) * n).min(self.runs())
    }

    /// Parts of shard `i` of `k` (contiguous blocks, as even as possible).
    pub fn shard_parts(&self, i: u64, k: u64) -> Range<u64> {
        let n = self.parts();
        (n * i / k)..(n * (i + 1) / k)
    }

    /// The design.
    pub fn design(&self) -> &Design {
        &self.design
    }

    /// (scenario, replication, policy) of run `i`.
    pub fn identity(&self, i: u64) -> (u32, u32, u16) {
        let p = self.exp.policies.len() as u64;
        let r = self.exp.replications as u64;
        ((i / (r * p)) as u32, ((i / p) % r) as u32, (i % p) as u16)
    }

    /// Seed of a (scenario, replication): the same under every policy.
    pub fn seed(&self, scenario: u32, replication: u32) -> u64 {
        splitmix64(self.key ^ splitmix64((scenario as u64) << 32 | replication as u64))
    }

    /// Row of the posterior that scenario `s` draws its behaviour parameters from: a hash of
    /// the experiment and the scenario (for a Sobol design, of its base row, so A, B and the
    /// A_B rows of one base share the behaviour parameters).
    pub fn posterior_row(&self, s: u32) -> Option<usize> {
        let post = self.exp.posterior.as_ref()?;
        let base = match self.exp.method {
            crate::Method::Sobol => Design::sobol_role(s as usize, self.exp.uncertain.len()).0 as u64,
            _ => s as u64,
        };
        Some((splitmix64(self.key ^ POSTERIOR_SALT ^ splitmix64(base)) % post.rows.len() as u64) as usize)
    }

    /// Parameters of scenario `s`: the fixed values, the posterior row's behaviour parameters,
    /// then the design point's uncertain ones.
    pub fn params(&self, s: u32) -> Params {
        let mut p = self.exp.params.clone();
        if let (Some(post), Some(row)) = (&self.exp.posterior, self.posterior_row(s)) {
            post.apply(row, &mut p, |q| self.exp.posterior_params.contains(&q));
        }
        for (u, x) in self.exp.uncertain.iter().zip(self.design.point(s as usize)) {
            p.set(u.param, *x).expect("design points lie in validated ranges");
        }
        p
    }

    /// Run index of (scenario, replication, policy): the inverse of [`Plan::identity`].
    pub fn run_index(&self, scenario: u32, replication: u32, policy: u16) -> u64 {
        let p = self.exp.policies.len() as u64;
        let r = self.exp.replications as u64;
        (scenario as u64 * r + replication as u64) * p + policy as u64
    }

    /// The concrete lever setting policy `policy` (an index into the experiment's policies)
    /// runs at in scenario `scenario`: the policy itself, or for a family (levers given as
    /// ranges) its levers drawn in their ranges for this scenario ([`policy_instance`]).
    pub fn policy_at(&self, scenario: u32, policy: u16) -> Cow<'_, Policy> {
        self.instance(&self.exp.policies[policy as usize], scenario)
    }

    /// The setting any `policy` runs at in scenario `scenario` of this plan's scenario set
    /// (a policy outside the experiment's list too, such as a search's candidates): draws are
    /// keyed by the policy's name, as in [`Plan::policy_at`].
    pub fn instance<'p>(&self, policy: &'p Policy, scenario: u32) -> Cow<'p, Policy> {
        policy_instance(self.key, policy, self.draw_index(scenario))
    }

    /// The index a scenario's lever draws are keyed by: the scenario, or for a Sobol design its
    /// base row, so that A, B and the A_B rows of one base run a family at one setting (as they
    /// share a posterior row) and the indices measure the swept parameters alone.
    fn draw_index(&self, scenario: u32) -> u32 {
        match self.exp.method {
            crate::Method::Sobol => Design::sobol_role(scenario as usize, self.exp.uncertain.len()).0 as u32,
            _ => scenario,
        }
    }

    /// The levers of policy `policy` given as a range, with their lowest and highest values,
    /// in lever order (empty unless it is a family).
    pub fn uncertain_levers(&self, policy: u16) -> &[(Lever, f64, f64)] {
        self.exp.policies[policy as usize].uncertain()
    }

    /// What a run of the concrete setting `policy` with `params` runs, under this plan: its
    /// horizon, its election target.
    fn spec<'a>(&'a self, policy: &'a Policy, params: &'a Params) -> RunSpec<'a> {
        RunSpec {
            policy,
            election_target: self.exp.election_target.as_ref(),
            params,
            horizon: self.exp.horizon,
            events: &[],
        }
    }

    /// Replays run `i` as the sweep ran it (the scenario's parameters, the seed of its scenario
    /// and replication, its policy at the scenario's setting), calling `obs` every month.
    pub fn replay(&self, i: u64, obs: &mut impl Observer) -> RunOutcome {
        let (scenario, replication, policy) = self.identity(i);
        let params = self.params(scenario);
        let pol = self.policy_at(scenario, policy);
        run_observed(&self.spec(&pol, &params), self.seed(scenario, replication), obs)
    }

    /// Runs part `k`, in parallel on the current Rayon pool.
    pub fn run_part(&self, k: u64) -> Part {
        let range = self.part_range(k);
        let blocks: Vec<Range<u64>> =
            (range.start..range.end).step_by(BLOCK_RUNS as usize).map(|s| s..(s + BLOCK_RUNS).min(range.end)).collect();
        // Each block's aggregates are added to the part's as soon as the block is done, so that
        // only a block per thread is held at once; integer sums, so the order does not matter.
        let total = std::sync::Mutex::new(Monthly::new(self.exp.horizon, self.exp.policies.len()));
        let done: Vec<Vec<RunRow>> = blocks
            .into_par_iter()
            .map(|b| {
                let (rows, m) = self.run_block(b);
                total.lock().unwrap_or_else(|e| e.into_inner()).add(&m);
                rows
            })
            .collect();
        let mut rows = Vec::with_capacity((range.end - range.start) as usize);
        done.into_iter().for_each(|r| rows.extend(r));
        let monthly = total.into_inner().unwrap_or_else(|e| e.into_inner());
        Part { index: k, rows, monthly }
    }

    fn run_block(&self, b: Range<u64>) -> (Vec<RunRow>, Monthly) {
        let mut monthly = Monthly::new(self.exp.horizon, self.exp.policies.len());
        // Per scenario: its parameters and the setting of each policy (drawn for families).
        let mut cached: Option<(u32, Params, Vec<Cow<Policy>>)> = None;
        let mut points = Vec::with_capacity(self.exp.horizon as usize);
        let rows = b
            .map(|i| {
                let (scenario, replication, policy) = self.identity(i);
                if cached.as_ref().map(|c| c.0) != Some(scenario) {
                    let settings = (0..self.exp.policies.len()).map(|p| self.policy_at(scenario, p as u16)).collect();
                    cached = Some((scenario, self.params(scenario), settings));
                }
                let (_, params, settings) = cached.as_ref().expect("set above");
                let seed = self.seed(scenario, replication);
                let h = self.exp.horizon as usize;
                let cells = &mut monthly.cells[policy as usize * h..(policy as usize + 1) * h];
                let outcome = self.run_one(&settings[policy as usize], params, seed, cells, &mut points);
                RunRow { run: i, scenario, replication, policy, seed, outcome }
            })
            .collect();
        (rows, monthly)
    }

    fn run_one(
        &self,
        policy: &Policy,
        params: &Params,
        seed: u64,
        cells: &mut [MonthCell],
        points: &mut Vec<MonthPoint>,
    ) -> Result<RunOutcome, String> {
        let spec = self.spec(policy, params);
        // A run that panics is recorded as failed and the sweep goes on; its months are not
        // added to the aggregates.
        points.clear();
        let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            let mut obs = MonthlyObserver { points, max_rung: Rung::Calm };
            run_observed(&spec, seed, &mut obs)
        }));
        match result {
            Ok(o) => {
                add_run(cells, points);
                Ok(o)
            }
            Err(e) => Err(e
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| e.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "run panicked".into())),
        }
    }
}
