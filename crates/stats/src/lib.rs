//! `uptake-stats`: the statistics of a content-analysis paper, with no I/O.
//!
//! Every function here is checked against a reference implementation
//! (scipy, statsmodels, pingouin, the `krippendorff` package) on committed
//! fixtures: `reference/*.py` produced `reference/*.json`, and the tests under
//! `tests/` read those outputs. Functions take plain slices, return typed
//! results, and fail with [`StatsError`] instead of returning NaN for input a
//! statistic is not defined on.

pub mod compare;
pub mod correlate;
pub mod crosstab;
pub mod describe;
pub mod error;
pub mod rank;
pub mod regress;
pub mod reliability;
mod rng;

pub use error::StatsError;
