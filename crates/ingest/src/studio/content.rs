//! Content.csv: per-video totals at export time (`formats.md` §3.3).
//!
//! There is no id column: the id is the last path segment of `Video link`,
//! which also carries the handle. `Time` is the export snapshot day (the same
//! in every row) and `Post time` the posting day, both without a year: the
//! snapshot is on or before the export date, the posting day on or before the
//! snapshot. A snapshot day just after the export date is refused rather than
//! read as last year's (see [`super::years::Anchor::Export`]), and so is a
//! posting day after the snapshot, which only dates given a year by a
//! spreadsheet can say. Each row yields a [`Video`] and, when it has any
//! metric, an [`Observation`] dated at the start of the snapshot day (UTC).
//! The links name the account: one warning says when they name another
//! than the project's ([`super::own_account`]).

use super::audience::snapshot_date;
use super::dates::PartialDate;
use super::headers::Field;
use super::own_account::OwnAccountCheck;
use super::years::{on_or_before, snapshot_day, RowRef, YearError};
use super::{Reading, Row, Rows, YearSource};
use crate::error::IngestError;
use crate::number::{self, handle_from_link, ValueError};
use crate::sink::{Item, Record, Sink};
use chrono::NaiveDate;
use uptake_model::{Metrics, Observation, SourceFormat, Video};

/// Reads Content.csv rows into `sink`.
pub fn read(r: &Reading, rows: Rows<'_>, sink: &mut dyn Sink) -> Result<(), IngestError> {
    // The export day, needed only for year-less dates; asked for once.
    let mut export_day: Option<NaiveDate> = None;
    // The file describes the account that downloaded it: links naming
    // another account are counted and warned about once, at the end.
    let mut own = OwnAccountCheck::studio(r.ctx, "a Studio Content file");
    for row in rows {
        let row = row?;
        let link = r.cell(&row, Field::VideoLink).unwrap_or("").trim();
        own.video(Some(link));
        let id = video_id(link).map_err(|e| {
            IngestError::value(r.at(row.number), r.columns.name(Field::VideoLink), e)
        })?;
        let snapshot = match r.columns.index(Field::Time) {
            Some(_) => {
                let time = r.date(&row, Field::Time)?;
                dated(r, &row, time, &mut export_day, sink)?
            }
            None => export(r, &mut export_day, sink)?,
        };
        let posted_on = match r.cell(&row, Field::PostTime) {
            Some(text) if !number::is_missing(text) => {
                let post = r.date(&row, Field::PostTime)?;
                let anchor = format!(
                    "the row's snapshot day {snapshot} (`{}`)",
                    r.columns.name(Field::Time)
                );
                let day = year_ok(
                    r,
                    &row,
                    Field::PostTime,
                    &anchor,
                    on_or_before(post, snapshot),
                )?;
                if day > snapshot {
                    return Err(posted_after_snapshot(r, &row, day, snapshot));
                }
                Some(day)
            }
            _ => None,
        };
        // Account: the user's setting or the ZIP name; else the link's handle.
        let handle = super::account_from(r.ctx)
            .or_else(|| handle_from_link(link))
            .unwrap_or_else(|| super::OWN.to_string());
        let title = r
            .cell(&row, Field::VideoTitle)
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(str::to_string);
        let video = Video {
            author_handle: Some(handle),
            posted_on,
            title,
            url: link.starts_with("http").then(|| link.to_string()),
            ..Video::with_id(id.clone())
        };
        let metrics = Metrics {
            // Lifetime totals of a video: never below zero (the daily
            // changes of the account series may be).
            views: r.total(&row, Field::VideoViews)?,
            likes: r.total(&row, Field::Likes)?,
            comments: r.total(&row, Field::Comments)?,
            shares: r.total(&row, Field::Shares)?,
            saves: r.total(&row, Field::Saves)?,
            avg_watch_s: r.duration(&row, Field::AvgWatchTime)?,
            total_watch_s: r.duration(&row, Field::TotalPlayTime)?,
            full_watch_rate: r.fraction(&row, Field::FullWatchRate)?,
            ..Metrics::default()
        };
        let mut records = vec![Record::Video(video)];
        if !metrics.is_empty() {
            records.push(Record::Observation(Observation {
                video_id: id,
                observed_at: snapshot
                    .and_time(chrono::NaiveTime::MIN)
                    .and_utc()
                    .timestamp(),
                source: SourceFormat::StudioContent,
                metrics,
            }));
        }
        r.push(
            sink,
            Item {
                location: r.at(row.number),
                raw: Some(r.raw(&row)),
                records,
            },
        )?;
    }
    own.finish(r.ctx, sink);
    Ok(())
}

/// The export day, from `--export-date` or the modification date; asked once.
fn export(
    r: &Reading,
    cache: &mut Option<NaiveDate>,
    sink: &mut dyn Sink,
) -> Result<NaiveDate, IngestError> {
    match cache {
        Some(d) => Ok(*d),
        None => {
            let d = snapshot_date(r, sink)?;
            *cache = Some(d);
            Ok(d)
        }
    }
}

/// The snapshot day: as written if it has a year, else on or before the export day.
fn dated(
    r: &Reading,
    row: &Row,
    time: PartialDate,
    cache: &mut Option<NaiveDate>,
    sink: &mut dyn Sink,
) -> Result<NaiveDate, IngestError> {
    if let Some(y) = time.year {
        return NaiveDate::from_ymd_opt(y, time.month, time.day).ok_or_else(|| {
            IngestError::invalid(r.at(row.number), "the snapshot date does not exist")
        });
    }
    let end = export(r, cache, sink)?;
    let anchor = YearSource::of(r.ctx, false).describe();
    year_ok(r, row, Field::Time, &anchor, snapshot_day(time, end))
}

/// A year error in `field` of `row`, with the cell as written; `anchor`
/// says where the year came from.
fn year_ok(
    r: &Reading,
    row: &Row,
    field: Field,
    anchor: &str,
    result: Result<NaiveDate, YearError>,
) -> Result<NaiveDate, IngestError> {
    result.map_err(|e| {
        let cell = RowRef {
            place: Some(r.place(row.number)),
            written: r
                .cell(row, field)
                .map(|t| t.trim().chars().take(60).collect()),
        };
        IngestError::invalid(
            r.at(row.number),
            format!(
                "column `{}`: {}",
                r.columns.name(field),
                e.message(&|_| cell.clone(), anchor)
            ),
        )
    })
}

/// A posting day after the day the row's totals were taken: only a date
/// given its year by someone else (a spreadsheet fills in the current year)
/// does that, as Studio writes neither year.
fn posted_after_snapshot(
    r: &Reading,
    row: &Row,
    posted: NaiveDate,
    snapshot: NaiveDate,
) -> IngestError {
    // The cell as written, and the day read from it when that reads differently.
    let shown = |f: Field, day: NaiveDate| -> String {
        let text: String = r
            .cell(row, f)
            .unwrap_or("")
            .trim()
            .chars()
            .take(60)
            .collect();
        if text == day.to_string() {
            format!("`{text}`")
        } else {
            format!("`{text}` ({day})")
        }
    };
    IngestError::invalid(
        r.at(row.number),
        format!(
            "column `{post}`: the video was posted on {}, after the row's snapshot day {} \
             (column `{time}`); expected a video to be posted on or before the day its totals \
             were taken. A spreadsheet may have given the dates a year of its own: download the \
             file from TikTok Studio again and import it as it came, or correct the year in \
             `{post}`",
            shown(Field::PostTime, posted),
            shown(Field::Time, snapshot),
            post = r.columns.name(Field::PostTime),
            time = r.columns.name(Field::Time),
        ),
    )
}

/// The video id from a link. The id segment is checked whole, so a link
/// whose id a spreadsheet turned into `7.41E+18` is refused rather than read
/// as the id `7`.
fn video_id(link: &str) -> Result<String, ValueError> {
    if let Some(pos) = link.find("/video/") {
        let segment: String = link
            .get(pos + "/video/".len()..)
            .unwrap_or("")
            .chars()
            .take_while(|c| !matches!(c, '/' | '?' | '#'))
            .collect();
        return number::parse_id(&segment);
    }
    number::video_id_from_link(link)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Context, Options, VecSink};

    /// Reads a Content.csv whose rows link to `handles`, in a project whose
    /// handle is `account`.
    fn read_linking_to(account: Option<&str>, handles: &[&str]) -> VecSink {
        let mut text = String::from(
            "\u{feff}\"Time\",\"Video title\",\"Video link\",\"Post time\",\"Total views\"\n",
        );
        for (i, h) in handles.iter().enumerate() {
            text.push_str(&format!(
                "\"February 19\",\"t\",\"https://www.tiktok.com/@{h}/video/74123456789012345{i:02}\",\"January 20\",\"10\"\n"
            ));
        }
        let options = Options {
            account: account.map(str::to_string),
            export_date: NaiveDate::from_ymd_opt(2026, 2, 19),
            ..Options::default()
        };
        let ctx = Context::new("Content.csv", &options);
        let mut sink = VecSink::default();
        let result = super::super::parse_csv(text.as_bytes(), &ctx, &mut sink);
        assert!(result.is_ok(), "{result:?}");
        sink
    }

    #[test]
    fn links_naming_another_handle_give_one_warning_at_the_file() {
        let sink = read_linking_to(
            Some("synthetic_kmb_lab"),
            &["another_lab", "another_lab", "another_lab"],
        );
        // Still imported, as the project's account.
        assert_eq!(sink.videos().len(), 3);
        assert!(sink
            .videos()
            .iter()
            .all(|v| v.author_handle.as_deref() == Some("synthetic_kmb_lab")));
        assert_eq!(sink.warnings.len(), 1, "{:?}", sink.warnings);
        let w = &sink.warnings[0];
        assert_eq!(w.location, crate::Location::file("Content.csv"));
        assert_eq!(
            w.message,
            "all 3 of the file's videos link to @another_lab, not to the project's account \
             @synthetic_kmb_lab (set in `uptake.toml`, `[account] handle`). A Studio Content \
             file describes the account that downloaded it, so its videos were stored as \
             @synthetic_kmb_lab's own. If another account downloaded the file, import it into \
             that account's project instead; if the account changed its handle, this warning \
             can be ignored"
        );
    }

    /// The error of reading one Content.csv row with `time` and `post`,
    /// exported on 2026-02-19.
    fn error_of(time: &str, post: &str) -> String {
        let text = format!(
            "\"Time\",\"Video link\",\"Post time\",\"Total views\"\n\"{time}\",\"https://www.tiktok.com/@lab/video/7412345678901234567\",\"{post}\",\"10\"\n"
        );
        let options = Options {
            export_date: NaiveDate::from_ymd_opt(2026, 2, 19),
            ..Options::default()
        };
        let ctx = Context::new("Content.csv", &options);
        match super::super::parse_csv(text.as_bytes(), &ctx, &mut VecSink::default()) {
            Ok(_) => String::from("(no error)"),
            Err(e) => e.to_string(),
        }
    }

    #[test]
    fn a_posting_day_after_the_snapshot_day_is_an_error_saying_why() {
        let msg = error_of("2026-02-19", "2026-02-25");
        assert!(
            msg.starts_with(
                "`Content.csv` line 2: column `Post time`: the video was posted on `2026-02-25`, \
                 after the row's snapshot day `2026-02-19` (column `Time`); expected a video to \
                 be posted on or before the day its totals were taken."
            ),
            "{msg}"
        );
        assert!(
            msg.contains("download the file from TikTok Studio again"),
            "{msg}"
        );
        // Without years, a later day-month is last year's: no error.
        assert_eq!(error_of("February 19", "February 25"), "(no error)");
    }

    #[test]
    fn a_snapshot_day_after_the_export_date_is_not_moved_a_year_back() {
        let msg = error_of("February 20", "February 10");
        assert!(
            msg.starts_with(
                "`Content.csv` line 2: column `Time`: the date `February 20` is after the \
                 export date 2026-02-19 (`--export-date`)"
            ),
            "{msg}"
        );
        assert!(msg.contains("(2026-02-20 or later)"), "{msg}");
    }

    #[test]
    fn links_naming_the_own_handle_in_any_case_give_no_warning() {
        let sink = read_linking_to(
            Some("@Synthetic_KMB_Lab"),
            &["synthetic_kmb_lab", "SYNTHETIC_KMB_LAB"],
        );
        assert!(sink.warnings.is_empty(), "{:?}", sink.warnings);
        assert_eq!(sink.videos().len(), 2);
        // No handle set and no ZIP name: nothing to compare with.
        let sink = read_linking_to(None, &["another_lab"]);
        assert!(sink.warnings.is_empty(), "{:?}", sink.warnings);
    }

    #[test]
    fn ids_from_links() {
        let ok = "https://www.tiktok.com/@kmb_lab/video/7412345678901234567?lang=en";
        assert_eq!(video_id(ok).ok().as_deref(), Some("7412345678901234567"));
        for mangled in [
            "7.41235E+18",
            "https://www.tiktok.com/@kmb_lab/video/7.41235E+18",
        ] {
            let msg = video_id(mangled)
                .err()
                .map(|e| e.to_string())
                .unwrap_or_default();
            assert!(msg.contains("spreadsheet"), "{mangled}: {msg}");
        }
        assert!(video_id("").is_err());
    }
}
