//! uptake's analyses.
//!
//! This crate computes what reports print, from the records of `uptake-model`.
//! It does no I/O: callers read records from the store and hand them in. Every
//! formula here is named exactly as in `docs/metrics.md`, which gives its
//! definition, its denominator and what it does and does not mean for
//! knowledge mobilisation.
//!
//! - [`metrics::video`]: per-video dissemination metrics (engagement, share,
//!   save and comment rates; watch-time measures; traffic and territory).
//! - [`metrics::summary`]: totals, medians and interquartile ranges of a column.
//! - [`metrics::account`]: the account's daily series over a window, with gaps.

pub mod builtin_rules;
pub mod eval;
pub mod metrics;
pub mod pileon;
pub mod text;
