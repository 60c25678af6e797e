//! `brink calibrate` and `brink backtest`: calibration to the historical record and the
//! back-test chart.

use crate::app::{failed, setup_threads, usage, Res};
use brink_analysis::store::{temporary, write_atomic, Store};
use brink_core::Params;
use brink_sweep::calibrate::{backtest, calibrate, AbcSpec, Backtest, Posterior, EMBEDDED_NAME};
use brink_sweep::files::{self, Kind};
use brink_sweep::history::{Record, Replay, REPLAY_ERAS};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::Instant;

/// The record: compiled in, or read from `dir`.
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
fn backtest_files(bt: &Backtest, r: &Record, note: &str, scratch: &Path) -> Res<Vec<(&'static str, Vec<u8>)>> {
    let mut years = String::from("year,observed_missiles,missiles_q05,missiles_q25,missiles_q50,missiles_q75,missiles_q95,observed_tests_cumulative,tests_q05,tests_q25,tests_q50,tests_q75,tests_q95\n");
    for (i, y) in bt.years.iter().enumerate() {
        let _ = writeln!(
            years,
            "{y},{},{},{},{}",
            bt.observed[i],
            q(&bt.simulated[i]),
            bt.tests_observed[i],
            q(&bt.tests_simulated[i])
        );
    }
    let mut eras = String::from(
        "era,first_year,last_year,observed_per_year,sim_q05,sim_q25,sim_q50,sim_q75,sim_q95,observed_inside_90\n",
    );
    for (name, a, b, o, s) in &bt.eras {
        let _ = writeln!(eras, "{name},{a},{b},{o:?},{},{}", q(s), *o >= s[0] && *o <= s[4]);
    }
    let mut stats = String::from("statistic,observed,sim_q05,sim_q25,sim_q50,sim_q75,sim_q95\n");
    for (name, o, s) in &bt.stats {
        let _ = writeln!(stats, "{name},{o:?},{}", q(s));
    }
    let shaded: Vec<(String, i32, i32)> = REPLAY_ERAS
        .iter()
        .map(|(e, _)| {
            let era = r.era(e);
            (e.to_string(), era.start.year(), era.end.year())
        })
        .collect();
    std::fs::create_dir_all(scratch).map_err(|e| failed(format!("{}: {e}", scratch.display())))?;
    let png = temporary(&scratch.join("backtest.png"), ".png");
    brink_analysis::charts::backtest(&png, bt, &shaded, note)
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
    println!("\nmissiles per year by era: observed, and the model's median [90% band] over {} replays", bt.replays);
    for (name, a, b, o, s) in &bt.eras {
        let inside = if *o >= s[0] && *o <= s[4] { "inside" } else { "OUTSIDE" };
        println!("  {name:20} {a}-{b}  observed {o:6.2}  model {:6.2} [{:.2}, {:.2}]  {inside}", s[2], s[0], s[4]);
    }
    let med: Vec<f64> = bt.eras.iter().map(|e| e.4[2]).collect();
    let ordered = med.windows(2).all(|w| w[0] < w[1]);
    println!(
        "  ordering of the medians (agreed framework < six-party talks < strategic patience): {}",
        if ordered { "reproduced" } else { "NOT reproduced" }
    );
    println!("\nother statistics: observed, and the model's median [90% band]");
    for (name, o, s) in bt.stats.iter().skip(3) {
        println!("  {name:36} observed {o:8.2}  model {:8.2} [{:.2}, {:.2}]", s[2], s[0], s[4]);
    }
}

/// `brink calibrate`.
pub fn calibrate_cmd(
    results: &Path,
    spec: AbcSpec,
    data: Option<&Path>,
    threads: Option<usize>,
    out: Option<&Path>,
) -> Res {
    if spec.draws == 0 || spec.accept == 0 || spec.reps == 0 {
        return Err(usage("--draws, --accept and --reps must be at least 1"));
    }
    if spec.accept > spec.draws {
        return Err(usage(format!("--accept {} is more than --draws {}", spec.accept, spec.draws)));
    }
    let n = setup_threads(threads)?;
    let r = record(data)?;
    Store::new(results).own().map_err(|e| failed(e.to_string()))?;
    let start = Instant::now();
    eprintln!(
        "brink: calibrating {} parameters to the record: {} prior draws x {} replays on {n} threads",
        brink_sweep::calibrate::PRIORS.len(),
        spec.draws,
        spec.reps
    );
    let cal = calibrate(&r, &spec, &Params::default());
    let took = start.elapsed().as_secs_f64();
    let bt = backtest(&r, &cal.posterior, 4, spec.seed, &Params::default());
    let dir = results.join("calibration").join(&cal.hash);
    let note = format!("calibration {} · {} replays of the posterior", cal.hash, bt.replays);
    let mut files = vec![("posterior.csv", cal.posterior.text.clone().into_bytes())];
    files.extend(backtest_files(&bt, &r, &note, results)?);
    write_folder(&dir, &files)?;
    if let Some(out) = out {
        write_atomic(out, cal.posterior.text.as_bytes()).map_err(|e| failed(e.to_string()))?;
    }
    println!("calibration {} ({} of {} draws accepted, {took:.1} s)", cal.hash, cal.posterior.rows.len(), spec.draws);
    println!("\nposterior: 5%, median, 95% (prior range)");
    for ((p, x), prior) in cal.posterior.ranges().iter().zip(brink_sweep::calibrate::PRIORS) {
        println!("  {:24} {:8.4} {:8.4} {:8.4}   ({}, {})", p.name(), x[1], x[2], x[3], prior.low, prior.high);
    }
    print_backtest(&bt);
    println!("\nwritten: {}", dir.display());
    if let Some(out) = out {
        println!("posterior also written to {}", out.display());
    }
    Ok(())
}

/// `brink backtest`.
pub fn backtest_cmd(
    results: &Path,
    post: &str,
    reps: u32,
    seed: u64,
    data: Option<&Path>,
    threads: Option<usize>,
) -> Res {
    if reps == 0 {
        return Err(usage("--reps must be at least 1"));
    }
    setup_threads(threads)?;
    let r = record(data)?;
    let p = posterior(post)?;
    Store::new(results).own().map_err(|e| failed(e.to_string()))?;
    let bt = backtest(&r, &p, reps, seed, &Params::default());
    let key = blake3::hash(format!("{}:{}:{reps}:{seed}", p.blake3, r.blake3).as_bytes()).to_hex()[..16].to_string();
    let dir: PathBuf = results.join("backtest").join(&key);
    let note = format!(
        "posterior {} · calibration {} · {} replays",
        &p.blake3[..16],
        p.meta("calibration").unwrap_or("?"),
        bt.replays
    );
    let files = backtest_files(&bt, &r, &note, results)?;
    write_folder(&dir, &files)?;
    let rp = Replay::from_record(&r);
    println!(
        "back-test of {} posterior rows x {reps} replays, {} to {} ({} months)",
        p.rows.len(),
        rp.start,
        rp.ym(rp.horizon - 1),
        rp.horizon
    );
    print_backtest(&bt);
    println!("\nwritten: {}", dir.display());
    Ok(())
}
