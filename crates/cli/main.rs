//! `brink`: the command line. It only parses arguments, wires the library crates together and
//! turns the outcome into an exit code (0 success, 1 a run or verification failed, 2 bad usage
//! or bad input).

mod app;
mod args;
mod cmd;
mod common;
mod progress;
mod replays;

fn main() {
    std::process::exit(app::main());
}
