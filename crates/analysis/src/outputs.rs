//! What a results folder shows, from the condensed runs: every chart, the tables of the
//! scenario-level analyses (distributions at the horizon, Sobol indices, PRIM boxes) and
//! `report.md`. Nothing here touches a file: charts are drawn through the `draw` callback the
//! caller gives, tables are returned as bytes.

use crate::charts::{self, Heat, Stamp};
use crate::detail::{Detail, HORIZON_VARS};
use crate::prim::{prim, PrimResult};
use crate::sobol::{sobol_indices, SobolIndex};
use crate::summary::{PolicySummary, Risk};
use brink_core::KEY_RUNGS;
use brink_sweep::{Method, Monthly, Plan};
use std::fmt::Write as _;
use std::path::Path;

/// Bins per axis of the heatmap.
const HEAT_BINS: usize = 6;
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
    Stamp { hash: plan.hash.clone(), runs: plan.runs(), horizon: plan.exp.horizon }
}

fn names_of(plan: &Plan) -> Vec<String> {
    plan.exp.policies.iter().map(|p| p.name().to_string()).collect()
}

/// Draws every chart of a result through `draw` and returns the tables of the scenario-level
/// analyses with what the report says of them.
pub fn draw_all(plan: &Plan, s: &[PolicySummary], d: &Detail, m: &Monthly, draw: Draw) -> Result<Findings, String> {
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
    draw("tradeoff.png", &|p| charts::tradeoff(p, s, &stamp))?;
    let q: Vec<_> =
        (0..np).map(|p| [d.quantiles(p, 0), d.quantiles(p, 1), d.quantiles(p, 2), d.quantiles(p, 3)]).collect();
    draw("distributions.png", &|p| charts::distributions(p, &q, &names, &stamp))?;
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
        heatmap(plan, d, draw, (0, 1), "heatmap.png")?;
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
        f.prim = scenario_discovery(plan, d);
        let runs: Vec<(&str, &PrimResult)> = f.prim.iter().map(|(l, r, _)| (l.as_str(), r)).collect();
        let title =
            format!("Scenario discovery (PRIM): where {} is riskier or safer than the best alternative", names[r]);
        draw("prim.png", &|p| charts::prim_tradeoff(p, &title, &runs, &stamp))?;
        f.tables.push(("prim.csv".into(), prim_csv(plan, &f.prim).into_bytes()));
    }
    Ok(f)
}

/// P(deadly incident or worse) of the reference over two swept parameters, and its difference
/// from the best alternative in each cell.
/// The same heatmap over uncertain parameters `axes` (indices into the experiment's uncertain
/// list), drawn to `file` through `draw`.
pub fn heatmap(plan: &Plan, d: &Detail, draw: Draw, axes: (usize, usize), file: &str) -> Result<(), String> {
    let (stamp, names) = (&stamp_of(plan), &names_of(plan));
    let (ax, ay) = axes;
    let (ux, uy) = (&plan.exp.uncertain[ax], &plan.exp.uncertain[ay]);
    let np = names.len();
    let r = plan.exp.reference;
    let mut n = vec![vec![vec![0u64; HEAT_BINS]; HEAT_BINS]; np];
    let mut h = n.clone();
    let bin = |v: f64, lo: f64, hi: f64| {
        (((v - lo) / (hi - lo).max(1e-300)) * HEAT_BINS as f64).clamp(0.0, HEAT_BINS as f64 - 1.0) as usize
    };
    for sc in 0..d.scenarios() {
        let pt = plan.design().point(sc);
        let (i, j) = (bin(pt[ax], ux.low, ux.high), bin(pt[ay], uy.low, uy.high));
        for p in 0..np {
            let (runs, hits) = d.scenario_counts(sc, p);
            n[p][j][i] += runs as u64;
            h[p][j][i] += hits as u64;
        }
    }
    let rate =
        |p: usize, i: usize, j: usize| if n[p][j][i] == 0 { f64::NAN } else { h[p][j][i] as f64 / n[p][j][i] as f64 };
    let grid_ref: Vec<Vec<f64>> = (0..HEAT_BINS).map(|j| (0..HEAT_BINS).map(|i| rate(r, i, j)).collect()).collect();
    let grid_diff: Vec<Vec<f64>> = (0..HEAT_BINS)
        .map(|j| {
            (0..HEAT_BINS)
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
    let range = |g: &[Vec<f64>]| {
        let v: Vec<f64> = g.iter().flatten().copied().filter(|x| x.is_finite()).collect();
        (
            v.iter().copied().fold(f64::INFINITY, f64::min).min(0.0),
            v.iter().copied().fold(f64::NEG_INFINITY, f64::max).max(1e-6),
        )
    };
    let mut panels = vec![Heat {
        title: format!("P(deadly incident or worse), {}", names[r]),
        grid: &grid_ref,
        range: range(&grid_ref),
        unit: "probability".into(),
    }];
    if np >= 2 {
        panels.push(Heat {
            title: format!("{} minus the best alternative", names[r]),
            grid: &grid_diff,
            range: range(&grid_diff),
            unit: "difference in probability".into(),
        });
    }
    let title = format!(
        "Risk over {} and {} ({}x{} bins of scenarios)",
        ux.param.name(),
        uy.param.name(),
        HEAT_BINS,
        HEAT_BINS
    );
    draw(file, &|p| {
        charts::heatmap(
            p,
            &title,
            (ux.param.name(), ux.low, ux.high),
            (uy.param.name(), uy.low, uy.high),
            &panels,
            stamp,
        )
    })
}

/// PRIM on scenarios: the reference policy is riskier (or safer) than the best alternative
/// when their difference in P(deadly incident or worse) exceeds 1.645 standard errors.
fn scenario_discovery(plan: &Plan, d: &Detail) -> Vec<(String, PrimResult, usize)> {
    let np = plan.exp.policies.len();
    let r = plan.exp.reference;
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
            "the behaviour parameters {} are drawn, one posterior row per scenario, from the posterior of calibration `{}` to the historical record 1994-2016 ({} accepted draws of {}, {}; posterior.csv in this folder, BLAKE3 `{}`; docs/CALIBRATION.md); every other parameter is at its documented default except those swept (docs/MODEL.md).",
            e.posterior_params.iter().map(|p| format!("`{}`", p.name())).collect::<Vec<_>>().join(", "),
            post.meta("calibration").unwrap_or("?"),
            post.rows.len(),
            post.meta("draws").unwrap_or("?"),
            post.meta("method").unwrap_or("rejection ABC"),
            &post.blake3[..16.min(post.blake3.len())],
        ),
        None => "behaviour parameters at their documented defaults except those swept (docs/MODEL.md); not drawn from the calibrated posterior (no [posterior] in this experiment).".to_string(),
    }
}

/// `report.md`: the question, the design, the headline table, every chart with a one-sentence
/// reading, and the caveats.
pub fn report(plan: &Plan, s: &[PolicySummary], f: &Findings, charts: &[String]) -> String {
    let e = &plan.exp;
    let refname = e.policies[e.reference].name();
    let mut o = String::new();
    let _ = writeln!(o, "# brink result {}\n", plan.hash);
    let _ = writeln!(o, "**Question.** Which US strategy toward North Korea carries the least risk of escalation, and under which assumptions? {}\n", e.description);
    let _ = writeln!(
        o,
        "**Design.** {} ({}): {} scenarios of {} uncertain parameters x {} replications x {} policies = {} runs of {} months. Each (scenario, replication) uses the same random streams under every policy, so differences between policies are paired. Model {}; {}\n",
        e.name,
        e.method.name(),
        plan.design().len(),
        e.uncertain.len(),
        e.replications,
        e.policies.len(),
        plan.runs(),
        e.horizon,
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
    let _ = writeln!(o, "## Headline\n\nProbability within {} months, % with Wilson 95% interval; paired difference against `{refname}` in percentage points with its 95% interval.\n", e.horizon);
    let _ = writeln!(o, "| policy | deadly incident or worse | vs ref. | war or worse | nuclear use | nuclear accident | onward transfer | warheads at end |");
    let _ = writeln!(o, "|---|---|---|---|---|---|---|---|");
    let pct = |p: &crate::stats::Proportion| format!("{:.1} [{:.1}, {:.1}]", 100.0 * p.p, 100.0 * p.lo, 100.0 * p.hi);
    let k = |r: Risk| Risk::ALL.iter().position(|x| *x == r).expect("listed");
    for p in s {
        let d = p.versus_reference[k(Risk::DeadlyIncident)];
        let diff = if p.policy == refname {
            "ref.".to_string()
        } else {
            format!("{:+.1} [{:+.1}, {:+.1}]", 100.0 * d.mean, 100.0 * d.lo, 100.0 * d.hi)
        };
        let _ = writeln!(
            o,
            "| {} | {} | {} | {} | {} | {} | {} | {:.1} |",
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
            "score_fan.png" => "The monthly escalation score (Rivera et al. 2024 points): the median run and the spread of runs each month.".into(),
            "survival.png" => "Kaplan–Meier curves: the share of runs still free of a deadly incident after each month.".into(),
            "tradeoff.png" => "Risk against the arsenal at the horizon: policies low and to the left buy lower risk and a smaller arsenal.".into(),
            "distributions.png" => "Where the runs end: warheads, alliance cohesion, trust and sanctions at the horizon.".into(),
            "heatmap.png" => format!(
                "Risk over `{}` and `{}` (the first two swept parameters; `brink plot HASH --heatmap X,Y` draws any pair); the right panel is `{refname}` minus the best alternative in each cell (below zero: the reference is safer there).",
                e.uncertain.first().map(|u| u.param.name()).unwrap_or("-"),
                e.uncertain.get(1).map(|u| u.param.name()).unwrap_or("-")
            ),
            "sobol.png" => "Which assumptions drive the reference policy's risk: first-order (alone) and total (with interactions) shares of its variance.".into(),
            "sobol_difference.png" => "Which assumptions decide whether the reference is safer than the best alternative: Sobol indices of the difference in risk, scenario by scenario.".into(),
            "prim.png" => "PRIM peeling trajectories: boxes of assumptions where the reference is riskier (or safer) than the best alternative, trading coverage for density.".into(),
            _ => String::new(),
        }
    };
    const ORDER: [&str; 11] = [
        "risk_by_policy.png",
        "hazards_by_policy.png",
        "cumulative_risk.png",
        "survival.png",
        "score_fan.png",
        "tradeoff.png",
        "distributions.png",
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
                "- **{label}** ({cases} of {} scenarios): box {} covers {:.0}% of them with density {:.0}% (support {:.0}%).",
                plan.design().len(),
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
        "## Caveats\n\n- Calibration is partial: eight behaviour parameters are fitted to the 1994-2016 record when the experiment draws from the posterior (docs/CALIBRATION.md, which lists what the model gets wrong there); the rest are documented assumptions (docs/MODEL.md), and the ranges swept are judgments, not estimates.\n- Japan and Russia are folded into the UNSC and China; US and ROK domestic politics appear only as an election switch and a fixed engagement preference.\n- Nuclear accidents and onward transfers have no DPRK record to anchor their rates; read their levels as scenarios, their differences between policies as mechanisms.\n- Policies are encoded by judgment as lever values; a different encoding of the same strategy can change its risk.\n- Probabilities are per run over {} months; intervals cover Monte Carlo noise only, not model error.",
        e.horizon
    );
    o
}
