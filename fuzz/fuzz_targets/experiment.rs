//! Experiment files: parsing and validation of arbitrary bytes must never panic, and a file
//! that validates must survive its canonical form unchanged (same experiment, same hash).
#![no_main]

use brink_sweep::Experiment;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(exp) = Experiment::parse_bytes(data, "fuzz.toml") else { return };
    let _ = (exp.scenarios(), exp.runs());
    if exp.posterior.is_some() {
        return; // its canonical form names posterior.csv beside config.toml: not here
    }
    let again = Experiment::parse(&exp.canonical(), "canonical.toml").expect("the canonical form validates");
    assert_eq!(exp.hash(), again.hash(), "the canonical form changed the experiment");
});
