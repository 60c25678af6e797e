//! PNG charts with plotters. Each carries a title, labelled axes with units, a legend and the
//! result hash. Text uses the embedded DejaVu Sans, so charts render on a machine without
//! system fonts.

use crate::summary::{PolicySummary, Risk};
use brink_sweep::Monthly;
use plotters::coord::{CoordTranslate, Shift};
use plotters::prelude::*;
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

/// What every chart states in its footer.
#[derive(Clone, Debug)]
pub struct Stamp {
    /// Result hash.
    pub hash: String,
    /// Runs in the sweep.
    pub runs: u64,
    /// Horizon in months.
    pub horizon: u32,
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

fn footer(root: &DrawingArea<BitMapBackend, Shift>, stamp: &Stamp) -> Result<(), String> {
    let (w, h) = root.dim_in_pixel();
    let text = format!("brink {} · result {} · {} runs", env!("CARGO_PKG_VERSION"), stamp.hash, stamp.runs);
    let style = (FONT, 15).into_font().color(&BLACK.mix(0.65));
    let style = style.pos(plotters::style::text_anchor::Pos::new(
        plotters::style::text_anchor::HPos::Right,
        plotters::style::text_anchor::VPos::Bottom,
    ));
    root.draw(&Text::new(text, (w as i32 - 12, h as i32 - 8), style)).map_err(err)
}

/// Dot-and-whisker panels, one per risk: probability within the horizon per policy, with
/// Wilson 95% intervals. `reference` is drawn bold in the labels.
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
    for (panel, risk) in panels.iter().zip(risks) {
        let k = Risk::ALL.iter().position(|r| r == risk).expect("risk is listed");
        let top = s.iter().map(|p| p.risks[k].hi).fold(0.0, f64::max);
        let x_max = nice_ceiling(top.max(0.001) * 1.1);
        let mut chart = ChartBuilder::on(panel)
            .caption(format!("P({}) within {} months", risk.label(), stamp.horizon), (FONT, 21))
            .margin(12)
            .x_label_area_size(48)
            .y_label_area_size(280)
            .build_cartesian_2d(0.0..x_max, (0..n - 1).into_segmented())
            .map_err(err)?;
        chart
            .configure_mesh()
            .disable_y_mesh()
            .light_line_style(WHITE)
            .x_desc("probability per run (dot: estimate; bar: Wilson 95% interval)")
            .x_label_formatter(&|x| format_prob(*x, x_max))
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
            let y = || SegmentValue::CenterOf(n - 1 - i);
            chart
                .draw_series(std::iter::once(PathElement::new(vec![(pr.lo, y()), (pr.hi, y())], c.stroke_width(4))))
                .map_err(err)?
                .label(format!("{} ({} runs)", p.policy, p.runs))
                .legend(move |(x, y)| Circle::new((x + 8, y), 6, c.filled()));
            chart.draw_series(std::iter::once(Circle::new((pr.p, y()), 7, c.filled()))).map_err(err)?;
            chart
                .draw_series(std::iter::once(Text::new(
                    format!("{:.1}%", 100.0 * pr.p),
                    (pr.hi, y()),
                    (FONT, 14).into_font().color(&BLACK.mix(0.7)),
                )))
                .map_err(err)?;
        }
        if risk == &risks[0] {
            legend(&mut chart, SeriesLabelPosition::LowerRight, 14)?;
        }
    }
    footer(&root, stamp)?;
    root.present().map_err(err)
}

/// Cumulative probability of reaching each given rung by month, one line per policy.
pub fn cumulative_risk(
    path: &Path,
    m: &Monthly,
    names: &[String],
    rungs: &[(usize, &str)],
    stamp: &Stamp,
) -> Result<(), String> {
    let height = 120 + 420 * rungs.len() as u32;
    let (root, body) = canvas(path, (1400, height), "Cumulative risk of escalation by month, per US policy", 30)?;
    let (body, _) = body.split_vertically(height as i32 - 80);
    let panels = body.split_evenly((rungs.len(), 1));
    for (panel, (k, label)) in panels.iter().zip(rungs) {
        let series: Vec<Vec<(f64, f64)>> = (0..m.policies)
            .map(|p| {
                let total = m.cell(p, 0).runs.max(1) as f64;
                (0..m.horizon).map(|t| (t as f64 + 1.0, m.cell(p, t).reached[*k] as f64 / total)).collect()
            })
            .collect();
        let top = series.iter().flatten().map(|x| x.1).fold(0.0, f64::max);
        let y_max = nice_ceiling(top.max(0.001) * 1.1);
        let mut chart = ChartBuilder::on(panel)
            .caption(format!("P({label}) by month"), (FONT, 21))
            .margin(12)
            .x_label_area_size(48)
            .y_label_area_size(80)
            .build_cartesian_2d(0.0..m.horizon as f64, 0.0..y_max)
            .map_err(err)?;
        chart
            .configure_mesh()
            .x_desc("month from the start of the run")
            .y_desc("share of runs")
            .y_label_formatter(&|y| format_prob(*y, y_max))
            .label_style((FONT, 15))
            .axis_desc_style((FONT, 16))
            .draw()
            .map_err(err)?;
        for (p, pts) in series.into_iter().enumerate() {
            let c = policy_color(p);
            chart
                .draw_series(LineSeries::new(pts, c.stroke_width(3)))
                .map_err(err)?
                .label(names[p].clone())
                .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], c.stroke_width(3)));
        }
        legend(&mut chart, SeriesLabelPosition::UpperLeft, 14)?;
    }
    footer(&root, stamp)?;
    root.present().map_err(err)
}

/// Fan chart of the monthly escalation score per policy: median, 50% and 90% bands.
pub fn score_fan(path: &Path, m: &Monthly, names: &[String], stamp: &Stamp) -> Result<(), String> {
    let cols = 2usize;
    let rows = m.policies.div_ceil(cols);
    let height = 120 + 330 * rows as u32;
    let (root, body) = canvas(
        path,
        (1400, height),
        "Monthly escalation score (Rivera et al. 2024 points): median, 50% and 90% of runs",
        26,
    )?;
    let (body, _) = body.split_vertically(height as i32 - 80);
    let panels = body.split_evenly((rows, cols));
    let q = |p: usize, t: u32, x: f64| m.cell(p, t).score_quantile(x);
    let y_max = (0..m.policies)
        .flat_map(|p| (0..m.horizon).map(move |t| (p, t)))
        .map(|(p, t)| q(p, t, 0.95))
        .filter(|x| x.is_finite())
        .fold(10.0, f64::max);
    for (p, panel) in panels.iter().enumerate().take(m.policies) {
        let c = policy_color(p);
        let mut chart = ChartBuilder::on(panel)
            .caption(&names[p], (FONT, 19))
            .margin(10)
            .x_label_area_size(40)
            .y_label_area_size(60)
            .build_cartesian_2d(0.0..m.horizon as f64, -4.0..y_max * 1.05)
            .map_err(err)?;
        chart
            .configure_mesh()
            .x_desc("month")
            .y_desc("points / month")
            .label_style((FONT, 13))
            .axis_desc_style((FONT, 14))
            .draw()
            .map_err(err)?;
        let months: Vec<u32> = (0..m.horizon).filter(|t| m.cell(p, *t).runs > 0).collect();
        let xs: Vec<f64> = months.iter().map(|t| *t as f64).collect();
        fan(&mut chart, &xs, &|i, x| q(p, months[i], x), c, "runs", "median")?;
        if p == 0 {
            legend(&mut chart, SeriesLabelPosition::UpperRight, 13)?;
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

fn format_prob(x: f64, max: f64) -> String {
    if max <= 0.02 {
        format!("{:.2}%", 100.0 * x)
    } else {
        format!("{:.0}%", 100.0 * x)
    }
}

/// The smallest of 1, 2, 2.5, 5 times a power of ten at or above `x`, capped at 1.
fn nice_ceiling(x: f64) -> f64 {
    let e = 10f64.powf(x.log10().floor());
    let m = [1.0, 2.0, 2.5, 5.0, 10.0].into_iter().find(|m| m * e >= x).unwrap_or(10.0);
    (m * e).min(1.0)
}

/// Kaplan–Meier curves of time to the first deadly incident (or worse), one per policy, with
/// 95% bands.
pub fn survival(
    path: &Path,
    curves: &[Vec<crate::km::SurvivalPoint>],
    names: &[String],
    stamp: &Stamp,
) -> Result<(), String> {
    let (root, body) = canvas(path, (1400, 820), "Time to the first deadly incident (Kaplan–Meier, 95% bands)", 28)?;
    let (body, _) = body.split_vertically(740);
    let low = curves.iter().flatten().map(|p| p.lo).fold(1.0, f64::min);
    let y_min = (low - 0.05).clamp(0.0, 0.95);
    let h = stamp.horizon as f64;
    let mut chart = ChartBuilder::on(&body)
        .margin(16)
        .x_label_area_size(50)
        .y_label_area_size(80)
        .build_cartesian_2d(0.0..h, y_min..1.0)
        .map_err(err)?;
    chart
        .configure_mesh()
        .x_desc("month from the start of the run")
        .y_desc("share of runs without a deadly incident")
        .y_label_formatter(&|y| format!("{:.0}%", 100.0 * y))
        .label_style((FONT, 15))
        .axis_desc_style((FONT, 16))
        .draw()
        .map_err(err)?;
    for (p, curve) in curves.iter().enumerate() {
        let c = policy_color(p);
        let steps = |f: &dyn Fn(&crate::km::SurvivalPoint) -> f64| -> Vec<(f64, f64)> {
            let mut pts = vec![(0.0, 1.0)];
            for q in curve {
                let last = pts.last().map(|x| x.1).unwrap_or(1.0);
                pts.push((q.time, last));
                pts.push((q.time, f(q)));
            }
            let last = pts.last().map(|x| x.1).unwrap_or(1.0);
            pts.push((h, last));
            pts
        };
        let (lo, hi) = (steps(&|q| q.lo), steps(&|q| q.hi));
        let mut band = hi.clone();
        band.extend(lo.into_iter().rev());
        chart.draw_series(std::iter::once(Polygon::new(band, c.mix(0.15).filled()))).map_err(err)?;
        chart
            .draw_series(LineSeries::new(steps(&|q| q.survival), c.stroke_width(3)))
            .map_err(err)?
            .label(names[p].clone())
            .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], c.stroke_width(3)));
    }
    legend(&mut chart, SeriesLabelPosition::LowerLeft, 14)?;
    footer(&root, stamp)?;
    root.present().map_err(err)
}

/// Risk against the arsenal at the horizon: one point per policy with its interval.
pub fn tradeoff(path: &Path, s: &[PolicySummary], stamp: &Stamp) -> Result<(), String> {
    let (root, body) = canvas(path, (1200, 820), "Trade-off: escalation risk against the arsenal at the horizon", 28)?;
    let (body, _) = body.split_vertically(740);
    let k = Risk::ALL.iter().position(|r| *r == Risk::DeadlyIncident).expect("listed");
    let x_max = s.iter().map(|p| p.warheads_end).fold(1.0, f64::max) * 1.15;
    let y_max = nice_ceiling(s.iter().map(|p| p.risks[k].hi).fold(0.001, f64::max) * 1.1);
    let mut chart = ChartBuilder::on(&body)
        .margin(16)
        .x_label_area_size(50)
        .y_label_area_size(80)
        .build_cartesian_2d(0.0..x_max, 0.0..y_max)
        .map_err(err)?;
    chart
        .configure_mesh()
        .x_desc("mean assembled warheads at the horizon")
        .y_desc("P(deadly incident or worse) within the horizon")
        .y_label_formatter(&|y| format!("{:.0}%", 100.0 * y))
        .label_style((FONT, 15))
        .axis_desc_style((FONT, 16))
        .draw()
        .map_err(err)?;
    for (i, p) in s.iter().enumerate() {
        let c = policy_color(i);
        let r = p.risks[k];
        chart
            .draw_series(std::iter::once(PathElement::new(
                vec![(p.warheads_end, r.lo), (p.warheads_end, r.hi)],
                c.stroke_width(3),
            )))
            .map_err(err)?;
        chart
            .draw_series(std::iter::once(Circle::new((p.warheads_end, r.p), 8, c.filled())))
            .map_err(err)?
            .label(p.policy.clone())
            .legend(move |(x, y)| Circle::new((x + 8, y), 6, c.filled()));
    }
    legend(&mut chart, SeriesLabelPosition::UpperLeft, 14)?;
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
    let (_, h) = body.dim_in_pixel();
    let (body, _) = body.split_vertically(h as i32 - 40);
    let panels = body.split_evenly((2, 2));
    let titles = ["warheads", "alliance cohesion (0-1)", "DPRK trust in the US (0-1)", "sanctions level (0-1)"];
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

/// A colour from a perceptually ordered scale (viridis anchors) for `t` in [0, 1].
pub fn scale_color(t: f64) -> RGBColor {
    const A: [(f64, f64, f64); 5] =
        [(68.0, 1.0, 84.0), (59.0, 82.0, 139.0), (33.0, 145.0, 140.0), (94.0, 201.0, 98.0), (253.0, 231.0, 37.0)];
    let t = if t.is_finite() { t.clamp(0.0, 1.0) } else { 0.0 };
    let x = t * 4.0;
    let i = (x as usize).min(3);
    let f = x - i as f64;
    let mix = |a: f64, b: f64| (a + (b - a) * f).round() as u8;
    RGBColor(mix(A[i].0, A[i + 1].0), mix(A[i].1, A[i + 1].1), mix(A[i].2, A[i + 1].2))
}

/// One heatmap panel: `grid[j][i]` is the value at x bin i, y bin j.
pub struct Heat<'a> {
    /// Panel title.
    pub title: String,
    /// Values, rows by y bin.
    pub grid: &'a [Vec<f64>],
    /// Range the colours span.
    pub range: (f64, f64),
    /// Label of the colour scale.
    pub unit: String,
}

/// Heatmaps over two swept parameters, each panel with its colour scale.
pub fn heatmap(
    path: &Path,
    title: &str,
    x: (&str, f64, f64),
    y: (&str, f64, f64),
    panels: &[Heat],
    stamp: &Stamp,
) -> Result<(), String> {
    let (root, body) = canvas(path, (700 * panels.len() as u32, 760), title, 24)?;
    let (body, _) = body.split_vertically(680);
    let areas = body.split_evenly((1, panels.len()));
    for (area, heat) in areas.iter().zip(panels) {
        let (main, bar) = area.split_horizontally(590);
        let ny = heat.grid.len();
        let nx = heat.grid.first().map(|r| r.len()).unwrap_or(0);
        let mut chart = ChartBuilder::on(&main)
            .caption(&heat.title, (FONT, 17))
            .margin(10)
            .x_label_area_size(50)
            .y_label_area_size(70)
            .build_cartesian_2d(x.1..x.2, y.1..y.2)
            .map_err(err)?;
        chart
            .configure_mesh()
            .disable_mesh()
            .x_desc(x.0)
            .y_desc(y.0)
            .label_style((FONT, 13))
            .axis_desc_style((FONT, 15))
            .draw()
            .map_err(err)?;
        let (dx, dy) = ((x.2 - x.1) / nx.max(1) as f64, (y.2 - y.1) / ny.max(1) as f64);
        let (lo, hi) = heat.range;
        for (j, row) in heat.grid.iter().enumerate() {
            for (i, v) in row.iter().enumerate() {
                let c =
                    if v.is_finite() { scale_color((v - lo) / (hi - lo).max(1e-12)) } else { RGBColor(230, 230, 230) };
                let (x0, y0) = (x.1 + i as f64 * dx, y.1 + j as f64 * dy);
                chart
                    .draw_series(std::iter::once(Rectangle::new([(x0, y0), (x0 + dx, y0 + dy)], c.filled())))
                    .map_err(err)?;
            }
        }
        let mut cb = ChartBuilder::on(&bar)
            .margin_top(40)
            .margin_bottom(60)
            .y_label_area_size(60)
            .build_cartesian_2d(0.0..1.0, lo..hi.max(lo + 1e-12))
            .map_err(err)?;
        cb.configure_mesh()
            .disable_mesh()
            .disable_x_axis()
            .y_desc(heat.unit.as_str())
            .y_label_formatter(&|v| format!("{:.0}%", 100.0 * v))
            .label_style((FONT, 12))
            .axis_desc_style((FONT, 13))
            .draw()
            .map_err(err)?;
        let steps = 50;
        for k in 0..steps {
            let (a, b) = (lo + (hi - lo) * k as f64 / steps as f64, lo + (hi - lo) * (k + 1) as f64 / steps as f64);
            cb.draw_series(std::iter::once(Rectangle::new(
                [(0.0, a), (1.0, b)],
                scale_color(k as f64 / (steps - 1) as f64).filled(),
            )))
            .map_err(err)?;
        }
    }
    footer(&root, stamp)?;
    root.present().map_err(err)
}

/// Sobol indices of each parameter: first order and total order with bootstrap 95% intervals.
pub fn sobol_bars(
    path: &Path,
    title: &str,
    params: &[String],
    idx: &[crate::sobol::SobolIndex],
    stamp: &Stamp,
) -> Result<(), String> {
    let n = params.len();
    let (root, body) = canvas(path, (1300, 220 + 70 * n as u32), title, 24)?;
    let (_, h) = body.dim_in_pixel();
    let (body, _) = body.split_vertically(h as i32 - 40);
    let top = idx.iter().map(|s| s.total_hi.max(s.first_hi)).filter(|v| v.is_finite()).fold(0.1, f64::max).min(1.2);
    let lowest = idx.iter().map(|s| s.first_lo).filter(|v| v.is_finite()).fold(0.0, f64::min).max(-0.5);
    let mut chart = ChartBuilder::on(&body)
        .margin(14)
        .x_label_area_size(50)
        .y_label_area_size(230)
        .build_cartesian_2d(lowest..top * 1.05, (0..n.max(1) - 1).into_segmented())
        .map_err(err)?;
    chart
        .configure_mesh()
        .disable_y_mesh()
        .x_desc("share of the variance of the risk (bars: estimate; whiskers: bootstrap 95%)")
        .y_label_formatter(&|y| match y {
            SegmentValue::CenterOf(i) if *i < n => params[n - 1 - *i].clone(),
            _ => String::new(),
        })
        .label_style((FONT, 14))
        .axis_desc_style((FONT, 15))
        .draw()
        .map_err(err)?;
    // Total order drawn thick and pale, first order thin and dark on top of it.
    let series = [("total order", RGBColor(230, 159, 0), true), ("first order", RGBColor(0, 114, 178), false)];
    for (name, c, total) in series {
        let mut first = true;
        for (i, s) in idx.iter().enumerate() {
            let (v, lo, hi) = if total { (s.total, s.total_lo, s.total_hi) } else { (s.first, s.first_lo, s.first_hi) };
            if !v.is_finite() {
                continue;
            }
            let y = n - 1 - i;
            let bar = chart
                .draw_series(std::iter::once(PathElement::new(
                    vec![(0.0, SegmentValue::CenterOf(y)), (v, SegmentValue::CenterOf(y))],
                    c.stroke_width(if total { 22 } else { 8 }),
                )))
                .map_err(err)?;
            if first {
                bar.label(name).legend(move |(x, y)| Rectangle::new([(x, y - 5), (x + 20, y + 5)], c.filled()));
                first = false;
            }
            if lo.is_finite() && hi.is_finite() {
                chart
                    .draw_series(std::iter::once(PathElement::new(
                        vec![(lo, SegmentValue::CenterOf(y)), (hi, SegmentValue::CenterOf(y))],
                        BLACK.stroke_width(2),
                    )))
                    .map_err(err)?;
            }
        }
    }
    legend(&mut chart, SeriesLabelPosition::LowerRight, 14)?;
    footer(&root, stamp)?;
    root.present().map_err(err)
}

/// PRIM peeling trajectories: coverage against density of each box, the chosen one ringed.
pub fn prim_tradeoff(
    path: &Path,
    title: &str,
    runs: &[(&str, &crate::prim::PrimResult)],
    stamp: &Stamp,
) -> Result<(), String> {
    let (root, body) = canvas(path, (1200, 820), title, 24)?;
    let (body, _) = body.split_vertically(740);
    let mut chart = ChartBuilder::on(&body)
        .margin(16)
        .x_label_area_size(50)
        .y_label_area_size(80)
        .build_cartesian_2d(0.0..1.02, 0.0..1.02)
        .map_err(err)?;
    chart
        .configure_mesh()
        .x_desc("coverage: share of the scenarios of interest inside the box")
        .y_desc("density: share of the box's scenarios that are of interest")
        .label_style((FONT, 15))
        .axis_desc_style((FONT, 16))
        .draw()
        .map_err(err)?;
    for (i, (label, r)) in runs.iter().enumerate() {
        let c = policy_color(i + 4);
        let pts: Vec<(f64, f64)> =
            r.trajectory.iter().filter(|b| b.coverage.is_finite()).map(|b| (b.coverage, b.density)).collect();
        chart
            .draw_series(pts.iter().map(|p| Circle::new(*p, 4, c.filled())))
            .map_err(err)?
            .label(label.to_string())
            .legend(move |(x, y)| Circle::new((x + 8, y), 5, c.filled()));
        if let Some(b) = r.trajectory.get(r.chosen).filter(|b| b.coverage.is_finite()) {
            chart
                .draw_series(std::iter::once(Circle::new((b.coverage, b.density), 11, c.stroke_width(3))))
                .map_err(err)?;
        }
    }
    legend(&mut chart, SeriesLabelPosition::LowerLeft, 14)?;
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
