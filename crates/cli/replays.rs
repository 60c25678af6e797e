//! What `brink calibrate` and `brink backtest` share: the record (compiled in or read from a
//! folder), the replay the options ask for, a posterior file, the back-test's files and tables,
//! and writing a folder as a whole.

use crate::args::Replays;
use crate::common::{failed, usage, Res};
use brink_analysis::store::{temporary, write_atomic};
use brink_sweep::calibrate::{Backtest, Posterior, EMBEDDED_NAME};
use brink_sweep::files::{self, Kind};
use brink_sweep::history::{Record, Replay, Span, Window, Ym};
use std::fmt::Write as _;
use std::path::Path;

/// The record: compiled in, or read from `dir` (through the guarded reader).
pub(crate) fn record(dir: Option<&Path>) -> Res<Record> {
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
pub(crate) fn replay(r: &Record, o: &Replays, default_holdout: Option<Ym>) -> Res<Replay> {
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

pub(crate) fn posterior(spec: &str) -> Res<Posterior> {
    if spec == EMBEDDED_NAME {
        return Ok(Posterior::embedded());
    }
    let text = files::read_text(Path::new(spec), Kind::Posterior).map_err(|e| usage(e.to_string()))?;
    Posterior::parse(&text).map_err(|e| usage(format!("{spec}: {e}")))
}

/// Writes `files` into `dir` as a whole: a temporary sibling folder, then a rename, so a
/// folder under its final name is always complete.
pub(crate) fn write_folder(dir: &Path, files: &[(&str, Vec<u8>)]) -> Res {
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
pub(crate) fn backtest_files(bt: &Backtest, note: &str, scratch: &Path) -> Res<Vec<(&'static str, Vec<u8>)>> {
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

pub(crate) fn print_backtest(bt: &Backtest) {
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
