//! Experiment files: layering, validation messages, canonical form and hash.

use brink_sweep::{Experiment, Method, Plan};

fn parse(text: &str) -> Result<Experiment, String> {
    Experiment::parse(text, "test.toml").map_err(|e| e.to_string())
}

#[test]
fn equivalent_files_hash_alike() {
    let a = "[experiment]\nreplications = 10\nhorizon_months = 24\n\n[model]\ndeal_rate = 0.1\nsanctions_step = 1e-1\n";
    let b = "# a comment\n[model]\nsanctions_step = 0.10   # same value\ndeal_rate = 0.1\n[experiment]\nhorizon_months = 24.0\nreplications = 10\n";
    let (ea, eb) = (parse(a).unwrap(), parse(b).unwrap());
    assert_eq!(ea, eb);
    assert_eq!(ea.hash(), eb.hash());
    let c =
        parse("[experiment]\nreplications = 11\nhorizon_months = 24\n[model]\ndeal_rate = 0.1\nsanctions_step = 0.1\n")
            .unwrap();
    assert_ne!(ea.hash(), c.hash());
}

#[test]
fn the_canonical_form_reparses_to_the_same_experiment() {
    for text in [
        experiment_default(),
        include_str!("../../../configs/quick.toml").to_string(),
        include_str!("../../../configs/my_policy.toml").to_string(),
        include_str!("../../../configs/elections.toml").to_string(),
        include_str!("../../../configs/sobol.toml").to_string(),
    ] {
        let e = parse(&text).unwrap();
        // A results folder keeps the posterior beside config.toml, which names it.
        let dir = tempfile::tempdir().unwrap();
        if let Some(p) = &e.posterior {
            std::fs::write(dir.path().join("posterior.csv"), &p.text).unwrap();
        }
        let cfg = dir.path().join("config.toml");
        let again = Experiment::parse(&e.canonical(), &cfg.display().to_string()).unwrap();
        assert_eq!(e, again);
        assert_eq!(e.hash(), again.hash());
        assert_eq!(e.canonical(), again.canonical());
    }
}

fn experiment_default() -> String {
    brink_sweep::DEFAULT_TOML.to_string()
}

#[test]
fn files_layer_over_the_default() {
    let d = Experiment::default_experiment();
    let e = parse("[experiment]\nreplications = 3\n").unwrap();
    assert_eq!(e.replications, 3);
    assert_eq!(e.policies, d.policies);
    assert_eq!(e.uncertain, d.uncertain);
    assert_eq!(e.method, d.method);
    // [uncertain] replaces the list; [model] fixes a parameter and removes it from the list.
    let e = parse("[uncertain]\ndeal_rate = { low = 0.01, high = 0.2 }\n").unwrap();
    assert_eq!(e.uncertain.len(), 1);
    let e = parse("[model]\ncvid_resistance = 2.0\n").unwrap();
    assert_eq!(e.uncertain.len(), d.uncertain.len() - 1);
    let e = parse("[design]\nmethod = \"fixed\"\n").unwrap();
    assert!(e.uncertain.is_empty() && e.method == Method::Fixed);
}

fn problems(text: &str) -> String {
    parse(text).unwrap_err()
}

#[test]
fn every_problem_is_reported_with_place_field_and_fix() {
    let text = "[experiment]\nreplicatons = 5\nhorizon_months = -3\npolicies = [\"six_party_talk\", 7]\n\n[model]\ndeal_rat = 0.5\nsafety_effect = 1.5\ntrust_gain = nan\n\n[uncertain]\ncheat_rate = { low = 0.5, high = 0.1 }\n";
    let msg = problems(text);
    for needle in [
        "test.toml:2:1: experiment.replicatons: unknown key (did you mean `replications`?)",
        "test.toml:3:18: experiment.horizon_months: -3 is outside the valid range [1, 1200]",
        "unknown policy \"six_party_talk\" (did you mean `six_party_talks`?)",
        "expected a policy name (string), found integer",
        "model.deal_rat: unknown parameter (did you mean `deal_rate`?)",
        "model.safety_effect: 1.5 is outside the valid range [0, 1]",
        "model.trust_gain: NaN is not a finite number",
        "uncertain.cheat_rate: low (0.5) is above high (0.1)",
    ] {
        assert!(msg.contains(needle), "missing {needle:?} in:\n{msg}");
    }
    assert!(msg.starts_with("8 problems"), "{msg}");
}

#[test]
fn malformed_and_degenerate_files_are_refused() {
    for (text, needle) in [
        ("", "the file is empty"),
        ("[experiment\nname = 1", "invalid TOML"),
        ("\u{0}\u{1}binary", "NUL bytes"),
        ("[experiment]\npolicies = []\n", "the list is empty"),
        ("[experiment]\npolicies = [\"maximum_pressure\", \"maximum_pressure\"]\n", "listed twice"),
        ("[experiment]\nreplications = 0\n", "outside the valid range"),
        ("[experiment]\nhorizon_months = 0\n", "outside the valid range"),
        ("[experiment]\nseed = \"x\"\n", "expected a whole number"),
        ("[design]\nmethod = \"sobol\"\n[uncertain]\n", "needs at least one parameter"),
        ("[design]\nmethod = \"latin\"\n", "unknown method"),
        ("[model]\ndeal_rate = inf\n", "not a finite number"),
        ("[policies.mine]\nbase = \"summit_diplomacy\"\ntalks = 2\n", "policies.mine.talks: 2 is outside [0, 1]"),
        ("[policies.mine]\ntalks = 0.5\n", "needs `base"),
        ("[policies.mine]\nbase = \"nope\"\n", "unknown policy"),
        ("[policies.mine]\nbase = \"summit_diplomacy\"\nbluster = 1\n", "unknown key"),
        ("[model]\nelection_switch = 0.5\n", "needs [election] switch_to"),
        ("[experiment]\nreference_policy = \"nope\"\n", "is not among experiment.policies"),
        ("experiment = 3\n", "expected a table"),
    ] {
        let msg = problems(text);
        assert!(msg.contains(needle), "{text:?}: missing {needle:?} in:\n{msg}");
    }
}

#[test]
fn user_policies_build_on_a_base() {
    let e = parse(include_str!("../../../configs/my_policy.toml")).unwrap();
    assert_eq!(e.policies.len(), 2);
    let mine = &e.policies[1];
    assert_eq!(mine.name(), "containment_bilateral");
    assert_eq!(mine.get(brink_core::Lever::ReliefViaUnsc), 0.0);
    assert_eq!(mine.get(brink_core::Lever::Safety), e.policies[0].get(brink_core::Lever::Safety));
}

#[test]
fn seeds_are_shared_across_policies_and_derive_from_the_hash() {
    let plan = Plan::new(parse("[experiment]\nreplications = 4\nhorizon_months = 12\n").unwrap());
    let np = plan.exp.policies.len() as u64;
    for i in 0..plan.runs() {
        let (s, r, p) = plan.identity(i);
        assert_eq!(i, (s as u64 * plan.exp.replications as u64 + r as u64) * np + p as u64);
    }
    assert_eq!(plan.seed(3, 1), plan.seed(3, 1));
    assert_ne!(plan.seed(3, 1), plan.seed(3, 2));
    assert_ne!(plan.seed(3, 1), plan.seed(4, 1));
    let other = Plan::new(parse("[experiment]\nreplications = 4\nhorizon_months = 12\nseed = 2\n").unwrap());
    assert_ne!(plan.seed(0, 0), other.seed(0, 0));
}

#[test]
fn shards_cover_every_part_exactly_once() {
    let plan = Plan::new(parse("[experiment]\nreplications = 200\nhorizon_months = 6\n").unwrap());
    for k in [1, 2, 3, 7, 64] {
        let mut seen = Vec::new();
        for i in 0..k {
            seen.extend(plan.shard_parts(i, k));
        }
        assert_eq!(seen, (0..plan.parts()).collect::<Vec<_>>(), "k = {k}");
    }
}

#[test]
fn the_default_draws_behaviour_parameters_from_the_posterior() {
    let d = Experiment::default_experiment();
    let post = d.posterior.as_ref().expect("the default names the calibrated posterior");
    // Every column of the posterior but those the default sweeps (the op-ed's hypotheses and
    // the rival mechanisms' weights, drawn during the fit too) is drawn from it.
    let swept: Vec<_> = d.uncertain.iter().map(|u| u.param).collect();
    let expect: Vec<_> = post.params.iter().copied().filter(|p| !swept.contains(p)).collect();
    assert_eq!(d.posterior_params, expect);
    assert!(expect.len() >= 10 && expect.len() < post.params.len());
    let plan = Plan::new(d.clone());
    // Scenarios take different posterior rows, and the row's values reach the parameters.
    let rows: std::collections::BTreeSet<usize> =
        (0..plan.design().len() as u32).filter_map(|s| plan.posterior_row(s)).collect();
    assert!(rows.len() > 10, "{rows:?}");
    for s in 0..4 {
        let row = plan.posterior_row(s).unwrap();
        let p = plan.params(s);
        for (param, x) in post.params.iter().zip(&post.rows[row]) {
            if !swept.contains(param) {
                assert_eq!(p[*param], *x);
            }
        }
    }
    // A parameter fixed under [model] or swept under [uncertain] is not drawn.
    let e = parse("[model]\nmissile_rate = 0.3\n[uncertain]\ndeal_rate = { low = 0.1, high = 0.2 }\n").unwrap();
    assert!(!e.posterior_params.contains(&brink_core::Param::MissileRate));
    assert!(!e.posterior_params.contains(&brink_core::Param::DealRate));
    let plan = Plan::new(e);
    assert_eq!(plan.params(0)[brink_core::Param::MissileRate], 0.3);
    // "none" turns it off; a bad path or a bad column is an error naming the field.
    assert!(parse("[posterior]\nfile = \"none\"\n").unwrap().posterior.is_none());
    let msg = parse("[posterior]\nfile = \"nowhere.csv\"\n").unwrap_err();
    assert!(
        msg.contains("test.toml:2:8: posterior.file: nowhere.csv: cannot read the posterior: No such file"),
        "{msg}"
    );
    let msg = parse("[posterior]\nfile = \"calibrated\"\nparams = [\"missile_rat\"]\n").unwrap_err();
    assert!(msg.contains("posterior.params") && msg.contains("did you mean `missile_rate`"), "{msg}");
    let msg = parse("[posterior]\nfile = \"calibrated\"\nblake3 = \"00\"\n").unwrap_err();
    assert!(msg.contains("posterior.blake3") && msg.contains("changed"), "{msg}");
}

#[test]
fn many_problems_are_located_in_one_pass_and_printed_capped() {
    let list = vec!["\"x\""; 100_000].join(",");
    let text = format!("[experiment]\npolicies = [{list}]\n");
    let start = std::time::Instant::now();
    let e = Experiment::parse(&text, "big.toml").unwrap_err();
    assert!(start.elapsed() < std::time::Duration::from_secs(5), "{:?}", start.elapsed());
    assert_eq!(e.problems.len(), 100_000);
    let last = e.problems.last().unwrap();
    assert_eq!((last.line, last.column), (2, 13 + 4 * 99_999));
    let shown = e.to_string();
    assert_eq!(shown.lines().count(), 2 + brink_sweep::experiment::MAX_SHOWN_PROBLEMS);
    assert!(shown.ends_with("  ... and 99950 more (fix these first)\n"), "{}", &shown[shown.len() - 200..]);
}

#[test]
fn adding_a_policy_leaves_the_other_policies_runs_as_they_were() {
    let base = "[experiment]\nreplications = 6\nhorizon_months = 24\npolicies = [\"maximum_pressure\", \"containment_transparency\"]\nreference_policy = \"containment_transparency\"\n[design]\nmethod = \"latin_hypercube\"\nsamples = 5\n[uncertain]\ncvid_resistance = { low = 0.5, high = 3.0 }\n";
    let more = base.replace("\"containment_transparency\"]", "\"containment_transparency\", \"engagement_freeze\"]");
    let (a, b) = (Plan::new(parse(base).unwrap()), Plan::new(parse(&more).unwrap()));
    assert_ne!(a.hash, b.hash, "different experiments, different results");
    let rows = |plan: &Plan| -> Vec<_> { (0..plan.parts()).flat_map(|k| plan.run_part(k).rows).collect() };
    let (ra, rb) = (rows(&a), rows(&b));
    for name in ["maximum_pressure", "containment_transparency"] {
        let pick = |plan: &Plan, rows: &[brink_sweep::RunRow]| -> Vec<_> {
            let p = plan.exp.policies.iter().position(|x| x.name() == name).unwrap() as u16;
            rows.iter()
                .filter(|r| r.policy == p)
                .map(|r| (r.scenario, r.replication, r.seed, format!("{:?}", r.outcome)))
                .collect()
        };
        let (x, y) = (pick(&a, &ra), pick(&b, &rb));
        assert_eq!(x.len(), 30);
        assert_eq!(x, y, "{name}: the same scenarios, seeds and outcomes");
    }
    // The scenario points are the same too.
    for s in 0..5 {
        assert_eq!(a.design().point(s), b.design().point(s));
    }
}

#[test]
fn adding_or_removing_a_policy_leaves_a_familys_draws_and_runs_as_they_were() {
    let base = "[experiment]\nreplications = 6\nhorizon_months = 24\npolicies = [\"open_talks\", \"containment_transparency\"]\nreference_policy = \"containment_transparency\"\n[design]\nmethod = \"latin_hypercube\"\nsamples = 5\n[uncertain]\ncvid_resistance = { low = 0.5, high = 3.0 }\n[policies.open_talks]\nbase = \"containment_transparency\"\ntalks = { low = 0.0, high = 1.0 }\nforce = { low = 0.0, high = 0.5 }\n";
    // A second family and a plain policy added before it; the plain policy removed.
    let more = base
        .replace(
            "[\"open_talks\", \"containment_transparency\"]",
            "[\"other_family\", \"maximum_pressure\", \"open_talks\", \"containment_transparency\"]",
        )
        .replace("[policies.open_talks]", "[policies.other_family]\nbase = \"maximum_pressure\"\ntalks = { low = 0.0, high = 1.0 }\n[policies.open_talks]");
    let fewer = base
        .replace("[\"open_talks\", \"containment_transparency\"]", "[\"open_talks\"]")
        .replace("\"containment_transparency\"\n[design]", "\"open_talks\"\n[design]");
    let plans: Vec<Plan> = [base.to_string(), more, fewer].iter().map(|t| Plan::new(parse(t).unwrap())).collect();
    let rows = |plan: &Plan| -> Vec<_> { (0..plan.parts()).flat_map(|k| plan.run_part(k).rows).collect() };
    let pick = |plan: &Plan, name: &str| -> Vec<_> {
        let p = plan.exp.policies.iter().position(|x| x.name() == name).unwrap() as u16;
        rows(plan)
            .into_iter()
            .filter(|r| r.policy == p)
            .map(|r| {
                let setting = plan.policy_at(r.scenario, p);
                (r.scenario, r.replication, r.seed, format!("{:?}", setting.as_ref()), format!("{:?}", r.outcome))
            })
            .collect()
    };
    let family = pick(&plans[0], "open_talks");
    assert_eq!(family.len(), 30);
    for plan in &plans[1..] {
        assert_ne!(plan.hash, plans[0].hash);
        assert_eq!(pick(plan, "open_talks"), family, "the family's settings, seeds and outcomes");
    }
    assert_eq!(pick(&plans[1], "containment_transparency"), pick(&plans[0], "containment_transparency"));
    // Two families with the same range on one lever draw differently (keyed by name).
    let (a, b) = (&plans[1], family_index(&plans[1], "open_talks"));
    let o = family_index(a, "other_family");
    assert!((0..5)
        .all(|s| a.policy_at(s, b).get(brink_core::Lever::Talks) != a.policy_at(s, o).get(brink_core::Lever::Talks)));
}

fn family_index(plan: &Plan, name: &str) -> u16 {
    plan.exp.policies.iter().position(|p| p.name() == name).unwrap() as u16
}
