//! Experiment files: parsing, complete validation, the canonical form and its hash.
//!
//! An experiment file is TOML layered over the compiled-in default (`configs/default.toml`).
//! Every problem is reported at once, each with file:line:column, the field, what is wrong and
//! what would be valid; misspelled keys get the nearest valid key.

use crate::calibrate::{Posterior, EMBEDDED_NAME};
use crate::harm::{self, Harm};
use crate::history::Ym;
use brink_core::{Lever, Param, Params, Policy, MODEL_VERSION};
use std::collections::{HashMap, HashSet};
use std::fmt;
use std::ops::Range;
use toml::de::{DeTable, DeValue};
use toml::Spanned;

/// The default experiment, compiled in.
pub const DEFAULT_TOML: &str = include_str!("../../../configs/default.toml");

/// Largest experiment accepted without `force`.
pub const MAX_RUNS: u64 = 2_000_000_000;

/// Most design values (scenarios x uncertain parameters) held in memory: 800 MB of points.
pub const MAX_DESIGN_VALUES: u64 = 100_000_000;

/// How scenarios (points in the space of uncertain parameters) are chosen.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Method {
    /// No uncertain parameters varied: one scenario at the fixed values.
    Fixed,
    /// Independent uniform draws.
    MonteCarlo,
    /// Latin hypercube: one draw in each of `samples` strata of every parameter.
    LatinHypercube,
    /// Full factorial grid with `levels` evenly spaced values per parameter.
    Grid,
    /// Saltelli's scheme for Sobol indices: matrices A, B and the d matrices A_B^(i).
    Sobol,
}

impl Method {
    /// Name in files.
    pub fn name(self) -> &'static str {
        match self {
            Method::Fixed => "fixed",
            Method::MonteCarlo => "monte_carlo",
            Method::LatinHypercube => "latin_hypercube",
            Method::Grid => "grid",
            Method::Sobol => "sobol",
        }
    }

    const ALL: [Method; 5] = [Method::Fixed, Method::MonteCarlo, Method::LatinHypercube, Method::Grid, Method::Sobol];
}

/// An uncertain parameter and its range (uniform).
#[derive(Clone, Debug, PartialEq)]
pub struct Uncertain {
    /// The parameter.
    pub param: Param,
    /// Lowest value.
    pub low: f64,
    /// Highest value.
    pub high: f64,
}

/// A validated experiment with every default applied. Two experiments are equal when their
/// canonical forms are (which layer set a value is not part of the experiment).
#[derive(Clone, Debug)]
pub struct Experiment {
    /// Short name.
    pub name: String,
    /// What it asks.
    pub description: String,
    /// Months per run.
    pub horizon: u32,
    /// Calendar month of a run's first month (month 0): dates on charts and in
    /// `monthly.parquet`; the simulation itself has no calendar.
    pub start: Ym,
    /// Replications per scenario and policy.
    pub replications: u32,
    /// Master seed.
    pub seed: u64,
    /// Policies compared, in order.
    pub policies: Vec<Policy>,
    /// Index in `policies` of the reference for paired comparisons.
    pub reference: usize,
    /// Design method.
    pub method: Method,
    /// Samples (Monte Carlo, Latin hypercube, Sobol base size).
    pub samples: u32,
    /// Levels per parameter (grid).
    pub levels: u32,
    /// Policy an election may switch to.
    pub election_target: Option<Policy>,
    /// Parameter values (uncertain ones are replaced per scenario).
    pub params: Params,
    /// Uncertain parameters, in the order given by [`Param::ALL`].
    pub uncertain: Vec<Uncertain>,
    /// Posterior the behaviour parameters are drawn from, one row per scenario.
    pub posterior: Option<Posterior>,
    /// Columns of the posterior drawn: its parameters less those fixed or uncertain.
    pub posterior_params: Vec<Param>,
    /// Parameters fixed under [model] in some layer.
    pub fixed: Vec<Param>,
    /// Weights of the harm-weighted outcome (`[harm]`).
    pub harm: Harm,
    /// Satisficing threshold: a risk (P(deadly incident or worse) within the horizon) that a
    /// policy should stay at or under; the report gives each policy's share of scenarios that
    /// meet it (`experiment.satisficing`).
    pub satisficing: f64,
}

/// Satisficing threshold when an experiment sets none.
pub const DEFAULT_SATISFICING: f64 = 0.5;

/// One problem in an experiment file.
#[derive(Clone, Debug, PartialEq)]
pub struct Problem {
    /// File name as given.
    pub file: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column.
    pub column: usize,
    /// Dotted field name.
    pub field: String,
    /// What is wrong and what would be valid.
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}: {}: {}", self.file, self.line, self.column, self.field, self.message)
    }
}

/// Every problem found in an experiment file.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub struct ConfigError {
    /// The problems, in file order.
    pub problems: Vec<Problem>,
}

/// Most problems printed; the rest are counted.
pub const MAX_SHOWN_PROBLEMS: usize = 50;

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.problems.len();
        writeln!(f, "{} problem{} in the experiment file:", n, if n == 1 { "" } else { "s" })?;
        for p in self.problems.iter().take(MAX_SHOWN_PROBLEMS) {
            writeln!(f, "  {p}")?;
        }
        if n > MAX_SHOWN_PROBLEMS {
            writeln!(f, "  ... and {} more (fix these first)", n - MAX_SHOWN_PROBLEMS)?;
        }
        Ok(())
    }
}

impl PartialEq for Experiment {
    fn eq(&self, other: &Self) -> bool {
        self.canonical() == other.canonical()
    }
}

impl Experiment {
    /// The compiled-in default experiment.
    pub fn default_experiment() -> Experiment {
        Experiment::parse(DEFAULT_TOML, "<default>").expect("the embedded default experiment is valid")
    }

    /// Parses and validates the bytes of an experiment file: text that is not UTF-8 or holds
    /// NUL bytes is refused with the line and column of the first bad byte.
    pub fn parse_bytes(bytes: &[u8], file: &str) -> Result<Experiment, ConfigError> {
        let at = |offset: usize, message: String| {
            let before = String::from_utf8_lossy(&bytes[..offset]);
            let line = before.matches('\n').count() + 1;
            let column = before.chars().rev().take_while(|c| *c != '\n').count() + 1;
            ConfigError {
                problems: vec![Problem { file: file.to_string(), line, column, field: "(file)".into(), message }],
            }
        };
        let text = std::str::from_utf8(bytes).map_err(|e| {
            at(
                e.valid_up_to(),
                format!("not UTF-8 text (invalid byte 0x{:02x}); save the file as UTF-8", bytes[e.valid_up_to()]),
            )
        })?;
        if let Some(i) = bytes.iter().position(|b| *b == 0) {
            return Err(at(i, "not a text file: it holds NUL bytes".into()));
        }
        Experiment::parse(text, file)
    }

    /// Parses and validates an experiment file layered over the default.
    pub fn parse(text: &str, file: &str) -> Result<Experiment, ConfigError> {
        let mut exp = base_experiment();
        let mut base = Checker::new("<embedded default>", DEFAULT_TOML);
        base.apply(&mut exp);
        assert!(base.problems.is_empty(), "the embedded default is invalid: {:?}", base.problems);
        let mut cx = Checker::new(file, text);
        if text != DEFAULT_TOML {
            cx.apply(&mut exp);
        }
        cx.cross_checks(&mut exp);
        if cx.problems.is_empty() {
            Ok(exp)
        } else {
            Err(ConfigError { problems: locate(text, cx.problems) })
        }
    }

    /// Number of scenarios the design produces.
    pub fn scenarios(&self) -> u64 {
        let d = self.uncertain.len() as u64;
        match self.method {
            Method::Fixed => 1,
            Method::MonteCarlo | Method::LatinHypercube => self.samples as u64,
            Method::Grid => (self.levels as u64).saturating_pow(d as u32),
            Method::Sobol => self.samples as u64 * (d + 2),
        }
    }

    /// Total number of runs: scenarios x replications x policies (saturating).
    pub fn runs(&self) -> u64 {
        u64::try_from(self.runs_exact()).unwrap_or(u64::MAX)
    }

    /// Total number of runs, exactly, as long as the number of scenarios fits in a `u64`.
    pub fn runs_exact(&self) -> u128 {
        self.scenarios() as u128 * self.replications as u128 * self.policies.len() as u128
    }

    /// The canonical serialization: defaults applied, keys in a fixed order, strings escaped so
    /// that any TOML reader reads them back unchanged ([`toml_string`]), numbers in their
    /// shortest round-trip form with -0.0 written as 0.0 ([`toml_float`]). Equivalent files give
    /// the same bytes.
    pub fn canonical(&self) -> String {
        let mut s = String::new();
        let names = |ps: &mut dyn Iterator<Item = &str>| ps.map(toml_string).collect::<Vec<_>>().join(", ");
        s.push_str("# Canonical experiment written by brink. `brink sweep` on this file reproduces the result.\n");
        s.push_str(&format!("# model = {}\n\n[experiment]\n", toml_string(MODEL_VERSION)));
        s.push_str(&format!("name = {}\n", toml_string(&self.name)));
        s.push_str(&format!("description = {}\n", toml_string(&self.description)));
        s.push_str(&format!("horizon_months = {}\n", self.horizon));
        if self.start != DEFAULT_START {
            // Written only when set, so that the hashes of experiments without it stay as they were.
            s.push_str(&format!("start = \"{}\"\n", self.start));
        }
        s.push_str(&format!("replications = {}\n", self.replications));
        s.push_str(&format!("seed = {}\n", self.seed));
        s.push_str(&format!("policies = [{}]\n", names(&mut self.policies.iter().map(|p| p.name()))));
        s.push_str(&format!("reference_policy = {}\n", toml_string(self.policies[self.reference].name())));
        if self.satisficing != DEFAULT_SATISFICING {
            // Written only when set, so that the hashes of experiments without it stay as they were.
            s.push_str(&format!("satisficing = {}\n", toml_float(self.satisficing)));
        }
        s.push_str(&format!(
            "\n[design]\nmethod = {}\nsamples = {}\nlevels = {}\n",
            toml_string(self.method.name()),
            self.samples,
            self.levels
        ));
        if let Some(t) = &self.election_target {
            s.push_str(&format!("\n[election]\nswitch_to = {}\n", toml_string(t.name())));
        }
        if let Some(post) = &self.posterior {
            s.push_str(&format!(
                "\n[posterior]\nfile = \"posterior.csv\"\nblake3 = {}\nparams = [{}]\n",
                toml_string(&post.blake3),
                names(&mut self.posterior_params.iter().map(|p| p.name()))
            ));
        }
        s.push_str("\n[model]\n");
        for p in Param::ALL {
            if !self.uncertain.iter().any(|u| u.param == *p) && !self.posterior_params.contains(p) {
                s.push_str(&format!("{} = {}\n", p.name(), toml_float(self.params.get(*p))));
            }
        }
        s.push_str("\n[uncertain]\n");
        for u in &self.uncertain {
            s.push_str(&format!(
                "{} = {{ low = {}, high = {} }}\n",
                u.param.name(),
                toml_float(u.low),
                toml_float(u.high)
            ));
        }
        s.push_str("\n[harm]\n");
        for (k, w) in harm::KINDS.iter().zip(self.harm.weights) {
            s.push_str(&format!("{} = {}\n", k.name, toml_float(w)));
        }
        let mut all: Vec<&Policy> = self.policies.iter().collect();
        if let Some(t) = &self.election_target {
            if !all.iter().any(|p| p.name() == t.name()) {
                all.push(t);
            }
        }
        for pol in all {
            s.push_str(&format!("\n[policies.{}]\nsummary = {}\n", toml_key(pol.name()), toml_string(pol.summary())));
            for l in Lever::ALL {
                match pol.range(*l) {
                    // A family's lever: its range (written only for families, so the hashes of
                    // experiments without ranges stay as they were).
                    Some((lo, hi)) => s.push_str(&format!(
                        "{} = {{ low = {}, high = {} }}\n",
                        l.name(),
                        toml_float(lo),
                        toml_float(hi)
                    )),
                    None => s.push_str(&format!("{} = {}\n", l.name(), toml_float(pol.get(*l)))),
                }
            }
        }
        s
    }

    /// The levers given as a range in at least one of the experiment's policies (families), in
    /// lever order: those `runs.parquet` records per run (`lever_<name>`).
    pub fn varied_levers(&self) -> Vec<Lever> {
        Lever::ALL.iter().copied().filter(|l| self.policies.iter().any(|p| p.range(*l).is_some())).collect()
    }

    /// The key of the experiment's scenario set: BLAKE3 of the model version and of everything
    /// that decides which scenarios run and which random numbers each replication meets (the
    /// master seed, the horizon, the design, the swept ranges, the fixed values, the posterior
    /// and the election), but not the policies compared, the reference, the name, the
    /// description, the number of replications or the harm weights. Scenario points, posterior
    /// rows and run seeds derive from it, so adding a policy to an experiment, or replications,
    /// leaves every other policy's runs as they were. The result hash ([`Experiment::hash`])
    /// covers the whole experiment.
    pub fn scenario_key(&self) -> u64 {
        let mut s = format!("{MODEL_VERSION}\nseed = {}\nhorizon = {}\n", self.seed, self.horizon);
        s.push_str(&format!("design = {} {} {}\n", self.method.name(), self.samples, self.levels));
        for u in &self.uncertain {
            s.push_str(&format!("uncertain {} = {} {}\n", u.param.name(), toml_float(u.low), toml_float(u.high)));
        }
        for p in Param::ALL {
            if !self.uncertain.iter().any(|u| u.param == *p) && !self.posterior_params.contains(p) {
                s.push_str(&format!("model {} = {}\n", p.name(), toml_float(self.params.get(*p))));
            }
        }
        if let Some(post) = &self.posterior {
            s.push_str(&format!("posterior {}", post.blake3));
            for p in &self.posterior_params {
                s.push_str(&format!(" {}", p.name()));
            }
            s.push('\n');
        }
        if let Some(t) = &self.election_target {
            s.push_str(&format!("election {}", toml_string(t.name())));
            for l in Lever::ALL {
                s.push_str(&format!(" {}", toml_float(t.get(*l))));
            }
            s.push('\n');
        }
        let h = blake3::hash(s.as_bytes());
        u64::from_le_bytes(h.as_bytes()[..8].try_into().expect("8 bytes"))
    }

    /// The result hash: BLAKE3 of the canonical form and the model version, in hex.
    pub fn hash(&self) -> String {
        let mut h = blake3::Hasher::new();
        h.update(MODEL_VERSION.as_bytes());
        h.update(b"\0");
        h.update(self.canonical().as_bytes());
        h.finalize().to_hex()[..16].to_string()
    }
}

/// `s` as a TOML basic string that every TOML reader reads back unchanged: quotes and
/// backslashes escaped, and every character that is not printed as itself (control characters,
/// format characters such as the soft hyphen U+00AD, line separators, unassigned code points)
/// written as `\uXXXX` or `\UXXXXXXXX`.
pub fn toml_string(s: &str) -> String {
    use std::fmt::Write as _;
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\'' => out.push(c),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() || c.escape_debug().len() != 1 => {
                if (c as u32) <= 0xffff {
                    let _ = write!(out, "\\u{:04X}", c as u32);
                } else {
                    let _ = write!(out, "\\U{:08X}", c as u32);
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// `x` as a TOML float that reads back to the same bits: the shortest round-trip form
/// (`0.1`, `1e308`, `5e-324`), with -0.0 written as 0.0 (they are the same value).
pub fn toml_float(x: f64) -> String {
    let x = if x == 0.0 { 0.0 } else { x };
    format!("{x:?}")
}

/// A key: bare when TOML allows it, else quoted.
fn toml_key(k: &str) -> String {
    if !k.is_empty() && k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-') {
        k.to_string()
    } else {
        toml_string(k)
    }
}

/// A number in a message: as written when that is short, else in exponent form (1e308, not
/// 309 digits).
struct Num(f64);

impl fmt::Display for Num {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let plain = self.0.to_string();
        if plain.len() <= 20 {
            f.write_str(&plain)
        } else {
            write!(f, "{:e}", self.0)
        }
    }
}

/// Sets the line and column of each problem from its byte offset in `text`, in one pass over
/// the text (problems in file order).
fn locate(text: &str, mut problems: Vec<(usize, Problem)>) -> Vec<Problem> {
    problems.sort_by_key(|(offset, _)| *offset);
    let (mut line, mut column, mut at) = (1, 1, 0);
    for (offset, p) in problems.iter_mut() {
        let mut end = (*offset).min(text.len()).max(at);
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        for c in text[at..end].chars() {
            if c == '\n' {
                line += 1;
                column = 1;
            } else {
                column += 1;
            }
        }
        at = end;
        p.line = line;
        p.column = column;
    }
    problems.into_iter().map(|(_, p)| p).collect()
}

/// Policies defined under [policies] in one layer, by name.
#[derive(Default)]
struct Defined {
    list: Vec<Policy>,
    index: HashMap<String, usize>,
}

impl Defined {
    fn get(&self, name: &str) -> Option<&Policy> {
        self.index.get(name).map(|i| &self.list[*i])
    }

    fn push(&mut self, p: Policy) {
        self.index.insert(p.name().to_string(), self.list.len());
        self.list.push(p);
    }

    /// A defined policy, else a built-in one.
    fn known(&self, name: &str) -> Option<Policy> {
        self.get(name).cloned().or_else(|| Policy::builtin_named(name))
    }
}

/// Most policies one [policies] table may define.
pub const MAX_DEFINED_POLICIES: usize = 1000;

struct Checker<'a> {
    file: &'a str,
    text: &'a str,
    /// Problems with the byte offset they refer to; lines and columns are set at the end.
    problems: Vec<(usize, Problem)>,
    design_span: Range<usize>,
    election_span: Option<Range<usize>>,
    /// Whether this file gives `[election] switch_to` (valid or not).
    switch_to_given: bool,
    /// Where this file names its posterior.
    posterior_span: Option<Range<usize>>,
    /// User policies defined in this file that failed to build (their problem is reported).
    broken_policies: HashSet<String>,
}

type Table<'i> = DeTable<'i>;

const TOP_KEYS: &[&str] = &["experiment", "design", "election", "model", "uncertain", "policies", "posterior", "harm"];
const POSTERIOR_KEYS: &[&str] = &["file", "blake3", "params"];
const EXPERIMENT_KEYS: &[&str] = &[
    "name",
    "description",
    "horizon_months",
    "start",
    "replications",
    "seed",
    "policies",
    "reference_policy",
    "satisficing",
];

/// The calendar month of month 0 unless `[experiment] start` says otherwise: January 2021.
pub const DEFAULT_START: Ym = Ym(2021 * 12);
const DESIGN_KEYS: &[&str] = &["method", "samples", "levels"];
const ELECTION_KEYS: &[&str] = &["switch_to"];
const RANGE_KEYS: &[&str] = &["low", "high"];

impl<'a> Checker<'a> {
    fn new(file: &'a str, text: &'a str) -> Self {
        Checker {
            file,
            text,
            problems: Vec::new(),
            design_span: 0..0,
            election_span: None,
            switch_to_given: false,
            posterior_span: None,
            broken_policies: HashSet::new(),
        }
    }

    /// Records a problem at `span` (located in [`locate`], once, so that many problems take
    /// linear time).
    fn problem(&mut self, span: Range<usize>, field: &str, message: String) {
        let p = Problem { file: self.file.to_string(), line: 0, column: 0, field: field.to_string(), message };
        self.problems.push((span.start, p));
    }

    /// Applies one layer (a TOML document) over `exp`.
    fn apply(&mut self, exp: &mut Experiment) {
        if let Some(i) = self.text.bytes().position(|b| b == 0) {
            self.problem(i..i, "(file)", "not a text file: it holds NUL bytes".into());
            return;
        }
        let doc = match DeTable::parse(self.text) {
            Ok(d) => d,
            Err(e) => {
                let msg = e.message().trim().replace('\n', " ");
                let span = e.span().unwrap_or_else(|| {
                    let at = first_line_failing(self.text, &msg);
                    at..at
                });
                let msg = if msg.contains("recursion") { format!("nested too deeply ({msg})") } else { msg };
                let at = self.text.get(span.clone()).unwrap_or("").trim();
                let line_rest = self.text.get(span.start..).and_then(|t| t.lines().next()).unwrap_or("").trim();
                let msg = if msg.starts_with("duplicate key") && !at.is_empty() {
                    format!("{msg} `{}`", at.trim_matches(|c| c == '[' || c == ']'))
                } else if msg.contains("must be quoted") && (line_rest.is_empty() || line_rest.starts_with('#')) {
                    "expected a value after `=` (a number, a \"string\", true/false, [array] or { table })".into()
                } else {
                    msg
                };
                self.problem(span, "(syntax)", format!("invalid TOML: {msg}"));
                return;
            }
        };
        let root = doc.get_ref();
        if root.is_empty() {
            self.problem(0..0, "(file)", "the file is empty: give at least [experiment] with policies, or run `brink sweep` without a file for the default".into());
        }
        self.unknown_keys(root, "", TOP_KEYS);
        // User policies first: the experiment's policy list may name them.
        let mut user = Defined::default();
        if let Some(t) = self.table(root, "policies", "policies") {
            if t.len() > MAX_DEFINED_POLICIES {
                let span = root.get("policies").map(|v| v.span()).unwrap_or(0..0);
                let msg = format!("{} policies defined; at most {MAX_DEFINED_POLICIES}", t.len());
                self.problem(span, "policies", msg);
                return;
            }
            for (k, v) in t.iter() {
                let field = format!("policies.{}", k.get_ref());
                match self.user_policy(k.get_ref(), v, &field, &user) {
                    Some(p) => user.push(p),
                    None => {
                        self.broken_policies.insert(k.get_ref().to_string());
                    }
                }
            }
        }
        let exp_reference_name = exp.policies[exp.reference].name().to_string();
        let known = |name: &str, user: &Defined| user.known(name);
        if let Some(t) = self.table(root, "experiment", "experiment") {
            self.unknown_keys(t, "experiment", EXPERIMENT_KEYS);
            if let Some(s) = self.string(t, "name", "experiment.name") {
                exp.name = s;
            }
            if let Some(s) = self.string(t, "description", "experiment.description") {
                exp.description = s;
            }
            if let Some(n) = self.int(t, "horizon_months", "experiment.horizon_months", 1, 1200) {
                exp.horizon = n as u32;
            }
            if let Some(s) = self.string(t, "start", "experiment.start") {
                let month = Ym::parse(&s).filter(|_| s.len() == 7 && s.as_bytes()[4] == b'-');
                match month {
                    Some(m) => exp.start = m,
                    None => {
                        let at = t.get("start").map(|v| v.span()).unwrap_or_default();
                        self.problem(
                            at,
                            "experiment.start",
                            format!("{s:?} is not a month YYYY-MM between 1900-01 and 2200-12, e.g. \"2021-01\""),
                        )
                    }
                }
            }
            if let Some(n) = self.int(t, "replications", "experiment.replications", 1, 1_000_000_000) {
                exp.replications = n as u32;
            }
            if let Some(n) = self.int(t, "seed", "experiment.seed", 0, i64::MAX) {
                exp.seed = n as u64;
            }
            if let Some(v) = t.get("satisficing") {
                match self.number_in(v, "experiment.satisficing", Some((0.0, 1.0))) {
                    Some(x) if (0.0..=1.0).contains(&x) => exp.satisficing = x,
                    Some(x) => self.problem(
                        v.span(),
                        "experiment.satisficing",
                        format!("{x} is outside the valid range [0, 1] (a probability: the risk a policy should stay under)"),
                    ),
                    None => {}
                }
            }
            let list_ok = match t.get("policies") {
                Some(v) => self.policy_list(v, exp, &user),
                None => {
                    exp.policies =
                        exp.policies.iter().map(|p| known(p.name(), &user).unwrap_or_else(|| p.clone())).collect();
                    true
                }
            };
            let previous_reference = exp_reference_name.clone();
            if let Some(v) = t.get("reference_policy") {
                match v.get_ref().as_str() {
                    Some(name) => match exp.policies.iter().position(|p| p.name() == name) {
                        Some(i) => exp.reference = i,
                        None => self.problem(
                            v.span(),
                            "experiment.reference_policy",
                            format!("{name:?} is not among experiment.policies"),
                        ),
                    },
                    None => {
                        self.wrong_type(v, "experiment.reference_policy", "a string naming one of experiment.policies")
                    }
                }
            } else {
                // Keep the lower layer's reference; a list without it needs a new one.
                match exp.policies.iter().position(|p| p.name() == previous_reference) {
                    Some(i) => exp.reference = i,
                    None => {
                        exp.reference = 0;
                        if list_ok {
                            let span = t.get("policies").map(|v| v.span()).unwrap_or(0..0);
                            let names: Vec<&str> = exp.policies.iter().map(|p| p.name()).collect();
                            self.problem(
                                span,
                                "experiment.reference_policy",
                                format!(
                                    "the reference policy {previous_reference:?} (of the default) is not among experiment.policies; add it, or set reference_policy to one of {}",
                                    names.join(", ")
                                ),
                            );
                        }
                    }
                }
            }
        } else {
            exp.policies = exp.policies.iter().map(|p| known(p.name(), &user).unwrap_or_else(|| p.clone())).collect();
        }
        if let Some(t) = self.table(root, "election", "election") {
            self.unknown_keys(t, "election", ELECTION_KEYS);
            if let Some(v) = t.get("switch_to") {
                self.switch_to_given = true;
                match v.get_ref().as_str() {
                    Some(name) => match known(name, &user) {
                        Some(p) if p.is_family() => {
                            let ranged: Vec<&str> = p.uncertain().iter().map(|r| r.0.name()).collect();
                            self.problem(
                                v.span(),
                                "election.switch_to",
                                format!(
                                    "{name:?} is a policy family (levers given as ranges: {}); an election switches to one setting: name a policy whose levers are all numbers",
                                    ranged.join(", ")
                                ),
                            )
                        }
                        Some(p) => exp.election_target = Some(p),
                        None => self.unknown_policy(v.span(), "election.switch_to", name, &user),
                    },
                    None => self.wrong_type(v, "election.switch_to", "a policy name"),
                }
            }
        }
        if let Some(t) = self.table(root, "model", "model") {
            for (k, v) in t.iter() {
                let field = format!("model.{}", k.get_ref());
                let Some(param) = self.param_key(k, &field) else {
                    continue;
                };
                let in_uncertain = root
                    .get("uncertain")
                    .and_then(|u| u.get_ref().as_table())
                    .and_then(|u| u.iter().find(|(uk, _)| uk.get_ref() == k.get_ref()).map(|(uk, _)| uk.span()));
                if let Some(span) = in_uncertain {
                    self.problem(
                        span,
                        &format!("uncertain.{}", k.get_ref()),
                        "also fixed under [model] in this file: a parameter is either fixed ([model]) or swept ([uncertain]); remove one".into(),
                    );
                    continue;
                }
                if param == Param::ElectionSwitch {
                    self.election_span = Some(v.span());
                }
                let s = param.spec();
                if let Some(x) = self.number_in(v, &field, Some((s.min, s.max))) {
                    // A fixed value in a later layer takes the parameter out of [uncertain].
                    exp.uncertain.retain(|u| u.param != param);
                    if !exp.fixed.contains(&param) {
                        exp.fixed.push(param);
                    }
                    if let Err(e) = exp.params.set(param, x) {
                        let s = param.spec();
                        self.problem(
                            v.span(),
                            &field,
                            format!("{} is outside the valid range [{}, {}]", Num(e.value), Num(s.min), Num(s.max)),
                        );
                    }
                }
            }
        }
        if let Some(t) = self.table(root, "uncertain", "uncertain") {
            // [uncertain] replaces the lower layer's list as a whole.
            exp.uncertain.clear();
            for (k, v) in t.iter() {
                let field = format!("uncertain.{}", k.get_ref());
                let Some(param) = self.param_key(k, &field) else {
                    continue;
                };
                if let Some(u) = self.range(param, v, &field) {
                    exp.uncertain.retain(|x| x.param != u.param);
                    exp.uncertain.push(u);
                }
            }
            exp.uncertain.sort_by_key(|u| u.param);
        }
        self.design_span = self.design(root, exp);
        self.posterior(root, exp);
        self.harm(root, exp);
        // "fixed" in a layer without its own [uncertain] drops the inherited list.
        if exp.method == Method::Fixed && root.get("uncertain").is_none() {
            exp.uncertain.clear();
        }
    }

    /// Checks that need the final experiment.
    fn cross_checks(&mut self, exp: &mut Experiment) {
        if let Some(post) = &exp.posterior {
            let restrict = std::mem::take(&mut exp.posterior_params);
            exp.posterior_params = post
                .params
                .iter()
                .copied()
                .filter(|p| restrict.is_empty() || restrict.contains(p))
                .filter(|p| !exp.fixed.contains(p) && !exp.uncertain.iter().any(|u| u.param == *p))
                .collect();
            if exp.posterior_params.is_empty() {
                exp.posterior = None;
            }
        }
        let span = self.design_span.clone();
        let bad_ranges = self.problems.iter().any(|(_, p)| p.field.starts_with("uncertain."));
        if exp.method != Method::Fixed && exp.uncertain.is_empty() && !bad_ranges {
            let msg = format!(
                "{:?} needs at least one parameter under [uncertain]; use \"fixed\" for none",
                exp.method.name()
            );
            self.problem(span.clone(), "design.method", msg);
        }
        let families: Vec<&str> = exp.policies.iter().filter(|p| p.is_family()).map(|p| p.name()).collect();
        if exp.method == Method::Fixed && !families.is_empty() {
            let msg = format!(
                "{} varies levers from scenario to scenario, and \"fixed\" has one scenario: choose monte_carlo or latin_hypercube, with parameters under [uncertain]",
                families.iter().map(|n| format!("policy family {n:?}")).collect::<Vec<_>>().join(", ")
            );
            self.problem(span.clone(), "design.method", msg);
        }
        if exp.method == Method::Fixed && !exp.uncertain.is_empty() {
            let msg = "\"fixed\" varies nothing, but [uncertain] lists parameters: choose monte_carlo, latin_hypercube, grid or sobol";
            self.problem(span, "design.method", msg.into());
        }
        let drawn = exp.posterior.as_ref().and_then(|post| {
            let j = post.params.iter().position(|p| *p == Param::ElectionSwitch)?;
            let max = post.rows.iter().map(|r| r[j]).fold(0.0, f64::max);
            (exp.posterior_params.contains(&Param::ElectionSwitch) && max > 0.0).then_some(max)
        });
        let elections = exp.params[Param::ElectionSwitch] > 0.0
            || exp.uncertain.iter().any(|u| u.param == Param::ElectionSwitch && u.high > 0.0);
        // A switch_to that is given but invalid has its own problem.
        if exp.election_target.is_none() && !self.switch_to_given {
            if let Some(max) = drawn {
                self.problem(
                    self.posterior_span.clone().unwrap_or(0..0),
                    "posterior.file",
                    format!("the posterior draws election_switch (up to {}), which needs [election] switch_to = \"<policy>\"; set it, or leave election_switch out of posterior.params", Num(max)),
                );
            } else if elections {
                self.problem(
                    self.election_span.clone().unwrap_or(0..0),
                    "election.switch_to",
                    "election_switch > 0 needs [election] switch_to = \"<policy>\"".into(),
                );
            }
        }
    }

    /// [harm]: weights of the harm-weighted outcome (expected deaths per event, >= 0).
    fn harm(&mut self, root: &Table, exp: &mut Experiment) {
        let Some(t) = self.table(root, "harm", "harm") else { return };
        let names: Vec<&str> = harm::KINDS.iter().map(|k| k.name).collect();
        self.unknown_keys(t, "harm", &names);
        for (k, v) in t.iter() {
            let field = format!("harm.{}", k.get_ref());
            let Some(i) = Harm::index(k.get_ref()) else { continue };
            match self.number_in(v, &field, Some((0.0, 1e12))) {
                Some(x) if (0.0..=1e12).contains(&x) => exp.harm.weights[i] = x + 0.0,
                Some(x) => self.problem(
                    v.span(),
                    &field,
                    format!("{x} is outside [0, 1e12]: a weight is expected deaths per event"),
                ),
                None => {}
            }
        }
    }

    /// [posterior]: where the behaviour parameters are drawn from.
    fn posterior(&mut self, root: &Table, exp: &mut Experiment) {
        let Some(t) = self.table(root, "posterior", "posterior") else { return };
        self.unknown_keys(t, "posterior", POSTERIOR_KEYS);
        let Some(fv) = t.get("file") else {
            if !t.is_empty() {
                let span = root.get("posterior").map(|v| v.span()).unwrap_or(0..0);
                self.problem(span, "posterior.file", format!("missing; give {EMBEDDED_NAME:?} (the calibration compiled in), \"none\", or the path of a posterior CSV written by `brink calibrate`"));
            }
            return;
        };
        let Some(name) = self.string(t, "file", "posterior.file") else { return };
        self.posterior_span = Some(fv.span());
        exp.posterior_params.clear();
        if name == "none" {
            exp.posterior = None;
            for key in ["blake3", "params"] {
                if let Some((k, _)) = t.iter().find(|(k, _)| k.get_ref() == key) {
                    self.problem(
                        k.span(),
                        &format!("posterior.{key}"),
                        "has no meaning with file = \"none\" (no posterior is drawn from); remove it, or name a posterior file".into(),
                    );
                }
            }
            return;
        }
        if name.trim().is_empty() {
            let msg = format!("the file name is empty; give {EMBEDDED_NAME:?} (the calibration compiled in), \"none\", or the path of a posterior CSV written by `brink calibrate`");
            return self.problem(fv.span(), "posterior.file", msg);
        }
        let post = if name == EMBEDDED_NAME {
            Posterior::embedded()
        } else {
            let dir = std::path::Path::new(self.file).parent().unwrap_or(std::path::Path::new(""));
            let path = if self.file.starts_with('<') { std::path::PathBuf::from(&name) } else { dir.join(&name) };
            let read = crate::files::read_text(&path, crate::files::Kind::Posterior).map_err(|e| e.to_string());
            match read.and_then(|t| Posterior::parse(&t).map_err(|e| format!("{name}: {e}"))) {
                Ok(p) => p,
                Err(e) => return self.problem(fv.span(), "posterior.file", e),
            }
        };
        if let Some(m) = post.meta("model").filter(|m| *m != MODEL_VERSION) {
            let msg = format!(
                "{name} was calibrated with model {m}, this is {MODEL_VERSION}: recalibrate with `brink calibrate`"
            );
            return self.problem(fv.span(), "posterior.file", msg);
        }
        if let Some(b) = t.get("blake3") {
            match b.get_ref().as_str() {
                Some(h) if h == post.blake3 => {}
                Some(h) => {
                    let msg = format!(
                        "{name} has BLAKE3 {}, not {h}: the file changed since this experiment was written",
                        post.blake3
                    );
                    return self.problem(b.span(), "posterior.blake3", msg);
                }
                None => return self.wrong_type(b, "posterior.blake3", "a string of 64 hex digits"),
            }
        }
        if let Some(v) = t.get("params") {
            let Some(arr) = v.get_ref().as_array() else {
                return self.wrong_type(v, "posterior.params", "an array of parameter names");
            };
            let names: Vec<&str> = post.params.iter().map(|p| p.name()).collect();
            if arr.is_empty() {
                let msg = format!("the list is empty, so nothing would be drawn; omit `params` to draw every column of {name} ({}), or set file = \"none\"", names.join(", "));
                return self.problem(v.span(), "posterior.params", msg);
            }
            for item in arr.iter() {
                match item.get_ref().as_str().and_then(|n| post.params.iter().find(|p| p.name() == n)) {
                    Some(p) => exp.posterior_params.push(*p),
                    None => {
                        let n = item.get_ref().as_str().unwrap_or("");
                        self.problem(
                            item.span(),
                            "posterior.params",
                            format!(
                                "{n:?} is not a column of {name}{}; columns: {}",
                                suggest(n, &names),
                                names.join(", ")
                            ),
                        );
                    }
                }
            }
        }
        exp.posterior = Some(post);
    }

    fn design(&mut self, root: &Table, exp: &mut Experiment) -> Range<usize> {
        let Some(v) = root.get("design") else {
            return self.design_span.clone();
        };
        let span = v.span();
        let Some(t) = self.table(root, "design", "design") else {
            return span;
        };
        self.unknown_keys(t, "design", DESIGN_KEYS);
        let mut span = span;
        if let Some(m) = t.get("method") {
            span = m.span();
            match m.get_ref().as_str() {
                Some(name) => match Method::ALL.iter().find(|x| x.name() == name) {
                    Some(x) => exp.method = *x,
                    None => {
                        let names: Vec<&str> = Method::ALL.iter().map(|x| x.name()).collect();
                        self.problem(
                            m.span(),
                            "design.method",
                            format!("unknown method {name:?}{}; valid: {}", suggest(name, &names), names.join(", ")),
                        )
                    }
                },
                None => self.wrong_type(m, "design.method", "a string"),
            }
        }
        if let Some(n) = self.int(t, "samples", "design.samples", 1, 100_000_000) {
            exp.samples = n as u32;
        }
        if let Some(n) = self.int(t, "levels", "design.levels", 2, 1000) {
            exp.levels = n as u32;
        }
        span
    }

    /// Reads `experiment.policies`; false if it has a problem.
    fn policy_list(&mut self, v: &Spanned<DeValue>, exp: &mut Experiment, user: &Defined) -> bool {
        let before = self.problems.len();
        let Some(arr) = v.get_ref().as_array() else {
            self.wrong_type(v, "experiment.policies", "an array of policy names");
            return false;
        };
        if arr.is_empty() {
            self.problem(
                v.span(),
                "experiment.policies",
                "the list is empty: name at least one policy (see `brink policies`)".into(),
            );
            return false;
        }
        let mut out: Vec<Policy> = Vec::new();
        let mut seen: HashSet<&str> = HashSet::new();
        for item in arr.iter() {
            match item.get_ref().as_str() {
                Some(name) if seen.contains(name) => {
                    self.problem(item.span(), "experiment.policies", format!("{name:?} is listed twice"))
                }
                Some(name) => match user.known(name) {
                    Some(p) => {
                        seen.insert(name);
                        out.push(p)
                    }
                    None => self.unknown_policy(item.span(), "experiment.policies", name, user),
                },
                None => self.wrong_type(item, "experiment.policies", "a policy name (string)"),
            }
        }
        if out.len() > 255 {
            self.problem(v.span(), "experiment.policies", format!("{} policies; at most 255", out.len()));
        }
        if !out.is_empty() {
            exp.policies = out;
        }
        self.problems.len() == before
    }

    fn unknown_policy(&mut self, span: Range<usize>, field: &str, name: &str, user: &Defined) {
        if self.broken_policies.contains(name) {
            return; // defined in this file but invalid: that problem is already reported
        }
        let builtin = Policy::builtin();
        let mut names: Vec<&str> = builtin.iter().map(|p| p.name()).collect();
        names.extend(user.list.iter().map(|p| p.name()));
        let shown = 20;
        let more = if names.len() > shown { format!(" and {} more", names.len() - shown) } else { String::new() };
        self.problem(
            span,
            field,
            format!(
                "unknown policy {name:?}{}; known: {}{more}",
                suggest(name, &names),
                names[..names.len().min(shown)].join(", ")
            ),
        );
    }

    fn user_policy(&mut self, name: &str, v: &Spanned<DeValue>, field: &str, user: &Defined) -> Option<Policy> {
        let Some(t) = v.get_ref().as_table() else {
            self.wrong_type(v, field, "a table of levers");
            return None;
        };
        if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-') {
            self.problem(v.span(), field, "a policy name uses letters, digits, '_' and '-' only".into());
            return None;
        }
        if user.get(name).is_some() {
            self.problem(v.span(), field, format!("policy {name:?} is defined twice"));
            return None;
        }
        let mut keys: Vec<&str> = Lever::ALL.iter().map(|l| l.name()).collect();
        keys.extend(["base", "summary"]);
        self.unknown_keys(t, field, &keys);
        let base = match t.get("base") {
            Some(b) => match b.get_ref().as_str() {
                Some(bn) => match user.known(bn) {
                    Some(p) => Some(p),
                    None => {
                        self.unknown_policy(b.span(), &format!("{field}.base"), bn, user);
                        return None;
                    }
                },
                None => {
                    self.wrong_type(b, &format!("{field}.base"), "a policy name");
                    return None;
                }
            },
            None => None,
        };
        let summary = match t.get("summary") {
            Some(s) => match s.get_ref().as_str() {
                Some(x) => Some(x.to_string()),
                None => {
                    self.wrong_type(s, &format!("{field}.summary"), "a string");
                    None
                }
            },
            None => None,
        };
        let builtin = Policy::builtin_named(name);
        let mut pol = match (base, &builtin) {
            (Some(b), _) => b.derived(name, summary.as_deref().unwrap_or("user-defined policy")),
            (None, Some(builtin)) => builtin.derived(name, summary.as_deref().unwrap_or(builtin.summary())),
            (None, None) => {
                let missing: Vec<&str> = Lever::ALL.iter().map(|l| l.name()).filter(|n| t.get(*n).is_none()).collect();
                if !missing.is_empty() {
                    self.problem(
                        v.span(),
                        field,
                        format!(
                            "a new policy needs `base = \"<policy>\"` or every lever; missing: {}",
                            missing.join(", ")
                        ),
                    );
                    return None;
                }
                Policy::new(name, summary.as_deref().unwrap_or("user-defined policy"), [0.0; Lever::COUNT]).ok()?
            }
        };
        for l in Lever::ALL {
            let f = format!("{field}.{}", l.name());
            let Some(x) = t.get(l.name()) else { continue };
            if x.get_ref().as_table().is_some() {
                // A range: the policy is a family, each run takes a value in it.
                if let Some((low, high)) = self.bounded_range(x, &f, 0.0, 1.0) {
                    pol.set_range(*l, low, high).expect("checked within [0, 1], low <= high");
                }
                continue;
            }
            if !matches!(x.get_ref(), DeValue::Integer(_) | DeValue::Float(_)) {
                self.wrong_type(
                    x,
                    &f,
                    "a number in [0, 1], or a range { low = <number>, high = <number> } within [0, 1]",
                );
                continue;
            }
            if let Some(v) = self.number_in(x, &f, Some((0.0, 1.0))) {
                if pol.set(*l, v).is_err() {
                    self.problem(x.span(), &f, format!("{} is outside [0, 1]", Num(v)));
                }
            }
        }
        // A table under a built-in name may restate it (as a stored config does), not change it.
        if let Some(b) = builtin.filter(|b| *b != pol) {
            let mut changed: Vec<String> = Lever::ALL
                .iter()
                .filter(|l| b.get(**l) != pol.get(**l) || pol.range(**l).is_some())
                .map(|l| match pol.range(*l) {
                    Some((lo, hi)) => format!("{} {}..{} (built in: {})", l.name(), Num(lo), Num(hi), Num(b.get(*l))),
                    None => format!("{} {} (built in: {})", l.name(), Num(pol.get(*l)), Num(b.get(*l))),
                })
                .collect();
            if b.summary() != pol.summary() {
                changed.push("summary".into());
            }
            self.problem(
                v.span(),
                field,
                format!(
                    "{name:?} is a built-in policy and this table changes it ({}); give your variant its own name, e.g. [policies.my_{name}] with base = {name:?}",
                    changed.join(", ")
                ),
            );
            return None;
        }
        Some(pol)
    }

    fn range(&mut self, param: Param, v: &Spanned<DeValue>, field: &str) -> Option<Uncertain> {
        let s = param.spec();
        let (low, high) = self.bounded_range(v, field, s.min, s.max)?;
        Some(Uncertain { param, low, high })
    }

    /// A range `{ low = <number>, high = <number> }` within [`min`, `max`], with low <= high.
    fn bounded_range(&mut self, v: &Spanned<DeValue>, field: &str, min: f64, max: f64) -> Option<(f64, f64)> {
        let Some(t) = v.get_ref().as_table() else {
            self.wrong_type(v, field, "a table { low = <number>, high = <number> }");
            return None;
        };
        self.unknown_keys(t, field, RANGE_KEYS);
        struct Spec {
            min: f64,
            max: f64,
        }
        let s = Spec { min, max };
        let mut get = |k: &str| -> Option<f64> {
            let f = format!("{field}.{k}");
            match t.get(k) {
                None => {
                    self.problem(v.span(), &f, format!("missing; give a number in [{}, {}]", Num(s.min), Num(s.max)));
                    None
                }
                Some(x) => {
                    let n = self.number_in(x, &f, Some((s.min, s.max)))?;
                    if n < s.min || n > s.max {
                        self.problem(
                            x.span(),
                            &f,
                            format!("{} is outside the valid range [{}, {}]", Num(n), Num(s.min), Num(s.max)),
                        );
                        return None;
                    }
                    Some(n)
                }
            }
        };
        let (low, high) = (get("low")?, get("high")?);
        if low > high {
            self.problem(v.span(), field, format!("low ({}) is above high ({})", Num(low), Num(high)));
            return None;
        }
        Some((low, high))
    }

    fn param_key(&mut self, k: &Spanned<std::borrow::Cow<str>>, field: &str) -> Option<Param> {
        let name = k.get_ref();
        let p = Param::from_name(name);
        if let (None, Some(lever)) = (p, Lever::from_name(name)) {
            let (verb, value) = if field.starts_with("uncertain.") {
                ("vary it", format!("{} = {{ low = 0.0, high = 1.0 }}", lever.name()))
            } else {
                ("set it", format!("{} = 0.5", lever.name()))
            };
            let family = if field.starts_with("uncertain.") { "my_family" } else { "my_policy" };
            self.problem(
                k.span(),
                field,
                format!(
                    "`{name}` is a policy lever, not a model parameter ({}); to {verb}, define a policy with it: [policies.{family}] base = \"{}\" and {value}, then list {family:?} in experiment.policies (`brink policies --levers` lists the levers)",
                    lever.doc(),
                    brink_core::OPED_POLICY,
                ),
            );
            return None;
        }
        if p.is_none() {
            let names: Vec<&str> = Param::ALL.iter().map(|p| p.name()).collect();
            self.problem(
                k.span(),
                field,
                format!("unknown parameter{}; `brink params` lists all {}", suggest(name, &names), names.len()),
            );
        }
        p
    }

    fn unknown_keys(&mut self, t: &Table, prefix: &str, valid: &[&str]) {
        for (k, _) in t.iter() {
            let name = k.get_ref();
            if !valid.contains(&name.as_ref()) {
                let field = if prefix.is_empty() { name.to_string() } else { format!("{prefix}.{name}") };
                let hint = match home_of(name) {
                    Some(home) => {
                        format!("; `{name}` belongs under {home}")
                    }
                    _ => suggest(name, valid),
                };
                self.problem(k.span(), &field, format!("unknown key{hint}; valid keys: {}", valid.join(", ")));
            }
        }
    }

    fn table<'t, 'i>(&mut self, t: &'t Table<'i>, key: &str, field: &str) -> Option<&'t Table<'i>> {
        let v = t.get(key)?;
        match v.get_ref().as_table() {
            Some(x) => Some(x),
            None => {
                self.wrong_type(v, field, "a table");
                None
            }
        }
    }

    fn wrong_type(&mut self, v: &Spanned<DeValue>, field: &str, want: &str) {
        self.problem(v.span(), field, format!("expected {want}, found {}", v.get_ref().type_str()));
    }

    fn string(&mut self, t: &Table, key: &str, field: &str) -> Option<String> {
        let v = t.get(key)?;
        match v.get_ref().as_str() {
            Some(s) => Some(s.to_string()),
            None => {
                self.wrong_type(v, field, "a string");
                None
            }
        }
    }

    fn int(&mut self, t: &Table, key: &str, field: &str, lo: i64, hi: i64) -> Option<i64> {
        let v = t.get(key)?;
        let n = match v.get_ref() {
            DeValue::Integer(i) => i64::from_str_radix(&i.as_str().replace('_', ""), i.radix()).ok(),
            DeValue::Float(f) => match f.as_str().replace('_', "").parse::<f64>() {
                Ok(x) if x.fract() == 0.0 && x.abs() < 9e15 => Some(x as i64),
                _ => None,
            },
            _ => None,
        };
        match n {
            None if matches!(v.get_ref(), DeValue::Integer(_)) => {
                let text = match v.get_ref() {
                    DeValue::Integer(i) => i.as_str().to_string(),
                    _ => String::new(),
                };
                self.problem(v.span(), field, format!("{text} is outside the valid range [{lo}, {hi}]"));
                None
            }
            None => {
                self.wrong_type(v, field, &format!("a whole number in [{lo}, {hi}]"));
                None
            }
            Some(n) if n < lo || n > hi => {
                self.problem(v.span(), field, format!("{n} is outside the valid range [{lo}, {hi}]"));
                None
            }
            Some(n) => Some(n),
        }
    }

    /// A finite number; `range` is named in the message when the value is not finite.
    fn number_in(&mut self, v: &Spanned<DeValue>, field: &str, range: Option<(f64, f64)>) -> Option<f64> {
        let x = match v.get_ref() {
            DeValue::Integer(i) => i64::from_str_radix(&i.as_str().replace('_', ""), i.radix()).ok().map(|n| n as f64),
            DeValue::Float(f) => f.as_str().replace('_', "").parse::<f64>().ok(),
            _ => {
                self.wrong_type(v, field, "a number");
                return None;
            }
        };
        match x {
            // -0.0 is 0.0: the same value, the same hash.
            Some(x) if x.is_finite() => Some(x + 0.0),
            Some(x) => {
                let valid =
                    range.map(|(lo, hi)| format!("; give a number in [{}, {}]", Num(lo), Num(hi))).unwrap_or_default();
                self.problem(v.span(), field, format!("{x} is not a finite number{valid}"));
                None
            }
            None => {
                self.wrong_type(v, field, "a number");
                None
            }
        }
    }
}

/// A policy file: TOML holding one `[policies.NAME]` table, written as in an experiment (a
/// `base` policy and lever overrides, or every lever). The historical record names such files
/// for eras that no built-in policy stands for.
pub fn policy_file(text: &str, file: &str) -> Result<Policy, ConfigError> {
    let mut cx = Checker::new(file, text);
    let mut found = None;
    match DeTable::parse(text) {
        Err(e) => cx.problem(e.span().unwrap_or(0..0), "(syntax)", format!("invalid TOML: {}", e.message().trim())),
        Ok(doc) => {
            let root = doc.get_ref();
            cx.unknown_keys(root, "", &["policies"]);
            if let Some(t) = cx.table(root, "policies", "policies") {
                let entries: Vec<_> = t.iter().collect();
                if entries.len() != 1 {
                    cx.problem(
                        0..0,
                        "policies",
                        format!("a policy file defines exactly one [policies.NAME], not {}", entries.len()),
                    );
                } else {
                    let (k, v) = entries[0];
                    found = cx.user_policy(k.get_ref(), v, &format!("policies.{}", k.get_ref()), &Defined::default());
                }
            } else if cx.problems.is_empty() {
                cx.problem(0..0, "policies", "no [policies.NAME] table".into());
            }
        }
    }
    match found {
        Some(p) if cx.problems.is_empty() => Ok(p),
        _ => Err(ConfigError { problems: locate(text, cx.problems) }),
    }
}

/// The experiment every file is layered over: defaults of the model, all six policies.
fn base_experiment() -> Experiment {
    Experiment {
        name: "experiment".into(),
        description: String::new(),
        horizon: 120,
        start: DEFAULT_START,
        replications: 100,
        seed: 1,
        policies: Policy::builtin(),
        reference: 0,
        method: Method::Fixed,
        samples: 16,
        levels: 3,
        election_target: None,
        params: Params::default(),
        uncertain: Vec::new(),
        posterior: None,
        posterior_params: Vec::new(),
        fixed: Vec::new(),
        harm: Harm::default(),
        satisficing: DEFAULT_SATISFICING,
    }
}

/// Offset of the start of the first line at which `text` fails to parse with `msg`, for the
/// errors that the TOML parser gives without a place (nesting too deep): the shortest prefix
/// of whole lines that fails so, found by bisection.
fn first_line_failing(text: &str, msg: &str) -> usize {
    let starts: Vec<usize> = std::iter::once(0).chain(text.match_indices('\n').map(|(i, _)| i + 1)).collect();
    let fails = |lines: usize| {
        let end = starts.get(lines).copied().unwrap_or(text.len());
        DeTable::parse(&text[..end]).err().is_some_and(|e| e.message().trim().replace('\n', " ") == msg)
    };
    let (mut lo, mut hi) = (0, starts.len());
    if !fails(hi) {
        return 0;
    }
    while hi - lo > 1 {
        let mid = (lo + hi) / 2;
        if fails(mid) {
            hi = mid;
        } else {
            lo = mid;
        }
    }
    starts[hi - 1]
}

/// The section where a key misplaced elsewhere belongs, if it belongs anywhere.
fn home_of(key: &str) -> Option<&'static str> {
    if EXPERIMENT_KEYS.contains(&key) {
        Some("[experiment]")
    } else if DESIGN_KEYS.contains(&key) {
        Some("[design]")
    } else if ELECTION_KEYS.contains(&key) {
        Some("[election]")
    } else if POSTERIOR_KEYS.contains(&key) {
        Some("[posterior]")
    } else if Param::from_name(key).is_some() {
        Some("[model] (a fixed value) or [uncertain] (a range)")
    } else if Lever::ALL.iter().any(|l| l.name() == key) {
        Some("[policies.<name>]")
    } else {
        None
    }
}

/// ", did you mean `x`?" for the nearest valid name, or nothing.
pub fn suggest(name: &str, valid: &[&str]) -> String {
    valid
        .iter()
        .map(|v| (strsim::damerau_levenshtein(name, v), *v))
        .filter(|(d, v)| *d <= 3.max(v.len() / 4) && *d < v.len())
        .min()
        .map(|(_, v)| format!(" (did you mean `{v}`?)"))
        .unwrap_or_default()
}
