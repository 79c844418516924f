//! The review queue: which part of it, one page of a scheme's flagged
//! comments (most severe first), a scheme's labels, and examples of a
//! label.

use super::{CommentListRow, Page};
use crate::{Store, StoreError};
use rusqlite::params;
use std::collections::HashSet;

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

impl Store {
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
}
