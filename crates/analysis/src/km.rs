//! Kaplan–Meier survival estimates with Greenwood confidence intervals.

use crate::stats::Z95;

/// One step of a survival curve.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SurvivalPoint {
    /// Time of the events.
    pub time: f64,
    /// At risk just before `time`.
    pub at_risk: u64,
    /// Events at `time`.
    pub events: u64,
    /// Survival just after `time`.
    pub survival: f64,
    /// Lower 95% bound (Greenwood, on the log-log scale).
    pub lo: f64,
    /// Upper 95% bound.
    pub hi: f64,
}

/// Kaplan–Meier estimate from (time, event) pairs; `event = false` means censored at `time`.
/// Censored observations tied with events at a time count as at risk at that time.
pub fn kaplan_meier(obs: &[(f64, bool)]) -> Vec<SurvivalPoint> {
    let mut sorted: Vec<(f64, bool)> = obs.iter().copied().filter(|(t, _)| t.is_finite()).collect();
    sorted.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut counts: Vec<(f64, u64, u64)> = Vec::new(); // time, events, leaving (events + censored)
    for (t, e) in sorted {
        match counts.last_mut() {
            Some(last) if last.0 == t => {
                last.1 += u64::from(e);
                last.2 += 1;
            }
            _ => counts.push((t, u64::from(e), 1)),
        }
    }
    from_counts(&counts, obs.len() as u64)
}

/// Kaplan–Meier estimate from counts per distinct time: (time, events, leaving the risk set).
pub fn from_counts(counts: &[(f64, u64, u64)], n: u64) -> Vec<SurvivalPoint> {
    let mut at_risk = n;
    let (mut s, mut greenwood) = (1.0f64, 0.0f64);
    let mut out = Vec::new();
    for &(time, events, leaving) in counts {
        if events > 0 && at_risk > 0 {
            let (d, r) = (events as f64, at_risk as f64);
            s *= 1.0 - d / r;
            if r > d {
                greenwood += d / (r * (r - d));
            }
            let (lo, hi) = loglog_interval(s, greenwood);
            out.push(SurvivalPoint { time, at_risk, events, survival: s, lo, hi });
        }
        at_risk = at_risk.saturating_sub(leaving);
    }
    out
}

/// 95% interval for S on the complementary log-log scale (Kalbfleisch and Prentice), which
/// stays inside [0, 1].
fn loglog_interval(s: f64, greenwood: f64) -> (f64, f64) {
    if s <= 0.0 || s >= 1.0 {
        return (s, s);
    }
    // se of log(-log S) by the delta method; the bounds are S^(exp(±z·se)).
    let se = greenwood.sqrt() / s.ln().abs();
    (s.powf((Z95 * se).exp()), s.powf((-Z95 * se).exp()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_a_hand_worked_table() {
        // Times 1,2,2,3+,4,5+ ('+' censored), n = 6.
        // t=1: 6 at risk, 1 event -> S = 5/6
        // t=2: 5 at risk, 2 events -> S = 5/6 * 3/5 = 1/2
        // t=3: censored, risk set 3 -> 2
        // t=4: 2 at risk, 1 event -> S = 1/2 * 1/2 = 1/4
        let obs = [(1.0, true), (2.0, true), (2.0, true), (3.0, false), (4.0, true), (5.0, false)];
        let km = kaplan_meier(&obs);
        let s: Vec<(f64, u64, f64)> = km.iter().map(|p| (p.time, p.at_risk, p.survival)).collect();
        assert_eq!(s.len(), 3);
        assert_eq!((s[0].0, s[0].1), (1.0, 6));
        assert!((s[0].2 - 5.0 / 6.0).abs() < 1e-12);
        assert_eq!((s[1].0, s[1].1), (2.0, 5));
        assert!((s[1].2 - 0.5).abs() < 1e-12);
        assert_eq!((s[2].0, s[2].1), (4.0, 2));
        assert!((s[2].2 - 0.25).abs() < 1e-12);
        // Greenwood at t=2: 1/(6*5) + 2/(5*3) = 0.1667; var(S) = S^2 * that = 0.04167.
        let p = km[1];
        assert!(p.lo < 0.5 && p.hi > 0.5 && p.lo > 0.0 && p.hi < 1.0, "{p:?}");
    }

    #[test]
    fn all_censored_gives_no_steps_and_all_events_reach_zero() {
        assert!(kaplan_meier(&[(3.0, false), (4.0, false)]).is_empty());
        let km = kaplan_meier(&[(1.0, true), (2.0, true)]);
        assert_eq!(km.last().unwrap().survival, 0.0);
    }
}
