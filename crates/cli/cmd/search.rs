//! `brink search`: lever settings that minimise a robustness metric across an experiment's
//! scenario set; writes the best setting as a policy file users can reuse.

use crate::common::{failed, load, print_all, setup_threads, usage, Res};
use brink_analysis::charts::{search_tradeoff, SearchPoint, Stamp};
use brink_core::Lever;
use brink_sweep::experiment::{toml_float, toml_string};
use brink_sweep::search::{search, Metric};
use brink_sweep::Plan;
use std::fmt::Write as _;
use std::path::Path;
use std::time::Instant;

/// Parses `max_regret`, `harm` or `qNN` (a quantile of risk, NN percent).
fn metric(s: &str) -> Res<Metric> {
    match s {
        "max_regret" => Ok(Metric::MaxRegret),
        "harm" => Ok(Metric::Harm),
        q if q.starts_with('q') => q[1..]
            .parse::<f64>()
            .ok()
            .filter(|x| (0.0..=100.0).contains(x))
            .map(|x| Metric::RiskQuantile(x / 100.0))
            .ok_or_else(|| usage(format!("--metric {q}: a quantile is q0 to q100"))),
        other => Err(usage(format!("--metric {other}: expected max_regret, harm or qNN (e.g. q90)"))),
    }
}

pub(crate) fn run(
    config: Option<&Path>,
    metric_name: &str,
    iterations: u64,
    out: &Path,
    chart: Option<&Path>,
    threads: Option<usize>,
) -> Res {
    let m = metric(metric_name)?;
    if iterations == 0 {
        return Err(usage("--iterations must be at least 1"));
    }
    let n = setup_threads(threads)?;
    let plan = Plan::new(load(config)?);
    eprintln!(
        "brink: searching the levers for the lowest {} over {} scenarios x {} replications of {} (scenario set of {}) on {n} threads",
        m.name(),
        plan.design().len(),
        plan.exp.replications,
        plan.exp.name,
        plan.hash
    );
    let t = Instant::now();
    let found = search(&plan, m, iterations).map_err(failed)?;
    let took = t.elapsed().as_secs_f64();
    let p = &found.policy;
    let mut toml = format!(
        "# Found by `brink search` ({}, {} evaluations, scenario set of experiment {}).\n# Use it in an experiment: copy this table, or name the policy after including it.\n[policies.{}]\nsummary = {}\n",
        m.name(),
        found.evaluations,
        plan.hash,
        p.name(),
        toml_string(p.summary())
    );
    for l in Lever::ALL {
        let _ = writeln!(toml, "{} = {}", l.name(), toml_float(p.get(*l)));
    }
    std::fs::write(out, &toml).map_err(|e| failed(format!("{}: {e}", out.display())))?;
    let mean = |r: &[f64]| r.iter().sum::<f64>() / r.len().max(1) as f64;
    let mut s = format!(
        "{} evaluations in {took:.1} s\n\n{:<36} {:>12} {:>10} {:>10}\n",
        found.evaluations,
        "policy",
        m.name(),
        "mean risk",
        "warheads"
    );
    for (name, v, ev) in &found.baseline {
        let _ = writeln!(s, "{name:<36} {v:>12.4} {:>10.3} {:>10.1}", mean(&ev.risk), ev.warheads);
    }
    let ev = &found.evaluation;
    let _ = writeln!(s, "{:<36} {:>12.4} {:>10.3} {:>10.1}\n", p.name(), found.value, mean(&ev.risk), ev.warheads);
    let chart = chart.map(Path::to_path_buf).unwrap_or_else(|| out.with_extension("png"));
    let points: Vec<SearchPoint> = found
        .baseline
        .iter()
        .map(|(name, v, ev)| SearchPoint { name, risk: &ev.risk, warheads: ev.warheads, metric: *v })
        .collect();
    let best = SearchPoint { name: p.name(), risk: &ev.risk, warheads: ev.warheads, metric: found.value };
    let trail: Vec<(f64, f64)> = found.trail.iter().map(|c| (c.risk, c.warheads)).collect();
    let stamp = Stamp { hash: plan.hash.clone(), runs: plan.runs(), horizon: plan.exp.horizon, start: plan.exp.start };
    search_tradeoff(&chart, &m.name(), &points, &best, &trail, &stamp)
        .map_err(|e| failed(format!("{}: {e}", chart.display())))?;
    let _ = writeln!(s, "trade-off chart: {}", chart.display());
    let _ = writeln!(s, "levers of {} (written to {}):", p.name(), out.display());
    for l in Lever::ALL {
        let _ = writeln!(s, "  {:<16} {:.3}", l.name(), p.get(*l));
    }
    print_all(&s)
}
