//! Calibrates by ABC-SMC and prints the generations, the posterior against the prior and the
//! posterior predictive checks: `cargo run --release -p brink-sweep --example calibrate --
//! [particles] [initial] [generations] [out.csv]` (defaults: the spec of `brink calibrate`).
use brink_core::Params;
use brink_sweep::calibrate::{backtest, calibrate, SmcSpec, PRIORS};
use brink_sweep::{Record, Replay};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let out = args.iter().find(|a| a.ends_with(".csv")).cloned();
    let a: Vec<u32> = args.iter().filter(|a| !a.ends_with(".csv")).map(|s| s.parse().expect("a number")).collect();
    let d = SmcSpec::default();
    let spec = SmcSpec {
        particles: *a.first().unwrap_or(&d.particles),
        initial: *a.get(1).unwrap_or(&d.initial),
        generations: *a.get(2).unwrap_or(&d.generations),
        ..d
    };
    let r = Record::embedded();
    let rp = Replay::from_record(&r);
    let t = std::time::Instant::now();
    let cal = calibrate(&r, &rp, &spec, &Params::default());
    println!("calibration {} in {:.1} s, {} replays", cal.hash, t.elapsed().as_secs_f64(), cal.replays);
    for (i, g) in cal.generations.iter().enumerate() {
        println!("  generation {i}: tolerance {:.3}, {} proposals, {} accepted", g.epsilon, g.proposals, g.accepted);
    }
    if let Some(path) = out {
        std::fs::write(&path, cal.posterior.to_csv()).expect("write the posterior");
        println!("wrote {path}");
    }
    println!("{:24} {:>9} {:>9} {:>9}  {:>6}  prior", "parameter", "5%", "median", "95%", "width");
    for ((p, q), prior) in cal.posterior.ranges().into_iter().zip(PRIORS) {
        let w = (q[3] - q[1]) / (prior.high - prior.low);
        println!(
            "{:24} {:>9.4} {:>9.4} {:>9.4}  {:>6.2}  [{}, {}]",
            p.name(),
            q[1],
            q[2],
            q[3],
            w,
            prior.low,
            prior.high
        );
    }
    let bt = backtest(&r, &rp, &cal.posterior, 4, 1, &Params::default());
    for c in &bt.checks {
        let s = &c.simulated;
        println!(
            "{:40} obs {:8.2} sim 5-50-95% {:8.2} {:8.2} {:8.2} {}",
            c.stat.name,
            c.stat.observed,
            s[0],
            s[2],
            s[4],
            if c.inside_90() { "" } else { "OUTSIDE" }
        );
    }
}
