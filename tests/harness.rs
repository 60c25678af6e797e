//! A tiny harness: a temporary folder per test and a command for the real executable.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// A scratch folder holding `results/` and any experiment files a test writes.
pub struct Dir {
    tmp: tempfile::TempDir,
}

/// Output of one invocation, with helpers for assertions.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    pub fn ok(self) -> Run {
        assert_eq!(self.code, 0, "expected success\nstdout:\n{}\nstderr:\n{}", self.stdout, self.stderr);
        self
    }

    pub fn code(self, code: i32) -> Run {
        assert_eq!(self.code, code, "expected exit {code}\nstdout:\n{}\nstderr:\n{}", self.stdout, self.stderr);
        assert!(!self.stderr.contains("panicked"), "a panic reached the user:\n{}", self.stderr);
        self
    }

    pub fn hash(&self) -> String {
        let i = self.stdout.find("result ").expect("prints the result hash") + 7;
        self.stdout[i..i + 16].to_string()
    }
}

impl Dir {
    pub fn new() -> Dir {
        Dir { tmp: tempfile::tempdir().expect("temporary folder") }
    }

    pub fn path(&self) -> &Path {
        self.tmp.path()
    }

    pub fn results(&self) -> PathBuf {
        self.path().join("results")
    }

    pub fn write(&self, name: &str, text: &str) -> PathBuf {
        let p = self.path().join(name);
        std::fs::write(&p, text).expect("write a file");
        p
    }

    pub fn command(&self, args: &[&str]) -> Command {
        let mut c = Command::new(env!("CARGO_BIN_EXE_brink"));
        c.args(args)
            .current_dir(self.path())
            .env_remove("BRINK_RESULTS")
            .env_remove("RAYON_NUM_THREADS")
            .env_remove("SLURM_CPUS_PER_TASK");
        c
    }

    pub fn run(&self, args: &[&str]) -> Run {
        let out: Output = self.command(args).output().expect("run brink");
        Run {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).to_string(),
            stderr: String::from_utf8_lossy(&out.stderr).to_string(),
        }
    }

    /// Checksums from a result's manifest.
    pub fn checksums(&self, hash: &str) -> BTreeMap<String, String> {
        let text = std::fs::read_to_string(self.results().join(hash).join("manifest.json")).expect("manifest");
        let v: serde_json::Value = serde_json::from_str(&text).expect("manifest is JSON");
        v["files"]
            .as_object()
            .expect("files")
            .iter()
            .map(|(k, v)| (k.clone(), v.as_str().unwrap().to_string()))
            .collect()
    }
}

/// A small experiment: 4 scenarios x 6 replications x 6 policies, 36 months.
pub const SMALL: &str =
    "[experiment]\nname = \"small\"\nreplications = 6\nhorizon_months = 36\n[design]\nsamples = 4\n";

/// An experiment of several parts (4096 groups each), for sharding and resume tests.
pub const MULTIPART: &str = "[experiment]\nname = \"multipart\"\nreplications = 2600\nhorizon_months = 24\npolicies = [\"containment_transparency\", \"maximum_pressure\"]\n[design]\nsamples = 4\n";
