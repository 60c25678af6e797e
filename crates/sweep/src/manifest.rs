//! `manifest.json`, the record of a complete result: what was run, how, and the checksum of
//! every output file. Reading one is pure (no IO), so it can be fuzzed without Polars.

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
}

impl Manifest {
    /// Reads a manifest, refusing one that is not JSON of the right shape or that names files
    /// outside its folder (a tampered manifest must not send `verify` elsewhere).
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
        Ok(m)
    }
}
