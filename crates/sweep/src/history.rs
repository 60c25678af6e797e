//! The public record 1984-2016 (`data/history/*.csv`, compiled in; another folder can be read
//! instead) and the historical replay built from it: the recorded state of October 1994, the
//! policy of each era in turn, and the recorded events the model does not generate.

use brink_core::{Event, EventKind, Param, Params, Policy};
use std::fmt;

/// The record's files, compiled in: (file name, contents).
pub const EMBEDDED: &[(&str, &str)] = &[
    ("missile_launches.csv", include_str!("../../../data/history/missile_launches.csv")),
    ("nuclear_tests.csv", include_str!("../../../data/history/nuclear_tests.csv")),
    ("unsc_resolutions.csv", include_str!("../../../data/history/unsc_resolutions.csv")),
    ("policy_eras.csv", include_str!("../../../data/history/policy_eras.csv")),
    ("iaea_presence.csv", include_str!("../../../data/history/iaea_presence.csv")),
];

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
    /// Last month.
    pub end: Ym,
}

/// The public record as the calibration uses it.
#[derive(Clone, Debug, PartialEq)]
pub struct Record {
    /// (year, missiles launched) from the CNS database.
    pub missiles: Vec<(i32, u32)>,
    /// Months of the nuclear tests.
    pub nuclear_tests: Vec<Ym>,
    /// Months of UNSC sanctions resolutions.
    pub resolutions: Vec<Ym>,
    /// US policy eras.
    pub eras: Vec<Era>,
    /// Intervals [start, end) of IAEA access.
    pub iaea: Vec<(Ym, Ym)>,
    /// BLAKE3 of the files read, in hex (part of every calibration's identity).
    pub blake3: String,
}

/// Rows of one CSV file as maps from header to field, with 1-based line numbers.
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
        let mut eras = Vec::new();
        for (line, row) in rows(f, &text(f)?, &["era", "start", "end"])? {
            let (start, end) = (ym(f, line, "start", field(&row, "start"))?, ym(f, line, "end", field(&row, "end"))?);
            if end < start {
                return Err(bad(f, line, format!("end {end} is before start {start}")));
            }
            eras.push(Era { name: field(&row, "era").to_string(), start, end });
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
        let blake3 = h.finalize().to_hex().to_string();
        let r = Record { missiles, nuclear_tests, resolutions, eras, iaea, blake3 };
        for name in REPLAY_ERAS.iter().map(|(e, _)| e) {
            if !r.eras.iter().any(|e| e.name == *name) {
                return Err(bad("policy_eras.csv", 0, format!("no era {name:?}: the replay needs it")));
            }
        }
        let first = r.era(REPLAY_ERAS[0].0).start;
        if first >= Ym::new(REPLAY_LAST_YEAR, 1) {
            let msg = format!(
                "the replay starts with era {:?} and runs to {REPLAY_LAST_YEAR}: it must start before {REPLAY_LAST_YEAR}, not in {first}",
                REPLAY_ERAS[0].0
            );
            return Err(bad("policy_eras.csv", 0, msg));
        }
        if r.missile_year(REPLAY_LAST_YEAR).is_none() || r.missile_year(first.year()).is_none() {
            return Err(bad(
                "missile_launches.csv",
                0,
                format!("the replay needs every year from the Agreed Framework to {REPLAY_LAST_YEAR}"),
            ));
        }
        Ok(r)
    }

    /// The era named `name` (the replay's eras exist: [`Record::parse`] checks).
    pub fn era(&self, name: &str) -> &Era {
        self.eras.iter().find(|e| e.name == name).expect("checked when parsed")
    }

    /// Missiles launched in `year`, if the record covers it.
    pub fn missile_year(&self, year: i32) -> Option<u32> {
        self.missiles.iter().find(|(y, _)| *y == year).map(|(_, n)| *n)
    }
}

/// The eras the replay runs through, each with the built-in policy that stands for it.
pub const REPLAY_ERAS: &[(&str, &str)] = &[
    ("agreed_framework", "engagement_freeze"),
    ("six_party_talks", "six_party_talks"),
    ("strategic_patience", "strategic_patience"),
];

/// Last year of the replay.
pub const REPLAY_LAST_YEAR: i32 = 2016;

/// The recorded state at the start of the Agreed Framework (October 1994), with sources.
/// Everything else starts at its documented default.
pub const STATE_1994: &[(Param, f64, &str)] = &[
    (Param::InitialWarheads, 0.0, "no assembled weapon in 1994 (US intelligence: material for one or two)"),
    (Param::InitialFissileKg, 8.0, "plutonium separated before 1992, about 6-10 kg (Albright and O'Neill 2000)"),
    (Param::InitialCapability, 0.15, "Scud and Nodong only; the first long-range flight came in 1998"),
    (Param::InitialSanctions, 0.0, "no UNSC sanctions before 2006 (unsc_resolutions.csv)"),
    (Param::InitialTrust, 0.4, "assumption: a deal just signed"),
    (Param::InitialThreat, 0.5, "assumption: the 1994 crisis defused"),
    (Param::InitialStress, 0.6, "assumption: the economy collapsing toward the 1995-98 famine"),
];

/// Month the US ended the Agreed Framework: KEDO suspended fuel oil on 14 November 2002 over
/// the enrichment dispute (policy_eras.csv); no Security Council resolution followed.
pub const AF_END: (i32, u32) = (2002, 11);

/// A historical replay: its start month, its horizon, the policy at the start, the imposed
/// events and the parameters of the recorded initial state.
#[derive(Clone, Debug)]
pub struct Replay {
    /// Calendar month of month 0.
    pub start: Ym,
    /// Months simulated (to December of [`REPLAY_LAST_YEAR`]).
    pub horizon: u32,
    /// Policy at month 0.
    pub policy: Policy,
    /// Imposed events, sorted by month.
    pub events: Vec<Event>,
}

impl Replay {
    /// The replay of October 1994 to December 2016 that the record's eras define.
    pub fn from_record(r: &Record) -> Replay {
        let policy = |name: &str| Policy::builtin_named(name).expect("replay eras name built-in policies");
        let start = r.era(REPLAY_ERAS[0].0).start;
        let end = Ym::new(REPLAY_LAST_YEAR, 12);
        let horizon = start.until(end) as u32 + 1;
        let mut events = vec![Event { month: 0, kind: EventKind::DealInForce }];
        // Events dated before the start happen at month 0; after the end, not at all.
        let at = |ym: Ym| u32::try_from(start.until(ym).max(0)).ok().filter(|m| *m < horizon);
        if let Some(month) = at(Ym::new(AF_END.0, AF_END.1)) {
            events.push(Event { month, kind: EventKind::UsEndsDeal });
        }
        for (era, pol) in &REPLAY_ERAS[1..] {
            if let Some(month) = at(r.era(era).start) {
                events.push(Event { month, kind: EventKind::Policy(policy(pol)) });
            }
        }
        events.sort_by_key(|e| e.month);
        Replay { start, horizon, policy: policy(REPLAY_ERAS[0].1), events }
    }

    /// `base` with the recorded initial state applied.
    pub fn params(&self, base: &Params) -> Params {
        let mut p = base.clone();
        for (param, x, _) in STATE_1994 {
            p.set(*param, *x).expect("recorded state lies in range");
        }
        p
    }

    /// Calendar month of replay month `m`.
    pub fn ym(&self, m: u32) -> Ym {
        Ym(self.start.0 + m as i32)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
    }

    #[test]
    fn replay_follows_the_eras() {
        let r = Record::embedded();
        let rp = Replay::from_record(&r);
        assert_eq!(rp.start, Ym::new(1994, 10));
        assert_eq!(rp.ym(rp.horizon - 1), Ym::new(2016, 12));
        let months: Vec<u32> = rp.events.iter().map(|e| e.month).collect();
        assert_eq!(months, vec![0, 97, 99, 171]);
    }

    #[test]
    fn eras_outside_the_replay_are_refused_or_clipped() {
        let with_eras = |from: &'static str, to: &'static str| {
            move |name: &str| -> Result<String, String> {
                let t = EMBEDDED.iter().find(|(n, _)| *n == name).unwrap().1.to_string();
                Ok(if name == "policy_eras.csv" { t.replacen(from, to, 1) } else { t })
            }
        };
        // An Agreed Framework that starts after the replay's end: refused, not wrapped around.
        let e = Record::parse(&with_eras("agreed_framework,1994-10,2002-12", "agreed_framework,2020-10,2021-12"))
            .unwrap_err();
        assert!(e.message.contains("must start before 2016"), "{e}");
        // Strategic patience starting after 2016: no policy event beyond the horizon.
        let r = Record::parse(&with_eras("strategic_patience,2009-01,2016-12", "strategic_patience,2019-01,2019-12"))
            .unwrap();
        let rp = Replay::from_record(&r);
        assert!(rp.events.iter().all(|e| e.month < rp.horizon));
        assert_eq!(rp.events.len(), 3);
    }

    #[test]
    fn bad_rows_name_file_and_line() {
        let read = |name: &str| -> Result<String, String> {
            let t = EMBEDDED.iter().find(|(n, _)| *n == name).unwrap().1.to_string();
            Ok(if name == "nuclear_tests.csv" { t.replace("2009-05-25", "2009-13-25") } else { t })
        };
        let e = Record::parse(&read).unwrap_err();
        assert_eq!((e.file.as_str(), e.line), ("nuclear_tests.csv", 3));
        assert!(e.message.contains("2009-13-25"), "{e}");
    }
}
