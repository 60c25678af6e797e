//! Runs and monthly aggregates as Polars frames, each column with its description and unit
//! (the data dictionary written into each Parquet file's metadata and documented in
//! `results/README.md`).

use brink_core::{Rung, KEY_RUNGS};
use brink_sweep::{Monthly, Plan, RunRow};
use polars::prelude::*;

/// The key rung with "or worse" where a higher rung exists: `deadly_incident_or_worse`, ...,
/// `nuclear_use` (the top rung).
pub fn or_worse(rung: Rung) -> String {
    if rung == Rung::NuclearUse {
        rung.name().to_string()
    } else {
        format!("{}_or_worse", rung.name())
    }
}

/// Column of `runs.parquet` holding the month a run first reached `rung` or a higher one.
pub fn first_col(rung: Rung) -> String {
    format!("first_{}", or_worse(rung))
}

/// Column of `monthly.parquet` holding the cumulative share of runs at `rung` or a higher one.
pub fn cum_col(rung: Rung) -> String {
    format!("cum_p_{}", or_worse(rung))
}

/// What reaches each key rung, in words, for the data dictionary.
fn rung_words(rung: Rung) -> &'static str {
    match rung {
        Rung::NuclearTest => {
            "the nuclear-test rung or higher: a nuclear test, a nuclear accident, an onward transfer attributed to the DPRK, or anything worse"
        }
        Rung::DeadlyIncident => "a deadly armed incident or worse (limited strikes, war, nuclear alert or use)",
        Rung::LimitedStrikes => "limited strikes or worse (war, nuclear alert or use)",
        Rung::War => "war (a major conventional war) or worse (nuclear alert or use)",
        _ => "nuclear use",
    }
}

/// One column of a data file: name, description and unit.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct ColumnDoc {
    /// Column name.
    pub name: String,
    /// What it holds.
    pub description: String,
    /// Unit ("" for identifiers, names and flags).
    pub unit: String,
}

fn ok(r: &RunRow) -> Option<&brink_core::RunOutcome> {
    r.outcome.as_ref().ok()
}

/// Builds columns and their documentation together, so that they cannot drift apart.
pub(crate) struct Builder {
    pub(crate) cols: Vec<Column>,
    pub(crate) docs: Vec<ColumnDoc>,
}

impl Builder {
    pub(crate) fn new() -> Builder {
        Builder { cols: Vec::new(), docs: Vec::new() }
    }

    pub(crate) fn push(&mut self, c: Column, description: impl Into<String>, unit: &str) {
        self.docs.push(ColumnDoc { name: c.name().to_string(), description: description.into(), unit: unit.into() });
        self.cols.push(c);
    }
}

const MONTH: &str = "month (0-based: 0 is the first month of the run)";

/// Unit of a policy lever's column.
const LEVER_UNIT: &str = "lever value (0 to 1)";

/// The posterior row of each row's scenario (null without a posterior).
pub(crate) fn posterior_rows(plan: &Plan, scenarios: impl Iterator<Item = u32>) -> Vec<Option<u32>> {
    scenarios.map(|s| plan.posterior_row(s).map(|x| x as u32)).collect()
}

/// One column per swept parameter (the design value of each row's scenario), then one per
/// parameter drawn from the posterior (the value of the scenario's posterior row): the same
/// columns and words in runs.parquet and scenarios.parquet. Each scenario's parameters are
/// computed once for a run of rows of that scenario.
pub(crate) fn push_scenario_values(b: &mut Builder, plan: &Plan, scenarios: &[u32]) {
    for (j, u) in plan.exp.uncertain.iter().enumerate() {
        let spec = u.param.spec();
        b.push(
            Column::new(
                u.param.name().into(),
                scenarios.iter().map(|s| plan.design().point(*s as usize)[j]).collect::<Vec<f64>>(),
            ),
            format!("swept parameter ({}): the scenario's design value, in [{}, {}]", spec.doc, u.low, u.high),
            spec.unit,
        );
    }
    if plan.exp.posterior.is_none() || plan.exp.posterior_params.is_empty() {
        return;
    }
    let mut cache: Option<(u32, brink_core::Params)> = None;
    let params: Vec<brink_core::Params> = scenarios
        .iter()
        .map(|s| match &cache {
            Some((at, p)) if at == s => p.clone(),
            _ => {
                let p = plan.params(*s);
                cache = Some((*s, p.clone()));
                p
            }
        })
        .collect();
    for p in &plan.exp.posterior_params {
        let spec = p.spec();
        b.push(
            Column::new(p.name().into(), params.iter().map(|x| x.get(*p)).collect::<Vec<f64>>()),
            format!("parameter drawn from the posterior ({}): the value of the scenario's posterior row", spec.doc),
            spec.unit,
        );
    }
}

fn build_runs(plan: &Plan, rows: &[RunRow]) -> Builder {
    let mut b = Builder::new();
    b.push(Column::new("run".into(), rows.iter().map(|r| r.run).collect::<Vec<u64>>()), "run index: row i is scenario i / (R*P), replication (i / P) mod R, policy i mod P, for R replications and P policies (`brink run --result HASH --run i` replays it)", "");
    b.push(
        Column::new("scenario".into(), rows.iter().map(|r| r.scenario).collect::<Vec<u32>>()),
        "scenario index: a point of the design (swept values) and a posterior row (drawn values)",
        "",
    );
    b.push(Column::new("replication".into(), rows.iter().map(|r| r.replication).collect::<Vec<u32>>()), "replication index within the scenario; every policy of one (scenario, replication) meets the same random streams", "");
    b.push(
        Column::new(
            "policy".into(),
            rows.iter().map(|r| plan.exp.policies[r.policy as usize].name()).collect::<Vec<&str>>(),
        ),
        "US policy of the run (`brink policies` describes each)",
        "",
    );
    b.push(Column::new("seed".into(), rows.iter().map(|r| r.seed).collect::<Vec<u64>>()), "seed of the run's random streams, from the experiment's hash, the scenario and the replication (the same under every policy)", "");
    b.push(
        Column::new("posterior_row".into(), posterior_rows(plan, rows.iter().map(|r| r.scenario))),
        "0-based data row of posterior.csv the scenario draws its behaviour parameters from; null if the experiment draws none",
        "",
    );
    b.push(
        Column::new(
            "status".into(),
            rows.iter()
                .map(|r| match &r.outcome {
                    Ok(o) => o.status.name(),
                    Err(_) => "failed",
                })
                .collect::<Vec<&str>>(),
        ),
        "how the run ended: completed (ran to the horizon), nuclear_use (stopped at the first nuclear use), failed (see error)",
        "",
    );
    b.push(
        Column::new(
            "error".into(),
            rows.iter().map(|r| r.outcome.as_ref().err().map(|s| s.as_str())).collect::<Vec<Option<&str>>>(),
        ),
        "message of a failed run; null otherwise",
        "",
    );
    let scenarios: Vec<u32> = rows.iter().map(|r| r.scenario).collect();
    push_scenario_values(&mut b, plan, &scenarios);
    // Levers given as a range in some policy (families): the value each run used.
    let levers = plan.exp.varied_levers();
    if !levers.is_empty() {
        let mut values: Vec<Vec<f64>> = vec![Vec::with_capacity(rows.len()); levers.len()];
        let mut at: Option<(u32, Vec<Vec<f64>>)> = None;
        for r in rows {
            if at.as_ref().map(|a| a.0) != Some(r.scenario) {
                let settings = (0..plan.exp.policies.len())
                    .map(|p| {
                        let pol = plan.policy_at(r.scenario, p as u16);
                        levers.iter().map(|l| pol.get(*l)).collect()
                    })
                    .collect();
                at = Some((r.scenario, settings));
            }
            let settings = &at.as_ref().expect("set above").1[r.policy as usize];
            for (v, x) in values.iter_mut().zip(settings) {
                v.push(*x);
            }
        }
        for (l, v) in levers.iter().zip(values) {
            let ranges: Vec<String> = plan
                .exp
                .policies
                .iter()
                .filter_map(|p| p.range(*l).map(|(lo, hi)| format!("{} in [{lo}, {hi}]", p.name())))
                .collect();
            b.push(
                Column::new(format!("lever_{}", l.name()).into(), v),
                format!(
                    "policy lever {} ({}): the value the run used; drawn for each scenario under a policy family that gives it a range ({}), the policy's fixed value otherwise",
                    l.name(),
                    l.doc(),
                    ranges.join(", ")
                ),
                LEVER_UNIT,
            );
        }
    }
    macro_rules! col_u32 {
        ($name:expr, $f:expr, $doc:expr, $unit:expr) => {
            b.push(
                Column::new($name.into(), rows.iter().map(|r| ok(r).map($f)).collect::<Vec<Option<u32>>>()),
                $doc,
                $unit,
            )
        };
    }
    macro_rules! col_f64 {
        ($name:expr, $f:expr, $doc:expr, $unit:expr) => {
            b.push(
                Column::new($name.into(), rows.iter().map(|r| ok(r).map($f)).collect::<Vec<Option<f64>>>()),
                $doc,
                $unit,
            )
        };
    }
    col_u32!(
        "months",
        |o| o.months,
        "months simulated: the horizon, or fewer for a run stopped at nuclear use",
        "months"
    );
    col_u32!(
        "max_rung",
        |o| o.max_rung as u32,
        "highest rung of the escalation ladder reached, 0 (calm) to 9 (nuclear use)",
        "rung"
    );
    b.push(
        Column::new("max_rung_name".into(), rows.iter().map(|r| ok(r).map(|o| o.max_rung.name())).collect::<Vec<Option<&str>>>()),
        "name of max_rung: calm, posturing, missile_test, long_range_launch, nuclear_test, deadly_incident, limited_strikes, war, nuclear_alert, nuclear_use",
        "",
    );
    for rung in KEY_RUNGS {
        b.push(
            Column::new(
                first_col(rung).into(),
                rows.iter().map(|r| ok(r).and_then(|o| o.first_at_or_above(rung))).collect::<Vec<Option<u32>>>(),
            ),
            format!("first month the run reached {}; null if never", rung_words(rung)),
            MONTH,
        );
    }
    col_u32!("missile_tests", |o| o.missile_tests, "ballistic missiles launched", "missiles");
    col_u32!(
        "long_range_launches",
        |o| o.long_range_launches,
        "months with a long-range missile or satellite launch",
        "months"
    );
    col_u32!("nuclear_tests", |o| o.nuclear_tests, "nuclear tests", "tests");
    b.push(
        Column::new(
            "nuclear_test_month".into(),
            rows.iter().map(|r| ok(r).and_then(|o| o.nuclear_test_month)).collect::<Vec<Option<u32>>>(),
        ),
        "month of the first nuclear test (a test itself, unlike first_nuclear_test_or_worse); null if none",
        MONTH,
    );
    col_u32!("warheads_end", |o| o.warheads_end, "assembled warheads at the end of the run", "warheads");
    col_f64!(
        "fissile_kg_end",
        |o| o.fissile_kg_end,
        "unassembled fissile material at the end of the run",
        "kg (plutonium-equivalent)"
    );
    b.push(
        Column::new(
            "accident_month".into(),
            rows.iter().map(|r| ok(r).and_then(|o| o.accident_month)).collect::<Vec<Option<u32>>>(),
        ),
        "month of the first nuclear accident; null if none",
        MONTH,
    );
    b.push(
        Column::new(
            "transfer_month".into(),
            rows.iter().map(|r| ok(r).and_then(|o| o.transfer_month)).collect::<Vec<Option<u32>>>(),
        ),
        "month of the first onward sale of fissile material (attributed or not); null if none",
        MONTH,
    );
    col_u32!(
        "incidents",
        |o| o.incidents,
        "deadly armed incidents (clashes over an interdiction included)",
        "incidents"
    );
    col_u32!("wars", |o| o.wars, "wars begun (months in which the world went from peace to war)", "wars");
    col_u32!("accidents", |o| o.accidents, "nuclear accidents", "accidents");
    col_u32!("transfers", |o| o.transfers, "onward sales of material (shipments sent)", "shipments");
    col_u32!("transfers_delivered", |o| o.transfers_delivered, "shipments that reached their buyer", "shipments");
    col_u32!("interdictions", |o| o.interdictions, "shipments seized in transit", "shipments");
    col_u32!("talks", |o| o.talks, "talks begun (offers accepted)", "talks");
    col_u32!("moratoria", |o| o.moratoria, "testing moratoria declared by the DPRK", "moratoria");
    col_f64!("design_end", |o| o.design_end, "nuclear design maturity at the end of the run", "share (0 to 1)");
    col_f64!("cohesion_end", |o| o.cohesion_end, "US-ROK alliance cohesion at the end of the run", "share (0 to 1)");
    col_f64!("trust_end", |o| o.trust_end, "DPRK trust in US commitments at the end of the run", "share (0 to 1)");
    col_f64!(
        "sanctions_end",
        |o| o.sanctions_end,
        "UN sanctions level at the end of the run",
        "level (0 none to 1 maximal)"
    );
    col_u32!("iaea_months", |o| o.iaea_months, "months with IAEA inspectors in the country", "months");
    col_u32!("deals", |o| o.deals, "deals agreed", "deals");
    col_u32!("deal_months", |o| o.deal_months, "months with a deal in force", "months");
    col_u32!("strikes", |o| o.strikes, "US limited strikes", "strikes");
    col_u32!("policy_switches", |o| o.policy_switches, "elections that switched the US policy", "switches");
    b.push(
        Column::new("escalation_score".into(), rows.iter().map(|r| ok(r).map(|o| o.escalation_score)).collect::<Vec<Option<i64>>>()),
        "sum over the run's months of the escalation score: each action scores by category on the exponential scale of Rivera et al. (2024): de-escalation -2, posturing 4, non-violent escalation 12, violent 28, nuclear 60",
        "points",
    );
    let harm = plan.exp.harm;
    col_f64!(
        "harm",
        |o| harm.of(o),
        "harm-weighted outcome: expected deaths of the run, the events counted times the experiment's [harm] weights",
        "deaths"
    );
    b
}

/// One row per run, in run order. Columns are documented in `results/README.md` and by
/// [`runs_columns`].
pub fn runs_frame(plan: &Plan, rows: &[RunRow]) -> PolarsResult<DataFrame> {
    let b = build_runs(plan, rows);
    DataFrame::new(rows.len(), b.cols)
}

/// Name, description and unit of every column of `runs.parquet` of `plan`, in order.
pub fn runs_columns(plan: &Plan) -> Vec<ColumnDoc> {
    build_runs(plan, &[]).docs
}

fn build_monthly(plan: &Plan, m: &Monthly) -> Builder {
    let (h, np) = (m.horizon, m.policies);
    let n = h as usize * np;
    let mut policy = Vec::with_capacity(n);
    let mut month = Vec::with_capacity(n);
    let mut date = Vec::with_capacity(n);
    let mut runs = Vec::with_capacity(n);
    for p in 0..np {
        for t in 0..h {
            policy.push(plan.exp.policies[p].name());
            month.push(t);
            date.push(brink_sweep::Ym(plan.exp.start.0 + t as i32).to_string());
            runs.push(m.cell(p, t).runs);
        }
    }
    let cells = |f: &dyn Fn(&brink_sweep::MonthCell) -> f64| -> Vec<f64> {
        (0..np).flat_map(|p| (0..h).map(move |t| (p, t))).map(|(p, t)| f(m.cell(p, t))).collect()
    };
    let mut b = Builder::new();
    b.push(Column::new("policy".into(), policy), "US policy", "");
    b.push(Column::new("month".into(), month), MONTH, "month");
    b.push(Column::new("date".into(), date), "calendar month of the row: experiment.start plus month", "YYYY-MM");
    b.push(
        Column::new("runs".into(), runs),
        "runs still going this month: every completed run, and a run stopped at nuclear use only up to its last month",
        "runs",
    );
    for (k, rung) in KEY_RUNGS.iter().enumerate() {
        let reached: Vec<f64> = (0..np)
            .flat_map(|p| (0..h).map(move |t| (p, t)))
            .map(|(p, t)| {
                let total = m.cell(p, 0).runs.max(1) as f64;
                m.cell(p, t).reached[k] as f64 / total
            })
            .collect();
        b.push(
            Column::new(cum_col(*rung).into(), reached),
            format!("share of the policy's runs that, by the end of this month, had reached {} (runs stopped at nuclear use included)", rung_words(*rung)),
            "probability (0 to 1)",
        );
    }
    let per = |x: u64, c: &brink_sweep::MonthCell| {
        if c.runs == 0 {
            f64::NAN
        } else {
            x as f64 / c.runs as f64
        }
    };
    b.push(
        Column::new("score_mean".into(), cells(&|c| if c.runs == 0 { f64::NAN } else { c.score_sum as f64 / c.runs as f64 })),
        "mean escalation score of the month over the runs still going (Rivera et al. 2024 points, see escalation_score in runs.parquet); NaN if none",
        "points",
    );
    for (name, q) in
        [("score_p05", 0.05), ("score_p25", 0.25), ("score_p50", 0.5), ("score_p75", 0.75), ("score_p95", 0.95)]
    {
        b.push(
            Column::new(name.into(), cells(&|c| c.score_quantile(q))),
            format!("{}% quantile of the month's escalation score over the runs still going (exact: scores are even and the histogram has 2-point bins); NaN if none", (q * 100.0) as u32),
            "points",
        );
    }
    let width = brink_sweep::runner::cum_score_bin(plan.exp.horizon);
    b.push(
        Column::new(
            "cum_score_mean".into(),
            cells(&|c| {
                let all = c.cum_score_hist.iter().map(|x| *x as u64).sum::<u64>();
                if all == 0 {
                    f64::NAN
                } else {
                    c.cum_score_sum as f64 / all as f64
                }
            }),
        ),
        "mean escalation score accumulated from the start of the run to the end of this month, over every run (a run stopped at nuclear use keeps its total)",
        "points",
    );
    for (name, q) in [
        ("cum_score_p05", 0.05),
        ("cum_score_p25", 0.25),
        ("cum_score_p50", 0.5),
        ("cum_score_p75", 0.75),
        ("cum_score_p95", 0.95),
    ] {
        b.push(
            Column::new(name.into(), cells(&|c| c.cum_score_quantile(q, width))),
            format!("{}% quantile of the escalation score accumulated by the end of this month, over every run (from a histogram of {width}-point bins, interpolated within the bin)", (q * 100.0) as u32),
            "points",
        );
    }
    b.push(
        Column::new("missiles_mean".into(), cells(&|c| per(c.missiles, c))),
        "mean missiles launched this month per run still going",
        "missiles per run",
    );
    b.push(
        Column::new("nuclear_tests_mean".into(), cells(&|c| per(c.nuclear_tests, c))),
        "mean nuclear tests this month per run still going",
        "tests per run",
    );
    b.push(
        Column::new("deal_share".into(), cells(&|c| per(c.deals, c))),
        "share of the runs still going with a deal in force at the end of the month",
        "share (0 to 1)",
    );
    b.push(
        Column::new("warheads_mean".into(), cells(&|c| per(c.warheads, c))),
        "mean assembled warheads at the end of the month over the runs still going",
        "warheads",
    );
    b
}

/// One row per policy and month, from the integer aggregates.
pub fn monthly_frame(plan: &Plan, m: &Monthly) -> PolarsResult<DataFrame> {
    let b = build_monthly(plan, m);
    DataFrame::new(m.horizon as usize * m.policies, b.cols)
}

/// Name, description and unit of every column of `monthly.parquet` of `plan`, in order.
pub fn monthly_columns(plan: &Plan) -> Vec<ColumnDoc> {
    build_monthly(plan, &Monthly::new(1, plan.exp.policies.len())).docs
}

/// What the monthly charts draw, read from the frame of `monthly.parquet` (the one written, or
/// the one read back): the same values either way, so `brink plot` redraws the same bytes.
#[derive(Clone, Debug)]
pub struct MonthlyView {
    /// Months.
    pub horizon: u32,
    /// Per policy and month: the cumulative share of runs at each key rung or worse.
    pub reached: Vec<Vec<[f64; KEY_RUNGS.len()]>>,
    /// Per policy and month: the 5, 25, 50, 75 and 95% quantiles of the accumulated score.
    pub cum_score: Vec<Vec<[f64; 5]>>,
}

impl MonthlyView {
    /// The view of a `monthly.parquet` frame of `plan`, or what is wrong with the frame.
    pub fn from_frame(df: &DataFrame, plan: &Plan) -> Result<MonthlyView, String> {
        let np = plan.exp.policies.len();
        let h = plan.exp.horizon as usize;
        if df.height() != np * h {
            return Err(format!("{} rows, expected {}", df.height(), np * h));
        }
        let col = |name: &str| -> Result<Vec<f64>, String> {
            let c = df.column(name).map_err(|e| e.to_string())?;
            let c = c.f64().map_err(|e| format!("{name}: {e}"))?;
            Ok(c.iter().map(|x| x.unwrap_or(f64::NAN)).collect())
        };
        let mut reached = vec![vec![[0.0; KEY_RUNGS.len()]; h]; np];
        for (k, rung) in KEY_RUNGS.iter().enumerate() {
            for (i, x) in col(&cum_col(*rung))?.iter().enumerate() {
                reached[i / h][i % h][k] = *x;
            }
        }
        let mut cum_score = vec![vec![[f64::NAN; 5]; h]; np];
        let names = ["cum_score_p05", "cum_score_p25", "cum_score_p50", "cum_score_p75", "cum_score_p95"];
        for (j, name) in names.iter().enumerate() {
            for (i, x) in col(name)?.iter().enumerate() {
                cum_score[i / h][i % h][j] = *x;
            }
        }
        Ok(MonthlyView { horizon: h as u32, reached, cum_score })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The rows of the table under `## \`file\`` in results/README.md: (name, unit).
    fn readme_rows(file: &str) -> Vec<(String, String)> {
        let text = include_str!("../../../results/README.md");
        let head = format!("## `{file}`");
        let start = text.find(&head).unwrap_or_else(|| panic!("results/README.md has no section {head}"));
        text[start + head.len()..]
            .lines()
            .take_while(|l| !l.starts_with("## "))
            .filter(|l| l.starts_with("| `"))
            .map(|l| {
                let cells: Vec<&str> = l.split('|').map(str::trim).collect();
                (cells[1].trim_matches('`').to_string(), cells[3].to_string())
            })
            .collect()
    }

    #[test]
    fn results_readme_documents_every_column_with_its_unit() {
        let plan = Plan::new(brink_sweep::Experiment::default_experiment());
        let varying: Vec<String> = plan
            .exp
            .uncertain
            .iter()
            .map(|u| u.param)
            .chain(plan.exp.posterior_params.iter().copied())
            .map(|p| p.name().to_string())
            .collect();
        for (file, docs) in [("runs.parquet", runs_columns(&plan)), ("monthly.parquet", monthly_columns(&plan))] {
            let rows = readme_rows(file);
            let fixed: Vec<&ColumnDoc> = docs.iter().filter(|d| !varying.contains(&d.name)).collect();
            let documented: Vec<&str> =
                rows.iter().map(|r| r.0.as_str()).filter(|n| *n != "<parameter>" && *n != "lever_<lever>").collect();
            let names: Vec<&str> = fixed.iter().map(|d| d.name.as_str()).collect();
            assert_eq!(documented, names, "{file}: results/README.md against the columns written");
            for d in fixed {
                let unit = &rows.iter().find(|r| r.0 == d.name).expect("listed").1;
                assert_eq!(unit, &d.unit, "{file}: unit of {}", d.name);
            }
            assert!(docs.iter().all(|d| !d.description.is_empty()));
        }
    }

    #[test]
    fn a_familys_levers_are_columns_in_place_with_the_values_each_run_used() {
        let text = "[experiment]\nreplications = 3\nhorizon_months = 12\npolicies = [\"maximum_pressure\", \"fam\"]\nreference_policy = \"fam\"\n[design]\nsamples = 4\n[uncertain]\ncvid_resistance = { low = 0.5, high = 3.0 }\n[policies.fam]\nbase = \"containment_transparency\"\nrelief_via_unsc = { low = 0.2, high = 0.8 }\ntalks = { low = 0.0, high = 1.0 }\n";
        let plan = Plan::new(brink_sweep::Experiment::parse(text, "fam.toml").unwrap());
        let docs = runs_columns(&plan);
        let names: Vec<&str> = docs.iter().map(|d| d.name.as_str()).collect();
        // After the swept and drawn parameters, before the outcomes, in lever order.
        let at = names.iter().position(|n| *n == "lever_talks").unwrap();
        assert_eq!(&names[at..at + 3], &["lever_talks", "lever_relief_via_unsc", "months"]);
        let row = readme_rows("runs.parquet").into_iter().find(|r| r.0 == "lever_<lever>").expect("documented");
        assert_eq!(docs[at].unit, row.1);
        assert!(docs[at].description.contains("fam in [0, 1]"), "{}", docs[at].description);
        let part = plan.run_part(0);
        let df = runs_frame(&plan, &part.rows).unwrap();
        let talks = df.column("lever_talks").unwrap().f64().unwrap();
        let mut seen = std::collections::BTreeSet::new();
        for (i, r) in part.rows.iter().enumerate() {
            let want = plan.policy_at(r.scenario, r.policy).get(brink_core::Lever::Talks);
            assert_eq!(talks.get(i), Some(want));
            if r.policy == 0 {
                assert_eq!(want, 0.05, "maximum_pressure's fixed value");
            } else {
                seen.insert(want.to_bits());
            }
        }
        assert_eq!(seen.len(), 4, "one draw per scenario");
        // Without a family, no lever column.
        let plain = Plan::new(brink_sweep::Experiment::default_experiment());
        assert!(runs_columns(&plain).iter().all(|d| !d.name.starts_with("lever_")));
    }
}
