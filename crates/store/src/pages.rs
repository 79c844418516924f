//! Paginated, filtered queries for the web app's pages.
//!
//! Every query here returns one page (a `LIMIT`) and says whether there is
//! another, so that a request never loads a whole table: the video list walks
//! an index on the sorted metric (migration 005), the comment list walks
//! `comments(created_at)` or the full-text index, and the review queue walks
//! `annotations(scheme, severity DESC, comment_id)`. Filters are added to the
//! SQL only when given, so that SQLite plans each combination on its own.

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

/// Which videos, in which order, which page.
#[derive(Debug, Clone, Default)]
pub struct VideoFilter {
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

/// One page of a list.
#[derive(Debug, Clone, PartialEq)]
pub struct Page<T> {
    /// The rows.
    pub rows: Vec<T>,
    /// True when at least one more row follows.
    pub has_more: bool,
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

/// Which comments, which page.
#[derive(Debug, Clone, Default)]
pub struct CommentFilter {
    /// Only the comments of this video (platform id).
    pub video: Option<String>,
    /// Only comments flagged by this scheme (dismissed flags included).
    pub scheme: Option<String>,
    /// ... with this label.
    pub label: Option<String>,
    /// Only comments in this language (as stored, e.g. `en`).
    pub language: Option<String>,
    /// Posted at or after, UTC seconds.
    pub from: Option<i64>,
    /// Posted before, UTC seconds.
    pub to: Option<i64>,
    /// Words that must all appear in the text (full-text search).
    pub search: Option<String>,
    /// Page size.
    pub limit: u32,
    /// Rows skipped.
    pub offset: u32,
}

/// One flag on a comment, with the latest review decision on its scheme.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FlagRow {
    /// Scheme.
    pub scheme: String,
    /// Label.
    pub label: String,
    /// Rule that raised it.
    pub rule_id: String,
    /// Severity (safety).
    pub severity: Option<u8>,
    /// Byte span in the comment text.
    pub span: (usize, usize),
    /// The matched text.
    pub matched: String,
    /// Rules version.
    pub version: String,
}

/// The latest review decision on a comment for a scheme.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecisionRow {
    /// `confirm`, `dismiss` or `escalate`.
    pub decision: String,
    /// Who.
    pub reviewer: String,
    /// Note.
    pub note: Option<String>,
    /// When, UTC seconds.
    pub decided_at: i64,
}

/// A comment as listed, with its flags.
#[derive(Debug, Clone, PartialEq)]
pub struct CommentListRow {
    /// Row id.
    pub id: i64,
    /// Platform id.
    pub platform_id: String,
    /// Its video's platform id.
    pub video_id: String,
    /// Its video's title or caption.
    pub video_title: Option<String>,
    /// Parent comment's platform id (replies).
    pub parent_id: Option<String>,
    /// Pseudonymous author key.
    pub author_key: Option<String>,
    /// Raw handle (own account, or kept by opt-in). Show only where allowed.
    pub author_handle: Option<String>,
    /// Posted, UTC seconds.
    pub created_at: Option<i64>,
    /// Text (untrusted).
    pub text: String,
    /// Likes.
    pub likes: Option<Count>,
    /// Language.
    pub language: Option<String>,
    /// Flags, by scheme then span.
    pub flags: Vec<FlagRow>,
    /// Latest decision per scheme.
    pub decisions: Vec<(String, DecisionRow)>,
}

/// Which part of the review queue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum QueueState {
    /// No decision yet.
    #[default]
    Open,
    /// Latest decision is `escalate`.
    Escalated,
    /// Has any decision.
    Decided,
    /// Everything flagged.
    All,
}

impl QueueState {
    /// Key used in URLs.
    pub fn key(self) -> &'static str {
        match self {
            QueueState::Open => "open",
            QueueState::Escalated => "escalated",
            QueueState::Decided => "decided",
            QueueState::All => "all",
        }
    }

    /// The state with this key.
    pub fn parse(key: &str) -> Option<QueueState> {
        [
            QueueState::Open,
            QueueState::Escalated,
            QueueState::Decided,
            QueueState::All,
        ]
        .into_iter()
        .find(|s| s.key() == key)
    }
}

/// Which review queue, which page.
#[derive(Debug, Clone, Default)]
pub struct QueueFilter {
    /// Scheme (`safety`, `claims`, `kmb`).
    pub scheme: String,
    /// Only this label.
    pub label: Option<String>,
    /// Open, escalated, decided or all.
    pub state: QueueState,
    /// Page size.
    pub limit: u32,
    /// Comments skipped.
    pub offset: u32,
}

/// A warning of one import.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportWarningRow {
    /// Where.
    pub location: String,
    /// What.
    pub message: String,
}

/// Builds the FTS5 query for `text`: every word (letters and digits only)
/// must appear, as a prefix. `None` when no word is left.
pub fn fts_query(text: &str) -> Option<String> {
    let words: Vec<String> = text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .take(16)
        .map(|w| format!("\"{w}\"*"))
        .collect();
    (!words.is_empty()).then(|| words.join(" "))
}

/// Matches above which a comment filter is checked row by row while walking
/// the comments newest first, rather than read whole and sorted.
const MANY_MATCHES: u32 = 2_000;

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

/// SQL conditions and their parameters, built up one filter at a time.
#[derive(Default)]
struct Conditions {
    sql: Vec<String>,
    args: Vec<Box<dyn ToSql>>,
}

impl Conditions {
    /// Adds a condition whose `?` placeholders take `args` in order.
    fn push(&mut self, sql: &str, args: Vec<Box<dyn ToSql>>) {
        let mut text = String::new();
        let mut n = self.args.len();
        for c in sql.chars() {
            if c == '?' {
                n += 1;
                text.push_str(&format!("?{n}"));
            } else {
                text.push(c);
            }
        }
        self.sql.push(text);
        self.args.extend(args);
    }

    fn where_clause(&self, extra: &[&str]) -> String {
        let all: Vec<&str> = self
            .sql
            .iter()
            .map(String::as_str)
            .chain(extra.iter().copied())
            .collect();
        if all.is_empty() {
            String::new()
        } else {
            format!("WHERE {}", all.join(" AND "))
        }
    }

    fn next(&self) -> usize {
        self.args.len() + 1
    }
}

fn like_pattern(text: &str) -> String {
    let mut p = String::from("%");
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            p.push('\\');
        }
        p.push(c);
    }
    p.push('%');
    p
}

impl Store {
    fn page_sql(&self, e: rusqlite::Error) -> StoreError {
        StoreError::sql(&self.path, e)
    }

    /// A number that changes whenever another connection commits a change
    /// to the database (SQLite's `data_version`); for caches.
    pub fn data_version(&self) -> Result<i64, StoreError> {
        self.conn
            .pragma_query_value(None, "data_version", |r| r.get(0))
            .map_err(|e| self.page_sql(e))
    }

    fn video_conditions(&self, f: &VideoFilter) -> Conditions {
        let mut c = Conditions::default();
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

    /// One page of comments, newest first, with their flags and decisions.
    pub fn comment_page(&self, f: &CommentFilter) -> Result<Page<CommentListRow>, StoreError> {
        let mut c = Conditions::default();
        if let Some(v) = &f.video {
            // Resolved first: with a constant, SQLite walks
            // `comments_video(video_id, created_at)`; with the subquery it
            // walked every comment by date looking for this video's.
            let row: Option<i64> = self
                .conn
                .query_row(
                    "SELECT id FROM videos WHERE platform_id = ?1",
                    params![v],
                    |r| r.get(0),
                )
                .map(Some)
                .or_else(|e| match e {
                    rusqlite::Error::QueryReturnedNoRows => Ok(None),
                    e => Err(e),
                })
                .map_err(|e| self.page_sql(e))?;
            c.push("c.video_id = ?", vec![Box::new(row.unwrap_or(-1))]);
        }
        // A flag filter matching many comments is checked row by row
        // while walking the comments newest first (a page is found after a
        // few hundred rows); one matching few is read as a list and sorted.
        // Reading a list of 100,000+ matches per request was the slow part.
        if let Some(s) = &f.scheme {
            let (from, args): (&str, Vec<String>) = match &f.label {
                Some(l) => (
                    "annotations a WHERE a.scheme = ? AND a.label = ?",
                    vec![s.clone(), l.clone()],
                ),
                None => ("annotations a WHERE a.scheme = ?", vec![s.clone()]),
            };
            let many = self.at_least(&format!("SELECT 1 FROM {from}"), &args, MANY_MATCHES)?;
            let boxed: Vec<Box<dyn ToSql>> = args
                .into_iter()
                .map(|a| Box::new(a) as Box<dyn ToSql>)
                .collect();
            if many {
                c.push(
                    &format!("EXISTS (SELECT 1 FROM {from} AND a.comment_id = c.id)"),
                    boxed,
                );
            } else {
                c.push(&format!("c.id IN (SELECT a.comment_id FROM {from})"), boxed);
            }
        }
        if let Some(l) = &f.language {
            c.push("c.language = ?", vec![Box::new(l.clone())]);
        }
        if let Some(t) = f.from {
            c.push("c.created_at >= ?", vec![Box::new(t)]);
        }
        if let Some(t) = f.to {
            c.push("c.created_at < ?", vec![Box::new(t)]);
        }
        if let Some(q) = f.search.as_deref().and_then(fts_query) {
            // Always read as a list: FTS5 does not narrow a prefix query to
            // one row id, so a row-by-row check costs a full match per row.
            c.push(
                "c.id IN (SELECT rowid FROM comments_fts WHERE comments_fts MATCH ?)",
                vec![Box::new(q)],
            );
        }
        let n = c.next();
        let sql = format!(
            "SELECT c.id FROM comments c {} ORDER BY c.created_at DESC, c.id DESC LIMIT ?{n} OFFSET ?{}",
            c.where_clause(&[]),
            n + 1
        );
        let limit = f.limit as i64 + 1;
        let offset = f.offset as i64;
        let args: Vec<&dyn ToSql> = c
            .args
            .iter()
            .map(|a| a.as_ref() as &dyn ToSql)
            .chain([&limit as &dyn ToSql, &offset as &dyn ToSql])
            .collect();
        let mut st = self.conn.prepare(&sql).map_err(|e| self.page_sql(e))?;
        let mut ids: Vec<i64> = st
            .query_map(args.as_slice(), |r| r.get(0))
            .and_then(|rows| rows.collect::<Result<Vec<_>, _>>())
            .map_err(|e| self.page_sql(e))?;
        let has_more = ids.len() > f.limit as usize;
        ids.truncate(f.limit as usize);
        Ok(Page {
            rows: self.comments_by_ids(&ids, None)?,
            has_more,
        })
    }

    /// True when `sql` (a `SELECT` with `?` placeholders for `args`) yields
    /// at least `n` rows; reads at most `n`.
    fn at_least(&self, sql: &str, args: &[String], n: u32) -> Result<bool, StoreError> {
        let found: i64 = self
            .conn
            .prepare_cached(&format!("SELECT COUNT(*) FROM ({sql} LIMIT {n})"))
            .and_then(|mut st| st.query_row(params_from_iter(args.iter()), |r| r.get(0)))
            .map_err(|e| self.page_sql(e))?;
        Ok(found >= i64::from(n))
    }

    /// The comments with these row ids, in the given order, with their flags
    /// (of `scheme` only, when given) and latest decisions.
    pub fn comments_by_ids(
        &self,
        ids: &[i64],
        scheme: Option<&str>,
    ) -> Result<Vec<CommentListRow>, StoreError> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let list = serde_json::to_string(ids).unwrap_or_else(|_| "[]".into());
        let mut st = self
            .conn
            .prepare_cached(
                "SELECT c.id, c.platform_id, v.platform_id, COALESCE(v.title, v.caption),
                        c.parent_platform_id, c.author_key, c.author_handle, c.created_at, c.text,
                        c.likes, c.likes_approx, c.language
                 FROM comments c JOIN videos v ON v.id = c.video_id
                 WHERE c.id IN (SELECT value FROM json_each(?1))",
            )
            .map_err(|e| self.page_sql(e))?;
        let mut by_id: HashMap<i64, CommentListRow> = st
            .query_map(params![list], |r| {
                let likes: Option<i64> = r.get(9)?;
                let approx: i64 = r.get(10)?;
                Ok((
                    r.get(0)?,
                    CommentListRow {
                        id: r.get(0)?,
                        platform_id: r.get(1)?,
                        video_id: r.get(2)?,
                        video_title: r.get(3)?,
                        parent_id: r.get(4)?,
                        author_key: r.get(5)?,
                        author_handle: r.get(6)?,
                        created_at: r.get(7)?,
                        text: r.get(8)?,
                        likes: likes.map(|value| Count {
                            value,
                            approximate: approx != 0,
                        }),
                        language: r.get(11)?,
                        flags: Vec::new(),
                        decisions: Vec::new(),
                    },
                ))
            })
            .and_then(|rows| rows.collect::<Result<_, _>>())
            .map_err(|e| self.page_sql(e))?;
        let mut st = self
            .conn
            .prepare_cached(
                "SELECT comment_id, scheme, label, rule_id, severity, span_start, span_end, matched, version
                 FROM annotations WHERE comment_id IN (SELECT value FROM json_each(?1))
                   AND (?2 IS NULL OR scheme = ?2)
                 ORDER BY comment_id, scheme, span_start, label",
            )
            .map_err(|e| self.page_sql(e))?;
        let flags = st
            .query_map(params![list, scheme], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    FlagRow {
                        scheme: r.get(1)?,
                        label: r.get(2)?,
                        rule_id: r.get(3)?,
                        severity: r.get::<_, Option<i64>>(4)?.map(|s| s.clamp(0, 255) as u8),
                        span: (
                            r.get::<_, i64>(5)?.max(0) as usize,
                            r.get::<_, i64>(6)?.max(0) as usize,
                        ),
                        matched: r.get(7)?,
                        version: r.get(8)?,
                    },
                ))
            })
            .and_then(|rows| rows.collect::<Result<Vec<_>, _>>())
            .map_err(|e| self.page_sql(e))?;
        for (id, flag) in flags {
            if let Some(row) = by_id.get_mut(&id) {
                row.flags.push(flag);
            }
        }
        let mut st = self
            .conn
            .prepare_cached(
                "SELECT d.comment_id, d.scheme, d.decision, d.reviewer, d.note, d.decided_at
                 FROM review_decisions d
                 WHERE d.comment_id IN (SELECT value FROM json_each(?1))
                   AND d.id = (SELECT MAX(x.id) FROM review_decisions x
                               WHERE x.comment_id = d.comment_id AND x.scheme = d.scheme)
                 ORDER BY d.scheme",
            )
            .map_err(|e| self.page_sql(e))?;
        let decisions = st
            .query_map(params![list], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, String>(1)?,
                    DecisionRow {
                        decision: r.get(2)?,
                        reviewer: r.get(3)?,
                        note: r.get(4)?,
                        decided_at: r.get(5)?,
                    },
                ))
            })
            .and_then(|rows| rows.collect::<Result<Vec<_>, _>>())
            .map_err(|e| self.page_sql(e))?;
        for (id, scheme, d) in decisions {
            if let Some(row) = by_id.get_mut(&id) {
                row.decisions.push((scheme, d));
            }
        }
        Ok(ids.iter().filter_map(|id| by_id.remove(id)).collect())
    }

    /// One page of the review queue: flagged comments of a scheme, most
    /// severe flag first, then by row id (import order, about oldest first).
    pub fn review_queue(&self, f: &QueueFilter) -> Result<Page<CommentListRow>, StoreError> {
        let state = match f.state {
            QueueState::Open => {
                "AND NOT EXISTS (SELECT 1 FROM review_decisions d
                   WHERE d.comment_id = a.comment_id AND d.scheme = a.scheme)"
            }
            QueueState::Decided => {
                "AND EXISTS (SELECT 1 FROM review_decisions d
                   WHERE d.comment_id = a.comment_id AND d.scheme = a.scheme)"
            }
            QueueState::Escalated => {
                "AND (SELECT d.decision FROM review_decisions d
                   WHERE d.comment_id = a.comment_id AND d.scheme = a.scheme
                   ORDER BY d.id DESC LIMIT 1) = 'escalate'"
            }
            QueueState::All => "",
        };
        let sql = format!(
            "SELECT a.comment_id FROM annotations a
             WHERE a.scheme = ?1 AND (?2 IS NULL OR a.label = ?2) {state}
             ORDER BY a.severity DESC, a.comment_id"
        );
        let mut st = self.conn.prepare(&sql).map_err(|e| self.page_sql(e))?;
        let mut rows = st
            .query(params![f.scheme, f.label])
            .map_err(|e| self.page_sql(e))?;
        // A comment's first row in this order carries its most severe flag.
        let mut seen = HashSet::new();
        let mut ids = Vec::new();
        let want = f.offset as usize + f.limit as usize + 1;
        while let Some(r) = rows.next().map_err(|e| self.page_sql(e))? {
            let id: i64 = r.get(0).map_err(|e| self.page_sql(e))?;
            if seen.insert(id) {
                ids.push(id);
                if ids.len() >= want {
                    break;
                }
            }
        }
        let ids: Vec<i64> = ids.into_iter().skip(f.offset as usize).collect();
        let has_more = ids.len() > f.limit as usize;
        let ids = &ids[..ids.len().min(f.limit as usize)];
        Ok(Page {
            rows: self.comments_by_ids(ids, Some(&f.scheme))?,
            has_more,
        })
    }

    /// The labels a scheme has flagged, with how many flags each.
    pub fn scheme_labels(&self, scheme: &str) -> Result<Vec<(String, i64)>, StoreError> {
        let mut st = self
            .conn
            .prepare_cached(
                "SELECT label, COUNT(*) FROM annotations WHERE scheme = ?1 GROUP BY label ORDER BY label",
            )
            .map_err(|e| self.page_sql(e))?;
        let rows = st
            .query_map(params![scheme], |r| Ok((r.get(0)?, r.get(1)?)))
            .and_then(|rows| rows.collect::<Result<Vec<_>, _>>())
            .map_err(|e| self.page_sql(e))?;
        Ok(rows)
    }

    /// Up to `limit` recent comments flagged with `label` of `scheme` whose
    /// latest decision is not `dismiss`, newest first.
    pub fn label_examples(
        &self,
        scheme: &str,
        label: &str,
        limit: u32,
    ) -> Result<Vec<CommentListRow>, StoreError> {
        let mut st = self
            .conn
            .prepare_cached(
                "SELECT DISTINCT a.comment_id FROM annotations a
                 WHERE a.scheme = ?1 AND a.label = ?2
                   AND COALESCE((SELECT d.decision FROM review_decisions d
                        WHERE d.comment_id = a.comment_id AND d.scheme = a.scheme
                        ORDER BY d.id DESC LIMIT 1), '') <> 'dismiss'
                 ORDER BY a.comment_id DESC LIMIT ?3",
            )
            .map_err(|e| self.page_sql(e))?;
        let ids: Vec<i64> = st
            .query_map(params![scheme, label, limit], |r| r.get(0))
            .and_then(|rows| rows.collect::<Result<Vec<_>, _>>())
            .map_err(|e| self.page_sql(e))?;
        self.comments_by_ids(&ids, Some(scheme))
    }

    /// Up to `limit` warnings of one import, in the order recorded, and how many it has.
    pub fn import_warnings(
        &self,
        import_id: i64,
        limit: u32,
    ) -> Result<(Vec<ImportWarningRow>, i64), StoreError> {
        let total: i64 = self
            .conn
            .query_row(
                "SELECT COUNT(*) FROM import_warnings WHERE import_id = ?1",
                params![import_id],
                |r| r.get(0),
            )
            .map_err(|e| self.page_sql(e))?;
        let mut st = self
            .conn
            .prepare_cached(
                "SELECT location, message FROM import_warnings WHERE import_id = ?1 ORDER BY id LIMIT ?2",
            )
            .map_err(|e| self.page_sql(e))?;
        let rows = st
            .query_map(params![import_id, limit], |r| {
                Ok(ImportWarningRow {
                    location: r.get(0)?,
                    message: r.get(1)?,
                })
            })
            .and_then(|rows| rows.collect::<Result<Vec<_>, _>>())
            .map_err(|e| self.page_sql(e))?;
        Ok((rows, total))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fts_queries_keep_words_only() {
        assert_eq!(
            fts_query("puberty blockers").as_deref(),
            Some("\"puberty\"* \"blockers\"*")
        );
        assert_eq!(
            fts_query("\" OR 1=1 --").as_deref(),
            Some("\"OR\"* \"1\"* \"1\"*")
        );
        assert_eq!(fts_query("  *^\"  "), None);
    }

    #[test]
    fn like_patterns_escape_wildcards() {
        assert_eq!(like_pattern("50%_a\\"), "%50\\%\\_a\\\\%");
    }
}
