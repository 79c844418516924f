//! The video list and a video's page: the list's filter and sort, one page
//! of videos with their latest metrics (walking an index on the sorted
//! metric), the whole list's order and a search's matches for the web app's
//! caches, and a video's observations.

use super::{like_pattern, Conditions, Page};
use crate::query::{OwnAccount, VideoOwner};
use crate::{LatestMetrics, Store, StoreError};
use chrono::NaiveDate;
use rusqlite::types::{ToSql, ValueRef};
use rusqlite::{params, params_from_iter, Row};
use std::collections::{HashMap, HashSet};
use uptake_model::{Count, Metrics, Share, Video};

/// How the video list is sorted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum VideoSort {
    /// Posting date (then creation time).
    #[default]
    Posted,
    /// Latest views.
    Views,
    /// Latest likes.
    Likes,
    /// Latest comment count.
    Comments,
    /// Latest shares.
    Shares,
    /// Latest saves.
    Saves,
}

impl VideoSort {
    /// Every sort, in column order.
    pub const ALL: [VideoSort; 6] = [
        VideoSort::Posted,
        VideoSort::Views,
        VideoSort::Likes,
        VideoSort::Comments,
        VideoSort::Shares,
        VideoSort::Saves,
    ];

    /// The key used in URLs, equal to the paper table's column key.
    pub fn key(self) -> &'static str {
        match self {
            VideoSort::Posted => "posted",
            VideoSort::Views => "views",
            VideoSort::Likes => "likes",
            VideoSort::Comments => "comments",
            VideoSort::Shares => "shares",
            VideoSort::Saves => "saves",
        }
    }

    /// The sort with this key.
    pub fn parse(key: &str) -> Option<VideoSort> {
        VideoSort::ALL.into_iter().find(|s| s.key() == key)
    }
}

/// The videos of one owner: the project's own account's, or other
/// creators' public ones ([`OwnAccount`] says which is which).
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct OwnerFilter {
    /// Whose videos.
    pub owner: VideoOwner,
    /// What identifies the own account.
    pub account: OwnAccount,
}

/// Which videos, in which order, which page.
#[derive(Debug, Clone, Default)]
pub struct VideoFilter {
    /// Only the own account's videos, or only other creators' (`None`: every
    /// video, own and public together).
    pub owner: Option<OwnerFilter>,
    /// Only these platform ids (a campaign).
    pub videos: Option<Vec<String>>,
    /// Words in the title or caption, or an exact video id.
    pub search: Option<String>,
    /// Posted on or after (inclusive).
    pub posted_from: Option<NaiveDate>,
    /// Posted on or before (inclusive).
    pub posted_to: Option<NaiveDate>,
    /// Order.
    pub sort: VideoSort,
    /// Largest first (nulls always last for metrics).
    pub descending: bool,
    /// Page size.
    pub limit: u32,
    /// Rows skipped.
    pub offset: u32,
}

/// One observation of a video, for its detail page.
#[derive(Debug, Clone, PartialEq)]
pub struct ObservationRow {
    /// When, UTC seconds.
    pub observed_at: i64,
    /// Source format.
    pub source: String,
    /// Import it came from.
    pub import_id: i64,
    /// Views.
    pub views: Option<i64>,
    /// Likes.
    pub likes: Option<i64>,
    /// Comments.
    pub comments: Option<i64>,
    /// Shares.
    pub shares: Option<i64>,
    /// Saves.
    pub saves: Option<i64>,
    /// Average watch time, seconds.
    pub avg_watch_s: Option<f64>,
    /// Full-watch rate, 0..1.
    pub full_watch_rate: Option<f64>,
    /// Bit per approximate count (as in `observations.approx_mask`).
    pub approx_mask: u32,
}

const VIDEO_COLUMNS: &str = "v.id, v.platform_id, v.author_handle, v.author_key, v.created_at, \
    v.posted_on, v.title, v.caption, v.duration_s, v.url, l.observations, l.newest_at, \
    l.views, l.views_approx, l.reach, l.reach_approx, l.likes, l.likes_approx, \
    l.comments, l.comments_approx, l.shares, l.shares_approx, l.saves, l.saves_approx, \
    l.new_followers, l.new_followers_approx, l.profile_views, l.profile_views_approx, \
    l.avg_watch_s, l.total_watch_s, l.full_watch_rate, l.traffic_sources, l.territories, l.genders";

fn shares(row: &Row, i: usize) -> rusqlite::Result<Vec<Share>> {
    Ok(match row.get_ref(i)? {
        ValueRef::Text(bytes) => std::str::from_utf8(bytes)
            .ok()
            .and_then(|t| serde_json::from_str::<Vec<(String, f64)>>(t).ok())
            .map(|pairs| {
                pairs
                    .into_iter()
                    .map(|(label, fraction)| Share { label, fraction })
                    .collect()
            })
            .unwrap_or_default(),
        _ => Vec::new(),
    })
}

/// Reads [`VIDEO_COLUMNS`].
fn video_row(r: &Row) -> rusqlite::Result<(i64, LatestMetrics)> {
    let count = |i: usize| -> rusqlite::Result<Option<Count>> {
        let v: Option<i64> = r.get(12 + 2 * i)?;
        let approx: Option<i64> = r.get(13 + 2 * i)?;
        Ok(v.map(|value| Count {
            value,
            approximate: approx == Some(1),
        }))
    };
    let posted: Option<String> = r.get(5)?;
    Ok((
        r.get(0)?,
        LatestMetrics {
            video: Video {
                platform_id: r.get(1)?,
                author_handle: r.get(2)?,
                author_key: r.get(3)?,
                created_at: r.get(4)?,
                posted_on: posted
                    .as_deref()
                    .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok()),
                title: r.get(6)?,
                caption: r.get(7)?,
                duration_s: r.get(8)?,
                url: r.get(9)?,
            },
            metrics: Metrics {
                views: count(0)?,
                reach: count(1)?,
                likes: count(2)?,
                comments: count(3)?,
                shares: count(4)?,
                saves: count(5)?,
                new_followers: count(6)?,
                profile_views: count(7)?,
                avg_watch_s: r.get(28)?,
                total_watch_s: r.get(29)?,
                full_watch_rate: r.get(30)?,
                traffic_sources: shares(r, 31)?,
                territories: shares(r, 32)?,
                genders: shares(r, 33)?,
            },
            latest_observed_at: r.get(11)?,
            observations: r.get::<_, Option<u32>>(10)?.unwrap_or(0),
        },
    ))
}

/// The row ids of the videos a search matches ([`VideoFilter::search`]);
/// see [`Store::video_matches`]. A bit per row id (12.5 KB per 100,000
/// videos), so that the web app can keep one per recent search and walk
/// its cached video order with it.
#[derive(Debug, Clone, Default)]
pub struct VideoMatches {
    bits: Vec<u64>,
    /// Ids too large (or negative) for the bits.
    other: HashSet<i64>,
    len: usize,
}

/// Row ids below this go into [`VideoMatches`]' bits (at most 8 MB).
const MATCH_BITS: i64 = 1 << 26;

impl VideoMatches {
    /// The set of these ids.
    pub fn new(ids: impl IntoIterator<Item = i64>) -> VideoMatches {
        let mut m = VideoMatches::default();
        for id in ids {
            if (0..MATCH_BITS).contains(&id) {
                let (word, bit) = (id as usize / 64, id % 64);
                if m.bits.len() <= word {
                    m.bits.resize(word + 1, 0);
                }
                if m.bits[word] & (1u64 << bit) == 0 {
                    m.bits[word] |= 1u64 << bit;
                    m.len += 1;
                }
            } else if m.other.insert(id) {
                m.len += 1;
            }
        }
        m
    }

    /// True when the video with this row id matches.
    pub fn contains(&self, id: i64) -> bool {
        if (0..MATCH_BITS).contains(&id) {
            self.bits
                .get(id as usize / 64)
                .is_some_and(|w| w & (1u64 << (id % 64)) != 0)
        } else {
            self.other.contains(&id)
        }
    }

    /// How many videos match.
    pub fn len(&self) -> usize {
        self.len
    }

    /// True when no video matches.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
}

impl Store {
    fn video_conditions(&self, f: &VideoFilter) -> Conditions {
        let mut c = Conditions::default();
        if let Some(o) = &f.owner {
            c.push(
                &OwnAccount::condition_for(o.owner),
                vec![Box::new(o.account.handle().map(str::to_string))],
            );
        }
        if let Some(ids) = &f.videos {
            let list = serde_json::to_string(ids).unwrap_or_else(|_| "[]".into());
            c.push(
                "v.platform_id IN (SELECT value FROM json_each(?))",
                vec![Box::new(list)],
            );
        }
        if let Some(s) = f.search.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            let p = like_pattern(s);
            c.push(
                "(v.title LIKE ? ESCAPE '\\' OR v.caption LIKE ? ESCAPE '\\' OR v.platform_id = ?)",
                vec![Box::new(p.clone()), Box::new(p), Box::new(s.to_string())],
            );
        }
        if let Some(d) = f.posted_from {
            c.push("v.posted_on >= ?", vec![Box::new(d.to_string())]);
        }
        if let Some(d) = f.posted_to {
            c.push("v.posted_on <= ?", vec![Box::new(d.to_string())]);
        }
        c
    }

    /// One page of videos with their latest metrics, filtered and sorted.
    ///
    /// Sorting by a metric walks that metric's index on `video_latest`
    /// (largest first, missing values last); videos never observed follow,
    /// by row id.
    pub fn video_page(&self, f: &VideoFilter) -> Result<Page<(i64, LatestMetrics)>, StoreError> {
        let want = f.limit as usize + 1;
        let c = self.video_conditions(f);
        let n = c.next();
        let dir = if f.descending { "DESC" } else { "ASC" };
        let mut rows: Vec<(i64, LatestMetrics)> = match f.sort {
            VideoSort::Posted => {
                let sql = format!(
                    "SELECT {VIDEO_COLUMNS} FROM videos v LEFT JOIN video_latest l ON l.video_id = v.id
                     {} ORDER BY v.posted_on {dir}, v.created_at {dir}, v.id {dir} LIMIT ?{n} OFFSET ?{}",
                    c.where_clause(&[]),
                    n + 1
                );
                self.query_videos(&sql, &c, want, f.offset)?
            }
            sort => {
                let col = sort.key();
                // Missing values last in both directions.
                let order = if f.descending {
                    format!("l.{col} DESC, l.video_id DESC")
                } else {
                    format!("l.{col} IS NULL, l.{col} ASC, l.video_id ASC")
                };
                let sql = format!(
                    "SELECT {VIDEO_COLUMNS} FROM video_latest l JOIN videos v ON v.id = l.video_id
                     {} ORDER BY {order} LIMIT ?{n} OFFSET ?{}",
                    c.where_clause(&[]),
                    n + 1
                );
                let mut rows = self.query_videos(&sql, &c, want, f.offset)?;
                if rows.len() < want {
                    // The observed videos ran out on this page: continue with
                    // the never-observed ones.
                    let observed: i64 = self
                        .conn
                        .query_row(
                            &format!(
                                "SELECT COUNT(*) FROM video_latest l JOIN videos v ON v.id = l.video_id {}",
                                c.where_clause(&[])
                            ),
                            params_from_iter(c.args.iter()),
                            |r| r.get(0),
                        )
                        .map_err(|e| self.page_sql(e))?;
                    let skip = (f.offset as i64 - observed).max(0) as u32;
                    let sql = format!(
                        "SELECT {VIDEO_COLUMNS} FROM videos v LEFT JOIN video_latest l ON l.video_id = v.id
                         {} ORDER BY v.id LIMIT ?{n} OFFSET ?{}",
                        c.where_clause(&["l.video_id IS NULL"]),
                        n + 1
                    );
                    rows.extend(self.query_videos(&sql, &c, want - rows.len(), skip)?);
                }
                rows
            }
        };
        let has_more = rows.len() > f.limit as usize;
        rows.truncate(f.limit as usize);
        Ok(Page { rows, has_more })
    }

    /// The row ids of every video in the order of the unfiltered video
    /// list ([`Store::video_page`] with no filter): for a metric, the
    /// observed videos with a value by that metric (largest first when
    /// `descending`), then observed videos without one, then videos never
    /// observed. Reads only indexes (`video_latest_<metric>`,
    /// `videos_posted`), so that the web app can keep the order (800 KB per
    /// 100,000 videos) and serve any page number without an `OFFSET` walk.
    pub fn video_order(&self, sort: VideoSort, descending: bool) -> Result<Vec<i64>, StoreError> {
        let dir = if descending { "DESC" } else { "ASC" };
        let mut parts: Vec<String> = Vec::new();
        match sort {
            VideoSort::Posted => parts.push(format!(
                "SELECT id FROM videos ORDER BY posted_on {dir}, created_at {dir}, id {dir}"
            )),
            sort => {
                let col = sort.key();
                if descending {
                    parts.push(format!(
                        "SELECT video_id FROM video_latest ORDER BY {col} DESC, video_id DESC"
                    ));
                } else {
                    parts.push(format!(
                        "SELECT video_id FROM video_latest WHERE {col} IS NOT NULL ORDER BY {col}, video_id"
                    ));
                    parts.push(format!(
                        "SELECT video_id FROM video_latest WHERE {col} IS NULL ORDER BY video_id"
                    ));
                }
                parts.push(
                    "SELECT v.id FROM videos v WHERE NOT EXISTS \
                     (SELECT 1 FROM video_latest l WHERE l.video_id = v.id) ORDER BY v.id"
                        .into(),
                );
            }
        }
        let mut ids = Vec::new();
        for sql in parts {
            let mut st = self.conn.prepare(&sql).map_err(|e| self.page_sql(e))?;
            let mut rows = st.query([]).map_err(|e| self.page_sql(e))?;
            while let Some(r) = rows.next().map_err(|e| self.page_sql(e))? {
                ids.push(r.get(0).map_err(|e| self.page_sql(e))?);
            }
        }
        Ok(ids)
    }

    /// The videos with these row ids, with their latest metrics, in the
    /// given order (ids no longer present are left out).
    pub fn videos_by_ids(&self, ids: &[i64]) -> Result<Vec<(i64, LatestMetrics)>, StoreError> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let list = serde_json::to_string(ids).unwrap_or_else(|_| "[]".into());
        let mut st = self
            .conn
            .prepare_cached(&format!(
                "SELECT {VIDEO_COLUMNS} FROM videos v LEFT JOIN video_latest l ON l.video_id = v.id
                 WHERE v.id IN (SELECT value FROM json_each(?1))"
            ))
            .map_err(|e| self.page_sql(e))?;
        let mut by_id: HashMap<i64, LatestMetrics> = st
            .query_map(params![list], video_row)
            .and_then(|rows| rows.collect::<Result<_, _>>())
            .map_err(|e| self.page_sql(e))?;
        Ok(ids
            .iter()
            .filter_map(|id| by_id.remove(id).map(|m| (*id, m)))
            .collect())
    }

    fn query_videos(
        &self,
        sql: &str,
        c: &Conditions,
        limit: usize,
        offset: u32,
    ) -> Result<Vec<(i64, LatestMetrics)>, StoreError> {
        let mut st = self.conn.prepare(sql).map_err(|e| self.page_sql(e))?;
        let limit = limit as i64;
        let offset = offset as i64;
        let args: Vec<&dyn ToSql> = c
            .args
            .iter()
            .map(|a| a.as_ref() as &dyn ToSql)
            .chain([&limit as &dyn ToSql, &offset as &dyn ToSql])
            .collect();
        let rows = st
            .query_map(args.as_slice(), video_row)
            .and_then(|rows| rows.collect::<Result<Vec<_>, _>>())
            .map_err(|e| self.page_sql(e))?;
        Ok(rows)
    }

    /// The videos whose title or caption contains `search`, or whose id
    /// is `search`: the matches of [`VideoFilter::search`] alone (one read
    /// of every title and caption).
    pub fn video_matches(&self, search: &str) -> Result<VideoMatches, StoreError> {
        let c = self.video_conditions(&VideoFilter {
            search: Some(search.to_string()),
            ..VideoFilter::default()
        });
        let mut st = self
            .conn
            .prepare(&format!(
                "SELECT v.id FROM videos v {}",
                c.where_clause(&[])
            ))
            .map_err(|e| self.page_sql(e))?;
        let ids = st
            .query_map(params_from_iter(c.args.iter()), |r| r.get::<_, i64>(0))
            .and_then(|rows| rows.collect::<Result<Vec<_>, _>>())
            .map_err(|e| self.page_sql(e))?;
        Ok(VideoMatches::new(ids))
    }

    /// The row ids of the project's own account's videos (see
    /// [`OwnAccount`]; every other video is another creator's), for walking
    /// the web app's cached video order.
    pub fn own_matches(&self, account: &OwnAccount) -> Result<VideoMatches, StoreError> {
        let mut st = self
            .conn
            .prepare(&OwnAccount::rows())
            .map_err(|e| self.page_sql(e))?;
        let ids = st
            .query_map(params![account.handle()], |r| r.get::<_, i64>(0))
            .and_then(|rows| rows.collect::<Result<Vec<_>, _>>())
            .map_err(|e| self.page_sql(e))?;
        Ok(VideoMatches::new(ids))
    }

    /// How many videos match the filter (page and sort ignored).
    pub fn video_count(&self, f: &VideoFilter) -> Result<i64, StoreError> {
        let c = self.video_conditions(f);
        self.conn
            .query_row(
                &format!("SELECT COUNT(*) FROM videos v {}", c.where_clause(&[])),
                params_from_iter(c.args.iter()),
                |r| r.get(0),
            )
            .map_err(|e| self.page_sql(e))
    }

    /// One video (by platform id) with its latest metrics and row id.
    pub fn video_detail(
        &self,
        platform_id: &str,
    ) -> Result<Option<(i64, LatestMetrics)>, StoreError> {
        let mut c = Conditions::default();
        c.push("v.platform_id = ?", vec![Box::new(platform_id.to_string())]);
        let sql = format!(
            "SELECT {VIDEO_COLUMNS} FROM videos v LEFT JOIN video_latest l ON l.video_id = v.id {} LIMIT ?2 OFFSET ?3",
            c.where_clause(&[])
        );
        Ok(self.query_videos(&sql, &c, 1, 0)?.into_iter().next())
    }

    /// A video's observations, oldest first, at most `limit` (the newest ones).
    pub fn observations_of(
        &self,
        video_row_id: i64,
        limit: u32,
    ) -> Result<Vec<ObservationRow>, StoreError> {
        let mut st = self
            .conn
            .prepare(
                "SELECT observed_at, source, import_id, views, likes, comments, shares, saves,
                        avg_watch_s, full_watch_rate, approx_mask
                 FROM observations WHERE video_id = ?1 ORDER BY observed_at DESC, id DESC LIMIT ?2",
            )
            .map_err(|e| self.page_sql(e))?;
        let mut rows = st
            .query_map(params![video_row_id, limit], |r| {
                Ok(ObservationRow {
                    observed_at: r.get(0)?,
                    source: r.get(1)?,
                    import_id: r.get(2)?,
                    views: r.get(3)?,
                    likes: r.get(4)?,
                    comments: r.get(5)?,
                    shares: r.get(6)?,
                    saves: r.get(7)?,
                    avg_watch_s: r.get(8)?,
                    full_watch_rate: r.get(9)?,
                    approx_mask: r.get(10)?,
                })
            })
            .and_then(|rows| rows.collect::<Result<Vec<_>, _>>())
            .map_err(|e| self.page_sql(e))?;
        rows.reverse();
        Ok(rows)
    }

    /// True when any per-video observation is stored.
    pub fn has_observations(&self) -> Result<bool, StoreError> {
        self.conn
            .query_row("SELECT EXISTS (SELECT 1 FROM observations)", [], |r| {
                r.get(0)
            })
            .map_err(|e| self.page_sql(e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn video_matches_hold_each_id_once() {
        let m = VideoMatches::new([3, 64, 3, -1, MATCH_BITS + 5]);
        assert_eq!(m.len(), 4);
        for id in [3, 64, -1, MATCH_BITS + 5] {
            assert!(m.contains(id), "{id}");
        }
        for id in [0, 2, 65, 1_000_000, -2] {
            assert!(!m.contains(id), "{id}");
        }
        assert!(VideoMatches::new([]).is_empty());
    }
}
