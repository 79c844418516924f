//! [`YearError`]: why Studio dates could not be given their years, and the
//! message that says so. The message names the rows involved by line and
//! quotes their date cells as written, because the years [`super::years`]
//! inferred for rows that go backwards are artefacts of the walk, not
//! what the file says.

use super::dates::{month_name, PartialDate};
use super::years::MAX_WINDOW_DAYS;
use chrono::{Datelike, NaiveDate};
use std::fmt;

/// Why years could not be assigned. `index` is the position of the row in
/// the slice given to [`super::years::assign_years`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum YearError {
    /// Year-less dates and nothing to take a year from.
    NoYear,
    /// The first row is not the window's start day.
    StartMismatch {
        /// The row.
        index: usize,
        /// The row's date.
        found: PartialDate,
        /// The start day.
        start: NaiveDate,
    },
    /// A day-month that does not exist in the year inferred for it.
    Impossible {
        /// The row.
        index: usize,
        /// The row's date.
        found: PartialDate,
        /// The year inferred.
        year: i32,
    },
    /// A row's day is not after the previous row's (the row before `index`).
    Backwards {
        /// The later row.
        index: usize,
        /// Its date as written.
        found: PartialDate,
        /// The previous row's date.
        previous: NaiveDate,
        /// Days from the previous row to this one as read: 0 for a repeated
        /// day, negative for an earlier one, and a positive jump when a
        /// year-less day earlier in the year was read as the next year's.
        days: i64,
    },
    /// The last row is after the export date.
    AfterEnd {
        /// The row.
        index: usize,
        /// Its date as written.
        found: PartialDate,
        /// Its date as read (in the export date's year, or the next).
        date: NaiveDate,
        /// The export date.
        end: NaiveDate,
    },
    /// The rows cover more days than any Studio export.
    TooLong {
        /// First day.
        first: NaiveDate,
        /// Last day.
        last: NaiveDate,
        /// The index of the last row.
        last_index: usize,
        /// The largest step between neighbouring rows: the later row's
        /// index and the days from the row before. A step of more than a
        /// day says where the rows are out of order.
        widest: (usize, i64),
    },
}

/// How a message names a row: where it is (`line 4`, `row 4`) and its date
/// cell as written (`August 8`), when the caller knows them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RowRef {
    /// `line 4` or `row 4`.
    pub place: Option<String>,
    /// The date cell as written.
    pub written: Option<String>,
}

impl YearError {
    /// The row the error is about, if it is about one row.
    pub fn index(&self) -> Option<usize> {
        match self {
            YearError::NoYear | YearError::TooLong { .. } => None,
            YearError::StartMismatch { index, .. }
            | YearError::Impossible { index, .. }
            | YearError::Backwards { index, .. }
            | YearError::AfterEnd { index, .. } => Some(*index),
        }
    }

    /// The message, for an error located at the row [`YearError::index`]
    /// names (or at the file). `row` names other rows and gives the date
    /// cells as written; `anchor` says where the year came from, e.g.
    /// ``the export date 2026-09-01 (`--export-date`)``.
    pub fn message(&self, row: &dyn Fn(usize) -> RowRef, anchor: &str) -> String {
        // A row's date as written, else as read.
        let written = |i: usize, fallback: String| row(i).written.unwrap_or(fallback);
        // `` `August 10` (line 3)``.
        let named = |i: usize, fallback: String| {
            let r = row(i);
            let text = r.written.unwrap_or(fallback);
            match (r.place, text.is_empty()) {
                (Some(place), true) => place,
                (Some(place), false) => format!("`{text}` ({place})"),
                (None, _) => format!("`{text}`"),
            }
        };
        const DAILY: &str = "as TikTok Studio writes a daily file";
        const REDOWNLOAD: &str = "download the file from TikTok Studio again";
        const EXPORT_DATE: &str =
            "pass the day the file was downloaded with `--export-date YYYY-MM-DD`";
        match self {
            YearError::NoYear => format!(
                "the dates have no year and nothing says which year they are in; {EXPORT_DATE}"
            ),
            YearError::StartMismatch {
                index,
                found,
                start,
            } => format!(
                "the window does not match the ZIP name: the name says it starts on {start}, \
                 but the first row is `{}`; expected the first row to be that day. Rename the \
                 ZIP back to the name TikTok Studio gave it, or {EXPORT_DATE}",
                written(*index, show(*found))
            ),
            YearError::Impossible { index, found, year } => match found.year {
                Some(_) => format!(
                    "the date `{}` does not exist: expected a real day; correct the cell or \
                     {REDOWNLOAD}",
                    written(*index, show(*found))
                ),
                None => format!(
                    "the date `{}`: {} {} does not exist in {year}, the year inferred for it from \
                     {anchor}; expected a day that exists in its year, so the year is wrong: \
                     {EXPORT_DATE}",
                    written(*index, show(*found)),
                    found.day,
                    month_name(found.month),
                ),
            },
            YearError::Backwards {
                index,
                found,
                previous,
                days,
            } => {
                let this = written(*index, show(*found));
                let before = index.saturating_sub(1);
                if *days == 0 {
                    let other = match row(before).place {
                        Some(place) => format!("is also the date of {place}"),
                        None => "follows the same day".to_string(),
                    };
                    return format!(
                        "a date repeats: `{this}` {other}; expected each day once, {DAILY}. \
                         Remove the repeated row, or {REDOWNLOAD}"
                    );
                }
                // A year-less day earlier in the year was read as the next
                // year's (`days` later); read in the same year it is this
                // many days earlier, which is usually what happened.
                let earlier = if *days < 0 {
                    Some(-days)
                } else {
                    NaiveDate::from_ymd_opt(previous.year(), found.month, found.day)
                        .map(|same_year| (*previous - same_year).num_days())
                };
                let how = match earlier {
                    Some(back) if *days > 0 && *days < back => format!(
                        ", {} earlier (or {} later as a day of the next year, where a daily \
                         file steps one day at a time)",
                        plural(back, "day"),
                        plural(*days, "day")
                    ),
                    Some(back) => format!(", {} earlier", plural(back, "day")),
                    None => String::new(),
                };
                format!(
                    "dates go backwards: `{this}` follows {}{how}; expected the rows oldest \
                     first, {DAILY}. Put the rows back in date order (sorting a spreadsheet by \
                     its text dates mixes them up), or {REDOWNLOAD}",
                    named(before, previous.to_string())
                )
            }
            YearError::AfterEnd {
                index,
                found,
                date,
                end: _,
            } => {
                let year_before = match found.year {
                    Some(_) => String::new(),
                    None => {
                        let day = NaiveDate::from_ymd_opt(date.year() - 1, found.month, found.day)
                            .map(|d| format!(" ({d})"))
                            .unwrap_or_default();
                        format!(
                            " Read in the year before{day}, the file would end almost a year \
                             before its download, which a Studio export does not, so it is not \
                             read that way."
                        )
                    }
                };
                format!(
                    "the date `{}` is after {anchor}; expected the file to end on or before the \
                     day it was downloaded.{year_before} Pass the day the file was downloaded \
                     with `--export-date YYYY-MM-DD` ({date} or later)",
                    written(*index, show(*found))
                )
            }
            YearError::TooLong {
                first,
                last,
                last_index,
                widest,
            } => {
                let span = format!(
                    "the rows run from {}, read as {first}, to {}, read as {last}, {} days; \
                     expected at most {MAX_WINDOW_DAYS} days, the longest a Studio export covers",
                    named(0, first.to_string()),
                    named(*last_index, last.to_string()),
                    (*last - *first).num_days() + 1,
                );
                let (at, step) = *widest;
                if step > 1 {
                    format!(
                        "{span}. The largest step is {} from {} to {}, where a daily file steps \
                         one day at a time: the rows are out of order there, or a year was \
                         inferred wrongly. Put the rows back in date order or {REDOWNLOAD}; if \
                         the dates are right, check the year taken from {anchor}",
                        plural(step, "day"),
                        named(at.saturating_sub(1), String::new()),
                        named(at, String::new()),
                    )
                } else {
                    format!(
                        "{span}. The days follow one another, so the file holds more than one \
                         export: import each export as a file of its own"
                    )
                }
            }
        }
    }
}

/// `1 day`, `3 days`.
fn plural(n: i64, unit: &str) -> String {
    if n == 1 {
        format!("1 {unit}")
    } else {
        format!("{n} {unit}s")
    }
}

/// `9 August` or `2026-08-09`.
fn show(d: PartialDate) -> String {
    match d.year {
        Some(y) => format!("{y:04}-{:02}-{:02}", d.month, d.day),
        None => format!("{} {}", d.day, month_name(d.month)),
    }
}

impl fmt::Display for YearError {
    /// The message with rows named by their position (`row 3`) and dates as
    /// read; readers use [`YearError::message`] with lines and cells.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let row = |i: usize| RowRef {
            place: Some(format!("row {}", i + 1)),
            written: None,
        };
        f.write_str(&self.message(&row, "the date that fixes the year"))
    }
}

impl std::error::Error for YearError {}
