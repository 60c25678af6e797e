//! `brink list`: the results in the results folder, complete or not.

use crate::common::{store_fail, Res};
use brink_analysis::store::Store;
pub(crate) fn list(store: &Store) -> Res {
    let all = store.list().map_err(store_fail)?;
    if all.is_empty() {
        println!("no results in {}", store.root().display());
        return Ok(());
    }
    println!("{:<18} {:<24} {:>10} {:>8}  state", "hash", "name", "runs", "policies");
    for l in all {
        match l.manifest {
            Some(m) => println!("{:<18} {:<24} {:>10} {:>8}  complete", l.hash, m.name, m.runs, m.policies.len()),
            None if l.damaged.is_some() => println!(
                "{:<18} {:<24} {:>10} {:>8}  damaged ({})",
                l.hash,
                "-",
                "-",
                "-",
                l.damaged.as_deref().unwrap_or("")
            ),
            None => {
                let next = match &l.stuck {
                    Some(why) => format!("`brink sweep` cannot resume it: {why}"),
                    None => "`brink sweep` resumes it".to_string(),
                };
                println!(
                    "{:<18} {:<24} {:>10} {:>8}  incomplete ({} parts on disk; {next})",
                    l.hash, "-", "-", "-", l.parts_present
                )
            }
        }
    }
    Ok(())
}
