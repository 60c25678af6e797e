//! `brink reproduce`: re-run a result from its stored config and compare every file.

use crate::common::{failed, plan_of, provenance, setup_threads, store_fail, Res};
use brink_analysis::pipeline;
use brink_analysis::store::{Store, StoreError};
use std::path::PathBuf;
use std::time::Instant;
pub(crate) fn reproduce(store: &Store, prefix: &str, threads: Option<usize>) -> Res {
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
        pipeline::run_parts(&scratch, &plan, &all, &mut |_| {})?;
        pipeline::finalize(&scratch, &plan, threads, start.elapsed().as_secs_f64(), &provenance())
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
