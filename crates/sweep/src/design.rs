//! Designs: the scenarios (points in the space of uncertain parameters) a sweep visits.

use crate::experiment::{Experiment, Method};
use brink_core::sim::splitmix64;
use brink_core::SimRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};

/// Salt that separates the design's random stream from the runs' streams.
const DESIGN_SALT: u64 = 0x6465_7369_676e_0001;

/// Role of a scenario in a Saltelli design.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SobolRole {
    /// Row of matrix A.
    A,
    /// Row of matrix B.
    B,
    /// Row of A with column `i` taken from B.
    Ab(u16),
}

/// The scenarios of an experiment, row-major: `points[s * d + j]` is parameter `j` of scenario `s`.
#[derive(Clone, Debug)]
pub struct Design {
    dims: usize,
    points: Vec<f64>,
}

impl Design {
    /// Builds the design of `exp`, drawing from a stream seeded by `key`.
    pub fn new(exp: &Experiment, key: u64) -> Design {
        let d = exp.uncertain.len();
        let mut rng = SimRng::seed_from_u64(splitmix64(key ^ DESIGN_SALT));
        let unit: Vec<f64> = match exp.method {
            Method::Fixed => Vec::new(),
            Method::MonteCarlo => (0..exp.samples as usize * d).map(|_| rng.random::<f64>()).collect(),
            Method::LatinHypercube => latin_hypercube(&mut rng, exp.samples as usize, d),
            Method::Grid => grid(exp.levels as usize, d),
            Method::Sobol => saltelli(&mut rng, exp.samples as usize, d),
        };
        let points = unit
            .chunks(d.max(1))
            .flat_map(|row| row.iter().zip(&exp.uncertain).map(|(u, r)| r.low + u * (r.high - r.low)))
            .collect();
        Design { dims: d, points }
    }

    /// Number of scenarios.
    pub fn len(&self) -> usize {
        self.points.len().checked_div(self.dims).unwrap_or(1)
    }

    /// Whether the design is empty (never: a fixed design has one scenario).
    pub fn is_empty(&self) -> bool {
        false
    }

    /// Values of the uncertain parameters in scenario `s`.
    pub fn point(&self, s: usize) -> &[f64] {
        &self.points[s * self.dims..(s + 1) * self.dims]
    }

    /// Role of scenario `s` in a Saltelli design with `d` parameters, and its base row.
    pub fn sobol_role(s: usize, d: usize) -> (usize, SobolRole) {
        let (base, k) = (s / (d + 2), s % (d + 2));
        let role = match k {
            0 => SobolRole::A,
            1 => SobolRole::B,
            i => SobolRole::Ab((i - 2) as u16),
        };
        (base, role)
    }
}

fn latin_hypercube(rng: &mut SimRng, n: usize, d: usize) -> Vec<f64> {
    let mut out = vec![0.0; n * d];
    let mut perm: Vec<usize> = (0..n).collect();
    for j in 0..d {
        perm.shuffle(rng);
        for (i, stratum) in perm.iter().enumerate() {
            out[i * d + j] = (*stratum as f64 + rng.random::<f64>()) / n as f64;
        }
    }
    out
}

fn grid(levels: usize, d: usize) -> Vec<f64> {
    let total = levels.pow(d as u32);
    let mut out = Vec::with_capacity(total * d);
    for mut idx in 0..total {
        let mut row = vec![0.0; d];
        for j in (0..d).rev() {
            row[j] = (idx % levels) as f64 / (levels - 1) as f64;
            idx /= levels;
        }
        out.extend(row);
    }
    out
}

/// Saltelli (2010): for each base row, A, B, then A with column i from B, i = 0..d.
/// A and B are the two halves of a 2d-dimensional Latin hypercube.
fn saltelli(rng: &mut SimRng, n: usize, d: usize) -> Vec<f64> {
    let ab = latin_hypercube(rng, n, 2 * d);
    let mut out = Vec::with_capacity(n * (d + 2) * d);
    for row in ab.chunks(2 * d) {
        let (a, b) = row.split_at(d);
        out.extend_from_slice(a);
        out.extend_from_slice(b);
        for i in 0..d {
            let mut r = a.to_vec();
            r[i] = b[i];
            out.extend(r);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn latin_hypercube_puts_one_point_in_each_stratum() {
        let mut rng = SimRng::seed_from_u64(7);
        let (n, d) = (20, 3);
        let pts = latin_hypercube(&mut rng, n, d);
        for j in 0..d {
            let mut strata: Vec<usize> = (0..n).map(|i| (pts[i * d + j] * n as f64) as usize).collect();
            strata.sort();
            assert_eq!(strata, (0..n).collect::<Vec<_>>());
        }
    }

    #[test]
    fn grid_covers_every_combination() {
        let g = grid(3, 2);
        assert_eq!(g.len(), 18);
        assert_eq!(&g[..4], &[0.0, 0.0, 0.0, 0.5]);
        assert_eq!(&g[16..], &[1.0, 1.0]);
    }

    #[test]
    fn saltelli_rows_mix_a_and_b_in_one_column() {
        let mut rng = SimRng::seed_from_u64(3);
        let d = 3;
        let s = saltelli(&mut rng, 4, d);
        let rows: Vec<&[f64]> = s.chunks(d).collect();
        for base in 0..4 {
            let (a, b) = (rows[base * (d + 2)], rows[base * (d + 2) + 1]);
            for i in 0..d {
                let ab = rows[base * (d + 2) + 2 + i];
                for j in 0..d {
                    assert_eq!(ab[j], if j == i { b[j] } else { a[j] });
                }
            }
        }
        assert_eq!(Design::sobol_role(7, 3), (1, SobolRole::Ab(0)));
    }
}
