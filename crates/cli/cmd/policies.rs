//! `brink policies`: the built-in policies.

use brink_core::{Lever, Policy};
pub(crate) fn policies(levers: bool) {
    for p in Policy::builtin() {
        println!("{:<26} {}", p.name(), p.summary());
        if levers {
            for l in Lever::ALL {
                println!("    {:<16} {:.2}  {}", l.name(), p.get(*l), l.doc());
            }
        }
    }
}
