//! Calibrates with N draws and prints the posterior ranges and the back-test's era rates:
//! `cargo run --release -p brink-sweep --example calibrate -- 20000 200`.
use brink_core::Params;
use brink_sweep::calibrate::{backtest, calibrate, AbcSpec, STATS};
use brink_sweep::Record;

fn main() {
    let a: Vec<u32> = std::env::args().skip(1).map(|s| s.parse().expect("a number")).collect();
    let spec = AbcSpec {
        draws: *a.first().unwrap_or(&20_000),
        accept: *a.get(1).unwrap_or(&200),
        reps: *a.get(2).unwrap_or(&4),
        ..AbcSpec::default()
    };
    let r = Record::embedded();
    let t = std::time::Instant::now();
    let cal = calibrate(&r, &spec, &Params::default());
    println!("calibration {} in {:.1} s", cal.hash, t.elapsed().as_secs_f64());
    for (k, s) in STATS.iter().enumerate() {
        println!("{s:40} observed {:8.3} scale {:8.3}", cal.observed[k], cal.scale[k]);
    }
    for (p, q) in cal.posterior.ranges() {
        println!("{:24} {:?}", p.name(), q.map(|x| (x * 1000.0).round() / 1000.0));
    }
    let bt = backtest(&r, &cal.posterior, 4, 1, &Params::default());
    for (name, obs, q) in &bt.stats {
        println!("{name:40} obs {obs:8.3} sim 5-50-95% {:8.3} {:8.3} {:8.3}", q[0], q[2], q[4]);
    }
    for (y, (o, q)) in bt.years.iter().zip(bt.observed.iter().zip(&bt.simulated)) {
        println!("{y} obs {o:3} sim {:?}", q);
    }
}
