//! `uptake comments`: comments as threads, pseudonymised.

use super::Ctx;
use anyhow::Result;
use uptake_report::tables::comments::{comments_table, CommentLine};
use uptake_report::{render, OutputFormat};

/// List comments as threads, pseudonymised.
///
/// Each top-level comment is followed by its replies (and replies to
/// replies), oldest first. Authors appear as keyed pseudonyms (u_…) unless
/// the author is your own account or the project keeps handles. Comment text
/// is shown as written: treat it as untrusted.
///
/// Examples:
///   uptake comments
///   uptake comments --video 7574563522674195709
///   uptake comments --format csv > comments.csv
///   uptake comments --flag kmb:question      (after `uptake analyze`)
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub struct Args {
    /// Only the comments of this video (its TikTok id).
    #[arg(long, value_name = "ID")]
    pub video: Option<String>,
    /// Only comments flagged by a scheme, optionally with one label:
    /// `safety`, `kmb:question`, `claims:social_contagion`.
    #[arg(long, value_name = "SCHEME[:LABEL]")]
    pub flag: Option<String>,
    /// Output format: table, csv, json or md.
    #[arg(long, default_value = "table", value_name = "FORMAT")]
    pub format: OutputFormat,
}

/// Runs `uptake comments`.
pub fn run(args: Args, ctx: &Ctx) -> Result<()> {
    let project = ctx.project()?;
    let store = project.open_store()?;
    if let Some(v) = &args.video {
        if !store
            .videos()?
            .iter()
            .any(|(_, video)| &video.platform_id == v)
        {
            anyhow::bail!(
                "no video with id `{v}` in this project (see `uptake videos --format csv` for ids)"
            );
        }
    }
    let mut rows = store.comment_threads(args.video.as_deref())?;
    if let Some(flag) = &args.flag {
        let (scheme, label) = match flag.split_once(':') {
            Some((s, l)) => (s, Some(l)),
            None => (flag.as_str(), None),
        };
        if crate::rules::scheme(scheme).is_none() {
            anyhow::bail!(
                "--flag: expected kmb, safety or claims (optionally `:LABEL`), found `{flag}`"
            );
        }
        let flagged: std::collections::HashSet<String> = store
            .flagged(scheme, label)?
            .into_iter()
            .filter(|f| f.decision.as_deref() != Some("dismiss"))
            .map(|f| f.comment_platform_id)
            .collect();
        rows.retain(|r| flagged.contains(&r.comment.platform_id));
    }
    let mentions = project.mentions()?;
    let lines: Vec<CommentLine> = rows
        .into_iter()
        .map(|r| {
            let c = r.comment;
            CommentLine {
                video_id: c.video_id,
                comment_id: c.platform_id,
                parent_id: c.parent_id,
                author: c.author_handle.map(|h| format!("@{h}")).or(c.author_key),
                posted: c.created_at.map(super::format_minute),
                likes: c.likes.map(|l| l.value),
                likes_approximate: c.likes.is_some_and(|l| l.approximate),
                replies: c.replies.map(|r| r.value),
                language: c.language,
                depth: r.depth,
                text: mentions.mask(c.text),
            }
        })
        .collect();
    let machine = matches!(args.format, OutputFormat::Csv | OutputFormat::Json);
    let mut table = comments_table(&lines, machine);
    if lines.is_empty() {
        table.notes.insert(0, "No comments yet: import a Zeeschuimer capture, Research API comment pages, a 4CAT or pyktok comments CSV, or Business API comments.".into());
    }
    super::mark_synthetic(&project, &mut table, std::iter::empty(), args.format);
    super::print(&render(&table, args.format)?)
}
