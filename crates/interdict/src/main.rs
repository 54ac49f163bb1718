//! The `interdict` command line. `main` only calls `run`; each subcommand
//! lives in its own module under `commands/`.

mod args;
mod commands;
mod output;

use std::process::ExitCode;

fn main() -> ExitCode {
    args::run()
}
