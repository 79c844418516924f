//! Integration tests of `uptake-coding`, through its public API: one module
//! per feature.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // tests fail loudly by design

mod hostile_xlsx;
