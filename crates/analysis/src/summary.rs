//! The headline numbers: per policy, the probability of each key outcome within the horizon
//! with Wilson 95% intervals, paired differences against the reference policy, and means.

use crate::frames::{first_col, or_worse};
use crate::robust::Robustness;
use crate::stats::{wilson, Difference, Proportion, Z95};
use brink_core::Rung;
use polars::prelude::*;

/// A key outcome whose probability is reported.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Risk {
    /// First deadly violence (or worse).
    DeadlyIncident,
    /// Limited strikes (or worse).
    LimitedStrikes,
    /// War (a major conventional war) or worse.
    War,
    /// Nuclear use.
    NuclearUse,
    /// A nuclear accident.
    Accident,
    /// Onward transfer of fissile material.
    Transfer,
}

impl Risk {
    /// Every risk, in report order.
    pub const ALL: [Risk; 6] =
        [Risk::DeadlyIncident, Risk::LimitedStrikes, Risk::War, Risk::NuclearUse, Risk::Accident, Risk::Transfer];

    /// Column-name stem (`p_<stem>` in summary.csv): the rung's name with "or worse" where a
    /// higher rung exists, as the runs' `first_*` columns.
    pub fn name(self) -> String {
        match self {
            Risk::DeadlyIncident => or_worse(Rung::DeadlyIncident),
            Risk::LimitedStrikes => or_worse(Rung::LimitedStrikes),
            Risk::War => or_worse(Rung::War),
            Risk::NuclearUse => or_worse(Rung::NuclearUse),
            Risk::Accident => "nuclear_accident".into(),
            Risk::Transfer => "onward_transfer".into(),
        }
    }

    /// Words for charts: the column's name in words.
    pub fn label(self) -> &'static str {
        match self {
            Risk::DeadlyIncident => "deadly incident or worse",
            Risk::LimitedStrikes => "limited strikes or worse",
            Risk::War => "war or worse",
            Risk::NuclearUse => "nuclear use",
            Risk::Accident => "nuclear accident",
            Risk::Transfer => "onward transfer of material",
        }
    }

    /// The runs column that is non-null when the outcome happened.
    pub fn column(self) -> String {
        match self {
            Risk::DeadlyIncident => first_col(Rung::DeadlyIncident),
            Risk::LimitedStrikes => first_col(Rung::LimitedStrikes),
            Risk::War => first_col(Rung::War),
            Risk::NuclearUse => first_col(Rung::NuclearUse),
            Risk::Accident => "accident_month".into(),
            Risk::Transfer => "transfer_month".into(),
        }
    }
}

/// Headline numbers of one policy.
#[derive(Clone, Debug)]
pub struct PolicySummary {
    /// Policy name.
    pub policy: String,
    /// Runs that completed or stopped at nuclear use.
    pub runs: u64,
    /// Runs that failed.
    pub failed: u64,
    /// Probability of each [`Risk`] within the horizon.
    pub risks: Vec<Proportion>,
    /// Paired difference (this policy - reference) of each risk.
    pub versus_reference: Vec<Difference>,
    /// Mean missiles a year.
    pub missiles_per_year: f64,
    /// Mean nuclear tests per run.
    pub nuclear_tests: f64,
    /// Mean warheads at the horizon.
    pub warheads_end: f64,
    /// Mean alliance cohesion at the horizon.
    pub cohesion_end: f64,
    /// Mean trust at the horizon.
    pub trust_end: f64,
    /// Mean sanctions level at the horizon.
    pub sanctions_end: f64,
    /// Mean cumulative escalation score.
    pub escalation_score: f64,
    /// Mean harm-weighted outcome (expected deaths per run, by the experiment's weights) with
    /// its 95% interval.
    pub harm: Difference,
    /// Paired difference (this policy - reference) of the harm-weighted outcome.
    pub harm_vs_reference: Difference,
}

/// Streams runs frames (whole parts, in run order) into per-policy sums; [`Accumulator::finish`]
/// turns them into the summary. Sums are taken in a fixed order, so the result does not depend
/// on threads or shards.
#[derive(Clone, Debug)]
pub struct Accumulator {
    policies: Vec<String>,
    reference: usize,
    n: Vec<u64>,
    failed: Vec<u64>,
    hits: Vec<[u64; 6]>,
    pairs: Vec<u64>,
    dsum: Vec<[i64; 6]>,
    d2sum: Vec<[u64; 6]>,
    sums: Vec<[f64; 7]>,
    /// Sum and sum of squares of the harm-weighted outcome, and of its paired difference.
    harm: Vec<[f64; 4]>,
}

impl Accumulator {
    /// An empty accumulator for these policies.
    pub fn new(policies: Vec<String>, reference: usize) -> Accumulator {
        let np = policies.len();
        Accumulator {
            policies,
            reference,
            n: vec![0; np],
            failed: vec![0; np],
            hits: vec![[0; 6]; np],
            pairs: vec![0; np],
            dsum: vec![[0; 6]; np],
            d2sum: vec![[0; 6]; np],
            sums: vec![[0.0; 7]; np],
            harm: vec![[0.0; 4]; np],
        }
    }

    /// Adds a frame of whole (scenario, replication) groups in run order: row i is policy i % P.
    pub fn add(&mut self, runs: &DataFrame) -> PolarsResult<()> {
        let np = self.policies.len();
        if runs.height() % np != 0 {
            polars_bail!(ComputeError: "a runs frame of {} rows does not hold whole groups of {} policies", runs.height(), np);
        }
        let failed: Vec<bool> = runs.column("status")?.str()?.iter().map(|s| s == Some("failed")).collect();
        let mut ind: Vec<Vec<bool>> = Vec::with_capacity(6);
        for r in Risk::ALL {
            ind.push(runs.column(&r.column())?.is_not_null().iter().map(|b| b.unwrap_or(false)).collect());
        }
        let f64_col = |name: &str| -> PolarsResult<Vec<f64>> {
            Ok(runs.column(name)?.cast(&DataType::Float64)?.f64()?.iter().map(|x| x.unwrap_or(f64::NAN)).collect())
        };
        let months = f64_col("months")?;
        let harm = f64_col("harm")?;
        let vals = [
            f64_col("missile_tests")?,
            f64_col("nuclear_tests")?,
            f64_col("warheads_end")?,
            f64_col("cohesion_end")?,
            f64_col("trust_end")?,
            f64_col("sanctions_end")?,
            f64_col("escalation_score")?,
        ];
        for i in 0..runs.height() {
            let p = i % np;
            if failed[i] {
                self.failed[p] += 1;
                continue;
            }
            self.n[p] += 1;
            for (hits, v) in self.hits[p].iter_mut().zip(&ind) {
                *hits += u64::from(v[i]);
            }
            self.sums[p][0] += vals[0][i] * 12.0 / months[i].max(1.0);
            for (sum, v) in self.sums[p].iter_mut().zip(&vals).skip(1) {
                *sum += v[i];
            }
            self.harm[p][0] += harm[i];
            self.harm[p][1] += harm[i] * harm[i];
            let j = i - p + self.reference;
            if !failed[j] {
                let d = harm[i] - harm[j];
                self.harm[p][2] += d;
                self.harm[p][3] += d * d;
                self.pairs[p] += 1;
                for (k, v) in ind.iter().enumerate() {
                    let d = i64::from(u8::from(v[i])) - i64::from(u8::from(v[j]));
                    self.dsum[p][k] += d;
                    self.d2sum[p][k] += (d * d) as u64;
                }
            }
        }
        Ok(())
    }

    /// The summary of every policy.
    pub fn finish(&self) -> Vec<PolicySummary> {
        (0..self.policies.len())
            .map(|p| {
                let n = self.n[p];
                let mean = |k: usize| {
                    if n == 0 {
                        f64::NAN
                    } else {
                        self.sums[p][k] / n as f64
                    }
                };
                PolicySummary {
                    policy: self.policies[p].clone(),
                    runs: n,
                    failed: self.failed[p],
                    risks: (0..6).map(|k| wilson(self.hits[p][k], n, Z95)).collect(),
                    versus_reference: (0..6)
                        .map(|k| difference_from_sums(self.pairs[p], self.dsum[p][k], self.d2sum[p][k]))
                        .collect(),
                    missiles_per_year: mean(0),
                    nuclear_tests: mean(1),
                    warheads_end: mean(2),
                    cohesion_end: mean(3),
                    trust_end: mean(4),
                    sanctions_end: mean(5),
                    escalation_score: mean(6),
                    harm: mean_interval(n, self.harm[p][0], self.harm[p][1]),
                    harm_vs_reference: mean_interval(self.pairs[p], self.harm[p][2], self.harm[p][3]),
                }
            })
            .collect()
    }
}

/// Paired difference from the count, sum and sum of squares of the differences.
fn difference_from_sums(n: u64, sum: i64, sum2: u64) -> Difference {
    if n < 2 {
        return Difference { n, mean: if n == 1 { sum as f64 } else { f64::NAN }, lo: f64::NAN, hi: f64::NAN };
    }
    let nf = n as f64;
    let mean = sum as f64 / nf;
    let var = ((sum2 as f64 - nf * mean * mean) / (nf - 1.0)).max(0.0);
    let se = (var / nf).sqrt();
    Difference { n, mean, lo: mean - Z95 * se, hi: mean + Z95 * se }
}

/// Mean of `n` values with a normal-approximation 95% interval, from their sum and sum of
/// squares.
fn mean_interval(n: u64, sum: f64, sum2: f64) -> Difference {
    if n < 2 {
        return Difference { n, mean: if n == 1 { sum } else { f64::NAN }, lo: f64::NAN, hi: f64::NAN };
    }
    let nf = n as f64;
    let mean = sum / nf;
    let se = ((sum2 - nf * mean * mean) / (nf - 1.0)).max(0.0).sqrt() / nf.sqrt();
    Difference { n, mean, lo: mean - Z95 * se, hi: mean + Z95 * se }
}

/// The summary as a frame (one row per policy) for `summary.csv`, with the robustness across
/// scenarios of each policy (in the same order).
pub fn summary_frame(s: &[PolicySummary], reference: &str, rob: &[Robustness]) -> PolarsResult<DataFrame> {
    let round = |x: f64| (x * 1e6).round() / 1e6;
    let mut cols = vec![
        Column::new("policy".into(), s.iter().map(|p| p.policy.as_str()).collect::<Vec<_>>()),
        Column::new("runs".into(), s.iter().map(|p| p.runs).collect::<Vec<_>>()),
        Column::new("failed".into(), s.iter().map(|p| p.failed).collect::<Vec<_>>()),
    ];
    for (k, r) in Risk::ALL.iter().enumerate() {
        let n = r.name();
        cols.push(Column::new(format!("p_{n}").into(), s.iter().map(|p| round(p.risks[k].p)).collect::<Vec<_>>()));
        cols.push(Column::new(format!("p_{n}_lo").into(), s.iter().map(|p| round(p.risks[k].lo)).collect::<Vec<_>>()));
        cols.push(Column::new(format!("p_{n}_hi").into(), s.iter().map(|p| round(p.risks[k].hi)).collect::<Vec<_>>()));
    }
    for (k, r) in Risk::ALL.iter().enumerate() {
        let n = r.name();
        cols.push(Column::new(
            format!("diff_{n}_vs_{reference}").into(),
            s.iter().map(|p| round(p.versus_reference[k].mean)).collect::<Vec<_>>(),
        ));
        cols.push(Column::new(
            format!("diff_{n}_lo").into(),
            s.iter().map(|p| round(p.versus_reference[k].lo)).collect::<Vec<_>>(),
        ));
        cols.push(Column::new(
            format!("diff_{n}_hi").into(),
            s.iter().map(|p| round(p.versus_reference[k].hi)).collect::<Vec<_>>(),
        ));
    }
    for (name, f) in [
        ("missiles_per_year", (|p: &PolicySummary| p.missiles_per_year) as fn(&PolicySummary) -> f64),
        ("nuclear_tests", |p| p.nuclear_tests),
        ("warheads_end", |p| p.warheads_end),
        ("cohesion_end", |p| p.cohesion_end),
        ("trust_end", |p| p.trust_end),
        ("sanctions_end", |p| p.sanctions_end),
        ("escalation_score", |p| p.escalation_score),
    ] {
        cols.push(Column::new(format!("mean_{name}").into(), s.iter().map(|p| round(f(p))).collect::<Vec<_>>()));
    }
    for (name, f) in [
        ("mean_harm", (|p: &PolicySummary| p.harm) as fn(&PolicySummary) -> Difference),
        (&format!("diff_harm_vs_{reference}") as &str, |p| p.harm_vs_reference),
    ] {
        let stem = name.trim_end_matches(&format!("_vs_{reference}"));
        cols.push(Column::new(name.into(), s.iter().map(|p| round(f(p).mean)).collect::<Vec<_>>()));
        cols.push(Column::new(format!("{stem}_lo").into(), s.iter().map(|p| round(f(p).lo)).collect::<Vec<_>>()));
        cols.push(Column::new(format!("{stem}_hi").into(), s.iter().map(|p| round(f(p).hi)).collect::<Vec<_>>()));
    }
    if rob.len() == s.len() {
        type Intervals = fn(&Robustness) -> &[(f64, f64)];
        for (stem, of) in [("p", (|x| &x.scenario_interval) as Intervals), ("diff", |x| &x.difference_interval)] {
            for (k, r) in Risk::ALL.iter().enumerate() {
                let n = r.name();
                let lo = rob.iter().map(|x| round(of(x)[k].0)).collect::<Vec<_>>();
                let hi = rob.iter().map(|x| round(of(x)[k].1)).collect::<Vec<_>>();
                cols.push(Column::new(format!("{stem}_{n}_scen_lo").into(), lo));
                cols.push(Column::new(format!("{stem}_{n}_scen_hi").into(), hi));
            }
        }
        cols.push(Column::new("scenarios".into(), rob.iter().map(|x| x.scenarios as u32).collect::<Vec<_>>()));
        cols.push(Column::new("best_in".into(), rob.iter().map(|x| x.best_in as u32).collect::<Vec<_>>()));
        for (name, f) in [
            ("regret_mean", (|x: &Robustness| x.regret_mean) as fn(&Robustness) -> f64),
            ("regret_median", |x| x.regret_median),
            ("regret_p90", |x| x.regret_p90),
            ("regret_max", |x| x.regret_max),
            ("satisficing_share", |x| x.satisficing),
            ("regret_se_median", |x| x.regret_se_median),
            ("regret_max_beyond_noise", |x| x.regret_max_beyond_noise),
        ] {
            cols.push(Column::new(name.into(), rob.iter().map(|x| round(f(x))).collect::<Vec<_>>()));
        }
        cols.push(Column::new("near_best_in".into(), rob.iter().map(|x| x.near_best_in as u32).collect::<Vec<_>>()));
    }
    DataFrame::new(s.len(), cols)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn difference_from_sums_matches_the_direct_computation() {
        let a = [1.0, 0.0, 1.0, 1.0, 0.0, 1.0];
        let b = [0.0, 0.0, 1.0, 0.0, 1.0, 0.0];
        let direct = crate::stats::paired_difference(&a, &b);
        let d: Vec<i64> = a.iter().zip(&b).map(|(x, y)| (*x - *y) as i64).collect();
        let s = difference_from_sums(6, d.iter().sum(), d.iter().map(|x| (x * x) as u64).sum());
        assert!(
            (s.mean - direct.mean).abs() < 1e-12
                && (s.lo - direct.lo).abs() < 1e-12
                && (s.hi - direct.hi).abs() < 1e-12
        );
    }
}
