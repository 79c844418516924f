//! The daily Studio files: Overview (and the Business Suite overview),
//! Viewers, FollowerHistory and FollowerActivity (`formats.md` §3.3).
//!
//! Their dates have no year, and the year can only be fixed once the whole
//! window is known (walking back from the export date, or forward from the
//! ZIP name's start day). So rows are parsed as they come — value errors are
//! reported in line order — and held until the end of the file; the files are
//! at most 366 rows (FollowerActivity: 7 × 24), and a longer file is refused
//! before it is held.

use super::dates::PartialDate;
use super::headers::Field;
use super::years::{assign_years, Anchor, Order, RowRef, YearError, MAX_WINDOW_DAYS};
use super::{Reading, Row, Rows, YearSource};
use crate::error::IngestError;
use crate::number::ValueError;
use crate::sink::{Item, Record, Sink, Warning};
use chrono::NaiveDate;
use uptake_model::{AccountDay, FollowerActivity, SourceFormat};

/// What one daily row says, before its date has a year.
#[derive(Debug, Clone, PartialEq)]
enum Values {
    Overview {
        video_views: Option<i64>,
        profile_views: Option<i64>,
        likes: Option<i64>,
        comments: Option<i64>,
        shares: Option<i64>,
        new_followers: Option<i64>,
        reach: Option<i64>,
    },
    Viewers {
        total: Option<i64>,
        new: Option<i64>,
        returning: Option<i64>,
    },
    History {
        followers: Option<i64>,
    },
    Activity {
        hour: u8,
        active: Option<i64>,
    },
}

/// A row read and waiting for its year.
struct Pending {
    number: u64,
    raw: String,
    date: PartialDate,
    /// The date cell as written, for messages (at most 60 characters).
    written: String,
    values: Values,
}

/// Most rows a daily file can hold: FollowerActivity has 24 per day.
const MAX_ROWS: usize = (MAX_WINDOW_DAYS as usize + 1) * 24;

/// Reads a daily file's rows into `sink`.
pub fn read(r: &Reading, rows: Rows<'_>, sink: &mut dyn Sink) -> Result<(), IngestError> {
    let format = r.columns.format;
    let mut pending: Vec<Pending> = Vec::new();
    let mut distinct_days = 0usize;
    for row in rows {
        let row = row?;
        let date = r.date(&row, Field::Date)?;
        let values = values(r, format, &row)?;
        if pending.last().map(|p| p.date) != Some(date) {
            distinct_days += 1;
        }
        if distinct_days > MAX_WINDOW_DAYS as usize + 1 || pending.len() >= MAX_ROWS {
            return Err(IngestError::invalid(
                r.at(row.number),
                format!(
                    "expected at most {MAX_WINDOW_DAYS} days of rows (the longest Studio \
                     export), found more"
                ),
            ));
        }
        pending.push(Pending {
            number: row.number,
            raw: r.raw(&row),
            date,
            written: r
                .cell(&row, Field::Date)
                .unwrap_or("")
                .trim()
                .chars()
                .take(60)
                .collect(),
            values,
        });
    }
    let dates = years_for(r, &pending, sink)?;
    for (p, date) in pending.into_iter().zip(dates) {
        let location = r.at(p.number);
        let records = match p.values {
            Values::Overview {
                video_views,
                profile_views,
                likes,
                comments,
                shares,
                new_followers,
                reach,
            } => day_record(AccountDay {
                video_views,
                profile_views,
                likes,
                comments,
                shares,
                new_followers,
                reach,
                ..AccountDay::new(r.account.clone(), date)
            }),
            Values::Viewers {
                total,
                new,
                returning,
            } => match total {
                // Studio's last, partial day: `Total Viewers` is `undefined`
                // while New/Returning are 0 (`formats.md` §3.3). The zeros are
                // not real, so the whole row is missing.
                None => {
                    sink.warn(Warning {
                        location: location.clone(),
                        message: format!(
                            "`{}` is missing on {date} (Studio's partial last day): the row's \
                             viewer counts are treated as missing, not as 0",
                            r.columns.name(Field::TotalViewers)
                        ),
                    });
                    Vec::new()
                }
                Some(total) => day_record(AccountDay {
                    total_viewers: Some(total),
                    new_viewers: new,
                    returning_viewers: returning,
                    ..AccountDay::new(r.account.clone(), date)
                }),
            },
            // Only the total is kept. The difference column is not read at
            // all: real files disagree on what it means (one is shifted by a
            // day, `Followers[D+1] − Followers[D]`, with 0 on the last row;
            // another has 0 on the first row), `formats.md` §3.3. Daily
            // changes are recomputed from the totals downstream.
            Values::History { followers } => day_record(AccountDay {
                followers,
                ..AccountDay::new(r.account.clone(), date)
            }),
            Values::Activity { hour, active } => active
                .map(|active_followers| {
                    vec![Record::FollowerActivity(FollowerActivity {
                        account: r.account.clone(),
                        date,
                        hour,
                        active_followers,
                    })]
                })
                .unwrap_or_default(),
        };
        r.push(
            sink,
            Item {
                location,
                raw: Some(p.raw),
                records,
            },
        )?;
    }
    Ok(())
}

/// A day's record, or none when every value is missing.
fn day_record(day: AccountDay) -> Vec<Record> {
    if day.is_empty() {
        Vec::new()
    } else {
        vec![Record::AccountDay(day)]
    }
}

fn values(r: &Reading, format: SourceFormat, row: &Row) -> Result<Values, IngestError> {
    Ok(match format {
        SourceFormat::StudioViewers => Values::Viewers {
            total: r.int(row, Field::TotalViewers)?,
            new: r.int(row, Field::NewViewers)?,
            returning: r.int(row, Field::ReturningViewers)?,
        },
        SourceFormat::StudioFollowerHistory => Values::History {
            followers: r.int(row, Field::Followers)?,
        },
        SourceFormat::StudioFollowerActivity => Values::Activity {
            hour: hour(r, row)?,
            active: r.int(row, Field::ActiveFollowers)?,
        },
        _ => Values::Overview {
            video_views: r.int(row, Field::VideoViews)?,
            profile_views: r.int(row, Field::ProfileViews)?,
            likes: r.int(row, Field::Likes)?,
            comments: r.int(row, Field::Comments)?,
            shares: r.int(row, Field::Shares)?,
            new_followers: r.int(row, Field::NewFollowers)?,
            reach: r.int(row, Field::Reach)?,
        },
    })
}

/// The `Hour` cell: `0`..`23`, also written `07` or `7:00`.
fn hour(r: &Reading, row: &Row) -> Result<u8, IngestError> {
    let text = r.cell(row, Field::Hour).unwrap_or("").trim();
    let digits = text
        .strip_suffix(":00")
        .or_else(|| text.strip_suffix(".0"))
        .unwrap_or(text);
    match digits.parse::<u8>() {
        Ok(h) if h <= 23 => Ok(h),
        _ => Err(IngestError::value(
            r.at(row.number),
            r.columns.name(Field::Hour),
            ValueError {
                expected: "an hour of the day, 0 to 23",
                found: if text.is_empty() {
                    "(empty)".into()
                } else {
                    text.chars().take(60).collect()
                },
                hint: None,
            },
        )),
    }
}

/// Gives the rows' dates their years (see [`super::years`]).
fn years_for(
    r: &Reading,
    pending: &[Pending],
    sink: &mut dyn Sink,
) -> Result<Vec<NaiveDate>, IngestError> {
    let dates: Vec<PartialDate> = pending.iter().map(|p| p.date).collect();
    let needs_year = dates.iter().any(|d| d.year.is_none());
    let source = YearSource::of(r.ctx, true);
    let anchor = match source {
        YearSource::ExportDate(d) | YearSource::Modified(d) => Some(Anchor::Export(d)),
        YearSource::ZipStart(d) => Some(Anchor::Start(d)),
        YearSource::Unknown => None,
    };
    let order = if r.columns.format == SourceFormat::StudioFollowerActivity {
        Order::Repeating
    } else {
        Order::Strict
    };
    let assigned =
        assign_years(&dates, anchor, order).map_err(|e| year_error(r, pending, source, e))?;
    if needs_year {
        if let Some(w) = source.warning(r.ctx, false) {
            sink.warn(w);
        }
    }
    Ok(assigned)
}

/// A year error at the row it is about, naming the other rows it involves
/// by line and their dates as written.
fn year_error(r: &Reading, pending: &[Pending], source: YearSource, e: YearError) -> IngestError {
    let location = e
        .index()
        .and_then(|i| pending.get(i))
        .map(|p| r.at(p.number))
        .unwrap_or_else(|| r.ctx.whole());
    let row = |i: usize| match pending.get(i) {
        Some(p) => RowRef {
            place: Some(r.place(p.number)),
            written: Some(p.written.clone()),
        },
        None => RowRef::default(),
    };
    IngestError::invalid(location, e.message(&row, &source.describe()))
}

#[cfg(test)]
mod tests {
    use crate::{Context, Options, VecSink};
    use chrono::NaiveDate;

    /// The error of reading Overview.csv rows dated `dates`, exported on
    /// `export` (y, m, d).
    fn error_of(dates: &[&str], export: (i32, u32, u32)) -> String {
        let mut text = String::from("\"Date\",\"Video Views\"\n");
        for d in dates {
            text.push_str(&format!("\"{d}\",\"1\"\n"));
        }
        let options = Options {
            export_date: NaiveDate::from_ymd_opt(export.0, export.1, export.2),
            ..Options::default()
        };
        let ctx = Context::new("Overview.csv", &options);
        match super::super::parse_csv(text.as_bytes(), &ctx, &mut VecSink::default()) {
            Ok(_) => String::from("(no error)"),
            Err(e) => e.to_string(),
        }
    }

    #[test]
    fn rows_out_of_order_are_named_by_line_and_date_as_written() {
        let msg = error_of(&["August 9", "August 10", "August 8"], (2026, 9, 1));
        assert_eq!(
            msg,
            "`Overview.csv` line 4: dates go backwards: `August 8` follows `August 10` (line 3), \
             2 days earlier; expected the rows oldest first, as TikTok Studio writes a daily \
             file. Put the rows back in date order (sorting a spreadsheet by its text dates \
             mixes them up), or download the file from TikTok Studio again"
        );
    }

    #[test]
    fn a_repeated_day_is_called_a_repeat() {
        let msg = error_of(&["August 9", "August 10", "August 10"], (2026, 9, 1));
        assert_eq!(
            msg,
            "`Overview.csv` line 4: a date repeats: `August 10` is also the date of line 3; \
             expected each day once, as TikTok Studio writes a daily file. Remove the repeated \
             row, or download the file from TikTok Studio again"
        );
    }

    #[test]
    fn a_last_day_after_the_export_date_asks_for_the_export_date() {
        let msg = error_of(&["August 9", "August 10"], (2026, 8, 9));
        assert!(
            msg.starts_with(
                "`Overview.csv` line 3: the date `August 10` is after the export date \
                 2026-08-09 (`--export-date`); expected the file to end on or before the day \
                 it was downloaded."
            ),
            "{msg}"
        );
        assert!(
            msg.ends_with("`--export-date YYYY-MM-DD` (2026-08-10 or later)"),
            "{msg}"
        );
    }

    #[test]
    fn a_window_too_long_names_the_lines_where_the_rows_jump() {
        let msg = error_of(&["December 30", "January 2", "December 31"], (2026, 9, 1));
        assert!(
            msg.starts_with("`Overview.csv`: the rows run from `December 30` (line 2)"),
            "{msg}"
        );
        assert!(
            msg.contains(
                "The largest step is 363 days from `January 2` (line 3) to `December 31` (line 4)"
            ),
            "{msg}"
        );
    }
}
