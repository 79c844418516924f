//! `uptake serve`: the project as a web app for the team.

use super::Ctx;
use crate::project::{Project, DATA_DIR};
use anyhow::{anyhow, Result};
use std::net::SocketAddr;
use std::sync::Arc;
use uptake_web::{CampaignConfig, WebConfig};

/// Serve the project as a web app: dashboard, videos, comments, review
/// queue, claims, imports, report and settings.
///
/// Listens on 127.0.0.1:8080 by default: only this computer can reach it,
/// and with no accounts you are the local owner. To serve a team on the
/// network, first add an owner with a password (`uptake user add NAME --role
/// owner`), then give `--addr 0.0.0.0:8080`; the server refuses a network
/// address until such an owner exists. Put it behind an HTTPS reverse proxy
/// and pass `--behind-https` so that cookies are only sent encrypted. The
/// command line keeps working on the same project while it runs.
///
/// Examples:
///   uptake serve
///   uptake serve --addr 127.0.0.1:9000
///   uptake user add sam --role owner && uptake serve --addr 0.0.0.0:8080 --behind-https
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub struct Args {
    /// Address and port to listen on (port 0 picks a free one).
    #[arg(long, default_value = "127.0.0.1:8080", value_name = "ADDR:PORT")]
    pub addr: SocketAddr,
    /// The server is reached over HTTPS (a TLS-terminating proxy): mark
    /// session cookies `Secure`.
    #[arg(long)]
    pub behind_https: bool,
    /// Largest upload accepted, in megabytes.
    #[arg(long, default_value_t = 512, value_name = "MB")]
    pub max_upload_mb: u64,
    /// Turn off uploads from the browser.
    #[arg(long)]
    pub no_upload: bool,
}

/// The web app's view of the project.
pub fn web_config(project: Project, args: &Args) -> Result<WebConfig> {
    // Fail now, not at the first upload, if the secret is unreadable.
    project.secret()?;
    let project = Arc::new(project);
    let report_project = project.clone();
    let report: uptake_web::ReportHook = Arc::new(move |store, campaign| {
        super::report::report_data(&report_project, store, campaign).map_err(|e| format!("{e:#}"))
    });
    let import_project = project.clone();
    let import: uptake_web::ImportHook = Arc::new(move |store, request| {
        let options = super::import::options(None, None, None, None, &import_project)
            .map_err(|e| format!("{e:#}"))?;
        match super::import::import_file_with(
            store,
            request.path,
            &options,
            Some(request.display_name),
            &mut |p| (request.progress)(p),
        ) {
            Ok(super::import::Outcome::Imported(line))
            | Ok(super::import::Outcome::Unchanged(line)) => Ok(line),
            Err(e) => Err(format!("{e:#}")),
        }
    });
    let config = &project.config;
    Ok(WebConfig {
        project_name: if config.project.name.trim().is_empty() {
            "Untitled project".into()
        } else {
            config.project.name.clone()
        },
        db_path: project.db_path(),
        upload_dir: project.root.join(DATA_DIR).join("uploads"),
        own_handle: project.account_handle(),
        store_handles: config.privacy.store_handles,
        synthetic: config.project.synthetic_data,
        campaigns: config
            .campaigns
            .iter()
            .map(|c| CampaignConfig {
                name: c.name.clone(),
                output_title: c.output_title.clone(),
                videos: c.videos.clone(),
            })
            .collect(),
        schemes: vec!["safety".into(), "claims".into(), "kmb".into()],
        addr: args.addr,
        secure_cookies: args.behind_https,
        max_upload_bytes: args.max_upload_mb.saturating_mul(1 << 20),
        report,
        import: (!args.no_upload).then_some(import),
    })
}

/// Runs `uptake serve`.
pub fn run(args: Args, ctx: &Ctx) -> Result<()> {
    let project = ctx.project()?;
    // Migrates the database before the server starts.
    project.open_store()?;
    let config = web_config(project, &args)?;
    uptake_web::run(config, |startup| {
        // One write, and a closed stderr (a supervisor that stopped reading)
        // must not stop the server: `eprintln!` would panic.
        let _ = std::io::Write::write_all(
            &mut std::io::stderr(),
            format!("{}\nPress Ctrl-C to stop.\n", startup.message).as_bytes(),
        );
    })
    .map_err(|e| anyhow!("{e}"))
}
