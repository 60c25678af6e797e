//! Analyst-grade outputs (issue 14): every run of a sweep replays exactly; the data files say
//! what their columns mean.

use crate::harness::{Dir, SMALL};
use polars::prelude::*;

/// The sweep of [`SMALL`] and its runs.
fn small_sweep(d: &Dir) -> (String, DataFrame) {
    d.write("small.toml", SMALL);
    let h = d.run(&["sweep", "small.toml", "--quiet"]).ok().stdout.split_whitespace().next().unwrap().to_string();
    let f = std::fs::File::open(d.results().join(&h).join("runs.parquet")).unwrap();
    (h, ParquetReader::new(f).finish().unwrap())
}

fn u32_at(df: &DataFrame, col: &str, i: usize) -> Option<u32> {
    df.column(col).unwrap().u32().unwrap().get(i)
}

/// The outcome object `brink run --json` ends with.
fn replayed_outcome(d: &Dir, args: &[&str]) -> serde_json::Value {
    let r = d.run(args).ok();
    let last = r.stdout.lines().last().expect("an outcome line");
    serde_json::from_str::<serde_json::Value>(last).unwrap()["outcome"].clone()
}

#[test]
fn three_runs_picked_from_runs_parquet_replay_to_their_rows() {
    let d = Dir::new();
    let (h, runs) = small_sweep(&d);
    let n = runs.height();
    // A run that reached a deadly incident, the last run, and one halfway with another policy.
    let deadly =
        (0..n).find(|i| u32_at(&runs, "first_deadly_incident_or_worse", *i).is_some()).expect("one deadly run");
    let quiet =
        (0..n).rev().find(|i| u32_at(&runs, "first_deadly_incident_or_worse", *i).is_none()).expect("a calm run");
    let middle = (n / 2..n).find(|i| i % 6 != deadly % 6 && *i != quiet).unwrap();
    let rungs = [
        "calm",
        "posturing",
        "missile_test",
        "long_range_launch",
        "nuclear_test",
        "deadly_incident",
        "limited_strikes",
        "war",
        "nuclear_alert",
        "nuclear_use",
    ];
    for i in [deadly, quiet, middle] {
        let o = replayed_outcome(&d, &["run", "--result", &h[..8], "--run", &i.to_string(), "--json"]);
        let s = |c: &str| runs.column(c).unwrap().str().unwrap().get(i).map(str::to_string);
        assert_eq!(o["status"].as_str().map(str::to_string), s("status"), "run {i}");
        assert_eq!(o["max_rung"].as_str().map(str::to_string), s("max_rung_name"), "run {i}");
        for c in [
            "months",
            "missile_tests",
            "nuclear_tests",
            "nuclear_test_month",
            "warheads_end",
            "accident_month",
            "transfer_month",
            "incidents",
            "wars",
            "deals",
            "strikes",
        ] {
            assert_eq!(o[c].as_u64().map(|x| x as u32), u32_at(&runs, c, i), "run {i}, {c}");
        }
        let score = runs.column("escalation_score").unwrap().i64().unwrap().get(i);
        assert_eq!(o["escalation_score"].as_i64(), score, "run {i}");
        // first_<rung>_or_worse: the earliest first month at that rung or above.
        for (k, col) in [
            (4, "first_nuclear_test_or_worse"),
            (5, "first_deadly_incident_or_worse"),
            (6, "first_limited_strikes_or_worse"),
            (7, "first_war_or_worse"),
            (9, "first_nuclear_use"),
        ] {
            let first = rungs[k..].iter().filter_map(|r| o["first_month"][r].as_u64()).min().map(|x| x as u32);
            assert_eq!(first, u32_at(&runs, col, i), "run {i}, {col}");
        }
        // The identity: scenario, replication and policy name the same run.
        let (sc, rep) = (u32_at(&runs, "scenario", i).unwrap(), u32_at(&runs, "replication", i).unwrap());
        let by_identity = d
            .run(&[
                "run",
                "--result",
                &h,
                "--scenario",
                &sc.to_string(),
                "--replication",
                &rep.to_string(),
                "--policy",
                &s("policy").unwrap(),
            ])
            .ok();
        let by_index = d.run(&["run", "--result", &h, "--run", &i.to_string()]).ok();
        assert_eq!(by_identity.stdout, by_index.stdout, "run {i}");
        assert!(
            by_index.stdout.contains(&format!("(the same outcome as row {i} of runs.parquet)")),
            "{}",
            by_index.stdout
        );
    }
    assert!(u32_at(&runs, "first_deadly_incident_or_worse", deadly).is_some());
    // Bad requests are bad usage.
    assert!(d
        .run(&["run", "--result", &h, "--run", &n.to_string()])
        .code(2)
        .stderr
        .contains(&format!("runs 0 to {}", n - 1)));
    d.run(&["run", "--result", &h, "--scenario", "0"]).code(2);
    d.run(&["run", "--result", &h, "--run", "1", "--seed", "4"]).code(2);
    d.run(&["run", "--result", "zzzz", "--run", "1"]).code(2);
}

#[test]
fn runs_record_the_posterior_row_and_the_drawn_values() {
    let d = Dir::new();
    let (_, runs) = small_sweep(&d);
    let rows: Vec<Option<u32>> = runs.column("posterior_row").unwrap().u32().unwrap().iter().collect();
    assert!(rows.iter().all(|r| r.is_some()), "the default draws from the calibrated posterior");
    // Every run of a scenario has its scenario's row and drawn values; scenarios differ.
    let missile: Vec<f64> = runs.column("missile_rate").unwrap().f64().unwrap().iter().map(|x| x.unwrap()).collect();
    let scen: Vec<u32> = runs.column("scenario").unwrap().u32().unwrap().iter().map(|x| x.unwrap()).collect();
    for i in 1..runs.height() {
        if scen[i] == scen[i - 1] {
            assert_eq!((rows[i], missile[i]), (rows[i - 1], missile[i - 1]));
        }
    }
    let distinct: std::collections::BTreeSet<u64> = missile.iter().map(|x| x.to_bits()).collect();
    assert!(distinct.len() > 1, "scenarios draw different rows");
}

/// Two swept parameters on a Latin hypercube, two policies: every chart a result can have.
const TWO_SWEPT: &str = "[experiment]\nname = \"two\"\nreplications = 8\nhorizon_months = 24\nstart = \"2024-07\"\npolicies = [\"containment_transparency\", \"maximum_pressure\"]\n[design]\nsamples = 12\n[uncertain]\ncvid_resistance = { low = 0.5, high = 3.0 }\nrok_engagement = { low = 0.2, high = 0.9 }\n";

#[test]
fn plot_redraws_every_chart_byte_for_byte() {
    let d = Dir::new();
    d.write("two.toml", TWO_SWEPT);
    let h = d.run(&["sweep", "two.toml"]).ok().hash();
    let charts = d.results().join(&h).join("charts");
    let before: Vec<(String, Vec<u8>)> = {
        let mut v: Vec<_> = std::fs::read_dir(&charts)
            .unwrap()
            .flatten()
            .filter(|e| e.path().is_file())
            .map(|e| (e.file_name().to_string_lossy().to_string(), std::fs::read(e.path()).unwrap()))
            .collect();
        v.sort();
        v
    };
    let names: Vec<&str> = before.iter().map(|(n, _)| n.as_str()).collect();
    for c in ["heatmap.png", "main_effects.png", "prim.png", "score_fan.png", "survival.png", "tradeoff.png"] {
        assert!(names.contains(&c), "{c} missing: {names:?}");
    }
    for (name, _) in &before {
        std::fs::remove_file(charts.join(name)).unwrap();
    }
    d.run(&["plot", &h]).ok();
    for (name, bytes) in &before {
        assert!(std::fs::read(charts.join(name)).unwrap() == *bytes, "{name} redrawn differently");
    }
    // The report says what every chart shows; `show` still finds the result intact.
    let report = std::fs::read_to_string(d.results().join(&h).join("report.md")).unwrap();
    assert!(report.contains("main_effects.png") && report.contains("Rivera et al. (2024)"), "{report}");
    d.run(&["show", &h]).ok();
    // A heatmap over parameters drawn from the posterior, and one that names neither kind.
    let r = d.run(&["plot", &h, "--heatmap", "missile_rate,cvid_resistance"]).ok();
    assert!(charts.join("extra/heatmap-missile_rate-cvid_resistance.png").is_file(), "{}", r.stdout);
    let r = d.run(&["plot", &h, "--heatmap", "missile_rat,cvid_resistance"]).code(2);
    assert!(r.stderr.contains("did you mean `missile_rate`"), "{}", r.stderr);
    assert!(d.run(&["plot", &h, "--heatmap", "war_end,cvid_resistance"]).code(2).stderr.contains("swept or drawn"));
}

#[test]
fn monthly_rows_carry_calendar_dates_from_the_experiments_start() {
    let d = Dir::new();
    d.write("two.toml", TWO_SWEPT);
    let h = d.run(&["sweep", "two.toml"]).ok().hash();
    let f = std::fs::File::open(d.results().join(&h).join("monthly.parquet")).unwrap();
    let m = ParquetReader::new(f).finish().unwrap();
    let dates: Vec<&str> = m.column("date").unwrap().str().unwrap().iter().map(|x| x.unwrap()).collect();
    assert_eq!((dates[0], dates[5], dates[6], dates[23]), ("2024-07", "2024-12", "2025-01", "2026-06"));
    // A month that is not one is refused, naming the field.
    d.write("bad.toml", "[experiment]\nstart = \"2024-13\"\n");
    let r = d.run(&["validate", "bad.toml"]).code(2);
    assert!(r.stderr.contains("bad.toml:2:9: experiment.start: \"2024-13\" is not a month YYYY-MM"), "{}", r.stderr);
}

/// The Python that reads results with pandas, pyarrow, polars and DuckDB: `BRINK_PYTHON` (CI
/// sets it after installing them, and the test must then run), else `python3` if it has them.
fn python() -> Option<String> {
    if let Ok(p) = std::env::var("BRINK_PYTHON") {
        return Some(p);
    }
    let has = std::process::Command::new("python3")
        .args(["-c", "import pandas, pyarrow, polars, duckdb"])
        .output()
        .is_ok_and(|o| o.status.success());
    has.then(|| "python3".to_string())
}

#[test]
fn a_result_opens_in_pandas_polars_and_duckdb_as_results_readme_documents() {
    let Some(py) = python() else {
        eprintln!("WARNING: skipped: no python3 with pandas, pyarrow, polars and duckdb (.ci/run installs them)");
        return;
    };
    let d = Dir::new();
    d.write("two.toml", TWO_SWEPT);
    d.write(
        "sobol.toml",
        "[experiment]\nreplications = 2\nhorizon_months = 12\npolicies = [\"containment_transparency\", \"maximum_pressure\"]\n[design]\nmethod = \"sobol\"\nsamples = 8\n[uncertain]\ncvid_resistance = { low = 0.5, high = 3.0 }\nincident_rate = { low = 0.001, high = 0.03 }\n",
    );
    d.write("family.toml", FAMILY);
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/read_results.py");
    for file in ["two.toml", "sobol.toml", "family.toml"] {
        let h = d.run(&["sweep", file]).ok().hash();
        let out = std::process::Command::new(&py).arg(script).arg(d.results().join(&h)).output().expect("run python");
        let (stdout, stderr) = (String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
        assert!(out.status.success(), "{file}:\n{stdout}\n{stderr}");
        assert!(stdout.contains("runs.parquet") && stdout.contains("monthly.parquet"), "{stdout}");
        if file == "sobol.toml" {
            assert!(stdout.contains("sobol.csv"), "{stdout}");
        }
    }
}

/// A sweep long enough to be caught running: 4 scenarios x 12,000 replications x 2 policies.
const LONG: &str = "[experiment]\nname = \"long\"\nreplications = 12000\nhorizon_months = 48\npolicies = [\"containment_transparency\", \"maximum_pressure\"]\n[design]\nsamples = 4\n";

#[test]
fn quiet_prints_nothing_but_the_hash_where_it_is_documented() {
    let d = Dir::new();
    d.write("two.toml", TWO_SWEPT);
    let r = d.run(&["sweep", "two.toml", "--quiet"]).ok();
    let h = r.stdout.split_whitespace().next().unwrap().to_string();
    assert_eq!(r.stdout, format!("{h} {}\n", std::path::Path::new("results").join(&h).display()));
    assert_eq!(r.stderr, "", "nothing on stderr but errors");
    for args in [vec!["plot", &h[..6], "-q"], vec!["report", &h, "-q"], vec!["reproduce", &h, "-q"]] {
        let r = d.run(&args).ok();
        assert_eq!((r.stdout.as_str(), r.stderr.as_str()), ("", ""), "{args:?}");
    }
    let r = d.run(&["merge", &h, "-q"]).ok();
    assert!(r.stdout.starts_with(&h) && r.stderr.is_empty(), "{}{}", r.stdout, r.stderr);
    // Counts agree with their nouns.
    d.write("one.toml", "[experiment]\nreplications = 1\nhorizon_months = 1\npolicies = [\"six_party_talks\"]\nreference_policy = \"six_party_talks\"\n[design]\nmethod = \"fixed\"\n");
    let r = d.run(&["validate", "one.toml"]).ok();
    assert!(r.stdout.contains("1 scenario x 1 replication x 1 policy = 1 run of 1 month"), "{}", r.stdout);
}

#[test]
fn a_reader_that_goes_away_ends_the_output_quietly() {
    let d = Dir::new();
    for args in [
        vec!["run", "--policy", "maximum_pressure", "--months", "600", "--json"],
        vec!["run", "--policy", "maximum_pressure", "--months", "600"],
        vec!["params"],
        vec!["policies", "--levers"],
    ] {
        let mut child =
            d.command(&args).stdout(std::process::Stdio::piped()).stderr(std::process::Stdio::piped()).spawn().unwrap();
        drop(child.stdout.take()); // `| head` that has read enough
        let out = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(0), "{args:?}: {stderr}");
        assert!(stderr.is_empty(), "{args:?}: {stderr}");
    }
}

/// Waits until the sweep `child` has written a part of result `hash`, then stops it (SIGSTOP) so
/// that it holds its lock, unfinished, however fast or loaded the machine. Returns without a
/// signal if the child has ended.
fn stop_once_a_part_is_written(d: &Dir, child: &mut std::process::Child, hash: &str) {
    let parts = d.results().join(hash).join("parts");
    for _ in 0..4000 {
        if child.try_wait().unwrap().is_some() {
            return; // ended already: the listing that follows says so
        }
        if std::fs::read_dir(&parts).map(|r| r.count() > 0).unwrap_or(false) {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    std::process::Command::new("kill").args(["-STOP", &child.id().to_string()]).status().unwrap();
}

#[test]
fn list_tells_a_running_sweep_from_an_interrupted_one_and_ctrl_c_resumes() {
    let d = Dir::new();
    d.write("long.toml", LONG);
    let hash = d.run(&["validate", "long.toml"]).ok().stdout.split("hash ").nth(1).unwrap()[..16].to_string();
    let mut sweep = d.command(&["sweep", "long.toml", "--threads", "1"]);
    sweep.stdout(std::process::Stdio::null()).stderr(std::process::Stdio::null());
    // A shell starts background jobs with SIGINT ignored, and children inherit that: the sweep
    // must meet Ctrl-C as a terminal user's process does, whoever runs the tests.
    use std::os::unix::process::CommandExt;
    // SAFETY: between fork and exec, only `signal`, which is async-signal-safe, is called.
    unsafe {
        sweep.pre_exec(|| {
            libc::signal(libc::SIGINT, libc::SIG_DFL);
            Ok(())
        });
    }
    let mut child = sweep.spawn().unwrap();
    stop_once_a_part_is_written(&d, &mut child, &hash);
    let listing = d.run(&["list"]).ok().stdout;
    assert!(listing.contains(&format!("{hash}   long")) && listing.contains("incomplete, running"), "{listing}");
    // Ctrl-C: the sweep ends by the signal (a shell reports 130) and leaves an interrupted result.
    let pid = child.id().to_string();
    std::process::Command::new("kill").args(["-INT", &pid]).status().unwrap();
    std::process::Command::new("kill").args(["-CONT", &pid]).status().unwrap();
    let status = child.wait().unwrap();
    use std::os::unix::process::ExitStatusExt;
    assert_eq!(status.signal(), Some(2), "{status:?}");
    let listing = d.run(&["list"]).ok().stdout;
    assert!(listing.contains("incomplete, interrupted") && listing.contains("`brink sweep` resumes it"), "{listing}");
    assert!(!listing.contains(" - "), "{listing}");
    d.run(&["sweep", "long.toml", "-q"]).ok();
    d.run(&["reproduce", &hash, "-q"]).ok();
}

#[test]
fn a_second_identical_sweep_waits_for_the_first_instead_of_computing_it_again() {
    let d = Dir::new();
    d.write("long.toml", LONG);
    let spawn = || {
        d.command(&["sweep", "long.toml", "--threads", "1"])
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap()
    };
    let first = spawn();
    std::thread::sleep(std::time::Duration::from_millis(300));
    let second = spawn();
    let (a, b) = (first.wait_with_output().unwrap(), second.wait_with_output().unwrap());
    assert!(a.status.success() && b.status.success());
    let text = |o: &std::process::Output| {
        (String::from_utf8_lossy(&o.stdout).to_string(), String::from_utf8_lossy(&o.stderr).to_string())
    };
    let ((out_a, _), (out_b, err_b)) = (text(&a), text(&b));
    assert!(out_a.contains("Probability within the horizon") && !out_a.contains("already complete"), "{out_a}");
    assert!(err_b.contains("waiting for it to finish"), "{err_b}");
    assert!(out_b.contains("already complete"), "the second did not compute the runs again: {out_b}");
    assert!(!err_b.contains("ran "), "{err_b}");
}

/// Issue 13: scenarios.parquet holds one row per (scenario, policy) whose risk, rank and regret
/// agree with runs.parquet; summary.csv's robustness columns agree with it; report.md opens
/// with the answer.
#[test]
fn scenario_rows_agree_with_the_runs_and_the_report_opens_with_the_answer() {
    let d = Dir::new();
    let (h, runs) = small_sweep(&d);
    let dir = d.results().join(&h);
    let sc = ParquetReader::new(std::fs::File::open(dir.join("scenarios.parquet")).unwrap()).finish().unwrap();
    let (scenarios, policies) = (4usize, 6usize);
    assert_eq!(sc.height(), scenarios * policies);
    // Risk per (scenario, policy) from runs.parquet: rows i, policy i % P, scenario i / (R * P).
    let mut hits = vec![0u32; scenarios * policies];
    let mut n = vec![0u32; scenarios * policies];
    let scen = runs.column("scenario").unwrap().u32().unwrap().clone();
    let first = runs.column("first_deadly_incident_or_worse").unwrap().u32().unwrap().clone();
    for i in 0..runs.height() {
        let k = scen.get(i).unwrap() as usize * policies + i % policies;
        n[k] += 1;
        hits[k] += u32::from(first.get(i).is_some());
    }
    let p = sc.column("p_deadly_incident_or_worse").unwrap().f64().unwrap().clone();
    let rank = sc.column("rank").unwrap().u32().unwrap().clone();
    let regret = sc.column("regret").unwrap().f64().unwrap().clone();
    let lo = sc.column("p_deadly_incident_or_worse_lo").unwrap().f64().unwrap().clone();
    let hi = sc.column("p_deadly_incident_or_worse_hi").unwrap().f64().unwrap().clone();
    let regret_se = sc.column("regret_se").unwrap().f64().unwrap().clone();
    let reps = runs.height() / (scenarios * policies);
    let hit = |s: usize, r: usize, q: usize| first.get((s * reps + r) * policies + q).is_some();
    for s in 0..scenarios {
        let risk: Vec<f64> =
            (0..policies).map(|q| f64::from(hits[s * policies + q]) / f64::from(n[s * policies + q])).collect();
        // The safest (first among equals) and each policy's paired standard error against it,
        // from the discordant replications.
        let safest = (0..policies).min_by(|a, b| risk[*a].total_cmp(&risk[*b]).then(a.cmp(b))).unwrap();
        for q in 0..policies {
            let b = (0..reps).filter(|r| hit(s, *r, q) && !hit(s, *r, safest)).count() as f64;
            let c = (0..reps).filter(|r| !hit(s, *r, q) && hit(s, *r, safest)).count() as f64;
            let m = reps as f64;
            let want =
                if risk[q] > risk[safest] { ((b + c - (b - c).powi(2) / m) / (m * (m - 1.0))).sqrt() } else { 0.0 };
            assert!((regret_se.get(s * policies + q).unwrap() - want).abs() < 1e-12, "scenario {s} policy {q}");
        }
        let best = risk.iter().copied().fold(f64::INFINITY, f64::min);
        for q in 0..policies {
            let k = s * policies + q;
            assert_eq!(p.get(k), Some(risk[q]), "scenario {s} policy {q}");
            assert!((regret.get(k).unwrap() - (risk[q] - best)).abs() < 1e-12);
            assert_eq!(rank.get(k).unwrap() as usize, 1 + risk.iter().filter(|r| **r < risk[q]).count());
            assert!(lo.get(k).unwrap() <= risk[q] && risk[q] <= hi.get(k).unwrap());
        }
    }
    // summary.csv: best_in and maximum regret as scenarios.parquet gives them.
    let summary = std::fs::read_to_string(dir.join("summary.csv")).unwrap();
    let mut lines = summary.lines();
    let head: Vec<&str> = lines.next().unwrap().split(',').collect();
    let col = |name: &str| head.iter().position(|c| *c == name).unwrap_or_else(|| panic!("{name} in summary.csv"));
    for (q, line) in lines.enumerate() {
        let cells: Vec<&str> = line.split(',').collect();
        let best_in = (0..scenarios).filter(|s| rank.get(s * policies + q) == Some(1)).count();
        assert_eq!(cells[col("best_in")].parse::<usize>().unwrap(), best_in, "{line}");
        let max = (0..scenarios).map(|s| regret.get(s * policies + q).unwrap()).fold(0.0, f64::max);
        assert!((cells[col("regret_max")].parse::<f64>().unwrap() - max).abs() < 1e-6, "{line}");
        let v = |c: &str| cells[col(c)].parse::<f64>().unwrap();
        assert!(v("p_deadly_incident_or_worse_scen_lo") <= v("p_deadly_incident_or_worse"));
        assert!(v("p_deadly_incident_or_worse") <= v("p_deadly_incident_or_worse_scen_hi"));
    }
    // The manifest seals it like every data file, and `reproduce` compares it.
    let manifest = std::fs::read_to_string(dir.join("manifest.json")).unwrap();
    assert!(manifest.contains("\"scenarios.parquet\""), "{manifest}");
    let report = std::fs::read_to_string(dir.join("report.md")).unwrap();
    let opening = report.lines().nth(2).unwrap();
    assert!(opening.starts_with("**Answer.** Of 6 policies across 4 scenarios, `"), "{opening}");
    assert!(opening.contains("over scenarios") && opening.contains("maximum regret"), "{opening}");
    assert!(report.contains("## Robustness across scenarios"));
    for chart in ["robustness.png", "rank_stability.png"] {
        assert!(dir.join("charts").join(chart).is_file(), "{chart}");
    }
}

/// The op-ed's policy and a family of it with talks and the UNSC share of relief left open.
const FAMILY: &str = "[experiment]\nname = \"family\"\nreplications = 5\nhorizon_months = 36\npolicies = [\"containment_transparency\", \"open_talks\"]\nreference_policy = \"containment_transparency\"\n[design]\nsamples = 6\n[uncertain]\ncvid_resistance = { low = 0.5, high = 3.0 }\n[policies.open_talks]\nbase = \"containment_transparency\"\ntalks = { low = 0.0, high = 1.0 }\nrelief_via_unsc = { low = 0.2, high = 0.8 }\n";

fn runs_of(d: &Dir, file: &str) -> (String, DataFrame) {
    let h = d.run(&["sweep", file, "--quiet"]).ok().stdout.split_whitespace().next().unwrap().to_string();
    let f = std::fs::File::open(d.results().join(&h).join("runs.parquet")).unwrap();
    (h, ParquetReader::new(f).finish().unwrap())
}

fn f64s(df: &DataFrame, col: &str) -> Vec<f64> {
    df.column(col).unwrap().f64().unwrap().iter().map(|x| x.unwrap()).collect()
}

#[test]
fn a_familys_runs_record_their_levers_replay_exactly_and_ignore_other_policies() {
    let d = Dir::new();
    d.write("family.toml", FAMILY);
    let (h, runs) = runs_of(&d, "family.toml");
    let names: Vec<&str> = runs.get_column_names().iter().map(|c| c.as_str()).collect();
    let at = names.iter().position(|n| *n == "lever_talks").expect("a lever_talks column");
    assert_eq!(&names[at..at + 3], &["lever_talks", "lever_relief_via_unsc", "months"]);
    let (talks, unsc) = (f64s(&runs, "lever_talks"), f64s(&runs, "lever_relief_via_unsc"));
    let policy: Vec<&str> = runs.column("policy").unwrap().str().unwrap().iter().map(|x| x.unwrap()).collect();
    let scen: Vec<u32> = runs.column("scenario").unwrap().u32().unwrap().iter().map(|x| x.unwrap()).collect();
    let mut drawn = std::collections::BTreeMap::new();
    for i in 0..runs.height() {
        if policy[i] == "containment_transparency" {
            assert_eq!((talks[i], unsc[i]), (0.5, 1.0), "row {i}: the base's fixed values");
        } else {
            assert!((0.0..=1.0).contains(&talks[i]) && (0.2..=0.8).contains(&unsc[i]), "row {i}");
            // One setting per scenario, the same in each of its replications.
            assert_eq!(*drawn.entry(scen[i]).or_insert((talks[i], unsc[i])), (talks[i], unsc[i]), "row {i}");
        }
    }
    let distinct: std::collections::BTreeSet<u64> = drawn.values().map(|v| v.0.to_bits()).collect();
    assert_eq!(distinct.len(), 6, "{drawn:?}");
    // scenarios.parquet holds the same draws per (scenario, policy), and the family chart exists.
    let dir = d.results().join(&h);
    let sc = ParquetReader::new(std::fs::File::open(dir.join("scenarios.parquet")).unwrap()).finish().unwrap();
    let sc_policy: Vec<&str> = sc.column("policy").unwrap().str().unwrap().iter().map(|x| x.unwrap()).collect();
    let sc_scen: Vec<u32> = sc.column("scenario").unwrap().u32().unwrap().iter().map(|x| x.unwrap()).collect();
    let (sc_talks, sc_unsc) = (f64s(&sc, "lever_talks"), f64s(&sc, "lever_relief_via_unsc"));
    for i in 0..sc.height() {
        if sc_policy[i] == "open_talks" {
            assert_eq!(drawn[&sc_scen[i]], (sc_talks[i], sc_unsc[i]), "scenarios.parquet row {i}");
        }
    }
    assert!(dir.join("charts/family_levers.png").is_file());
    // Three of the family's runs, in three scenarios, replay to their rows.
    for i in [1usize, 13, 29] {
        assert_eq!(policy[i], "open_talks");
        let o = replayed_outcome(&d, &["run", "--result", &h, "--run", &i.to_string(), "--json"]);
        assert_eq!(o["escalation_score"].as_i64(), runs.column("escalation_score").unwrap().i64().unwrap().get(i));
        assert_eq!(o["talks"].as_u64().map(|x| x as u32), u32_at(&runs, "talks", i), "run {i}");
        assert_eq!(o["deals"].as_u64().map(|x| x as u32), u32_at(&runs, "deals", i), "run {i}");
        let text = d.run(&["run", "--result", &h, "--run", &i.to_string()]).ok().stdout;
        assert!(text.contains(&format!("(the same outcome as row {i} of runs.parquet)")), "{text}");
        let want = format!("policy family, levers drawn for scenario {}: talks = {} (in [0, 1])", scen[i], talks[i]);
        assert!(text.contains(&want), "{want:?} in {text}");
    }
    // Another policy added before the family: the family's rows are the same, column by column
    // (but the run index).
    d.write(
        "more.toml",
        &FAMILY.replace(
            "[\"containment_transparency\", \"open_talks\"]",
            "[\"maximum_pressure\", \"containment_transparency\", \"open_talks\"]",
        ),
    );
    let (h2, more) = runs_of(&d, "more.toml");
    assert_ne!(h, h2);
    let family_rows = |df: &DataFrame| -> DataFrame {
        let mask = df.column("policy").unwrap().str().unwrap().equal("open_talks");
        df.filter(&mask).unwrap().drop("run").unwrap()
    };
    let (a, b) = (family_rows(&runs), family_rows(&more));
    assert_eq!(a.height(), 30);
    assert!(a.equals_missing(&b), "{a}\n{b}");
    // The pipeline check: removing the family changes nothing for the base policy either.
    let base_rows = |df: &DataFrame| -> DataFrame {
        let mask = df.column("policy").unwrap().str().unwrap().equal("containment_transparency");
        df.filter(&mask).unwrap().select(["scenario", "replication", "seed", "escalation_score", "harm"]).unwrap()
    };
    assert!(base_rows(&runs).equals_missing(&base_rows(&more)));
}
