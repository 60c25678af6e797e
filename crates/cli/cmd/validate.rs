//! `brink validate`: check an experiment file and print its hash and size.

use crate::common::{check_size, load, Res};
use brink_analysis::words::count;
use brink_sweep::Plan;
use std::path::Path;
pub(crate) fn validate(path: &Path) -> Res {
    let exp = load(Some(path))?;
    check_size(&exp, false)?;
    let plan = Plan::new(exp);
    println!(
        "{}: ok; hash {}; {} x {} x {} = {} of {}",
        path.display(),
        plan.hash,
        count(plan.design().len() as u64, "scenario"),
        count(plan.exp.replications, "replication"),
        count(plan.exp.policies.len() as u64, "policy"),
        count(plan.runs(), "run"),
        count(plan.exp.horizon, "month")
    );
    Ok(())
}
