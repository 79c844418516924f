//! How complete the comment sample is, per video (`uptake coverage`).

use crate::{Cell, Column, Table};

/// One video's coverage, as the table shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct CoverageLine {
    /// Video platform id.
    pub video_id: String,
    /// Title.
    pub title: Option<String>,
    /// Comments held.
    pub held: i64,
    /// Of which replies.
    pub replies: i64,
    /// The platform's count.
    pub platform: Option<i64>,
    /// Whether the platform's count is approximate (rounded).
    pub platform_approximate: bool,
    /// When the platform's count was observed (`YYYY-MM-DD`).
    pub platform_at: Option<String>,
    /// First and last capture of the comments held (`YYYY-MM-DD`).
    pub captured: Option<(String, String)>,
    /// Comment sources.
    pub comment_sources: String,
    /// Observation sources.
    pub observation_sources: String,
}

/// The Research API returns at most about 1,000 comments per video
/// (issue: public-data formats); a count at or above it is capped.
pub const RESEARCH_API_COMMENT_CAP: i64 = 1000;

/// The coverage table with its caveats as notes.
pub fn coverage_table(lines: &[CoverageLine]) -> Table {
    let columns = vec![
        Column::text("Video", "video_id", 19),
        Column::text("Title", "title", 30),
        Column::number("Held", "comments_held"),
        Column::number("Replies", "replies_held"),
        Column::count("Platform count", "platform_comments"),
        Column::number("Held %", "held_share"),
        Column::text("Count as of", "platform_count_at", 10),
        Column::text("Captured", "captured", 23),
        Column::text("Comment sources", "comment_sources", 30),
        Column::text("Metric sources", "observation_sources", 40),
        Column::text("Caveats", "caveats", 60),
    ];
    let mut any_capped = false;
    let rows = lines
        .iter()
        .map(|l| {
            let share = l
                .platform
                .filter(|p| *p > 0)
                .map(|p| l.held as f64 / p as f64);
            let mut caveats = Vec::new();
            if l.comment_sources.contains("research-comments") && l.held >= RESEARCH_API_COMMENT_CAP
            {
                caveats.push("Research API cap reached");
                any_capped = true;
            }
            if l.platform_approximate {
                caveats.push("platform count rounded");
            }
            if share.is_some_and(|s| s > 1.0) {
                caveats.push("more held than the count (deleted comments or a stale count)");
            }
            if l.held > 0 && l.platform.is_none() {
                caveats.push("no platform count");
            }
            vec![
                Cell::Text(l.video_id.clone()),
                Cell::text(l.title.clone()),
                Cell::Count(l.held),
                Cell::Count(l.replies),
                Cell::count(l.platform, l.platform_approximate),
                Cell::percent(share),
                Cell::text(l.platform_at.clone()),
                Cell::text(l.captured.as_ref().map(|(a, b)| {
                    if a == b {
                        a.clone()
                    } else {
                        format!("{a} to {b}")
                    }
                })),
                Cell::Text(l.comment_sources.replace(',', ", ")),
                Cell::Text(l.observation_sources.replace(',', ", ")),
                Cell::Text(caveats.join("; ")),
            ]
        })
        .collect();
    let mut notes = vec![
        "Held = comments stored; Platform count = the video's comment count at its latest observation. The platform count includes comments that were hidden, filtered, deleted or never loaded by the collecting tool, so Held % is the share of comments your sample contains, not a measure of quality.".to_string(),
        "Browser captures (Zeeschuimer) hold what was scrolled into view; the Research API returns about 1,000 comments per video at most and redacts text; web counts above 10,000 may be rounded.".to_string(),
    ];
    if any_capped {
        notes.push(
            "At least one video reached the Research API's comment cap: its sample is truncated."
                .into(),
        );
    }
    Table {
        columns,
        rows,
        summary: Vec::new(),
        notes,
    }
}
