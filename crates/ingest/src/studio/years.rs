//! Giving Studio's year-less dates their year.
//!
//! Studio daily files (Overview, Viewers, FollowerHistory, FollowerActivity)
//! list days in ascending order without a year (`formats.md` §3.3, §3.4). A
//! year comes from one known date — the first day of the window (from the
//! Overview ZIP name) or a day on or after the last row (the export date) —
//! and the order of the rows: walking from the known end, a step from
//! December to January crosses into the next year. [`assign_years`] is pure so
//! that every case (roll-over, 29 February, rows going backwards) is tested
//! without files.

use super::dates::{month_name, PartialDate};
use chrono::NaiveDate;
use std::fmt;

/// The longest window Studio exports (the 365-day preset plus the partial
/// last day; Creator Academy says up to 365 days, `formats.md` §3).
pub const MAX_WINDOW_DAYS: i64 = 366;

/// A step back to an earlier day-month is read as crossing into a new year
/// only if the new year's date is at most this many days after the previous
/// row: daily files step one day at a time, so a larger jump means the rows
/// really go backwards.
const MAX_ROLLOVER_GAP_DAYS: i64 = 31;

/// The date that fixes the year.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Anchor {
    /// The first row is this day (Overview ZIP name, `formats.md` §3.1).
    Start(NaiveDate),
    /// The last row is on or before this day (the export date).
    End(NaiveDate),
}

/// How consecutive rows may relate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Order {
    /// Each row is a later day than the one before (one row per day).
    Strict,
    /// Rows may repeat a day (FollowerActivity: 24 rows per day).
    Repeating,
}

/// Why years could not be assigned. `index` is the position of the row in
/// the slice given to [`assign_years`].
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
    /// A row's day is not after the previous row's.
    Backwards {
        /// The later row.
        index: usize,
        /// Its date.
        found: PartialDate,
        /// The previous row's date.
        previous: NaiveDate,
    },
    /// A dated row is after the export date.
    AfterEnd {
        /// The row.
        index: usize,
        /// Its date.
        found: NaiveDate,
        /// The export date.
        end: NaiveDate,
    },
    /// The rows cover more days than any Studio export.
    TooLong {
        /// First day.
        first: NaiveDate,
        /// Last day.
        last: NaiveDate,
    },
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
}

/// `9 August` or `2026-08-09`.
fn show(d: PartialDate) -> String {
    match d.year {
        Some(y) => format!("{y:04}-{:02}-{:02}", d.month, d.day),
        None => format!("{} {}", d.day, month_name(d.month)),
    }
}

impl fmt::Display for YearError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            YearError::NoYear => write!(
                f,
                "the dates have no year and nothing says which year they are in; \
                 pass `--export-date YYYY-MM-DD` (the day the file was downloaded)"
            ),
            YearError::StartMismatch { found, start, .. } => write!(
                f,
                "the window does not match the ZIP name: the name says it starts on {start}, \
                 but the first row is {}; rename the ZIP back or pass `--export-date YYYY-MM-DD`",
                show(*found)
            ),
            YearError::Impossible { found, year, .. } => write!(
                f,
                "{} does not exist in {year}, the year inferred for it: the year is wrong; \
                 check `--export-date` (or the ZIP name)",
                show(*found)
            ),
            YearError::Backwards {
                found, previous, ..
            } => write!(
                f,
                "dates go backwards: {} follows {previous}; a daily Studio file lists each day \
                 once, in ascending order",
                show(*found)
            ),
            YearError::AfterEnd { found, end, .. } => write!(
                f,
                "the date {found} is after the export date {end}: check `--export-date`"
            ),
            YearError::TooLong { first, last } => write!(
                f,
                "the rows run from {first} to {last}, longer than the {MAX_WINDOW_DAYS} days a \
                 Studio export covers: the dates or the inferred year are wrong"
            ),
        }
    }
}

impl std::error::Error for YearError {}

fn make(d: PartialDate, year: i32, index: usize) -> Result<NaiveDate, YearError> {
    NaiveDate::from_ymd_opt(year, d.month, d.day).ok_or(YearError::Impossible {
        index,
        found: d,
        year,
    })
}

fn md(d: NaiveDate) -> (u32, u32) {
    use chrono::Datelike;
    (d.month(), d.day())
}

/// Gives every date its year. Dates that carry a year keep it.
///
/// With [`Anchor::Start`] the first row must be the start day and years are
/// assigned walking forward; with [`Anchor::End`] the last row is on or
/// before the end day and years are assigned walking backward, so dates never
/// increase going back (a January row before a December row belongs to the
/// year before). Errors: no anchor for year-less dates, a day-month that
/// cannot exist in its year (29 February of a common year), rows going
/// backwards, a first row that is not the start day, and a window longer than
/// [`MAX_WINDOW_DAYS`].
pub fn assign_years(
    dates: &[PartialDate],
    anchor: Option<Anchor>,
    order: Order,
) -> Result<Vec<NaiveDate>, YearError> {
    let mut out: Vec<NaiveDate> = Vec::with_capacity(dates.len());
    if dates.is_empty() {
        return Ok(out);
    }
    let all_dated = dates.iter().all(|d| d.year.is_some());
    match (anchor, all_dated) {
        (_, true) => {
            for (i, d) in dates.iter().enumerate() {
                out.push(make(*d, d.year.unwrap_or_default(), i)?);
            }
        }
        (None, false) => return Err(YearError::NoYear),
        (Some(Anchor::Start(start)), false) => {
            let mut year = chrono::Datelike::year(&start);
            for (i, d) in dates.iter().enumerate() {
                let date = match (d.year, out.last()) {
                    (Some(y), _) => make(*d, y, i)?,
                    (None, None) => {
                        if (d.month, d.day) != md(start) {
                            return Err(YearError::StartMismatch {
                                index: i,
                                found: *d,
                                start,
                            });
                        }
                        start
                    }
                    (None, Some(prev)) => {
                        if (d.month, d.day) < md(*prev) {
                            year += 1;
                        }
                        make(*d, year, i)?
                    }
                };
                year = chrono::Datelike::year(&date);
                out.push(date);
            }
            if let (Some(first), Some(d)) = (out.first(), dates.first()) {
                if d.year.is_some() && *first != start {
                    return Err(YearError::StartMismatch {
                        index: 0,
                        found: *d,
                        start,
                    });
                }
            }
        }
        (Some(Anchor::End(end)), false) => {
            // Walk backwards from the last row.
            let mut rev: Vec<NaiveDate> = Vec::with_capacity(dates.len());
            let mut year = chrono::Datelike::year(&end);
            for (i, d) in dates.iter().enumerate().rev() {
                let date = match (d.year, rev.last()) {
                    (Some(y), _) => make(*d, y, i)?,
                    (None, None) => {
                        if (d.month, d.day) > md(end) {
                            year -= 1;
                        }
                        make(*d, year, i)?
                    }
                    (None, Some(next)) => {
                        if (d.month, d.day) > md(*next) {
                            year -= 1;
                        }
                        make(*d, year, i)?
                    }
                };
                if rev.is_empty() && date > end {
                    return Err(YearError::AfterEnd {
                        index: i,
                        found: date,
                        end,
                    });
                }
                year = chrono::Datelike::year(&date);
                rev.push(date);
            }
            rev.reverse();
            out = rev;
        }
    }
    for (i, pair) in out.windows(2).enumerate() {
        if let ([prev, next], Some(d)) = (pair, dates.get(i + 1)) {
            check_step(*prev, *next, *d, i + 1, order)?;
        }
    }
    if let (Some(first), Some(last)) = (out.first(), out.last()) {
        if (*last - *first).num_days() + 1 > MAX_WINDOW_DAYS {
            return Err(YearError::TooLong {
                first: *first,
                last: *last,
            });
        }
    }
    Ok(out)
}

/// Checks that `next` (row `index`, written `found`) may follow `prev`.
fn check_step(
    prev: NaiveDate,
    next: NaiveDate,
    found: PartialDate,
    index: usize,
    order: Order,
) -> Result<(), YearError> {
    let gap = (next - prev).num_days();
    let ok = match order {
        Order::Strict => gap >= 1,
        Order::Repeating => gap >= 0,
    };
    // A roll-over that lands far from the previous row is rows going backwards.
    let rolled = found.year.is_none() && (found.month, found.day) < md(prev);
    if !ok || (rolled && gap > MAX_ROLLOVER_GAP_DAYS) {
        return Err(YearError::Backwards {
            index,
            found,
            previous: prev,
        });
    }
    Ok(())
}

/// The date of a year-less day-month on or before `end` (Content.csv `Post
/// time` before its snapshot, or the snapshot before the export date).
pub fn on_or_before(d: PartialDate, end: NaiveDate) -> Result<NaiveDate, YearError> {
    assign_years(&[d], Some(Anchor::End(end)), Order::Strict)
        .map(|v| v.first().copied().unwrap_or(end))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
    }

    fn dm(m: u32, d: u32) -> PartialDate {
        PartialDate::day_month(m, d)
    }

    /// Every day from `first` to `last`, year-less.
    fn days(first: NaiveDate, last: NaiveDate) -> Vec<PartialDate> {
        use chrono::Datelike;
        first
            .iter_days()
            .take_while(|d| *d <= last)
            .map(|d| dm(d.month(), d.day()))
            .collect()
    }

    #[test]
    fn export_date_gives_the_year() {
        let got = assign_years(
            &[dm(8, 30), dm(8, 31)],
            Some(Anchor::End(ymd(2026, 9, 2))),
            Order::Strict,
        );
        assert_eq!(got, Ok(vec![ymd(2026, 8, 30), ymd(2026, 8, 31)]));
    }

    #[test]
    fn last_row_after_export_day_month_is_last_year() {
        let got = assign_years(
            &[dm(12, 30), dm(12, 31)],
            Some(Anchor::End(ymd(2026, 1, 2))),
            Order::Strict,
        );
        assert_eq!(got, Ok(vec![ymd(2025, 12, 30), ymd(2025, 12, 31)]));
    }

    #[test]
    fn december_to_january_rollover_in_a_365_day_window() {
        let first = ymd(2025, 8, 28);
        let last = ymd(2026, 8, 27);
        let input = days(first, last);
        assert_eq!(input.len(), 365);
        let want: Vec<NaiveDate> = first.iter_days().take(365).collect();
        let from_end = assign_years(&input, Some(Anchor::End(ymd(2026, 8, 29))), Order::Strict);
        assert_eq!(from_end.as_ref(), Ok(&want));
        let from_start = assign_years(&input, Some(Anchor::Start(first)), Order::Strict);
        assert_eq!(from_start, Ok(want));
    }

    #[test]
    fn february_29_needs_a_leap_year() {
        let input = [dm(2, 28), dm(2, 29), dm(3, 1)];
        let ok = assign_years(&input, Some(Anchor::End(ymd(2028, 3, 3))), Order::Strict);
        assert_eq!(
            ok,
            Ok(vec![ymd(2028, 2, 28), ymd(2028, 2, 29), ymd(2028, 3, 1)])
        );
        let wrong = assign_years(&input, Some(Anchor::End(ymd(2027, 3, 3))), Order::Strict);
        assert!(
            matches!(
                wrong,
                Err(YearError::Impossible {
                    index: 1,
                    year: 2027,
                    ..
                })
            ),
            "{wrong:?}"
        );
        let msg = wrong.err().map(|e| e.to_string()).unwrap_or_default();
        assert!(msg.contains("29 February does not exist in 2027"), "{msg}");
        let wrong = assign_years(&input, Some(Anchor::Start(ymd(2027, 2, 28))), Order::Strict);
        assert!(matches!(wrong, Err(YearError::Impossible { index: 1, .. })));
    }

    #[test]
    fn backwards_dates_are_errors() {
        let input = [dm(8, 9), dm(8, 10), dm(8, 8)];
        for anchor in [Anchor::End(ymd(2026, 9, 1)), Anchor::Start(ymd(2026, 8, 9))] {
            let got = assign_years(&input, Some(anchor), Order::Strict);
            assert!(
                matches!(got, Err(YearError::Backwards { index: 2, .. })),
                "{anchor:?}: {got:?}"
            );
        }
        let repeat = [dm(8, 9), dm(8, 9)];
        let strict = assign_years(&repeat, Some(Anchor::End(ymd(2026, 9, 1))), Order::Strict);
        assert!(matches!(strict, Err(YearError::Backwards { index: 1, .. })));
        let repeating = assign_years(
            &repeat,
            Some(Anchor::End(ymd(2026, 9, 1))),
            Order::Repeating,
        );
        assert_eq!(repeating, Ok(vec![ymd(2026, 8, 9), ymd(2026, 8, 9)]));
    }

    #[test]
    fn zip_start_must_match_the_first_row() {
        let got = assign_years(
            &[dm(6, 19), dm(6, 20)],
            Some(Anchor::Start(ymd(2026, 6, 18))),
            Order::Strict,
        );
        assert!(
            matches!(got, Err(YearError::StartMismatch { index: 0, .. })),
            "{got:?}"
        );
        let msg = got.err().map(|e| e.to_string()).unwrap_or_default();
        assert!(msg.contains("does not match the ZIP name"), "{msg}");
    }

    #[test]
    fn windows_longer_than_366_days_are_errors() {
        let first = ymd(2025, 1, 1);
        let input = days(first, ymd(2026, 1, 2));
        let got = assign_years(&input, Some(Anchor::Start(first)), Order::Strict);
        assert!(matches!(got, Err(YearError::TooLong { .. })), "{got:?}");
    }

    #[test]
    fn no_anchor_is_an_error_unless_dates_carry_years() {
        assert_eq!(
            assign_years(&[dm(1, 1)], None, Order::Strict),
            Err(YearError::NoYear)
        );
        let dated = PartialDate {
            year: Some(2026),
            month: 1,
            day: 1,
        };
        assert_eq!(
            assign_years(&[dated], None, Order::Strict),
            Ok(vec![ymd(2026, 1, 1)])
        );
        assert_eq!(assign_years(&[], None, Order::Strict), Ok(vec![]));
    }

    #[test]
    fn dated_row_after_the_export_date_is_an_error() {
        let dated = PartialDate {
            year: Some(2026),
            month: 9,
            day: 5,
        };
        let got = assign_years(
            &[dm(9, 4), dated],
            Some(Anchor::End(ymd(2026, 9, 1))),
            Order::Strict,
        );
        assert!(matches!(got, Err(YearError::AfterEnd { .. })), "{got:?}");
    }

    #[test]
    fn posting_dates_roll_back_before_the_snapshot() {
        assert_eq!(
            on_or_before(dm(12, 20), ymd(2026, 1, 5)),
            Ok(ymd(2025, 12, 20))
        );
        assert_eq!(on_or_before(dm(1, 5), ymd(2026, 1, 5)), Ok(ymd(2026, 1, 5)));
    }
}
