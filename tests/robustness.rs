//! Hostile input: a corpus of bad experiment files, broken results folders, a read-only folder
//! and a full disk. Every case must end with the documented exit code, a message that says
//! where and what, no panic, and nothing that looks complete.

use crate::harness::Dir;
use std::path::{Path, PathBuf};

const SMALL: &str = "[experiment]\nreplications = 6\nhorizon_months = 36\n[design]\nsamples = 4\n";

fn corpus(dir: &str) -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus").join(dir);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&root).unwrap().flatten().map(|e| e.path()).collect();
    files.sort();
    files
}

/// Each file's first lines say what stderr must contain (`# expect: ...`, `# also: ...`) and
/// may say what it must not (`# not: ...`, e.g. a knock-on error of the real one).
#[test]
fn every_bad_experiment_file_exits_2_with_a_located_message() {
    let files = corpus("bad");
    assert!(files.len() >= 40, "the corpus has {} files", files.len());
    let d = Dir::new();
    for f in &files {
        let name = f.file_name().unwrap().to_str().unwrap();
        std::fs::copy(f, d.path().join(name)).unwrap();
        let bytes = std::fs::read(f).unwrap();
        let head = String::from_utf8_lossy(&bytes[..bytes.len().min(600)]).to_string();
        let want: Vec<&str> = head
            .lines()
            .take(2)
            .filter_map(|l| l.strip_prefix("# expect: ").or_else(|| l.strip_prefix("# also: ")))
            .collect();
        let refuse: Vec<&str> = head.lines().take(4).filter_map(|l| l.strip_prefix("# not: ")).collect();
        assert!(!want.is_empty(), "{name}: no `# expect:` line");
        for cmd in ["validate", "sweep"] {
            let r = d.run(&[cmd, name]);
            assert_eq!(r.code, 2, "{cmd} {name}: exit {}\n{}", r.code, r.stderr);
            for w in &want {
                assert!(r.stderr.contains(w), "{cmd} {name}: stderr lacks {w:?}:\n{}", r.stderr);
            }
            for no in &refuse {
                assert!(!r.stderr.contains(no), "{cmd} {name}: stderr has {no:?}:\n{}", r.stderr);
            }
            for bad in ["panicked", "internal error", "RUST_BACKTRACE"] {
                assert!(!r.stderr.contains(bad), "{cmd} {name}: {bad}\n{}", r.stderr);
            }
        }
    }
    assert!(!d.results().exists(), "bad input wrote results");
}

/// Inputs that once crashed a fuzz target (tests/corpus/fuzz-regressions/): still no panic.
#[test]
fn fuzz_regressions_do_not_panic() {
    let d = Dir::new();
    for f in corpus("fuzz-regressions") {
        let name = f.file_name().unwrap().to_str().unwrap().to_string();
        if !name.ends_with(".toml") {
            continue;
        }
        std::fs::copy(&f, d.path().join(&name)).unwrap();
        let r = d.run(&["validate", &name]);
        assert!(r.code == 0 || r.code == 2, "{name}: exit {}\n{}", r.code, r.stderr);
        assert!(!r.stderr.contains("panicked") && !r.stderr.contains("internal error"), "{name}\n{}", r.stderr);
    }
}

#[test]
fn absurd_sizes_are_refused_before_anything_is_built() {
    let d = Dir::new();
    // 10^12 runs: refused with an estimate of time and disk, unless forced.
    d.write("huge.toml", "[experiment]\nreplications = 1000000000\n[design]\nsamples = 1000\n");
    let r = d.run(&["sweep", "huge.toml"]).code(2);
    assert!(r.stderr.contains("core-hours") && r.stderr.contains("GB of results") && r.stderr.contains("--force"));
    // A design too large for memory is refused even when forced (a grid of 20^7 points).
    d.write("grid.toml", "[design]\nmethod = \"grid\"\nlevels = 20\n");
    let r = d.run(&["sweep", "grid.toml", "--force"]).code(2);
    assert!(r.stderr.contains("more than brink holds in memory") && r.stderr.contains("design.levels"), "{}", r.stderr);
    assert!(!d.results().exists());
    d.run(&["sweep", "--threads", "100000"]).code(2);
    d.run(&["sweep", "--missing", "--shards", "18446744073709551615"]).code(2);
}

#[test]
fn hash_prefixes_unknown_ambiguous_or_malformed_exit_2() {
    let d = Dir::new();
    d.write("a.toml", SMALL);
    d.write("b.toml", &SMALL.replace("replications = 6", "replications = 5"));
    d.run(&["sweep", "a.toml", "-q"]).ok();
    d.run(&["sweep", "b.toml", "-q"]).ok();
    for bad in ["zzzz", "../..", "00000000000000000000"] {
        let r = d.run(&["show", bad]).code(2);
        assert!(r.stderr.contains("no complete result matches"), "{bad}: {}", r.stderr);
    }
    let r = d.run(&["show", ""]).code(2);
    assert!(r.stderr.contains("an empty prefix matches every result"), "{}", r.stderr);
    let r = d.run(&["show", "0"]).code(2);
    assert!(r.stderr.contains("ambiguous") || r.stderr.contains("no complete result matches"), "{}", r.stderr);
    d.run(&["plot", "zzzz"]).code(2);
    d.run(&["reproduce", "zzzz"]).code(2);
    d.run(&["merge", "zzzz"]).code(2);
}

fn result(d: &Dir) -> (String, PathBuf) {
    d.write("small.toml", SMALL);
    let r = d.run(&["sweep", "small.toml", "-q"]).ok();
    let hash = r.stdout.split_whitespace().next().unwrap().to_string();
    let dir = d.results().join(&hash);
    (hash, dir)
}

#[test]
fn damaged_results_folders_are_named_damaged_not_shown() {
    let d = Dir::new();
    let (hash, dir) = result(&d);
    // Tampered output: show and reproduce fail with exit 1 naming the file.
    let summary = dir.join("summary.csv");
    let good = std::fs::read(&summary).unwrap();
    std::fs::write(&summary, b"policy,nonsense\nx,NaN\n").unwrap();
    let r = d.run(&["show", &hash[..6]]).code(1);
    assert!(r.stderr.contains("summary.csv"), "{}", r.stderr);
    assert!(!r.stdout.contains("NaN"), "a tampered table was printed:\n{}", r.stdout);
    std::fs::write(&summary, &good).unwrap();
    d.run(&["show", &hash[..6]]).ok();
    // A truncated parquet file.
    let runs = dir.join("runs.parquet");
    let bytes = std::fs::read(&runs).unwrap();
    std::fs::write(&runs, &bytes[..bytes.len() / 2]).unwrap();
    let r = d.run(&["show", &hash]).code(1);
    assert!(r.stderr.contains("runs.parquet"), "{}", r.stderr);
    let r = d.run(&["plot", &hash]).code(1);
    assert!(r.stderr.contains("runs.parquet"), "{}", r.stderr);
    std::fs::write(&runs, &bytes).unwrap();
    // A manifest that is not JSON: the result is damaged, and says so.
    let manifest = dir.join("manifest.json");
    let m = std::fs::read(&manifest).unwrap();
    std::fs::write(&manifest, b"{ not json").unwrap();
    let r = d.run(&["show", &hash]).code(1);
    assert!(r.stderr.contains("manifest.json") && r.stderr.contains("damaged"), "{}", r.stderr);
    let r = d.run(&["list"]).ok();
    assert!(r.stdout.contains("damaged"), "{}", r.stdout);
    // A manifest naming a file outside the folder is refused, not followed.
    let text = String::from_utf8(m.clone()).unwrap().replacen("\"config.toml\"", "\"../../outside\"", 1);
    std::fs::write(&manifest, text).unwrap();
    let r = d.run(&["show", &hash]).code(1);
    assert!(r.stderr.contains("damaged") && r.stderr.contains("../../outside"), "{}", r.stderr);
    std::fs::write(&manifest, &m).unwrap();
    d.run(&["show", &hash]).ok();
}

/// The sweep is killed part-way by a file-size limit (a full disk, as far as write(2) can
/// tell): a clear error, no manifest, and a later run completes with the same bytes.
#[test]
fn a_full_disk_fails_cleanly_and_the_sweep_resumes() {
    let clean = Dir::new();
    let (hash, _) = result(&clean);
    let sums = clean.checksums(&hash);

    // Limits (in 512-byte blocks) that stop it while writing the posterior copy, a chart, and
    // the largest chart.
    for limit in [64, 400, 1000] {
        let d = Dir::new();
        d.write("small.toml", SMALL);
        let out = std::process::Command::new("sh")
            .arg("-c")
            // Ignore SIGXFSZ so that writes past the limit fail with EFBIG instead of killing us.
            .arg(format!("trap '' XFSZ; ulimit -f {limit}; exec '{}' sweep small.toml", env!("CARGO_BIN_EXE_brink")))
            .current_dir(d.path())
            .env_remove("BRINK_RESULTS")
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "limit {limit}: {stderr}");
        assert!(stderr.contains("File too large (os error 27)"), "limit {limit}: {stderr}");
        assert!(!stderr.contains("panicked") && !stderr.contains("Custom {"), "limit {limit}: {stderr}");
        let dir = d.results().join(&hash);
        assert!(!dir.join("manifest.json").exists(), "limit {limit}: a failed sweep left a manifest");
        let listing = d.run(&["list"]).ok().stdout;
        assert!(listing.contains("incomplete"), "{listing}");
        d.run(&["show", &hash]).code(2);
        // Resume without the limit: the same bytes as a clean run, and no temporaries left.
        d.run(&["sweep", "small.toml", "-q"]).ok();
        assert_eq!(d.checksums(&hash), sums, "limit {limit}");
        let leftovers: Vec<String> = walk(&dir)
            .into_iter()
            .filter(|p| Path::new(p).file_name().is_some_and(|n| n.to_string_lossy().contains(".tmp-")))
            .collect();
        assert!(leftovers.is_empty(), "limit {limit}: {leftovers:?}");
    }
}

fn walk(p: &Path) -> Vec<String> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(p).into_iter().flatten().flatten() {
        if e.path().is_dir() {
            out.extend(walk(&e.path()));
        } else {
            out.push(e.path().display().to_string());
        }
    }
    out
}

/// A results folder the user cannot write to: exit 1 naming the folder. As root, permissions
/// do not bind, so the sweep runs as `nobody` through setpriv where that exists.
#[test]
fn a_read_only_results_folder_fails_cleanly() {
    let d = Dir::new();
    d.write("small.toml", SMALL);
    std::fs::create_dir(d.results()).unwrap();
    let is_root = std::process::Command::new("id").arg("-u").output().map(|o| o.stdout == b"0\n").unwrap_or(false);
    let mut cmd = if is_root {
        use std::os::unix::fs::PermissionsExt;
        for p in [d.path().to_path_buf(), d.path().join("small.toml")] {
            std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o755)).unwrap();
        }
        let mut c = std::process::Command::new("setpriv");
        c.args(["--reuid=65534", "--regid=65534", "--clear-groups", env!("CARGO_BIN_EXE_brink")]);
        c
    } else {
        std::process::Command::new(env!("CARGO_BIN_EXE_brink"))
    };
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(d.results(), std::fs::Permissions::from_mode(0o555)).unwrap();
    }
    let out = cmd.args(["sweep", "small.toml"]).current_dir(d.path()).env_remove("BRINK_RESULTS").output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("Permission denied") && stderr.contains("results"), "{stderr}");
    assert!(std::fs::read_dir(d.results()).unwrap().next().is_none());
    // A results path that is a file.
    let d2 = Dir::new();
    d2.write("small.toml", SMALL);
    d2.write("results", "not a folder");
    let r = d2.run(&["sweep", "small.toml"]).code(1);
    assert!(r.stderr.contains("results"), "{}", r.stderr);
}

#[test]
fn empty_shards_and_misspelled_policies_say_what_happened() {
    let d = Dir::new();
    d.write("small.toml", SMALL);
    // One part in all: shard 3 of 8 has nothing to do, and says so.
    let r = d.run(&["sweep", "small.toml", "--shard", "3/8"]).ok();
    assert!(r.stdout.contains("has no runs: the experiment has 1 part, fewer than 8 shards"), "{}", r.stdout);
    // `run --config` knows the file's own policies and suggests the nearest name.
    let cfg = concat!(env!("CARGO_MANIFEST_DIR"), "/configs/my_policy.toml");
    let text = std::fs::read_to_string(cfg).unwrap();
    let name = text.lines().find_map(|l| l.strip_prefix("[policies.")).and_then(|l| l.strip_suffix(']')).unwrap();
    let typo = format!("{}x", &name[..name.len() - 1]);
    let r = d.run(&["run", "--config", cfg, "--policy", &typo, "--months", "2"]).code(2);
    assert!(r.stderr.contains(&format!("did you mean `{name}`")), "{}", r.stderr);
}
