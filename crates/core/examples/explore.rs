//! Quick look at the default model: per-policy rates over many seeds.
//! `cargo run -p brink-core --release --example explore -- [runs] [horizon]`
use brink_core::{run, Params, Policy, RunSpec, Rung};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let n: u64 = args.get(1).and_then(|s| s.parse().ok()).unwrap_or(2000);
    let horizon: u32 = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(120);
    let params = Params::default();
    println!(
        "{:<26} {:>7} {:>7} {:>7} {:>7} {:>7} {:>7} {:>7} {:>7} {:>7} {:>7} {:>6} {:>6}",
        "policy",
        "msl/yr",
        "ntest",
        "dead%",
        "strike%",
        "war%",
        "nuke%",
        "acc%",
        "xfer%",
        "warhd",
        "deals",
        "coh",
        "trust"
    );
    for policy in Policy::builtin() {
        let spec = RunSpec::new(&policy, &params, horizon);
        let (
            mut m,
            mut nt,
            mut dead,
            mut strike,
            mut war,
            mut nuke,
            mut acc,
            mut xfer,
            mut wh,
            mut deals,
            mut coh,
            mut tr,
        ) = (0f64, 0f64, 0, 0, 0, 0, 0, 0, 0f64, 0f64, 0f64, 0f64);
        for s in 0..n {
            let o = run(&spec, s);
            m += o.missile_tests as f64 / (o.months as f64 / 12.0);
            nt += o.nuclear_tests as f64;
            dead += o.first_at_or_above(Rung::DeadlyIncident).is_some() as u32;
            strike += o.first_at_or_above(Rung::LimitedStrikes).is_some() as u32;
            war += o.first_at_or_above(Rung::War).is_some() as u32;
            nuke += o.first(Rung::NuclearUse).is_some() as u32;
            acc += o.accident_month.is_some() as u32;
            xfer += o.transfer_month.is_some() as u32;
            wh += o.warheads_end as f64;
            deals += o.deals as f64;
            coh += o.cohesion_end;
            tr += o.trust_end;
        }
        let nf = n as f64;
        let pct = |x: u32| 100.0 * x as f64 / nf;
        println!(
            "{:<26} {:>7.2} {:>7.2} {:>7.1} {:>7.1} {:>7.1} {:>7.2} {:>7.2} {:>7.2} {:>7.1} {:>7.2} {:>6.2} {:>6.2}",
            policy.name(),
            m / nf,
            nt / nf,
            pct(dead),
            pct(strike),
            pct(war),
            pct(nuke),
            pct(acc),
            pct(xfer),
            wh / nf,
            deals / nf,
            coh / nf,
            tr / nf
        );
    }
}
