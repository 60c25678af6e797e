//! Scenario tests: qualitative behaviour of the mechanisms, without pinning the answer.

use brink_core::actors::{accident_hazard, deal_probability, strike_probability, transfer_hazard};
use brink_core::message::Draft;
use brink_core::trace::Trace;
use brink_core::{run, run_observed, Lever, Msg, Param, Params, Policy, RunOutcome, RunSpec, Terms, OPED_POLICY};

fn runs(policy: &Policy, params: &Params, n: u64) -> Vec<RunOutcome> {
    let spec = RunSpec::new(policy, params, 120);
    (0..n).map(|s| run(&spec, s)).collect()
}

fn mean(v: impl Iterator<Item = f64>) -> f64 {
    let v: Vec<f64> = v.collect();
    v.iter().sum::<f64>() / v.len() as f64
}

#[test]
fn safety_measures_lower_the_accident_hazard_per_warhead() {
    let p = Params::default();
    for warheads in [1, 30, 200] {
        for alert in [0.0, 0.5, 1.0] {
            let without = accident_hazard(&p, warheads, alert, 0.0) / warheads as f64;
            let with = accident_hazard(&p, warheads, alert, 1.0) / warheads as f64;
            assert!(with < without, "warheads {warheads}, alert {alert}: {with} vs {without}");
        }
    }
}

#[test]
fn transparency_lowers_the_transfer_hazard_and_stress_raises_it() {
    let p = Params::default();
    assert!(transfer_hazard(&p, 200.0, 0.8, 1.0) < transfer_hazard(&p, 200.0, 0.8, 0.0));
    assert!(transfer_hazard(&p, 200.0, 0.9, 0.0) > transfer_hazard(&p, 200.0, 0.3, 0.0));
}

#[test]
fn a_strike_grows_less_likely_as_the_arsenal_grows() {
    let p = Params::default();
    let probs: Vec<f64> =
        [0.0, 5.0, 20.0, 60.0, 200.0].iter().map(|w| strike_probability(&p, 1.0, *w, 0.3, 0.8)).collect();
    assert!(probs.windows(2).all(|w| w[1] < w[0]), "{probs:?}");
    // End to end: a trigger-happy US strikes less often against a larger arsenal.
    let mut hawk = Policy::builtin_named("maximum_pressure").unwrap();
    hawk.set(Lever::Force, 1.0).unwrap();
    let mut small = Params::default();
    small.set(Param::StrikeRate, 0.5).unwrap();
    small.set(Param::InitialWarheads, 0.0).unwrap();
    small.set(Param::FissileKgPerMonth, 0.0).unwrap();
    small.set(Param::InitialFissileKg, 0.0).unwrap();
    let mut large = small.clone();
    large.set(Param::InitialWarheads, 60.0).unwrap();
    let strikes = |p: &Params| runs(&hawk, p, 300).iter().map(|o| o.strikes as f64).sum::<f64>();
    let (s, l) = (strikes(&small), strikes(&large));
    assert!(l < s, "strikes against 60 warheads ({l}) should be fewer than against none ({s})");
}

#[test]
fn disarmament_demands_close_fewer_deals_the_larger_the_arsenal() {
    let p = Params::default();
    let terms = |demand: f64| Terms {
        demand,
        precondition: 0.0,
        multilateral: 0.0,
        verification: 1.0,
        safety: 0.0,
        relief: 0.0,
        relief_via_unsc: 0.0,
        inducements: 0.0,
    };
    assert!(deal_probability(&p, &terms(1.0), 30, 0.5, 0.5) < deal_probability(&p, &terms(0.0), 30, 0.5, 0.5));
    let gap = |w| deal_probability(&p, &terms(1.0), w, 0.5, 0.5) / deal_probability(&p, &terms(0.0), w, 0.5, 0.5);
    assert!(gap(80) < gap(10));
    // And trust raises the odds (H6).
    assert!(deal_probability(&p, &terms(0.5), 30, 0.9, 0.5) > deal_probability(&p, &terms(0.5), 30, 0.1, 0.5));
}

fn relief_adopted(t: &Trace) -> usize {
    t.months
        .iter()
        .flat_map(|m| &m.messages)
        .filter(|e| matches!(e.msg, Msg::ResolutionAdopted { kind: Draft::Relief, .. }))
        .count()
}

#[test]
fn relief_that_the_unsc_blocks_never_arrives() {
    let policy = Policy::builtin_named(OPED_POLICY).unwrap();
    assert_eq!(policy.get(Lever::ReliefViaUnsc), 1.0);
    let mut easy = Params::default();
    easy.set(Param::DealRate, 1.0).unwrap();
    easy.set(Param::CheatRate, 0.0).unwrap();
    easy.set(Param::DealBreakdown, 0.0).unwrap();
    easy.set(Param::P3BlockRelief, 0.0).unwrap();
    easy.set(Param::E10SupportRelief, 1.0).unwrap();
    let mut blocked = easy.clone();
    blocked.set(Param::P3BlockRelief, 1.0).unwrap();
    blocked.set(Param::ReliefConfidence, 1.0).unwrap();
    let (mut got_easy, mut got_blocked) = (0, 0);
    for seed in 0..40 {
        for (params, got) in [(&easy, &mut got_easy), (&blocked, &mut got_blocked)] {
            let spec = RunSpec::new(&policy, params, 120);
            let mut t = Trace::default();
            run_observed(&spec, seed, &mut t);
            *got += relief_adopted(&t);
            if std::ptr::eq(params, &blocked) {
                // Nothing but relief lowers sanctions, so they never fall.
                assert!(t.months.windows(2).all(|w| w[1].sanctions >= w[0].sanctions), "seed {seed}");
            }
        }
    }
    assert!(got_easy > 0, "relief should pass when nobody blocks it");
    assert_eq!(got_blocked, 0);
}

#[test]
fn a_vetoing_china_blocks_sanctions() {
    let policy = Policy::builtin_named("maximum_pressure").unwrap();
    let mut p = Params::default();
    p.set(Param::InitialSanctions, 0.2).unwrap();
    let mut veto = p.clone();
    veto.set(Param::ChinaVetoMissile, 1.0).unwrap();
    veto.set(Param::ChinaVetoNuclear, 1.0).unwrap();
    let end = |p: &Params| mean(runs(&policy, p, 100).iter().map(|o| o.sanctions_end));
    assert!((end(&veto) - 0.2).abs() < 1e-12);
    assert!(end(&p) > 0.3);
}

#[test]
fn a_cap_with_inspections_slows_the_arsenal_and_keeps_inspectors_in() {
    let params = Params::default();
    let oped = runs(&Policy::builtin_named(OPED_POLICY).unwrap(), &params, 300);
    let pressure = runs(&Policy::builtin_named("maximum_pressure").unwrap(), &params, 300);
    assert!(mean(oped.iter().map(|o| o.warheads_end as f64)) < mean(pressure.iter().map(|o| o.warheads_end as f64)));
    assert!(mean(oped.iter().map(|o| o.iaea_months as f64)) > mean(pressure.iter().map(|o| o.iaea_months as f64)));
}

#[test]
fn a_hard_line_erodes_the_alliance_with_an_engagement_minded_seoul() {
    let mut params = Params::default();
    params.set(Param::RokEngagement, 0.9).unwrap();
    let hard = runs(&Policy::builtin_named("maximum_pressure").unwrap(), &params, 100);
    let soft = runs(&Policy::builtin_named("engagement_freeze").unwrap(), &params, 100);
    assert!(mean(hard.iter().map(|o| o.cohesion_end)) < mean(soft.iter().map(|o| o.cohesion_end)));
    // With a hawkish Seoul the ordering reverses: the clash is with softness.
    params.set(Param::RokEngagement, 0.0).unwrap();
    let hard = runs(&Policy::builtin_named("maximum_pressure").unwrap(), &params, 100);
    let soft = runs(&Policy::builtin_named("engagement_freeze").unwrap(), &params, 100);
    assert!(mean(hard.iter().map(|o| o.cohesion_end)) > mean(soft.iter().map(|o| o.cohesion_end)));
}

#[test]
fn elections_switch_the_policy_every_48_months_when_certain() {
    let from = Policy::builtin_named(OPED_POLICY).unwrap();
    let to = Policy::builtin_named("maximum_pressure").unwrap();
    let mut params = Params::default();
    params.set(Param::ElectionSwitch, 1.0).unwrap();
    let spec = RunSpec { policy: &from, election_target: Some(&to), params: &params, horizon: 120, events: &[] };
    let o = run(&spec, 3);
    if o.status == brink_core::Status::Completed {
        assert_eq!(o.policy_switches, 2); // months 48 and 96
    }
    params.set(Param::ElectionSwitch, 0.0).unwrap();
    let spec = RunSpec { policy: &from, election_target: Some(&to), params: &params, horizon: 120, events: &[] };
    assert_eq!(run(&spec, 3).policy_switches, 0);
}

#[test]
fn the_ladder_orders_rivera_points() {
    use brink_core::{Category, Rung};
    let pts: Vec<i32> = [
        Category::DeEscalation,
        Category::StatusQuo,
        Category::Posturing,
        Category::NonViolent,
        Category::Violent,
        Category::Nuclear,
    ]
    .iter()
    .map(|c| c.points())
    .collect();
    assert_eq!(pts, vec![-2, 0, 4, 12, 28, 60]);
    assert!(
        Rung::DeadlyIncident < Rung::NuclearUse
            && Rung::NuclearAlert.up() == Rung::NuclearUse
            && Rung::NuclearUse.up() == Rung::NuclearUse
    );
    assert_eq!(Msg::NuclearUse.rung(), Rung::NuclearUse);
    assert_eq!(Msg::MissileTest { count: 1, long_range: true }.rung(), Rung::LongRangeLaunch);
}

#[test]
fn sanctions_follow_a_nuclear_test_within_three_months() {
    let policy = Policy::builtin_named("maximum_pressure").unwrap();
    let mut p = Params::default();
    p.set(Param::NuclearTestRate, 0.3).unwrap();
    p.set(Param::ChinaVetoNuclear, 0.0).unwrap();
    let mut delays = Vec::new();
    for seed in 0..30 {
        let spec = RunSpec::new(&policy, &p, 60);
        let mut t = Trace::default();
        run_observed(&spec, seed, &mut t);
        let tests: Vec<u32> =
            t.months.iter().filter(|m| m.messages.iter().any(|e| e.msg == Msg::NuclearTest)).map(|m| m.month).collect();
        for m in &t.months {
            for e in &m.messages {
                if matches!(e.msg, Msg::ResolutionAdopted { kind: Draft::SanctionsAfterNuclearTest, .. }) {
                    // The test that triggered it: proposed the next month, voted on the month
                    // after, tallied the third month.
                    assert!(
                        tests.contains(&(m.month - 3)),
                        "seed {seed}: adopted in month {} without a test 3 months earlier",
                        m.month
                    );
                    let last_test = tests.iter().filter(|x| **x < m.month).max().expect("a test precedes it");
                    delays.push(m.month - last_test);
                }
            }
        }
    }
    assert!(!delays.is_empty());
    assert!(delays.iter().all(|d| (1..=3).contains(d)), "{delays:?}");
}

#[test]
fn docs_model_md_documents_every_parameter_and_lever() {
    let doc = include_str!("../../../docs/MODEL.md");
    for p in Param::ALL {
        assert!(doc.contains(&format!("`{}`", p.name())), "docs/MODEL.md does not mention `{}`", p.name());
    }
    for l in Lever::ALL {
        assert!(doc.contains(l.name()), "docs/MODEL.md does not mention lever {}", l.name());
    }
}
