//! The tables uptake prints, built from analysis results.

pub mod account;
pub mod comments;
pub mod coverage;
pub mod videos;
