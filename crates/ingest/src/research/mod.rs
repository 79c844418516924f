//! Reader for TikTok Research API responses saved to disk (`formats.md` §1):
//! video queries (`/v2/research/video/query/`, and the liked, pinned and
//! reposted video lists of §1.4, which carry the same Video object), comment
//! lists (`/v2/research/video/comment/list/`, §1.3) and user info
//! (`/v2/research/user/info/`, §1.4).
//!
//! What researchers hand us (§1.6): raw page files `{data, error}`, a JSON
//! array of pages, one JSON array of video (or comment) objects concatenated
//! from the pages' lists (or several such arrays back to back), and NDJSON
//! with one page or one object per line. All of these are read.
//!
//! - **Ids** are JSON numbers above 2^53. They are read as `u64` through
//!   `serde_json::Value` (which keeps integers exact) and never through
//!   `f64`; a number with a fraction or beyond `u64` is an error naming the
//!   field. `video_id` is accepted for a video's `id` (the docs' own example
//!   uses it).
//! - **Every field is optional** (the API drops empty fields, §1.2): a missing
//!   count is `None`, never 0.
//! - **NUL characters** (`\u0000`, seen in real `username`s) are removed from
//!   every string, with a warning naming the record and field (§8).
//! - **Counts lag**: the Research API serves an archive; statistics can take
//!   up to ten days to update and are often lower than the app shows (§1.2
//!   "Known operational quirks"). They are stored as exact counts, because
//!   they are exact for the moment the archive holds, but dated by the
//!   request, so a comparison with live sources should expect them lower.
//! - **Observation time**: the `YYYYMMDDHHMMSS` prefix of the page's
//!   `error.log_id` when it is plausible, else `--observed-at`, else the
//!   file's modification time (with a warning), else an error asking for
//!   `--observed-at`.
//! - **People**: authors become keyed pseudonyms through
//!   [`Context::person`]; raw records pass through
//!   [`crate::privacy::scrub_raw`]. Comment text is already PII-redacted by
//!   TikTok and comments carry no author. A user info page is tied to an
//!   account only through a `username` (inside `data`, or next to `data` as
//!   tools that save the request with the response write it); without one
//!   it is skipped with a warning rather than given an invented key.
//! - A page whose `error.code` is not `ok` is an error quoting code, message
//!   and `log_id`, never an empty import.
//!
//! Streaming: each video or comment object is deserialised on its own and
//! pushed as soon as it is read. TikTok writes `data` before `error`, so the
//! objects of one page are held until its `error` says whether the page
//! succeeded. The API returns at most 100 a page, and a page holding more
//! than 1,000 (or 32 MiB of them) before its `error` is refused with an
//! error naming the record, rather than held without limit; a page with
//! `error` first, bare arrays and NDJSON lines stream straight through.
//! Memory does not grow with the file.

mod comments;
mod pages;
#[cfg(test)]
mod tests;
mod users;
mod videos;

use crate::api_json::{
    json_error, json_kind, open_json, push, stamp_time, strip_nul, Fail, FileClock, Tail,
};
use crate::error::{IngestError, Location};
use crate::privacy::scrub_raw;
use crate::sink::{Record, Sink, Warning};
use crate::Context;
use pages::TopSeed;
use serde::de::{self, DeserializeSeed};
use serde_json::{Map, Value};
use std::io::Read;
use uptake_model::{Comment, Metrics, Observation, SourceFormat, Video};

const WHAT: &str = "a TikTok Research API response";

/// Keys that only a user info object has (`username` is shared with videos).
const USER_KEYS: &[&str] = &[
    "display_name",
    "bio_description",
    "avatar_url",
    "is_verified",
    "follower_count",
    "following_count",
    "likes_count",
    "video_count",
    "bio_url",
];

/// Reads a Research API response (pages, arrays of pages or objects, or
/// NDJSON) into `sink`. Returns [`SourceFormat::ResearchVideos`],
/// [`SourceFormat::ResearchComments`] or [`SourceFormat::ResearchUser`]
/// depending on the first record read.
pub fn parse<R: Read>(
    input: R,
    ctx: &Context,
    sink: &mut dyn Sink,
) -> Result<SourceFormat, IngestError> {
    let reader = open_json(input, ctx, WHAT)?;
    // Counts lines for NDJSON records and keeps the text errors quote.
    let tail = Tail::default();
    let mut state = Research {
        ctx,
        sink,
        tail: tail.clone(),
        clock: FileClock::default(),
        format: None,
        failure: None,
        pages: 0,
        records: 0,
    };
    let mut de = serde_json::Deserializer::from_reader(tail.reader(reader));
    loop {
        if let Err(e) = TopSeed(&mut state).deserialize(&mut de) {
            if let Some(failure) = state.failure.take() {
                return Err(failure);
            }
            return Err(json_error(ctx, WHAT, &e, &tail));
        }
        // `end` only peeks: when more values follow (NDJSON, concatenated
        // arrays), the next round reads them.
        if de.end().is_ok() {
            break;
        }
    }
    if state.records == 0 {
        state.sink.warn(Warning {
            location: ctx.whole(),
            message: "the file holds no Research API videos, comments or user info".into(),
        });
    }
    let fallback = match ctx.options.format {
        Some(
            f @ (SourceFormat::ResearchVideos
            | SourceFormat::ResearchComments
            | SourceFormat::ResearchUser),
        ) => f,
        _ => SourceFormat::ResearchVideos,
    };
    Ok(state.format.unwrap_or(fallback))
}

/// What a record is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Video,
    Comment,
    User,
}

impl Kind {
    fn noun(self) -> &'static str {
        match self {
            Kind::Video => "video",
            Kind::Comment => "comment",
            Kind::User => "user",
        }
    }

    /// The noun in the plural, for messages.
    fn nouns(self) -> &'static str {
        match self {
            Kind::Video => "videos",
            Kind::Comment => "comments",
            Kind::User => "users",
        }
    }

    fn format(self) -> SourceFormat {
        match self {
            Kind::Video => SourceFormat::ResearchVideos,
            Kind::Comment => SourceFormat::ResearchComments,
            Kind::User => SourceFormat::ResearchUser,
        }
    }

    /// Tells a bare object's kind from its keys; `hint` (`--format`) decides
    /// objects that carry nothing but an id.
    fn of(obj: &Map<String, Value>, hint: Option<SourceFormat>) -> Kind {
        let has = |k: &str| obj.contains_key(k);
        // Comments have both their own `id` and the `video_id`; a video
        // has one of the two.
        if has("parent_comment_id") || has("reply_count") || has("text") {
            return Kind::Comment;
        }
        if has("id") && has("video_id") {
            return Kind::Comment;
        }
        if !has("id") && !has("video_id") && USER_KEYS.iter().any(|k| has(k)) {
            return Kind::User;
        }
        let video_keys = [
            "video_description",
            "username",
            "view_count",
            "like_count",
            "create_time",
            "region_code",
        ];
        if video_keys.iter().any(|k| has(k)) {
            return Kind::Video;
        }
        match hint {
            Some(SourceFormat::ResearchComments) => Kind::Comment,
            Some(SourceFormat::ResearchUser) => Kind::User,
            _ => Kind::Video,
        }
    }
}

/// Where a record is, before its id is known.
#[derive(Debug, Clone)]
struct Spot {
    line: Option<u64>,
    record: String,
}

/// Where a top-level object sits.
#[derive(Debug, Clone, Copy)]
enum Place {
    /// A top-level value starting at this 1-based line (a page file or an
    /// NDJSON line).
    Top { line: u64 },
    /// The `n`th element (1-based) of a top-level array.
    Element { n: usize },
}

/// Reading state across the file.
struct Research<'c, 's> {
    ctx: &'c Context<'c>,
    sink: &'s mut dyn Sink,
    /// Where the JSON reader is: its newlines locate NDJSON records.
    tail: Tail,
    clock: FileClock,
    format: Option<SourceFormat>,
    /// The structured error behind a serde error we raised ourselves.
    failure: Option<IngestError>,
    pages: usize,
    /// Records read (videos, comments, user infos).
    records: usize,
}

/// A parsed record waiting for its page's `error` object.
struct Pending {
    location: Location,
    raw: String,
    body: Body,
}

enum Body {
    Video(Video, Metrics),
    Comment(Comment),
}

impl Research<'_, '_> {
    /// Keeps `error` for the caller and returns the serde error that unwinds
    /// the deserialiser.
    fn fail<E: de::Error>(&mut self, error: IngestError) -> E {
        self.failure = Some(error);
        E::custom(Fail)
    }

    fn location(&self, spot: &Spot, id: Option<&str>) -> Location {
        let record = match id {
            Some(id) => format!("{} (`{id}`)", spot.record),
            None => spot.record.clone(),
        };
        Location {
            file: self.ctx.name.clone(),
            line: spot.line,
            record: Some(record),
        }
    }

    fn saw(&mut self, kind: Kind) {
        self.records += 1;
        if self.format.is_none() {
            self.format = Some(kind.format());
        }
    }

    fn parse_item(
        &mut self,
        kind: Kind,
        value: Value,
        spot: &Spot,
    ) -> Result<Pending, IngestError> {
        let mut value = value;
        if !value.is_object() {
            return Err(IngestError::invalid(
                self.location(spot, None),
                format!(
                    "expected a {} object, found {}",
                    kind.noun(),
                    json_kind(&value)
                ),
            ));
        }
        let nul_fields = strip_nul(&mut value);
        let raw = scrub_raw(&value).to_string();
        self.saw(kind);
        match kind {
            Kind::Comment => self.comment(&value, raw, spot, &nul_fields),
            _ => self.video(&value, raw, spot, &nul_fields),
        }
    }

    /// Pushes a parsed record, dating it by the page's `log_id` (or the
    /// fallbacks).
    fn emit(&mut self, pending: Pending, log_id: Option<&str>) -> Result<(), IngestError> {
        let Pending {
            location,
            raw,
            body,
        } = pending;
        let own = log_id.and_then(stamp_time);
        let records = match body {
            Body::Video(video, metrics) => {
                let video_id = video.platform_id.clone();
                let mut records = vec![Record::Video(video)];
                if !metrics.is_empty() {
                    let observed_at =
                        self.clock
                            .resolve(self.ctx, own, MISSING_LOG_ID, self.sink, &location)?;
                    records.push(Record::Observation(Observation {
                        video_id,
                        observed_at,
                        source: SourceFormat::ResearchVideos,
                        metrics,
                    }));
                }
                records
            }
            Body::Comment(mut comment) => {
                // A comment without a known capture time is still a comment.
                comment.observed_at = self
                    .clock
                    .resolve(self.ctx, own, MISSING_LOG_ID, self.sink, &location)
                    .ok();
                vec![Record::Comment(comment)]
            }
        };
        push(self.sink, location, Some(raw), records)
    }
}

const MISSING_LOG_ID: &str = "no `error.log_id` with a timestamp";
