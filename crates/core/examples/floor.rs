//! The floor of a vectorised kernel (issue 16): a synthetic run that does, per run and month,
//! only the work any lockstep design of model m4 must do at the least, with none of its
//! messages, branches or bookkeeping, laid out for the compiler to vectorise:
//! - DRAWS uniform numbers from a counter-based hash (SplitMix64's output function of the
//!   run's key and a fixed slot), one per decision slot, for every run of the batch;
//! - EXPS exponentials (FreeBSD's reduction and polynomial, branch-free);
//! - about 200 floating-point operations of decisions and state updates, with masked selects
//!   and clamps.
//!
//! Runs are stepped 64 at a time, one array per state variable across the batch, every loop
//! branch-free. m4 itself draws 14.4 numbers and takes 3.9 exponentials per run and month at
//! the defaults (docs/PERFORMANCE.md, "Kernel v2"), and does much more besides, so the time
//! printed here is a lower bound for a vectorised m4 kernel on the machine that runs it.
//!
//! `cargo run -p brink-core --release --example floor -- [RUNS] [DRAWS] [EXPS]` (defaults
//! 200000 16 3); add `RUSTFLAGS="-C target-cpu=native"` (and a separate CARGO_TARGET_DIR) to let
//! the compiler use every vector instruction of the machine.
//!
//! The numbers in the updates are arbitrary: this is a benchmark of work, not a model.

const LANES: usize = 64;
const MONTHS: usize = 120;
const STATE: usize = 12;

#[inline(always)]
fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// FreeBSD's `exp` (as `brink_core` uses through `libm`) without its special cases, for
/// |x| < 700.
#[inline(always)]
#[allow(clippy::excessive_precision)]
fn exp(x: f64) -> f64 {
    let k = (std::f64::consts::LOG2_E * x + if x < 0.0 { -0.5 } else { 0.5 }) as i64 as f64;
    let hi = x - k * 6.93147180369123816490e-01;
    let lo = k * 1.90821492927058770002e-10;
    let r = hi - lo;
    let xx = r * r;
    let c = r - xx
        * (1.66666666666666019037e-01
            + xx * (-2.77777777770155933842e-03
                + xx * (6.61375632143793436117e-05
                    + xx * (-1.65339022054652515390e-06 + xx * 4.13813679705723846039e-08))));
    let y = 1.0 + (r * c / (2.0 - c) - lo + hi);
    y * f64::from_bits(((0x3ff + k as i64) as u64) << 52)
}

fn main() {
    let arg = |i: usize, default: usize| std::env::args().nth(i).and_then(|s| s.parse().ok()).unwrap_or(default);
    let (runs, draws, exps) = (arg(1, 200_000), arg(2, 16), arg(3, 3));
    let mut s = vec![[0.5f64; LANES]; STATE];
    let mut key = [0u64; LANES];
    let mut u = vec![[0.0f64; LANES]; draws];
    let mut e = vec![[1.0f64; LANES]; exps.max(1)];
    let mut checksum = 0.0;
    let t = std::time::Instant::now();
    for b in 0..runs / LANES {
        for (l, k) in key.iter_mut().enumerate() {
            *k = mix((b * LANES + l) as u64);
        }
        s.iter_mut().for_each(|v| *v = [0.5; LANES]);
        for m in 0..MONTHS {
            let month = mix(m as u64 + 1);
            // Every decision slot for every run (fixed slots: no run waits for another).
            for (slot, us) in u.iter_mut().enumerate() {
                let ks = month.wrapping_add((slot as u64 + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15));
                for l in 0..LANES {
                    us[l] = (mix(key[l] ^ ks) >> 11) as f64 * (1.0 / 9_007_199_254_740_992.0);
                }
            }
            // Hazards.
            for k in 0..exps {
                let (a, c) = (s[k % STATE], s[(k + 3) % STATE]);
                for l in 0..LANES {
                    e[k][l] = exp(0.8 * (a[l] - 0.5) - 0.3 * (c[l] - 0.5));
                }
            }
            // Decisions (masked) and state updates.
            let mut hits = [0.0f64; LANES];
            for (k, us) in u.iter().enumerate() {
                let (ek, sk) = (e[k % e.len()], s[k % STATE]);
                for l in 0..LANES {
                    let p = 0.02 * ek[l] * (1.0 + sk[l]);
                    hits[l] += if us[l] < p { 1.0 } else { 0.0 };
                }
            }
            for j in 0..STATE {
                let (next, ej) = (s[(j + 1) % STATE], e[j % e.len()]);
                let sj = &mut s[j];
                for l in 0..LANES {
                    let target = 0.3 + 0.2 * next[l] - 0.1 * hits[l] + 0.05 * ej[l];
                    sj[l] = (sj[l] + 0.1 * (target - sj[l])).clamp(0.0, 1.0);
                }
            }
        }
        checksum += s[0].iter().sum::<f64>();
    }
    let dt = t.elapsed().as_secs_f64();
    let n = (runs / LANES * LANES).max(1) as f64;
    println!("{n} runs, {draws} draws and {exps} exp a month: {:.2} µs per run (checksum {checksum:.3})", dt * 1e6 / n);
}
