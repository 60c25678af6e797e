//! Each subcommand's success path and its failure paths.

use crate::harness::{Dir, SMALL};

#[test]
fn sweep_writes_a_complete_results_folder() {
    let d = Dir::new();
    d.write("small.toml", SMALL);
    let r = d.run(&["sweep", "small.toml"]).ok();
    let hash = r.hash();
    assert!(r.stdout.contains("Probability within the horizon"), "{}", r.stdout);
    let dir = d.results().join(&hash);
    for f in [
        "config.toml",
        "manifest.json",
        "runs.parquet",
        "monthly.parquet",
        "summary.csv",
        "charts/risk_by_policy.png",
        "charts/cumulative_risk.png",
        "charts/score_fan.png",
        "charts/hazards_by_policy.png",
    ] {
        assert!(dir.join(f).is_file(), "{f} missing");
    }
    assert!(!dir.join("parts").exists(), "parts are removed once merged");
    let png = std::fs::read(dir.join("charts/risk_by_policy.png")).unwrap();
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
    assert!(png.len() > 20_000, "a chart with text and marks, not a blank image");
    let summary = std::fs::read_to_string(dir.join("summary.csv")).unwrap();
    assert_eq!(summary.lines().count(), 7, "header and one row per policy");
    assert!(summary.starts_with(
        "policy,runs,failed,p_deadly_incident_or_worse,p_deadly_incident_or_worse_lo,p_deadly_incident_or_worse_hi"
    ));
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(manifest["runs"], 4 * 6 * 6);
    assert_eq!(manifest["config_hash"], hash.as_str());
    // The stored config hashes to the folder name.
    assert!(d.run(&["validate", &dir.join("config.toml").display().to_string()]).ok().stdout.contains(&hash));
    // A second sweep of the same experiment finds it complete.
    assert!(d.run(&["sweep", "small.toml"]).ok().stdout.contains("already complete"));
}

#[test]
fn sweep_without_a_file_runs_the_embedded_default() {
    let d = Dir::new();
    let r = d.run(&["sweep"]).ok();
    let hash = r.hash();
    for p in [
        "maximum_pressure",
        "strategic_patience",
        "six_party_talks",
        "summit_diplomacy",
        "containment_transparency",
        "engagement_freeze",
    ] {
        assert!(r.stdout.contains(p), "{p} missing from the headline");
    }
    assert!(d.results().join(&hash).join("charts/risk_by_policy.png").is_file());
    // The embedded default and configs/default.toml are the same experiment.
    let file = concat!(env!("CARGO_MANIFEST_DIR"), "/configs/default.toml");
    assert!(d.run(&["validate", file]).ok().stdout.contains(&hash));
}

#[test]
fn bad_experiment_files_exit_2_naming_file_field_and_problem() {
    let d = Dir::new();
    d.write("bad.toml", "[experiment]\nreplicatons = 5\n[model]\nsafety_effect = 2\n");
    let r = d.run(&["sweep", "bad.toml"]).code(2);
    assert!(
        r.stderr.contains("bad.toml:2:1: experiment.replicatons: unknown key (did you mean `replications`?)"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("bad.toml:4:17: model.safety_effect: 2 is outside the valid range [0, 1]"),
        "{}",
        r.stderr
    );
    assert!(
        !d.results().exists() || std::fs::read_dir(d.results()).unwrap().next().is_none(),
        "nothing written for bad input"
    );
    let r = d.run(&["validate", "bad.toml"]).code(2);
    assert!(r.stderr.contains("2 problems"));
    let r = d.run(&["sweep", "missing.toml"]).code(2);
    assert!(r.stderr.contains("missing.toml: cannot read"));
    d.write("garbage.toml", "\u{0}\u{ff}\u{1}");
    d.run(&["validate", "garbage.toml"]).code(2);
    std::fs::write(d.path().join("latin1.toml"), [0x5b, 0xe9, 0x5d]).unwrap();
    assert!(d.run(&["validate", "latin1.toml"]).code(2).stderr.contains("not UTF-8"));
}

#[test]
fn bad_usage_exits_2() {
    let d = Dir::new();
    d.run(&["sweep", "--shard", "3/2"]).code(2);
    d.run(&["sweep", "--threads", "0"]).code(2);
    d.run(&["frobnicate"]).code(2);
    d.run(&["run", "--seed", "1"]).code(2);
}

#[test]
fn validate_prints_hash_and_size() {
    let d = Dir::new();
    d.write("small.toml", SMALL);
    let r = d.run(&["validate", "small.toml"]).ok();
    assert!(r.stdout.contains("4 scenarios x 6 replications x 6 policies = 144 runs of 36 months"), "{}", r.stdout);
    d.write("huge.toml", "[experiment]\nreplications = 1000000000\n");
    let r = d.run(&["validate", "huge.toml"]).code(2);
    assert!(r.stderr.contains("core-hours") && r.stderr.contains("--force"), "{}", r.stderr);
}

#[test]
fn run_prints_a_month_by_month_trace() {
    let d = Dir::new();
    let r = d.run(&["run", "--policy", "containment_transparency", "--seed", "7", "--months", "24"]).ok();
    assert!(r.stdout.contains("month   0") && r.stdout.contains("month  23"), "{}", r.stdout);
    assert!(r.stdout.contains("outcome:"));
    let again = d.run(&["run", "--policy", "containment_transparency", "--seed", "7", "--months", "24"]).ok();
    assert_eq!(r.stdout, again.stdout, "same seed, same trace");
    let j = d.run(&["run", "--policy", "maximum_pressure", "--seed", "1", "--months", "12", "--json"]).ok();
    let lines: Vec<&str> = j.stdout.lines().collect();
    assert_eq!(lines.len(), 13, "12 months and the outcome");
    for l in lines {
        let v: serde_json::Value = serde_json::from_str(l).expect("each line is JSON");
        assert!(v.is_object());
    }
    let r = d.run(&["run", "--policy", "maximum_presure", "--seed", "1"]).code(2);
    assert!(r.stderr.contains("did you mean `maximum_pressure`"), "{}", r.stderr);
}

#[test]
fn policies_and_params_list_what_exists() {
    let d = Dir::new();
    let r = d.run(&["policies"]).ok();
    assert_eq!(r.stdout.lines().count(), 6);
    assert!(r.stdout.contains("containment_transparency"));
    let r = d.run(&["policies", "--levers"]).ok();
    assert!(r.stdout.contains("relief_via_unsc"));
    assert!(
        r.stdout.contains("    relief_via_unsc  [0, 1]  share of relief that needs a UNSC resolution\n"),
        "each lever with its range and meaning:\n{}",
        r.stdout
    );
    // An experiment's policies, built in and its own, with each lever's value or range.
    d.write(
        "fam.toml",
        "[experiment]\npolicies = [\"maximum_pressure\", \"fam\"]\nreference_policy = \"fam\"\n[policies.fam]\nbase = \"containment_transparency\"\nsummary = \"the op-ed, talks open\"\ntalks = { low = 0.2, high = 0.8 }\nforce = 0.125\n",
    );
    let r = d.run(&["policies", "--config", "fam.toml"]).ok();
    for want in [
        "maximum_pressure          (built in)  2017-early 2018",
        "fam                       (user, family)  the op-ed, talks open",
        "    talks            0.20..0.80 (uncertain)\n",
        "    force            0.125\n",
        "    safety           1.00\n",
    ] {
        assert!(r.stdout.contains(want), "{want:?} in:\n{}", r.stdout);
    }
    assert!(!r.stdout.contains("six_party_talks"), "only the experiment's policies:\n{}", r.stdout);
    d.write("bad.toml", "[policies.fam]\nbase = \"containment_transparency\"\ntalks = { low = 0.8, high = 0.2 }\n");
    let r = d.run(&["policies", "--config", "bad.toml"]).code(2);
    assert!(r.stderr.contains("bad.toml:3:9: policies.fam.talks: low (0.8) is above high (0.2)"), "{}", r.stderr);
    let r = d.run(&["params"]).ok();
    assert!(r.stdout.contains("deterrence_scale") && r.stdout.contains("SIPRI"));
    // JSON: every field, whether the default sweep varies it, whether calibration fits it.
    let r = d.run(&["params", "--json"]).ok();
    let v: serde_json::Value = serde_json::from_str(&r.stdout).expect("JSON");
    let ps = v["parameters"].as_array().unwrap();
    assert!(ps.len() > 100);
    for key in ["name", "default", "range", "unit", "group", "meaning", "source", "swept", "calibrated"] {
        assert!(ps.iter().all(|p| p.get(key).is_some()), "{key}");
    }
    let get = |n: &str| ps.iter().find(|p| p["name"] == n).unwrap().clone();
    assert!(get("spiral_weight")["swept"].is_array() && get("missile_rate")["calibrated"] == true);
    assert!(get("war_end")["swept"].is_null() && get("war_end")["calibrated"] == false);
    // The Markdown is what docs/MODEL.md holds.
    let md = d.run(&["params", "--markdown"]).ok();
    assert!(include_str!("../docs/MODEL.md").contains(&md.stdout));
    // `run` says which parameter set it uses.
    let r = d.run(&["run", "--policy", "six_party_talks", "--months", "2"]).ok();
    assert!(r.stdout.contains("posterior medians"), "{}", r.stdout);
    let r = d.run(&["run", "--policy", "six_party_talks", "--months", "2", "--params", "defaults"]).ok();
    assert!(r.stdout.contains("the documented defaults"), "{}", r.stdout);
}

#[test]
fn list_show_plot_and_prefixes() {
    let d = Dir::new();
    d.write("a.toml", SMALL);
    d.write("b.toml", &format!("{SMALL}[model]\ndeal_rate = 0.2\n"));
    let ha = d.run(&["sweep", "a.toml"]).ok().hash();
    let hb = d.run(&["sweep", "b.toml"]).ok().hash();
    let r = d.run(&["list"]).ok();
    assert!(r.stdout.contains(&ha) && r.stdout.contains(&hb) && r.stdout.contains("complete"));
    let r = d.run(&["show", &ha[..6]]).ok();
    assert!(r.stdout.contains("checksums match") && r.stdout.contains(&ha));
    // The empty prefix names no result; an unknown one matches none.
    assert!(d.run(&["show", ""]).code(2).stderr.contains("an empty prefix matches every result"));
    assert!(d.run(&["show", "zzzz"]).code(2).stderr.contains("no complete result"));
    let before = std::fs::read(d.results().join(&ha).join("charts/risk_by_policy.png")).unwrap();
    std::fs::remove_file(d.results().join(&ha).join("charts/score_fan.png")).unwrap();
    d.run(&["plot", &ha[..5]]).ok();
    assert!(d.results().join(&ha).join("charts/score_fan.png").is_file());
    assert_eq!(before, std::fs::read(d.results().join(&ha).join("charts/risk_by_policy.png")).unwrap());
    d.run(&["plot", "zzzz"]).code(2);
}

#[test]
fn an_incomplete_folder_is_never_listed_or_shown_as_complete() {
    let d = Dir::new();
    d.write("m.toml", crate::harness::MULTIPART);
    let r = d.run(&["sweep", "m.toml", "--shard", "0/3"]).ok();
    let hash = r.stdout.split_whitespace().skip_while(|w| *w != "result").nth(1).unwrap().to_string();
    assert!(!d.results().join(&hash).join("manifest.json").exists());
    assert!(d.run(&["list"]).ok().stdout.contains("incomplete"));
    d.run(&["show", &hash]).code(2);
    d.run(&["reproduce", &hash]).code(2);
    let r = d.run(&["merge", &hash]).code(1);
    assert!(r.stderr.contains("parts missing"), "{}", r.stderr);
    let r = d.run(&["sweep", "m.toml", "--missing", "--shards", "3"]).ok();
    assert_eq!(r.stdout.lines().collect::<Vec<_>>(), vec!["1", "2"]);
}

#[test]
fn a_sobol_design_gives_indices_and_a_report() {
    let d = Dir::new();
    d.write(
        "sobol.toml",
        "[experiment]\nreplications = 4\nhorizon_months = 24\npolicies = [\"containment_transparency\", \"maximum_pressure\"]\n[design]\nmethod = \"sobol\"\nsamples = 16\n[uncertain]\ncvid_resistance = { low = 0.5, high = 3.0 }\nincident_rate = { low = 0.001, high = 0.03 }\n",
    );
    let sweep = d.run(&["sweep", "sobol.toml"]).ok();
    let h = sweep.hash();
    let dir = d.results().join(&h);
    // 16 base samples of 4 replications are noise: the report and stderr say so, with the same
    // words.
    let first = std::fs::read_to_string(dir.join("report.md")).unwrap();
    let warnings: Vec<&str> = first.lines().filter(|l| l.starts_with("- Sobol indices of")).collect();
    assert!(first.contains("**Read with care:**") && !warnings.is_empty(), "{first}");
    for w in &warnings {
        assert!(sweep.stderr.contains(&format!("brink: warning: {h}: {}", &w[2..])), "{w}\n{}", sweep.stderr);
    }
    let sobol = std::fs::read_to_string(dir.join("sobol.csv")).unwrap();
    // The reference's risk and its difference from the best alternative, two parameters each.
    assert_eq!(sobol.lines().count(), 5, "{sobol}");
    assert!(sobol.contains("reference,incident_rate") && sobol.contains("difference,cvid_resistance"), "{sobol}");
    for chart in [
        "sobol.png",
        "sobol_difference.png",
        "heatmap.png",
        "prim.png",
        "survival.png",
        "tradeoff.png",
        "distributions.png",
    ] {
        assert!(dir.join("charts").join(chart).is_file(), "{chart}");
    }
    std::fs::remove_file(dir.join("report.md")).unwrap();
    let r = d.run(&["report", &h[..6]]).ok();
    assert!(r.stdout.trim().ends_with("report.md"));
    let report = std::fs::read_to_string(dir.join("report.md")).unwrap();
    for needle in [
        "## Headline",
        "## Charts",
        "## Sensitivity (Sobol indices)",
        "## Scenario discovery (PRIM)",
        "## Caveats",
        "charts/risk_by_policy.png",
    ] {
        assert!(report.contains(needle), "report lacks {needle}");
    }
    let r = d.run(&["plot", &h, "--heatmap", "incident_rate,cvid_resistance"]).ok();
    assert!(dir.join("charts/extra/heatmap-incident_rate-cvid_resistance.png").is_file(), "{}", r.stdout);
    assert!(d
        .run(&["plot", &h, "--heatmap", "incident_rat,x"])
        .code(2)
        .stderr
        .contains("did you mean `incident_rate`"));
    // Redrawing keeps the manifest true.
    d.run(&["show", &h]).ok();
    d.run(&["reproduce", &h]).ok();
}

/// A copy of the record in `data/` of the test's folder.
fn copy_record(d: &Dir) -> std::path::PathBuf {
    let data = d.path().join("data");
    std::fs::create_dir(&data).unwrap();
    for e in std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/data/history")).unwrap().flatten() {
        std::fs::copy(e.path(), data.join(e.file_name())).unwrap();
    }
    data
}

#[test]
fn calibrate_and_backtest_read_the_record_and_are_deterministic() {
    let d = Dir::new();
    let args = ["calibrate", "--particles", "20", "--initial", "200", "--generations", "1", "--seed", "3"];
    let a = d.run(&[&args[..], &["--threads", "1", "--out", "a.csv"]].concat()).ok();
    let b = d.run(&[&args[..], &["--threads", "2", "--out", "b.csv"]].concat()).ok();
    let (pa, pb) = (std::fs::read(d.path().join("a.csv")).unwrap(), std::fs::read(d.path().join("b.csv")).unwrap());
    assert_eq!(pa, pb, "same seed, same posterior, whatever the threads");
    assert!(
        a.stdout.contains("generation 1:") && b.stdout.contains("missiles_per_year_agreed_framework"),
        "{}",
        a.stdout
    );
    // What the replay leaves out is named.
    assert!(a.stderr.contains("era \"first_crisis\"") && a.stderr.contains("left out"), "{}", a.stderr);
    let cal = std::fs::read_dir(d.results().join("calibration")).unwrap().flatten().next().unwrap().path();
    for f in ["posterior.csv", "backtest.png", "backtest.csv", "eras.csv", "statistics.csv"] {
        assert!(cal.join(f).is_file(), "{f}");
    }
    // The replay reads the record from --data: a changed file changes the observed value.
    let data = copy_record(&d);
    let r = d.run(&["backtest", "--posterior", "a.csv", "--reps", "1", "--data", "data"]).ok();
    assert!(r.stdout.contains("missiles_per_year_strategic_patience         observed      9.25"), "{}", r.stdout);
    let m = std::fs::read_to_string(data.join("missile_launches.csv")).unwrap();
    std::fs::write(data.join("missile_launches.csv"), m.replace("2016,24,", "2016,104,")).unwrap();
    let r = d.run(&["backtest", "--posterior", "a.csv", "--reps", "1", "--data", "data"]).ok();
    assert!(r.stdout.contains("missiles_per_year_strategic_patience         observed     19.25"), "{}", r.stdout);
    // A broken record or posterior is bad input: exit 2 naming the file and line.
    std::fs::write(data.join("nuclear_tests.csv"), "test,date\n1,2006-13-09\n").unwrap();
    let r = d.run(&["backtest", "--posterior", "a.csv", "--data", "data"]).code(2);
    assert!(r.stderr.contains("nuclear_tests.csv:2: date: \"2006-13-09\" is not a date"), "{}", r.stderr);
    d.write("bad.csv", "draw,distance,missile_rate\n0,0.1,-5\n");
    let r = d.run(&["backtest", "--posterior", "bad.csv"]).code(2);
    assert!(r.stderr.contains("bad.csv: line 2: missile_rate: -5 is outside the valid range"), "{}", r.stderr);
}

#[test]
fn a_record_past_2016_is_replayed_to_its_end_with_the_later_eras_held_out() {
    let d = Dir::new();
    let data = copy_record(&d);
    // Synthetic years: an era of maximum pressure in 2017-2019 that starts in March, launches
    // for those years, and an estimate of warheads in 2020.
    let eras = std::fs::read_to_string(data.join("policy_eras.csv")).unwrap();
    std::fs::write(
        data.join("policy_eras.csv"),
        eras.replace("strategic_patience,2009-01,2016-12", "strategic_patience,2009-01,2017-02")
            + "maximum_pressure,2017-03,2019-12,synthetic,maximum_pressure,synthetic era for a test\n",
    )
    .unwrap();
    let m = std::fs::read_to_string(data.join("missile_launches.csv")).unwrap();
    std::fs::write(data.join("missile_launches.csv"), m + "2017,20,10,10,10\n2018,0,0,0,0\n2019,25,12,12,12\n")
        .unwrap();
    let w = std::fs::read_to_string(data.join("warhead_estimates.csv")).unwrap();
    std::fs::write(data.join("warhead_estimates.csv"), w + "2020-01,30,40,synthetic,synthetic,low\n").unwrap();
    let r = d
        .run(&["backtest", "--reps", "1", "--data", "data", "--holdout-from", "2017-03", "--posterior", "calibrated"])
        .ok();
    assert!(r.stdout.contains("1994-10 to 2019-12"), "{}", r.stdout);
    let bt = std::fs::read_dir(d.results().join("backtest")).unwrap().flatten().next().unwrap().path();
    let eras = std::fs::read_to_string(bt.join("eras.csv")).unwrap();
    let held: Vec<&str> = eras.lines().filter(|l| l.starts_with("maximum_pressure,")).collect();
    assert!(!held.is_empty() && held.iter().all(|l| l.contains(",holdout,")), "{eras}");
    assert!(eras.lines().any(|l| l.starts_with("strategic_patience,") && l.contains(",fit,")), "{eras}");
    let stats = std::fs::read_to_string(bt.join("statistics.csv")).unwrap();
    assert!(stats.lines().any(|l| l.starts_with("warheads_2020_01,holdout,")), "{stats}");
    // The chart and the printed table tell fit from holdout.
    assert!(r.stdout.contains("held out (from 2017-03)"), "{}", r.stdout);
    // An unknown policy in the record is bad input: exit 2 with file and line.
    let eras = std::fs::read_to_string(data.join("policy_eras.csv")).unwrap();
    std::fs::write(
        data.join("policy_eras.csv"),
        eras.replace(",maximum_pressure,synthetic era", ",maximum_presure,synthetic era"),
    )
    .unwrap();
    let r = d.run(&["backtest", "--reps", "1", "--data", "data"]).code(2);
    assert!(r.stderr.contains("policy_eras.csv:6: policy: unknown policy \"maximum_presure\""), "{}", r.stderr);
}

#[test]
fn search_writes_a_policy_no_worse_than_the_experiments_and_reusable() {
    let d = Dir::new();
    let exp = "[experiment]\nreplications = 4\nhorizon_months = 24\npolicies = [\"maximum_pressure\", \"engagement_freeze\"]\nreference_policy = \"engagement_freeze\"\n[design]\nmethod = \"latin_hypercube\"\nsamples = 3\n[uncertain]\ncvid_resistance = { low = 0.5, high = 3.0 }\n";
    d.write("q.toml", exp);
    let r = d.run(&["search", "q.toml", "--iterations", "3", "--out", "found.toml"]).ok();
    // The table: each policy's metric; the found one last, no worse than any.
    let metric = |line: &str| line.split_whitespace().nth(1).unwrap().parse::<f64>().unwrap();
    let rows: Vec<&str> =
        r.stdout.lines().filter(|l| l.contains("maximum_pressure ") || l.contains("engagement_freeze")).collect();
    let found = rows.iter().find(|l| l.contains("_searched")).expect("the found policy");
    for l in rows.iter().filter(|l| !l.contains("_searched")) {
        assert!(metric(found) <= metric(l) + 1e-12, "{}", r.stdout);
    }
    // The trade-off chart beside it, a PNG.
    let png = std::fs::read(d.path().join("found.png")).expect("found.png");
    assert!(png.starts_with(b"\x89PNG") && r.stdout.contains("trade-off chart: found.png"), "{}", r.stdout);
    // The policy file is a [policies] table an experiment can use.
    let table = std::fs::read_to_string(d.path().join("found.toml")).unwrap();
    let with = exp.replace("\"engagement_freeze\"]", "\"engagement_freeze\", \"engagement_freeze_searched\"]") + &table;
    d.write("with.toml", &with);
    d.run(&["validate", "with.toml"]).ok();
    d.run(&["search", "q.toml", "--metric", "qx"]).code(2);
}
