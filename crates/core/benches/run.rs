//! One 120-month run with all six actors, per built-in policy (target: <= 20 µs on one core).
//! `cargo bench -p brink-core --bench run`
use brink_core::{run, Params, Policy, RunSpec};
use criterion::{black_box, criterion_group, criterion_main, Criterion};

fn bench(c: &mut Criterion) {
    let params = Params::default();
    let mut g = c.benchmark_group("run_120_months");
    for policy in Policy::builtin() {
        let spec = RunSpec::new(&policy, &params, 120);
        let mut seed = 0u64;
        g.bench_function(policy.name(), |b| {
            b.iter(|| {
                seed = seed.wrapping_add(1);
                black_box(run(black_box(&spec), seed))
            })
        });
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
