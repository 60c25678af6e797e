//! Searches the levers on the default experiment's scenario set: `cargo run --release -p
//! brink-sweep --example search -- [iterations] [max_regret|q90|harm]`.
use brink_sweep::search::{search, Metric};
use brink_sweep::{Experiment, Plan};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let iters: u64 = args.first().and_then(|s| s.parse().ok()).unwrap_or(40);
    let m = match args.get(1).map(|s| s.as_str()) {
        Some("q90") => Metric::RiskQuantile(0.9),
        Some("harm") => Metric::Harm,
        _ => Metric::MaxRegret,
    };
    let plan = Plan::new(Experiment::default_experiment());
    let t = std::time::Instant::now();
    let f = search(&plan, m, iters).expect("search");
    println!("{} evaluations in {:.1} s; {} = {:.4}", f.evaluations, t.elapsed().as_secs_f64(), m.name(), f.value);
    for (n, v, ev) in &f.baseline {
        println!(
            "  {n:26} {:.4}  (mean risk {:.3}, warheads {:.1})",
            v,
            ev.risk.iter().sum::<f64>() / ev.risk.len() as f64,
            ev.warheads
        );
    }
    println!(
        "  found: mean risk {:.3}, warheads {:.1}",
        f.evaluation.risk.iter().sum::<f64>() / f.evaluation.risk.len() as f64,
        f.evaluation.warheads
    );
    for l in brink_core::Lever::ALL {
        println!("    {:16} {:.3}", l.name(), f.policy.get(*l));
    }
}
