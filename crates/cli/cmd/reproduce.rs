//! `brink reproduce`: re-run a result from its stored config and compare every file.

use crate::common::{failed, plan_of, provenance, setup_threads, store_fail, Res};
use crate::progress::Progress;
use brink_analysis::pipeline;
use brink_analysis::store::{Store, StoreError};
use brink_analysis::words::count;
use std::path::PathBuf;
use std::time::Instant;
/// `brink reproduce HASH`.
pub(crate) fn reproduce(store: &Store, prefix: &str, threads: Option<usize>, quiet: bool) -> Res {
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
        let progress = Progress::new(plan.runs(), 0, quiet);
        pipeline::run_parts(&scratch, &plan, &all, &mut |n| progress.advance(n))?;
        progress.finish();
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
        if quiet {
            return Ok(());
        }
        println!(
            "reproduced {hash}: all {} identical ({}, {:.1} s)",
            count(stored.files.len() as u64, "file"),
            count(fresh.runs, "run"),
            start.elapsed().as_secs_f64()
        );
        Ok(())
    } else {
        problems.sort();
        problems.dedup();
        Err(failed(format!("result {hash} did not reproduce:\n  {}", problems.join("\n  "))))
    }
}
