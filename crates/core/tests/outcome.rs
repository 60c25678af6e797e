//! What a run's outcome says and how it is written: the first nuclear test apart from the
//! nuclear-test rung, and JSON with named rungs and actors.

use brink_core::{run, Params, Policy, RunSpec, Rung};

#[test]
fn the_first_nuclear_test_is_told_apart_from_the_rung_it_shares() {
    let params = Params::default();
    let (mut tested, mut rung_without_test) = (0, 0);
    for policy in Policy::builtin() {
        let spec = RunSpec::new(&policy, &params, 120);
        for seed in 0..200 {
            let o = run(&spec, seed);
            assert_eq!(o.nuclear_test_month.is_some(), o.nuclear_tests > 0, "seed {seed}");
            let rung = o.first_at_or_above(Rung::NuclearTest);
            if let Some(m) = o.nuclear_test_month {
                tested += 1;
                assert!(rung.is_some_and(|r| r <= m), "seed {seed}: a test reaches the rung");
            } else if rung.is_some() {
                rung_without_test += 1;
            }
        }
    }
    assert!(tested > 0, "some runs test");
    assert!(rung_without_test > 0, "accidents, attributed transfers or worse reach the rung without a test");
}

#[test]
fn json_names_rungs_actors_and_recipients() {
    let params = Params::default();
    let policy = Policy::builtin_named("maximum_pressure").unwrap();
    let spec = RunSpec::new(&policy, &params, 60);
    let mut trace = brink_core::trace::Trace::default();
    let o = brink_core::run_observed(&spec, 3, &mut trace);
    let v = serde_json::to_value(&o).unwrap();
    assert_eq!(v["status"], o.status.name());
    assert_eq!(v["max_rung"], o.max_rung.name());
    assert_eq!(v["first_month"]["calm"], 0);
    assert_eq!(v["first_month"].as_object().unwrap().len(), 10);
    let months = serde_json::to_value(&trace.months).unwrap();
    let mut senders = std::collections::BTreeSet::new();
    for m in months.as_array().unwrap() {
        assert!(m["rung"].as_str().unwrap().chars().all(|c| c.is_ascii_lowercase() || c == '_'));
        for e in m["messages"].as_array().unwrap() {
            senders.insert(e["from"].as_str().unwrap().to_string());
            for to in e["to"].as_array().unwrap() {
                assert!(["us", "dprk", "rok", "china", "unsc", "iaea"].contains(&to.as_str().unwrap()), "{e}");
            }
            let kind = match &e["msg"] {
                serde_json::Value::String(s) => s.clone(),
                serde_json::Value::Object(o) => o.keys().next().unwrap().clone(),
                other => panic!("{other}"),
            };
            assert!(kind.chars().all(|c| c.is_ascii_lowercase() || c == '_'), "{kind}");
        }
    }
    assert!(senders.contains("us") && senders.contains("dprk"), "{senders:?}");
}
