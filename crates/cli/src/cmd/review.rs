//! `uptake review`: the moderation queue and its decisions.

use super::Ctx;
use anyhow::{bail, Result};
use uptake_report::{render, Cell, Column, OutputFormat, Table};
use uptake_store::Decision;

/// Show the moderation queue, most severe first, and record decisions.
///
/// Without a subcommand, lists flagged comments that have no decision yet
/// (`--all` shows decided ones too), each with the rule that flagged it, the
/// matched words, the severity and the rules version. `decide` records a
/// decision with the reviewer and the time; a later `uptake analyze` never
/// changes it.
///
/// Examples:
///   uptake review
///   uptake review --scheme claims --all
///   uptake review decide 7585399108913775451 --dismiss --reviewer sam --note "counter-speech"
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub struct Args {
    /// Scheme of the queue: safety (default), claims or kmb.
    #[arg(long, default_value = "safety", value_parser = ["safety", "claims", "kmb"])]
    pub scheme: String,
    /// Include comments that already have a decision.
    #[arg(long)]
    pub all: bool,
    /// Show at most this many flags.
    #[arg(long, default_value_t = 50)]
    pub limit: usize,
    /// Output format: table, csv, json or md.
    #[arg(long, default_value = "table")]
    pub format: OutputFormat,
    /// Record a decision instead of listing.
    #[command(subcommand)]
    pub action: Option<Action>,
}

/// Review actions.
#[derive(Debug, clap::Subcommand)]
pub enum Action {
    /// Record a decision on a flagged comment.
    Decide {
        /// The comment's TikTok id.
        comment: String,
        /// The flag is right.
        #[arg(long, group = "decision")]
        confirm: bool,
        /// The flag is wrong.
        #[arg(long, group = "decision")]
        dismiss: bool,
        /// Needs someone else.
        #[arg(long, group = "decision")]
        escalate: bool,
        /// Who decides (name or initials; recorded with the time).
        #[arg(long)]
        reviewer: String,
        /// Why (optional).
        #[arg(long)]
        note: Option<String>,
    },
}

/// Runs `uptake review`.
pub fn run(args: Args, ctx: &Ctx) -> Result<()> {
    let project = ctx.project()?;
    let mut store = project.open_store()?;
    if let Some(Action::Decide {
        comment,
        confirm,
        dismiss,
        escalate,
        reviewer,
        note,
    }) = args.action
    {
        let decision = match (confirm, dismiss, escalate) {
            (true, false, false) => Decision::Confirm,
            (false, true, false) => Decision::Dismiss,
            (false, false, true) => Decision::Escalate,
            _ => bail!("give one of --confirm, --dismiss or --escalate"),
        };
        if reviewer.trim().is_empty() {
            bail!("--reviewer: give a name or initials");
        }
        if !store.decide(
            &comment,
            &args.scheme,
            decision,
            reviewer.trim(),
            note.as_deref(),
            chrono::Utc::now().timestamp(),
        )? {
            bail!(
                "no comment with id `{comment}` and a `{}` flag in this project (a decision is \
                 about a flag: see `uptake review --scheme {}`)",
                args.scheme,
                args.scheme
            );
        }
        return super::print(&format!(
            "recorded: {} {} on comment {comment} by {}\n",
            args.scheme,
            decision.name(),
            reviewer.trim()
        ));
    }
    let flagged = store.flagged(&args.scheme, None)?;
    let shown: Vec<_> = flagged
        .into_iter()
        .filter(|f| args.all || f.decision.is_none())
        .take(args.limit)
        .collect();
    let mentions = project.mentions()?;
    let mut table = Table {
        columns: vec![
            Column::number("Sev", "severity"),
            Column::text("Label", "label", 22),
            Column::text("Comment", "comment_id", 19),
            Column::text("Video", "video_id", 19),
            Column::text("Author", "author", 16),
            Column::text("Rule", "rule_id", 36),
            Column::text("Matched", "matched", 24),
            Column::text("Decision", "decision", 9),
            Column::text("Text", "text", 70),
        ],
        rows: shown
            .iter()
            .map(|f| {
                vec![
                    Cell::count(f.severity.map(i64::from), false),
                    Cell::Text(f.label.clone()),
                    Cell::Text(f.comment_platform_id.clone()),
                    Cell::Text(f.video_id.clone()),
                    Cell::text(f.author.clone()),
                    Cell::Text(f.rule_id.clone()),
                    Cell::Text(mentions.mask(f.matched.clone())),
                    Cell::text(f.decision.clone()),
                    Cell::Text(mentions.mask(f.text.clone())),
                ]
            })
            .collect(),
        summary: Vec::new(),
        notes: vec![format!(
            "Each flag names the rule that raised it, the words it matched and the rules version ({}). Record decisions with `uptake review decide COMMENT --confirm|--dismiss|--escalate --reviewer NAME`.",
            shown.first().map(|f| f.version.as_str()).unwrap_or("run `uptake analyze` first")
        )],
    };
    if shown.is_empty() {
        table.notes.insert(0, "The queue is empty.".into());
    }
    super::mark_synthetic(&project, &mut table, std::iter::empty(), args.format);
    super::print(&render(&table, args.format)?)
}
