//! TikTok Studio "Download data" files: Overview, Content, Viewers and the
//! four Follower files, as CSV or XLSX (`formats.md` §3).
//!
//! This module turns a Studio file's rows into records. It reads the rows
//! (CSV through the `csv` crate, streaming; XLSX through [`crate::xlsx`],
//! first sheet, every cell as text, within [`crate::xlsx::Limits::STUDIO`]),
//! recognises the file from its header row ([`headers`]), reads the
//! localised year-less dates ([`dates`]), gives them a year ([`years`],
//! with [`year_error`] saying why it could not) and hands each row to the
//! reader for its file kind ([`daily`], [`audience`], [`content`]). Every
//! row becomes one [`Item`] whose `raw` is the row as a JSON object
//! (header → cell), because Studio changes its columns without notice.
//! [`own_account`] warns when a Content file's links name another account
//! than the project's.
//!
//! What the files do not say is taken from around them: the account handle
//! and the window's first day from the ZIP name (`formats.md` §3.1), the
//! year from `--export-date`, the ZIP name or, as a last resort, the file's
//! modification date.

pub mod audience;
pub mod content;
pub mod daily;
pub mod dates;
pub mod headers;
pub mod own_account;
pub mod year_error;
pub mod years;

use crate::error::{IngestError, Location};
use crate::number::{self, ValueError};
use crate::sink::{Item, Sink, Warning};
use crate::xlsx;
use crate::Context;
use chrono::NaiveDate;
use dates::{DateReader, PartialDate};
use headers::{Columns, Field};
use std::io::{BufRead, BufReader, Read, Seek};
use uptake_model::{Count, SourceFormat};

/// Reads a Studio CSV (UTF-8, BOM optional, `,` or `;` separated, LF or
/// CRLF, final newline optional) into `sink`; returns the file kind found.
pub fn parse_csv<R: Read>(
    input: R,
    ctx: &Context,
    sink: &mut dyn Sink,
) -> Result<SourceFormat, IngestError> {
    let io_err = |source| IngestError::Io {
        location: ctx.whole(),
        source,
    };
    let mut buffered = BufReader::with_capacity(64 * 1024, input);
    // The csv crate keeps a BOM as part of the first field, which would also
    // break the quoting of `"Date"`: drop it before parsing.
    let head = buffered.fill_buf().map_err(io_err)?;
    let has_bom = head.starts_with(b"\xEF\xBB\xBF");
    let body = head.get(if has_bom { 3 } else { 0 }..).unwrap_or(&[]);
    let delimiter = guess_delimiter(body);
    // With CRLF line ends the csv crate places each record after the first
    // on the line of the previous record's `\n`, one line too early.
    let crlf_shift = u64::from(first_line_ends_crlf(body));
    if has_bom {
        buffered.consume(3);
    }
    let reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(crate::csv_limit::RecordLimit::new(buffered));
    let mut records = reader.into_records();
    let header = loop {
        match records.next() {
            None => {
                return Err(IngestError::invalid(
                    ctx.whole(),
                    "expected a header row, found an empty file",
                ))
            }
            Some(Err(e)) => return Err(csv_error(ctx, e)),
            Some(Ok(rec)) => {
                let row = csv_row(&rec, 0);
                if !row.is_blank() {
                    break row;
                }
            }
        }
    };
    let width = header.cells.len();
    let rows = records.filter_map(move |rec| match rec {
        Err(e) => Some(Err(csv_error(ctx, e))),
        Ok(rec) => {
            let row = csv_row(&rec, crlf_shift);
            if row.is_blank() {
                None
            } else if row.cells.len() != width {
                Some(Err(IngestError::invalid(
                    ctx.at_line(row.number),
                    format!(
                        "expected {width} fields like the header row, found {}",
                        row.cells.len()
                    ),
                )))
            } else {
                Some(Ok(row))
            }
        }
    });
    read_rows(header, Box::new(rows), ctx, sink, RowKind::Line)
}

/// Reads the first sheet of a Studio XLSX workbook into `sink`; returns the
/// file kind found. Cells are read as text (`formats.md` §3.3: real
/// `Viewers.xlsx` types every cell as a string).
pub fn parse_xlsx<R: Read + Seek>(
    input: R,
    ctx: &Context,
    sink: &mut dyn Sink,
) -> Result<SourceFormat, IngestError> {
    if let Some(f) = ctx.options.format.filter(|f| !f.is_studio()) {
        return Err(IngestError::invalid(
            ctx.whole(),
            format!(
                "`--format {f}` reads JSON, but this is an XLSX workbook (a TikTok Studio file)"
            ),
        ));
    }
    // Studio workbooks are small; `Limits::STUDIO` says how small, and why.
    let mut rows = xlsx::read_sheet(input, &ctx.name, None, &xlsx::Limits::STUDIO, cell_text)?
        .into_iter()
        .map(|r| Row {
            number: r.number,
            cells: r.cells,
        });
    let Some(header) = rows.next() else {
        return Err(IngestError::invalid(
            ctx.whole(),
            "expected a header row, found an empty sheet",
        ));
    };
    read_rows(header, Box::new(rows.map(Ok)), ctx, sink, RowKind::Sheet)
}

/// One data row: its 1-based line (CSV) or sheet row (XLSX), and its cells.
#[derive(Debug, Clone)]
pub struct Row {
    /// Physical line where the row starts (CSV, header = 1) or sheet row number.
    pub number: u64,
    /// The cells as text.
    pub cells: Vec<String>,
}

impl Row {
    fn is_blank(&self) -> bool {
        self.cells.iter().all(|c| c.trim().is_empty())
    }
}

/// The rows after the header.
pub type Rows<'r> = Box<dyn Iterator<Item = Result<Row, IngestError>> + 'r>;

/// How rows are located in messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RowKind {
    /// CSV: `line 14`.
    Line,
    /// XLSX: `row 14`.
    Sheet,
}

fn csv_row(rec: &csv::StringRecord, shift: u64) -> Row {
    Row {
        number: rec.position().map(|p| p.line() + shift).unwrap_or(0),
        cells: rec.iter().map(str::to_string).collect(),
    }
}

fn csv_error(ctx: &Context, e: csv::Error) -> IngestError {
    let location = match e.position() {
        Some(p) => ctx.at_line(p.line()),
        None => ctx.whole(),
    };
    match e.into_kind() {
        csv::ErrorKind::Io(source) => IngestError::Io { location, source },
        csv::ErrorKind::Utf8 { .. } => IngestError::invalid(
            location,
            "expected UTF-8 text, found other bytes (save the file as UTF-8 CSV)",
        ),
        other => IngestError::invalid(location, format!("expected a CSV row: {other:?}")),
    }
}

/// True when the first line ends with `\r\n`.
fn first_line_ends_crlf(head: &[u8]) -> bool {
    head.iter()
        .position(|b| *b == b'\n')
        .is_some_and(|i| i > 0 && head.get(i - 1) == Some(&b'\r'))
}

/// `;` when the first line has more semicolons than commas outside quotes
/// (spreadsheets in comma-decimal locales re-save CSVs that way).
fn guess_delimiter(head: &[u8]) -> u8 {
    let (mut commas, mut semis, mut quoted) = (0usize, 0usize, false);
    for b in head.iter().take_while(|b| **b != b'\n') {
        match b {
            b'"' => quoted = !quoted,
            b',' if !quoted => commas += 1,
            b';' if !quoted => semis += 1,
            _ => {}
        }
    }
    if semis > commas {
        b';'
    } else {
        b','
    }
}

/// A cell as text. Numbers are written as a person would type them; huge
/// floats keep Excel's scientific form so a mangled id is recognised.
fn cell_text(cell: &calamine::Data) -> String {
    use calamine::Data;
    match cell {
        Data::Float(f) => number_text(*f),
        // A date-formatted number is a date only within Excel's range of
        // dates (serials 1 to 2,958,465, 1900-01-01 to 9999-12-31; in the
        // 1904 system the range ends 1,462 days earlier, hence the bound
        // used). Outside it the cell is shown as the number it holds, so that
        // the date reader reports it as what it is, not a made-up date.
        Data::DateTime(dt) if dt.is_datetime() => {
            let serial = dt.as_f64();
            if (1.0..MAX_DATE_SERIAL).contains(&serial) {
                // `to_ymd_hms_milli` honours the workbook's 1900 or 1904
                // date system and Excel's 1900 leap-year bug.
                let (y, m, d, ..) = dt.to_ymd_hms_milli();
                format!("{y:04}-{m:02}-{d:02}")
            } else {
                number_text(serial)
            }
        }
        other => other.to_string(),
    }
}

/// One past 9999-12-31 in the 1904 date system (serial 2,957,003), the
/// lower of the two systems' last days: the cell does not say which system
/// its workbook uses.
const MAX_DATE_SERIAL: f64 = 2_957_004.0;

/// A number as a person would type it: whole numbers without a fraction,
/// huge ones in Excel's scientific form.
fn number_text(f: f64) -> String {
    if f.is_finite() && f.fract() == 0.0 && f.abs() < 1e15 {
        format!("{}", f as i64)
    } else if f.abs() >= 1e15 {
        format!("{f:E}")
    } else {
        f.to_string()
    }
}

/// Everything a file-kind reader needs about the file being read.
pub struct Reading<'a> {
    /// The input.
    pub ctx: &'a Context<'a>,
    /// The recognised header row.
    pub columns: Columns,
    /// Reads this file's dates.
    pub dates: DateReader,
    /// The account the rows belong to.
    pub account: String,
    /// How rows are located.
    pub kind: RowKind,
}

fn read_rows(
    header: Row,
    rows: Rows<'_>,
    ctx: &Context,
    sink: &mut dyn Sink,
    kind: RowKind,
) -> Result<SourceFormat, IngestError> {
    let header_location = match kind {
        RowKind::Line => ctx.at_line(header.number.max(1)),
        RowKind::Sheet => ctx.at_record(format!("row {}", header.number)),
    };
    let forced = ctx.options.format.filter(|f| f.is_studio());
    let columns = headers::detect(
        &header.cells,
        &ctx.options.header_map,
        forced,
        header_location,
    )?;
    let dates = match ctx.options.lang.as_deref() {
        Some(tag) => DateReader::for_lang(tag).map_err(|m| IngestError::invalid(ctx.whole(), m))?,
        None => DateReader::guessing(columns.lang),
    };
    let account = account_from(ctx).unwrap_or_else(|| OWN.to_string());
    let format = columns.format;
    let reading = Reading {
        ctx,
        columns,
        dates,
        account,
        kind,
    };
    match format {
        SourceFormat::StudioFollowerGender | SourceFormat::StudioFollowerTerritories => {
            audience::read(&reading, rows, sink)?
        }
        SourceFormat::StudioContent => content::read(&reading, rows, sink)?,
        _ => daily::read(&reading, rows, sink)?,
    }
    Ok(format)
}

/// The account name used when nothing names the account.
pub const OWN: &str = "own";

/// The account from `--account`/`uptake.toml`, else from the ZIP name.
pub fn account_from(ctx: &Context) -> Option<String> {
    ctx.options
        .account
        .clone()
        .filter(|a| !a.trim().is_empty())
        .map(|a| a.trim().trim_start_matches('@').to_string())
        .or_else(|| {
            ctx.container_name
                .as_deref()
                .and_then(|n| zip_name(n).handle)
        })
}

/// What a Studio ZIP's name says (`formats.md` §3.1).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ZipName {
    /// The account handle, without `@`.
    pub handle: Option<String>,
    /// The first day of the window (Overview ZIPs only).
    pub start: Option<NaiveDate>,
}

/// Reads `Overview_<YYYY-MM-DD>_<epoch>_<handle>.zip`, `Followers_<handle>.zip`,
/// `Viewers_<handle>.zip` and `Content_<handle>.zip`. Handles may contain `_`.
/// A browser's duplicate suffix (` (1)`) is ignored.
pub fn zip_name(name: &str) -> ZipName {
    let base = name.rsplit(['/', '\\']).next().unwrap_or(name);
    let stem = match base.len().checked_sub(4).and_then(|i| base.get(i..)) {
        Some(ext) if ext.eq_ignore_ascii_case(".zip") => base.get(..base.len() - 4).unwrap_or(base),
        _ => base,
    };
    let stem = match stem.rfind(" (") {
        Some(i) if stem.ends_with(')') => stem.get(..i).unwrap_or(stem),
        _ => stem,
    }
    .trim();
    let valid_handle = |h: &str| {
        !h.is_empty()
            && h.chars()
                .all(|c| c.is_alphanumeric() || c == '_' || c == '.')
    };
    if let Some(rest) = stem.strip_prefix("Overview_") {
        let mut parts = rest.splitn(3, '_');
        let start = parts
            .next()
            .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok());
        let epoch_ok = parts
            .next()
            .is_some_and(|e| !e.is_empty() && e.chars().all(|c| c.is_ascii_digit()));
        let handle = parts.next().filter(|h| valid_handle(h)).map(str::to_string);
        if start.is_some() && epoch_ok {
            return ZipName { handle, start };
        }
        return ZipName::default();
    }
    for prefix in ["Followers_", "Viewers_", "Content_"] {
        if let Some(rest) = stem.strip_prefix(prefix) {
            return ZipName {
                handle: valid_handle(rest).then(|| rest.to_string()),
                start: None,
            };
        }
    }
    ZipName::default()
}

/// Where the year of year-less dates comes from, in order of trust.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum YearSource {
    /// `--export-date`: the download day.
    ExportDate(NaiveDate),
    /// The first day of the window, from the Overview ZIP name.
    ZipStart(NaiveDate),
    /// The file's (or ZIP entry's) modification date: a guess, warned about.
    Modified(NaiveDate),
    /// Nothing.
    Unknown,
}

impl YearSource {
    /// The year source for `ctx`. `window` says whether the ZIP name's start
    /// day applies (daily files in an Overview ZIP).
    pub fn of(ctx: &Context, window: bool) -> Self {
        if let Some(d) = ctx.options.export_date {
            return YearSource::ExportDate(d);
        }
        if window {
            if let Some(start) = ctx
                .container_name
                .as_deref()
                .and_then(|n| zip_name(n).start)
            {
                return YearSource::ZipStart(start);
            }
        }
        // ZIP writers that store no time write 1980-01-01 (the DOS epoch);
        // any date before TikTok Studio existed says nothing about the export.
        let earliest = NaiveDate::from_ymd_opt(2017, 1, 1);
        match ctx.modified.map(|m| m.date()) {
            Some(d) if Some(d) >= earliest => YearSource::Modified(d),
            _ => YearSource::Unknown,
        }
    }

    /// The date the years are counted from, for messages: ``the export date
    /// 2026-09-01 (`--export-date`)``.
    pub fn describe(&self) -> String {
        match self {
            YearSource::ExportDate(d) => format!("the export date {d} (`--export-date`)"),
            YearSource::ZipStart(d) => format!("the window's first day {d} (the ZIP name)"),
            YearSource::Modified(d) => {
                format!("the file's modification date {d}, taken as the day it was downloaded")
            }
            YearSource::Unknown => "nothing (no `--export-date`)".to_string(),
        }
    }

    /// The warning to give when the year was guessed from the modification
    /// date. `snapshot` is true for files dated as a whole (audience,
    /// Content), whose export day itself is taken from it.
    pub fn warning(&self, ctx: &Context, snapshot: bool) -> Option<Warning> {
        let what = if snapshot {
            "the export date (and so the year) was taken from the file's modification date"
        } else {
            "the dates have no year: the year was taken from the file's modification date"
        };
        match self {
            YearSource::Modified(d) => Some(Warning {
                location: ctx.whole(),
                message: format!("{what} ({d}); pass `--export-date YYYY-MM-DD` if that is wrong"),
            }),
            _ => None,
        }
    }
}

impl Reading<'_> {
    /// The location of row `number`.
    pub fn at(&self, number: u64) -> Location {
        match self.kind {
            RowKind::Line => self.ctx.at_line(number),
            RowKind::Sheet => self.ctx.at_record(format!("row {number}")),
        }
    }

    /// Where row `number` is, without the file: `line 14` or `row 14`.
    pub fn place(&self, number: u64) -> String {
        match self.kind {
            RowKind::Line => format!("line {number}"),
            RowKind::Sheet => format!("row {number}"),
        }
    }

    /// The text of `field` in `row`; `None` when the file has no such column.
    pub fn cell<'r>(&self, row: &'r Row, field: Field) -> Option<&'r str> {
        let i = self.columns.index(field)?;
        Some(row.cells.get(i).map(String::as_str).unwrap_or(""))
    }

    /// The row as a JSON object, header → cell.
    pub fn raw(&self, row: &Row) -> String {
        let mut map = serde_json::Map::new();
        for (name, cell) in self.columns.names.iter().zip(row.cells.iter()) {
            map.insert(name.clone(), serde_json::Value::String(cell.clone()));
        }
        serde_json::Value::Object(map).to_string()
    }

    fn value_error(&self, row: &Row, field: Field, error: ValueError) -> IngestError {
        IngestError::value(self.at(row.number), self.columns.name(field), error)
    }

    /// A count column (`undefined`, empty → `None`; negatives allowed).
    pub fn count(&self, row: &Row, field: Field) -> Result<Option<Count>, IngestError> {
        match self.cell(row, field) {
            Some(text) => number::parse_count(text).map_err(|e| self.value_error(row, field, e)),
            None => Ok(None),
        }
    }

    /// A total that cannot go below zero (a video's views, likes, ...):
    /// `-5` is refused, naming the line and column.
    pub fn total(&self, row: &Row, field: Field) -> Result<Option<Count>, IngestError> {
        match self.cell(row, field) {
            Some(text) => number::parse_total(text).map_err(|e| self.value_error(row, field, e)),
            None => Ok(None),
        }
    }

    /// A count column as a plain number (daily series keep no approximate flag).
    pub fn int(&self, row: &Row, field: Field) -> Result<Option<i64>, IngestError> {
        Ok(self.count(row, field)?.map(|c| c.value))
    }

    /// A fraction column (`0.55`, `61%`).
    pub fn fraction(&self, row: &Row, field: Field) -> Result<Option<f64>, IngestError> {
        match self.cell(row, field) {
            Some(text) => number::parse_fraction(text).map_err(|e| self.value_error(row, field, e)),
            None => Ok(None),
        }
    }

    /// A duration column in seconds (`0:12`, `12.5`).
    pub fn duration(&self, row: &Row, field: Field) -> Result<Option<f64>, IngestError> {
        match self.cell(row, field) {
            Some(text) => {
                number::parse_duration_s(text).map_err(|e| self.value_error(row, field, e))
            }
            None => Ok(None),
        }
    }

    /// A date column; a missing date is an error.
    pub fn date(&self, row: &Row, field: Field) -> Result<PartialDate, IngestError> {
        let text = self.cell(row, field).unwrap_or("");
        self.dates
            .read(text)
            .map_err(|e| self.value_error(row, field, e))
    }

    /// Pushes an item, wrapping a sink error with the row's location.
    pub fn push(&self, sink: &mut dyn Sink, item: Item) -> Result<(), IngestError> {
        let location = item.location.clone();
        sink.push(item)
            .map_err(|source| IngestError::Sink { location, source })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ymd(y: i32, m: u32, d: u32) -> Option<NaiveDate> {
        NaiveDate::from_ymd_opt(y, m, d)
    }

    #[test]
    fn zip_names() {
        let cases: &[(&str, Option<&str>, Option<NaiveDate>)] = &[
            (
                "Overview_2026-06-18_1787000000_kmb_lab.zip",
                Some("kmb_lab"),
                ymd(2026, 6, 18),
            ),
            (
                "/home/a/Downloads/Overview_2025-08-28_1787841428_a.b (1).zip",
                Some("a.b"),
                ymd(2025, 8, 28),
            ),
            ("Followers_kmb_lab.zip", Some("kmb_lab"), None),
            ("Viewers_kmb_lab.ZIP", Some("kmb_lab"), None),
            ("Content_kmb_lab.zip", Some("kmb_lab"), None),
            ("Overview_garbage_kmb.zip", None, None),
            ("export.zip", None, None),
        ];
        for (name, handle, start) in cases {
            let got = zip_name(name);
            assert_eq!(got.handle.as_deref(), *handle, "{name}");
            assert_eq!(got.start, *start, "{name}");
        }
    }

    #[test]
    fn delimiters() {
        assert_eq!(guess_delimiter(b"\"Date\",\"Video Views\"\n"), b',');
        assert_eq!(guess_delimiter(b"\"Date\";\"Video Views\";\"a,b\"\n"), b';');
        assert_eq!(guess_delimiter(b""), b',');
    }
}
