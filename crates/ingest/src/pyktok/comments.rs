//! Rows of the comment CSVs: pandas dumps of TikTok comment objects (nested
//! values in Python repr) and late-2022 `save_visible_comments` tables.

use super::scrub::scrub;
use super::table::Cells;
use super::{repr, value_error, State};
use crate::api_json::{push, unix_time, Scalar};
use crate::error::IngestError;
use crate::number::{self, ValueError};
use crate::privacy::Person;
use crate::sink::{Record, Sink, Warning};
use serde_json::Value;
use std::io::Read;
use uptake_model::{Comment, Video};

impl State<'_> {
    /// One row of a comment dump (TikTok comment objects, §4.3).
    pub(super) fn comment_row<R: Read>(
        &mut self,
        row: &Cells<R>,
        sink: &mut dyn Sink,
    ) -> Result<(), IngestError> {
        let location = row.location();
        let at = |field: &str, e: ValueError| IngestError::value(location.clone(), field, e);
        let id = number::parse_id(row.get("cid")).map_err(|e| at("cid", e))?;

        // Nested Python values, read once: for the fields used and the raw record.
        let mut unreadable: Vec<String> = Vec::new();
        let mut user: Option<Value> = None;
        let mut user_error: Option<repr::ReprError> = None;
        let mut share_info: Option<Value> = None;
        let raw = row.raw(|column, cell| {
            let t = cell.trim();
            let nested = column == "user"
                || column == "share_info"
                || (!matches!(column, "text" | "comment")
                    && (t.starts_with('{') || t.starts_with('[') || t.starts_with('(')));
            if !nested || number::is_missing(t) {
                return None;
            }
            match repr::parse(t) {
                Ok(v) => {
                    if column == "user" {
                        user = Some(v.clone());
                    } else if column == "share_info" {
                        share_info = Some(v.clone());
                    }
                    Some(v)
                }
                Err(e) => {
                    if column == "user" {
                        user_error = Some(e);
                    }
                    unreadable.push(column.to_string());
                    Some(Value::String("[removed]".into()))
                }
            }
        });
        if let Some(e) = user_error {
            return Err(at(
                "user",
                ValueError {
                    expected: "a Python dict such as `{'uid': '…', 'unique_id': '…'}`",
                    found: format!("a malformed value: {e}"),
                    hint: None,
                },
            ));
        }
        for column in unreadable {
            if !self.unreadable_columns.contains(&column) {
                sink.warn(Warning {
                    location: location.clone(),
                    message: format!(
                        "column `{column}` holds text that is not a Python value; it is left \
                         out of the raw record"
                    ),
                });
                self.unreadable_columns.push(column);
            }
        }

        let video_id = match row.get("aweme_id") {
            v if !number::is_missing(v) => number::parse_id(v).map_err(|e| at("aweme_id", e))?,
            _ => share_info
                .as_ref()
                .and_then(|s| s.get("url"))
                .and_then(Value::as_str)
                .and_then(|url| number::video_id_from_link(url).ok())
                .ok_or_else(|| {
                    at(
                        "aweme_id",
                        value_error("the video id (or a `share_info` with the video's url)", ""),
                    )
                })?,
        };
        let parent = |field: &'static str| -> Result<Option<String>, IngestError> {
            let v = row.get(field);
            if number::is_missing(v) || v == "0" || v == "0.0" {
                return Ok(None);
            }
            number::parse_id(v).map(Some).map_err(|e| at(field, e))
        };
        // The direct parent: the reply replied to inside a thread, else the
        // thread's top-level comment.
        let parent_id = match parent("reply_to_reply_id")? {
            Some(p) => Some(p),
            None => parent("reply_id")?,
        };
        let user_text = |key: &str| -> Option<String> {
            match user.as_ref()?.get(key)? {
                Value::String(s) => Some(s.clone()),
                Value::Number(n) => Some(n.to_string()),
                _ => None,
            }
        };
        let uid = user_text("uid");
        let handle = user_text("unique_id");
        let author = self.person(
            Person {
                user_id: uid.as_deref(),
                handle: handle.as_deref(),
            },
            &location,
        )?;
        let count =
            |field: &'static str| number::parse_total(row.get(field)).map_err(|e| at(field, e));
        let language = row.get("comment_language");
        let comment = Comment {
            platform_id: id,
            video_id: video_id.clone(),
            parent_id,
            author_key: author.key,
            author_handle: author.handle,
            created_at: created_at(row.get("create_time")).map_err(|e| at("create_time", e))?,
            text: row.get_untrimmed("text"),
            likes: count("digg_count")?,
            replies: count("reply_comment_total")?,
            language: (!number::is_missing(language)).then(|| language.to_string()),
            observed_at: self.observed_at(&location, sink),
        };
        let mut records = Vec::with_capacity(2);
        if self.videos_seen.insert(video_id.clone()) {
            records.push(Record::Video(Video::with_id(video_id)));
        }
        records.push(Record::Comment(comment));
        push(
            sink,
            location,
            Some(scrub(Value::Object(raw)).to_string()),
            records,
        )
    }

    /// One row of `save_visible_comments` (late 2022).
    pub(super) fn visible_comment_row<R: Read>(
        &mut self,
        row: &Cells<R>,
        sink: &mut dyn Sink,
    ) -> Result<(), IngestError> {
        let location = row.location();
        let at = |field: &str, e: ValueError| IngestError::value(location.clone(), field, e);
        let id = number::parse_id(row.get("comment_id")).map_err(|e| at("comment_id", e))?;
        let video_id =
            number::video_id_from_link(row.get("video_url")).map_err(|e| at("video_url", e))?;
        let handle = row.get("screen_name");
        let author = self.person(
            Person {
                user_id: None,
                handle: (!number::is_missing(handle)).then_some(handle),
            },
            &location,
        )?;
        let observed_at =
            match self.local_time("time_collected", row.get("time_collected"), &location, sink)? {
                Some(t) => Some(t),
                None => self.observed_at(&location, sink),
            };
        let comment = Comment {
            platform_id: id,
            video_id: video_id.clone(),
            author_key: author.key,
            author_handle: author.handle,
            text: row.get_untrimmed("comment"),
            likes: number::parse_total(row.get("like_count")).map_err(|e| at("like_count", e))?,
            observed_at,
            ..Comment::default()
        };
        let mut records = Vec::with_capacity(2);
        if self.videos_seen.insert(video_id.clone()) {
            records.push(Record::Video(Video::with_id(video_id)));
        }
        records.push(Record::Comment(comment));
        let raw = row.raw(|_, _| None);
        push(
            sink,
            location,
            Some(scrub(Value::Object(raw)).to_string()),
            records,
        )
    }
}

/// A comment's `create_time`: Unix seconds as TikTok gave them, which pandas
/// writes as `1725000000`, or `1725000000.0` when the column has gaps. Not a
/// count: `1.2K` or a negative number is an error, not a time.
fn created_at(text: &str) -> Result<Option<i64>, ValueError> {
    if number::is_missing(text) {
        return Ok(None);
    }
    let t = text.trim();
    let t = t.strip_suffix(".0").unwrap_or(t);
    Ok(unix_time(&Scalar::Text(t.to_string()))?.map(|(secs, _)| secs))
}
