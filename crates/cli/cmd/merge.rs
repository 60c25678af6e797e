//! `brink merge`: assemble a sharded sweep once every shard has run.

use crate::common::{headline, intact, plan_of, provenance, setup_threads, store_fail, Res};
use brink_analysis::pipeline;
use brink_analysis::store::Store;
use std::time::Instant;
pub(crate) fn merge(store: &Store, prefix: &str) -> Res {
    let hash = store.resolve_any(prefix).map_err(store_fail)?;
    if store.is_complete(&hash) {
        intact(store, &hash)?;
        println!("result {hash} is already complete");
        return Ok(());
    }
    let start = Instant::now();
    let plan = plan_of(store, &hash)?;
    let threads = setup_threads(None)?;
    let m =
        pipeline::finalize(store, &plan, threads, start.elapsed().as_secs_f64(), &provenance()).map_err(store_fail)?;
    println!("result {hash} merged from {} parts in {} ({} runs)", plan.parts(), store.dir(&hash).display(), m.runs);
    headline(store, &hash, &m.reference_policy)
}
