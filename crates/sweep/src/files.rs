//! The one way brink reads a file: every experiment, posterior, file of the record and file of
//! a results folder goes through [`read`] or [`open`].
//!
//! A read is bounded: only a regular file is opened (never a device such as `/dev/zero`, a FIFO
//! that could block for ever, or a folder), its type is checked before it is opened and again on
//! the open handle (opened without blocking), and at most the cap of its [`Kind`] is read, so a
//! file that grows while it is read cannot exhaust memory. Files of a results folder are written
//! by brink itself, never as links, so a symbolic link there is refused too.

use std::fmt;
use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};

/// What a file is, which sets its size cap and how it is named in messages.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// An experiment file (`brink sweep FILE`, `validate`, `run --config`).
    Experiment,
    /// A posterior CSV (`[posterior] file`, `backtest --posterior`).
    Posterior,
    /// A file of the historical record (`--data DIR`).
    Record,
    /// `manifest.json` of a result.
    Manifest,
    /// `config.toml` of a result.
    StoredConfig,
    /// A small file of a result (`summary.csv`, a chart, ...).
    Output,
    /// A part of a sweep (its rows, monthly aggregates or record).
    Part,
    /// A data file of a result read in slices or hashed as a stream (`runs.parquet`,
    /// `monthly.parquet`, charts): any size, never read whole.
    Stream,
}

impl Kind {
    /// Most bytes read of a file of this kind.
    pub fn cap(self) -> u64 {
        match self {
            Kind::Experiment | Kind::StoredConfig => 4 << 20,
            Kind::Posterior => 256 << 20,
            Kind::Record | Kind::Manifest | Kind::Output => 64 << 20,
            Kind::Part => 1 << 30,
            Kind::Stream => u64::MAX,
        }
    }

    /// How a file of this kind is named in messages.
    pub fn noun(self) -> &'static str {
        match self {
            Kind::Experiment => "experiment file",
            Kind::Posterior => "posterior",
            Kind::Record => "file of the record",
            Kind::Manifest => "manifest",
            Kind::StoredConfig => "stored config",
            Kind::Output => "result file",
            Kind::Part => "part",
            Kind::Stream => "file",
        }
    }

    /// The noun with its article.
    fn a_noun(self) -> String {
        let article = if self == Kind::Experiment { "an" } else { "a" };
        format!("{article} {}", self.noun())
    }

    /// Whether the file belongs to a results folder, where brink writes no links.
    fn in_results_folder(self) -> bool {
        !matches!(self, Kind::Experiment | Kind::Posterior | Kind::Record)
    }
}

/// A file that could not be read, and why.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub struct ReadError {
    /// The file.
    pub path: PathBuf,
    /// What it is.
    pub kind: Kind,
    /// What is wrong.
    pub why: String,
}

impl fmt::Display for ReadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let shown = self.path.display().to_string();
        let shown = if shown.is_empty() { "\"\"".to_string() } else { shown };
        write!(f, "{shown}: cannot read the {}: {}", self.kind.noun(), self.why)
    }
}

fn file_type_name(t: std::fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if t.is_fifo() {
            return "a FIFO (named pipe)";
        }
        if t.is_char_device() {
            return "a character device";
        }
        if t.is_block_device() {
            return "a block device";
        }
        if t.is_socket() {
            return "a socket";
        }
    }
    if t.is_dir() {
        "a folder"
    } else if t.is_symlink() {
        "a symbolic link"
    } else {
        "not a regular file"
    }
}

/// Opens `path` for reading after checking that it is a regular file of at most the cap of
/// `kind`; returns the file and its size. Never blocks on a FIFO.
pub fn open(path: &Path, kind: Kind) -> Result<(File, u64), ReadError> {
    let err = |why: String| ReadError { path: path.to_path_buf(), kind, why };
    if path.as_os_str().is_empty() {
        return Err(err("no file name given".into()));
    }
    let check = |meta: &std::fs::Metadata| -> Result<u64, ReadError> {
        if !meta.is_file() {
            return Err(err(format!("it is {}; brink reads only regular files", file_type_name(meta.file_type()))));
        }
        if meta.len() > kind.cap() {
            return Err(err(format!(
                "it is {} bytes, more than the {} bytes {} may have",
                meta.len(),
                kind.cap(),
                kind.a_noun()
            )));
        }
        Ok(meta.len())
    };
    let link = std::fs::symlink_metadata(path).map_err(|e| err(e.to_string()))?;
    if link.file_type().is_symlink() && kind.in_results_folder() {
        return Err(err("it is a symbolic link, and brink writes none in a results folder".into()));
    }
    check(&std::fs::metadata(path).map_err(|e| err(e.to_string()))?)?;
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        // Should the file be swapped for a FIFO after the check, the open does not wait for a
        // writer; the type is checked again on the handle.
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK);
    }
    let f = options.open(path).map_err(|e| err(e.to_string()))?;
    let len = check(&f.metadata().map_err(|e| err(e.to_string()))?)?;
    Ok((f, len))
}

/// Reads a whole file of `kind` (see [`open`]): at most its cap, even if it grows meanwhile.
pub fn read(path: &Path, kind: Kind) -> Result<Vec<u8>, ReadError> {
    let (f, len) = open(path, kind)?;
    let mut bytes = Vec::with_capacity(len as usize);
    f.take(kind.cap().saturating_add(1)).read_to_end(&mut bytes).map_err(|e| ReadError {
        path: path.to_path_buf(),
        kind,
        why: e.to_string(),
    })?;
    if bytes.len() as u64 > kind.cap() {
        return Err(ReadError {
            path: path.to_path_buf(),
            kind,
            why: format!("it grew past the {} bytes {} may have while it was read", kind.cap(), kind.a_noun()),
        });
    }
    Ok(bytes)
}

/// Reads a whole file of `kind` as UTF-8 text.
pub fn read_text(path: &Path, kind: Kind) -> Result<String, ReadError> {
    let bytes = read(path, kind)?;
    String::from_utf8(bytes).map_err(|e| ReadError {
        path: path.to_path_buf(),
        kind,
        why: format!("not UTF-8 text (invalid byte at offset {})", e.utf8_error().valid_up_to()),
    })
}

/// BLAKE3 (hex) of a file of `kind`, read as a stream: memory stays flat whatever its size.
pub fn checksum(path: &Path, kind: Kind) -> Result<String, ReadError> {
    let (f, _) = open(path, kind)?;
    let mut h = blake3::Hasher::new();
    h.update_reader(f.take(kind.cap())).map_err(|e| ReadError {
        path: path.to_path_buf(),
        kind,
        why: e.to_string(),
    })?;
    Ok(h.finalize().to_hex().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_regular_files_within_the_cap_are_read() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("a.toml");
        std::fs::write(&p, "x = 1\n").unwrap();
        assert_eq!(read_text(&p, Kind::Experiment).unwrap(), "x = 1\n");
        let e = read(d.path(), Kind::Experiment).unwrap_err();
        assert!(e.to_string().contains("it is a folder"), "{e}");
        let e = read(Path::new("/dev/zero"), Kind::Experiment).unwrap_err();
        assert!(e.to_string().contains("/dev/zero: cannot read the experiment file: it is a character device"), "{e}");
        let e = read(Path::new(""), Kind::Posterior).unwrap_err();
        assert_eq!(e.to_string(), "\"\": cannot read the posterior: no file name given");
        let big = d.path().join("big.toml");
        std::fs::write(&big, vec![b'#'; (Kind::Experiment.cap() + 1) as usize]).unwrap();
        let e = read(&big, Kind::Experiment).unwrap_err();
        assert!(
            e.to_string().contains("it is 4194305 bytes, more than the 4194304 bytes an experiment file may have"),
            "{e}"
        );
    }

    #[cfg(unix)]
    #[test]
    fn a_link_is_followed_outside_a_results_folder_only() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("a.csv");
        std::fs::write(&p, "x").unwrap();
        let l = d.path().join("l.csv");
        std::os::unix::fs::symlink(&p, &l).unwrap();
        assert!(read(&l, Kind::Posterior).is_ok());
        assert!(read(&l, Kind::Output).unwrap_err().to_string().contains("symbolic link"));
        let z = d.path().join("z.csv");
        std::os::unix::fs::symlink("/dev/zero", &z).unwrap();
        assert!(read(&z, Kind::Posterior).unwrap_err().to_string().contains("character device"));
    }
}
