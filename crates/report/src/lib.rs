//! Rendering uptake's tables.
//!
//! A [`Table`] holds typed cells ([`Cell`]): counts, approximate counts,
//! fractions shown as percentages, seconds, text, and *missing*, which is
//! never rendered as 0. [`render()`] writes it as aligned text for a terminal,
//! CSV for spreadsheets (text cells that a spreadsheet would run as a formula
//! are neutralised), JSON for scripts (fractions stay fractions) or Markdown
//! for papers and chat channels.
//!
//! [`tables`] builds the tables uptake prints (the per-video table, the
//! account summary) from analysis results. This crate formats: it computes
//! no metric itself (those live in `uptake-analysis`) and reads nothing.

pub mod apa;
pub mod cell;
pub mod charts;
pub mod html;
pub mod kmb_report;
pub mod render;
pub mod table;
pub mod tables;
pub mod xlsx;

pub use cell::Cell;
pub use render::{render, OutputFormat, RenderError};
pub use table::{Align, Column, Table};
