//! Command-line arguments (clap derive).

use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

/// Monte Carlo simulation of nuclear diplomacy on the Korean peninsula: the risk of escalation
/// under each US policy, with honest error bars, reproducible to the bit.
#[derive(Parser, Debug)]
#[command(name = "brink", version, about, long_about = None, after_help = "Examples:\n  brink sweep                      run the default experiment\n  brink sweep configs/quick.toml   run an experiment file\n  brink run --policy containment_transparency --seed 7\n  brink show 3fa2                  headline numbers of a result")]
pub struct Cli {
    /// Folder that holds results.
    #[arg(long, global = true, env = "BRINK_RESULTS", default_value = "results")]
    pub results: PathBuf,
    #[command(subcommand)]
    pub command: Command,
}

/// What to do.
#[derive(Subcommand, Debug)]
pub enum Command {
    /// Run a sweep: every policy under every scenario and replication; write results/<hash>/.
    #[command(
        after_help = "Examples:\n  brink sweep\n  brink sweep configs/quick.toml --threads 2\n  brink sweep big.toml --shard 3/8      (one shard; then `brink merge HASH`)\n  brink sweep big.toml --missing --shards 8"
    )]
    Sweep {
        /// Experiment file (TOML), layered over the embedded default; none runs the default.
        config: Option<PathBuf>,
        /// Worker threads (default: RAYON_NUM_THREADS, SLURM_CPUS_PER_TASK, or every core).
        #[arg(long)]
        threads: Option<usize>,
        /// Run only shard I of K (contiguous blocks of runs), e.g. 3/8; merge with `brink merge`.
        #[arg(long, value_name = "I/K")]
        shard: Option<String>,
        /// List the shards (of --shards K) that still have runs to do, one index per line.
        #[arg(long, requires = "shards")]
        missing: bool,
        /// Number of shards for --missing.
        #[arg(long, value_name = "K")]
        shards: Option<u64>,
        /// Accept an experiment above the size limit.
        #[arg(long)]
        force: bool,
        /// Print only the result hash and folder.
        #[arg(long, short)]
        quiet: bool,
        /// Simulate every run and discard the results (bare throughput, for benchmarks).
        #[arg(long, conflicts_with_all = ["shard", "missing"])]
        dry_run: bool,
    },
    /// Run one simulation and print it month by month.
    #[command(
        after_help = "Examples:\n  brink run --policy containment_transparency --seed 7\n  brink run --policy maximum_pressure --seed 1 --months 24 --json"
    )]
    Run {
        /// Policy name (`brink policies` lists them).
        #[arg(long)]
        policy: String,
        /// Seed of the run.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Experiment file whose [model] values and policies to use.
        #[arg(long)]
        config: Option<PathBuf>,
        /// Months to simulate (default: the experiment's horizon).
        #[arg(long)]
        months: Option<u32>,
        /// JSON lines instead of text, one object per month.
        #[arg(long)]
        json: bool,
    },
    /// Redraw the charts of a result.
    #[command(
        after_help = "Examples:\n  brink plot 3fa2\n  brink plot 3fa2 --heatmap rok_engagement,deterrence_scale"
    )]
    Plot {
        /// Result hash or a unique prefix.
        hash: String,
        /// Also draw a heatmap over two swept parameters, X,Y (into charts/extra/).
        #[arg(long, value_name = "X,Y")]
        heatmap: Option<String>,
    },
    /// Write report.md of a result: the question, design, headline table, every chart with a
    /// one-sentence reading, and the caveats (charts are redrawn too).
    #[command(after_help = "Example:\n  brink report 3fa2   (then open results/<hash>/report.md)")]
    Report {
        /// Result hash or a unique prefix.
        hash: String,
    },
    /// Re-run a result from its stored config and compare every file's checksum.
    #[command(after_help = "Example:\n  brink reproduce 3fa2   (exit 0 identical, 1 differs)")]
    Reproduce {
        /// Result hash or a unique prefix.
        hash: String,
        /// Worker threads.
        #[arg(long)]
        threads: Option<usize>,
    },
    /// Assemble a sharded sweep once every shard has finished.
    #[command(after_help = "Example:\n  brink merge 3fa2")]
    Merge {
        /// Result hash or a unique prefix (complete or not).
        hash: String,
    },
    /// List results.
    #[command(after_help = "Example:\n  brink list")]
    List,
    /// Show a result: its experiment, headline numbers and whether its files are intact.
    #[command(after_help = "Example:\n  brink show 3fa2")]
    Show {
        /// Result hash or a unique prefix.
        hash: String,
    },
    /// Check an experiment file and print its hash and size without running it.
    #[command(after_help = "Example:\n  brink validate configs/quick.toml")]
    Validate {
        /// Experiment file.
        config: PathBuf,
    },
    /// List the built-in policies, one line each (--levers for their values).
    #[command(after_help = "Example:\n  brink policies --levers")]
    Policies {
        /// Show every lever's value.
        #[arg(long)]
        levers: bool,
    },
    /// Calibrate the behaviour parameters to the historical record 1994-2016 (rejection ABC on
    /// historical replays); write the posterior and the back-test to results/calibration/<hash>/.
    #[command(
        after_help = "Examples:\n  brink calibrate                               (200,000 draws; about a minute on 2 cores)\n  brink calibrate --draws 20000 --accept 200    (a quick look)\n  brink calibrate --out configs/posterior.csv   (replace the posterior sweeps draw from; rebuild)"
    )]
    Calibrate {
        /// Prior draws, one historical replay each (times --reps).
        #[arg(long, default_value_t = 200_000)]
        draws: u32,
        /// Draws kept: those nearest the record.
        #[arg(long, default_value_t = 1_000)]
        accept: u32,
        #[command(flatten)]
        replays: Replays,
        /// Also write the posterior CSV here.
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Replay 1994-2016 with a posterior and chart observed against simulated missiles per year
    /// and nuclear tests, eras shaded; write results/backtest/<key>/.
    #[command(
        after_help = "Examples:\n  brink backtest\n  brink backtest --posterior results/calibration/<hash>/posterior.csv --reps 8"
    )]
    Backtest {
        /// Posterior CSV, or "calibrated" for the one compiled in.
        #[arg(long, default_value = "calibrated")]
        posterior: String,
        #[command(flatten)]
        replays: Replays,
    },
    /// List every model parameter with its default, range and source.
    #[command(after_help = "Example:\n  brink params")]
    Params,
}

/// Options shared by `calibrate` and `backtest`: how the record is replayed.
#[derive(Args, Debug)]
pub struct Replays {
    /// Replays per parameter vector (per prior draw in `calibrate`, where the statistics are
    /// averaged over them; per posterior row in `backtest`).
    #[arg(long, default_value_t = 4)]
    pub reps: u32,
    /// Master seed (the same default for both, so `backtest` redraws `calibrate`'s back-test).
    #[arg(long, default_value_t = 19_941_021)]
    pub seed: u64,
    /// Folder holding the record's CSV files (default: the copy compiled in, data/history/).
    #[arg(long)]
    pub data: Option<PathBuf>,
    /// Worker threads.
    #[arg(long)]
    pub threads: Option<usize>,
}
