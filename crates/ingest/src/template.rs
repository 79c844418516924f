//! Reader for uptake's manual per-video analytics template: a CSV a
//! researcher fills in by reading TikTok's per-video analytics screen in the
//! app, one row per video per date the numbers were read. [`TEMPLATE`] is
//! the blank form `uptake template analytics` prints; it documents every
//! column.
//!
//! The values are what the app shows, so they arrive in the forms listed in
//! `formats.md` §8 "Numbers" (`1.2K`, `18,400`, `1,2 K`, `0:12`, `38%`) and
//! are read with [`crate::number`]. Comment (`#`) and blank lines may appear
//! anywhere; errors give the physical line number in the file, counting
//! those lines, so the user can find the cell in an editor.
//!
//! Lines are read one at a time (a quoted cell may span lines), so memory
//! does not grow with the file.

use crate::api_json::push;
use crate::api_json::write_str;
use crate::error::IngestError;
use crate::number::{self, ValueError};
use crate::sink::{Record, Sink, Warning};
use crate::Context;
use chrono::{NaiveDate, NaiveDateTime};
use std::io::{BufRead, BufReader, Read};
use uptake_model::{Metrics, Observation, Share, SourceFormat, Video};

/// The blank template `uptake template analytics` prints: comment lines
/// explaining each column, then the header row. It parses as a valid,
/// empty template.
pub const TEMPLATE: &str = "\
# uptake manual analytics template v1
# One row = one video as seen on one date: copy the numbers from the video's analytics screen
# in the TikTok app (open the video, tap ... then Analytics) and write down when you read them.
# Reading the same video again later? Add another row with the new date; rows are never merged.
# Lines starting with # are comments and blank lines are ignored, anywhere in the file.
# Separate cells with commas (or semicolons, as some spreadsheets do) and save as CSV UTF-8.
# Leave a cell empty when the app does not show a number: empty means unknown, never 0.
#
# Columns (in any order; only `video` is required; header case does not matter):
# video              TikTok link (https://www.tiktok.com/@handle/video/7412345678901234567) or the
#                    numeric id. Keep ids as text: a spreadsheet showing 7.41E+18 has lost the id.
# title              Free text to recognise the video.
# posted             Date the video was posted: YYYY-MM-DD.
# observed           When you read the numbers: YYYY-MM-DD or YYYY-MM-DD HH:MM, in UTC. If empty,
#                    give the time on the command line with `--observed-at`.
# views, likes, comments, shares, saves, new_followers
#                    Counts as the app shows them: 18400, 18,400, 1.2K, 1,2 K or 3.4M. Abbreviated
#                    values such as 1.2K are kept and marked approximate.
# avg_watch_time     Average watch time: 0:12 (minutes:seconds) or 12.5 (seconds).
# watched_full_video Share of views watched to the end: 38% or 0.38.
# for_you, following, personal_profile, search, sound, other_sources
#                    Traffic sources, the share of views from For You, Following, Personal profile,
#                    Search, Sound and Other: 81% or 0.81. Together about 100%.
# top_territories    Top viewer locations as 2-letter country codes with their share, separated by
#                    ; or , (CA:41%; US:33%; Others:26%). `CA 41%` works too.
#
# Example row (remove the leading # to keep it):
# https://www.tiktok.com/@kmb_lab/video/7412345678901234567,Sleep tips,2024-08-30,2024-09-01 12:00,1.2K,310,12,9,4,0:12,38%,3,81%,5%,7%,4%,1%,2%,CA:41%; US:33%
video,title,posted,observed,views,likes,comments,shares,saves,avg_watch_time,watched_full_video,new_followers,for_you,following,personal_profile,search,sound,other_sources,top_territories
";

/// The first line of [`TEMPLATE`], which [`detect`] looks for.
const MARKER: &str = "# uptake manual analytics template";

/// Longest logical record read, so that a file without line breaks cannot
/// use unbounded memory.
const MAX_RECORD: u64 = 1024 * 1024;

/// True when `head` (the first bytes of an input) looks like the template:
/// its first non-blank line is the template's marker comment, or its first
/// non-comment line is a header with both a `video` and an `observed`
/// column.
pub fn detect(head: &[u8]) -> bool {
    let head = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    let text = String::from_utf8_lossy(head);
    let mut lines = text.lines().map(str::trim).filter(|l| !l.is_empty());
    let Some(first) = lines.next() else {
        return false;
    };
    if first
        .get(..MARKER.len())
        .is_some_and(|p| p.eq_ignore_ascii_case(MARKER))
    {
        return true;
    }
    let Some(header) = std::iter::once(first)
        .chain(lines)
        .find(|l| !l.starts_with('#'))
    else {
        return false;
    };
    let cells: Vec<String> = header
        .split([',', ';', '\t'])
        .map(|c| normalise_header(c.trim().trim_matches('"')))
        .collect();
    cells.iter().any(|c| c == "video") && cells.iter().any(|c| c == "observed")
}

/// A column of the template.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Column {
    Video,
    Title,
    Posted,
    Observed,
    Views,
    Likes,
    Comments,
    Shares,
    Saves,
    AvgWatchTime,
    WatchedFullVideo,
    NewFollowers,
    ForYou,
    Following,
    PersonalProfile,
    Search,
    Sound,
    OtherSources,
    TopTerritories,
}

/// Every column with its header name, in the template's order.
const COLUMNS: &[(Column, &str)] = &[
    (Column::Video, "video"),
    (Column::Title, "title"),
    (Column::Posted, "posted"),
    (Column::Observed, "observed"),
    (Column::Views, "views"),
    (Column::Likes, "likes"),
    (Column::Comments, "comments"),
    (Column::Shares, "shares"),
    (Column::Saves, "saves"),
    (Column::AvgWatchTime, "avg_watch_time"),
    (Column::WatchedFullVideo, "watched_full_video"),
    (Column::NewFollowers, "new_followers"),
    (Column::ForYou, "for_you"),
    (Column::Following, "following"),
    (Column::PersonalProfile, "personal_profile"),
    (Column::Search, "search"),
    (Column::Sound, "sound"),
    (Column::OtherSources, "other_sources"),
    (Column::TopTerritories, "top_territories"),
];

/// Traffic-source columns and the labels stored for them (the app's own
/// words, shared with Studio's traffic-source names).
const SOURCES: &[(Column, &str)] = &[
    (Column::ForYou, "For You"),
    (Column::Following, "Following"),
    (Column::PersonalProfile, "Personal profile"),
    (Column::Search, "Search"),
    (Column::Sound, "Sound"),
    (Column::OtherSources, "Other"),
];

impl Column {
    fn name(self) -> &'static str {
        COLUMNS
            .iter()
            .find(|(c, _)| *c == self)
            .map(|(_, n)| *n)
            .unwrap_or("?")
    }
}

/// Header text as compared: trimmed, lower-case, spaces and hyphens as `_`.
fn normalise_header(h: &str) -> String {
    h.trim()
        .trim_start_matches('\u{feff}')
        .to_lowercase()
        .split([' ', '-', '_'])
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join("_")
}

/// Reads a filled-in template into `sink`: one item per data row, holding
/// the row's [`Video`] and, when any metric is filled in, its
/// [`Observation`].
pub fn parse<R: Read>(
    input: R,
    ctx: &Context,
    sink: &mut dyn Sink,
) -> Result<SourceFormat, IngestError> {
    let mut lines = Lines {
        reader: BufReader::new(input),
        buf: Vec::new(),
        line: 0,
        ctx,
    };
    let Some((header_line, header_text)) = lines.next_record()? else {
        return Err(IngestError::invalid(
            ctx.whole(),
            "expected the manual analytics template's header row (`video,observed,...`), found \
             no data lines; print a fresh template with `uptake template analytics`",
        ));
    };
    let sep = separator(&header_text);
    let header = split_fields(&header_text, sep);
    let columns = map_columns(&header, header_line, ctx, sink)?;
    while let Some((line, text)) = lines.next_record()? {
        let cells = split_fields(&text, sep);
        if cells.iter().all(|c| c.trim().is_empty()) {
            // Spreadsheets save rows of empty cells (`,,,,`) after the data.
            continue;
        }
        if cells.len() > header.len() && cells[header.len()..].iter().any(|c| !c.trim().is_empty())
        {
            sink.warn(Warning {
                location: ctx.at_line(line),
                message: format!(
                    "the row has {} cells but the header {}; the extra cells are ignored",
                    cells.len(),
                    header.len()
                ),
            });
        }
        read_row(&header, &columns, &cells, line, ctx, sink)?;
    }
    Ok(SourceFormat::ManualTemplate)
}

/// Logical records of a text table: physical lines without comment and
/// blank lines, a quoted cell's line breaks joined back.
struct Lines<'c, R> {
    reader: BufReader<R>,
    buf: Vec<u8>,
    /// Physical lines read so far.
    line: u64,
    ctx: &'c Context<'c>,
}

impl<R: Read> Lines<'_, R> {
    /// Reads one physical line into a string, without its line break.
    fn physical(&mut self) -> Result<Option<String>, IngestError> {
        self.buf.clear();
        let n = (&mut self.reader)
            .take(MAX_RECORD)
            .read_until(b'\n', &mut self.buf)
            .map_err(|source| IngestError::Io {
                location: self.ctx.whole(),
                source,
            })?;
        if n == 0 {
            return Ok(None);
        }
        self.line += 1;
        if n as u64 >= MAX_RECORD && self.buf.last() != Some(&b'\n') {
            return Err(IngestError::invalid(
                self.ctx.at_line(self.line),
                format!(
                    "expected lines of a CSV table, found a line longer than {MAX_RECORD} bytes"
                ),
            ));
        }
        let mut bytes = self.buf.as_slice();
        if self.line == 1 {
            bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        }
        let text = std::str::from_utf8(bytes).map_err(|_| {
            IngestError::invalid(
                self.ctx.at_line(self.line),
                "expected UTF-8 text, found other bytes; save the template as \"CSV UTF-8\"",
            )
        })?;
        Ok(Some(text.trim_end_matches(['\n', '\r']).to_string()))
    }

    /// The next record and the physical line it starts on.
    fn next_record(&mut self) -> Result<Option<(u64, String)>, IngestError> {
        loop {
            let Some(text) = self.physical()? else {
                return Ok(None);
            };
            let trimmed = text.trim();
            if trimmed.is_empty() || trimmed.starts_with('#') {
                continue;
            }
            let start = self.line;
            let mut record = text;
            while record.matches('"').count() % 2 == 1 {
                match self.physical()? {
                    Some(more) => {
                        record.push('\n');
                        record.push_str(&more);
                    }
                    None => return Err(IngestError::invalid(
                        self.ctx.at_line(start),
                        "expected a closing `\"` for the quoted cell that starts on this line, \
                             found the end of the file",
                    )),
                }
                if record.len() as u64 > MAX_RECORD {
                    return Err(IngestError::invalid(
                        self.ctx.at_line(start),
                        "expected a closing `\"` for the quoted cell that starts on this line, \
                         found none within 1 MiB",
                    ));
                }
            }
            return Ok(Some((start, record)));
        }
    }
}

/// The cell separator, from the header row: `;` or tab when the header uses
/// more of them than commas, else `,`.
fn separator(header: &str) -> char {
    let mut counts = [0usize; 3];
    let mut quoted = false;
    for c in header.chars() {
        match c {
            '"' => quoted = !quoted,
            ',' if !quoted => counts[0] += 1,
            ';' if !quoted => counts[1] += 1,
            '\t' if !quoted => counts[2] += 1,
            _ => {}
        }
    }
    if counts[1] > counts[0] && counts[1] >= counts[2] {
        ';'
    } else if counts[2] > counts[0] && counts[2] > counts[1] {
        '\t'
    } else {
        ','
    }
}

/// Splits one CSV record: `"` quotes a cell, `""` inside quotes is a quote.
/// Text after a closing quote is kept rather than rejected (hand-edited
/// files).
fn split_fields(record: &str, sep: char) -> Vec<String> {
    let mut out = Vec::new();
    let mut cell = String::new();
    let mut chars = record.chars().peekable();
    let mut quoted = false;
    let mut at_start = true;
    while let Some(c) = chars.next() {
        if quoted {
            if c == '"' {
                if chars.peek() == Some(&'"') {
                    chars.next();
                    cell.push('"');
                } else {
                    quoted = false;
                }
            } else {
                cell.push(c);
            }
        } else if c == sep {
            out.push(std::mem::take(&mut cell));
            at_start = true;
            continue;
        } else if c == '"' && at_start && cell.trim().is_empty() {
            cell.clear();
            quoted = true;
        } else {
            cell.push(c);
        }
        at_start = false;
    }
    out.push(cell);
    out
}

/// Maps header cells to columns; warns about unknown ones.
fn map_columns(
    header: &[String],
    line: u64,
    ctx: &Context,
    sink: &mut dyn Sink,
) -> Result<Vec<Option<Column>>, IngestError> {
    let mut columns: Vec<Option<Column>> = Vec::with_capacity(header.len());
    let mut unknown = vec![];
    for h in header {
        let name = normalise_header(h);
        let column = COLUMNS.iter().find(|(_, n)| *n == name).map(|(c, _)| *c);
        if let Some(c) = column {
            if columns.contains(&Some(c)) {
                return Err(IngestError::invalid(
                    ctx.at_line(line),
                    format!("expected each column once, found `{}` twice", c.name()),
                ));
            }
        } else if !name.is_empty() {
            unknown.push(format!("`{}`", h.trim()));
        }
        columns.push(column);
    }
    if !columns.contains(&Some(Column::Video)) {
        let found = header
            .iter()
            .map(|h| format!("\"{}\"", h.trim()))
            .collect::<Vec<_>>()
            .join(", ");
        return Err(IngestError::UnknownHeaders {
            location: ctx.at_line(line),
            found,
            help: "the manual analytics template needs at least a `video` column; its header is \
                   `video,title,posted,observed,views,...` (print it with `uptake template analytics`)"
                .into(),
        });
    }
    if !unknown.is_empty() {
        sink.warn(Warning {
            location: ctx.at_line(line),
            message: format!(
                "unknown column{} {} ignored (kept in the raw record)",
                if unknown.len() == 1 { "" } else { "s" },
                unknown.join(", ")
            ),
        });
    }
    Ok(columns)
}

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
fn read_row(
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
        if posted.and_hms_opt(0, 0, 0).map(|t| t.and_utc().timestamp()) > Some(observed_at) {
            sink.warn(Warning {
                location: location.clone(),
                message: format!("`posted` ({posted}) is after `observed`; check the dates"),
            });
        }
    }

    let count = |col: Column| number::parse_count(cell(col)).map_err(|e| at(col, e));
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

    let mut raw = String::from("{");
    for (i, h) in header.iter().enumerate() {
        if i > 0 {
            raw.push(',');
        }
        write_str(&mut raw, h.trim());
        raw.push(':');
        write_str(&mut raw, cells.get(i).map(String::as_str).unwrap_or(""));
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
    NaiveDate::parse_from_str(day, "%Y-%m-%d").map_err(|_| {
        let mut e = value_error(expected, text);
        if text.contains('/') {
            e.hint = Some(
                "a spreadsheet may have reformatted the date; write it as text, e.g. 2024-09-01",
            );
        }
        e
    })
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
            .ok_or_else(|| value_error(expected, text));
    }
    for format in [
        "%Y-%m-%d %H:%M",
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%d %H:%M:%S",
        "%Y-%m-%dT%H:%M:%S",
    ] {
        if let Ok(dt) = NaiveDateTime::parse_from_str(t, format) {
            return Ok(dt.and_utc().timestamp());
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
    use crate::{Options, VecSink};

    fn read(text: &str, options: &Options) -> (Result<SourceFormat, IngestError>, VecSink) {
        let ctx = Context::new("analytics.csv", options);
        let mut sink = VecSink::default();
        let result = parse(text.as_bytes(), &ctx, &mut sink);
        (result, sink)
    }

    #[test]
    fn the_template_is_detected_and_parses_empty() {
        assert!(detect(TEMPLATE.as_bytes()));
        let (result, sink) = read(TEMPLATE, &Options::default());
        assert!(
            matches!(result, Ok(SourceFormat::ManualTemplate)),
            "{result:?}"
        );
        assert!(sink.items.is_empty());
        assert!(sink.warnings.is_empty(), "{:?}", sink.warnings);
    }

    #[test]
    fn detection() {
        assert!(detect(b"\xEF\xBB\xBF\n\nVideo ; Observed ; Views\n"));
        assert!(detect(b"# my notes\nvideo,observed\n"));
        assert!(!detect(b"\xEF\xBB\xBF\"Date\",\"Video Views\"\n"));
        assert!(!detect(b"video,views\n"));
        assert!(!detect(b""));
    }

    #[test]
    fn splitting_and_separators() {
        assert_eq!(
            split_fields(r#"a,"b,c","d ""q""",,e"#, ','),
            vec!["a", "b,c", "d \"q\"", "", "e"]
        );
        assert_eq!(split_fields("a;b", ';'), vec!["a", "b"]);
        assert_eq!(separator("video;observed;views"), ';');
        assert_eq!(separator("video,\"a;b;c\""), ',');
        assert_eq!(separator("video\tobserved"), '\t');
    }

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

    #[test]
    fn quoted_cells_may_span_lines_and_lines_are_physical() {
        let text = "video,title,observed,views\n# note\n1,\"two\nlines\",2024-09-01,5\n\n2,x,2024-09-01,lots\n";
        let (result, sink) = read(text, &Options::default());
        assert_eq!(sink.videos()[0].title.as_deref(), Some("two\nlines"));
        let e = result.err().map(|e| e.to_string()).unwrap_or_default();
        assert!(
            e.contains("line 6") && e.contains("`views`") && e.contains("`lots`"),
            "{e}"
        );
    }
}
