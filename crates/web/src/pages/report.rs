//! `GET /report` and `GET /report/download`: the offline HTML report, the
//! same file `uptake report` writes, for the project or one campaign.
//!
//! The report's data are built once per database change and scope, for
//! the dashboard and the download together (`built`): the dashboard keeps
//! its fragment, the report is written to a cache file under the project's
//! `.uptake/cache/` and streamed from there, so that neither the data
//! (100 MB for 100,000 videos) nor the rendered file stay in memory.

use crate::auth::Viewer;
use crate::error::WebError;
use crate::layout::{given, page, respond};
use crate::state::AppState;
use axum::body::{Body, Bytes};
use axum::extract::{Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use maud::html;
use std::io::Write as _;
use std::path::PathBuf;
use std::sync::Arc;
use tokio::io::AsyncReadExt;

/// What one build of the report data leaves behind.
pub(crate) struct ReportBuild {
    /// The dashboard's content (HTML fragment).
    pub(crate) dashboard: String,
    /// The rendered report, written whole.
    file: PathBuf,
    /// Its size.
    bytes: u64,
}

/// Chunk size of the download stream.
const CHUNK: usize = 256 * 1024;

/// The report data of `campaign` (whole project when `None`), built once
/// per database change: the dashboard fragment and the report file.
pub(crate) async fn built(
    state: &AppState,
    campaign: Option<String>,
) -> Result<Arc<ReportBuild>, WebError> {
    let config = state.config();
    let hook = config.report.clone();
    // One file per scope; the name holds no user text.
    let slot = match &campaign {
        None => 0,
        Some(c) => config
            .campaigns
            .iter()
            .position(|x| &x.name == c)
            .map_or(0, |i| i + 1),
    };
    let dir = config
        .db_path
        .parent()
        .map(|p| p.join("cache"))
        .unwrap_or_else(|| PathBuf::from("cache"));
    let key = format!("report:{}", campaign.clone().unwrap_or_default());
    state
        .cached_value(key, move |store| {
            let data = hook(store, campaign.as_deref()).map_err(WebError::Internal)?;
            let dashboard = super::dashboard::render(&data).into_string();
            let fail = |e: std::io::Error| {
                WebError::Internal(format!(
                    "cannot write the report cache in `{}`: {e}",
                    dir.display()
                ))
            };
            std::fs::create_dir_all(&dir).map_err(fail)?;
            let file = dir.join(format!("report-{slot}.html"));
            // Written aside, then renamed: a download streaming the previous
            // file keeps reading it. Rendered straight into the file: the
            // data and the whole rendered report (116 MB for 100,000
            // videos) are never held together.
            let tmp = dir.join(format!("report-{slot}.html.{}.tmp", std::process::id()));
            let mut out = std::io::BufWriter::with_capacity(
                CHUNK,
                std::fs::File::create(&tmp).map_err(fail)?,
            );
            let written =
                uptake_report::html::render_html_to(&data, &mut out).and_then(|()| out.flush());
            drop(data);
            let bytes = written
                .and_then(|()| out.get_ref().metadata())
                .map(|m| m.len());
            drop(out);
            let bytes = match bytes {
                Ok(n) => n,
                Err(e) => {
                    let _ = std::fs::remove_file(&tmp);
                    return Err(fail(e));
                }
            };
            std::fs::rename(&tmp, &file).map_err(fail)?;
            Ok(ReportBuild {
                dashboard,
                file,
                bytes,
            })
        })
        .await
}

/// Query of the report pages.
#[derive(Debug, Default, serde::Deserialize)]
pub struct ReportQuery {
    /// Campaign name.
    pub campaign: Option<String>,
}

/// `GET /report`.
pub async fn show(State(state): State<AppState>, viewer: Viewer) -> Result<Response, WebError> {
    let config = state.config();
    let body = html! {
        p { "The report is one self-contained HTML file (no script, no network) with the video table, growth charts, traffic sources, the KMb indicators with their definitions, caveats and a methods paragraph." }
        form method="get" action="/report/download" {
            label { "Scope "
                select name="campaign" {
                    option value="" { "Whole project" }
                    @for c in &config.campaigns { option value=(c.name) { (c.name) } }
                }
            }
            button type="submit" { "Download the report" }
        }
    };
    Ok(respond(page(config, &viewer, "/report", "Report", body)))
}

/// `GET /report/download`.
pub async fn download(
    State(state): State<AppState>,
    _viewer: Viewer,
    Query(q): Query<ReportQuery>,
) -> Result<Response, WebError> {
    let campaign = given(&q.campaign);
    if let Some(c) = &campaign {
        if state.config().campaign(c).is_none() {
            return Err(WebError::NotFound);
        }
    }
    let build = built(&state, campaign.clone()).await?;
    let file = tokio::fs::File::open(&build.file)
        .await
        .map_err(|e| WebError::Internal(format!("cannot read `{}`: {e}", build.file.display())))?;
    let stream = futures_util::stream::unfold(Some(file), |file| async move {
        let mut file = file?;
        let mut buf = Vec::with_capacity(CHUNK);
        match (&mut file).take(CHUNK as u64).read_to_end(&mut buf).await {
            Ok(0) => None,
            Ok(_) => Some((Ok::<_, std::io::Error>(Bytes::from(buf)), Some(file))),
            Err(e) => Some((Err(e), None)),
        }
    });
    // Only safe characters reach the header.
    let suffix: String = campaign
        .map(|c| {
            let c: String = c
                .chars()
                .filter(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
                .take(40)
                .collect();
            if c.is_empty() {
                c
            } else {
                format!("-{c}")
            }
        })
        .unwrap_or_default();
    Ok((
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"uptake-report{suffix}.html\""),
            ),
            (header::CACHE_CONTROL, "no-store".to_string()),
            (header::CONTENT_LENGTH, build.bytes.to_string()),
        ],
        Body::from_stream(stream),
    )
        .into_response())
}
