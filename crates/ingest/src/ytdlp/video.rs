//! One info dict mapped to a [`Video`] and, when it has counts, an
//! [`Observation`]: the fields uptake reads (`Info`), the author's
//! pseudonym, TikTok's possibly rounded counts, and pushing the records
//! (emitted at once or held for the playlist's `epoch`).

use super::scrub::scrub_info;
use super::YtDlp;
use crate::api_json::{
    count, fits, json_kind, push, seconds, strip_nul, text, unix_time, video_id, warn_nul, Fail,
    Held, Scalar,
};
use crate::error::{IngestError, Location};
use crate::number::{handle_from_link, ValueError};
use crate::privacy::Person;
use crate::sink::{Record, Warning};
use chrono::NaiveDate;
use serde::de;
use serde::Deserialize;
use serde_json::Value;
use uptake_model::{Count, Metrics, Observation, SourceFormat, Video};

/// The fields of an info dict that uptake reads. Every one is optional.
#[derive(Deserialize)]
struct Info {
    #[serde(rename = "_type")]
    kind: Option<Scalar>,
    id: Option<Scalar>,
    title: Option<Scalar>,
    description: Option<Scalar>,
    uploader: Option<Scalar>,
    uploader_id: Option<Scalar>,
    uploader_url: Option<Scalar>,
    webpage_url: Option<Scalar>,
    original_url: Option<Scalar>,
    url: Option<Scalar>,
    channel: Option<Scalar>,
    channel_id: Option<Scalar>,
    creator: Option<Scalar>,
    extractor_key: Option<Scalar>,
    ie_key: Option<Scalar>,
    timestamp: Option<Scalar>,
    upload_date: Option<Scalar>,
    duration: Option<Scalar>,
    view_count: Option<Scalar>,
    like_count: Option<Scalar>,
    comment_count: Option<Scalar>,
    repost_count: Option<Scalar>,
    save_count: Option<Scalar>,
    epoch: Option<Scalar>,
    comments: Option<Vec<Value>>,
}

/// A parsed video, possibly waiting for its playlist's `epoch`.
pub(super) struct Parsed {
    location: Location,
    raw: String,
    video: Video,
    metrics: Metrics,
    epoch: Option<i64>,
}

impl YtDlp<'_, '_> {
    pub(super) fn fail<E: de::Error>(&mut self, error: IngestError) -> E {
        self.failure = Some(error);
        E::custom(Fail)
    }

    pub(super) fn location(&self, line: Option<u64>, record: String) -> Location {
        Location {
            file: self.ctx.name.clone(),
            line,
            record: Some(record),
        }
    }

    /// Reads one info dict. `None` when it is skipped (not TikTok).
    pub(super) fn video(
        &mut self,
        mut value: Value,
        line: Option<u64>,
        label: &str,
    ) -> Result<Option<Parsed>, IngestError> {
        let location = self.location(line, label.to_string());
        if !value.is_object() {
            return Err(IngestError::invalid(
                location,
                format!("expected a video info object, found {}", json_kind(&value)),
            ));
        }
        let nul_fields = strip_nul(&mut value);
        let info: Info = fits(Info::deserialize(&value), "a yt-dlp info object", &location)?;
        let extractor = [&info.extractor_key, &info.ie_key]
            .into_iter()
            .flatten()
            .find_map(|s| s.clone().into_text());
        if let Some(x) = extractor.filter(|x| !x.starts_with("TikTok")) {
            self.sink.warn(Warning {
                location,
                message: format!("skipped: extracted by yt-dlp's `{x}`, not TikTok"),
            });
            return Ok(None);
        }
        let id = match &info.id {
            Some(id) => video_id(id).map_err(|e| IngestError::value(location.clone(), "id", e))?,
            None => {
                return Err(IngestError::invalid(
                    location,
                    "expected an `id` in every video info object, found none",
                ))
            }
        };
        let location = self.location(line, format!("{label} (`{id}`)"));
        warn_nul(self.sink, &location, &nul_fields);
        let at = |field: &str, e: ValueError| IngestError::value(location.clone(), field, e);
        let t = |field: &str, v: &Option<Scalar>| text(v.as_ref()).map_err(|e| at(field, e));

        let title = t("title", &info.title)?;
        let description = t("description", &info.description)?;
        let links = [
            t("uploader_url", &info.uploader_url)?,
            t("webpage_url", &info.webpage_url)?,
            t("original_url", &info.original_url)?,
            t("url", &info.url)?,
        ];
        let handle = match t("uploader", &info.uploader)? {
            Some(h) => Some(h),
            None => links.iter().flatten().find_map(|l| handle_from_link(l)),
        };
        let user_id = t("uploader_id", &info.uploader_id)?;
        let author = self.ctx.person(Person {
            user_id: user_id.as_deref(),
            handle: handle.as_deref(),
        })?;

        let mut video = Video::with_id(id);
        if let Some(ts) = &info.timestamp {
            if let Some((secs, day)) = unix_time(ts).map_err(|e| at("timestamp", e))? {
                video.created_at = Some(secs);
                video.posted_on = Some(day);
            }
        }
        if video.posted_on.is_none() {
            if let Some(d) = t("upload_date", &info.upload_date)? {
                let day = NaiveDate::parse_from_str(d.trim(), "%Y%m%d")
                    .ok()
                    .filter(|day| crate::number::date_in_tiktok_era(*day))
                    .ok_or_else(|| {
                        at(
                            "upload_date",
                            ValueError {
                                expected: "a date `YYYYMMDD` from 2010 to 2099",
                                found: d.chars().take(60).collect(),
                                hint: None,
                            },
                        )
                    })?;
                video.posted_on = Some(day);
            }
        }
        video.caption = match &description {
            Some(d) => Some(d.clone()),
            None => title.clone().filter(|t| !looks_truncated(t)),
        };
        video.title = title;
        video.duration_s = seconds(info.duration.as_ref()).map_err(|e| at("duration", e))?;
        // A link names the author (`/@handle/video/…`): kept only when the
        // handle itself may be kept.
        video.url = t("webpage_url", &info.webpage_url)?
            .filter(|u| author.handle.is_some() || handle_from_link(u).is_none());
        video.author_key = author.key;
        video.author_handle = author.handle;

        let mut rounded = 0;
        let mut c = |field: &str, v: &Option<Scalar>| -> Result<Option<Count>, IngestError> {
            let n = count(v.as_ref()).map_err(|e| at(field, e))?;
            Ok(n.map(|n| {
                if possibly_rounded(n.value) {
                    rounded += 1;
                    Count::approx(n.value)
                } else {
                    n
                }
            }))
        };
        let metrics = Metrics {
            views: c("view_count", &info.view_count)?,
            likes: c("like_count", &info.like_count)?,
            comments: c("comment_count", &info.comment_count)?,
            shares: c("repost_count", &info.repost_count)?,
            saves: c("save_count", &info.save_count)?,
            ..Metrics::default()
        };
        self.rounded += rounded;
        let epoch = match &info.epoch {
            Some(e) => unix_time(e).map_err(|e| at("epoch", e))?.map(|(s, _)| s),
            None => None,
        };
        self.comments += info.comments.as_ref().map_or(0, Vec::len);
        if matches!(&info.kind, Some(Scalar::Text(k)) if k == "playlist") {
            return Err(IngestError::invalid(
                location,
                "expected a video or a playlist with `entries`, found a playlist without \
                 `entries`",
            ));
        }

        // Everything that names the author, for scrubbing other strings.
        let mut tokens: Vec<String> = [
            handle,
            user_id,
            t("channel", &info.channel)?,
            t("channel_id", &info.channel_id)?,
            t("creator", &info.creator)?,
        ]
        .into_iter()
        .flatten()
        .map(|s| s.trim().trim_start_matches('@').to_string())
        .filter(|s| !s.is_empty())
        .collect();
        tokens.sort_by_key(|s| std::cmp::Reverse(s.len()));
        tokens.dedup();
        let raw = scrub_info(&value, &tokens).to_string();
        Ok(Some(Parsed {
            location,
            raw,
            video,
            metrics,
            epoch,
        }))
    }

    /// Pushes a video and, when it has metrics, its observation.
    pub(super) fn emit(
        &mut self,
        parsed: Parsed,
        fallback_epoch: Option<i64>,
    ) -> Result<(), IngestError> {
        let Parsed {
            location,
            raw,
            video,
            metrics,
            epoch,
        } = parsed;
        self.videos += 1;
        let video_id = video.platform_id.clone();
        let mut records = vec![Record::Video(video)];
        if !metrics.is_empty() {
            let observed_at = self.clock.resolve(
                self.ctx,
                epoch.or(fallback_epoch),
                "no `epoch`",
                self.sink,
                &location,
            )?;
            records.push(Record::Observation(Observation {
                video_id,
                observed_at,
                source: SourceFormat::YtDlp,
                metrics,
            }));
        }
        push(self.sink, location, Some(raw), records)
    }

    /// One playlist entry: emitted now when its time is known, else held.
    pub(super) fn entry(
        &mut self,
        value: Value,
        label: String,
        playlist_epoch: Option<i64>,
        held: &mut Held<Parsed>,
    ) -> Result<(), IngestError> {
        if value.is_null() {
            self.sink.warn(Warning {
                location: self.location(None, label),
                message: "skipped an empty (`null`) playlist entry: yt-dlp could not extract it"
                    .into(),
            });
            return Ok(());
        }
        // A playlist of playlists (rare): walk the inner entries.
        if let Some(Value::Array(inner)) = value.get("entries") {
            for (i, v) in inner.iter().enumerate() {
                self.entry(
                    v.clone(),
                    format!("{label}, entry {}", i + 1),
                    playlist_epoch,
                    held,
                )?;
            }
            return Ok(());
        }
        let Some(parsed) = self.video(value, None, &label)? else {
            return Ok(());
        };
        if parsed.metrics.is_empty() || parsed.epoch.is_some() || playlist_epoch.is_some() {
            self.emit(parsed, playlist_epoch)
        } else {
            let (bytes, location) = (parsed.raw.len(), parsed.location.clone());
            held.push(parsed, bytes, "playlist entries", &location)
        }
    }
}

/// True for a title yt-dlp shortened (72 characters ending in `...`).
fn looks_truncated(title: &str) -> bool {
    title.ends_with("...") && title.chars().count() >= 70
}

/// True when `v` is at least 10 000 and all its digits after the third are
/// zero: the shape of TikTok's rounded page counts (`44200000`).
pub(crate) fn possibly_rounded(v: i64) -> bool {
    if v < 10_000 {
        return false;
    }
    let digits = v.to_string().len() as u32;
    let unit = 10i64.saturating_pow(digits.saturating_sub(3));
    unit > 0 && v % unit == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rounding_rule() {
        for (v, want) in [
            (9_000, false),
            (10_000, true),
            (15_230, false),
            (15_200, true),
            (133_000, true),
            (133_100, false),
            (44_200_000, true),
            (44_200_001, false),
            (3_400_000, true),
        ] {
            assert_eq!(possibly_rounded(v), want, "{v}");
        }
    }

    #[test]
    fn truncated_titles() {
        let long = format!("{}...", "x".repeat(69));
        assert!(looks_truncated(&long));
        assert!(!looks_truncated("Wait for it..."));
    }
}
