//! `uptake export`: tables as CSV, JSON or XLSX files.

use super::Ctx;
use anyhow::{Context as _, Result};
use std::path::PathBuf;
use uptake_analysis::metrics::account::summarise_account;
use uptake_report::tables::account::account_daily_table;
use uptake_report::tables::videos::{video_table, VideoTableOptions};
use uptake_report::{render, Cell, Column, OutputFormat, Table};
use uptake_store::query::VideoOwner;

/// Export a table as CSV, JSON or XLSX.
///
/// Tables: `videos` (the paper table with ids and links), `account` (the daily
/// series with recomputed follower change), `indicators` (the KMb indicator
/// panel). Text cells that a spreadsheet would run as a formula are
/// neutralised in CSV and XLSX.
///
/// Examples:
///   uptake export videos --format xlsx -o videos.xlsx
///   uptake export indicators --format csv --campaign waiting-times
///   uptake export account --format json > account.json
///   uptake export moderation -o flagged.csv
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub struct Args {
    /// Which table: videos, account, indicators, or moderation (flagged
    /// comments with rule, matched words and decisions, pseudonymised, for
    /// partner organisations).
    #[arg(value_parser = ["videos", "account", "indicators", "moderation"])]
    pub table: String,
    /// csv, json or xlsx.
    #[arg(long, default_value = "csv", value_parser = ["csv", "json", "xlsx"])]
    pub format: String,
    /// Output file (required for xlsx; default standard output).
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Scope to one campaign (videos and indicators).
    #[arg(long, value_name = "NAME")]
    pub campaign: Option<String>,
    /// `videos` only: other creators' public videos instead of the own
    /// account's (never pooled; authors as pseudonyms), as `uptake videos
    /// --public` lists them.
    #[arg(long)]
    pub public: bool,
}

/// Runs `uptake export`.
pub fn run(args: Args, ctx: &Ctx) -> Result<()> {
    if args.format == "xlsx" && args.output.is_none() {
        anyhow::bail!("--format xlsx writes a binary file: give it a name with -o FILE.xlsx");
    }
    if args.public && args.table != "videos" {
        anyhow::bail!(
            "--public lists other creators' videos: it goes with `uptake export videos` only"
        );
    }
    let project = ctx.project()?;
    let store = project.open_store()?;
    let mut table = match args.table.as_str() {
        "videos" => {
            let owner = if args.public {
                VideoOwner::Public
            } else {
                VideoOwner::Own
            };
            let scoped =
                super::scoped_videos_of(&project, &store, owner, args.campaign.as_deref(), None)?;
            let rows: Vec<_> = scoped
                .rows
                .into_iter()
                .map(|r| (r.video, r.metrics))
                .collect();
            let mut t = video_table(&rows, VideoTableOptions { machine: true });
            if owner == VideoOwner::Public {
                uptake_report::tables::videos::add_author_column(&mut t, &rows);
            }
            t.notes.extend(scoped.notes);
            t
        }
        "account" => {
            let accounts = store.accounts()?;
            let account = project
                .account_handle()
                .filter(|h| accounts.contains(h))
                .or_else(|| accounts.first().cloned())
                .ok_or_else(|| anyhow::anyhow!("no daily account data yet: import Studio Overview or FollowerHistory files"))?;
            let days = store.account_days(&account)?;
            let mut t = account_daily_table(&days);
            let s = summarise_account(&account, &days, None, None);
            t.notes.push(format!(
                "Account `{account}`: {} days with data.",
                s.days_with_data
            ));
            t
        }
        "moderation" => {
            let flagged = store.flagged("safety", None)?;
            let mentions = project.mentions()?;
            Table {
                columns: vec![
                    Column::text("Video", "video_id", 19),
                    Column::text("Comment", "comment_id", 19),
                    Column::text("Author", "author", 16),
                    Column::text("Posted (UTC)", "posted", 16),
                    Column::text("Label", "label", 22),
                    Column::number("Severity", "severity"),
                    Column::text("Rule", "rule_id", 40),
                    Column::text("Rules version", "version", 20),
                    Column::text("Matched", "matched", 30),
                    Column::text("Decision", "decision", 9),
                    Column::text("Text", "text", 200),
                ],
                rows: flagged
                    .into_iter()
                    .map(|f| {
                        vec![
                            Cell::Text(f.video_id),
                            Cell::Text(f.comment_platform_id),
                            Cell::text(f.author),
                            Cell::text(f.created_at.map(super::format_minute)),
                            Cell::Text(f.label),
                            Cell::count(f.severity.map(i64::from), false),
                            Cell::Text(f.rule_id),
                            Cell::Text(f.version),
                            Cell::Text(mentions.mask(f.matched)),
                            Cell::text(f.decision),
                            Cell::Text(mentions.mask(f.text)),
                        ]
                    })
                    .collect(),
                summary: Vec::new(),
                notes: vec!["Authors are keyed pseudonyms (u_…), and so are the people comments @mention (@u_…, the same key as their own comments). Comment text is otherwise as written and may still identify or harm people: share with care.".into()],
            }
        }
        _ => {
            let data = super::report::report_data(&project, &store, args.campaign.as_deref())?;
            // The typed value, not the report's display text: CSV, JSON and
            // XLSX carry plain numbers (rates as fractions in 0..1, counts as
            // integers, empty or null when not measured; docs/metrics.md).
            Table {
                columns: vec![
                    Column::text("Stage", "stage", 12),
                    Column::text("Indicator", "indicator", 28),
                    Column::number("Value", "value"),
                    Column::text("Formula", "formula", 60),
                    Column::text("Meaning", "meaning", 80),
                    Column::text("Not measured because", "needs", 80),
                ],
                rows: data
                    .indicators
                    .iter()
                    .map(|i| {
                        vec![
                            Cell::Text(i.stage.clone()),
                            Cell::Text(i.name.clone()),
                            i.cell.clone(),
                            Cell::Text(i.formula.clone()),
                            Cell::Text(i.meaning.clone()),
                            Cell::text(i.needs.clone()),
                        ]
                    })
                    .collect(),
                summary: Vec::new(),
                notes: Vec::new(),
            }
        }
    };
    let format = match args.format.as_str() {
        "json" => OutputFormat::Json,
        _ => OutputFormat::Csv,
    };
    // Every export format is a file that travels: mark synthetic data in a
    // column on every row (CSV/XLSX) as well as in the notes (JSON).
    super::mark_synthetic(&project, &mut table, std::iter::empty(), OutputFormat::Csv);
    let bytes = if args.format == "xlsx" {
        uptake_report::xlsx::render_xlsx(&table, &args.table)?
    } else {
        render(&table, format)?.into_bytes()
    };
    match args.output {
        Some(path) => {
            let path = if path.is_absolute() {
                path
            } else {
                ctx.cwd.join(path)
            };
            std::fs::write(&path, &bytes)
                .with_context(|| format!("cannot write `{}`", path.display()))?;
            super::print(&format!(
                "wrote {} ({} bytes)\n",
                path.display(),
                bytes.len()
            ))
        }
        None => {
            use std::io::Write;
            let mut out = std::io::stdout().lock();
            out.write_all(&bytes)?;
            out.flush()?;
            Ok(())
        }
    }
}
