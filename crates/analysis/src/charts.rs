//! PNG charts with plotters. Each carries a title, labelled axes with units, a legend where
//! colours need one, and the result hash. Text uses the embedded DejaVu Sans, so charts render
//! on a machine without system fonts. Time axes show calendar months from the experiment's
//! `start`.

use crate::frames::MonthlyView;
use crate::stats::Proportion;
use crate::summary::{PolicySummary, Risk};
use brink_sweep::Ym;
use plotters::coord::{CoordTranslate, Shift};
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use std::path::Path;
use std::sync::Once;

const FONT: &str = "sans-serif";
static FONT_ONCE: Once = Once::new();

/// Registers the embedded font with plotters (once per process).
pub fn register_font() {
    FONT_ONCE.call_once(|| {
        let bytes: &'static [u8] = include_bytes!("../assets/DejaVuSans.ttf");
        // The bytes are a valid TrueType font, checked by the chart tests.
        let _ = plotters::style::register_font(FONT, FontStyle::Normal, bytes);
        let _ = plotters::style::register_font(FONT, FontStyle::Bold, bytes);
    });
}

/// Colour of the `i`-th policy: a palette that stays readable in greyscale and for
/// colour-blind readers (Okabe and Ito 2008).
pub fn policy_color(i: usize) -> RGBColor {
    const P: [RGBColor; 8] = [
        RGBColor(230, 159, 0),
        RGBColor(86, 180, 233),
        RGBColor(0, 158, 115),
        RGBColor(204, 121, 167),
        RGBColor(213, 94, 0),
        RGBColor(0, 114, 178),
        RGBColor(120, 120, 120),
        RGBColor(0, 0, 0),
    ];
    P[i % P.len()]
}

/// What every chart states in its footer, and the calendar of its time axes.
#[derive(Clone, Debug)]
pub struct Stamp {
    /// Result hash.
    pub hash: String,
    /// Runs in the sweep.
    pub runs: u64,
    /// Horizon in months.
    pub horizon: u32,
    /// Calendar month of month 0.
    pub start: Ym,
}

impl Stamp {
    /// The calendar time, as a decimal year, `months` months after the start of the runs.
    pub fn year(&self, months: f64) -> f64 {
        self.start.decimal() + months / 12.0
    }

    /// Words for the time axes.
    fn time_desc(&self) -> String {
        format!("calendar month (the runs start in {}; a point is the end of its month)", month_name(self.start))
    }
}

const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

fn month_name(m: Ym) -> String {
    let full = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    format!("{} {}", full[m.month() as usize - 1], m.year())
}

/// A tick of a time axis (a decimal year) as a date: "2023" at a January, "Jul 2023" at
/// another month's start, nothing between months.
pub fn date_label(y: f64) -> String {
    let m = y * 12.0;
    if (m - m.round()).abs() > 1e-6 {
        return String::new();
    }
    let m = m.round() as i64;
    let (year, month) = (m.div_euclid(12), m.rem_euclid(12) as usize);
    if month == 0 {
        format!("{year}")
    } else {
        format!("{} {year}", MONTHS[month])
    }
}

fn err<E: std::fmt::Display>(e: E) -> String {
    e.to_string()
}

type Area<'a> = DrawingArea<BitMapBackend<'a>, Shift>;

/// A white PNG canvas of `size` pixels with `title` on top: the whole area (for the footer)
/// and the area under the title.
fn canvas<'a>(path: &'a Path, size: (u32, u32), title: &str, title_px: u32) -> Result<(Area<'a>, Area<'a>), String> {
    register_font();
    let root = BitMapBackend::new(path, size).into_drawing_area();
    root.fill(&WHITE).map_err(err)?;
    let body = root.titled(title, (FONT, title_px)).map_err(err)?;
    Ok((root, body))
}

/// Lines of explanation under a chart's title, in grey; returns the area below them.
fn explain<'a>(area: &Area<'a>, lines: &[&str], px: u32) -> Result<Area<'a>, String> {
    let step = px as i32 + 6;
    let (w, _) = area.dim_in_pixel();
    let style = (FONT, px).into_font().color(&BLACK.mix(0.7)).pos(Pos::new(HPos::Center, VPos::Top));
    for (i, l) in lines.iter().enumerate() {
        area.draw(&Text::new(l.to_string(), (w as i32 / 2, 4 + step * i as i32), style.clone())).map_err(err)?;
    }
    Ok(area.split_vertically(8 + step * lines.len() as i32).1)
}

/// Draws the series legend in a white box at `pos`.
fn legend<'a, CT>(
    chart: &mut ChartContext<'a, BitMapBackend<'a>, CT>,
    pos: SeriesLabelPosition,
    size: u32,
) -> Result<(), String>
where
    CT: CoordTranslate,
{
    chart
        .configure_series_labels()
        .position(pos)
        .background_style(WHITE.mix(0.9))
        .border_style(BLACK.mix(0.4))
        .label_font((FONT, size))
        .draw()
        .map_err(err)
}

/// A legend of policies in an area of its own (beside the plots, where it hides nothing).
fn side_legend(area: &Area, names: &[String], px: u32) -> Result<(), String> {
    let step = px as i32 + 12;
    for (i, name) in names.iter().enumerate() {
        let y = 40 + step * i as i32;
        let c = policy_color(i);
        area.draw(&Rectangle::new([(8, y - 3), (32, y + 3)], c.filled())).map_err(err)?;
        area.draw(&Circle::new((20, y), 6, c.filled())).map_err(err)?;
        let style = (FONT, px).into_font().color(&BLACK).pos(Pos::new(HPos::Left, VPos::Center));
        area.draw(&Text::new(name.clone(), (40, y), style)).map_err(err)?;
    }
    Ok(())
}

/// The part of a chart's body above the strip that [`footer`] writes the stamp in.
fn above_footer<'a>(body: &Area<'a>) -> Area<'a> {
    let (_, h) = body.dim_in_pixel();
    body.split_vertically(h as i32 - 40).0
}

fn footer(root: &DrawingArea<BitMapBackend, Shift>, stamp: &Stamp) -> Result<(), String> {
    let (w, h) = root.dim_in_pixel();
    let text = format!("brink {} · result {} · {} runs", env!("CARGO_PKG_VERSION"), stamp.hash, stamp.runs);
    let style = (FONT, 15).into_font().color(&BLACK.mix(0.65)).pos(Pos::new(HPos::Right, VPos::Bottom));
    root.draw(&Text::new(text, (w as i32 - 12, h as i32 - 8), style)).map_err(err)
}

/// `x` without the trailing zeros of `{x:.d}` ("2.50" → "2.5", "3.00" → "3"), and never "-0".
fn trimmed(x: f64, d: usize) -> String {
    let s = format!("{x:.d$}");
    let s = if s.contains('.') { s.trim_end_matches('0').trim_end_matches('.').to_string() } else { s };
    if s.trim_start_matches('-').chars().all(|c| c == '0') {
        "0".into()
    } else {
        s
    }
}

/// A probability tick as a percentage with as many decimals as the tick needs: "0%", "0.5%",
/// "12%", "0.02%".
pub fn pct_tick(x: f64) -> String {
    format!("{}%", trimmed(100.0 * x, 4))
}

/// A probability beside its dot: one decimal from 1%, two below, three below 0.1%, so that a
/// small risk never reads "0.0%".
pub fn pct_point(p: f64) -> String {
    let x = 100.0 * p;
    if p == 0.0 {
        "0%".into()
    } else if x >= 1.0 {
        format!("{x:.1}%")
    } else if x >= 0.1 {
        format!("{x:.2}%")
    } else {
        match trimmed(x, 3).as_str() {
            "0" => "<0.001%".into(),
            t => format!("{t}%"),
        }
    }
}

/// A signed difference of probabilities in percentage points, never "-0".
fn pp_tick(x: f64) -> String {
    let t = trimmed(100.0 * x, 2);
    if t == "0" || t.starts_with('-') {
        t
    } else {
        format!("+{t}")
    }
}

/// A parameter value, short: three significant digits, exponent form for tiny values.
pub fn short(v: f64) -> String {
    if v == 0.0 || !v.is_finite() {
        return trimmed(v, 0);
    }
    let a = v.abs();
    if !(1e-3..1e5).contains(&a) {
        let s = format!("{v:.2e}");
        // 2.00e-6 → 2e-6
        match s.split_once('e') {
            Some((m, e)) => format!("{}e{e}", trimmed(m.parse().unwrap_or(v), 2)),
            None => s,
        }
    } else {
        let d = (2 - a.log10().floor() as i32).max(0) as usize;
        trimmed(v, d)
    }
}

/// Runs per policy, in words: "16000 runs per policy", or the range if they differ.
fn runs_per_policy(s: &[PolicySummary]) -> String {
    let lo = s.iter().map(|p| p.runs).min().unwrap_or(0);
    let hi = s.iter().map(|p| p.runs).max().unwrap_or(0);
    if lo == hi {
        format!("{lo} runs per policy")
    } else {
        format!("{lo} to {hi} runs per policy")
    }
}

/// Dot-and-whisker panels, one per risk: probability within the horizon per policy, with
/// Wilson 95% intervals; the reference policy marked "(ref.)".
pub fn risk_panels(
    path: &Path,
    title: &str,
    risks: &[Risk],
    s: &[PolicySummary],
    reference: usize,
    stamp: &Stamp,
) -> Result<(), String> {
    let height = 140 + 60 * s.len() as u32 * risks.len() as u32 + 70 * risks.len() as u32;
    let (root, body) = canvas(path, (1400, height), title, 30)?;
    let (body, _) = body.split_vertically(height as i32 - 90);
    let panels = body.split_evenly((risks.len(), 1));
    let n = s.len();
    let desc = format!("probability per run, {} (dot: estimate; bar: Wilson 95% interval)", runs_per_policy(s));
    for (panel, risk) in panels.iter().zip(risks) {
        let k = Risk::ALL.iter().position(|r| r == risk).expect("risk is listed");
        let top = s.iter().map(|p| p.risks[k].hi).filter(|x| x.is_finite()).fold(0.0, f64::max);
        let x_max = nice_ceiling(top.max(0.001) * 1.15);
        let mut chart = ChartBuilder::on(panel)
            .caption(format!("P({}) within {} months", risk.label(), stamp.horizon), (FONT, 21))
            .margin(12)
            .margin_right(40)
            .x_label_area_size(48)
            .y_label_area_size(280)
            .build_cartesian_2d(0.0..x_max, (0..n - 1).into_segmented())
            .map_err(err)?;
        chart
            .configure_mesh()
            .disable_y_mesh()
            .light_line_style(WHITE)
            .x_desc(desc.as_str())
            .x_label_formatter(&|x| pct_tick(*x))
            .y_label_formatter(&|y| match y {
                SegmentValue::CenterOf(i) if *i < n => {
                    let name = &s[n - 1 - *i].policy;
                    if n - 1 - *i == reference {
                        format!("{name} (ref.)")
                    } else {
                        name.clone()
                    }
                }
                _ => String::new(),
            })
            .label_style((FONT, 16))
            .axis_desc_style((FONT, 16))
            .draw()
            .map_err(err)?;
        for (i, p) in s.iter().enumerate() {
            let c = policy_color(i);
            let pr = p.risks[k];
            if !pr.p.is_finite() {
                continue;
            }
            let y = || SegmentValue::CenterOf(n - 1 - i);
            chart
                .draw_series(std::iter::once(PathElement::new(vec![(pr.lo, y()), (pr.hi, y())], c.stroke_width(4))))
                .map_err(err)?;
            chart.draw_series(std::iter::once(Circle::new((pr.p, y()), 7, c.filled()))).map_err(err)?;
            chart
                .draw_series(std::iter::once(Text::new(
                    format!(" {}", pct_point(pr.p)),
                    (pr.hi, y()),
                    (FONT, 14).into_font().color(&BLACK.mix(0.7)).pos(Pos::new(HPos::Left, VPos::Center)),
                )))
                .map_err(err)?;
        }
    }
    footer(&root, stamp)?;
    root.present().map_err(err)
}

/// Cumulative probability of reaching each given rung (or worse) by the end of each month, one
/// line per policy, on a calendar axis.
pub fn cumulative_risk(
    path: &Path,
    m: &MonthlyView,
    names: &[String],
    rungs: &[(usize, &str)],
    stamp: &Stamp,
) -> Result<(), String> {
    let height = 120 + 420 * rungs.len() as u32;
    let (root, body) = canvas(path, (1500, height), "Cumulative risk of escalation by month, per US policy", 30)?;
    let (body, _) = body.split_vertically(height as i32 - 80);
    let (plots, side) = body.split_horizontally(1220);
    side_legend(&side, names, 15)?;
    let panels = plots.split_evenly((rungs.len(), 1));
    let (x0, x1) = (stamp.year(0.0), stamp.year(m.horizon as f64 + 0.5));
    for (panel, (k, label)) in panels.iter().zip(rungs) {
        let series: Vec<Vec<(f64, f64)>> = m
            .reached
            .iter()
            .map(|months| {
                let mut pts = vec![(x0, 0.0)];
                pts.extend(months.iter().enumerate().map(|(t, r)| (stamp.year(t as f64 + 1.0), r[*k])));
                pts
            })
            .collect();
        let top = series.iter().flatten().map(|x| x.1).filter(|x| x.is_finite()).fold(0.0, f64::max);
        let y_max = nice_ceiling(top.max(0.001) * 1.1);
        let mut chart = ChartBuilder::on(panel)
            .caption(format!("P({label}) by the end of each month"), (FONT, 21))
            .margin(12)
            .x_label_area_size(48)
            .y_label_area_size(80)
            .build_cartesian_2d(x0..x1, 0.0..y_max)
            .map_err(err)?;
        chart
            .configure_mesh()
            .x_desc(stamp.time_desc())
            .y_desc("share of runs")
            .x_labels(12)
            .x_label_formatter(&|x| date_label(*x))
            .y_label_formatter(&|y| pct_tick(*y))
            .label_style((FONT, 15))
            .axis_desc_style((FONT, 16))
            .draw()
            .map_err(err)?;
        for (p, pts) in series.into_iter().enumerate() {
            chart.draw_series(LineSeries::new(pts, policy_color(p).stroke_width(3))).map_err(err)?;
        }
    }
    footer(&root, stamp)?;
    root.present().map_err(err)
}

/// Fan chart of the escalation score accumulated since the start of the run, per policy:
/// median, 50% and 90% of runs, on a calendar axis.
pub fn score_fan(path: &Path, m: &MonthlyView, names: &[String], stamp: &Stamp) -> Result<(), String> {
    let cols = 2usize;
    let rows = names.len().div_ceil(cols);
    let height = 190 + 330 * rows as u32;
    let (root, body) = canvas(
        path,
        (1400, height),
        "Escalation score accumulated since the start of the run: median, 50% and 90% of runs",
        26,
    )?;
    let body = explain(
        &body,
        &[
            "Each month, every action scores by its category on the scale of Rivera et al. (2024): de-escalation −2, posturing 4,",
            "non-violent escalation 12 (a test, sanctions, a deal broken), violence 28, nuclear use 60. A run's score adds up its months.",
        ],
        15,
    )?;
    let body = above_footer(&body);
    let panels = body.split_evenly((rows, cols));
    let (x0, x1) = (stamp.year(0.0), stamp.year(m.horizon as f64 + 0.5));
    let finite = |x: &f64| x.is_finite();
    let y_max = m.cum_score.iter().flatten().map(|q| q[4]).filter(finite).fold(10.0, f64::max) * 1.05;
    let y_min = m.cum_score.iter().flatten().map(|q| q[0]).filter(finite).fold(0.0, f64::min);
    for (p, panel) in panels.iter().enumerate().take(names.len()) {
        let c = policy_color(p);
        let mut chart = ChartBuilder::on(panel)
            .caption(&names[p], (FONT, 19))
            .margin(10)
            .x_label_area_size(40)
            .y_label_area_size(70)
            .build_cartesian_2d(x0..x1, y_min..y_max)
            .map_err(err)?;
        chart
            .configure_mesh()
            .x_desc("calendar month (end of)")
            .y_desc("points accumulated")
            .x_labels(8)
            .x_label_formatter(&|x| date_label(*x))
            .y_label_formatter(&|y| trimmed(*y, 0))
            .label_style((FONT, 13))
            .axis_desc_style((FONT, 14))
            .draw()
            .map_err(err)?;
        let months: Vec<usize> = (0..m.horizon as usize).filter(|t| m.cum_score[p][*t][2].is_finite()).collect();
        let xs: Vec<f64> = months.iter().map(|t| stamp.year(*t as f64 + 1.0)).collect();
        let at = |i: usize, x: f64| {
            m.cum_score[p][months[i]][[0.05, 0.25, 0.5, 0.75, 0.95].iter().position(|q| *q == x).unwrap_or(2)]
        };
        fan(&mut chart, &xs, &at, c, "runs", "median")?;
        if p == 0 {
            legend(&mut chart, SeriesLabelPosition::UpperLeft, 13)?;
        }
    }
    footer(&root, stamp)?;
    root.present().map_err(err)
}

type Chart2d<'a> = ChartContext<
    'a,
    BitMapBackend<'a>,
    Cartesian2d<plotters::coord::types::RangedCoordf64, plotters::coord::types::RangedCoordf64>,
>;

/// A fan: the bands that hold 90% and 50% of `what` and the median line, at the points `xs`;
/// `q(i, p)` is the quantile `p` (0.05, 0.25, 0.5, 0.75 or 0.95) at `xs[i]`.
fn fan(
    chart: &mut Chart2d,
    xs: &[f64],
    q: &dyn Fn(usize, f64) -> f64,
    c: RGBColor,
    what: &str,
    median: &str,
) -> Result<(), String> {
    for (lo, hi, alpha, share) in [(0.05, 0.95, 0.18, 90), (0.25, 0.75, 0.38, 50)] {
        let mut pts: Vec<(f64, f64)> = xs.iter().enumerate().map(|(i, x)| (*x, q(i, lo))).collect();
        pts.extend(xs.iter().enumerate().rev().map(|(i, x)| (*x, q(i, hi))));
        chart
            .draw_series(std::iter::once(Polygon::new(pts, c.mix(alpha).filled())))
            .map_err(err)?
            .label(format!("{share}% of {what}"))
            .legend(move |(x, y)| Rectangle::new([(x, y - 6), (x + 20, y + 6)], c.mix(alpha).filled()));
    }
    chart
        .draw_series(LineSeries::new(xs.iter().enumerate().map(|(i, x)| (*x, q(i, 0.5))), c.stroke_width(2)))
        .map_err(err)?
        .label(median)
        .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], c.stroke_width(2)));
    Ok(())
}

/// The smallest of 1, 2, 2.5, 5 times a power of ten at or above `x`, capped at 1.
fn nice_ceiling(x: f64) -> f64 {
    let e = 10f64.powf(x.log10().floor());
    let m = [1.0, 2.0, 2.5, 5.0, 10.0].into_iter().find(|m| m * e >= x).unwrap_or(10.0);
    (m * e).min(1.0)
}

/// Kaplan–Meier curves of time to the first deadly incident (or worse), one per policy, with
/// 95% bands, on a calendar axis.
pub fn survival(
    path: &Path,
    curves: &[Vec<crate::km::SurvivalPoint>],
    names: &[String],
    stamp: &Stamp,
) -> Result<(), String> {
    let (root, body) =
        canvas(path, (1500, 820), "Time to the first deadly incident or worse (Kaplan–Meier, 95% bands)", 28)?;
    let (body, _) = body.split_vertically(740);
    let (plot, side) = body.split_horizontally(1220);
    side_legend(&side, names, 15)?;
    let low = curves.iter().flatten().map(|p| p.lo).filter(|x| x.is_finite()).fold(1.0, f64::min);
    let y_min = (low - 0.05).clamp(0.0, 0.95);
    let h = stamp.horizon as f64;
    let (x0, x1) = (stamp.year(0.0), stamp.year(h + 0.5));
    let mut chart = ChartBuilder::on(&plot)
        .margin(16)
        .x_label_area_size(50)
        .y_label_area_size(80)
        .build_cartesian_2d(x0..x1, y_min..1.0)
        .map_err(err)?;
    chart
        .configure_mesh()
        .x_desc(stamp.time_desc())
        .y_desc("share of runs without a deadly incident or worse")
        .x_labels(12)
        .x_label_formatter(&|x| date_label(*x))
        .y_label_formatter(&|y| pct_tick(*y))
        .label_style((FONT, 15))
        .axis_desc_style((FONT, 16))
        .draw()
        .map_err(err)?;
    for (p, curve) in curves.iter().enumerate() {
        let c = policy_color(p);
        let steps = |f: &dyn Fn(&crate::km::SurvivalPoint) -> f64| -> Vec<(f64, f64)> {
            let mut pts = vec![(x0, 1.0)];
            for q in curve {
                let last = pts.last().map(|x| x.1).unwrap_or(1.0);
                pts.push((stamp.year(q.time), last));
                pts.push((stamp.year(q.time), f(q)));
            }
            let last = pts.last().map(|x| x.1).unwrap_or(1.0);
            pts.push((stamp.year(h), last));
            pts
        };
        let (lo, hi) = (steps(&|q| q.lo), steps(&|q| q.hi));
        let mut band = hi.clone();
        band.extend(lo.into_iter().rev());
        chart.draw_series(std::iter::once(Polygon::new(band, c.mix(0.15).filled()))).map_err(err)?;
        chart.draw_series(LineSeries::new(steps(&|q| q.survival), c.stroke_width(3))).map_err(err)?;
    }
    footer(&root, stamp)?;
    root.present().map_err(err)
}

/// Risk against the arsenal at the horizon, one point per policy: the risk with its Wilson
/// interval (vertical bar), the mean arsenal with the middle half of runs (horizontal bar).
pub fn tradeoff(
    path: &Path,
    s: &[PolicySummary],
    warheads: &[crate::detail::Quantiles],
    stamp: &Stamp,
) -> Result<(), String> {
    let (root, body) = canvas(path, (1500, 860), "Trade-off: escalation risk against the arsenal at the horizon", 28)?;
    let body = explain(
        &body,
        &["dot: P(deadly incident or worse) and mean warheads; vertical bar: Wilson 95% interval of the risk; horizontal bar: warheads of the middle half of runs (25th to 75th percentile)"],
        15,
    )?;
    let body = above_footer(&body);
    let (plot, side) = body.split_horizontally(1220);
    let names: Vec<String> = s.iter().map(|p| p.policy.clone()).collect();
    side_legend(&side, &names, 15)?;
    let k = Risk::ALL.iter().position(|r| *r == Risk::DeadlyIncident).expect("listed");
    let finite = |x: &f64| x.is_finite();
    let x_max =
        s.iter().map(|p| p.warheads_end).chain(warheads.iter().map(|q| q[3])).filter(finite).fold(1.0, f64::max) * 1.1;
    let y_max = nice_ceiling(s.iter().map(|p| p.risks[k].hi).filter(finite).fold(0.001, f64::max) * 1.1);
    let mut chart = ChartBuilder::on(&plot)
        .margin(16)
        .x_label_area_size(50)
        .y_label_area_size(80)
        .build_cartesian_2d(0.0..x_max, 0.0..y_max)
        .map_err(err)?;
    chart
        .configure_mesh()
        .x_desc("assembled warheads at the horizon")
        .y_desc(format!("P(deadly incident or worse) within {} months", stamp.horizon))
        .x_label_formatter(&|x| trimmed(*x, 1))
        .y_label_formatter(&|y| pct_tick(*y))
        .label_style((FONT, 15))
        .axis_desc_style((FONT, 16))
        .draw()
        .map_err(err)?;
    for (i, p) in s.iter().enumerate() {
        let c = policy_color(i);
        let r = p.risks[k];
        if !r.p.is_finite() || !p.warheads_end.is_finite() {
            continue;
        }
        let w = warheads.get(i).copied().unwrap_or([f64::NAN; 5]);
        if w[1].is_finite() && w[3].is_finite() {
            chart
                .draw_series(std::iter::once(PathElement::new(
                    vec![(w[1], r.p), (w[3], r.p)],
                    c.mix(0.8).stroke_width(3),
                )))
                .map_err(err)?;
        }
        chart
            .draw_series(std::iter::once(PathElement::new(
                vec![(p.warheads_end, r.lo), (p.warheads_end, r.hi)],
                c.stroke_width(3),
            )))
            .map_err(err)?;
        chart.draw_series(std::iter::once(Circle::new((p.warheads_end, r.p), 8, c.filled()))).map_err(err)?;
    }
    footer(&root, stamp)?;
    root.present().map_err(err)
}

/// Distributions at the horizon: a box per policy (5–95% whiskers, 25–75% box, median).
pub fn distributions(
    path: &Path,
    q: &[[crate::detail::Quantiles; 4]],
    names: &[String],
    stamp: &Stamp,
) -> Result<(), String> {
    let n = names.len();
    let (root, body) = canvas(
        path,
        (1400, 260 + 110 * n as u32 * 2),
        "Distributions at the horizon (bar 25–75%, whiskers 5–95%, dot median)",
        26,
    )?;
    let body = above_footer(&body);
    let panels = body.split_evenly((2, 2));
    let titles = [
        "assembled warheads",
        "US-ROK alliance cohesion (0-1)",
        "DPRK trust in the US (0-1)",
        "UN sanctions level (0-1)",
    ];
    for (k, panel) in panels.iter().enumerate() {
        let x_max =
            if k == 0 { q.iter().map(|x| x[0][4]).filter(|v| v.is_finite()).fold(1.0, f64::max) * 1.1 } else { 1.0 };
        let mut chart = ChartBuilder::on(panel)
            .caption(titles[k], (FONT, 18))
            .margin(10)
            .x_label_area_size(36)
            .y_label_area_size(if k % 2 == 0 { 250 } else { 20 })
            .build_cartesian_2d(0.0..x_max, (0..n - 1).into_segmented())
            .map_err(err)?;
        chart
            .configure_mesh()
            .disable_y_mesh()
            .light_line_style(WHITE)
            .x_label_formatter(&|x| trimmed(*x, 2))
            .y_label_formatter(&|y| match y {
                SegmentValue::CenterOf(i) if *i < n && k % 2 == 0 => names[n - 1 - *i].clone(),
                _ => String::new(),
            })
            .label_style((FONT, 14))
            .draw()
            .map_err(err)?;
        for (p, quant) in q.iter().enumerate() {
            let v = quant[k];
            if v.iter().any(|x| !x.is_finite()) {
                continue;
            }
            let c = policy_color(p);
            let y = n - 1 - p;
            chart
                .draw_series(std::iter::once(PathElement::new(
                    vec![(v[0], SegmentValue::CenterOf(y)), (v[4], SegmentValue::CenterOf(y))],
                    c.stroke_width(2),
                )))
                .map_err(err)?;
            // The box as a thick line, the median as a dot: both centred on the policy's row.
            chart
                .draw_series(std::iter::once(PathElement::new(
                    vec![(v[1], SegmentValue::CenterOf(y)), (v[3], SegmentValue::CenterOf(y))],
                    c.mix(0.6).stroke_width(22),
                )))
                .map_err(err)?;
            chart
                .draw_series(std::iter::once(Circle::new((v[2], SegmentValue::CenterOf(y)), 6, BLACK.filled())))
                .map_err(err)?;
        }
    }
    footer(&root, stamp)?;
    root.present().map_err(err)
}

fn mix_anchors(anchors: &[(f64, f64, f64)], t: f64) -> RGBColor {
    let t = if t.is_finite() { t.clamp(0.0, 1.0) } else { 0.0 };
    let x = t * (anchors.len() - 1) as f64;
    let i = (x as usize).min(anchors.len() - 2);
    let f = x - i as f64;
    let mix = |a: f64, b: f64| (a + (b - a) * f).round() as u8;
    let (a, b) = (anchors[i], anchors[i + 1]);
    RGBColor(mix(a.0, b.0), mix(a.1, b.1), mix(a.2, b.2))
}

/// A colour from a perceptually ordered scale (viridis anchors) for `t` in [0, 1].
pub fn scale_color(t: f64) -> RGBColor {
    mix_anchors(
        &[(68.0, 1.0, 84.0), (59.0, 82.0, 139.0), (33.0, 145.0, 140.0), (94.0, 201.0, 98.0), (253.0, 231.0, 37.0)],
        t,
    )
}

/// A colour from a diverging scale (ColorBrewer RdBu, reversed) for `t` in [-1, 1]: blue below
/// zero, white at zero, red above.
pub fn diverging_color(t: f64) -> RGBColor {
    mix_anchors(
        &[
            (33.0, 102.0, 172.0),
            (146.0, 197.0, 222.0),
            (247.0, 247.0, 247.0),
            (244.0, 165.0, 130.0),
            (178.0, 24.0, 43.0),
        ],
        (t + 1.0) / 2.0,
    )
}

/// How a heatmap panel colours its values.
#[derive(Clone, Copy, Debug)]
pub enum Scale {
    /// Probabilities from 0 to `max` (viridis).
    Sequential {
        /// The top of the scale.
        max: f64,
    },
    /// Signed differences from `-limit` to `limit`, zero white.
    Diverging {
        /// The ends of the scale.
        limit: f64,
    },
}

impl Scale {
    fn color(self, v: f64) -> RGBColor {
        match self {
            Scale::Sequential { max } => scale_color(v / max.max(1e-12)),
            Scale::Diverging { limit } => diverging_color(v / limit.max(1e-12)),
        }
    }

    fn range(self) -> (f64, f64) {
        match self {
            Scale::Sequential { max } => (0.0, max.max(1e-6)),
            Scale::Diverging { limit } => (-limit.max(1e-6), limit.max(1e-6)),
        }
    }

    fn tick(self, v: f64) -> String {
        match self {
            Scale::Sequential { .. } => pct_tick(v),
            Scale::Diverging { .. } => pp_tick(v),
        }
    }

    fn cell(self, v: f64) -> String {
        match self {
            Scale::Sequential { .. } => format!("{}%", trimmed(100.0 * v, if v < 0.1 { 1 } else { 0 })),
            Scale::Diverging { .. } => pp_tick((100.0 * v).round() / 100.0),
        }
    }
}

/// An axis of a heatmap: its parameter and the label of each of its cells.
#[derive(Clone, Debug)]
pub struct HeatAxis {
    /// Parameter, in words.
    pub name: String,
    /// Label of each cell, in order.
    pub labels: Vec<String>,
}

/// One heatmap panel: `grid[j][i]` is the value at x cell i, y cell j (NaN: no scenario).
pub struct Heat<'a> {
    /// Panel title.
    pub title: String,
    /// Values, rows by y cell.
    pub grid: &'a [Vec<f64>],
    /// The colour scale.
    pub scale: Scale,
    /// Label of the colour scale.
    pub unit: String,
}

/// Heatmaps over two parameters, each panel with its colour scale and each cell with its
/// value; `notes` explain the cells under the title (grey cells hold no scenario).
pub fn heatmap(
    path: &Path,
    title: &str,
    notes: &[&str],
    x: &HeatAxis,
    y: &HeatAxis,
    panels: &[Heat],
    stamp: &Stamp,
) -> Result<(), String> {
    let (root, body) = canvas(path, (760 * panels.len() as u32, 800), title, 24)?;
    let body = explain(&body, notes, 15)?;
    let body = above_footer(&body);
    let areas = body.split_evenly((1, panels.len()));
    let (nx, ny) = (x.labels.len(), y.labels.len());
    for (area, heat) in areas.iter().zip(panels) {
        let (main, bar) = area.split_horizontally(620);
        let mut chart = ChartBuilder::on(&main)
            .caption(&heat.title, (FONT, 17))
            .margin(10)
            .x_label_area_size(50)
            .y_label_area_size(110)
            .build_cartesian_2d(-0.5..nx as f64 - 0.5, -0.5..ny as f64 - 0.5)
            .map_err(err)?;
        let label = |labels: &[String], v: f64| -> String {
            let i = v.round();
            if (v - i).abs() > 1e-6 || i < 0.0 {
                return String::new();
            }
            labels.get(i as usize).cloned().unwrap_or_default()
        };
        chart
            .configure_mesh()
            .disable_mesh()
            .x_desc(x.name.as_str())
            .y_desc(y.name.as_str())
            .x_labels(nx + 1)
            .y_labels(ny + 1)
            .x_label_formatter(&|v| label(&x.labels, *v))
            .y_label_formatter(&|v| label(&y.labels, *v))
            .label_style((FONT, 12))
            .axis_desc_style((FONT, 15))
            .draw()
            .map_err(err)?;
        for (j, row) in heat.grid.iter().enumerate() {
            for (i, v) in row.iter().enumerate() {
                let c = if v.is_finite() { heat.scale.color(*v) } else { RGBColor(215, 215, 215) };
                let (cx, cy) = (i as f64, j as f64);
                chart
                    .draw_series(std::iter::once(Rectangle::new(
                        [(cx - 0.5, cy - 0.5), (cx + 0.5, cy + 0.5)],
                        c.filled(),
                    )))
                    .map_err(err)?;
                if v.is_finite() && nx * ny <= 100 {
                    let light = (c.0 as f64 * 0.299 + c.1 as f64 * 0.587 + c.2 as f64 * 0.114) > 140.0;
                    let ink = if light { BLACK } else { WHITE };
                    let style = (FONT, 13).into_font().color(&ink).pos(Pos::new(HPos::Center, VPos::Center));
                    chart.draw_series(std::iter::once(Text::new(heat.scale.cell(*v), (cx, cy), style))).map_err(err)?;
                }
            }
        }
        let (lo, hi) = heat.scale.range();
        let mut cb = ChartBuilder::on(&bar)
            .margin_top(40)
            .margin_bottom(60)
            .y_label_area_size(70)
            .build_cartesian_2d(0.0..1.0, lo..hi)
            .map_err(err)?;
        cb.configure_mesh()
            .disable_mesh()
            .disable_x_axis()
            .y_desc(heat.unit.as_str())
            .y_label_formatter(&|v| heat.scale.tick(*v))
            .label_style((FONT, 12))
            .axis_desc_style((FONT, 13))
            .draw()
            .map_err(err)?;
        let steps = 60;
        for k in 0..steps {
            let (a, b) = (lo + (hi - lo) * k as f64 / steps as f64, lo + (hi - lo) * (k + 1) as f64 / steps as f64);
            cb.draw_series(std::iter::once(Rectangle::new(
                [(0.0, a), (1.0, b)],
                heat.scale.color((a + b) / 2.0).filled(),
            )))
            .map_err(err)?;
        }
    }
    footer(&root, stamp)?;
    root.present().map_err(err)
}

/// Sobol indices of each parameter: total order (upper bar) and first order (lower bar), each
/// with its bootstrap 95% interval in its own colour; intervals that leave the axis end in an
/// arrow at its edge.
pub fn sobol_bars(
    path: &Path,
    title: &str,
    params: &[String],
    idx: &[crate::sobol::SobolIndex],
    stamp: &Stamp,
) -> Result<(), String> {
    let n = params.len().max(1);
    let (root, body) = canvas(path, (1300, 240 + 64 * n as u32), title, 24)?;
    let body = explain(
        &body,
        &["first order: the share of the variance a parameter explains alone; total order: with its interactions. Bars: estimates; whiskers: bootstrap 95% intervals"],
        14,
    )?;
    let body = above_footer(&body);
    let finite = |v: &f64| v.is_finite();
    let (x_lo, x_hi) = (-0.5, 1.5);
    let top = idx
        .iter()
        .flat_map(|s| [s.total_hi, s.first_hi, s.total, s.first])
        .filter(finite)
        .fold(0.1f64, f64::max)
        .min(x_hi);
    let bottom =
        idx.iter().flat_map(|s| [s.total_lo, s.first_lo, s.first]).filter(finite).fold(0.0f64, f64::min).max(x_lo);
    let (x0, x1) = (bottom - 0.02, top + 0.04);
    let mut chart = ChartBuilder::on(&body)
        .margin(14)
        .margin_right(30)
        .x_label_area_size(50)
        .y_label_area_size(230)
        .build_cartesian_2d(x0..x1, -0.5..n as f64 - 0.5)
        .map_err(err)?;
    chart
        .configure_mesh()
        .disable_y_mesh()
        .x_desc("share of the variance across scenarios")
        .y_labels(n + 1)
        .y_label_formatter(&|y| {
            let i = y.round();
            if (y - i).abs() > 1e-6 || i < 0.0 || i as usize >= params.len() {
                return String::new();
            }
            params[params.len() - 1 - i as usize].clone()
        })
        .x_label_formatter(&|x| trimmed(*x, 2))
        .label_style((FONT, 14))
        .axis_desc_style((FONT, 15))
        .draw()
        .map_err(err)?;
    chart
        .draw_series(std::iter::once(PathElement::new(vec![(0.0, -0.5), (0.0, n as f64 - 0.5)], BLACK.mix(0.5))))
        .map_err(err)?;
    let series = [
        ("total order", RGBColor(230, 159, 0), RGBColor(150, 95, 0), 0.18),
        ("first order", RGBColor(86, 180, 233), RGBColor(0, 90, 150), -0.18),
    ];
    for (name, c, dark, dy) in series {
        let mut first = true;
        for (i, s) in idx.iter().enumerate() {
            let (v, lo, hi) = if name == "total order" {
                (s.total, s.total_lo, s.total_hi)
            } else {
                (s.first, s.first_lo, s.first_hi)
            };
            if !v.is_finite() {
                continue;
            }
            let y = (params.len() - 1 - i) as f64 + dy;
            let bar = chart
                .draw_series(std::iter::once(Rectangle::new(
                    [(0.0, y - 0.13), (v.clamp(x0, x1), y + 0.13)],
                    c.filled(),
                )))
                .map_err(err)?;
            if first {
                bar.label(name).legend(move |(x, y)| Rectangle::new([(x, y - 5), (x + 20, y + 5)], c.filled()));
                first = false;
            }
            if lo.is_finite() && hi.is_finite() {
                let (a, b) = (lo.max(x0), hi.min(x1));
                chart
                    .draw_series(std::iter::once(PathElement::new(vec![(a, y), (b, y)], dark.stroke_width(2))))
                    .map_err(err)?;
                // Caps, or arrows where the interval leaves the axis.
                for (end, cut, dir) in [(a, lo < x0, -1.0), (b, hi > x1, 1.0)] {
                    let shape = if cut {
                        let tip = (x1 - x0) * 0.008 * dir;
                        vec![(end - tip, y - 0.09), (end, y), (end - tip, y + 0.09)]
                    } else {
                        vec![(end, y - 0.07), (end, y + 0.07)]
                    };
                    chart.draw_series(std::iter::once(PathElement::new(shape, dark.stroke_width(2)))).map_err(err)?;
                }
            }
        }
    }
    legend(&mut chart, SeriesLabelPosition::LowerRight, 14)?;
    footer(&root, stamp)?;
    root.present().map_err(err)
}

/// One case of scenario discovery: its label, its PRIM result and how many scenarios qualify.
pub struct PrimCase<'a> {
    /// What the case is ("... riskier than the best alternative").
    pub label: &'a str,
    /// The peeling trajectory and the chosen box.
    pub result: &'a crate::prim::PrimResult,
    /// Scenarios of interest.
    pub cases: usize,
}

/// PRIM: the peeling trajectories (coverage against density, the chosen box ringed) and, for
/// each case, the chosen box's range of every parameter within its swept range.
pub fn prim_chart(
    path: &Path,
    title: &str,
    cases: &[PrimCase],
    params: &[(String, f64, f64)],
    stamp: &Stamp,
) -> Result<(), String> {
    let np = params.len().max(1);
    let height = (220 + 56 * np as u32).max(860);
    let (root, body) = canvas(path, (1700, height), title, 24)?;
    let (body, _) = body.split_vertically(height as i32 - 90);
    let (left, right) = body.split_horizontally(760);
    let (left, _) = left.split_vertically(760.min(height as i32 - 90));
    let color = |i: usize| policy_color(i + 4);
    let mut chart = ChartBuilder::on(&left)
        .caption("Peeling: each box trades coverage for density", (FONT, 18))
        .margin(16)
        .x_label_area_size(50)
        .y_label_area_size(70)
        .build_cartesian_2d(0.0..1.02, 0.0..1.02)
        .map_err(err)?;
    chart
        .configure_mesh()
        .x_desc("coverage: share of the scenarios of interest inside the box")
        .y_desc("density: share of the box's scenarios of interest")
        .x_label_formatter(&|x| trimmed(*x, 1))
        .y_label_formatter(&|y| trimmed(*y, 1))
        .label_style((FONT, 14))
        .axis_desc_style((FONT, 15))
        .draw()
        .map_err(err)?;
    let mut shown = 0;
    for (i, case) in cases.iter().enumerate() {
        let c = color(i);
        let pts: Vec<(f64, f64)> = case
            .result
            .trajectory
            .iter()
            .filter(|b| b.coverage.is_finite() && b.density.is_finite())
            .map(|b| (b.coverage, b.density))
            .collect();
        if pts.is_empty() || case.cases == 0 {
            continue; // no scenario of interest: nothing to draw, no legend entry
        }
        shown += 1;
        chart.draw_series(LineSeries::new(pts.iter().copied(), c.mix(0.5).stroke_width(1))).map_err(err)?;
        chart
            .draw_series(pts.iter().map(|p| Circle::new(*p, 4, c.filled())))
            .map_err(err)?
            .label(format!("{} ({})", case.label, crate::words::count(case.cases as u64, "scenario")))
            .legend(move |(x, y)| Circle::new((x + 8, y), 5, c.filled()));
        if let Some(b) = case.result.trajectory.get(case.result.chosen).filter(|b| b.coverage.is_finite()) {
            chart
                .draw_series(std::iter::once(Circle::new((b.coverage, b.density), 11, c.stroke_width(3))))
                .map_err(err)?;
        }
    }
    if shown > 0 {
        legend(&mut chart, SeriesLabelPosition::LowerLeft, 13)?;
    }
    // The chosen boxes, parameter by parameter, on each parameter's swept range.
    let mut boxes = ChartBuilder::on(&right)
        .caption("The chosen box (ringed): range of each parameter, as a share of its swept range", (FONT, 18))
        .margin(16)
        .margin_right(150)
        .x_label_area_size(50)
        .y_label_area_size(210)
        .build_cartesian_2d(0.0..1.0, -0.5..np as f64 - 0.5)
        .map_err(err)?;
    boxes
        .configure_mesh()
        .disable_y_mesh()
        .x_desc("position within the swept range (0: low end, 1: high end)")
        .y_labels(np + 1)
        .y_label_formatter(&|y| {
            let i = y.round();
            if (y - i).abs() > 1e-6 || i < 0.0 || i as usize >= params.len() {
                return String::new();
            }
            params[params.len() - 1 - i as usize].0.clone()
        })
        .x_label_formatter(&|x| trimmed(*x, 1))
        .label_style((FONT, 13))
        .axis_desc_style((FONT, 14))
        .draw()
        .map_err(err)?;
    let k = cases.len().max(1) as f64;
    for (i, case) in cases.iter().enumerate() {
        let c = color(i);
        let Some(b) = case.result.trajectory.get(case.result.chosen) else { continue };
        if case.cases == 0 {
            continue;
        }
        let dy = 0.2 - 0.4 * i as f64 / (k - 1.0).max(1.0);
        for (j, (_, low, high)) in params.iter().enumerate() {
            let (Some(lo), Some(hi)) = (b.lower.get(j), b.upper.get(j)) else { continue };
            let span = (high - low).max(1e-300);
            let (a, z) = (((lo - low) / span).clamp(0.0, 1.0), ((hi - low) / span).clamp(0.0, 1.0));
            let y = (params.len() - 1 - j) as f64 + dy;
            let restricted = b.restricted.contains(&j);
            let style = if restricted { c.filled() } else { c.mix(0.25).filled() };
            boxes
                .draw_series(std::iter::once(Rectangle::new([(a, y - 0.12), (z.max(a + 0.004), y + 0.12)], style)))
                .map_err(err)?;
            if restricted {
                let text = format!(" {} to {}", short(*lo), short(*hi));
                let font = (FONT, 12).into_font().color(&c).pos(Pos::new(HPos::Left, VPos::Center));
                boxes.draw_series(std::iter::once(Text::new(text, (z, y), font))).map_err(err)?;
            }
        }
    }
    let mut notes = vec!["Right: solid bars are the ranges the chosen box restricts (with their values), pale bars the parameters it leaves free.".to_string()];
    notes.extend(
        cases.iter().filter(|c| c.cases == 0).map(|c| format!("{}: no scenario qualifies, so no box.", c.label)),
    );
    let style = (FONT, 14).into_font().color(&BLACK.mix(0.7));
    for (i, n) in notes.iter().enumerate() {
        root.draw(&Text::new(n.clone(), (20, height as i32 - 78 + 18 * i as i32), style.clone())).map_err(err)?;
    }
    footer(&root, stamp)?;
    root.present().map_err(err)
}

/// The main effect of one parameter: per bin of its values, the risk under each policy.
pub struct Effect {
    /// The parameter, in words.
    pub name: String,
    /// The x axis: the parameter's range.
    pub range: (f64, f64),
    /// Centre of each bin (the level itself for a grid).
    pub x: Vec<f64>,
    /// Per policy, per bin: the risk with its Wilson interval.
    pub risk: Vec<Vec<Proportion>>,
}

/// Main effects: for each parameter, P(deadly incident or worse) against the parameter, one
/// line per policy, with Wilson 95% intervals; the other parameters vary as the design has them.
pub fn main_effects(
    path: &Path,
    title: &str,
    effects: &[Effect],
    names: &[String],
    stamp: &Stamp,
) -> Result<(), String> {
    let cols = if effects.len() <= 1 {
        1
    } else if effects.len() <= 4 {
        2
    } else {
        3
    };
    let rows = effects.len().div_ceil(cols).max(1);
    let height = 200 + 340 * rows as u32;
    let width = if cols == 1 { 1300 } else { 1700 };
    let (root, body) = canvas(path, (width, height), title, 26)?;
    let body = explain(
        &body,
        &["each panel: the scenarios binned by one parameter, every other parameter as the design spreads it; dot: share of runs; bar: Wilson 95% interval"],
        15,
    )?;
    let body = above_footer(&body);
    let (plots, side) = body.split_horizontally(width as i32 - 280);
    side_legend(&side, names, 15)?;
    let panels = plots.split_evenly((rows, cols));
    let finite = |x: &f64| x.is_finite();
    let y_max = nice_ceiling(
        effects.iter().flat_map(|e| e.risk.iter().flatten().map(|p| p.hi)).filter(finite).fold(0.001, f64::max) * 1.05,
    );
    let np = names.len();
    for (panel, e) in panels.iter().zip(effects) {
        let (lo, hi) = e.range;
        let span = (hi - lo).abs().max(1e-12);
        let pad = span * 0.06;
        let mut chart = ChartBuilder::on(panel)
            .margin(10)
            .x_label_area_size(44)
            .y_label_area_size(64)
            .build_cartesian_2d(lo - pad..hi + pad, 0.0..y_max)
            .map_err(err)?;
        chart
            .configure_mesh()
            .x_desc(e.name.as_str())
            .y_desc("P(deadly incident or worse)")
            .x_labels(6)
            .x_label_formatter(&|x| short(*x))
            .y_label_formatter(&|y| pct_tick(*y))
            .label_style((FONT, 12))
            .axis_desc_style((FONT, 14))
            .draw()
            .map_err(err)?;
        // Policies side by side within each bin, so their intervals do not hide each other.
        let shift = |p: usize| (p as f64 - (np as f64 - 1.0) / 2.0) * span * 0.012;
        for (p, series) in e.risk.iter().enumerate() {
            let c = policy_color(p);
            let pts: Vec<(f64, f64)> =
                e.x.iter().zip(series).filter(|(_, r)| r.p.is_finite()).map(|(x, r)| (x + shift(p), r.p)).collect();
            chart.draw_series(LineSeries::new(pts.iter().copied(), c.stroke_width(2))).map_err(err)?;
            for (x, r) in e.x.iter().zip(series).filter(|(_, r)| r.p.is_finite()) {
                let x = x + shift(p);
                chart
                    .draw_series(std::iter::once(PathElement::new(vec![(x, r.lo), (x, r.hi)], c.stroke_width(1))))
                    .map_err(err)?;
                chart.draw_series(std::iter::once(Circle::new((x, r.p), 3, c.filled()))).map_err(err)?;
            }
        }
    }
    footer(&root, stamp)?;
    root.present().map_err(err)
}

/// The back-test: the record against replays of the calibrated model (median, 50% and 90% of
/// replays) in four panels: missiles per year, cumulative nuclear tests, cumulative deadly
/// incidents, and warhead-equivalents at the end of each year against the recorded estimates
/// (ranges); the US policy eras shaded, the held-out years hatched grey.
pub fn backtest(path: &Path, bt: &brink_sweep::Backtest, note: &str) -> Result<(), String> {
    let (first, last) = (*bt.years.first().unwrap_or(&1994), *bt.years.last().unwrap_or(&2016));
    let title = format!(
        "Back-test {first}-{last}: the record against replays of the calibrated model{}",
        bt.holdout_from.map(|h| format!(" (held out from {h})")).unwrap_or_default()
    );
    let (root, body) = canvas(path, (1600, 1100), &title, 24)?;
    let (body, _) = body.split_vertically(1030);
    let panels = body.split_evenly((2, 2));
    let (x0, x1) = (first as f64 - 0.5, last as f64 + 0.5);
    let band = RGBColor(0, 114, 178);
    let shades = [RGBColor(230, 159, 0), RGBColor(0, 158, 115), RGBColor(204, 121, 167), RGBColor(86, 180, 233)];
    let years: Vec<f64> = bt.years.iter().map(|y| *y as f64).collect();
    let decimal = |m: brink_sweep::Ym| m.year() as f64 + (m.month() as f64 - 1.0) / 12.0 - 0.5;
    let specs: [(&brink_sweep::calibrate::Series, &str, &str); 4] = [
        (&bt.missiles, "missiles launched / year", "Ballistic missiles launched per year (CNS)"),
        (&bt.tests, "nuclear tests (cumulative)", "Nuclear tests, cumulative"),
        (
            &bt.incidents,
            "deadly incidents (cumulative)",
            "Deadly armed incidents, cumulative (military clashes and attacks)",
        ),
        (&bt.warheads, "warhead-equivalents", "Warheads and material at the end of each year (estimates as ranges)"),
    ];
    for (k, (area, (series, y_desc, caption))) in panels.iter().zip(specs).enumerate() {
        let finite = |x: &f64| x.is_finite();
        let y_max = series
            .simulated
            .iter()
            .map(|q| q[4])
            .chain(series.observed.iter().copied())
            .chain(series.ranges.iter().flatten().map(|r| r.1))
            .filter(finite)
            .fold(1.0, f64::max)
            * 1.15;
        let mut chart = ChartBuilder::on(area)
            .caption(caption, (FONT, 18))
            .margin(12)
            .x_label_area_size(40)
            .y_label_area_size(60)
            .build_cartesian_2d(x0..x1, 0.0..y_max)
            .map_err(err)?;
        chart
            .configure_mesh()
            .x_desc("year")
            .y_desc(y_desc)
            .x_label_formatter(&|x| format!("{x:.0}"))
            .light_line_style(TRANSPARENT)
            .label_style((FONT, 13))
            .axis_desc_style((FONT, 14))
            .draw()
            .map_err(err)?;
        for (i, (name, a, b, _)) in bt.eras.iter().enumerate() {
            let c = shades[i % shades.len()];
            let (a, b) = (decimal(*a).max(x0), (decimal(*b) + 1.0 / 12.0).min(x1));
            chart
                .draw_series(std::iter::once(Rectangle::new([(a, 0.0), (b, y_max)], c.mix(0.10).filled())))
                .map_err(err)?;
            if k == 0 {
                chart
                    .draw_series(std::iter::once(Text::new(
                        name.replace('_', " "),
                        (a + 0.2, y_max * 0.72),
                        (FONT, 14).into_font().color(&c.mix(0.95)),
                    )))
                    .map_err(err)?;
            }
        }
        if let Some(h) = bt.holdout_from {
            let a = decimal(h).max(x0);
            chart
                .draw_series(std::iter::once(Rectangle::new([(a, 0.0), (x1, y_max)], BLACK.mix(0.08).filled())))
                .map_err(err)?;
            chart
                .draw_series(std::iter::once(Text::new(
                    "held out",
                    (a + 0.2, y_max * 0.90),
                    (FONT, 13).into_font().color(&BLACK.mix(0.6)),
                )))
                .map_err(err)?;
        }
        let idx: Vec<usize> = (0..years.len()).filter(|i| series.simulated[*i][2].is_finite()).collect();
        let xs: Vec<f64> = idx.iter().map(|i| years[*i]).collect();
        // The series hold the 5, 25, 50, 75 and 95% quantiles.
        let at = |i: usize, x: f64| {
            series.simulated[idx[i]][[0.05, 0.25, 0.5, 0.75, 0.95].iter().position(|q| *q == x).unwrap_or(2)]
        };
        fan(&mut chart, &xs, &at, band, "replays", "model: median")?;
        let obs: Vec<(f64, f64)> =
            years.iter().zip(&series.observed).filter(|(_, o)| o.is_finite()).map(|(y, o)| (*y, *o)).collect();
        let ranged = series.ranges.iter().any(|r| r.is_some());
        if ranged {
            chart
                .draw_series(years.iter().zip(&series.ranges).filter_map(|(y, r)| {
                    r.map(|(lo, hi)| ErrorBar::new_vertical(*y, lo, (lo + hi) / 2.0, hi, BLACK.stroke_width(2), 10))
                }))
                .map_err(err)?
                .label("estimate (range)")
                .legend(|(x, y)| PathElement::new(vec![(x + 10, y - 6), (x + 10, y + 6)], BLACK.stroke_width(2)));
        } else {
            chart.draw_series(LineSeries::new(obs.iter().copied(), BLACK.stroke_width(1))).map_err(err)?;
            chart
                .draw_series(obs.iter().map(|(y, o)| Circle::new((*y, *o), 4, BLACK.filled())))
                .map_err(err)?
                .label("observed")
                .legend(|(x, y)| Circle::new((x + 10, y), 4, BLACK.filled()));
        }
        legend(&mut chart, SeriesLabelPosition::UpperLeft, 13)?;
    }
    let (w, h) = root.dim_in_pixel();
    let style = (FONT, 15).into_font().color(&BLACK.mix(0.65));
    let style = style.pos(plotters::style::text_anchor::Pos::new(
        plotters::style::text_anchor::HPos::Right,
        plotters::style::text_anchor::VPos::Bottom,
    ));
    let text = format!("brink {} · {note}", env!("CARGO_PKG_VERSION"));
    root.draw(&Text::new(text, (w as i32 - 12, h as i32 - 8), style)).map_err(err)?;
    root.present().map_err(err)
}

/// The name of the policy drawn at row `y` of a chart with one row per policy, the first policy
/// at the top; empty between rows.
fn row_name(y: f64, names: &[String]) -> String {
    let (i, n) = (y.round(), names.len());
    if (y - i).abs() < 1e-9 && i >= 0.0 && (i as usize) < n {
        names[n - 1 - i as usize].clone()
    } else {
        String::new()
    }
}

/// A deterministic vertical offset in [-0.3, 0.3] for point `i` of a strip (golden-ratio
/// sequence): spreads the points of one row without a random number.
fn jitter(i: usize) -> f64 {
    let x = (i as f64 * 0.618_033_988_749_895).fract();
    0.6 * (x - 0.5)
}

/// Risk and regret per scenario: for each policy a strip of one dot per scenario, its middle
/// half as a bar, its range as a line and its median as a black dot; the risk panel marks the
/// satisficing threshold.
pub fn robustness_strips(
    path: &Path,
    names: &[String],
    risk: &[Vec<f64>],
    regret: &[Vec<f64>],
    threshold: f64,
    stamp: &Stamp,
) -> Result<(), String> {
    let n = names.len();
    let scenarios = risk.first().map(|r| r.len()).unwrap_or(0);
    let height = 260 + 80 * n as u32;
    let (root, body) = canvas(path, (1500, height), "Risk and regret across scenarios, per US policy", 28)?;
    let line = format!(
        "one dot per scenario ({scenarios}): P(deadly incident or worse) within {} months over the scenario's replications; bar: middle half of scenarios; line: all; black dot: median",
        stamp.horizon
    );
    let body = explain(
        &body,
        &[
            &line,
            "regret: the policy's risk minus the lowest risk of any policy in the same scenario (0 = the safest there)",
        ],
        15,
    )?;
    let body = above_footer(&body);
    let (left, right) = body.split_horizontally(820);
    let finite = |v: &&f64| v.is_finite();
    let all = |x: &[Vec<f64>]| x.iter().flatten().copied().filter(|v| v.is_finite()).collect::<Vec<f64>>();
    let (rv, gv) = (all(risk), all(regret));
    let r_lo = rv.iter().fold(f64::INFINITY, |a, b| a.min(*b)).min(if threshold.is_finite() { threshold } else { 1.0 });
    let r_hi =
        rv.iter().fold(f64::NEG_INFINITY, |a, b| a.max(*b)).max(if threshold.is_finite() { threshold } else { 0.0 });
    let pad = ((r_hi - r_lo) * 0.05).max(0.005);
    let (r_lo, r_hi) = ((r_lo - pad).max(0.0), (r_hi + pad).min(1.0));
    let g_hi = gv.iter().fold(0.0_f64, |a, b| a.max(*b)).max(0.001) * 1.08;
    for (k, (area, data, x_range, desc)) in [
        (&left, risk, (r_lo, r_hi), format!("P(deadly incident or worse) within {} months", stamp.horizon)),
        (&right, regret, (0.0, g_hi), "regret (percentage points behind the best policy)".to_string()),
    ]
    .into_iter()
    .enumerate()
    {
        let mut chart = ChartBuilder::on(area)
            .margin(12)
            .x_label_area_size(50)
            .y_label_area_size(if k == 0 { 230 } else { 10 })
            .build_cartesian_2d(x_range.0..x_range.1, -0.5..(n as f64 - 0.5))
            .map_err(err)?;
        chart
            .configure_mesh()
            .disable_y_mesh()
            .light_line_style(WHITE)
            .y_labels(n.max(1))
            .x_desc(desc)
            .x_label_formatter(&|x| if k == 0 { pct_tick(*x) } else { trimmed(100.0 * x, 2) })
            .y_label_formatter(&|y| if k == 0 { row_name(*y, names) } else { String::new() })
            .label_style((FONT, 15))
            .axis_desc_style((FONT, 16))
            .draw()
            .map_err(err)?;
        if k == 0 && threshold.is_finite() && threshold >= x_range.0 && threshold <= x_range.1 {
            chart
                .draw_series(DashedLineSeries::new(
                    vec![(threshold, -0.5), (threshold, n as f64 - 0.5)],
                    6,
                    4,
                    BLACK.mix(0.6).stroke_width(2),
                ))
                .map_err(err)?
                .label(format!("satisficing threshold {}", pct_tick(threshold)))
                .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], BLACK.mix(0.6).stroke_width(2)));
            legend(&mut chart, SeriesLabelPosition::UpperRight, 14)?;
        }
        for (p, values) in data.iter().enumerate() {
            let c = policy_color(p);
            let y = (n - 1 - p) as f64;
            let mut v: Vec<f64> = values.iter().filter(finite).copied().collect();
            if v.is_empty() {
                continue;
            }
            v.sort_by(f64::total_cmp);
            let q = |x: f64| crate::robust::quantile(&v, x);
            chart
                .draw_series(std::iter::once(PathElement::new(vec![(v[0], y), (v[v.len() - 1], y)], c.stroke_width(2))))
                .map_err(err)?;
            chart
                .draw_series(std::iter::once(PathElement::new(
                    vec![(q(0.25), y), (q(0.75), y)],
                    c.mix(0.35).stroke_width(30),
                )))
                .map_err(err)?;
            chart
                .draw_series(
                    values
                        .iter()
                        .enumerate()
                        .filter(|(_, x)| x.is_finite())
                        .map(|(s, x)| Circle::new((*x, y + jitter(s)), 4, c.mix(0.85).filled())),
                )
                .map_err(err)?;
            chart.draw_series(std::iter::once(Circle::new((q(0.5), y), 7, BLACK.filled()))).map_err(err)?;
        }
    }
    footer(&root, stamp)?;
    root.present().map_err(err)
}

/// Rank stability: for each policy the share of scenarios in which it ranks first (safest),
/// second, ..., last by P(deadly incident or worse), as a stacked bar.
pub fn rank_stability(path: &Path, names: &[String], shares: &[Vec<f64>], stamp: &Stamp) -> Result<(), String> {
    let n = names.len();
    let height = 240 + 70 * n as u32;
    let (root, body) = canvas(
        path,
        (1500, height),
        "Rank stability: how often each policy is the safest, second, ... across scenarios",
        26,
    )?;
    let body = explain(
        &body,
        &["share of scenarios at each rank by P(deadly incident or worse) (1 = the safest policy in the scenario; tied policies share the better rank)"],
        15,
    )?;
    let body = above_footer(&body);
    let (plot, side) = body.split_horizontally(1260);
    let mut chart = ChartBuilder::on(&plot)
        .margin(12)
        .x_label_area_size(50)
        .y_label_area_size(230)
        .build_cartesian_2d(0.0..1.0, -0.5..(n as f64 - 0.5))
        .map_err(err)?;
    chart
        .configure_mesh()
        .disable_y_mesh()
        .light_line_style(WHITE)
        .y_labels(n.max(1))
        .x_desc("share of scenarios")
        .x_label_formatter(&|x| pct_tick(*x))
        .y_label_formatter(&|y| row_name(*y, names))
        .label_style((FONT, 15))
        .axis_desc_style((FONT, 16))
        .draw()
        .map_err(err)?;
    // Rank 1 blue, through white in the middle, to red for the last rank.
    let color = |k: usize| diverging_color(if n <= 1 { -1.0 } else { 2.0 * k as f64 / (n - 1) as f64 - 1.0 });
    for (p, share) in shares.iter().enumerate() {
        let y = (n - 1 - p) as f64;
        let mut x0 = 0.0;
        for (k, s) in share.iter().enumerate() {
            if !s.is_finite() || *s <= 0.0 {
                continue;
            }
            chart
                .draw_series(std::iter::once(Rectangle::new([(x0, y - 0.35), (x0 + s, y + 0.35)], color(k).filled())))
                .map_err(err)?;
            if *s >= 0.06 {
                let style = (FONT, 14).into_font().color(&BLACK).pos(Pos::new(HPos::Center, VPos::Center));
                chart
                    .draw_series(std::iter::once(Text::new(format!("{:.0}%", 100.0 * s), (x0 + s / 2.0, y), style)))
                    .map_err(err)?;
            }
            x0 += s;
        }
    }
    let step = 27;
    for k in 0..n {
        let yy = 40 + step * k as i32;
        side.draw(&Rectangle::new([(10, yy - 9), (36, yy + 9)], color(k).filled())).map_err(err)?;
        let style = (FONT, 15).into_font().color(&BLACK).pos(Pos::new(HPos::Left, VPos::Center));
        let label = if k == 0 { "rank 1 (safest)".to_string() } else { format!("rank {}", k + 1) };
        side.draw(&Text::new(label, (44, yy), style)).map_err(err)?;
    }
    footer(&root, stamp)?;
    root.present().map_err(err)
}

/// A policy on the search's trade-off chart: name, risk per scenario, mean warheads.
pub struct SearchPoint<'a> {
    /// Policy name.
    pub name: &'a str,
    /// P(deadly incident or worse) in each scenario.
    pub risk: &'a [f64],
    /// Mean warheads at the horizon.
    pub warheads: f64,
    /// Its value of the search's metric.
    pub metric: f64,
}

/// The trade-off of a lever search: mean risk over scenarios against warheads at the horizon,
/// for the experiment's policies, every setting the search evaluated (grey) and the one found;
/// vertical bars span the 10th to 90th percentile of risk over scenarios.
pub fn search_tradeoff(
    path: &Path,
    metric: &str,
    policies: &[SearchPoint],
    found: &SearchPoint,
    trail: &[(f64, f64)],
    stamp: &Stamp,
) -> Result<(), String> {
    let (root, body) =
        canvas(path, (1500, 900), "Policy search: escalation risk against the arsenal at the horizon", 28)?;
    let line = format!(
        "dot: mean over scenarios of P(deadly incident or worse) within {} months and mean warheads; bar: 10th to 90th percentile of the risk over scenarios; grey: every setting the search evaluated ({}); label: {metric}",
        stamp.horizon,
        trail.len()
    );
    let body = explain(&body, &[&line], 15)?;
    let body = above_footer(&body);
    let (plot, side) = body.split_horizontally(1180);
    let all: Vec<&SearchPoint> = policies.iter().chain(std::iter::once(found)).collect();
    let names: Vec<String> = all.iter().map(|p| p.name.to_string()).collect();
    side_legend(&side, &names, 15)?;
    let spread = |r: &[f64]| {
        let mut v: Vec<f64> = r.iter().copied().filter(|x| x.is_finite()).collect();
        v.sort_by(f64::total_cmp);
        let mean = v.iter().sum::<f64>() / v.len().max(1) as f64;
        (mean, crate::robust::quantile(&v, 0.1), crate::robust::quantile(&v, 0.9))
    };
    let pts: Vec<(f64, f64, f64)> = all.iter().map(|p| spread(p.risk)).collect();
    let finite = |x: &f64| x.is_finite();
    let xs: Vec<f64> = all.iter().map(|p| p.warheads).chain(trail.iter().map(|t| t.1)).filter(finite).collect();
    let (x_min, x_max) = xs.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), x| (a.min(*x), b.max(*x)));
    let x_pad = ((x_max - x_min) * 0.1).max(1.0);
    let (x_min, x_max) = if xs.is_empty() { (0.0, 1.0) } else { ((x_min - x_pad).max(0.0), x_max + 2.0 * x_pad) };
    let y_lo = pts.iter().map(|p| p.1).chain(trail.iter().map(|t| t.0)).filter(finite).fold(1.0, f64::min);
    let y_hi = pts.iter().map(|p| p.2).chain(trail.iter().map(|t| t.0)).filter(finite).fold(0.0, f64::max);
    let pad = ((y_hi - y_lo) * 0.08).max(0.01);
    let (y_lo, y_hi) = ((y_lo - pad).max(0.0), (y_hi + pad).min(1.0));
    let mut chart = ChartBuilder::on(&plot)
        .margin(16)
        .x_label_area_size(50)
        .y_label_area_size(80)
        .build_cartesian_2d(x_min..x_max, y_lo..y_hi)
        .map_err(err)?;
    chart
        .configure_mesh()
        .x_desc("mean assembled warheads at the horizon")
        .y_desc("P(deadly incident or worse), mean over scenarios")
        .x_label_formatter(&|x| trimmed(*x, 1))
        .y_label_formatter(&|y| pct_tick(*y))
        .label_style((FONT, 15))
        .axis_desc_style((FONT, 16))
        .draw()
        .map_err(err)?;
    chart
        .draw_series(
            trail
                .iter()
                .filter(|t| t.0.is_finite() && t.1.is_finite())
                .map(|t| Circle::new((t.1, t.0), 3, BLACK.mix(0.25).filled())),
        )
        .map_err(err)?;
    for (i, (p, (mean, lo, hi))) in all.iter().zip(&pts).enumerate() {
        if !mean.is_finite() || !p.warheads.is_finite() {
            continue;
        }
        let c = policy_color(i);
        chart
            .draw_series(std::iter::once(PathElement::new(
                vec![(p.warheads, *lo), (p.warheads, *hi)],
                c.stroke_width(3),
            )))
            .map_err(err)?;
        let size = if i == all.len() - 1 { 11 } else { 8 };
        chart.draw_series(std::iter::once(Circle::new((p.warheads, *mean), size, c.filled()))).map_err(err)?;
        let style = (FONT, 14).into_font().color(&BLACK).pos(Pos::new(HPos::Left, VPos::Center));
        chart
            .draw_series(std::iter::once(Text::new(format!("  {:.3}", p.metric), (p.warheads, *mean), style)))
            .map_err(err)?;
    }
    footer(&root, stamp)?;
    root.present().map_err(err)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn probability_ticks_are_distinct_and_never_negative_zero() {
        let ticks: Vec<String> = (0..=10).map(|i| pct_tick(0.005 * i as f64)).collect();
        assert_eq!(ticks[..4], ["0%", "0.5%", "1%", "1.5%"]);
        let mut unique = ticks.clone();
        unique.dedup();
        assert_eq!(unique.len(), ticks.len(), "{ticks:?}");
        assert_eq!(pct_tick(0.0002), "0.02%");
        assert_eq!(pct_tick(0.3 * 0.1 * 10.0), "30%");
        assert_eq!(pp_tick(-0.0), "0");
        assert_eq!(pp_tick(-1e-9), "0");
        assert_eq!(pp_tick(0.02), "+2");
        assert_eq!(pp_tick(-0.025), "-2.5");
    }

    #[test]
    fn small_probabilities_keep_their_digits() {
        assert_eq!(pct_point(0.0002), "0.02%");
        assert_eq!(pct_point(0.00013), "0.013%");
        assert_eq!(pct_point(0.0044), "0.44%");
        assert_eq!(pct_point(0.734), "73.4%");
        assert_eq!(pct_point(0.0), "0%");
        assert_eq!(pct_point(0.000001), "<0.001%");
    }

    #[test]
    fn time_ticks_are_dates() {
        let s = Stamp { hash: String::new(), runs: 0, horizon: 120, start: Ym::new(2021, 1) };
        assert_eq!(date_label(s.year(0.0)), "2021");
        assert_eq!(date_label(s.year(6.0)), "Jul 2021");
        assert_eq!(date_label(s.year(120.0)), "2031");
        assert_eq!(date_label(2021.3), "", "between months: no label");
    }

    #[test]
    fn parameter_values_are_short() {
        assert_eq!(short(0.000002), "2e-6");
        assert_eq!(short(0.5), "0.5");
        assert_eq!(short(1.126), "1.13");
        assert_eq!(short(40.0), "40");
        assert_eq!(short(-1.23456), "-1.23");
    }
}
