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

/// Reply depth up to which text output indents replies further.
const MAX_INDENT: usize = 8;

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
        Column::count("Likes", "likes"),
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
            } else if l.depth <= MAX_INDENT {
                format!("{}↳ {}", "  ".repeat(l.depth - 1), l.text)
            } else {
                // Deeper replies stop moving right and say their depth: a
                // chain of thousands (hostile data) would otherwise hold an
                // indent as long as the chain in every row.
                format!("{}↳{} {}", "  ".repeat(MAX_INDENT - 1), l.depth, l.text)
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

#[cfg(test)]
mod tests {
    use super::*;

    fn line(depth: usize) -> CommentLine {
        CommentLine {
            video_id: "7".into(),
            comment_id: depth.to_string(),
            parent_id: None,
            author: None,
            posted: None,
            likes: None,
            likes_approximate: false,
            replies: None,
            language: None,
            depth,
            text: "hi".into(),
        }
    }

    fn text_of(table: &Table, row: usize) -> String {
        match table.rows[row].last() {
            Some(Cell::Text(t)) => t.clone(),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn replies_indent_up_to_a_depth_then_say_it() {
        let lines: Vec<CommentLine> = [0, 1, 2, 8, 9, 200_000].into_iter().map(line).collect();
        let table = comments_table(&lines, false);
        assert_eq!(text_of(&table, 0), "hi");
        assert_eq!(text_of(&table, 1), "↳ hi");
        assert_eq!(text_of(&table, 2), "  ↳ hi");
        assert_eq!(text_of(&table, 3), format!("{}↳ hi", "  ".repeat(7)));
        assert_eq!(text_of(&table, 4), format!("{}↳9 hi", "  ".repeat(7)));
        // A chain 200,000 deep costs a short prefix, not 400 KB a row.
        assert_eq!(text_of(&table, 5), format!("{}↳200000 hi", "  ".repeat(7)));
        // Machine formats keep the text and give the depth in its column.
        let table = comments_table(&lines, true);
        assert_eq!(text_of(&table, 5), "hi");
    }
}
