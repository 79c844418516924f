//! `GET /imports` and `POST /imports/upload`: import history with warnings,
//! and uploads imported in the background through the same code path as
//! `uptake import` (the binary's import hook).
//!
//! An upload is streamed to a fresh folder under the project's upload
//! directory, named by the server (the browser's file name is reduced to a
//! safe base name), imported on a blocking thread with its own connection
//! (pages keep answering: SQLite in WAL mode lets them read meanwhile), and
//! deleted afterwards: the database keeps what the import stored.

use crate::auth::{can, Viewer};
use crate::error::WebError;
use crate::layout::{csrf_field, minute, page, respond};
use crate::state::{lock, AppState};
use axum::extract::{Multipart, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use maud::html;
use std::path::{Path, PathBuf};
use tokio::io::AsyncWriteExt;
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
    /// Importing.
    Running,
    /// Done, with the import's one-line summary.
    Done(String),
    /// Failed; nothing from the file was stored.
    Failed(String),
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
                h2 { "Upload a file" }
                p { "Any file " code { "uptake import" } " reads: TikTok Studio CSV/XLSX/ZIP, API responses (JSON/NDJSON), captures, the manual template. The format is detected from the content. At most "
                    (config.max_upload_bytes >> 20) " MB. Imports run in the background; other pages keep working." }
                form method="post" action="/imports/upload" enctype="multipart/form-data" {
                    (csrf_field(&viewer))
                    label { "File " input type="file" name="file" required; }
                    button type="submit" { "Upload and import" }
                }
            }
        }
        @if !jobs.is_empty() {
            section {
                h2 { "Uploads since the server started" }
                p { a href="/imports" { "Refresh" } " to see progress." }
                table {
                    thead { tr { th scope="col" { "File" } th scope="col" { "By" } th scope="col" { "Started (UTC)" } th.num scope="col" { "Bytes" } th scope="col" { "Status" } } }
                    tbody { @for j in &jobs { tr {
                        td { (j.file) } td { (j.user) } td { (minute(j.started_at)) } td.num { (j.bytes) }
                        td { @match &j.state {
                            JobState::Running => { "importing…" },
                            JobState::Done(s) => { "done: " (s) },
                            JobState::Failed(e) => { strong { "failed" } ": " (e) " (nothing from the file was stored)" },
                        } }
                    } } }
                }
            }
        }
        h2 { "Import history" }
        @if imports.is_empty() { p { "Nothing imported yet." } }
        @for (i, warnings) in &imports {
            article.import {
                h3 { "#" (i.id) " " (i.file_name) }
                p.meta { (minute(i.imported_at)) " UTC · " (i.formats) " · " (i.items) " records, " (i.videos) " new videos, "
                    (i.observations) " observations, " (i.account_days) " account days · " (i.warnings) " warnings" }
                @if !warnings.is_empty() {
                    ul.warnings { @for w in warnings { li { code { (w.location) } ": " (w.message) } } }
                    @if i.warnings > warnings.len() as i64 { p.more { "… " (i.warnings - warnings.len() as i64) " more (" code { "uptake status --warnings" } ")" } }
                }
            }
        }
    };
    Ok(respond(page(config, &viewer, "/imports", "Imports", body)))
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

/// `POST /imports/upload` (multipart: `csrf` first, then `file`).
pub async fn upload(
    State(state): State<AppState>,
    viewer: Viewer,
    mut form: Multipart,
) -> Result<Response, WebError> {
    let bad = |e: axum::extract::multipart::MultipartError| {
        WebError::BadRequest(format!("the upload could not be read: {}", e.body_text()))
    };
    // The token must come first, so that nothing is written for a forged request.
    let Some(first) = form.next_field().await.map_err(bad)? else {
        return Err(WebError::Csrf);
    };
    if first.name() != Some("csrf") {
        return Err(WebError::Csrf);
    }
    viewer.check_csrf(&first.text().await.map_err(bad)?)?;
    viewer.require(can::upload(viewer.role), "upload files")?;
    let Some(hook) = state.config().import.clone() else {
        return Err(WebError::Forbidden(
            "upload files (uploads are off on this server)",
        ));
    };
    let Some(mut field) = form.next_field().await.map_err(bad)? else {
        return Err(WebError::BadRequest("no file in the upload".into()));
    };
    if field.name() != Some("file") {
        return Err(WebError::BadRequest("no file in the upload".into()));
    }
    let name = safe_file_name(field.file_name().unwrap_or("upload"));
    let dir = state
        .config()
        .upload_dir
        .join(crate::auth::random_token()?.get(..16).unwrap_or("upload"));
    tokio::fs::create_dir_all(&dir)
        .await
        .map_err(|e| WebError::Internal(format!("cannot create `{}`: {e}", dir.display())))?;
    let path = dir.join(&name);
    let limit = state.config().max_upload_bytes;
    let written: Result<u64, WebError> = async {
        let mut file = tokio::fs::File::create(&path)
            .await
            .map_err(|e| WebError::Internal(format!("cannot create `{}`: {e}", path.display())))?;
        let mut bytes = 0u64;
        while let Some(chunk) = field.chunk().await.map_err(bad)? {
            bytes += chunk.len() as u64;
            if bytes > limit {
                return Err(WebError::BadRequest(format!(
                    "the file is larger than {} MB",
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
        Ok(bytes)
    }
    .await;
    let bytes = match written {
        Ok(b) => b,
        Err(e) => {
            remove_upload(&dir);
            return Err(e);
        }
    };
    let id = {
        let mut jobs = lock(&state.inner.jobs);
        let id = jobs.last().map_or(1, |j| j.id + 1);
        if jobs.len() >= JOBS_KEPT {
            if let Some(pos) = jobs.iter().position(|j| j.state != JobState::Running) {
                jobs.remove(pos);
            }
        }
        jobs.push(Job {
            id,
            file: name.clone(),
            bytes,
            user: viewer.name.clone(),
            started_at: chrono::Utc::now().timestamp(),
            state: JobState::Running,
        });
        id
    };
    let st = state.clone();
    let db_path = state.config().db_path.clone();
    let user = viewer.name.clone();
    // Not awaited: the import runs on its own while the browser goes back to the list.
    drop(tokio::task::spawn_blocking(move || {
        let outcome = run_import(&db_path, &path, &hook);
        let (job_state, action, detail) = match outcome {
            Ok(summary) => (JobState::Done(summary.clone()), "import.upload", summary),
            Err(e) => (JobState::Failed(e.clone()), "import.upload.failed", e),
        };
        if let Ok(mut store) = uptake_store::Store::open(&db_path) {
            let entry = NewAuditEntry {
                at: chrono::Utc::now().timestamp(),
                actor: &user,
                action,
                target: Some(&name),
                detail: Some(&detail),
            };
            if let Err(e) = store.audit(&entry) {
                crate::log_line!("uptake serve: error: cannot write the audit log: {e}");
            }
        }
        remove_upload(&dir);
        if let Some(job) = lock(&st.inner.jobs).iter_mut().find(|j| j.id == id) {
            job.state = job_state;
        }
    }));
    Ok((StatusCode::SEE_OTHER, [(header::LOCATION, "/imports")]).into_response())
}

fn run_import(db: &Path, file: &Path, hook: &crate::config::ImportHook) -> Result<String, String> {
    let mut store = uptake_store::Store::open(db).map_err(|e| e.to_string())?;
    hook(&mut store, file)
}

fn remove_upload(dir: &PathBuf) {
    if let Err(e) = std::fs::remove_dir_all(dir) {
        crate::log_line!("uptake serve: cannot remove `{}`: {e}", dir.display());
    }
}

#[cfg(test)]
mod tests {
    use super::safe_file_name;

    #[test]
    fn file_names_are_reduced_to_safe_base_names() {
        assert_eq!(safe_file_name("../../etc/passwd"), "passwd");
        assert_eq!(safe_file_name("C:\\Users\\x\\Overview.zip"), "Overview.zip");
        assert_eq!(safe_file_name(".htaccess"), "htaccess");
        assert_eq!(safe_file_name("..."), "upload");
        assert_eq!(safe_file_name("a<script>.csv"), "ascript.csv");
    }
}
