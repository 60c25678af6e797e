//! `brink report`: write report.md of a result (its charts are redrawn too).

use crate::common::{data_intact, plan_of, store_fail, Res};
use brink_analysis::pipeline;
use brink_analysis::store::Store;
/// `brink report HASH`.
pub(crate) fn report(store: &Store, prefix: &str, quiet: bool) -> Res {
    let hash = store.resolve(prefix).map_err(store_fail)?;
    data_intact(store, &hash)?;
    pipeline::replot(store, &plan_of(store, &hash)?).map_err(store_fail)?;
    if !quiet {
        println!("{}", store.dir(&hash).join("report.md").display());
    }
    Ok(())
}
