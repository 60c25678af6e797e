//! What every command shares: errors with their exit codes, loading an experiment, the thread
//! pool, checks of a stored result, the headline table, and printing to a stdout that may be
//! closed early.

use brink_analysis::store::{Provenance, Store, StoreError};
use brink_analysis::summary::Risk;
use brink_sweep::files::{self, Kind};
use brink_sweep::{Experiment, Plan};
use std::io::Write;
use std::path::Path;

/// An error with its exit code.
pub(crate) struct Fail {
    pub(crate) code: i32,
    pub(crate) msg: String,
}

pub(crate) type Res<T = ()> = Result<T, Fail>;

pub(crate) fn usage(msg: impl Into<String>) -> Fail {
    Fail { code: 2, msg: msg.into() }
}

pub(crate) fn failed(msg: impl Into<String>) -> Fail {
    Fail { code: 1, msg: msg.into() }
}

pub(crate) fn store_fail(e: StoreError) -> Fail {
    match e {
        StoreError::NotFound { .. } | StoreError::Ambiguous { .. } | StoreError::BadPrefix { .. } => {
            usage(e.to_string())
        }
        _ => failed(e.to_string()),
    }
}

pub(crate) fn load(path: Option<&Path>) -> Res<Experiment> {
    let Some(path) = path else {
        return Ok(Experiment::default_experiment());
    };
    let bytes = files::read(path, Kind::Experiment).map_err(|e| usage(e.to_string()))?;
    Experiment::parse_bytes(&bytes, &path.display().to_string()).map_err(|e| usage(e.to_string()))
}

pub(crate) fn provenance() -> Provenance {
    Provenance {
        brink_version: env!("CARGO_PKG_VERSION").to_string(),
        git_commit: env!("BRINK_GIT_COMMIT").to_string(),
        rustc: env!("BRINK_RUSTC").to_string(),
    }
}

/// Thread count: --threads, else RAYON_NUM_THREADS, else SLURM_CPUS_PER_TASK, else all cores.
pub(crate) fn setup_threads(threads: Option<usize>) -> Res<usize> {
    let from_env = |k: &str| std::env::var(k).ok().and_then(|v| v.trim().parse::<usize>().ok()).filter(|n| *n > 0);
    let n = match threads {
        Some(n) if n == 0 || n > MAX_THREADS => {
            return Err(usage(format!("--threads {n}: expected 1 to {MAX_THREADS}")))
        }
        Some(n) => Some(n),
        None => from_env("RAYON_NUM_THREADS").or_else(|| from_env("SLURM_CPUS_PER_TASK")),
    };
    let mut b = rayon::ThreadPoolBuilder::new();
    if let Some(n) = n {
        b = b.num_threads(n);
    }
    // A second call in one process (reproduce after sweep) keeps the first pool.
    let _ = b.build_global();
    Ok(rayon::current_num_threads())
}

/// Most shards a sweep may be cut into.
pub(crate) const MAX_SHARDS: u64 = 1_000_000;

/// Most worker threads.
pub(crate) const MAX_THREADS: usize = 4096;

/// Refuses an experiment above the size limit (unless forced) and, forced or not, a design too
/// large to hold in memory. Checked before the design is built.
pub(crate) fn check_size(exp: &Experiment, force: bool) -> Res {
    let knob = match exp.method {
        brink_sweep::Method::Grid => "design.levels",
        _ => "design.samples",
    };
    // First what --force cannot override, so that it is never suggested in vain.
    let values = exp.scenarios().saturating_mul(exp.uncertain.len().max(1) as u64);
    if values > brink_sweep::experiment::MAX_DESIGN_VALUES {
        let d = exp.uncertain.len();
        let (scenarios, n) = match exp.method {
            brink_sweep::Method::Grid => (format!("{}^{d}", exp.levels), (exp.levels as f64).powi(d as i32)),
            _ => (exp.scenarios().to_string(), exp.scenarios() as f64),
        };
        return Err(usage(format!(
            "the design has {scenarios} scenarios of {d} parameters: {:.1} GB of design points, more than brink holds in memory (limit {} values, even with --force); reduce {knob}",
            n * d.max(1) as f64 * 8.0 / 1e9,
            brink_sweep::experiment::MAX_DESIGN_VALUES
        )));
    }
    let runs = exp.runs_exact();
    if runs > u64::MAX as u128 {
        return Err(usage(format!(
            "the experiment has {runs} runs, more than brink can count ({}), even with --force; reduce {knob}, experiment.replications or the policies",
            u64::MAX
        )));
    }
    if runs > brink_sweep::experiment::MAX_RUNS as u128 && !force {
        // About 25 µs a run on one core and 60 bytes a run on disk (measured, docs/PERFORMANCE.md).
        let core_hours = runs as f64 * 25e-6 / 3600.0;
        let disk_gb = runs as f64 * 60.0 / 1e9;
        return Err(usage(format!(
            "the experiment has {runs} runs (limit {}): about {core_hours:.0} core-hours and {disk_gb:.0} GB of results; reduce {knob} or experiment.replications, or pass --force",
            brink_sweep::experiment::MAX_RUNS
        )));
    }
    Ok(())
}

/// Verifies a complete result before anything of it is printed or trusted.
pub(crate) fn intact(store: &Store, hash: &str) -> Res<brink_analysis::Manifest> {
    store.check(hash).map_err(|e| match e {
        StoreError::Damaged { .. } | StoreError::Corrupt { .. } => failed(format!(
            "{e}\n`brink sweep` counts only an intact result as complete: to recompute this one, remove {} and run it again",
            store.dir(hash).join("manifest.json").display()
        )),
        e => store_fail(e),
    })
}

pub(crate) fn read_summary(store: &Store, hash: &str) -> Res<Vec<Vec<String>>> {
    let path = store.dir(hash).join("summary.csv");
    let text = files::read_text(&path, Kind::Output).map_err(|e| failed(e.to_string()))?;
    Ok(text.lines().map(|l| l.split(',').map(|s| s.trim_matches('"').to_string()).collect()).collect())
}

/// Prints the headline table from summary.csv.
pub(crate) fn headline(store: &Store, hash: &str, reference: &str) -> Res {
    let rows = read_summary(store, hash)?;
    let Some(head) = rows.first() else {
        return Err(failed(format!(
            "{}: empty (`brink report {hash}` rewrites it)",
            store.dir(hash).join("summary.csv").display()
        )));
    };
    let col = |name: &str| head.iter().position(|h| h == name);
    let pct = |row: &Vec<String>, name: &str| {
        col(name).and_then(|i| row.get(i)).and_then(|v| v.parse::<f64>().ok()).map(|x| 100.0 * x)
    };
    let scen = col("p_deadly_incident_or_worse_scen_lo").is_some();
    println!();
    println!("Probability within the horizon, % [Wilson 95% interval]; paired difference vs {reference} in points:");
    if scen {
        println!("(over scen.: the cluster-robust interval with scenarios as clusters; safest in: scenarios where the policy's risk is the lowest; max regret: the most points it falls behind the safest policy of a scenario)");
    }
    println!(
        "{:<26} {:>24} {:>13} {:>24} {:>22} {:>10}{}",
        "policy",
        "deadly incident or worse",
        "over scen.",
        "war or worse",
        "nuclear use",
        "warheads",
        if scen { "  safest in  max regret" } else { "" }
    );
    for row in &rows[1..] {
        let cell = |r: Risk| {
            let n = r.name();
            match (pct(row, &format!("p_{n}")), pct(row, &format!("p_{n}_lo")), pct(row, &format!("p_{n}_hi"))) {
                (Some(p), Some(lo), Some(hi)) => format!("{p:5.1} [{lo:4.1}-{hi:4.1}]"),
                _ => "-".into(),
            }
        };
        let diff = |r: Risk| {
            pct(row, &format!("diff_{}_vs_{reference}", r.name())).map(|d| format!(" {d:+5.1}")).unwrap_or_default()
        };
        let warheads =
            col("mean_warheads_end").and_then(|i| row.get(i)).and_then(|v| v.parse::<f64>().ok()).unwrap_or(f64::NAN);
        let n = Risk::DeadlyIncident.name();
        let over = match (pct(row, &format!("p_{n}_scen_lo")), pct(row, &format!("p_{n}_scen_hi"))) {
            (Some(lo), Some(hi)) if lo.is_finite() && hi.is_finite() => format!("[{lo:4.1}-{hi:4.1}]"),
            _ => "-".into(),
        };
        let value = |name: &str| col(name).and_then(|i| row.get(i)).and_then(|v| v.parse::<f64>().ok());
        let robust = match (value("best_in"), value("scenarios"), value("regret_max")) {
            (Some(b), Some(m), Some(r)) if scen => format!("  {:>9} {:>11.1}", format!("{b:.0}/{m:.0}"), 100.0 * r),
            _ => String::new(),
        };
        println!(
            "{:<26} {:>24} {:>13} {:>24} {:>22} {:>10.1}{robust}",
            row[0],
            cell(Risk::DeadlyIncident) + &diff(Risk::DeadlyIncident),
            over,
            cell(Risk::War) + &diff(Risk::War),
            cell(Risk::NuclearUse),
            warheads
        );
    }
    // The report's answer, in plain text.
    if let Ok(report) = files::read_text(&store.dir(hash).join("report.md"), Kind::Output) {
        for para in report
            .split("\n\n")
            .filter(|p| p.starts_with("**Answer.**") || p.starts_with("**When the answer changes.**"))
        {
            println!("\n{}", para.replace("**", "").replace('`', ""));
        }
    }
    println!(
        "\nFiles: {}/ (report.md, summary.csv, runs.parquet, scenarios.parquet, monthly.parquet, charts/*.png)",
        store.dir(hash).display()
    );
    Ok(())
}

pub(crate) fn plan_of(store: &Store, hash: &str) -> Res<Plan> {
    let path = store.dir(hash).join("config.toml");
    let text = files::read_text(&path, Kind::StoredConfig).map_err(|e| failed(e.to_string()))?;
    let exp = Experiment::parse(&text, &path.display().to_string()).map_err(|e| failed(e.to_string()))?;
    let plan = Plan::new(exp);
    if plan.hash != hash {
        return Err(failed(format!(
            "{}: hashes to {}, not to its folder's name {hash}: the config was edited, or was written by another model version",
            path.display(),
            plan.hash
        )));
    }
    Ok(plan)
}

/// Refuses to draw from a result whose data files differ from its manifest (charts and the
/// report are redrawn, so those may differ).
pub(crate) fn data_intact(store: &Store, hash: &str) -> Res {
    let bad: Vec<String> = store
        .verify(hash)
        .map_err(store_fail)?
        .into_iter()
        .filter(|b| !b.starts_with("charts/") && !b.starts_with("report.md"))
        .collect();
    if bad.is_empty() {
        return Ok(());
    }
    Err(failed(format!(
        "result {hash} is damaged: its data differ from the manifest (`brink reproduce {hash}` recomputes it):\n  {}",
        bad.join("\n  ")
    )))
}

/// Writes `text` to standard output; a reader that went away (`brink params | head`) is not
/// an error.
pub(crate) fn print_all(text: &str) -> Res {
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes()).and_then(|_| out.flush()).map_err(stdout_error)
}

/// An error writing to standard output. A reader that went away (`brink run ... | head`) is not
/// an error of ours: the command ends quietly with exit 0.
pub(crate) fn stdout_error(e: std::io::Error) -> Fail {
    if e.kind() == std::io::ErrorKind::BrokenPipe {
        Fail { code: 0, msg: String::new() }
    } else {
        failed(format!("stdout: {e}"))
    }
}
