//! Typed read queries for reports; which videos are the project's own is in
//! [`owner`] ([`OwnAccount`]).

use crate::import::APPROX_BITS;
use crate::{Store, StoreError};
use chrono::NaiveDate;
use rusqlite::{params, types::ValueRef, Row};
use uptake_model::{AccountDay, AudienceKind, AudienceSnapshot, Count, Metrics, Share, Video};

pub mod owner;
pub use owner::{OwnAccount, VideoOwner, OWN_ANALYTICS};

/// One import as listed by `uptake status`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportRow {
    /// Import id.
    pub id: i64,
    /// File as named on the command line.
    pub file_name: String,
    /// SHA-256 of its bytes.
    pub sha256: String,
    /// Formats read, comma-separated.
    pub formats: String,
    /// When, UTC seconds.
    pub imported_at: i64,
    /// Source records read.
    pub items: i64,
    /// New videos.
    pub videos: i64,
    /// Observations added.
    pub observations: i64,
    /// Account days written.
    pub account_days: i64,
    /// Warnings recorded.
    pub warnings: i64,
}

/// A warning recorded during an import.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WarningRow {
    /// The import.
    pub import_id: i64,
    /// Where.
    pub location: String,
    /// What.
    pub message: String,
}

/// A video with, for each metric, the latest value observed (as of a time).
#[derive(Debug, Clone, PartialEq)]
pub struct LatestMetrics {
    /// The video.
    pub video: Video,
    /// Each metric from the latest observation that has it.
    pub metrics: Metrics,
    /// Time of the latest observation considered, UTC seconds.
    pub latest_observed_at: Option<i64>,
    /// Observations considered.
    pub observations: u32,
}

/// Counts and coverage of the whole project.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StoreSummary {
    /// Imports.
    pub imports: i64,
    /// Videos.
    pub videos: i64,
    /// Observations.
    pub observations: i64,
    /// First and last observation time.
    pub observed: Option<(i64, i64)>,
    /// Accounts with daily series, with first and last date and day count.
    pub account_series: Vec<(String, String, String, i64)>,
    /// Audience snapshots (distinct import, kind).
    pub audience_snapshots: i64,
    /// Raw records kept.
    pub raw_records: i64,
    /// Comments held.
    pub comments: i64,
    /// Distinct pseudonymous commenters.
    pub commenters: i64,
}

/// The columns [`video_from_row`] reads, for `videos v`.
const VIDEO_COLUMNS: &str = "v.id, v.platform_id, v.author_handle, v.author_key, v.created_at, \
    v.posted_on, v.title, v.caption, v.duration_s, v.url";
/// How many columns [`VIDEO_COLUMNS`] has.
const VIDEO_COLUMN_COUNT: usize = 10;
/// Puts videos in listing order: by posting date (unknown last), then
/// creation time, then id. Sorting here rather than in SQL keeps SQLite from
/// sorting whole wide rows (0.3 s for 100,000 videos with their metrics).
fn sort_videos<T>(items: &mut [T], video: impl Fn(&T) -> &Video) {
    items.sort_by(|a, b| {
        let (a, b) = (video(a), video(b));
        (
            a.posted_on.is_none(),
            a.posted_on,
            a.created_at,
            &a.platform_id,
        )
            .cmp(&(
                b.posted_on.is_none(),
                b.posted_on,
                b.created_at,
                &b.platform_id,
            ))
    });
}

/// Reads [`VIDEO_COLUMNS`] from the start of a row.
fn video_from_row(r: &Row) -> rusqlite::Result<(i64, Video)> {
    let posted: Option<String> = r.get(5)?;
    Ok((
        r.get(0)?,
        Video {
            platform_id: r.get(1)?,
            author_handle: r.get(2)?,
            author_key: r.get(3)?,
            created_at: r.get(4)?,
            posted_on: posted.as_deref().and_then(date),
            title: r.get(6)?,
            caption: r.get(7)?,
            duration_s: r.get(8)?,
            url: r.get(9)?,
        },
    ))
}

fn date(text: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").ok()
}

fn parse_shares(text: &str) -> Option<Vec<Share>> {
    let pairs: Vec<(String, f64)> = serde_json::from_str(text).ok()?;
    Some(
        pairs
            .into_iter()
            .map(|(label, fraction)| Share { label, fraction })
            .collect(),
    )
}

impl Store {
    fn sql(&self, e: rusqlite::Error) -> StoreError {
        StoreError::sql(&self.path, e)
    }

    fn corrupt(&self, what: impl Into<String>) -> StoreError {
        StoreError::Corrupt {
            path: self.path.clone(),
            what: what.into(),
        }
    }

    /// Every import, oldest first.
    pub fn imports(&self) -> Result<Vec<ImportRow>, StoreError> {
        self.select_imports("", rusqlite::params![])
    }

    /// The import of the file with this (lower-case) SHA-256, if any.
    pub(crate) fn import_by_hash(&self, sha256: &str) -> Result<Option<ImportRow>, StoreError> {
        Ok(self
            .select_imports("WHERE i.sha256 = ?1", rusqlite::params![sha256])?
            .into_iter()
            .next())
    }

    fn select_imports(
        &self,
        filter: &str,
        args: &[&dyn rusqlite::ToSql],
    ) -> Result<Vec<ImportRow>, StoreError> {
        select_imports(&self.conn, filter, args).map_err(|e| self.sql(e))
    }

    /// Warnings of every import, in the order recorded.
    pub fn warnings(&self) -> Result<Vec<WarningRow>, StoreError> {
        let mut st = self
            .conn
            .prepare("SELECT import_id, location, message FROM import_warnings ORDER BY id")
            .map_err(|e| self.sql(e))?;
        let rows = st
            .query_map([], |r| {
                Ok(WarningRow {
                    import_id: r.get(0)?,
                    location: r.get(1)?,
                    message: r.get(2)?,
                })
            })
            .and_then(|rows| rows.collect::<Result<Vec<_>, _>>())
            .map_err(|e| self.sql(e))?;
        Ok(rows)
    }

    /// Every video with its latest metrics as of `as_of` (UTC seconds,
    /// inclusive; `None` = everything). Each metric comes from the latest
    /// observation that reports it (ties broken by the later import), so a
    /// source without watch time does not hide the watch time an earlier
    /// source reported. Ordered by posting date, then id.
    ///
    /// One sequential pass over the observations table: per video and metric
    /// it keeps the value with the greatest `(observed_at, id)`. Reading in
    /// table order rather than index order is what keeps 1M observations
    /// under a second (an ordered index walk costs a random lookup per row).
    pub fn latest_metrics(&self, as_of: Option<i64>) -> Result<Vec<LatestMetrics>, StoreError> {
        match as_of {
            None => self.latest_metrics_kept(),
            Some(t) => self.latest_metrics_scan(Some(t)),
        }
    }

    /// [`Store::latest_metrics`] as of now, from the `video_latest` table that
    /// every import maintains: one joined row per video, no scan of observations.
    fn latest_metrics_kept(&self) -> Result<Vec<LatestMetrics>, StoreError> {
        use crate::import::{LATEST_COUNTS, LATEST_LISTS, LATEST_REALS};
        let mut cols = vec!["l.observations".to_string(), "l.newest_at".into()];
        for m in LATEST_COUNTS {
            cols.push(format!("l.{m}"));
            cols.push(format!("l.{m}_approx"));
        }
        cols.extend(
            LATEST_REALS
                .iter()
                .chain(LATEST_LISTS.iter())
                .map(|m| format!("l.{m}")),
        );
        let sql = format!(
            "SELECT {VIDEO_COLUMNS}, {} FROM videos v LEFT JOIN video_latest l ON l.video_id = v.id",
            cols.join(", ")
        );
        let mut st = self.conn.prepare(&sql).map_err(|e| self.sql(e))?;
        let base = VIDEO_COLUMN_COUNT;
        let rows = st
            .query_map([], |row| {
                let count = |i: usize| -> rusqlite::Result<Option<Count>> {
                    let v: Option<i64> = row.get(base + 2 + 2 * i)?;
                    let approx: Option<i64> = row.get(base + 3 + 2 * i)?;
                    Ok(v.map(|value| Count {
                        value,
                        approximate: approx == Some(1),
                    }))
                };
                let list = |i: usize| -> rusqlite::Result<Vec<Share>> {
                    Ok(match row.get_ref(base + 21 + i)? {
                        ValueRef::Text(bytes) => std::str::from_utf8(bytes)
                            .ok()
                            .and_then(parse_shares)
                            .unwrap_or_default(),
                        _ => Vec::new(),
                    })
                };
                Ok(LatestMetrics {
                    video: video_from_row(row)?.1,
                    metrics: Metrics {
                        views: count(0)?,
                        reach: count(1)?,
                        likes: count(2)?,
                        comments: count(3)?,
                        shares: count(4)?,
                        saves: count(5)?,
                        new_followers: count(6)?,
                        profile_views: count(7)?,
                        avg_watch_s: row.get(base + 18)?,
                        total_watch_s: row.get(base + 19)?,
                        full_watch_rate: row.get(base + 20)?,
                        traffic_sources: list(0)?,
                        territories: list(1)?,
                        genders: list(2)?,
                    },
                    latest_observed_at: row.get(base + 1)?,
                    observations: row.get::<_, Option<u32>>(base)?.unwrap_or(0),
                })
            })
            .and_then(|rows| rows.collect::<Result<Vec<_>, _>>())
            .map_err(|e| self.sql(e))?;
        let mut rows = rows;
        sort_videos(&mut rows, |l: &LatestMetrics| &l.video);
        Ok(rows)
    }

    /// [`Store::latest_metrics`] by scanning observations (for `as_of`).
    fn latest_metrics_scan(&self, as_of: Option<i64>) -> Result<Vec<LatestMetrics>, StoreError> {
        let videos = self.videos()?;
        let index: std::collections::HashMap<i64, usize> = videos
            .iter()
            .enumerate()
            .map(|(i, (id, _))| (*id, i))
            .collect();
        let mut acc: Vec<Latest> = (0..videos.len()).map(|_| Latest::default()).collect();
        let mut st = self
            .conn
            .prepare(
                "SELECT video_id, observed_at, id, approx_mask, views, reach, likes, comments,
                        shares, saves, new_followers, profile_views, avg_watch_s, total_watch_s,
                        full_watch_rate, traffic_sources, territories, genders
                 FROM observations WHERE observed_at <= ?1",
            )
            .map_err(|e| self.sql(e))?;
        let mut rows = st
            .query(params![as_of.unwrap_or(i64::MAX)])
            .map_err(|e| self.sql(e))?;
        while let Some(row) = rows.next().map_err(|e| self.sql(e))? {
            let video_id: i64 = row.get(0).map_err(|e| self.sql(e))?;
            let Some(&slot) = index.get(&video_id) else {
                return Err(self.corrupt(format!("observation of unknown video row {video_id}")));
            };
            acc[slot].take(row).map_err(|e| self.sql(e))?;
        }
        videos
            .into_iter()
            .zip(acc)
            .map(|((_, video), latest)| {
                let (metrics, latest_observed_at, observations) =
                    latest.finish().map_err(|what| self.corrupt(what))?;
                Ok(LatestMetrics {
                    video,
                    metrics,
                    latest_observed_at,
                    observations,
                })
            })
            .collect()
    }

    /// Every video, ordered by posting date then id, with its row id.
    pub fn videos(&self) -> Result<Vec<(i64, Video)>, StoreError> {
        let mut st = self
            .conn
            .prepare(&format!("SELECT {VIDEO_COLUMNS} FROM videos v"))
            .map_err(|e| self.sql(e))?;
        let mut rows = st
            .query_map([], video_from_row)
            .and_then(|rows| rows.collect::<Result<Vec<_>, _>>())
            .map_err(|e| self.sql(e))?;
        sort_videos(&mut rows, |(_, v): &(i64, Video)| v);
        Ok(rows)
    }

    /// Every video's view counts over time: platform id → `(observed_at,
    /// views)` in time order, from observations that report views.
    pub fn views_series(
        &self,
    ) -> Result<std::collections::HashMap<String, Vec<(i64, i64)>>, StoreError> {
        let mut st = self
            .conn
            .prepare(
                "SELECT v.platform_id, o.observed_at, o.views FROM observations o
                 JOIN videos v ON v.id = o.video_id WHERE o.views IS NOT NULL
                 ORDER BY o.video_id, o.observed_at, o.id",
            )
            .map_err(|e| self.sql(e))?;
        let mut out: std::collections::HashMap<String, Vec<(i64, i64)>> =
            std::collections::HashMap::new();
        let mut rows = st.query([]).map_err(|e| self.sql(e))?;
        while let Some(r) = rows.next().map_err(|e| self.sql(e))? {
            let id: String = r.get(0).map_err(|e| self.sql(e))?;
            let at: i64 = r.get(1).map_err(|e| self.sql(e))?;
            let views: i64 = r.get(2).map_err(|e| self.sql(e))?;
            out.entry(id).or_default().push((at, views));
        }
        Ok(out)
    }

    /// The `(platform id, observed_at)` of every observation whose view
    /// count is approximate (read from an abbreviated display such as
    /// `47.6K`): a value at a fixed age that rests on one is approximate too.
    pub fn approximate_view_observations(
        &self,
    ) -> Result<std::collections::HashSet<(String, i64)>, StoreError> {
        let views_bit = APPROX_BITS[0].1;
        let mut st = self
            .conn
            .prepare(
                "SELECT v.platform_id, o.observed_at FROM observations o
                 JOIN videos v ON v.id = o.video_id
                 WHERE o.views IS NOT NULL AND (o.approx_mask & ?1) != 0",
            )
            .map_err(|e| self.sql(e))?;
        let rows = st
            .query_map([views_bit], |r| Ok((r.get(0)?, r.get(1)?)))
            .and_then(|rows| rows.collect::<Result<_, _>>())
            .map_err(|e| self.sql(e))?;
        Ok(rows)
    }

    /// Accounts that have a daily series.
    pub fn accounts(&self) -> Result<Vec<String>, StoreError> {
        let mut st = self
            .conn
            .prepare("SELECT DISTINCT account FROM account_days ORDER BY account")
            .map_err(|e| self.sql(e))?;
        let rows = st
            .query_map([], |r| r.get(0))
            .and_then(|rows| rows.collect::<Result<Vec<String>, _>>())
            .map_err(|e| self.sql(e))?;
        Ok(rows)
    }

    /// The daily series of `account`, oldest first.
    pub fn account_days(&self, account: &str) -> Result<Vec<AccountDay>, StoreError> {
        let mut st = self
            .conn
            .prepare(
                "SELECT date, video_views, profile_views, likes, comments, shares, followers,
                        new_followers, total_viewers, new_viewers, returning_viewers, reach
                 FROM account_days WHERE account = ?1 ORDER BY date",
            )
            .map_err(|e| self.sql(e))?;
        let rows = st
            .query_map(params![account], |r| {
                let d: String = r.get(0)?;
                Ok((
                    d,
                    AccountDay {
                        account: account.to_string(),
                        date: NaiveDate::MIN,
                        video_views: r.get(1)?,
                        profile_views: r.get(2)?,
                        likes: r.get(3)?,
                        comments: r.get(4)?,
                        shares: r.get(5)?,
                        followers: r.get(6)?,
                        new_followers: r.get(7)?,
                        total_viewers: r.get(8)?,
                        new_viewers: r.get(9)?,
                        returning_viewers: r.get(10)?,
                        reach: r.get(11)?,
                    },
                ))
            })
            .and_then(|rows| rows.collect::<Result<Vec<_>, _>>())
            .map_err(|e| self.sql(e))?;
        rows.into_iter()
            .map(|(d, mut day)| {
                day.date = date(&d).ok_or_else(|| self.corrupt(format!("bad date `{d}`")))?;
                Ok(day)
            })
            .collect()
    }

    /// The newest audience snapshot of `kind` for `account`.
    pub fn latest_audience(
        &self,
        account: &str,
        kind: AudienceKind,
    ) -> Result<Option<AudienceSnapshot>, StoreError> {
        let mut st = self
            .conn
            .prepare(
                "SELECT as_of, label, fraction FROM audience_snapshots
                 WHERE account = ?1 AND kind = ?2 AND import_id = (
                   SELECT import_id FROM audience_snapshots WHERE account = ?1 AND kind = ?2
                   ORDER BY as_of DESC, import_id DESC LIMIT 1)
                 ORDER BY fraction DESC, label",
            )
            .map_err(|e| self.sql(e))?;
        let rows = st
            .query_map(params![account, kind.name()], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, f64>(2)?,
                ))
            })
            .and_then(|rows| rows.collect::<Result<Vec<_>, _>>())
            .map_err(|e| self.sql(e))?;
        let Some((as_of, _, _)) = rows.first() else {
            return Ok(None);
        };
        let as_of = date(as_of).ok_or_else(|| self.corrupt(format!("bad date `{as_of}`")))?;
        Ok(Some(AudienceSnapshot {
            account: account.to_string(),
            as_of,
            kind,
            shares: rows
                .into_iter()
                .map(|(_, label, fraction)| Share { label, fraction })
                .collect(),
        }))
    }

    /// Counts and coverage of the project.
    pub fn summary(&self) -> Result<StoreSummary, StoreError> {
        let one = |sql: &str| -> Result<i64, StoreError> {
            self.conn
                .query_row(sql, [], |r| r.get(0))
                .map_err(|e| self.sql(e))
        };
        let observed: (Option<i64>, Option<i64>) = self
            .conn
            .query_row(
                "SELECT MIN(observed_at), MAX(observed_at) FROM observations",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .map_err(|e| self.sql(e))?;
        let mut st = self
            .conn
            .prepare(
                "SELECT account, MIN(date), MAX(date), COUNT(*) FROM account_days
                 GROUP BY account ORDER BY account",
            )
            .map_err(|e| self.sql(e))?;
        let account_series = st
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
            .and_then(|rows| rows.collect::<Result<Vec<_>, _>>())
            .map_err(|e| self.sql(e))?;
        Ok(StoreSummary {
            imports: one("SELECT COUNT(*) FROM imports")?,
            videos: one("SELECT COUNT(*) FROM videos")?,
            observations: one("SELECT COUNT(*) FROM observations")?,
            observed: match observed {
                (Some(a), Some(b)) => Some((a, b)),
                _ => None,
            },
            account_series,
            audience_snapshots: one(
                "SELECT COUNT(*) FROM (SELECT DISTINCT import_id, kind FROM audience_snapshots)",
            )?,
            raw_records: one("SELECT COUNT(*) FROM raw_records")?,
            comments: one("SELECT COUNT(*) FROM comments")?,
            commenters: one("SELECT COUNT(DISTINCT author_key) FROM comments")?,
        })
    }
}

/// Time stamp of a kept value: `(observed_at, observation id)`; greater wins.
type Stamp = (i64, i64);

/// The latest value of each metric seen so far for one video.
#[derive(Default)]
struct Latest {
    counts: [Option<(Stamp, i64, bool)>; 8],
    reals: [Option<(Stamp, f64)>; 3],
    lists: [Option<(Stamp, String)>; 3],
    newest: Option<i64>,
    observations: u32,
}

impl Latest {
    /// Takes one observation row (columns as in [`Store::latest_metrics`]).
    fn take(&mut self, row: &Row) -> rusqlite::Result<()> {
        let observed_at: i64 = row.get(1)?;
        let stamp: Stamp = (observed_at, row.get(2)?);
        let mask: u32 = row.get(3)?;
        self.observations += 1;
        self.newest = Some(self.newest.map_or(observed_at, |n| n.max(observed_at)));
        for (i, (_, bit)) in APPROX_BITS.iter().enumerate() {
            if let Some(v) = row.get::<_, Option<i64>>(4 + i)? {
                if self.counts[i].as_ref().is_none_or(|(s, _, _)| stamp > *s) {
                    self.counts[i] = Some((stamp, v, mask & bit != 0));
                }
            }
        }
        for i in 0..3 {
            if let Some(v) = row.get::<_, Option<f64>>(12 + i)? {
                if self.reals[i].as_ref().is_none_or(|(s, _)| stamp > *s) {
                    self.reals[i] = Some((stamp, v));
                }
            }
        }
        for i in 0..3 {
            if let ValueRef::Text(bytes) = row.get_ref(15 + i)? {
                if self.lists[i].as_ref().is_none_or(|(s, _)| stamp > *s) {
                    let text = std::str::from_utf8(bytes).unwrap_or_default();
                    self.lists[i] = Some((stamp, text.to_owned()));
                }
            }
        }
        Ok(())
    }

    /// The metrics, the newest observation time and the number of observations.
    fn finish(self) -> Result<(Metrics, Option<i64>, u32), String> {
        let count =
            |i: usize| self.counts[i].map(|(_, value, approximate)| Count { value, approximate });
        let real = |i: usize| self.reals[i].map(|(_, v)| v);
        let list = |i: usize| -> Result<Vec<Share>, String> {
            match &self.lists[i] {
                None => Ok(Vec::new()),
                Some((_, text)) => {
                    parse_shares(text).ok_or_else(|| format!("bad distribution `{text}`"))
                }
            }
        };
        let metrics = Metrics {
            views: count(0),
            reach: count(1),
            likes: count(2),
            comments: count(3),
            shares: count(4),
            saves: count(5),
            new_followers: count(6),
            profile_views: count(7),
            avg_watch_s: real(0),
            total_watch_s: real(1),
            full_watch_rate: real(2),
            traffic_sources: list(0)?,
            territories: list(1)?,
            genders: list(2)?,
        };
        Ok((metrics, self.newest, self.observations))
    }
}

/// The imports matching `filter` (a `WHERE` clause over `imports i`), oldest
/// first; on any connection, including one inside an import's transaction.
pub(crate) fn select_imports(
    conn: &rusqlite::Connection,
    filter: &str,
    args: &[&dyn rusqlite::ToSql],
) -> rusqlite::Result<Vec<ImportRow>> {
    let mut st = conn.prepare(&format!(
        "SELECT i.id, i.file_name, i.sha256, i.formats, i.imported_at, i.items, i.videos,
                        i.observations, i.account_days,
                        (SELECT COUNT(*) FROM import_warnings w WHERE w.import_id = i.id)
                 FROM imports i {filter} ORDER BY i.id"
    ))?;
    let rows = st
        .query_map(args, |r| {
            Ok(ImportRow {
                id: r.get(0)?,
                file_name: r.get(1)?,
                sha256: r.get(2)?,
                formats: r.get(3)?,
                imported_at: r.get(4)?,
                items: r.get(5)?,
                videos: r.get(6)?,
                observations: r.get(7)?,
                account_days: r.get(8)?,
                warnings: r.get(9)?,
            })
        })
        .and_then(|rows| rows.collect::<Result<Vec<_>, _>>())?;
    Ok(rows)
}
