//! Policy search: lever settings that minimise a robustness metric across an experiment's
//! scenario set, with common random numbers (every candidate meets the same scenarios, seeds and
//! posterior rows as the experiment's policies), in parallel, reproducible from the experiment.
//!
//! The optimiser is the Nelder-Mead simplex of the `argmin` crate (derivative-free, which the
//! Monte Carlo objective needs; with common random numbers the objective is a deterministic,
//! piecewise-constant function of the levers), started from the best of the experiment's
//! policies, so the setting found is never worse than that policy on the metric.

use crate::runner::Plan;
use argmin::core::{CostFunction, Error, Executor, State};
use argmin::solver::neldermead::NelderMead;
use brink_core::{run, Lever, Policy, RunOutcome, RunSpec, Rung};
use rayon::prelude::*;

/// What a policy is judged by, across the scenario set.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Metric {
    /// The largest shortfall behind the best policy of the set (the experiment's policies and
    /// the candidate) over the scenarios: max over scenarios of risk minus the best risk.
    MaxRegret,
    /// This quantile (0..1) of the policy's risk over the scenarios.
    RiskQuantile(f64),
    /// The mean harm-weighted outcome over every run (the experiment's `[harm]` weights).
    Harm,
}

impl Metric {
    /// Name in files and messages.
    pub fn name(self) -> String {
        match self {
            Metric::MaxRegret => "max_regret".into(),
            Metric::RiskQuantile(q) => format!("risk_q{:.0}", 100.0 * q),
            Metric::Harm => "mean_harm".into(),
        }
    }
}

/// One policy evaluated on the scenario set.
#[derive(Clone, Debug, PartialEq)]
pub struct Evaluation {
    /// Risk (P(deadly incident or worse) within the horizon) in each scenario.
    pub risk: Vec<f64>,
    /// Mean harm-weighted outcome over every run.
    pub harm: f64,
    /// Mean warheads at the horizon.
    pub warheads: f64,
}

/// What a search found.
#[derive(Clone, Debug)]
pub struct Found {
    /// The best lever setting, as a policy named `<base>_searched`.
    pub policy: Policy,
    /// Its metric.
    pub value: f64,
    /// Its evaluation.
    pub evaluation: Evaluation,
    /// The experiment's policies: name, metric (against the set with the found policy in it)
    /// and evaluation.
    pub baseline: Vec<(String, f64, Evaluation)>,
    /// Evaluations of candidate settings run.
    pub evaluations: u64,
    /// Every candidate setting evaluated, in the order the search ran them: its metric (against
    /// the experiment's policies), mean risk over scenarios and mean warheads at the horizon.
    pub trail: Vec<Candidate>,
}

/// A lever setting the search evaluated.
#[derive(Clone, Debug, PartialEq)]
pub struct Candidate {
    /// Lever values, in [`Lever::ALL`] order.
    pub levers: Vec<f64>,
    /// Its metric against the experiment's policies.
    pub metric: f64,
    /// Mean over scenarios of P(deadly incident or worse).
    pub risk: f64,
    /// Mean warheads at the horizon.
    pub warheads: f64,
}

/// Runs `policy` on every (scenario, replication) of the plan's scenario set; a family (levers
/// given as ranges) at its setting drawn for each scenario ([`Plan::instance`]).
pub fn evaluate(plan: &Plan, policy: &Policy) -> Evaluation {
    let e = &plan.exp;
    let (scenarios, reps) = (plan.design().len() as u32, e.replications);
    let outcomes: Vec<Option<RunOutcome>> = (0..scenarios as u64 * reps as u64)
        .into_par_iter()
        .map(|i| {
            let (s, r) = ((i / reps as u64) as u32, (i % reps as u64) as u32);
            let params = plan.params(s);
            // A family runs at its setting drawn for this scenario, as in a sweep.
            let setting = plan.instance(policy, s);
            let spec = RunSpec {
                policy: &setting,
                election_target: e.election_target.as_ref(),
                params: &params,
                horizon: e.horizon,
                events: &[],
            };
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| run(&spec, plan.seed(s, r)))).ok()
        })
        .collect();
    let mut hits = vec![0u32; scenarios as usize];
    let mut runs = vec![0u32; scenarios as usize];
    let (mut harm, mut warheads, mut n) = (0.0, 0.0, 0u64);
    for (i, o) in outcomes.iter().enumerate() {
        let Some(o) = o else { continue };
        let s = i / reps as usize;
        runs[s] += 1;
        hits[s] += u32::from(o.first_at_or_above(Rung::DeadlyIncident).is_some());
        harm += e.harm.of(o);
        warheads += o.warheads_end as f64;
        n += 1;
    }
    Evaluation {
        risk: hits.iter().zip(&runs).map(|(h, r)| if *r == 0 { f64::NAN } else { *h as f64 / *r as f64 }).collect(),
        harm: harm / n.max(1) as f64,
        warheads: warheads / n.max(1) as f64,
    }
}

/// The metric of `x` given the best risk of the other policies in each scenario.
fn metric(m: Metric, x: &Evaluation, best_other: &[f64]) -> f64 {
    match m {
        Metric::MaxRegret => x.risk.iter().zip(best_other).map(|(r, b)| r - b.min(*r)).fold(0.0, f64::max),
        Metric::RiskQuantile(q) => {
            let mut v: Vec<f64> = x.risk.iter().copied().filter(|r| r.is_finite()).collect();
            v.sort_by(f64::total_cmp);
            v.get(((v.len().max(1) - 1) as f64 * q).round() as usize).copied().unwrap_or(f64::NAN)
        }
        Metric::Harm => x.harm,
    }
}

/// A concrete setting (no lever a range) named after `base`.
fn with_levers(base: &Policy, x: &[f64]) -> Policy {
    let mut p = base.derived(&format!("{}_searched", base.name()), &format!("lever search from {}", base.name()));
    for (l, v) in Lever::ALL.iter().zip(x) {
        p.set(*l, v.clamp(0.0, 1.0)).expect("clamped into [0, 1]");
    }
    p
}

struct Problem<'a> {
    plan: &'a Plan,
    base: &'a Policy,
    metric: Metric,
    best_other: &'a [f64],
    count: &'a std::sync::atomic::AtomicU64,
    trail: &'a std::sync::Mutex<Vec<Candidate>>,
}

impl CostFunction for Problem<'_> {
    type Param = Vec<f64>;
    type Output = f64;

    fn cost(&self, x: &Vec<f64>) -> Result<f64, Error> {
        self.count.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let ev = evaluate(self.plan, &with_levers(self.base, x));
        let value = metric(self.metric, &ev, self.best_other);
        // Nelder-Mead asks for one cost at a time, so the trail is in the search's order.
        if let Ok(mut t) = self.trail.lock() {
            t.push(Candidate {
                levers: x.iter().map(|v| v.clamp(0.0, 1.0)).collect(),
                metric: value,
                risk: ev.risk.iter().sum::<f64>() / ev.risk.len().max(1) as f64,
                warheads: ev.warheads,
            });
        }
        Ok(value)
    }
}

/// Searches the levers for the setting that minimises `m` across the plan's scenario set,
/// starting from the best of the experiment's policies, for at most `iterations` simplex
/// iterations. Deterministic: the same experiment gives the same setting on any thread count.
pub fn search(plan: &Plan, m: Metric, iterations: u64) -> Result<Found, String> {
    let e = &plan.exp;
    let base: Vec<(String, Evaluation)> =
        e.policies.iter().map(|p| (p.name().to_string(), evaluate(plan, p))).collect();
    let scenarios = plan.design().len();
    let best_of = |evs: &mut dyn Iterator<Item = &Evaluation>| -> Vec<f64> {
        let mut best = vec![f64::INFINITY; scenarios];
        for ev in evs {
            for (b, r) in best.iter_mut().zip(&ev.risk) {
                *b = b.min(*r);
            }
        }
        best
    };
    let best_builtin = best_of(&mut base.iter().map(|b| &b.1));
    // Start from the policy with the best metric.
    let start = (0..base.len())
        .min_by(|a, b| {
            let (x, y) = (metric(m, &base[*a].1, &best_builtin), metric(m, &base[*b].1, &best_builtin));
            x.total_cmp(&y).then(a.cmp(b))
        })
        .ok_or("no policy to start from")?;
    let x0: Vec<f64> = Lever::ALL.iter().map(|l| e.policies[start].get(*l)).collect();
    // The initial simplex: the start and a step of 0.2 along each lever, toward the middle.
    let mut simplex = vec![x0.clone()];
    for d in 0..x0.len() {
        let mut v = x0.clone();
        v[d] = if v[d] > 0.5 { v[d] - 0.2 } else { v[d] + 0.2 };
        simplex.push(v);
    }
    let count = std::sync::atomic::AtomicU64::new(0);
    let trail = std::sync::Mutex::new(Vec::new());
    let problem =
        Problem { plan, base: &e.policies[start], metric: m, best_other: &best_builtin, count: &count, trail: &trail };
    let solver = NelderMead::new(simplex).with_sd_tolerance(1e-6).map_err(|err| err.to_string())?;
    let res =
        Executor::new(problem, solver).configure(|s| s.max_iters(iterations)).run().map_err(|err| err.to_string())?;
    let state = res.state();
    let best = state.get_best_param().cloned().unwrap_or(x0);
    let policy = with_levers(&e.policies[start], &best);
    let evaluation = evaluate(plan, &policy);
    let all_best = best_of(&mut base.iter().map(|b| &b.1).chain(std::iter::once(&evaluation)));
    let value = metric(m, &evaluation, &all_best);
    let baseline = base.into_iter().map(|(n, ev)| (n, metric(m, &ev, &all_best), ev)).collect();
    let trail = trail.lock().map(|t| t.clone()).unwrap_or_default();
    Ok(Found { policy, value, evaluation, baseline, evaluations: count.into_inner(), trail })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Experiment;

    #[test]
    fn the_search_is_never_worse_than_the_policies_it_starts_from_and_is_reproducible() {
        let text = "[experiment]\nreplications = 8\nhorizon_months = 36\npolicies = [\"maximum_pressure\", \"engagement_freeze\", \"containment_transparency\"]\nreference_policy = \"containment_transparency\"\n[design]\nmethod = \"latin_hypercube\"\nsamples = 6\n[uncertain]\ncvid_resistance = { low = 0.5, high = 3.0 }\nspiral_weight = { low = 0.0, high = 2.0 }\n";
        let plan = Plan::new(Experiment::parse(text, "search.toml").unwrap());
        let found = search(&plan, Metric::MaxRegret, 8).unwrap();
        assert!(found.evaluations > 0);
        for (name, v, _) in &found.baseline {
            assert!(found.value <= *v + 1e-12, "{name}: {v} < found {}", found.value);
        }
        let again = rayon::ThreadPoolBuilder::new()
            .num_threads(1)
            .build()
            .unwrap()
            .install(|| search(&plan, Metric::MaxRegret, 8).unwrap());
        assert_eq!(format!("{:?}", found.policy), format!("{:?}", again.policy));
        assert_eq!(found.value, again.value);
    }
}
