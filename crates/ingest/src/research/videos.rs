//! Video objects (§1.2): the video and the metrics of its observation.

use super::{Body, Pending, Research, Spot};
use crate::api_json::{
    count, fits, seconds, text, title_from_caption, unix_time, video_id, warn_nul, Scalar,
};
use crate::error::IngestError;
use crate::number::ValueError;
use crate::privacy::Person;
use serde::Deserialize;
use serde_json::Value;
use uptake_model::{Metrics, Video};

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

impl Research<'_, '_> {
    pub(super) fn video(
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
}
