//! `GET /imports`, `POST /imports/upload` and `GET /imports/jobs/{id}`:
//! import history with warnings, and uploads imported in the background
//! through the same code path as `uptake import` (the binary's import hook),
//! with their progress.
//!
//! An upload is streamed to a fresh folder under the project's upload
//! directory, named by the server (the browser's file name is reduced to a
//! safe base name, which is also the name the history records), imported on
//! a blocking thread with its own connection (pages keep answering: SQLite
//! in WAL mode lets them read meanwhile), and deleted afterwards: the
//! database keeps what the import stored. One request may carry several
//! files; each becomes its own job. Jobs run one after another, oldest first,
//! because SQLite has one write lock: two imports at once would make the
//! second wait for the first and give up after the busy timeout.
//!
//! The import reports its progress (bytes read of the file, records so far)
//! into the job; the page shows it in a `<progress>` element and the script
//! polls `/imports/jobs/{id}` (JSON) to move it without reloading. Without
//! the script, the page's Refresh link shows the latest state.

use crate::auth::{can, Viewer};
use crate::config::{ImportHook, ImportProgress, ImportRequest};
use crate::error::WebError;
use crate::layout::{csrf_field, minute, page, respond};
use crate::state::{lock, AppState};
use axum::extract::{Multipart, Path as UrlPath, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use maud::{html, Markup};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use tokio::io::AsyncWriteExt;
use uptake_report::cell::group_thousands;
use uptake_store::NewAuditEntry;

/// Warnings shown per import.
const WARNINGS_SHOWN: u32 = 20;
/// Imports listed (newest first).
const IMPORTS_SHOWN: usize = 200;
/// Finished jobs remembered.
const JOBS_KEPT: usize = 50;

/// Where a background import is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JobState {
    /// Waiting for the imports before it to finish (one runs at a time).
    Queued,
    /// Importing.
    Running,
    /// Done, with the import's one-line summary.
    Done(String),
    /// Failed; nothing from the file was stored.
    Failed(String),
}

impl JobState {
    /// The state's name in the job endpoint's JSON and the page's
    /// `data-state` attribute.
    pub fn name(&self) -> &'static str {
        match self {
            JobState::Queued => "queued",
            JobState::Running => "running",
            JobState::Done(_) => "done",
            JobState::Failed(_) => "failed",
        }
    }

    /// True once the job has finished, well or not.
    pub fn finished(&self) -> bool {
        matches!(self, JobState::Done(_) | JobState::Failed(_))
    }
}

/// A running import's progress, written by the import's thread and read by
/// pages without a lock.
#[derive(Debug, Default)]
pub struct JobProgress {
    bytes_read: AtomicU64,
    total_bytes: AtomicU64,
    records: AtomicU64,
}

impl JobProgress {
    /// Progress of a file of `total_bytes` not yet read.
    pub fn new(total_bytes: u64) -> JobProgress {
        JobProgress {
            total_bytes: AtomicU64::new(total_bytes),
            ..JobProgress::default()
        }
    }

    /// Records what the import reported.
    pub fn set(&self, p: ImportProgress) {
        self.total_bytes.store(p.total_bytes, Ordering::Relaxed);
        self.records.store(p.records, Ordering::Relaxed);
        self.bytes_read.store(p.bytes_read, Ordering::Relaxed);
    }

    /// The latest report.
    pub fn get(&self) -> ImportProgress {
        ImportProgress {
            bytes_read: self.bytes_read.load(Ordering::Relaxed),
            total_bytes: self.total_bytes.load(Ordering::Relaxed),
            records: self.records.load(Ordering::Relaxed),
        }
    }
}

/// A background import started from the browser.
#[derive(Debug, Clone)]
pub struct Job {
    /// Sequence number.
    pub id: u64,
    /// The uploaded file's (safe) name.
    pub file: String,
    /// Bytes received.
    pub bytes: u64,
    /// Who uploaded it.
    pub user: String,
    /// Started, UTC seconds.
    pub started_at: i64,
    /// Where it is.
    pub state: JobState,
    /// How far the import has read.
    pub progress: Arc<JobProgress>,
    /// The upload's own folder (deleted after the import).
    pub(crate) dir: PathBuf,
}

impl Job {
    /// Percentage of the file read (100 once done).
    pub fn percent(&self) -> u64 {
        let p = self.progress.get();
        match self.state {
            JobState::Done(_) => 100,
            _ if p.total_bytes == 0 => 0,
            _ => {
                (u128::from(p.bytes_read.min(p.total_bytes)) * 100 / u128::from(p.total_bytes))
                    as u64
            }
        }
    }
}

/// What the status cell says about a job (the script shows the same text).
fn status_text(job: &Job) -> String {
    match &job.state {
        JobState::Queued => "queued: waits for the import before it".into(),
        JobState::Running => {
            let p = job.progress.get();
            format!(
                "importing… {}% · {} records",
                job.percent(),
                group_thousands(i64::try_from(p.records).unwrap_or(i64::MAX))
            )
        }
        JobState::Done(s) => format!("done: {s}"),
        JobState::Failed(e) => format!("failed: {e} (nothing from the file was stored)"),
    }
}

/// A job's status cell: a progress bar (full once done, gone if it
/// failed), then what the job is doing or how it ended.
fn status_cell(job: &Job) -> Markup {
    let p = job.progress.get();
    let max = p.total_bytes.max(1);
    let value = match job.state {
        JobState::Done(_) => max,
        _ => p.bytes_read.min(p.total_bytes),
    };
    html! {
        td.status {
            @if !matches!(job.state, JobState::Failed(_)) {
                progress value=(value) max=(max) aria-label={ "Import of " (job.file) } { (job.percent()) "%" }
                " "
            }
            span.status-text {
                @match &job.state {
                    JobState::Failed(e) => { strong { "failed" } ": " (e) " (nothing from the file was stored)" },
                    _ => { (status_text(job)) },
                }
            }
        }
    }
}

/// `GET /imports`.
pub async fn list(State(state): State<AppState>, viewer: Viewer) -> Result<Response, WebError> {
    let imports = state
        .db(|store| {
            let mut imports = store.imports()?;
            imports.reverse();
            imports.truncate(IMPORTS_SHOWN);
            let mut out = Vec::with_capacity(imports.len());
            for i in imports {
                let warnings = if i.warnings > 0 {
                    store.import_warnings(i.id, WARNINGS_SHOWN)?.0
                } else {
                    Vec::new()
                };
                out.push((i, warnings));
            }
            Ok(out)
        })
        .await?;
    let jobs: Vec<Job> = lock(&state.inner.jobs).iter().rev().cloned().collect();
    let config = state.config();
    let may_upload = can::upload(viewer.role) && config.import.is_some();
    let body = html! {
        @if may_upload {
            section.upload {
                h2 { "Upload files" }
                p { "Any file " code { "uptake import" } " reads: TikTok Studio CSV/XLSX/ZIP, API responses (JSON/NDJSON), captures, the manual template. The format is detected from the content. At most "
                    (config.max_upload_bytes >> 20) " MB per upload. Imports run in the background, one after another; other pages keep working." }
                form #upload method="post" action="/imports/upload" enctype="multipart/form-data" {
                    (csrf_field(&viewer))
                    div.dropzone {
                        label for="upload-files" { "Files" }
                        " "
                        input #upload-files type="file" name="file" multiple required aria-describedby="upload-hint";
                        p #upload-hint .hint { "Choose one or more files; each is imported on its own." }
                        ul.picked hidden {}
                    }
                    button type="submit" { "Upload and import" }
                    p.upload-status role="status" {}
                }
            }
        }
        @if !jobs.is_empty() {
            section.jobs {
                h2 { "Uploads since the server started" }
                p { a href="/imports" { "Refresh" } " to see the latest progress and the history." }
                p.job-news role="status" {}
                table {
                    thead { tr { th scope="col" { "File" } th scope="col" { "By" } th scope="col" { "Started (UTC)" } th.num scope="col" { "Bytes" } th scope="col" { "Status" } } }
                    tbody { @for j in &jobs {
                        tr id=(format!("job-{}", j.id)) data-job=(j.id) data-state=(j.state.name()) {
                            td { (j.file) } td { (j.user) } td { (minute(j.started_at)) } td.num { (j.bytes) }
                            (status_cell(j))
                        }
                    } }
                }
            }
        }
        h2 { "Import history" }
        @if imports.is_empty() { p { "Nothing imported yet." } }
        @for (i, warnings) in &imports {
            article.import {
                h3 { "#" (i.id) " " (shown_file(&i.file_name)) }
                p.meta { (minute(i.imported_at)) " UTC · " (i.formats) " · " (i.items) " records, " (i.videos) " new videos, "
                    (i.observations) " observations, " (i.account_days) " account days · " (i.warnings) " warnings" }
                @if !warnings.is_empty() {
                    ul.warnings { @for w in warnings { li { code { (w.location.replace(&i.file_name, shown_file(&i.file_name))) } ": " (w.message) } } }
                    @if i.warnings > warnings.len() as i64 { p.more { "… " (i.warnings - warnings.len() as i64) " more (" code { "uptake status --warnings" } ")" } }
                }
            }
        }
    };
    Ok(respond(page(config, &viewer, "/imports", "Imports", body)))
}

/// `GET /imports/jobs/{id}`: one job's state and progress as JSON, for the
/// page's script. Readable by every signed-in account, like the page.
pub async fn job(
    State(state): State<AppState>,
    _viewer: Viewer,
    UrlPath(id): UrlPath<String>,
) -> Result<Response, WebError> {
    let id: u64 = id.parse().map_err(|_| WebError::NotFound)?;
    let job = lock(&state.inner.jobs)
        .iter()
        .find(|j| j.id == id)
        .cloned()
        .ok_or(WebError::NotFound)?;
    let p = job.progress.get();
    let message = match &job.state {
        JobState::Done(s) | JobState::Failed(s) => Some(s.as_str()),
        JobState::Queued | JobState::Running => None,
    };
    let body = serde_json::json!({
        "id": job.id,
        "file": job.file,
        "state": job.state.name(),
        "message": message,
        "text": status_text(&job),
        "bytes_read": p.bytes_read,
        "total_bytes": p.total_bytes,
        "records": p.records,
        "percent": job.percent(),
    });
    Ok((
        [
            (header::CONTENT_TYPE, "application/json"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        body.to_string(),
    )
        .into_response())
}

/// Reduces a browser-supplied file name to a safe base name: no folders, no
/// leading dot, only letters, digits, `.`, `-`, `_` and spaces.
pub fn safe_file_name(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or("");
    let cleaned: String = base
        .chars()
        .filter(|c| c.is_alphanumeric() || matches!(c, '.' | '-' | '_' | ' '))
        .take(120)
        .collect();
    let cleaned = cleaned.trim().trim_start_matches('.').to_string();
    if cleaned.is_empty() {
        "upload".into()
    } else {
        cleaned
    }
}

/// A file received and written to its own upload folder, not yet queued.
struct Received {
    name: String,
    dir: PathBuf,
    bytes: u64,
}

/// `POST /imports/upload` (multipart: `csrf` first, then one or more `file`
/// fields). Every file is written before any is queued: a request that fails
/// half-way (too large, cut off) leaves nothing behind and imports nothing.
pub async fn upload(
    State(state): State<AppState>,
    viewer: Viewer,
    mut form: Multipart,
) -> Result<Response, WebError> {
    // The token must come first, so that nothing is written for a forged request.
    let Some(first) = form.next_field().await.map_err(bad)? else {
        return Err(WebError::Csrf);
    };
    if first.name() != Some("csrf") {
        return Err(WebError::Csrf);
    }
    viewer.check_csrf(&first.text().await.map_err(bad)?)?;
    viewer.require(can::upload(viewer.role), "upload files")?;
    if state.config().import.is_none() {
        return Err(WebError::Forbidden(
            "upload files (uploads are off on this server)",
        ));
    }
    let mut received: Vec<Received> = Vec::new();
    if let Err(e) = receive(&state, &mut form, &mut received).await {
        for r in &received {
            remove_upload(&r.dir);
        }
        return Err(e);
    }
    if received.is_empty() {
        return Err(WebError::BadRequest("no file in the upload".into()));
    }
    {
        let mut jobs = lock(&state.inner.jobs);
        for r in received {
            let id = jobs.last().map_or(1, |j| j.id + 1);
            while jobs.len() >= JOBS_KEPT {
                match jobs.iter().position(|j| j.state.finished()) {
                    Some(pos) => {
                        jobs.remove(pos);
                    }
                    None => break,
                }
            }
            jobs.push(Job {
                id,
                file: r.name,
                bytes: r.bytes,
                user: viewer.name.clone(),
                started_at: chrono::Utc::now().timestamp(),
                state: JobState::Queued,
                progress: Arc::new(JobProgress::new(r.bytes)),
                dir: r.dir,
            });
        }
    }
    start_next(&state);
    Ok((StatusCode::SEE_OTHER, [(header::LOCATION, "/imports")]).into_response())
}

fn bad(e: axum::extract::multipart::MultipartError) -> WebError {
    WebError::BadRequest(format!("the upload could not be read: {}", e.body_text()))
}

/// Writes every `file` field of the form to its own upload folder, adding
/// each to `received` as soon as its folder exists (so that the caller can
/// remove it on failure). The files together may not exceed the upload limit.
async fn receive(
    state: &AppState,
    form: &mut Multipart,
    received: &mut Vec<Received>,
) -> Result<(), WebError> {
    let limit = state.config().max_upload_bytes;
    let mut total = 0u64;
    while let Some(mut field) = form.next_field().await.map_err(bad)? {
        if field.name() != Some("file") {
            return Err(WebError::BadRequest(
                "the upload holds a field other than files".into(),
            ));
        }
        let given = field.file_name().unwrap_or("").to_string();
        let name = safe_file_name(&given);
        let dir = state
            .config()
            .upload_dir
            .join(crate::auth::random_token()?.get(..16).unwrap_or("upload"));
        tokio::fs::create_dir_all(&dir)
            .await
            .map_err(|e| WebError::Internal(format!("cannot create `{}`: {e}", dir.display())))?;
        received.push(Received {
            name: name.clone(),
            dir: dir.clone(),
            bytes: 0,
        });
        let path = dir.join(&name);
        let mut file = tokio::fs::File::create(&path)
            .await
            .map_err(|e| WebError::Internal(format!("cannot create `{}`: {e}", path.display())))?;
        let mut bytes = 0u64;
        while let Some(chunk) = field.chunk().await.map_err(bad)? {
            bytes += chunk.len() as u64;
            total += chunk.len() as u64;
            if total > limit {
                return Err(WebError::BadRequest(format!(
                    "the upload is larger than {} MB",
                    limit >> 20
                )));
            }
            file.write_all(&chunk).await.map_err(|e| {
                WebError::Internal(format!("cannot write `{}`: {e}", path.display()))
            })?;
        }
        file.flush()
            .await
            .map_err(|e| WebError::Internal(format!("cannot write `{}`: {e}", path.display())))?;
        if given.is_empty() && bytes == 0 {
            // A form sent with no file chosen has one empty, nameless part.
            if let Some(r) = received.pop() {
                remove_upload(&r.dir);
            }
            continue;
        }
        if let Some(r) = received.last_mut() {
            r.bytes = bytes;
        }
    }
    Ok(())
}

/// Marks the oldest queued job running and returns it, unless a job is
/// running already (imports go one at a time).
fn claim_next(jobs: &mut [Job]) -> Option<Job> {
    if jobs.iter().any(|j| j.state == JobState::Running) {
        return None;
    }
    let job = jobs.iter_mut().find(|j| j.state == JobState::Queued)?;
    job.state = JobState::Running;
    Some(job.clone())
}

/// Starts a worker for the queued jobs unless one is at work. Not awaited:
/// the imports run on their own while the browser goes back to the list.
fn start_next(state: &AppState) {
    let Some(job) = claim_next(&mut lock(&state.inner.jobs)) else {
        return;
    };
    let st = state.clone();
    drop(tokio::task::spawn_blocking(move || work(&st, job)));
}

/// Imports `job`, then every job queued meanwhile, one at a time.
fn work(state: &AppState, mut job: Job) {
    loop {
        let outcome = run_import(state, &job);
        let (job_state, action, detail) = match outcome {
            Ok(summary) => (JobState::Done(summary.clone()), "import.upload", summary),
            Err(e) => (JobState::Failed(e.clone()), "import.upload.failed", e),
        };
        if let Ok(mut store) = uptake_store::Store::open(&state.config().db_path) {
            let entry = NewAuditEntry {
                at: chrono::Utc::now().timestamp(),
                actor: &job.user,
                action,
                target: Some(&job.file),
                detail: Some(&detail),
            };
            if let Err(e) = store.audit(&entry) {
                crate::log_line!("uptake serve: error: cannot write the audit log: {e}");
            }
        }
        remove_upload(&job.dir);
        let mut jobs = lock(&state.inner.jobs);
        if let Some(j) = jobs.iter_mut().find(|j| j.id == job.id) {
            j.state = job_state;
        }
        match claim_next(&mut jobs) {
            Some(next) => job = next,
            None => return,
        }
    }
}

/// Runs the import hook on one job's file, reporting progress into the job.
fn run_import(state: &AppState, job: &Job) -> Result<String, String> {
    let Some(hook): Option<ImportHook> = state.config().import.clone() else {
        return Err("uploads are off on this server".into());
    };
    let path = job.dir.join(&job.file);
    let progress = job.progress.clone();
    let report = move |p: ImportProgress| progress.set(p);
    let db = state.config().db_path.clone();
    // A bug in the import must not leave the queue stuck behind a job that
    // never finishes.
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let mut store = uptake_store::Store::open(&db).map_err(|e| e.to_string())?;
        hook(
            &mut store,
            ImportRequest {
                path: &path,
                display_name: &job.file,
                progress: &report,
            },
        )
    }))
    .unwrap_or_else(|_| {
        Err("the import stopped unexpectedly; this is a bug in uptake (details in the server's log)".into())
    });
    // Messages name the file as it was uploaded, not where the server
    // keeps it (which every signed-in account can read).
    let where_kept = path.display().to_string();
    let named = |m: String| m.replace(&where_kept, &job.file);
    outcome.map(named).map_err(named)
}

/// A stored import's file as the web shows it: its base name, not the
/// folder it was imported from on the server.
fn shown_file(name: &str) -> &str {
    name.rsplit(['/', '\\']).next().unwrap_or(name)
}

fn remove_upload(dir: &Path) {
    if let Err(e) = std::fs::remove_dir_all(dir) {
        crate::log_line!("uptake serve: cannot remove `{}`: {e}", dir.display());
    }
}

#[cfg(test)]
mod tests {
    use super::{claim_next, safe_file_name, Job, JobProgress, JobState};
    use std::sync::Arc;

    #[test]
    fn stored_files_are_shown_by_base_name() {
        assert_eq!(
            super::shown_file("/srv/p/.uptake/uploads/ab12/evil.csv"),
            "evil.csv"
        );
        assert_eq!(super::shown_file("C:\\data\\Overview.zip"), "Overview.zip");
        assert_eq!(super::shown_file("plain.csv"), "plain.csv");
    }

    #[test]
    fn file_names_are_reduced_to_safe_base_names() {
        assert_eq!(safe_file_name("../../etc/passwd"), "passwd");
        assert_eq!(safe_file_name("C:\\Users\\x\\Overview.zip"), "Overview.zip");
        assert_eq!(safe_file_name(".htaccess"), "htaccess");
        assert_eq!(safe_file_name("..."), "upload");
        assert_eq!(safe_file_name("a<script>.csv"), "ascript.csv");
    }

    fn job(id: u64, state: JobState) -> Job {
        Job {
            id,
            file: format!("{id}.csv"),
            bytes: 10,
            user: "sam".into(),
            started_at: 0,
            state,
            progress: Arc::new(JobProgress::new(10)),
            dir: std::path::PathBuf::new(),
        }
    }

    #[test]
    fn queued_jobs_run_one_at_a_time_oldest_first() {
        let mut jobs = vec![
            job(1, JobState::Done("ok".into())),
            job(2, JobState::Queued),
            job(3, JobState::Queued),
        ];
        assert_eq!(claim_next(&mut jobs).map(|j| j.id), Some(2));
        assert_eq!(jobs[1].state, JobState::Running);
        assert!(claim_next(&mut jobs).is_none(), "job 2 is still running");
        jobs[1].state = JobState::Failed("bad".into());
        assert_eq!(claim_next(&mut jobs).map(|j| j.id), Some(3));
        jobs[2].state = JobState::Done("ok".into());
        assert!(claim_next(&mut jobs).is_none(), "nothing left");
    }

    #[test]
    fn percent_is_bounded_and_done_is_full() {
        let j = job(1, JobState::Running);
        j.progress.set(reported(5, 10, 3));
        assert_eq!(j.percent(), 50);
        j.progress.set(reported(20, 10, 3));
        assert_eq!(j.percent(), 100);
        let empty = Job {
            progress: Arc::new(JobProgress::new(0)),
            ..job(2, JobState::Running)
        };
        assert_eq!(empty.percent(), 0);
        assert_eq!(job(3, JobState::Done("ok".into())).percent(), 100);
    }

    fn reported(bytes_read: u64, total_bytes: u64, records: u64) -> crate::config::ImportProgress {
        crate::config::ImportProgress {
            bytes_read,
            total_bytes,
            records,
        }
    }
}
