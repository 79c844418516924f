//! The comment list walked in SQL: its filter, a place in it and a page of
//! it (newest first, paged by an index seek on `(created_at, id)` or by
//! offset), the filter's SQL conditions, and the listed rows with their
//! flags and latest decisions.

use super::{fts_query, Conditions, Page};
use crate::{Store, StoreError};
use rusqlite::types::ToSql;
use rusqlite::{params, params_from_iter};
use std::collections::HashMap;
use uptake_model::Count;

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

/// Matches above which a comment filter is checked row by row while walking
/// the comments newest first, rather than read whole and sorted.
const MANY_MATCHES: u32 = 2_000;

impl Store {
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
    pub(super) fn comment_conditions(&self, f: &CommentFilter) -> Result<Conditions, StoreError> {
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

    /// The id that follows `key` in the unfiltered comment list (the next
    /// older comment), if any: where a link's place is when its comment is
    /// gone.
    pub fn comment_after(&self, key: CommentKey) -> Result<Option<i64>, StoreError> {
        let (ids, _, _) =
            self.comment_ids(&CommentFilter::default(), Some(CommentSeek::After(key)), 1)?;
        Ok(ids.first().copied())
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
}
