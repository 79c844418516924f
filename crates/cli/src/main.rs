//! The `uptake` command line: a thin layer that parses arguments, runs one
//! subcommand from `cmd/`, and reports errors as `error: …`.
//!
//! Exit codes: 0 success, 1 failure, 2 usage error. A closed pipe
//! (`uptake videos | head`) exits 0.

mod cli;
mod cmd;
mod fields;
mod file_hash;
mod import_sink;
mod project;
mod rules;
mod stats_table;
mod terminal;

/// See the `mimalloc` feature in Cargo.toml: memory allocated by the import's
/// reading thread is freed by its storing thread.
#[cfg(feature = "mimalloc")]
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

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
            let _ = writeln!(stderr, "error: {}", terminal::safe(&error_text(&err)));
            ExitCode::from(1)
        }
    }
}

/// The error and its causes joined with ": ", leaving out a cause whose
/// text the message already holds. Library errors often repeat their
/// source in their own text (`database `x`: FOREIGN KEY constraint failed`
/// above `FOREIGN KEY constraint failed`), and anyhow's `{:#}` would print
/// it once per level.
fn error_text(err: &anyhow::Error) -> String {
    let mut text = String::new();
    for cause in err.chain() {
        let part = cause.to_string();
        if text.is_empty() {
            text = part;
        } else if !text.contains(&part) {
            text.push_str(": ");
            text.push_str(&part);
        }
    }
    text
}

fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|e| {
        e.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

#[cfg(test)]
mod tests {
    use super::error_text;

    /// An error that repeats its source in its own text.
    #[derive(Debug)]
    struct Wrapping(std::io::Error);

    impl std::fmt::Display for Wrapping {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            write!(f, "database `p.db`: {}", self.0)
        }
    }

    impl std::error::Error for Wrapping {
        fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
            Some(&self.0)
        }
    }

    #[test]
    fn a_cause_already_in_the_message_is_not_repeated() {
        let io = std::io::Error::other("FOREIGN KEY constraint failed");
        let err = anyhow::Error::new(Wrapping(io)).context("line 3: cannot store record");
        assert_eq!(
            error_text(&err),
            "line 3: cannot store record: database `p.db`: FOREIGN KEY constraint failed"
        );
        let plain = anyhow::anyhow!("outer").context("top");
        assert_eq!(error_text(&plain), "top: outer");
    }
}
