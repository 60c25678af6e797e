//! The public record (`data/history/*.csv`, compiled in; another folder can be read instead)
//! and the historical replay built from it: the recorded state at the start, the policy of each
//! era in turn, and the recorded events the model does not generate. Everything the replay
//! uses is data: the eras and the policy that stands for each (`policy_eras.csv`), the imposed
//! events (`events.csv`), the state at a date (`initial_state.csv`). What a replay leaves out
//! is listed in [`Replay::notes`], never dropped silently.

use brink_core::{Event, EventKind, Param, Params, Policy};
use std::fmt;

/// The record's files, compiled in: (file name, contents).
pub const EMBEDDED: &[(&str, &str)] = &[
    ("missile_launches.csv", include_str!("../../../data/history/missile_launches.csv")),
    ("nuclear_tests.csv", include_str!("../../../data/history/nuclear_tests.csv")),
    ("unsc_resolutions.csv", include_str!("../../../data/history/unsc_resolutions.csv")),
    ("policy_eras.csv", include_str!("../../../data/history/policy_eras.csv")),
    ("iaea_presence.csv", include_str!("../../../data/history/iaea_presence.csv")),
    ("armed_incidents.csv", include_str!("../../../data/history/armed_incidents.csv")),
    ("warhead_estimates.csv", include_str!("../../../data/history/warhead_estimates.csv")),
    ("events.csv", include_str!("../../../data/history/events.csv")),
    ("initial_state.csv", include_str!("../../../data/history/initial_state.csv")),
];

/// Kinds of `armed_incidents.csv` that count as the model's deadly armed incident: clashes
/// between the armed forces and attacks on them (the record's narrow count). Infiltrations and
/// the 2008 shooting of a tourist are left out: the model has no infiltration or guard-post
/// mechanism, and its `DeadlyIncident` is a military clash that can escalate.
pub const INCIDENT_KINDS: &[&str] = &["naval clash", "attack on a warship", "artillery shelling"];

/// A calendar month, counted as `year * 12 + (month - 1)`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Ym(pub i32);

impl Ym {
    /// The month `month` (1-12) of `year`.
    pub fn new(year: i32, month: u32) -> Ym {
        Ym(year * 12 + month as i32 - 1)
    }
    /// Calendar year.
    pub fn year(self) -> i32 {
        self.0.div_euclid(12)
    }
    /// Calendar month, 1-12.
    pub fn month(self) -> u32 {
        self.0.rem_euclid(12) as u32 + 1
    }
    /// Months from `self` to `later`.
    pub fn until(self, later: Ym) -> i32 {
        later.0 - self.0
    }
    /// The year as a decimal (January = .0).
    pub fn decimal(self) -> f64 {
        self.year() as f64 + (self.month() - 1) as f64 / 12.0
    }
    /// Parses "YYYY-MM" or "YYYY-MM-DD".
    pub fn parse(s: &str) -> Option<Ym> {
        let mut it = s.trim().split('-');
        let y: i32 = it.next()?.parse().ok()?;
        let m: u32 = it.next()?.parse().ok()?;
        if let Some(d) = it.next() {
            let d: u32 = d.parse().ok()?;
            if !(1..=31).contains(&d) {
                return None;
            }
        }
        if it.next().is_some() || !(1..=12).contains(&m) || !(1900..=2200).contains(&y) {
            return None;
        }
        Some(Ym::new(y, m))
    }
}

impl fmt::Display for Ym {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year(), self.month())
    }
}

/// A problem reading the record: the file, the line and what is wrong.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[error("{file}:{line}: {message}")]
pub struct RecordError {
    /// File name.
    pub file: String,
    /// 1-based line (0: the file as a whole).
    pub line: usize,
    /// What is wrong.
    pub message: String,
}

/// A US policy era of the record.
#[derive(Clone, Debug, PartialEq)]
pub struct Era {
    /// Name in policy_eras.csv.
    pub name: String,
    /// First month.
    pub start: Ym,
    /// Last month (as recorded; a replay ends an era where the next begins).
    pub end: Ym,
    /// The policy that stands for it in the replay (none: the era is left out).
    pub policy: Option<Policy>,
}

/// An event of `events.csv`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Recorded {
    /// A deal on the policy's terms put in force.
    DealInForce,
    /// The US ends the deal without a resolution.
    UsEndsDeal,
    /// A testing moratorium declared (true) or ended (false).
    Moratorium(bool),
    /// China's and Russia's stance at the Council from then on.
    VetoStance(f64),
    /// Plutonium production capacity, kg a month.
    Plutonium(f64),
    /// Enrichment capacity, kg Pu-equivalent a month.
    Enrichment(f64),
}

impl Recorded {
    /// Whether the event sets a state that carries forward (applied at the start of a replay
    /// that begins after it), rather than a one-off act.
    pub fn is_state(self) -> bool {
        !matches!(self, Recorded::DealInForce | Recorded::UsEndsDeal)
    }
}

/// The public record as the replay and the calibration use it.
#[derive(Clone, Debug, PartialEq)]
pub struct Record {
    /// (year, missiles launched) from the CNS database.
    pub missiles: Vec<(i32, u32)>,
    /// Months of the nuclear tests.
    pub nuclear_tests: Vec<Ym>,
    /// Months of UNSC sanctions resolutions.
    pub resolutions: Vec<Ym>,
    /// US policy eras, in order.
    pub eras: Vec<Era>,
    /// Intervals [start, end) of IAEA access.
    pub iaea: Vec<(Ym, Ym)>,
    /// Months of the deadly armed incidents counted ([`INCIDENT_KINDS`]).
    pub incidents: Vec<Ym>,
    /// Incidents of other kinds (month, kind), not counted.
    pub other_incidents: Vec<(Ym, String)>,
    /// Warhead estimates: (as of, low, high).
    pub warheads: Vec<(Ym, f64, f64)>,
    /// Recorded events, by date.
    pub events: Vec<(Ym, Recorded)>,
    /// Recorded state: (date, parameter, value).
    pub state: Vec<(Ym, Param, f64)>,
    /// BLAKE3 of the files read, in hex (part of every calibration's identity).
    pub blake3: String,
}

/// A CSV row: its 1-based line and (column, field) pairs.
type Row = (usize, Vec<(String, String)>);

fn rows(file: &str, text: &str, need: &[&str]) -> Result<Vec<Row>, RecordError> {
    let err = |line: usize, message: String| RecordError { file: file.to_string(), line, message };
    let mut r = csv::ReaderBuilder::new().has_headers(true).flexible(false).from_reader(text.as_bytes());
    let header: Vec<String> = r.headers().map_err(|e| err(1, e.to_string()))?.iter().map(|s| s.to_string()).collect();
    for n in need {
        if !header.iter().any(|h| h == n) {
            return Err(err(1, format!("no column {n:?} (columns: {})", header.join(", "))));
        }
    }
    let mut out = Vec::new();
    for rec in r.records() {
        let rec = rec.map_err(|e| err(e.position().map(|p| p.line() as usize).unwrap_or(0), e.to_string()))?;
        let line = rec.position().map(|p| p.line() as usize).unwrap_or(0);
        out.push((line, header.iter().cloned().zip(rec.iter().map(|s| s.to_string())).collect()));
    }
    if out.is_empty() {
        return Err(err(0, "no rows".into()));
    }
    Ok(out)
}

fn field<'r>(row: &'r [(String, String)], name: &str) -> &'r str {
    row.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str()).unwrap_or("")
}

/// The message for a policy name that is neither built in nor a policy file.
fn unknown_policy(name: &str) -> String {
    let names: Vec<String> = Policy::builtin().iter().map(|p| p.name().to_string()).collect();
    let refs: Vec<&str> = names.iter().map(|s| s.as_str()).collect();
    format!(
        "policy: unknown policy {name:?}{}; give a built-in policy ({}) or a policy file ending in .toml",
        crate::experiment::suggest(name, &refs),
        names.join(", ")
    )
}

impl Record {
    /// The compiled-in record.
    pub fn embedded() -> Record {
        Record::parse(&|name| {
            EMBEDDED.iter().find(|(n, _)| *n == name).map(|(_, t)| t.to_string()).ok_or_else(|| "not embedded".into())
        })
        .expect("the embedded record is valid")
    }

    /// Reads the record through `read(file name)`, checking every row.
    pub fn parse(read: &dyn Fn(&str) -> Result<String, String>) -> Result<Record, RecordError> {
        let mut h = blake3::Hasher::new();
        let mut text = |name: &str| -> Result<String, RecordError> {
            let t = read(name).map_err(|e| RecordError { file: name.into(), line: 0, message: e })?;
            h.update(name.as_bytes());
            h.update(b"\0");
            h.update(t.as_bytes());
            Ok(t)
        };
        let bad = |file: &str, line: usize, message: String| RecordError { file: file.into(), line, message };
        let ym = |file: &str, line: usize, col: &str, s: &str| {
            Ym::parse(s).ok_or_else(|| bad(file, line, format!("{col}: {s:?} is not a date YYYY-MM or YYYY-MM-DD")))
        };
        let num = |file: &str, line: usize, col: &str, s: &str, lo: f64, hi: f64| {
            s.trim()
                .parse::<f64>()
                .ok()
                .filter(|x| x.is_finite() && *x >= lo && *x <= hi)
                .ok_or_else(|| bad(file, line, format!("{col}: {s:?} is not a number in [{lo}, {hi}]")))
        };

        let f = "missile_launches.csv";
        let mut missiles = Vec::new();
        for (line, row) in rows(f, &text(f)?, &["year", "cns_missiles"])? {
            let y = field(&row, "year");
            let n = field(&row, "cns_missiles");
            let year: i32 = y.parse().map_err(|_| bad(f, line, format!("year: {y:?} is not a year")))?;
            let count: u32 =
                n.parse().map_err(|_| bad(f, line, format!("cns_missiles: {n:?} is not a count (0 or more)")))?;
            if missiles.last().is_some_and(|(py, _)| *py + 1 != year) {
                return Err(bad(f, line, format!("year {year} does not follow the previous row's year")));
            }
            missiles.push((year, count));
        }

        let f = "nuclear_tests.csv";
        let mut nuclear_tests = Vec::new();
        for (line, row) in rows(f, &text(f)?, &["date"])? {
            nuclear_tests.push(ym(f, line, "date", field(&row, "date"))?);
        }
        nuclear_tests.sort();

        let f = "unsc_resolutions.csv";
        let mut resolutions = Vec::new();
        for (line, row) in rows(f, &text(f)?, &["date"])? {
            resolutions.push(ym(f, line, "date", field(&row, "date"))?);
        }
        resolutions.sort();

        let f = "policy_eras.csv";
        let mut eras: Vec<Era> = Vec::new();
        let era_text = text(f)?;
        for (line, row) in rows(f, &era_text, &["era", "start", "end", "policy"])? {
            let (start, end) = (ym(f, line, "start", field(&row, "start"))?, ym(f, line, "end", field(&row, "end"))?);
            if end < start {
                return Err(bad(f, line, format!("end {end} is before start {start}")));
            }
            if eras.last().is_some_and(|e| e.start >= start) {
                return Err(bad(f, line, format!("start {start} does not follow the previous era's start")));
            }
            // A built-in policy, or a policy file (read and hashed as part of the record).
            let pol = field(&row, "policy").trim();
            let policy = if pol.is_empty() {
                None
            } else if let Some(p) = Policy::builtin_named(pol) {
                Some(p)
            } else if pol.ends_with(".toml") {
                let t = text(pol).map_err(|e| bad(f, line, format!("policy: {}", e.message)))?;
                let p = crate::experiment::policy_file(&t, pol)
                    .map_err(|e| bad(f, line, format!("policy {pol}: {}", e.to_string().replace('\n', "; "))))?;
                if p.is_family() {
                    let ranged: Vec<&str> = p.uncertain().iter().map(|r| r.0.name()).collect();
                    return Err(bad(
                        f,
                        line,
                        format!(
                            "policy {pol}: gives levers as ranges ({}); the record replays one setting: give each lever a number",
                            ranged.join(", ")
                        ),
                    ));
                }
                Some(p)
            } else {
                return Err(bad(f, line, unknown_policy(pol)));
            };
            eras.push(Era { name: field(&row, "era").to_string(), start, end, policy });
        }
        if !eras.iter().any(|e| e.policy.is_some()) {
            return Err(bad(f, 0, "no era names a policy: the replay needs at least one".into()));
        }

        let f = "iaea_presence.csv";
        let mut iaea = Vec::new();
        for (line, row) in rows(f, &text(f)?, &["start", "end", "status"])? {
            // "no access", "no on-site access; ...": not an interval of access.
            if field(&row, "status").trim_start().starts_with("no ") {
                continue;
            }
            let (start, end) = (ym(f, line, "start", field(&row, "start"))?, ym(f, line, "end", field(&row, "end"))?);
            if end < start {
                return Err(bad(f, line, format!("end {end} is before start {start}")));
            }
            iaea.push((start, end));
        }

        let f = "armed_incidents.csv";
        let (mut incidents, mut other_incidents) = (Vec::new(), Vec::new());
        for (line, row) in rows(f, &text(f)?, &["date", "kind"])? {
            let date = ym(f, line, "date", field(&row, "date"))?;
            let kind = field(&row, "kind").trim().to_string();
            if INCIDENT_KINDS.contains(&kind.as_str()) {
                incidents.push(date);
            } else {
                other_incidents.push((date, kind));
            }
        }
        incidents.sort();

        let f = "warhead_estimates.csv";
        let mut warheads = Vec::new();
        for (line, row) in rows(f, &text(f)?, &["as_of", "warheads_low", "warheads_high"])? {
            let at = ym(f, line, "as_of", field(&row, "as_of"))?;
            let lo = num(f, line, "warheads_low", field(&row, "warheads_low"), 0.0, 1e5)?;
            let hi = num(f, line, "warheads_high", field(&row, "warheads_high"), 0.0, 1e5)?;
            if hi < lo {
                return Err(bad(f, line, format!("warheads_high {hi} is below warheads_low {lo}")));
            }
            warheads.push((at, lo, hi));
        }
        warheads.sort_by_key(|w| w.0);

        let f = "events.csv";
        let mut events = Vec::new();
        for (line, row) in rows(f, &text(f)?, &["date", "event", "value"])? {
            let date = ym(f, line, "date", field(&row, "date"))?;
            let v = field(&row, "value");
            let kind = match field(&row, "event").trim() {
                "deal_in_force" => Recorded::DealInForce,
                "us_ends_deal" => Recorded::UsEndsDeal,
                "moratorium_declared" => Recorded::Moratorium(true),
                "moratorium_ended" => Recorded::Moratorium(false),
                "veto_stance" => Recorded::VetoStance(num(f, line, "value", v, 0.0, 10.0)?),
                "plutonium_capacity" => Recorded::Plutonium(num(f, line, "value", v, 0.0, 1000.0)?),
                "enrichment_capacity" => Recorded::Enrichment(num(f, line, "value", v, 0.0, 1000.0)?),
                other => {
                    return Err(bad(
                        f,
                        line,
                        format!("event: unknown event {other:?}; known: deal_in_force, us_ends_deal, moratorium_declared, moratorium_ended, veto_stance, plutonium_capacity, enrichment_capacity"),
                    ))
                }
            };
            events.push((date, kind));
        }
        events.sort_by_key(|e| e.0);

        let f = "initial_state.csv";
        let mut state = Vec::new();
        for (line, row) in rows(f, &text(f)?, &["date", "parameter", "value"])? {
            let date = ym(f, line, "date", field(&row, "date"))?;
            let name = field(&row, "parameter").trim();
            let param = Param::from_name(name).ok_or_else(|| {
                let names: Vec<&str> = Param::ALL.iter().map(|p| p.name()).collect();
                bad(
                    f,
                    line,
                    format!("parameter: unknown parameter {name:?}{}", crate::experiment::suggest(name, &names)),
                )
            })?;
            let s = param.spec();
            state.push((date, param, num(f, line, "value", field(&row, "value"), s.min, s.max)?));
        }
        let blake3 = h.finalize().to_hex().to_string();
        Ok(Record {
            missiles,
            nuclear_tests,
            resolutions,
            eras,
            iaea,
            incidents,
            other_incidents,
            warheads,
            events,
            state,
            blake3,
        })
    }

    /// Missiles launched in `year`, if the record covers it.
    pub fn missile_year(&self, year: i32) -> Option<u32> {
        self.missiles.iter().find(|(y, _)| *y == year).map(|(_, n)| *n)
    }

    /// The last month any era of the record covers.
    pub fn last_month(&self) -> Ym {
        self.eras.iter().map(|e| e.end).max().expect("at least one era")
    }
}

/// Where a statistic or an era belongs: the months a calibration fits, or those held out to
/// test it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Window {
    /// Before `--holdout-from`: fitted.
    Fit,
    /// From `--holdout-from` on: out of sample.
    Holdout,
}

impl Window {
    /// Name in files.
    pub fn name(self) -> &'static str {
        match self {
            Window::Fit => "fit",
            Window::Holdout => "holdout",
        }
    }
}

/// The span of a replay as a user asks for it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Span {
    /// First month (default: the start of the first era with a policy).
    pub from: Option<Ym>,
    /// Last month (default: the last month the record's eras cover).
    pub until: Option<Ym>,
    /// First month held out of the fit (default: none).
    pub holdout_from: Option<Ym>,
}

/// An era as the replay runs it: its months and its window.
#[derive(Clone, Debug, PartialEq)]
pub struct ReplayEra {
    /// Name (with `_from_YYYY_MM` for the held-out part of an era that straddles the holdout).
    pub name: String,
    /// First month.
    pub start: Ym,
    /// Last month.
    pub end: Ym,
    /// Fit or holdout.
    pub window: Window,
}

/// A historical replay: its span, the policy at the start, the imposed events, the recorded
/// state at the start, its eras, and what it leaves out.
#[derive(Clone, Debug)]
pub struct Replay {
    /// Calendar month of month 0.
    pub start: Ym,
    /// Months simulated.
    pub horizon: u32,
    /// Policy at month 0.
    pub policy: Policy,
    /// Imposed events, sorted by month.
    pub events: Vec<Event>,
    /// The recorded state at the start: parameters set from `initial_state.csv`.
    pub state: Vec<(Param, f64)>,
    /// The eras inside the replay, each with its window.
    pub eras: Vec<ReplayEra>,
    /// First held-out month, if any.
    pub holdout_from: Option<Ym>,
    /// What the replay leaves out of the record, one line each.
    pub notes: Vec<String>,
}

impl Replay {
    /// The replay of the whole record: from the first era with a policy to the record's end.
    pub fn from_record(r: &Record) -> Replay {
        Replay::new(r, &Span::default()).expect("the whole record can be replayed")
    }

    /// The replay of `span` of the record.
    pub fn new(r: &Record, span: &Span) -> Result<Replay, String> {
        let mut notes = Vec::new();
        let first_policy = r.eras.iter().find(|e| e.policy.is_some()).expect("checked when parsed");
        let start = span.from.unwrap_or(first_policy.start);
        let last = r.last_month();
        let end = span.until.unwrap_or(last);
        if end > last {
            return Err(format!("--until {end}: the record's eras end in {last}"));
        }
        if start < first_policy.start {
            return Err(format!(
                "--from {start}: the first era with a policy ({}) starts in {}",
                first_policy.name, first_policy.start
            ));
        }
        if end < start {
            return Err(format!("the replay would end ({end}) before it starts ({start})"));
        }
        if let Some(h) = span.holdout_from {
            if h <= start || h > end {
                return Err(format!(
                    "--holdout-from {h}: must lie after the start ({start}) and no later than the end ({end})"
                ));
            }
        }
        let horizon = start.until(end) as u32 + 1;
        let at = |ym: Ym| u32::try_from(start.until(ym)).ok().filter(|m| *m < horizon);
        // Eras: each runs from its start to the month before the next one's.
        let mut eras = Vec::new();
        let mut policy = None;
        let mut events = Vec::new();
        for (i, e) in r.eras.iter().enumerate() {
            let era_end = r.eras.get(i + 1).map(|n| Ym(n.start.0 - 1)).unwrap_or(e.end).min(end);
            let Some(p) = &e.policy else {
                notes.push(format!(
                    "policy_eras.csv: era {:?} ({} to {}) names no policy: left out",
                    e.name, e.start, e.end
                ));
                continue;
            };
            if era_end < start || e.start > end {
                notes.push(format!(
                    "policy_eras.csv: era {:?} ({} to {}) lies outside the replay ({start} to {end}): left out",
                    e.name, e.start, e.end
                ));
                continue;
            }
            let from = e.start.max(start);
            if from == start {
                policy = Some(p.clone());
            } else if let Some(m) = at(from) {
                events.push(Event { month: m, kind: EventKind::Policy(p.clone()) });
            }
            match span.holdout_from {
                Some(h) if from >= h => {
                    eras.push(ReplayEra { name: e.name.clone(), start: from, end: era_end, window: Window::Holdout })
                }
                Some(h) if era_end >= h => {
                    eras.push(ReplayEra { name: e.name.clone(), start: from, end: Ym(h.0 - 1), window: Window::Fit });
                    eras.push(ReplayEra {
                        name: format!("{}_from_{}", e.name, h).replace('-', "_"),
                        start: h,
                        end: era_end,
                        window: Window::Holdout,
                    });
                }
                _ => eras.push(ReplayEra { name: e.name.clone(), start: from, end: era_end, window: Window::Fit }),
            }
        }
        let Some(policy) = policy else {
            return Err(format!("no era with a policy covers the start of the replay ({start})"));
        };
        // Recorded events: state-setting ones from before the start apply at month 0.
        let (mut plutonium, mut enrichment, mut capacity_changed) = (None, None, false);
        let mut carried: Vec<(Ym, Recorded)> = Vec::new();
        for (date, ev) in &r.events {
            if *date > end {
                notes.push(format!("events.csv: {ev:?} of {date} lies after the replay's end ({end}): left out"));
                continue;
            }
            if *date < start && !ev.is_state() {
                notes.push(format!("events.csv: {ev:?} of {date} lies before the replay's start ({start}): left out"));
                continue;
            }
            carried.push((*date.max(&start), *ev));
        }
        for (date, ev) in carried {
            let month = at(date).expect("inside the replay");
            let kind = match ev {
                Recorded::DealInForce => EventKind::DealInForce,
                Recorded::UsEndsDeal => EventKind::UsEndsDeal,
                Recorded::Moratorium(on) => EventKind::Moratorium(on),
                Recorded::VetoStance(x) => EventKind::VetoStance(x),
                Recorded::Plutonium(x) | Recorded::Enrichment(x) => {
                    if matches!(ev, Recorded::Plutonium(_)) {
                        plutonium = Some(x);
                    } else {
                        enrichment = Some(x);
                    }
                    capacity_changed = true;
                    // Both capacities as they stand (unset ones at their defaults).
                    let p = plutonium.unwrap_or(Param::PlutoniumKgPerMonth.spec().default);
                    let q = enrichment.unwrap_or(Param::EnrichmentKgPerMonth.spec().default);
                    EventKind::Capacity { plutonium: p, enrichment: q }
                }
            };
            // A later capacity event in the same month supersedes an earlier one.
            if let (EventKind::Capacity { .. }, Some(last)) = (&kind, events.last_mut()) {
                if last.month == month && matches!(last.kind, EventKind::Capacity { .. }) {
                    last.kind = kind;
                    continue;
                }
            }
            events.push(Event { month, kind });
        }
        if !capacity_changed {
            notes.push("events.csv: no capacity event: production runs at the default capacities".into());
        }
        events.sort_by_key(|e| e.month);
        // The recorded state: for each parameter, the latest row at or before the start.
        let mut state: Vec<(Param, Ym, f64)> = Vec::new();
        for (date, param, value) in &r.state {
            if *date > start {
                continue;
            }
            match state.iter_mut().find(|(p, _, _)| p == param) {
                Some(s) if s.1 <= *date => *s = (*param, *date, *value),
                Some(_) => {}
                None => state.push((*param, *date, *value)),
            }
        }
        if state.is_empty() {
            notes.push(format!("initial_state.csv: no state at or before {start}: every parameter keeps its default"));
        } else if let Some(oldest) = state.iter().map(|s| s.1).min().filter(|d| *d < start) {
            notes.push(format!("initial_state.csv: the state at {start} is taken from rows as old as {oldest}"));
        }
        let state = state.into_iter().map(|(p, _, v)| (p, v)).collect();
        let rp = Replay { start, horizon, policy, events, state, eras, holdout_from: span.holdout_from, notes };
        Ok(rp.with_record_notes(r))
    }

    /// Adds notes on the record's observations that lie outside the replay.
    fn with_record_notes(mut self, r: &Record) -> Replay {
        let (first, last) = (self.start, self.ym(self.horizon - 1));
        let outside = |m: Ym| m < first || m > last;
        let years: Vec<i32> = r.missiles.iter().map(|(y, _)| *y).filter(|y| outside(Ym::new(*y, 7))).collect();
        if let (Some(a), Some(b)) = (years.first(), years.last()) {
            self.notes.push(format!(
                "missile_launches.csv: {} years ({a}-{b}) lie outside the replay: left out",
                years.len()
            ));
        }
        for (file, months) in [
            ("nuclear_tests.csv", &r.nuclear_tests),
            ("unsc_resolutions.csv", &r.resolutions),
            ("armed_incidents.csv", &r.incidents),
        ] {
            let n = months.iter().filter(|m| outside(**m)).count();
            if n > 0 {
                self.notes.push(format!("{file}: {n} rows lie outside the replay: left out"));
            }
        }
        if !r.other_incidents.is_empty() {
            let kinds: Vec<String> = r.other_incidents.iter().map(|(m, k)| format!("{m} {k}")).collect();
            self.notes.push(format!(
                "armed_incidents.csv: {} incidents of kinds the model does not represent are not counted ({})",
                kinds.len(),
                kinds.join("; ")
            ));
        }
        let n = r.warheads.iter().filter(|w| w.0 <= first || w.0 > Ym(last.0 + 1)).count();
        if n > 0 {
            self.notes.push(format!("warhead_estimates.csv: {n} estimates lie outside the replay: left out"));
        }
        self
    }

    /// `base` with the recorded state at the start applied.
    pub fn params(&self, base: &Params) -> Params {
        let mut p = base.clone();
        for (param, x) in &self.state {
            p.set(*param, *x).expect("recorded state lies in range (checked when read)");
        }
        p
    }

    /// Calendar month of replay month `m`.
    pub fn ym(&self, m: u32) -> Ym {
        Ym(self.start.0 + m as i32)
    }

    /// The last month of the replay.
    pub fn end(&self) -> Ym {
        self.ym(self.horizon - 1)
    }

    /// The window of a month.
    pub fn window(&self, m: Ym) -> Window {
        match self.holdout_from {
            Some(h) if m >= h => Window::Holdout,
            _ => Window::Fit,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn embedded(name: &str) -> String {
        EMBEDDED.iter().find(|(n, _)| *n == name).unwrap().1.to_string()
    }

    fn with(file: &'static str, edit: impl Fn(String) -> String) -> impl Fn(&str) -> Result<String, String> {
        move |name: &str| Ok(if name == file { edit(embedded(name)) } else { embedded(name) })
    }

    #[test]
    fn embedded_record_matches_the_files_readme() {
        let r = Record::embedded();
        let mean =
            |a: i32, b: i32| (a..=b).map(|y| r.missile_year(y).unwrap() as f64).sum::<f64>() / (b - a + 1) as f64;
        // data/history/README.md: 0.1, 1.2 and 9.3 a year by era.
        assert!((mean(1995, 2002) - 0.125).abs() < 1e-9);
        assert!((mean(2003, 2008) - 7.0 / 6.0).abs() < 1e-9);
        assert!((mean(2009, 2016) - 9.25).abs() < 1e-9);
        assert_eq!(r.nuclear_tests.len(), 5);
        assert_eq!(r.nuclear_tests[0], Ym::new(2006, 10));
        assert_eq!(r.iaea.len(), 3);
        // The narrow count: 1999, 2002, 2009 and 2010 twice.
        assert_eq!(r.incidents.len(), 5);
        assert_eq!(r.warheads.len(), 4);
        assert_eq!(r.eras.iter().filter(|e| e.policy.is_some()).count(), 3);
    }

    #[test]
    fn replay_follows_the_eras_and_events() {
        let r = Record::embedded();
        let rp = Replay::from_record(&r);
        assert_eq!(rp.start, Ym::new(1994, 10));
        assert_eq!(rp.end(), Ym::new(2016, 12));
        assert_eq!(rp.policy.name(), "engagement_freeze");
        let months: Vec<u32> = rp.events.iter().map(|e| e.month).collect();
        // Deal and capacity at month 0, the 1999 moratorium, the end of the deal (Nov 2002),
        // six-party talks (Jan 2003), the reactor (Feb 2003), the moratorium's end (Mar 2005),
        // the reactor's shutdown (Jul 2007), strategic patience (Jan 2009), enrichment (2010),
        // the reactor's restart (Aug 2013), more enrichment (2016).
        assert_eq!(months, vec![0, 0, 59, 97, 99, 100, 125, 153, 171, 183, 226, 255]);
        assert_eq!(rp.eras.len(), 3);
        assert!(rp.notes.iter().any(|n| n.contains("first_crisis")), "{:?}", rp.notes);
        assert!(rp.params(&Params::default())[Param::InitialFissileKg] == 8.0);
    }

    #[test]
    fn a_replay_can_start_late_end_early_and_hold_out_the_end() {
        let r = Record::embedded();
        let span =
            Span { from: Some(Ym::new(2003, 1)), until: Some(Ym::new(2012, 12)), holdout_from: Some(Ym::new(2010, 6)) };
        let rp = Replay::new(&r, &span).unwrap();
        assert_eq!((rp.start, rp.end(), rp.horizon), (Ym::new(2003, 1), Ym::new(2012, 12), 120));
        assert_eq!(rp.policy.name(), "six_party_talks");
        // The deal of 1994 is left out, the capacity carried in, the end of the deal left out.
        assert!(rp.notes.iter().any(|n| n.contains("DealInForce") && n.contains("before")), "{:?}", rp.notes);
        assert!(matches!(rp.events[0].kind, EventKind::Capacity { plutonium, .. } if plutonium == 0.5));
        let names: Vec<(&str, Window)> = rp.eras.iter().map(|e| (e.name.as_str(), e.window)).collect();
        assert_eq!(
            names,
            vec![
                ("six_party_talks", Window::Fit),
                ("strategic_patience", Window::Fit),
                ("strategic_patience_from_2010_06", Window::Holdout)
            ]
        );
        assert!(Replay::new(&r, &Span { until: Some(Ym::new(2030, 1)), ..Span::default() }).is_err());
        assert!(Replay::new(&r, &Span { from: Some(Ym::new(1990, 1)), ..Span::default() }).is_err());
    }

    #[test]
    fn eras_may_start_in_any_month_and_extend_past_2016() {
        let eras = |t: String| {
            t.replace("strategic_patience,2009-01,2016-12", "strategic_patience,2009-03,2016-12")
                + "maximum_pressure,2017-01,2018-05,maximum pressure,maximum_pressure,synthetic\n"
        };
        let r = Record::parse(&with("policy_eras.csv", eras)).unwrap();
        let rp = Replay::from_record(&r);
        assert_eq!(rp.end(), Ym::new(2018, 5));
        assert_eq!(rp.eras.last().unwrap().name, "maximum_pressure");
        assert_eq!(rp.eras[2].start, Ym::new(2009, 3));
        assert!(rp.events.iter().any(|e| e.month == Ym::new(1994, 10).until(Ym::new(2009, 3)) as u32));
    }

    #[test]
    fn an_era_runs_one_setting_so_a_policy_family_is_refused() {
        let eras = |t: String| t.replace(",strategic_patience,", ",patience.toml,");
        let read = |body: &'static str| {
            move |name: &str| -> Result<String, String> {
                match name {
                    "patience.toml" => Ok(body.to_string()),
                    "policy_eras.csv" => Ok(eras(embedded(name))),
                    _ => Ok(embedded(name)),
                }
            }
        };
        let plain = "[policies.patience]\nbase = \"strategic_patience\"\nforce = 0.3\n";
        assert!(Record::parse(&read(plain)).is_ok());
        let family = "[policies.patience]\nbase = \"strategic_patience\"\nforce = { low = 0.1, high = 0.3 }\n";
        let e = Record::parse(&read(family)).unwrap_err();
        assert_eq!((e.file.as_str(), e.line), ("policy_eras.csv", 5));
        assert!(e.message.contains("policy patience.toml: gives levers as ranges (force)"), "{e}");
    }

    #[test]
    fn bad_rows_name_file_and_line() {
        let e = Record::parse(&with("nuclear_tests.csv", |t| t.replace("2009-05-25", "2009-13-25"))).unwrap_err();
        assert_eq!((e.file.as_str(), e.line), ("nuclear_tests.csv", 3));
        assert!(e.message.contains("2009-13-25"), "{e}");
        let e = Record::parse(&with("policy_eras.csv", |t| t.replace(",strategic_patience,", ",strategic_patiense,")))
            .unwrap_err();
        assert_eq!((e.file.as_str(), e.line), ("policy_eras.csv", 5));
        assert!(
            e.message.contains("unknown policy \"strategic_patiense\"") && e.message.contains("did you mean"),
            "{e}"
        );
        let e = Record::parse(&with("events.csv", |t| t.replace("us_ends_deal", "us_end_deal"))).unwrap_err();
        assert!(e.file == "events.csv" && e.message.contains("unknown event"), "{e}");
        let e = Record::parse(&with("initial_state.csv", |t| t.replace("initial_stress,0.6", "initial_stress,1.6")))
            .unwrap_err();
        assert!(
            e.file == "initial_state.csv" && e.message.contains("initial_stress") || e.message.contains("value"),
            "{e}"
        );
    }
}
