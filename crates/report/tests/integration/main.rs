//! Integration tests of `uptake-report`, one module per feature (one test
//! binary per crate; see shared/STYLE.md §9).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod browser;
mod fixture;
mod html_report;
