//! `uptake coverage`: how complete the comment sample is.

use super::Ctx;
use anyhow::Result;
use uptake_report::tables::coverage::{coverage_table, CoverageLine};
use uptake_report::{render, OutputFormat};

/// Report, per video, the comments held against the platform's count.
///
/// For a methods section: comments held vs the platform's comment count,
/// when that count was observed, capture dates, sources, and known caps
/// (Research API about 1,000 comments a video; hidden or filtered comments;
/// rounded counts).
///
/// Examples:
///   uptake coverage
///   uptake coverage --format md
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub struct Args {
    /// Output format: table, csv, json or md.
    #[arg(long, default_value = "table", value_name = "FORMAT")]
    pub format: OutputFormat,
}

/// Runs `uptake coverage`.
pub fn run(args: Args, ctx: &Ctx) -> Result<()> {
    let project = ctx.project()?;
    let store = project.open_store()?;
    let day = |t: i64| super::format_minute(t).chars().take(10).collect::<String>();
    let lines: Vec<CoverageLine> = store
        .coverage()?
        .into_iter()
        .map(|c| CoverageLine {
            video_id: c.video_id,
            title: c.title,
            held: c.comments_held,
            replies: c.replies_held,
            platform: c.platform_comments.map(|p| p.value),
            platform_approximate: c.platform_comments.is_some_and(|p| p.approximate),
            platform_at: c.platform_count_at.map(day),
            captured: c.captured.map(|(a, b)| (day(a), day(b))),
            comment_sources: c.comment_sources,
            observation_sources: c.observation_sources,
        })
        .collect();
    let mut table = coverage_table(&lines);
    super::mark_synthetic(&project, &mut table, std::iter::empty(), args.format);
    super::print(&render(&table, args.format)?)
}
