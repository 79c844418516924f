//! What the web app needs to know about the project, handed over by the
//! binary (`uptake serve`) so that this crate does not depend on the CLI.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use uptake_report::html::ReportData;
use uptake_store::Store;

/// Builds the report's content for the whole project (`None`) or one
/// campaign, exactly as `uptake report` does. Runs on a blocking thread.
pub type ReportHook = Arc<dyn Fn(&Store, Option<&str>) -> Result<ReportData, String> + Send + Sync>;

/// Imports one file through the same path as `uptake import` and returns
/// its one-line summary. Runs on a blocking thread, one import at a time;
/// the file lies in the project's upload folder.
pub type ImportHook =
    Arc<dyn Fn(&mut Store, ImportRequest<'_>) -> Result<String, String> + Send + Sync>;

/// How far an import has got, reported while it runs.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ImportProgress {
    /// Bytes of the file read so far (never decreasing, at most
    /// `total_bytes`; the last report of a finished read equals it).
    pub bytes_read: u64,
    /// The file's size in bytes.
    pub total_bytes: u64,
    /// Records (rows, items, objects) read so far.
    pub records: u64,
}

/// One file for the [`ImportHook`] to import.
#[derive(Clone, Copy)]
pub struct ImportRequest<'a> {
    /// The uploaded file, in the project's upload folder.
    pub path: &'a Path,
    /// The name to record in the import history and show in messages: the
    /// browser's file name reduced to a safe base name (the path is a
    /// temporary one).
    pub display_name: &'a str,
    /// Called as the import advances; cheap, so it may be called often.
    pub progress: &'a (dyn Fn(ImportProgress) + Sync),
}

impl std::fmt::Debug for ImportRequest<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ImportRequest")
            .field("path", &self.path)
            .field("display_name", &self.display_name)
            .finish_non_exhaustive()
    }
}

/// A campaign: videos grouped by the research output they disseminate.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CampaignConfig {
    /// Short name.
    pub name: String,
    /// Title of the research output.
    pub output_title: Option<String>,
    /// The campaign's videos (platform ids).
    pub videos: Vec<String>,
}

/// Everything the server needs, decided before it starts.
#[derive(Clone)]
pub struct WebConfig {
    /// Project name, for page titles.
    pub project_name: String,
    /// The project database.
    pub db_path: PathBuf,
    /// Where uploads are written before import (inside the project's data
    /// folder; created on demand). No request chooses a path.
    pub upload_dir: PathBuf,
    /// The project's own account handle (without `@`), shown to everyone.
    pub own_handle: Option<String>,
    /// The project opted in to keeping other people's handles
    /// (`[privacy] store_handles`); they are then shown to owners and
    /// analysts only, and never to other roles.
    pub store_handles: bool,
    /// The data are synthetic: every page says so.
    pub synthetic: bool,
    /// Campaigns.
    pub campaigns: Vec<CampaignConfig>,
    /// Comment-analysis schemes available (`safety`, `claims`, `kmb`).
    pub schemes: Vec<String>,
    /// Address the server listens on.
    pub addr: SocketAddr,
    /// Cookies get `Secure` (the server is reached over HTTPS through a
    /// TLS-terminating proxy).
    pub secure_cookies: bool,
    /// Largest upload accepted, bytes.
    pub max_upload_bytes: u64,
    /// Builds the report (dashboard and download).
    pub report: ReportHook,
    /// Imports an uploaded file; `None` disables uploads.
    pub import: Option<ImportHook>,
}

impl std::fmt::Debug for WebConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WebConfig")
            .field("project_name", &self.project_name)
            .field("db_path", &self.db_path)
            .field("addr", &self.addr)
            .field("store_handles", &self.store_handles)
            .field("campaigns", &self.campaigns.len())
            .finish_non_exhaustive()
    }
}

impl WebConfig {
    /// The campaign called `name`.
    pub fn campaign(&self, name: &str) -> Option<&CampaignConfig> {
        self.campaigns.iter().find(|c| c.name == name)
    }

    /// True when the server listens on a loopback address only.
    pub fn loopback(&self) -> bool {
        self.addr.ip().is_loopback()
    }
}

/// The default upload limit: 512 MiB (a large Research API dump).
pub const DEFAULT_MAX_UPLOAD: u64 = 512 << 20;
