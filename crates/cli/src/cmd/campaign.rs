//! `uptake campaign`: group videos by the research output they disseminate.

use super::Ctx;
use crate::project::{render_campaign, Campaign, Config, CONFIG_FILE};
use anyhow::{bail, Context as _, Result};

/// Declare and list campaigns: videos grouped by the research output they disseminate.
///
/// A campaign ties videos to a research output (title, DOI, link) so that
/// tables and reports can be scoped to it (`--campaign NAME`). Campaigns live
/// in uptake.toml as `[[campaigns]]` blocks; `add` appends one.
///
/// A campaign may name other creators' public videos (a partner's video on
/// the same output, say): they stay in the campaign but are never counted
/// with the account's own videos. The campaign's table, report and
/// indicators count its own videos; `uptake videos --public --campaign NAME`
/// lists the others.
///
/// Examples:
///   uptake campaign add waiting-times --title "Waiting times for care" --doi 10.0000/x \
///       --video 7574563522674195709 --video 7581527811657890338
///   uptake campaign list
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub struct Args {
    /// What to do.
    #[command(subcommand)]
    pub action: Action,
}

/// Campaign actions.
#[derive(Debug, clap::Subcommand)]
pub enum Action {
    /// Add a campaign to uptake.toml.
    Add {
        /// Short name (letters, digits, `-`, `_`).
        name: String,
        /// Title of the research output.
        #[arg(long)]
        title: Option<String>,
        /// DOI of the research output (10.xxxx/...).
        #[arg(long)]
        doi: Option<String>,
        /// Link to the research output.
        #[arg(long)]
        link: Option<String>,
        /// A video of the campaign (TikTok id); repeat for each.
        #[arg(long = "video", value_name = "ID")]
        videos: Vec<String>,
    },
    /// List campaigns and how many of their videos are in the project.
    List,
}

/// Runs `uptake campaign`.
pub fn run(args: Args, ctx: &Ctx) -> Result<()> {
    let project = ctx.project()?;
    match args.action {
        Action::Add {
            name,
            title,
            doi,
            link,
            videos,
        } => {
            if name.is_empty()
                || !name
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
            {
                bail!("campaign name `{name}`: expected letters, digits, `-` or `_`");
            }
            if project.config.campaigns.iter().any(|c| c.name == name) {
                bail!("campaign `{name}` already exists in `{CONFIG_FILE}`; edit it there");
            }
            if let Some(bad) = videos
                .iter()
                .find(|v| v.is_empty() || !v.chars().all(|c| c.is_ascii_digit()))
            {
                bail!("--video: expected a numeric TikTok video id, found `{bad}`");
            }
            if let Some(d) = &doi {
                if !d.starts_with("10.") || !d.contains('/') {
                    bail!("--doi: expected a DOI such as 10.2196/30315, found `{d}`");
                }
            }
            let campaign = Campaign {
                name: name.clone(),
                output_title: title,
                doi,
                link,
                videos,
            };
            let path = project.root.join(CONFIG_FILE);
            let mut text = std::fs::read_to_string(&path)
                .with_context(|| format!("cannot read `{}`", path.display()))?;
            text.push_str(&render_campaign(&campaign));
            // Validate before writing: the file must still be a valid configuration.
            toml::from_str::<Config>(&text)
                .context("the new campaign would not parse; nothing was written")?;
            std::fs::write(&path, text)
                .with_context(|| format!("cannot write `{}`", path.display()))?;
            let store = project.open_store()?;
            let known: std::collections::HashSet<String> = store
                .videos()?
                .into_iter()
                .map(|(_, v)| v.platform_id)
                .collect();
            let own = store.own_video_ids(&super::own_account(&project))?;
            let missing: Vec<&String> = campaign
                .videos
                .iter()
                .filter(|v| !known.contains(*v))
                .collect();
            let public = campaign
                .videos
                .iter()
                .filter(|v| known.contains(*v) && !own.contains(*v))
                .count();
            let mut out = format!(
                "added campaign `{name}` with {} videos to `{CONFIG_FILE}`\n",
                campaign.videos.len()
            );
            if !missing.is_empty() {
                out.push_str(&format!(
                    "note: {} of them are not in the project yet: {}\n",
                    missing.len(),
                    missing
                        .iter()
                        .map(|s| s.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ));
            }
            if public > 0 {
                out.push_str(&format!(
                    "note: {}: the campaign's tables, report and indicators count only the account's own videos; `uptake videos --public --campaign {name}` lists {}\n",
                    super::plural(
                        public,
                        "of them is a public video by another creator",
                        "of them are public videos by other creators"
                    ),
                    if public == 1 { "it" } else { "them" },
                ));
            }
            super::print(&out)
        }
        Action::List => {
            let store = project.open_store()?;
            let known: std::collections::HashSet<String> = store
                .videos()?
                .into_iter()
                .map(|(_, v)| v.platform_id)
                .collect();
            let own = store.own_video_ids(&super::own_account(&project))?;
            let mut out = String::new();
            if project.config.campaigns.is_empty() {
                out.push_str("no campaigns yet: `uptake campaign add NAME --video ID ...`\n");
            }
            for c in &project.config.campaigns {
                let held = c.videos.iter().filter(|v| known.contains(*v)).count();
                let public = c
                    .videos
                    .iter()
                    .filter(|v| known.contains(*v) && !own.contains(*v))
                    .count();
                out.push_str(&format!(
                    "{}: {} videos ({} in the project{}){}{}\n",
                    c.name,
                    c.videos.len(),
                    held,
                    if public > 0 {
                        format!(
                            ", {}",
                            super::plural(
                                public,
                                "public video by another creator",
                                "public videos by other creators"
                            )
                        )
                    } else {
                        String::new()
                    },
                    c.output_title
                        .as_deref()
                        .map(|t| format!("; output: {t}"))
                        .unwrap_or_default(),
                    c.doi
                        .as_deref()
                        .map(|d| format!("; doi: {d}"))
                        .unwrap_or_default(),
                ));
            }
            super::print(&out)
        }
    }
}
