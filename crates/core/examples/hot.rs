//! Runs many simulations for profiling: `cargo run -p brink-core --release --example hot -- N`
use brink_core::{run, Params, Policy, RunSpec};
fn main() {
    let n: u64 = std::env::args().nth(1).and_then(|s| s.parse().ok()).unwrap_or(100_000);
    let params = Params::default();
    let policies = Policy::builtin();
    let mut acc = 0u64;
    let t = std::time::Instant::now();
    for s in 0..n {
        let policy = &policies[(s % 6) as usize];
        let spec = RunSpec::new(policy, &params, 120);
        acc += run(&spec, s).missile_tests as u64;
    }
    let dt = t.elapsed().as_secs_f64();
    println!("{n} runs in {dt:.2} s: {:.2} µs/run (checksum {acc})", dt * 1e6 / n as f64);
}
