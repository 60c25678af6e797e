//! Runs and monthly aggregates as Polars frames.

use brink_core::{Rung, KEY_RUNGS};
use brink_sweep::{Monthly, Plan, RunRow};
use polars::prelude::*;

/// Column holding the month a run first reached `rung`.
pub fn first_col(rung: Rung) -> String {
    format!("first_{}", rung.name())
}

fn ok(r: &RunRow) -> Option<&brink_core::RunOutcome> {
    r.outcome.as_ref().ok()
}

/// One row per run, in run order. Columns are documented in `results/README.md`.
pub fn runs_frame(plan: &Plan, rows: &[RunRow]) -> PolarsResult<DataFrame> {
    let n = rows.len();
    let mut cols: Vec<Column> = vec![
        Column::new("run".into(), rows.iter().map(|r| r.run).collect::<Vec<u64>>()),
        Column::new("scenario".into(), rows.iter().map(|r| r.scenario).collect::<Vec<u32>>()),
        Column::new("replication".into(), rows.iter().map(|r| r.replication).collect::<Vec<u32>>()),
        Column::new(
            "policy".into(),
            rows.iter().map(|r| plan.exp.policies[r.policy as usize].name()).collect::<Vec<&str>>(),
        ),
        Column::new("seed".into(), rows.iter().map(|r| r.seed).collect::<Vec<u64>>()),
        Column::new(
            "status".into(),
            rows.iter()
                .map(|r| match &r.outcome {
                    Ok(o) => o.status.name(),
                    Err(_) => "failed",
                })
                .collect::<Vec<&str>>(),
        ),
        Column::new(
            "error".into(),
            rows.iter().map(|r| r.outcome.as_ref().err().map(|s| s.as_str())).collect::<Vec<Option<&str>>>(),
        ),
    ];
    for (j, u) in plan.exp.uncertain.iter().enumerate() {
        cols.push(Column::new(
            u.param.name().into(),
            rows.iter().map(|r| plan.design().point(r.scenario as usize)[j]).collect::<Vec<f64>>(),
        ));
    }
    macro_rules! col_u32 {
        ($name:expr, $f:expr) => {
            cols.push(Column::new($name.into(), rows.iter().map(|r| ok(r).map($f)).collect::<Vec<Option<u32>>>()))
        };
    }
    macro_rules! col_f64 {
        ($name:expr, $f:expr) => {
            cols.push(Column::new($name.into(), rows.iter().map(|r| ok(r).map($f)).collect::<Vec<Option<f64>>>()))
        };
    }
    col_u32!("months", |o| o.months);
    col_u32!("max_rung", |o| o.max_rung as u32);
    cols.push(Column::new(
        "max_rung_name".into(),
        rows.iter().map(|r| ok(r).map(|o| o.max_rung.name())).collect::<Vec<Option<&str>>>(),
    ));
    for rung in KEY_RUNGS {
        cols.push(Column::new(
            first_col(rung).into(),
            rows.iter().map(|r| ok(r).and_then(|o| o.first_at_or_above(rung))).collect::<Vec<Option<u32>>>(),
        ));
    }
    col_u32!("missile_tests", |o| o.missile_tests);
    col_u32!("long_range_launches", |o| o.long_range_launches);
    col_u32!("nuclear_tests", |o| o.nuclear_tests);
    col_u32!("warheads_end", |o| o.warheads_end);
    col_f64!("fissile_kg_end", |o| o.fissile_kg_end);
    cols.push(Column::new(
        "accident_month".into(),
        rows.iter().map(|r| ok(r).and_then(|o| o.accident_month)).collect::<Vec<Option<u32>>>(),
    ));
    cols.push(Column::new(
        "transfer_month".into(),
        rows.iter().map(|r| ok(r).and_then(|o| o.transfer_month)).collect::<Vec<Option<u32>>>(),
    ));
    col_u32!("incidents", |o| o.incidents);
    col_u32!("wars", |o| o.wars);
    col_u32!("accidents", |o| o.accidents);
    col_u32!("transfers", |o| o.transfers);
    col_u32!("transfers_delivered", |o| o.transfers_delivered);
    col_u32!("interdictions", |o| o.interdictions);
    col_u32!("talks", |o| o.talks);
    col_u32!("moratoria", |o| o.moratoria);
    col_f64!("design_end", |o| o.design_end);
    col_f64!("cohesion_end", |o| o.cohesion_end);
    col_f64!("trust_end", |o| o.trust_end);
    col_f64!("sanctions_end", |o| o.sanctions_end);
    col_u32!("iaea_months", |o| o.iaea_months);
    col_u32!("deals", |o| o.deals);
    col_u32!("deal_months", |o| o.deal_months);
    col_u32!("strikes", |o| o.strikes);
    col_u32!("policy_switches", |o| o.policy_switches);
    cols.push(Column::new(
        "escalation_score".into(),
        rows.iter().map(|r| ok(r).map(|o| o.escalation_score)).collect::<Vec<Option<i64>>>(),
    ));
    let harm = plan.exp.harm;
    col_f64!("harm", |o| harm.of(o));
    DataFrame::new(n, cols)
}

/// One row per policy and month, from the integer aggregates.
pub fn monthly_frame(plan: &Plan, m: &Monthly) -> PolarsResult<DataFrame> {
    let (h, np) = (m.horizon, m.policies);
    let n = h as usize * np;
    let mut policy = Vec::with_capacity(n);
    let mut month = Vec::with_capacity(n);
    let mut runs = Vec::with_capacity(n);
    for p in 0..np {
        for t in 0..h {
            policy.push(plan.exp.policies[p].name());
            month.push(t);
            runs.push(m.cell(p, t).runs);
        }
    }
    let cells = |f: &dyn Fn(&brink_sweep::MonthCell) -> f64| -> Vec<f64> {
        (0..np).flat_map(|p| (0..h).map(move |t| (p, t))).map(|(p, t)| f(m.cell(p, t))).collect()
    };
    let mut cols = vec![
        Column::new("policy".into(), policy),
        Column::new("month".into(), month),
        Column::new("runs".into(), runs),
    ];
    for (k, rung) in KEY_RUNGS.iter().enumerate() {
        let reached: Vec<f64> = (0..np)
            .flat_map(|p| (0..h).map(move |t| (p, t)))
            .map(|(p, t)| {
                let total = m.cell(p, 0).runs.max(1) as f64;
                m.cell(p, t).reached[k] as f64 / total
            })
            .collect();
        cols.push(Column::new(format!("cum_p_{}", rung.name()).into(), reached));
    }
    let per = |x: u64, c: &brink_sweep::MonthCell| {
        if c.runs == 0 {
            f64::NAN
        } else {
            x as f64 / c.runs as f64
        }
    };
    cols.push(Column::new(
        "score_mean".into(),
        cells(&|c| {
            if c.runs == 0 {
                f64::NAN
            } else {
                c.score_sum as f64 / c.runs as f64
            }
        }),
    ));
    for (name, q) in
        [("score_p05", 0.05), ("score_p25", 0.25), ("score_p50", 0.5), ("score_p75", 0.75), ("score_p95", 0.95)]
    {
        cols.push(Column::new(name.into(), cells(&|c| c.score_quantile(q))));
    }
    cols.push(Column::new("missiles_mean".into(), cells(&|c| per(c.missiles, c))));
    cols.push(Column::new("nuclear_tests_mean".into(), cells(&|c| per(c.nuclear_tests, c))));
    cols.push(Column::new("deal_share".into(), cells(&|c| per(c.deals, c))));
    cols.push(Column::new("warheads_mean".into(), cells(&|c| per(c.warheads, c))));
    DataFrame::new(n, cols)
}

/// Rebuilds, from `monthly.parquet` read back, the integer aggregates the charts need; what
/// is wrong with the frame otherwise.
pub fn monthly_from_frame(df: &DataFrame, plan: &Plan) -> Result<Monthly, String> {
    let np = plan.exp.policies.len();
    let h = plan.exp.horizon;
    if df.height() != np * h as usize {
        return Err(format!("{} rows, expected {}", df.height(), np * h as usize));
    }
    let pe = |e: PolarsError| e.to_string();
    let runs: Vec<u64> = df.column("runs").map_err(pe)?.u64().map_err(pe)?.iter().map(|x| x.unwrap_or(0)).collect();
    let mut m = Monthly::new(h, np);
    for (i, c) in m.cells.iter_mut().enumerate() {
        c.runs = runs[i];
    }
    for (k, rung) in KEY_RUNGS.iter().enumerate() {
        let v: Vec<f64> = df
            .column(&format!("cum_p_{}", rung.name()))
            .map_err(pe)?
            .f64()
            .map_err(pe)?
            .iter()
            .map(|x| x.unwrap_or(0.0))
            .collect();
        for p in 0..np {
            let total = m.cells[p * h as usize].runs;
            for t in 0..h as usize {
                m.cells[p * h as usize + t].reached[k] = (v[p * h as usize + t] * total as f64).round() as u64;
            }
        }
    }
    // Score quantiles come back as a five-point histogram: enough to redraw the fan chart.
    let q = |name: &str| -> Result<Vec<f64>, String> {
        Ok(df.column(name).map_err(pe)?.f64().map_err(pe)?.iter().map(|x| x.unwrap_or(f64::NAN)).collect())
    };
    let qs = [q("score_p05")?, q("score_p25")?, q("score_p50")?, q("score_p75")?, q("score_p95")?];
    for (i, c) in m.cells.iter_mut().enumerate() {
        for (j, w) in [5u32, 20, 25, 25, 25].iter().enumerate() {
            let x = qs[j][i];
            if x.is_finite() {
                let bin = ((x as i32 - brink_sweep::runner::SCORE_MIN) / brink_sweep::runner::SCORE_BIN)
                    .clamp(0, brink_sweep::runner::SCORE_BINS as i32 - 1);
                c.score_hist[bin as usize] += w;
            }
        }
    }
    Ok(m)
}
