//! The comment list walked through id lists the web app keeps until the
//! database changes: every comment in the list's order ([`CommentOrder`]),
//! the comments a search or a flag filter matches, and a page of such a
//! list with the remaining conditions checked in SQL.

use super::{fts_query, CommentFilter, CommentWindow};
use crate::{Store, StoreError};
use rusqlite::params;
use rusqlite::types::ToSql;
use std::collections::{HashMap, HashSet};

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

/// Most ids checked by one query when filtering a list of ids in SQL.
const FILTER_CHUNK: usize = 2_000;

impl Store {
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
}
