//! The catalogue of model parameters as users see it: every field of [`ParamSpec`], plus
//! whether the default experiment sweeps the parameter (and over which range) and whether the
//! calibration to the record fits it. `brink params` prints it as text, JSON or Markdown;
//! docs/MODEL.md carries the Markdown verbatim (a test checks).

use crate::calibrate::PRIORS;
use crate::experiment::Experiment;
use brink_core::{Param, ParamSpec};
use serde::Serialize;
use std::fmt::Write as _;

/// One parameter of the catalogue.
#[derive(Clone, Debug, Serialize)]
pub struct Entry {
    /// Name used in files and columns.
    pub name: &'static str,
    /// Default value.
    pub default: f64,
    /// Valid range [min, max].
    pub range: [f64; 2],
    /// Unit.
    pub unit: &'static str,
    /// Hypothesis (H1..H7) or mechanism.
    pub group: &'static str,
    /// What it does.
    pub meaning: &'static str,
    /// Where the default comes from.
    pub source: &'static str,
    /// The range the default experiment sweeps it over, if it does.
    pub swept: Option<[f64; 2]>,
    /// Whether the calibration to the record fits it (the default experiment then draws it
    /// from the posterior).
    pub calibrated: bool,
}

/// Every parameter, in declaration order.
pub fn entries() -> Vec<Entry> {
    let exp = Experiment::default_experiment();
    Param::ALL
        .iter()
        .map(|p| {
            let s: &ParamSpec = p.spec();
            Entry {
                name: s.name,
                default: s.default,
                range: [s.min, s.max],
                unit: s.unit,
                group: s.group,
                meaning: s.doc,
                source: s.source,
                swept: exp.uncertain.iter().find(|u| u.param == *p).map(|u| [u.low, u.high]),
                calibrated: PRIORS.iter().any(|q| q.param == *p),
            }
        })
        .collect()
}

/// The catalogue as one Markdown table per group, in order of first appearance.
pub fn markdown() -> String {
    let all = entries();
    let mut groups: Vec<&str> = Vec::new();
    for e in &all {
        if !groups.contains(&e.group) {
            groups.push(e.group);
        }
    }
    let mut s = String::new();
    for g in groups {
        let _ = writeln!(s, "**{g}**\n");
        s.push_str("| parameter | default | range | unit | swept | fitted | what it does | source |\n");
        s.push_str("|---|---|---|---|---|---|---|---|\n");
        for e in all.iter().filter(|e| e.group == g) {
            let swept = e.swept.map(|[a, b]| format!("{a} - {b}")).unwrap_or_default();
            let _ = writeln!(
                s,
                "| `{}` | {} | [{}, {}] | {} | {} | {} | {} | {} |",
                e.name,
                e.default,
                e.range[0],
                e.range[1],
                e.unit,
                swept,
                if e.calibrated { "yes" } else { "" },
                e.meaning,
                e.source
            );
        }
        s.push('\n');
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_catalogue_covers_every_parameter_with_a_unit_and_a_source() {
        let all = entries();
        assert_eq!(all.len(), Param::COUNT);
        assert!(all.iter().all(|e| !e.unit.is_empty() && !e.source.is_empty() && !e.meaning.is_empty()));
        assert!(all.iter().any(|e| e.swept.is_some()) && all.iter().any(|e| e.calibrated));
    }

    /// docs/MODEL.md holds the catalogue verbatim: regenerate with `brink params --markdown`.
    #[test]
    fn model_md_holds_the_current_catalogue() {
        let doc = include_str!("../../../docs/MODEL.md");
        assert!(
            doc.contains(&markdown()),
            "docs/MODEL.md is out of date: paste `brink params --markdown` into section 7"
        );
    }
}
