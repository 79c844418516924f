//! One module per subcommand; each has `Args` (its help text) and `run`.

pub mod account;
pub mod analyze;
pub mod campaign;
pub mod claims;
pub mod code;
pub mod codebook;
pub mod comments;
pub mod coverage;
pub mod demo;
pub mod eval;
pub mod export;
pub mod forget;
pub mod import;
pub mod init;
pub mod reliability;
pub mod report;
pub mod review;
pub mod serve;
pub mod stats;
pub mod status;
pub mod template;
pub mod user;
pub mod videos;

use crate::cli::{Cli, Command};
use crate::project::Project;
use anyhow::{Context as _, Result};
use std::io::Write;
use std::path::PathBuf;
use uptake_store::query::{OwnAccount, VideoOwner};

/// What every subcommand may need: where it runs and which project it uses.
#[derive(Debug)]
pub struct Ctx {
    /// `--project`, if given.
    pub project_dir: Option<PathBuf>,
    /// The current directory.
    pub cwd: PathBuf,
}

impl Ctx {
    /// Finds and opens the project.
    pub fn project(&self) -> Result<Project> {
        Project::find(self.project_dir.as_deref(), &self.cwd)
    }
}

/// Runs the parsed command line.
pub fn run(cli: Cli) -> Result<()> {
    let ctx = Ctx {
        project_dir: cli.project,
        cwd: std::env::current_dir().context("cannot read the current directory")?,
    };
    match cli.command {
        Command::Init(args) => init::run(args, &ctx),
        Command::Import(args) => import::run(args, &ctx),
        Command::Videos(args) => videos::run(args, &ctx),
        Command::Account(args) => account::run(args, &ctx),
        Command::Status(args) => status::run(args, &ctx),
        Command::Template(args) => template::run(args, &ctx),
        Command::Demo(args) => demo::run(args, &ctx),
        Command::Comments(args) => comments::run(args, &ctx),
        Command::Campaign(args) => campaign::run(args, &ctx),
        Command::Report(args) => report::run(args, &ctx),
        Command::Analyze(args) => analyze::run(args, &ctx),
        Command::Review(args) => review::run(args, &ctx),
        Command::Eval(args) => eval::run(args, &ctx),
        Command::Claims(args) => claims::run(args, &ctx),
        Command::Export(args) => export::run(args, &ctx),
        Command::Coverage(args) => coverage::run(args, &ctx),
        Command::Forget(args) => forget::run(args, &ctx),
        Command::Codebook(args) => codebook::run(args, &ctx),
        Command::Code(args) => code::run(args, &ctx),
        Command::Reliability(args) => reliability::run(args, &ctx),
        Command::Stats(args) => stats::run(args, &ctx),
        Command::Serve(args) => serve::run(args, &ctx),
        Command::User(args) => user::run(args, &ctx),
    }
}

/// The videos of one owner, in scope, with the notes that say what the scope
/// left out.
#[derive(Debug)]
pub struct Scoped {
    /// The videos, in listing order.
    pub rows: Vec<uptake_store::LatestMetrics>,
    /// Notes for the output: the campaign, and the other owner's videos left out.
    pub notes: Vec<String>,
    /// How many videos of the other owner the scope left out (with
    /// observations as of `as_of`, when given, as the table shows them).
    pub left_out: usize,
}

/// What identifies the project's own account's videos: `[account] handle`
/// (docs/metrics.md, "Which videos are counted").
pub fn own_account(project: &Project) -> OwnAccount {
    OwnAccount::new(project.account_handle().as_deref())
}

/// The videos of `owner` (the project's own account's, or other creators'
/// public ones; never both, so that no total pools them), of the whole
/// project or of one campaign, with latest metrics as of `as_of`. Every
/// dissemination output (the video table, the report, the KMb indicators,
/// exports, statistics) asks for the own account's by default; the notes say
/// how many of the other owner's were left out and how to list them, and
/// which campaign videos are not in the project.
///
/// A campaign may name other creators' videos (a partner's or a creator's
/// video about the same research output): they stay in the campaign, and are
/// counted and listed with the public videos, never in the campaign's own
/// totals.
pub fn scoped_videos_of(
    project: &Project,
    store: &uptake_store::Store,
    owner: VideoOwner,
    campaign: Option<&str>,
    as_of: Option<i64>,
) -> Result<Scoped> {
    let mut rows = store.latest_metrics(as_of)?;
    let mut notes = Vec::new();
    if let Some(name) = campaign {
        let c = project.campaign(name)?;
        let wanted: std::collections::HashSet<&str> = c.videos.iter().map(String::as_str).collect();
        rows.retain(|r| wanted.contains(r.video.platform_id.as_str()));
        notes.push(format!(
            "Campaign `{}`{}: {} of its {} videos are in the project.",
            c.name,
            c.output_title
                .as_deref()
                .map(|t| format!(" ({t})"))
                .unwrap_or_default(),
            rows.len(),
            c.videos.len()
        ));
    }
    let own = store.own_video_ids(&own_account(project))?;
    let (rows, others): (Vec<_>, Vec<_>) = rows
        .into_iter()
        .partition(|r| own.contains(&r.video.platform_id) == (owner == VideoOwner::Own));
    let left_out = others
        .iter()
        .filter(|r| as_of.is_none() || r.observations > 0)
        .count();
    let campaign_arg = campaign
        .map(|c| format!(" --campaign {c}"))
        .unwrap_or_default();
    match owner {
        VideoOwner::Own if left_out > 0 => notes.push(format!(
            "{} left out of these numbers: `uptake videos --public{campaign_arg}` lists {}.",
            plural(
                left_out,
                "public video by another creator is",
                "public videos by other creators are"
            ),
            if left_out == 1 { "it" } else { "them" },
        )),
        VideoOwner::Own => {}
        VideoOwner::Public => notes.push(format!(
            "Public videos by other creators (authors as keyed pseudonyms), not the project's own account: \
             their totals describe them alone; `uptake videos{campaign_arg}` has the account's {}.",
            plural(left_out, "video", "videos"),
        )),
    }
    Ok(Scoped {
        rows,
        notes,
        left_out,
    })
}

/// `n` with the singular or plural noun: `1 video`, `16 videos`.
pub fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// Writes `text` to standard output (a closed pipe surfaces as an error that
/// `main` turns into exit 0).
pub fn print(text: &str) -> Result<()> {
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())?;
    out.flush()?;
    Ok(())
}

/// The notice every output of a synthetic project carries.
pub const SYNTHETIC_NOTICE: &str =
    "SYNTHETIC EXAMPLE DATA: generated for uptake's demo; not real TikTok data and not research findings.";

/// Formats UTC seconds as `YYYY-MM-DD HH:MM` (UTC implied).
pub fn format_minute(t: i64) -> String {
    chrono::DateTime::from_timestamp(t, 0)
        .map(|d| d.format("%Y-%m-%d %H:%M").to_string())
        .unwrap_or_else(|| t.to_string())
}

/// Formats UTC seconds as `YYYY-MM-DD HH:MM UTC`.
pub fn format_time(t: i64) -> String {
    chrono::DateTime::from_timestamp(t, 0)
        .map(|d| d.format("%Y-%m-%d %H:%M UTC").to_string())
        .unwrap_or_else(|| t.to_string())
}

/// Adds the synthetic-data notice to a table when the project or its data is
/// synthetic: a note for text, Markdown and JSON, and for CSV (which has no
/// notes) a `data_note` column on every row so that the file can never lose it.
pub fn mark_synthetic<'a>(
    project: &Project,
    table: &mut uptake_report::Table,
    videos: impl Iterator<Item = &'a uptake_model::Video>,
    format: uptake_report::OutputFormat,
) {
    let synthetic = project.config.project.synthetic_data
        || project
            .account_handle()
            .is_some_and(|h| h.contains("synthetic"))
        || videos.into_iter().any(|v| {
            v.author_handle
                .as_deref()
                .is_some_and(|h| h.contains("synthetic"))
                || v.url.as_deref().is_some_and(|u| u.contains("synthetic"))
        });
    if !synthetic {
        return;
    }
    table.notes.insert(0, SYNTHETIC_NOTICE.to_string());
    if format != uptake_report::OutputFormat::Csv {
        return;
    }
    table
        .columns
        .push(uptake_report::Column::text("Data", "data_note", 10));
    for row in table.rows.iter_mut().chain(table.summary.iter_mut()) {
        row.push(uptake_report::Cell::Text("SYNTHETIC".into()));
    }
}
