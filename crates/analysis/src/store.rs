//! Results folders: `results/<hash>/` with its parts while a sweep runs, and its final files.
//!
//! A folder is complete only when `manifest.json` exists: it is written last, atomically, and
//! holds the BLAKE3 checksum of every other file, sealed by a checksum of its own. Parts are
//! written atomically too (to a temporary name, then renamed), each with a record of its
//! identity and checksums written last, so a sweep killed at any moment resumes from the parts
//! it finished and ends with the same bytes; a damaged part is moved aside and run again.
//! Every file is read through [`brink_sweep::files`], and every temporary carries the tag of
//! its owner ([`crate::owner`]), so that later commands clear the orphans.
//!
//! The store does IO only: it writes and reads the files of a results folder, checks them
//! against their records and the manifest, and streams stored runs to a caller. What the runs
//! mean (tables, charts, the report) is [`crate::pipeline`]'s business.

use crate::frames::{runs_columns, runs_frame, ColumnDoc};
use crate::lock;
use crate::owner;
use brink_sweep::files::{self, Kind, ReadError};
use brink_sweep::manifest::PartRecord;
use brink_sweep::{Monthly, Plan};
use polars::io::parquet::write::KeyValueMetadata;
use polars::prelude::*;
use std::collections::BTreeMap;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// What can go wrong with a results folder.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// A file could not be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// Polars failed on a file.
    #[error("{path}: {source}")]
    Polars {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: PolarsError,
    },
    /// A chart could not be drawn.
    #[error("{path}: cannot draw the chart: {why}")]
    Chart {
        /// The chart.
        path: PathBuf,
        /// The cause.
        why: String,
    },
    /// No result matches a hash prefix.
    #[error("no {what} matches {prefix:?} in {root} (`brink list` shows them)")]
    NotFound {
        /// What was looked for ("complete result" or "result").
        what: &'static str,
        /// The prefix.
        prefix: String,
        /// The results folder.
        root: PathBuf,
    },
    /// A hash prefix that cannot name one result.
    #[error("{prefix:?} is not a hash prefix: {why} (`brink list` shows the results)")]
    BadPrefix {
        /// The prefix.
        prefix: String,
        /// Why not.
        why: &'static str,
    },
    /// Several results match a hash prefix.
    #[error("{prefix:?} is ambiguous: it matches {}", .candidates.join(", "))]
    Ambiguous {
        /// The prefix.
        prefix: String,
        /// What it matches.
        candidates: Vec<String>,
    },
    /// Parts are missing: the sweep (or some shards) did not finish.
    #[error("{dir}: {} of {} missing (first missing: {}); run the missing shards or `brink sweep` again to resume", .missing.len(), crate::words::count(*.total, "part"), .missing.first().copied().unwrap_or(0))]
    Incomplete {
        /// The results folder.
        dir: PathBuf,
        /// Missing part indices.
        missing: Vec<u64>,
        /// Parts in all.
        total: u64,
    },
    /// A file exists but is not what brink wrote.
    #[error("{path}: {why}")]
    Corrupt {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        why: String,
    },
    /// A file could not be read (not a regular file, too large, unreadable).
    #[error(transparent)]
    Read(#[from] ReadError),
    /// Parts of a sweep are damaged: they were moved aside, to be run again.
    #[error("{}", damaged_parts(.dir, .aside, .parts))]
    DamagedParts {
        /// The results folder.
        dir: PathBuf,
        /// Where the damaged files went.
        aside: PathBuf,
        /// Each damaged part and what is wrong with it.
        parts: Vec<(u64, String)>,
    },
    /// A complete result whose files or manifest do not match.
    #[error("{}", damaged(.hash, .bad, *.total))]
    Damaged {
        /// The result.
        hash: String,
        /// What differs, file by file.
        bad: Vec<String>,
        /// Files in the manifest.
        total: usize,
    },
    /// An error message that already names its file.
    #[error("{0}")]
    Other(String),
}

type Result<T> = std::result::Result<T, StoreError>;

fn damaged_parts(dir: &Path, aside: &Path, parts: &[(u64, String)]) -> String {
    let n = parts.len();
    let list: Vec<String> = parts.iter().map(|(k, why)| format!("part {k}: {why}")).collect();
    format!(
        "{}: {n} damaged part{} moved aside to {} (`brink sweep` runs {} again):\n  {}",
        dir.display(),
        if n == 1 { "" } else { "s" },
        aside.display(),
        if n == 1 { "it" } else { "them" },
        list.join("\n  ")
    )
}

fn damaged(hash: &str, bad: &[String], total: usize) -> String {
    format!(
        "result {hash} is damaged: {} of {} {} from its manifest (`brink reproduce {hash}` recomputes it):\n  {}",
        bad.len(),
        crate::words::count(total as u64, "file"),
        if bad.len() == 1 { "differs" } else { "differ" },
        bad.join("\n  ")
    )
}

fn io<T>(path: &Path, r: std::io::Result<T>) -> Result<T> {
    r.map_err(|source| StoreError::Io { path: path.to_path_buf(), source })
}

pub use brink_sweep::manifest::{Manifest, Provenance};

/// One line of `brink list`.
#[derive(Clone, Debug)]
pub struct Listing {
    /// Hash.
    pub hash: String,
    /// Manifest, if complete.
    pub manifest: Option<Manifest>,
    /// Why the result is damaged: its manifest exists but cannot be read.
    pub damaged: Option<String>,
    /// Parts present, if incomplete.
    pub parts_present: usize,
    /// Why `brink sweep` cannot resume an incomplete result: its stored config is of another
    /// model version, edited, or unreadable.
    pub stuck: Option<String>,
    /// What the stored config says, if it can be read: the experiment's name, its runs, its
    /// policies and its parts.
    pub experiment: Option<(String, u64, usize, u64)>,
    /// Whether a process is running or assembling the result now (it holds the result's lock).
    pub running: bool,
}

/// The results folder (by default `results/`).
#[derive(Clone, Debug)]
pub struct Store {
    root: PathBuf,
}

static TMP_COUNTER: AtomicU64 = AtomicU64::new(0);

/// A temporary name beside `path`, owned by this process: `.<name>.tmp-<tag>-<n><suffix>`.
pub fn temporary(path: &Path, suffix: &str) -> PathBuf {
    let n = TMP_COUNTER.fetch_add(1, Ordering::Relaxed);
    let name = path.file_name().and_then(|s| s.to_str()).unwrap_or("file");
    path.with_file_name(format!(".{name}.tmp-{}-{n}{suffix}", owner::tag()))
}

/// Writes `bytes` to `path` atomically: a temporary file in the same folder, synced, renamed.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let tmp = temporary(path, "");
    let write = || -> std::io::Result<()> {
        let mut f = fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        fs::rename(&tmp, path)
    };
    let r = write();
    if r.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    io(path, r)
}

/// Draws a chart: writes a PNG to the path it is given, or says why it cannot.
pub type Drawing<'a> = dyn Fn(&Path) -> std::result::Result<(), String> + 'a;

/// A Parquet writer of brink: Zstd, row groups of 65,536 rows, and the key-value metadata of
/// [`parquet_metadata`].
fn parquet_writer<W: Write>(w: W, schema: &Schema, docs: &[ColumnDoc]) -> ParquetWriter<W> {
    ParquetWriter::new(w)
        .with_compression(ParquetCompression::Zstd(None))
        .with_row_group_size(Some(1 << 16))
        .with_key_value_metadata(Some(parquet_metadata(schema, docs)))
}

/// Key-value metadata of a Parquet file brink writes: the Arrow schema of the file with strings
/// as `large_string` (Polars declares them `string_view`, which pyarrow before 15 cannot read:
/// "Unrecognized type: 24"; the bytes of the column are the same), each field carrying its
/// `description` and `unit`, and the whole data dictionary as JSON under `brink:columns`.
pub fn parquet_metadata(schema: &Schema, docs: &[ColumnDoc]) -> KeyValueMetadata {
    let mut arrow = schema.to_arrow(CompatLevel::oldest());
    for (name, field) in arrow.iter_mut() {
        if let Some(d) = docs.iter().find(|d| d.name == name.as_str()) {
            let mut md = BTreeMap::new();
            md.insert(PlSmallStr::from("description"), PlSmallStr::from(d.description.as_str()));
            md.insert(PlSmallStr::from("unit"), PlSmallStr::from(d.unit.as_str()));
            field.metadata = Some(std::sync::Arc::new(md));
        }
    }
    let columns = serde_json::to_string(docs).expect("column docs serialize");
    KeyValueMetadata::Static(vec![
        polars_parquet::write::schema_to_metadata_key(&arrow),
        polars_parquet::write::KeyValue { key: "brink:columns".into(), value: Some(columns) },
    ])
}

fn parquet_bytes(df: &mut DataFrame, docs: &[ColumnDoc], path: &Path) -> Result<Vec<u8>> {
    let mut buf = Vec::new();
    let schema = df.schema().clone();
    parquet_writer(&mut buf, &schema, docs)
        .finish(df)
        .map_err(|source| StoreError::Polars { path: path.to_path_buf(), source })?;
    Ok(buf)
}

/// BLAKE3 of a file of a results folder, in hex, read as a stream.
pub fn checksum(path: &Path) -> Result<String> {
    Ok(files::checksum(path, Kind::Stream)?)
}

fn hex(bytes: &[u8]) -> String {
    blake3::hash(bytes).to_hex().to_string()
}

/// Files every complete result has.
const REQUIRED: &[&str] = &["config.toml", "runs.parquet", "monthly.parquet", "summary.csv", "report.md"];

impl Store {
    /// A store rooted at `root`.
    pub fn new(root: impl Into<PathBuf>) -> Store {
        Store { root: root.into() }
    }

    /// The root folder.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Folder of result `hash`.
    pub fn dir(&self, hash: &str) -> PathBuf {
        self.root.join(hash)
    }

    fn parts_dir(&self, hash: &str) -> PathBuf {
        self.dir(hash).join("parts")
    }

    fn part_path(&self, hash: &str, k: u64, ext: &str) -> PathBuf {
        self.parts_dir(hash).join(format!("part-{k:06}.{ext}"))
    }

    /// Takes ownership of the temporaries this process makes under the results folder.
    pub fn own(&self) -> Result<()> {
        let path = self.root.join(owner::OWNERS);
        owner::own(&self.root).map(|_| ()).map_err(|source| StoreError::Io { path, source })
    }

    /// Whether part `k` of `plan` is on disk: its record, written last, is there. Whether the
    /// record and the files match this part of this experiment is checked when the parts are
    /// assembled ([`Store::finalize`]), which moves a damaged part aside.
    pub fn has_part(&self, plan: &Plan, k: u64) -> bool {
        fs::symlink_metadata(self.part_path(&plan.hash, k, "json")).is_ok()
    }

    /// Parts of `plan` not yet on disk, among `range`.
    pub fn missing_parts(&self, plan: &Plan, range: std::ops::Range<u64>) -> Vec<u64> {
        range.filter(|k| !self.has_part(plan, *k)).collect()
    }

    /// Prepares the folder of `plan`: creates it and writes the canonical config.
    pub fn prepare(&self, plan: &Plan) -> Result<()> {
        self.own()?;
        let parts = self.parts_dir(&plan.hash);
        io(&parts, fs::create_dir_all(&parts))?;
        let cfg = self.dir(&plan.hash).join("config.toml");
        let canonical = plan.exp.canonical();
        if let Some(post) = &plan.exp.posterior {
            // The posterior the behaviour parameters are drawn from travels with the config.
            let path = self.dir(&plan.hash).join("posterior.csv");
            if files::read_text(&path, Kind::Posterior).ok().as_deref() != Some(post.text.as_str()) {
                write_atomic(&path, post.text.as_bytes())?;
            }
        }
        if files::read_text(&cfg, Kind::StoredConfig).ok().as_deref() != Some(canonical.as_str()) {
            write_atomic(&cfg, canonical.as_bytes())?;
        }
        Ok(())
    }

    /// Writes a computed part atomically: its monthly aggregates, its rows, then its record
    /// (identity and checksums), which marks it complete.
    pub fn write_part(&self, plan: &Plan, part: &brink_sweep::Part) -> Result<u64> {
        self.own()?;
        let k = part.index;
        let mpath = self.part_path(&plan.hash, k, "monthly");
        let monthly = part.monthly.to_bytes();
        write_atomic(&mpath, &monthly)?;
        let ppath = self.part_path(&plan.hash, k, "parquet");
        let mut df =
            runs_frame(plan, &part.rows).map_err(|source| StoreError::Polars { path: ppath.clone(), source })?;
        let rows = parquet_bytes(&mut df, &[], &ppath)?;
        write_atomic(&ppath, &rows)?;
        let runs = plan.part_range(k);
        let record = PartRecord {
            experiment: plan.hash.clone(),
            part: k,
            first_run: runs.start,
            end_run: runs.end,
            rows: hex(&rows),
            monthly: hex(&monthly),
        };
        write_atomic(&self.part_path(&plan.hash, k, "json"), &record.to_json())?;
        Ok(part.rows.len() as u64)
    }

    /// Reads part `k` of `plan` and checks it against its record: its rows and monthly
    /// aggregates, or what is wrong with it.
    fn load_part(&self, plan: &Plan, k: u64) -> std::result::Result<(DataFrame, Monthly), String> {
        let read = |ext: &str| files::read(&self.part_path(&plan.hash, k, ext), Kind::Part).map_err(|e| e.to_string());
        let record = PartRecord::from_json(&read("json")?).ok_or("its record is not a brink part record")?;
        let (rows, monthly) = (read("parquet")?, read("monthly")?);
        let runs = plan.part_range(k);
        if let Some(why) = record.mismatch(&plan.hash, k, runs.clone(), &hex(&rows), &hex(&monthly)) {
            return Err(why);
        }
        let df = ParquetReader::new(std::io::Cursor::new(rows)).finish().map_err(|e| format!("its rows: {e}"))?;
        if df.height() as u64 != runs.end - runs.start {
            return Err(format!("holds {} rows, expected {}", df.height(), runs.end - runs.start));
        }
        let m = Monthly::from_bytes(&monthly)
            .filter(|m| m.horizon == plan.exp.horizon && m.policies == plan.exp.policies.len())
            .ok_or("its monthly aggregates are not of this experiment")?;
        Ok((df, m))
    }

    /// Moves the files of damaged part `k` into `parts/damaged/` (its record first, so that it
    /// counts as missing at once); returns that folder.
    fn move_aside(&self, hash: &str, k: u64) -> PathBuf {
        let aside = self.parts_dir(hash).join("damaged");
        let _ = fs::create_dir_all(&aside);
        for ext in ["json", "parquet", "monthly"] {
            let from = self.part_path(hash, k, ext);
            if fs::rename(&from, aside.join(format!("part-{k:06}.{ext}"))).is_err() {
                let _ = fs::remove_file(&from);
            }
        }
        aside
    }

    /// Whether result `hash` is complete (has its manifest, whatever it is).
    pub fn is_complete(&self, hash: &str) -> bool {
        fs::symlink_metadata(self.dir(hash).join("manifest.json")).is_ok()
    }

    /// Streams every part of `plan` (each checked against its record) to `sink`, in order, and
    /// writes their rows as `runs.parquet`. A part that does not match its record is moved
    /// aside ([`StoreError::DamagedParts`]) after every part has been checked, so that all the
    /// damaged ones are named; nothing is then written.
    pub fn merge_parts(
        &self,
        plan: &Plan,
        sink: &mut dyn FnMut(&DataFrame, &Monthly) -> PolarsResult<()>,
    ) -> Result<()> {
        let dir = self.dir(&plan.hash);
        let missing = self.missing_parts(plan, 0..plan.parts());
        if !missing.is_empty() {
            return Err(StoreError::Incomplete { dir, missing, total: plan.parts() });
        }
        let runs_path = dir.join("runs.parquet");
        let mut writer: Option<polars::io::parquet::write::BatchedWriter<fs::File>> = None;
        let tmp_runs = temporary(&runs_path, "");
        let mut damaged: Vec<(u64, String)> = Vec::new();
        for k in 0..plan.parts() {
            let ppath = self.part_path(&plan.hash, k, "parquet");
            let (df, m) = match self.load_part(plan, k) {
                Ok(x) => x,
                Err(why) => {
                    damaged.push((k, why));
                    continue;
                }
            };
            if !damaged.is_empty() {
                continue; // every part is still checked, so that all damaged ones are named
            }
            sink(&df, &m).map_err(|source| StoreError::Polars { path: ppath.clone(), source })?;
            if writer.is_none() {
                let f = io(&tmp_runs, fs::File::create(&tmp_runs))?;
                let w = parquet_writer(f, df.schema(), &runs_columns(plan))
                    .batched(df.schema())
                    .map_err(|source| StoreError::Polars { path: runs_path.clone(), source })?;
                writer = Some(w);
            }
            if let Some(w) = writer.as_mut() {
                w.write_batch(&df).map_err(|source| StoreError::Polars { path: runs_path.clone(), source })?;
            }
        }
        if !damaged.is_empty() {
            drop(writer);
            let _ = fs::remove_file(&tmp_runs);
            if self.is_complete(&plan.hash) {
                // Not damaged: another process finished the result and removed its parts.
                return Err(StoreError::Other(format!("{}: finished by another process", dir.display())));
            }
            let mut aside = PathBuf::new();
            for (k, _) in &damaged {
                aside = self.move_aside(&plan.hash, *k);
            }
            return Err(StoreError::DamagedParts { dir, aside, parts: damaged });
        }
        if let Some(w) = writer {
            w.finish().map_err(|source| StoreError::Polars { path: runs_path.clone(), source })?;
            io(&runs_path, fs::rename(&tmp_runs, &runs_path))?;
        }
        Ok(())
    }

    /// Writes `bytes` as file `rel` of result `hash`, atomically.
    pub fn write_file(&self, hash: &str, rel: &str, bytes: &[u8]) -> Result<()> {
        let path = self.dir(hash).join(rel);
        if let Some(parent) = path.parent() {
            io(parent, fs::create_dir_all(parent))?;
        }
        write_atomic(&path, bytes)
    }

    /// Writes `df` as Parquet file `rel` of result `hash`, atomically, with the description
    /// and unit of each column (`docs`) in its metadata.
    pub fn write_parquet(&self, hash: &str, rel: &str, df: &mut DataFrame, docs: &[ColumnDoc]) -> Result<()> {
        let path = self.dir(hash).join(rel);
        let bytes = parquet_bytes(df, docs, &path)?;
        self.write_file(hash, rel, &bytes)
    }

    /// Draws chart `rel` of result `hash` (e.g. `charts/risk_by_policy.png`) with `draw`, which
    /// writes a PNG to the path it is given: a temporary name, renamed once drawn. Returns the
    /// chart's path.
    pub fn write_chart(&self, hash: &str, rel: &str, draw: &Drawing) -> Result<PathBuf> {
        let path = self.dir(hash).join(rel);
        if let Some(parent) = path.parent() {
            io(parent, fs::create_dir_all(parent))?;
        }
        let tmp = temporary(&path, ".png");
        let r = draw(&tmp).map_err(|why| StoreError::Chart { path: path.clone(), why: plain_error(&why) });
        let r = r.and_then(|()| io(&path, fs::rename(&tmp, &path)));
        if r.is_err() {
            let _ = fs::remove_file(&tmp);
        }
        r.map(|()| path)
    }

    /// Reads Parquet file `rel` of result `hash` whole.
    pub fn read_parquet(&self, hash: &str, rel: &str) -> Result<DataFrame> {
        let path = self.dir(hash).join(rel);
        let (f, _) = files::open(&path, Kind::Stream)?;
        ParquetReader::new(f).finish().map_err(|source| StoreError::Polars { path: path.clone(), source })
    }

    /// Rows `offset .. offset + len` of `runs.parquet` of result `hash`, every column.
    pub fn read_rows(&self, hash: &str, offset: u64, len: usize) -> Result<DataFrame> {
        let path = self.dir(hash).join("runs.parquet");
        let (f, _) = files::open(&path, Kind::Stream)?;
        ParquetReader::new(f)
            .with_slice(Some((offset as usize, len)))
            .finish()
            .map_err(|source| StoreError::Polars { path: path.clone(), source })
    }

    /// Streams the columns `cols` of `runs.parquet` of `plan` to `sink`, one part-sized slice of
    /// whole (scenario, replication) groups at a time, so memory stays flat.
    pub fn read_runs(
        &self,
        plan: &Plan,
        cols: &[String],
        sink: &mut dyn FnMut(&DataFrame) -> PolarsResult<()>,
    ) -> Result<()> {
        let path = self.dir(&plan.hash).join("runs.parquet");
        let pe = |source| StoreError::Polars { path: path.clone(), source };
        let total = plan.runs() as usize;
        let step = plan.part_runs() as usize;
        for offset in (0..total).step_by(step) {
            let (f, _) = files::open(&path, Kind::Stream)?;
            let df = ParquetReader::new(f)
                .with_columns(Some(cols.to_vec()))
                .with_slice(Some((offset, step.min(total - offset))))
                .finish()
                .map_err(pe)?;
            sink(&df).map_err(pe)?;
        }
        Ok(())
    }

    /// Output files of result `hash`, relative, sorted: everything but the manifest and parts.
    pub fn output_files(&self, hash: &str) -> Result<Vec<String>> {
        output_files(&self.dir(hash))
    }

    /// Writes the manifest of finished result `plan`, last and sealed, with the checksum of
    /// every output file, then removes the parts.
    pub fn seal(
        &self,
        plan: &Plan,
        failed_runs: u64,
        threads: usize,
        wall: f64,
        prov: &Provenance,
    ) -> Result<Manifest> {
        let dir = self.dir(&plan.hash);
        let mut files = BTreeMap::new();
        for rel in output_files(&dir)? {
            files.insert(rel.clone(), checksum(&dir.join(&rel))?);
        }
        let mut m = Manifest {
            config_hash: plan.hash.clone(),
            model_version: brink_core::MODEL_VERSION.to_string(),
            name: plan.exp.name.clone(),
            design: plan.exp.method.name().to_string(),
            scenarios: plan.design().len() as u64,
            replications: plan.exp.replications,
            policies: plan.exp.policies.iter().map(|p| p.name().to_string()).collect(),
            reference_policy: plan.exp.policies[plan.exp.reference].name().to_string(),
            horizon_months: plan.exp.horizon,
            runs: plan.runs(),
            failed_runs,
            threads,
            wall_seconds: (wall * 1000.0).round() / 1000.0,
            provenance: prov.clone(),
            files,
            checksum: String::new(),
        };
        m.seal();
        write_atomic(&dir.join("manifest.json"), &m.to_json())?;
        let _ = fs::remove_dir_all(self.parts_dir(&plan.hash));
        Ok(m)
    }

    /// Updates the manifest of complete result `hash` with the checksums of its output files as
    /// they are now (after its charts and report were redrawn).
    pub fn reseal(&self, hash: &str) -> Result<()> {
        let dir = self.dir(hash);
        let mut m = self.manifest(hash)?;
        for rel in output_files(&dir)? {
            m.files.insert(rel.clone(), checksum(&dir.join(&rel))?);
        }
        write_atomic(&dir.join("manifest.json"), &m.to_json())
    }

    /// Removes what this process left half-written in result `hash` (after a failure: a full
    /// disk, a killed writer, a race lost).
    pub fn remove_own_temporaries(&self, hash: &str) {
        let dir = self.dir(hash);
        for d in [dir.clone(), dir.join("charts"), dir.join("parts")] {
            remove_own_temporaries(&d);
        }
    }

    /// Reads the manifest of a complete result and checks what can be checked without reading
    /// the other files: its own checksum, that it is this folder's, and that it lists every
    /// data file the folder holds (and every file a result has).
    pub fn manifest(&self, hash: &str) -> Result<Manifest> {
        let dir = self.dir(hash);
        let path = dir.join("manifest.json");
        let damaged = |why: String| StoreError::Corrupt { path: path.clone(), why: format!("damaged: {why}") };
        let bytes = files::read(&path, Kind::Manifest).map_err(|e| damaged(e.why))?;
        let m = Manifest::from_json(&bytes).map_err(damaged)?;
        if m.config_hash != hash {
            return Err(damaged(format!("it is the manifest of result {}, not of {hash}", m.config_hash)));
        }
        // Charts are redrawn by `plot`; every data file there is must be listed.
        let present = output_files(&dir)?;
        let unlisted: Vec<&str> = present
            .iter()
            .map(|f| f.as_str())
            .filter(|f| !f.starts_with("charts/"))
            .chain(REQUIRED.iter().copied())
            .filter(|f| !m.files.contains_key(*f))
            .collect();
        if !unlisted.is_empty() {
            return Err(damaged(format!("it does not list {}", unlisted.join(", "))));
        }
        Ok(m)
    }

    /// Clears the orphaned temporaries of result `hash` (those whose process is gone), and the
    /// parts of a complete result.
    pub fn tidy(&self, hash: &str) {
        let dir = self.dir(hash);
        if self.is_complete(hash) {
            let _ = fs::remove_dir_all(self.parts_dir(hash));
        }
        for d in [dir.clone(), dir.join("charts"), dir.join("charts").join("extra"), dir.join("parts")] {
            owner::clear_orphans(&self.root, &d);
        }
    }

    /// Every result folder, complete or not, sorted by hash. Orphaned temporaries met on the
    /// way are cleared.
    pub fn list(&self) -> Result<Vec<Listing>> {
        let mut out = Vec::new();
        let entries = match fs::read_dir(&self.root) {
            Ok(e) => e,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(out),
            Err(e) => return io(&self.root, Err(e)),
        };
        for d in [self.root.clone(), self.root.join("calibration"), self.root.join("backtest")] {
            owner::clear_orphans(&self.root, &d);
        }
        for e in entries.flatten() {
            let name = e.file_name().to_string_lossy().to_string();
            if !e.path().is_dir() || name.len() != 16 || !name.chars().all(|c| c.is_ascii_hexdigit()) {
                continue;
            }
            self.tidy(&name);
            let (manifest, damaged) = match self.is_complete(&name).then(|| self.manifest(&name)) {
                Some(Ok(m)) => (Some(m), None),
                Some(Err(e)) => (None, Some(e.to_string())),
                None => (None, None),
            };
            let parts_present = fs::read_dir(self.parts_dir(&name))
                .map(|d| d.flatten().filter(|f| f.file_name().to_string_lossy().ends_with(".json")).count())
                .unwrap_or(0);
            let (stuck, experiment) = self.stored(&name);
            let stuck = if self.is_complete(&name) { None } else { stuck };
            let running = self.is_running(&name);
            out.push(Listing { hash: name, manifest, damaged, parts_present, stuck, experiment, running });
        }
        out.sort_by(|a, b| a.hash.cmp(&b.hash));
        Ok(out)
    }

    /// What the stored config of result `hash` says: why `brink sweep` of its experiment would
    /// not resume it, if it would not (the config does not hash to the folder's name: another
    /// model version, or edited; or it cannot be read), and the experiment's name, runs,
    /// policies and parts, if the config can be read.
    #[allow(clippy::type_complexity)]
    fn stored(&self, hash: &str) -> (Option<String>, Option<(String, u64, usize, u64)>) {
        let path = self.dir(hash).join("config.toml");
        if fs::symlink_metadata(&path).is_err() {
            return (None, None);
        }
        let text = match files::read_text(&path, Kind::StoredConfig) {
            Ok(t) => t,
            Err(e) => return (Some(format!("config.toml: {}", e.why)), None),
        };
        match brink_sweep::Experiment::parse(&text, &path.display().to_string()) {
            Ok(exp) => {
                let np = exp.policies.len();
                let runs = u64::try_from(exp.runs_exact()).unwrap_or(u64::MAX);
                let parts = runs.div_ceil(brink_sweep::PART_GROUPS * np.max(1) as u64);
                let what = Some((exp.name.clone(), runs, np, parts));
                if exp.hash() == hash {
                    (None, what)
                } else {
                    (Some(format!("its config.toml hashes to {}: another model version, or edited", exp.hash())), what)
                }
            }
            Err(_) => (Some("its config.toml does not validate: another model version, or edited".into()), None),
        }
    }

    /// Takes the lock of result `hash` ([`crate::lock`]): shared for a shard, exclusive for an
    /// unsharded sweep or a merge. If another process holds it, calls `waiting` once and waits.
    pub fn lock_result(&self, hash: &str, mode: lock::Mode, waiting: &mut dyn FnMut()) -> Result<lock::ResultLock> {
        let dir = self.dir(hash);
        io(&dir, fs::create_dir_all(&dir))?;
        let path = dir.join(lock::LOCK);
        if let Some(l) = io(&path, lock::try_lock(&path, mode))? {
            return Ok(l);
        }
        waiting();
        io(&path, lock::lock(&path, mode))
    }

    /// Whether a process runs or assembles result `hash` now (it holds the result's lock).
    pub fn is_running(&self, hash: &str) -> bool {
        lock::held(&self.dir(hash).join(lock::LOCK))
    }

    /// The one complete result whose hash starts with `prefix`.
    pub fn resolve(&self, prefix: &str) -> Result<String> {
        self.resolve_where(prefix, true)
    }

    /// The one result, complete or not, whose hash starts with `prefix` (for `merge`).
    pub fn resolve_any(&self, prefix: &str) -> Result<String> {
        self.resolve_where(prefix, false)
    }

    fn resolve_where(&self, prefix: &str, complete_only: bool) -> Result<String> {
        let what = if complete_only { "complete result" } else { "result" };
        if prefix.trim().is_empty() {
            let why = "an empty prefix matches every result; give the first digits of one";
            return Err(StoreError::BadPrefix { prefix: prefix.to_string(), why });
        }
        let matches: Vec<String> = self
            .list()?
            .into_iter()
            .filter(|l| {
                (l.manifest.is_some() || l.damaged.is_some() || !complete_only)
                    && l.hash.starts_with(&prefix.to_ascii_lowercase())
            })
            .map(|l| l.hash)
            .collect();
        match matches.len() {
            0 => Err(StoreError::NotFound { what, prefix: prefix.to_string(), root: self.root.clone() }),
            1 => Ok(matches.into_iter().next().expect("one match")),
            _ => Err(StoreError::Ambiguous { prefix: prefix.to_string(), candidates: matches }),
        }
    }

    /// Files of a complete result whose bytes differ from its manifest (or are missing, or not
    /// regular files).
    pub fn verify(&self, hash: &str) -> Result<Vec<String>> {
        let m = self.manifest(hash)?;
        let dir = self.dir(hash);
        let mut bad = Vec::new();
        for (rel, sum) in &m.files {
            match files::checksum(&dir.join(rel), Kind::Stream) {
                Ok(s) if &s == sum => {}
                Ok(_) => bad.push(format!("{rel}: checksum differs from the manifest")),
                Err(e) if e.why.contains("No such file") => bad.push(format!("{rel}: missing")),
                Err(e) => bad.push(format!("{rel}: {}", e.why)),
            }
        }
        Ok(bad)
    }

    /// The manifest of a complete result, once every file is checked against it.
    pub fn check(&self, hash: &str) -> Result<Manifest> {
        let m = self.manifest(hash)?;
        let bad = self.verify(hash)?;
        if bad.is_empty() {
            Ok(m)
        } else {
            Err(StoreError::Damaged { hash: hash.to_string(), bad, total: m.files.len() })
        }
    }
}

/// Removes this process's temporary files in `dir` (after a failure).
fn remove_own_temporaries(dir: &Path) {
    let mine = format!(".tmp-{}-", owner::tag());
    if let Ok(rd) = fs::read_dir(dir) {
        for e in rd.flatten() {
            if e.file_name().to_string_lossy().contains(&mine) {
                let _ = fs::remove_file(e.path());
            }
        }
    }
}

/// The operating system's message inside a chart library's error, if there is one (plotters
/// wraps an IO error several layers deep), else the error as it is.
fn plain_error(why: &str) -> String {
    for key in ["message: \"", "error: \""] {
        if let Some(i) = why.find(key) {
            let rest = &why[i + key.len()..];
            if let Some(j) = rest.find('"') {
                return format!("cannot write the image: {}", &rest[..j]);
            }
        }
    }
    why.to_string()
}

/// Output files of a result folder, relative, sorted: everything but the manifest and parts.
fn output_files(dir: &Path) -> Result<Vec<String>> {
    let mut out = Vec::new();
    for name in [
        "config.toml",
        "posterior.csv",
        "runs.parquet",
        "monthly.parquet",
        "scenarios.parquet",
        "summary.csv",
        "horizon.csv",
        "sobol.csv",
        "prim.csv",
        "report.md",
    ] {
        // Whatever it is (a link, a FIFO): the manifest must list it, and verify checks it.
        if fs::symlink_metadata(dir.join(name)).is_ok() {
            out.push(name.to_string());
        }
    }
    let cdir = dir.join("charts");
    if let Ok(rd) = fs::read_dir(&cdir) {
        let mut charts: Vec<String> = rd
            .flatten()
            .map(|e| e.file_name().to_string_lossy().to_string())
            .filter(|n| n.ends_with(".png") && !n.starts_with('.'))
            .map(|n| format!("charts/{n}"))
            .collect();
        charts.sort();
        out.extend(charts);
    }
    Ok(out)
}
