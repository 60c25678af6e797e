//! `brink policies`: the built-in policies, or an experiment's (`--config`), with their levers.

use crate::common::{load, print_all, Res};
use brink_core::{Lever, Policy};
use std::fmt::Write as _;
use std::path::Path;

/// A lever value: two decimals when that is exact (every built-in value), else in full.
fn value(x: f64) -> String {
    let two = format!("{x:.2}");
    if two.parse::<f64>() == Ok(x) {
        two
    } else {
        format!("{x}")
    }
}

/// A lever of `p`: its value, or its range for a family.
fn setting(p: &Policy, l: Lever) -> String {
    match p.range(l) {
        Some((lo, hi)) => format!("{}..{} (uncertain)", value(lo), value(hi)),
        None => value(p.get(l)),
    }
}

/// The levers, each with its valid range and meaning.
fn lever_table(s: &mut String) {
    let _ = writeln!(s, "levers (a policy gives each a value in [0, 1], or a family a range within it):");
    let _ = writeln!(s, "    {:<16} {:<7} meaning", "lever", "range");
    for l in Lever::ALL {
        let _ = writeln!(s, "    {:<16} {:<7} {}", l.name(), "[0, 1]", l.doc());
    }
    s.push('\n');
}

/// `brink policies [--levers] [--config FILE]`.
pub(crate) fn policies(levers: bool, config: Option<&Path>) -> Res {
    let mut s = String::new();
    if levers {
        lever_table(&mut s);
    }
    match config {
        None => {
            for p in Policy::builtin() {
                let _ = writeln!(s, "{:<26} {}", p.name(), p.summary());
                if levers {
                    for l in Lever::ALL {
                        let _ = writeln!(s, "    {:<16} {}", l.name(), setting(&p, *l));
                    }
                }
            }
        }
        Some(path) => {
            let exp = load(Some(path))?;
            let mut all: Vec<(&Policy, &str)> = exp.policies.iter().map(|p| (p, "")).collect();
            if let Some(t) = exp.election_target.as_ref().filter(|t| !exp.policies.iter().any(|p| p.name() == t.name()))
            {
                all.push((t, ", election target only"));
            }
            let width = all.iter().map(|(p, _)| p.name().len()).max().unwrap_or(0).max(24);
            let _ = writeln!(s, "policies of {} ({}):", exp.name, path.display());
            for (p, role) in all {
                let origin = match Policy::builtin_named(p.name()) {
                    Some(b) if b == *p => "built in",
                    _ if p.is_family() => "user, family",
                    _ => "user",
                };
                let _ = writeln!(s, "\n{:<width$}  ({origin}{role})  {}", p.name(), p.summary());
                for l in Lever::ALL {
                    let _ = writeln!(s, "    {:<16} {}", l.name(), setting(p, *l));
                }
            }
        }
    }
    print_all(&s)
}
