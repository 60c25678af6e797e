//! Policy families: levers given as ranges, drawn per scenario from a stream of their own.

use brink_core::{Lever, Policy, Rung, OPED_POLICY};
use brink_sweep::{lever_draw, Experiment, Plan, RunRow};

fn parse(text: &str) -> Result<Experiment, String> {
    Experiment::parse(text, "fam.toml").map_err(|e| e.to_string())
}

/// Eight scenarios of one swept parameter, the op-ed's policy and a family of it that leaves
/// talks open.
const FAMILY: &str = "[experiment]\nreplications = 12\nhorizon_months = 36\npolicies = [\"containment_transparency\", \"open_talks\"]\nreference_policy = \"containment_transparency\"\n[design]\nmethod = \"latin_hypercube\"\nsamples = 8\n[uncertain]\ncvid_resistance = { low = 0.5, high = 3.0 }\n[policies.open_talks]\nbase = \"containment_transparency\"\ntalks = { low = 0.0, high = 1.0 }\nrelief_via_unsc = { low = 0.2, high = 0.8 }\n";

fn rows(plan: &Plan) -> Vec<RunRow> {
    (0..plan.parts()).flat_map(|k| plan.run_part(k).rows).collect()
}

fn family_index(plan: &Plan, name: &str) -> u16 {
    plan.exp.policies.iter().position(|p| p.name() == name).unwrap() as u16
}

#[test]
fn a_family_parses_and_its_ranges_enter_the_hash_but_not_the_scenario_set() {
    let e = parse(FAMILY).unwrap();
    let fam = &e.policies[1];
    assert!(fam.is_family() && !e.policies[0].is_family());
    assert_eq!(fam.uncertain(), &[(Lever::Talks, 0.0, 1.0), (Lever::ReliefViaUnsc, 0.2, 0.8)]);
    assert_eq!(fam.get(Lever::Safety), e.policies[0].get(Lever::Safety));
    assert_eq!(e.varied_levers(), vec![Lever::Talks, Lever::ReliefViaUnsc]);
    // The canonical form writes the ranges and reads back to the same experiment.
    let c = e.canonical();
    assert!(c.contains("talks = { low = 0.0, high = 1.0 }\n"), "{c}");
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("posterior.csv"), &e.posterior.as_ref().unwrap().text).unwrap();
    let cfg = dir.path().join("config.toml");
    let again = Experiment::parse(&c, &cfg.display().to_string()).unwrap();
    assert_eq!(again.canonical(), c);
    assert_eq!(again.hash(), e.hash());
    // Another range: another result, the same scenario set.
    let other = parse(&FAMILY.replace("high = 0.8", "high = 0.9")).unwrap();
    assert_ne!(other.hash(), e.hash());
    assert_eq!(other.scenario_key(), e.scenario_key());
    // A family with a zero-width range is still a family, and still a different experiment
    // from its base; fixing the lever with a number makes the experiment hash as before.
    let plain =
        parse(&FAMILY.replace(
            "talks = { low = 0.0, high = 1.0 }\nrelief_via_unsc = { low = 0.2, high = 0.8 }\n",
            "talks = 0.5\n",
        ))
        .unwrap();
    assert!(!plain.policies[1].is_family() && !plain.canonical().contains("talks = { low"));
    assert_eq!(plain.scenario_key(), e.scenario_key());
    // A built-in policy becomes a family under a name of its own, from a policy file too.
    let p = brink_sweep::experiment::policy_file(
        "[policies.fam]\nbase = \"containment_transparency\"\nforce = { low = 0, high = 1 }\n",
        "fam.toml",
    )
    .unwrap();
    assert_eq!(p.range(Lever::Force), Some((0.0, 1.0)));
}

#[test]
fn bad_ranges_are_located_and_explained() {
    for (lever, needle) in [
        ("talks = { low = 0.8, high = 0.2 }", "fam.toml:3:9: policies.fam.talks: low (0.8) is above high (0.2)"),
        ("talks = { low = -0.1, high = 0.2 }", "fam.toml:3:17: policies.fam.talks.low: -0.1 is outside the valid range [0, 1]"),
        ("talks = { low = 0.1, high = 1.5 }", "fam.toml:3:29: policies.fam.talks.high: 1.5 is outside the valid range [0, 1]"),
        ("talks = { low = 0.1 }", "fam.toml:3:9: policies.fam.talks.high: missing; give a number in [0, 1]"),
        ("talks = { low = 0.1, hihg = 0.4 }", "fam.toml:3:22: policies.fam.talks.hihg: unknown key (did you mean `high`?)"),
        ("talks = { low = nan, high = 0.4 }", "fam.toml:3:17: policies.fam.talks.low: NaN is not a finite number; give a number in [0, 1]"),
        ("talks = \"0.5\"", "fam.toml:3:9: policies.fam.talks: expected a number in [0, 1], or a range { low = <number>, high = <number> } within [0, 1], found string"),
        ("talks = 1.5", "fam.toml:3:9: policies.fam.talks: 1.5 is outside [0, 1]"),
    ] {
        let text = format!("[policies.fam]\nbase = \"containment_transparency\"\n{lever}\n[experiment]\npolicies = [\"fam\"]\nreference_policy = \"fam\"\n");
        let msg = parse(&text).unwrap_err();
        assert!(msg.contains(needle), "{lever}: missing {needle:?} in:\n{msg}");
        let n = if lever.contains("hihg") { "2 problems" } else { "1 problem" };
        assert!(msg.starts_with(n), "{lever}: {n}, no knock-on ones:\n{msg}");
        // The same in a policy file.
        let file = format!("[policies.fam]\nbase = \"containment_transparency\"\n{lever}\n");
        let msg = brink_sweep::experiment::policy_file(&file, "fam.toml").unwrap_err().to_string();
        assert!(msg.contains(needle), "policy file, {lever}: missing {needle:?} in:\n{msg}");
    }
    // A built-in policy is not made a family under its own name.
    let msg = parse("[policies.containment_transparency]\ntalks = { low = 0.2, high = 0.8 }\n").unwrap_err();
    assert!(
        msg.contains("talks 0.2..0.8 (built in: 0.5)") && msg.contains("[policies.my_containment_transparency]"),
        "{msg}"
    );
    // An election switches to one setting.
    let msg = parse(&format!("{FAMILY}[election]\nswitch_to = \"open_talks\"\n[model]\nelection_switch = 0.5\n"))
        .unwrap_err();
    assert!(
        msg.contains(
            "election.switch_to: \"open_talks\" is a policy family (levers given as ranges: talks, relief_via_unsc)"
        ),
        "{msg}"
    );
    // A fixed design has one scenario, so a family would be run at one setting.
    let msg = parse(&format!(
        "{}\n",
        FAMILY
            .replace("latin_hypercube", "fixed")
            .replace("cvid_resistance = { low = 0.5, high = 3.0 }\n", "")
            .replace("[uncertain]\n", "")
    ))
    .unwrap_err();
    assert!(
        msg.contains("design.method: policy family \"open_talks\" varies levers from scenario to scenario"),
        "{msg}"
    );
}

#[test]
fn a_lever_named_as_a_model_parameter_is_pointed_to_a_family() {
    let msg =
        parse("[uncertain]\nrelief_via_unsc = { low = 0, high = 1 }\ncvid_resistance = { low = 0.5, high = 3.0 }\n")
            .unwrap_err();
    for needle in [
        "fam.toml:2:1: uncertain.relief_via_unsc: `relief_via_unsc` is a policy lever, not a model parameter",
        "[policies.my_family] base = \"containment_transparency\" and relief_via_unsc = { low = 0.0, high = 1.0 }",
        "list \"my_family\" in experiment.policies",
    ] {
        assert!(msg.contains(needle), "missing {needle:?} in:\n{msg}");
    }
    assert!(!msg.contains("unknown parameter"), "{msg}");
    let msg = parse("[model]\ntalks = 0.3\n").unwrap_err();
    assert!(
        msg.contains("model.talks: `talks` is a policy lever, not a model parameter") && msg.contains("talks = 0.5"),
        "{msg}"
    );
}

#[test]
fn draws_lie_in_their_ranges_depend_only_on_key_name_scenario_and_lever() {
    let plan = Plan::new(parse(FAMILY).unwrap());
    let f = family_index(&plan, "open_talks");
    assert_eq!(plan.uncertain_levers(f), &[(Lever::Talks, 0.0, 1.0), (Lever::ReliefViaUnsc, 0.2, 0.8)]);
    assert!(plan.uncertain_levers(0).is_empty());
    let mut talks = Vec::new();
    for s in 0..8 {
        let p = plan.policy_at(s, f);
        assert!(!p.is_family());
        assert_eq!(p.name(), "open_talks");
        assert!((0.0..=1.0).contains(&p.get(Lever::Talks)));
        assert!((0.2..=0.8).contains(&p.get(Lever::ReliefViaUnsc)));
        assert_eq!(p.get(Lever::Force), plan.exp.policies[0].get(Lever::Force));
        let u = lever_draw(plan.exp.scenario_key(), "open_talks", s, Lever::Talks);
        assert_eq!(p.get(Lever::Talks), u, "talks in [0, 1] is the draw itself");
        // A policy without ranges runs as it is.
        assert!(matches!(plan.policy_at(s, 0), std::borrow::Cow::Borrowed(_)));
        talks.push(p.get(Lever::Talks));
    }
    // The draws differ from scenario to scenario and are spread over the range.
    let distinct: std::collections::BTreeSet<u64> = talks.iter().map(|x| x.to_bits()).collect();
    assert_eq!(distinct.len(), 8, "{talks:?}");
    assert!(talks.iter().any(|x| *x < 0.4) && talks.iter().any(|x| *x > 0.6), "{talks:?}");
    // Deterministic: another plan of the same experiment draws the same.
    let again = Plan::new(parse(FAMILY).unwrap());
    for s in 0..8 {
        assert_eq!(plan.policy_at(s, f).as_ref(), again.policy_at(s, f).as_ref());
    }
    // Keyed by the name: a family of another name, the same ranges, draws otherwise; two
    // levers with the same range draw otherwise.
    let key = plan.exp.scenario_key();
    assert_ne!(lever_draw(key, "open_talks", 3, Lever::Talks), lever_draw(key, "open_talks2", 3, Lever::Talks));
    assert_ne!(lever_draw(key, "open_talks", 3, Lever::Talks), lever_draw(key, "open_talks", 3, Lever::Force));
    assert_ne!(lever_draw(key, "open_talks", 3, Lever::Talks), lever_draw(key ^ 1, "open_talks", 3, Lever::Talks));
    // Uniform enough: the mean of many draws is near 1/2.
    let n = 20_000;
    let mean = (0..n).map(|s| lever_draw(key, "open_talks", s, Lever::Talks)).sum::<f64>() / n as f64;
    assert!((mean - 0.5).abs() < 0.01, "{mean}");
}

#[test]
fn a_family_runs_at_its_drawn_levers_on_the_seeds_of_every_other_policy() {
    let plan = Plan::new(parse(FAMILY).unwrap());
    let all = rows(&plan);
    let f = family_index(&plan, "open_talks");
    // Seeds are shared with the fixed base in every (scenario, replication).
    for pair in all.chunks(2) {
        assert_eq!(pair[0].seed, pair[1].seed);
        assert_eq!((pair[0].scenario, pair[0].replication), (pair[1].scenario, pair[1].replication));
    }
    // The risk responds to the drawn levers: it differs from the base's in some scenarios.
    let risk = |p: u16, s: u32| -> usize {
        all.iter()
            .filter(|r| r.policy == p && r.scenario == s)
            .filter(|r| r.outcome.as_ref().unwrap().first_at_or_above(Rung::DeadlyIncident).is_some())
            .count()
    };
    let differ = (0..8).filter(|s| risk(0, *s) != risk(f, *s)).count();
    assert!(differ >= 2, "the family's risk differs from its base's in {differ} of 8 scenarios");
    let outcomes_differ =
        all.chunks(2).filter(|p| format!("{:?}", p[0].outcome) != format!("{:?}", p[1].outcome)).count();
    assert!(outcomes_differ > all.len() / 8, "{outcomes_differ} of {} pairs differ", all.len() / 2);
    // Each run is the run of its drawn setting: the replay, and a plain run of that setting.
    for r in all.iter().filter(|r| r.policy == f).step_by(7) {
        let again = plan.replay(r.run, &mut brink_core::trace::Trace::default());
        assert_eq!(format!("{:?}", r.outcome.as_ref().unwrap()), format!("{again:?}"));
        let setting = plan.policy_at(r.scenario, f);
        let params = plan.params(r.scenario);
        let spec = brink_core::RunSpec::new(&setting, &params, plan.exp.horizon);
        assert_eq!(format!("{:?}", brink_core::run(&spec, r.seed)), format!("{again:?}"));
    }
    // A family whose ranges are points at the base's values runs exactly as the base.
    let point = FAMILY
        .replace("talks = { low = 0.0, high = 1.0 }", "talks = { low = 0.5, high = 0.5 }")
        .replace("relief_via_unsc = { low = 0.2, high = 0.8 }", "relief_via_unsc = { low = 1.0, high = 1.0 }");
    let pp = Plan::new(parse(&point).unwrap());
    assert_eq!(pp.exp.policies[0].get(Lever::Talks), 0.5);
    for pair in rows(&pp).chunks(2) {
        assert_eq!(format!("{:?}", pair[0].outcome), format!("{:?}", pair[1].outcome));
    }
}

#[test]
fn the_search_evaluates_a_family_at_its_drawn_levers() {
    let plan = Plan::new(parse(FAMILY).unwrap());
    let all = rows(&plan);
    let f = family_index(&plan, "open_talks");
    let ev = brink_sweep::search::evaluate(&plan, &plan.exp.policies[f as usize]);
    for s in 0..8u32 {
        let mine: Vec<_> = all.iter().filter(|r| r.policy == f && r.scenario == s).collect();
        let hits = mine
            .iter()
            .filter(|r| r.outcome.as_ref().unwrap().first_at_or_above(Rung::DeadlyIncident).is_some())
            .count();
        assert_eq!(ev.risk[s as usize], hits as f64 / mine.len() as f64, "scenario {s}");
    }
    // The base policy's evaluation is not the family's.
    let base = brink_sweep::search::evaluate(&plan, &Policy::builtin_named(OPED_POLICY).unwrap());
    assert_ne!(base.risk, ev.risk);
}

#[test]
fn a_sobol_base_row_runs_a_family_at_one_setting() {
    let text = FAMILY.replace("latin_hypercube", "sobol").replace("samples = 8", "samples = 4");
    let plan = Plan::new(parse(&text).unwrap());
    let f = family_index(&plan, "open_talks");
    assert_eq!(plan.design().len(), 12, "4 base rows of A, B and one A_B");
    let talks = |s: u32| plan.policy_at(s, f).get(Lever::Talks);
    for s in 0..12 {
        assert_eq!(talks(s), talks(s / 3 * 3), "scenario {s} shares its base row's setting");
    }
    let bases: std::collections::BTreeSet<u64> = (0..4).map(|b| talks(b * 3).to_bits()).collect();
    assert_eq!(bases.len(), 4);
}
