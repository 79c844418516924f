//! Reader for yt-dlp `.info.json` files of TikTok videos (`formats.md` §5):
//! one video's info dict (`--write-info-json`), a playlist (`_type:
//! "playlist"` with `entries`, from a `tiktok:user` profile page, or
//! `--dump-single-json`), or NDJSON with one info dict per line (`-j`).
//!
//! Fields, following yt-dlp's TikTok extractor:
//!
//! - `id` is a string; `description` is the full caption, while `title` is
//!   truncated to 72 characters with `...` since 2025-03 (older files hold
//!   the whole caption there). The caption is `description`, or the title
//!   when there is no description and the title does not look truncated;
//!   the title is kept only as the title.
//! - `timestamp` (Unix s) gives the posting instant; `upload_date`
//!   (`YYYYMMDD`, UTC) only the day, when `timestamp` is missing.
//! - `view_count`, `like_count`, `comment_count`, `repost_count` (= shares,
//!   not reposts) and `save_count` (since 2026-01) come from the page's
//!   `stats`, which TikTok rounds to about three significant digits for large
//!   numbers (§4.2). A value of 10 000 or more whose digits after the third
//!   are all zero (`44200000`, `15000`) is therefore stored as approximate,
//!   and the file gets one warning saying how many were. An exact count that
//!   happens to be round is flagged too (about one in a hundred 5-digit
//!   values); the flag means "possibly rounded", as for Zeeschuimer `stats`.
//! - The author is `uploader` (handle) and `uploader_id` (numeric id),
//!   pseudonymised with [`Context::person`]; files without `uploader` give
//!   the handle through `uploader_url` or `webpage_url` (`/@handle/`). Older
//!   files (before 2024-03) have `creator` (the account's display name) and
//!   `artist` (the sound's author) instead of `channel` and `artists`; both
//!   are only kept, scrubbed, in the raw record.
//! - `epoch` (when yt-dlp wrote the file) dates the observation; without it
//!   an entry takes its playlist's `epoch`, then `--observed-at`, then the
//!   file's modification time (with a warning).
//!
//! Raw records are scrubbed with [`crate::privacy::scrub_raw`], then the
//! author's handle, ids and names are also removed from every other string
//! (`webpage_url` holds `/@handle/`, `artists` and `track` often hold the
//! display name); expiring media URLs, HTTP headers and cookies (`formats`,
//! `thumbnails`, `http_headers`, ...) are dropped rather than stored.
//!
//! Memory: a single info dict is small (tens of kilobytes) and is read
//! whole. A playlist's `entries` are streamed one entry at a time; only
//! entries that carry metrics but no `epoch` of their own are held, until
//! the playlist's own `epoch` (which yt-dlp writes after `entries`) has been
//! read. yt-dlp has no TikTok comment extraction (§5); a non-empty
//! `comments` list from another extractor is reported, not imported.

use crate::api_json::{
    count, fits, json_error, json_kind, next_list, open_json, push, seconds, strip_nul, text,
    unix_time, video_id, warn_nul, Fail, FileClock, LineCounter, Scalar,
};
use crate::error::{IngestError, Location};
use crate::number::{handle_from_link, ValueError};
use crate::privacy::{scrub_raw, Person};
use crate::sink::{Record, Sink, Warning};
use crate::Context;
use chrono::NaiveDate;
use serde::de::{self, DeserializeSeed, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;
use serde_json::{Map, Value};
use std::cell::Cell;
use std::fmt;
use std::io::Read;
use std::rc::Rc;
use uptake_model::{Count, Metrics, Observation, SourceFormat, Video};

const WHAT: &str = "a yt-dlp `.info.json` file";

/// Keys dropped from raw records: expiring media URLs, request headers and
/// cookies, and bulky per-format lists.
const DROPPED: &[&str] = &[
    "formats",
    "requested_formats",
    "requested_downloads",
    "requested_subtitles",
    "thumbnails",
    "thumbnail",
    "http_headers",
    "cookies",
    "subtitles",
    "automatic_captions",
    "_format_sort_fields",
    "url",
    "manifest_url",
    "fragments",
    "filename",
    "_filename",
    "filepath",
    "comments",
];

/// Keys whose text is the caption, kept as written (like [`Video::caption`]).
const CAPTION_KEYS: &[&str] = &["description", "title", "fulltitle"];

/// Reads a yt-dlp info dict, a playlist of them, or NDJSON of them into
/// `sink`. Returns [`SourceFormat::YtDlp`].
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
    let mut state = YtDlp {
        ctx,
        sink,
        newlines,
        clock: FileClock::default(),
        failure: None,
        videos: 0,
        rounded: 0,
        comments: 0,
    };
    let mut de = serde_json::Deserializer::from_reader(counted);
    loop {
        if let Err(e) = TopSeed(&mut state).deserialize(&mut de) {
            if let Some(failure) = state.failure.take() {
                return Err(failure);
            }
            return Err(json_error(ctx, WHAT, &e));
        }
        if de.end().is_ok() {
            break;
        }
    }
    if state.rounded > 0 {
        let n = state.rounded;
        state.sink.warn(Warning {
            location: ctx.whole(),
            message: format!(
                "{n} count{} of 10,000 or more end{} in zeros after three significant digits and \
                 may have been rounded by TikTok's page data; {} marked approximate",
                if n == 1 { "" } else { "s" },
                if n == 1 { "s" } else { "" },
                if n == 1 { "it is" } else { "they are" },
            ),
        });
    }
    if state.comments > 0 {
        state.sink.warn(Warning {
            location: ctx.whole(),
            message: format!(
                "{} comment{} in `comments` not imported (yt-dlp's generic comment fields carry \
                 no TikTok comment ids)",
                state.comments,
                if state.comments == 1 { "" } else { "s" }
            ),
        });
    }
    if state.videos == 0 {
        state.sink.warn(Warning {
            location: ctx.whole(),
            message: "the file holds no videos".into(),
        });
    }
    Ok(SourceFormat::YtDlp)
}

struct YtDlp<'c, 's> {
    ctx: &'c Context<'c>,
    sink: &'s mut dyn Sink,
    newlines: Rc<Cell<u64>>,
    clock: FileClock,
    failure: Option<IngestError>,
    videos: usize,
    /// Counts flagged as possibly rounded.
    rounded: usize,
    /// Comments seen and not imported.
    comments: usize,
}

/// The fields of an info dict that uptake reads. Every one is optional.
#[derive(Deserialize)]
struct Info {
    #[serde(rename = "_type")]
    kind: Option<Scalar>,
    id: Option<Scalar>,
    title: Option<Scalar>,
    description: Option<Scalar>,
    uploader: Option<Scalar>,
    uploader_id: Option<Scalar>,
    uploader_url: Option<Scalar>,
    webpage_url: Option<Scalar>,
    original_url: Option<Scalar>,
    url: Option<Scalar>,
    channel: Option<Scalar>,
    channel_id: Option<Scalar>,
    creator: Option<Scalar>,
    extractor_key: Option<Scalar>,
    ie_key: Option<Scalar>,
    timestamp: Option<Scalar>,
    upload_date: Option<Scalar>,
    duration: Option<Scalar>,
    view_count: Option<Scalar>,
    like_count: Option<Scalar>,
    comment_count: Option<Scalar>,
    repost_count: Option<Scalar>,
    save_count: Option<Scalar>,
    epoch: Option<Scalar>,
    comments: Option<Vec<Value>>,
}

/// A parsed video, possibly waiting for its playlist's `epoch`.
struct Parsed {
    location: Location,
    raw: String,
    video: Video,
    metrics: Metrics,
    epoch: Option<i64>,
}

impl YtDlp<'_, '_> {
    fn fail<E: de::Error>(&mut self, error: IngestError) -> E {
        self.failure = Some(error);
        E::custom(Fail)
    }

    fn location(&self, line: Option<u64>, record: String) -> Location {
        Location {
            file: self.ctx.name.clone(),
            line,
            record: Some(record),
        }
    }

    /// Reads one info dict. `None` when it is skipped (not TikTok).
    fn video(
        &mut self,
        mut value: Value,
        line: Option<u64>,
        label: &str,
    ) -> Result<Option<Parsed>, IngestError> {
        let location = self.location(line, label.to_string());
        if !value.is_object() {
            return Err(IngestError::invalid(
                location,
                format!("expected a video info object, found {}", json_kind(&value)),
            ));
        }
        let nul_fields = strip_nul(&mut value);
        let info: Info = fits(Info::deserialize(&value), "a yt-dlp info object", &location)?;
        let extractor = [&info.extractor_key, &info.ie_key]
            .into_iter()
            .flatten()
            .find_map(|s| s.clone().into_text());
        if let Some(x) = extractor.filter(|x| !x.starts_with("TikTok")) {
            self.sink.warn(Warning {
                location,
                message: format!("skipped: extracted by yt-dlp's `{x}`, not TikTok"),
            });
            return Ok(None);
        }
        let id = match &info.id {
            Some(id) => video_id(id).map_err(|e| IngestError::value(location.clone(), "id", e))?,
            None => {
                return Err(IngestError::invalid(
                    location,
                    "expected an `id` in every video info object, found none",
                ))
            }
        };
        let location = self.location(line, format!("{label} (`{id}`)"));
        warn_nul(self.sink, &location, &nul_fields);
        let at = |field: &str, e: ValueError| IngestError::value(location.clone(), field, e);
        let t = |field: &str, v: &Option<Scalar>| text(v.as_ref()).map_err(|e| at(field, e));

        let title = t("title", &info.title)?;
        let description = t("description", &info.description)?;
        let links = [
            t("uploader_url", &info.uploader_url)?,
            t("webpage_url", &info.webpage_url)?,
            t("original_url", &info.original_url)?,
            t("url", &info.url)?,
        ];
        let handle = match t("uploader", &info.uploader)? {
            Some(h) => Some(h),
            None => links.iter().flatten().find_map(|l| handle_from_link(l)),
        };
        let user_id = t("uploader_id", &info.uploader_id)?;
        let author = self.ctx.person(Person {
            user_id: user_id.as_deref(),
            handle: handle.as_deref(),
        })?;

        let mut video = Video::with_id(id);
        if let Some(ts) = &info.timestamp {
            if let Some((secs, day)) = unix_time(ts).map_err(|e| at("timestamp", e))? {
                video.created_at = Some(secs);
                video.posted_on = Some(day);
            }
        }
        if video.posted_on.is_none() {
            if let Some(d) = t("upload_date", &info.upload_date)? {
                let day = NaiveDate::parse_from_str(d.trim(), "%Y%m%d").map_err(|_| {
                    at(
                        "upload_date",
                        ValueError {
                            expected: "a date `YYYYMMDD`",
                            found: d.chars().take(60).collect(),
                            hint: None,
                        },
                    )
                })?;
                video.posted_on = Some(day);
            }
        }
        video.caption = match &description {
            Some(d) => Some(d.clone()),
            None => title.clone().filter(|t| !looks_truncated(t)),
        };
        video.title = title;
        video.duration_s = seconds(info.duration.as_ref()).map_err(|e| at("duration", e))?;
        // A link names the author (`/@handle/video/…`): kept only when the
        // handle itself may be kept.
        video.url = t("webpage_url", &info.webpage_url)?
            .filter(|u| author.handle.is_some() || handle_from_link(u).is_none());
        video.author_key = author.key;
        video.author_handle = author.handle;

        let mut rounded = 0;
        let mut c = |field: &str, v: &Option<Scalar>| -> Result<Option<Count>, IngestError> {
            let n = count(v.as_ref()).map_err(|e| at(field, e))?;
            Ok(n.map(|n| {
                if possibly_rounded(n.value) {
                    rounded += 1;
                    Count::approx(n.value)
                } else {
                    n
                }
            }))
        };
        let metrics = Metrics {
            views: c("view_count", &info.view_count)?,
            likes: c("like_count", &info.like_count)?,
            comments: c("comment_count", &info.comment_count)?,
            shares: c("repost_count", &info.repost_count)?,
            saves: c("save_count", &info.save_count)?,
            ..Metrics::default()
        };
        self.rounded += rounded;
        let epoch = match &info.epoch {
            Some(e) => unix_time(e).map_err(|e| at("epoch", e))?.map(|(s, _)| s),
            None => None,
        };
        self.comments += info.comments.as_ref().map_or(0, Vec::len);
        if matches!(&info.kind, Some(Scalar::Text(k)) if k == "playlist") {
            return Err(IngestError::invalid(
                location,
                "expected a video or a playlist with `entries`, found a playlist without \
                 `entries`",
            ));
        }

        // Everything that names the author, for scrubbing other strings.
        let mut tokens: Vec<String> = [
            handle,
            user_id,
            t("channel", &info.channel)?,
            t("channel_id", &info.channel_id)?,
            t("creator", &info.creator)?,
        ]
        .into_iter()
        .flatten()
        .map(|s| s.trim().trim_start_matches('@').to_string())
        .filter(|s| !s.is_empty())
        .collect();
        tokens.sort_by_key(|s| std::cmp::Reverse(s.len()));
        tokens.dedup();
        let raw = scrub_info(&value, &tokens).to_string();
        Ok(Some(Parsed {
            location,
            raw,
            video,
            metrics,
            epoch,
        }))
    }

    /// Pushes a video and, when it has metrics, its observation.
    fn emit(&mut self, parsed: Parsed, fallback_epoch: Option<i64>) -> Result<(), IngestError> {
        let Parsed {
            location,
            raw,
            video,
            metrics,
            epoch,
        } = parsed;
        self.videos += 1;
        let video_id = video.platform_id.clone();
        let mut records = vec![Record::Video(video)];
        if !metrics.is_empty() {
            let observed_at = self.clock.resolve(
                self.ctx,
                epoch.or(fallback_epoch),
                "no `epoch`",
                self.sink,
                &location,
            )?;
            records.push(Record::Observation(Observation {
                video_id,
                observed_at,
                source: SourceFormat::YtDlp,
                metrics,
            }));
        }
        push(self.sink, location, Some(raw), records)
    }

    /// One playlist entry: emitted now when its time is known, else held.
    fn entry(
        &mut self,
        value: Value,
        label: String,
        playlist_epoch: Option<i64>,
        held: &mut Vec<Parsed>,
    ) -> Result<(), IngestError> {
        if value.is_null() {
            self.sink.warn(Warning {
                location: self.location(None, label),
                message: "skipped an empty (`null`) playlist entry: yt-dlp could not extract it"
                    .into(),
            });
            return Ok(());
        }
        // A playlist of playlists (rare): walk the inner entries.
        if let Some(Value::Array(inner)) = value.get("entries") {
            for (i, v) in inner.iter().enumerate() {
                self.entry(
                    v.clone(),
                    format!("{label}, entry {}", i + 1),
                    playlist_epoch,
                    held,
                )?;
            }
            return Ok(());
        }
        let Some(parsed) = self.video(value, None, &label)? else {
            return Ok(());
        };
        if parsed.metrics.is_empty() || parsed.epoch.is_some() || playlist_epoch.is_some() {
            self.emit(parsed, playlist_epoch)
        } else {
            held.push(parsed);
            Ok(())
        }
    }
}

/// True for a title yt-dlp shortened (72 characters ending in `...`).
fn looks_truncated(title: &str) -> bool {
    title.ends_with("...") && title.chars().count() >= 70
}

/// True when `v` is at least 10 000 and all its digits after the third are
/// zero: the shape of TikTok's rounded page counts (`44200000`).
pub(crate) fn possibly_rounded(v: i64) -> bool {
    if v < 10_000 {
        return false;
    }
    let digits = v.to_string().len() as u32;
    let unit = 10i64.saturating_pow(digits.saturating_sub(3));
    unit > 0 && v % unit == 0
}

/// The raw record: [`scrub_raw`], without [`DROPPED`] keys, with every
/// other string cleared of the author's tokens.
fn scrub_info(value: &Value, tokens: &[String]) -> Value {
    let mut v = scrub_raw(value);
    if let Value::Object(map) = &mut v {
        map.retain(|k, _| !DROPPED.contains(&k.as_str()));
        for (k, item) in map.iter_mut() {
            if !CAPTION_KEYS.contains(&k.as_str()) {
                remove_tokens(item, tokens);
            }
        }
    }
    v
}

fn remove_tokens(value: &mut Value, tokens: &[String]) {
    match value {
        Value::String(s) => {
            for token in tokens {
                if let Some(clean) = without_token(s, token) {
                    *s = clean;
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|v| remove_tokens(v, tokens)),
        Value::Object(map) => map.values_mut().for_each(|v| remove_tokens(v, tokens)),
        _ => {}
    }
}

/// `s` with `token` replaced by `[removed]` (ASCII case-insensitively): the
/// whole string when it equals the token; `@token` anywhere; and, for
/// tokens of four characters or more, every occurrence. `None` when
/// nothing changed.
fn without_token(s: &str, token: &str) -> Option<String> {
    if s.trim().eq_ignore_ascii_case(token) {
        return Some("[removed]".into());
    }
    let lower = s.to_ascii_lowercase();
    let needle = token.to_ascii_lowercase();
    let pattern = if token.chars().count() >= 4 {
        needle
    } else {
        format!("@{needle}")
    };
    if pattern.is_empty() || !lower.contains(&pattern) {
        return None;
    }
    // ASCII lower-casing keeps byte offsets, so matches in `lower` are
    // matches in `s`.
    let mut out = String::with_capacity(s.len());
    let mut rest = 0;
    for (pos, _) in lower.match_indices(&pattern) {
        if pos < rest {
            continue;
        }
        out.push_str(s.get(rest..pos)?);
        if pattern.starts_with('@') {
            out.push('@');
        }
        out.push_str("[removed]");
        rest = pos + pattern.len();
    }
    out.push_str(s.get(rest..)?);
    Some(out)
}

/// The top level: an info dict, or an array of them.
struct TopSeed<'a, 'c, 's>(&'a mut YtDlp<'c, 's>);

impl<'de> DeserializeSeed<'de> for TopSeed<'_, '_, '_> {
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for TopSeed<'_, '_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a yt-dlp info object (a video or a playlist) or an array of them")
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<(), A::Error> {
        let line = self.0.newlines.get() + 1;
        InfoSeed {
            state: self.0,
            line: Some(line),
            label: "video".into(),
        }
        .visit_map(map)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let mut n = 0;
        loop {
            n += 1;
            let seed = InfoSeed {
                state: &mut *self.0,
                line: None,
                label: format!("record {n}"),
            };
            if seq.next_element_seed(seed)?.is_none() {
                return Ok(());
            }
        }
    }
}

/// One info dict at the top level: a video, or a playlist whose `entries`
/// stream.
struct InfoSeed<'a, 'c, 's> {
    state: &'a mut YtDlp<'c, 's>,
    line: Option<u64>,
    label: String,
}

impl<'de> DeserializeSeed<'de> for InfoSeed<'_, '_, '_> {
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for InfoSeed<'_, '_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a yt-dlp info object")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let InfoSeed { state, line, label } = self;
        let mut fields = Map::new();
        let mut held = Vec::new();
        let mut playlist = false;
        while let Some(key) = map.next_key::<String>()? {
            if key != "entries" {
                let value = map.next_value::<Value>()?;
                fields.insert(key, value);
                continue;
            }
            playlist = true;
            // yt-dlp writes `epoch` after `entries`, but a file rewritten by
            // another tool may have it first.
            let playlist_epoch = fields.get("epoch").and_then(epoch_of);
            let prefix = if label == "video" {
                String::new()
            } else {
                format!("{label}, ")
            };
            if let Some(e) = next_list(
                &mut map,
                "`entries` to be a list of video info objects",
                |value, n| {
                    state.entry(
                        value,
                        format!("{prefix}entry {n}"),
                        playlist_epoch,
                        &mut held,
                    )
                },
            )? {
                return Err(state.fail(e));
            }
        }
        let result = if playlist {
            finish_playlist(state, &fields, held, line, &label)
        } else {
            match state.video(Value::Object(fields), line, &label) {
                Ok(Some(parsed)) => state.emit(parsed, None),
                Ok(None) => Ok(()),
                Err(e) => Err(e),
            }
        };
        result.map_err(|e| state.fail(e))
    }
}

/// Emits the entries held for the playlist's `epoch`.
fn finish_playlist(
    state: &mut YtDlp,
    fields: &Map<String, Value>,
    held: Vec<Parsed>,
    line: Option<u64>,
    label: &str,
) -> Result<(), IngestError> {
    let epoch = match fields.get("epoch") {
        None => None,
        Some(v) => match epoch_of(v) {
            Some(t) => Some(t),
            None if v.is_null() => None,
            None => {
                return Err(IngestError::value(
                    state.location(line, format!("{label} (playlist)")),
                    "epoch",
                    ValueError {
                        expected: "a Unix time in seconds",
                        found: v.to_string().chars().take(60).collect(),
                        hint: None,
                    },
                ))
            }
        },
    };
    for parsed in held {
        state.emit(parsed, epoch)?;
    }
    Ok(())
}

/// A playlist's `epoch`, when it is a plausible Unix time.
fn epoch_of(v: &Value) -> Option<i64> {
    let s = Scalar::deserialize(v).ok()?;
    unix_time(&s).ok().flatten().map(|(t, _)| t)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rounding_rule() {
        for (v, want) in [
            (9_000, false),
            (10_000, true),
            (15_230, false),
            (15_200, true),
            (133_000, true),
            (133_100, false),
            (44_200_000, true),
            (44_200_001, false),
            (3_400_000, true),
        ] {
            assert_eq!(possibly_rounded(v), want, "{v}");
        }
    }

    #[test]
    fn tokens_are_removed_from_strings() {
        assert_eq!(
            without_token(
                "https://www.tiktok.com/@Health_Nurse/video/1",
                "health_nurse"
            )
            .as_deref(),
            Some("https://www.tiktok.com/@[removed]/video/1")
        );
        assert_eq!(
            without_token("original sound - Nurse Kim", "Nurse Kim").as_deref(),
            Some("original sound - [removed]")
        );
        assert_eq!(without_token("abc", "ab"), None);
        assert_eq!(
            without_token("x @ab y", "ab").as_deref(),
            Some("x @[removed] y")
        );
        assert_eq!(without_token("AB", "ab").as_deref(), Some("[removed]"));
    }

    #[test]
    fn truncated_titles() {
        let long = format!("{}...", "x".repeat(69));
        assert!(looks_truncated(&long));
        assert!(!looks_truncated("Wait for it..."));
    }
}
