//! `brink calibrate`: calibration to the historical record, and its coverage check.

use crate::args::Replays;
use crate::common::{failed, setup_threads, usage, Res};
use crate::replays::{backtest_files, print_backtest, record, replay, write_folder};
use brink_analysis::store::{write_atomic, Store};
use brink_core::Params;
use brink_sweep::calibrate::{backtest, calibrate, coverage, SmcSpec, PRIORS};
use brink_sweep::history::{Record, Replay};
use std::fmt::Write as _;
use std::path::Path;
use std::time::Instant;

/// `brink calibrate`.
pub(crate) fn calibrate_cmd(
    results: &Path,
    spec: SmcSpec,
    o: &Replays,
    out: Option<&Path>,
    records: Option<u32>,
) -> Res {
    if spec.particles < 2 || spec.initial < spec.particles {
        return Err(usage("--particles must be at least 2 and --initial at least --particles"));
    }
    let n = setup_threads(o.threads)?;
    let r = record(o.data.as_deref())?;
    let rp = replay(&r, o, None)?;
    if let Some(records) = records {
        return coverage_cmd(results, &r, &rp, &spec, records, n);
    }
    Store::new(results).own().map_err(|e| failed(e.to_string()))?;
    let start = Instant::now();
    eprintln!(
        "brink: calibrating {} parameters to the record {} to {}{} by ABC-SMC ({} particles, {} prior draws, up to {} generations) on {n} threads",
        PRIORS.len(),
        rp.start,
        rp.end(),
        rp.holdout_from.map(|h| format!(", holding out {h} on")).unwrap_or_default(),
        spec.particles,
        spec.initial,
        spec.generations
    );
    let cal = calibrate(&r, &rp, &spec, &Params::default());
    let took = start.elapsed().as_secs_f64();
    let bt = backtest(&r, &rp, &cal.posterior, 4, spec.seed, &Params::default());
    let dir = results.join("calibration").join(&cal.hash);
    let note = format!("calibration {} · {} replays of the posterior", cal.hash, bt.replays);
    let mut files = vec![("posterior.csv", cal.posterior.text.clone().into_bytes())];
    files.extend(backtest_files(&bt, &note, results)?);
    write_folder(&dir, &files)?;
    if let Some(out) = out {
        write_atomic(out, cal.posterior.text.as_bytes()).map_err(|e| failed(e.to_string()))?;
    }
    println!("calibration {} ({} replays, {took:.1} s)", cal.hash, cal.replays);
    for (i, g) in cal.generations.iter().enumerate() {
        println!(
            "  generation {i}: tolerance {:.3}, {} proposals, {} accepted or moved",
            g.epsilon, g.proposals, g.accepted
        );
    }
    println!("\nposterior: 5%, median, 95%; width of the 90% interval over the prior's (informed: < 0.8)");
    for ((p, x), prior) in cal.posterior.ranges().iter().zip(PRIORS) {
        let width = (x[3] - x[1]) / (prior.high - prior.low);
        println!(
            "  {:24} {:10.4} {:10.4} {:10.4}   width {width:.2}{}   prior ({}, {})",
            p.name(),
            x[1],
            x[2],
            x[3],
            if width < 0.8 { " informed" } else { "         " },
            prior.low,
            prior.high
        );
    }
    print_backtest(&bt);
    println!("\nwritten: {}", dir.display());
    if let Some(out) = out {
        println!("posterior also written to {}", out.display());
    }
    Ok(())
}

/// `brink calibrate --coverage N`.
fn coverage_cmd(results: &Path, r: &Record, rp: &Replay, spec: &SmcSpec, records: u32, threads: usize) -> Res {
    if records == 0 {
        return Err(usage("--coverage needs at least one synthetic record"));
    }
    let start = Instant::now();
    eprintln!(
        "brink: coverage of the 90% intervals over {records} synthetic records ({} particles, {} prior draws, up to {} generations each) on {threads} threads",
        spec.particles, spec.initial, spec.generations
    );
    let cov = coverage(r, rp, spec, records, &Params::default());
    let took = start.elapsed().as_secs_f64();
    let mut csv = String::from("parameter,records,inside_90,coverage,mean_relative_width\n");
    println!("coverage of the 90% posterior interval over {records} synthetic records ({took:.0} s)");
    for c in &cov {
        let share = c.inside as f64 / c.records as f64;
        let _ = writeln!(csv, "{},{},{},{share:?},{:?}", c.param.name(), c.records, c.inside, c.width);
        let flag = if (0.80..=0.97).contains(&share) { "" } else { "  outside 80-97%" };
        println!("  {:24} {:5.1}%   mean width {:.2}{flag}", c.param.name(), 100.0 * share, c.width);
    }
    let key = blake3::hash(format!("{}:{}:{records}:{spec:?}", r.blake3, brink_core::MODEL_VERSION).as_bytes())
        .to_hex()[..16]
        .to_string();
    let dir = results.join("coverage").join(key);
    write_folder(&dir, &[("coverage.csv", csv.into_bytes())])?;
    println!("\nwritten: {}", dir.display());
    Ok(())
}
