//! `uptake forget`: the right to erasure.

use super::Ctx;
use anyhow::{bail, Result};
use uptake_model::{author_key, PLATFORM_TIKTOK};

/// Erase a person's or a video's data from the project.
///
/// --author erases everything stored about one person: their comments, their
/// videos (with those videos' metrics and comments), their profile snapshots
/// and the raw records behind them. Give the pseudonym shown in outputs
/// (u_…), or their @handle (uptake computes the pseudonym; the handle itself
/// is not stored). --video erases one video with its metrics, comments and
/// raw records. Freed database pages are overwritten (SQLite secure_delete)
/// and the write-ahead log is emptied.
/// Files you imported are not touched: delete or re-export them too, or a
/// later import brings the data back.
///
/// Examples:
///   uptake forget --author u_3fa9c2d41b07
///   uptake forget --author @some_handle
///   uptake forget --video 7574563522674195709
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub struct Args {
    /// The person: a pseudonym (u_ and 12 hex digits) or an @handle.
    #[arg(
        long,
        value_name = "KEY",
        conflicts_with = "video",
        required_unless_present = "video"
    )]
    pub author: Option<String>,
    /// The video's TikTok id.
    #[arg(long, value_name = "ID")]
    pub video: Option<String>,
}

fn is_key(text: &str) -> bool {
    text.len() == 14
        && text.starts_with("u_")
        && text[2..]
            .chars()
            .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase())
}

/// Runs `uptake forget`.
pub fn run(args: Args, ctx: &Ctx) -> Result<()> {
    let project = ctx.project()?;
    let (what, erased) = match (&args.author, &args.video) {
        (Some(a), None) => {
            let key = if is_key(a) {
                a.clone()
            } else if let Some(handle) = a.strip_prefix('@') {
                if handle.trim().is_empty() {
                    bail!("--author: expected a pseudonym (u_ and 12 hex digits) or an @handle, found `{a}`");
                }
                author_key(
                    &project.secret()?,
                    PLATFORM_TIKTOK,
                    &handle.trim().to_lowercase(),
                )
            } else {
                bail!("--author: expected a pseudonym (u_ and 12 hex digits) or an @handle, found `{a}`");
            };
            let mut store = project.open_store()?;
            (format!("author {key}"), store.erase_author(&key)?)
        }
        (None, Some(v)) => {
            if v.is_empty() || !v.chars().all(|c| c.is_ascii_digit()) {
                bail!("--video: expected a numeric TikTok video id, found `{v}`");
            }
            let mut store = project.open_store()?;
            (format!("video {v}"), store.erase_video(v)?)
        }
        _ => bail!("give exactly one of --author or --video"),
    };
    super::print(&format!(
        "erased {what}: {} comments, {} videos, {} observations, {} profile snapshots, {} raw records\n{}{}",
        erased.comments,
        erased.videos,
        erased.observations,
        erased.profiles,
        erased.raw_records,
        if erased.is_empty() {
            "nothing was stored about them\n"
        } else {
            "the files you imported still hold this data: delete them too, or a later import brings it back\n"
        },
        if erased.log_kept {
            "another program (`uptake serve`?) is reading the database: copies of what was erased stay in \
             its write-ahead log (.uptake/uptake.db-wal) until every program using the project closes it\n"
        } else {
            ""
        }
    ))
}
