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
        /// Print only the result hash and folder (stdout), and errors (stderr): no progress, no
        /// table.
        #[arg(long, short)]
        quiet: bool,
        /// Simulate every run and discard the results (bare throughput, for benchmarks).
        #[arg(long, conflicts_with_all = ["shard", "missing"])]
        dry_run: bool,
    },
    /// Run one simulation and print it month by month, or replay a run of a sweep exactly.
    #[command(
        after_help = "Examples:\n  brink run --policy containment_transparency --seed 7\n  brink run --policy maximum_pressure --seed 1 --months 24 --json\n  brink run --result 3fa2 --run 7162                 (run 7162 of a sweep, as runs.parquet has it)\n  brink run --result 3fa2 --scenario 4 --replication 17 --policy maximum_pressure"
    )]
    Run(RunArgs),
    /// Redraw the charts of a result.
    #[command(
        after_help = "Examples:\n  brink plot 3fa2\n  brink plot 3fa2 --heatmap rok_engagement,deterrence_scale"
    )]
    Plot {
        /// Result hash or a unique prefix.
        hash: String,
        /// Also draw a heatmap over two parameters that vary between scenarios (swept, or drawn
        /// from the posterior), X,Y (into charts/extra/).
        #[arg(long, value_name = "X,Y")]
        heatmap: Option<String>,
        /// Print nothing but errors.
        #[arg(long, short)]
        quiet: bool,
    },
    /// Write report.md of a result: the question, design, headline table, every chart with a
    /// one-sentence reading, and the caveats (charts are redrawn too).
    #[command(after_help = "Example:\n  brink report 3fa2   (then open results/<hash>/report.md)")]
    Report {
        /// Result hash or a unique prefix.
        hash: String,
        /// Print nothing but errors.
        #[arg(long, short)]
        quiet: bool,
    },
    /// Re-run a result from its stored config and compare every file's checksum.
    #[command(after_help = "Example:\n  brink reproduce 3fa2   (exit 0 identical, 1 differs)")]
    Reproduce {
        /// Result hash or a unique prefix.
        hash: String,
        /// Worker threads.
        #[arg(long)]
        threads: Option<usize>,
        /// Print nothing but errors (the exit code says whether it reproduced).
        #[arg(long, short)]
        quiet: bool,
    },
    /// Assemble a sharded sweep once every shard has finished.
    #[command(after_help = "Example:\n  brink merge 3fa2")]
    Merge {
        /// Result hash or a unique prefix (complete or not).
        hash: String,
        /// Print only the result hash and folder, and errors.
        #[arg(long, short)]
        quiet: bool,
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
    /// List the built-in policies, one line each (--levers for the levers, their valid range
    /// and meaning, and each policy's values); with --config, an experiment's policies (built in
    /// and its own) with each lever's value, or its range for a policy family.
    #[command(after_help = "Examples:\n  brink policies --levers\n  brink policies --config configs/my_policy.toml")]
    Policies {
        /// Show the levers (valid range and meaning) and every policy's values.
        #[arg(long)]
        levers: bool,
        /// Experiment file whose policies to list, with their levers.
        #[arg(long, value_name = "FILE")]
        config: Option<PathBuf>,
    },
    /// Calibrate the model to the historical record by ABC-SMC on historical replays: behaviour
    /// parameters, the rival mechanisms' weights and the op-ed's hypotheses are drawn from their
    /// priors; write the posterior, its predictive checks and the back-test to
    /// results/calibration/<hash>/. With --coverage N, check instead how often the 90% posterior
    /// interval covers the truth on N synthetic records drawn from the prior.
    #[command(
        after_help = "Examples:\n  brink calibrate                                 (about a minute on 2 cores)\n  brink calibrate --holdout-from 2009-01          (fit 1994-2008, test on strategic patience)\n  brink calibrate --out configs/posterior.csv     (replace the posterior sweeps draw from; rebuild)\n  brink calibrate --coverage 100                  (simulation-based check of the intervals)"
    )]
    Calibrate {
        /// Particles per generation (the posterior's size).
        #[arg(long, default_value_t = 1_000)]
        particles: u32,
        /// Prior draws of generation 0, one replay each (the nearest --particles are kept).
        #[arg(long, default_value_t = 100_000)]
        initial: u32,
        /// Most generations after generation 0 (each lowers the tolerance).
        #[arg(long, default_value_t = 6)]
        generations: u32,
        /// Most MCMC steps per chain and generation.
        #[arg(long, default_value_t = 1_000)]
        max_steps: u32,
        #[command(flatten)]
        replays: Replays,
        /// Also write the posterior CSV here.
        #[arg(long)]
        out: Option<PathBuf>,
        /// Instead of calibrating on the record, calibrate on N synthetic records (parameters
        /// drawn from the prior) and report how often each 90% interval covers the truth; uses
        /// --particles, --initial and --generations for each (try 200, 20000, 2).
        #[arg(long, value_name = "N")]
        coverage: Option<u32>,
    },
    /// Replay the record with a posterior and check every statistic against its predictive
    /// band: era by era, fit and holdout; chart missiles, nuclear tests, deadly incidents and
    /// warheads with the eras and the holdout shaded; write results/backtest/<key>/.
    #[command(
        after_help = "Examples:\n  brink backtest\n  brink backtest --posterior results/calibration/<hash>/posterior.csv --reps 8\n  brink backtest --data my-record/ --until 2018-12 --holdout-from 2017-01"
    )]
    Backtest {
        /// Posterior CSV, or "calibrated" for the one compiled in.
        #[arg(long, default_value = "calibrated")]
        posterior: String,
        /// Replays per posterior row.
        #[arg(long, default_value_t = 4)]
        reps: u32,
        #[command(flatten)]
        replays: Replays,
    },
    /// Search the levers for the setting with the lowest maximum regret (or risk quantile, or
    /// harm) across an experiment's scenario set, from the best of its policies; write it as a
    /// policy file.
    #[command(
        after_help = "Examples:\n  brink search                                  (the default scenario set; about 1.5 minutes)\n  brink search my.toml --metric q90 --out robust.toml"
    )]
    Search {
        /// Experiment file whose scenario set and policies to use (default: the embedded default).
        config: Option<PathBuf>,
        /// max_regret (against the experiment's policies), harm (mean harm-weighted outcome),
        /// or qNN (the NN% quantile of risk across scenarios).
        #[arg(long, default_value = "max_regret")]
        metric: String,
        /// Most Nelder-Mead iterations.
        #[arg(long, default_value_t = 30)]
        iterations: u64,
        /// Where to write the best setting as a policy file.
        #[arg(long, default_value = "searched_policy.toml")]
        out: PathBuf,
        /// Where to draw the trade-off chart (risk against warheads at the horizon of every
        /// setting evaluated); default: --out with the extension .png.
        #[arg(long)]
        chart: Option<PathBuf>,
        /// Worker threads.
        #[arg(long)]
        threads: Option<usize>,
    },
    /// List every model parameter: default, range, unit, meaning, source, and whether the
    /// default sweep varies it and the calibration fits it.
    #[command(
        after_help = "Examples:\n  brink params\n  brink params --json | jq '.parameters[] | select(.swept)'\n  brink params --markdown"
    )]
    Params {
        /// Every field as JSON: {"model": ..., "parameters": [{name, default, range, unit, group, meaning, source, swept, calibrated}]}.
        #[arg(long, conflicts_with = "markdown")]
        json: bool,
        /// One Markdown table per group (the table in docs/MODEL.md).
        #[arg(long)]
        markdown: bool,
    },
}

/// Options of `brink run`.
#[derive(Args, Debug)]
pub struct RunArgs {
    /// Policy name (`brink policies` lists them); with --result, with --scenario and
    /// --replication, the policy of the run to replay.
    #[arg(long)]
    pub policy: Option<String>,
    /// Seed of the run.
    #[arg(long, default_value_t = 1, conflicts_with = "result")]
    pub seed: u64,
    /// Experiment file whose [model] values and policies to use.
    #[arg(long, conflicts_with = "result")]
    pub config: Option<PathBuf>,
    /// Months to simulate (default: the experiment's horizon).
    #[arg(long, conflicts_with = "result")]
    pub months: Option<u32>,
    /// JSON lines instead of text, one object per month, then the outcome.
    #[arg(long)]
    pub json: bool,
    /// Parameter set: the calibrated posterior's medians (of the parameters the experiment
    /// draws from its posterior) over the defaults, or the documented defaults alone.
    #[arg(long, value_enum, default_value_t = ParamSet::Median, conflicts_with = "result")]
    pub params: ParamSet,
    /// Replay a run of this result (hash or unique prefix) exactly: its scenario's swept values
    /// and posterior draw, its seed, its policy; the outcome is checked against runs.parquet.
    #[arg(long, value_name = "HASH")]
    pub result: Option<String>,
    /// With --result: the run to replay (the `run` column of runs.parquet).
    #[arg(long, requires = "result", conflicts_with_all = ["scenario", "replication", "policy"])]
    pub run: Option<u64>,
    /// With --result: the scenario of the run to replay (with --replication and --policy).
    #[arg(long, requires = "result")]
    pub scenario: Option<u32>,
    /// With --result: the replication of the run to replay (with --scenario and --policy).
    #[arg(long, requires = "result")]
    pub replication: Option<u32>,
}

/// Which parameter values `brink run` uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum ParamSet {
    /// The posterior medians of the calibrated parameters, the defaults for the rest.
    Median,
    /// The documented defaults (and the experiment's [model] values).
    Defaults,
}

/// Options shared by `calibrate` and `backtest`: which record, which span of it, which part is
/// held out.
#[derive(Args, Debug)]
pub struct Replays {
    /// Master seed.
    #[arg(long, default_value_t = 19_941_021)]
    pub seed: u64,
    /// Folder holding the record's CSV files (default: the copy compiled in, data/history/).
    #[arg(long)]
    pub data: Option<PathBuf>,
    /// First month of the replay, YYYY-MM (default: the first era with a policy; the state is
    /// the latest of initial_state.csv at or before it).
    #[arg(long, value_name = "YYYY-MM")]
    pub from: Option<String>,
    /// Last month of the replay, YYYY-MM (default: the last month the record's eras cover).
    #[arg(long, value_name = "YYYY-MM")]
    pub until: Option<String>,
    /// First month held out: statistics used for fitting come only from earlier months; later
    /// eras are reported out of sample (default for `backtest`: the posterior's own).
    #[arg(long, value_name = "YYYY-MM")]
    pub holdout_from: Option<String>,
    /// Worker threads.
    #[arg(long)]
    pub threads: Option<usize>,
}
