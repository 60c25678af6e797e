//! `brink merge`: assemble a sharded sweep once every shard has run.

use crate::common::{headline, intact, plan_of, provenance, setup_threads, store_fail, Res};
use brink_analysis::lock::Mode;
use brink_analysis::pipeline;
use brink_analysis::store::Store;
use brink_analysis::words::count;
use std::time::Instant;

/// `brink merge HASH`.
pub(crate) fn merge(store: &Store, prefix: &str, quiet: bool) -> Res {
    let hash = store.resolve_any(prefix).map_err(store_fail)?;
    let dir = store.dir(&hash);
    // Shards still running, or another merge: wait for them.
    let _lock = store
        .lock_result(&hash, Mode::Exclusive, &mut || {
            if !quiet {
                eprintln!("brink: shards of result {hash} are still running (or another merge); waiting for them");
            }
        })
        .map_err(store_fail)?;
    if store.is_complete(&hash) {
        intact(store, &hash)?;
        if quiet {
            println!("{hash} {}", dir.display());
        } else {
            println!("result {hash} is already complete");
        }
        return Ok(());
    }
    let start = Instant::now();
    let plan = plan_of(store, &hash)?;
    let threads = setup_threads(None)?;
    let m =
        pipeline::finalize(store, &plan, threads, start.elapsed().as_secs_f64(), &provenance()).map_err(store_fail)?;
    if quiet {
        println!("{hash} {}", dir.display());
        return Ok(());
    }
    println!(
        "result {hash} merged from {} in {} ({})",
        count(plan.parts(), "part"),
        dir.display(),
        count(m.runs, "run")
    );
    headline(store, &hash, &m.reference_policy)
}
