//! `scenarios.parquet`: one row per (scenario, policy), the level at which a sweep answers "under
//! which assumptions": the scenario's swept values and posterior draw, each key risk with its
//! Monte Carlo interval, the harm-weighted outcome, and the policy's rank and regret there.

use crate::detail::Detail;
use crate::frames::{posterior_rows, push_scenario_values, Builder, ColumnDoc};
use crate::robust::{ranks, regret_ses, regrets};
use crate::stats::{wilson, Z95};
use crate::summary::Risk;
use brink_sweep::Plan;
use polars::prelude::*;

fn build(plan: &Plan, d: Option<&Detail>) -> Builder {
    let np = plan.exp.policies.len();
    let ns = d.map(|d| d.scenarios()).unwrap_or(0);
    let rows: Vec<(usize, usize)> = (0..ns).flat_map(|s| (0..np).map(move |p| (s, p))).collect();
    let mut b = Builder::new();
    b.push(
        Column::new("scenario".into(), rows.iter().map(|(s, _)| *s as u32).collect::<Vec<u32>>()),
        "scenario index, as in runs.parquet",
        "",
    );
    b.push(
        Column::new("policy".into(), rows.iter().map(|(_, p)| plan.exp.policies[*p].name()).collect::<Vec<&str>>()),
        "US policy",
        "",
    );
    b.push(
        Column::new("posterior_row".into(), posterior_rows(plan, rows.iter().map(|(s, _)| *s as u32))),
        "0-based data row of posterior.csv the scenario draws its behaviour parameters from; null if the experiment draws none",
        "",
    );
    let scenarios: Vec<u32> = rows.iter().map(|(s, _)| *s as u32).collect();
    push_scenario_values(&mut b, plan, &scenarios);
    let levers = plan.exp.varied_levers();
    if !levers.is_empty() {
        let settings: Vec<Vec<f64>> = rows
            .iter()
            .map(|(s, p)| {
                let pol = plan.policy_at(*s as u32, *p as u16);
                levers.iter().map(|l| pol.get(*l)).collect()
            })
            .collect();
        for (k, l) in levers.iter().enumerate() {
            b.push(
                Column::new(format!("lever_{}", l.name()).into(), settings.iter().map(|v| v[k]).collect::<Vec<f64>>()),
                format!(
                    "policy lever {} ({}): the value the policy used in the scenario; drawn under a policy family that gives it a range, the policy's fixed value otherwise",
                    l.name(),
                    l.doc()
                ),
                "lever value (0 to 1)",
            );
        }
    }
    let cell = |s: usize, p: usize| d.expect("rows only with detail").cell(s, p);
    b.push(
        Column::new("runs".into(), rows.iter().map(|(s, p)| cell(*s, *p).runs).collect::<Vec<u32>>()),
        "runs of the scenario under the policy that did not fail (the replications)",
        "runs",
    );
    for (k, r) in Risk::ALL.iter().enumerate() {
        let n = r.name();
        let w: Vec<_> = rows
            .iter()
            .map(|(s, p)| {
                let c = cell(*s, *p);
                wilson(u64::from(c.hits[k]), u64::from(c.runs), Z95)
            })
            .collect();
        b.push(
            Column::new(format!("p_{n}").into(), w.iter().map(|x| x.p).collect::<Vec<f64>>()),
            format!("share of the scenario's runs with {} within the horizon", r.label()),
            "probability",
        );
        b.push(
            Column::new(format!("p_{n}_lo").into(), w.iter().map(|x| x.lo).collect::<Vec<f64>>()),
            format!(
                "lower bound of the Wilson 95% interval of p_{n} (Monte Carlo noise of the scenario's replications)"
            ),
            "probability",
        );
        b.push(
            Column::new(format!("p_{n}_hi").into(), w.iter().map(|x| x.hi).collect::<Vec<f64>>()),
            format!("upper bound of the Wilson 95% interval of p_{n}"),
            "probability",
        );
    }
    b.push(
        Column::new("mean_harm".into(), rows.iter().map(|(s, p)| cell(*s, *p).mean_harm()).collect::<Vec<f64>>()),
        "mean harm-weighted outcome of the scenario's runs (expected deaths, the experiment's [harm] weights)",
        "deaths",
    );
    b.push(
        Column::new(
            "mean_warheads_end".into(),
            rows.iter().map(|(s, p)| cell(*s, *p).mean_warheads()).collect::<Vec<f64>>(),
        ),
        "mean assembled warheads at the end of the scenario's runs",
        "warheads",
    );
    let dd = d;
    let rk: Vec<Vec<usize>> = (0..ns).map(|s| dd.map(|d| ranks(d, s)).unwrap_or_default()).collect();
    let rg: Vec<Vec<f64>> = (0..ns).map(|s| dd.map(|d| regrets(d, s)).unwrap_or_default()).collect();
    let headline = Risk::DeadlyIncident.name();
    b.push(
        Column::new("rank".into(), rows.iter().map(|(s, p)| rk[*s][*p] as u32).collect::<Vec<u32>>()),
        format!(
            "rank of the policy in the scenario by p_{headline}: 1 is the safest; tied policies share the better rank"
        ),
        "",
    );
    b.push(
        Column::new("regret".into(), rows.iter().map(|(s, p)| rg[*s][*p]).collect::<Vec<f64>>()),
        format!("p_{headline} minus the lowest p_{headline} of any policy in the scenario: 0 for the safest"),
        "probability",
    );
    let se: Vec<Vec<f64>> = (0..ns).map(|s| dd.map(|d| regret_ses(d, s)).unwrap_or_default()).collect();
    b.push(
        Column::new("regret_se".into(), rows.iter().map(|(s, p)| se[*s][*p]).collect::<Vec<f64>>()),
        "standard error of regret from the scenario's replications, paired (each replication runs every policy on the same random streams): of the difference from the safest policy of the scenario; 0 for the safest",
        "probability",
    );
    b
}

/// One row per (scenario, policy), scenario-major, from the streamed detail of the runs.
pub fn scenarios_frame(plan: &Plan, d: &Detail) -> PolarsResult<DataFrame> {
    let b = build(plan, Some(d));
    let h = d.scenarios() * plan.exp.policies.len();
    DataFrame::new(h, b.cols)
}

/// Name, description and unit of every column of `scenarios.parquet` of `plan`, in order.
pub fn scenarios_columns(plan: &Plan) -> Vec<ColumnDoc> {
    build(plan, None).docs
}
