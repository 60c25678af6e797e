//! `brink list`: the results in the results folder, complete or not.

use crate::common::{store_fail, Res};
use brink_analysis::store::Store;
use brink_analysis::words::count;
/// `brink list`.
pub(crate) fn list(store: &Store) -> Res {
    let all = store.list().map_err(store_fail)?;
    if all.is_empty() {
        println!("no results in {}", store.root().display());
        return Ok(());
    }
    println!("{:<18} {:<24} {:>10} {:>8}  state", "hash", "name", "runs", "policies");
    for l in all {
        // What the stored config says, where the manifest cannot (yet) say it.
        let (name, runs, policies) = match &l.experiment {
            Some((name, runs, np, _)) => (name.clone(), runs.to_string(), np.to_string()),
            None => ("(no readable config)".to_string(), "?".to_string(), "?".to_string()),
        };
        match l.manifest {
            Some(m) => println!("{:<18} {:<24} {:>10} {:>8}  complete", l.hash, m.name, m.runs, m.policies.len()),
            // Nothing of a damaged result is printed, not even what its config says.
            None if l.damaged.is_some() => println!(
                "{:<18} {:<24} {:>10} {:>8}  damaged ({})",
                l.hash,
                "?",
                "?",
                "?",
                l.damaged.as_deref().unwrap_or("")
            ),
            None => {
                let parts = match &l.experiment {
                    Some((_, _, _, total)) => format!("{} of {total} parts on disk", l.parts_present),
                    None => format!("{} on disk", count(l.parts_present as u64, "part")),
                };
                let state = if l.running {
                    format!("incomplete, running ({parts}; a brink process holds its lock)")
                } else {
                    let next = match &l.stuck {
                        Some(why) => format!("`brink sweep` cannot resume it: {why}"),
                        None => "`brink sweep` resumes it".to_string(),
                    };
                    format!("incomplete, interrupted ({parts}; {next})")
                };
                println!("{:<18} {:<24} {:>10} {:>8}  {state}", l.hash, name, runs, policies)
            }
        }
    }
    Ok(())
}
