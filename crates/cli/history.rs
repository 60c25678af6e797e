//! `brink calibrate` and `brink backtest`: calibration to the historical record, its coverage
//! check, and the back-test.

use crate::app::{failed, setup_threads, usage, Res};
use crate::args::Replays;
use brink_analysis::store::{temporary, write_atomic, Store};
use brink_core::Params;
use brink_sweep::calibrate::{
    backtest, calibrate, coverage, replay_of, Backtest, Posterior, SmcSpec, EMBEDDED_NAME, PRIORS,
};
use brink_sweep::files::{self, Kind};
use brink_sweep::history::{Record, Replay, Span, Window, Ym};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::Instant;

/// The record: compiled in, or read from `dir` (through the guarded reader).
fn record(dir: Option<&Path>) -> Res<Record> {
    match dir {
        None => Ok(Record::embedded()),
        Some(d) => Record::parse(&|name| {
            files::read_text(&d.join(name), Kind::Record)
                .map_err(|e| format!("cannot read the {}: {}", e.kind.noun(), e.why))
        })
        .map_err(|e| match e.line {
            0 => usage(format!("{}: {}", d.join(&e.file).display(), e.message)),
            _ => usage(format!("{}/{e}", d.display())),
        }),
    }
}

fn month(flag: &str, s: &Option<String>) -> Res<Option<Ym>> {
    s.as_deref()
        .map(|x| Ym::parse(x).ok_or_else(|| usage(format!("{flag} {x:?}: expected a month YYYY-MM"))))
        .transpose()
}

/// The replay the options ask for, with what it leaves out named on stderr.
fn replay(r: &Record, o: &Replays, default_holdout: Option<Ym>) -> Res<Replay> {
    let span = Span {
        from: month("--from", &o.from)?,
        until: month("--until", &o.until)?,
        holdout_from: month("--holdout-from", &o.holdout_from)?.or(default_holdout),
    };
    let rp = Replay::new(r, &span).map_err(usage)?;
    for n in &rp.notes {
        eprintln!("brink: note: {n}");
    }
    Ok(rp)
}

fn posterior(spec: &str) -> Res<Posterior> {
    if spec == EMBEDDED_NAME {
        return Ok(Posterior::embedded());
    }
    let text = files::read_text(Path::new(spec), Kind::Posterior).map_err(|e| usage(e.to_string()))?;
    Posterior::parse(&text).map_err(|e| usage(format!("{spec}: {e}")))
}

/// Writes `files` into `dir` as a whole: a temporary sibling folder, then a rename, so a
/// folder under its final name is always complete.
fn write_folder(dir: &Path, files: &[(&str, Vec<u8>)]) -> Res {
    let parent = dir.parent().unwrap_or(Path::new("."));
    let io = |what: &Path, e: std::io::Error| failed(format!("{}: {e}", what.display()));
    std::fs::create_dir_all(parent).map_err(|e| io(parent, e))?;
    let tmp = temporary(dir, "");
    let result = (|| {
        std::fs::create_dir_all(&tmp).map_err(|e| io(&tmp, e))?;
        for (f, bytes) in files {
            write_atomic(&tmp.join(f), bytes).map_err(|e| failed(e.to_string()))?;
        }
        if dir.exists() {
            std::fs::remove_dir_all(dir).map_err(|e| io(dir, e))?;
        }
        std::fs::rename(&tmp, dir).map_err(|e| io(dir, e))
    })();
    if result.is_err() {
        let _ = std::fs::remove_dir_all(&tmp);
    }
    result
}

fn q(x: &[f64; 5]) -> String {
    x.iter().map(|v| format!("{v:?}")).collect::<Vec<_>>().join(",")
}

/// The files of a back-test: CSVs and the chart (drawn into `scratch`, then read back).
fn backtest_files(bt: &Backtest, note: &str, scratch: &Path) -> Res<Vec<(&'static str, Vec<u8>)>> {
    let mut years = String::from("year");
    for s in ["missiles", "tests_cumulative", "incidents_cumulative", "warheads_end_of_year"] {
        let _ = write!(years, ",observed_{s},{s}_q05,{s}_q25,{s}_q50,{s}_q75,{s}_q95");
    }
    years.push('\n');
    for (i, y) in bt.years.iter().enumerate() {
        let _ = write!(years, "{y}");
        for s in [&bt.missiles, &bt.tests, &bt.incidents, &bt.warheads] {
            let o = s.observed[i];
            let _ =
                write!(years, ",{},{}", if o.is_nan() { String::new() } else { format!("{o:?}") }, q(&s.simulated[i]));
        }
        years.push('\n');
    }
    let mut eras = String::from(
        "era,start,end,window,statistic,observed,sim_q05,sim_q25,sim_q50,sim_q75,sim_q95,observed_inside_90\n",
    );
    let mut stats = String::from(
        "statistic,window,observed,observed_half_width,sim_q05,sim_q25,sim_q50,sim_q75,sim_q95,observed_inside_90\n",
    );
    for c in &bt.checks {
        let s = &c.stat;
        let _ = writeln!(
            stats,
            "{},{},{:?},{:?},{},{}",
            s.name,
            s.window.name(),
            s.observed,
            s.half_width,
            q(&c.simulated),
            c.inside_90()
        );
        if let Some((name, a, b, w)) = bt.eras.iter().find(|(n, ..)| s.name.ends_with(&format!("_{n}"))) {
            let what = s.name.trim_end_matches(&format!("_{name}"));
            let _ = writeln!(
                eras,
                "{name},{a},{b},{},{what},{:?},{},{}",
                w.name(),
                s.observed,
                q(&c.simulated),
                c.inside_90()
            );
        }
    }
    std::fs::create_dir_all(scratch).map_err(|e| failed(format!("{}: {e}", scratch.display())))?;
    let png = temporary(&scratch.join("backtest.png"), ".png");
    brink_analysis::charts::backtest(&png, bt, note)
        .map_err(|e| failed(format!("{}: cannot draw the chart: {e}", png.display())))?;
    let bytes = files::read(&png, Kind::Output).map_err(|e| failed(e.to_string()));
    let _ = std::fs::remove_file(&png);
    Ok(vec![
        ("backtest.csv", years.into_bytes()),
        ("eras.csv", eras.into_bytes()),
        ("statistics.csv", stats.into_bytes()),
        ("backtest.png", bytes?),
    ])
}

fn print_backtest(bt: &Backtest) {
    println!(
        "\nposterior predictive checks: the record against the model's median [90% band] over {} replays",
        bt.replays
    );
    for (window, heading) in [
        (Window::Fit, "fitted".to_string()),
        (Window::Holdout, format!("held out (from {})", bt.holdout_from.map(|h| h.to_string()).unwrap_or_default())),
    ] {
        let checks: Vec<_> = bt.checks.iter().filter(|c| c.stat.window == window).collect();
        if checks.is_empty() {
            continue;
        }
        println!("  {heading}:");
        for c in checks {
            let s = &c.simulated;
            let observed = if c.stat.half_width > 0.0 {
                format!("{}-{}", c.stat.observed - c.stat.half_width, c.stat.observed + c.stat.half_width)
            } else {
                format!("{:.2}", c.stat.observed)
            };
            println!(
                "    {:44} observed {:>9}  model {:8.2} [{:.2}, {:.2}]  {}",
                c.stat.name,
                observed,
                s[2],
                s[0],
                s[4],
                if c.inside_90() { "inside" } else { "OUTSIDE" }
            );
        }
    }
    let missed = bt.checks.iter().filter(|c| !c.inside_90()).count();
    println!("  {} of {} statistics inside their 90% band", bt.checks.len() - missed, bt.checks.len());
}

/// `brink calibrate`.
pub fn calibrate_cmd(results: &Path, spec: SmcSpec, o: &Replays, out: Option<&Path>, records: Option<u32>) -> Res {
    if spec.particles < 2 || spec.initial < spec.particles {
        return Err(usage("--particles must be at least 2 and --initial at least --particles"));
    }
    let n = setup_threads(o.threads)?;
    let r = record(o.data.as_deref())?;
    let rp = replay(&r, o, None)?;
    if let Some(records) = records {
        return coverage_cmd(results, &r, &rp, &spec, records, n);
    }
    Store::new(results).own().map_err(|e| failed(e.to_string()))?;
    let start = Instant::now();
    eprintln!(
        "brink: calibrating {} parameters to the record {} to {}{} by ABC-SMC ({} particles, {} prior draws, up to {} generations) on {n} threads",
        PRIORS.len(),
        rp.start,
        rp.end(),
        rp.holdout_from.map(|h| format!(", holding out {h} on")).unwrap_or_default(),
        spec.particles,
        spec.initial,
        spec.generations
    );
    let cal = calibrate(&r, &rp, &spec, &Params::default());
    let took = start.elapsed().as_secs_f64();
    let bt = backtest(&r, &rp, &cal.posterior, 4, spec.seed, &Params::default());
    let dir = results.join("calibration").join(&cal.hash);
    let note = format!("calibration {} · {} replays of the posterior", cal.hash, bt.replays);
    let mut files = vec![("posterior.csv", cal.posterior.text.clone().into_bytes())];
    files.extend(backtest_files(&bt, &note, results)?);
    write_folder(&dir, &files)?;
    if let Some(out) = out {
        write_atomic(out, cal.posterior.text.as_bytes()).map_err(|e| failed(e.to_string()))?;
    }
    println!("calibration {} ({} replays, {took:.1} s)", cal.hash, cal.replays);
    for (i, g) in cal.generations.iter().enumerate() {
        println!(
            "  generation {i}: tolerance {:.3}, {} proposals, {} accepted or moved",
            g.epsilon, g.proposals, g.accepted
        );
    }
    println!("\nposterior: 5%, median, 95%; width of the 90% interval over the prior's (informed: < 0.8)");
    for ((p, x), prior) in cal.posterior.ranges().iter().zip(PRIORS) {
        let width = (x[3] - x[1]) / (prior.high - prior.low);
        println!(
            "  {:24} {:10.4} {:10.4} {:10.4}   width {width:.2}{}   prior ({}, {})",
            p.name(),
            x[1],
            x[2],
            x[3],
            if width < 0.8 { " informed" } else { "         " },
            prior.low,
            prior.high
        );
    }
    print_backtest(&bt);
    println!("\nwritten: {}", dir.display());
    if let Some(out) = out {
        println!("posterior also written to {}", out.display());
    }
    Ok(())
}

/// `brink calibrate --coverage N`.
fn coverage_cmd(results: &Path, r: &Record, rp: &Replay, spec: &SmcSpec, records: u32, threads: usize) -> Res {
    if records == 0 {
        return Err(usage("--coverage needs at least one synthetic record"));
    }
    let start = Instant::now();
    eprintln!(
        "brink: coverage of the 90% intervals over {records} synthetic records ({} particles, {} prior draws, up to {} generations each) on {threads} threads",
        spec.particles, spec.initial, spec.generations
    );
    let cov = coverage(r, rp, spec, records, &Params::default());
    let took = start.elapsed().as_secs_f64();
    let mut csv = String::from("parameter,records,inside_90,coverage,mean_relative_width\n");
    println!("coverage of the 90% posterior interval over {records} synthetic records ({took:.0} s)");
    for c in &cov {
        let share = c.inside as f64 / c.records as f64;
        let _ = writeln!(csv, "{},{},{},{share:?},{:?}", c.param.name(), c.records, c.inside, c.width);
        let flag = if (0.80..=0.97).contains(&share) { "" } else { "  outside 80-97%" };
        println!("  {:24} {:5.1}%   mean width {:.2}{flag}", c.param.name(), 100.0 * share, c.width);
    }
    let key = blake3::hash(format!("{}:{}:{records}:{spec:?}", r.blake3, brink_core::MODEL_VERSION).as_bytes())
        .to_hex()[..16]
        .to_string();
    let dir = results.join("coverage").join(key);
    write_folder(&dir, &[("coverage.csv", csv.into_bytes())])?;
    println!("\nwritten: {}", dir.display());
    Ok(())
}

/// `brink backtest`.
pub fn backtest_cmd(results: &Path, post: &str, reps: u32, o: &Replays) -> Res {
    if reps == 0 {
        return Err(usage("--reps must be at least 1"));
    }
    setup_threads(o.threads)?;
    let r = record(o.data.as_deref())?;
    let p = posterior(post)?;
    // The posterior's own holdout unless the options say otherwise; its span only if the
    // options give none (a record extended past it is replayed to its end).
    let own = replay_of(&Record::embedded(), &p).ok().and_then(|rp| rp.holdout_from);
    let rp = replay(&r, o, own)?;
    Store::new(results).own().map_err(|e| failed(e.to_string()))?;
    let bt = backtest(&r, &rp, &p, reps, o.seed, &Params::default());
    let key = blake3::hash(
        format!("{}:{}:{reps}:{}:{:?}", p.blake3, r.blake3, o.seed, (rp.start, rp.end(), rp.holdout_from)).as_bytes(),
    )
    .to_hex()[..16]
        .to_string();
    let dir: PathBuf = results.join("backtest").join(&key);
    let note = format!(
        "posterior {} · calibration {} · {} replays",
        &p.blake3[..16],
        p.meta("calibration").unwrap_or("?"),
        bt.replays
    );
    let files = backtest_files(&bt, &note, results)?;
    write_folder(&dir, &files)?;
    println!(
        "back-test of {} posterior rows x {reps} replays, {} to {} ({} months){}",
        p.rows.len(),
        rp.start,
        rp.end(),
        rp.horizon,
        rp.holdout_from.map(|h| format!(", held out from {h}")).unwrap_or_default()
    );
    println!("\neras:");
    for (name, a, b, w) in &bt.eras {
        let checks: Vec<String> = bt
            .checks
            .iter()
            .filter(|c| c.stat.name.ends_with(&format!("_{name}")))
            .map(|c| {
                format!(
                    "{} {}",
                    c.stat.name.trim_end_matches(&format!("_{name}")),
                    if c.inside_90() { "inside" } else { "OUTSIDE" }
                )
            })
            .collect();
        println!("  {name:32} {a} to {b}  {:7}  {}", w.name(), checks.join(", "));
    }
    print_backtest(&bt);
    println!("\nwritten: {}", dir.display());
    Ok(())
}
