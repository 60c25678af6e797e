//! Progress of a sweep on stderr, with the `indicatif` crate: a bar with runs done, the rate and
//! the time left, redrawn a few times a second, hidden when stderr is not a terminal (a log file,
//! a Slurm job) and with `--quiet`, cleared when done.

use brink_analysis::words::count;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::time::Instant;

pub(crate) struct Progress {
    bar: ProgressBar,
    start: Instant,
    start_done: u64,
    quiet: bool,
}

impl Progress {
    /// A bar of `total` runs, `done` of them already on disk.
    pub(crate) fn new(total: u64, done: u64, quiet: bool) -> Progress {
        let target = if quiet { ProgressDrawTarget::hidden() } else { ProgressDrawTarget::stderr_with_hz(4) };
        let bar = ProgressBar::with_draw_target(Some(total), target);
        if let Ok(style) = ProgressStyle::with_template("{bar:40} {human_pos}/{human_len} runs  {per_sec}  {eta} left")
        {
            bar.set_style(style);
        }
        bar.set_position(done);
        bar.reset_eta();
        Progress { bar, start: Instant::now(), start_done: done, quiet }
    }

    /// `n` more runs done.
    pub(crate) fn advance(&self, n: u64) {
        self.bar.inc(n);
    }

    /// Clears the bar and says what was done, unless quiet.
    pub(crate) fn finish(&self) {
        self.bar.finish_and_clear();
        if self.quiet {
            return;
        }
        let secs = self.start.elapsed().as_secs_f64();
        let ran = self.bar.position() - self.start_done;
        let rate = ran as f64 / secs.max(1e-9);
        if self.start_done > 0 {
            eprintln!(
                "resumed: {} already on disk; ran {} more in {secs:.1} s ({rate:.0} runs/s)",
                count(self.start_done, "run"),
                ran
            );
        } else {
            eprintln!("ran {} in {secs:.1} s ({rate:.0} runs/s)", count(ran, "run"));
        }
    }
}
