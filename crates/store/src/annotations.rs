//! Comment analysis results: rule flags, which comments each rules version
//! has read, and human review decisions (never overwritten by a rerun).

use crate::{Store, StoreError};
use rusqlite::params;

/// A comment waiting to be analysed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingComment {
    /// Row id.
    pub id: i64,
    /// Text.
    pub text: String,
    /// Language, if known.
    pub language: Option<String>,
}

/// One flag to store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAnnotation {
    /// Label.
    pub label: String,
    /// Rule id.
    pub rule_id: String,
    /// Severity (safety).
    pub severity: Option<u8>,
    /// Byte span in the comment text.
    pub span: (usize, usize),
    /// The matched original text.
    pub matched: String,
}

/// A stored flag with its comment, for queues and listings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FlaggedComment {
    /// Comment row id.
    pub comment_id: i64,
    /// Comment platform id.
    pub comment_platform_id: String,
    /// Video platform id.
    pub video_id: String,
    /// Author pseudonym (or own handle).
    pub author: Option<String>,
    /// Posted, UTC seconds.
    pub created_at: Option<i64>,
    /// Text.
    pub text: String,
    /// Scheme.
    pub scheme: String,
    /// Label.
    pub label: String,
    /// Rule.
    pub rule_id: String,
    /// Severity.
    pub severity: Option<u8>,
    /// Span.
    pub span: (usize, usize),
    /// Matched text.
    pub matched: String,
    /// Rules version.
    pub version: String,
    /// Latest review decision on this comment and scheme, if any.
    pub decision: Option<String>,
}

/// A review decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// The flag is right.
    Confirm,
    /// The flag is wrong.
    Dismiss,
    /// Needs someone else (a senior moderator, the research team).
    Escalate,
}

impl Decision {
    /// Stored name.
    pub fn name(self) -> &'static str {
        match self {
            Decision::Confirm => "confirm",
            Decision::Dismiss => "dismiss",
            Decision::Escalate => "escalate",
        }
    }
}

impl Store {
    /// Comments not yet analysed by `scheme` at `version` (new comments, and
    /// comments analysed by another version).
    pub fn pending_comments(
        &self,
        scheme: &str,
        version: &str,
    ) -> Result<Vec<PendingComment>, StoreError> {
        let mut st = self
            .conn
            .prepare(
                "SELECT c.id, c.text, c.language FROM comments c
                 LEFT JOIN analysis_runs r ON r.comment_id = c.id AND r.scheme = ?1
                 WHERE r.version IS NULL OR r.version <> ?2 ORDER BY c.id",
            )
            .map_err(|e| StoreError::sql(&self.path, e))?;
        let rows = st
            .query_map(params![scheme, version], |r| {
                Ok(PendingComment {
                    id: r.get(0)?,
                    text: r.get(1)?,
                    language: r.get(2)?,
                })
            })
            .and_then(|rows| rows.collect::<Result<Vec<_>, _>>())
            .map_err(|e| StoreError::sql(&self.path, e))?;
        Ok(rows)
    }

    /// Stores the results of analysing comments with `scheme` at `version`
    /// in one transaction: each comment's previous rule flags for the scheme
    /// are replaced; review decisions are left alone.
    pub fn save_analysis(
        &mut self,
        scheme: &str,
        version: &str,
        at: i64,
        results: &[(i64, Vec<NewAnnotation>)],
    ) -> Result<u64, StoreError> {
        let path = self.path.clone();
        let sql = |e| StoreError::sql(&path, e);
        let tx = self.conn.transaction().map_err(sql)?;
        let mut flags = 0u64;
        {
            let mut del = tx
                .prepare_cached("DELETE FROM annotations WHERE comment_id = ?1 AND scheme = ?2 AND source = 'rule'")
                .map_err(sql)?;
            let mut ins = tx
                .prepare_cached(
                    "INSERT INTO annotations (comment_id, scheme, label, rule_id, severity, span_start,
                       span_end, matched, source, version, created_at)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 'rule', ?9, ?10)",
                )
                .map_err(sql)?;
            let mut run = tx
                .prepare_cached(
                    "INSERT INTO analysis_runs (comment_id, scheme, version, analysed_at) VALUES (?1, ?2, ?3, ?4)
                     ON CONFLICT (comment_id, scheme) DO UPDATE SET version = excluded.version,
                       analysed_at = excluded.analysed_at",
                )
                .map_err(sql)?;
            for (comment_id, annotations) in results {
                del.execute(params![comment_id, scheme]).map_err(sql)?;
                for a in annotations {
                    ins.execute(params![
                        comment_id,
                        scheme,
                        a.label,
                        a.rule_id,
                        a.severity,
                        a.span.0 as i64,
                        a.span.1 as i64,
                        a.matched,
                        version,
                        at
                    ])
                    .map_err(sql)?;
                    flags += 1;
                }
                run.execute(params![comment_id, scheme, version, at])
                    .map_err(sql)?;
            }
        }
        tx.commit().map_err(sql)?;
        Ok(flags)
    }

    /// Flags of `scheme` (optionally one `label`), with their comments and
    /// latest decisions. Ordered most severe first, then oldest first.
    pub fn flagged(
        &self,
        scheme: &str,
        label: Option<&str>,
    ) -> Result<Vec<FlaggedComment>, StoreError> {
        let mut st = self
            .conn
            .prepare(
                "SELECT c.id, c.platform_id, v.platform_id, COALESCE('@' || c.author_handle, c.author_key),
                        c.created_at, c.text, a.scheme, a.label, a.rule_id, a.severity, a.span_start,
                        a.span_end, a.matched, a.version,
                        (SELECT decision FROM review_decisions d WHERE d.comment_id = c.id
                           AND d.scheme = a.scheme ORDER BY d.decided_at DESC, d.id DESC LIMIT 1)
                 FROM annotations a JOIN comments c ON c.id = a.comment_id
                 JOIN videos v ON v.id = c.video_id
                 WHERE a.scheme = ?1 AND (?2 IS NULL OR a.label = ?2)
                 ORDER BY a.severity IS NULL, a.severity DESC, c.created_at, c.id, a.span_start",
            )
            .map_err(|e| StoreError::sql(&self.path, e))?;
        let rows = st
            .query_map(params![scheme, label], |r| {
                Ok(FlaggedComment {
                    comment_id: r.get(0)?,
                    comment_platform_id: r.get(1)?,
                    video_id: r.get(2)?,
                    author: r.get(3)?,
                    created_at: r.get(4)?,
                    text: r.get(5)?,
                    scheme: r.get(6)?,
                    label: r.get(7)?,
                    rule_id: r.get(8)?,
                    severity: r.get::<_, Option<i64>>(9)?.map(|s| s.clamp(0, 255) as u8),
                    span: (r.get::<_, i64>(10)? as usize, r.get::<_, i64>(11)? as usize),
                    matched: r.get(12)?,
                    version: r.get(13)?,
                    decision: r.get(14)?,
                })
            })
            .and_then(|rows| rows.collect::<Result<Vec<_>, _>>())
            .map_err(|e| StoreError::sql(&self.path, e))?;
        Ok(rows)
    }

    /// Records a review decision on a comment (by platform id) for a scheme.
    /// Returns false when no such comment exists.
    pub fn decide(
        &mut self,
        comment_platform_id: &str,
        scheme: &str,
        decision: Decision,
        reviewer: &str,
        note: Option<&str>,
        at: i64,
    ) -> Result<bool, StoreError> {
        let changed = self
            .conn
            .execute(
                "INSERT INTO review_decisions (comment_id, scheme, decision, reviewer, note, decided_at)
                 SELECT id, ?2, ?3, ?4, ?5, ?6 FROM comments WHERE platform_id = ?1",
                params![comment_platform_id, scheme, decision.name(), reviewer, note, at],
            )
            .map_err(|e| StoreError::sql(&self.path, e))?;
        Ok(changed > 0)
    }

    /// Prevalence of each label of `scheme` by period or by video: rows of
    /// (label, group, flagged comments, comments analysed in that group).
    /// `by` is `week` (ISO year-week of the comment's posting, UTC), `month`
    /// or `video`. Dismissed flags are left out.
    pub fn prevalence(
        &self,
        scheme: &str,
        by: &str,
    ) -> Result<Vec<(String, String, i64, i64)>, StoreError> {
        let group = match by {
            "week" => "strftime('%G-W%V', c.created_at, 'unixepoch')",
            "month" => "strftime('%Y-%m', c.created_at, 'unixepoch')",
            _ => "(SELECT platform_id FROM videos v WHERE v.id = c.video_id)",
        };
        let sql = format!(
            "WITH analysed AS (
               SELECT {group} AS g, COUNT(*) AS n FROM analysis_runs r JOIN comments c ON c.id = r.comment_id
               WHERE r.scheme = ?1 GROUP BY g),
             flagged AS (
               SELECT a.label AS label, {group} AS g, COUNT(DISTINCT a.comment_id) AS k
               FROM annotations a JOIN comments c ON c.id = a.comment_id
               WHERE a.scheme = ?1 AND NOT EXISTS (
                 SELECT 1 FROM review_decisions d WHERE d.comment_id = a.comment_id AND d.scheme = a.scheme
                 AND d.decision = 'dismiss' AND d.id = (SELECT MAX(id) FROM review_decisions x
                   WHERE x.comment_id = a.comment_id AND x.scheme = a.scheme))
               GROUP BY a.label, g)
             SELECT f.label, COALESCE(f.g, 'unknown'), f.k, COALESCE(an.n, 0)
             FROM flagged f LEFT JOIN analysed an ON an.g IS f.g
             ORDER BY f.label, f.g"
        );
        let mut st = self
            .conn
            .prepare(&sql)
            .map_err(|e| StoreError::sql(&self.path, e))?;
        let rows = st
            .query_map(params![scheme], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
            })
            .and_then(|rows| rows.collect::<Result<Vec<_>, _>>())
            .map_err(|e| StoreError::sql(&self.path, e))?;
        Ok(rows)
    }

    /// Per label of `scheme`: distinct comments flagged, and the number of
    /// comments analysed by the scheme (the denominator of label rates).
    /// Comments whose flag was dismissed by a reviewer are not counted.
    pub fn label_counts(
        &self,
        scheme: &str,
        videos: Option<&[String]>,
    ) -> Result<(Vec<(String, i64)>, i64), StoreError> {
        let filter = |alias: &str| {
            match videos {
            Some(_) => format!(" AND {alias}.video_id IN (SELECT id FROM videos WHERE platform_id IN (SELECT value FROM json_each(?2)))"),
            None => " AND ?2 IS NULL".to_string(),
        }
        };
        let list = videos.map(|v| serde_json::to_string(v).unwrap_or_else(|_| "[]".into()));
        let analysed: i64 = self
            .conn
            .query_row(
                &format!("SELECT COUNT(*) FROM analysis_runs r JOIN comments c ON c.id = r.comment_id WHERE r.scheme = ?1{}", filter("c")),
                params![scheme, list],
                |r| r.get(0),
            )
            .map_err(|e| StoreError::sql(&self.path, e))?;
        let mut st = self
            .conn
            .prepare(&format!(
                "SELECT a.label, COUNT(DISTINCT a.comment_id) FROM annotations a JOIN comments c ON c.id = a.comment_id
                 WHERE a.scheme = ?1{} AND NOT EXISTS (
                   SELECT 1 FROM review_decisions d WHERE d.comment_id = a.comment_id AND d.scheme = a.scheme
                   AND d.decision = 'dismiss' AND d.id = (SELECT MAX(id) FROM review_decisions x
                     WHERE x.comment_id = a.comment_id AND x.scheme = a.scheme))
                 GROUP BY a.label ORDER BY a.label",
                filter("c")
            ))
            .map_err(|e| StoreError::sql(&self.path, e))?;
        let rows = st
            .query_map(params![scheme, list], |r| Ok((r.get(0)?, r.get(1)?)))
            .and_then(|rows| rows.collect::<Result<Vec<_>, _>>())
            .map_err(|e| StoreError::sql(&self.path, e))?;
        Ok((rows, analysed))
    }
}
