//! Reader for the CSVs pyktok writes (`formats.md` §6): video metadata
//! (`save_tiktok…` with `metadata_fn=`), comment dumps
//! (`save_tiktok_comments`, and 2022's `save_video_comments`) and late-2022
//! `save_visible_comments` tables. Which one a file is comes from its header
//! row, so the columns may be in any order and unknown columns are kept in
//! the raw record.
//!
//! What the format forces on a reader:
//!
//! - `video_timestamp` (and `time_collected`) are the collecting computer's
//!   **local time without an offset**. The user's `--tz-offset`
//!   ([`crate::Options::naive_tz_offset_minutes`]) converts them to UTC;
//!   without it they are read as UTC and one warning per file says so.
//! - Counts come from TikTok's page `stats`, rounded to about three
//!   significant digits for large values (§4.2): values of 10 000 or more
//!   with at most three significant digits are flagged approximate.
//!   pandas writes a column holding a NaN as floats (`812.0`) and NaN as an
//!   empty cell; both are handled by [`crate::number::parse_count`].
//! - The metadata CSV has no capture time, and pyktok appends a row on every
//!   run without de-duplicating. Each row becomes its own observation, timed
//!   by `--observed-at`, else the file's modification time (with a warning),
//!   else the import fails asking for `--observed-at`.
//! - Comment dumps hold nested objects (`user`, `share_info`, `text_extra`)
//!   as Python `repr` text, read with the private `repr` submodule. Commenters and
//!   authors are pseudonymised with [`Context::person`]; raw records go
//!   through [`privacy::scrub_raw`] plus a few pyktok-specific removals
//!   (handles inside links, `share_info.desc`, `video_fn`, `*_username`).
//!
//! Rows are read one at a time through the `csv` crate; memory does not
//! grow with the file.

mod repr;

use crate::api_json::push;
use crate::error::{IngestError, Location};
use crate::number::{self, ValueError};
use crate::privacy::{self, Author, Person};
use crate::sink::{Record, Sink, Warning};
use crate::Context;
use chrono::{DateTime, NaiveDateTime};
use serde_json::{Map, Value};
use std::collections::{HashMap, HashSet};
use std::io::{BufRead, BufReader, Read};
use uptake_model::{Comment, Count, Metrics, Observation, ProfileSnapshot, SourceFormat, Video};

/// Reads a pyktok CSV into `sink`. Returns [`SourceFormat::PyktokVideos`] for
/// video metadata and [`SourceFormat::PyktokComments`] for either comment
/// layout, decided from the header row.
pub fn parse<R: Read>(
    input: R,
    ctx: &Context,
    sink: &mut dyn Sink,
) -> Result<SourceFormat, IngestError> {
    let mut table = Table::open(input, ctx)?;
    let kind = Kind::of(&table.header).ok_or_else(|| IngestError::UnknownHeaders {
        location: ctx.at_line(table.header_line),
        found: table
            .header
            .iter()
            .map(|h| format!("\"{h}\""))
            .collect::<Vec<_>>()
            .join(", "),
        help: "a pyktok CSV has `video_id` and `video_diggcount` (video metadata), `cid` \
               (comments), or `comment_id`, `screen_name` and `comment` (visible comments); \
               name another format with `--format`"
            .into(),
    })?;
    let mut state = State {
        ctx,
        clock_warned: false,
        local_time_warned: false,
        rounded: 0,
        videos_seen: HashSet::new(),
        rows_per_video: HashMap::new(),
        unreadable_columns: Vec::new(),
    };
    while let Some(row) = table.next_row()? {
        if row.cells.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        if row
            .cells
            .iter()
            .map(|c| normalise(c))
            .eq(table.header.iter().cloned())
        {
            sink.warn(Warning {
                location: ctx.at_line(row.line),
                message:
                    "the header row is repeated here (files concatenated?); the line is skipped"
                        .into(),
            });
            continue;
        }
        if row.cells.len() > table.header.len()
            && row.cells[table.header.len()..]
                .iter()
                .any(|c| !c.trim().is_empty())
        {
            sink.warn(Warning {
                location: ctx.at_line(row.line),
                message: format!(
                    "the row has {} cells but the header {}; the extra cells are ignored",
                    row.cells.len(),
                    table.header.len()
                ),
            });
        }
        let row = Cells {
            table: &table,
            row: &row,
        };
        match kind {
            Kind::Videos => state.video_row(&row, sink)?,
            Kind::Comments => state.comment_row(&row, sink)?,
            Kind::VisibleComments => state.visible_comment_row(&row, sink)?,
        }
    }
    state.finish(kind, sink);
    Ok(match kind {
        Kind::Videos => SourceFormat::PyktokVideos,
        Kind::Comments | Kind::VisibleComments => SourceFormat::PyktokComments,
    })
}

/// Which pyktok table a header describes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// Video metadata (current and 2022 column sets).
    Videos,
    /// A pandas dump of TikTok comment objects.
    Comments,
    /// `save_visible_comments` (late 2022).
    VisibleComments,
}

impl Kind {
    fn of(header: &[String]) -> Option<Kind> {
        let has = |name: &str| header.iter().any(|h| h == name);
        if has("video_id") && (has("video_diggcount") || has("video_playcount")) {
            Some(Kind::Videos)
        } else if has("comment_id") && (has("styled_name") || has("screen_name")) {
            Some(Kind::VisibleComments)
        } else if has("cid") {
            Some(Kind::Comments)
        } else {
            None
        }
    }
}

/// Header text as compared: trimmed, lower-case, without a BOM.
fn normalise(h: &str) -> String {
    h.trim()
        .trim_start_matches('\u{feff}')
        .trim()
        .to_lowercase()
}

/// True for the pandas index column: unnamed, or `Unnamed: 0`.
fn is_index(h: &str) -> bool {
    h.is_empty() || h.starts_with("unnamed:")
}

/// One data row.
struct Row {
    /// Physical line where the row starts (header = 1).
    line: u64,
    cells: Vec<String>,
}

/// The CSV: its normalised header and an iterator over rows.
struct Table<'c, R: Read> {
    /// Normalised header cells.
    header: Vec<String>,
    /// Header cells as written (for raw records).
    header_raw: Vec<String>,
    header_line: u64,
    records: csv::StringRecordsIntoIter<BufReader<R>>,
    crlf_shift: u64,
    ctx: &'c Context<'c>,
}

impl<'c, R: Read> Table<'c, R> {
    fn open(input: R, ctx: &'c Context<'c>) -> Result<Self, IngestError> {
        let mut buffered = BufReader::with_capacity(64 * 1024, input);
        let head = buffered.fill_buf().map_err(|source| IngestError::Io {
            location: ctx.whole(),
            source,
        })?;
        // The csv crate keeps a BOM as part of the first header cell.
        let has_bom = head.starts_with(b"\xEF\xBB\xBF");
        let body = head.get(if has_bom { 3 } else { 0 }..).unwrap_or(&[]);
        // With CRLF line ends the csv crate reports each record after the
        // first one line too early (it counts the previous record's `\n`).
        let crlf_shift = u64::from(
            body.iter()
                .position(|b| *b == b'\n')
                .is_some_and(|i| i > 0 && body.get(i - 1) == Some(&b'\r')),
        );
        if has_bom {
            buffered.consume(3);
        }
        let mut records = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(buffered)
            .into_records();
        loop {
            match records.next() {
                None => {
                    return Err(IngestError::invalid(
                        ctx.whole(),
                        "expected a pyktok CSV header row, found an empty file",
                    ))
                }
                Some(Err(e)) => return Err(csv_error(ctx, e)),
                Some(Ok(rec)) => {
                    if rec.iter().all(|c| c.trim().is_empty()) {
                        continue;
                    }
                    let header_raw: Vec<String> =
                        rec.iter().map(|c| c.trim().to_string()).collect();
                    return Ok(Table {
                        header: header_raw.iter().map(|h| normalise(h)).collect(),
                        header_raw,
                        header_line: rec.position().map(|p| p.line()).unwrap_or(1),
                        records,
                        crlf_shift,
                        ctx,
                    });
                }
            }
        }
    }

    fn next_row(&mut self) -> Result<Option<Row>, IngestError> {
        match self.records.next() {
            None => Ok(None),
            Some(Err(e)) => Err(csv_error(self.ctx, e)),
            Some(Ok(rec)) => Ok(Some(Row {
                line: rec.position().map(|p| p.line()).unwrap_or(0) + self.crlf_shift,
                cells: rec.iter().map(str::to_string).collect(),
            })),
        }
    }

    fn column(&self, name: &str) -> Option<usize> {
        self.header.iter().position(|h| h == name)
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
            "expected UTF-8 text (pandas writes UTF-8), found other bytes",
        ),
        other => IngestError::invalid(location, format!("expected a CSV row: {other:?}")),
    }
}

/// A row seen through its table's header.
struct Cells<'t, 'c, R: Read> {
    table: &'t Table<'c, R>,
    row: &'t Row,
}

impl<R: Read> Cells<'_, '_, R> {
    /// The trimmed cell of column `name`, `""` when absent.
    fn get(&self, name: &str) -> &str {
        self.table
            .column(name)
            .and_then(|i| self.row.cells.get(i))
            .map(|c| c.trim())
            .unwrap_or("")
    }

    /// The first non-empty of several columns (current and 2022 names).
    fn first(&self, names: &[&'static str]) -> (&'static str, &str) {
        for name in names {
            let v = self.get(name);
            if !v.is_empty() {
                return (name, v);
            }
        }
        (names.first().copied().unwrap_or(""), "")
    }

    fn location(&self) -> Location {
        self.table.ctx.at_line(self.row.line)
    }

    /// The row as a JSON object of header → cell, without the pandas index.
    /// `nested` turns a cell into a JSON value (Python repr cells).
    fn raw(&self, mut nested: impl FnMut(&str, &str) -> Option<Value>) -> Map<String, Value> {
        let mut map = Map::new();
        for (i, h) in self.table.header_raw.iter().enumerate() {
            let norm = self.table.header.get(i).map(String::as_str).unwrap_or("");
            if i == 0 && is_index(norm) {
                continue;
            }
            let cell = self.row.cells.get(i).map(String::as_str).unwrap_or("");
            let value = nested(norm, cell).unwrap_or_else(|| Value::String(cell.to_string()));
            map.insert(h.clone(), value);
        }
        map
    }
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

/// A value of 10 000 or more with at most three significant digits: what
/// TikTok's page `stats` round large counts to (`formats.md` §4.2).
fn looks_rounded(value: i64) -> bool {
    if value < 10_000 {
        return false;
    }
    let mut v = value;
    while v % 10 == 0 {
        v /= 10;
    }
    v < 1000
}

/// What a local time without an offset means, as UTC seconds.
enum Instant {
    /// The text carried an offset (`Z`, `+02:00`): exact.
    Exact(i64),
    /// A wall-clock time in an unknown zone.
    Naive(NaiveDateTime),
}

/// `2024-08-30T08:40:00`, with `T` or a space, optional seconds and
/// fractions, and optionally an offset.
fn parse_local_time(text: &str) -> Result<Option<Instant>, ValueError> {
    let t = text.trim();
    if number::is_missing(t) {
        return Ok(None);
    }
    if let Ok(dt) = DateTime::parse_from_rfc3339(t) {
        return Ok(Some(Instant::Exact(dt.timestamp())));
    }
    for format in ["%Y-%m-%d %H:%M:%S%.f%:z", "%Y-%m-%dT%H:%M:%S%.f%z"] {
        if let Ok(dt) = DateTime::parse_from_str(t, format) {
            return Ok(Some(Instant::Exact(dt.timestamp())));
        }
    }
    for format in [
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%d %H:%M:%S%.f",
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%d %H:%M",
    ] {
        if let Ok(dt) = NaiveDateTime::parse_from_str(t, format) {
            return Ok(Some(Instant::Naive(dt)));
        }
    }
    Err(value_error(
        "a local date and time such as `2024-08-30T08:40:00`",
        t,
    ))
}

/// Per-file reading state: one-time warnings, duplicates, videos seen.
struct State<'c> {
    ctx: &'c Context<'c>,
    clock_warned: bool,
    local_time_warned: bool,
    /// Counts flagged as possibly rounded.
    rounded: u64,
    /// Videos already given a [`Video`] record (comment files).
    videos_seen: HashSet<String>,
    /// Rows per video id (metadata files).
    rows_per_video: HashMap<String, u64>,
    /// Columns whose Python values could not be read (kept out of raw).
    unreadable_columns: Vec<String>,
}

impl State<'_> {
    /// When the numbers of a row without a capture time were observed:
    /// `--observed-at`, else the file's modification time (warned once),
    /// else `None`.
    fn observed_at(&mut self, location: &Location, sink: &mut dyn Sink) -> Option<i64> {
        if let Some(t) = self.ctx.options.observed_at {
            return Some(t);
        }
        let m = self.ctx.modified?;
        if !self.clock_warned {
            self.clock_warned = true;
            sink.warn(Warning {
                location: location.clone(),
                message: format!(
                    "pyktok records no capture time, so the file's modification time ({} UTC) is \
                     used as the observation time; pass `--observed-at` to set it",
                    m.format("%Y-%m-%d %H:%M")
                ),
            });
        }
        Some(m.and_utc().timestamp())
    }

    /// A local time as UTC seconds, with the user's `--tz-offset`, else as
    /// UTC with one warning per file.
    fn local_time(
        &mut self,
        field: &str,
        text: &str,
        location: &Location,
        sink: &mut dyn Sink,
    ) -> Result<Option<i64>, IngestError> {
        let instant =
            parse_local_time(text).map_err(|e| IngestError::value(location.clone(), field, e))?;
        Ok(match instant {
            None => None,
            Some(Instant::Exact(t)) => Some(t),
            Some(Instant::Naive(dt)) => {
                let offset = match self.ctx.options.naive_tz_offset_minutes {
                    Some(minutes) => i64::from(minutes),
                    None => {
                        if !self.local_time_warned {
                            self.local_time_warned = true;
                            sink.warn(Warning {
                                location: location.clone(),
                                message: format!(
                                    "`{field}` holds local times without a time zone (pyktok \
                                     writes the collecting computer's clock); they were read as \
                                     UTC (offset +00:00). If that computer was elsewhere, import \
                                     again with `--tz-offset`, e.g. `--tz-offset -05:00`"
                                ),
                            });
                        }
                        0
                    }
                };
                Some(dt.and_utc().timestamp() - offset * 60)
            }
        })
    }

    /// A count from page `stats`, flagged when it looks rounded.
    fn stat(
        &mut self,
        field: &'static str,
        text: &str,
        location: &Location,
    ) -> Result<Option<Count>, IngestError> {
        let count = number::parse_count(text)
            .map_err(|e| IngestError::value(location.clone(), field, e))?;
        Ok(count.map(|c| {
            if !c.approximate && looks_rounded(c.value) {
                self.rounded += 1;
                Count::approx(c.value)
            } else {
                c
            }
        }))
    }

    fn person(&self, person: Person, location: &Location) -> Result<Author, IngestError> {
        self.ctx.person(person).map_err(|e| match e {
            IngestError::Invalid { message, .. } => IngestError::invalid(location.clone(), message),
            other => other,
        })
    }

    /// One row of video metadata: the video, its observation, and the
    /// author's profile counts.
    fn video_row<R: Read>(
        &mut self,
        row: &Cells<R>,
        sink: &mut dyn Sink,
    ) -> Result<(), IngestError> {
        let location = row.location();
        let at = |field: &str, e: ValueError| IngestError::value(location.clone(), field, e);
        let id = number::parse_id(row.get("video_id")).map_err(|e| at("video_id", e))?;
        *self.rows_per_video.entry(id.clone()).or_insert(0) += 1;

        let created_at = self.local_time(
            "video_timestamp",
            row.get("video_timestamp"),
            &location,
            sink,
        )?;
        let (duration_field, duration) = row.first(&["video_duration", "video_length"]);
        let handle = row.get("author_username");
        let author = self.person(
            Person {
                user_id: None,
                handle: (!number::is_missing(handle)).then_some(handle),
            },
            &location,
        )?;
        let text = |name: &str| {
            let v = row.get(name);
            (!number::is_missing(v)).then(|| v.to_string())
        };
        let video = Video {
            platform_id: id.clone(),
            author_handle: author.handle.clone(),
            author_key: author.key.clone(),
            created_at,
            posted_on: created_at
                .and_then(|t| DateTime::from_timestamp(t, 0))
                .map(|d| d.date_naive()),
            title: text("video_title"),
            caption: text("video_description"),
            duration_s: number::parse_duration_s(duration).map_err(|e| at(duration_field, e))?,
            url: None,
        };

        let observed_at = self.observed_at(&location, sink).ok_or_else(|| {
            IngestError::invalid(
                location.clone(),
                "cannot tell when these numbers were observed: pyktok records no capture time \
                 and the file has no modification time; pass `--observed-at`",
            )
        })?;
        let metrics = Metrics {
            views: self.stat("video_playcount", row.get("video_playcount"), &location)?,
            likes: self.stat("video_diggcount", row.get("video_diggcount"), &location)?,
            comments: self.stat(
                "video_commentcount",
                row.get("video_commentcount"),
                &location,
            )?,
            shares: self.stat("video_sharecount", row.get("video_sharecount"), &location)?,
            ..Metrics::default()
        };
        let profile_count = |field: &'static str| -> Result<Option<i64>, IngestError> {
            Ok(number::parse_count(row.get(field))
                .map_err(|e| at(field, e))?
                .map(|c| c.value))
        };
        let profile = ProfileSnapshot {
            author_key: author.key.clone().unwrap_or_default(),
            observed_at,
            followers: profile_count("author_followercount")?,
            following: profile_count("author_followingcount")?,
            likes: profile_count("author_heartcount")?,
            videos: profile_count("author_videocount")?,
        };

        let mut records = vec![Record::Video(video)];
        if !metrics.is_empty() {
            records.push(Record::Observation(Observation {
                video_id: id,
                observed_at,
                source: SourceFormat::PyktokVideos,
                metrics,
            }));
        }
        let has_profile = profile.followers.is_some()
            || profile.following.is_some()
            || profile.likes.is_some()
            || profile.videos.is_some();
        if author.key.is_some() && has_profile {
            records.push(Record::Profile(profile));
        }
        let raw = row.raw(|column, cell| match column {
            // The current code path may put the whole `author` object here
            // (§6); only a boolean is kept, anything else is unknown.
            "author_verified" => (!matches!(cell.trim(), "True" | "False" | ""))
                .then(|| Value::String("[removed]".into())),
            _ => None,
        });
        push(
            sink,
            location,
            Some(scrub(Value::Object(raw)).to_string()),
            records,
        )
    }

    /// One row of a comment dump (TikTok comment objects, §4.3).
    fn comment_row<R: Read>(
        &mut self,
        row: &Cells<R>,
        sink: &mut dyn Sink,
    ) -> Result<(), IngestError> {
        let location = row.location();
        let at = |field: &str, e: ValueError| IngestError::value(location.clone(), field, e);
        let id = number::parse_id(row.get("cid")).map_err(|e| at("cid", e))?;

        // Nested Python values, read once: for the fields used and the raw record.
        let mut unreadable: Vec<String> = Vec::new();
        let mut user: Option<Value> = None;
        let mut user_error: Option<repr::ReprError> = None;
        let mut share_info: Option<Value> = None;
        let raw = row.raw(|column, cell| {
            let t = cell.trim();
            let nested = column == "user"
                || column == "share_info"
                || (!matches!(column, "text" | "comment")
                    && (t.starts_with('{') || t.starts_with('[') || t.starts_with('(')));
            if !nested || number::is_missing(t) {
                return None;
            }
            match repr::parse(t) {
                Ok(v) => {
                    if column == "user" {
                        user = Some(v.clone());
                    } else if column == "share_info" {
                        share_info = Some(v.clone());
                    }
                    Some(v)
                }
                Err(e) => {
                    if column == "user" {
                        user_error = Some(e);
                    }
                    unreadable.push(column.to_string());
                    Some(Value::String("[removed]".into()))
                }
            }
        });
        if let Some(e) = user_error {
            return Err(at(
                "user",
                ValueError {
                    expected: "a Python dict such as `{'uid': '…', 'unique_id': '…'}`",
                    found: format!("a malformed value: {e}"),
                    hint: None,
                },
            ));
        }
        for column in unreadable {
            if !self.unreadable_columns.contains(&column) {
                sink.warn(Warning {
                    location: location.clone(),
                    message: format!(
                        "column `{column}` holds text that is not a Python value; it is left \
                         out of the raw record"
                    ),
                });
                self.unreadable_columns.push(column);
            }
        }

        let video_id = match row.get("aweme_id") {
            v if !number::is_missing(v) => number::parse_id(v).map_err(|e| at("aweme_id", e))?,
            _ => share_info
                .as_ref()
                .and_then(|s| s.get("url"))
                .and_then(Value::as_str)
                .and_then(|url| number::video_id_from_link(url).ok())
                .ok_or_else(|| {
                    at(
                        "aweme_id",
                        value_error("the video id (or a `share_info` with the video's url)", ""),
                    )
                })?,
        };
        let parent = |field: &'static str| -> Result<Option<String>, IngestError> {
            let v = row.get(field);
            if number::is_missing(v) || v == "0" || v == "0.0" {
                return Ok(None);
            }
            number::parse_id(v).map(Some).map_err(|e| at(field, e))
        };
        // The direct parent: the reply replied to inside a thread, else the
        // thread's top-level comment.
        let parent_id = match parent("reply_to_reply_id")? {
            Some(p) => Some(p),
            None => parent("reply_id")?,
        };
        let user_text = |key: &str| -> Option<String> {
            match user.as_ref()?.get(key)? {
                Value::String(s) => Some(s.clone()),
                Value::Number(n) => Some(n.to_string()),
                _ => None,
            }
        };
        let uid = user_text("uid");
        let handle = user_text("unique_id");
        let author = self.person(
            Person {
                user_id: uid.as_deref(),
                handle: handle.as_deref(),
            },
            &location,
        )?;
        let count =
            |field: &'static str| number::parse_count(row.get(field)).map_err(|e| at(field, e));
        let language = row.get("comment_language");
        let comment = Comment {
            platform_id: id,
            video_id: video_id.clone(),
            parent_id,
            author_key: author.key,
            author_handle: author.handle,
            created_at: count("create_time")?.map(|c| c.value),
            text: row.get_untrimmed("text"),
            likes: count("digg_count")?,
            replies: count("reply_comment_total")?,
            language: (!number::is_missing(language)).then(|| language.to_string()),
            observed_at: self.observed_at(&location, sink),
        };
        let mut records = Vec::with_capacity(2);
        if self.videos_seen.insert(video_id.clone()) {
            records.push(Record::Video(Video::with_id(video_id)));
        }
        records.push(Record::Comment(comment));
        push(
            sink,
            location,
            Some(scrub(Value::Object(raw)).to_string()),
            records,
        )
    }

    /// One row of `save_visible_comments` (late 2022).
    fn visible_comment_row<R: Read>(
        &mut self,
        row: &Cells<R>,
        sink: &mut dyn Sink,
    ) -> Result<(), IngestError> {
        let location = row.location();
        let at = |field: &str, e: ValueError| IngestError::value(location.clone(), field, e);
        let id = number::parse_id(row.get("comment_id")).map_err(|e| at("comment_id", e))?;
        let video_id =
            number::video_id_from_link(row.get("video_url")).map_err(|e| at("video_url", e))?;
        let handle = row.get("screen_name");
        let author = self.person(
            Person {
                user_id: None,
                handle: (!number::is_missing(handle)).then_some(handle),
            },
            &location,
        )?;
        let observed_at =
            match self.local_time("time_collected", row.get("time_collected"), &location, sink)? {
                Some(t) => Some(t),
                None => self.observed_at(&location, sink),
            };
        let comment = Comment {
            platform_id: id,
            video_id: video_id.clone(),
            author_key: author.key,
            author_handle: author.handle,
            text: row.get_untrimmed("comment"),
            likes: number::parse_count(row.get("like_count")).map_err(|e| at("like_count", e))?,
            observed_at,
            ..Comment::default()
        };
        let mut records = Vec::with_capacity(2);
        if self.videos_seen.insert(video_id.clone()) {
            records.push(Record::Video(Video::with_id(video_id)));
        }
        records.push(Record::Comment(comment));
        let raw = row.raw(|_, _| None);
        push(
            sink,
            location,
            Some(scrub(Value::Object(raw)).to_string()),
            records,
        )
    }

    /// End-of-file warnings: rounded counts, repeated videos.
    fn finish(&self, kind: Kind, sink: &mut dyn Sink) {
        if self.rounded > 0 {
            sink.warn(Warning {
                location: self.ctx.whole(),
                message: format!(
                    "{} count{} of 10,000 or more {} at most three significant digits; TikTok's \
                     page stats round large numbers, so {} marked approximate",
                    self.rounded,
                    if self.rounded == 1 { "" } else { "s" },
                    if self.rounded == 1 { "has" } else { "have" },
                    if self.rounded == 1 {
                        "it is"
                    } else {
                        "they are"
                    },
                ),
            });
        }
        if kind == Kind::Videos {
            let repeated: Vec<u64> = self
                .rows_per_video
                .values()
                .filter(|n| **n > 1)
                .copied()
                .collect();
            if !repeated.is_empty() {
                let rows: u64 = repeated.iter().sum();
                sink.warn(Warning {
                    location: self.ctx.whole(),
                    message: format!(
                        "{} video{} appear{} on more than one row ({rows} rows; pyktok appends a \
                         row on every run); each row is kept as its own observation",
                        repeated.len(),
                        if repeated.len() == 1 { "" } else { "s" },
                        if repeated.len() == 1 { "s" } else { "" },
                    ),
                });
            }
        }
    }
}

impl<R: Read> Cells<'_, '_, R> {
    /// A text cell as written (comments keep their spacing).
    fn get_untrimmed(&self, name: &str) -> String {
        self.table
            .column(name)
            .and_then(|i| self.row.cells.get(i))
            .cloned()
            .unwrap_or_default()
    }
}

/// [`privacy::scrub_raw`], plus what pyktok files add: handles inside links
/// and file names, share texts that quote the commenter, and `*_username`,
/// `*nickname`, `*user_id` keys that the shared list does not name.
fn scrub(raw: Value) -> Value {
    extra_scrub(privacy::scrub_raw(&raw), None)
}

fn extra_scrub(value: Value, parent_key: Option<&str>) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.into_iter()
                .map(|(k, v)| {
                    let lower = k.to_lowercase();
                    let identifying = [
                        "nickname",
                        "username",
                        "user_id",
                        "userid",
                        "sec_uid",
                        "unique_id",
                        "screen_name",
                        "styled_name",
                    ]
                    .iter()
                    .any(|p| lower.contains(p))
                        || lower == "video_fn"
                        || (parent_key == Some("share_info") && lower == "desc");
                    let v = if identifying && !v.is_null() {
                        Value::String("[removed]".into())
                    } else {
                        extra_scrub(v, Some(&k))
                    };
                    (k, v)
                })
                .collect(),
        ),
        Value::Array(items) => Value::Array(
            items
                .into_iter()
                .map(|v| extra_scrub(v, parent_key))
                .collect(),
        ),
        Value::String(s) => Value::String(scrub_link_handles(&s)),
        other => other,
    }
}

/// `…tiktok.com/@someone/video/…` → `…tiktok.com/@[removed]/video/…`.
fn scrub_link_handles(text: &str) -> String {
    if !text.contains("/@") {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(pos) = rest.find("/@") {
        out.push_str(&rest[..pos + 2]);
        let after = &rest[pos + 2..];
        let end = after
            .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == '.'))
            .unwrap_or(after.len());
        if end > 0 {
            out.push_str("[removed]");
        }
        rest = &after[end..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Options, VecSink};
    use uptake_model::PseudonymSecret;

    #[test]
    fn rounding_rule() {
        for (v, want) in [
            (9_990, false),
            (10_000, true),
            (56_900, true),
            (133_000, true),
            (44_200_000, true),
            (12_340, false),
            (812, false),
            (1_000_001, false),
        ] {
            assert_eq!(looks_rounded(v), want, "{v}");
        }
    }

    #[test]
    fn handles_in_links_are_removed() {
        assert_eq!(
            scrub_link_handles("https://www.tiktok.com/@some.one_2/video/74?x=1 and /@b"),
            "https://www.tiktok.com/@[removed]/video/74?x=1 and /@[removed]"
        );
        assert_eq!(scrub_link_handles("a /@ b"), "a /@ b");
        let raw = serde_json::json!({
            "share_info": {"desc": "Some One's comment: hi", "title": "caption", "url": "https://www.tiktok.com/@someone/video/1"},
            "text_extra": [{"user_id": "6800", "hashtag_name": "x"}],
            "video_fn": "@someone_video_1.mp4"
        });
        let s = scrub(raw).to_string();
        assert!(
            !s.contains("someone") && !s.contains("Some One") && !s.contains("6800"),
            "{s}"
        );
        assert!(s.contains("caption") && s.contains("\"x\""), "{s}");
    }

    #[test]
    fn local_times() {
        let naive = |t: &str| match parse_local_time(t) {
            Ok(Some(Instant::Naive(dt))) => Some(dt.and_utc().timestamp()),
            _ => None,
        };
        assert_eq!(naive("2024-08-30T08:40:00"), Some(1_725_007_200));
        assert_eq!(naive("2024-08-30 08:40:00.5"), Some(1_725_007_200));
        assert_eq!(naive("2024-08-30T08:40"), Some(1_725_007_200));
        assert!(matches!(
            parse_local_time("2024-08-30T08:40:00+02:00"),
            Ok(Some(Instant::Exact(1_725_000_000)))
        ));
        assert!(matches!(parse_local_time(""), Ok(None)));
        assert!(parse_local_time("30/08/2024 08:40").is_err());
    }

    #[test]
    fn crlf_line_numbers_are_physical() {
        let options = Options {
            secret: Some(PseudonymSecret::from_bytes([7; 32])),
            observed_at: Some(1_725_100_000),
            ..Options::default()
        };
        let ctx = Context::new("v.csv", &options);
        let mut sink = VecSink::default();
        let text = "video_id,video_timestamp,video_diggcount\r\n1,2024-08-30T08:40:00,5\r\n\"2\",,6\r\n3,,x\r\n";
        let e = parse(text.as_bytes(), &ctx, &mut sink)
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert_eq!(
            sink.items
                .iter()
                .map(|i| i.location.line)
                .collect::<Vec<_>>(),
            vec![Some(2), Some(3)]
        );
        assert!(
            e.contains("line 4") && e.contains("`video_diggcount`"),
            "{e}"
        );
    }
}
