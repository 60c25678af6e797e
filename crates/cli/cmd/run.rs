//! `brink run`: one simulation, printed month by month: a run of the model with a seed, or a
//! run of a stored sweep replayed exactly (`--result HASH --run N`).

use crate::args::RunArgs;
use crate::common::{data_intact, failed, load, plan_of, stdout_error, store_fail, usage, Res};
use brink_analysis::frames::runs_frame;
use brink_analysis::store::Store;
use brink_core::trace::Trace;
use brink_core::{run_observed, Policy, RunOutcome, RunSpec};
use brink_sweep::{Experiment, Plan, RunRow};
use std::io::Write;

/// The parameters `brink run` uses, and words for them.
pub(crate) fn run_params(
    exp: &Experiment,
    set: crate::args::ParamSet,
    from_file: bool,
) -> (brink_core::Params, String) {
    let model = if from_file { "defaults with the file's [model] values" } else { "the documented defaults" };
    match (&exp.posterior, set) {
        (Some(post), crate::args::ParamSet::Median) => {
            let mut p = exp.params.clone();
            for (param, q) in post.ranges() {
                if exp.posterior_params.contains(&param) {
                    p.set(param, q[2]).expect("validated when read");
                }
            }
            let what = format!(
                "{model}, with the posterior medians of {} calibrated parameters (calibration {}; --params defaults for none)",
                exp.posterior_params.len(),
                post.meta("calibration").unwrap_or("?")
            );
            (p, what)
        }
        _ => (exp.params.clone(), model.to_string()),
    }
}

/// `brink run`.
pub(crate) fn run(store: &Store, a: &RunArgs) -> Res {
    match &a.result {
        Some(prefix) => replay(store, prefix, a),
        None => {
            let policy = a.policy.as_deref().ok_or_else(|| {
                usage("--policy NAME is required (or --result HASH with --run N, or --scenario S --replication R --policy NAME, to replay a run of a sweep)")
            })?;
            run_one(a, policy)
        }
    }
}

fn run_one(a: &RunArgs, policy: &str) -> Res {
    let config = a.config.as_deref();
    let exp = load(config)?;
    let (params, which) = run_params(&exp, a.params, config.is_some());
    let pol = exp
        .policies
        .iter()
        .find(|p| p.name() == policy)
        .cloned()
        .or_else(|| Policy::builtin_named(policy))
        .ok_or_else(|| {
            let mut names: Vec<String> = exp.policies.iter().map(|p| p.name().to_string()).collect();
            for b in Policy::builtin() {
                if !names.iter().any(|n| n == b.name()) {
                    names.push(b.name().to_string());
                }
            }
            unknown_policy(policy, &names)
        })?;
    let horizon = a.months.unwrap_or(exp.horizon);
    if horizon == 0 || horizon > 1200 {
        return Err(usage(format!("--months {horizon}: expected 1 to 1200")));
    }
    // A family runs at the setting its experiment draws for scenario 0.
    let setting = brink_sweep::policy_instance(exp.scenario_key(), &pol, 0);
    let spec = RunSpec {
        policy: &setting,
        election_target: exp.election_target.as_ref(),
        params: &params,
        horizon,
        events: &[],
    };
    let mut trace = Trace::default();
    let o = run_observed(&spec, a.seed, &mut trace);
    let mut head = format!("policy {} · seed {} · {horizon} months · parameters: {which}", pol.name(), a.seed);
    if pol.is_family() {
        head.push_str(&format!(
            "
policy family: levers drawn as for the experiment's scenario 0: {}",
            drawn_levers(&pol, &setting)
        ));
    }
    print_run(&head, &trace, &o, a.json)
}

/// "talks = 0.37 (in [0, 1]), ...": the levers of a family and the values of its setting.
fn drawn_levers(family: &Policy, setting: &Policy) -> String {
    family
        .uncertain()
        .iter()
        .map(|(l, lo, hi)| format!("{} = {} (in [{lo}, {hi}])", l.name(), setting.get(*l)))
        .collect::<Vec<_>>()
        .join(", ")
}

fn unknown_policy(policy: &str, names: &[String]) -> crate::common::Fail {
    let refs: Vec<&str> = names.iter().map(|s| s.as_str()).collect();
    usage(format!(
        "--policy: unknown policy {policy:?}{}; known: {}",
        brink_sweep::experiment::suggest(policy, &refs),
        names.join(", ")
    ))
}

/// Prints a trace and its outcome, as text or JSON lines; a closed stdout ends it quietly.
fn print_run(head: &str, trace: &Trace, o: &RunOutcome, json: bool) -> Res {
    let mut out = std::io::stdout().lock();
    let mut w = |s: &str| writeln!(out, "{s}").map_err(stdout_error);
    if json {
        for m in &trace.months {
            w(&serde_json::to_string(m).map_err(|e| failed(e.to_string()))?)?;
        }
        // Written from the struct, not through a JSON map, so that fields keep their order.
        w(&format!("{{\"outcome\":{}}}", serde_json::to_string(o).map_err(|e| failed(e.to_string()))?))?;
    } else {
        w(&format!("{head}\n"))?;
        for m in &trace.months {
            w(m.to_string().trim_end_matches('\n'))?;
        }
        let tests = o.nuclear_tests;
        w(&format!(
            "\noutcome: {} after {} months; highest rung {}; {} missile{}, {tests} nuclear test{}; warheads {}; score {}",
            o.status.name(),
            o.months,
            o.max_rung.name(),
            o.missile_tests,
            if o.missile_tests == 1 { "" } else { "s" },
            if tests == 1 { "" } else { "s" },
            o.warheads_end,
            o.escalation_score
        ))?;
    }
    Ok(())
}

/// The run index `--run`, or `--scenario`, `--replication` and `--policy` ask for.
fn run_of(plan: &Plan, a: &RunArgs) -> Res<u64> {
    if let Some(i) = a.run {
        if i >= plan.runs() {
            return Err(usage(format!("--run {i}: result {} has runs 0 to {}", plan.hash, plan.runs() - 1)));
        }
        return Ok(i);
    }
    let (Some(s), Some(r), Some(policy)) = (a.scenario, a.replication, a.policy.as_deref()) else {
        return Err(usage(
            "--result needs --run N (the `run` column of runs.parquet), or --scenario S, --replication R and --policy NAME",
        ));
    };
    let scenarios = plan.design().len() as u32;
    if s >= scenarios {
        return Err(usage(format!("--scenario {s}: result {} has scenarios 0 to {}", plan.hash, scenarios - 1)));
    }
    if r >= plan.exp.replications {
        return Err(usage(format!(
            "--replication {r}: result {} has replications 0 to {}",
            plan.hash,
            plan.exp.replications - 1
        )));
    }
    let names: Vec<String> = plan.exp.policies.iter().map(|p| p.name().to_string()).collect();
    let p = names.iter().position(|n| n == policy).ok_or_else(|| unknown_policy(policy, &names))?;
    Ok(plan.run_index(s, r, p as u16))
}

/// Replays a run of a stored sweep and checks it against its row of `runs.parquet`.
fn replay(store: &Store, prefix: &str, a: &RunArgs) -> Res {
    let hash = store.resolve(prefix).map_err(store_fail)?;
    data_intact(store, &hash)?;
    let plan = plan_of(store, &hash)?;
    let i = run_of(&plan, a)?;
    let (scenario, replication, policy) = plan.identity(i);
    let seed = plan.seed(scenario, replication);
    let mut trace = Trace::default();
    let o = plan.replay(i, &mut trace);
    // The row the replay gives, against the row the sweep stored.
    let row = RunRow { run: i, scenario, replication, policy, seed, outcome: Ok(o.clone()) };
    let mine = runs_frame(&plan, std::slice::from_ref(&row)).map_err(|e| failed(e.to_string()))?;
    let stored = store.read_rows(&hash, i, 1).map_err(store_fail)?;
    let differ: Vec<String> = stored
        .columns()
        .iter()
        .filter(|c| mine.column(c.name()).map_or(true, |m| !m.equals_missing(c)))
        .map(|c| c.name().to_string())
        .collect();
    let params = plan.params(scenario);
    let swept: Vec<String> =
        plan.exp.uncertain.iter().map(|u| format!("{} = {}", u.param.name(), params.get(u.param))).collect();
    let drawn: Vec<String> = if plan.exp.posterior.is_some() {
        plan.exp.posterior_params.iter().map(|p| format!("{} = {}", p.name(), params.get(*p))).collect()
    } else {
        Vec::new()
    };
    let mut head = format!(
        "result {hash} run {i}: scenario {scenario}, replication {replication}, policy {} · seed {seed} · {} months",
        plan.exp.policies[policy as usize].name(),
        plan.exp.horizon
    );
    if !swept.is_empty() {
        head.push_str(&format!("\nswept: {}", swept.join(", ")));
    }
    let family = &plan.exp.policies[policy as usize];
    if family.is_family() {
        let setting = plan.policy_at(scenario, policy);
        head.push_str(&format!(
            "\npolicy family, levers drawn for scenario {scenario}: {}",
            drawn_levers(family, &setting)
        ));
    }
    match plan.posterior_row(scenario) {
        Some(row) => head.push_str(&format!("\ndrawn from posterior.csv row {row}: {}", drawn.join(", "))),
        None => head.push_str("\nno posterior: behaviour parameters at the config's values"),
    }
    print_run(&head, &trace, &o, a.json)?;
    if !differ.is_empty() {
        return Err(failed(format!(
            "run {i} of {hash} replays differently from its row of runs.parquet (columns {}): this binary does not run the model that made the result",
            differ.join(", ")
        )));
    }
    if !a.json {
        println!("(the same outcome as row {i} of runs.parquet)");
    }
    Ok(())
}
