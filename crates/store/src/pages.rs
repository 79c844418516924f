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
    /// Rows skipped (when `seek` is not given).
    pub offset: u32,
    /// Where the page starts: after or before a comment of the list.
    pub seek: Option<CommentSeek>,
}

/// A place in the comment list (newest first): a comment's posting time and
/// row id, the list's sort key. The pager's links carry it, so that the
/// next page is an index seek rather than an `OFFSET` walk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CommentKey {
    /// Posted, UTC seconds (`None` sorts after every posting time).
    pub created_at: Option<i64>,
    /// Row id (ties on time, newest row first).
    pub id: i64,
}

impl CommentKey {
    /// The key of a listed comment.
    pub fn of(row: &CommentListRow) -> CommentKey {
        CommentKey {
            created_at: row.created_at,
            id: row.id,
        }
    }

    /// Reads a key written by [`CommentKey::encode`] (`1712345678.42`, or
    /// `n.42` without a posting time).
    pub fn parse(text: &str) -> Option<CommentKey> {
        let (t, id) = text.split_once('.')?;
        Some(CommentKey {
            created_at: match t {
                "n" => None,
                t => Some(t.parse().ok()?),
            },
            id: id.parse().ok()?,
        })
    }

    /// The key as a URL-safe value.
    pub fn encode(&self) -> String {
        match self.created_at {
            Some(t) => format!("{t}.{}", self.id),
            None => format!("n.{}", self.id),
        }
    }
}

/// Where a page of comments starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CommentSeek {
    /// The comments older than this one (the next page).
    After(CommentKey),
    /// The comments newer than this one (the previous page).
    Before(CommentKey),
}

/// One page of the comment list, and whether pages exist either side.
#[derive(Debug, Clone, PartialEq)]
pub struct CommentWindow {
    /// The comments, newest first.
    pub rows: Vec<CommentListRow>,
    /// Newer matching comments exist (a previous page).
    pub has_newer: bool,
    /// Older matching comments exist (a next page).
    pub has_older: bool,
}

/// Every comment's row id in the comment list's order (newest first, those
/// without a posting time last), with each id's place in it; see
/// [`Store::comment_order`].
#[derive(Debug, Clone, Default)]
pub struct CommentOrder {
    order: Vec<i64>,
    rank: Rank,
}

/// An id's place in a [`CommentOrder`].
#[derive(Debug, Clone)]
enum Rank {
    /// Indexed by row id (`u32::MAX`: absent); for ids from 0 to a few
    /// times the number of comments.
    Dense(Vec<u32>),
    /// Sparse ids.
    Sparse(HashMap<i64, u32>),
}

impl Default for Rank {
    fn default() -> Rank {
        Rank::Dense(Vec::new())
    }
}

impl CommentOrder {
    /// The order `order` (ids newest first).
    pub fn new(order: Vec<i64>) -> CommentOrder {
        let max = order.iter().copied().max().unwrap_or(0);
        let min = order.iter().copied().min().unwrap_or(0);
        let rank = if min >= 0
            && (max as u64) < 4 * order.len() as u64 + 1024
            && order.len() < u32::MAX as usize
        {
            let mut r = vec![u32::MAX; max as usize + 1];
            for (i, id) in order.iter().enumerate() {
                r[*id as usize] = i as u32;
            }
            Rank::Dense(r)
        } else {
            Rank::Sparse(
                order
                    .iter()
                    .enumerate()
                    .map(|(i, id)| (*id, i.min(u32::MAX as usize - 1) as u32))
                    .collect(),
            )
        };
        CommentOrder { order, rank }
    }

    /// The ids, newest first.
    pub fn ids(&self) -> &[i64] {
        &self.order
    }

    /// The place of `id` in the order, if it is there.
    pub fn rank(&self, id: i64) -> Option<u32> {
        match &self.rank {
            Rank::Dense(r) => usize::try_from(id)
                .ok()
                .and_then(|i| r.get(i))
                .copied()
                .filter(|r| *r != u32::MAX),
            Rank::Sparse(m) => m.get(&id).copied(),
        }
    }

    /// `ids` in the order, each once; ids not in it (comments added since
    /// it was read) last, newest row first.
    pub fn sort(&self, mut ids: Vec<i64>) -> Vec<i64> {
        ids.sort_unstable_by_key(|id| (self.rank(*id).unwrap_or(u32::MAX), std::cmp::Reverse(*id)));
        ids.dedup();
        ids
    }

    /// The position in `list` (sorted by [`CommentOrder::sort`]) of the
    /// first entry placed after `rank`.
    pub fn position_after(&self, list: &[i64], rank: u32) -> usize {
        list.partition_point(|id| self.rank(*id).is_some_and(|r| r <= rank))
    }

    /// Bytes held.
    pub fn heap_bytes(&self) -> usize {
        self.order.capacity() * 8
            + match &self.rank {
                Rank::Dense(r) => r.capacity() * 4,
                Rank::Sparse(m) => m.capacity() * 16,
            }
    }
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

/// Comment counts the report shows for a set of videos; see
/// [`Store::comment_signal_counts`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CommentSignalCounts {
    /// Comments held on the videos.
    pub held: i64,
    /// Per scheme asked, in the order asked.
    pub schemes: Vec<SchemeSignalCounts>,
}

/// One scheme's counts in [`CommentSignalCounts`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SchemeSignalCounts {
    /// Comments the scheme analysed (as [`Store::label_counts`]).
    pub analysed: i64,
    /// Per label, by label: distinct comments flagged whose latest decision
    /// (highest decision id) is not `dismiss` (as [`Store::label_counts`]).
    pub labels: Vec<(String, i64)>,
    /// Distinct comments with any flag whose latest decision (latest
    /// `decided_at`, then highest id) is not `dismiss` (as
    /// [`Store::flagged`] keeps them).
    pub flagged_not_dismissed: i64,
}

/// Which comments are on the videos in scope.
enum CommentScope {
    /// Bit per row id.
    Bits(Vec<u64>),
    /// Sparse ids.
    Set(HashSet<i64>),
}

impl CommentScope {
    fn contains(&self, id: i64) -> bool {
        match self {
            CommentScope::Bits(b) => usize::try_from(id)
                .ok()
                .and_then(|i| b.get(i / 64))
                .is_some_and(|w| w & (1u64 << (id % 64)) != 0),
            CommentScope::Set(s) => s.contains(&id),
        }
    }
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

/// Most ids checked by one query when filtering a list of ids in SQL.
const FILTER_CHUNK: usize = 2_000;

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

    /// One page of comments, newest first, with their flags and decisions
    /// (`has_more`: older comments follow). See [`Store::comment_window`].
    pub fn comment_page(&self, f: &CommentFilter) -> Result<Page<CommentListRow>, StoreError> {
        let w = self.comment_window(f)?;
        Ok(Page {
            rows: w.rows,
            has_more: w.has_older,
        })
    }

    /// One page of comments, newest first, with their flags and decisions,
    /// walked in SQL: from [`CommentFilter::seek`] when given (an index seek
    /// on `(created_at, id)`), else from [`CommentFilter::offset`].
    pub fn comment_window(&self, f: &CommentFilter) -> Result<CommentWindow, StoreError> {
        let (ids, has_newer, has_older) = self.comment_ids(f, f.seek, f.limit)?;
        Ok(CommentWindow {
            rows: self.comments_by_ids(&ids, None)?,
            has_newer,
            has_older,
        })
    }

    /// The SQL conditions of a comment filter.
    fn comment_conditions(&self, f: &CommentFilter) -> Result<Conditions, StoreError> {
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
        // (The web app reads a scheme's flagged comments once per database
        // change instead: [`Store::flagged_comment_ids`].)
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
        self.push_plain_conditions(&mut c, f);
        if let Some(q) = f.search.as_deref().and_then(fts_query) {
            // Read as a list: FTS5 does not narrow a prefix query to one
            // row id, so a row-by-row check costs a full match per row.
            c.push(
                "c.id IN (SELECT rowid FROM comments_fts WHERE comments_fts MATCH ?)",
                vec![Box::new(q)],
            );
        }
        Ok(c)
    }

    /// The language and date conditions of a comment filter.
    fn push_plain_conditions(&self, c: &mut Conditions, f: &CommentFilter) {
        if let Some(l) = &f.language {
            c.push("c.language = ?", vec![Box::new(l.clone())]);
        }
        if let Some(t) = f.from {
            c.push("c.created_at >= ?", vec![Box::new(t)]);
        }
        if let Some(t) = f.to {
            c.push("c.created_at < ?", vec![Box::new(t)]);
        }
    }

    /// Runs `SELECT c.id FROM comments c WHERE <conditions of f> AND
    /// <extra> ORDER BY <order> LIMIT n` and returns the ids.
    fn comment_id_query(
        &self,
        f: &CommentFilter,
        extra: Option<(&str, Vec<Box<dyn ToSql>>)>,
        order: &str,
        limit: usize,
        offset: usize,
    ) -> Result<Vec<i64>, StoreError> {
        let mut c = self.comment_conditions(f)?;
        if let Some((sql, args)) = extra {
            c.push(sql, args);
        }
        let n = c.next();
        let sql = format!(
            "SELECT c.id FROM comments c {} ORDER BY {order} LIMIT ?{n} OFFSET ?{}",
            c.where_clause(&[]),
            n + 1
        );
        let limit = limit as i64;
        let offset = offset as i64;
        let args: Vec<&dyn ToSql> = c
            .args
            .iter()
            .map(|a| a.as_ref() as &dyn ToSql)
            .chain([&limit as &dyn ToSql, &offset as &dyn ToSql])
            .collect();
        let mut st = self.conn.prepare(&sql).map_err(|e| self.page_sql(e))?;
        let ids = st
            .query_map(args.as_slice(), |r| r.get(0))
            .and_then(|rows| rows.collect::<Result<Vec<i64>, _>>())
            .map_err(|e| self.page_sql(e))?;
        Ok(ids)
    }

    /// Up to `limit` ids of the comments matching `f`, newest first, from
    /// `seek` (or `f.offset`), and whether newer and older ones exist.
    ///
    /// Comments without a posting time come last (by id, newest first), as
    /// `ORDER BY created_at DESC, id DESC` puts them; a seek crosses from
    /// one part to the other with a second query.
    fn comment_ids(
        &self,
        f: &CommentFilter,
        seek: Option<CommentSeek>,
        limit: u32,
    ) -> Result<(Vec<i64>, bool, bool), StoreError> {
        const DESC: &str = "c.created_at DESC, c.id DESC";
        const ASC: &str = "c.created_at ASC, c.id ASC";
        let want = limit as usize + 1;
        let undated = |id: i64, op: &str| -> Option<(&'static str, Vec<Box<dyn ToSql>>)> {
            Some((
                if op == "<" {
                    "c.created_at IS NULL AND c.id < ?"
                } else {
                    "c.created_at IS NULL AND c.id > ?"
                },
                vec![Box::new(id)],
            ))
        };
        let limit = limit as usize;
        match seek {
            None => {
                let mut ids = self.comment_id_query(f, None, DESC, want, f.offset as usize)?;
                let has_older = ids.len() > limit;
                ids.truncate(limit);
                Ok((ids, f.offset > 0, has_older))
            }
            Some(CommentSeek::After(k)) => {
                let mut ids = match k.created_at {
                    Some(t) => {
                        let mut ids = self.comment_id_query(
                            f,
                            Some((
                                "(c.created_at, c.id) < (?, ?)",
                                vec![Box::new(t), Box::new(k.id)],
                            )),
                            DESC,
                            want,
                            0,
                        )?;
                        if ids.len() < want {
                            ids.extend(self.comment_id_query(
                                f,
                                Some(("c.created_at IS NULL", Vec::new())),
                                "c.id DESC",
                                want - ids.len(),
                                0,
                            )?);
                        }
                        ids
                    }
                    None => self.comment_id_query(f, undated(k.id, "<"), "c.id DESC", want, 0)?,
                };
                let has_older = ids.len() > limit;
                ids.truncate(limit);
                Ok((ids, true, has_older))
            }
            Some(CommentSeek::Before(k)) => {
                let mut ids = match k.created_at {
                    Some(t) => self.comment_id_query(
                        f,
                        Some((
                            "(c.created_at, c.id) > (?, ?)",
                            vec![Box::new(t), Box::new(k.id)],
                        )),
                        ASC,
                        want,
                        0,
                    )?,
                    None => {
                        let mut ids =
                            self.comment_id_query(f, undated(k.id, ">"), "c.id ASC", want, 0)?;
                        if ids.len() < want {
                            ids.extend(self.comment_id_query(
                                f,
                                Some(("c.created_at IS NOT NULL", Vec::new())),
                                ASC,
                                want - ids.len(),
                                0,
                            )?);
                        }
                        ids
                    }
                };
                let has_newer = ids.len() > limit;
                ids.truncate(limit);
                ids.reverse();
                Ok((ids, has_newer, true))
            }
        }
    }

    /// Every comment's row id in the comment list's order (newest first,
    /// those without a posting time last), read from the
    /// `comments(created_at)` index: 8 bytes per comment, kept by the web
    /// app until the database changes, so that any page of the unfiltered
    /// list, and any list of matches sorted by it, costs no walk.
    pub fn comment_order(&self) -> Result<CommentOrder, StoreError> {
        let mut st = self
            .conn
            .prepare("SELECT id FROM comments ORDER BY created_at DESC, id DESC")
            .map_err(|e| self.page_sql(e))?;
        let mut rows = st.query([]).map_err(|e| self.page_sql(e))?;
        let mut order = Vec::new();
        while let Some(r) = rows.next().map_err(|e| self.page_sql(e))? {
            order.push(r.get::<_, i64>(0).map_err(|e| self.page_sql(e))?);
        }
        Ok(CommentOrder::new(order))
    }

    /// The row ids of the comments whose text matches the words of
    /// `search` (as [`fts_query`]), in no particular order: one read of the
    /// full-text index.
    pub fn search_comment_ids(&self, search: &str) -> Result<Vec<i64>, StoreError> {
        let Some(q) = fts_query(search) else {
            return Ok(Vec::new());
        };
        let mut st = self
            .conn
            .prepare_cached("SELECT rowid FROM comments_fts WHERE comments_fts MATCH ?1")
            .map_err(|e| self.page_sql(e))?;
        let ids = st
            .query_map(params![q], |r| r.get(0))
            .and_then(|rows| rows.collect::<Result<Vec<i64>, _>>())
            .map_err(|e| self.page_sql(e))?;
        Ok(ids)
    }

    /// The row ids of the comments flagged by `scheme` (with `label`, when
    /// given; dismissed flags included), possibly repeated, in no order.
    pub fn flagged_comment_ids(
        &self,
        scheme: &str,
        label: Option<&str>,
    ) -> Result<Vec<i64>, StoreError> {
        let mut st = match label {
            Some(_) => self.conn.prepare_cached(
                "SELECT comment_id FROM annotations WHERE scheme = ?1 AND label = ?2",
            ),
            None => self
                .conn
                .prepare_cached("SELECT comment_id FROM annotations WHERE scheme = ?1"),
        }
        .map_err(|e| self.page_sql(e))?;
        let rows = match label {
            Some(l) => st
                .query_map(params![scheme, l], |r| r.get(0))
                .and_then(|rows| rows.collect::<Result<Vec<i64>, _>>()),
            None => st
                .query_map(params![scheme], |r| r.get(0))
                .and_then(|rows| rows.collect::<Result<Vec<i64>, _>>()),
        }
        .map_err(|e| self.page_sql(e))?;
        Ok(rows)
    }

    /// The id that follows `key` in the unfiltered comment list (the next
    /// older comment), if any: where a link's place is when its comment is
    /// gone.
    pub fn comment_after(&self, key: CommentKey) -> Result<Option<i64>, StoreError> {
        let (ids, _, _) =
            self.comment_ids(&CommentFilter::default(), Some(CommentSeek::After(key)), 1)?;
        Ok(ids.first().copied())
    }

    /// One page of `list` (comment row ids in the list's order, newest
    /// first) with their flags and decisions: the `f.limit` entries after
    /// position `at`, past the first `skip` (`backward`: the `f.limit`
    /// entries before `at`) that pass `f`'s language and date conditions
    /// and video. The list already holds the word and flag filters; the
    /// remaining conditions, when any, are checked in SQL a chunk of ids at
    /// a time.
    pub fn comment_window_in(
        &self,
        list: &[i64],
        at: usize,
        skip: usize,
        backward: bool,
        f: &CommentFilter,
    ) -> Result<CommentWindow, StoreError> {
        let at = at.min(list.len());
        let limit = f.limit as usize;
        let (ids, has_newer, has_older) = if backward {
            let found = self.filter_list(list, at, true, limit + 1, f)?;
            let has_newer = found.len() > limit;
            let mut ids: Vec<i64> = found.into_iter().take(limit).map(|(_, id)| id).collect();
            ids.reverse();
            (
                ids,
                has_newer,
                !self.filter_list(list, at, false, 1, f)?.is_empty(),
            )
        } else {
            let found = self.filter_list(list, at, false, skip + limit + 1, f)?;
            let has_older = found.len() > skip + limit;
            let has_newer = match found.get(skip) {
                _ if skip > 0 => true,
                Some((first, _)) => !self.filter_list(list, *first, true, 1, f)?.is_empty(),
                None => !self.filter_list(list, at, true, 1, f)?.is_empty(),
            };
            let ids: Vec<i64> = found
                .into_iter()
                .skip(skip)
                .take(limit)
                .map(|(_, id)| id)
                .collect();
            (ids, has_newer, has_older)
        };
        Ok(CommentWindow {
            rows: self.comments_by_ids(&ids, None)?,
            has_newer,
            has_older,
        })
    }

    /// How many entries of `list` pass `f`'s language, date and video
    /// conditions, reading at most `cap` of them.
    pub fn count_in_list(
        &self,
        list: &[i64],
        f: &CommentFilter,
        cap: usize,
    ) -> Result<usize, StoreError> {
        Ok(self.filter_list(list, 0, false, cap, f)?.len())
    }

    /// Up to `want` (position, id) entries of `list` that pass `f`'s
    /// language, date and video conditions, walking from `at` toward the
    /// end (or, `backward`, from `at - 1` toward the start).
    fn filter_list(
        &self,
        list: &[i64],
        at: usize,
        backward: bool,
        want: usize,
        f: &CommentFilter,
    ) -> Result<Vec<(usize, i64)>, StoreError> {
        let plain = CommentFilter {
            video: f.video.clone(),
            language: f.language.clone(),
            from: f.from,
            to: f.to,
            ..CommentFilter::default()
        };
        let mut c = self.comment_conditions(&plain)?;
        let positions: Box<dyn Iterator<Item = usize>> = if backward {
            Box::new((0..at.min(list.len())).rev())
        } else {
            Box::new(at..list.len())
        };
        if c.sql.is_empty() {
            return Ok(positions.take(want).map(|i| (i, list[i])).collect());
        }
        c.push("c.id IN (SELECT value FROM json_each(?))", Vec::new());
        let sql = format!("SELECT c.id FROM comments c {}", c.where_clause(&[]));
        let mut st = self.conn.prepare(&sql).map_err(|e| self.page_sql(e))?;
        let mut found = Vec::new();
        let mut chunk: Vec<(usize, i64)> = Vec::with_capacity(FILTER_CHUNK);
        let mut positions = positions.peekable();
        // Chunks grow while little matches, so that a rare filter does not
        // cost a query per few rows.
        let mut size = 64;
        while found.len() < want && positions.peek().is_some() {
            chunk.clear();
            chunk.extend(positions.by_ref().take(size).map(|i| (i, list[i])));
            size = (size * 2).min(FILTER_CHUNK);
            let ids: Vec<i64> = chunk.iter().map(|(_, id)| *id).collect();
            let json = serde_json::to_string(&ids).unwrap_or_else(|_| "[]".into());
            let args: Vec<&dyn ToSql> = c
                .args
                .iter()
                .map(|a| a.as_ref() as &dyn ToSql)
                .chain([&json as &dyn ToSql])
                .collect();
            let hits: HashSet<i64> = st
                .query_map(args.as_slice(), |r| r.get(0))
                .and_then(|rows| rows.collect::<Result<_, _>>())
                .map_err(|e| self.page_sql(e))?;
            found.extend(
                chunk
                    .iter()
                    .filter(|(_, id)| hits.contains(id))
                    .take(want - found.len()),
            );
        }
        Ok(found)
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

    /// True when any per-video observation is stored.
    pub fn has_observations(&self) -> Result<bool, StoreError> {
        self.conn
            .query_row("SELECT EXISTS (SELECT 1 FROM observations)", [], |r| {
                r.get(0)
            })
            .map_err(|e| self.page_sql(e))
    }

    /// For the report (and the dashboard built from it): the comments held
    /// on `videos` (platform ids; `None`: every video), and per scheme of
    /// `schemes` the counts [`Store::label_counts`] and [`Store::flagged`]
    /// give, restricted to those videos.
    ///
    /// One sequential read of each table (comments by their video index,
    /// analysis runs, flags, decisions), counted here: joining each of a
    /// million flags and runs to its comment took 8 s (bench/web.sh).
    pub fn comment_signal_counts(
        &self,
        videos: Option<&[String]>,
        schemes: &[&str],
    ) -> Result<CommentSignalCounts, StoreError> {
        let sql = |e| self.page_sql(e);
        // The video rows in scope.
        let video_rows: Option<HashSet<i64>> = match videos {
            None => None,
            Some(ids) => {
                let wanted: HashSet<&str> = ids.iter().map(String::as_str).collect();
                let mut st = self
                    .conn
                    .prepare("SELECT id, platform_id FROM videos")
                    .map_err(sql)?;
                let mut rows = st.query([]).map_err(sql)?;
                let mut set = HashSet::new();
                while let Some(r) = rows.next().map_err(sql)? {
                    let keep = match r.get_ref(1).map_err(sql)? {
                        ValueRef::Text(t) => std::str::from_utf8(t)
                            .map(|t| wanted.contains(t))
                            .unwrap_or(false),
                        _ => false,
                    };
                    if keep {
                        set.insert(r.get::<_, i64>(0).map_err(sql)?);
                    }
                }
                Some(set)
            }
        };
        // The comments on them.
        let mut held = 0i64;
        let mut in_scope: Vec<i64> = Vec::new();
        {
            let mut st = self
                .conn
                .prepare("SELECT id, video_id FROM comments INDEXED BY comments_video")
                .map_err(sql)?;
            let mut rows = st.query([]).map_err(sql)?;
            while let Some(r) = rows.next().map_err(sql)? {
                let video: i64 = r.get(1).map_err(sql)?;
                if video_rows.as_ref().is_none_or(|s| s.contains(&video)) {
                    held += 1;
                    in_scope.push(r.get(0).map_err(sql)?);
                }
            }
        }
        let max = in_scope.iter().copied().max().unwrap_or(0);
        let min = in_scope.iter().copied().min().unwrap_or(0);
        let scope = if min >= 0 && max < (1i64 << 32) {
            let mut bits = vec![0u64; max as usize / 64 + 1];
            for id in &in_scope {
                bits[*id as usize / 64] |= 1u64 << (id % 64);
            }
            CommentScope::Bits(bits)
        } else {
            CommentScope::Set(in_scope.iter().copied().collect())
        };
        drop(in_scope);
        let scheme_index = |name: &[u8]| schemes.iter().position(|s| s.as_bytes() == name);
        // Comments analysed per scheme.
        let mut analysed = vec![0i64; schemes.len()];
        {
            let mut st = self
                .conn
                .prepare("SELECT comment_id, scheme FROM analysis_runs")
                .map_err(sql)?;
            let mut rows = st.query([]).map_err(sql)?;
            while let Some(r) = rows.next().map_err(sql)? {
                let ValueRef::Text(name) = r.get_ref(1).map_err(sql)? else {
                    continue;
                };
                if let Some(i) = scheme_index(name) {
                    if scope.contains(r.get(0).map_err(sql)?) {
                        analysed[i] += 1;
                    }
                }
            }
        }
        // Latest decision per (comment, scheme): by id (label counts) and by
        // time then id (the flag list).
        let mut by_id: HashMap<(i64, usize), (i64, bool)> = HashMap::new();
        let mut by_time: HashMap<(i64, usize), ((i64, i64), bool)> = HashMap::new();
        {
            let mut st = self
                .conn
                .prepare(
                    "SELECT id, comment_id, scheme, decision, decided_at FROM review_decisions",
                )
                .map_err(sql)?;
            let mut rows = st.query([]).map_err(sql)?;
            while let Some(r) = rows.next().map_err(sql)? {
                let ValueRef::Text(name) = r.get_ref(2).map_err(sql)? else {
                    continue;
                };
                let Some(i) = scheme_index(name) else {
                    continue;
                };
                let id: i64 = r.get(0).map_err(sql)?;
                let comment: i64 = r.get(1).map_err(sql)?;
                let dismiss = matches!(r.get_ref(3).map_err(sql)?, ValueRef::Text(b"dismiss"));
                let at: i64 = r.get(4).map_err(sql)?;
                let e = by_id.entry((comment, i)).or_insert((id, dismiss));
                if id >= e.0 {
                    *e = (id, dismiss);
                }
                let e = by_time.entry((comment, i)).or_insert(((at, id), dismiss));
                if (at, id) >= e.0 {
                    *e = ((at, id), dismiss);
                }
            }
        }
        // Flags: distinct comments per label, and per scheme.
        let mut labels: Vec<Vec<String>> = vec![Vec::new(); schemes.len()];
        let mut per_label: Vec<Vec<(u32, i64)>> = vec![Vec::new(); schemes.len()];
        let mut kept: Vec<Vec<i64>> = vec![Vec::new(); schemes.len()];
        {
            let mut st = self
                .conn
                .prepare("SELECT comment_id, scheme, label FROM annotations")
                .map_err(sql)?;
            let mut rows = st.query([]).map_err(sql)?;
            while let Some(r) = rows.next().map_err(sql)? {
                let ValueRef::Text(name) = r.get_ref(1).map_err(sql)? else {
                    continue;
                };
                let Some(i) = scheme_index(name) else {
                    continue;
                };
                let comment: i64 = r.get(0).map_err(sql)?;
                if !scope.contains(comment) {
                    continue;
                }
                if !by_id.get(&(comment, i)).is_some_and(|d| d.1) {
                    let label = match r.get_ref(2).map_err(sql)? {
                        ValueRef::Text(t) => String::from_utf8_lossy(t),
                        _ => continue,
                    };
                    let l = match labels[i].iter().position(|x| *x == label) {
                        Some(l) => l,
                        None => {
                            labels[i].push(label.into_owned());
                            labels[i].len() - 1
                        }
                    };
                    per_label[i].push((l as u32, comment));
                }
                if !by_time.get(&(comment, i)).is_some_and(|d| d.1) {
                    kept[i].push(comment);
                }
            }
        }
        let schemes = (0..schemes.len())
            .map(|i| {
                let pairs = &mut per_label[i];
                pairs.sort_unstable();
                pairs.dedup();
                let mut counts = vec![0i64; labels[i].len()];
                for (l, _) in pairs.iter() {
                    counts[*l as usize] += 1;
                }
                let mut by_label: Vec<(String, i64)> = std::mem::take(&mut labels[i])
                    .into_iter()
                    .zip(counts)
                    .collect();
                by_label.sort();
                let ids = &mut kept[i];
                ids.sort_unstable();
                ids.dedup();
                SchemeSignalCounts {
                    analysed: analysed[i],
                    labels: by_label,
                    flagged_not_dismissed: ids.len() as i64,
                }
            })
            .collect();
        Ok(CommentSignalCounts { held, schemes })
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

    #[test]
    fn like_patterns_escape_wildcards() {
        assert_eq!(like_pattern("50%_a\\"), "%50\\%\\_a\\\\%");
    }
}
