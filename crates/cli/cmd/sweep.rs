//! `brink sweep`: run an experiment, whole or one shard, resume it, list its missing shards.

use crate::common::{check_size, headline, intact, provenance, setup_threads, store_fail, usage, Res, MAX_SHARDS};
use crate::progress::Progress;
use brink_analysis::lock::Mode;
use brink_analysis::pipeline;
use brink_analysis::store::{Store, StoreError};
use brink_analysis::words::count;
use brink_sweep::{Experiment, Plan};
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
    // Another process running this experiment (or merging it): wait for it rather than compute
    // its runs again; then the result is complete, or this sweep resumes what it left.
    let mode = if shard.is_some() { Mode::Shared } else { Mode::Exclusive };
    let _lock = store
        .lock_result(&plan.hash, mode, &mut || {
            if !quiet {
                eprintln!(
                    "brink: another brink process is running result {} in {}; waiting for it to finish",
                    plan.hash,
                    dir.display()
                );
            }
        })
        .map_err(store_fail)?;
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
    if let (true, Some((i, k))) = (parts.is_empty(), shard) {
        if !quiet {
            println!(
                "shard {i}/{k} of result {} has no runs: the experiment has {}, fewer than {k} shards",
                plan.hash,
                count(plan.parts(), "part")
            );
        }
    }
    let todo = store.missing_parts(&plan, parts.clone());
    let runs_of = |k: &u64| plan.part_range(*k).end - plan.part_range(*k).start;
    let total_runs: u64 = parts.clone().map(|k| runs_of(&k)).sum();
    let progress = Progress::new(total_runs, total_runs - todo.iter().map(runs_of).sum::<u64>(), quiet);
    match pipeline::run_parts(store, &plan, &todo, &mut |n| progress.advance(n)) {
        Ok(()) => {}
        // Another process of the same experiment finished and tidied up meanwhile.
        Err(_) if shard.is_none() && store.is_complete(&plan.hash) => {}
        Err(e) => return Err(store_fail(e)),
    }
    progress.finish();
    if let Some((i, k)) = shard {
        let missing = store.missing_parts(&plan, 0..plan.parts()).len() as u64;
        if quiet {
            println!("{} {}", plan.hash, dir.display());
            return Ok(());
        }
        println!(
            "shard {i}/{k} of result {} done in {:.1} s ({} still missing overall)",
            plan.hash,
            start.elapsed().as_secs_f64(),
            count(missing, "part")
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
    if m.failed_runs > 0 {
        eprintln!(
            "brink: warning: {} failed; see the status and error columns of runs.parquet",
            count(m.failed_runs, "run")
        );
    }
    if quiet {
        println!("{} {}", plan.hash, dir.display());
        return Ok(());
    }
    println!(
        "result {} in {} ({}, {}, {:.1} s)",
        plan.hash,
        dir.display(),
        count(m.runs, "run"),
        count(threads as u64, "thread"),
        m.wall_seconds
    );
    headline(store, &plan.hash, &m.reference_policy)
}

/// Runs every part in memory and discards it: the bare throughput of simulation and aggregation.
pub(crate) fn dry(exp: Experiment, threads: Option<usize>, force: bool) -> Res {
    check_size(&exp, force)?;
    let plan = Plan::new(exp);
    let threads = setup_threads(threads)?;
    let start = Instant::now();
    let progress = Progress::new(plan.runs(), 0, false);
    let mut failed = 0usize;
    for k in 0..plan.parts() {
        let part = plan.run_part(k);
        failed += part.rows.iter().filter(|r| r.outcome.is_err()).count();
        progress.advance(part.rows.len() as u64);
    }
    progress.finish();
    let secs = start.elapsed().as_secs_f64();
    println!(
        "dry run of {}: {} on {} in {secs:.2} s ({:.0} runs/s, {:.2} µs per run per thread), {failed} failed; nothing written",
        plan.hash,
        count(plan.runs(), "run"),
        count(threads as u64, "thread"),
        plan.runs() as f64 / secs.max(1e-9),
        secs * 1e6 * threads as f64 / plan.runs().max(1) as f64
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
