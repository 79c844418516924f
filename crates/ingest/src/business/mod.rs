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
//! sink as soon as it has been read. Records read before the envelope (a
//! page whose keys were reordered, `data` first) wait for it, within a
//! bound set from the API's page size (20 videos a page; a page holding
//! more than 200 is refused with an error naming the record), so memory
//! stays bounded by a constant and not by the file. The JSON machinery shared with the other API readers
//! lives in the crate-private `api_json` module.
//!
//! This module reads the pages and their envelope; `videos`, `comments`
//! and `account` read what each kind of page holds.
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

// The shared JSON machinery, as the submodules below name it.
use crate::api_json as json;
use crate::api_json::push;

mod account;
mod comments;
mod videos;

use account::ACCOUNT_KEYS;
use comments::CommentItem;
use videos::VideoItem;

use crate::api_json::{
    next_list, open_json, read_pages, Bound, Clock, Fail, Held, PageHandler, RawJson, Scalar,
};
use crate::error::{IngestError, Location};
use crate::sink::{Sink, Warning};
use crate::studio::own_account::OwnAccountCheck;
use crate::Context;
use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, Visitor};
use std::fmt;
use std::io::Read;
use uptake_model::{AccountDay, SourceFormat};

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
        own: OwnAccountCheck::configured(ctx, "a Business API video list"),
    };
    read_pages(
        reader,
        ctx,
        "a TikTok API for Business response",
        &mut state,
    )?;
    state.own.finish(ctx, state.sink);
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
    /// The videos' links against the project's handle (see `videos`).
    own: OwnAccountCheck,
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

/// What TikTok writes a page with: `code`, `message`, `request_id`, then
/// `data` (`formats.md` §2a), so videos and comments stream. They are held
/// only when `data` comes first (a tool that sorts keys puts it before
/// `request_id`), until `code` and `request_id` say whether the page
/// succeeded and when it was observed.
const ENVELOPE: &str = "the page's `code` and `request_id`, which say whether they may be \
                        imported and when they were observed";

/// Videos held before the envelope: the API returns at most 20 a page
/// (`max_count` 1–20, §2a), so 200 is ten pages' worth, and a video object
/// is a few kilobytes, far below 16 MiB for 200. Memory stays bounded
/// whatever the file's size.
static VIDEOS_BOUND: Bound = Bound {
    records: 200,
    bytes: 16 * 1024 * 1024,
    until: ENVELOPE,
    why: "the Business API returns at most 20 videos a page (`max_count` 1–20), so this is not \
          a page as the API wrote it; save each response page as it came",
};

/// Comments held before the envelope. `formats.md` gives no page size for
/// `/business/comment/list/`; its pages are small like the video list's, so
/// 1,000 comment objects (each with its `reply_list`) is far above a real
/// page and well bounded.
static COMMENTS_BOUND: Bound = Bound {
    records: 1_000,
    bytes: 16 * 1024 * 1024,
    until: ENVELOPE,
    why: "a `/business/comment/list/` response is one short page of a paginated list, so this \
          is not a page as the API wrote it; save each response page as it came",
};

/// Daily metrics, held until the page ends because `username`'s place in
/// `data` is not fixed. `/business/get/` returns one item per day of the
/// requested range and TikTok keeps about 60 days of history (§2a), so
/// 1,000 days is far above a real page.
static DAYS_BOUND: Bound = Bound {
    records: 1_000,
    bytes: 16 * 1024 * 1024,
    until: "the end of the page, where the account's `username` may come",
    why: "`/business/get/` returns one item per day and TikTok keeps about 60 days of history, \
          so this is not a page as the API wrote it; save each response page as it came",
};

/// The account-level fields of `data`, kept as raw text until the page
/// ends: about ten documented fields and a few audience lists (§2a).
static ACCOUNT_BOUND: Bound = Bound {
    records: 1_000,
    bytes: 16 * 1024 * 1024,
    until: "the end of the page",
    why: "`/business/get/` returns about ten account fields and a few short audience lists; \
          save the API's response as it came",
};

/// What one page holds, kept until the page's envelope is known.
struct Page {
    /// 1-based page number in the file.
    number: usize,
    /// Observation time, once known, when videos can go straight to the sink.
    streaming_at: Option<i64>,
    /// Videos read before the envelope was complete.
    held_videos: Held<VideoItem>,
    /// Comments read before the envelope was complete.
    held_comments: Held<CommentItem>,
    /// Daily metrics, held until `username` is known (its position in
    /// `data` is not fixed).
    held_days: Held<(Location, String, AccountDay)>,
    /// The account-level fields of `data` (everything but `videos` and
    /// `metrics`), as a JSON object text in the order received.
    account_fields: String,
    /// How many fields `account_fields` holds.
    account_keys: usize,
    saw_data: bool,
    saw_videos: bool,
    saw_comments: bool,
    saw_account: bool,
}

impl Page {
    fn new(number: usize) -> Self {
        Page {
            number,
            streaming_at: None,
            held_videos: Held::new(&VIDEOS_BOUND),
            held_comments: Held::new(&COMMENTS_BOUND),
            held_days: Held::new(&DAYS_BOUND),
            account_fields: String::new(),
            account_keys: 0,
            saw_data: false,
            saw_videos: false,
            saw_comments: false,
            saw_account: false,
        }
    }
}

impl PageHandler for Business<'_, '_> {
    fn page<'de, A: MapAccess<'de>>(&mut self, mut map: A) -> Result<(), A::Error> {
        self.pages += 1;
        let mut env = Envelope::default();
        let mut page = Page::new(self.pages);
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

        let (handle, audiences) = self.page_account(&mut page, &location)?;

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
            for item in page.held_comments.take() {
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
        for item in page.held_videos.take() {
            self.push_video(item, observed_at)?;
        }
        if !audiences.is_empty() {
            self.push_audiences(&page, &handle, audiences, observed_at, &location)?;
        }
        Ok(())
    }
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
                    if let Some(e) = next_list(
                        &mut map,
                        "`videos` to be a list of video objects",
                        |raw, n| state.video(page, raw, n),
                    )? {
                        return Err(state.fail(e));
                    }
                }
                "comments" => {
                    page.saw_comments = true;
                    if let Some(e) = next_list(
                        &mut map,
                        "`comments` to be a list of comment objects",
                        |raw, n| state.comment(page, raw, n),
                    )? {
                        return Err(state.fail(e));
                    }
                }
                "metrics" => {
                    page.saw_account = true;
                    if let Some(e) = next_list(
                        &mut map,
                        "`metrics` to be a list of daily objects",
                        |raw, n| state.day(page, raw, n),
                    )? {
                        return Err(state.fail(e));
                    }
                }
                "cursor" | "has_more" => {
                    map.next_value::<IgnoredAny>()?;
                }
                other => {
                    if ACCOUNT_KEYS.contains(&other) {
                        page.saw_account = true;
                    }
                    let value = map.next_value::<RawJson>()?;
                    page.account_keys += 1;
                    let location = state
                        .ctx
                        .at_record(format!("page {}, account", page.number));
                    let bytes = page.account_fields.len() + other.len() + value.0.len() + 4;
                    if let Err(e) =
                        ACCOUNT_BOUND.admit(page.account_keys, bytes, "account fields", &location)
                    {
                        return Err(state.fail(e));
                    }
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

/// A count's value, for tests.
#[cfg(test)]
fn value(c: Option<uptake_model::Count>) -> Option<i64> {
    c.map(|c| c.value)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Options, Record, VecSink};
    use uptake_model::AudienceKind;

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
