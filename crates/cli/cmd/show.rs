//! `brink show`: a result's experiment, headline numbers and whether its files are intact.

use crate::common::{headline, store_fail, Res};
use brink_analysis::store::Store;
pub(crate) fn show(store: &Store, prefix: &str) -> Res {
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
