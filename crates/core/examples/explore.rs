//! Quick look at the model: per-policy rates over many seeds, with parameter overrides.
//! `cargo run -p brink-core --release --example explore -- [runs] [horizon] [name=value ...]`
use brink_core::{run, Param, Params, Policy, RunSpec, Rung};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut nums = args.iter().filter(|a| !a.contains('='));
    let n: u64 = nums.next().and_then(|s| s.parse().ok()).unwrap_or(2000);
    let horizon: u32 = nums.next().and_then(|s| s.parse().ok()).unwrap_or(120);
    let mut params = Params::default();
    for a in args.iter().filter(|a| a.contains('=')) {
        let (k, v) = a.split_once('=').unwrap();
        let p = Param::from_name(k).unwrap_or_else(|| panic!("unknown parameter {k}"));
        params.set(p, v.parse().expect("a number")).unwrap_or_else(|e| panic!("{e}"));
    }
    let cols = [
        "msl/yr", "ntest", "dead%", "strike%", "war%", "nuke%", "acc%", "xfer%", "warhd", "talks", "deals", "dealmo",
        "morat", "coh", "trust", "sanct", "score",
    ];
    print!("{:<26}", "policy");
    for c in cols {
        print!(" {c:>7}");
    }
    println!();
    for policy in Policy::builtin() {
        let spec = RunSpec::new(&policy, &params, horizon);
        let mut acc = [0f64; 17];
        for s in 0..n {
            let o = run(&spec, s);
            let v = [
                o.missile_tests as f64 / (o.months as f64 / 12.0),
                o.nuclear_tests as f64,
                100.0 * o.first_at_or_above(Rung::DeadlyIncident).is_some() as u8 as f64,
                100.0 * o.first_at_or_above(Rung::LimitedStrikes).is_some() as u8 as f64,
                100.0 * o.first_at_or_above(Rung::War).is_some() as u8 as f64,
                100.0 * o.first(Rung::NuclearUse).is_some() as u8 as f64,
                100.0 * o.accident_month.is_some() as u8 as f64,
                100.0 * o.transfer_month.is_some() as u8 as f64,
                o.warheads_end as f64,
                o.talks as f64,
                o.deals as f64,
                o.deal_months as f64,
                o.moratoria as f64,
                o.cohesion_end,
                o.trust_end,
                o.sanctions_end,
                o.escalation_score as f64,
            ];
            for (a, x) in acc.iter_mut().zip(v) {
                *a += x;
            }
        }
        print!("{:<26}", policy.name());
        for a in acc {
            print!(" {:>7.2}", a / n as f64);
        }
        println!();
    }
}
