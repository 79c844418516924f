//! The comment listing (threads) and the comment coverage table.

use crate::{Cell, Column, Table};

/// One comment as the listing shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct CommentLine {
    /// Video platform id.
    pub video_id: String,
    /// Comment platform id.
    pub comment_id: String,
    /// Parent comment id, for replies.
    pub parent_id: Option<String>,
    /// Pseudonymous key, or the handle where the project keeps it.
    pub author: Option<String>,
    /// Posted, `YYYY-MM-DD HH:MM` UTC.
    pub posted: Option<String>,
    /// Likes when captured.
    pub likes: Option<i64>,
    /// Whether likes are approximate.
    pub likes_approximate: bool,
    /// Replies when captured.
    pub replies: Option<i64>,
    /// Language.
    pub language: Option<String>,
    /// Depth in the thread.
    pub depth: usize,
    /// Text.
    pub text: String,
}

/// Comments as threads: replies indented under their parent in text output,
/// with a `depth` column for CSV and JSON.
pub fn comments_table(lines: &[CommentLine], machine: bool) -> Table {
    let mut columns = vec![
        Column::text("Video", "video_id", 19),
        Column::text("Comment", "comment_id", 19),
    ];
    if machine {
        columns.push(Column::text("Parent", "parent_id", 19));
        columns.push(Column::number("Depth", "depth"));
    }
    columns.extend([
        Column::text("Author", "author", 16),
        Column::text("Posted (UTC)", "posted", 16),
        Column::number("Likes", "likes"),
        Column::number("Replies", "replies"),
        Column::text("Lang", "language", 5),
        Column::text("Text", "text", 80),
    ]);
    let rows = lines
        .iter()
        .map(|l| {
            let mut row = vec![
                Cell::Text(l.video_id.clone()),
                Cell::Text(l.comment_id.clone()),
            ];
            if machine {
                row.push(Cell::text(l.parent_id.clone()));
                row.push(Cell::Count(l.depth as i64));
            }
            let text = if machine || l.depth == 0 {
                l.text.clone()
            } else {
                format!("{}↳ {}", "  ".repeat(l.depth - 1), l.text)
            };
            row.extend([
                Cell::text(l.author.clone()),
                Cell::text(l.posted.clone()),
                Cell::count(l.likes, l.likes_approximate),
                Cell::count(l.replies, false),
                Cell::text(l.language.clone()),
                Cell::Text(text),
            ]);
            row
        })
        .collect();
    Table {
        columns,
        rows,
        summary: Vec::new(),
        notes: vec![
            "Authors are keyed pseudonyms (u_…) unless the author is your own account or the project keeps handles ([privacy] store_handles).".into(),
        ],
    }
}
