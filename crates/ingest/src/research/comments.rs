//! Comment objects (§1.3): replies to the video itself are top-level
//! comments; Research comments carry no author.

use super::{Body, Pending, Research, Spot};
use crate::api_json::{count, fits, text, unix_time, video_id, warn_nul, Scalar};
use crate::error::IngestError;
use crate::number::ValueError;
use serde::Deserialize;
use serde_json::Value;
use uptake_model::Comment;

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

impl Research<'_, '_> {
    pub(super) fn comment(
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
            // 0 for "no parent", as a number or as text.
            Some(p) if p.shown().trim() == "0" => None,
            Some(p) => {
                let p = video_id(p).map_err(|e| at("parent_comment_id", e))?;
                (p != video && p != id).then_some(p)
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
}
