//! CLI tests: each runs the real `uptake` binary in a fresh temporary folder
//! and checks its output, exit code and what the database holds.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // tests fail loudly by design

mod account;
mod analysis;
mod coding;
mod demo;
mod e2e;
mod errors;
mod import;
mod init;
mod public;
mod report;
mod robustness;
mod statistics;
mod videos;
mod web;

use std::path::{Path, PathBuf};
use std::process::Output;

/// A temporary folder to run `uptake` in.
pub struct Sandbox {
    /// Keeps the folder alive.
    pub dir: tempfile::TempDir,
}

/// What a run printed and returned.
pub struct Run {
    /// Standard output.
    pub stdout: String,
    /// Standard error.
    pub stderr: String,
    /// Exit code.
    pub code: i32,
}

impl Run {
    /// Fails the test with both streams unless the run succeeded.
    pub fn ok(self) -> Run {
        assert_eq!(
            self.code, 0,
            "expected success\nstdout:\n{}\nstderr:\n{}",
            self.stdout, self.stderr
        );
        self
    }

    /// Fails the test unless the run exited with `code`.
    pub fn fails_with(self, code: i32) -> Run {
        assert_eq!(
            self.code, code,
            "expected exit {code}\nstdout:\n{}\nstderr:\n{}",
            self.stdout, self.stderr
        );
        self
    }
}

impl From<Output> for Run {
    fn from(o: Output) -> Run {
        Run {
            stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
            code: o.status.code().unwrap_or(-1),
        }
    }
}

impl Default for Sandbox {
    fn default() -> Self {
        Sandbox::new()
    }
}

impl Sandbox {
    /// A new empty folder.
    pub fn new() -> Sandbox {
        Sandbox {
            dir: tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}")),
        }
    }

    /// The folder.
    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Runs `uptake ARGS` in `cwd` (relative to the sandbox), with a scrubbed environment.
    pub fn run_in(&self, cwd: &str, args: &[&str]) -> Run {
        let mut cmd = assert_cmd::Command::cargo_bin("uptake").unwrap_or_else(|e| panic!("{e}"));
        cmd.env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("TZ", "UTC")
            .current_dir(self.path().join(cwd))
            .args(args);
        cmd.output()
            .map(Run::from)
            .unwrap_or_else(|e| panic!("cannot run uptake: {e}"))
    }

    /// Runs `uptake ARGS` in the sandbox root.
    pub fn run(&self, args: &[&str]) -> Run {
        self.run_in(".", args)
    }

    /// Creates a project `p` in the sandbox with handle `synthetic_kmb_lab`.
    pub fn project(&self) -> PathBuf {
        self.run(&[
            "init",
            "p",
            "--name",
            "test",
            "--handle",
            "synthetic_kmb_lab",
        ])
        .ok();
        self.path().join("p")
    }

    /// Writes a file (relative to the sandbox) and returns its path as a string.
    pub fn write(&self, rel: &str, bytes: &[u8]) -> String {
        let path = self.path().join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).unwrap_or_else(|e| panic!("{e}"));
        }
        std::fs::write(&path, bytes).unwrap_or_else(|e| panic!("{e}"));
        path.display().to_string()
    }

    /// Row counts of every table of the project `p`'s database, to show an
    /// operation left it unchanged.
    pub fn db_counts(&self) -> Vec<(String, i64)> {
        let conn = rusqlite::Connection::open(self.path().join("p/.uptake/uptake.db"))
            .unwrap_or_else(|e| panic!("{e}"));
        let tables: Vec<String> = conn
            .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
            .and_then(|mut st| st.query_map([], |r| r.get(0))?.collect())
            .unwrap_or_else(|e| panic!("{e}"));
        tables
            .into_iter()
            .map(|t| {
                let n: i64 = conn
                    .query_row(&format!("SELECT COUNT(*) FROM \"{t}\""), [], |r| r.get(0))
                    .unwrap_or_else(|e| panic!("{e}"));
                (t, n)
            })
            .collect()
    }
}

/// Path of a file in the bundled example.
pub fn example(name: &str) -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../examples/kmb-demo")
        .join(name)
        .display()
        .to_string()
}

/// Bytes of a file in the bundled example.
pub fn example_bytes(name: &str) -> Vec<u8> {
    std::fs::read(example(name)).unwrap_or_else(|e| panic!("{e}"))
}

/// A ZIP holding `entries` (name, bytes), stored uncompressed like Studio's.
pub fn zip_of(entries: &[(&str, &[u8])]) -> Vec<u8> {
    use std::io::Write;
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, bytes) in entries {
        w.start_file(
            *name,
            zip::write::SimpleFileOptions::default()
                .compression_method(zip::CompressionMethod::Stored),
        )
        .unwrap_or_else(|e| panic!("{e}"));
        w.write_all(bytes).unwrap_or_else(|e| panic!("{e}"));
    }
    w.finish()
        .map(|c| c.into_inner())
        .unwrap_or_else(|e| panic!("{e}"))
}
