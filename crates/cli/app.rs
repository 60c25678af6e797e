//! The entry point: parses the command line, dispatches to the module of each subcommand
//! ([`crate::cmd`]) and maps the outcome to an exit code (0 success, 1 a run or verification
//! failed, 2 bad usage or bad input). No command imports this module.

use crate::args::{Cli, Command};
use crate::cmd;
use crate::common::Res;
use brink_analysis::store::Store;
use clap::Parser;

/// Runs the command line; returns the exit code.
pub fn main() -> i32 {
    // A panic inside a run is caught and recorded by the sweep; keep its message off stderr.
    std::panic::set_hook(Box::new(|_| {}));
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return code;
        }
    };
    let outcome = std::panic::catch_unwind(|| dispatch(cli));
    brink_analysis::owner::release();
    match outcome {
        Ok(Ok(())) => 0,
        // Standard output closed early (`brink run ... | head`): nothing to report.
        Ok(Err(f)) if f.code == 0 => 0,
        Ok(Err(f)) => {
            eprintln!("brink: {}", f.msg.trim_end());
            f.code
        }
        Err(p) => {
            let msg = p
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| p.downcast_ref::<String>().cloned())
                .unwrap_or_default();
            if msg.contains("Broken pipe") {
                return 0; // the reader went away (`brink list | head`): not an error of ours
            }
            eprintln!("brink: internal error ({msg}); please report it with the command you ran");
            1
        }
    }
}

fn dispatch(cli: Cli) -> Res {
    let store = Store::new(&cli.results);
    match cli.command {
        Command::Sweep { config, threads, shard, missing, shards, force, quiet, dry_run } => {
            let exp = crate::common::load(config.as_deref())?;
            if dry_run {
                return cmd::sweep::dry(exp, threads, force);
            }
            if let (true, Some(k)) = (missing, shards) {
                return cmd::sweep::list_missing(&store, exp, k);
            }
            cmd::sweep::sweep(&store, exp, threads, shard.as_deref(), force, quiet)
        }
        Command::Run(a) => cmd::run::run(&store, &a),
        Command::Plot { hash, heatmap, quiet } => cmd::plot::plot(&store, &hash, heatmap.as_deref(), quiet),
        Command::Report { hash, quiet } => cmd::report::report(&store, &hash, quiet),
        Command::Reproduce { hash, threads, quiet } => cmd::reproduce::reproduce(&store, &hash, threads, quiet),
        Command::Merge { hash, quiet } => cmd::merge::merge(&store, &hash, quiet),
        Command::List => cmd::list::list(&store),
        Command::Show { hash } => cmd::show::show(&store, &hash),
        Command::Validate { config } => cmd::validate::validate(&config),
        Command::Policies { levers, config } => cmd::policies::policies(levers, config.as_deref()),
        Command::Calibrate { particles, initial, generations, max_steps, replays: r, out, coverage } => {
            let spec =
                brink_sweep::SmcSpec { particles, initial, generations, max_steps, seed: r.seed, ..Default::default() };
            cmd::calibrate::calibrate_cmd(&cli.results, spec, &r, out.as_deref(), coverage)
        }
        Command::Backtest { posterior, reps, replays: r } => {
            cmd::backtest::backtest_cmd(&cli.results, &posterior, reps, &r)
        }
        Command::Params { json, markdown } => cmd::params::params(json, markdown),
        Command::Search { config, metric, iterations, out, chart, threads } => {
            cmd::search::run(config.as_deref(), &metric, iterations, &out, chart.as_deref(), threads)
        }
    }
}
