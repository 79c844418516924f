//! Giving Studio's year-less dates their year.
//!
//! Studio daily files (Overview, Viewers, FollowerHistory, FollowerActivity)
//! list days in ascending order without a year (`formats.md` §3.3, §3.4). A
//! year comes from one known date — the first day of the window (from the
//! Overview ZIP name) or a day on or after the last row (the export date) —
//! and the order of the rows: walking from the known end, a step from
//! December to January crosses into the next year. [`assign_years`] is pure so
//! that every case (roll-over, 29 February, rows going backwards) is tested
//! without files; its errors ([`YearError`], in `year_error.rs`) are worded
//! there, and the readers name the rows by line.

use super::dates::PartialDate;
pub use super::year_error::{RowRef, YearError};
use chrono::{Datelike, NaiveDate};

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
    /// The last row is on or before this day (a Content row's posting day
    /// before its snapshot day).
    End(NaiveDate),
    /// The last row is on or before this day, the day the file was
    /// downloaded, and close to it: a Studio file ends on its export day.
    /// A year-less last row up to 31 days after this day is refused
    /// ([`YearError::AfterEnd`]) instead of being read as the year before,
    /// which would move the whole file a year back in silence (a wrong
    /// `--export-date`, or a time zone a day ahead).
    Export(NaiveDate),
}

/// How consecutive rows may relate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Order {
    /// Each row is a later day than the one before (one row per day).
    Strict,
    /// Rows may repeat a day (FollowerActivity: 24 rows per day).
    Repeating,
}

fn make(d: PartialDate, year: i32, index: usize) -> Result<NaiveDate, YearError> {
    NaiveDate::from_ymd_opt(year, d.month, d.day).ok_or(YearError::Impossible {
        index,
        found: d,
        year,
    })
}

fn md(d: NaiveDate) -> (u32, u32) {
    (d.month(), d.day())
}

/// The first day after `end` with `d`'s day and month, if it is at most
/// [`MAX_ROLLOVER_GAP_DAYS`] after `end`.
fn just_after(d: PartialDate, end: NaiveDate) -> Option<NaiveDate> {
    let year = end.year();
    [year, year + 1]
        .into_iter()
        .filter_map(|y| NaiveDate::from_ymd_opt(y, d.month, d.day))
        .find(|date| *date > end)
        .filter(|date| (*date - end).num_days() <= MAX_ROLLOVER_GAP_DAYS)
}

/// Gives every date its year. Dates that carry a year keep it.
///
/// With [`Anchor::Start`] the first row must be the start day and years are
/// assigned walking forward; with [`Anchor::End`] and [`Anchor::Export`]
/// the last row is on or before the end day and years are assigned walking
/// backward, so dates never increase going back (a January row before a
/// December row belongs to the year before). Errors: no anchor for
/// year-less dates, a day-month that cannot exist in its year (29 February
/// of a common year), rows going backwards, a first row that is not the
/// start day, a last row just after the export day ([`Anchor::Export`]),
/// and a window longer than [`MAX_WINDOW_DAYS`].
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
            let mut year = start.year();
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
                year = date.year();
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
        (Some(Anchor::End(end) | Anchor::Export(end)), false) => {
            let export = matches!(anchor, Some(Anchor::Export(_)));
            // Walk backwards from the last row.
            let mut rev: Vec<NaiveDate> = Vec::with_capacity(dates.len());
            let mut year = end.year();
            for (i, d) in dates.iter().enumerate().rev() {
                let date = match (d.year, rev.last()) {
                    (Some(y), _) => make(*d, y, i)?,
                    (None, None) => {
                        if let Some(date) = just_after(*d, end).filter(|_| export) {
                            return Err(YearError::AfterEnd {
                                index: i,
                                found: *d,
                                date,
                                end,
                            });
                        }
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
                        found: *d,
                        date,
                        end,
                    });
                }
                year = date.year();
                rev.push(date);
            }
            rev.reverse();
            out = rev;
        }
    }
    let mut widest = (0, 0);
    for (i, pair) in out.windows(2).enumerate() {
        if let ([prev, next], Some(d)) = (pair, dates.get(i + 1)) {
            let step = check_step(*prev, *next, *d, i + 1, order)?;
            if step > widest.1 {
                widest = (i + 1, step);
            }
        }
    }
    if let (Some(first), Some(last)) = (out.first(), out.last()) {
        if (*last - *first).num_days() + 1 > MAX_WINDOW_DAYS {
            return Err(YearError::TooLong {
                first: *first,
                last: *last,
                last_index: out.len() - 1,
                widest,
            });
        }
    }
    Ok(out)
}

/// Checks that `next` (row `index`, written `found`) may follow `prev`;
/// returns the days between them.
fn check_step(
    prev: NaiveDate,
    next: NaiveDate,
    found: PartialDate,
    index: usize,
    order: Order,
) -> Result<i64, YearError> {
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
            days: gap,
        });
    }
    Ok(gap)
}

/// The date of a year-less day-month on or before `end` (Content.csv `Post
/// time` before its snapshot). A 29 February goes back to the last leap
/// year: a video may be older than a year.
pub fn on_or_before(d: PartialDate, end: NaiveDate) -> Result<NaiveDate, YearError> {
    let got = assign_years(&[d], Some(Anchor::End(end)), Order::Strict);
    if let (Err(YearError::Impossible { year, .. }), None) = (&got, d.year) {
        // Leap years are at most eight years apart (2096 to 2104).
        if let Some(date) = (1..=8)
            .filter_map(|back| NaiveDate::from_ymd_opt(year - back, d.month, d.day))
            .next()
        {
            return Ok(date);
        }
    }
    got.map(|v| v.first().copied().unwrap_or(end))
}

/// The snapshot day of a file dated as a whole (Content.csv `Time`): on or
/// before the export day and close to it (see [`Anchor::Export`]).
pub fn snapshot_day(d: PartialDate, export: NaiveDate) -> Result<NaiveDate, YearError> {
    assign_years(&[d], Some(Anchor::Export(export)), Order::Strict)
        .map(|v| v.first().copied().unwrap_or(export))
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
        let msg = got.err().map(|e| e.to_string()).unwrap_or_default();
        assert!(
            msg.ends_with(
                "367 days; expected at most 366 days, the longest a Studio export covers. The \
                 days follow one another, so the file holds more than one export: import each \
                 export as a file of its own"
            ),
            "{msg}"
        );
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

    /// Rows named as a reader names them: `line N+2`, dates as written.
    fn lines<'a>(written: &'a [&'a str]) -> impl Fn(usize) -> RowRef + 'a {
        move |i| RowRef {
            place: Some(format!("line {}", i + 2)),
            written: written.get(i).map(|w| w.to_string()),
        }
    }

    fn message(got: Result<Vec<NaiveDate>, YearError>, written: &[&str]) -> String {
        match got {
            Ok(v) => format!("(no error: {v:?})"),
            Err(e) => e.message(&lines(written), "the export date (`--export-date`)"),
        }
    }

    #[test]
    fn backwards_and_repeated_days_are_named_as_written_with_their_lines() {
        let end = Some(Anchor::Export(ymd(2026, 9, 1)));
        let back = assign_years(&[dm(8, 9), dm(8, 10), dm(8, 8)], end, Order::Strict);
        let msg = message(back, &["August 9", "August 10", "August 8"]);
        assert!(
            msg.starts_with(
                "dates go backwards: `August 8` follows `August 10` (line 3), 2 days earlier; \
                 expected the rows oldest first"
            ),
            "{msg}"
        );
        assert!(
            msg.contains("download the file from TikTok Studio again"),
            "{msg}"
        );
        // The inferred years (2025-08-10 before 2026-08-08) are not shown.
        assert!(!msg.contains("2025"), "{msg}");

        let repeat = assign_years(&[dm(8, 9), dm(8, 9)], end, Order::Strict);
        let msg = message(repeat, &["August 9", "August 9 "]);
        assert!(
            msg.starts_with(
                "a date repeats: `August 9 ` is also the date of line 2; expected each day once"
            ),
            "{msg}"
        );
        assert!(msg.contains("Remove the repeated row"), "{msg}");

        // Over a new year the next year's reading is the nearer one: both are given.
        let jump = assign_years(&[dm(12, 20), dm(1, 25)], end, Order::Strict);
        let msg = message(jump, &["December 20", "January 25"]);
        assert!(
            msg.contains(
                "`January 25` follows `December 20` (line 2), 329 days earlier (or 36 days \
                 later as a day of the next year, where a daily file steps one day at a time)"
            ),
            "{msg}"
        );
    }

    #[test]
    fn a_last_row_just_after_the_export_day_is_refused_not_moved_a_year_back() {
        let input = [dm(8, 9), dm(8, 10)];
        let got = assign_years(&input, Some(Anchor::Export(ymd(2026, 8, 9))), Order::Strict);
        assert!(
            matches!(got, Err(YearError::AfterEnd { index: 1, .. })),
            "{got:?}"
        );
        let msg = message(got, &["August 9", "August 10"]);
        assert!(
            msg.starts_with(
                "the date `August 10` is after the export date (`--export-date`); expected the \
                 file to end on or before the day it was downloaded. Read in the year before \
                 (2025-08-10)"
            ),
            "{msg}"
        );
        assert!(
            msg.ends_with("with `--export-date YYYY-MM-DD` (2026-08-10 or later)"),
            "{msg}"
        );
        // Across a new year too.
        let got = assign_years(
            &[dm(12, 31), dm(1, 1)],
            Some(Anchor::Export(ymd(2025, 12, 31))),
            Order::Strict,
        );
        assert!(
            matches!(got, Err(YearError::AfterEnd { date, .. }) if date == ymd(2026, 1, 1)),
            "{got:?}"
        );
        // A month and more after the export day is the year before, as
        // always; so is any day with `End` (a posting day before a snapshot).
        let got = assign_years(
            &[dm(9, 15)],
            Some(Anchor::Export(ymd(2026, 8, 9))),
            Order::Strict,
        );
        assert_eq!(got, Ok(vec![ymd(2025, 9, 15)]));
        assert_eq!(
            on_or_before(dm(8, 10), ymd(2026, 8, 9)),
            Ok(ymd(2025, 8, 10))
        );
        assert_eq!(snapshot_day(dm(8, 9), ymd(2026, 8, 9)), Ok(ymd(2026, 8, 9)));
    }

    #[test]
    fn a_too_long_window_names_its_ends_and_the_largest_step() {
        let got = assign_years(
            &[dm(12, 30), dm(1, 2), dm(12, 31)],
            Some(Anchor::Export(ymd(2026, 9, 1))),
            Order::Strict,
        );
        let msg = message(got, &["December 30", "January 2", "December 31"]);
        assert!(
            msg.starts_with(
                "the rows run from `December 30` (line 2), read as 2024-12-30, to `December 31` \
                 (line 4), read as 2025-12-31, 367 days; expected at most 366 days"
            ),
            "{msg}"
        );
        assert!(
            msg.contains(
                "The largest step is 363 days from `January 2` (line 3) to `December 31` (line 4)"
            ),
            "{msg}"
        );
        assert!(msg.ends_with("the export date (`--export-date`)"), "{msg}");
    }

    #[test]
    fn a_posting_day_on_29_february_goes_back_to_a_leap_year() {
        assert_eq!(
            on_or_before(dm(2, 29), ymd(2026, 2, 19)),
            Ok(ymd(2024, 2, 29))
        );
        assert_eq!(
            on_or_before(dm(2, 29), ymd(2024, 3, 1)),
            Ok(ymd(2024, 2, 29))
        );
        // A snapshot day is near the export day: there it is the wrong year.
        assert!(matches!(
            snapshot_day(dm(2, 29), ymd(2026, 2, 19)),
            Err(YearError::Impossible { year: 2025, .. })
        ));
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
