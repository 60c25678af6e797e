//! `manifest.json`, the record of a complete result: what was run, how, and the checksum of
//! every output file, sealed by a checksum of its own; and the record of each part of a sweep
//! in progress. Reading them is pure (no IO), so it can be fuzzed without Polars.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::Path;

/// Where the toolchain and the source came from, recorded in every manifest.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct Provenance {
    /// brink's version.
    pub brink_version: String,
    /// Git commit of the build, or "unknown".
    pub git_commit: String,
    /// `rustc --version` of the build.
    pub rustc: String,
}

/// `manifest.json`: what was run, how, and the checksum of every output file.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct Manifest {
    /// Result hash (the folder's name).
    pub config_hash: String,
    /// Model version.
    pub model_version: String,
    /// Experiment name.
    pub name: String,
    /// Design method.
    pub design: String,
    /// Scenarios.
    pub scenarios: u64,
    /// Replications per scenario and policy.
    pub replications: u32,
    /// Policies compared.
    pub policies: Vec<String>,
    /// Reference policy of paired comparisons.
    pub reference_policy: String,
    /// Months per run.
    pub horizon_months: u32,
    /// Runs in all.
    pub runs: u64,
    /// Runs that failed.
    pub failed_runs: u64,
    /// Worker threads of the process that finished the sweep.
    pub threads: usize,
    /// Wall time of the process that finished the sweep, seconds.
    pub wall_seconds: f64,
    /// Provenance of the build.
    pub provenance: Provenance,
    /// BLAKE3 checksum (hex) of every output file, by path relative to the folder.
    pub files: BTreeMap<String, String>,
    /// BLAKE3 (hex) of the manifest itself with this field empty (see [`Manifest::seal`]): any
    /// edit of its metadata (name, runs, policies, files, ...) breaks it.
    #[serde(default)]
    pub checksum: String,
}

impl Manifest {
    /// The checksum that seals the manifest: BLAKE3 of its compact JSON with `checksum` empty.
    fn own_checksum(&self) -> String {
        let mut m = self.clone();
        m.checksum.clear();
        let json = serde_json::to_vec(&m).expect("a manifest serializes");
        blake3::hash(&json).to_hex().to_string()
    }

    /// Seals the manifest after its last change: sets `checksum`.
    pub fn seal(&mut self) {
        self.checksum = self.own_checksum();
    }

    /// The manifest as written to `manifest.json`, sealed.
    pub fn to_json(&self) -> Vec<u8> {
        let mut m = self.clone();
        m.seal();
        serde_json::to_vec_pretty(&m).expect("a manifest serializes")
    }

    /// Reads a manifest, refusing one that is not JSON of the right shape, whose checksum does
    /// not match its contents (edited by hand, or damaged), or that names files outside its
    /// folder (a tampered manifest must not send `verify` elsewhere).
    pub fn from_json(bytes: &[u8]) -> std::result::Result<Manifest, String> {
        let m: Manifest = serde_json::from_slice(bytes).map_err(|e| format!("not a brink manifest: {e}"))?;
        for name in m.files.keys() {
            let p = Path::new(name);
            let inside = !name.is_empty()
                && !name.contains('\\')
                && p.components().all(|c| matches!(c, std::path::Component::Normal(_)));
            if !inside {
                return Err(format!("the manifest names a file outside the result folder: {name:?}"));
            }
        }
        if m.config_hash.len() != 16 || !m.config_hash.chars().all(|c| c.is_ascii_hexdigit()) {
            return Err(format!("config_hash {:?} is not 16 hex digits", m.config_hash));
        }
        if m.checksum.is_empty() {
            return Err("the manifest has no checksum of its own (written by an older brink, or edited)".into());
        }
        if m.checksum != m.own_checksum() {
            return Err("the manifest's contents do not match its checksum: it was edited or damaged".into());
        }
        Ok(m)
    }
}

/// The record of one part of a sweep, written after its rows and monthly aggregates (so it
/// marks the part complete): whose part it is and the checksum of each of its files, checked
/// before the part is trusted.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct PartRecord {
    /// Result hash of the experiment.
    pub experiment: String,
    /// Part index.
    pub part: u64,
    /// First run index.
    pub first_run: u64,
    /// One past the last run index.
    pub end_run: u64,
    /// BLAKE3 (hex) of the part's rows (`part-K.parquet`).
    pub rows: String,
    /// BLAKE3 (hex) of the part's monthly aggregates (`part-K.monthly`).
    pub monthly: String,
}

impl PartRecord {
    /// Reads a part record; `None` if the bytes are not one.
    pub fn from_json(bytes: &[u8]) -> Option<PartRecord> {
        serde_json::from_slice(bytes).ok()
    }

    /// The bytes written.
    pub fn to_json(&self) -> Vec<u8> {
        serde_json::to_vec(self).expect("a part record serializes")
    }

    /// What is wrong with this record as part `part` (runs `runs`) of experiment `hash`, with
    /// rows and monthly aggregates of these checksums; `None` if nothing.
    pub fn mismatch(
        &self,
        hash: &str,
        part: u64,
        runs: std::ops::Range<u64>,
        rows: &str,
        monthly: &str,
    ) -> Option<String> {
        if self.experiment != hash || self.part != part || self.first_run != runs.start || self.end_run != runs.end {
            return Some(format!(
                "its record says part {} (runs {}..{}) of result {}, not part {part} (runs {}..{}) of {hash}",
                self.part, self.first_run, self.end_run, self.experiment, runs.start, runs.end
            ));
        }
        if self.rows != rows {
            return Some("its rows differ from the checksum in its record (truncated or overwritten)".into());
        }
        if self.monthly != monthly {
            return Some("its monthly aggregates differ from the checksum in its record".into());
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn manifest() -> Manifest {
        Manifest {
            config_hash: "0123456789abcdef".into(),
            model_version: "m".into(),
            name: "n".into(),
            design: "fixed".into(),
            scenarios: 1,
            replications: 2,
            policies: vec!["a".into()],
            reference_policy: "a".into(),
            horizon_months: 12,
            runs: 2,
            failed_runs: 0,
            threads: 3,
            wall_seconds: 12.345,
            provenance: Provenance { brink_version: "0".into(), git_commit: "c".into(), rustc: "r".into() },
            files: [("config.toml".to_string(), "ab".to_string())].into_iter().collect(),
            checksum: String::new(),
        }
    }

    #[test]
    fn a_sealed_manifest_reads_back_and_any_edit_breaks_it() {
        let json = manifest().to_json();
        let m = Manifest::from_json(&json).unwrap();
        assert_eq!(m.name, "n");
        let text = String::from_utf8(json).unwrap();
        for (from, to) in [("\"n\"", "\"forged\""), ("\"runs\": 2", "\"runs\": 2000"), ("\"a\"", "\"b\"")] {
            let edited = text.replacen(from, to, 1);
            assert_ne!(edited, text);
            let e = Manifest::from_json(edited.as_bytes()).unwrap_err();
            assert!(e.contains("do not match its checksum"), "{e}");
        }
        let unsealed = serde_json::to_vec(&manifest()).unwrap();
        assert!(Manifest::from_json(&unsealed).unwrap_err().contains("no checksum"));
    }

    #[test]
    fn a_part_record_names_what_does_not_match() {
        let r = PartRecord {
            experiment: "h".into(),
            part: 1,
            first_run: 10,
            end_run: 20,
            rows: "r".into(),
            monthly: "m".into(),
        };
        assert_eq!(PartRecord::from_json(&r.to_json()), Some(r.clone()));
        assert_eq!(r.mismatch("h", 1, 10..20, "r", "m"), None);
        assert!(r.mismatch("h", 2, 20..30, "r", "m").unwrap().contains("part 1"));
        assert!(r.mismatch("h", 1, 10..20, "x", "m").unwrap().contains("rows differ"));
        assert!(r.mismatch("h", 1, 10..20, "r", "x").unwrap().contains("monthly"));
    }
}
