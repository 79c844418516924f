//! Comment captures (`source_platform = "tiktok-comments"`, `formats.md`
//! §4.3): one [`Comment`] per capture, with its video, its parent in the
//! thread, its author and counts.

use super::capture::{
    Captured, F_AWEME_ID, F_CID, F_CREATE_TIME, F_DIGG_COUNT, F_ID, F_ITEM_ID, F_LANGUAGE,
    F_REPLY_ID, F_REPLY_TOTAL, F_REPLY_TO_REPLY_ID, F_TEXT, F_USER_HANDLE, F_USER_UID,
};
use crate::api_json::{count, text, unix_time, video_id, Scalar};
use crate::error::IngestError;
use crate::number::ValueError;
use crate::privacy::Person;
use crate::Context;
use uptake_model::Comment;

/// The record of a comment capture (`formats.md` §4.3).
pub(super) fn comment(
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
