//! Business video lists (`/business/video/list/`): each video object
//! becomes a [`Video`] and, when it carries numbers, an [`Observation`]
//! dated by the page's observation time.
//!
//! The list describes the account whose token requested it, so its videos
//! are stored as the project's account; a file whose `share_url`s name
//! another handle is imported with one warning (see
//! [`crate::studio::own_account`]).

use super::{json, push, Business, Page};
use crate::api_json::{
    count, entries, fits, fraction, seconds, text, unix_time, video_id, Entry, RawJson, Scalar,
};
use crate::error::{IngestError, Location};
use crate::number::ValueError;
use crate::sink::{Record, Warning};
use serde::Deserialize;
use uptake_model::{Metrics, Observation, SourceFormat, Video};

/// A parsed video waiting for its observation time.
pub(super) struct VideoItem {
    location: Location,
    raw: String,
    video: Video,
    metrics: Metrics,
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

impl Business<'_, '_> {
    /// Parses one video object and pushes it (or holds it until the page's
    /// envelope is known).
    pub(super) fn video(
        &mut self,
        page: &mut Page,
        raw: RawJson,
        n: usize,
    ) -> Result<(), IngestError> {
        let record = format!("page {}, video {n}", page.number);
        let location = self.ctx.at_record(record.clone());
        let parsed: BusinessVideo = fits(
            serde_json::from_str(&raw.0),
            "a Business API video object",
            &location,
        )?;
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
        self.own.video(video.url.as_deref());
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
                let (bytes, location) = (item.raw.len(), item.location.clone());
                page.held_videos.push(item, bytes, "videos", &location)
            }
        }
    }

    pub(super) fn push_video(
        &mut self,
        item: VideoItem,
        observed_at: i64,
    ) -> Result<(), IngestError> {
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
}

#[cfg(test)]
mod tests {
    use crate::sink::Warning;
    use crate::{Context, Location, Options, VecSink};

    /// Reads one video-list page whose `share_url`s name `handles`, in a
    /// project whose handle is `account`.
    fn read_linking_to(account: Option<&str>, handles: &[&str]) -> VecSink {
        let videos: Vec<String> = handles
            .iter()
            .enumerate()
            .map(|(i, h)| {
                format!(
                    r#"{{"item_id":"74123456789012345{i:02}","video_views":5,"share_url":"https://www.tiktok.com/@{h}/video/74123456789012345{i:02}"}}"#
                )
            })
            .collect();
        let text = format!(
            r#"{{"code":0,"message":"OK","request_id":"202409011200000000","data":{{"videos":[{}]}}}}"#,
            videos.join(",")
        );
        let options = Options {
            account: account.map(str::to_string),
            ..Options::default()
        };
        let ctx = Context::new("videos.json", &options);
        let mut sink = VecSink::default();
        let result = super::super::parse(text.as_bytes(), &ctx, &mut sink);
        assert!(result.is_ok(), "{result:?}");
        sink
    }

    fn only(warnings: &[Warning]) -> &Warning {
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        &warnings[0]
    }

    #[test]
    fn share_urls_naming_another_handle_give_one_warning_and_still_import() {
        let sink = read_linking_to(Some("synthetic_kmb_lab"), &["another_lab"; 4]);
        assert_eq!(sink.videos().len(), 4);
        let w = only(&sink.warnings);
        assert_eq!(w.location, Location::file("videos.json"));
        assert!(
            w.message.starts_with(
                "all 4 of the file's videos link to @another_lab, not to the project's account \
                 @synthetic_kmb_lab (set in `uptake.toml`, `[account] handle`). A Business API \
                 video list describes the account that downloaded it"
            ),
            "{}",
            w.message
        );
    }

    #[test]
    fn share_urls_naming_the_own_handle_in_any_case_give_no_warning() {
        let sink = read_linking_to(Some("synthetic_kmb_lab"), &["Synthetic_Kmb_Lab"; 2]);
        assert!(sink.warnings.is_empty(), "{:?}", sink.warnings);
        let sink = read_linking_to(None, &["another_lab"]);
        assert!(sink.warnings.is_empty(), "{:?}", sink.warnings);
    }
}
