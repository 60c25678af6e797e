//! `brink run`: one simulation, printed month by month.

use crate::common::{failed, load, usage, Res};
use brink_core::trace::Trace;
use brink_core::{run_observed, Policy, RunSpec};
use brink_sweep::Experiment;
use std::io::Write;
use std::path::Path;
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

pub(crate) fn run_one(
    config: Option<&Path>,
    policy: &str,
    seed: u64,
    months: Option<u32>,
    json: bool,
    set: crate::args::ParamSet,
) -> Res {
    let exp = load(config)?;
    let (params, which) = run_params(&exp, set, config.is_some());
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
            let refs: Vec<&str> = names.iter().map(|s| s.as_str()).collect();
            usage(format!(
                "--policy: unknown policy {policy:?}{}; known: {}",
                brink_sweep::experiment::suggest(policy, &refs),
                names.join(", ")
            ))
        })?;
    let horizon = months.unwrap_or(exp.horizon);
    if horizon == 0 || horizon > 1200 {
        return Err(usage(format!("--months {horizon}: expected 1 to 1200")));
    }
    let spec =
        RunSpec { policy: &pol, election_target: exp.election_target.as_ref(), params: &params, horizon, events: &[] };
    let mut trace = Trace::default();
    let o = run_observed(&spec, seed, &mut trace);
    let mut out = std::io::stdout().lock();
    let w = |out: &mut std::io::StdoutLock, s: String| writeln!(out, "{s}").map_err(|e| failed(format!("stdout: {e}")));
    if json {
        for m in &trace.months {
            w(&mut out, serde_json::to_string(m).map_err(|e| failed(e.to_string()))?)?;
        }
        w(&mut out, serde_json::json!({ "outcome": o }).to_string())?;
    } else {
        w(&mut out, format!("policy {} · seed {seed} · {horizon} months · parameters: {which}\n", pol.name()))?;
        for m in &trace.months {
            write!(out, "{m}").map_err(|e| failed(format!("stdout: {e}")))?;
        }
        w(
            &mut out,
            format!(
                "\noutcome: {} after {} months; highest rung {}; {} missiles, {} nuclear tests; warheads {}; score {}",
                o.status.name(),
                o.months,
                o.max_rung.name(),
                o.missile_tests,
                o.nuclear_tests,
                o.warheads_end,
                o.escalation_score
            ),
        )?;
    }
    Ok(())
}
