//! A run replayed from its index is the run the sweep made.

use brink_sweep::{Experiment, Plan};

#[test]
fn every_run_of_a_part_replays_to_its_row() {
    let exp = Experiment::parse(
        "[experiment]\nreplications = 3\nhorizon_months = 48\n[design]\nmethod = \"latin_hypercube\"\nsamples = 3\n[election]\nswitch_to = \"maximum_pressure\"\n[uncertain]\nelection_switch = { low = 0.0, high = 1.0 }\ncvid_resistance = { low = 0.5, high = 3.0 }\n",
        "replay.toml",
    )
    .unwrap();
    let plan = Plan::new(exp);
    let part = plan.run_part(0);
    assert_eq!(part.rows.len() as u64, plan.runs());
    for row in &part.rows {
        let (s, r, p) = plan.identity(row.run);
        assert_eq!((s, r, p), (row.scenario, row.replication, row.policy));
        assert_eq!(plan.run_index(s, r, p), row.run);
        let replayed = plan.replay(row.run, &mut ());
        assert_eq!(Ok(&replayed), row.outcome.as_ref(), "run {}", row.run);
    }
}
