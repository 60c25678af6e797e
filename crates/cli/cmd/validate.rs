//! `brink validate`: check an experiment file and print its hash and size.

use crate::common::{check_size, load, Res};
use brink_sweep::Plan;
use std::path::Path;
pub(crate) fn validate(path: &Path) -> Res {
    let exp = load(Some(path))?;
    check_size(&exp, false)?;
    let plan = Plan::new(exp);
    println!(
        "{}: ok; hash {}; {} scenarios x {} replications x {} policies = {} runs of {} months",
        path.display(),
        plan.hash,
        plan.design().len(),
        plan.exp.replications,
        plan.exp.policies.len(),
        plan.runs(),
        plan.exp.horizon
    );
    Ok(())
}
