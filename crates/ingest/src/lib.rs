//! Readers for the files researchers really have.
//!
//! `uptake-ingest` turns TikTok Studio downloads (CSV or XLSX, loose or in
//! their ZIPs), TikTok API for Business and Display API responses, and uptake's
//! manual analytics template into the plain records of `uptake-model`, and
//! pushes them into a [`Sink`] as it reads. It never loads a whole file when it
//! can stream, never writes SQL (the store implements the sink inside one
//! transaction), and never panics on bad data: every problem is an
//! [`IngestError`] naming the file, the line or record, the field, what was
//! expected and what was found.
//!
//! Entry points: [`read_path`] for a file or ZIP on disk, [`sniff()`] to tell a
//! format from its first bytes, and one module per format ([`studio`],
//! [`business`], [`display`], [`template`]) for callers that already know.
//! Shared value parsing lives in [`number`].

// An `IngestError` carries its location and the text found so that messages
// can name them; it is returned once per failed file, never per good record,
// so its size costs nothing measurable.
#![allow(clippy::result_large_err)]

mod api_json;
pub mod business;
pub mod container;
mod csv_limit;
pub mod display;
pub mod error;
pub mod fourcat;
pub mod number;
pub mod personal;
pub mod pipeline;
pub mod privacy;
pub mod pyktok;
pub mod research;
pub mod sink;
pub mod sniff;
pub mod studio;
pub mod template;
pub mod xlsx;
pub mod ytdlp;
pub mod zeeschuimer;

pub use container::{read_path, read_path_with_bytes, ReadSummary};
pub use error::{IngestError, Location};
pub use pipeline::read_path_pipelined;
pub use sink::{Item, Record, Sink, SinkError, VecSink, Warning};
pub use sniff::{sniff, Sniffed};

use chrono::{NaiveDate, NaiveDateTime};
use uptake_model::SourceFormat;

/// How to read: what the user told us on the command line or in `uptake.toml`.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Force this format instead of sniffing (`--format`).
    pub format: Option<SourceFormat>,
    /// UI language of Studio files (`--lang`, a BCP-47 tag such as `sv` or
    /// `pt-BR`); taken from the headers when absent.
    pub lang: Option<String>,
    /// The day the Studio files were downloaded (`--export-date`), used to
    /// give year-less dates their year.
    pub export_date: Option<NaiveDate>,
    /// The project's own account handle (`[account] handle` in `uptake.toml`).
    pub account: Option<String>,
    /// User header mapping (`[studio.headers]`): header as found → the English
    /// header it means (e.g. `"Visualizações de vídeos" = "Video Views"`).
    pub header_map: Vec<(String, String)>,
    /// When API responses and templates without a timestamp were observed
    /// (`--observed-at`), UTC seconds.
    pub observed_at: Option<i64>,
    /// The project's pseudonymisation secret. Readers of public data turn
    /// every person into a keyed pseudonym with it (see [`privacy`]); without
    /// it they refuse to read people's data.
    pub secret: Option<uptake_model::PseudonymSecret>,
    /// Keep handles of people other than the own account (`[privacy] store_handles`).
    pub keep_handles: bool,
    /// UTC offset, in minutes, of naive local timestamps (pyktok's
    /// `video_timestamp`, 4CAT comments' `timestamp` without
    /// `unix_timestamp`): `--tz-offset`. `None` = treat them as UTC, with a
    /// warning.
    pub naive_tz_offset_minutes: Option<i32>,
}

/// What a format reader knows about the input besides its bytes.
#[derive(Debug, Clone)]
pub struct Context<'a> {
    /// Name used in messages: the path, or `Followers_x.zip: FollowerHistory.csv`.
    pub name: String,
    /// The file's own name without folders (`Overview.csv`).
    pub file_name: String,
    /// The ZIP's file name when the input is a ZIP entry
    /// (`Overview_2026-06-18_1787000000_kmb_lab.zip`).
    pub container_name: Option<String>,
    /// Last-modified time of the file or ZIP entry, when known. ZIP times are
    /// local times without a zone, so only the date is meaningful.
    pub modified: Option<NaiveDateTime>,
    /// The user's options.
    pub options: &'a Options,
}

impl<'a> Context<'a> {
    /// A context for a loose file called `name`.
    pub fn new(name: impl Into<String>, options: &'a Options) -> Self {
        let name = name.into();
        let file_name = name
            .rsplit(['/', '\\'])
            .next()
            .unwrap_or(name.as_str())
            .to_string();
        Context {
            name,
            file_name,
            container_name: None,
            modified: None,
            options,
        }
    }

    /// A location in this input at a 1-based line.
    pub fn at_line(&self, line: u64) -> Location {
        Location::line(&self.name, line)
    }

    /// A location in this input at a record (array index, id, ...).
    pub fn at_record(&self, record: impl Into<String>) -> Location {
        Location::record(&self.name, record)
    }

    /// The input as a whole.
    pub fn whole(&self) -> Location {
        Location::file(&self.name)
    }
}
