//! `uptake init`: create a project.

use super::Ctx;
use crate::project::{Config, Project, CONFIG_FILE, DATA_DIR};
use anyhow::Result;
use std::path::PathBuf;

/// Create a project folder with its configuration, database and secret.
///
/// Writes `uptake.toml` (settings you can edit), `.uptake/uptake.db` (the
/// SQLite database) and `.uptake/secret` (32 random bytes, mode 0600, that key
/// the pseudonyms of people in your data: back it up with the project and
/// never share it).
///
/// Examples:
///   uptake init my-study --name "Gender-affirming care KMb" --handle our_lab
///   uptake init            (the current folder)
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub struct Args {
    /// Folder for the project (created if missing). Default: the current folder.
    #[arg(value_name = "DIR")]
    pub dir: Option<PathBuf>,
    /// A name for the project, used in reports.
    #[arg(long)]
    pub name: Option<String>,
    /// Your TikTok handle (without @); Studio files do not name the account.
    #[arg(long)]
    pub handle: Option<String>,
}

/// Runs `uptake init`.
pub fn run(args: Args, ctx: &Ctx) -> Result<()> {
    let root = match args.dir {
        Some(d) if d.is_absolute() => d,
        Some(d) => ctx.cwd.join(d),
        None => ctx.cwd.clone(),
    };
    let name = args.name.unwrap_or_else(|| {
        root.file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "uptake project".into())
    });
    let mut config = Config::default();
    config.project.name = name;
    config.account.handle = args
        .handle
        .unwrap_or_default()
        .trim_start_matches('@')
        .to_string();
    let project = Project::create(&root, &config)?;
    super::print(&format!(
        "created project `{}` in {}\n  {CONFIG_FILE}            settings (account handle, privacy, header mappings)\n  {DATA_DIR}/uptake.db     the database\n  {DATA_DIR}/secret        pseudonymisation key: back it up, never share it\nnext: uptake import PATH...   (Studio ZIPs, API JSON, the manual template)\n",
        project.config.project.name,
        project.root.display()
    ))
}
