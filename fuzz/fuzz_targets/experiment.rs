//! Experiment files: parsing and validation of arbitrary bytes must never panic, and a file
//! that validates must survive its canonical form unchanged (same experiment, same hash), read
//! back by brink and by an ordinary TOML reader. The input also serves as the strings of an
//! experiment (name, description, a policy's summary), whatever characters they hold.
#![no_main]

use brink_sweep::Experiment;
use libfuzzer_sys::fuzz_target;

/// The canonical form of `exp` reads back to the same experiment, in brink and in `toml`.
fn round_trip(exp: &Experiment) {
    let text = exp.canonical();
    let again = Experiment::parse(&text, "canonical.toml").expect("the canonical form validates");
    assert_eq!(exp.hash(), again.hash(), "the canonical form changed the experiment");
    assert_eq!(text, again.canonical(), "the canonical form is not a fixed point");
    let plain: toml::Table = toml::from_str(&text).expect("the canonical form is TOML");
    assert_eq!(plain["experiment"]["name"].as_str(), Some(exp.name.as_str()));
    assert_eq!(plain["experiment"]["description"].as_str(), Some(exp.description.as_str()));
    for p in &exp.policies {
        assert_eq!(plain["policies"][p.name()]["summary"].as_str(), Some(p.summary()));
    }
}

fuzz_target!(|data: &[u8]| {
    if let Ok(exp) = Experiment::parse_bytes(data, "fuzz.toml") {
        let _ = (exp.scenarios(), exp.runs());
        // Its canonical form names posterior.csv beside config.toml: not here.
        if exp.posterior.is_none() {
            round_trip(&exp);
        }
    }
    // The bytes as strings of an experiment: every control and format character must survive.
    let text = String::from_utf8_lossy(data);
    let (a, b) = text.split_at(text.char_indices().nth(text.chars().count() / 2).map(|(i, _)| i).unwrap_or(0));
    static BASE: std::sync::OnceLock<Experiment> = std::sync::OnceLock::new();
    let mut exp =
        BASE.get_or_init(|| Experiment::parse("[posterior]\nfile = \"none\"\n", "base.toml").expect("valid")).clone();
    exp.name = a.to_string();
    exp.description = b.to_string();
    let mine = exp.policies[0].derived("mine", &text);
    exp.policies.push(mine);
    round_trip(&exp);
});
