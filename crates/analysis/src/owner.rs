//! Temporary files and folders, owned by the process that made them.
//!
//! A process that writes under a results folder first takes a tag (`<pid>x<nonce>`) and holds an
//! exclusive lock on `<results>/.owners/<tag>` for as long as it lives. Every temporary it makes
//! carries the tag in its name (`.<name>.tmp-<tag>...`), so any later command can tell a
//! temporary of a live process (its owner file is locked) from an orphan left by a killed one
//! (the owner file is gone or no longer locked), and clears the orphans ([`clear_orphans`]).
//! The lock is held by the kernel, so it goes with the process, however it ends; the lock
//! works across the nodes of a cluster on a shared file system that supports `flock`. Where
//! `flock` is not supported, every owner counts as alive: temporaries are then never cleared by
//! another process (as before owners existed), and nothing else changes.

use std::fs::{self, File};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// Folder of the owner files, inside the results folder.
pub const OWNERS: &str = ".owners";

struct Owner {
    tag: String,
    path: PathBuf,
    _lock: File,
}

static OWNER: OnceLock<Owner> = OnceLock::new();

fn new_tag() -> String {
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or(0);
    let h = blake3::hash(format!("{}:{nanos}:{:p}", std::process::id(), &OWNER).as_bytes());
    format!("{}x{}", std::process::id(), &h.to_hex()[..8])
}

/// Takes ownership of temporaries under the results folder `root`: creates and locks this
/// process's owner file (once per process) and returns its tag.
pub fn own(root: &Path) -> std::io::Result<&'static str> {
    if let Some(o) = OWNER.get() {
        return Ok(&o.tag);
    }
    let dir = root.join(OWNERS);
    fs::create_dir_all(&dir)?;
    let tag = new_tag();
    // Locked under a name no scanner considers, then renamed into place: an owner file is
    // never seen unlocked while its process lives.
    let path = dir.join(&tag);
    let staging = dir.join(format!(".{tag}"));
    let f = File::create(&staging)?;
    // A file system without flock: carry on; others then count this owner as alive for ever.
    let _ = lock(&f, true);
    fs::rename(&staging, &path)?;
    let _ = OWNER.set(Owner { tag, path, _lock: f });
    Ok(&OWNER.get().expect("set above").tag)
}

/// This process's tag, if it owns temporaries; else a tag of its process id alone (whose
/// temporaries any other process treats as orphans: only for files outside a results folder).
pub fn tag() -> String {
    OWNER.get().map(|o| o.tag.clone()).unwrap_or_else(|| format!("{}x0", std::process::id()))
}

/// Removes this process's owner file (at exit; the lock goes with the process anyway).
pub fn release() {
    if let Some(o) = OWNER.get() {
        let _ = fs::remove_file(&o.path);
    }
}

/// The owner tag in the name of a temporary, or `None` if the name is not one of a temporary.
/// Temporaries are hidden names with `.tmp-<tag>`; `.reproduce-...` folders of older versions
/// count as temporaries without a live owner.
pub fn temporary_tag(name: &str) -> Option<&str> {
    if !name.starts_with('.') {
        return None;
    }
    if let Some(i) = name.find(".tmp-") {
        let rest = &name[i + 5..];
        let end = rest.find(|c: char| !c.is_ascii_alphanumeric()).unwrap_or(rest.len());
        return Some(&rest[..end]);
    }
    name.starts_with(".reproduce-").then_some("")
}

/// Whether the process that owns `tag` still lives (holds the lock on its owner file, or the
/// lock cannot be tried).
fn alive(root: &Path, tag: &str) -> bool {
    if OWNER.get().is_some_and(|o| o.tag == tag) {
        return true;
    }
    if tag.is_empty() {
        return false;
    }
    // Opened like every file brink reads: a FIFO put in its place cannot block the check.
    match brink_sweep::files::open(&root.join(OWNERS).join(tag), brink_sweep::files::Kind::Output) {
        Ok((f, _)) => lock(&f, false).is_err(),
        Err(_) => false,
    }
}

/// Removes, in `dir`, the temporaries (files or folders) whose owner no longer lives, and, in
/// the owner folder, the owner files of processes that ended without removing theirs. Errors
/// are ignored: another process may be clearing the same orphans.
pub fn clear_orphans(root: &Path, dir: &Path) {
    let Ok(rd) = fs::read_dir(dir) else { return };
    for e in rd.flatten() {
        let name = e.file_name().to_string_lossy().to_string();
        let Some(tag) = temporary_tag(&name) else { continue };
        if alive(root, tag) {
            continue;
        }
        let p = e.path();
        let _ = match e.file_type() {
            Ok(t) if t.is_dir() => fs::remove_dir_all(&p),
            _ => fs::remove_file(&p),
        };
    }
    if dir == root {
        if let Ok(rd) = fs::read_dir(root.join(OWNERS)) {
            for e in rd.flatten() {
                let name = e.file_name().to_string_lossy().to_string();
                if !name.starts_with('.') && !alive(root, &name) {
                    let _ = fs::remove_file(e.path());
                }
            }
        }
    }
}

#[cfg(unix)]
fn lock(f: &File, wait: bool) -> std::io::Result<()> {
    use std::os::unix::io::AsRawFd;
    let op = if wait { libc::LOCK_EX } else { libc::LOCK_EX | libc::LOCK_NB };
    // SAFETY: flock on a file descriptor that `f` keeps open.
    if unsafe { libc::flock(f.as_raw_fd(), op) } == 0 {
        Ok(())
    } else {
        Err(std::io::Error::last_os_error())
    }
}

#[cfg(not(unix))]
fn lock(_: &File, wait: bool) -> std::io::Result<()> {
    // Without flock, every owner counts as alive: temporaries are never cleared by others.
    if wait {
        Ok(())
    } else {
        Err(std::io::Error::other("no flock"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_are_read_from_temporary_names() {
        assert_eq!(temporary_tag(".runs.parquet.tmp-123x9f3a2b1c"), Some("123x9f3a2b1c"));
        assert_eq!(temporary_tag(".risk.png.tmp-123x9f3a2b1c.png"), Some("123x9f3a2b1c"));
        assert_eq!(temporary_tag(".summary.csv.tmp-4567-3"), Some("4567"));
        assert_eq!(temporary_tag(".reproduce-0123456789abcdef.tmp-9x1"), Some("9x1"));
        assert_eq!(temporary_tag(".reproduce-0123456789abcdef-4242"), Some(""));
        assert_eq!(temporary_tag("summary.csv"), None);
        assert_eq!(temporary_tag(".owners"), None);
    }

    #[test]
    fn orphans_go_and_the_temporaries_of_a_live_owner_stay() {
        let d = tempfile::tempdir().unwrap();
        let root = d.path();
        let tag = own(root).unwrap().to_string();
        fs::write(root.join(format!(".a.tmp-{tag}-0")), b"mine").unwrap();
        fs::write(root.join(".b.tmp-999x00000000-0"), b"orphan").unwrap();
        fs::create_dir_all(root.join(".reproduce-0123456789abcdef.tmp-999x00000000/x")).unwrap();
        // A dead owner's file, no longer locked.
        fs::write(root.join(OWNERS).join("998x00000000"), b"").unwrap();
        fs::write(root.join(".c.tmp-998x00000000"), b"orphan").unwrap();
        // A live owner: another open file description holding the lock.
        fs::write(root.join(OWNERS).join("997x00000000"), b"").unwrap();
        let live = File::open(root.join(OWNERS).join("997x00000000")).unwrap();
        lock(&live, true).unwrap();
        fs::write(root.join(".d.tmp-997x00000000"), b"live").unwrap();
        clear_orphans(root, root);
        let mut left: Vec<String> =
            fs::read_dir(root).unwrap().flatten().map(|e| e.file_name().to_string_lossy().to_string()).collect();
        left.sort();
        assert_eq!(left, vec![format!(".a.tmp-{tag}-0"), ".d.tmp-997x00000000".to_string(), OWNERS.to_string()]);
        assert!(!root.join(OWNERS).join("998x00000000").exists());
        assert!(root.join(OWNERS).join("997x00000000").exists());
    }
}
