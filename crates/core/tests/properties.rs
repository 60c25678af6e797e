//! Property tests of the model: probabilities and shares stay in [0, 1], stocks never go
//! negative, the same seed gives the same trace, different seeds differ, and the order in
//! which actors are stepped does not matter.

use brink_core::actors::{accident_hazard, deal_probability, strike_probability, transfer_hazard};
use brink_core::sim::run_in_order;
use brink_core::trace::Trace;
use brink_core::{run_observed, ActorId, MonthLog, Observer, Param, Params, Policy, RunSpec, Terms};
use proptest::prelude::*;

fn params_strategy() -> impl Strategy<Value = Params> {
    proptest::collection::vec(0.0f64..=1.0, Param::COUNT).prop_map(|u| {
        let mut p = Params::default();
        for (param, x) in Param::ALL.iter().zip(u) {
            let s = param.spec();
            // Stay within a plausible slice of the wide ranges (warheads up to 1000 etc.).
            let hi = if s.max > 100.0 { s.min + (s.max - s.min) * 0.2 } else { s.max };
            p.set(*param, s.min + x * (hi - s.min)).unwrap();
        }
        p
    })
}

fn policy_strategy() -> impl Strategy<Value = Policy> {
    (0usize..6, proptest::collection::vec(0.0f64..=1.0, brink_core::Lever::COUNT)).prop_map(|(i, levers)| {
        let base = &Policy::builtin()[i];
        Policy::new(base.name(), "random levers", levers.try_into().unwrap()).unwrap()
    })
}

struct Bounds {
    violations: Vec<String>,
    last_warheads: u32,
}

impl Observer for Bounds {
    fn month(&mut self, log: &MonthLog) {
        let w = log.world;
        let unit = [
            ("alert", w.alert),
            ("cohesion", w.rok.cohesion),
            ("engagement", w.rok.engagement),
            ("enforcement", w.china.enforcement),
            ("sanctions", w.unsc.sanctions),
            ("confidence", w.iaea.confidence),
            ("safety", w.iaea.safety),
            ("trust", log.trust),
            ("stress", log.stress),
            ("threat", log.threat),
            ("hardness", w.us.hardness),
            ("crisis", w.crisis),
        ];
        for (name, x) in unit {
            if !(0.0..=1.0).contains(&x) {
                self.violations.push(format!("month {}: {name} = {x}", log.month));
            }
        }
        if log.fissile_kg.is_nan() || log.fissile_kg < -1e-9 {
            self.violations.push(format!("month {}: fissile_kg = {}", log.month, log.fissile_kg));
        }
        self.last_warheads = w.dprk.warheads;
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    #[test]
    fn shares_stay_in_unit_interval_and_stocks_stay_non_negative(params in params_strategy(), policy in policy_strategy(), seed: u64) {
        let spec = RunSpec::new(&policy, &params, 120);
        let mut b = Bounds { violations: Vec::new(), last_warheads: 0 };
        let o = run_observed(&spec, seed, &mut b);
        prop_assert!(b.violations.is_empty(), "{:?}", b.violations);
        prop_assert!(o.fissile_kg_end >= -1e-9);
        prop_assert!((0.0..=1.0).contains(&o.cohesion_end) && (0.0..=1.0).contains(&o.trust_end) && (0.0..=1.0).contains(&o.sanctions_end));
        prop_assert_eq!(o.warheads_end, b.last_warheads);
    }

    #[test]
    fn hazards_are_probabilities(params in params_strategy(), warheads in 0u32..2000, a in 0.0f64..=1.0, b in 0.0f64..=1.0, c in 0.0f64..=1.0, stock in 0.0f64..1e5) {
        let t = Terms { demand: a, precondition: b, multilateral: c, verification: a, safety: b, relief: c, relief_via_unsc: a, inducements: b };
        for p in [
            deal_probability(&params, &t, warheads, a, b),
            accident_hazard(&params, warheads, a, b),
            transfer_hazard(&params, stock, a, b),
            strike_probability(&params, a, warheads as f64, b, c),
        ] {
            prop_assert!((0.0..=1.0).contains(&p), "{p}");
        }
    }

    #[test]
    fn same_seed_same_trace_and_actor_order_does_not_matter(seed: u64, policy in policy_strategy(), rot in 0usize..6) {
        let params = Params::default();
        let spec = RunSpec::new(&policy, &params, 120);
        let (mut t1, mut t2, mut t3) = (Trace::default(), Trace::default(), Trace::default());
        let a = run_observed(&spec, seed, &mut t1);
        let b = run_observed(&spec, seed, &mut t2);
        let mut order = ActorId::ALL;
        order.rotate_left(rot);
        order.reverse();
        let c = run_in_order(&spec, seed, order, &mut t3);
        prop_assert_eq!(&a, &b);
        prop_assert_eq!(&a, &c);
        let json = |t: &Trace| format!("{:?}", t.months);
        prop_assert_eq!(json(&t1), json(&t2));
        prop_assert_eq!(json(&t1), json(&t3));
    }

    #[test]
    fn different_seeds_give_different_traces(seed in 0u64..u64::MAX - 1) {
        let policy = Policy::builtin_named("strategic_patience").unwrap();
        let params = Params::default();
        let spec = RunSpec::new(&policy, &params, 120);
        let (mut t1, mut t2) = (Trace::default(), Trace::default());
        run_observed(&spec, seed, &mut t1);
        run_observed(&spec, seed + 1, &mut t2);
        prop_assert_ne!(format!("{:?}", t1.months), format!("{:?}", t2.months));
    }
}
