//! Content-analysis coding: codebooks, standard instruments, sampling,
//! assignment to coders and blind coding sheets.
//!
//! A [`Codebook`] (parsed from TOML, format in docs/coding.md) lists the
//! [`Item`]s coders answer, typed binary, ordinal with anchors, nominal,
//! numeric or text, with N/A rules, and named [`Score`]s (sum, mean, or the
//! PEMAT percentage of applicable items). [`Codebook::validate`] checks one
//! raw cell, [`Codebook::score`] computes scores from values, and
//! [`Item::measurement`] and [`Item::code`] give what reliability statistics
//! need. Built-in instruments ([`builtin()`]: DISCERN, DISCERN section 1 alone,
//! modified DISCERN, PEMAT-A/V, GQS, JAMA benchmark) are embedded from
//! `codebooks/`, each citing its sources.
//!
//! [`sample()`] draws a seeded (optionally stratified) random sample of
//! [`Unit`]s and [`assign`] gives them to coders with an overlap set;
//! [`sheet`] writes blind per-coder sheets (CSV or XLSX with drop-down
//! lists) and reads filled ones back, validating every cell.
//!
//! This crate reads and writes bytes and knows nothing of SQL: the store
//! keeps codebooks, assignments and values; the command line joins the two.

pub mod builtin;
pub mod codebook;
pub mod error;
pub mod reliability;
pub mod sample;
pub mod sheet;
pub mod unit;

pub use builtin::{builtin, builtins, BUILTIN, EXAMPLE};
pub use codebook::{
    Codebook, Item, ItemKind, Measurement, Score, ScoreOutcome, ScoreResult, ScoreRule, Value,
    NA_TOKENS,
};
pub use error::{CodingError, SheetProblem, ValueProblem};
pub use sample::{allocate, assign, overlap_count, sample, Assignment, Overlap, SplitMix64};
pub use sheet::{
    read_sheet, validate_sheet, write_csv, write_xlsx, CodedUnit, FilledRow, FilledSheet,
    SheetMeta, SheetUnit,
};
pub use unit::{Unit, UnitKind};

#[cfg(test)]
mod tests;
