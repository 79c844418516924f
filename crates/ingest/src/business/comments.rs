//! Business comment lists (`/business/comment/list/`): each comment and
//! the replies in its `reply_list` become [`Comment`]s with pseudonymised
//! authors and scrubbed raw records.

use super::{push, Business, Page};
use crate::api_json::{
    count, fits, json_kind, serde_text, strip_nul, text, unix_time, video_id, warn_nul, RawJson,
    Scalar,
};
use crate::error::{IngestError, Location};
use crate::number::ValueError;
use crate::privacy::{scrub_raw, Person};
use crate::sink::Record;
use serde::Deserialize;
use serde_json::Value;
use uptake_model::Comment;

/// One comment object and the comments it yields (itself and its replies),
/// waiting for the page's observation time.
pub(super) struct CommentItem {
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

impl Business<'_, '_> {
    /// Parses one comment object of `/business/comment/list/` with its
    /// replies, and pushes it (or holds it until the page's envelope is
    /// known).
    pub(super) fn comment(
        &mut self,
        page: &mut Page,
        raw: RawJson,
        n: usize,
    ) -> Result<(), IngestError> {
        let record = format!("page {}, comment {n}", page.number);
        let mut value: Value = serde_json::from_str(&raw.0).map_err(|e| {
            IngestError::invalid(
                self.ctx.at_record(record.clone()),
                // `raw` is the object as uptake rewrote it: serde_json's
                // position in it would mislead.
                format!(
                    "expected a Business API comment object, found: {}",
                    serde_text(&e)
                ),
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
                let (bytes, location) = (item.raw.len(), item.location.clone());
                page.held_comments
                    .push(item, bytes, "comment objects", &location)
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
        let parsed: BusinessComment = fits(
            BusinessComment::deserialize(value),
            "a Business API comment object",
            &location,
        )?;
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

    pub(super) fn push_comments(
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
