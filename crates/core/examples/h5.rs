//! Does the op-ed's own mechanism (H5) move the headline? For each H5 parameter, P(deadly
//! incident or worse within 120 months) under containment_transparency at the low and the high
//! end of a range, everything else at its default, on the same seeds (paired), with the
//! standard error of the paired difference and z = difference / SE.
//!
//! `cargo run --release -p brink-core --example h5 -- [runs] [policy]`
//! Ranges: those of the default sweep (configs/default.toml) and the parameter's valid range.
use brink_core::{run, Param, Params, Policy, RunSpec, Rung, OPED_POLICY};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let n: u64 = args.first().and_then(|s| s.parse().ok()).unwrap_or(200_000);
    let policy = Policy::builtin_named(args.get(1).map(|s| s.as_str()).unwrap_or(OPED_POLICY)).expect("a policy");
    // (parameter, low, high) of the default sweep.
    let swept = [
        (Param::AccidentRate, 0.000002, 0.00005),
        (Param::SafetyEffect, 0.2, 0.9),
        (Param::TransferRate, 0.0002, 0.004),
        (Param::TransparencyEffect, 0.2, 0.9),
    ];
    println!("policy {}, {n} paired runs per end, outcome P(deadly incident or worse, 120 months)", policy.name());
    println!(
        "{:<22} {:<8} {:>12} {:>12} {:>9} {:>9} {:>9} {:>7}",
        "parameter", "range", "low", "high", "P(low)%", "P(high)%", "diff pp", "z"
    );
    for (param, lo, hi) in swept {
        let s = param.spec();
        for (label, a, b) in [("sweep", lo, hi), ("valid", s.min, s.max)] {
            let at = |x: f64| {
                let mut p = Params::default();
                p.set(param, x).unwrap();
                p
            };
            let (pa, pb) = (at(a), at(b));
            let (sa, sb) = (RunSpec::new(&policy, &pa, 120), RunSpec::new(&policy, &pb, 120));
            let (mut ha, mut hb, mut d2) = (0u64, 0u64, 0u64);
            for seed in 0..n {
                let x = run(&sa, seed).first_at_or_above(Rung::DeadlyIncident).is_some();
                let y = run(&sb, seed).first_at_or_above(Rung::DeadlyIncident).is_some();
                ha += x as u64;
                hb += y as u64;
                d2 += (x != y) as u64;
            }
            let nf = n as f64;
            let diff = (hb as f64 - ha as f64) / nf;
            let var = (d2 as f64 / nf - diff * diff) * nf / (nf - 1.0);
            let se = (var / nf).sqrt();
            println!(
                "{:<22} {:<8} {:>12} {:>12} {:>9.3} {:>9.3} {:>+9.3} {:>7.1}",
                s.name,
                label,
                a,
                b,
                100.0 * ha as f64 / nf,
                100.0 * hb as f64 / nf,
                100.0 * diff,
                if se > 0.0 { diff / se } else { 0.0 }
            );
        }
    }
}
