//! Comment analysis results: rule flags, which comments each rules version
//! has read, and human review decisions (never overwritten by a rerun).

use crate::{Store, StoreError};
use rusqlite::params;
use rusqlite::types::ValueRef;
use std::collections::HashMap;

/// A row of [`Store::prevalence`]: label, group, flagged comments, comments
/// analysed in the group.
type PrevalenceRow = (String, String, i64, i64);

/// Posting times whose periods are made here, 1000-01-01 to 9999-12-31
/// (UTC seconds): SQLite writes ISO year -1 as `-001`, chrono as `-0001`.
const MIN_TIME: i64 = -30_610_224_000;
/// See [`MIN_TIME`].
const MAX_TIME: i64 = 253_402_300_799;

/// The period of a posting time as `strftime(format, t, 'unixepoch')`
/// writes it (`%G-W%V` or `%Y-%m`).
fn period_of(t: i64, format: &str) -> Option<String> {
    chrono::DateTime::from_timestamp(t, 0).map(|d| d.format(format).to_string())
}

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
    /// Returns false when no such comment has a flag of that scheme: a
    /// decision is about a flag, and one with nothing to decide on would
    /// show in no queue.
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
                 SELECT c.id, ?2, ?3, ?4, ?5, ?6 FROM comments c WHERE c.platform_id = ?1
                 AND EXISTS (SELECT 1 FROM annotations a WHERE a.comment_id = c.id AND a.scheme = ?2)",
                params![comment_platform_id, scheme, decision.name(), reviewer, note, at],
            )
            .map_err(|e| StoreError::sql(&self.path, e))?;
        Ok(changed > 0)
    }

    /// Prevalence of each label of `scheme` by period or by video: rows of
    /// (label, group, flagged comments, comments analysed in that group).
    /// `by` is `week` (ISO year-week of the comment's posting, UTC), `month`
    /// or `video`. Dismissed flags are left out.
    ///
    /// By week or month the counts are made here from one read of the
    /// posting-time index and of the scheme's runs, flags and decisions:
    /// joining each of a million runs to its comment took 1.5 to 2 s
    /// (bench/web.sh). The SQL below stays for `video`, and for posting
    /// times SQLite would read differently (not an integer, or outside
    /// years 0 to 9999).
    pub fn prevalence(
        &self,
        scheme: &str,
        by: &str,
    ) -> Result<Vec<(String, String, i64, i64)>, StoreError> {
        let period: fn(i64) -> Option<String> = match by {
            "week" => |t| period_of(t, "%G-W%V"),
            "month" => |t| period_of(t, "%Y-%m"),
            _ => return self.prevalence_sql(scheme, by),
        };
        match self.prevalence_by_period(scheme, period)? {
            Some(rows) => Ok(rows),
            None => self.prevalence_sql(scheme, by),
        }
    }

    /// [`Store::prevalence`] by period, counted here; `None` when a comment's
    /// posting time or id is one this reading does not handle.
    fn prevalence_by_period(
        &self,
        scheme: &str,
        period: fn(i64) -> Option<String>,
    ) -> Result<Option<Vec<PrevalenceRow>>, StoreError> {
        let sql = |e| StoreError::sql(&self.path, e);
        let max_id: Option<i64> = self
            .conn
            .query_row("SELECT MAX(id) FROM comments", [], |r| r.get(0))
            .map_err(sql)?;
        let Some(max_id) = max_id else {
            return Ok(Some(Vec::new()));
        };
        if !(0..(1i64 << 28)).contains(&max_id) {
            return Ok(None);
        }
        // Each comment's period (index into `names`; u32::MAX: no comment).
        let mut of_comment = vec![u32::MAX; max_id as usize + 1];
        let mut names: Vec<Option<String>> = Vec::new();
        let mut index: HashMap<Option<String>, u32> = HashMap::new();
        let mut last_day: Option<(Option<i64>, u32)> = None;
        {
            let mut st = self
                .conn
                .prepare("SELECT id, created_at FROM comments INDEXED BY comments_created")
                .map_err(sql)?;
            let mut rows = st.query([]).map_err(sql)?;
            while let Some(r) = rows.next().map_err(sql)? {
                let id: i64 = r.get(0).map_err(sql)?;
                let day = match r.get_ref(1).map_err(sql)? {
                    ValueRef::Null => None,
                    ValueRef::Integer(t) if (MIN_TIME..=MAX_TIME).contains(&t) => Some(t),
                    _ => return Ok(None),
                };
                let Some(slot) = usize::try_from(id).ok().and_then(|i| of_comment.get_mut(i))
                else {
                    return Ok(None);
                };
                // Rows come by posting time: a day's comments share a period.
                let g = match last_day {
                    Some((d, g)) if d == day.map(|t| t.div_euclid(86_400)) => g,
                    _ => {
                        let name = day.and_then(period);
                        let next = names.len() as u32;
                        let g = *index.entry(name.clone()).or_insert_with(|| {
                            names.push(name);
                            next
                        });
                        last_day = Some((day.map(|t| t.div_euclid(86_400)), g));
                        g
                    }
                };
                *slot = g;
            }
        }
        let group = |comment: i64| -> Option<u32> {
            usize::try_from(comment)
                .ok()
                .and_then(|i| of_comment.get(i))
                .copied()
                .filter(|g| *g != u32::MAX)
        };
        let mut analysed = vec![0i64; names.len()];
        {
            let mut st = self
                .conn
                .prepare("SELECT comment_id FROM analysis_runs WHERE scheme = ?1")
                .map_err(sql)?;
            let mut rows = st.query(params![scheme]).map_err(sql)?;
            while let Some(r) = rows.next().map_err(sql)? {
                if let Some(g) = group(r.get(0).map_err(sql)?) {
                    analysed[g as usize] += 1;
                }
            }
        }
        // The latest decision (highest id) per comment: dismissed or not.
        let mut latest: HashMap<i64, (i64, bool)> = HashMap::new();
        {
            let mut st = self
                .conn
                .prepare("SELECT comment_id, id, decision FROM review_decisions WHERE scheme = ?1")
                .map_err(sql)?;
            let mut rows = st.query(params![scheme]).map_err(sql)?;
            while let Some(r) = rows.next().map_err(sql)? {
                let comment: i64 = r.get(0).map_err(sql)?;
                let id: i64 = r.get(1).map_err(sql)?;
                let dismiss = matches!(r.get_ref(2).map_err(sql)?, ValueRef::Text(b"dismiss"));
                let e = latest.entry(comment).or_insert((id, dismiss));
                if id >= e.0 {
                    *e = (id, dismiss);
                }
            }
        }
        // Distinct flagged comments per label (the period follows from
        // the comment).
        let mut labels: Vec<String> = Vec::new();
        let mut label_index: HashMap<String, u32> = HashMap::new();
        let mut pairs: Vec<(u32, i64)> = Vec::new();
        {
            let mut st = self
                .conn
                .prepare("SELECT label, comment_id FROM annotations WHERE scheme = ?1")
                .map_err(sql)?;
            let mut rows = st.query(params![scheme]).map_err(sql)?;
            while let Some(r) = rows.next().map_err(sql)? {
                let comment: i64 = r.get(1).map_err(sql)?;
                if group(comment).is_none() || latest.get(&comment).is_some_and(|d| d.1) {
                    continue;
                }
                let ValueRef::Text(label) = r.get_ref(0).map_err(sql)? else {
                    return Ok(None);
                };
                let Ok(label) = std::str::from_utf8(label) else {
                    return Ok(None);
                };
                let l = match label_index.get(label) {
                    Some(l) => *l,
                    None => {
                        let l = labels.len() as u32;
                        labels.push(label.to_string());
                        label_index.insert(label.to_string(), l);
                        l
                    }
                };
                pairs.push((l, comment));
            }
        }
        pairs.sort_unstable();
        pairs.dedup();
        let mut counts: HashMap<(u32, u32), i64> = HashMap::new();
        for (l, comment) in pairs {
            if let Some(g) = group(comment) {
                *counts.entry((l, g)).or_insert(0) += 1;
            }
        }
        let mut out: Vec<(&str, &Option<String>, i64, i64)> = counts
            .into_iter()
            .map(|((l, g), k)| {
                (
                    labels[l as usize].as_str(),
                    &names[g as usize],
                    k,
                    analysed[g as usize],
                )
            })
            .collect();
        // As SQL orders text (bytes) with the missing period first.
        out.sort_unstable_by(|a, b| (a.0, a.1).cmp(&(b.0, b.1)));
        Ok(Some(
            out.into_iter()
                .map(|(label, g, k, n)| {
                    (
                        label.to_string(),
                        g.clone().unwrap_or_else(|| "unknown".to_string()),
                        k,
                        n,
                    )
                })
                .collect(),
        ))
    }

    /// [`Store::prevalence`] in one SQL statement.
    fn prevalence_sql(
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

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use super::*;
    use crate::NewImport;
    use uptake_model::{Comment, Video};

    #[test]
    fn periods_are_those_sqlite_writes() {
        let conn = rusqlite::Connection::open_in_memory().unwrap();
        let mut times: Vec<i64> = vec![MIN_TIME, MAX_TIME, 0, -1, 86_399, 86_400];
        // Around every new year from 1995 to 2035, and every 5 days between.
        for y in 1995..2035 {
            let t = chrono::NaiveDate::from_ymd_opt(y, 1, 1)
                .unwrap()
                .and_hms_opt(0, 0, 0)
                .unwrap()
                .and_utc()
                .timestamp();
            for d in -8..8 {
                times.extend([t + d * 86_400, t + d * 86_400 - 1]);
            }
            times.extend((0..73).map(|i| t + i * 5 * 86_400 + 3_600));
        }
        for t in times {
            for format in ["%G-W%V", "%Y-%m"] {
                let sql: Option<String> = conn
                    .query_row(
                        "SELECT strftime(?1, ?2, 'unixepoch')",
                        params![format, t],
                        |r| r.get(0),
                    )
                    .unwrap();
                assert_eq!(period_of(t, format), sql, "{format} of {t}");
            }
        }
    }

    #[test]
    fn prevalence_by_period_matches_the_sql() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::create(&dir.path().join("uptake.db")).unwrap();
        let import = NewImport {
            file_name: "c".into(),
            sha256: format!("{:0>64}", 1),
            byte_size: 10,
            imported_at: 1_770_000_000,
            options_json: "{}".into(),
        };
        let mut tx = store.begin_import(&import, "tiktok").unwrap();
        tx.video(&Video::with_id("75")).unwrap();
        let new_year = 1_704_067_200; // 2024-01-01, a Monday
        for i in 0..60i64 {
            tx.comment(
                &Comment {
                    platform_id: i.to_string(),
                    video_id: "75".into(),
                    text: format!("comment {i}"),
                    created_at: (i % 7 != 3).then_some(new_year + (i - 30) * 86_400 * 3 + i),
                    ..Comment::default()
                },
                "zeeschuimer",
                None,
            )
            .unwrap();
        }
        tx.commit(&[]).unwrap();
        let pending = store.pending_comments("claims", "v1").unwrap();
        let flag = |label: &str, at: usize| NewAnnotation {
            label: label.into(),
            rule_id: "claims.x".into(),
            severity: None,
            span: (at, at + 1),
            matched: "c".into(),
        };
        let results: Vec<(i64, Vec<NewAnnotation>)> = pending
            .iter()
            .enumerate()
            .map(|(i, c)| {
                let flags = match i % 4 {
                    0 => vec![flag("b_label", 0), flag("b_label", 2)],
                    1 => vec![flag("a_label", 0), flag("b_label", 1)],
                    2 => vec![flag("Z", 0)],
                    _ => Vec::new(),
                };
                (c.id, flags)
            })
            .collect();
        store.save_analysis("claims", "v1", 10, &results).unwrap();
        for (id, decision, at) in [
            ("1", Decision::Dismiss, 20),
            ("4", Decision::Dismiss, 20),
            ("4", Decision::Confirm, 21),
            ("5", Decision::Confirm, 20),
            ("5", Decision::Dismiss, 21),
        ] {
            store
                .decide(id, "claims", decision, "mod", None, at)
                .unwrap();
        }
        for by in ["week", "month"] {
            let fast = store.prevalence("claims", by).unwrap();
            assert!(fast.len() > 10, "{fast:?}");
            assert_eq!(fast, store.prevalence_sql("claims", by).unwrap(), "{by}");
        }
        assert!(store.prevalence("kmb", "week").unwrap().is_empty());
    }
}
