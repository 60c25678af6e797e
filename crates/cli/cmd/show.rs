//! `brink show`: a result's experiment, headline numbers and whether its files are intact.

use crate::common::{headline, store_fail, Res};
use brink_analysis::store::Store;
use brink_analysis::words::count;
pub(crate) fn show(store: &Store, prefix: &str) -> Res {
    let hash = store.resolve(prefix).map_err(store_fail)?;
    // A damaged result is named as such, and none of its numbers are printed.
    let m = store.check(&hash).map_err(store_fail)?;
    println!("result      {hash}");
    println!("experiment  {}", m.name);
    println!(
        "design      {} ({} x {} x {} = {}, {})",
        m.design,
        count(m.scenarios, "scenario"),
        count(m.replications, "replication"),
        count(m.policies.len() as u64, "policy"),
        count(m.runs, "run"),
        count(m.horizon_months, "month")
    );
    println!("model       {}", m.model_version);
    println!(
        "built from  brink {} commit {} with {}",
        m.provenance.brink_version, m.provenance.git_commit, m.provenance.rustc
    );
    println!(
        "ran on      {} in {:.1} s; {} failed",
        count(m.threads as u64, "thread"),
        m.wall_seconds,
        count(m.failed_runs, "run")
    );
    println!("files       {}, checksums match the manifest", count(m.files.len() as u64, "file"));
    headline(store, &hash, &m.reference_policy)
}
