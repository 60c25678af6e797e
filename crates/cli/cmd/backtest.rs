//! `brink backtest`: replay the record with a posterior and check every statistic.

use crate::args::Replays;
use crate::common::{failed, setup_threads, usage, Res};
use crate::replays::{backtest_files, posterior, print_backtest, record, replay, write_folder};
use brink_analysis::store::Store;
use brink_core::Params;
use brink_sweep::calibrate::{backtest, replay_of};
use brink_sweep::history::Record;
use std::path::{Path, PathBuf};

/// `brink backtest`.
pub(crate) fn backtest_cmd(results: &Path, post: &str, reps: u32, o: &Replays) -> Res {
    if reps == 0 {
        return Err(usage("--reps must be at least 1"));
    }
    setup_threads(o.threads)?;
    let r = record(o.data.as_deref())?;
    let p = posterior(post)?;
    // The posterior's own holdout unless the options say otherwise; its span only if the
    // options give none (a record extended past it is replayed to its end).
    let own = replay_of(&Record::embedded(), &p).ok().and_then(|rp| rp.holdout_from);
    let rp = replay(&r, o, own)?;
    Store::new(results).own().map_err(|e| failed(e.to_string()))?;
    let bt = backtest(&r, &rp, &p, reps, o.seed, &Params::default());
    let key = blake3::hash(
        format!("{}:{}:{reps}:{}:{:?}", p.blake3, r.blake3, o.seed, (rp.start, rp.end(), rp.holdout_from)).as_bytes(),
    )
    .to_hex()[..16]
        .to_string();
    let dir: PathBuf = results.join("backtest").join(&key);
    let note = format!(
        "posterior {} · calibration {} · {} replays",
        &p.blake3[..16],
        p.meta("calibration").unwrap_or("?"),
        bt.replays
    );
    let files = backtest_files(&bt, &note, results)?;
    write_folder(&dir, &files)?;
    println!(
        "back-test of {} posterior rows x {reps} replays, {} to {} ({} months){}",
        p.rows.len(),
        rp.start,
        rp.end(),
        rp.horizon,
        rp.holdout_from.map(|h| format!(", held out from {h}")).unwrap_or_default()
    );
    println!("\neras:");
    for (name, a, b, w) in &bt.eras {
        let checks: Vec<String> = bt
            .checks
            .iter()
            .filter(|c| c.stat.name.ends_with(&format!("_{name}")))
            .map(|c| {
                format!(
                    "{} {}",
                    c.stat.name.trim_end_matches(&format!("_{name}")),
                    if c.inside_90() { "inside" } else { "OUTSIDE" }
                )
            })
            .collect();
        println!("  {name:32} {a} to {b}  {:7}  {}", w.name(), checks.join(", "));
    }
    print_backtest(&bt);
    println!("\nwritten: {}", dir.display());
    Ok(())
}
