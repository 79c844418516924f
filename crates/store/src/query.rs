//! Typed read queries for reports.

use crate::import::APPROX_BITS;
use crate::{Store, StoreError};
use chrono::NaiveDate;
use rusqlite::{params, types::ValueRef, Row};
use uptake_model::{AccountDay, AudienceKind, AudienceSnapshot, Count, Metrics, Share, Video};

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
        let mut st = self
            .conn
            .prepare(
                "SELECT i.id, i.file_name, i.sha256, i.formats, i.imported_at, i.items, i.videos,
                        i.observations, i.account_days,
                        (SELECT COUNT(*) FROM import_warnings w WHERE w.import_id = i.id)
                 FROM imports i ORDER BY i.id",
            )
            .map_err(|e| self.sql(e))?;
        let rows = st
            .query_map([], |r| {
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
            .and_then(|rows| rows.collect::<Result<Vec<_>, _>>())
            .map_err(|e| self.sql(e))?;
        Ok(rows)
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
    /// observation that reports it, so a source without watch time does not
    /// hide the watch time an earlier source reported. Ordered by posting
    /// date, then id.
    ///
    /// Streams observations newest-first per video and keeps only the first
    /// value seen for each metric, so its cost is one pass over observations.
    pub fn latest_metrics(&self, as_of: Option<i64>) -> Result<Vec<LatestMetrics>, StoreError> {
        let mut videos = self.videos()?;
        let index: std::collections::HashMap<i64, usize> = videos
            .iter()
            .enumerate()
            .map(|(i, (id, _))| (*id, i))
            .collect();
        let mut out: Vec<LatestMetrics> = videos
            .drain(..)
            .map(|(_, video)| LatestMetrics {
                video,
                metrics: Metrics::default(),
                latest_observed_at: None,
                observations: 0,
            })
            .collect();
        let mut st = self
            .conn
            .prepare(
                "SELECT video_id, observed_at, approx_mask, views, reach, likes, comments, shares,
                        saves, new_followers, profile_views, avg_watch_s, total_watch_s,
                        full_watch_rate, traffic_sources, territories, genders
                 FROM observations WHERE observed_at <= ?1
                 ORDER BY video_id, observed_at DESC, id DESC",
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
            let entry = &mut out[slot];
            if entry.latest_observed_at.is_none() {
                entry.latest_observed_at = Some(row.get(1).map_err(|e| self.sql(e))?);
            }
            entry.observations += 1;
            fill_latest(&mut entry.metrics, row).map_err(|e| self.sql(e))?;
        }
        Ok(out)
    }

    /// Every video, ordered by posting date then id, with its row id.
    pub fn videos(&self) -> Result<Vec<(i64, Video)>, StoreError> {
        let mut st = self
            .conn
            .prepare(
                "SELECT id, platform_id, author_handle, author_key, created_at, posted_on, title,
                        caption, duration_s, url
                 FROM videos ORDER BY posted_on IS NULL, posted_on, created_at, platform_id",
            )
            .map_err(|e| self.sql(e))?;
        let rows = st
            .query_map([], |r| {
                let posted: Option<String> = r.get(5)?;
                Ok((
                    r.get::<_, i64>(0)?,
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
            })
            .and_then(|rows| rows.collect::<Result<Vec<_>, _>>())
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
        })
    }
}

/// Fills every metric of `m` that is still unknown from `row` (columns as in
/// [`Store::latest_metrics`]). Rows arrive newest first, so the first value
/// seen is the latest.
fn fill_latest(m: &mut Metrics, row: &Row) -> rusqlite::Result<()> {
    let mask: u32 = row.get(2)?;
    let counts: [&mut Option<Count>; 8] = [
        &mut m.views,
        &mut m.reach,
        &mut m.likes,
        &mut m.comments,
        &mut m.shares,
        &mut m.saves,
        &mut m.new_followers,
        &mut m.profile_views,
    ];
    for (i, (slot, (_, bit))) in counts.into_iter().zip(APPROX_BITS.iter()).enumerate() {
        if slot.is_none() {
            if let Some(v) = row.get::<_, Option<i64>>(3 + i)? {
                *slot = Some(Count {
                    value: v,
                    approximate: mask & bit != 0,
                });
            }
        }
    }
    let reals: [&mut Option<f64>; 3] = [
        &mut m.avg_watch_s,
        &mut m.total_watch_s,
        &mut m.full_watch_rate,
    ];
    for (i, slot) in reals.into_iter().enumerate() {
        if slot.is_none() {
            *slot = row.get(11 + i)?;
        }
    }
    let lists: [&mut Vec<Share>; 3] = [&mut m.traffic_sources, &mut m.territories, &mut m.genders];
    for (i, slot) in lists.into_iter().enumerate() {
        if slot.is_empty() {
            if let ValueRef::Text(bytes) = row.get_ref(14 + i)? {
                if let Some(shares) = std::str::from_utf8(bytes).ok().and_then(parse_shares) {
                    *slot = shares;
                }
            }
        }
    }
    Ok(())
}
