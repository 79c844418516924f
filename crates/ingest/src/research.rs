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
//! succeeded (at most one page: 100 objects); bare arrays and NDJSON lines
//! stream straight through. Memory does not grow with the file.

use crate::api_json::{
    count, fits, json_error, json_kind, next_list, open_json, push, seconds, stamp_time, strip_nul,
    text, title_from_caption, unix_time, video_id, warn_nul, Fail, FileClock, LineCounter, Scalar,
};
use crate::error::{IngestError, Location};
use crate::number::ValueError;
use crate::privacy::{scrub_raw, Person};
use crate::sink::{Record, Sink, Warning};
use crate::Context;
use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;
use serde_json::{Map, Value};
use std::cell::Cell;
use std::fmt;
use std::io::Read;
use std::rc::Rc;
use uptake_model::{Comment, Metrics, Observation, ProfileSnapshot, SourceFormat, Video};

const WHAT: &str = "a TikTok Research API response";

/// Keys of `data` holding lists of Video objects (§1.2, §1.4; the reposted
/// list is spelled two ways in the docs).
const VIDEO_LISTS: &[&str] = &[
    "videos",
    "user_liked_videos",
    "pinned_videos_list",
    "user_reposted_videos",
    "reposted_videos",
];

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
    let newlines = Rc::new(Cell::new(0u64));
    let counted = LineCounter {
        inner: reader,
        newlines: Rc::clone(&newlines),
    };
    let mut state = Research {
        ctx,
        sink,
        newlines,
        clock: FileClock::default(),
        format: None,
        failure: None,
        pages: 0,
        records: 0,
    };
    let mut de = serde_json::Deserializer::from_reader(counted);
    loop {
        if let Err(e) = TopSeed(&mut state).deserialize(&mut de) {
            if let Some(failure) = state.failure.take() {
                return Err(failure);
            }
            return Err(json_error(ctx, WHAT, &e));
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
    /// Newlines consumed by the JSON reader so far.
    newlines: Rc<Cell<u64>>,
    clock: FileClock,
    format: Option<SourceFormat>,
    /// The structured error behind a serde error we raised ourselves.
    failure: Option<IngestError>,
    pages: usize,
    /// Records read (videos, comments, user infos).
    records: usize,
}

/// The `error` object of a v2 response (§1.1).
#[derive(Default, Deserialize)]
struct ErrorObject {
    code: Option<Scalar>,
    message: Option<Scalar>,
    log_id: Option<Scalar>,
    http_status_code: Option<Scalar>,
}

impl ErrorObject {
    fn ok(&self) -> bool {
        matches!(&self.code, Some(Scalar::Text(c)) if c.trim().eq_ignore_ascii_case("ok"))
    }

    fn log_id(&self) -> Option<String> {
        self.log_id.clone().and_then(Scalar::into_text)
    }
}

/// A Video object (§1.2). Every field is optional.
#[derive(Deserialize)]
struct ResearchVideo {
    id: Option<Scalar>,
    video_id: Option<Scalar>,
    create_time: Option<Scalar>,
    username: Option<Scalar>,
    video_description: Option<Scalar>,
    video_duration: Option<Scalar>,
    view_count: Option<Scalar>,
    like_count: Option<Scalar>,
    comment_count: Option<Scalar>,
    share_count: Option<Scalar>,
    favorites_count: Option<Scalar>,
    favourites_count: Option<Scalar>,
}

/// A comment object (§1.3).
#[derive(Deserialize)]
struct ResearchComment {
    id: Option<Scalar>,
    video_id: Option<Scalar>,
    parent_comment_id: Option<Scalar>,
    text: Option<Scalar>,
    like_count: Option<Scalar>,
    reply_count: Option<Scalar>,
    create_time: Option<Scalar>,
}

/// A user info object (§1.4).
#[derive(Deserialize)]
struct ResearchUser {
    username: Option<Scalar>,
    follower_count: Option<Scalar>,
    following_count: Option<Scalar>,
    likes_count: Option<Scalar>,
    video_count: Option<Scalar>,
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

/// One page being read.
struct Page {
    number: usize,
    error: Option<ErrorObject>,
    held: Vec<Pending>,
    /// Keys of `data` other than the lists: a user info object.
    user_fields: Map<String, Value>,
}

impl Page {
    fn streaming(&self) -> bool {
        matches!(&self.error, Some(e) if e.ok())
    }

    fn failed(&self) -> bool {
        matches!(&self.error, Some(e) if !e.ok())
    }

    fn log_id(&self) -> Option<String> {
        self.error.as_ref().and_then(ErrorObject::log_id)
    }
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

    /// A top-level object that is not a page: one video, comment or user.
    fn bare(&mut self, value: Map<String, Value>, place: Place) -> Result<(), IngestError> {
        let kind = Kind::of(&value, self.ctx.options.format);
        let spot = match place {
            Place::Top { line } => Spot {
                line: Some(line),
                record: kind.noun().to_string(),
            },
            Place::Element { n } => Spot {
                line: None,
                record: format!("record {n}"),
            },
        };
        if kind == Kind::User {
            return self.profile(value, None, &spot, None);
        }
        let pending = self.parse_item(kind, Value::Object(value), &spot)?;
        self.emit(pending, None)
    }

    /// One element of a page's `videos` or `comments`.
    fn page_item(
        &mut self,
        page: &mut Page,
        kind: Kind,
        value: Value,
        n: usize,
    ) -> Result<(), IngestError> {
        let spot = Spot {
            line: None,
            record: format!("page {}, {} {n}", page.number, kind.noun()),
        };
        let pending = self.parse_item(kind, value, &spot)?;
        if page.streaming() {
            let log_id = page.log_id();
            self.emit(pending, log_id.as_deref())
        } else {
            page.held.push(pending);
            Ok(())
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

    fn video(
        &mut self,
        value: &Value,
        raw: String,
        spot: &Spot,
        nul_fields: &[String],
    ) -> Result<Pending, IngestError> {
        let location = self.location(spot, None);
        let parsed: ResearchVideo = fits(
            ResearchVideo::deserialize(value),
            "a Research API video object",
            &location,
        )?;
        let (field, id) = match (&parsed.id, &parsed.video_id) {
            (Some(id), _) => ("id", id),
            (None, Some(id)) => ("video_id", id),
            (None, None) => {
                return Err(IngestError::invalid(
                    location,
                    "expected an `id` (or `video_id`) in every video object, found neither; \
                     request it with `fields=id,...`",
                ))
            }
        };
        let id = video_id(id).map_err(|e| IngestError::value(location.clone(), field, e))?;
        let location = self.location(spot, Some(&id));
        warn_nul(self.sink, &location, nul_fields);
        let at = |field: &str, e: ValueError| IngestError::value(location.clone(), field, e);

        let mut video = Video::with_id(id);
        if let Some(t) = &parsed.create_time {
            if let Some((secs, day)) = unix_time(t).map_err(|e| at("create_time", e))? {
                video.created_at = Some(secs);
                video.posted_on = Some(day);
            }
        }
        video.caption =
            text(parsed.video_description.as_ref()).map_err(|e| at("video_description", e))?;
        // The Research API has no title; like the Business reader, the
        // caption's first line stands in for one.
        video.title = video.caption.as_deref().and_then(title_from_caption);
        video.duration_s =
            seconds(parsed.video_duration.as_ref()).map_err(|e| at("video_duration", e))?;
        let handle = text(parsed.username.as_ref()).map_err(|e| at("username", e))?;
        let author = self.ctx.person(Person {
            user_id: None,
            handle: handle.as_deref(),
        })?;
        video.author_key = author.key;
        video.author_handle = author.handle;

        let c = |field: &str, v: &Option<Scalar>| count(v.as_ref()).map_err(|e| at(field, e));
        let saves = match c("favorites_count", &parsed.favorites_count)? {
            Some(s) => Some(s),
            None => c("favourites_count", &parsed.favourites_count)?,
        };
        let metrics = Metrics {
            views: c("view_count", &parsed.view_count)?,
            likes: c("like_count", &parsed.like_count)?,
            comments: c("comment_count", &parsed.comment_count)?,
            shares: c("share_count", &parsed.share_count)?,
            saves,
            ..Metrics::default()
        };
        Ok(Pending {
            location,
            raw,
            body: Body::Video(video, metrics),
        })
    }

    fn comment(
        &mut self,
        value: &Value,
        raw: String,
        spot: &Spot,
        nul_fields: &[String],
    ) -> Result<Pending, IngestError> {
        let location = self.location(spot, None);
        let parsed: ResearchComment = fits(
            ResearchComment::deserialize(value),
            "a Research API comment object",
            &location,
        )?;
        let id = match &parsed.id {
            Some(id) => video_id(id).map_err(|e| IngestError::value(location.clone(), "id", e))?,
            None => {
                return Err(IngestError::invalid(
                    location,
                    "expected an `id` in every comment object, found none",
                ))
            }
        };
        let location = self.location(spot, Some(&id));
        warn_nul(self.sink, &location, nul_fields);
        let at = |field: &str, e: ValueError| IngestError::value(location.clone(), field, e);
        let video = match &parsed.video_id {
            Some(v) => video_id(v).map_err(|e| at("video_id", e))?,
            None => {
                return Err(IngestError::invalid(
                    location,
                    "expected a `video_id` in every comment object, found none; request it \
                     with `fields=id,video_id,...`",
                ))
            }
        };
        // A top-level comment's parent is the video itself (§1.3).
        let parent = match &parsed.parent_comment_id {
            None | Some(Scalar::Null) => None,
            Some(p) => {
                let p = video_id(p).map_err(|e| at("parent_comment_id", e))?;
                (p != video && p != "0" && p != id).then_some(p)
            }
        };
        let created_at = match &parsed.create_time {
            Some(t) => unix_time(t)
                .map_err(|e| at("create_time", e))?
                .map(|(s, _)| s),
            None => None,
        };
        let comment = Comment {
            platform_id: id,
            video_id: video,
            parent_id: parent,
            // Research comments carry no author (§1.3).
            author_key: None,
            author_handle: None,
            created_at,
            text: text(parsed.text.as_ref())
                .map_err(|e| at("text", e))?
                .unwrap_or_default(),
            likes: count(parsed.like_count.as_ref()).map_err(|e| at("like_count", e))?,
            replies: count(parsed.reply_count.as_ref()).map_err(|e| at("reply_count", e))?,
            language: None,
            observed_at: None,
        };
        Ok(Pending {
            location,
            raw,
            body: Body::Comment(comment),
        })
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

    /// A user info object; `hint` is a handle found next to it.
    fn profile(
        &mut self,
        fields: Map<String, Value>,
        hint: Option<String>,
        spot: &Spot,
        log_id: Option<&str>,
    ) -> Result<(), IngestError> {
        let mut value = Value::Object(fields);
        let nul_fields = strip_nul(&mut value);
        let location = self.location(spot, None);
        warn_nul(self.sink, &location, &nul_fields);
        self.saw(Kind::User);
        let parsed = ResearchUser::deserialize(&value).map_err(|e| {
            IngestError::invalid(
                location.clone(),
                format!("expected a Research API user info object, found: {e}"),
            )
        })?;
        let at = |field: &str, e: ValueError| IngestError::value(location.clone(), field, e);
        let handle = match text(parsed.username.as_ref()).map_err(|e| at("username", e))? {
            Some(h) => Some(h),
            None => hint,
        };
        let author = self.ctx.person(Person {
            user_id: None,
            handle: handle.as_deref(),
        })?;
        let Some(key) = author.key else {
            self.sink.warn(Warning {
                location,
                message: "skipped user info without a `username`: the Research API does not echo \
                          it, so nothing ties these counts to an account; add \
                          `\"username\": \"...\"` next to `data` and import again"
                    .into(),
            });
            return Ok(());
        };
        let n = |field: &str, v: &Option<Scalar>| {
            count(v.as_ref())
                .map(|c| c.map(|c| c.value))
                .map_err(|e| at(field, e))
        };
        let followers = n("follower_count", &parsed.follower_count)?;
        let following = n("following_count", &parsed.following_count)?;
        let likes = n("likes_count", &parsed.likes_count)?;
        let videos = n("video_count", &parsed.video_count)?;
        let own = log_id.and_then(stamp_time);
        let observed_at =
            self.clock
                .resolve(self.ctx, own, MISSING_LOG_ID, self.sink, &location)?;
        let raw = scrub_raw(&value).to_string();
        let records = vec![Record::Profile(ProfileSnapshot {
            author_key: key,
            observed_at,
            followers,
            following,
            likes,
            videos,
        })];
        push(self.sink, location, Some(raw), records)
    }

    /// Checks the page's `error`, then emits what it held.
    fn finish_page(&mut self, page: Page, other: Map<String, Value>) -> Result<(), IngestError> {
        let location = self.ctx.at_record(format!("page {}", page.number));
        match &page.error {
            Some(e) if e.ok() => {}
            Some(e) => {
                let code = e
                    .code
                    .as_ref()
                    .map(Scalar::shown)
                    .unwrap_or_else(|| "(none)".into());
                let message = e
                    .message
                    .clone()
                    .and_then(Scalar::into_text)
                    .unwrap_or_default();
                let log = e
                    .log_id()
                    .map(|l| format!(", log_id `{l}`"))
                    .unwrap_or_default();
                let status = e
                    .http_status_code
                    .as_ref()
                    .map(|s| format!(", HTTP {}", s.shown()))
                    .unwrap_or_default();
                let advice = if code.contains("quota") || code.contains("rate_limit") {
                    "the project's quota was used up; request the page again after 00:00 UTC \
                     and save the successful response"
                } else {
                    "request the page again and save the successful response"
                };
                return Err(IngestError::invalid(
                    location,
                    format!(
                        "the Research API answered with an error instead of data (code \
                         `{code}`: `{message}`{log}{status}); {advice}"
                    ),
                ));
            }
            None => self.sink.warn(Warning {
                location: location.clone(),
                message: "the page has no `error` object; read as a successful response".into(),
            }),
        }
        let log_id = page.log_id();
        for pending in page.held {
            self.emit(pending, log_id.as_deref())?;
        }
        if USER_KEYS.iter().any(|k| page.user_fields.contains_key(*k))
            || page.user_fields.contains_key("username")
        {
            // Tools that save the request with the response put the
            // `username` asked for next to `data`.
            let hint = match other.get("username") {
                Some(Value::String(s)) => Some(s.replace('\0', "")),
                _ => None,
            };
            let spot = Spot {
                line: None,
                record: format!("page {}, user", page.number),
            };
            self.profile(page.user_fields, hint, &spot, log_id.as_deref())?;
        }
        Ok(())
    }
}

const MISSING_LOG_ID: &str = "no `error.log_id` with a timestamp";

/// The top level: a page or object, or an array of them.
struct TopSeed<'a, 'c, 's>(&'a mut Research<'c, 's>);

impl<'de> DeserializeSeed<'de> for TopSeed<'_, '_, '_> {
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for TopSeed<'_, '_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a Research API response page, a video or comment object, or an array of them")
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<(), A::Error> {
        let line = self.0.newlines.get() + 1;
        ObjectSeed {
            state: self.0,
            place: Place::Top { line },
        }
        .visit_map(map)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let mut n = 0;
        loop {
            n += 1;
            let seed = ObjectSeed {
                state: &mut *self.0,
                place: Place::Element { n },
            };
            if seq.next_element_seed(seed)?.is_none() {
                return Ok(());
            }
        }
    }
}

/// One object: a page (it has `data` or `error`) or a bare record.
struct ObjectSeed<'a, 'c, 's> {
    state: &'a mut Research<'c, 's>,
    place: Place,
}

impl<'de> DeserializeSeed<'de> for ObjectSeed<'_, '_, '_> {
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for ObjectSeed<'_, '_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("each array element to be a response page or a video or comment object")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let ObjectSeed { state, place } = self;
        let mut other = Map::new();
        let mut page: Option<Page> = None;
        while let Some(key) = map.next_key::<String>()? {
            let is_envelope = key == "data" || key == "error";
            if is_envelope && page.is_none() {
                state.pages += 1;
                page = Some(Page {
                    number: state.pages,
                    error: None,
                    held: vec![],
                    user_fields: Map::new(),
                });
            }
            match (key.as_str(), page.as_mut()) {
                ("error", Some(p)) => {
                    p.error = Some(map.next_value::<Option<ErrorObject>>()?.unwrap_or_default());
                }
                ("data", Some(p)) => {
                    if p.failed() {
                        map.next_value::<IgnoredAny>()?;
                    } else {
                        map.next_value_seed(DataSeed { state, page: p })?;
                    }
                }
                _ => {
                    let value = map.next_value::<Value>()?;
                    other.insert(key, value);
                }
            }
        }
        let result = match page {
            Some(p) => state.finish_page(p, other),
            None => state.bare(other, place),
        };
        result.map_err(|e| state.fail(e))
    }
}

/// Walks `data`: streams the video and comment lists, keeps other keys as
/// a user info object.
struct DataSeed<'a, 'c, 's> {
    state: &'a mut Research<'c, 's>,
    page: &'a mut Page,
}

impl<'de> DeserializeSeed<'de> for DataSeed<'_, '_, '_> {
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for DataSeed<'_, '_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("`data` to be an object")
    }
    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }
    fn visit_none<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let DataSeed { state, page } = self;
        while let Some(key) = map.next_key::<String>()? {
            let kind = if VIDEO_LISTS.contains(&key.as_str()) {
                Kind::Video
            } else if key == "comments" {
                Kind::Comment
            } else {
                if !matches!(key.as_str(), "cursor" | "has_more" | "search_id") {
                    let value = map.next_value::<Value>()?;
                    page.user_fields.insert(key, value);
                } else {
                    map.next_value::<IgnoredAny>()?;
                }
                continue;
            };
            if let Some(e) = next_list(&mut map, "a list of objects", |value, n| {
                state.page_item(page, kind, value, n)
            })? {
                return Err(state.fail(e));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Options, VecSink};
    use uptake_model::PseudonymSecret;

    fn options() -> Options {
        Options {
            secret: Some(PseudonymSecret::from_bytes([7; 32])),
            ..Options::default()
        }
    }

    fn read(text: &str, options: &Options) -> (Result<SourceFormat, IngestError>, VecSink) {
        let ctx = Context::new("r.json", options);
        let mut sink = VecSink::default();
        let result = parse(text.as_bytes(), &ctx, &mut sink);
        (result, sink)
    }

    #[test]
    fn kinds_from_keys() {
        let obj = |t: &str| match serde_json::from_str::<Value>(t) {
            Ok(Value::Object(m)) => m,
            _ => Map::new(),
        };
        assert_eq!(
            Kind::of(&obj(r#"{"id":1,"video_id":2}"#), None),
            Kind::Comment
        );
        assert_eq!(
            Kind::of(&obj(r#"{"id":1,"like_count":2}"#), None),
            Kind::Video
        );
        assert_eq!(Kind::of(&obj(r#"{"video_id":1}"#), None), Kind::Video);
        assert_eq!(Kind::of(&obj(r#"{"follower_count":1}"#), None), Kind::User);
        assert_eq!(
            Kind::of(&obj(r#"{"id":1}"#), Some(SourceFormat::ResearchComments)),
            Kind::Comment
        );
    }

    #[test]
    fn ndjson_records_are_located_by_line() {
        let text = "{\"id\":1,\"view_count\":3}\n\n{\"id\":2,\"view_count\":\"many\"}\n";
        let mut o = options();
        o.observed_at = Some(1_725_000_000);
        let (result, sink) = read(text, &o);
        let e = result.err().map(|e| e.to_string()).unwrap_or_default();
        assert!(
            e.contains("line 3 video (`2`)") && e.contains("`view_count`"),
            "{e}"
        );
        assert_eq!(sink.items.len(), 1);
    }

    #[test]
    fn error_first_pages_stream_and_user_pages_take_data_username() {
        let text = r#"{"error":{"code":"ok","log_id":"20240901120000X"},
            "data":{"videos":[{"id":7412345678901234567,"view_count":1}]}}
            {"data":{"username":"someone","follower_count":5},"error":{"code":"ok","log_id":"20240901120000X"}}"#;
        let (result, sink) = read(text, &options());
        assert_eq!(result.ok(), Some(SourceFormat::ResearchVideos));
        assert_eq!(sink.observations()[0].observed_at, 1_725_192_000);
        let profile = sink.records().find_map(|r| match r {
            Record::Profile(p) => Some(p.followers),
            _ => None,
        });
        assert_eq!(profile, Some(Some(5)));
        assert!(!format!("{sink:?}").contains("someone"));
    }

    #[test]
    fn nul_is_stripped_everywhere() {
        let mut v: Value =
            serde_json::from_str(r#"{"a\u0000":"x\u0000y","b":["\u0000"],"c":{"d":"ok"}}"#)
                .unwrap_or(Value::Null);
        let fields = strip_nul(&mut v);
        assert_eq!(fields, vec!["a", "b"]);
        assert_eq!(v.to_string(), r#"{"a":"xy","b":[""],"c":{"d":"ok"}}"#);
    }
}
