//! Reader for TikTok API for Business (Accounts API) responses saved to disk:
//! `/business/video/list/` pages (per-video totals and insights),
//! `/business/get/` pages (the account's daily `metrics[]` and audience) and
//! `/business/comment/list/` pages (comments on the account's videos, with
//! their `reply_list`).
//!
//! The envelope is `{code, message, request_id, data}` with an integer `code`
//! (0 = success); see `formats.md` §2a. A page whose `code` is not 0 is an
//! error, never an empty import. Inputs may be one page, a JSON array of
//! pages, or NDJSON with one page per line (users concatenate the pages of a
//! paginated download).
//!
//! The reader streams: each video object is deserialised and pushed into the
//! sink as soon as it has been read, so memory stays bounded by one page and
//! not by the file. The JSON machinery shared with [`crate::display`] lives in
//! the crate-private `json` submodule.
//!
//! Comments (`formats.md` §2a: `comment_id, video_id, unique_identifier,
//! create_time, text, likes, replies, owner, liked, pinned, status,
//! username, profile_image, parent_comment_id, reply_list`) are public
//! people's words on the account's videos: their authors are pseudonymised
//! with [`Context::person`] (handle `username`, user id
//! `unique_identifier`) and raw records pass through
//! [`crate::privacy::scrub_raw`]. A comment with `owner: true` was written by
//! the account itself and keeps the account's handle. Replies in a
//! comment's `reply_list` become comments of their own whose parent is that
//! comment. A top-level comment's `parent_comment_id` (absent, empty, `0`,
//! or the video's id) is read as "no parent".

use crate::error::{IngestError, Location};
use crate::number::ValueError;
use crate::privacy::{scrub_raw, Person};
use crate::research::{json_kind, strip_nul, warn_nul};
use crate::sink::{Item, Record, Sink, Warning};
use crate::Context;
use json::{
    count, entries, fraction, open_json, read_pages, seconds, text, unix_time, video_id, Clock,
    Entry, Fail, ListSeed, PageHandler, RawJson, Scalar,
};
use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, Visitor};
use serde::Deserialize;
use serde_json::Value;
use std::fmt;
use std::io::Read;
use uptake_model::{
    AccountDay, AudienceKind, AudienceSnapshot, Comment, Metrics, Observation, SourceFormat, Video,
};

/// Reads a Business API response (one page, an array of pages, or NDJSON
/// pages) into `sink`. Returns [`SourceFormat::BusinessVideoList`],
/// [`SourceFormat::BusinessAccount`] or [`SourceFormat::BusinessComments`]
/// depending on what the first page holds.
pub fn parse<R: Read>(
    input: R,
    ctx: &Context,
    sink: &mut dyn Sink,
) -> Result<SourceFormat, IngestError> {
    let reader = open_json(input, ctx, "a TikTok API for Business response")?;
    let mut state = Business {
        ctx,
        sink,
        clock: Clock::default(),
        format: None,
        failure: None,
        pages: 0,
    };
    read_pages(
        reader,
        ctx,
        "a TikTok API for Business response",
        &mut state,
    )?;
    if state.pages == 0 {
        state.sink.warn(Warning {
            location: ctx.whole(),
            message: "the file holds no API response pages".into(),
        });
    }
    let fallback = match ctx.options.format {
        Some(f @ (SourceFormat::BusinessAccount | SourceFormat::BusinessComments)) => f,
        _ => SourceFormat::BusinessVideoList,
    };
    Ok(state.format.unwrap_or(fallback))
}

/// Reading state across pages.
struct Business<'c, 's> {
    ctx: &'c Context<'c>,
    sink: &'s mut dyn Sink,
    clock: Clock,
    /// The format of the first page that said what it holds.
    format: Option<SourceFormat>,
    /// The structured error behind a serde error we raised ourselves.
    failure: Option<IngestError>,
    pages: usize,
}

/// The envelope fields of one page.
#[derive(Default)]
struct Envelope {
    code: Option<Scalar>,
    message: Option<Scalar>,
    request_id: Option<String>,
}

impl Envelope {
    /// `Some(true)` when `code` is 0, `Some(false)` when it is anything else,
    /// `None` while it has not been read.
    fn ok(&self) -> Option<bool> {
        self.code.as_ref().map(|c| match c {
            Scalar::Int(0) | Scalar::UInt(0) => true,
            Scalar::Text(t) => t.trim() == "0",
            _ => false,
        })
    }
}

/// What one page holds, kept until the page's envelope is known.
#[derive(Default)]
struct Page {
    /// 1-based page number in the file.
    number: usize,
    /// Observation time, once known, when videos can go straight to the sink.
    streaming_at: Option<i64>,
    /// Videos read before the envelope was complete (at most one page: the
    /// API returns 20 videos a page).
    held_videos: Vec<VideoItem>,
    /// Comments read before the envelope was complete.
    held_comments: Vec<CommentItem>,
    /// Daily metrics, held until `username` is known (its position in
    /// `data` is not fixed).
    held_days: Vec<(Location, String, AccountDay)>,
    /// The account-level fields of `data` (everything but `videos` and
    /// `metrics`), as a JSON object text in the order received.
    account_fields: String,
    saw_data: bool,
    saw_videos: bool,
    saw_comments: bool,
    saw_account: bool,
}

/// A parsed video waiting for its observation time.
struct VideoItem {
    location: Location,
    raw: String,
    video: Video,
    metrics: Metrics,
}

/// One comment object and the comments it yields (itself and its replies),
/// waiting for the page's observation time.
struct CommentItem {
    location: Location,
    raw: String,
    comments: Vec<Comment>,
}

/// A comment object of `/business/comment/list/` (`formats.md` §2a). Every
/// field but `comment_id` is optional; `liked`, `pinned`, `status` and
/// `profile_image` are only kept in the raw record.
#[derive(Deserialize)]
struct BusinessComment {
    comment_id: Option<Scalar>,
    video_id: Option<Scalar>,
    unique_identifier: Option<Scalar>,
    username: Option<Scalar>,
    create_time: Option<Scalar>,
    text: Option<Scalar>,
    likes: Option<Scalar>,
    replies: Option<Scalar>,
    owner: Option<Scalar>,
    parent_comment_id: Option<Scalar>,
    reply_list: Option<Value>,
}

/// A video object of `/business/video/list/` (`formats.md` §2a). Every field
/// is optional: insight fields are absent for videos without recent activity.
#[derive(Deserialize)]
struct BusinessVideo {
    item_id: Option<Scalar>,
    create_time: Option<Scalar>,
    caption: Option<Scalar>,
    share_url: Option<Scalar>,
    video_duration: Option<Scalar>,
    video_views: Option<Scalar>,
    reach: Option<Scalar>,
    likes: Option<Scalar>,
    comments: Option<Scalar>,
    shares: Option<Scalar>,
    favorites: Option<Scalar>,
    average_time_watched: Option<Scalar>,
    total_time_watched: Option<Scalar>,
    full_video_watched_rate: Option<Scalar>,
    new_followers: Option<Scalar>,
    profile_views: Option<Scalar>,
    impression_sources: Option<Vec<Entry>>,
    audience_countries: Option<Vec<Entry>>,
    audience_genders: Option<Vec<Entry>>,
}

/// One item of `/business/get/` `metrics[]`.
#[derive(Deserialize)]
struct BusinessDay {
    date: Option<Scalar>,
    video_views: Option<Scalar>,
    profile_views: Option<Scalar>,
    likes: Option<Scalar>,
    comments: Option<Scalar>,
    shares: Option<Scalar>,
    followers_count: Option<Scalar>,
    daily_total_followers: Option<Scalar>,
    daily_new_followers: Option<Scalar>,
    daily_lost_followers: Option<Scalar>,
    reach: Option<Scalar>,
}

/// The account-level fields of `/business/get/` that uptake keeps.
#[derive(Deserialize)]
struct BusinessAccount {
    username: Option<Scalar>,
    audience_countries: Option<Vec<Entry>>,
    audience_genders: Option<Vec<Entry>>,
}

/// Keys of `data` that show a page is an account (`/business/get/`) page.
const ACCOUNT_KEYS: &[&str] = &[
    "username",
    "display_name",
    "followers_count",
    "audience_countries",
    "audience_genders",
    "is_business_account",
];

impl PageHandler for Business<'_, '_> {
    fn page<'de, A: MapAccess<'de>>(&mut self, mut map: A) -> Result<(), A::Error> {
        self.pages += 1;
        let mut env = Envelope::default();
        let mut page = Page {
            number: self.pages,
            ..Page::default()
        };
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "code" => env.code = map.next_value()?,
                "message" => env.message = map.next_value()?,
                "request_id" => {
                    env.request_id = map
                        .next_value::<Option<Scalar>>()?
                        .and_then(|s| s.into_text())
                }
                "data" => {
                    page.saw_data = true;
                    if env.ok() == Some(false) {
                        // A failed page: its data is not imported.
                        map.next_value::<IgnoredAny>()?;
                        continue;
                    }
                    if env.ok() == Some(true) && env.request_id.is_some() {
                        // The usual order (code, message, request_id, data):
                        // everything needed is known, so videos stream.
                        let location = self.page_location(page.number);
                        // An unresolvable time is only an error if a video
                        // needs it: then the page end reports it.
                        page.streaming_at = self
                            .clock
                            .observed_at(
                                self.ctx,
                                env.request_id.as_deref(),
                                "request_id",
                                self.sink,
                                &location,
                            )
                            .ok();
                    }
                    map.next_value_seed(DataSeed {
                        state: self,
                        page: &mut page,
                    })?;
                }
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        self.finish_page(env, page).map_err(|e| self.fail(e))
    }

    fn take_failure(&mut self) -> Option<IngestError> {
        self.failure.take()
    }
}

impl Business<'_, '_> {
    /// Keeps `error` for the caller and returns the serde error that unwinds
    /// the deserialiser.
    fn fail<E: de::Error>(&mut self, error: IngestError) -> E {
        self.failure = Some(error);
        E::custom(Fail)
    }

    fn page_location(&self, page: usize) -> Location {
        self.ctx.at_record(format!("page {page}"))
    }

    /// Parses one video object and pushes it (or holds it until the page's
    /// envelope is known).
    fn video(&mut self, page: &mut Page, raw: RawJson, n: usize) -> Result<(), IngestError> {
        let record = format!("page {}, video {n}", page.number);
        let location = self.ctx.at_record(record.clone());
        let parsed: BusinessVideo = serde_json::from_str(&raw.0).map_err(|e| {
            IngestError::invalid(
                location.clone(),
                format!("expected a Business API video object, found one that does not fit: {e}"),
            )
        })?;
        let id = match &parsed.item_id {
            Some(s) => {
                video_id(s).map_err(|e| IngestError::value(location.clone(), "item_id", e))?
            }
            None => {
                return Err(IngestError::invalid(
                    location,
                    "expected an `item_id` in every video object, found none",
                ))
            }
        };
        let location = self.ctx.at_record(format!("{record} (`{id}`)"));
        let at = |field: &str, e: ValueError| IngestError::value(location.clone(), field, e);

        let mut video = Video::with_id(id.clone());
        video.author_handle = self.ctx.options.account.clone();
        if let Some(t) = &parsed.create_time {
            if let Some((secs, day)) = unix_time(t).map_err(|e| at("create_time", e))? {
                video.created_at = Some(secs);
                video.posted_on = Some(day);
            }
        }
        video.caption = text(parsed.caption.as_ref()).map_err(|e| at("caption", e))?;
        video.title = video.caption.as_deref().and_then(json::title_from_caption);
        video.url = text(parsed.share_url.as_ref()).map_err(|e| at("share_url", e))?;
        video.duration_s =
            seconds(parsed.video_duration.as_ref()).map_err(|e| at("video_duration", e))?;

        let mut warn = |message: String| {
            self.sink.warn(Warning {
                location: location.clone(),
                message,
            })
        };
        let c = |field: &str, v: &Option<Scalar>| count(v.as_ref()).map_err(|e| at(field, e));
        let metrics = Metrics {
            views: c("video_views", &parsed.video_views)?,
            reach: c("reach", &parsed.reach)?,
            likes: c("likes", &parsed.likes)?,
            comments: c("comments", &parsed.comments)?,
            shares: c("shares", &parsed.shares)?,
            saves: c("favorites", &parsed.favorites)?,
            avg_watch_s: seconds(parsed.average_time_watched.as_ref())
                .map_err(|e| at("average_time_watched", e))?,
            total_watch_s: seconds(parsed.total_time_watched.as_ref())
                .map_err(|e| at("total_time_watched", e))?,
            full_watch_rate: fraction(
                parsed.full_video_watched_rate.as_ref(),
                "full_video_watched_rate",
                &mut warn,
            )
            .map_err(|e| at("full_video_watched_rate", e))?,
            new_followers: c("new_followers", &parsed.new_followers)?,
            profile_views: c("profile_views", &parsed.profile_views)?,
            traffic_sources: entries(
                parsed.impression_sources.as_deref(),
                "impression_sources",
                &mut warn,
            )
            .map_err(|e| at("impression_sources", e))?,
            territories: entries(
                parsed.audience_countries.as_deref(),
                "audience_countries",
                &mut warn,
            )
            .map_err(|e| at("audience_countries", e))?,
            genders: entries(
                parsed.audience_genders.as_deref(),
                "audience_genders",
                &mut warn,
            )
            .map_err(|e| at("audience_genders", e))?,
        };
        let item = VideoItem {
            location,
            raw: raw.0,
            video,
            metrics,
        };
        match page.streaming_at {
            Some(observed_at) => self.push_video(item, observed_at),
            None => {
                page.held_videos.push(item);
                Ok(())
            }
        }
    }

    /// Parses one comment object of `/business/comment/list/` with its
    /// replies, and pushes it (or holds it until the page's envelope is
    /// known).
    fn comment(&mut self, page: &mut Page, raw: RawJson, n: usize) -> Result<(), IngestError> {
        let record = format!("page {}, comment {n}", page.number);
        let mut value: Value = serde_json::from_str(&raw.0).map_err(|e| {
            IngestError::invalid(
                self.ctx.at_record(record.clone()),
                format!("expected a Business API comment object, found: {e}"),
            )
        })?;
        let nul_fields = strip_nul(&mut value);
        let mut comments = vec![];
        let location = self.comment_object(&value, &record, None, &mut comments)?;
        warn_nul(self.sink, &location, &nul_fields);
        let mut scrubbed = scrub_raw(&value);
        restore_flags(&mut scrubbed, &value);
        let item = CommentItem {
            location,
            raw: scrubbed.to_string(),
            comments,
        };
        match page.streaming_at {
            Some(observed_at) => self.push_comments(item, Some(observed_at)),
            None => {
                page.held_comments.push(item);
                Ok(())
            }
        }
    }

    /// Reads one comment (or reply) into `out`, then its `reply_list`.
    /// `parent` is the video and comment a reply belongs to. Returns the
    /// comment's location.
    fn comment_object(
        &mut self,
        value: &Value,
        record: &str,
        parent: Option<(&str, &str)>,
        out: &mut Vec<Comment>,
    ) -> Result<Location, IngestError> {
        let location = self.ctx.at_record(record.to_string());
        if !value.is_object() {
            return Err(IngestError::invalid(
                location,
                format!("expected a comment object, found {}", json_kind(value)),
            ));
        }
        let parsed = BusinessComment::deserialize(value).map_err(|e| {
            IngestError::invalid(
                location.clone(),
                format!("expected a Business API comment object, found one that does not fit: {e}"),
            )
        })?;
        let id = match &parsed.comment_id {
            Some(id) => {
                video_id(id).map_err(|e| IngestError::value(location.clone(), "comment_id", e))?
            }
            None => {
                return Err(IngestError::invalid(
                    location,
                    "expected a `comment_id` in every comment object, found none",
                ))
            }
        };
        let location = self.ctx.at_record(format!("{record} (`{id}`)"));
        let at = |field: &str, e: ValueError| IngestError::value(location.clone(), field, e);
        let video = match (&parsed.video_id, parent) {
            (Some(v), _) if !matches!(v, Scalar::Null) => {
                video_id(v).map_err(|e| at("video_id", e))?
            }
            (_, Some((video, _))) => video.to_string(),
            _ => {
                return Err(IngestError::invalid(
                    location,
                    "expected a `video_id` in every comment object, found none",
                ))
            }
        };
        let parent_id = match text(parsed.parent_comment_id.as_ref())
            .map_err(|e| at("parent_comment_id", e))?
            .map(|p| p.trim().to_string())
        {
            Some(p) if p != "0" && p != video && p != id => Some(p),
            _ => parent.map(|(_, p)| p.to_string()),
        };
        let created_at = match &parsed.create_time {
            Some(t) => unix_time(t)
                .map_err(|e| at("create_time", e))?
                .map(|(s, _)| s),
            None => None,
        };
        let username = text(parsed.username.as_ref()).map_err(|e| at("username", e))?;
        let user_id =
            text(parsed.unique_identifier.as_ref()).map_err(|e| at("unique_identifier", e))?;
        let mut author = self.ctx.person(Person {
            user_id: user_id.as_deref(),
            handle: username.as_deref(),
        })?;
        let owner = match &parsed.owner {
            Some(Scalar::Bool(b)) => *b,
            Some(Scalar::Text(t)) => t.trim().eq_ignore_ascii_case("true"),
            Some(Scalar::UInt(n)) => *n == 1,
            _ => false,
        };
        if owner {
            // The account's own comment: its handle is the project's to keep.
            author.handle = author
                .handle
                .or_else(|| self.ctx.options.account.clone())
                .or_else(|| {
                    username
                        .as_deref()
                        .map(|u| u.trim().trim_start_matches('@').to_lowercase())
                        .filter(|u| !u.is_empty())
                });
        }
        out.push(Comment {
            platform_id: id.clone(),
            video_id: video.clone(),
            parent_id,
            author_key: author.key,
            author_handle: author.handle,
            created_at,
            text: text(parsed.text.as_ref())
                .map_err(|e| at("text", e))?
                .unwrap_or_default(),
            likes: count(parsed.likes.as_ref()).map_err(|e| at("likes", e))?,
            replies: count(parsed.replies.as_ref()).map_err(|e| at("replies", e))?,
            language: None,
            observed_at: None,
        });
        match &parsed.reply_list {
            None | Some(Value::Null) => {}
            Some(Value::Array(replies)) => {
                for (i, reply) in replies.iter().enumerate() {
                    let record = format!("{record} (`{id}`), reply {}", i + 1);
                    self.comment_object(reply, &record, Some((&video, &id)), out)?;
                }
            }
            Some(other) => {
                return Err(IngestError::invalid(
                    location,
                    format!(
                        "field `reply_list`: expected a list of comment objects, found {}",
                        json_kind(other)
                    ),
                ))
            }
        }
        Ok(location)
    }

    fn push_comments(
        &mut self,
        item: CommentItem,
        observed_at: Option<i64>,
    ) -> Result<(), IngestError> {
        let records = item
            .comments
            .into_iter()
            .map(|mut c| {
                c.observed_at = observed_at;
                Record::Comment(c)
            })
            .collect();
        push(self.sink, item.location, Some(item.raw), records)
    }

    fn push_video(&mut self, item: VideoItem, observed_at: i64) -> Result<(), IngestError> {
        let mut records = vec![];
        let video_id = item.video.platform_id.clone();
        records.push(Record::Video(item.video));
        if !item.metrics.is_empty() {
            records.push(Record::Observation(Observation {
                video_id,
                observed_at,
                source: SourceFormat::BusinessVideoList,
                metrics: item.metrics,
            }));
        }
        push(self.sink, item.location, Some(item.raw), records)
    }

    /// Parses one `metrics[]` day. The account handle is filled in when the
    /// page ends.
    fn day(&mut self, page: &mut Page, raw: RawJson, n: usize) -> Result<(), IngestError> {
        let location = self
            .ctx
            .at_record(format!("page {}, metrics day {n}", page.number));
        let parsed: BusinessDay = serde_json::from_str(&raw.0).map_err(|e| {
            IngestError::invalid(
                location.clone(),
                format!("expected a daily metrics object, found one that does not fit: {e}"),
            )
        })?;
        let at = |field: &str, e: ValueError| IngestError::value(location.clone(), field, e);
        let date =
            match parsed.date.as_ref().map(json::date).transpose() {
                Ok(Some(d)) => d,
                Ok(None) => return Err(IngestError::invalid(
                    location,
                    "expected a `date` (`YYYY-MM-DD`) in every daily metrics object, found none",
                )),
                Err(e) => return Err(at("date", e)),
            };
        let location = self
            .ctx
            .at_record(format!("page {}, metrics {date}", page.number));
        let at = |field: &str, e: ValueError| IngestError::value(location.clone(), field, e);
        let v = |field: &str, s: &Option<Scalar>| {
            count(s.as_ref())
                .map(|c| c.map(|c| c.value))
                .map_err(|e| at(field, e))
        };
        let mut day = AccountDay::new("", date);
        day.video_views = v("video_views", &parsed.video_views)?;
        day.profile_views = v("profile_views", &parsed.profile_views)?;
        day.likes = v("likes", &parsed.likes)?;
        day.comments = v("comments", &parsed.comments)?;
        day.shares = v("shares", &parsed.shares)?;
        day.reach = v("reach", &parsed.reach)?;
        // The daily item's `followers_count` is the total that day; Business
        // accounts may instead (or also) carry `daily_total_followers`.
        day.followers = match v("followers_count", &parsed.followers_count)? {
            Some(f) => Some(f),
            None => v("daily_total_followers", &parsed.daily_total_followers)?,
        };
        // `new_followers` is net, as the model defines it: gained minus lost
        // when both are given. With only `daily_new_followers` it is the
        // gross gain (the best figure the page has); with only
        // `daily_lost_followers` it stays unknown rather than guessed.
        let gained = v("daily_new_followers", &parsed.daily_new_followers)?;
        let lost = v("daily_lost_followers", &parsed.daily_lost_followers)?;
        day.new_followers = match (gained, lost) {
            (Some(g), Some(l)) => Some(g.saturating_sub(l)),
            (Some(g), None) => Some(g),
            (None, _) => None,
        };
        page.held_days.push((location, raw.0, day));
        Ok(())
    }

    /// Checks the envelope, then emits what the page held.
    fn finish_page(&mut self, env: Envelope, mut page: Page) -> Result<(), IngestError> {
        let location = self.page_location(page.number);
        match env.ok() {
            Some(true) => {}
            Some(false) => {
                let code = env.code.map(|c| c.shown()).unwrap_or_default();
                let message = env.message.and_then(|m| m.into_text()).unwrap_or_default();
                let request = env
                    .request_id
                    .map(|r| format!(", request_id `{r}`"))
                    .unwrap_or_default();
                return Err(IngestError::invalid(
                    location,
                    format!(
                        "the API answered with an error instead of data (code {code}: \
                         `{message}`{request}); request the page again and save the successful response"
                    ),
                ));
            }
            None if !page.saw_data => {
                // Not a response at all: a bare video object, or a list of
                // them cut out of a response. Importing it as empty would
                // hide the mistake.
                return Err(IngestError::invalid(
                    location,
                    "expected an API response page with `code` and `data`, found an object with \
                     neither (a bare video object?); save the whole API response",
                ));
            }
            None => self.sink.warn(Warning {
                location: location.clone(),
                message: "the page has no `code`; read as a successful response".into(),
            }),
        }
        let page_format = if page.saw_videos {
            Some(SourceFormat::BusinessVideoList)
        } else if page.saw_comments {
            Some(SourceFormat::BusinessComments)
        } else if page.saw_account || !page.held_days.is_empty() {
            Some(SourceFormat::BusinessAccount)
        } else {
            None
        };
        if self.format.is_none() {
            self.format = page_format;
        }

        let account = if page.account_fields.is_empty() {
            None
        } else {
            page.account_fields.push('}');
            let parsed: BusinessAccount =
                serde_json::from_str(&page.account_fields).map_err(|e| {
                    IngestError::invalid(
                        location.clone(),
                        format!("expected the account fields of `/business/get/`, found: {e}"),
                    )
                })?;
            Some(parsed)
        };
        let handle = account
            .as_ref()
            .and_then(|a| a.username.clone())
            .and_then(|u| u.into_text())
            .filter(|u| !u.trim().is_empty())
            .or_else(|| self.ctx.options.account.clone())
            .unwrap_or_else(|| "own".to_string());

        for (location, raw, mut day) in std::mem::take(&mut page.held_days) {
            day.account = handle.clone();
            let records = if day.is_empty() {
                vec![]
            } else {
                vec![Record::AccountDay(day)]
            };
            push(self.sink, location, Some(raw), records)?;
        }

        let mut audiences = vec![];
        if let Some(acc) = &account {
            let mut warn = |message: String| {
                self.sink.warn(Warning {
                    location: location.clone(),
                    message,
                })
            };
            let countries = entries(
                acc.audience_countries.as_deref(),
                "audience_countries",
                &mut warn,
            )
            .map_err(|e| IngestError::value(location.clone(), "audience_countries", e))?;
            let genders = entries(
                acc.audience_genders.as_deref(),
                "audience_genders",
                &mut warn,
            )
            .map_err(|e| IngestError::value(location.clone(), "audience_genders", e))?;
            for (kind, shares) in [
                (AudienceKind::Territory, countries),
                (AudienceKind::Gender, genders),
            ] {
                if !shares.is_empty() {
                    audiences.push((kind, shares));
                }
            }
        }

        if !page.held_comments.is_empty() {
            // A comment without a known capture time is still a comment.
            let observed_at = match page.streaming_at {
                Some(t) => Some(t),
                None => self
                    .clock
                    .observed_at(
                        self.ctx,
                        env.request_id.as_deref(),
                        "request_id",
                        self.sink,
                        &location,
                    )
                    .ok(),
            };
            for item in std::mem::take(&mut page.held_comments) {
                self.push_comments(item, observed_at)?;
            }
        }
        if page.held_videos.is_empty() && audiences.is_empty() {
            return Ok(());
        }
        let observed_at = match page.streaming_at {
            Some(t) => t,
            None => self.clock.observed_at(
                self.ctx,
                env.request_id.as_deref(),
                "request_id",
                self.sink,
                &location,
            )?,
        };
        for item in std::mem::take(&mut page.held_videos) {
            self.push_video(item, observed_at)?;
        }
        if !audiences.is_empty() {
            let as_of = json::date_of(observed_at).ok_or_else(|| {
                IngestError::invalid(location.clone(), "observation time out of range")
            })?;
            let records = audiences
                .into_iter()
                .map(|(kind, shares)| {
                    Record::Audience(AudienceSnapshot {
                        account: handle.clone(),
                        as_of,
                        kind,
                        shares,
                    })
                })
                .collect();
            let raw = Some(page.account_fields.clone());
            push(
                self.sink,
                self.ctx.at_record(format!("page {}, account", page.number)),
                raw,
                records,
            )?;
        }
        Ok(())
    }
}

/// Pushes one item, wrapping a sink error with its location.
pub(crate) fn push(
    sink: &mut dyn Sink,
    location: Location,
    raw: Option<String>,
    records: Vec<Record>,
) -> Result<(), IngestError> {
    let item = Item {
        location: location.clone(),
        raw,
        records,
    };
    sink.push(item)
        .map_err(|source| IngestError::Sink { location, source })
}

/// Walks `data`: streams `videos`, collects `metrics` days, and keeps the
/// other keys as the account's fields.
struct DataSeed<'a, 'c, 's> {
    state: &'a mut Business<'c, 's>,
    page: &'a mut Page,
}

impl<'de> DeserializeSeed<'de> for DataSeed<'_, '_, '_> {
    type Value = ();

    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
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
            match key.as_str() {
                "videos" => {
                    page.saw_videos = true;
                    let mut failed = None;
                    let result = map.next_value_seed(ListSeed {
                        each: &mut |raw, n| state.video(page, raw, n),
                        failed: &mut failed,
                        expecting: "`videos` to be a list of video objects",
                    });
                    if let Some(e) = failed {
                        return Err(state.fail(e));
                    }
                    result?;
                }
                "comments" => {
                    page.saw_comments = true;
                    let mut failed = None;
                    let result = map.next_value_seed(ListSeed {
                        each: &mut |raw, n| state.comment(page, raw, n),
                        failed: &mut failed,
                        expecting: "`comments` to be a list of comment objects",
                    });
                    if let Some(e) = failed {
                        return Err(state.fail(e));
                    }
                    result?;
                }
                "metrics" => {
                    page.saw_account = true;
                    let mut failed = None;
                    let result = map.next_value_seed(ListSeed {
                        each: &mut |raw, n| state.day(page, raw, n),
                        failed: &mut failed,
                        expecting: "`metrics` to be a list of daily objects",
                    });
                    if let Some(e) = failed {
                        return Err(state.fail(e));
                    }
                    result?;
                }
                "cursor" | "has_more" => {
                    map.next_value::<IgnoredAny>()?;
                }
                other => {
                    if ACCOUNT_KEYS.contains(&other) {
                        page.saw_account = true;
                    }
                    let value = map.next_value::<RawJson>()?;
                    let fields = &mut page.account_fields;
                    fields.push(if fields.is_empty() { '{' } else { ',' });
                    json::write_str(fields, other);
                    fields.push(':');
                    fields.push_str(&value.0);
                }
            }
        }
        Ok(())
    }
}

/// Puts back the boolean flags (`owner`, `liked`, `pinned`) that
/// [`scrub_raw`] removes with identifying keys: a flag names nobody.
fn restore_flags(scrubbed: &mut Value, original: &Value) {
    let (Value::Object(out), Value::Object(orig)) = (scrubbed, original) else {
        return;
    };
    for key in ["owner", "liked", "pinned"] {
        if let Some(v @ Value::Bool(_)) = orig.get(key) {
            out.insert(key.to_string(), v.clone());
        }
    }
    if let (Some(Value::Array(out)), Some(Value::Array(orig))) =
        (out.get_mut("reply_list"), orig.get("reply_list"))
    {
        for (o, i) in out.iter_mut().zip(orig) {
            restore_flags(o, i);
        }
    }
}

/// A count's value, for tests.
#[cfg(test)]
fn value(c: Option<uptake_model::Count>) -> Option<i64> {
    c.map(|c| c.value)
}

pub(crate) mod json {
    //! JSON machinery shared by the Business ([`crate::business`]) and
    //! Display ([`crate::display`]) readers: opening a response (BOM, HTML
    //! error pages), walking one page / an array of pages / NDJSON pages,
    //! keeping each record's raw text, reading ids without going through
    //! `f64`, and finding when the numbers were observed.
    //!
    //! It lives inside `business.rs` because the crate's module list is kept
    //! by another file; it can move to its own module unchanged.

    use crate::error::{IngestError, Location};
    use crate::number::{self, ValueError};
    use crate::sink::{Sink, Warning};
    use crate::Context;
    use chrono::{DateTime, NaiveDate, NaiveDateTime};
    use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};
    use serde::Deserialize;
    use std::fmt::{self, Write as _};
    use std::io::{BufRead, BufReader, Read};
    use uptake_model::{Count, Share};

    /// The message of the serde error raised when a reader stops on an
    /// [`IngestError`] it has stored; never shown to the user.
    pub(crate) struct Fail;

    impl fmt::Display for Fail {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("stopped by the reader")
        }
    }

    /// Opens `input` for JSON reading: buffers it, skips a UTF-8 BOM, and
    /// turns an empty file or an HTML page (a gateway or login page saved
    /// instead of the API's answer) into a clear error.
    pub(crate) fn open_json<R: Read>(
        input: R,
        ctx: &Context,
        what: &str,
    ) -> Result<BufReader<R>, IngestError> {
        let mut reader = BufReader::with_capacity(64 * 1024, input);
        let io = |source| IngestError::Io {
            location: ctx.whole(),
            source,
        };
        let mut at_start = true;
        loop {
            let buf = reader.fill_buf().map_err(io)?;
            if buf.is_empty() {
                return Err(IngestError::invalid(
                    ctx.whole(),
                    format!("expected {what}, found an empty file"),
                ));
            }
            if at_start && buf.len() >= 3 && buf.starts_with(b"\xEF\xBB\xBF") {
                reader.consume(3);
                at_start = false;
                continue;
            }
            at_start = false;
            let spaces = buf.iter().take_while(|b| b.is_ascii_whitespace()).count();
            if spaces == buf.len() {
                reader.consume(spaces);
                continue;
            }
            let first = buf[spaces];
            if first == b'{' || first == b'[' {
                return Ok(reader);
            }
            let shown: String = String::from_utf8_lossy(&buf[spaces..buf.len().min(spaces + 40)])
                .chars()
                .take_while(|c| *c != '\n' && *c != '\r')
                .collect();
            let message = if first == b'<' {
                format!(
                    "expected {what} (JSON), found an HTML page starting `{shown}`: the request \
                     probably hit a gateway error or a login page; save the API's JSON answer instead"
                )
            } else {
                format!("expected {what} (JSON starting with `{{` or `[`), found `{shown}`")
            };
            return Err(IngestError::invalid(ctx.whole(), message));
        }
    }

    /// Reads the pages of one response. Implemented per API.
    pub(crate) trait PageHandler {
        /// Reads one page object, pushing what it can.
        fn page<'de, A: MapAccess<'de>>(&mut self, map: A) -> Result<(), A::Error>;
        /// The structured error behind the last serde error the handler raised.
        fn take_failure(&mut self) -> Option<IngestError>;
    }

    /// Reads every page of `reader`: a page object, an array of them, or
    /// several of either separated by whitespace (NDJSON).
    pub(crate) fn read_pages<R: Read, H: PageHandler>(
        reader: R,
        ctx: &Context,
        what: &str,
        handler: &mut H,
    ) -> Result<(), IngestError> {
        let mut de = serde_json::Deserializer::from_reader(reader);
        loop {
            if let Err(e) = Top(&mut *handler).deserialize(&mut de) {
                if let Some(failure) = handler.take_failure() {
                    return Err(failure);
                }
                return Err(json_error(ctx, what, &e));
            }
            // `end` only peeks: when more values follow, the next round
            // reads them.
            if de.end().is_ok() {
                return Ok(());
            }
        }
    }

    fn json_error(ctx: &Context, what: &str, e: &serde_json::Error) -> IngestError {
        if e.is_io() {
            return IngestError::invalid(ctx.whole(), format!("cannot read: {e}"));
        }
        let location = Location::line(&ctx.name, e.line() as u64);
        if e.is_eof() {
            return IngestError::invalid(
                location,
                format!("expected {what}, found JSON that ends early (a truncated download?): {e}"),
            );
        }
        IngestError::invalid(location, format!("expected {what}, found: {e}"))
    }

    /// The top level: a page, or an array of pages.
    struct Top<'h, H>(&'h mut H);

    impl<'de, H: PageHandler> DeserializeSeed<'de> for Top<'_, H> {
        type Value = ();
        fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
            d.deserialize_any(self)
        }
    }

    impl<'de, H: PageHandler> Visitor<'de> for Top<'_, H> {
        type Value = ();
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("an API response page (a JSON object) or an array of pages")
        }
        fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<(), A::Error> {
            self.0.page(map)
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
            while seq.next_element_seed(PageSeed(&mut *self.0))?.is_some() {}
            Ok(())
        }
    }

    /// One element of an array of pages.
    struct PageSeed<'h, H>(&'h mut H);

    impl<'de, H: PageHandler> DeserializeSeed<'de> for PageSeed<'_, H> {
        type Value = ();
        fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
            d.deserialize_map(self)
        }
    }

    impl<'de, H: PageHandler> Visitor<'de> for PageSeed<'_, H> {
        type Value = ();
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("each array element to be an API response page (a JSON object)")
        }
        fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<(), A::Error> {
            self.0.page(map)
        }
    }

    /// Walks a JSON list, handing each element's raw text to `each` as soon
    /// as it is read. `null` is an empty list.
    pub(crate) struct ListSeed<'a, F> {
        /// Called with each element and its 1-based position.
        pub(crate) each: &'a mut F,
        /// Where `each`'s error is kept.
        pub(crate) failed: &'a mut Option<IngestError>,
        /// What the list should be, for messages.
        pub(crate) expecting: &'static str,
    }

    impl<'de, F: FnMut(RawJson, usize) -> Result<(), IngestError>> DeserializeSeed<'de>
        for ListSeed<'_, F>
    {
        type Value = ();
        fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
            d.deserialize_any(self)
        }
    }

    impl<'de, F: FnMut(RawJson, usize) -> Result<(), IngestError>> Visitor<'de> for ListSeed<'_, F> {
        type Value = ();
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str(self.expecting)
        }
        fn visit_unit<E: de::Error>(self) -> Result<(), E> {
            Ok(())
        }
        fn visit_none<E: de::Error>(self) -> Result<(), E> {
            Ok(())
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
            let mut n = 0;
            while let Some(raw) = seq.next_element::<RawJson>()? {
                n += 1;
                if let Err(e) = (self.each)(raw, n) {
                    *self.failed = Some(e);
                    return Err(de::Error::custom(Fail));
                }
            }
            Ok(())
        }
    }

    /// A JSON value's text, re-written compactly with its keys in the order
    /// received and integers exactly as sent (never through `f64`). Kept as
    /// the raw record and parsed a second time into a typed struct.
    #[derive(Debug, Clone, PartialEq)]
    pub(crate) struct RawJson(pub String);

    impl<'de> Deserialize<'de> for RawJson {
        fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            let mut out = String::new();
            Writer(&mut out).deserialize(d)?;
            Ok(RawJson(out))
        }
    }

    /// Writes the JSON value it visits into a string.
    struct Writer<'a>(&'a mut String);

    impl<'de> DeserializeSeed<'de> for Writer<'_> {
        type Value = ();
        fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
            d.deserialize_any(self)
        }
    }

    impl<'de> Visitor<'de> for Writer<'_> {
        type Value = ();
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("a JSON value")
        }
        fn visit_bool<E: de::Error>(self, v: bool) -> Result<(), E> {
            self.0.push_str(if v { "true" } else { "false" });
            Ok(())
        }
        fn visit_i64<E: de::Error>(self, v: i64) -> Result<(), E> {
            let _ = write!(self.0, "{v}");
            Ok(())
        }
        fn visit_u64<E: de::Error>(self, v: u64) -> Result<(), E> {
            let _ = write!(self.0, "{v}");
            Ok(())
        }
        fn visit_f64<E: de::Error>(self, v: f64) -> Result<(), E> {
            // serde_json only produces finite floats; `Number` prints the
            // shortest text that reads back to the same value (`42660.0`).
            match serde_json::Number::from_f64(v) {
                Some(n) => {
                    let _ = write!(self.0, "{n}");
                }
                None => self.0.push_str("null"),
            }
            Ok(())
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<(), E> {
            write_str(self.0, v);
            Ok(())
        }
        fn visit_unit<E: de::Error>(self) -> Result<(), E> {
            self.0.push_str("null");
            Ok(())
        }
        fn visit_none<E: de::Error>(self) -> Result<(), E> {
            self.0.push_str("null");
            Ok(())
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
            self.0.push('[');
            let mut first = true;
            loop {
                let mark = self.0.len();
                if !first {
                    self.0.push(',');
                }
                if seq.next_element_seed(Writer(&mut *self.0))?.is_none() {
                    self.0.truncate(mark);
                    break;
                }
                first = false;
            }
            self.0.push(']');
            Ok(())
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
            self.0.push('{');
            let mut first = true;
            loop {
                let mark = self.0.len();
                if !first {
                    self.0.push(',');
                }
                if map.next_key_seed(Writer(&mut *self.0))?.is_none() {
                    self.0.truncate(mark);
                    break;
                }
                self.0.push(':');
                map.next_value_seed(Writer(&mut *self.0))?;
                first = false;
            }
            self.0.push('}');
            Ok(())
        }
    }

    /// Appends `s` as a JSON string literal.
    pub(crate) fn write_str(out: &mut String, s: &str) {
        out.push('"');
        for c in s.chars() {
            match c {
                '"' => out.push_str("\\\""),
                '\\' => out.push_str("\\\\"),
                '\n' => out.push_str("\\n"),
                '\r' => out.push_str("\\r"),
                '\t' => out.push_str("\\t"),
                c if (c as u32) < 0x20 => {
                    let _ = write!(out, "\\u{:04x}", c as u32);
                }
                c => out.push(c),
            }
        }
        out.push('"');
    }

    /// Any JSON value, kept loosely so that type mismatches become errors
    /// that name the field instead of serde's generic message.
    #[derive(Debug, Clone, PartialEq)]
    pub(crate) enum Scalar {
        /// A negative integer.
        Int(i64),
        /// A non-negative integer (ids up to `u64::MAX` stay exact).
        UInt(u64),
        /// A number with a fraction or exponent, or beyond `u64`.
        Float(f64),
        /// A string.
        Text(String),
        /// A boolean.
        Bool(bool),
        /// `null` where a value was required.
        Null,
        /// A list (its content is not kept).
        List,
        /// An object (its content is not kept).
        Object,
    }

    impl Scalar {
        /// The value as shown in messages.
        pub(crate) fn shown(&self) -> String {
            match self {
                Scalar::Int(v) => v.to_string(),
                Scalar::UInt(v) => v.to_string(),
                Scalar::Float(v) => v.to_string(),
                Scalar::Text(t) => t.clone(),
                Scalar::Bool(b) => b.to_string(),
                Scalar::Null => "null".into(),
                Scalar::List => "a list".into(),
                Scalar::Object => "an object".into(),
            }
        }

        /// The value as text, when it is a string or a number.
        pub(crate) fn into_text(self) -> Option<String> {
            match self {
                Scalar::Text(t) => Some(t),
                Scalar::Int(_) | Scalar::UInt(_) | Scalar::Float(_) => Some(self.shown()),
                _ => None,
            }
        }
    }

    impl<'de> Deserialize<'de> for Scalar {
        fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            d.deserialize_any(ScalarVisitor)
        }
    }

    struct ScalarVisitor;

    impl<'de> Visitor<'de> for ScalarVisitor {
        type Value = Scalar;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("any JSON value")
        }
        fn visit_bool<E: de::Error>(self, v: bool) -> Result<Scalar, E> {
            Ok(Scalar::Bool(v))
        }
        fn visit_i64<E: de::Error>(self, v: i64) -> Result<Scalar, E> {
            Ok(if v >= 0 {
                Scalar::UInt(v as u64)
            } else {
                Scalar::Int(v)
            })
        }
        fn visit_u64<E: de::Error>(self, v: u64) -> Result<Scalar, E> {
            Ok(Scalar::UInt(v))
        }
        fn visit_f64<E: de::Error>(self, v: f64) -> Result<Scalar, E> {
            Ok(Scalar::Float(v))
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<Scalar, E> {
            Ok(Scalar::Text(v.to_string()))
        }
        fn visit_string<E: de::Error>(self, v: String) -> Result<Scalar, E> {
            Ok(Scalar::Text(v))
        }
        fn visit_unit<E: de::Error>(self) -> Result<Scalar, E> {
            Ok(Scalar::Null)
        }
        fn visit_none<E: de::Error>(self) -> Result<Scalar, E> {
            Ok(Scalar::Null)
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Scalar, A::Error> {
            while seq.next_element::<IgnoredAny>()?.is_some() {}
            Ok(Scalar::List)
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Scalar, A::Error> {
            while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
            Ok(Scalar::Object)
        }
    }

    /// One entry of a distribution list (`impression_sources`,
    /// `audience_countries`, `audience_genders`).
    #[derive(Debug, Deserialize)]
    pub(crate) struct Entry {
        impression_source: Option<Scalar>,
        country: Option<Scalar>,
        gender: Option<Scalar>,
        percentage: Option<Scalar>,
    }

    fn error(expected: &'static str, found: &Scalar, hint: Option<&'static str>) -> ValueError {
        ValueError {
            expected,
            found: found.shown().chars().take(60).collect(),
            hint,
        }
    }

    /// A video id sent as a string or a number. Numbers are read as
    /// integers (never `f64`, which would lose the last digits of a 19-digit
    /// id); a number with a fraction or beyond `u64` is an error.
    pub(crate) fn video_id(v: &Scalar) -> Result<String, ValueError> {
        match v {
            Scalar::Text(t) => number::parse_id(t),
            Scalar::UInt(n) => number::parse_id(&n.to_string()),
            Scalar::Float(_) => Err(error(
                "a numeric id",
                v,
                Some("a JSON number with a fraction, an exponent or more than 20 digits cannot be an exact id; send ids as strings"),
            )),
            _ => Err(error("a numeric id", v, None)),
        }
    }

    /// A count sent as an integer, an integral float, or text (`"5,400"`).
    pub(crate) fn count(v: Option<&Scalar>) -> Result<Option<Count>, ValueError> {
        match v {
            None | Some(Scalar::Null) => Ok(None),
            Some(Scalar::Int(n)) => Ok(Some(Count::exact(*n))),
            Some(s @ Scalar::UInt(n)) => i64::try_from(*n)
                .map(|n| Some(Count::exact(n)))
                .map_err(|_| error("a count", s, Some("too large"))),
            Some(s @ Scalar::Float(f)) => {
                if f.fract() == 0.0 && f.abs() < 9.0e15 {
                    Ok(Some(Count::exact(*f as i64)))
                } else {
                    Err(error("a whole count", s, None))
                }
            }
            Some(Scalar::Text(t)) => number::parse_count(t),
            Some(s) => Err(error("a count", s, None)),
        }
    }

    /// Seconds (a duration or a watch time) sent as a number or text.
    pub(crate) fn seconds(v: Option<&Scalar>) -> Result<Option<f64>, ValueError> {
        let n = match v {
            None | Some(Scalar::Null) => return Ok(None),
            Some(Scalar::Int(n)) => *n as f64,
            Some(Scalar::UInt(n)) => *n as f64,
            Some(Scalar::Float(f)) => *f,
            Some(Scalar::Text(t)) => return number::parse_duration_s(t),
            Some(s) => return Err(error("a number of seconds", s, None)),
        };
        if n < 0.0 || !n.is_finite() {
            return Err(error(
                "a non-negative number of seconds",
                &Scalar::Float(n),
                None,
            ));
        }
        Ok(Some(n))
    }

    /// A rate as a fraction `0..=1`. The Business API sends fractions; a
    /// number above 1 (up to 100) can only be a percentage, so it is divided
    /// by 100 and `warn` is told.
    pub(crate) fn fraction(
        v: Option<&Scalar>,
        field: &str,
        warn: &mut dyn FnMut(String),
    ) -> Result<Option<f64>, ValueError> {
        let n = match v {
            None | Some(Scalar::Null) => return Ok(None),
            Some(Scalar::Int(n)) => *n as f64,
            Some(Scalar::UInt(n)) => *n as f64,
            Some(Scalar::Float(f)) => *f,
            Some(Scalar::Text(t)) => {
                let f = number::parse_fraction(t)?;
                let bare = t.trim().replace(',', ".").parse::<f64>().ok();
                if let Some(b) = bare.filter(|b| *b > 1.0) {
                    warn(format!(
                        "`{field}` is {b}, above 1: read as a percentage ({b}% = {})",
                        b / 100.0
                    ));
                }
                return Ok(f);
            }
            Some(s) => return Err(error("a fraction between 0 and 1", s, None)),
        };
        if !(0.0..=100.0).contains(&n) {
            return Err(error("a fraction between 0 and 1", &Scalar::Float(n), None));
        }
        if n > 1.0 {
            warn(format!(
                "`{field}` is {n}, above 1: read as a percentage ({n}% = {})",
                n / 100.0
            ));
            return Ok(Some(n / 100.0));
        }
        Ok(Some(n))
    }

    /// Text sent as a string (or a number); empty text is absent. NUL
    /// characters are removed (`formats.md` §8: repair NULs in strings).
    pub(crate) fn text(v: Option<&Scalar>) -> Result<Option<String>, ValueError> {
        match v {
            None | Some(Scalar::Null) => Ok(None),
            Some(s @ (Scalar::List | Scalar::Object | Scalar::Bool(_))) => {
                Err(error("text", s, None))
            }
            Some(s) => {
                let t = s.shown().replace('\0', "");
                Ok((!t.trim().is_empty()).then_some(t))
            }
        }
    }

    /// A Unix time in seconds (number or numeric string) and its UTC date.
    pub(crate) fn unix_time(v: &Scalar) -> Result<Option<(i64, NaiveDate)>, ValueError> {
        let expected = "a Unix time in seconds";
        let secs = match v {
            Scalar::Null => return Ok(None),
            Scalar::UInt(n) => i64::try_from(*n).map_err(|_| error(expected, v, None))?,
            Scalar::Int(n) => *n,
            Scalar::Float(f) if f.fract() == 0.0 && f.abs() < 9.0e15 => *f as i64,
            Scalar::Text(t) if t.trim().is_empty() => return Ok(None),
            Scalar::Text(t) => t
                .trim()
                .parse::<i64>()
                .map_err(|_| error(expected, v, None))?,
            _ => return Err(error(expected, v, None)),
        };
        // Past year 5000 the value is almost surely milliseconds.
        if !(0..100_000_000_000).contains(&secs) {
            return Err(error(
                expected,
                v,
                Some("out of range; milliseconds are not accepted here"),
            ));
        }
        match date_of(secs) {
            Some(d) => Ok(Some((secs, d))),
            None => Err(error(expected, v, None)),
        }
    }

    /// The UTC date of a Unix time.
    pub(crate) fn date_of(secs: i64) -> Option<NaiveDate> {
        DateTime::from_timestamp(secs, 0).map(|t| t.date_naive())
    }

    /// A calendar date `YYYY-MM-DD` (a time after it is ignored).
    pub(crate) fn date(v: &Scalar) -> Result<NaiveDate, ValueError> {
        let expected = "a date `YYYY-MM-DD`";
        let Scalar::Text(t) = v else {
            return Err(error(expected, v, None));
        };
        let t = t.trim();
        let day = t.get(..10).unwrap_or(t);
        let rest = t.get(10..).unwrap_or("");
        if !(rest.is_empty() || rest.starts_with(' ') || rest.starts_with('T')) {
            return Err(error(expected, v, None));
        }
        NaiveDate::parse_from_str(day, "%Y-%m-%d").map_err(|_| error(expected, v, None))
    }

    /// Reads a distribution list into shares. The APIs send fractions;
    /// percentages (values above 1) are divided by 100 with a warning.
    /// Entries without a label or a value are skipped with a warning.
    pub(crate) fn entries(
        list: Option<&[Entry]>,
        field: &str,
        warn: &mut dyn FnMut(String),
    ) -> Result<Vec<Share>, ValueError> {
        let mut out = vec![];
        for entry in list.unwrap_or(&[]) {
            let label = [&entry.impression_source, &entry.country, &entry.gender]
                .into_iter()
                .flatten()
                .find_map(|s| s.clone().into_text());
            let fraction = fraction(entry.percentage.as_ref(), field, warn)?;
            match (label, fraction) {
                (Some(label), Some(fraction)) if !label.trim().is_empty() => {
                    out.push(Share { label, fraction })
                }
                _ => warn(format!(
                    "skipped an entry of `{field}` without a label or a percentage"
                )),
            }
        }
        Ok(out)
    }

    /// A short title from a caption: its first non-empty line, at most 100
    /// characters (the APIs have no separate title for Business videos).
    pub(crate) fn title_from_caption(caption: &str) -> Option<String> {
        let line = caption.lines().map(str::trim).find(|l| !l.is_empty())?;
        Some(line.chars().take(100).collect())
    }

    /// Finds when a response's numbers were observed, warning at most once
    /// per file when it has to fall back to the file's modification time.
    #[derive(Debug, Default)]
    pub(crate) struct Clock {
        warned: bool,
    }

    impl Clock {
        /// The observation time, UTC seconds, from (in order): the
        /// `YYYYMMDDHHMMSS` prefix of `stamp` (Business `request_id`, v2
        /// `log_id`, which TikTok builds from the request's UTC time);
        /// `--observed-at`; the file's modification time (with a warning).
        pub(crate) fn observed_at(
            &mut self,
            ctx: &Context,
            stamp: Option<&str>,
            field: &str,
            sink: &mut dyn Sink,
            location: &Location,
        ) -> Result<i64, IngestError> {
            if let Some(t) = stamp.and_then(stamp_time) {
                return Ok(t);
            }
            if let Some(t) = ctx.options.observed_at {
                return Ok(t);
            }
            if let Some(m) = ctx.modified {
                if !self.warned {
                    self.warned = true;
                    sink.warn(Warning {
                        location: location.clone(),
                        message: format!(
                            "the response's `{field}` carries no timestamp, so the file's \
                             modification time ({} UTC) is used as the observation time; \
                             pass `--observed-at` to set it",
                            m.format("%Y-%m-%d %H:%M")
                        ),
                    });
                }
                return Ok(m.and_utc().timestamp());
            }
            Err(IngestError::invalid(
                location.clone(),
                format!(
                    "cannot tell when these numbers were observed: the response's `{field}` \
                     carries no timestamp and the file has no modification time; pass \
                     `--observed-at`"
                ),
            ))
        }
    }

    /// The instant at the start of a `request_id`/`log_id`
    /// (`YYYYMMDDHHMMSS…`), if it is a plausible observation time: after
    /// 2016 (TikTok's launch) and not more than a day in the future.
    pub(crate) fn stamp_time(stamp: &str) -> Option<i64> {
        let head = stamp.trim().get(..14)?;
        if !head.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let t = NaiveDateTime::parse_from_str(head, "%Y%m%d%H%M%S")
            .ok()?
            .and_utc()
            .timestamp();
        let earliest = 1_451_606_400; // 2016-01-01
        let latest = chrono::Utc::now().timestamp() + 86_400;
        (earliest..=latest).contains(&t).then_some(t)
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        fn raw(text: &str) -> Option<String> {
            serde_json::from_str::<RawJson>(text).ok().map(|r| r.0)
        }

        #[test]
        fn raw_keeps_order_and_exact_integers() {
            let text = r#"{ "z": 1, "a": [ 7412345678901234567, -3, 0.18, 42660.0 ],
                "s": "é \"q\" \n\u0001", "n": null, "t": true, "o": {} , "e": [] }"#;
            let want = r#"{"z":1,"a":[7412345678901234567,-3,0.18,42660.0],"s":"é \"q\" \n\u0001","n":null,"t":true,"o":{},"e":[]}"#;
            assert_eq!(raw(text).as_deref(), Some(want));
            // What it writes reads back to the same value.
            let a: Option<serde_json::Value> = serde_json::from_str(text).ok();
            let b: Option<serde_json::Value> = serde_json::from_str(want).ok();
            assert_eq!(a, b);
        }

        #[test]
        fn ids_never_go_through_floats() {
            let s = |t: &str| serde_json::from_str::<Scalar>(t).ok();
            let id = |t: &str| s(t).and_then(|v| video_id(&v).ok());
            assert_eq!(
                id("7412345678901234567").as_deref(),
                Some("7412345678901234567")
            );
            assert_eq!(
                id("\"7412345678901234567\"").as_deref(),
                Some("7412345678901234567")
            );
            assert_eq!(
                id("18446744073709551615").as_deref(),
                Some("18446744073709551615")
            );
            assert_eq!(id("18446744073709551616"), None);
            assert_eq!(id("7.41E+18"), None);
            assert_eq!(id("\"7.41E+18\""), None);
            assert_eq!(id("-5"), None);
            let e = s("\"7.41E+18\"")
                .map(|v| video_id(&v))
                .and_then(|r| r.err());
            assert!(e
                .map(|e| e.to_string())
                .unwrap_or_default()
                .contains("spreadsheet"));
        }

        #[test]
        fn counts_times_and_fractions() {
            let s = |t: &str| serde_json::from_str::<Scalar>(t).unwrap_or(Scalar::Null);
            let c = |t: &str| count(Some(&s(t))).ok().flatten().map(|c| c.value);
            assert_eq!(c("5400"), Some(5400));
            assert_eq!(c("\"5,400\""), Some(5400));
            assert_eq!(c("5400.0"), Some(5400));
            assert_eq!(c("null"), None);
            assert!(count(Some(&s("5.5"))).is_err());
            assert!(count(Some(&s("\"many\""))).is_err());
            let t = |x: &str| unix_time(&s(x)).ok().flatten().map(|(t, _)| t);
            assert_eq!(t("1725000000"), Some(1_725_000_000));
            assert_eq!(t("\"1725000000\""), Some(1_725_000_000));
            assert!(unix_time(&s("1725000000000")).is_err());
            assert!(unix_time(&s("\"soon\"")).is_err());
            let mut warnings = vec![];
            let mut warn = |m: String| warnings.push(m);
            assert_eq!(fraction(Some(&s("0.18")), "r", &mut warn), Ok(Some(0.18)));
            assert_eq!(fraction(Some(&s("18")), "r", &mut warn), Ok(Some(0.18)));
            assert!(fraction(Some(&s("180")), "r", &mut warn).is_err());
            assert!(fraction(Some(&s("-0.1")), "r", &mut warn).is_err());
            assert_eq!(warnings.len(), 1);
        }

        #[test]
        fn stamps_from_request_ids() {
            assert_eq!(
                stamp_time("2024090112000001000200300400"),
                Some(1_725_192_000)
            );
            assert_eq!(stamp_time("202409011200000000"), Some(1_725_192_000));
            assert_eq!(stamp_time("20240901120000"), Some(1_725_192_000));
            assert_eq!(stamp_time("2024090112"), None);
            assert_eq!(stamp_time("abcdef12000000000"), None);
            assert_eq!(stamp_time("20241301120000"), None);
            assert_eq!(stamp_time("19990101120000"), None);
            assert_eq!(stamp_time("99990101120000"), None);
        }

        #[test]
        fn titles_are_the_first_line() {
            assert_eq!(
                title_from_caption("\n Sleep tips \n#sleep").as_deref(),
                Some("Sleep tips")
            );
            let long = "x".repeat(150);
            assert_eq!(
                title_from_caption(&long).map(|t| t.chars().count()),
                Some(100)
            );
            assert_eq!(title_from_caption("  "), None);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Options, VecSink};

    fn read(text: &str, options: &Options) -> (Result<SourceFormat, IngestError>, VecSink) {
        let ctx = Context::new("page.json", options);
        let mut sink = VecSink::default();
        let result = parse(text.as_bytes(), &ctx, &mut sink);
        (result, sink)
    }

    #[test]
    fn a_video_page_streams_videos_and_observations() {
        let text = r#"{"code":0,"message":"OK","request_id":"202409011200000000","data":{"has_more":false,"cursor":20,
          "videos":[{"item_id":"7412345678901234567","create_time":"1725000000","caption":"Sleep tips\nmore",
           "video_views":5400,"likes":310,"favorites":4,"full_video_watched_rate":0.18,
           "impression_sources":[{"impression_source":"For You","percentage":0.81}]},
           {"item_id":7412345678901234568,"create_time":1725000001}]}}"#;
        let options = Options {
            account: Some("kmb_lab".into()),
            ..Options::default()
        };
        let (result, sink) = read(text, &options);
        assert!(
            matches!(result, Ok(SourceFormat::BusinessVideoList)),
            "{result:?}"
        );
        let videos = sink.videos();
        assert_eq!(videos.len(), 2);
        assert_eq!(videos[0].title.as_deref(), Some("Sleep tips"));
        assert_eq!(videos[0].author_handle.as_deref(), Some("kmb_lab"));
        assert_eq!(videos[1].platform_id, "7412345678901234568");
        let obs = sink.observations();
        // The second video has no metrics at all: no empty observation.
        assert_eq!(obs.len(), 1);
        assert_eq!(obs[0].observed_at, 1_725_192_000);
        assert_eq!(value(obs[0].metrics.views), Some(5400));
        assert_eq!(value(obs[0].metrics.saves), Some(4));
        assert_eq!(obs[0].metrics.reach, None);
        assert_eq!(obs[0].metrics.traffic_sources[0].label, "For You");
    }

    #[test]
    fn data_before_the_envelope_is_held_until_the_page_ends() {
        let text = r#"{"data":{"videos":[{"item_id":"1","likes":3}]},"code":40001,"message":"no"}"#;
        let (result, sink) = read(text, &Options::default());
        let e = result.err().map(|e| e.to_string()).unwrap_or_default();
        assert!(e.contains("40001") && e.contains("`no`"), "{e}");
        assert!(sink.items.is_empty());

        let text = r#"{"data":{"videos":[{"item_id":"1","likes":3}]},"request_id":"20240901120000","code":0}"#;
        let (result, sink) = read(text, &Options::default());
        assert!(result.is_ok(), "{result:?}");
        assert_eq!(sink.observations()[0].observed_at, 1_725_192_000);
    }

    #[test]
    fn account_days_take_the_username_wherever_it_is() {
        let text = r#"{"code":0,"request_id":"x","data":{"metrics":[
            {"date":"2024-08-30","video_views":10,"daily_new_followers":5,"daily_lost_followers":7,"daily_total_followers":100},
            {"date":"2024-08-31","followers_count":98,"daily_new_followers":2}],
            "username":"kmb_lab","audience_genders":[{"gender":"Female","percentage":0.6}]}}"#;
        let options = Options {
            observed_at: Some(1_725_192_000),
            ..Options::default()
        };
        let (result, sink) = read(text, &options);
        assert!(
            matches!(result, Ok(SourceFormat::BusinessAccount)),
            "{result:?}"
        );
        let days = sink.account_days();
        assert_eq!(days.len(), 2);
        assert_eq!(days[0].account, "kmb_lab");
        assert_eq!(days[0].new_followers, Some(-2));
        assert_eq!(days[0].followers, Some(100));
        assert_eq!(days[1].followers, Some(98));
        assert_eq!(days[1].new_followers, Some(2));
        let audience: Vec<_> = sink
            .records()
            .filter_map(|r| match r {
                Record::Audience(a) => Some(a),
                _ => None,
            })
            .collect();
        assert_eq!(audience.len(), 1);
        assert_eq!(audience[0].as_of.to_string(), "2024-09-01");
        assert_eq!(audience[0].kind, AudienceKind::Gender);
    }

    #[test]
    fn no_time_anywhere_is_an_error_asking_for_observed_at() {
        let text = r#"{"code":0,"request_id":"abc","data":{"videos":[{"item_id":"1","likes":3}]}}"#;
        let (result, _) = read(text, &Options::default());
        let e = result.err().map(|e| e.to_string()).unwrap_or_default();
        assert!(e.contains("--observed-at"), "{e}");
    }

    #[test]
    fn bad_values_name_the_video_and_field() {
        let text = r#"{"code":0,"request_id":"20240901120000","data":{"videos":[{"item_id":"9","likes":"lots"}]}}"#;
        let (result, _) = read(text, &Options::default());
        let e = result.err().map(|e| e.to_string()).unwrap_or_default();
        assert!(
            e.contains("page 1, video 1 (`9`)") && e.contains("`likes`"),
            "{e}"
        );
    }
}
