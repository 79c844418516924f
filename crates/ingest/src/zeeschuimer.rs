//! Reader for Zeeschuimer NDJSON exports: TikTok posts (`source_platform =
//! "tiktok.com"`) and comments (`"tiktok-comments"`), one capture per line.
//!
//! See `formats.md` §4.1–4.3. Each line is an envelope (`item_id`,
//! `timestamp_collected` in **milliseconds**, `source_platform`, `data`, …)
//! around the raw TikTok object. Posts come in two shapes: the API item
//! (`author` is an object with `id`, `uniqueId`, …) and the older flattened
//! page-state item (`author` is the handle, `authorId` at the top level).
//! `statsV2` (exact strings) is preferred over `stats`, whose large values
//! TikTok's pages round to about three significant digits; `stats`-only
//! values ≥ 10 000 ending in `00` are flagged approximate.
//!
//! Every line becomes one [`Item`]: a post yields a [`Video`], an
//! [`Observation`] at the capture time and, when `authorStats` is present, a
//! [`ProfileSnapshot`]; a comment yields a [`Comment`]. The same item captured
//! again (Zeeschuimer re-inserts per navigation) yields another observation at
//! its own capture time: nothing is merged here.
//!
//! Speed: files reach gigabytes, so the reader streams line by line through
//! one reused buffer and walks each line **once**: a serde visitor writes the
//! raw record (with identifying values removed, the rules of
//! [`crate::privacy::scrub_raw`]) while it picks out the few fields the
//! records need. That avoids building a `serde_json::Value` tree, cloning it
//! to scrub it and serialising it again. The output is byte-for-byte what
//! `scrub_raw(&value).to_string()` gives (tested), plus: the envelope's
//! `user_agent` is dropped, `/@handle` in links becomes `/@[removed]`,
//! names in `music.authorName` and `share_info.desc` are removed, and NUL
//! characters are stripped (`formats.md` §8) with a warning.

use crate::api_json::{count, seconds, text, unix_time, video_id, Scalar};
use crate::error::IngestError;
use crate::number::ValueError;
use crate::privacy::{Person, IDENTIFYING_KEYS};
use crate::sink::{Item, Record, Sink, Warning};
use crate::Context;
use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};
use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt::{self, Write as _};
use std::io::{BufRead, BufReader, Read};
use uptake_model::{Comment, Count, Metrics, Observation, ProfileSnapshot, SourceFormat, Video};

/// The longest line accepted. A capture is a few kilobytes; a longer "line"
/// is a file that is not NDJSON (a pretty-printed or single-array export),
/// and reading it whole would break the constant-memory promise.
const MAX_LINE: u64 = 64 * 1024 * 1024;

/// `source_platform` of TikTok posts.
const POSTS: &str = "tiktok.com";
/// `source_platform` of TikTok comments.
const COMMENTS: &str = "tiktok-comments";

/// Reads a Zeeschuimer NDJSON export into `sink`, one [`Item`] per TikTok
/// capture. Lines captured from other platforms are skipped with one
/// summary warning; blank lines are skipped. A line that is not a capture
/// (invalid JSON, no `data`, no `item_id`) is an error naming its line.
pub fn parse<R: Read>(
    input: R,
    ctx: &Context,
    sink: &mut dyn Sink,
) -> Result<SourceFormat, IngestError> {
    let mut reader = BufReader::with_capacity(256 * 1024, input);
    let mut keys = KeySet::new(IDENTIFYING_KEYS);
    for k in EXTRA_KEYS {
        keys.add(k, IDENTIFYING);
    }
    let mut line: Vec<u8> = Vec::with_capacity(64 * 1024);
    let mut tally = Tally::default();
    let mut number: u64 = 0;
    loop {
        line.clear();
        let read = (&mut reader)
            .take(MAX_LINE + 1)
            .read_until(b'\n', &mut line)
            .map_err(|source| IngestError::Io {
                location: ctx.at_line(number + 1),
                source,
            })?;
        if read == 0 {
            break;
        }
        number += 1;
        if line.len() as u64 > MAX_LINE {
            return Err(IngestError::invalid(
                ctx.at_line(number),
                format!(
                    "expected one Zeeschuimer capture per line (a few kilobytes), found a line \
                     longer than {} MB; is this file NDJSON?",
                    MAX_LINE / (1024 * 1024)
                ),
            ));
        }
        let mut bytes = line.as_slice();
        if number == 1 {
            bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        }
        let bytes = bytes.trim_ascii();
        if bytes.is_empty() {
            continue;
        }
        read_line(bytes, number, ctx, sink, &keys, &mut tally)?;
    }
    tally.finish(ctx, sink);
    Ok(SourceFormat::Zeeschuimer)
}

/// Counts what is reported once per file instead of once per line.
#[derive(Default)]
struct Tally {
    /// Captures from other platforms, by `source_platform`.
    other_platforms: BTreeMap<String, u64>,
    /// Strings that had NUL characters removed, and the first line.
    nul_strings: u64,
    nul_first_line: u64,
    /// Counts taken from `stats` alone and flagged approximate.
    rounded: u64,
    /// Captures whose `timestamp_collected` looked like seconds.
    seconds_stamps: u64,
    seconds_first_line: u64,
    /// TikTok captures read.
    captures: u64,
}

impl Tally {
    fn finish(self, ctx: &Context, sink: &mut dyn Sink) {
        if !self.other_platforms.is_empty() {
            let total: u64 = self.other_platforms.values().sum();
            let list: Vec<String> = self
                .other_platforms
                .iter()
                .map(|(p, n)| format!("`{p}` ({n})"))
                .collect();
            sink.warn(Warning {
                location: ctx.whole(),
                message: format!(
                    "skipped {total} {} from platforms other than TikTok: {}",
                    if total == 1 { "item" } else { "items" },
                    list.join(", ")
                ),
            });
        }
        if self.nul_strings > 0 {
            sink.warn(Warning {
                location: ctx.at_line(self.nul_first_line),
                message: format!(
                    "removed NUL characters from {} {} (the first on this line); they are \
                     not valid in text and usually come from a damaged capture",
                    self.nul_strings,
                    if self.nul_strings == 1 {
                        "string"
                    } else {
                        "strings"
                    }
                ),
            });
        }
        if self.rounded > 0 {
            sink.warn(Warning {
                location: ctx.whole(),
                message: format!(
                    "{} {} came only from TikTok's page `stats` (no exact `statsV2`) and end \
                     in zeros: TikTok rounds these to about 3 significant digits, so they are \
                     flagged approximate",
                    self.rounded,
                    if self.rounded == 1 { "count" } else { "counts" }
                ),
            });
        }
        if self.seconds_stamps > 0 {
            sink.warn(Warning {
                location: ctx.at_line(self.seconds_first_line),
                message: format!(
                    "{} `timestamp_collected` {} in seconds, not Zeeschuimer's milliseconds \
                     (the first on this line); read as seconds",
                    self.seconds_stamps,
                    if self.seconds_stamps == 1 {
                        "value is"
                    } else {
                        "values are"
                    }
                ),
            });
        }
        if self.captures == 0 && self.other_platforms.is_empty() {
            sink.warn(Warning {
                location: ctx.whole(),
                message: "the file holds no Zeeschuimer captures".into(),
            });
        }
    }
}

/// Reads one non-blank line and pushes what it yields.
fn read_line(
    bytes: &[u8],
    number: u64,
    ctx: &Context,
    sink: &mut dyn Sink,
    keys: &KeySet,
    tally: &mut Tally,
) -> Result<(), IngestError> {
    let location = ctx.at_line(number);
    let mut state = State {
        out: String::with_capacity(bytes.len()),
        cap: Captured::default(),
        keys,
        nuls: 0,
    };
    // One UTF-8 check per line is much cheaper than serde_json's check of
    // every string when it reads from bytes.
    let text = match std::str::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            return Err(IngestError::invalid(
                location,
                format!(
                    "expected UTF-8 text, found invalid bytes at column {} (was the file \
                     re-saved in another encoding?)",
                    e.valid_up_to() + 1
                ),
            ))
        }
    };
    let mut de = serde_json::Deserializer::from_str(text);
    let walked = Walk {
        st: &mut state,
        slot: Slot::Envelope,
        in_person: false,
        replace_scalar: false,
    }
    .deserialize(&mut de)
    .and_then(|()| de.end());
    if let Err(e) = walked {
        return Err(IngestError::invalid(
            location,
            format!(
                "expected a Zeeschuimer capture (one JSON object per line), found invalid JSON \
                 at column {}: {}",
                e.column(),
                serde_message(&e)
            ),
        ));
    }
    let State {
        mut out, cap, nuls, ..
    } = state;
    if !cap.envelope_object {
        return Err(IngestError::invalid(
            location,
            "expected a Zeeschuimer capture (a JSON object per line), found another JSON value",
        ));
    }
    let platform = match cap.text(F_PLATFORM) {
        Some(p) => p,
        None => {
            return Err(IngestError::invalid(
                location,
                "expected a `source_platform` in every Zeeschuimer capture, found none",
            ))
        }
    };
    if platform != POSTS && platform != COMMENTS {
        *tally.other_platforms.entry(platform).or_insert(0) += 1;
        return Ok(());
    }
    if cap.get(F_ITEM_ID).is_none() {
        return Err(IngestError::invalid(
            location,
            "expected an `item_id` in every Zeeschuimer capture, found none",
        ));
    }
    if !cap.saw_data {
        return Err(IngestError::invalid(
            location,
            "expected a `data` object in every Zeeschuimer capture, found none",
        ));
    }
    if !cap.data_object {
        return Err(IngestError::invalid(
            location,
            "expected `data` to be the captured TikTok object, found another JSON value",
        ));
    }
    if nuls > 0 {
        if tally.nul_strings == 0 {
            tally.nul_first_line = number;
        }
        tally.nul_strings += nuls;
    }
    tally.captures += 1;
    let names = [F_AUTHOR_HANDLE, F_AUTHOR_NICK, F_USER_HANDLE, F_USER_NICK];
    remove_names(&mut out, names.iter().filter_map(|f| cap.text_ref(*f)));
    let observed_at = observed_at(&cap, number, ctx, tally)?;
    let records = if platform == POSTS {
        post(&cap, observed_at, ctx, number, tally)?
    } else {
        vec![Record::Comment(comment(&cap, observed_at, ctx, number)?)]
    };
    let item = Item {
        location: location.clone(),
        raw: Some(out),
        records,
    };
    sink.push(item)
        .map_err(|source| IngestError::Sink { location, source })
}

/// serde_json's message without its " at line 1 column N" suffix (every
/// line is parsed on its own, so its line is always 1).
fn serde_message(e: &serde_json::Error) -> String {
    let text = e.to_string();
    match text.rfind(" at line ") {
        Some(pos) => text[..pos].to_string(),
        None => text,
    }
}

/// The capture time: `timestamp_collected` (milliseconds) in UTC seconds.
fn observed_at(
    cap: &Captured,
    number: u64,
    ctx: &Context,
    tally: &mut Tally,
) -> Result<i64, IngestError> {
    let field = "timestamp_collected";
    let expected = "a capture time in milliseconds since 1970";
    let raw = match cap.get(F_COLLECTED) {
        None => {
            return ctx.options.observed_at.ok_or_else(|| {
                IngestError::invalid(
                    ctx.at_line(number),
                    "expected a `timestamp_collected` (capture time) in every Zeeschuimer \
                     capture, found none; pass `--observed-at` to set it",
                )
            })
        }
        Some(s) => s,
    };
    let value = match raw {
        Scalar::UInt(v) => i64::try_from(*v).ok(),
        Scalar::Float(f) if f.is_finite() && f.abs() < 9.0e15 => Some(*f as i64),
        Scalar::Text(t) => t.trim().parse::<i64>().ok(),
        _ => None,
    };
    match value {
        Some(ms) if (100_000_000_000..100_000_000_000_000).contains(&ms) => Ok(ms / 1000),
        Some(s) if (1_000_000_000..100_000_000_000).contains(&s) => {
            if tally.seconds_stamps == 0 {
                tally.seconds_first_line = number;
            }
            tally.seconds_stamps += 1;
            Ok(s)
        }
        _ => Err(IngestError::value(
            ctx.at_line(number),
            field,
            ValueError {
                expected,
                found: raw.shown().chars().take(60).collect(),
                hint: None,
            },
        )),
    }
}

/// The records of a post capture: the video, its observation, and the
/// author's profile counts.
fn post(
    cap: &Captured,
    observed_at: i64,
    ctx: &Context,
    number: u64,
    tally: &mut Tally,
) -> Result<Vec<Record>, IngestError> {
    let at = |field: &str, e: ValueError| IngestError::value(ctx.at_line(number), field, e);
    let id = match cap.get(F_ID) {
        Some(s) => video_id(s).map_err(|e| at("data.id", e))?,
        None => cap
            .get(F_ITEM_ID)
            .map(video_id)
            .transpose()
            .map_err(|e| at("item_id", e))?
            .unwrap_or_default(),
    };
    let author = ctx.person(Person {
        user_id: cap.text_ref(F_AUTHOR_ID),
        handle: cap.text_ref(F_AUTHOR_HANDLE),
    })?;

    let mut video = Video::with_id(id.clone());
    if let Some(t) = cap.get(F_CREATE_TIME) {
        if let Some((secs, day)) = unix_time(t).map_err(|e| at("data.createTime", e))? {
            video.created_at = Some(secs);
            video.posted_on = Some(day);
        }
    }
    video.caption = text(cap.get(F_DESC)).map_err(|e| at("data.desc", e))?;
    // Photo carousels carry `video.duration` 0: no duration, not zero.
    video.duration_s = seconds(cap.get(F_DURATION))
        .map_err(|e| at("data.video.duration", e))?
        .filter(|d| *d > 0.0);
    video.url = Some(match &author.handle {
        Some(h) => format!("https://www.tiktok.com/@{h}/video/{id}"),
        None => format!("https://www.tiktok.com/video/{id}"),
    });
    video.author_key = author.key.clone();
    video.author_handle = author.handle.clone();

    let mut stat = |i: usize, name: &str| -> Result<Option<Count>, IngestError> {
        if let Some(v) = cap.get(F_STATS_V2 + i).filter(|s| **s != Scalar::Null) {
            return count(Some(v)).map_err(|e| at(&format!("data.statsV2.{name}"), e));
        }
        let c = count(cap.get(F_STATS + i)).map_err(|e| at(&format!("data.stats.{name}"), e))?;
        Ok(c.map(|c| {
            if looks_rounded(c.value) {
                tally.rounded += 1;
                Count::approx(c.value)
            } else {
                c
            }
        }))
    };
    let metrics = Metrics {
        views: stat(0, "playCount")?,
        likes: stat(1, "diggCount")?,
        comments: stat(2, "commentCount")?,
        shares: stat(3, "shareCount")?,
        saves: stat(4, "collectCount")?,
        ..Metrics::default()
    };

    let mut records = vec![Record::Video(video)];
    if !metrics.is_empty() {
        records.push(Record::Observation(Observation {
            video_id: id,
            observed_at,
            source: SourceFormat::Zeeschuimer,
            metrics,
        }));
    }
    if let Some(key) = author.key {
        let value = |i: usize, name: &str| -> Result<Option<i64>, IngestError> {
            let v2 = cap
                .get(F_AUTHOR_STATS_V2 + i)
                .filter(|s| **s != Scalar::Null);
            let (v, block) = match v2 {
                Some(v) => (Some(v), "authorStatsV2"),
                None => (cap.get(F_AUTHOR_STATS + i), "authorStats"),
            };
            count(v)
                .map(|c| c.map(|c| c.value))
                .map_err(|e| at(&format!("data.{block}.{name}"), e))
        };
        let likes = match value(3, "heartCount")? {
            Some(v) => Some(v),
            None => value(2, "heart")?,
        };
        let profile = ProfileSnapshot {
            author_key: key,
            observed_at,
            followers: value(0, "followerCount")?,
            following: value(1, "followingCount")?,
            likes,
            videos: value(4, "videoCount")?,
        };
        if profile.followers.is_some()
            || profile.following.is_some()
            || profile.likes.is_some()
            || profile.videos.is_some()
        {
            records.push(Record::Profile(profile));
        }
    }
    Ok(records)
}

/// True for a `stats` value that TikTok's page JSON has probably rounded:
/// at least 10 000 and ending in `00` (three significant digits of a
/// five-digit or longer number always leave two trailing zeros).
pub(crate) fn looks_rounded(value: i64) -> bool {
    value >= 10_000 && value % 100 == 0
}

/// The record of a comment capture (`formats.md` §4.3).
fn comment(
    cap: &Captured,
    observed_at: i64,
    ctx: &Context,
    number: u64,
) -> Result<Comment, IngestError> {
    let at = |field: &str, e: ValueError| IngestError::value(ctx.at_line(number), field, e);
    let (field, id) = [
        ("data.cid", F_CID),
        ("data.id", F_ID),
        ("item_id", F_ITEM_ID),
    ]
    .into_iter()
    .find_map(|(name, f)| {
        cap.get(f)
            .filter(|s| **s != Scalar::Null)
            .map(|s| (name, s))
    })
    .unwrap_or(("item_id", &Scalar::Null));
    let platform_id = video_id(id).map_err(|e| at(field, e))?;
    let video = match cap.get(F_AWEME_ID).filter(|s| **s != Scalar::Null) {
        Some(v) => video_id(v).map_err(|e| at("data.aweme_id", e))?,
        None => {
            return Err(IngestError::invalid(
                ctx.at_line(number),
                "expected the video's id (`aweme_id`) in every comment capture, found none",
            ))
        }
    };
    // `reply_to_reply_id` names the reply this one answers inside a thread;
    // otherwise `reply_id` names the top-level comment ("0" = none).
    let mut parent_id = None;
    for (name, f) in [
        ("data.reply_to_reply_id", F_REPLY_TO_REPLY_ID),
        ("data.reply_id", F_REPLY_ID),
    ] {
        let Some(v) = cap.get(f).filter(|s| **s != Scalar::Null) else {
            continue;
        };
        let shown = v.shown();
        if shown.trim().is_empty() || shown.trim() == "0" {
            continue;
        }
        parent_id = Some(video_id(v).map_err(|e| at(name, e))?);
        break;
    }
    let author = ctx.person(Person {
        user_id: cap.text_ref(F_USER_UID),
        handle: cap.text_ref(F_USER_HANDLE),
    })?;
    let created_at = match cap.get(F_CREATE_TIME) {
        Some(t) => unix_time(t)
            .map_err(|e| at("data.create_time", e))?
            .map(|(s, _)| s),
        None => None,
    };
    Ok(Comment {
        platform_id,
        video_id: video,
        parent_id,
        author_key: author.key,
        author_handle: author.handle,
        created_at,
        text: text(cap.get(F_TEXT))
            .map_err(|e| at("data.text", e))?
            .unwrap_or_default(),
        likes: count(cap.get(F_DIGG_COUNT)).map_err(|e| at("data.digg_count", e))?,
        replies: count(cap.get(F_REPLY_TOTAL)).map_err(|e| at("data.reply_comment_total", e))?,
        language: text(cap.get(F_LANGUAGE)).map_err(|e| at("data.comment_language", e))?,
        observed_at: Some(observed_at),
    })
}

// Indices of the captured fields.
const F_ITEM_ID: usize = 0;
const F_COLLECTED: usize = 1;
const F_PLATFORM: usize = 2;
const F_ID: usize = 3;
const F_CID: usize = 4;
const F_DESC: usize = 5;
const F_CREATE_TIME: usize = 6;
const F_AUTHOR_HANDLE: usize = 7;
const F_AUTHOR_ID: usize = 8;
const F_DURATION: usize = 9;
const F_AWEME_ID: usize = 10;
const F_TEXT: usize = 11;
const F_DIGG_COUNT: usize = 12;
const F_REPLY_TOTAL: usize = 13;
const F_REPLY_ID: usize = 14;
const F_REPLY_TO_REPLY_ID: usize = 15;
const F_LANGUAGE: usize = 16;
const F_USER_UID: usize = 17;
const F_USER_HANDLE: usize = 18;
/// `stats`: playCount, diggCount, commentCount, shareCount, collectCount.
const F_STATS: usize = 19;
/// `statsV2`, same order.
const F_STATS_V2: usize = 24;
/// `authorStats`: followerCount, followingCount, heart, heartCount, videoCount.
const F_AUTHOR_STATS: usize = 29;
/// `authorStatsV2`, same order.
const F_AUTHOR_STATS_V2: usize = 34;
const F_AUTHOR_NICK: usize = 39;
const F_USER_NICK: usize = 40;
const FIELDS: usize = 41;

/// The values of one capture that records are made of.
struct Captured {
    fields: [Option<Scalar>; FIELDS],
    envelope_object: bool,
    saw_data: bool,
    data_object: bool,
}

impl Default for Captured {
    fn default() -> Self {
        Captured {
            fields: std::array::from_fn(|_| None),
            envelope_object: false,
            saw_data: false,
            data_object: false,
        }
    }
}

impl Captured {
    fn get(&self, f: usize) -> Option<&Scalar> {
        self.fields.get(f).and_then(Option::as_ref)
    }

    fn text(&self, f: usize) -> Option<String> {
        self.get(f).cloned().and_then(Scalar::into_text)
    }

    /// A string field as text (numbers are not people's names or ids here
    /// unless sent as strings, which is how TikTok sends them).
    fn text_ref(&self, f: usize) -> Option<&str> {
        match self.get(f) {
            Some(Scalar::Text(t)) => Some(t.as_str()),
            _ => None,
        }
    }

    fn set(&mut self, f: usize, value: Scalar) {
        if let Some(slot) = self.fields.get_mut(f) {
            *slot = Some(value);
        }
    }
}

/// Where a JSON value is, as far as the reader cares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Slot {
    /// Nothing below is captured.
    Skip,
    /// The capture envelope (the line's object).
    Envelope,
    /// `data`: the TikTok post or comment.
    Data,
    /// `data.author` (an object in shape A, the handle in shape B).
    Author,
    /// `data.authorStats` / `authorStatsV2`, with the index of its first field.
    AuthorStats(usize),
    /// `data.stats` / `statsV2`, with the index of its first field.
    Stats(usize),
    /// `data.video`.
    VideoInfo,
    /// A comment's `data.user`.
    User,
    /// `data.music`.
    Music,
    /// A comment's `data.share_info`.
    ShareInfo,
    /// A value that is captured into this field.
    Field(usize),
}

/// What `key` inside a value at `slot` is.
fn child(slot: Slot, key: &str) -> Slot {
    match slot {
        Slot::Envelope => match key {
            "item_id" => Slot::Field(F_ITEM_ID),
            "timestamp_collected" => Slot::Field(F_COLLECTED),
            "source_platform" => Slot::Field(F_PLATFORM),
            "data" => Slot::Data,
            _ => Slot::Skip,
        },
        Slot::Data => match key {
            "id" => Slot::Field(F_ID),
            "cid" => Slot::Field(F_CID),
            "desc" => Slot::Field(F_DESC),
            "createTime" | "create_time" => Slot::Field(F_CREATE_TIME),
            "author" => Slot::Author,
            "authorId" => Slot::Field(F_AUTHOR_ID),
            "nickname" => Slot::Field(F_AUTHOR_NICK),
            "authorStats" => Slot::AuthorStats(F_AUTHOR_STATS),
            "authorStatsV2" => Slot::AuthorStats(F_AUTHOR_STATS_V2),
            "stats" => Slot::Stats(F_STATS),
            "statsV2" => Slot::Stats(F_STATS_V2),
            "video" => Slot::VideoInfo,
            "music" => Slot::Music,
            "aweme_id" => Slot::Field(F_AWEME_ID),
            "text" => Slot::Field(F_TEXT),
            "digg_count" => Slot::Field(F_DIGG_COUNT),
            "reply_comment_total" => Slot::Field(F_REPLY_TOTAL),
            "reply_id" => Slot::Field(F_REPLY_ID),
            "reply_to_reply_id" => Slot::Field(F_REPLY_TO_REPLY_ID),
            "comment_language" => Slot::Field(F_LANGUAGE),
            "user" => Slot::User,
            "share_info" => Slot::ShareInfo,
            _ => Slot::Skip,
        },
        Slot::Author => match key {
            "id" => Slot::Field(F_AUTHOR_ID),
            "uniqueId" => Slot::Field(F_AUTHOR_HANDLE),
            "nickname" => Slot::Field(F_AUTHOR_NICK),
            _ => Slot::Skip,
        },
        Slot::AuthorStats(base) => match key {
            "followerCount" => Slot::Field(base),
            "followingCount" => Slot::Field(base + 1),
            "heart" => Slot::Field(base + 2),
            "heartCount" => Slot::Field(base + 3),
            "videoCount" => Slot::Field(base + 4),
            _ => Slot::Skip,
        },
        Slot::Stats(base) => match key {
            "playCount" => Slot::Field(base),
            "diggCount" => Slot::Field(base + 1),
            "commentCount" => Slot::Field(base + 2),
            "shareCount" => Slot::Field(base + 3),
            "collectCount" => Slot::Field(base + 4),
            _ => Slot::Skip,
        },
        Slot::VideoInfo => match key {
            "duration" => Slot::Field(F_DURATION),
            _ => Slot::Skip,
        },
        Slot::User => match key {
            "uid" => Slot::Field(F_USER_UID),
            "unique_id" => Slot::Field(F_USER_HANDLE),
            "nickname" => Slot::Field(F_USER_NICK),
            _ => Slot::Skip,
        },
        _ => Slot::Skip,
    }
}

/// Keys whose object value describes a person: the same list as
/// `privacy.rs` uses (kept in step by the `scrubs_like_scrub_raw` test).
pub(crate) const PERSON_KEYS: &[&str] = &[
    "author",
    "user",
    "authorInfo",
    "reply_to_user",
    "owner_info",
];

/// Keys removed besides [`IDENTIFYING_KEYS`]: the names of people a comment
/// replies to, and (with context, see [`extra_identifying`]) the music's
/// author, which for an "original sound" is the video's author.
const EXTRA_KEYS: &[&str] = &[
    "reply_to_username",
    "reply_to_nickname",
    "reply_to_userid",
    "reply_to_uid",
];

/// True when `key` under `slot` names a person although
/// [`IDENTIFYING_KEYS`] does not list it, by where it is ([`EXTRA_KEYS`]
/// are added to the [`KeySet`]).
fn extra_identifying(slot: Slot, key: &str) -> bool {
    matches!(
        (slot, key),
        (Slot::Music, "authorName") | (Slot::ShareInfo, "desc")
    )
}

/// Key lists merged into one table, bucketed by length and checked on
/// their first and last bytes before a full comparison: this runs for every
/// key of every capture, and most keys match nothing.
pub(crate) struct KeySet {
    by_len: Vec<Vec<(&'static str, u8)>>,
}

/// The key is in [`IDENTIFYING_KEYS`] (or the reader's extra list).
pub(crate) const IDENTIFYING: u8 = 1;
/// The key is in [`PERSON_KEYS`].
pub(crate) const PERSON: u8 = 2;
/// A string or number under this key is a person (`author_username`).
const PERSON_SCALAR: u8 = 4;

impl KeySet {
    /// A table of `identifying` keys plus the person keys.
    pub(crate) fn new(identifying: &[&'static str]) -> Self {
        let mut set = KeySet { by_len: Vec::new() };
        for k in identifying {
            set.add(k, IDENTIFYING);
        }
        for k in PERSON_KEYS {
            set.add(k, PERSON);
        }
        set.add("author_username", PERSON_SCALAR);
        set
    }

    fn add(&mut self, key: &'static str, flag: u8) {
        if self.by_len.len() <= key.len() {
            self.by_len.resize_with(key.len() + 1, Vec::new);
        }
        if let Some(bucket) = self.by_len.get_mut(key.len()) {
            match bucket.iter_mut().find(|(k, _)| *k == key) {
                Some((_, flags)) => *flags |= flag,
                None => bucket.push((key, flag)),
            }
        }
    }

    /// The flags of `key` (0 for most keys).
    pub(crate) fn flags(&self, key: &str) -> u8 {
        let bytes = key.as_bytes();
        let (Some(first), Some(last)) = (bytes.first(), bytes.last()) else {
            return 0;
        };
        let Some(bucket) = self.by_len.get(key.len()) else {
            return 0;
        };
        for (k, flags) in bucket {
            let kb = k.as_bytes();
            if kb.first() == Some(first) && kb.last() == Some(last) && *k == key {
                return *flags;
            }
        }
        0
    }

    /// True when `key` is one of the identifying keys.
    pub(crate) fn contains(&self, key: &str) -> bool {
        self.flags(key) & IDENTIFYING != 0
    }
}

/// What the walk writes into and captures from one line.
struct State<'k> {
    /// The raw record being written.
    out: String,
    cap: Captured,
    keys: &'k KeySet,
    /// Strings that had NUL characters removed.
    nuls: u64,
}

impl State<'_> {
    /// Removes NUL characters, counting the strings that had any.
    fn clean<'a>(&mut self, s: &'a str) -> Cow<'a, str> {
        if s.contains('\0') {
            self.nuls += 1;
            Cow::Owned(s.replace('\0', ""))
        } else {
            Cow::Borrowed(s)
        }
    }

    fn capture(&mut self, slot: Slot, value: Scalar) {
        match slot {
            Slot::Field(f) => self.cap.set(f, value),
            // Shape B: `author` is the handle itself.
            Slot::Author => self.cap.set(F_AUTHOR_HANDLE, value),
            _ => {}
        }
    }

    fn wants(slot: Slot) -> bool {
        matches!(slot, Slot::Field(_) | Slot::Author)
    }
}

/// Walks one JSON value, writing its scrubbed text and capturing the fields
/// its slot asks for. `in_person` and `replace_scalar` carry the rules of
/// `privacy::scrub_raw`: inside a person object `id` is the person's; a
/// person key's string or number value is removed.
struct Walk<'s, 'k> {
    st: &'s mut State<'k>,
    slot: Slot,
    in_person: bool,
    replace_scalar: bool,
}

impl<'de> DeserializeSeed<'de> for Walk<'_, '_> {
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl Walk<'_, '_> {
    fn scalar(self, value: Scalar, text: impl FnOnce(&mut String)) {
        if State::wants(self.slot) {
            self.st.capture(self.slot, value);
        }
        if self.replace_scalar {
            self.st.out.push_str("\"[removed]\"");
        } else {
            text(&mut self.st.out);
        }
    }
}

impl<'de> Visitor<'de> for Walk<'_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<(), E> {
        self.st.out.push_str(if v { "true" } else { "false" });
        Ok(())
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<(), E> {
        let value = if v >= 0 {
            Scalar::UInt(v as u64)
        } else {
            Scalar::Int(v)
        };
        self.scalar(value, |out| {
            let _ = write!(out, "{v}");
        });
        Ok(())
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<(), E> {
        self.scalar(Scalar::UInt(v), |out| {
            let _ = write!(out, "{v}");
        });
        Ok(())
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<(), E> {
        self.scalar(Scalar::Float(v), |out| write_f64(out, v));
        Ok(())
    }

    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<(), E> {
        // Borrowed means the input had no escapes, so the text has no `"`,
        // `\` or control characters (JSON forbids them unescaped; NUL among
        // them) and is written back as it is, without re-escaping.
        if State::wants(self.slot) {
            self.st.capture(self.slot, Scalar::Text(v.to_string()));
        }
        let out = &mut self.st.out;
        if self.replace_scalar {
            out.push_str("\"[removed]\"");
        } else {
            out.push('"');
            out.push_str(&scrub_links(v));
            out.push('"');
        }
        Ok(())
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<(), E> {
        let clean = self.st.clean(v);
        if State::wants(self.slot) {
            self.st.capture(self.slot, Scalar::Text(clean.to_string()));
        }
        if self.replace_scalar {
            self.st.out.push_str("\"[removed]\"");
        } else {
            write_str(&mut self.st.out, &scrub_links(&clean));
        }
        Ok(())
    }

    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        self.st.out.push_str("null");
        Ok(())
    }

    fn visit_none<E: de::Error>(self) -> Result<(), E> {
        self.st.out.push_str("null");
        Ok(())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let Walk { st, in_person, .. } = self;
        st.out.push('[');
        let mut first = true;
        loop {
            let mark = st.out.len();
            if !first {
                st.out.push(',');
            }
            let element = Walk {
                st: &mut *st,
                slot: Slot::Skip,
                in_person,
                replace_scalar: false,
            };
            if seq.next_element_seed(element)?.is_none() {
                st.out.truncate(mark);
                break;
            }
            first = false;
        }
        st.out.push(']');
        Ok(())
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let Walk {
            st,
            slot,
            in_person,
            ..
        } = self;
        match slot {
            Slot::Envelope => st.cap.envelope_object = true,
            Slot::Data => st.cap.data_object = true,
            _ => {}
        }
        st.out.push('{');
        let mut first = true;
        while let Some(raw_key) = map.next_key_seed(KeySeed)? {
            // A borrowed key had no escapes: it is written back verbatim.
            let plain = matches!(raw_key, Cow::Borrowed(_));
            let key = match raw_key {
                Cow::Borrowed(k) => Cow::Borrowed(k),
                Cow::Owned(k) => Cow::Owned(st.clean(&k).into_owned()),
            };
            if slot == Slot::Envelope {
                match key.as_ref() {
                    // The browser's user agent says nothing about TikTok and
                    // narrows down who collected the data.
                    "user_agent" => {
                        map.next_value::<IgnoredAny>()?;
                        continue;
                    }
                    "data" => st.cap.saw_data = true,
                    _ => {}
                }
            }
            if !first {
                st.out.push(',');
            }
            first = false;
            let key: &str = &key;
            if plain {
                st.out.push('"');
                st.out.push_str(key);
                st.out.push('"');
            } else {
                write_str(&mut st.out, key);
            }
            st.out.push(':');
            let child_slot = child(slot, key);
            let flags = st.keys.flags(key);
            let identifying = flags & IDENTIFYING != 0
                || (in_person && key == "id")
                || (slot != Slot::Skip && extra_identifying(slot, key));
            if identifying {
                map.next_value_seed(Replace {
                    st: &mut *st,
                    slot: child_slot,
                })?;
            } else {
                let person = flags & PERSON != 0;
                map.next_value_seed(Walk {
                    st: &mut *st,
                    slot: child_slot,
                    in_person: person,
                    replace_scalar: person || flags & PERSON_SCALAR != 0,
                })?;
            }
        }
        st.out.push('}');
        Ok(())
    }
}

/// An identifying value: captured if its slot asks, written as
/// `"[removed]"` (or `null` when it is null).
struct Replace<'s, 'k> {
    st: &'s mut State<'k>,
    slot: Slot,
}

impl<'de> DeserializeSeed<'de> for Replace<'_, '_> {
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl Replace<'_, '_> {
    fn removed(self, value: Option<Scalar>) {
        if let Some(value) = value {
            if State::wants(self.slot) {
                self.st.capture(self.slot, value);
            }
        }
        self.st.out.push_str("\"[removed]\"");
    }
}

impl<'de> Visitor<'de> for Replace<'_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<(), E> {
        self.removed(None);
        Ok(())
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<(), E> {
        let value = if v >= 0 {
            Scalar::UInt(v as u64)
        } else {
            Scalar::Int(v)
        };
        self.removed(Some(value));
        Ok(())
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<(), E> {
        self.removed(Some(Scalar::UInt(v)));
        Ok(())
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<(), E> {
        self.removed(Some(Scalar::Float(v)));
        Ok(())
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<(), E> {
        let value = State::wants(self.slot).then(|| Scalar::Text(v.replace('\0', "")));
        self.removed(value);
        Ok(())
    }

    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        self.st.out.push_str("null");
        Ok(())
    }

    fn visit_none<E: de::Error>(self) -> Result<(), E> {
        self.st.out.push_str("null");
        Ok(())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        self.removed(None);
        Ok(())
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        self.removed(None);
        Ok(())
    }
}

/// Reads an object key, borrowing it from the line when it has no escapes.
struct KeySeed;

impl<'de> DeserializeSeed<'de> for KeySeed {
    type Value = Cow<'de, str>;
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_str(KeySeed)
    }
}

impl<'de> Visitor<'de> for KeySeed {
    type Value = Cow<'de, str>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an object key")
    }

    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
        Ok(Cow::Borrowed(v))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(Cow::Owned(v.to_string()))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
        Ok(Cow::Owned(v))
    }
}

/// Removes the people's names and handles of a record wherever they are
/// left in its raw text: TikTok repeats them in free text, e.g. an original
/// sound's `music.title` is "original sound - <nickname>". Names shorter
/// than 3 characters are left alone (they would match ordinary words).
pub(crate) fn remove_names<'a>(raw: &mut String, names: impl Iterator<Item = &'a str>) {
    let mut escaped = String::new();
    for name in names {
        let name = name.trim();
        if name.chars().count() < 3 {
            continue;
        }
        escaped.clear();
        write_str(&mut escaped, name);
        let needle = escaped
            .get(1..escaped.len().saturating_sub(1))
            .unwrap_or("");
        if !needle.is_empty() && raw.contains(needle) {
            *raw = raw.replace(needle, "[removed]");
        }
    }
}

/// Appends a float as serde_json writes it (shortest round-trip form).
fn write_f64(out: &mut String, v: f64) {
    match serde_json::Number::from_f64(v) {
        Some(n) => {
            let _ = write!(out, "{n}");
        }
        None => out.push_str("null"),
    }
}

/// Bytes that serde_json escapes in strings: control characters, `"`, `\\`.
const fn needs_escape() -> [bool; 256] {
    let mut table = [false; 256];
    let mut i = 0;
    while i < 0x20 {
        table[i] = true;
        i += 1;
    }
    table[b'"' as usize] = true;
    table[b'\\' as usize] = true;
    table
}

const NEEDS_ESCAPE: [bool; 256] = needs_escape();

/// Appends `s` as a JSON string literal, escaped exactly as serde_json
/// escapes it (so that raw records compare equal to `Value::to_string`).
pub(crate) fn write_str(out: &mut String, s: &str) {
    out.push('"');
    let mut start = 0;
    for (i, b) in s.bytes().enumerate() {
        if !NEEDS_ESCAPE[b as usize] {
            continue;
        }
        out.push_str(s.get(start..i).unwrap_or(""));
        match b {
            b'"' => out.push_str("\\\""),
            b'\\' => out.push_str("\\\\"),
            b'\n' => out.push_str("\\n"),
            b'\r' => out.push_str("\\r"),
            b'\t' => out.push_str("\\t"),
            0x08 => out.push_str("\\b"),
            0x0c => out.push_str("\\f"),
            _ => {
                let _ = write!(out, "\\u{b:04x}");
            }
        }
        start = i + 1;
    }
    out.push_str(s.get(start..).unwrap_or(""));
    out.push('"');
}

/// Query parameters of TikTok links whose value identifies a person
/// (`/api/post/item_list/?secUid=…`).
const PERSON_PARAMS: &[&str] = &[
    "secUid",
    "sec_uid",
    "sec_user_id",
    "uniqueId",
    "unique_id",
    "user_id",
    "userId",
    "uid",
];

fn is_person_param(param: &str) -> bool {
    let key = param.split('=').next().unwrap_or("");
    PERSON_PARAMS.contains(&key)
}

/// Removes people from links: `https://www.tiktok.com/@someone/video/1`
/// becomes `https://www.tiktok.com/@[removed]/video/1`, and the values of
/// query parameters such as `secUid` become `[removed]`. Only text that
/// starts like a link is touched: captions and comments keep their mentions.
pub(crate) fn scrub_links(s: &str) -> Cow<'_, str> {
    if !s.starts_with("http") {
        return Cow::Borrowed(s);
    }
    let (path, query) = match s.find('?') {
        Some(q) => (&s[..q], Some(&s[q + 1..])),
        None => (s, None),
    };
    let at = path.contains("/@");
    let params = query.is_some_and(|q| q.split('&').any(is_person_param));
    if !at && !params {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = path;
    while let Some(pos) = rest.find("/@") {
        out.push_str(&rest[..pos + 2]);
        let after = &rest[pos + 2..];
        let end = after.find(['/', '#', '&', '"', ' ']).unwrap_or(after.len());
        if end > 0 {
            out.push_str("[removed]");
        }
        rest = &after[end..];
    }
    out.push_str(rest);
    if let Some(q) = query {
        out.push('?');
        for (i, param) in q.split('&').enumerate() {
            if i > 0 {
                out.push('&');
            }
            match param.split_once('=') {
                Some((key, _)) if is_person_param(param) => {
                    out.push_str(key);
                    out.push_str("=[removed]");
                }
                _ => out.push_str(param),
            }
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::privacy::scrub_raw;
    use crate::{Options, VecSink};

    fn raw_of(line: &str) -> String {
        let keys = KeySet::new(IDENTIFYING_KEYS);
        let mut state = State {
            out: String::new(),
            cap: Captured::default(),
            keys: &keys,
            nuls: 0,
        };
        let mut de = serde_json::Deserializer::from_str(line);
        let walk = Walk {
            st: &mut state,
            slot: Slot::Envelope,
            in_person: false,
            replace_scalar: false,
        };
        assert!(walk.deserialize(&mut de).is_ok());
        state.out
    }

    #[test]
    fn scrubs_like_scrub_raw() {
        // No user_agent, links with handles, music or share_info here: on
        // such input the walk must give exactly what `scrub_raw` gives.
        let lines = [
            r#"{"id":1,"item_id":"74","source_platform":"tiktok.com","data":{"id":"74","desc":"a \"q\" \\ é 😴\n\t\u0001\u001f\b\f","createTime":"1725000000","author":{"id":"6800","uniqueId":"someone","nickname":"Some One","secUid":"MS4","verified":false,"avatarThumb":"https://p16/x.jpeg"},"stats":{"playCount":15200,"collectCount":"102"},"x":[1,-2,0.5,1e300,12345678901234567890,null,true,{"author":"h","user":{"id":7,"avatar_thumb":{"url_list":["u"]}}}],"textExtra":[{"userUniqueId":"friend","userId":"9","hashtagName":"sleep"}],"authorInfo":[{"id":"5"}],"author_username":7,"user":null,"uid":null}}"#,
            r#"{"item_id":"1","source_platform":"tiktok-comments","data":{"cid":"1","aweme_id":"74","user":{"uid":"6800","unique_id":"x","avatar_thumb":{"url_list":["a"]}},"reply_to_user":"x","owner_info":{"id":1}}}"#,
        ];
        for line in lines {
            let value: serde_json::Value = serde_json::from_str(line).unwrap_or_default();
            assert_eq!(raw_of(line), scrub_raw(&value).to_string(), "{line}");
        }
    }

    #[test]
    fn extra_rules_drop_user_agent_links_and_names() {
        let line = r#"{"user_agent":"Mozilla/5.0","source_platform_url":"https://www.tiktok.com/@someone?lang=en","data":{"music":{"authorName":"Some One","title":"t"},"share_info":{"desc":"Some One's comment","url":"https://www.tiktok.com/@someone/video/1?x=1"},"desc":"hi @someone"}}"#;
        let raw = raw_of(line);
        assert!(!raw.contains("Mozilla"), "{raw}");
        assert!(!raw.contains("Some One"), "{raw}");
        assert!(
            raw.contains("https://www.tiktok.com/@[removed]?lang=en"),
            "{raw}"
        );
        assert!(
            raw.contains("https://www.tiktok.com/@[removed]/video/1?x=1"),
            "{raw}"
        );
        assert!(raw.contains("hi @someone"), "captions keep mentions: {raw}");
    }

    #[test]
    fn links_lose_handles() {
        assert_eq!(
            scrub_links("https://t.com/@a/b/@c"),
            "https://t.com/@[removed]/b/@[removed]"
        );
        assert_eq!(scrub_links("https://t.com/@"), "https://t.com/@");
        assert_eq!(scrub_links("see /@a"), "see /@a");
        assert_eq!(
            scrub_links("https://t.com/api/?secUid=MS4&count=30&uid=1"),
            "https://t.com/api/?secUid=[removed]&count=30&uid=[removed]"
        );
        assert_eq!(
            scrub_links("https://t.com/@a?lang=en"),
            "https://t.com/@[removed]?lang=en"
        );
    }

    #[test]
    fn rounding_rule() {
        assert!(looks_rounded(15_200));
        assert!(looks_rounded(3_400_000));
        assert!(!looks_rounded(15_230));
        assert!(!looks_rounded(9_900));
        assert!(!looks_rounded(10_010));
    }

    #[test]
    fn numbers_as_strings_are_read_and_bad_ones_named() {
        let options = Options {
            secret: Some(uptake_model::PseudonymSecret::from_bytes([1; 32])),
            ..Options::default()
        };
        let ctx = Context::new("z.ndjson", &options);
        let mut sink = VecSink::default();
        let text = "{\"item_id\":\"9\",\"timestamp_collected\":1725010000123,\"source_platform\":\"tiktok.com\",\"data\":{\"id\":\"9\",\"stats\":{\"diggCount\":\"lots\"}}}\n";
        let e = parse(text.as_bytes(), &ctx, &mut sink)
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(
            e.contains("line 1") && e.contains("data.stats.diggCount") && e.contains("lots"),
            "{e}"
        );
    }
}
