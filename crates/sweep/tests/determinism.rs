//! The bytes of every output are the same for any thread count: parts computed on pools of
//! 1, 2 and 3 threads are identical.

use brink_sweep::{Experiment, Plan};

fn part_on(threads: usize, plan: &Plan, k: u64) -> (String, Vec<u8>) {
    let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
    let part = pool.install(|| plan.run_part(k));
    (format!("{:?}", part.rows), part.monthly.to_bytes())
}

#[test]
fn parts_do_not_depend_on_the_thread_count() {
    let exp =
        Experiment::parse("[experiment]\nreplications = 30\nhorizon_months = 48\n[design]\nsamples = 5\n", "t.toml")
            .unwrap();
    let plan = Plan::new(exp);
    let one = part_on(1, &plan, 0);
    assert_eq!(one, part_on(2, &plan, 0));
    assert_eq!(one, part_on(3, &plan, 0));
}

#[test]
fn monthly_aggregates_round_trip_through_bytes() {
    let plan = Plan::new(Experiment::parse("[experiment]\nreplications = 3\nhorizon_months = 12\n", "t.toml").unwrap());
    let part = plan.run_part(0);
    let back = brink_sweep::Monthly::from_bytes(&part.monthly.to_bytes()).unwrap();
    assert_eq!(back, part.monthly);
    assert!(brink_sweep::Monthly::from_bytes(&part.monthly.to_bytes()[..100]).is_none());
    // Every run is counted in month 0 of its policy.
    let total: u64 = (0..plan.exp.policies.len()).map(|p| part.monthly.cell(p, 0).runs).sum();
    assert_eq!(total, plan.runs());
}
