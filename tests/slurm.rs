//! The logic of scripts/slurm/submit.sh, against stand-ins for sbatch, squeue and scontrol that
//! record what they are asked (CI runs the real thing on a one-node cluster: ci-test.sh).

use crate::harness::{Dir, MULTIPART};
use std::path::Path;

/// Stand-ins on PATH: sbatch prints job ids 100, 101, ... and logs its arguments; squeue prints
/// the jobs of `queue` (lines "NAME ID STATE") whose name matches --name; scontrol logs.
fn fake_slurm(d: &Dir) -> std::path::PathBuf {
    let bin = d.path().join("bin");
    std::fs::create_dir(&bin).unwrap();
    let scripts = [
        (
            "sbatch",
            "#!/usr/bin/env bash\nn=$(cat \"$FAKE/next\" 2>/dev/null || echo 100)\necho $((n + 1)) > \"$FAKE/next\"\necho \"sbatch $*\" >> \"$FAKE/log\"\necho $n\n",
        ),
        (
            "squeue",
            "#!/usr/bin/env bash\nname=\nfor a in \"$@\"; do case $a in --name=*) name=${a#--name=};; esac; done\n[ -f \"$FAKE/queue\" ] && awk -v n=\"$name\" '$1 == n {print $2, $3}' \"$FAKE/queue\"\ntrue\n",
        ),
        ("scontrol", "#!/usr/bin/env bash\necho \"scontrol $*\" >> \"$FAKE/log\"\n"),
    ];
    for (name, text) in scripts {
        let p = bin.join(name);
        std::fs::write(&p, text).unwrap();
        std::process::Command::new("chmod").arg("+x").arg(&p).status().unwrap();
    }
    bin
}

fn submit(d: &Dir, bin: &Path, args: &[&str]) -> (i32, String, String) {
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/scripts/slurm/submit.sh");
    let path = format!("{}:{}", bin.display(), std::env::var("PATH").unwrap_or_default());
    let out = std::process::Command::new("bash")
        .arg(script)
        .args(args)
        .current_dir(d.path())
        .env("PATH", path)
        .env("FAKE", d.path())
        .env("BRINK", env!("CARGO_BIN_EXE_brink"))
        .env("BRINK_RESULTS", d.results())
        .output()
        .unwrap();
    let s = |b: &[u8]| String::from_utf8_lossy(b).to_string();
    (out.status.code().unwrap_or(-1), s(&out.stdout), s(&out.stderr))
}

fn log(d: &Dir) -> String {
    std::fs::read_to_string(d.path().join("log")).unwrap_or_default()
}

#[test]
fn submit_splits_options_waits_with_afterany_and_never_queues_a_second_merge() {
    let d = Dir::new();
    d.write("m.toml", MULTIPART);
    let bin = fake_slurm(&d);
    let (code, out, err) = submit(&d, &bin, &["m.toml", "3", "--time=00:05:00", "--mem=512M", "--", "--mem=1G"]);
    assert_eq!(code, 0, "{err}");
    let hash = out.split_whitespace().nth(5).unwrap().to_string();
    assert_eq!(out.trim(), format!("array 100 merge 101 hash {hash}"));
    let lines: Vec<String> = log(&d).lines().map(str::to_string).collect();
    assert_eq!(lines.len(), 2, "{lines:?}");
    // Shard options go to the array only; the merge gets its own, and afterany.
    assert!(lines[0].contains("--array=0,1,2") && lines[0].contains("--time=00:05:00 --mem=512M"), "{}", lines[0]);
    assert!(!lines[0].contains("--mem=1G") && lines[0].contains(&format!("--job-name=brink-shard-{hash}")));
    assert!(lines[1].contains("--dependency=afterany:100") && lines[1].contains("--mem=1G"), "{}", lines[1]);
    assert!(!lines[1].contains("--time=00:05:00") && lines[1].contains(&format!("merge.sbatch {hash} m.toml 3")));

    // While shards of the result are queued, no more are submitted.
    std::fs::write(d.path().join("queue"), format!("brink-shard-{hash} 100_1 RUNNING\n")).unwrap();
    let (code, _, err) = submit(&d, &bin, &["m.toml", "3"]);
    assert_eq!(code, 1);
    assert!(err.contains("still queued or running (job 100)"), "{err}");

    // Shard 0 ran, 1 and 2 failed; the merge (afterany) ran and failed. A resubmission sends only
    // the missing shards and one new merge job.
    d.run(&["sweep", "m.toml", "--shard", "0/3", "-q"]).ok();
    std::fs::write(d.path().join("queue"), "").unwrap();
    let (code, out, err) = submit(&d, &bin, &["m.toml", "3"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(out.trim(), format!("array 102 merge 103 hash {hash}"));
    assert!(log(&d).lines().nth(2).unwrap().contains("--array=1,2"));

    // With the merge job still queued (waiting on an array that will not run), a resubmission
    // points it at the new array instead of queueing a second one.
    std::fs::write(d.path().join("queue"), format!("brink-merge-{hash} 103 PENDING\n")).unwrap();
    let (code, out, err) = submit(&d, &bin, &["m.toml", "3"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(out.trim(), format!("array 104 merge 103 hash {hash}"));
    let last: Vec<String> = log(&d).lines().skip(4).map(str::to_string).collect();
    assert_eq!(last.len(), 2, "{last:?}");
    assert!(last[1].starts_with("scontrol update JobId=103 Dependency=afterany:104"), "{last:?}");
}

#[test]
fn the_merge_job_fails_at_once_naming_the_shards_to_resubmit() {
    let d = Dir::new();
    d.write("m.toml", MULTIPART);
    let hash = d.run(&["sweep", "m.toml", "--shard", "1/3", "-q"]).ok().stdout[..16].to_string();
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/scripts/slurm/merge.sbatch");
    let out = std::process::Command::new("bash")
        .args([script, &hash, "m.toml", "3"])
        .current_dir(d.path())
        .env("BRINK", env!("CARGO_BIN_EXE_brink"))
        .env("BRINK_RESULTS", d.results())
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("missing") && err.contains("shards 0,2 of 3 did not finish"), "{err}");
    assert!(err.contains("scripts/slurm/submit.sh m.toml 3"), "{err}");
}
