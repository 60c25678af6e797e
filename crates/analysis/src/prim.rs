//! PRIM scenario discovery (Friedman and Fisher 1999, "Bump hunting in high-dimensional
//! data"), peeling only, as in the EMA Workbench.
//!
//! Starting from the box that spans all data, each step tries, for every input dimension,
//! to peel the `alpha` fraction of the points in the box with the lowest or the highest
//! values of that dimension, and keeps the peel whose remaining box has the highest mean
//! outcome. The sequence of boxes is the peeling trajectory; one box of it is chosen as
//! the answer (see [`prim`]).

use std::cmp::Ordering;

/// One box of the peeling trajectory.
#[derive(Clone, Debug, PartialEq)]
pub struct PrimBox {
    /// Lower bound per dimension (inclusive); the data minimum where unrestricted.
    pub lower: Vec<f64>,
    /// Upper bound per dimension (inclusive); the data maximum where unrestricted.
    pub upper: Vec<f64>,
    /// Sum of `y` inside the box over the sum of `y` overall; NaN when the latter is zero.
    pub coverage: f64,
    /// Mean `y` inside the box; NaN for an empty box (no data).
    pub density: f64,
    /// Fraction of all points inside the box; NaN when there are no points.
    pub support: f64,
    /// Dimensions whose bounds are tighter than the full data range, ascending.
    pub restricted: Vec<usize>,
}

/// The peeling trajectory and the index of the chosen box in it.
#[derive(Clone, Debug, PartialEq)]
pub struct PrimResult {
    /// Boxes from the full box (index 0) to the last peel; never empty.
    pub trajectory: Vec<PrimBox>,
    /// Index into `trajectory` of the chosen box (see [`prim`] for the rule).
    pub chosen: usize,
}

/// PRIM peeling of the points `x` (row-major, `d` inputs per row) with outcomes `y`.
///
/// `y` holds 0/1 outcomes of interest, or any values in `[0, 1]`. The number of rows used is
/// `y.len()` and, when `d > 0`, at most `x.len() / d` (extra values are ignored).
///
/// Each step peels, for each dimension, the lowest or the highest `alpha` fraction (at least
/// one point) of the points in the box by that dimension's values; points tied with the last
/// peeled value are peeled too. The peel with the highest mean `y` of the remaining box wins;
/// ties go to the lowest dimension, low side first. Peeling stops when the winning box's
/// support would fall below `min_support`, or when its mean does not exceed the current mean
/// by more than `min_density_gain` (use 0 to go on while the mean increases at all).
/// A box's bounds are data values, so a point is in a box exactly when it lies within all
/// its bounds, inclusive.
///
/// The chosen box is the one with the highest density among the boxes with coverage at
/// least 0.5 (the first one on a tie); if no box has coverage at least 0.5, the last box.
///
/// Degenerate input never panics and gives a trajectory with just the full box: with `d == 0`
/// (empty bounds), constant columns, or all-zero `y` (density 0, coverage NaN). With no rows
/// the full box has NaN bounds, density, coverage and support. `x` should be finite: NaN
/// values sort above all numbers when peeling.
pub fn prim(x: &[f64], d: usize, y: &[f64], alpha: f64, min_support: f64, min_density_gain: f64) -> PrimResult {
    let data = Data::new(x, d, y);
    let mut state = State::full(&data);
    let mut trajectory = vec![data.describe(&state)];
    while let Some(peel) = best_peel(&data, &state, alpha) {
        let support = peel.kept as f64 / data.n as f64;
        let gain = peel.mean() - state.sum_y / state.inside.len() as f64;
        let improves = gain > min_density_gain;
        if support < min_support || !improves {
            break;
        }
        state.apply(&data, &peel);
        trajectory.push(data.describe(&state));
    }
    let chosen = choose(&trajectory);
    PrimResult { trajectory, chosen }
}

/// Minimum coverage of a box to be chosen.
const MIN_CHOSEN_COVERAGE: f64 = 0.5;

/// The input data and its summaries.
struct Data<'a> {
    x: &'a [f64],
    y: &'a [f64],
    d: usize,
    n: usize,
    total_y: f64,
    min: Vec<f64>,
    max: Vec<f64>,
}

impl<'a> Data<'a> {
    fn new(x: &'a [f64], d: usize, y: &'a [f64]) -> Self {
        let n = x.len().checked_div(d).map_or(y.len(), |rows| rows.min(y.len()));
        let y = &y[..n];
        let column_fold = |k: usize, init: f64, f: fn(f64, f64) -> f64| {
            if n == 0 {
                f64::NAN
            } else {
                (0..n).map(|i| x[i * d + k]).fold(init, f)
            }
        };
        let min = (0..d).map(|k| column_fold(k, f64::INFINITY, f64::min)).collect();
        let max = (0..d).map(|k| column_fold(k, f64::NEG_INFINITY, f64::max)).collect();
        Data { x, y, d, n, total_y: y.iter().sum(), min, max }
    }

    fn value(&self, row: usize, k: usize) -> f64 {
        self.x[row * self.d + k]
    }

    /// The box of `state` with its statistics.
    fn describe(&self, state: &State) -> PrimBox {
        let m = state.inside.len() as f64;
        let restricted = (0..self.d)
            .filter(|&k| {
                state.lower[k].total_cmp(&self.min[k]) == Ordering::Greater
                    || state.upper[k].total_cmp(&self.max[k]) == Ordering::Less
            })
            .collect();
        PrimBox {
            lower: state.lower.clone(),
            upper: state.upper.clone(),
            coverage: if self.total_y == 0.0 { f64::NAN } else { state.sum_y / self.total_y },
            density: state.sum_y / m,
            support: m / self.n as f64,
            restricted,
        }
    }
}

/// The current box: its bounds, the rows inside it and their sum of `y`.
struct State {
    lower: Vec<f64>,
    upper: Vec<f64>,
    inside: Vec<usize>,
    sum_y: f64,
}

impl State {
    fn full(data: &Data) -> Self {
        State { lower: data.min.clone(), upper: data.max.clone(), inside: (0..data.n).collect(), sum_y: data.total_y }
    }

    /// Peels the box; the kept rows are those on the inner side of the new bound.
    fn apply(&mut self, data: &Data, peel: &Peel) {
        let keep = if peel.high { Ordering::Greater } else { Ordering::Less };
        self.inside.retain(|&i| data.value(i, peel.dim).total_cmp(&peel.bound) != keep);
        if peel.high {
            self.upper[peel.dim] = peel.bound;
        } else {
            self.lower[peel.dim] = peel.bound;
        }
        self.sum_y = peel.sum_y;
    }
}

/// A candidate peel: the new bound of one side of one dimension and what the box keeps.
struct Peel {
    dim: usize,
    high: bool,
    bound: f64,
    kept: usize,
    sum_y: f64,
}

impl Peel {
    fn mean(&self) -> f64 {
        self.sum_y / self.kept as f64
    }
}

/// The peel with the highest remaining mean; ties to the lowest dimension, low side first.
fn best_peel(data: &Data, state: &State, alpha: f64) -> Option<Peel> {
    let mut best: Option<Peel> = None;
    for k in 0..data.d {
        let column = sorted_column(data, &state.inside, k);
        for peel in [peel_low(&column, k, alpha), peel_high(&column, k, alpha)].into_iter().flatten() {
            if best.as_ref().is_none_or(|b| peel.mean() > b.mean()) {
                best = Some(peel);
            }
        }
    }
    best
}

/// (value of dimension `k`, y) of the rows inside, sorted by value.
fn sorted_column(data: &Data, inside: &[usize], k: usize) -> Vec<(f64, f64)> {
    let mut column: Vec<(f64, f64)> = inside.iter().map(|&i| (data.value(i, k), data.y[i])).collect();
    column.sort_by(|a, b| a.0.total_cmp(&b.0));
    column
}

/// Number of points to peel from a box of `m` points: `alpha * m`, at least one.
fn peel_count(alpha: f64, m: usize) -> usize {
    ((alpha * m as f64).floor() as usize).clamp(1, m.max(1))
}

/// Peel of the lowest values: removes the first `peel_count` entries and any tied with them.
fn peel_low(column: &[(f64, f64)], dim: usize, alpha: f64) -> Option<Peel> {
    let m = column.len();
    let cut = column.get(peel_count(alpha, m) - 1)?.0;
    let start = column.partition_point(|p| p.0.total_cmp(&cut) != Ordering::Greater);
    let kept = &column[start..];
    let bound = kept.first()?.0;
    Some(Peel { dim, high: false, bound, kept: kept.len(), sum_y: kept.iter().map(|p| p.1).sum() })
}

/// Peel of the highest values: removes the last `peel_count` entries and any tied with them.
fn peel_high(column: &[(f64, f64)], dim: usize, alpha: f64) -> Option<Peel> {
    let m = column.len();
    let cut = column.get(m.checked_sub(peel_count(alpha, m))?)?.0;
    let end = column.partition_point(|p| p.0.total_cmp(&cut) == Ordering::Less);
    let kept = &column[..end];
    let bound = kept.last()?.0;
    Some(Peel { dim, high: true, bound, kept: kept.len(), sum_y: kept.iter().map(|p| p.1).sum() })
}

/// Highest density with coverage at least [`MIN_CHOSEN_COVERAGE`] (first on a tie), else the last box.
fn choose(trajectory: &[PrimBox]) -> usize {
    let mut best: Option<usize> = None;
    for (i, b) in trajectory.iter().enumerate() {
        if b.coverage >= MIN_CHOSEN_COVERAGE && best.is_none_or(|j| b.density > trajectory[j].density) {
            best = Some(i);
        }
    }
    best.unwrap_or(trajectory.len() - 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// SplitMix64 (Steele, Lea and Flood 2014) for test data.
    struct SplitMix64(u64);

    impl SplitMix64 {
        fn unit(&mut self) -> f64 {
            let z = brink_core::sim::splitmix64(self.0);
            self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
            (z >> 11) as f64 / (1u64 << 53) as f64
        }
    }

    /// 5000 points in [0,1]^3; y = 1 with probability 0.9 in x0 >= 0.6, x1 <= 0.3, else 0.05.
    fn planted(seed: u64) -> (Vec<f64>, Vec<f64>) {
        let mut rng = SplitMix64(seed);
        let (mut x, mut y) = (Vec::new(), Vec::new());
        for _ in 0..5000 {
            let row = [rng.unit(), rng.unit(), rng.unit()];
            let p = if row[0] >= 0.6 && row[1] <= 0.3 { 0.9 } else { 0.05 };
            y.push(if rng.unit() < p { 1.0 } else { 0.0 });
            x.extend_from_slice(&row);
        }
        (x, y)
    }

    fn only_full_box(r: PrimResult) -> PrimBox {
        assert_eq!(r.trajectory.len(), 1);
        assert_eq!(r.chosen, 0);
        r.trajectory.into_iter().next().unwrap()
    }

    fn describe(r: &PrimResult) -> &PrimBox {
        let b = &r.trajectory[r.chosen];
        eprintln!(
            "chosen {} of {}: lower {:.3?} upper {:.3?} restricted {:?} density {:.3} coverage {:.3} support {:.3}",
            r.chosen,
            r.trajectory.len() - 1,
            b.lower,
            b.upper,
            b.restricted,
            b.density,
            b.coverage,
            b.support
        );
        b
    }

    /// Bounds of dimensions 0 and 1 within 0.08 of the planted box, density and coverage high.
    fn near_planted(b: &PrimBox) -> bool {
        let bounds = [(b.lower[0], 0.6), (b.upper[0], 1.0), (b.lower[1], 0.0), (b.upper[1], 0.3)];
        bounds.iter().all(|(got, want)| (got - want).abs() < 0.08) && b.density > 0.7 && b.coverage > 0.5
    }

    #[test]
    fn finds_the_planted_box() {
        // Over seeds 0..300 this passes for 296 data sets; the failures restrict dimension 2.
        let (x, y) = planted(2024);
        let r = prim(&x, 3, &y, 0.1, 0.1, 0.0);
        let b = describe(&r);
        assert_eq!(b.restricted, vec![0, 1]);
        assert!(near_planted(b));
    }

    #[test]
    fn small_peels_go_on_into_noise() {
        // With the EMA Workbench defaults (alpha 0.05, support 0.05) peeling continues inside
        // the planted box on noise, and the chosen box (coverage >= 0.5) often restricts the
        // irrelevant dimension 2 too (in 189 of seeds 0..300); its bounds on 0 and 1 mostly
        // still hold (within 0.08 in 293 of seeds 0..300).
        let (x, y) = planted(2024);
        let r = prim(&x, 3, &y, 0.05, 0.05, 0.0);
        let b = describe(&r);
        assert!(b.restricted.starts_with(&[0, 1]));
        assert!(near_planted(b));
    }

    #[test]
    fn trajectory_is_consistent() {
        let (x, y) = planted(7);
        let r = prim(&x, 3, &y, 0.1, 0.02, 0.0);
        let full = &r.trajectory[0];
        assert_eq!((full.support, full.coverage), (1.0, 1.0));
        assert!(full.restricted.is_empty());
        for w in r.trajectory.windows(2) {
            assert!(w[1].density > w[0].density);
            assert!(w[1].support < w[0].support && w[1].support >= 0.02);
            assert!(w[1].coverage <= w[0].coverage);
            for k in 0..3 {
                assert!(w[1].lower[k] >= w[0].lower[k] && w[1].upper[k] <= w[0].upper[k]);
            }
        }
        // Box statistics match a direct count of the points within the bounds.
        for b in &r.trajectory {
            let inside: Vec<usize> =
                (0..y.len()).filter(|&i| (0..3).all(|k| (b.lower[k]..=b.upper[k]).contains(&x[i * 3 + k]))).collect();
            let hits: f64 = inside.iter().map(|&i| y[i]).sum();
            assert!((b.support - inside.len() as f64 / y.len() as f64).abs() < 1e-12);
            assert!((b.density - hits / inside.len() as f64).abs() < 1e-12);
        }
    }

    #[test]
    fn deterministic() {
        let (x, y) = planted(3);
        assert_eq!(prim(&x, 3, &y, 0.05, 0.05, 0.0), prim(&x, 3, &y, 0.05, 0.05, 0.0));
    }

    #[test]
    fn min_density_gain_stops_early() {
        let (x, y) = planted(3);
        let long = prim(&x, 3, &y, 0.05, 0.05, 0.0).trajectory.len();
        let short = prim(&x, 3, &y, 0.05, 0.05, 0.5).trajectory.len();
        assert_eq!(short, 1);
        assert!(long > 10);
    }

    #[test]
    fn ties_go_to_the_lowest_dimension_low_side() {
        // Two identical columns: peeling either side of either gives the same mean.
        let x = [0.0, 0.0, 1.0, 1.0, 2.0, 2.0, 3.0, 3.0];
        let y = [0.0, 1.0, 1.0, 0.0];
        let r = prim(&x, 2, &y, 0.25, 0.0, 0.0);
        let b = &r.trajectory[1];
        assert_eq!((b.lower.clone(), b.upper.clone()), (vec![1.0, 0.0], vec![3.0, 3.0]));
        assert_eq!(b.restricted, vec![0]);
    }

    #[test]
    fn ties_in_values_are_peeled_together() {
        let x = [0.0, 0.0, 0.0, 1.0, 2.0, 3.0];
        let y = [0.0, 0.0, 1.0, 1.0, 1.0, 1.0];
        let r = prim(&x, 1, &y, 0.2, 0.0, 0.0);
        let b = &r.trajectory[1];
        assert_eq!((b.lower[0], b.upper[0], b.support, b.density), (1.0, 3.0, 0.5, 1.0));
    }

    #[test]
    fn min_support_is_respected() {
        let (x, y) = planted(11);
        let r = prim(&x, 3, &y, 0.05, 0.3, 0.0);
        assert!(r.trajectory.iter().all(|b| b.support >= 0.3));
    }

    #[test]
    fn empty_input() {
        let b = only_full_box(prim(&[], 2, &[], 0.05, 0.05, 0.0));
        assert_eq!(b.lower.len(), 2);
        assert!(b.lower.iter().chain(&b.upper).all(|v| v.is_nan()));
        assert!(b.coverage.is_nan() && b.density.is_nan() && b.support.is_nan());
        assert!(b.restricted.is_empty());
        only_full_box(prim(&[], 0, &[], 0.05, 0.05, 0.0));
    }

    #[test]
    fn no_dimensions() {
        let b = only_full_box(prim(&[], 0, &[1.0, 0.0, 0.0, 1.0], 0.05, 0.05, 0.0));
        assert!(b.lower.is_empty() && b.upper.is_empty() && b.restricted.is_empty());
        assert_eq!((b.coverage, b.density, b.support), (1.0, 0.5, 1.0));
    }

    #[test]
    fn constant_columns() {
        let x = vec![2.5; 3 * 40];
        let y: Vec<f64> = (0..40).map(|i| f64::from(i % 2)).collect();
        let b = only_full_box(prim(&x, 3, &y, 0.1, 0.0, 0.0));
        assert_eq!((b.lower, b.upper), (vec![2.5; 3], vec![2.5; 3]));
        assert_eq!(b.density, 0.5);
    }

    #[test]
    fn all_zero_outcomes() {
        let (x, _) = planted(5);
        let y = vec![0.0; 5000];
        let b = only_full_box(prim(&x, 3, &y, 0.05, 0.05, 0.0));
        assert_eq!((b.density, b.support), (0.0, 1.0));
        assert!(b.coverage.is_nan());
        assert!(b.restricted.is_empty());
    }

    #[test]
    fn odd_lengths_and_parameters_do_not_panic() {
        let (x, y) = planted(9);
        let r = prim(&x[..100], 3, &y, 0.05, 0.0, 0.0);
        assert_eq!(r.trajectory[0].support, 1.0);
        assert!(r.trajectory.iter().all(|b| b.support * 33.0 > 0.5));
        for alpha in [f64::NAN, -1.0, 0.0, 0.5, 1.0, 2.0, f64::INFINITY] {
            let r = prim(&x[..300], 3, &y[..100], alpha, 0.0, 0.0);
            assert!(r.chosen < r.trajectory.len());
        }
        let one = prim(&[0.5, 0.5], 2, &[1.0], 0.05, 0.0, 0.0);
        assert_eq!(only_full_box(one).density, 1.0);
    }

    #[test]
    fn chooses_last_box_without_enough_coverage() {
        let t = |coverage: f64, density: f64| PrimBox {
            lower: vec![],
            upper: vec![],
            coverage,
            density,
            support: 1.0,
            restricted: vec![],
        };
        assert_eq!(choose(&[t(0.4, 0.1), t(0.3, 0.2)]), 1);
        assert_eq!(choose(&[t(f64::NAN, 0.0)]), 0);
        assert_eq!(choose(&[t(1.0, 0.1), t(0.6, 0.5), t(0.5, 0.5), t(0.4, 0.9)]), 1);
    }
}
