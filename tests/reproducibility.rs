//! Same config, same bytes: whatever the thread count, shard split or interruption.

use crate::harness::{Dir, MULTIPART, SMALL};

#[test]
fn thread_count_does_not_change_a_byte() {
    let (a, b) = (Dir::new(), Dir::new());
    a.write("s.toml", SMALL);
    b.write("s.toml", SMALL);
    let ha = a.run(&["sweep", "s.toml", "--threads", "1"]).ok().hash();
    let mut c = b.command(&["sweep", "s.toml"]);
    c.env("RAYON_NUM_THREADS", "3");
    let out = c.output().unwrap();
    assert!(out.status.success());
    assert_eq!(a.checksums(&ha), b.checksums(&ha));
    let threads = |d: &Dir| -> u64 {
        let v: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(d.results().join(&ha).join("manifest.json")).unwrap())
                .unwrap();
        v["threads"].as_u64().unwrap()
    };
    assert_eq!((threads(&a), threads(&b)), (1, 3));
}

#[test]
fn shards_merge_to_the_unsharded_bytes() {
    let (whole, split) = (Dir::new(), Dir::new());
    whole.write("m.toml", MULTIPART);
    split.write("m.toml", MULTIPART);
    let h = whole.run(&["sweep", "m.toml"]).ok().hash();
    for i in [2, 0, 1] {
        split.run(&["sweep", "m.toml", "--shard", &format!("{i}/3"), "--threads", "1"]).ok();
    }
    split.run(&["merge", &h[..8]]).ok();
    assert_eq!(whole.checksums(&h), split.checksums(&h));
}

#[test]
fn a_killed_sweep_resumes_to_identical_bytes() {
    let reference = Dir::new();
    reference.write("m.toml", MULTIPART);
    let h = reference.run(&["sweep", "m.toml"]).ok().hash();
    let want = reference.checksums(&h);
    // Kill at several points (fixed delays, not the clock's whim), resume each time.
    let d = Dir::new();
    d.write("m.toml", MULTIPART);
    for delay_ms in [5u64, 60, 150, 400] {
        let mut child = d
            .command(&["sweep", "m.toml", "--threads", "1"])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(std::time::Duration::from_millis(delay_ms));
        let _ = child.kill(); // SIGKILL: no chance to clean up
        let _ = child.wait();
    }
    d.run(&["sweep", "m.toml"]).ok();
    assert_eq!(d.checksums(&h), want);
    d.run(&["reproduce", &h]).ok();
}

#[test]
fn two_sweeps_of_one_experiment_at_once_do_not_corrupt_each_other() {
    let d = Dir::new();
    d.write("m.toml", MULTIPART);
    let spawn =
        || d.command(&["sweep", "m.toml", "--threads", "1"]).stdout(std::process::Stdio::piped()).spawn().unwrap();
    let (a, b) = (spawn(), spawn());
    let (oa, ob) = (a.wait_with_output().unwrap(), b.wait_with_output().unwrap());
    assert!(oa.status.success() && ob.status.success());
    let h = String::from_utf8_lossy(&oa.stdout)
        .split_whitespace()
        .skip_while(|w| *w != "result")
        .nth(1)
        .unwrap()
        .to_string();
    d.run(&["show", &h]).ok();
    d.run(&["reproduce", &h]).ok();
}

#[test]
fn reproduce_detects_a_tampered_file() {
    let d = Dir::new();
    d.write("s.toml", SMALL);
    let h = d.run(&["sweep", "s.toml"]).ok().hash();
    let r = d.run(&["reproduce", &h[..7]]).ok();
    assert!(r.stdout.contains("identical"), "{}", r.stdout);
    let summary = d.results().join(&h).join("summary.csv");
    let mut text = std::fs::read_to_string(&summary).unwrap();
    text = text.replacen("0.", "1.", 1);
    std::fs::write(&summary, text).unwrap();
    let r = d.run(&["reproduce", &h]).code(1);
    assert!(r.stderr.contains("summary.csv: checksum differs from the manifest"), "{}", r.stderr);
    d.run(&["show", &h]).code(1);
}
