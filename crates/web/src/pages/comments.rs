//! `GET /comments`: every comment, newest first, filtered by scheme and
//! label, language, date and words (full-text search), one page at a time.

use crate::auth::Viewer;
use crate::error::WebError;
use crate::layout::{comment, given, page, page_number, pager, respond, PAGE_SIZE};
use crate::state::AppState;
use axum::extract::{Query, State};
use axum::response::Response;
use chrono::NaiveDate;
use maud::html;
use uptake_store::CommentFilter;

/// Query of the comment list.
#[derive(Debug, Default, serde::Deserialize)]
pub struct CommentsQuery {
    /// Words the text must contain.
    pub q: Option<String>,
    /// Scheme (`safety`, `claims`, `kmb`).
    pub scheme: Option<String>,
    /// Label within the scheme.
    pub label: Option<String>,
    /// Language code.
    pub lang: Option<String>,
    /// Posted from (YYYY-MM-DD, UTC).
    pub from: Option<String>,
    /// Posted to (YYYY-MM-DD, inclusive).
    pub to: Option<String>,
    /// A video's id.
    pub video: Option<String>,
    /// Page number.
    pub page: Option<String>,
}

fn day_start(v: &Option<String>) -> Result<Option<i64>, WebError> {
    match given(v) {
        None => Ok(None),
        Some(t) => NaiveDate::parse_from_str(&t, "%Y-%m-%d")
            .ok()
            .and_then(|d| d.and_hms_opt(0, 0, 0))
            .map(|d| Some(d.and_utc().timestamp()))
            .ok_or_else(|| {
                WebError::BadRequest(format!("expected a date as YYYY-MM-DD, found `{t}`"))
            }),
    }
}

/// `GET /comments`.
pub async fn list(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(q): Query<CommentsQuery>,
) -> Result<Response, WebError> {
    let config = state.config();
    let scheme = given(&q.scheme);
    if let Some(s) = &scheme {
        if !config.schemes.contains(s) {
            return Err(WebError::BadRequest(format!("no scheme `{s}`")));
        }
    }
    let label = given(&q.label).filter(|_| scheme.is_some());
    let video = given(&q.video);
    if video.as_deref().is_some_and(|v| !super::video::valid_id(v)) {
        return Err(WebError::NotFound);
    }
    let page_no = page_number(q.page.as_deref());
    let filter = CommentFilter {
        video: video.clone(),
        scheme: scheme.clone(),
        label: label.clone(),
        language: given(&q.lang),
        from: day_start(&q.from)?,
        to: day_start(&q.to)?.map(|t| t + 86_400),
        search: given(&q.q),
        limit: PAGE_SIZE,
        offset: (page_no - 1) * PAGE_SIZE,
    };
    let labels_of = scheme.clone();
    let st = state.clone();
    let (comments, labels) = state
        .db(move |store| {
            // Counting every flag of a scheme reads 100,000+ index entries:
            // kept until the database changes.
            let labels = match &labels_of {
                Some(s) => st.memo(store, &format!("comments:labels:{s}"), |store| {
                    Ok(store.scheme_labels(s)?)
                })?,
                None => std::sync::Arc::new(Vec::new()),
            };
            Ok((store.comment_page(&filter)?, labels))
        })
        .await?;
    let params = vec![
        ("q", given(&q.q).unwrap_or_default()),
        ("scheme", scheme.clone().unwrap_or_default()),
        ("label", label.clone().unwrap_or_default()),
        ("lang", given(&q.lang).unwrap_or_default()),
        ("from", given(&q.from).unwrap_or_default()),
        ("to", given(&q.to).unwrap_or_default()),
        ("video", video.clone().unwrap_or_default()),
    ];
    let body = html! {
        form.filters method="get" action="/comments" {
            label { "Words " input type="search" name="q" value=[given(&q.q)]; }
            label { "Scheme "
                select name="scheme" {
                    option value="" { "Any" }
                    @for s in &config.schemes { option value=(s) selected[scheme.as_deref() == Some(s.as_str())] { (s) } }
                }
            }
            @if scheme.is_some() {
                label { "Label "
                    select name="label" {
                        option value="" { "Any" }
                        @for (l, n) in labels.iter() { option value=(l) selected[label.as_deref() == Some(l.as_str())] { (l) " (" (n) ")" } }
                    }
                }
            }
            label { "Language " input type="text" name="lang" size="5" value=[given(&q.lang)] placeholder="en"; }
            label { "From " input type="date" name="from" value=[given(&q.from)]; }
            label { "to " input type="date" name="to" value=[given(&q.to)]; }
            @if let Some(v) = &video { input type="hidden" name="video" value=(v); }
            button type="submit" { "Filter" }
        }
        @if comments.rows.is_empty() { p { "No comments match." } }
        @for c in &comments.rows { (comment(config, &viewer, c)) }
        (pager("/comments", &params, page_no, comments.has_more))
    };
    Ok(respond(page(
        config,
        &viewer,
        "/comments",
        "Comments",
        body,
    )))
}
