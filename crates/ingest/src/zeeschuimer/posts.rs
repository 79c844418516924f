//! Post captures (`source_platform = "tiktok.com"`), in both shapes (API item
//! with an `author` object; flattened page-state item with the handle in
//! `author` and `authorId` beside it): the video, its observation from
//! `statsV2` or else `stats` (rounded values flagged approximate), and the
//! author's profile counts from `authorStats` / `authorStatsV2`.

use super::capture::{
    Captured, F_AUTHOR_HANDLE, F_AUTHOR_ID, F_AUTHOR_STATS, F_AUTHOR_STATS_V2, F_CREATE_TIME,
    F_DESC, F_DURATION, F_ID, F_ITEM_ID, F_STATS, F_STATS_V2,
};
use super::tally::Tally;
use crate::api_json::{count, seconds, text, unix_time, video_id, Scalar};
use crate::error::IngestError;
use crate::number::ValueError;
use crate::privacy::Person;
use crate::sink::Record;
use crate::Context;
use uptake_model::{Count, Metrics, Observation, ProfileSnapshot, SourceFormat, Video};

/// The records of a post capture: the video, its observation, and the
/// author's profile counts.
pub(super) fn post(
    cap: &Captured,
    observed_at: i64,
    ctx: &Context,
    number: u64,
    tally: &mut Tally,
) -> Result<Vec<Record>, IngestError> {
    let at = |field: &str, e: ValueError| IngestError::value(ctx.at_line(number), field, e);
    let id = match cap.get(F_ID) {
        Some(s) => video_id(s).map_err(|e| at("data.id", e))?,
        None => cap
            .get(F_ITEM_ID)
            .map(video_id)
            .transpose()
            .map_err(|e| at("item_id", e))?
            .unwrap_or_default(),
    };
    let author = ctx.person(Person {
        user_id: cap.text_ref(F_AUTHOR_ID),
        handle: cap.text_ref(F_AUTHOR_HANDLE),
    })?;

    let mut video = Video::with_id(id.clone());
    if let Some(t) = cap.get(F_CREATE_TIME) {
        if let Some((secs, day)) = unix_time(t).map_err(|e| at("data.createTime", e))? {
            video.created_at = Some(secs);
            video.posted_on = Some(day);
        }
    }
    video.caption = text(cap.get(F_DESC)).map_err(|e| at("data.desc", e))?;
    // Photo carousels carry `video.duration` 0: no duration, not zero.
    video.duration_s = seconds(cap.get(F_DURATION))
        .map_err(|e| at("data.video.duration", e))?
        .filter(|d| *d > 0.0);
    video.url = Some(match &author.handle {
        Some(h) => format!("https://www.tiktok.com/@{h}/video/{id}"),
        None => format!("https://www.tiktok.com/video/{id}"),
    });
    video.author_key = author.key.clone();
    video.author_handle = author.handle.clone();

    let mut stat = |i: usize, name: &str| -> Result<Option<Count>, IngestError> {
        if let Some(v) = cap.get(F_STATS_V2 + i).filter(|s| **s != Scalar::Null) {
            return count(Some(v)).map_err(|e| at(&format!("data.statsV2.{name}"), e));
        }
        let c = count(cap.get(F_STATS + i)).map_err(|e| at(&format!("data.stats.{name}"), e))?;
        Ok(c.map(|c| {
            if looks_rounded(c.value) {
                tally.rounded += 1;
                Count::approx(c.value)
            } else {
                c
            }
        }))
    };
    let metrics = Metrics {
        views: stat(0, "playCount")?,
        likes: stat(1, "diggCount")?,
        comments: stat(2, "commentCount")?,
        shares: stat(3, "shareCount")?,
        saves: stat(4, "collectCount")?,
        ..Metrics::default()
    };

    let mut records = vec![Record::Video(video)];
    if !metrics.is_empty() {
        records.push(Record::Observation(Observation {
            video_id: id,
            observed_at,
            source: SourceFormat::Zeeschuimer,
            metrics,
        }));
    }
    if let Some(key) = author.key {
        let value = |i: usize, name: &str| -> Result<Option<i64>, IngestError> {
            let v2 = cap
                .get(F_AUTHOR_STATS_V2 + i)
                .filter(|s| **s != Scalar::Null);
            let (v, block) = match v2 {
                Some(v) => (Some(v), "authorStatsV2"),
                None => (cap.get(F_AUTHOR_STATS + i), "authorStats"),
            };
            count(v)
                .map(|c| c.map(|c| c.value))
                .map_err(|e| at(&format!("data.{block}.{name}"), e))
        };
        let likes = match value(3, "heartCount")? {
            Some(v) => Some(v),
            None => value(2, "heart")?,
        };
        let profile = ProfileSnapshot {
            author_key: key,
            observed_at,
            followers: value(0, "followerCount")?,
            following: value(1, "followingCount")?,
            likes,
            videos: value(4, "videoCount")?,
        };
        if profile.followers.is_some()
            || profile.following.is_some()
            || profile.likes.is_some()
            || profile.videos.is_some()
        {
            records.push(Record::Profile(profile));
        }
    }
    Ok(records)
}

/// True for a `stats` value that TikTok's page JSON has probably rounded:
/// at least 10 000 and ending in `00` (three significant digits of a
/// five-digit or longer number always leave two trailing zeros).
pub(crate) fn looks_rounded(value: i64) -> bool {
    value >= 10_000 && value % 100 == 0
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::zeeschuimer::parse;
    use crate::{Options, VecSink};

    #[test]
    fn rounding_rule() {
        assert!(looks_rounded(15_200));
        assert!(looks_rounded(3_400_000));
        assert!(!looks_rounded(15_230));
        assert!(!looks_rounded(9_900));
        assert!(!looks_rounded(10_010));
    }

    #[test]
    fn numbers_as_strings_are_read_and_bad_ones_named() {
        let options = Options {
            secret: Some(uptake_model::PseudonymSecret::from_bytes([1; 32])),
            ..Options::default()
        };
        let ctx = Context::new("z.ndjson", &options);
        let mut sink = VecSink::default();
        let text = "{\"item_id\":\"9\",\"timestamp_collected\":1725010000123,\"source_platform\":\"tiktok.com\",\"data\":{\"id\":\"9\",\"stats\":{\"diggCount\":\"lots\"}}}\n";
        let e = parse(text.as_bytes(), &ctx, &mut sink)
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(
            e.contains("line 1") && e.contains("data.stats.diggCount") && e.contains("lots"),
            "{e}"
        );
    }
}
