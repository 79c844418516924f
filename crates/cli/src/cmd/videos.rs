//! `uptake videos`: the per-video dissemination table.

use super::Ctx;
use crate::cmd::import::parse_utc;
use anyhow::{anyhow, Result};
use uptake_report::tables::videos::{video_table, VideoTableOptions};
use uptake_report::{render, OutputFormat};
use uptake_store::query::VideoOwner;

/// Print the per-video dissemination table of the project's own account.
///
/// One row per video: posted, title, views, likes, comments, shares, saves,
/// engagement rate, share rate, save rate, average watch time, full-watch %,
/// For You %, top territory; then total, median and IQR rows. Every formula is
/// in docs/metrics.md. A dash means "not reported", never zero; `~` marks an
/// approximate value (parsed from `1.2K`).
///
/// The table holds the own account's videos only (those its analytics
/// reported, or whose author is `[account] handle`: docs/metrics.md, "Which
/// videos are counted"); a note says how many public videos by other creators
/// were left out. `--public` lists those instead, in a table of their own with
/// its own totals and the authors' pseudonyms. The two are never pooled.
///
/// Examples:
///   uptake videos
///   uptake videos --format csv > videos.csv
///   uptake videos --format md --as-of 2026-01-01
///   uptake videos --public
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub struct Args {
    /// Output format: table, csv, json or md.
    #[arg(long, default_value = "table", value_name = "FORMAT")]
    pub format: OutputFormat,
    /// Show the state as of this date (end of day, UTC) or time ("YYYY-MM-DD HH:MM").
    #[arg(long, value_name = "DATE")]
    pub as_of: Option<String>,
    /// Only the videos of this campaign (see `uptake campaign list`).
    #[arg(long, value_name = "NAME")]
    pub campaign: Option<String>,
    /// List other creators' public videos (Research API, Zeeschuimer, 4CAT,
    /// yt-dlp, pyktok...) instead of the own account's, with their authors'
    /// pseudonyms.
    #[arg(long)]
    pub public: bool,
}

/// Turns `--as-of` into an inclusive UTC instant: a bare date means the end of that day.
pub fn as_of_instant(text: &str) -> Result<i64> {
    let t = parse_utc(text).ok_or_else(|| {
        anyhow!("--as-of: expected `YYYY-MM-DD` or `YYYY-MM-DD HH:MM`, found `{text}`")
    })?;
    Ok(if text.trim().len() == 10 {
        t + 86_399
    } else {
        t
    })
}

/// Runs `uptake videos`.
pub fn run(args: Args, ctx: &Ctx) -> Result<()> {
    let as_of = args.as_of.as_deref().map(as_of_instant).transpose()?;
    let project = ctx.project()?;
    let store = project.open_store()?;
    let owner = if args.public {
        VideoOwner::Public
    } else {
        VideoOwner::Own
    };
    let scoped = super::scoped_videos_of(&project, &store, owner, args.campaign.as_deref(), as_of)?;
    let rows: Vec<_> = scoped
        .rows
        .into_iter()
        .filter(|l| as_of.is_none() || l.observations > 0)
        .map(|l| (l.video, l.metrics))
        .collect();
    let machine = matches!(args.format, OutputFormat::Csv | OutputFormat::Json);
    let mut table = video_table(&rows, VideoTableOptions { machine });
    if owner == VideoOwner::Public {
        uptake_report::tables::videos::add_author_column(&mut table, &rows);
    }
    for n in scoped.notes.into_iter().rev() {
        table.notes.insert(0, n);
    }
    if let Some(t) = as_of {
        table
            .notes
            .insert(0, format!("As of {}.", super::format_time(t)));
    }
    super::mark_synthetic(
        &project,
        &mut table,
        rows.iter().map(|(v, _)| v),
        args.format,
    );
    if rows.is_empty() {
        table.notes.insert(
            0,
            match owner {
                VideoOwner::Own if scoped.left_out == 0 => "No videos yet: import Studio Content.csv, a Business API video list or the manual template (`uptake import PATH`).",
                VideoOwner::Own => "No videos of the project's own account yet: import Studio Content.csv, a Business API video list or the manual template (`uptake import PATH`), and check `[account] handle` in uptake.toml.",
                VideoOwner::Public => "No public videos by other creators: import Research API, Zeeschuimer, 4CAT, yt-dlp or pyktok files (`uptake import PATH`).",
            }
            .into(),
        );
    }
    super::print(&render(&table, args.format)?)
}
