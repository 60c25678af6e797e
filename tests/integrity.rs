//! Issue 15, "Integrity v2": every stored byte is verified before it is trusted, every read is
//! bounded. One test (or more) per finding of the issue; each failed before the fix.

use crate::harness::{Dir, MULTIPART, SMALL};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// A complete result of SMALL: its hash and folder.
fn complete(d: &Dir) -> (String, PathBuf) {
    d.write("small.toml", SMALL);
    let r = d.run(&["sweep", "small.toml", "-q"]).ok();
    let hash = r.stdout.split_whitespace().next().unwrap().to_string();
    let dir = d.results().join(&hash);
    (hash, dir)
}

/// Every file and folder under `p`, relative names.
fn walk(p: &Path) -> Vec<String> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(p).into_iter().flatten().flatten() {
        out.push(e.path().display().to_string());
        if e.file_type().is_ok_and(|t| t.is_dir()) {
            out.extend(walk(&e.path()));
        }
    }
    out
}

fn mkfifo(p: &Path) {
    let _ = std::fs::remove_file(p);
    let ok = Command::new("mkfifo").arg(p).status().unwrap().success();
    assert!(ok, "mkfifo {}", p.display());
}

fn link(target: &str, p: &Path) {
    let _ = std::fs::remove_file(p);
    std::os::unix::fs::symlink(target, p).unwrap();
}

/// Runs brink under a 1 GiB address-space limit; it must end within 2 s with `code`, naming
/// `needle` on stderr. Killed (and failed) at the deadline.
fn bounded(d: &Dir, args: &[&str], code: i32, needle: &str) {
    let quoted: Vec<String> = args.iter().map(|a| format!("'{a}'")).collect();
    let mut child = Command::new("sh")
        .arg("-c")
        .arg(format!("ulimit -v 1048576; exec '{}' {}", env!("CARGO_BIN_EXE_brink"), quoted.join(" ")))
        .current_dir(d.path())
        .env_remove("BRINK_RESULTS")
        .env("RAYON_NUM_THREADS", "2")
        .env("POLARS_MAX_THREADS", "2")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let start = Instant::now();
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        if start.elapsed() > Duration::from_secs(2) {
            let _ = child.kill();
            let _ = child.wait();
            panic!("brink {args:?} still ran after 2 s");
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(status.code(), Some(code), "brink {args:?}: {stderr}");
    assert!(stderr.contains(needle), "brink {args:?}: stderr lacks {needle:?}:\n{stderr}");
    assert!(!stderr.contains("panicked") && !stderr.contains("internal error"), "{stderr}");
}

/// Finding 1: a name with control or format characters makes a result that reports, plots,
/// reproduces and merges, sharded or not.
#[test]
fn finding_1_a_result_with_control_and_format_characters_is_usable() {
    let d = Dir::new();
    let text = "[experiment]\nname = \"bell\\u0007 soft\\u00ADhyphen \\\"q\\\" \\\\ \\u200B\"\ndescription = \"tab\\t nul\\u0000 del\\u007F c1\\u0085 bom\\uFEFF\"\nreplications = 3\nhorizon_months = 12\npolicies = [\"containment_transparency\", \"mine\"]\n[policies.mine]\nbase = \"maximum_pressure\"\nsummary = \"line\\u2028sep \\u202Eoverride\"\nrelief = -0.0\n[design]\nsamples = 2\n";
    d.write("odd.toml", text);
    let hash = d.run(&["sweep", "odd.toml"]).ok().hash();
    let cfg = d.results().join(&hash).join("config.toml");
    d.run(&["validate", &cfg.display().to_string()]).ok();
    d.run(&["report", &hash]).ok();
    d.run(&["plot", &hash]).ok();
    d.run(&["reproduce", &hash]).ok();
    // Sharded work assembles.
    let s = Dir::new();
    s.write("odd.toml", text);
    s.run(&["sweep", "odd.toml", "--shard", "0/1"]).ok();
    s.run(&["merge", &hash]).ok();
    assert_eq!(s.checksums(&hash), d.checksums(&hash));
}

/// Finding 2: hostile files (a device, a FIFO, a link to /dev/zero) end within 2 s under a
/// 1 GiB limit, with a message naming the file.
#[test]
fn finding_2_every_read_is_bounded() {
    let d = Dir::new();
    bounded(
        &d,
        &["run", "--config", "/dev/zero", "--policy", "maximum_pressure"],
        2,
        "/dev/zero: cannot read the experiment file: it is a character device",
    );
    bounded(&d, &["validate", "/dev/zero"], 2, "/dev/zero");
    bounded(&d, &["backtest", "--posterior", "/dev/zero"], 2, "/dev/zero: cannot read the posterior");
    mkfifo(&d.path().join("fifo.toml"));
    bounded(&d, &["validate", "fifo.toml"], 2, "fifo.toml: cannot read the experiment file: it is a FIFO");
    bounded(&d, &["sweep", "fifo.toml"], 2, "it is a FIFO");
    let data = d.path().join("data");
    std::fs::create_dir(&data).unwrap();
    for e in std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/data/history")).unwrap().flatten() {
        std::fs::copy(e.path(), data.join(e.file_name())).unwrap();
    }
    mkfifo(&data.join("nuclear_tests.csv"));
    bounded(
        &d,
        &["backtest", "--data", "data", "--reps", "1"],
        2,
        "data/nuclear_tests.csv: cannot read the file of the record: it is a FIFO",
    );
    d.write("withp.toml", "[posterior]\nfile = \"p.csv\"\n");
    link("/dev/zero", &d.path().join("p.csv"));
    bounded(&d, &["validate", "withp.toml"], 2, "p.csv: cannot read the posterior: it is a character device");

    // A results folder: runs.parquet a FIFO, summary.csv or config.toml a link to /dev/zero.
    let (hash, dir) = complete(&d);
    let runs = dir.join("runs.parquet");
    let keep = std::fs::read(&runs).unwrap();
    mkfifo(&runs);
    for cmd in ["show", "plot", "report"] {
        bounded(&d, &[cmd, &hash], 1, "runs.parquet: it is a FIFO");
    }
    bounded(&d, &["sweep", "small.toml"], 1, "runs.parquet: it is a FIFO");
    std::fs::remove_file(&runs).unwrap();
    std::fs::write(&runs, keep).unwrap();
    d.run(&["show", &hash]).ok();
    let summary = dir.join("summary.csv");
    let keep = std::fs::read(&summary).unwrap();
    link("/dev/zero", &summary);
    for cmd in ["show", "plot", "report"] {
        bounded(&d, &[cmd, &hash], 1, "summary.csv: it is a symbolic link");
    }
    bounded(&d, &["sweep", "small.toml"], 1, "summary.csv: it is a symbolic link");
    std::fs::remove_file(&summary).unwrap();
    std::fs::write(&summary, keep).unwrap();
    let config = dir.join("config.toml");
    link("/dev/zero", &config);
    for cmd in ["show", "plot", "report", "reproduce", "merge"] {
        bounded(&d, &[cmd, &hash], 1, "config.toml");
    }
}

/// Finding 3: the manifest's metadata is covered by its checksum; a manifest that leaves a
/// file out is damaged.
#[test]
fn finding_3_an_edited_manifest_is_damaged() {
    let d = Dir::new();
    let (hash, dir) = complete(&d);
    let path = dir.join("manifest.json");
    let good = std::fs::read_to_string(&path).unwrap();
    for (from, to) in [
        ("\"name\": \"small\"", "\"name\": \"forged\""),
        ("\"runs\": 144", "\"runs\": 145"),
        ("\"maximum_pressure\"", "\"forged_policy\""),
    ] {
        let edited = good.replacen(from, to, 1);
        assert_ne!(edited, good, "{from}");
        std::fs::write(&path, &edited).unwrap();
        let r = d.run(&["list"]).ok();
        assert!(r.stdout.contains("damaged") && !r.stdout.contains("forged"), "{}", r.stdout);
        let r = d.run(&["show", &hash]).code(1);
        assert!(r.stderr.contains("manifest.json: damaged") && !r.stdout.contains("forged"), "{}", r.stderr);
        let r = d.run(&["reproduce", &hash]).code(1);
        assert!(!r.stdout.contains("identical"), "{}", r.stdout);
    }
    // Resealed without runs.parquet, and runs.parquet garbage: still damaged.
    let mut m = brink_sweep::manifest::Manifest::from_json(good.as_bytes()).unwrap();
    m.files.remove("runs.parquet");
    std::fs::write(&path, m.to_json()).unwrap();
    std::fs::write(dir.join("runs.parquet"), b"garbage").unwrap();
    let r = d.run(&["show", &hash]).code(1);
    assert!(r.stderr.contains("does not list runs.parquet"), "{}", r.stderr);
    assert!(d.run(&["list"]).ok().stdout.contains("damaged"));
}

/// Finding 4: `sweep` on a complete result verifies it before calling it complete.
#[test]
fn finding_4_sweep_verifies_a_complete_result() {
    let d = Dir::new();
    let (_, dir) = complete(&d);
    let summary = dir.join("summary.csv");
    let good = std::fs::read_to_string(&summary).unwrap();
    std::fs::write(&summary, good.replacen("maximum_pressure,", "tampered_policy,", 1)).unwrap();
    let r = d.run(&["sweep", "small.toml"]).code(1);
    assert!(r.stderr.contains("summary.csv: checksum differs"), "{}", r.stderr);
    assert!(!r.stdout.contains("already complete") && !r.stdout.contains("tampered"), "{}", r.stdout);
    d.run(&["sweep", "small.toml", "-q"]).code(1);
    std::fs::write(&summary, &good).unwrap();
    d.run(&["sweep", "small.toml", "-q"]).ok();
    // A manifest that is a link to another file is not a manifest.
    let manifest = dir.join("manifest.json");
    link("/etc/passwd", &manifest);
    let r = d.run(&["sweep", "small.toml", "-q"]).code(1);
    assert!(r.stderr.contains("manifest.json") && r.stdout.is_empty(), "{}{}", r.stdout, r.stderr);
    d.run(&["merge", &dir.file_name().unwrap().to_string_lossy()]).code(1);
}

/// Finding 5: a part carries its identity and checksums; a damaged part is named, moved
/// aside and run again; the result is the same as an undamaged one.
#[test]
fn finding_5_damaged_parts_are_named_moved_aside_and_run_again() {
    let clean = Dir::new();
    clean.write("m.toml", MULTIPART);
    let hash = clean.run(&["sweep", "m.toml"]).ok().hash();
    let want = clean.checksums(&hash);

    let d = Dir::new();
    d.write("m.toml", MULTIPART);
    d.run(&["sweep", "m.toml", "--shard", "0/1"]).ok();
    let parts = d.results().join(&hash).join("parts");
    // Part 2 copied over part 1 (every file of it): its record names part 2.
    for ext in ["parquet", "monthly", "json"] {
        std::fs::copy(parts.join(format!("part-000002.{ext}")), parts.join(format!("part-000001.{ext}"))).unwrap();
    }
    let r = d.run(&["merge", &hash]).code(1);
    assert!(r.stderr.contains("part 1: its record says part 2") && r.stderr.contains("moved aside"), "{}", r.stderr);
    assert!(!d.results().join(&hash).join("manifest.json").exists());
    let r = d.run(&["list"]).ok();
    assert!(
        r.stdout.contains("incomplete, interrupted (2 of 3 parts on disk; `brink sweep` resumes it)"),
        "{}",
        r.stdout
    );
    d.run(&["sweep", "m.toml"]).ok();
    assert_eq!(d.checksums(&hash), want);

    // Only the rows of part 1 replaced by those of part 2, or truncated: one sweep repairs it.
    for damage in ["copy", "truncate"] {
        let d = Dir::new();
        d.write("m.toml", MULTIPART);
        d.run(&["sweep", "m.toml", "--shard", "0/1"]).ok();
        let p1 = parts_of(&d, &hash).join("part-000001.parquet");
        match damage {
            "copy" => {
                std::fs::copy(parts_of(&d, &hash).join("part-000002.parquet"), &p1).unwrap();
            }
            _ => {
                let b = std::fs::read(&p1).unwrap();
                std::fs::write(&p1, &b[..b.len() / 2]).unwrap();
            }
        }
        let r = d.run(&["sweep", "m.toml"]).ok();
        assert!(r.stderr.contains("part 1: its rows differ from the checksum in its record"), "{damage}: {}", r.stderr);
        assert_eq!(d.checksums(&hash), want, "{damage}");
    }
}

/// Finding 5, the other half: `list` says "`brink sweep` resumes it" only when it would.
#[test]
fn finding_5_list_says_when_sweep_cannot_resume() {
    let d = Dir::new();
    d.write("m.toml", MULTIPART);
    let r = d.run(&["sweep", "m.toml", "--shard", "0/3"]).ok();
    let hash = r.stdout.split_whitespace().skip_while(|w| *w != "result").nth(1).unwrap().to_string();
    assert!(d.run(&["list"]).ok().stdout.contains("`brink sweep` resumes it"));
    // Its stored config of another model version (here: edited): a sweep of m.toml goes elsewhere.
    let cfg = d.results().join(&hash).join("config.toml");
    let text = std::fs::read_to_string(&cfg).unwrap();
    std::fs::write(&cfg, text.replace("replications = 2600", "replications = 2601")).unwrap();
    let r = d.run(&["list"]).ok();
    assert!(r.stdout.contains("`brink sweep` cannot resume it: its config.toml hashes to"), "{}", r.stdout);
    assert!(!r.stdout.contains("`brink sweep` resumes it"), "{}", r.stdout);
}

fn parts_of(d: &Dir, hash: &str) -> PathBuf {
    d.results().join(hash).join("parts")
}

/// Finding 6: a 100,000-entry policy list is refused in linear time, the list printed capped.
#[test]
fn finding_6_problems_are_collected_in_linear_time_and_capped() {
    let d = Dir::new();
    let list = vec!["\"x\""; 100_000].join(",");
    d.write("big.toml", &format!("[experiment]\npolicies = [{list}]\n"));
    let start = Instant::now();
    let r = d.run(&["validate", "big.toml"]).code(2);
    let took = start.elapsed();
    assert!(took < Duration::from_secs(3), "took {took:?}");
    assert!(r.stderr.contains("100000 problems") && r.stderr.contains("... and 99950 more"), "{}", &r.stderr[..500]);
    assert!(r.stderr.lines().count() <= 55, "{} lines", r.stderr.lines().count());
}

/// Finding 7: temporaries are owned; three concurrent sweeps leave none, and any later command
/// clears orphans (on a complete result too) but not those of a live process.
#[test]
fn finding_7_temporaries_are_owned_and_orphans_cleared() {
    let d = Dir::new();
    d.write("m.toml", MULTIPART);
    let spawn = || d.command(&["sweep", "m.toml", "--threads", "1", "-q"]).stdout(Stdio::piped()).spawn().unwrap();
    let children = [spawn(), spawn(), spawn()];
    let mut hash = String::new();
    for c in children {
        let out = c.wait_with_output().unwrap();
        assert!(out.status.success());
        hash = String::from_utf8_lossy(&out.stdout).split_whitespace().next().unwrap().to_string();
    }
    let left: Vec<String> =
        walk(&d.results()).into_iter().filter(|p| p.contains(".tmp-") || p.contains("/.owners/")).collect();
    assert!(left.is_empty(), "{left:?}");
    d.run(&["show", &hash]).ok();

    // Orphans planted in a complete result (as a kill -9 leaves them), and one of a live owner.
    let dir = d.results().join(&hash);
    let orphans = [
        dir.join(".runs.parquet.tmp-4242x00000000-0"),
        dir.join("charts/.risk_by_policy.png.tmp-4242x00000000-3.png"),
        dir.join(".summary.csv.tmp-4243-0"),
    ];
    for o in &orphans {
        std::fs::write(o, b"left by a killed process").unwrap();
    }
    let scratch = d.results().join(format!(".reproduce-{hash}.tmp-4242x00000000"));
    std::fs::create_dir_all(scratch.join(&hash).join("parts")).unwrap();
    let owners = d.results().join(".owners");
    std::fs::create_dir_all(&owners).unwrap();
    std::fs::write(owners.join("4244x00000000"), b"").unwrap();
    let live = dir.join(".monthly.parquet.tmp-4244x00000000-0");
    std::fs::write(&live, b"being written").unwrap();
    // flock(1) holds the lock itself (-o: not passed on to its command), as a live brink would.
    let mut holder =
        Command::new("flock").arg("-o").arg(owners.join("4244x00000000")).args(["sleep", "30"]).spawn().unwrap();
    std::thread::sleep(Duration::from_millis(200));
    d.run(&["list"]).ok();
    for o in orphans.iter().chain([&scratch]) {
        assert!(!o.exists(), "{} was not cleared", o.display());
    }
    assert!(live.exists(), "the temporary of a live process was removed");
    let _ = holder.kill();
    let _ = holder.wait();
    d.run(&["show", &hash]).ok();
    assert!(!live.exists(), "an orphan once its owner ended");
    assert!(!owners.join("4244x00000000").exists());
}

/// Finding 8: settings that were silently accepted are refused (the corpus has a file for
/// each; the one that needs a posterior file beside the experiment is here).
#[test]
fn finding_8_an_election_switch_column_needs_switch_to() {
    let d = Dir::new();
    d.write("p.csv", "draw,distance,election_switch,missile_rate\n0,0.1,0.4,2\n1,0.2,0.0,3\n");
    d.write("e.toml", "[posterior]\nfile = \"p.csv\"\n");
    let r = d.run(&["validate", "e.toml"]).code(2);
    assert!(
        r.stderr.contains("e.toml:2:8: posterior.file: the posterior draws election_switch (up to 0.4), which needs [election] switch_to"),
        "{}",
        r.stderr
    );
    d.write("ok.toml", "[posterior]\nfile = \"p.csv\"\n[election]\nswitch_to = \"maximum_pressure\"\n");
    d.run(&["validate", "ok.toml"]).ok();
    d.write("no.toml", "[posterior]\nfile = \"p.csv\"\nparams = [\"missile_rate\"]\n");
    d.run(&["validate", "no.toml"]).ok();
}

/// Finding 9: the messages that misled (the corpus has the experiment-file ones).
#[test]
fn finding_9_messages_say_what_is_true() {
    let d = Dir::new();
    let (hash, dir) = complete(&d);
    // `show ""` with a single result does not open it.
    let r = d.run(&["show", ""]).code(2);
    assert!(r.stderr.contains("an empty prefix matches every result") && !r.stdout.contains(&hash), "{}", r.stderr);
    // A chart that cannot be written: "cannot draw the chart" once, after the chart's own path.
    let survival = dir.join("charts/survival.png");
    std::fs::remove_file(&survival).unwrap();
    std::fs::create_dir_all(survival.join("x")).unwrap();
    let r = d.run(&["plot", &hash]).code(1);
    assert!(r.stderr.starts_with(&format!("brink: results/{hash}/charts/survival.png: ")), "{}", r.stderr);
    assert!(!r.stderr.contains(&format!("results/{hash}: cannot draw the chart")), "{}", r.stderr);
}
