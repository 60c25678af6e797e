//! Scenario tests: the tendency of every mechanism, without pinning the answer. Each compares
//! runs on the same seeds with one mechanism turned up or down.

use brink_core::actors::{accident_hazard, deal_probability, provocation_drive, strike_probability, transfer_hazard};
use brink_core::message::Draft;
use brink_core::trace::Trace;
use brink_core::{
    run, run_observed, Event, EventKind, Lever, Msg, Param, Params, Policy, RunOutcome, RunSpec, Rung, Terms, World,
    OPED_POLICY,
};

fn policy(name: &str) -> Policy {
    Policy::builtin_named(name).unwrap()
}

fn runs(policy: &Policy, params: &Params, n: u64) -> Vec<RunOutcome> {
    let spec = RunSpec::new(policy, params, 120);
    (0..n).map(|s| run(&spec, s)).collect()
}

fn traces(policy: &Policy, params: &Params, n: u64, horizon: u32) -> Vec<Trace> {
    let spec = RunSpec::new(policy, params, horizon);
    (0..n)
        .map(|s| {
            let mut t = Trace::default();
            run_observed(&spec, s, &mut t);
            t
        })
        .collect()
}

fn mean(v: impl Iterator<Item = f64>) -> f64 {
    let v: Vec<f64> = v.collect();
    v.iter().sum::<f64>() / v.len() as f64
}

fn with(base: &Params, settings: &[(Param, f64)]) -> Params {
    let mut p = base.clone();
    for (k, v) in settings {
        p.set(*k, *v).unwrap();
    }
    p
}

fn share(outcomes: &[RunOutcome], f: impl Fn(&RunOutcome) -> bool) -> f64 {
    outcomes.iter().filter(|o| f(o)).count() as f64 / outcomes.len() as f64
}

fn deadly(o: &RunOutcome) -> bool {
    o.first_at_or_above(Rung::DeadlyIncident).is_some()
}

fn count(traces: &[Trace], f: impl Fn(&Msg) -> bool) -> usize {
    traces.iter().flat_map(|t| &t.months).flat_map(|m| &m.messages).filter(|e| f(&e.msg)).count()
}

fn terms(demand: f64) -> Terms {
    Terms {
        demand,
        precondition: 0.0,
        multilateral: 0.0,
        verification: 1.0,
        safety: 0.0,
        relief: 0.0,
        relief_via_unsc: 0.0,
        inducements: 0.0,
    }
}

// ---- H5 hazards and their consequences ----

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
    // Without the provoke-to-be-paid channel stress does not matter.
    let flat = with(&p, &[(Param::StressToProvocation, 0.0)]);
    assert_eq!(transfer_hazard(&flat, 200.0, 0.9, 0.0), transfer_hazard(&flat, 200.0, 0.3, 0.0));
}

#[test]
fn an_accident_is_a_crisis_that_raises_the_risk_of_violence() {
    // A US willing to strike, and no other crisis (no nuclear or long-range tests, few
    // incidents), so the accidents' own effect shows.
    let mut pol = policy("maximum_pressure");
    pol.set(Lever::Force, 1.0).unwrap();
    let base = with(
        &Params::default(),
        &[
            (Param::AccidentCrisis, 1.0),
            (Param::StrikeRate, 0.5),
            (Param::IncidentRate, 0.002),
            (Param::NuclearTestRate, 0.0),
            (Param::LongRangeShare, 0.0),
        ],
    );
    let none = runs(&pol, &with(&base, &[(Param::AccidentRate, 0.0)]), 600);
    let many = runs(&pol, &with(&base, &[(Param::AccidentRate, 0.0005)]), 600);
    assert!(share(&many, |o| o.accidents > 0) > 0.5);
    assert!(share(&none, |o| o.accidents > 0) == 0.0);
    let strikes = |v: &[RunOutcome]| mean(v.iter().map(|o| o.strikes as f64));
    assert!(strikes(&many) > strikes(&none), "{} vs {}", strikes(&many), strikes(&none));
    assert!(share(&many, deadly) > share(&none, deadly));
    // An accident reaches the nuclear-test rung and scores as non-violent escalation.
    assert_eq!(Msg::NuclearAccident.rung(), Rung::NuclearTest);
    assert_eq!(Msg::NuclearAccident.category().points(), 12);
}

#[test]
fn detected_transfers_bring_interdictions_attributions_and_sanctions() {
    let pol = policy("maximum_pressure");
    let p = with(&Params::default(), &[(Param::TransferRate, 0.05), (Param::ChinaVetoNuclear, 0.0)]);
    let t = traces(&pol, &p, 200, 120);
    let sales = count(&t, |m| *m == Msg::MaterialTransferred);
    let seized = count(&t, |m| *m == Msg::ShipmentSeized);
    let attributed = count(&t, |m| matches!(m, Msg::TransferAttributed(_)));
    let sanctioned = count(&t, |m| matches!(m, Msg::ResolutionAdopted { kind: Draft::SanctionsAfterTransfer, .. }));
    assert!(
        sales > 100 && seized > 0 && attributed > 0 && sanctioned > 0,
        "{sales} {seized} {attributed} {sanctioned}"
    );
    assert!(seized + attributed <= sales);
    // Each shipment is interdicted or attributed at most once, and a seized one is never
    // delivered.
    let delivered = count(&t, |m| *m == Msg::TransferDelivered);
    assert!(seized + delivered <= sales, "{seized} + {delivered} > {sales}");
    for tr in &t {
        let mut acted: Vec<u32> = tr
            .months
            .iter()
            .flat_map(|m| &m.messages)
            .filter_map(|e| match e.msg {
                Msg::Interdiction(id) | Msg::TransferAttributed(id) => Some(id),
                _ => None,
            })
            .collect();
        let n = acted.len();
        acted.sort();
        acted.dedup();
        assert_eq!(acted.len(), n, "a shipment handled twice");
    }
}

#[test]
fn a_war_is_counted_once_and_inducements_relieve_the_economy() {
    // Misread escalation during a war does not start a second one.
    let mut pol = policy("maximum_pressure");
    pol.set(Lever::Force, 1.0).unwrap();
    let p = with(
        &Params::default(),
        &[
            (Param::StrikeRate, 1.0),
            (Param::Retaliation, 1.0),
            (Param::WarFromRetaliation, 1.0),
            (Param::WarEnd, 0.0),
            (Param::InadvertentRate, 1.0),
        ],
    );
    for o in runs(&pol, &p, 50) {
        assert!(o.wars <= 1, "{} wars without a ceasefire", o.wars);
    }
    // Inducements under a deal lower economic stress.
    let pol = policy("engagement_freeze");
    let events = [Event { month: 0, kind: EventKind::DealInForce }];
    let q =
        with(&Params::default(), &[(Param::DealBreakdown, 0.0), (Param::CheatRate, 0.0), (Param::WalkoutTrust, 0.0)]);
    let stress = |size: f64| {
        let q = with(&q, &[(Param::InducementSize, size)]);
        let spec = RunSpec { policy: &pol, election_target: None, params: &q, horizon: 24, events: &events };
        let mut last = Vec::new();
        for s in 0..20 {
            struct S<'a>(&'a mut f64);
            impl brink_core::Observer for S<'_> {
                fn month(&mut self, log: &brink_core::MonthLog) {
                    *self.0 = log.stress;
                }
            }
            let mut x = 0.0;
            run_observed(&spec, s, &mut S(&mut x));
            last.push(x);
        }
        mean(last.into_iter())
    };
    assert!(stress(0.1) < stress(0.0), "{} vs {}", stress(0.1), stress(0.0));
}

#[test]
fn transparency_catches_more_shipments_in_transit() {
    // With inspectors in for the whole run (a deal forced at month 0 that never ends), the
    // detection that transparency adds seizes a larger share of shipments before delivery.
    let pol = policy(OPED_POLICY);
    let base = with(
        &Params::default(),
        &[
            (Param::TransferRate, 0.05),
            (Param::DealBreakdown, 0.0),
            (Param::CheatRate, 0.0),
            (Param::WalkoutTrust, 0.0),
            (Param::TransparencyEffect, 0.0),
        ],
    );
    let events = [Event { month: 0, kind: EventKind::DealInForce }];
    let seized_share = |p: &Params| {
        let spec = RunSpec { policy: &pol, election_target: None, params: p, horizon: 120, events: &events };
        let (mut sales, mut seized) = (0, 0);
        for s in 0..300 {
            let o = run(&spec, s);
            sales += o.transfers;
            seized += o.interdictions;
        }
        seized as f64 / sales as f64
    };
    let blind = seized_share(&with(&base, &[(Param::TransparencyDetection, 0.0)]));
    let open = seized_share(&with(&base, &[(Param::TransparencyDetection, 0.8)]));
    assert!(open > blind + 0.1, "{open} vs {blind}");
}

// ---- rival channels on provocations ----

fn world() -> World {
    let (pol, p) = (policy(OPED_POLICY), Params::default());
    let mut w = brink_core::sim::initial_world(&RunSpec::new(&pol, &p, 1));
    w.rok.cohesion = 0.8;
    w
}

#[test]
fn allied_resolve_deters_when_the_deterrence_channel_is_on() {
    let mut w = world();
    let p = Params::default();
    w.us.force = 0.0;
    w.rok.engagement = 1.0;
    let soft = provocation_drive(&p, &w, 0.5, 0.5, 0.0);
    w.us.force = 1.0;
    let firm = provocation_drive(&p, &w, 0.5, 0.5, 0.0);
    assert!(firm < soft);
    // A split alliance deters less.
    w.rok.cohesion = 0.2;
    assert!(provocation_drive(&p, &w, 0.5, 0.5, 0.0) > firm);
    // With the channel off, resolve changes nothing.
    let off = with(&p, &[(Param::DeterrenceWeight, 0.0)]);
    assert_eq!(provocation_drive(&off, &w, 0.5, 0.5, 0.0), 0.0);
}

#[test]
fn the_arsenal_comforts_or_emboldens_by_the_sign_of_its_weight() {
    let w = world();
    let bold = with(&Params::default(), &[(Param::ArsenalBoldness, 1.5), (Param::DeterrenceWeight, 0.0)]);
    let calm = with(&bold, &[(Param::ArsenalBoldness, -1.5)]);
    let d = |p: &Params, a: f64| provocation_drive(p, &w, 0.5, 0.5, a);
    assert!(d(&bold, 50.0) > d(&bold, 5.0) && d(&bold, 5.0) > d(&bold, 0.0));
    assert!(d(&calm, 50.0) < d(&calm, 5.0) && d(&calm, 5.0) < d(&calm, 0.0));
    // End to end: an emboldened regime with a large arsenal has more deadly incidents.
    let pol = policy("strategic_patience");
    let big = |p: &Params| with(p, &[(Param::InitialWarheads, 200.0)]);
    let n = |p: &Params| mean(runs(&pol, &big(p), 300).iter().map(|o| o.incidents as f64));
    assert!(n(&bold) > n(&calm), "{} vs {}", n(&bold), n(&calm));
}

#[test]
fn the_spiral_weight_scales_what_posture_provokes() {
    let pol = policy("maximum_pressure");
    let p = Params::default();
    let missiles = |p: &Params| mean(runs(&pol, p, 300).iter().map(|o| o.missile_tests as f64));
    let none = missiles(&with(&p, &[(Param::SpiralWeight, 0.0)]));
    let strong = missiles(&with(&p, &[(Param::SpiralWeight, 3.0)]));
    assert!(strong > none * 1.2, "{strong} vs {none}");
}

#[test]
fn stress_pushes_toward_provocation_or_toward_talks_by_the_weights() {
    let p = with(&Params::default(), &[(Param::InitialStress, 0.9), (Param::InitialSanctions, 1.0)]);
    let pol = policy("maximum_pressure");
    let provoke = with(&p, &[(Param::StressToProvocation, 3.0), (Param::StressToTalks, 0.0)]);
    let talk = with(&p, &[(Param::StressToProvocation, 0.0), (Param::StressToTalks, 3.0)]);
    let (a, b) = (runs(&pol, &provoke, 300), runs(&pol, &talk, 300));
    let missiles = |v: &[RunOutcome]| mean(v.iter().map(|o| o.missile_tests as f64));
    let talks = |v: &[RunOutcome]| mean(v.iter().map(|o| o.talks as f64));
    assert!(missiles(&a) > missiles(&b), "{} vs {}", missiles(&a), missiles(&b));
    assert!(talks(&b) > talks(&a), "{} vs {}", talks(&b), talks(&a));
}

// ---- talks for every policy (H1 acts on hard-line policies too) ----

#[test]
fn hard_line_policies_get_talks_and_cvid_resistance_decides_their_deals() {
    let pol = policy("maximum_pressure");
    let p = Params::default();
    let got = runs(&pol, &p, 400);
    assert!(share(&got, |o| o.talks > 0) > 0.3, "{}", share(&got, |o| o.talks > 0));
    let deals = |p: &Params| mean(runs(&pol, p, 400).iter().map(|o| o.deals as f64));
    let pliant = deals(&with(&p, &[(Param::CvidResistance, 0.0)]));
    let stubborn = deals(&with(&p, &[(Param::CvidResistance, 3.0)]));
    assert!(pliant > stubborn + 0.2, "{pliant} vs {stubborn}");
}

#[test]
fn a_crisis_eases_preconditions_and_brings_offers() {
    let pol = policy("strategic_patience");
    let p = with(&Params::default(), &[(Param::TalksSeeking, 0.0)]);
    let talks = |p: &Params| mean(runs(&pol, p, 300).iter().map(|o| o.talks as f64));
    let rigid = talks(&with(&p, &[(Param::CrisisTalks, 0.0), (Param::CrisisEasing, 0.0)]));
    let supple = talks(&with(&p, &[(Param::CrisisTalks, 0.5), (Param::CrisisEasing, 1.0)]));
    assert!(supple > rigid + 0.5, "{supple} vs {rigid}");
}

#[test]
fn disarmament_demands_close_fewer_deals_the_larger_the_arsenal() {
    let p = Params::default();
    assert!(deal_probability(&p, &terms(1.0), 30, 0.5, 0.5) < deal_probability(&p, &terms(0.0), 30, 0.5, 0.5));
    let gap = |w| deal_probability(&p, &terms(1.0), w, 0.5, 0.5) / deal_probability(&p, &terms(0.0), w, 0.5, 0.5);
    assert!(gap(80) < gap(10));
    // Trust raises the odds (H6), and stress does when the sanctions-to-talks channel is on.
    assert!(deal_probability(&p, &terms(0.5), 30, 0.9, 0.5) > deal_probability(&p, &terms(0.5), 30, 0.1, 0.5));
    assert!(deal_probability(&p, &terms(0.5), 30, 0.5, 0.9) > deal_probability(&p, &terms(0.5), 30, 0.5, 0.1));
    let off = with(&p, &[(Param::StressToTalks, 0.0)]);
    assert_eq!(deal_probability(&off, &terms(0.5), 30, 0.5, 0.9), deal_probability(&off, &terms(0.5), 30, 0.5, 0.1));
}

#[test]
fn talks_restrain_testing_only_as_far_as_the_plan_allows() {
    // Talks forced on at every chance: restraint bites unless the plan sets all testing.
    let mut pol = policy("summit_diplomacy");
    pol.set(Lever::Talks, 1.0).unwrap();
    let p =
        with(&Params::default(), &[(Param::TalksBreakoff, 0.0), (Param::DealRate, 0.0), (Param::TalksRestraint, 1.0)]);
    let missiles = |p: &Params| mean(runs(&pol, p, 300).iter().map(|o| o.missile_tests as f64));
    let restrained = missiles(&with(&p, &[(Param::PlanWeight, 0.0)]));
    let planned = missiles(&with(&p, &[(Param::PlanWeight, 1.0)]));
    assert!(planned > 3.0 * restrained, "{planned} vs {restrained}");
}

// ---- the programme ----

#[test]
fn nuclear_tests_need_material_and_preparation_and_wane_once_proven() {
    let pol = policy("maximum_pressure");
    let p = with(&Params::default(), &[(Param::NuclearTestRate, 0.3), (Param::InitialDesign, 0.0)]);
    let tests = |p: &Params| mean(runs(&pol, p, 200).iter().map(|o| o.nuclear_tests as f64));
    let free = tests(&p);
    let no_material = with(
        &p,
        &[
            (Param::InitialWarheads, 0.0),
            (Param::InitialFissileKg, 0.0),
            (Param::PlutoniumKgPerMonth, 0.0),
            (Param::EnrichmentKgPerMonth, 0.0),
        ],
    );
    assert_eq!(tests(&no_material), 0.0);
    assert!(tests(&with(&p, &[(Param::TestPrepMonths, 60.0)])) < free / 2.0);
    let proven = tests(&with(&p, &[(Param::InitialDesign, 1.0), (Param::ProvenRestraint, 1.0)]));
    assert_eq!(proven, 0.0);
    assert!(tests(&with(&p, &[(Param::DesignLearning, 1.0), (Param::ProvenRestraint, 0.9)])) < free);
}

#[test]
fn a_declared_moratorium_holds_back_nuclear_and_long_range_tests() {
    let pol = policy("maximum_pressure");
    let p = with(
        &Params::default(),
        &[
            (Param::InitialDesign, 0.0),
            (Param::MoratoriumLapse, 0.0),
            (Param::PlanWeight, 0.0),
            (Param::MoratoriumEffect, 0.95),
        ],
    );
    let events = [Event { month: 0, kind: EventKind::Moratorium(true) }];
    let spec = RunSpec { policy: &pol, election_target: None, params: &p, horizon: 120, events: &events };
    let held: Vec<RunOutcome> = (0..200).map(|s| run(&spec, s)).collect();
    let free = runs(&pol, &with(&p, &[(Param::MoratoriumDeclare, 0.0)]), 200);
    let n = |v: &[RunOutcome], f: fn(&RunOutcome) -> u32| mean(v.iter().map(|o| f(o) as f64));
    assert!(n(&held, |o| o.nuclear_tests) < 0.2 * n(&free, |o| o.nuclear_tests));
    assert!(n(&held, |o| o.long_range_launches) < 0.5 * n(&free, |o| o.long_range_launches));
    assert!(share(&free, |o| o.moratoria == 0) == 1.0);
}

#[test]
fn production_follows_the_capacity_and_a_deal_freezes_the_reactor() {
    let pol = policy("maximum_pressure");
    let p = with(&Params::default(), &[(Param::InitialFissileKg, 0.0)]);
    let end = |p: &Params| mean(runs(&pol, p, 100).iter().map(|o| o.warheads_end as f64 + o.fissile_kg_end / 5.0));
    let none = end(&with(&p, &[(Param::PlutoniumKgPerMonth, 0.0), (Param::EnrichmentKgPerMonth, 0.0)]));
    let pu = end(&with(&p, &[(Param::EnrichmentKgPerMonth, 0.0)]));
    let both = end(&p);
    assert!(none < pu && pu < both, "{none} {pu} {both}");
    // An imposed capacity path switches production off from its month.
    let events = [Event { month: 0, kind: EventKind::Capacity { plutonium: 0.0, enrichment: 0.0 } }];
    let spec = RunSpec { policy: &pol, election_target: None, params: &p, horizon: 120, events: &events };
    assert!(
        mean((0..100).map(|s| run(&spec, s)).map(|o| o.warheads_end as f64 + o.fissile_kg_end / 5.0)) <= none + 1e-9
    );
}

#[test]
fn a_cap_with_inspections_slows_the_arsenal_and_keeps_inspectors_in() {
    let params = Params::default();
    let oped = runs(&policy(OPED_POLICY), &params, 300);
    let pressure = runs(&policy("maximum_pressure"), &params, 300);
    assert!(mean(oped.iter().map(|o| o.warheads_end as f64)) < mean(pressure.iter().map(|o| o.warheads_end as f64)));
    assert!(mean(oped.iter().map(|o| o.iaea_months as f64)) > mean(pressure.iter().map(|o| o.iaea_months as f64)));
}

// ---- the Council ----

fn relief_adopted(t: &Trace) -> usize {
    t.months
        .iter()
        .flat_map(|m| &m.messages)
        .filter(|e| matches!(e.msg, Msg::ResolutionAdopted { kind: Draft::Relief, .. }))
        .count()
}

#[test]
fn relief_that_the_unsc_blocks_never_arrives() {
    let policy = policy(OPED_POLICY);
    assert_eq!(policy.get(Lever::ReliefViaUnsc), 1.0);
    let easy = with(
        &Params::default(),
        &[
            (Param::DealRate, 1.0),
            (Param::CheatRate, 0.0),
            (Param::DealBreakdown, 0.0),
            (Param::P3BlockRelief, 0.0),
            (Param::E10SupportRelief, 1.0),
        ],
    );
    let blocked = with(&easy, &[(Param::P3BlockRelief, 1.0), (Param::ReliefConfidence, 1.0)]);
    let (mut got_easy, mut got_blocked) = (0, 0);
    for t in traces(&policy, &easy, 40, 120) {
        got_easy += relief_adopted(&t);
    }
    for t in traces(&policy, &blocked, 40, 120) {
        got_blocked += relief_adopted(&t);
        // Nothing but relief lowers sanctions, so they never fall.
        assert!(t.months.windows(2).all(|w| w[1].sanctions >= w[0].sanctions));
    }
    assert!(got_easy > 0, "relief should pass when nobody blocks it");
    assert_eq!(got_blocked, 0);
}

#[test]
fn vetoes_depend_on_the_trigger_and_on_the_stance() {
    let pol = policy("maximum_pressure");
    let p = with(&Params::default(), &[(Param::InitialSanctions, 0.2), (Param::InitialDesign, 0.0)]);
    let end = |p: &Params| mean(runs(&pol, p, 100).iter().map(|o| o.sanctions_end));
    let veto = with(&p, &[(Param::ChinaVetoMissile, 1.0), (Param::ChinaVetoNuclear, 1.0)]);
    assert!((end(&veto) - 0.2).abs() < 1e-12);
    assert!(end(&p) > 0.3);
    // A stance of 0 never vetoes, whatever the trigger; a protective stance vetoes more.
    assert!(end(&with(&veto, &[(Param::ChinaRussiaStance, 0.0)])) > end(&p));
    assert!(end(&with(&p, &[(Param::ChinaRussiaStance, 10.0)])) < end(&p));
}

/// Months from each sanctions-after-nuclear-test resolution back to the latest test before it.
fn test_to_resolution_lags(p: &Params) -> Vec<u32> {
    let mut lags = Vec::new();
    for t in traces(&policy("maximum_pressure"), p, 40, 60) {
        let tests: Vec<u32> =
            t.months.iter().filter(|m| m.messages.iter().any(|e| e.msg == Msg::NuclearTest)).map(|m| m.month).collect();
        for m in &t.months {
            for e in &m.messages {
                if matches!(e.msg, Msg::ResolutionAdopted { kind: Draft::SanctionsAfterNuclearTest, .. }) {
                    let last = tests.iter().filter(|x| **x < m.month).max().expect("a test precedes it");
                    lags.push(m.month - last);
                }
            }
        }
    }
    lags
}

#[test]
fn a_resolution_can_follow_a_test_the_next_month() {
    let p = with(
        &Params::default(),
        &[(Param::NuclearTestRate, 0.3), (Param::ChinaVetoNuclear, 0.0), (Param::InitialDesign, 0.0)],
    );
    let fast = test_to_resolution_lags(&with(&p, &[(Param::UnscPace, 1.0)]));
    assert!(!fast.is_empty() && fast.iter().all(|d| *d == 1), "{fast:?}");
    let slow = test_to_resolution_lags(&with(&p, &[(Param::UnscPace, 0.3)]));
    assert!(slow.iter().any(|d| *d > 1) && slow.iter().all(|d| *d >= 1), "{slow:?}");
}

#[test]
fn a_snap_back_is_not_lost_while_another_draft_is_pending() {
    // Every provocation tables a draft that never comes to a vote... until the pace allows.
    // A violation found while a missile draft is pending upgrades the draft rather than
    // dropping the snap-back.
    let mut pol = policy(OPED_POLICY);
    pol.set(Lever::SanctionPush, 1.0).unwrap();
    let p = with(
        &Params::default(),
        &[
            (Param::CheatRate, 1.0),
            (Param::DetectWithoutAccess, 1.0),
            (Param::DealRate, 1.0),
            (Param::UnscPace, 0.2),
            (Param::ChinaVetoNuclear, 0.0),
            (Param::ChinaVetoMissile, 0.0),
            (Param::E10SupportSanctions, 1.0),
        ],
    );
    let t = traces(&pol, &p, 100, 120);
    let violations = count(&t, |m| matches!(m, Msg::ProposeSanctions(Draft::SanctionsAfterViolation)));
    let adopted = count(&t, |m| matches!(m, Msg::ResolutionAdopted { kind, .. } if kind.is_sanctions()));
    assert!(violations > 0);
    assert!(adopted > 0 && adopted <= count(&t, |m| matches!(m, Msg::ResolutionAdopted { .. })));
    // Every snap-back proposal is followed, sooner or later, by a sanctions vote.
    for tr in &t {
        let proposed = tr.months.iter().find(|m| {
            m.messages.iter().any(|e| matches!(e.msg, Msg::ProposeSanctions(Draft::SanctionsAfterViolation)))
        });
        if let Some(pm) = proposed {
            let voted = tr.months.iter().filter(|m| m.month > pm.month).any(|m| {
                m.messages.iter().any(|e| {
                    matches!(e.msg, Msg::ResolutionAdopted { kind, .. } | Msg::ResolutionFailed { kind } if kind.is_sanctions())
                })
            });
            let ends_soon = tr.months.last().unwrap().month < pm.month + 24;
            assert!(voted || ends_soon, "a snap-back in month {} was never voted on", pm.month);
        }
    }
}

// ---- the alliance and Seoul ----

#[test]
fn a_hard_line_erodes_the_alliance_with_an_engagement_minded_seoul() {
    let p = with(&Params::default(), &[(Param::RokEngagement, 0.9), (Param::RokTurnover, 0.0)]);
    let cohesion = |pol: &str, p: &Params| mean(runs(&policy(pol), p, 100).iter().map(|o| o.cohesion_end));
    assert!(cohesion("maximum_pressure", &p) < cohesion("engagement_freeze", &p));
    // With a hawkish Seoul the ordering reverses: the clash is with softness.
    let hawk = with(&p, &[(Param::RokEngagement, 0.0)]);
    assert!(cohesion("maximum_pressure", &hawk) > cohesion("engagement_freeze", &hawk));
}

#[test]
fn rok_elections_can_turn_seoul_around() {
    let pol = policy(OPED_POLICY);
    let p = with(&Params::default(), &[(Param::RokEngagement, 0.8), (Param::RokTurnover, 1.0)]);
    let engagement_at = |p: &Params, month: u32| {
        let spec = RunSpec::new(&pol, p, month + 1);
        let mut t = Trace::default();
        let mut w = None;
        struct Last<'a>(&'a mut Option<f64>, &'a mut Trace);
        impl brink_core::Observer for Last<'_> {
            fn month(&mut self, log: &brink_core::MonthLog) {
                *self.0 = Some(log.world.rok.engagement);
                self.1.month(log);
            }
        }
        run_observed(&spec, 1, &mut Last(&mut w, &mut t));
        w.unwrap()
    };
    assert!((engagement_at(&p, 13) - 0.8).abs() < 1e-12);
    assert!((engagement_at(&p, 14) - 0.2).abs() < 1e-12); // March 2022
    assert!((engagement_at(&p, 74) - 0.8).abs() < 1e-12); // and back in 2027
    let stable = with(&p, &[(Param::RokTurnover, 0.0)]);
    assert!((engagement_at(&stable, 100) - 0.8).abs() < 1e-12);
}

#[test]
fn a_us_strike_strains_the_alliance_with_an_engagement_minded_seoul() {
    let mut pol = policy("maximum_pressure");
    pol.set(Lever::Force, 1.0).unwrap();
    let p = with(
        &Params::default(),
        &[
            (Param::StrikeRate, 1.0),
            (Param::RokStrikeVeto, 0.0),
            (Param::InitialWarheads, 0.0),
            (Param::Retaliation, 0.0),
        ],
    );
    let coh = |p: &Params| mean(runs(&pol, p, 100).iter().map(|o| o.cohesion_end));
    let resented = coh(&with(&p, &[(Param::StrikeStrain, 0.5)]));
    let tolerated = coh(&with(&p, &[(Param::StrikeStrain, 0.0)]));
    assert!(resented < tolerated, "{resented} vs {tolerated}");
}

// ---- force, elections, scoring ----

#[test]
fn a_strike_grows_less_likely_as_the_arsenal_grows() {
    let p = Params::default();
    let probs: Vec<f64> =
        [0.0, 5.0, 20.0, 60.0, 200.0].iter().map(|w| strike_probability(&p, 1.0, *w, 0.3, 0.8)).collect();
    assert!(probs.windows(2).all(|w| w[1] < w[0]), "{probs:?}");
    // End to end: a trigger-happy US strikes less often against a larger arsenal.
    let mut hawk = policy("maximum_pressure");
    hawk.set(Lever::Force, 1.0).unwrap();
    let small = with(
        &p,
        &[
            (Param::StrikeRate, 0.5),
            (Param::InitialWarheads, 0.0),
            (Param::PlutoniumKgPerMonth, 0.0),
            (Param::EnrichmentKgPerMonth, 0.0),
            (Param::InitialFissileKg, 0.0),
        ],
    );
    let large = with(&small, &[(Param::InitialWarheads, 60.0)]);
    let strikes = |p: &Params| runs(&hawk, p, 300).iter().map(|o| o.strikes as f64).sum::<f64>();
    let (s, l) = (strikes(&small), strikes(&large));
    assert!(l < s, "strikes against 60 warheads ({l}) should be fewer than against none ({s})");
}

#[test]
fn elections_switch_the_policy_every_election_period_when_certain() {
    let from = policy(OPED_POLICY);
    let to = policy("maximum_pressure");
    let p = with(&Params::default(), &[(Param::ElectionSwitch, 1.0)]);
    let spec = RunSpec { policy: &from, election_target: Some(&to), params: &p, horizon: 120, events: &[] };
    let o = run(&spec, 3);
    if o.status == brink_core::Status::Completed {
        assert_eq!(o.policy_switches, 2); // months 48 and 96
    }
    let p24 = with(&p, &[(Param::UsElectionPeriod, 24.0)]);
    let spec = RunSpec { policy: &from, election_target: Some(&to), params: &p24, horizon: 120, events: &[] };
    let o = run(&spec, 3);
    if o.status == brink_core::Status::Completed {
        assert_eq!(o.policy_switches, 4); // months 24, 48, 72, 96
    }
    let never = with(&p, &[(Param::ElectionSwitch, 0.0)]);
    let spec = RunSpec { policy: &from, election_target: Some(&to), params: &never, horizon: 120, events: &[] };
    assert_eq!(run(&spec, 3).policy_switches, 0);
}

#[test]
fn the_ladder_orders_rivera_points() {
    use brink_core::Category;
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
fn a_verified_deal_and_its_collapse_score_once() {
    // Inspectors come and go with the deal: the deal's start and end carry the points.
    let t = terms(0.0);
    let start = Msg::DealAgreed(t).category().points()
        + Msg::InspectorsInvited { coverage: 1.0, safety: 1.0 }.category().points();
    let walkout = Msg::DealEndedByDprk(brink_core::message::Collapse::DprkWalkout).category().points()
        + Msg::InspectorsExpelled.category().points();
    assert_eq!((start, walkout), (-2, 12));
}

#[test]
fn verified_months_count_only_under_a_deal() {
    // Relief needs verified months under the deal in force: with the deal ended by the US in
    // month 1 and inspectors' last report arriving after it, no relief is ever proposed.
    let pol = policy(OPED_POLICY);
    let p =
        with(&Params::default(), &[(Param::DealRate, 0.0), (Param::ReliefInterval, 1.0), (Param::TalksSeeking, 0.0)]);
    let events = [Event { month: 0, kind: EventKind::DealInForce }, Event { month: 2, kind: EventKind::UsEndsDeal }];
    let spec = RunSpec { policy: &pol, election_target: None, params: &p, horizon: 24, events: &events };
    for s in 0..20 {
        let mut t = Trace::default();
        run_observed(&spec, s, &mut t);
        let late_relief = t
            .months
            .iter()
            .filter(|m| m.month > 3)
            .flat_map(|m| &m.messages)
            .any(|e| matches!(e.msg, Msg::ProposeRelief { .. }));
        let later_deal =
            t.months.iter().flat_map(|m| &m.messages).filter(|e| matches!(e.msg, Msg::DealAgreed(_))).count() > 1;
        assert!(!late_relief || later_deal, "seed {s}: relief proposed after the deal ended");
    }
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
