//! Content.csv: per-video totals at export time (`formats.md` §3.3).
//!
//! There is no id column: the id is the last path segment of `Video link`,
//! which also carries the handle. `Time` is the export snapshot day (the same
//! in every row) and `Post time` the posting day, both without a year: the
//! snapshot is on or before the export date, the posting day on or before the
//! snapshot. Each row yields a [`Video`] and, when it has any metric, an
//! [`Observation`] dated at the start of the snapshot day (UTC).

use super::audience::snapshot_date;
use super::dates::PartialDate;
use super::headers::Field;
use super::years::on_or_before;
use super::{Reading, Row, Rows};
use crate::error::IngestError;
use crate::number::{self, handle_from_link, ValueError};
use crate::sink::{Item, Record, Sink};
use chrono::NaiveDate;
use uptake_model::{Metrics, Observation, SourceFormat, Video};

/// Reads Content.csv rows into `sink`.
pub fn read(r: &Reading, rows: Rows<'_>, sink: &mut dyn Sink) -> Result<(), IngestError> {
    // The export day, needed only for year-less dates; asked for once.
    let mut export_day: Option<NaiveDate> = None;
    for row in rows {
        let row = row?;
        let link = r.cell(&row, Field::VideoLink).unwrap_or("").trim();
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
                Some(year_ok(r, &row, on_or_before(post, snapshot))?)
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
            views: r.count(&row, Field::VideoViews)?,
            likes: r.count(&row, Field::Likes)?,
            comments: r.count(&row, Field::Comments)?,
            shares: r.count(&row, Field::Shares)?,
            saves: r.count(&row, Field::Saves)?,
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
    year_ok(r, row, on_or_before(time, end))
}

fn year_ok(
    r: &Reading,
    row: &Row,
    result: Result<NaiveDate, super::years::YearError>,
) -> Result<NaiveDate, IngestError> {
    result.map_err(|e| IngestError::invalid(r.at(row.number), e.to_string()))
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
