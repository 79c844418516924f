//! `GET /report` and `GET /report/download`: the offline HTML report, the
//! same file `uptake report` writes, for the project or one campaign.

use crate::auth::Viewer;
use crate::error::WebError;
use crate::layout::{given, page, respond};
use crate::state::AppState;
use axum::extract::{Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use maud::html;

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
    let hook = state.config().report.clone();
    let scope = campaign.clone();
    // Built once per database change (it reads every video), then served
    // from memory.
    let html = state
        .cached(
            format!("report:{}", campaign.clone().unwrap_or_default()),
            move |store| {
                let data = hook(store, scope.as_deref()).map_err(WebError::Internal)?;
                Ok(uptake_report::html::render_html(&data))
            },
        )
        .await?;
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
        ],
        html.as_str().to_owned(),
    )
        .into_response())
}
