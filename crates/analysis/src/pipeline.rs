//! The analysis pipeline: what the command line calls to run a sweep's parts, assemble them
//! into a result, and turn stored runs into tables, charts and the report.
//!
//! It holds no IO of its own: the [`Store`] reads and writes every file; the accumulators
//! ([`Accumulator`], [`Detail`], [`Monthly`]) condense the runs; [`crate::outputs`] turns them
//! into tables, charts and `report.md`.

use crate::detail::{Detail, HORIZON_VARS};
use crate::frames::{monthly_columns, monthly_frame, MonthlyView};
use crate::outputs;
use crate::robust::{robustness, Robustness};
use crate::scenarios::{scenarios_columns, scenarios_frame};
use crate::store::{Manifest, Provenance, Store, StoreError};
use crate::summary::{summary_frame, Accumulator, PolicySummary, Risk};
use brink_core::Param;
use brink_sweep::{Monthly, Plan};
use polars::prelude::*;
use std::path::{Path, PathBuf};

type Result<T> = std::result::Result<T, StoreError>;

/// Runs `parts` of `plan` and stores each, writing one part on a thread of its own while the
/// Rayon pool computes the next. Calls `done(runs)` after each part is on disk.
pub fn run_parts(store: &Store, plan: &Plan, parts: &[u64], done: &mut dyn FnMut(u64)) -> Result<()> {
    store.own()?;
    std::thread::scope(|s| {
        let (tx, rx) = std::sync::mpsc::sync_channel::<brink_sweep::Part>(1);
        let (done_tx, done_rx) = std::sync::mpsc::channel::<u64>();
        let writer = s.spawn(move || -> Result<()> {
            for part in rx {
                let n = store.write_part(plan, &part)?;
                let _ = done_tx.send(n);
            }
            Ok(())
        });
        for k in parts {
            let part = plan.run_part(*k);
            if tx.send(part).is_err() {
                break; // the writer failed; its error is returned below
            }
            done_rx.try_iter().for_each(&mut *done);
        }
        drop(tx);
        let r = writer.join().unwrap_or_else(|p| std::panic::resume_unwind(p));
        done_rx.try_iter().for_each(&mut *done);
        r
    })
}

/// What the analysis condenses the runs of a sweep into, streamed part by part.
struct Condensed {
    acc: Accumulator,
    detail: Detail,
    monthly: Monthly,
}

impl Condensed {
    fn new(plan: &Plan) -> Condensed {
        let names = policy_names(plan);
        let np = names.len();
        Condensed {
            acc: Accumulator::new(names, plan.exp.reference),
            detail: Detail::new(plan.exp.horizon, np, plan.design().len()),
            monthly: Monthly::new(plan.exp.horizon, np),
        }
    }
}

fn policy_names(plan: &Plan) -> Vec<String> {
    plan.exp.policies.iter().map(|p| p.name().to_string()).collect()
}

/// Assembles result `plan` from every part: `runs.parquet`, the tables, the charts, the report
/// and, last, the manifest; removes the parts. A part that does not match its record is moved
/// aside ([`StoreError::DamagedParts`]). If another process finished the same result
/// meanwhile, its manifest is returned once its files are checked.
pub fn finalize(store: &Store, plan: &Plan, threads: usize, wall: f64, provenance: &Provenance) -> Result<Manifest> {
    store.own()?;
    let r = finalize_once(store, plan, threads, wall, provenance);
    if r.is_err() {
        // Leave nothing of ours half-written (a full disk, a killed writer, a race lost).
        store.remove_own_temporaries(&plan.hash);
    }
    let r = match r {
        // Another process finished the same result meanwhile (and removed the parts).
        Err(_) if store.is_complete(&plan.hash) => store.check(&plan.hash),
        r => r,
    };
    if r.is_ok() {
        // A concurrent sweep may have added a part while the parts were being removed.
        store.tidy(&plan.hash);
    }
    r
}

fn finalize_once(store: &Store, plan: &Plan, threads: usize, wall: f64, provenance: &Provenance) -> Result<Manifest> {
    store.tidy(&plan.hash);
    let mut c = Condensed::new(plan);
    store.merge_parts(plan, &mut |df, m| {
        c.monthly.add(m);
        c.acc.add(df)?;
        c.detail.add(df)
    })?;
    let summary = c.acc.finish();
    let rob = robustness_of(plan, &c.detail);
    let view = write_tables(store, plan, &summary, &rob, &c.monthly)?;
    write_views(store, plan, &summary, &rob, &c.detail, &view)?;
    store.seal(plan, summary.iter().map(|s| s.failed).sum(), threads, wall, provenance)
}

/// Writes `monthly.parquet` and `summary.csv`; returns what the monthly charts draw, read from
/// the frame written (as `brink plot` reads it back).
fn write_tables(
    store: &Store,
    plan: &Plan,
    summary: &[PolicySummary],
    rob: &[Robustness],
    monthly: &Monthly,
) -> Result<MonthlyView> {
    let dir = store.dir(&plan.hash);
    let pe = |rel: &str| {
        let path = dir.join(rel);
        move |source| StoreError::Polars { path, source }
    };
    let mut mdf = monthly_frame(plan, monthly).map_err(pe("monthly.parquet"))?;
    store.write_parquet(&plan.hash, "monthly.parquet", &mut mdf, &monthly_columns(plan))?;
    let path = dir.join("monthly.parquet");
    let view = MonthlyView::from_frame(&mdf, plan).map_err(|why| StoreError::Corrupt { path, why })?;
    let reference = plan.exp.policies[plan.exp.reference].name();
    let mut sdf = summary_frame(summary, reference, rob).map_err(pe("summary.csv"))?;
    let mut buf = Vec::new();
    CsvWriter::new(&mut buf).finish(&mut sdf).map_err(pe("summary.csv"))?;
    store.write_file(&plan.hash, "summary.csv", &buf)?;
    Ok(view)
}

/// Draws every chart of result `plan`, writes the tables of the scenario-level analyses and
/// `report.md`.
fn write_views(
    store: &Store,
    plan: &Plan,
    summary: &[PolicySummary],
    rob: &[Robustness],
    detail: &Detail,
    monthly: &MonthlyView,
) -> Result<()> {
    let draw = |name: &str, f: &dyn Fn(&Path) -> std::result::Result<(), String>| -> std::result::Result<(), String> {
        store.write_chart(&plan.hash, &format!("charts/{name}"), f).map(|_| ()).map_err(|e| e.to_string())
    };
    let mut sc = scenarios_frame(plan, detail)
        .map_err(|source| StoreError::Polars { path: store.dir(&plan.hash).join("scenarios.parquet"), source })?;
    store.write_parquet(&plan.hash, "scenarios.parquet", &mut sc, &scenarios_columns(plan))?;
    // The messages of draw name their file already.
    let findings = outputs::draw_all(plan, summary, rob, detail, monthly, &draw).map_err(StoreError::Other)?;
    for w in &findings.sobol_warnings {
        warn(&format!("{}: {w}", plan.hash));
    }
    for (rel, bytes) in &findings.tables {
        store.write_file(&plan.hash, rel, bytes)?;
    }
    let charts: Vec<String> = store
        .output_files(&plan.hash)?
        .into_iter()
        .filter_map(|f| f.strip_prefix("charts/").map(str::to_string))
        .collect();
    let report = outputs::report(plan, summary, rob, &findings, &charts);
    store.write_file(&plan.hash, "report.md", report.as_bytes())
}

/// Robustness of every policy across the scenarios of `plan`.
fn robustness_of(plan: &Plan, detail: &Detail) -> Vec<Robustness> {
    robustness(detail, &policy_names(plan), plan.exp.reference, plan.exp.satisficing)
}

/// Streams `runs.parquet` of a complete result back into the summary and detail accumulators:
/// only the columns they need, one part-sized slice of whole groups at a time.
fn reread(store: &Store, plan: &Plan) -> Result<(Accumulator, Detail)> {
    let names = policy_names(plan);
    let mut acc = Accumulator::new(names.clone(), plan.exp.reference);
    let mut detail = Detail::new(plan.exp.horizon, names.len(), plan.design().len());
    let mut cols: Vec<String> =
        ["status", "scenario", "months", "missile_tests", "nuclear_tests", "escalation_score", "harm"]
            .iter()
            .map(|s| s.to_string())
            .collect();
    cols.extend(Risk::ALL.iter().map(|r| r.column()));
    cols.extend(HORIZON_VARS.iter().map(|s| s.to_string()));
    cols.sort();
    cols.dedup();
    store.read_runs(plan, &cols, &mut |df| {
        acc.add(df)?;
        detail.add(df)
    })?;
    Ok((acc, detail))
}

/// Redraws the charts and the report of a complete result from its stored files and updates
/// the manifest.
pub fn replot(store: &Store, plan: &Plan) -> Result<()> {
    store.own()?;
    let (acc, detail) = reread(store, plan)?;
    let df = store.read_parquet(&plan.hash, "monthly.parquet")?;
    let path = store.dir(&plan.hash).join("monthly.parquet");
    let monthly = MonthlyView::from_frame(&df, plan).map_err(|why| StoreError::Corrupt { path, why })?;
    write_views(store, plan, &acc.finish(), &robustness_of(plan, &detail), &detail, &monthly)?;
    store.reseal(&plan.hash)
}

/// Draws a heatmap of a complete result over two parameters that vary between its scenarios
/// (swept, or drawn from the posterior) into `charts/extra/` (outside the manifest, so
/// `reproduce` is unaffected). Returns its path.
pub fn heatmap(store: &Store, plan: &Plan, x: Param, y: Param) -> Result<PathBuf> {
    store.own()?;
    let (_, detail) = reread(store, plan)?;
    let file = format!("heatmap-{}-{}.png", x.name(), y.name());
    let rel = format!("charts/extra/{file}");
    let path = store.dir(&plan.hash).join(&rel);
    let draw = |_: &str, f: &dyn Fn(&Path) -> std::result::Result<(), String>| -> std::result::Result<(), String> {
        store.write_chart(&plan.hash, &rel, f).map(|_| ()).map_err(|e| e.to_string())
    };
    outputs::heatmap(plan, &detail, &draw, (x, y), &file).map_err(StoreError::Other)?;
    Ok(path)
}

/// A warning about a result's analyses, on stderr (progress may be quiet; warnings are not).
fn warn(msg: &str) {
    eprintln!("brink: warning: {msg}");
}
