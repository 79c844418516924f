//! Reader for TikTok tables exported by 4CAT (posts and comments) and by
//! Zeeschuimer's own CSV export of posts.
//!
//! See `formats.md` §4.4. 4CAT writes Python's default CSV dialect (comma,
//! CRLF, UTF-8 without BOM) and may append annotation columns; Zeeschuimer's
//! export uses semicolons and LF and writes the literal text `undefined` or
//! `null` for missing values. Columns are found by name, in any order, so
//! appended or reordered columns do not matter.
//!
//! Neither table records when the data were captured, so observations take
//! their time from `--observed-at`, else from the file's modification time
//! (with a warning); a posts table with neither is an error. `likes`,
//! `comments`, `shares` and `plays` come from TikTok's page `stats`, which
//! round large numbers: values ≥ 10 000 ending in `00` are flagged
//! approximate. People (`author`, `author_full`) are pseudonymised
//! ([`crate::privacy`]) and removed from the raw rows.

use crate::api_json::{unix_time, Scalar};
use crate::error::{IngestError, Location};
use crate::number::{self, ValueError};
use crate::privacy::{Person, IDENTIFYING_KEYS};
use crate::sink::{Item, Record, Sink, Warning};
use crate::zeeschuimer::{
    looks_rounded, remove_names, scrub_links, write_str, KeySet, PERSON_KEYS,
};
use crate::Context;
use chrono::{NaiveDate, NaiveDateTime};
use std::collections::{HashMap, VecDeque};
use std::io::{BufRead, BufReader, Read};
use uptake_model::{Comment, Count, Metrics, Observation, ProfileSnapshot, SourceFormat, Video};

/// Columns that name a person although [`IDENTIFYING_KEYS`] does not list
/// them: the music's author is the video's author for an "original sound".
const EXTRA_PERSON_COLUMNS: &[&str] = &["music_author"];

/// Reads a 4CAT posts or comments CSV, or a Zeeschuimer posts CSV, into
/// `sink`, one [`Item`] per row. Returns which of the three it was.
pub fn parse<R: Read>(
    input: R,
    ctx: &Context,
    sink: &mut dyn Sink,
) -> Result<SourceFormat, IngestError> {
    let mut reader = BufReader::with_capacity(64 * 1024, input);
    let head = reader.fill_buf().map_err(|source| IngestError::Io {
        location: ctx.whole(),
        source,
    })?;
    let bom = head.starts_with(b"\xEF\xBB\xBF");
    let body = if bom { &head[3..] } else { head };
    let first_line = body.split(|b| *b == b'\n').next().unwrap_or(body);
    let semicolons = first_line.iter().filter(|b| **b == b';').count();
    let commas = first_line.iter().filter(|b| **b == b',').count();
    let delimiter = if semicolons > commas { b';' } else { b',' };
    if bom {
        reader.consume(3);
    }
    let mut csv = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .from_reader(LineCounter::new(crate::csv_limit::RecordLimit::new(reader)));
    let headers = match csv.headers() {
        Ok(h) => h.clone(),
        Err(e) => return Err(csv_error(ctx, &mut csv, &e)),
    };
    let columns = Columns::new(&headers);
    let format = kind(ctx, &columns, delimiter)?;
    let mut state = Rows {
        ctx,
        columns,
        format,
        keys: KeySet::new(IDENTIFYING_KEYS),
        clock: None,
        rounded: 0,
        nuls: 0,
        naive_times: std::cell::Cell::new(0),
    };
    let mut record = csv::StringRecord::new();
    loop {
        match csv.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => return Err(csv_error(ctx, &mut csv, &e)),
        }
        if record.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        // csv's own line numbers miss a line after a CRLF header, so lines
        // are counted from the record's byte offset.
        let byte = record.position().map(|p| p.byte()).unwrap_or(0);
        let line = csv.get_mut().line_at(byte);
        let location = ctx.at_line(line);
        let records = match format {
            SourceFormat::FourcatComments => state.comment(&record, &location, sink)?,
            _ => state.post(&record, &location, sink)?,
        };
        let raw = state.raw(&headers, &record);
        let item = Item {
            location: location.clone(),
            raw: Some(raw),
            records,
        };
        sink.push(item)
            .map_err(|source| IngestError::Sink { location, source })?;
    }
    if state.rounded > 0 {
        sink.warn(Warning {
            location: ctx.whole(),
            message: format!(
                "{} {} in zeros and {} from TikTok's page `stats`, which rounds large \
                 numbers to about 3 significant digits: flagged approximate",
                state.rounded,
                if state.rounded == 1 {
                    "count ends"
                } else {
                    "counts end"
                },
                if state.rounded == 1 { "comes" } else { "come" }
            ),
        });
    }
    let naive = state.naive_times.get();
    if naive > 0 {
        sink.warn(Warning {
            location: ctx.whole(),
            message: format!(
                "{naive} comment{} no `unix_timestamp`, so {} dated by `timestamp`, a time \
                 without a zone, read as UTC. 4CAT writes comment times in its server's time \
                 zone (Zeeschuimer's CSV in UTC): if that server was not on UTC, these times \
                 are off by its offset. Give it with `--tz-offset` (e.g. `--tz-offset +01:00`) \
                 the first time a file is imported: a file already imported is not read again, \
                 and a comment keeps the time it was first stored with",
                if naive == 1 { " has" } else { "s have" },
                if naive == 1 { "it was" } else { "they were" },
            ),
        });
    }
    if state.nuls > 0 {
        sink.warn(Warning {
            location: ctx.whole(),
            message: format!(
                "removed NUL characters from {} {}",
                state.nuls,
                if state.nuls == 1 { "cell" } else { "cells" }
            ),
        });
    }
    Ok(format)
}

/// Counts the lines of what it reads, so that a byte offset can be told as
/// a 1-based line. Keeps only the newline offsets not yet asked about (those
/// in the csv reader's buffer), so memory stays bounded.
struct LineCounter<R> {
    inner: R,
    offset: u64,
    newlines: VecDeque<u64>,
    passed: u64,
}

impl<R> LineCounter<R> {
    fn new(inner: R) -> Self {
        LineCounter {
            inner,
            offset: 0,
            newlines: VecDeque::new(),
            passed: 0,
        }
    }

    /// The line of the record starting at `offset`. Offsets must not
    /// decrease between calls. csv reports a record after a CRLF at the
    /// offset of the `\n`, so a newline at `offset` itself counts as passed.
    fn line_at(&mut self, offset: u64) -> u64 {
        while self.newlines.front().is_some_and(|n| *n <= offset) {
            self.newlines.pop_front();
            self.passed += 1;
        }
        self.passed + 1
    }
}

impl<R: Read> Read for LineCounter<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        let read = buf.get(..n).unwrap_or(&[]);
        for (i, b) in read.iter().enumerate() {
            if *b == b'\n' {
                self.newlines.push_back(self.offset + i as u64);
            }
        }
        self.offset += n as u64;
        Ok(n)
    }
}

/// A csv error with its line, in words.
fn csv_error<R: Read>(
    ctx: &Context,
    csv: &mut csv::Reader<LineCounter<R>>,
    e: &csv::Error,
) -> IngestError {
    let location = match e.position() {
        Some(p) => ctx.at_line(csv.get_mut().line_at(p.byte())),
        None => ctx.whole(),
    };
    match e.kind() {
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => IngestError::invalid(
            location,
            format!(
                "expected {expected_len} fields like the header row, found {len} (a separator \
                 inside an unquoted value, or a truncated file?)"
            ),
        ),
        csv::ErrorKind::Utf8 { .. } => IngestError::invalid(
            location,
            "expected UTF-8 text, found bytes that are not (was the file re-saved in another \
             encoding?)",
        ),
        csv::ErrorKind::Io(_) => IngestError::invalid(location, format!("cannot read: {e}")),
        _ => IngestError::invalid(location, format!("expected a CSV table, found: {e}")),
    }
}

/// Column positions by lower-cased, trimmed header name.
struct Columns {
    index: HashMap<String, usize>,
}

impl Columns {
    fn new(headers: &csv::StringRecord) -> Self {
        let mut index = HashMap::new();
        for (i, h) in headers.iter().enumerate() {
            index
                .entry(h.trim().trim_start_matches('\u{feff}').to_lowercase())
                .or_insert(i);
        }
        Columns { index }
    }

    fn has(&self, name: &str) -> bool {
        self.index.contains_key(name)
    }

    /// The cell of `name`, or `None` when the column is absent or the cell
    /// holds a missing marker (empty, `undefined`, `null`, …).
    fn get<'r>(&self, record: &'r csv::StringRecord, name: &str) -> Option<&'r str> {
        let i = *self.index.get(name)?;
        record.get(i).filter(|c| !number::is_missing(c))
    }
}

/// Which table this is: the format forced with `--format`, or one told from
/// the header row.
fn kind(ctx: &Context, columns: &Columns, delimiter: u8) -> Result<SourceFormat, IngestError> {
    let forced = match ctx.options.format {
        Some(
            f @ (SourceFormat::FourcatPosts
            | SourceFormat::FourcatComments
            | SourceFormat::ZeeschuimerCsv),
        ) => Some(f),
        _ => None,
    };
    let detected = if columns.has("post_id")
        && (columns.has("is_comment_on_comment") || columns.has("thread_id"))
    {
        Some(SourceFormat::FourcatComments)
    } else if ["plays", "likes", "tiktok_url", "author_followers", "body"]
        .iter()
        .any(|c| columns.has(c))
    {
        Some(if delimiter == b';' {
            SourceFormat::ZeeschuimerCsv
        } else {
            SourceFormat::FourcatPosts
        })
    } else {
        None
    };
    let format = forced.or(detected);
    let required: &[&str] = match format {
        Some(SourceFormat::FourcatComments) => &["id", "post_id"],
        Some(_) => &["id"],
        None => &["id", "post_id or plays"],
    };
    let missing: Vec<&str> = required
        .iter()
        .copied()
        .filter(|c| !columns.has(c))
        .collect();
    match format {
        Some(f) if missing.is_empty() => Ok(f),
        _ => {
            let mut found: Vec<(&String, &usize)> = columns.index.iter().collect();
            found.sort_by_key(|(_, i)| **i);
            let found: Vec<String> = found.iter().map(|(h, _)| format!("`{h}`")).collect();
            Err(IngestError::UnknownHeaders {
                location: ctx.at_line(1),
                found: found.join(", "),
                help: format!(
                    "expected the columns of a 4CAT TikTok posts or comments export or of \
                     Zeeschuimer's CSV (formats.md §4.4); missing: {}",
                    missing
                        .iter()
                        .map(|c| format!("`{c}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            })
        }
    }
}

/// Reading state across rows.
struct Rows<'c> {
    ctx: &'c Context<'c>,
    columns: Columns,
    format: SourceFormat,
    keys: KeySet,
    /// The observation time once resolved (`None` inside: unknown).
    clock: Option<Option<i64>>,
    rounded: u64,
    nuls: u64,
    /// Comments dated by `timestamp`, a time without a zone (no
    /// `unix_timestamp`), read as UTC because no `--tz-offset` was given.
    naive_times: std::cell::Cell<u64>,
}

impl Rows<'_> {
    /// When the table's numbers were observed: `--observed-at`, else the
    /// file's modification time (warned once). `None` when neither is known.
    fn observed_at(&mut self, sink: &mut dyn Sink) -> Option<i64> {
        if let Some(t) = self.clock {
            return t;
        }
        let t = match (self.ctx.options.observed_at, self.ctx.modified) {
            (Some(t), _) => Some(t),
            (None, Some(m)) => {
                sink.warn(Warning {
                    location: self.ctx.whole(),
                    message: format!(
                        "4CAT and Zeeschuimer tables do not say when the data were captured, \
                         so the file's modification time ({} UTC) is used as the observation \
                         time; pass `--observed-at` to set it",
                        m.format("%Y-%m-%d %H:%M")
                    ),
                });
                Some(m.and_utc().timestamp())
            }
            (None, None) => None,
        };
        self.clock = Some(t);
        t
    }

    /// A required numeric id.
    fn id(
        &self,
        record: &csv::StringRecord,
        name: &str,
        location: &Location,
    ) -> Result<String, IngestError> {
        match self.columns.get(record, name) {
            Some(t) => {
                number::parse_id(t).map_err(|e| IngestError::value(location.clone(), name, e))
            }
            None => Err(IngestError::invalid(
                location.clone(),
                format!("column `{name}`: expected a numeric id, found an empty cell"),
            )),
        }
    }

    /// A count, flagged approximate when `stats` probably rounded it.
    fn stat(
        &mut self,
        record: &csv::StringRecord,
        name: &str,
        location: &Location,
    ) -> Result<Option<Count>, IngestError> {
        let c = self
            .columns
            .get(record, name)
            .map(number::parse_total)
            .transpose()
            .map_err(|e| IngestError::value(location.clone(), name, e))?
            .flatten();
        Ok(c.map(|c| {
            if !c.approximate && looks_rounded(c.value) {
                self.rounded += 1;
                Count::approx(c.value)
            } else {
                c
            }
        }))
    }

    /// An exact count (comment likes and replies come from the API).
    fn count(
        &self,
        record: &csv::StringRecord,
        name: &str,
        location: &Location,
    ) -> Result<Option<Count>, IngestError> {
        self.columns
            .get(record, name)
            .map(number::parse_total)
            .transpose()
            .map_err(|e| IngestError::value(location.clone(), name, e))
            .map(Option::flatten)
    }

    /// Text with NUL characters removed.
    fn text(&mut self, record: &csv::StringRecord, name: &str) -> Option<String> {
        let t = self.columns.get(record, name)?;
        if t.contains('\0') {
            self.nuls += 1;
            return Some(t.replace('\0', "")).filter(|t| !t.trim().is_empty());
        }
        Some(t.to_string())
    }

    /// The posting time: `unix_timestamp`, else `timestamp`
    /// (`YYYY-MM-DD HH:MM:SS`: UTC in posts tables; in comments tables the
    /// 4CAT server's local time, shifted by `--tz-offset` when given and
    /// otherwise read as UTC and counted for a warning).
    fn created(
        &self,
        record: &csv::StringRecord,
        location: &Location,
    ) -> Result<Option<(i64, NaiveDate)>, IngestError> {
        if let Some(t) = self.columns.get(record, "unix_timestamp") {
            let t = t.trim();
            let t = t.strip_suffix(".0").unwrap_or(t);
            return unix_time(&Scalar::Text(t.to_string()))
                .map_err(|e| IngestError::value(location.clone(), "unix_timestamp", e));
        }
        match self.columns.get(record, "timestamp") {
            Some(t) => NaiveDateTime::parse_from_str(t.trim(), "%Y-%m-%d %H:%M:%S")
                .map(|dt| {
                    let mut secs = dt.and_utc().timestamp();
                    if self.format == SourceFormat::FourcatComments {
                        match self.ctx.options.naive_tz_offset_minutes {
                            Some(minutes) => secs -= i64::from(minutes) * 60,
                            None => self.naive_times.set(self.naive_times.get() + 1),
                        }
                    }
                    let day = chrono::DateTime::from_timestamp(secs, 0)
                        .map_or(dt.date(), |d| d.date_naive());
                    Some((secs, day))
                })
                .map_err(|_| {
                    IngestError::value(
                        location.clone(),
                        "timestamp",
                        ValueError {
                            expected: "a time `YYYY-MM-DD HH:MM:SS`",
                            found: t.chars().take(60).collect(),
                            hint: None,
                        },
                    )
                }),
            None => Ok(None),
        }
    }

    /// The author of a row. 4CAT writes `@<uid>` when the handle is missing.
    fn author(&self, record: &csv::StringRecord) -> Result<crate::privacy::Author, IngestError> {
        let author = self.columns.get(record, "author").map(str::trim);
        let uid = author
            .and_then(|a| a.strip_prefix('@'))
            .filter(|rest| rest.len() >= 10 && rest.bytes().all(|b| b.is_ascii_digit()));
        let person = match uid {
            Some(uid) => Person {
                user_id: Some(uid),
                handle: None,
            },
            None => Person {
                user_id: None,
                handle: author,
            },
        };
        self.ctx.person(person)
    }

    /// A posts row: the video, its observation, the author's counts.
    fn post(
        &mut self,
        record: &csv::StringRecord,
        location: &Location,
        sink: &mut dyn Sink,
    ) -> Result<Vec<Record>, IngestError> {
        let id = self.id(record, "id", location)?;
        let author = self.author(record)?;
        let mut video = Video::with_id(id.clone());
        if let Some((secs, day)) = self.created(record, location)? {
            video.created_at = Some(secs);
            video.posted_on = Some(day);
        }
        video.caption = self.text(record, "body");
        video.url = Some(match &author.handle {
            Some(h) => format!("https://www.tiktok.com/@{h}/video/{id}"),
            None => format!("https://www.tiktok.com/video/{id}"),
        });
        video.author_key = author.key.clone();
        video.author_handle = author.handle.clone();
        let metrics = Metrics {
            views: self.stat(record, "plays", location)?,
            likes: self.stat(record, "likes", location)?,
            comments: self.stat(record, "comments", location)?,
            shares: self.stat(record, "shares", location)?,
            ..Metrics::default()
        };
        // `author_likes` is likes *given* (`authorStats.diggCount`), not the
        // likes received that a profile's `likes` means: not used.
        let followers = self.count(record, "author_followers", location)?;
        let videos = self.count(record, "author_videos", location)?;
        let mut records = vec![Record::Video(video)];
        let profile = author.key.is_some() && (followers.is_some() || videos.is_some());
        if metrics.is_empty() && !profile {
            return Ok(records);
        }
        let Some(observed_at) = self.observed_at(sink) else {
            return Err(IngestError::invalid(
                location.clone(),
                "cannot tell when these counts were observed: 4CAT and Zeeschuimer tables have \
                 no capture time and the file has no modification time; pass `--observed-at`",
            ));
        };
        if !metrics.is_empty() {
            records.push(Record::Observation(Observation {
                video_id: id,
                observed_at,
                source: self.format,
                metrics,
            }));
        }
        if let (Some(key), true) = (author.key, profile) {
            records.push(Record::Profile(ProfileSnapshot {
                author_key: key,
                observed_at,
                followers: followers.map(|c| c.value),
                following: None,
                likes: None,
                videos: videos.map(|c| c.value),
            }));
        }
        Ok(records)
    }

    /// A comments row (`thread_id` is the video for top-level comments, else
    /// the parent comment).
    fn comment(
        &mut self,
        record: &csv::StringRecord,
        location: &Location,
        sink: &mut dyn Sink,
    ) -> Result<Vec<Record>, IngestError> {
        let id = self.id(record, "id", location)?;
        let video_id = self.id(record, "post_id", location)?;
        let parent_id = match self.columns.get(record, "thread_id").map(str::trim) {
            Some(t) if t != video_id && t != id && t != "0" => Some(
                number::parse_id(t)
                    .map_err(|e| IngestError::value(location.clone(), "thread_id", e))?,
            ),
            _ => None,
        };
        let author = self.author(record)?;
        let created_at = self.created(record, location)?.map(|(s, _)| s);
        let comment = Comment {
            platform_id: id,
            video_id,
            parent_id,
            author_key: author.key,
            author_handle: author.handle,
            created_at,
            text: self.text(record, "body").unwrap_or_default(),
            likes: self.count(record, "likes", location)?,
            replies: self.count(record, "replies", location)?,
            language: self.text(record, "language_guess"),
            observed_at: self.observed_at(sink),
        };
        Ok(vec![Record::Comment(comment)])
    }

    /// The row as a JSON object of header → cell, without the values that
    /// identify people and with handles removed from links.
    fn raw(&self, headers: &csv::StringRecord, record: &csv::StringRecord) -> String {
        let mut out = String::with_capacity(record.as_slice().len() + 16 * headers.len());
        out.push('{');
        for (i, (h, cell)) in headers.iter().zip(record.iter()).enumerate() {
            if i > 0 {
                out.push(',');
            }
            let key = h.trim().trim_start_matches('\u{feff}');
            write_str(&mut out, key);
            out.push(':');
            let lower = key.to_lowercase();
            let identifying = self.keys.contains(&lower)
                || PERSON_KEYS.contains(&lower.as_str())
                || EXTRA_PERSON_COLUMNS.contains(&lower.as_str());
            if identifying && !number::is_missing(cell) {
                out.push_str("\"[removed]\"");
            } else {
                write_str(&mut out, &scrub_links(&cell.replace('\0', "")));
            }
        }
        out.push('}');
        let names = ["author", "author_full"];
        remove_names(
            &mut out,
            names.iter().filter_map(|c| self.columns.get(record, c)),
        );
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Options, VecSink};

    fn options() -> Options {
        Options {
            secret: Some(uptake_model::PseudonymSecret::from_bytes([3; 32])),
            observed_at: Some(1_725_192_000),
            ..Options::default()
        }
    }

    #[test]
    fn unknown_headers_are_named() {
        let o = options();
        let ctx = Context::new("x.csv", &o);
        let mut sink = VecSink::default();
        let e = parse(&b"a,b\r\n1,2\r\n"[..], &ctx, &mut sink)
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(e.contains("`a`, `b`") && e.contains("`id`"), "{e}");
    }

    #[test]
    fn ragged_rows_are_errors_with_lines() {
        let o = options();
        let ctx = Context::new("x.csv", &o);
        let mut sink = VecSink::default();
        let text = "id;author;plays\n1;a;5\n2;b\n";
        let e = parse(text.as_bytes(), &ctx, &mut sink)
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(
            e.contains("line 3") && e.contains("expected 3 fields"),
            "{e}"
        );
    }

    #[test]
    fn uid_authors_are_keyed_by_id() {
        let o = options();
        let ctx = Context::new("x.csv", &o);
        let mut sink = VecSink::default();
        let text = "id,author,body,post_id,thread_id\r\n11,@6800000000000000001,hi,74,74\r\n";
        assert!(parse(text.as_bytes(), &ctx, &mut sink).is_ok());
        let by_id = ctx
            .person(Person {
                user_id: Some("6800000000000000001"),
                handle: None,
            })
            .ok()
            .and_then(|a| a.key);
        assert_eq!(sink.comments()[0].author_key, by_id);
    }
}
