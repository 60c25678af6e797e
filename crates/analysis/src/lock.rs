//! The lock of a result: `results/<hash>/.lock`, held with `flock` by every process that runs
//! or assembles the result. An unsharded sweep and a merge hold it exclusively, the shards of a
//! sweep share it, so a second sweep of the same experiment waits for the first (and then finds
//! it complete, or resumes what the first left) instead of computing everything twice, and
//! `brink list` tells a running sweep (the lock is held) from an interrupted one (it is not).
//! The kernel releases the lock with the process, however it ends. Where `flock` is not
//! supported, locking succeeds without a lock and nothing counts as running: brink then behaves
//! as before locks existed.

use std::fs::{File, OpenOptions};
use std::path::Path;

/// Name of the lock file in a result's folder.
pub const LOCK: &str = ".lock";

/// A held lock, released when dropped.
#[derive(Debug)]
pub struct ResultLock {
    _file: File,
}

/// How a lock is held.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// Alone: an unsharded sweep, a merge.
    Exclusive,
    /// With others of its kind: the shards of one sweep.
    Shared,
}

fn open(path: &Path) -> std::io::Result<File> {
    OpenOptions::new().create(true).truncate(false).write(true).open(path)
}

/// Takes the lock at `path` if no other process holds it in a conflicting mode; `None` if one
/// does.
pub fn try_lock(path: &Path, mode: Mode) -> std::io::Result<Option<ResultLock>> {
    let f = open(path)?;
    match flock(&f, mode, false) {
        Ok(()) => Ok(Some(ResultLock { _file: f })),
        Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => Ok(None),
        // No flock on this file system: go on unlocked.
        Err(_) => Ok(Some(ResultLock { _file: f })),
    }
}

/// Takes the lock at `path`, waiting for the process that holds it.
pub fn lock(path: &Path, mode: Mode) -> std::io::Result<ResultLock> {
    let f = open(path)?;
    let _ = flock(&f, mode, true);
    Ok(ResultLock { _file: f })
}

/// Whether a process holds the lock at `path` (a sweep, a shard or a merge is running).
pub fn held(path: &Path) -> bool {
    if std::fs::symlink_metadata(path).is_err() {
        return false;
    }
    match brink_sweep::files::open(path, brink_sweep::files::Kind::Output) {
        Ok((f, _)) => matches!(flock(&f, Mode::Exclusive, false), Err(e) if e.kind() == std::io::ErrorKind::WouldBlock),
        Err(_) => false,
    }
}

#[cfg(unix)]
fn flock(f: &File, mode: Mode, wait: bool) -> std::io::Result<()> {
    use std::os::unix::io::AsRawFd;
    let op = match mode {
        Mode::Exclusive => libc::LOCK_EX,
        Mode::Shared => libc::LOCK_SH,
    } | if wait { 0 } else { libc::LOCK_NB };
    loop {
        // SAFETY: flock on a file descriptor that `f` keeps open.
        if unsafe { libc::flock(f.as_raw_fd(), op) } == 0 {
            return Ok(());
        }
        let e = std::io::Error::last_os_error();
        if e.kind() != std::io::ErrorKind::Interrupted {
            return Err(e);
        }
    }
}

#[cfg(not(unix))]
fn flock(_: &File, _: Mode, _: bool) -> std::io::Result<()> {
    Err(std::io::Error::other("no flock"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_share_the_lock_and_a_sweep_waits_for_them() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join(LOCK);
        assert!(!held(&p));
        let a = try_lock(&p, Mode::Shared).unwrap().expect("free");
        let b = try_lock(&p, Mode::Shared).unwrap().expect("shared with another shard");
        assert!(held(&p));
        assert!(try_lock(&p, Mode::Exclusive).unwrap().is_none(), "a sweep must wait for the shards");
        drop((a, b));
        let c = try_lock(&p, Mode::Exclusive).unwrap().expect("free again");
        assert!(try_lock(&p, Mode::Shared).unwrap().is_none());
        drop(c);
        assert!(!held(&p));
    }
}
