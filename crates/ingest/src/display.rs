//! Reader for TikTok Display API v2 responses saved to disk:
//! `/v2/video/list/` and `/v2/video/query/` pages (`formats.md` §2b).
//!
//! The envelope is `{data: {videos, cursor, has_more}, error: {code,
//! message, log_id}}`; `error.code` is the string `"ok"` on success, and any
//! other code makes the page an error rather than an empty import. Inputs may
//! be one page, a JSON array of pages, or NDJSON pages. The Display API lists
//! the authorising user's own public videos, so videos are attributed to the
//! project's account (`--account`/`uptake.toml`) when one is configured; a
//! file whose `share_url`s name another handle is imported with one warning
//! (see [`crate::studio::own_account`]).
//!
//! TikTok writes `data` before `error`, so a page's videos are parsed as they
//! arrive but held until the page's `error` (success or not, and the
//! `log_id` that dates the observation) has been read. The API returns at
//! most 20 videos a page; a page holding more than 200 before its `error`
//! is refused with an error naming the record, so memory is bounded by a
//! constant, not by the file. When `error` comes first the videos stream
//! straight to the sink.

use crate::api_json::{
    count, fits, next_list, open_json, push, read_pages, seconds, text, title_from_caption,
    unix_time, video_id, Bound, Clock, Fail, Held, PageHandler, RawJson, Scalar,
};
use crate::error::{IngestError, Location};
use crate::number::ValueError;
use crate::sink::{Record, Sink, Warning};
use crate::studio::own_account::OwnAccountCheck;
use crate::Context;
use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, Visitor};
use serde::Deserialize;
use std::fmt;
use std::io::Read;
use uptake_model::{Metrics, Observation, SourceFormat, Video};

const WHAT: &str = "a TikTok Display API (v2) video list response";

/// Videos held before a page's `error`. `/v2/video/list/` returns at most
/// 20 videos a page (`max_count` ≤ 20) and `/v2/video/query/` takes at most
/// 20 ids (`formats.md` §2b), so 200 is ten pages' worth; a video object is
/// a few kilobytes, far below 16 MiB for 200.
static PAGE_BOUND: Bound = Bound {
    records: 200,
    bytes: 16 * 1024 * 1024,
    until: "the page's `error` object, which says whether they may be imported and when they \
            were observed",
    why: "the Display API returns at most 20 videos a page (`max_count` ≤ 20), so this is not a \
          page as the API wrote it; save each response page as it came",
};

/// Reads a Display API `/v2/video/list/` or `/v2/video/query/` response (one
/// page, an array of pages, or NDJSON pages) into `sink`.
pub fn parse<R: Read>(
    input: R,
    ctx: &Context,
    sink: &mut dyn Sink,
) -> Result<SourceFormat, IngestError> {
    let reader = open_json(input, ctx, WHAT)?;
    let mut state = Display {
        ctx,
        sink,
        clock: Clock::default(),
        failure: None,
        pages: 0,
        own: OwnAccountCheck::configured(ctx, "a Display API video list"),
    };
    read_pages(reader, ctx, WHAT, &mut state)?;
    state.own.finish(ctx, state.sink);
    if state.pages == 0 {
        state.sink.warn(Warning {
            location: ctx.whole(),
            message: "the file holds no API response pages".into(),
        });
    }
    Ok(SourceFormat::DisplayVideoList)
}

struct Display<'c, 's> {
    ctx: &'c Context<'c>,
    sink: &'s mut dyn Sink,
    clock: Clock,
    failure: Option<IngestError>,
    pages: usize,
    /// The videos' links against the project's handle: the Display API
    /// lists the authorising user's videos, which are stored as the own
    /// account's.
    own: OwnAccountCheck,
}

/// The `error` object of a v2 response.
#[derive(Default, Deserialize)]
struct ErrorObject {
    code: Option<Scalar>,
    message: Option<Scalar>,
    log_id: Option<Scalar>,
}

impl ErrorObject {
    fn ok(&self) -> bool {
        matches!(&self.code, Some(Scalar::Text(c)) if c.trim().eq_ignore_ascii_case("ok"))
    }

    fn log_id(&self) -> Option<String> {
        self.log_id.clone().and_then(Scalar::into_text)
    }
}

/// A video object (`formats.md` §2b). Every field is optional: the caller
/// chooses them with `fields=`.
#[derive(Deserialize)]
struct DisplayVideo {
    id: Option<Scalar>,
    create_time: Option<Scalar>,
    title: Option<Scalar>,
    video_description: Option<Scalar>,
    duration: Option<Scalar>,
    share_url: Option<Scalar>,
    view_count: Option<Scalar>,
    like_count: Option<Scalar>,
    comment_count: Option<Scalar>,
    share_count: Option<Scalar>,
}

/// A parsed video waiting for its page's `error` object.
struct VideoItem {
    location: Location,
    raw: String,
    video: Video,
    metrics: Metrics,
}

/// One page being read.
struct Page {
    number: usize,
    /// Set once `error` said "ok" and the observation time is known.
    streaming_at: Option<i64>,
    /// Videos read before `error`, waiting for it.
    held: Held<VideoItem>,
}

impl PageHandler for Display<'_, '_> {
    fn page<'de, A: MapAccess<'de>>(&mut self, mut map: A) -> Result<(), A::Error> {
        self.pages += 1;
        let mut page = Page {
            number: self.pages,
            streaming_at: None,
            held: Held::new(&PAGE_BOUND),
        };
        let mut error: Option<ErrorObject> = None;
        let mut saw_data = false;
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "error" => {
                    // `"error": null` is read as no error object.
                    let Some(e) = map.next_value::<Option<ErrorObject>>()? else {
                        continue;
                    };
                    if e.ok() {
                        let location = self.ctx.at_record(format!("page {}", page.number));
                        // Unresolvable times are reported at the page end,
                        // and only if a video needs one.
                        page.streaming_at = self
                            .clock
                            .observed_at(
                                self.ctx,
                                e.log_id().as_deref(),
                                "log_id",
                                self.sink,
                                &location,
                            )
                            .ok();
                    }
                    error = Some(e);
                }
                "data" => {
                    saw_data = true;
                    if matches!(&error, Some(e) if !e.ok()) {
                        map.next_value::<IgnoredAny>()?;
                        continue;
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
        if error.is_none() && !saw_data {
            let location = self.ctx.at_record(format!("page {}", page.number));
            return Err(self.fail(IngestError::invalid(
                location,
                "expected an API response page with `data` and `error`, found an object with \
                 neither (a bare video object?); save the whole API response",
            )));
        }
        self.finish_page(error, page).map_err(|e| self.fail(e))
    }

    fn take_failure(&mut self) -> Option<IngestError> {
        self.failure.take()
    }
}

impl Display<'_, '_> {
    fn fail<E: de::Error>(&mut self, error: IngestError) -> E {
        self.failure = Some(error);
        E::custom(Fail)
    }

    fn video(&mut self, page: &mut Page, raw: RawJson, n: usize) -> Result<(), IngestError> {
        let record = format!("page {}, video {n}", page.number);
        let location = self.ctx.at_record(record.clone());
        let parsed: DisplayVideo = fits(
            serde_json::from_str(&raw.0),
            "a Display API video object",
            &location,
        )?;
        let id = match &parsed.id {
            Some(s) => video_id(s).map_err(|e| IngestError::value(location.clone(), "id", e))?,
            None => {
                return Err(IngestError::invalid(
                    location,
                    "expected an `id` in every video object (request it with `fields=id,...`), found none",
                ))
            }
        };
        let location = self.ctx.at_record(format!("{record} (`{id}`)"));
        let at = |field: &str, e: ValueError| IngestError::value(location.clone(), field, e);

        let mut video = Video::with_id(id);
        video.author_handle = self.ctx.options.account.clone();
        if let Some(t) = &parsed.create_time {
            if let Some((secs, day)) = unix_time(t).map_err(|e| at("create_time", e))? {
                video.created_at = Some(secs);
                video.posted_on = Some(day);
            }
        }
        video.caption =
            text(parsed.video_description.as_ref()).map_err(|e| at("video_description", e))?;
        video.title = match text(parsed.title.as_ref()).map_err(|e| at("title", e))? {
            Some(t) => Some(t),
            None => video.caption.as_deref().and_then(title_from_caption),
        };
        video.url = text(parsed.share_url.as_ref()).map_err(|e| at("share_url", e))?;
        self.own.video(video.url.as_deref());
        video.duration_s = seconds(parsed.duration.as_ref()).map_err(|e| at("duration", e))?;
        let c = |field: &str, v: &Option<Scalar>| count(v.as_ref()).map_err(|e| at(field, e));
        // The Display API has no saves, watch time, reach or traffic sources.
        let metrics = Metrics {
            views: c("view_count", &parsed.view_count)?,
            likes: c("like_count", &parsed.like_count)?,
            comments: c("comment_count", &parsed.comment_count)?,
            shares: c("share_count", &parsed.share_count)?,
            ..Metrics::default()
        };
        let item = VideoItem {
            location,
            raw: raw.0,
            video,
            metrics,
        };
        match page.streaming_at {
            Some(at) => self.push_video(item, at),
            None => {
                let (bytes, location) = (item.raw.len(), item.location.clone());
                page.held.push(item, bytes, "videos", &location)
            }
        }
    }

    fn push_video(&mut self, item: VideoItem, observed_at: i64) -> Result<(), IngestError> {
        let video_id = item.video.platform_id.clone();
        let mut records = vec![Record::Video(item.video)];
        if !item.metrics.is_empty() {
            records.push(Record::Observation(Observation {
                video_id,
                observed_at,
                source: SourceFormat::DisplayVideoList,
                metrics: item.metrics,
            }));
        }
        push(self.sink, item.location, Some(item.raw), records)
    }

    fn finish_page(
        &mut self,
        error: Option<ErrorObject>,
        mut page: Page,
    ) -> Result<(), IngestError> {
        let location = self.ctx.at_record(format!("page {}", page.number));
        let log_id = match &error {
            Some(e) if e.ok() => e.log_id(),
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
                return Err(IngestError::invalid(
                    location,
                    format!(
                        "the API answered with an error instead of data (code `{code}`: \
                         `{message}`{log}); request the page again and save the successful response"
                    ),
                ));
            }
            None => {
                self.sink.warn(Warning {
                    location: location.clone(),
                    message: "the page has no `error` object; read as a successful response".into(),
                });
                None
            }
        };
        if page.held.is_empty() {
            return Ok(());
        }
        let observed_at = match page.streaming_at {
            Some(t) => t,
            None => self.clock.observed_at(
                self.ctx,
                log_id.as_deref(),
                "log_id",
                self.sink,
                &location,
            )?,
        };
        for item in page.held.take() {
            self.push_video(item, observed_at)?;
        }
        Ok(())
    }
}

/// Walks `data`, handing each video to [`Display::video`].
struct DataSeed<'a, 'c, 's> {
    state: &'a mut Display<'c, 's>,
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
            if key != "videos" {
                map.next_value::<IgnoredAny>()?;
                continue;
            }
            if let Some(e) = next_list(
                &mut map,
                "`videos` to be a list of video objects",
                |raw, n| state.video(page, raw, n),
            )? {
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

    fn read(text: &str, options: &Options) -> (Result<SourceFormat, IngestError>, VecSink) {
        let ctx = Context::new("list.json", options);
        let mut sink = VecSink::default();
        let result = parse(text.as_bytes(), &ctx, &mut sink);
        (result, sink)
    }

    #[test]
    fn data_first_pages_are_dated_by_the_log_id() {
        let text = r#"{"data":{"videos":[{"id":"7412345678901234567","title":"","video_description":"Sleep tips #sleep",
            "create_time":1725000000,"duration":21,"view_count":5400,"like_count":310}],"cursor":0,"has_more":false},
            "error":{"code":"ok","message":"","log_id":"20240901120000ABCDEF"}}"#;
        let (result, sink) = read(text, &Options::default());
        assert!(
            matches!(result, Ok(SourceFormat::DisplayVideoList)),
            "{result:?}"
        );
        let videos = sink.videos();
        assert_eq!(videos[0].title.as_deref(), Some("Sleep tips #sleep"));
        assert_eq!(videos[0].duration_s, Some(21.0));
        let obs = sink.observations();
        assert_eq!(obs[0].observed_at, 1_725_192_000);
        assert_eq!(obs[0].metrics.saves, None);
        assert_eq!(obs[0].metrics.comments, None);
    }

    #[test]
    fn an_error_page_is_an_error_quoting_code_and_log_id() {
        let text = r#"{"data":{},"error":{"code":"access_token_invalid","message":"The access token is invalid","log_id":"2024X"}}"#;
        let (result, sink) = read(text, &Options::default());
        let e = result.err().map(|e| e.to_string()).unwrap_or_default();
        assert!(
            e.contains("access_token_invalid")
                && e.contains("The access token is invalid")
                && e.contains("2024X"),
            "{e}"
        );
        assert!(sink.items.is_empty());
    }

    /// A page of videos whose `share_url`s name `handles`, in order.
    fn page_linking_to(handles: &[&str]) -> String {
        let videos: Vec<String> = handles
            .iter()
            .enumerate()
            .map(|(i, h)| {
                format!(
                    r#"{{"id":"74123456789012345{i:02}","view_count":1,"share_url":"https://www.tiktok.com/@{h}/video/74123456789012345{i:02}?utm_source=x"}}"#
                )
            })
            .collect();
        format!(
            r#"{{"data":{{"videos":[{}]}},"error":{{"code":"ok","log_id":"20240901120000ABCDEF"}}}}"#,
            videos.join(",")
        )
    }

    #[test]
    fn share_urls_naming_another_handle_give_one_warning_and_still_import() {
        let options = Options {
            account: Some("synthetic_kmb_lab".into()),
            ..Options::default()
        };
        let (result, sink) = read(
            &page_linking_to(&["another_lab", "another_lab", "Synthetic_KMB_Lab"]),
            &options,
        );
        assert!(result.is_ok(), "{result:?}");
        assert_eq!(sink.videos().len(), 3);
        assert!(sink
            .videos()
            .iter()
            .all(|v| v.author_handle.as_deref() == Some("synthetic_kmb_lab")));
        assert_eq!(sink.warnings.len(), 1, "{:?}", sink.warnings);
        let w = &sink.warnings[0];
        assert_eq!(w.location, Location::file("list.json"));
        assert!(
            w.message.starts_with(
                "2 of the file's 3 videos link to @another_lab, not to the project's account \
                 @synthetic_kmb_lab (set in `uptake.toml`, `[account] handle`). A Display API \
                 video list describes the account that downloaded it"
            ),
            "{}",
            w.message
        );
    }

    #[test]
    fn share_urls_naming_the_own_handle_in_any_case_give_no_warning() {
        let options = Options {
            account: Some("@synthetic_kmb_lab".into()),
            ..Options::default()
        };
        let (result, sink) = read(
            &page_linking_to(&["synthetic_kmb_lab", "SYNTHETIC_KMB_LAB"]),
            &options,
        );
        assert!(result.is_ok(), "{result:?}");
        assert!(sink.warnings.is_empty(), "{:?}", sink.warnings);
        // Without a configured handle there is nothing to compare with.
        let (_, sink) = read(&page_linking_to(&["another_lab"]), &Options::default());
        assert!(sink.warnings.is_empty(), "{:?}", sink.warnings);
    }

    #[test]
    fn videos_of_a_failed_page_are_not_pushed() {
        let text = r#"{"data":{"videos":[{"id":"1","view_count":1}]},"error":{"code":"rate_limit_exceeded"}}"#;
        let (result, sink) = read(text, &Options::default());
        assert!(result.is_err());
        assert!(sink.items.is_empty());
    }
}
