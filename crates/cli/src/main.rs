//! The `uptake` command line: a thin layer that parses arguments, runs one
//! subcommand from `cmd/`, and reports errors as `error: …`.
//!
//! Exit codes: 0 success, 1 failure, 2 usage error. A closed pipe
//! (`uptake videos | head`) exits 0.

mod cli;
mod cmd;
mod fields;
mod import_sink;
mod project;
mod rules;
mod stats_table;

use std::io::Write;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = match <cli::Cli as clap::Parser>::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    match cmd::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            if is_broken_pipe(&err) {
                return ExitCode::SUCCESS;
            }
            let mut stderr = std::io::stderr().lock();
            let _ = writeln!(stderr, "error: {err:#}");
            ExitCode::from(1)
        }
    }
}

fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|e| {
        e.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}
