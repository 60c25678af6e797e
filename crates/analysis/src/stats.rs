//! Statistics with honest uncertainty: Wilson intervals, paired differences.

/// 97.5% quantile of the standard normal: two-sided 95% intervals.
pub const Z95: f64 = 1.959_963_984_540_054;

/// A proportion with its Wilson score interval.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Proportion {
    /// Successes.
    pub hits: u64,
    /// Trials.
    pub n: u64,
    /// Point estimate hits/n.
    pub p: f64,
    /// Lower bound.
    pub lo: f64,
    /// Upper bound.
    pub hi: f64,
}

/// Wilson score interval for `hits` successes in `n` trials at normal quantile `z`
/// (Wilson 1927; Brown, Cai and DasGupta 2001 recommend it over the Wald interval).
pub fn wilson(hits: u64, n: u64, z: f64) -> Proportion {
    if n == 0 {
        return Proportion { hits, n, p: f64::NAN, lo: f64::NAN, hi: f64::NAN };
    }
    let nf = n as f64;
    let p = hits as f64 / nf;
    let z2 = z * z;
    let denom = 1.0 + z2 / nf;
    let centre = (p + z2 / (2.0 * nf)) / denom;
    let half = z * (p * (1.0 - p) / nf + z2 / (4.0 * nf * nf)).sqrt() / denom;
    // At p = 0 or 1 the bound on that side is p itself; rounding must not put it past p.
    Proportion { hits, n, p, lo: (centre - half).clamp(0.0, p), hi: (centre + half).clamp(p, 1.0) }
}

/// A mean difference with a normal-approximation 95% interval.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Difference {
    /// Pairs.
    pub n: u64,
    /// Mean difference.
    pub mean: f64,
    /// Lower bound.
    pub lo: f64,
    /// Upper bound.
    pub hi: f64,
}

/// Mean of paired differences `a[i] - b[i]` with a 95% interval from their standard error.
/// With common random numbers the pairs share their randomness, so the interval is much
/// narrower than that of two independent proportions.
pub fn paired_difference(a: &[f64], b: &[f64]) -> Difference {
    let n = a.len().min(b.len());
    if n < 2 {
        let mean = if n == 1 { a[0] - b[0] } else { f64::NAN };
        return Difference { n: n as u64, mean, lo: f64::NAN, hi: f64::NAN };
    }
    let d: Vec<f64> = a.iter().zip(b).map(|(x, y)| x - y).collect();
    let mean = d.iter().sum::<f64>() / n as f64;
    let var = d.iter().map(|x| (x - mean) * (x - mean)).sum::<f64>() / (n as f64 - 1.0);
    let se = (var / n as f64).sqrt();
    Difference { n: n as u64, mean, lo: mean - Z95 * se, hi: mean + Z95 * se }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64, tol: f64) -> bool {
        (a - b).abs() < tol
    }

    #[test]
    fn wilson_matches_textbook_values() {
        // Brown, Cai & DasGupta (2001) and Newcombe (1998) example: 81 of 263.
        let w = wilson(81, 263, Z95);
        assert!(close(w.lo, 0.2553, 5e-4) && close(w.hi, 0.3662, 5e-4), "{w:?}");
        // Zero successes: lower bound 0, upper bound z^2/(n+z^2).
        let w = wilson(0, 10, Z95);
        assert_eq!(w.lo, 0.0);
        assert!(close(w.hi, 0.2775, 5e-4), "{w:?}");
        // Symmetry.
        let (a, b) = (wilson(3, 20, Z95), wilson(17, 20, Z95));
        assert!(close(a.lo, 1.0 - b.hi, 1e-12) && close(a.hi, 1.0 - b.lo, 1e-12));
    }

    #[test]
    fn paired_difference_of_identical_series_is_zero_with_zero_width() {
        let a = [1.0, 0.0, 1.0, 1.0];
        let d = paired_difference(&a, &a);
        assert_eq!((d.mean, d.lo, d.hi), (0.0, 0.0, 0.0));
        let d = paired_difference(&[1.0, 1.0, 0.0, 1.0], &[0.0, 1.0, 0.0, 0.0]);
        assert!(close(d.mean, 0.5, 1e-12) && d.lo < 0.5 && d.hi > 0.5);
    }
}
