//! Reading comments as threads, and how complete the comment sample is.

use crate::{Store, StoreError};
use rusqlite::params;
use uptake_model::{Comment, Count};

/// A stored comment with where it sits in its thread.
#[derive(Debug, Clone, PartialEq)]
pub struct CommentRow {
    /// The comment.
    pub comment: Comment,
    /// Depth in its thread: 0 for top level, 1 for a reply, 2 for a reply to a reply.
    pub depth: usize,
    /// Captures of it (sources × times).
    pub captures: i64,
    /// Format of the capture whose values are kept.
    pub source: String,
}

/// How complete a video's comments are.
#[derive(Debug, Clone, PartialEq)]
pub struct CoverageRow {
    /// The video's platform id.
    pub video_id: String,
    /// Its title or caption's first line.
    pub title: Option<String>,
    /// Comments held.
    pub comments_held: i64,
    /// Of which replies.
    pub replies_held: i64,
    /// The platform's comment count at the latest observation that has one.
    pub platform_comments: Option<Count>,
    /// When that count was observed.
    pub platform_count_at: Option<i64>,
    /// First and last capture time of the comments held.
    pub captured: Option<(i64, i64)>,
    /// Source formats of the comments held, comma-separated.
    pub comment_sources: String,
    /// Source formats of the video's observations, comma-separated.
    pub observation_sources: String,
}

impl Store {
    /// Comments of one video (`Some(platform id)`) or of all videos, as
    /// threads: each top-level comment (oldest first) followed by its replies
    /// depth-first, oldest first. Replies whose parent is not held come last,
    /// at depth 1.
    pub fn comment_threads(&self, video: Option<&str>) -> Result<Vec<CommentRow>, StoreError> {
        let mut st = self
            .conn
            .prepare(
                "SELECT c.platform_id, v.platform_id, c.parent_platform_id, c.author_key,
                        c.author_handle, c.created_at, c.text, c.likes, c.likes_approx, c.replies,
                        c.language, c.observed_at, c.captures, c.source
                 FROM comments c JOIN videos v ON v.id = c.video_id
                 WHERE ?1 IS NULL OR v.platform_id = ?1
                 ORDER BY v.posted_on, v.platform_id, c.created_at, c.platform_id",
            )
            .map_err(|e| StoreError::sql(&self.path, e))?;
        let all: Vec<(Comment, i64, String)> = st
            .query_map(params![video], |r| {
                let likes: Option<i64> = r.get(7)?;
                let approx: bool = r.get::<_, i64>(8)? != 0;
                Ok((
                    Comment {
                        platform_id: r.get(0)?,
                        video_id: r.get(1)?,
                        parent_id: r.get(2)?,
                        author_key: r.get(3)?,
                        author_handle: r.get(4)?,
                        created_at: r.get(5)?,
                        text: r.get(6)?,
                        likes: likes.map(|value| Count {
                            value,
                            approximate: approx,
                        }),
                        replies: r.get::<_, Option<i64>>(9)?.map(Count::exact),
                        language: r.get(10)?,
                        observed_at: r.get(11)?,
                    },
                    r.get(12)?,
                    r.get(13)?,
                ))
            })
            .and_then(|rows| rows.collect::<Result<Vec<_>, _>>())
            .map_err(|e| StoreError::sql(&self.path, e))?;
        Ok(thread_order(all))
    }

    /// Per video: comments held against the platform's count, capture dates
    /// and sources. Ordered like the video table.
    pub fn coverage(&self) -> Result<Vec<CoverageRow>, StoreError> {
        let latest = self.latest_metrics(None)?;
        let mut st = self
            .conn
            .prepare(
                "SELECT v.platform_id, COUNT(c.id), COUNT(c.parent_platform_id),
                        MIN(c.observed_at), MAX(c.observed_at),
                        (SELECT group_concat(DISTINCT source) FROM comments WHERE video_id = v.id),
                        (SELECT group_concat(DISTINCT source) FROM observations WHERE video_id = v.id)
                 FROM videos v LEFT JOIN comments c ON c.video_id = v.id
                 GROUP BY v.id",
            )
            .map_err(|e| StoreError::sql(&self.path, e))?;
        type Agg = (
            i64,
            i64,
            Option<i64>,
            Option<i64>,
            Option<String>,
            Option<String>,
        );
        let mut by_video: std::collections::HashMap<String, Agg> = st
            .query_map([], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    (
                        r.get(1)?,
                        r.get(2)?,
                        r.get(3)?,
                        r.get(4)?,
                        r.get(5)?,
                        r.get(6)?,
                    ),
                ))
            })
            .and_then(|rows| rows.collect::<Result<_, _>>())
            .map_err(|e| StoreError::sql(&self.path, e))?;
        Ok(latest
            .into_iter()
            .map(|l| {
                let (held, replies, first, last, csrc, osrc) =
                    by_video.remove(&l.video.platform_id).unwrap_or_default();
                CoverageRow {
                    title: l
                        .video
                        .title
                        .clone()
                        .or(l.video.caption.clone())
                        .map(|t| t.lines().next().unwrap_or("").to_string()),
                    video_id: l.video.platform_id,
                    comments_held: held,
                    replies_held: replies,
                    platform_comments: l.metrics.comments,
                    platform_count_at: l.latest_observed_at,
                    captured: first.zip(last),
                    comment_sources: csrc.unwrap_or_default(),
                    observation_sources: osrc.unwrap_or_default(),
                }
            })
            .collect())
    }
}

/// Puts comments (already oldest first within each video) in thread order.
fn thread_order(all: Vec<(Comment, i64, String)>) -> Vec<CommentRow> {
    use std::collections::{HashMap, HashSet};
    let ids: HashSet<(String, String)> = all
        .iter()
        .map(|(c, _, _)| (c.video_id.clone(), c.platform_id.clone()))
        .collect();
    let mut children: HashMap<(String, String), Vec<usize>> = HashMap::new();
    let mut roots = Vec::new();
    let mut orphans = Vec::new();
    for (i, (c, _, _)) in all.iter().enumerate() {
        match &c.parent_id {
            None => roots.push(i),
            Some(p) if ids.contains(&(c.video_id.clone(), p.clone())) && p != &c.platform_id => {
                children
                    .entry((c.video_id.clone(), p.clone()))
                    .or_default()
                    .push(i)
            }
            Some(_) => orphans.push(i),
        }
    }
    let mut order: Vec<(usize, usize)> = Vec::with_capacity(all.len());
    let mut seen = vec![false; all.len()];
    // Depth-first with an explicit stack: threads can be deep, and hostile
    // data could even contain cycles, which `seen` breaks.
    for root in roots {
        let mut stack = vec![(root, 0usize)];
        while let Some((i, depth)) = stack.pop() {
            if std::mem::replace(&mut seen[i], true) {
                continue;
            }
            order.push((i, depth));
            let key = (all[i].0.video_id.clone(), all[i].0.platform_id.clone());
            if let Some(kids) = children.get(&key) {
                for &k in kids.iter().rev() {
                    stack.push((k, depth + 1));
                }
            }
        }
    }
    for i in orphans.into_iter().chain(0..all.len()) {
        if !seen[i] {
            seen[i] = true;
            order.push((i, 1));
        }
    }
    let mut slots: Vec<Option<(Comment, i64, String)>> = all.into_iter().map(Some).collect();
    order
        .into_iter()
        .filter_map(|(i, depth)| {
            slots[i]
                .take()
                .map(|(comment, captures, source)| CommentRow {
                    comment,
                    depth,
                    captures,
                    source,
                })
        })
        .collect()
}
