//! Wiring: each subcommand calls the library crates and maps the outcome to an exit code.

use crate::args::{Cli, Command};
use brink_analysis::store::{Provenance, Store, StoreError};
use brink_analysis::summary::Risk;
use brink_core::trace::Trace;
use brink_core::{run_observed, Lever, Policy, RunSpec};
use brink_sweep::files::{self, Kind};
use brink_sweep::{Experiment, Plan};
use clap::Parser;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

/// An error with its exit code.
pub(crate) struct Fail {
    code: i32,
    msg: String,
}

pub(crate) type Res<T = ()> = Result<T, Fail>;

pub(crate) fn usage(msg: impl Into<String>) -> Fail {
    Fail { code: 2, msg: msg.into() }
}

pub(crate) fn failed(msg: impl Into<String>) -> Fail {
    Fail { code: 1, msg: msg.into() }
}

fn store_fail(e: StoreError) -> Fail {
    match e {
        StoreError::NotFound { .. } | StoreError::Ambiguous { .. } | StoreError::BadPrefix { .. } => {
            usage(e.to_string())
        }
        _ => failed(e.to_string()),
    }
}

/// Runs the command line; returns the exit code.
pub fn main() -> i32 {
    // A panic inside a run is caught and recorded by the sweep; keep its message off stderr.
    std::panic::set_hook(Box::new(|_| {}));
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return code;
        }
    };
    let outcome = std::panic::catch_unwind(|| dispatch(cli));
    brink_analysis::owner::release();
    match outcome {
        Ok(Ok(())) => 0,
        Ok(Err(f)) => {
            eprintln!("brink: {}", f.msg.trim_end());
            f.code
        }
        Err(p) => {
            let msg = p
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| p.downcast_ref::<String>().cloned())
                .unwrap_or_default();
            if msg.contains("Broken pipe") {
                return 0; // the reader went away (`brink list | head`): not an error of ours
            }
            eprintln!("brink: internal error ({msg}); please report it with the command you ran");
            1
        }
    }
}

fn dispatch(cli: Cli) -> Res {
    let store = Store::new(&cli.results);
    match cli.command {
        Command::Sweep { config, threads, shard, missing, shards, force, quiet, dry_run } => {
            let exp = load(config.as_deref())?;
            if dry_run {
                return dry(exp, threads, force);
            }
            if let (true, Some(k)) = (missing, shards) {
                return list_missing(&store, exp, k);
            }
            sweep(&store, exp, threads, shard.as_deref(), force, quiet)
        }
        Command::Run { policy, seed, config, months, json, params } => {
            run_one(config.as_deref(), &policy, seed, months, json, params)
        }
        Command::Plot { hash, heatmap } => plot(&store, &hash, heatmap.as_deref()),
        Command::Report { hash } => {
            let hash = store.resolve(&hash).map_err(store_fail)?;
            data_intact(&store, &hash)?;
            store.replot(&plan_of(&store, &hash)?).map_err(store_fail)?;
            println!("{}", store.dir(&hash).join("report.md").display());
            Ok(())
        }
        Command::Reproduce { hash, threads } => reproduce(&store, &hash, threads),
        Command::Merge { hash } => merge(&store, &hash),
        Command::List => list(&store),
        Command::Show { hash } => show(&store, &hash),
        Command::Validate { config } => validate(&config),
        Command::Policies { levers } => {
            policies(levers);
            Ok(())
        }
        Command::Calibrate { particles, initial, generations, max_steps, replays: r, out, coverage } => {
            let spec =
                brink_sweep::SmcSpec { particles, initial, generations, max_steps, seed: r.seed, ..Default::default() };
            crate::history::calibrate_cmd(&cli.results, spec, &r, out.as_deref(), coverage)
        }
        Command::Backtest { posterior, reps, replays: r } => {
            crate::history::backtest_cmd(&cli.results, &posterior, reps, &r)
        }
        Command::Params { json, markdown } => params(json, markdown),
    }
}

fn load(path: Option<&Path>) -> Res<Experiment> {
    let Some(path) = path else {
        return Ok(Experiment::default_experiment());
    };
    let bytes = files::read(path, Kind::Experiment).map_err(|e| usage(e.to_string()))?;
    Experiment::parse_bytes(&bytes, &path.display().to_string()).map_err(|e| usage(e.to_string()))
}

fn provenance() -> Provenance {
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
const MAX_SHARDS: u64 = 1_000_000;
/// Most worker threads.
const MAX_THREADS: usize = 4096;

fn parse_shard(s: &str) -> Res<(u64, u64)> {
    let bad = || usage(format!("--shard {s:?}: expected I/K with 0 <= I < K <= {MAX_SHARDS}, e.g. 3/8"));
    let (i, k) = s.split_once('/').ok_or_else(bad)?;
    let (i, k): (u64, u64) = (i.trim().parse().map_err(|_| bad())?, k.trim().parse().map_err(|_| bad())?);
    if k == 0 || i >= k || k > MAX_SHARDS {
        return Err(bad());
    }
    Ok((i, k))
}

/// Refuses an experiment above the size limit (unless forced) and, forced or not, a design too
/// large to hold in memory. Checked before the design is built.
fn check_size(exp: &Experiment, force: bool) -> Res {
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
fn intact(store: &Store, hash: &str) -> Res<brink_analysis::Manifest> {
    store.check(hash).map_err(|e| match e {
        StoreError::Damaged { .. } | StoreError::Corrupt { .. } => failed(format!(
            "{e}\n`brink sweep` counts only an intact result as complete: to recompute this one, remove {} and run it again",
            store.dir(hash).join("manifest.json").display()
        )),
        e => store_fail(e),
    })
}

fn sweep(store: &Store, exp: Experiment, threads: Option<usize>, shard: Option<&str>, force: bool, quiet: bool) -> Res {
    let start = Instant::now();
    check_size(&exp, force)?;
    let shard = shard.map(parse_shard).transpose()?;
    let plan = Plan::new(exp);
    let threads = setup_threads(threads)?;
    let dir = store.dir(&plan.hash);
    store.tidy(&plan.hash);
    if store.is_complete(&plan.hash) {
        // Only a result whose every file matches its manifest counts as done.
        let m = intact(store, &plan.hash)?;
        if !quiet {
            println!("result {} is already complete in {}", plan.hash, dir.display());
            headline(store, &plan.hash, &m.reference_policy)?;
        } else {
            println!("{} {}", plan.hash, dir.display());
        }
        return Ok(());
    }
    store.prepare(&plan).map_err(store_fail)?;
    let parts = match shard {
        Some((i, k)) => plan.shard_parts(i, k),
        None => 0..plan.parts(),
    };
    if parts.is_empty() {
        if let Some((i, k)) = shard {
            println!(
                "shard {i}/{k} of result {} has no runs: the experiment has {} parts, fewer than {k} shards",
                plan.hash,
                plan.parts()
            );
        }
    }
    let todo = store.missing_parts(&plan, parts.clone());
    let total_runs: u64 = parts.clone().map(|k| plan.part_range(k).end - plan.part_range(k).start).sum();
    let mut progress = Progress::new(
        total_runs,
        total_runs - todo.iter().map(|k| plan.part_range(*k).end - plan.part_range(*k).start).sum::<u64>(),
    );
    match store.run_parts(&plan, &todo, &mut |n| progress.advance(n)) {
        Ok(()) => {}
        // Another process of the same experiment finished and tidied up meanwhile.
        Err(_) if shard.is_none() && store.is_complete(&plan.hash) => {}
        Err(e) => return Err(store_fail(e)),
    }
    progress.finish();
    if let Some((i, k)) = shard {
        let missing = store.missing_parts(&plan, 0..plan.parts()).len();
        println!(
            "shard {i}/{k} of result {} done in {:.1} s ({} parts still missing overall)",
            plan.hash,
            start.elapsed().as_secs_f64(),
            missing
        );
        if missing == 0 {
            println!("every shard is done: run `brink merge {}`", plan.hash);
        }
        return Ok(());
    }
    let m = match store.finalize(&plan, threads, start.elapsed().as_secs_f64(), &provenance()) {
        // Damaged parts were moved aside: run them again, once.
        Err(e @ StoreError::DamagedParts { .. }) => {
            eprintln!("brink: warning: {e}");
            let again = store.missing_parts(&plan, 0..plan.parts());
            store.run_parts(&plan, &again, &mut |_| {}).map_err(store_fail)?;
            store.finalize(&plan, threads, start.elapsed().as_secs_f64(), &provenance()).map_err(store_fail)?
        }
        r => r.map_err(store_fail)?,
    };
    if quiet {
        println!("{} {}", plan.hash, dir.display());
        return Ok(());
    }
    println!(
        "result {} in {} ({} runs, {} threads, {:.1} s)",
        plan.hash,
        dir.display(),
        m.runs,
        threads,
        m.wall_seconds
    );
    if m.failed_runs > 0 {
        println!("warning: {} runs failed; see the status and error columns of runs.parquet", m.failed_runs);
    }
    headline(store, &plan.hash, &m.reference_policy)
}

/// Runs every part in memory and discards it: the bare throughput of simulation and aggregation.
fn dry(exp: Experiment, threads: Option<usize>, force: bool) -> Res {
    check_size(&exp, force)?;
    let plan = Plan::new(exp);
    let threads = setup_threads(threads)?;
    let start = Instant::now();
    let mut progress = Progress::new(plan.runs(), 0);
    let mut failed = 0usize;
    for k in 0..plan.parts() {
        let part = plan.run_part(k);
        failed += part.rows.iter().filter(|r| r.outcome.is_err()).count();
        progress.advance(part.rows.len() as u64);
    }
    progress.finish();
    let secs = start.elapsed().as_secs_f64();
    println!(
        "dry run of {}: {} runs on {threads} threads in {secs:.2} s ({:.0} runs/s), {failed} failed; nothing written",
        plan.hash,
        plan.runs(),
        plan.runs() as f64 / secs.max(1e-9)
    );
    Ok(())
}

fn list_missing(store: &Store, exp: Experiment, k: u64) -> Res {
    if k == 0 || k > MAX_SHARDS {
        return Err(usage(format!("--shards {k}: expected 1 to {MAX_SHARDS}")));
    }
    check_size(&exp, true)?;
    let plan = Plan::new(exp);
    for i in 0..k {
        if !store.missing_parts(&plan, plan.shard_parts(i, k)).is_empty() && !store.is_complete(&plan.hash) {
            println!("{i}");
        }
    }
    Ok(())
}

struct Progress {
    total: u64,
    done: u64,
    start_done: u64,
    start: Instant,
    tty: bool,
}

impl Progress {
    fn new(total: u64, done: u64) -> Progress {
        Progress { total, done, start_done: done, start: Instant::now(), tty: std::io::stderr().is_terminal() }
    }

    fn advance(&mut self, n: u64) {
        self.done += n;
        if self.tty {
            let rate = (self.done - self.start_done) as f64 / self.start.elapsed().as_secs_f64().max(1e-9);
            let eta = (self.total - self.done) as f64 / rate.max(1e-9);
            eprint!("\r{} / {} runs  {:.0} runs/s  ETA {:.0} s   ", self.done, self.total, rate, eta);
            let _ = std::io::stderr().flush();
        }
    }

    fn finish(&self) {
        let secs = self.start.elapsed().as_secs_f64();
        let ran = self.done - self.start_done;
        if self.tty {
            eprintln!();
        }
        if self.start_done > 0 {
            eprintln!(
                "resumed: {} runs were already on disk; ran {} more in {:.1} s ({:.0} runs/s)",
                self.start_done,
                ran,
                secs,
                ran as f64 / secs.max(1e-9)
            );
        } else {
            eprintln!("ran {} runs in {:.1} s ({:.0} runs/s)", ran, secs, ran as f64 / secs.max(1e-9));
        }
    }
}

fn read_summary(store: &Store, hash: &str) -> Res<Vec<Vec<String>>> {
    let path = store.dir(hash).join("summary.csv");
    let text = files::read_text(&path, Kind::Output).map_err(|e| failed(e.to_string()))?;
    Ok(text.lines().map(|l| l.split(',').map(|s| s.trim_matches('"').to_string()).collect()).collect())
}

/// Prints the headline table from summary.csv.
fn headline(store: &Store, hash: &str, reference: &str) -> Res {
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
    println!();
    println!("Probability within the horizon, % [Wilson 95% interval]; paired difference vs {reference} in points:");
    println!(
        "{:<26} {:>24} {:>24} {:>22} {:>10}",
        "policy", "deadly incident+", "major war+", "nuclear use", "warheads"
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
        println!(
            "{:<26} {:>24} {:>24} {:>22} {:>10.1}",
            row[0],
            cell(Risk::DeadlyIncident) + &diff(Risk::DeadlyIncident),
            cell(Risk::War) + &diff(Risk::War),
            cell(Risk::NuclearUse),
            warheads
        );
    }
    println!(
        "\nFiles: {}/ (report.md, summary.csv, runs.parquet, monthly.parquet, charts/*.png)",
        store.dir(hash).display()
    );
    Ok(())
}

fn plan_of(store: &Store, hash: &str) -> Res<Plan> {
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
fn data_intact(store: &Store, hash: &str) -> Res {
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

fn plot(store: &Store, prefix: &str, heatmap: Option<&str>) -> Res {
    let hash = store.resolve(prefix).map_err(store_fail)?;
    data_intact(store, &hash)?;
    let plan = plan_of(store, &hash)?;
    let axes = heatmap.map(|spec| heatmap_axes(&plan, spec)).transpose()?;
    store.replot(&plan).map_err(store_fail)?;
    println!("charts of {hash} redrawn in {}", store.dir(&hash).join("charts").display());
    if let Some((x, y)) = axes {
        let path = store.heatmap(&plan, x, y).map_err(store_fail)?;
        println!("heatmap: {}", path.display());
    }
    Ok(())
}

/// Indices of two uncertain parameters named "X,Y".
fn heatmap_axes(plan: &Plan, spec: &str) -> Res<(usize, usize)> {
    let names: Vec<&str> = plan.exp.uncertain.iter().map(|u| u.param.name()).collect();
    let find = |n: &str| -> Res<usize> {
        names.iter().position(|x| *x == n.trim()).ok_or_else(|| {
            usage(format!(
                "--heatmap: {n:?} is not a swept parameter of this result{}; swept: {}",
                brink_sweep::experiment::suggest(n.trim(), &names),
                names.join(", ")
            ))
        })
    };
    match spec.split_once(',') {
        Some((x, y)) if x.trim() != y.trim() => Ok((find(x)?, find(y)?)),
        _ => Err(usage(format!("--heatmap {spec:?}: expected two different swept parameters X,Y"))),
    }
}

fn merge(store: &Store, prefix: &str) -> Res {
    let hash = store.resolve_any(prefix).map_err(store_fail)?;
    if store.is_complete(&hash) {
        intact(store, &hash)?;
        println!("result {hash} is already complete");
        return Ok(());
    }
    let start = Instant::now();
    let plan = plan_of(store, &hash)?;
    let threads = setup_threads(None)?;
    let m = store.finalize(&plan, threads, start.elapsed().as_secs_f64(), &provenance()).map_err(store_fail)?;
    println!("result {hash} merged from {} parts in {} ({} runs)", plan.parts(), store.dir(&hash).display(), m.runs);
    headline(store, &hash, &m.reference_policy)
}

fn reproduce(store: &Store, prefix: &str, threads: Option<usize>) -> Res {
    let hash = store.resolve(prefix).map_err(store_fail)?;
    let stored = store.manifest(&hash).map_err(store_fail)?;
    let mut problems = store.verify(&hash).map_err(store_fail)?;
    let plan = plan_of(store, &hash)?;
    let threads = setup_threads(threads)?;
    store.own().map_err(store_fail)?;
    let scratch_root: PathBuf = store.root().join(format!(".reproduce-{hash}.tmp-{}", brink_analysis::owner::tag()));
    let scratch = Store::new(&scratch_root);
    let start = Instant::now();
    let result = (|| -> Result<brink_analysis::Manifest, StoreError> {
        scratch.prepare(&plan)?;
        let all: Vec<u64> = (0..plan.parts()).collect();
        scratch.run_parts(&plan, &all, &mut |_| {})?;
        scratch.finalize(&plan, threads, start.elapsed().as_secs_f64(), &provenance())
    })();
    let _ = std::fs::remove_dir_all(&scratch_root);
    let fresh = result.map_err(store_fail)?;
    for (file, sum) in &stored.files {
        match fresh.files.get(file) {
            Some(s) if s == sum => {}
            Some(_) => problems.push(format!("{file}: the re-run gives different bytes")),
            None => problems.push(format!("{file}: the re-run does not produce it")),
        }
    }
    for file in fresh.files.keys().filter(|f| !stored.files.contains_key(*f)) {
        problems.push(format!("{file}: produced by the re-run but absent from the stored manifest"));
    }
    if problems.is_empty() {
        println!(
            "reproduced {hash}: all {} files identical ({} runs, {:.1} s)",
            stored.files.len(),
            fresh.runs,
            start.elapsed().as_secs_f64()
        );
        Ok(())
    } else {
        problems.sort();
        problems.dedup();
        Err(failed(format!("result {hash} did not reproduce:\n  {}", problems.join("\n  "))))
    }
}

fn list(store: &Store) -> Res {
    let all = store.list().map_err(store_fail)?;
    if all.is_empty() {
        println!("no results in {}", store.root().display());
        return Ok(());
    }
    println!("{:<18} {:<24} {:>10} {:>8}  state", "hash", "name", "runs", "policies");
    for l in all {
        match l.manifest {
            Some(m) => println!("{:<18} {:<24} {:>10} {:>8}  complete", l.hash, m.name, m.runs, m.policies.len()),
            None if l.damaged.is_some() => println!(
                "{:<18} {:<24} {:>10} {:>8}  damaged ({})",
                l.hash,
                "-",
                "-",
                "-",
                l.damaged.as_deref().unwrap_or("")
            ),
            None => {
                let next = match &l.stuck {
                    Some(why) => format!("`brink sweep` cannot resume it: {why}"),
                    None => "`brink sweep` resumes it".to_string(),
                };
                println!(
                    "{:<18} {:<24} {:>10} {:>8}  incomplete ({} parts on disk; {next})",
                    l.hash, "-", "-", "-", l.parts_present
                )
            }
        }
    }
    Ok(())
}

fn show(store: &Store, prefix: &str) -> Res {
    let hash = store.resolve(prefix).map_err(store_fail)?;
    // A damaged result is named as such, and none of its numbers are printed.
    let m = store.check(&hash).map_err(store_fail)?;
    println!("result      {hash}");
    println!("experiment  {}", m.name);
    println!(
        "design      {} ({} scenarios x {} replications x {} policies = {} runs, {} months)",
        m.design,
        m.scenarios,
        m.replications,
        m.policies.len(),
        m.runs,
        m.horizon_months
    );
    println!("model       {}", m.model_version);
    println!(
        "built from  brink {} commit {} with {}",
        m.provenance.brink_version, m.provenance.git_commit, m.provenance.rustc
    );
    println!("ran on      {} threads in {:.1} s; {} failed runs", m.threads, m.wall_seconds, m.failed_runs);
    println!("files       {} files, checksums match the manifest", m.files.len());
    headline(store, &hash, &m.reference_policy)
}

fn validate(path: &Path) -> Res {
    let exp = load(Some(path))?;
    check_size(&exp, false)?;
    let plan = Plan::new(exp);
    println!(
        "{}: ok; hash {}; {} scenarios x {} replications x {} policies = {} runs of {} months",
        path.display(),
        plan.hash,
        plan.design().len(),
        plan.exp.replications,
        plan.exp.policies.len(),
        plan.runs(),
        plan.exp.horizon
    );
    Ok(())
}

fn policies(levers: bool) {
    for p in Policy::builtin() {
        println!("{:<26} {}", p.name(), p.summary());
        if levers {
            for l in Lever::ALL {
                println!("    {:<16} {:.2}  {}", l.name(), p.get(*l), l.doc());
            }
        }
    }
}

/// Writes `text` to standard output; a reader that went away (`brink params | head`) is not
/// an error.
fn print_all(text: &str) -> Res {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|_| out.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(failed(format!("stdout: {e}"))),
        _ => Ok(()),
    }
}

fn params(json: bool, markdown: bool) -> Res {
    let text = if json {
        let doc =
            serde_json::json!({ "model": brink_core::MODEL_VERSION, "parameters": brink_sweep::catalog::entries() });
        format!("{}\n", serde_json::to_string_pretty(&doc).map_err(|e| failed(e.to_string()))?)
    } else if markdown {
        brink_sweep::catalog::markdown()
    } else {
        let mut s = format!(
            "{:<26} {:>10} {:>16} {:<20} {:<7} {:<6} meaning (source)\n",
            "parameter", "default", "range", "unit", "swept", "fitted"
        );
        for e in brink_sweep::catalog::entries() {
            s.push_str(&format!(
                "{:<26} {:>10} {:>16} {:<20} {:<7} {:<6} {} ({})\n",
                e.name,
                e.default,
                format!("[{}, {}]", e.range[0], e.range[1]),
                e.unit,
                if e.swept.is_some() { "yes" } else { "" },
                if e.calibrated { "yes" } else { "" },
                e.meaning,
                e.source
            ));
        }
        s
    };
    print_all(&text)
}

/// The parameters `brink run` uses, and words for them.
fn run_params(exp: &Experiment, set: crate::args::ParamSet, from_file: bool) -> (brink_core::Params, String) {
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

fn run_one(
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
