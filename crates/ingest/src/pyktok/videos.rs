//! Rows of the video metadata CSV: the video, its observation and the
//! author's profile counts.

use super::scrub::scrub;
use super::table::Cells;
use super::State;
use crate::api_json::push;
use crate::error::IngestError;
use crate::number::{self, ValueError};
use crate::privacy::Person;
use crate::sink::{Record, Sink};
use chrono::DateTime;
use serde_json::Value;
use std::io::Read;
use uptake_model::{Metrics, Observation, ProfileSnapshot, SourceFormat, Video};

impl State<'_> {
    /// One row of video metadata: the video, its observation, and the
    /// author's profile counts.
    pub(super) fn video_row<R: Read>(
        &mut self,
        row: &Cells<R>,
        sink: &mut dyn Sink,
    ) -> Result<(), IngestError> {
        let location = row.location();
        let at = |field: &str, e: ValueError| IngestError::value(location.clone(), field, e);
        let id = number::parse_id(row.get("video_id")).map_err(|e| at("video_id", e))?;
        *self.rows_per_video.entry(id.clone()).or_insert(0) += 1;

        let created_at = self.local_time(
            "video_timestamp",
            row.get("video_timestamp"),
            &location,
            sink,
        )?;
        let (duration_field, duration) = row.first(&["video_duration", "video_length"]);
        let handle = row.get("author_username");
        let author = self.person(
            Person {
                user_id: None,
                handle: (!number::is_missing(handle)).then_some(handle),
            },
            &location,
        )?;
        let text = |name: &str| {
            let v = row.get(name);
            (!number::is_missing(v)).then(|| v.to_string())
        };
        let video = Video {
            platform_id: id.clone(),
            author_handle: author.handle.clone(),
            author_key: author.key.clone(),
            created_at,
            posted_on: created_at
                .and_then(|t| DateTime::from_timestamp(t, 0))
                .map(|d| d.date_naive()),
            title: text("video_title"),
            caption: text("video_description"),
            duration_s: number::parse_duration_s(duration).map_err(|e| at(duration_field, e))?,
            url: None,
        };

        let observed_at = self.observed_at(&location, sink).ok_or_else(|| {
            IngestError::invalid(
                location.clone(),
                "cannot tell when these numbers were observed: pyktok records no capture time \
                 and the file has no modification time; pass `--observed-at`",
            )
        })?;
        let metrics = Metrics {
            views: self.stat("video_playcount", row.get("video_playcount"), &location)?,
            likes: self.stat("video_diggcount", row.get("video_diggcount"), &location)?,
            comments: self.stat(
                "video_commentcount",
                row.get("video_commentcount"),
                &location,
            )?,
            shares: self.stat("video_sharecount", row.get("video_sharecount"), &location)?,
            ..Metrics::default()
        };
        let profile_count = |field: &'static str| -> Result<Option<i64>, IngestError> {
            Ok(number::parse_total(row.get(field))
                .map_err(|e| at(field, e))?
                .map(|c| c.value))
        };
        let profile = ProfileSnapshot {
            author_key: author.key.clone().unwrap_or_default(),
            observed_at,
            followers: profile_count("author_followercount")?,
            following: profile_count("author_followingcount")?,
            likes: profile_count("author_heartcount")?,
            videos: profile_count("author_videocount")?,
        };

        let mut records = vec![Record::Video(video)];
        if !metrics.is_empty() {
            records.push(Record::Observation(Observation {
                video_id: id,
                observed_at,
                source: SourceFormat::PyktokVideos,
                metrics,
            }));
        }
        let has_profile = profile.followers.is_some()
            || profile.following.is_some()
            || profile.likes.is_some()
            || profile.videos.is_some();
        if author.key.is_some() && has_profile {
            records.push(Record::Profile(profile));
        }
        let raw = row.raw(|column, cell| match column {
            // The current code path may put the whole `author` object here
            // (§6); only a boolean is kept, anything else is unknown.
            "author_verified" => (!matches!(cell.trim(), "True" | "False" | ""))
                .then(|| Value::String("[removed]".into())),
            _ => None,
        });
        push(
            sink,
            location,
            Some(scrub(Value::Object(raw)).to_string()),
            records,
        )
    }
}
