//! PNG charts with plotters. Each carries a title, labelled axes with units, a legend and the
//! result hash. Text uses the embedded DejaVu Sans, so charts render on a machine without
//! system fonts.

use crate::summary::{PolicySummary, Risk};
use brink_sweep::Monthly;
use plotters::coord::Shift;
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
    register_font();
    let height = 140 + 60 * s.len() as u32 * risks.len() as u32 + 70 * risks.len() as u32;
    let root = BitMapBackend::new(path, (1400, height)).into_drawing_area();
    root.fill(&WHITE).map_err(err)?;
    let body = root.titled(title, (FONT, 30)).map_err(err)?;
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
            chart
                .configure_series_labels()
                .position(SeriesLabelPosition::LowerRight)
                .background_style(WHITE.mix(0.9))
                .border_style(BLACK.mix(0.4))
                .label_font((FONT, 14))
                .draw()
                .map_err(err)?;
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
    register_font();
    let height = 120 + 420 * rungs.len() as u32;
    let root = BitMapBackend::new(path, (1400, height)).into_drawing_area();
    root.fill(&WHITE).map_err(err)?;
    let body = root.titled("Cumulative risk of escalation by month, per US policy", (FONT, 30)).map_err(err)?;
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
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::UpperLeft)
            .background_style(WHITE.mix(0.9))
            .border_style(BLACK.mix(0.4))
            .label_font((FONT, 14))
            .draw()
            .map_err(err)?;
    }
    footer(&root, stamp)?;
    root.present().map_err(err)
}

/// Fan chart of the monthly escalation score per policy: median, 50% and 90% bands.
pub fn score_fan(path: &Path, m: &Monthly, names: &[String], stamp: &Stamp) -> Result<(), String> {
    register_font();
    let cols = 2usize;
    let rows = m.policies.div_ceil(cols);
    let height = 120 + 330 * rows as u32;
    let root = BitMapBackend::new(path, (1400, height)).into_drawing_area();
    root.fill(&WHITE).map_err(err)?;
    let body = root
        .titled("Monthly escalation score (Rivera et al. 2024 points): median, 50% and 90% of runs", (FONT, 26))
        .map_err(err)?;
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
        for (lo, hi, alpha, label) in [(0.05, 0.95, 0.18, "90% of runs"), (0.25, 0.75, 0.38, "50% of runs")] {
            let mut pts: Vec<(f64, f64)> = months.iter().map(|t| (*t as f64, q(p, *t, lo))).collect();
            pts.extend(months.iter().rev().map(|t| (*t as f64, q(p, *t, hi))));
            chart
                .draw_series(std::iter::once(Polygon::new(pts, c.mix(alpha).filled())))
                .map_err(err)?
                .label(label)
                .legend(move |(x, y)| Rectangle::new([(x, y - 6), (x + 20, y + 6)], c.mix(alpha).filled()));
        }
        chart
            .draw_series(LineSeries::new(months.iter().map(|t| (*t as f64, q(p, *t, 0.5))), c.stroke_width(2)))
            .map_err(err)?
            .label("median")
            .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], c.stroke_width(2)));
        if p == 0 {
            chart
                .configure_series_labels()
                .position(SeriesLabelPosition::UpperRight)
                .background_style(WHITE.mix(0.9))
                .border_style(BLACK.mix(0.4))
                .label_font((FONT, 13))
                .draw()
                .map_err(err)?;
        }
    }
    footer(&root, stamp)?;
    root.present().map_err(err)
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
