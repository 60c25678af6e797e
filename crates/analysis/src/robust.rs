//! Robustness across scenarios: how each policy fares scenario by scenario, not only pooled.
//!
//! A sweep's pooled risk hides the spread across assumptions, which is what the sweep exists to
//! show. Per policy this module gives: in how many scenarios it is the safest, its regret (its
//! risk minus the best policy's risk in the same scenario; Savage's minimax-regret criterion) as
//! mean, median, 90th percentile and maximum, the share of scenarios where its risk stays at or
//! under the experiment's satisficing threshold (Simon's satisficing; the domain criterion of
//! EMA Workbench's robustness metrics, McPhail et al. 2018), the share of scenarios at each rank,
//! and an interval for the pooled risk that treats scenarios as clusters (runs of one scenario
//! share its assumptions, so they are not independent draws of the question "which assumptions
//! hold").
//!
//! Regret and ranks use the headline risk, P(deadly incident or worse) within the horizon, as
//! estimated in each scenario; with a few hundred replications per scenario those estimates
//! carry Monte Carlo noise, which inflates maximum regret a little (the largest of many noisy
//! shortfalls). Paired random numbers keep that noise small for differences between policies.

use crate::detail::Detail;
use crate::stats::Z95;

/// How one policy fares across the scenarios of a sweep.
#[derive(Clone, Debug, PartialEq)]
pub struct Robustness {
    /// Policy name.
    pub policy: String,
    /// Scenarios with runs.
    pub scenarios: usize,
    /// Scenarios where the policy's risk is the lowest (ties count for every policy tied).
    pub best_in: usize,
    /// Regret (risk minus the best risk in the scenario), mean over scenarios.
    pub regret_mean: f64,
    /// Median regret.
    pub regret_median: f64,
    /// 90th percentile of regret.
    pub regret_p90: f64,
    /// Largest regret.
    pub regret_max: f64,
    /// Share of scenarios where the risk is at or under the satisficing threshold.
    pub satisficing: f64,
    /// Scenarios where the policy's regret is within Monte Carlo noise of zero: at most 1.645
    /// paired standard errors of its difference from the scenario's safest policy (the safest
    /// itself included).
    pub near_best_in: usize,
    /// Median, over the scenarios where the policy is not the safest, of the paired standard
    /// error of its regret.
    pub regret_se_median: f64,
    /// Largest regret less 1.645 paired standard errors, floored at zero: the shortfall the
    /// runs can tell from noise.
    pub regret_max_beyond_noise: f64,
    /// Mean over scenarios of the risk, 10th and 90th percentiles over scenarios.
    pub risk_spread: [f64; 3],
    /// Share of scenarios at rank 1 (safest), 2, ..., P (ties share the better rank).
    pub rank_share: Vec<f64>,
    /// Cluster-robust (scenarios as clusters) 95% interval of each pooled risk, in
    /// [`crate::Risk::ALL`] order.
    pub scenario_interval: Vec<(f64, f64)>,
    /// Cluster-robust 95% interval of the paired difference against the reference, for each
    /// risk.
    pub difference_interval: Vec<(f64, f64)>,
}

/// The `q` quantile (0..1) of sorted values by linear interpolation (type 7, as numpy's default).
pub fn quantile(sorted: &[f64], q: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let h = (sorted.len() - 1) as f64 * q.clamp(0.0, 1.0);
    let (lo, hi) = (h.floor() as usize, h.ceil() as usize);
    sorted[lo] + (h - lo as f64) * (sorted[hi] - sorted[lo])
}

/// Regret of every policy in scenario `s`: its risk minus the lowest risk of the scenario.
pub fn regrets(d: &Detail, s: usize) -> Vec<f64> {
    let np = d.policies();
    let best = (0..np).map(|p| d.scenario_risk(s, p)).filter(|x| x.is_finite()).fold(f64::INFINITY, f64::min);
    (0..np).map(|p| d.scenario_risk(s, p) - best).collect()
}

/// Paired standard error of every policy's regret in scenario `s`: of its difference from the
/// scenario's safest policy (0 for the safest itself).
pub fn regret_ses(d: &Detail, s: usize) -> Vec<f64> {
    let np = d.policies();
    let best = (0..np)
        .filter(|p| d.scenario_risk(s, *p).is_finite())
        .min_by(|a, b| d.scenario_risk(s, *a).total_cmp(&d.scenario_risk(s, *b)).then(a.cmp(b)));
    (0..np)
        .map(|p| match best {
            Some(b) if b != p && d.scenario_risk(s, p) > d.scenario_risk(s, b) => d.paired_se(s, p, b),
            Some(_) => 0.0,
            None => f64::NAN,
        })
        .collect()
}

/// Ranks of the policies in scenario `s` by risk, 1 the safest; ties share the better rank.
pub fn ranks(d: &Detail, s: usize) -> Vec<usize> {
    let np = d.policies();
    let risk: Vec<f64> = (0..np).map(|p| d.scenario_risk(s, p)).collect();
    (0..np).map(|p| 1 + (0..np).filter(|q| risk[*q] < risk[p]).count()).collect()
}

/// The 97.5% quantile of Student's t with `nu` degrees of freedom, by the Cornish-Fisher
/// expansion around the normal quantile (Abramowitz and Stegun 26.7.5; within 0.001 of the exact
/// value from 5 degrees of freedom up, 2.3646 at 7 against 2.3646).
pub fn t975(nu: f64) -> f64 {
    let z = Z95;
    let (z3, z5, z7) = (z.powi(3), z.powi(5), z.powi(7));
    z + (z3 + z) / (4.0 * nu)
        + (5.0 * z5 + 16.0 * z3 + 3.0 * z) / (96.0 * nu * nu)
        + (3.0 * z7 + 19.0 * z5 + 17.0 * z3 - 15.0 * z) / (384.0 * nu.powi(3))
        + (79.0 * z.powi(9) + 776.0 * z7 + 1482.0 * z5 - 1920.0 * z3 - 945.0 * z) / (92160.0 * nu.powi(4))
}

/// Cluster-robust 95% interval of a pooled ratio sum(y) / sum(n) over clusters (y_s, n_s):
/// the sandwich variance sum (y_s - r n_s)^2 / (sum n)^2 with the small-sample factor M/(M-1)
/// and Student's t with M - 1 degrees of freedom (Cameron and Miller 2015), for M clusters.
/// Not clipped: callers that hold a probability clip it to [0, 1].
pub fn cluster_interval(clusters: &[(f64, f64)]) -> (f64, f64) {
    let m = clusters.iter().filter(|(_, n)| *n > 0.0).count();
    let (sy, sn) = clusters.iter().fold((0.0, 0.0), |(a, b), (y, n)| (a + y, b + n));
    if m < 2 || sn <= 0.0 {
        return (f64::NAN, f64::NAN);
    }
    let r = sy / sn;
    let ss: f64 = clusters.iter().map(|(y, n)| (y - r * n).powi(2)).sum();
    let se = (ss * m as f64 / (m as f64 - 1.0)).sqrt() / sn;
    let t = t975(m as f64 - 1.0);
    (r - t * se, r + t * se)
}

/// Robustness of every policy of `names` across the scenarios of `d`, with satisficing
/// threshold `threshold` (a risk) and paired differences against policy `reference`.
pub fn robustness(d: &Detail, names: &[String], reference: usize, threshold: f64) -> Vec<Robustness> {
    let np = names.len();
    let scen: Vec<usize> = (0..d.scenarios()).filter(|s| (0..np).all(|p| d.cell(*s, p).runs > 0)).collect();
    let m = scen.len();
    let reg: Vec<Vec<f64>> = scen.iter().map(|s| regrets(d, *s)).collect();
    let rk: Vec<Vec<usize>> = scen.iter().map(|s| ranks(d, *s)).collect();
    let se: Vec<Vec<f64>> = scen.iter().map(|s| regret_ses(d, *s)).collect();
    (0..np)
        .map(|p| {
            let mut r: Vec<f64> = reg.iter().map(|x| x[p]).collect();
            r.sort_by(f64::total_cmp);
            let mut risk: Vec<f64> = scen.iter().map(|s| d.scenario_risk(*s, p)).collect();
            let mean_risk = risk.iter().sum::<f64>() / m.max(1) as f64;
            risk.sort_by(f64::total_cmp);
            let share = |n: usize| if m == 0 { f64::NAN } else { n as f64 / m as f64 };
            let scenario_interval = (0..6)
                .map(|k| {
                    let c: Vec<(f64, f64)> = scen
                        .iter()
                        .map(|s| (f64::from(d.cell(*s, p).hits[k]), f64::from(d.cell(*s, p).runs)))
                        .collect();
                    let (lo, hi) = cluster_interval(&c);
                    (lo.max(0.0), hi.min(1.0))
                })
                .collect();
            let difference_interval = (0..6)
                .map(|k| {
                    // The scenario's difference of shares, weighted by the policy's runs.
                    let c: Vec<(f64, f64)> = scen
                        .iter()
                        .map(|s| {
                            let (a, b) = (d.cell(*s, p), d.cell(*s, reference));
                            let n = f64::from(a.runs);
                            (n * (a.p(k) - b.p(k)), n)
                        })
                        .collect();
                    if p == reference {
                        (0.0, 0.0)
                    } else {
                        cluster_interval(&c)
                    }
                })
                .collect();
            let z = 1.645;
            let mut ses: Vec<f64> =
                reg.iter().zip(&se).filter(|(g, _)| g[p] > 0.0).map(|(_, e)| e[p]).filter(|x| x.is_finite()).collect();
            ses.sort_by(f64::total_cmp);
            let beyond = reg.iter().zip(&se).map(|(g, e)| (g[p] - z * e[p]).max(0.0)).fold(0.0, f64::max);
            Robustness {
                near_best_in: reg.iter().zip(&se).filter(|(g, e)| g[p] <= z * e[p]).count(),
                regret_se_median: quantile(&ses, 0.5),
                regret_max_beyond_noise: beyond,
                policy: names[p].clone(),
                scenarios: m,
                best_in: rk.iter().filter(|x| x[p] == 1).count(),
                regret_mean: r.iter().sum::<f64>() / m.max(1) as f64,
                regret_median: quantile(&r, 0.5),
                regret_p90: quantile(&r, 0.9),
                regret_max: r.last().copied().unwrap_or(f64::NAN),
                satisficing: share(risk.iter().filter(|x| **x <= threshold).count()),
                risk_spread: [mean_risk, quantile(&risk, 0.1), quantile(&risk, 0.9)],
                rank_share: (1..=np).map(|k| share(rk.iter().filter(|x| x[p] == k).count())).collect(),
                scenario_interval,
                difference_interval,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_interpolate_like_numpy() {
        let v = [1.0, 2.0, 3.0, 4.0];
        assert_eq!(quantile(&v, 0.5), 2.5);
        assert!((quantile(&v, 0.9) - 3.7).abs() < 1e-12);
        assert_eq!(quantile(&v, 1.0), 4.0);
        assert!(quantile(&[], 0.5).is_nan());
    }

    #[test]
    fn the_cluster_interval_widens_with_the_spread_between_clusters() {
        // Same pooled share (0.5), same runs; clusters that agree vs clusters that disagree.
        let agree = cluster_interval(&[(50.0, 100.0), (50.0, 100.0), (51.0, 100.0), (49.0, 100.0)]);
        let differ = cluster_interval(&[(10.0, 100.0), (90.0, 100.0), (20.0, 100.0), (80.0, 100.0)]);
        assert!(agree.0 < 0.5 && agree.1 > 0.5 && differ.0 < 0.5 && differ.1 > 0.5);
        assert!(differ.1 - differ.0 > 10.0 * (agree.1 - agree.0), "{agree:?} {differ:?}");
        // By hand: r = 0.5, sum of squares 40^2 + 40^2 + 30^2 + 30^2 = 5000, x 4/3, sqrt / 400.
        let se = (5000.0_f64 * 4.0 / 3.0).sqrt() / 400.0;
        assert!((differ.1 - (0.5 + t975(3.0) * se)).abs() < 1e-12);
    }

    #[test]
    fn the_t_quantile_matches_tables() {
        // Student's t, 97.5%: 2.5706 (5), 2.3646 (7), 2.0452 (29), 1.9840 (100).
        for (nu, t) in [(5.0, 2.5706), (7.0, 2.3646), (29.0, 2.0452), (100.0, 1.9840)] {
            assert!((t975(nu) - t).abs() < 2e-3, "{nu}: {} vs {t}", t975(nu));
        }
    }
}
