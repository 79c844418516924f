//! Integration tests of `uptake-ingest`: one module per format, reading the
//! hand-written fixtures under `tests/fixtures/` (written to match
//! `formats.md`; none is a real export).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::result_large_err
)] // tests fail loudly by design

mod business;
mod container;
mod display;
mod fourcat;
mod personal;
mod pipeline;
mod pyktok;
mod research;
mod studio;
mod template;
mod ytdlp;
mod zeeschuimer;
mod zeeschuimer_privacy;

use std::path::PathBuf;

/// Path of a fixture file.
pub fn fixture(rel: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(rel)
}
