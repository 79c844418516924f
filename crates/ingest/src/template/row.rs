//! One data row read into a video and its observation: the cells' dates,
//! observation time, counts, shares and territories, and the raw record.

use super::columns::{Column, SOURCES};
use crate::api_json::push;
use crate::api_json::write_str;
use crate::error::IngestError;
use crate::number::{self, ValueError};
use crate::sink::{Record, Sink, Warning};
use crate::Context;
use chrono::{NaiveDate, NaiveDateTime};
use uptake_model::{Metrics, Observation, Share, SourceFormat, Video};

fn value_error(expected: &'static str, found: &str) -> ValueError {
    let found: String = found.trim().chars().take(60).collect();
    ValueError {
        expected,
        found: if found.is_empty() {
            "(empty)".into()
        } else {
            found
        },
        hint: None,
    }
}

/// Reads one data row into an item.
pub(super) fn read_row(
    header: &[String],
    columns: &[Option<Column>],
    cells: &[String],
    line: u64,
    ctx: &Context,
    sink: &mut dyn Sink,
) -> Result<(), IngestError> {
    let location = ctx.at_line(line);
    let cell = |col: Column| -> &str {
        columns
            .iter()
            .position(|c| *c == Some(col))
            .and_then(|i| cells.get(i))
            .map(|s| s.trim())
            .unwrap_or("")
    };
    let at = |col: Column, e: ValueError| IngestError::value(location.clone(), col.name(), e);

    let link = cell(Column::Video);
    if link.is_empty() {
        return Err(at(
            Column::Video,
            value_error(
                "a TikTok video link or numeric id (the column is required)",
                "",
            ),
        ));
    }
    let id = number::video_id_from_link(link).map_err(|e| at(Column::Video, e))?;
    let mut video = Video::with_id(id.clone());
    if link.contains('/') {
        video.url = Some(link.to_string());
    }
    video.author_handle = number::handle_from_link(link).or_else(|| ctx.options.account.clone());
    let title = cell(Column::Title);
    video.title = (!title.is_empty()).then(|| title.to_string());
    let posted = cell(Column::Posted);
    if !posted.is_empty() {
        video.posted_on = Some(parse_date(posted).map_err(|e| at(Column::Posted, e))?);
        // With a time (`YYYY-MM-DD HH:MM`, UTC) it is the posting instant,
        // which views at 24 h, 7 d and 30 d need (a date alone is a day
        // off either way).
        if posted.trim().len() > 10 {
            video.created_at = Some(parse_observed(posted).map_err(|e| at(Column::Posted, e))?);
        }
    }

    let observed = cell(Column::Observed);
    let observed_at = if observed.is_empty() {
        ctx.options.observed_at.ok_or_else(|| {
            at(
                Column::Observed,
                ValueError {
                    hint: Some("fill in when the numbers were read, or pass `--observed-at`"),
                    ..value_error("the date the numbers were read (`YYYY-MM-DD`)", "")
                },
            )
        })?
    } else {
        parse_observed(observed).map_err(|e| at(Column::Observed, e))?
    };
    if let Some(posted) = video.posted_on {
        let posted_at = video
            .created_at
            .or_else(|| posted.and_hms_opt(0, 0, 0).map(|t| t.and_utc().timestamp()));
        if posted_at > Some(observed_at) {
            sink.warn(Warning {
                location: location.clone(),
                message: format!("`posted` ({posted}) is after `observed`; check the dates"),
            });
        }
    }

    let count = |col: Column| number::parse_total(cell(col)).map_err(|e| at(col, e));
    let mut metrics = Metrics {
        views: count(Column::Views)?,
        likes: count(Column::Likes)?,
        comments: count(Column::Comments)?,
        shares: count(Column::Shares)?,
        saves: count(Column::Saves)?,
        new_followers: count(Column::NewFollowers)?,
        avg_watch_s: number::parse_duration_s(cell(Column::AvgWatchTime))
            .map_err(|e| at(Column::AvgWatchTime, e))?,
        full_watch_rate: number::parse_fraction(cell(Column::WatchedFullVideo))
            .map_err(|e| at(Column::WatchedFullVideo, e))?,
        ..Metrics::default()
    };
    for (col, label) in SOURCES {
        if let Some(fraction) = number::parse_fraction(cell(*col)).map_err(|e| at(*col, e))? {
            metrics.traffic_sources.push(Share {
                label: (*label).to_string(),
                fraction,
            });
        }
    }
    let sum: f64 = metrics.traffic_sources.iter().map(|s| s.fraction).sum();
    if sum > 1.01 {
        sink.warn(Warning {
            location: location.clone(),
            message: format!(
                "the traffic sources add up to {:.0}%, more than 100%; check them against the app",
                sum * 100.0
            ),
        });
    }
    metrics.territories = parse_territories(cell(Column::TopTerritories))
        .map_err(|e| at(Column::TopTerritories, e))?;

    // Only the cells the row has: a short row under a very wide header
    // would otherwise repeat every header name, and a small file could grow
    // the database by gigabytes.
    let mut raw = String::from("{");
    for (i, (h, c)) in header.iter().zip(cells).enumerate() {
        if i > 0 {
            raw.push(',');
        }
        write_str(&mut raw, h.trim());
        raw.push(':');
        write_str(&mut raw, c);
    }
    raw.push('}');

    let mut records = vec![Record::Video(video)];
    if !metrics.is_empty() {
        records.push(Record::Observation(Observation {
            video_id: id,
            observed_at,
            source: SourceFormat::ManualTemplate,
            metrics,
        }));
    }
    push(sink, location, Some(raw), records)
}

/// `YYYY-MM-DD` (a time after the date is ignored).
fn parse_date(text: &str) -> Result<NaiveDate, ValueError> {
    let expected = "a date `YYYY-MM-DD`";
    let day = text.get(..10).unwrap_or(text);
    let rest = text.get(10..).unwrap_or("");
    if !(rest.is_empty() || rest.starts_with([' ', 'T'])) {
        return Err(value_error(expected, text));
    }
    let date = NaiveDate::parse_from_str(day, "%Y-%m-%d").map_err(|_| {
        let mut e = value_error(expected, text);
        if text.contains('/') {
            e.hint = Some(
                "a spreadsheet may have reformatted the date; write it as text, e.g. 2024-09-01",
            );
        }
        e
    })?;
    number::date_of_tiktok_era(date, expected, text)
}

/// `YYYY-MM-DD` (start of the day, UTC) or `YYYY-MM-DD HH:MM[:SS]` (UTC),
/// as UTC seconds.
fn parse_observed(text: &str) -> Result<i64, ValueError> {
    let expected = "a date `YYYY-MM-DD` or a time `YYYY-MM-DD HH:MM` (UTC)";
    let t = text.trim();
    let t = t
        .strip_suffix(" UTC")
        .or_else(|| t.strip_suffix('Z'))
        .unwrap_or(t)
        .trim();
    if t.len() == 10 {
        return NaiveDate::parse_from_str(t, "%Y-%m-%d")
            .ok()
            .and_then(|d| d.and_hms_opt(0, 0, 0))
            .map(|d| d.and_utc().timestamp())
            .ok_or_else(|| value_error(expected, text))
            .and_then(|secs| number::in_tiktok_era(secs, expected, text));
    }
    for format in [
        "%Y-%m-%d %H:%M",
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%d %H:%M:%S",
        "%Y-%m-%dT%H:%M:%S",
    ] {
        if let Ok(dt) = NaiveDateTime::parse_from_str(t, format) {
            return number::in_tiktok_era(dt.and_utc().timestamp(), expected, text);
        }
    }
    Err(value_error(expected, text))
}

/// `CA:41%; US:33%`, `CA 41%, US 33%`, `Others: 26%`. Entries are split on
/// `;` when the cell has one (so `41,5%` can use a decimal comma), else on
/// `,`. Codes are upper-cased; `Other`/`Others` becomes `Others`.
fn parse_territories(text: &str) -> Result<Vec<Share>, ValueError> {
    let expected = "territories such as `CA:41%; US:33%` (2-letter codes or `Others`)";
    let mut out = vec![];
    let sep = if text.contains(';') { ';' } else { ',' };
    for part in text.split(sep).map(str::trim).filter(|p| !p.is_empty()) {
        let (label, value) = match part.split_once(':') {
            Some(lv) => lv,
            None => match part.rfind(char::is_whitespace) {
                Some(i) => (&part[..i], &part[i..]),
                None => return Err(value_error(expected, text)),
            },
        };
        let label = label.trim();
        let label = if label.len() == 2 && label.chars().all(|c| c.is_ascii_alphabetic()) {
            label.to_ascii_uppercase()
        } else if label.eq_ignore_ascii_case("others") || label.eq_ignore_ascii_case("other") {
            "Others".to_string()
        } else {
            return Err(value_error(expected, text));
        };
        match number::parse_fraction(value)? {
            Some(fraction) => out.push(Share { label, fraction }),
            None => return Err(value_error(expected, text)),
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn territories_table() {
        let t = |s: &str| {
            parse_territories(s)
                .map(|v| {
                    v.into_iter()
                        .map(|s| (s.label, (s.fraction * 1000.0).round() as i64))
                        .collect::<Vec<_>>()
                })
                .ok()
        };
        let want = Some(vec![("CA".to_string(), 410), ("US".to_string(), 330)]);
        assert_eq!(t("CA:41%; US:33%"), want);
        assert_eq!(t("ca 41%, us 33%"), want);
        assert_eq!(t("CA: 0.41;US:0.33;"), want);
        assert_eq!(
            t("CA:41,5%; Others 5%"),
            Some(vec![("CA".to_string(), 415), ("Others".to_string(), 50)])
        );
        assert_eq!(t(""), Some(vec![]));
        assert_eq!(t("Canada:41%"), None);
        assert_eq!(t("CA"), None);
    }

    #[test]
    fn observed_times() {
        assert_eq!(parse_observed("2024-09-01"), Ok(1_725_148_800));
        assert_eq!(parse_observed("2024-09-01 12:00"), Ok(1_725_192_000));
        assert_eq!(parse_observed("2024-09-01T12:00:00Z"), Ok(1_725_192_000));
        assert!(parse_observed("01/09/2024").is_err());
    }
}
