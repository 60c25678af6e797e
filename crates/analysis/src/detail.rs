//! Detailed aggregates streamed from the runs: time to first escalation (for Kaplan–Meier),
//! distributions at the horizon, and per-scenario outcomes (for scenarios.parquet, robustness,
//! heatmaps, Sobol indices and PRIM). Counts and sums taken in run order, so the result does not
//! depend on how the runs were split.

use crate::frames::first_col;
use crate::km::{from_counts, SurvivalPoint};
use crate::summary::Risk;
use brink_core::Rung;
use polars::prelude::*;

/// Bins of the unit-interval histograms (cohesion, trust, sanctions).
const UNIT_BINS: usize = 100;
/// Width of a warhead bin.
const WARHEAD_BIN: u32 = 2;
/// Warhead bins (the last collects everything above).
const WARHEAD_BINS: usize = 500;

/// Quantities whose distribution at the horizon is kept.
pub const HORIZON_VARS: [&str; 4] = ["warheads_end", "cohesion_end", "trust_end", "sanctions_end"];

/// Streamed detail of a sweep.
#[derive(Clone, Debug)]
pub struct Detail {
    horizon: u32,
    np: usize,
    /// Runs whose first deadly incident (or worse) came in month t, per policy.
    events: Vec<Vec<u64>>,
    /// Runs that never escalated that far (censored at the horizon), per policy.
    never: Vec<u64>,
    hists: Vec<[Vec<u64>; 4]>,
    /// Per (scenario, policy): runs, hits of each risk, harm and warheads.
    scen: Vec<ScenarioCell>,
    /// Per (scenario, policy p, policy q): replications where both ran, and those where p
    /// reached a deadly incident or worse and q did not (the discordant pairs of the paired
    /// comparison).
    pairs: Vec<[u32; 2]>,
}

/// What the runs of one (scenario, policy) add up to.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct ScenarioCell {
    /// Runs that did not fail.
    pub runs: u32,
    /// Runs reaching each [`Risk`] (in [`Risk::ALL`] order).
    pub hits: [u32; 6],
    /// Sum of the harm-weighted outcome.
    pub harm: f64,
    /// Sum of warheads at the horizon.
    pub warheads: f64,
}

impl ScenarioCell {
    /// Share of runs reaching risk `k` (of [`Risk::ALL`]); NaN without runs.
    pub fn p(&self, k: usize) -> f64 {
        if self.runs == 0 {
            f64::NAN
        } else {
            f64::from(self.hits[k]) / f64::from(self.runs)
        }
    }

    /// Mean harm-weighted outcome; NaN without runs.
    pub fn mean_harm(&self) -> f64 {
        if self.runs == 0 {
            f64::NAN
        } else {
            self.harm / f64::from(self.runs)
        }
    }

    /// Mean warheads at the horizon; NaN without runs.
    pub fn mean_warheads(&self) -> f64 {
        if self.runs == 0 {
            f64::NAN
        } else {
            self.warheads / f64::from(self.runs)
        }
    }
}

/// Five quantiles (5, 25, 50, 75, 95%) of a distribution.
pub type Quantiles = [f64; 5];

impl Detail {
    /// An empty record for `scenarios` scenarios, `np` policies and a horizon of `horizon` months.
    pub fn new(horizon: u32, np: usize, scenarios: usize) -> Detail {
        let h = [vec![0; WARHEAD_BINS], vec![0; UNIT_BINS], vec![0; UNIT_BINS], vec![0; UNIT_BINS]];
        Detail {
            horizon,
            np,
            events: vec![vec![0; horizon as usize]; np],
            never: vec![0; np],
            hists: vec![h; np],
            scen: vec![ScenarioCell::default(); scenarios * np],
            pairs: vec![[0, 0]; scenarios * np * np],
        }
    }

    /// Adds a frame of whole groups in run order (row i is policy i % P).
    pub fn add(&mut self, runs: &DataFrame) -> PolarsResult<()> {
        let failed: Vec<bool> = runs.column("status")?.str()?.iter().map(|s| s == Some("failed")).collect();
        let first: Vec<Option<u32>> = runs.column(&first_col(Rung::DeadlyIncident))?.u32()?.iter().collect();
        let scen: Vec<u32> = runs.column("scenario")?.u32()?.iter().map(|x| x.unwrap_or(0)).collect();
        let mut ind: Vec<Vec<bool>> = Vec::with_capacity(6);
        for r in Risk::ALL {
            ind.push(runs.column(&r.column())?.is_not_null().iter().map(|b| b.unwrap_or(false)).collect());
        }
        let harm: Vec<f64> =
            runs.column("harm")?.cast(&DataType::Float64)?.f64()?.iter().map(|x| x.unwrap_or(f64::NAN)).collect();
        let vals: Vec<Vec<f64>> = HORIZON_VARS
            .iter()
            .map(|c| -> PolarsResult<Vec<f64>> {
                Ok(runs.column(c)?.cast(&DataType::Float64)?.f64()?.iter().map(|x| x.unwrap_or(f64::NAN)).collect())
            })
            .collect::<PolarsResult<_>>()?;
        for i in 0..runs.height() {
            if failed[i] {
                continue;
            }
            let p = i % self.np;
            match first[i] {
                Some(t) if t < self.horizon => self.events[p][t as usize] += 1,
                _ => self.never[p] += 1,
            }
            for (k, v) in vals.iter().enumerate() {
                let bins = self.hists[p][k].len();
                let b =
                    if k == 0 { (v[i].max(0.0) as u32 / WARHEAD_BIN) as usize } else { (v[i] * bins as f64) as usize };
                self.hists[p][k][b.min(bins - 1)] += 1;
            }
            if let Some(c) = self.scen.get_mut(scen[i] as usize * self.np + p) {
                c.runs += 1;
                for (h, v) in c.hits.iter_mut().zip(&ind) {
                    *h += u32::from(v[i]);
                }
                c.harm += harm[i];
                c.warheads += vals[0][i];
            }
            // Row i - p + q is policy q of the same (scenario, replication).
            let base = (scen[i] as usize * self.np + p) * self.np;
            for q in 0..self.np {
                let j = i - p + q;
                if q == p || j >= runs.height() || failed[j] {
                    continue;
                }
                if let Some(c) = self.pairs.get_mut(base + q) {
                    c[0] += 1;
                    c[1] += u32::from(ind[0][i] && !ind[0][j]);
                }
            }
        }
        Ok(())
    }

    /// Kaplan–Meier curve of time to the first deadly incident (or worse) for policy `p`;
    /// runs that never escalate are censored at the horizon. Time is in months from the start.
    pub fn survival(&self, p: usize) -> Vec<SurvivalPoint> {
        let n = self.events[p].iter().sum::<u64>() + self.never[p];
        let counts: Vec<(f64, u64, u64)> =
            self.events[p].iter().enumerate().map(|(t, e)| (t as f64 + 1.0, *e, *e)).collect();
        from_counts(&counts, n)
    }

    /// Quantiles at the horizon of variable `k` of [`HORIZON_VARS`] for policy `p`.
    pub fn quantiles(&self, p: usize, k: usize) -> Quantiles {
        let h = &self.hists[p][k];
        let total: u64 = h.iter().sum();
        let width = if k == 0 { WARHEAD_BIN as f64 } else { 1.0 / h.len() as f64 };
        let mut out = [f64::NAN; 5];
        if total == 0 {
            return out;
        }
        for (j, q) in [0.05, 0.25, 0.5, 0.75, 0.95].iter().enumerate() {
            let target = (q * total as f64).ceil().max(1.0) as u64;
            let mut acc = 0;
            for (b, c) in h.iter().enumerate() {
                acc += c;
                if acc >= target {
                    out[j] = (b as f64 + 0.5) * width;
                    break;
                }
            }
        }
        out
    }

    /// Share of runs of scenario `s` under policy `p` that reached a deadly incident or worse.
    pub fn scenario_risk(&self, s: usize, p: usize) -> f64 {
        self.scen[s * self.np + p].p(0)
    }

    /// Standard error of the paired difference in P(deadly incident or worse) between policies
    /// `p` and `q` in scenario `s`, from the replications' discordant pairs (each replication
    /// runs both on the same random streams): sqrt((b + c - (b - c)^2 / n) / (n (n - 1))) for b
    /// replications where only p escalated, c where only q did, n in all. NaN below 2 pairs.
    pub fn paired_se(&self, s: usize, p: usize, q: usize) -> f64 {
        let np = self.np;
        let (Some(a), Some(b)) = (self.pairs.get((s * np + p) * np + q), self.pairs.get((s * np + q) * np + p)) else {
            return f64::NAN;
        };
        let n = f64::from(a[0]);
        if n < 2.0 {
            return f64::NAN;
        }
        let (b, c) = (f64::from(a[1]), f64::from(b[1]));
        ((b + c - (b - c).powi(2) / n).max(0.0) / (n * (n - 1.0))).sqrt()
    }

    /// Everything kept of scenario `s` under policy `p`.
    pub fn cell(&self, s: usize, p: usize) -> &ScenarioCell {
        &self.scen[s * self.np + p]
    }

    /// Number of policies.
    pub fn policies(&self) -> usize {
        self.np
    }

    /// Runs and hits of scenario `s` under policy `p`.
    pub fn scenario_counts(&self, s: usize, p: usize) -> (u32, u32) {
        let c = &self.scen[s * self.np + p];
        (c.runs, c.hits[0])
    }

    /// Number of scenarios.
    pub fn scenarios(&self) -> usize {
        self.scen.len() / self.np.max(1)
    }
}
