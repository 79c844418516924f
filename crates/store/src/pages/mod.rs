//! Paginated, filtered queries for the web app's pages.
//!
//! Every query here returns one page (a `LIMIT`) and says whether there is
//! another, so that a request never loads a whole table: the video list walks
//! an index on the sorted metric (migration 005), the comment list walks
//! `comments(created_at)` or the full-text index, and the review queue walks
//! `annotations(scheme, severity DESC, comment_id)`. Filters are added to the
//! SQL only when given, so that SQLite plans each combination on its own.

// The queries are split by page: `videos` (the video list and a video's
// page), `comments` (the comment list walked in SQL), `comment_lists` (the
// comment list walked through id lists the web app keeps), `review` (the
// review queue), `report` (the report's comment counts) and `imports` (an
// import's warnings). This file holds what they share.

mod comment_lists;
mod comments;
mod imports;
mod report;
mod review;
mod videos;

pub use comment_lists::CommentOrder;
pub use comments::{
    CommentFilter, CommentKey, CommentListRow, CommentSeek, CommentWindow, DecisionRow, FlagRow,
};
pub use imports::ImportWarningRow;
pub use report::{CommentSignalCounts, SchemeSignalCounts};
pub use review::{QueueFilter, QueueState};
pub use videos::{ObservationRow, OwnerFilter, VideoFilter, VideoMatches, VideoSort};

use crate::{Store, StoreError};
use rusqlite::types::ToSql;

/// One page of a list.
#[derive(Debug, Clone, PartialEq)]
pub struct Page<T> {
    /// The rows.
    pub rows: Vec<T>,
    /// True when at least one more row follows.
    pub has_more: bool,
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
