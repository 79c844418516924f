//! `uptake claims`: how often each misinformation claim (or any label)
//! appears, over time or per video.

use super::Ctx;
use anyhow::Result;
use uptake_report::{render, Cell, Column, OutputFormat, Table};

/// Show the prevalence of misinformation claims over time or per video.
///
/// Counts the comments flagged with each claim (after `uptake analyze`),
/// against the comments analysed in the same week, month or video, leaving
/// out flags a reviewer dismissed. Works for the other schemes too
/// (`--scheme kmb` shows questions, testimony ... over time).
///
/// Examples:
///   uptake claims                      (per week)
///   uptake claims --by video
///   uptake claims --scheme kmb --by month --format csv
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub struct Args {
    /// Group by week, month or video.
    #[arg(long, default_value = "week", value_parser = ["week", "month", "video"])]
    pub by: String,
    /// The scheme: claims (default), kmb or safety.
    #[arg(long, default_value = "claims", value_parser = ["claims", "kmb", "safety"])]
    pub scheme: String,
    /// Output format: table, csv, json or md.
    #[arg(long, default_value = "table")]
    pub format: OutputFormat,
}

/// Runs `uptake claims`.
pub fn run(args: Args, ctx: &Ctx) -> Result<()> {
    let project = ctx.project()?;
    let store = project.open_store()?;
    let rows = store.prevalence(&args.scheme, &args.by)?;
    let mut table = Table {
        columns: vec![
            Column::text("Label", "label", 34),
            Column::text(match args.by.as_str() { "video" => "Video", "month" => "Month", _ => "Week" }, &args.by, 19),
            Column::number("Comments flagged", "flagged"),
            Column::number("Comments analysed", "analysed"),
            Column::number("Share", "share"),
        ],
        rows: rows
            .iter()
            .map(|(label, group, k, n)| {
                vec![
                    Cell::Text(label.clone()),
                    Cell::Text(group.clone()),
                    Cell::Count(*k),
                    Cell::Count(*n),
                    Cell::percent((*n > 0).then(|| *k as f64 / *n as f64)),
                ]
            })
            .collect(),
        summary: Vec::new(),
        notes: vec![format!(
            "Rule-based flags from `uptake analyze` ({} scheme); dismissed flags excluded. Rules find phrasings they know: read counts as a lower bound (docs/claims.md).",
            args.scheme
        )],
    };
    if rows.is_empty() {
        table.notes.insert(
            0,
            "No flags yet: import comments and run `uptake analyze`.".into(),
        );
    }
    super::mark_synthetic(&project, &mut table, std::iter::empty(), args.format);
    super::print(&render(&table, args.format)?)
}
