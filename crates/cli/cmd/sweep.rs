//! `brink sweep`: run an experiment, whole or one shard, resume it, list its missing shards.

use crate::common::{check_size, headline, intact, provenance, setup_threads, store_fail, usage, Res, MAX_SHARDS};
use brink_analysis::pipeline;
use brink_analysis::store::{Store, StoreError};
use brink_sweep::{Experiment, Plan};
use std::io::{IsTerminal, Write};
use std::time::Instant;
pub(crate) fn parse_shard(s: &str) -> Res<(u64, u64)> {
    let bad = || usage(format!("--shard {s:?}: expected I/K with 0 <= I < K <= {MAX_SHARDS}, e.g. 3/8"));
    let (i, k) = s.split_once('/').ok_or_else(bad)?;
    let (i, k): (u64, u64) = (i.trim().parse().map_err(|_| bad())?, k.trim().parse().map_err(|_| bad())?);
    if k == 0 || i >= k || k > MAX_SHARDS {
        return Err(bad());
    }
    Ok((i, k))
}

pub(crate) fn sweep(
    store: &Store,
    exp: Experiment,
    threads: Option<usize>,
    shard: Option<&str>,
    force: bool,
    quiet: bool,
) -> Res {
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
    match pipeline::run_parts(store, &plan, &todo, &mut |n| progress.advance(n)) {
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
    let m = match pipeline::finalize(store, &plan, threads, start.elapsed().as_secs_f64(), &provenance()) {
        // Damaged parts were moved aside: run them again, once.
        Err(e @ StoreError::DamagedParts { .. }) => {
            eprintln!("brink: warning: {e}");
            let again = store.missing_parts(&plan, 0..plan.parts());
            pipeline::run_parts(store, &plan, &again, &mut |_| {}).map_err(store_fail)?;
            pipeline::finalize(store, &plan, threads, start.elapsed().as_secs_f64(), &provenance())
                .map_err(store_fail)?
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
pub(crate) fn dry(exp: Experiment, threads: Option<usize>, force: bool) -> Res {
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

pub(crate) fn list_missing(store: &Store, exp: Experiment, k: u64) -> Res {
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
