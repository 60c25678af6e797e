//! What a results folder shows, from the condensed runs: every chart, the tables of the
//! scenario-level analyses (distributions at the horizon, Sobol indices, PRIM boxes) and
//! `report.md`. Nothing here touches a file: charts are drawn through the `draw` callback the
//! caller gives, tables are returned as bytes.

use crate::charts::{self, Effect, Heat, HeatAxis, PrimCase, Scale, Stamp};
use crate::detail::{Detail, HORIZON_VARS};
use crate::frames::MonthlyView;
use crate::prim::{prim, PrimResult};
use crate::robust::Robustness;
use crate::sobol::{sobol_indices, SobolIndex};
use crate::stats::{wilson, Z95};
use crate::summary::{PolicySummary, Risk};
use crate::words::count;
use brink_core::Param;
use brink_core::KEY_RUNGS;
use brink_sweep::{Method, Plan};
use std::fmt::Write as _;
use std::path::Path;

/// Bootstrap resamples for Sobol intervals.
const SOBOL_BOOTSTRAP: usize = 500;
/// PRIM: share peeled per step and smallest support (0.1 each: smaller values let the chosen
/// box pick up noise in irrelevant dimensions; see the tests of prim.rs).
const PRIM_ALPHA: f64 = 0.1;
const PRIM_MIN_SUPPORT: f64 = 0.1;

/// Results of the scenario-level analyses, for the report.
#[derive(Default)]
pub struct Findings {
    /// Sobol indices of the reference policy's risk, by uncertain parameter.
    pub sobol: Option<Vec<SobolIndex>>,
    /// Sobol indices of the difference: the reference's risk minus the best alternative's,
    /// scenario by scenario (what decides whether the reference is the safer choice).
    pub sobol_difference: Option<Vec<SobolIndex>>,
    /// Warnings about the Sobol indices' noise, for the report and stderr.
    pub sobol_warnings: Vec<String>,
    /// PRIM: where the reference is riskier than the best alternative, and where safer.
    pub prim: Vec<(String, PrimResult, usize)>,
    /// Tables to write: (file relative to the folder, bytes).
    pub tables: Vec<(String, Vec<u8>)>,
}

/// Draws chart `name` with the function given, which writes a PNG to the path it is passed.
pub type Draw<'a> = &'a dyn Fn(&str, &dyn Fn(&Path) -> Result<(), String>) -> Result<(), String>;

fn stamp_of(plan: &Plan) -> Stamp {
    Stamp { hash: plan.hash.clone(), runs: plan.runs(), horizon: plan.exp.horizon, start: plan.exp.start }
}

fn names_of(plan: &Plan) -> Vec<String> {
    plan.exp.policies.iter().map(|p| p.name().to_string()).collect()
}

/// Draws every chart of a result through `draw` and returns the tables of the scenario-level
/// analyses with what the report says of them.
pub fn draw_all(
    plan: &Plan,
    s: &[PolicySummary],
    rob: &[Robustness],
    d: &Detail,
    m: &MonthlyView,
    draw: Draw,
) -> Result<Findings, String> {
    let stamp = stamp_of(plan);
    let names = names_of(plan);
    let np = names.len();
    let r = plan.exp.reference;
    draw("risk_by_policy.png", &|p| {
        charts::risk_panels(
            p,
            "Risk of escalation per US policy",
            &[Risk::DeadlyIncident, Risk::War, Risk::NuclearUse],
            s,
            r,
            &stamp,
        )
    })?;
    draw("hazards_by_policy.png", &|p| {
        charts::risk_panels(
            p,
            "Strikes, accidents and onward transfer per US policy",
            &[Risk::LimitedStrikes, Risk::Accident, Risk::Transfer],
            s,
            r,
            &stamp,
        )
    })?;
    let idx = |rung: brink_core::Rung| KEY_RUNGS.iter().position(|x| *x == rung).expect("key rung");
    draw("cumulative_risk.png", &|p| {
        charts::cumulative_risk(
            p,
            m,
            &names,
            &[
                (idx(brink_core::Rung::DeadlyIncident), "deadly incident or worse"),
                (idx(brink_core::Rung::War), "war or worse"),
            ],
            &stamp,
        )
    })?;
    draw("score_fan.png", &|p| charts::score_fan(p, m, &names, &stamp))?;
    let curves: Vec<_> = (0..np).map(|p| d.survival(p)).collect();
    draw("survival.png", &|p| charts::survival(p, &curves, &names, &stamp))?;
    let q: Vec<_> =
        (0..np).map(|p| [d.quantiles(p, 0), d.quantiles(p, 1), d.quantiles(p, 2), d.quantiles(p, 3)]).collect();
    let warheads: Vec<_> = q.iter().map(|x| x[0]).collect();
    draw("tradeoff.png", &|p| charts::tradeoff(p, s, &warheads, &stamp))?;
    draw("distributions.png", &|p| charts::distributions(p, &q, &names, &stamp))?;
    if d.scenarios() >= 2 && np >= 2 {
        let risk: Vec<Vec<f64>> =
            (0..np).map(|p| (0..d.scenarios()).map(|sc| d.scenario_risk(sc, p)).collect()).collect();
        let by_scenario: Vec<Vec<f64>> = (0..d.scenarios()).map(|sc| crate::robust::regrets(d, sc)).collect();
        let regret: Vec<Vec<f64>> = (0..np).map(|p| by_scenario.iter().map(|r| r[p]).collect()).collect();
        draw("robustness.png", &|p| {
            charts::robustness_strips(p, &names, &risk, &regret, plan.exp.satisficing, &stamp)
        })?;
        let shares: Vec<Vec<f64>> = rob.iter().map(|x| x.rank_share.clone()).collect();
        draw("rank_stability.png", &|p| charts::rank_stability(p, &names, &shares, &stamp))?;
    }
    let mut horizon = String::from("policy,variable,p05,p25,p50,p75,p95\n");
    for (p, name) in names.iter().enumerate() {
        for (k, var) in HORIZON_VARS.iter().enumerate() {
            let v = q[p][k];
            let _ = writeln!(horizon, "{name},{var},{:.4},{:.4},{:.4},{:.4},{:.4}", v[0], v[1], v[2], v[3], v[4]);
        }
    }
    let mut f = Findings { tables: vec![("horizon.csv".into(), horizon.into_bytes())], ..Findings::default() };
    let u = &plan.exp.uncertain;
    if u.len() >= 2 {
        heatmap(plan, d, draw, (u[0].param, u[1].param), "heatmap.png")?;
    }
    if !u.is_empty() {
        main_effects(plan, d, draw)?;
    }
    if plan.exp.policies.iter().any(|p| p.uncertain().iter().any(|(_, lo, hi)| hi > lo)) && d.scenarios() >= 2 {
        family_effects(plan, d, draw)?;
    }
    if plan.exp.method == Method::Sobol && !u.is_empty() {
        let seed = u64::from_str_radix(&plan.hash, 16).unwrap_or(0);
        let params: Vec<String> = u.iter().map(|x| x.param.name().to_string()).collect();
        let risk: Vec<f64> = (0..d.scenarios()).map(|sc| d.scenario_risk(sc, r)).collect();
        let idx = sobol_indices(&risk, u.len(), SOBOL_BOOTSTRAP, seed);
        let title = format!("Sobol indices of P(deadly incident or worse) under {}", names[r]);
        draw("sobol.png", &|p| charts::sobol_bars(p, &title, &params, &idx, &stamp))?;
        let mut csv = String::from("output,parameter,first,first_lo,first_hi,total,total_lo,total_hi\n");
        let mut rows = |output: &str, idx: &[SobolIndex]| {
            for (name, i) in params.iter().zip(idx) {
                let _ = writeln!(
                    csv,
                    "{output},{name},{:.4},{:.4},{:.4},{:.4},{:.4},{:.4}",
                    i.first, i.first_lo, i.first_hi, i.total, i.total_lo, i.total_hi
                );
            }
        };
        rows("reference", &idx);
        // Replication noise's share of the variance across scenarios of an estimate: the mean
        // binomial variance of the estimates over their variance.
        let noise_share = |y: &[f64], noise: &[f64]| {
            let ok: Vec<(f64, f64)> =
                y.iter().zip(noise).filter(|(v, n)| v.is_finite() && n.is_finite()).map(|(v, n)| (*v, *n)).collect();
            let k = ok.len().max(1) as f64;
            let m = ok.iter().map(|x| x.0).sum::<f64>() / k;
            let var = ok.iter().map(|x| (x.0 - m).powi(2)).sum::<f64>() / k;
            (var > 0.0).then(|| ok.iter().map(|x| x.1).sum::<f64>() / k / var)
        };
        let binomial = |sc: usize, p: usize| {
            let (runs, hits) = d.scenario_counts(sc, p);
            let q = hits as f64 / runs.max(1) as f64;
            q * (1.0 - q) / runs.max(1) as f64
        };
        let ref_noise: Vec<f64> = (0..d.scenarios()).map(|sc| binomial(sc, r)).collect();
        let base = plan.exp.samples as usize;
        for w in crate::sobol::noise(&idx, base, noise_share(&risk, &ref_noise)).warnings {
            f.sobol_warnings.push(format!("Sobol indices of {}'s risk: {w}", names[r]));
        }
        if np >= 2 {
            // The reference's risk minus the best alternative's, scenario by scenario.
            let diff: Vec<f64> = (0..d.scenarios())
                .map(|sc| {
                    let best =
                        (0..np).filter(|p| *p != r).map(|p| d.scenario_risk(sc, p)).fold(f64::INFINITY, f64::min);
                    d.scenario_risk(sc, r) - best
                })
                .collect();
            let di = sobol_indices(&diff, u.len(), SOBOL_BOOTSTRAP, seed ^ 0xD1FF);
            // The difference of two paired estimates: at most the sum of their noises (common
            // random numbers make it less).
            let diff_noise: Vec<f64> = (0..d.scenarios())
                .map(|sc| {
                    let best = (0..np)
                        .filter(|p| *p != r)
                        .min_by(|a, b| d.scenario_risk(sc, *a).total_cmp(&d.scenario_risk(sc, *b)));
                    ref_noise[sc] + best.map(|b| binomial(sc, b)).unwrap_or(0.0)
                })
                .collect();
            let share = noise_share(&diff, &diff_noise);
            for w in crate::sobol::noise(&di, base, share).warnings {
                f.sobol_warnings.push(format!("Sobol indices of the difference from the best alternative: {w}"));
            }
            rows("difference", &di);
            let title =
                format!("Sobol indices of {} minus the best alternative: P(deadly incident or worse)", names[r]);
            draw("sobol_difference.png", &|p| charts::sobol_bars(p, &title, &params, &di, &stamp))?;
            f.sobol_difference = Some(di);
        }
        f.tables.push(("sobol.csv".into(), csv.into_bytes()));
        f.sobol = Some(idx);
    }
    if !u.is_empty() && np >= 2 {
        f.prim = scenario_discovery(plan, d, r);
        let best = answer_policy(s);
        if best != r {
            // Where the policy with the lowest risk is not the safest: where the answer changes.
            f.prim.extend(scenario_discovery(plan, d, best).into_iter().take(1));
        }
        let cases: Vec<PrimCase> =
            f.prim.iter().map(|(l, r, n)| PrimCase { label: l.as_str(), result: r, cases: *n }).collect();
        let params: Vec<(String, f64, f64)> = u.iter().map(|x| (x.param.name().to_string(), x.low, x.high)).collect();
        let title =
            format!("Scenario discovery (PRIM): where {} is riskier or safer than the best alternative", names[r]);
        draw("prim.png", &|p| charts::prim_chart(p, &title, &cases, &params, &stamp))?;
        f.tables.push(("prim.csv".into(), prim_csv(plan, &f.prim).into_bytes()));
    }
    Ok(f)
}

/// The parameters whose value differs between scenarios: the swept ones, then those drawn
/// from the posterior.
pub fn varying(plan: &Plan) -> Vec<Param> {
    let mut v: Vec<Param> = plan.exp.uncertain.iter().map(|u| u.param).collect();
    if plan.exp.posterior.is_some() {
        v.extend(plan.exp.posterior_params.iter().filter(|p| !v.contains(p)).copied().collect::<Vec<_>>());
    }
    v
}

/// The value of `param` in every scenario, with its range: the swept range for a swept
/// parameter, the smallest and largest drawn value for one drawn from the posterior.
fn scenario_values(plan: &Plan, param: Param) -> (Vec<f64>, (f64, f64)) {
    let n = plan.design().len();
    if let Some(j) = plan.exp.uncertain.iter().position(|u| u.param == param) {
        let u = &plan.exp.uncertain[j];
        return ((0..n).map(|s| plan.design().point(s)[j]).collect(), (u.low, u.high));
    }
    let v: Vec<f64> = (0..n as u32).map(|s| plan.params(s).get(param)).collect();
    let lo = v.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = v.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    (v, (lo, hi))
}

/// Scenarios binned by the value of one parameter.
struct Binned {
    /// Bin of each scenario.
    bin: Vec<usize>,
    /// Label of each bin.
    labels: Vec<String>,
    /// Centre of each bin: the value itself where bins are the distinct values.
    centers: Vec<f64>,
}

/// Bins `values` (in `range`): one bin per distinct value where there are at most 12 (the
/// levels of a grid, say), else `k` bins of equal width.
fn bin_values(values: &[f64], range: (f64, f64), k: usize) -> Binned {
    let mut distinct: Vec<f64> = values.to_vec();
    distinct.sort_by(f64::total_cmp);
    distinct.dedup();
    if distinct.len() <= 12 {
        let bin = values.iter().map(|v| distinct.partition_point(|x| x < v)).collect();
        let labels = distinct.iter().map(|v| charts::short(*v)).collect();
        return Binned { bin, labels, centers: distinct };
    }
    let (lo, hi) = range;
    let w = (hi - lo).max(1e-300) / k as f64;
    let bin = values.iter().map(|v| (((v - lo) / w) as usize).min(k - 1)).collect();
    let edges: Vec<f64> = (0..=k).map(|i| lo + w * i as f64).collect();
    let labels = (0..k)
        .map(|i| {
            if k <= 5 {
                format!("{}–{}", charts::short(edges[i]), charts::short(edges[i + 1]))
            } else {
                charts::short((edges[i] + edges[i + 1]) / 2.0)
            }
        })
        .collect();
    let centers = (0..k).map(|i| (edges[i] + edges[i + 1]) / 2.0).collect();
    Binned { bin, labels, centers }
}

/// The smallest of 1, 2, 2.5, 5 times a power of ten at or above `x`.
fn nice(x: f64) -> f64 {
    if x <= 0.0 || !x.is_finite() {
        return 0.01;
    }
    let e = 10f64.powf(x.log10().floor());
    [1.0, 2.0, 2.5, 5.0, 10.0].into_iter().find(|m| m * e >= x * (1.0 - 1e-12)).unwrap_or(10.0) * e
}

/// P(deadly incident or worse) of the reference over two parameters (swept, or drawn from the
/// posterior), and its difference from the best alternative in each cell, drawn to `file`
/// through `draw`.
pub fn heatmap(plan: &Plan, d: &Detail, draw: Draw, axes: (Param, Param), file: &str) -> Result<(), String> {
    let (stamp, names) = (&stamp_of(plan), &names_of(plan));
    let np = names.len();
    let r = plan.exp.reference;
    let scenarios = d.scenarios();
    let k = (((scenarios as f64 / 3.0).sqrt()) as usize).clamp(2, 8);
    let (vx, rx) = scenario_values(plan, axes.0);
    let (vy, ry) = scenario_values(plan, axes.1);
    let (bx, by) = (bin_values(&vx, rx, k), bin_values(&vy, ry, k));
    let (nx, ny) = (bx.labels.len(), by.labels.len());
    let mut n = vec![vec![vec![0u64; nx]; ny]; np];
    let mut h = n.clone();
    for sc in 0..scenarios {
        let (i, j) = (bx.bin[sc], by.bin[sc]);
        for p in 0..np {
            let (runs, hits) = d.scenario_counts(sc, p);
            n[p][j][i] += runs as u64;
            h[p][j][i] += hits as u64;
        }
    }
    let rate =
        |p: usize, i: usize, j: usize| if n[p][j][i] == 0 { f64::NAN } else { h[p][j][i] as f64 / n[p][j][i] as f64 };
    let grid_ref: Vec<Vec<f64>> = (0..ny).map(|j| (0..nx).map(|i| rate(r, i, j)).collect()).collect();
    let grid_diff: Vec<Vec<f64>> = (0..ny)
        .map(|j| {
            (0..nx)
                .map(|i| {
                    let best = (0..np).filter(|p| *p != r).map(|p| rate(p, i, j)).fold(f64::INFINITY, f64::min);
                    if best.is_finite() {
                        rate(r, i, j) - best
                    } else {
                        f64::NAN
                    }
                })
                .collect()
        })
        .collect();
    let finite = |x: &&f64| x.is_finite();
    let top = grid_ref.iter().flatten().filter(finite).fold(0.0f64, |a, b| a.max(*b));
    let spread = grid_diff.iter().flatten().filter(finite).fold(0.0f64, |a, b| a.max(b.abs()));
    let mut panels = vec![Heat {
        title: format!("P(deadly incident or worse) under {}", names[r]),
        grid: &grid_ref,
        scale: Scale::Sequential { max: nice(top).min(1.0) },
        unit: "probability per run".into(),
    }];
    if np >= 2 {
        panels.push(Heat {
            title: format!("{} minus the best alternative in the cell", names[r]),
            grid: &grid_diff,
            scale: Scale::Diverging { limit: nice(spread) },
            unit: "difference in percentage points".into(),
        });
    }
    let title = format!("Risk over {} and {} ({nx} x {ny} cells of scenarios)", axes.0.name(), axes.1.name());
    let kind =
        |p: Param| if plan.exp.uncertain.iter().any(|u| u.param == p) { "swept" } else { "drawn from the posterior" };
    let both = if kind(axes.0) == kind(axes.1) {
        format!("Both parameters are {}", kind(axes.0))
    } else {
        format!("{} is {}, {} {}", axes.0.name(), kind(axes.0), axes.1.name(), kind(axes.1))
    };
    let notes = [
        format!("{both}; each cell pools the runs of the scenarios that fall in it (every other parameter as the design spreads it)."),
        "Grey cells hold no scenario. Right: red where the reference is riskier than the safest other policy, blue where it is safer.".to_string(),
    ];
    let notes: Vec<&str> = notes.iter().map(|s| s.as_str()).take(if np >= 2 { 2 } else { 1 }).collect();
    let x = HeatAxis { name: axes.0.name().to_string(), labels: bx.labels };
    let y = HeatAxis { name: axes.1.name().to_string(), labels: by.labels };
    draw(file, &|p| charts::heatmap(p, &title, &notes, &x, &y, &panels, stamp))
}

/// Main effects: for each swept parameter, the risk of each policy against the parameter's
/// value (scenarios binned by it), drawn to `main_effects.png`.
fn main_effects(plan: &Plan, d: &Detail, draw: Draw) -> Result<(), String> {
    let (stamp, names) = (&stamp_of(plan), &names_of(plan));
    let np = names.len();
    let scenarios = d.scenarios();
    let k = (scenarios / 8).clamp(3, 10);
    let effects: Vec<Effect> = plan
        .exp
        .uncertain
        .iter()
        .map(|u| {
            let (v, range) = scenario_values(plan, u.param);
            let b = bin_values(&v, range, k);
            let bins = b.centers.len();
            let mut counts = vec![vec![(0u64, 0u64); bins]; np];
            for sc in 0..scenarios {
                for (p, row) in counts.iter_mut().enumerate() {
                    let (runs, hits) = d.scenario_counts(sc, p);
                    row[b.bin[sc]].0 += runs as u64;
                    row[b.bin[sc]].1 += hits as u64;
                }
            }
            Effect {
                name: u.param.name().to_string(),
                range,
                x: b.centers,
                risk: counts.iter().map(|row| row.iter().map(|(n, h)| wilson(*h, *n, Z95)).collect()).collect(),
            }
        })
        .collect();
    let title = format!(
        "Main effects: P(deadly incident or worse) within {} months against each swept parameter",
        plan.exp.horizon
    );
    draw("main_effects.png", &|p| charts::main_effects(p, &title, &effects, names, stamp))
}

/// Policy families: for each family and each lever it leaves open, P(deadly incident or worse)
/// of every policy against the lever's value, the scenarios binned by the value the family drew
/// there: where the family's line leaves the others, that part of its region is safer or riskier.
fn family_effects(plan: &Plan, d: &Detail, draw: Draw) -> Result<(), String> {
    let (stamp, names) = (&stamp_of(plan), &names_of(plan));
    let np = names.len();
    let scenarios = d.scenarios();
    let k = (scenarios / 8).clamp(3, 10);
    let mut effects = Vec::new();
    for (f, pol) in plan.exp.policies.iter().enumerate() {
        // A range of zero width is a fixed value: nothing to draw against.
        for (lever, low, high) in pol.uncertain().iter().filter(|(_, lo, hi)| hi > lo) {
            let v: Vec<f64> = (0..scenarios).map(|sc| plan.policy_at(sc as u32, f as u16).get(*lever)).collect();
            let b = bin_values(&v, (*low, *high), k);
            let mut counts = vec![vec![(0u64, 0u64); b.centers.len()]; np];
            for sc in 0..scenarios {
                for (p, row) in counts.iter_mut().enumerate() {
                    let (runs, hits) = d.scenario_counts(sc, p);
                    row[b.bin[sc]].0 += runs as u64;
                    row[b.bin[sc]].1 += hits as u64;
                }
            }
            effects.push(Effect {
                name: format!("{}: {}", pol.name(), lever.name()),
                range: (*low, *high),
                x: b.centers,
                risk: counts.iter().map(|row| row.iter().map(|(n, h)| wilson(*h, *n, Z95)).collect()).collect(),
            });
        }
    }
    let title = format!(
        "Policy families: P(deadly incident or worse) within {} months against each open lever",
        plan.exp.horizon
    );
    draw("family_levers.png", &|p| charts::main_effects(p, &title, &effects, names, stamp))
}

/// The policy with the lowest pooled P(deadly incident or worse): the answer of the sweep's
/// question as the headline states it (the first listed among equals).
pub fn answer_policy(s: &[PolicySummary]) -> usize {
    (0..s.len()).min_by(|a, b| s[*a].risks[0].p.total_cmp(&s[*b].risks[0].p).then(a.cmp(b))).unwrap_or(0)
}

/// PRIM on scenarios: policy `r` is riskier (or safer) than the best alternative when their
/// difference in P(deadly incident or worse) exceeds 1.645 standard errors.
fn scenario_discovery(plan: &Plan, d: &Detail, r: usize) -> Vec<(String, PrimResult, usize)> {
    let np = plan.exp.policies.len();
    let dims = plan.exp.uncertain.len();
    let mut x = Vec::with_capacity(d.scenarios() * dims);
    let (mut riskier, mut safer) = (Vec::new(), Vec::new());
    for sc in 0..d.scenarios() {
        x.extend_from_slice(plan.design().point(sc));
        let (nr, hr) = d.scenario_counts(sc, r);
        let pr = hr as f64 / nr.max(1) as f64;
        let (mut best, mut best_n) = (f64::INFINITY, 1u32);
        for p in (0..np).filter(|p| *p != r) {
            let (n, h) = d.scenario_counts(sc, p);
            let v = h as f64 / n.max(1) as f64;
            if v < best {
                (best, best_n) = (v, n.max(1));
            }
        }
        let se = (pr * (1.0 - pr) / nr.max(1) as f64 + best * (1.0 - best) / best_n as f64).sqrt().max(1e-9);
        riskier.push(f64::from(u8::from(pr - best > 1.645 * se)));
        safer.push(f64::from(u8::from(best - pr > 1.645 * se)));
    }
    let name = plan.exp.policies[r].name();
    [
        (format!("{name} riskier than the best alternative"), riskier),
        (format!("{name} safer than every alternative"), safer),
    ]
    .into_iter()
    .map(|(label, y)| {
        let cases = y.iter().filter(|v| **v > 0.5).count();
        (label, prim(&x, dims, &y, PRIM_ALPHA, PRIM_MIN_SUPPORT, 0.0), cases)
    })
    .collect()
}

fn prim_csv(plan: &Plan, runs: &[(String, PrimResult, usize)]) -> String {
    let mut s = String::from("case,step,chosen,coverage,density,support");
    for u in &plan.exp.uncertain {
        let _ = write!(s, ",{0}_low,{0}_high", u.param.name());
    }
    s.push('\n');
    for (label, r, _) in runs {
        for (k, b) in r.trajectory.iter().enumerate() {
            let _ = write!(s, "\"{label}\",{k},{},{:.4},{:.4},{:.4}", k == r.chosen, b.coverage, b.density, b.support);
            for (lo, hi) in b.lower.iter().zip(&b.upper) {
                let _ = write!(s, ",{lo:.4},{hi:.4}");
            }
            s.push('\n');
        }
    }
    s
}

/// The design paragraph says where the behaviour parameters come from: the calibrated
/// posterior (which columns, from which calibration) or the documented defaults.
fn calibration_note(e: &brink_sweep::Experiment) -> String {
    match &e.posterior {
        Some(post) => format!(
            "the behaviour parameters {} are drawn, one posterior row per scenario, from the posterior of calibration `{}` to the historical record 1994-2016 ({} accepted draws{}, {}; posterior.csv in this folder, BLAKE3 `{}`; docs/CALIBRATION.md); every other parameter is at its documented default except those swept (docs/MODEL.md).",
            e.posterior_params.iter().map(|p| format!("`{}`", p.name())).collect::<Vec<_>>().join(", "),
            post.meta("calibration").unwrap_or("?"),
            post.rows.len(),
            post.meta("draws").map(|d| format!(" of {d}")).unwrap_or_default(),
            post.meta("method").unwrap_or("rejection ABC"),
            &post.blake3[..16.min(post.blake3.len())],
        ),
        None => "behaviour parameters at their documented defaults except those swept (docs/MODEL.md); not drawn from the calibrated posterior (no [posterior] in this experiment).".to_string(),
    }
}

/// `report.md`: the question, the design, the headline table, every chart with a one-sentence
/// reading, and the caveats.
pub fn report(plan: &Plan, s: &[PolicySummary], rob: &[Robustness], f: &Findings, charts: &[String]) -> String {
    let e = &plan.exp;
    let refname = e.policies[e.reference].name();
    let mut o = String::new();
    let _ = writeln!(o, "# brink result {}\n", plan.hash);
    let _ = writeln!(o, "{}", answer(plan, s, rob, f));
    let _ = writeln!(o, "**Question.** Which US strategy toward North Korea carries the least risk of escalation, and under which assumptions? {}\n", e.description);
    let _ = writeln!(
        o,
        "**Design.** {} ({}): {} of {} x {} x {} = {} of {}, starting {}. Each (scenario, replication) uses the same random streams under every policy, so differences between policies are paired. Model {}; {}\n",
        e.name,
        e.method.name(),
        count(plan.design().len() as u64, "scenario"),
        count(e.uncertain.len() as u64, "uncertain parameter"),
        count(e.replications, "replication"),
        count(e.policies.len() as u64, "policy"),
        count(plan.runs(), "run"),
        count(e.horizon, "month"),
        e.start,
        brink_core::MODEL_VERSION,
        calibration_note(e),
    );
    if !e.uncertain.is_empty() {
        let _ = writeln!(
            o,
            "Swept: {}.\n",
            e.uncertain
                .iter()
                .map(|u| format!("`{}` in [{}, {}]", u.param.name(), u.low, u.high))
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    let scen_ok = rob.len() == s.len() && rob.first().is_some_and(|x| x.scenarios >= 2);
    let _ = writeln!(o, "## Headline\n\nProbability within {} months, % with Wilson 95% interval (Monte Carlo noise only: every run counted as independent); paired difference against `{refname}` in percentage points with its 95% interval.{}\n", e.horizon,
        if scen_ok { " The columns \"over scenarios\" give cluster-robust 95% intervals that treat the scenarios as the units sampled (runs of one scenario share its assumptions): the uncertainty of the pooled figure when the scenarios are a sample of what may hold. They are the wider, honest ones for a claim about the assumptions as a whole." } else { "" });
    let _ = writeln!(o, "| policy | deadly incident or worse | over scenarios | vs ref. | vs ref. over scenarios | war or worse | nuclear use | nuclear accident | onward transfer | warheads at end |");
    let _ = writeln!(o, "|---|---|---|---|---|---|---|---|---|---|");
    let pct = |p: &crate::stats::Proportion| format!("{:.1} [{:.1}, {:.1}]", 100.0 * p.p, 100.0 * p.lo, 100.0 * p.hi);
    let k = |r: Risk| Risk::ALL.iter().position(|x| *x == r).expect("listed");
    for p in s {
        let d = p.versus_reference[k(Risk::DeadlyIncident)];
        let diff = if p.policy == refname {
            "ref.".to_string()
        } else {
            format!("{:+.1} [{:+.1}, {:+.1}]", 100.0 * d.mean, 100.0 * d.lo, 100.0 * d.hi)
        };
        let (scen, scen_diff) = match rob.iter().find(|x| x.policy == p.policy).filter(|_| scen_ok) {
            Some(x) => {
                let (lo, hi) = x.scenario_interval[k(Risk::DeadlyIncident)];
                let (dlo, dhi) = x.difference_interval[k(Risk::DeadlyIncident)];
                (
                    format!("[{:.1}, {:.1}]", 100.0 * lo, 100.0 * hi),
                    if p.policy == refname {
                        "ref.".into()
                    } else {
                        format!("[{:+.1}, {:+.1}]", 100.0 * dlo, 100.0 * dhi)
                    },
                )
            }
            None => ("-".into(), "-".into()),
        };
        let _ = writeln!(
            o,
            "| {} | {} | {scen} | {} | {scen_diff} | {} | {} | {} | {} | {:.1} |",
            p.policy,
            pct(&p.risks[k(Risk::DeadlyIncident)]),
            diff,
            pct(&p.risks[k(Risk::War)]),
            pct(&p.risks[k(Risk::NuclearUse)]),
            pct(&p.risks[k(Risk::Accident)]),
            pct(&p.risks[k(Risk::Transfer)]),
            p.warheads_end
        );
    }
    let _ = writeln!(
        o,
        "\n**Harm-weighted outcome** (expected deaths per run: {}; `[harm]` in the experiment sets the weights), mean with 95% interval and paired difference against `{refname}`:\n",
        brink_sweep::harm::KINDS
            .iter()
            .zip(e.harm.weights)
            .map(|(k, w)| format!("{} x {w}", k.counts))
            .collect::<Vec<_>>()
            .join(", ")
    );
    let _ = writeln!(o, "| policy | harm | vs ref. |\n|---|---|---|");
    for p in s {
        let (h, d) = (p.harm, p.harm_vs_reference);
        let diff = if p.policy == refname {
            "ref.".to_string()
        } else {
            format!("{:+.0} [{:+.0}, {:+.0}]", d.mean, d.lo, d.hi)
        };
        let _ = writeln!(o, "| {} | {:.0} [{:.0}, {:.0}] | {diff} |", p.policy, h.mean, h.lo, h.hi);
    }
    if scen_ok {
        let _ = writeln!(
            o,
            "\n## Robustness across scenarios\n\nHow each policy fares scenario by scenario ({} with {} each; scenarios.parquet has every row). Regret is a policy's P(deadly incident or worse) minus the lowest of any policy in the same scenario, in percentage points; \"under {}\" is the share of scenarios where the policy's risk stays at or under the experiment's satisficing threshold (`experiment.satisficing`); the last column is the spread of the policy's risk over scenarios (10th to 90th percentile).\n",
            count(rob[0].scenarios as u64, "scenario"),
            count(e.replications, "replication"),
            crate::charts::pct_tick(e.satisficing)
        );
        let _ = writeln!(o, "| policy | safest in (ties count for each) | within noise of the safest in | mean regret | median regret | 90th pct. regret | max regret | max regret beyond noise | under {} | risk over scenarios (p10-p90) |\n|---|---|---|---|---|---|---|---|---|---|", crate::charts::pct_tick(e.satisficing));
        for x in rob {
            let _ = writeln!(
                o,
                "| {} | {} of {} | {} | {:.1} | {:.1} | {:.1} | {:.1} | {:.1} | {:.0}% | {:.1}-{:.1}% |",
                x.policy,
                x.best_in,
                x.scenarios,
                x.near_best_in,
                100.0 * x.regret_mean,
                100.0 * x.regret_median,
                100.0 * x.regret_p90,
                100.0 * x.regret_max,
                100.0 * x.regret_max_beyond_noise,
                100.0 * x.satisficing,
                100.0 * x.risk_spread[1],
                100.0 * x.risk_spread[2]
            );
        }
        let mut ses: Vec<f64> = rob.iter().map(|x| x.regret_se_median).filter(|x| x.is_finite()).collect();
        ses.sort_by(f64::total_cmp);
        let se = crate::robust::quantile(&ses, 0.5);
        let _ = writeln!(
            o,
            "\nEach scenario's risk is estimated from its {}, so regret carries Monte Carlo noise: the paired standard error of a scenario's regret (its difference from the scenario's safest policy, replication by replication on the same random streams; `regret_se` in scenarios.parquet) is about {:.1} points (the median over policies and scenarios). Over {} the largest of many noisy shortfalls overstates the true maximum regret and makes \"safest in\" counts of close policies unstable: \"within noise of the safest\" counts the scenarios where a policy's regret is at most 1.645 of its standard errors, and \"max regret beyond noise\" takes 1.645 standard errors off every regret before the maximum. More replications shrink the noise; more scenarios do not.",
            count(e.replications, "replication"),
            100.0 * se,
            count(rob[0].scenarios as u64, "scenario")
        );
    }
    let lowest =
        s.iter().min_by(|a, b| a.risks[0].p.total_cmp(&b.risks[0].p)).map(|p| p.policy.as_str()).unwrap_or("-");
    let highest =
        s.iter().max_by(|a, b| a.risks[0].p.total_cmp(&b.risks[0].p)).map(|p| p.policy.as_str()).unwrap_or("-");
    let _ = writeln!(o, "\n## Charts\n");
    let reading = |c: &str| -> String {
        match c {
            "risk_by_policy.png" => format!("Probability of a deadly incident or worse, of war (a major conventional war) or worse and of nuclear use per policy; the lowest risk of a deadly incident is under `{lowest}`, the highest under `{highest}`; overlapping intervals mean the runs cannot tell those policies apart."),
            "hazards_by_policy.png" => "Limited strikes, nuclear accidents and onward transfers of material per policy, with Wilson intervals.".into(),
            "cumulative_risk.png" => "How the risk accumulates month by month: a steeper line means escalation comes sooner.".into(),
            "score_fan.png" => "The escalation score each run accumulates from its start: median, middle 50% and middle 90% of runs. Each month's actions score by category on the scale of Rivera et al. (2024): de-escalation -2, posturing 4, non-violent escalation 12, violence 28, nuclear use 60.".into(),
            "survival.png" => "Kaplan–Meier curves: the share of runs still free of a deadly incident (or worse) at the end of each month, with 95% bands.".into(),
            "tradeoff.png" => "Risk against the arsenal at the horizon: policies low and to the left buy lower risk and a smaller arsenal; vertical bars are Wilson 95% intervals of the risk, horizontal bars the middle half of runs' arsenals.".into(),
            "main_effects.png" => "The risk of each policy against each swept parameter in turn, the scenarios binned by that parameter (every other parameter varying as the design has it), with Wilson 95% intervals: where lines cross, the ranking of policies depends on that assumption.".into(),
            "distributions.png" => "Where the runs end: warheads, alliance cohesion, trust and sanctions at the horizon.".into(),
            "heatmap.png" => format!(
                "Risk over `{}` and `{}` (the first two swept parameters; `brink plot HASH --heatmap X,Y` draws any pair of swept or drawn parameters); the right panel is `{refname}` minus the safest other policy in each cell, in percentage points (blue: the reference is safer there, red: riskier); grey cells hold no scenario.",
                e.uncertain.first().map(|u| u.param.name()).unwrap_or("-"),
                e.uncertain.get(1).map(|u| u.param.name()).unwrap_or("-")
            ),
            "sobol.png" => "Which assumptions drive the reference policy's risk: first-order (alone) and total (with interactions) shares of its variance.".into(),
            "sobol_difference.png" => "Which assumptions decide whether the reference is safer than the best alternative: Sobol indices of the difference in risk, scenario by scenario.".into(),
            "robustness.png" => "Each policy's risk and regret scenario by scenario: how far the ranking depends on the assumptions. A policy whose dots sit at zero regret is the safest in those scenarios; a long tail of regret means scenarios where it is clearly not.".into(),
            "rank_stability.png" => "How often each policy ranks first (safest), second, ... across scenarios: a policy that is always first would fill its bar with the first colour.".into(),
            "family_levers.png" => "For each policy family, the risk of every policy against each lever the family leaves open, the scenarios binned by the value the family drew there: where the family's line falls below the others, that part of its region is the safer choice (the other policies' lines move only through the scenarios in each bin).".into(),
            "prim.png" => "PRIM scenario discovery: the peeling trajectories (boxes of assumptions trading coverage for density) and the range of every parameter in the chosen box, where the reference is riskier (or safer) than the best alternative.".into(),
            _ => String::new(),
        }
    };
    const ORDER: [&str; 15] = [
        "risk_by_policy.png",
        "robustness.png",
        "rank_stability.png",
        "hazards_by_policy.png",
        "cumulative_risk.png",
        "survival.png",
        "score_fan.png",
        "tradeoff.png",
        "distributions.png",
        "main_effects.png",
        "family_levers.png",
        "heatmap.png",
        "sobol.png",
        "sobol_difference.png",
        "prim.png",
    ];
    let mut ordered: Vec<&String> = charts.iter().collect();
    ordered.sort_by_key(|c| ORDER.iter().position(|x| x == c).unwrap_or(ORDER.len()));
    for c in ordered {
        let _ = writeln!(o, "![{c}](charts/{c})\n\n{}\n", reading(c));
    }
    if let Some(idx) = &f.sobol {
        let diff = f.sobol_difference.as_deref().unwrap_or(&[]);
        let _ = writeln!(o, "## Sensitivity (Sobol indices)\n");
        if !f.sobol_warnings.is_empty() {
            let _ = writeln!(o, "**Read with care:**\n");
            for w in &f.sobol_warnings {
                let _ = writeln!(o, "- {w}");
            }
            o.push('\n');
        }
        let _ = writeln!(
            o,
            "Shares of the variance across scenarios of the reference's risk, and of its difference from the best alternative (what decides whether `{refname}` is the safer choice), with 95% bootstrap intervals.\n\n| parameter | first order (risk) | total order (risk) | first order (difference) | total order (difference) |\n|---|---|---|---|---|"
        );
        for (k, (u, i)) in e.uncertain.iter().zip(idx).enumerate() {
            let dd = diff
                .get(k)
                .map(|x| {
                    format!(
                        "{:.2} [{:.2}, {:.2}] | {:.2} [{:.2}, {:.2}]",
                        x.first, x.first_lo, x.first_hi, x.total, x.total_lo, x.total_hi
                    )
                })
                .unwrap_or_else(|| "- | -".into());
            let _ = writeln!(
                o,
                "| `{}` | {:.2} [{:.2}, {:.2}] | {:.2} [{:.2}, {:.2}] | {dd} |",
                u.param.name(),
                i.first,
                i.first_lo,
                i.first_hi,
                i.total,
                i.total_lo,
                i.total_hi
            );
        }
        o.push('\n');
    }
    if !f.prim.is_empty() {
        let _ = writeln!(o, "## Scenario discovery (PRIM)\n");
        if plan.design().len() < 200 {
            let _ = writeln!(o, "With {} scenarios, a box that restricts many parameters is likely fitted to noise: read the restricted ranges with care, or rerun with more `design.samples`.\n", plan.design().len());
        }
        for (label, r, cases) in &f.prim {
            let Some(b) = r.trajectory.get(r.chosen) else { continue };
            if *cases == 0 {
                let _ = writeln!(o, "- **{label}**: no scenario qualifies (difference beyond 1.645 standard errors).");
                continue;
            }
            let bounds: Vec<String> = b
                .restricted
                .iter()
                .map(|j| format!("`{}` in [{:.3}, {:.3}]", e.uncertain[*j].param.name(), b.lower[*j], b.upper[*j]))
                .collect();
            let _ = writeln!(
                o,
                "- **{label}** ({cases} of {}): box {} covers {:.0}% of them with density {:.0}% (support {:.0}%).",
                count(plan.design().len() as u64, "scenario"),
                if bounds.is_empty() { "(no restriction)".to_string() } else { bounds.join(", ") },
                100.0 * b.coverage,
                100.0 * b.density,
                100.0 * b.support
            );
        }
        o.push('\n');
    }
    let _ = writeln!(
        o,
        "## Caveats\n\n- Calibration is partial: the behaviour parameters drawn from the posterior ({} in this experiment) are fitted to the 1994-2016 record (docs/CALIBRATION.md, which lists what the model gets wrong there); the rest are documented assumptions (docs/MODEL.md), and the ranges swept are judgments, not estimates.\n- Japan and Russia are folded into the UNSC and China; US and ROK domestic politics appear only as an election switch and a fixed engagement preference.\n- Nuclear accidents and onward transfers have no DPRK record to anchor their rates; read their levels as scenarios, their differences between policies as mechanisms.\n- Policies are encoded by judgment as lever values; a different encoding of the same strategy can change its risk.\n- Probabilities are per run over {} months; the Wilson and paired intervals cover Monte Carlo noise only, the intervals over scenarios also the spread across the scenarios sampled; none covers model error.",
        if e.posterior.is_some() { e.posterior_params.len() } else { 0 },
        e.horizon
    );
    o
}

/// The report's opening: one plain sentence that answers the experiment's question with the
/// headline and robustness numbers, then the conditions (PRIM box) under which it changes.
fn answer(plan: &Plan, s: &[PolicySummary], rob: &[Robustness], f: &Findings) -> String {
    let e = &plan.exp;
    let mut o = String::new();
    if s.is_empty() {
        return o;
    }
    let b = answer_policy(s);
    let r = e.reference;
    let best = &s[b];
    let p = best.risks[0];
    let scen = rob.get(b).filter(|x| x.scenarios >= 2);
    let outcome = format!("a deadly incident or worse within {} months", e.horizon);
    if s.len() == 1 {
        let _ = writeln!(
            o,
            "**Answer.** Under `{}`, the risk of {outcome} is {:.1}% (95% interval {:.1}-{:.1}%).\n",
            best.policy,
            100.0 * p.p,
            100.0 * p.lo,
            100.0 * p.hi
        );
        return o;
    }
    let _ = write!(
        o,
        "**Answer.** Of {} across {}, `{}` carries the lowest risk of {outcome}: {:.1}% (95% interval {:.1}-{:.1}% from Monte Carlo noise",
        count(s.len() as u64, "policy"),
        count(rob.first().map(|x| x.scenarios as u64).unwrap_or(1), "scenario"),
        best.policy,
        100.0 * p.p,
        100.0 * p.lo,
        100.0 * p.hi
    );
    if let Some(x) = scen {
        let (lo, hi) = x.scenario_interval[0];
        let _ = write!(o, ", {:.1}-{:.1}% over scenarios", 100.0 * lo, 100.0 * hi);
    }
    o.push(')');
    if let Some(x) = scen {
        let _ = write!(
            o,
            " and it is the safest in {} of {} scenarios (ties count for each policy tied)",
            x.best_in, x.scenarios
        );
    }
    o.push_str(". ");
    let refname = &s[r].policy;
    if b == r {
        // The runner-up and how far behind it is.
        if let Some(q) = (0..s.len()).filter(|q| *q != r).min_by(|a, c| s[*a].risks[0].p.total_cmp(&s[*c].risks[0].p)) {
            let d = s[q].versus_reference[0];
            let _ = write!(
                o,
                "It is the experiment's reference; the next safest, `{}`, is {:+.1} points riskier (95% interval {:+.1} to {:+.1}",
                s[q].policy,
                100.0 * d.mean,
                100.0 * d.lo,
                100.0 * d.hi
            );
            if let Some(x) = rob.get(q).filter(|x| x.scenarios >= 2) {
                let (lo, hi) = x.difference_interval[0];
                let _ = write!(o, "; {:+.1} to {:+.1} over scenarios", 100.0 * lo, 100.0 * hi);
            }
            o.push_str("). ");
        }
    } else {
        let d = best.versus_reference[0];
        let _ = write!(
            o,
            "The reference, `{refname}`, is {:+.1} points riskier (95% interval {:+.1} to {:+.1}",
            -100.0 * d.mean,
            -100.0 * d.hi,
            -100.0 * d.lo
        );
        if let Some(x) = scen {
            let (lo, hi) = x.difference_interval[0];
            let _ = write!(o, "; {:+.1} to {:+.1} over scenarios", -100.0 * hi, -100.0 * lo);
        }
        let _ = write!(o, ")");
        if let Some(x) = rob.get(r).filter(|x| x.scenarios >= 2) {
            let _ = write!(o, " and the safest in {} of {}", x.best_in, x.scenarios);
        }
        o.push_str(". ");
    }
    if rob.len() == s.len() && rob[0].scenarios >= 2 {
        let minimax =
            (0..rob.len()).min_by(|a, c| rob[*a].regret_max.total_cmp(&rob[*c].regret_max).then(a.cmp(c))).unwrap_or(b);
        let x = &rob[minimax];
        let _ = write!(
            o,
            "By maximum regret (the worst shortfall behind the safest policy in any scenario) the most robust is `{}`, at most {:.1} points behind ({:.1} beyond Monte Carlo noise",
            x.policy,
            100.0 * x.regret_max,
            100.0 * x.regret_max_beyond_noise
        );
        if minimax != b {
            let _ = write!(
                o,
                "; `{}`: {:.1}, {:.1} beyond noise",
                best.policy,
                100.0 * rob[b].regret_max,
                100.0 * rob[b].regret_max_beyond_noise
            );
        }
        o.push_str(").\n\n");
    } else {
        o.push_str("\n\n");
    }
    // When the answer changes: the PRIM case of the answer policy being beaten.
    let label = format!("{} riskier than the best alternative", best.policy);
    if let Some((_, pr, cases)) = f.prim.iter().find(|(l, _, _)| *l == label) {
        let total = plan.design().len();
        if *cases == 0 {
            let _ = writeln!(
                o,
                "**When the answer changes.** In no scenario is another policy safer than `{}` beyond Monte Carlo noise (1.645 standard errors).\n",
                best.policy
            );
        } else if let Some(bx) = pr.trajectory.get(pr.chosen) {
            // The restrictions that matter: those that keep under 80% of a parameter's range,
            // narrowest first, at most three; PRIM trims many others a little.
            let mut cut: Vec<(f64, usize)> = bx
                .restricted
                .iter()
                .map(|j| {
                    let u = &e.uncertain[*j];
                    ((bx.upper[*j] - bx.lower[*j]) / (u.high - u.low).max(f64::MIN_POSITIVE), *j)
                })
                .filter(|(w, _)| *w < 0.8)
                .collect();
            cut.sort_by(|a, c| a.0.total_cmp(&c.0).then(a.1.cmp(&c.1)));
            let bounds: Vec<String> = cut
                .iter()
                .take(3)
                .map(|(_, j)| {
                    format!(
                        "`{}` in [{}, {}]",
                        e.uncertain[*j].param.name(),
                        crate::charts::short(bx.lower[*j]),
                        crate::charts::short(bx.upper[*j])
                    )
                })
                .collect();
            let _ = writeln!(
                o,
                "**When the answer changes.** Another policy is safer than `{}` beyond Monte Carlo noise in {} of {} scenarios; {}{}\n",
                best.policy,
                cases,
                total,
                if bounds.is_empty() {
                    "PRIM finds no box of assumptions that singles them out (no parameter's range is cut below 80%: they are spread across the swept ranges).".to_string()
                } else {
                    format!(
                        "PRIM finds them mostly where {}{} (the box holds {:.0}% of them, and {:.0}% of the scenarios in it are such cases; the Scenario discovery section lists the whole box).",
                        bounds.join(" and "),
                        if bx.restricted.len() > bounds.len() {
                            format!(", with {} other parameters trimmed at their ends", bx.restricted.len() - bounds.len())
                        } else {
                            String::new()
                        },
                        100.0 * bx.coverage,
                        100.0 * bx.density
                    )
                },
                if total < 200 { " With few scenarios, read the box as a hint." } else { "" }
            );
        }
    }
    o
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_grid_of_l_levels_gets_l_cells_and_no_empty_one() {
        let levels = [0.5, 1.125, 1.75, 2.375, 3.0];
        let values: Vec<f64> = (0..25).map(|i| levels[i % 5]).collect();
        let b = bin_values(&values, (0.5, 3.0), 2);
        assert_eq!(b.labels.len(), 5);
        assert_eq!(b.centers, levels);
        for (v, bin) in values.iter().zip(&b.bin) {
            assert_eq!(levels[*bin], *v);
        }
    }

    #[test]
    fn spread_values_get_equal_bins_that_cover_the_range() {
        let values: Vec<f64> = (0..64).map(|i| 0.5 + 2.5 * (i as f64 + 0.5) / 64.0).collect();
        let b = bin_values(&values, (0.5, 3.0), 4);
        assert_eq!(b.labels.len(), 4);
        let mut per = [0; 4];
        b.bin.iter().for_each(|k| per[*k] += 1);
        assert_eq!(per, [16; 4]);
        assert_eq!(b.labels[0], "0.5–1.12");
        assert_eq!(nice(0.043), 0.05);
        assert_eq!(nice(0.05), 0.05);
    }
}
