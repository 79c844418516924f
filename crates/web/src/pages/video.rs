//! `GET /videos/{id}`: one video: its latest metrics, its observations over
//! time, traffic sources and territories, and its comments with their
//! signals.

use crate::auth::{can, Viewer};
use crate::error::WebError;
use crate::layout::{
    author, chart, comment, count, minute, page, page_number, pager, respond, PAGE_SIZE,
};
use crate::state::AppState;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use maud::html;
use uptake_report::charts::{bar_chart, line_chart, ChartText, LinePoint, LineSeries};
use uptake_store::CommentFilter;

/// Query of the video page.
#[derive(Debug, Default, serde::Deserialize)]
pub struct VideoQuery {
    /// Page of comments.
    pub page: Option<String>,
}

/// Most observations shown (the newest).
const MAX_OBSERVATIONS: u32 = 500;

/// True for a plausible platform id (digits, letters, `_`, `-`).
pub(crate) fn valid_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 64
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

/// `GET /videos/{id}`.
pub async fn show(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
    Query(q): Query<VideoQuery>,
) -> Result<Response, WebError> {
    if !valid_id(&id) {
        return Err(WebError::NotFound);
    }
    let page_no = page_number(q.page.as_deref());
    let vid = id.clone();
    let st = state.clone();
    // A video's rows are kept until the database changes: a video with
    // 50,000 comments was read again for every visit (bench/web.sh).
    let read = state
        .db(move |store| {
            st.page_memo(store, &format!("video:{vid}:{page_no}"), |store| {
                let Some((row_id, detail)) = store.video_detail(&vid)? else {
                    return Err(WebError::NotFound);
                };
                let observations = store.observations_of(row_id, MAX_OBSERVATIONS)?;
                let comments = store.comment_page(&CommentFilter {
                    video: Some(vid.clone()),
                    limit: PAGE_SIZE,
                    offset: (page_no - 1) * PAGE_SIZE,
                    ..CommentFilter::default()
                })?;
                Ok((detail, observations, comments))
            })
        })
        .await?;
    let (detail, observations, comments) = &*read;
    let config = state.config();
    let v = &detail.video;
    let m = &detail.metrics;
    let first = observations.first().map(|o| o.observed_at);
    let posted = v.created_at.or(first);
    let points: Vec<LinePoint> = observations
        .iter()
        .filter(|o| o.views.is_some())
        .map(|o| LinePoint {
            x: (o.observed_at - posted.unwrap_or(o.observed_at)) as f64 / 86_400.0,
            y: o.views.map(|v| v as f64),
            interpolated: false,
        })
        .collect();
    let views_chart = line_chart(
        &ChartText {
            id: "chart-video-views",
            title: "Views over time",
            desc: "Views of this video at each observation, by days since it was posted (or since the first observation when the posting time is unknown).",
            x_label: "Days since posting",
            y_label: "Views",
        },
        &[LineSeries { label: "Views".into(), points, ..LineSeries::default() }],
    );
    let shares = |list: &[uptake_model::Share]| -> Vec<(String, f64)> {
        list.iter().map(|s| (s.label.clone(), s.fraction)).collect()
    };
    let own = config.own_handle.as_deref().is_some_and(|o| {
        v.author_handle
            .as_deref()
            .is_some_and(|h| h.eq_ignore_ascii_case(o))
    });
    let link = v
        .url
        .as_deref()
        .filter(|u| u.starts_with("https://"))
        .filter(|_| own || can::see_handles(viewer.role));
    let title = v
        .title
        .clone()
        .or(v.caption.clone())
        .map(|t| uptake_report::charts::truncate_chars(t.lines().next().unwrap_or(""), 90))
        .unwrap_or_else(|| format!("Video {}", v.platform_id));
    let body = html! {
        dl.facts {
            dt { "Video id" } dd { code { (v.platform_id) } }
            dt { "Author" } dd { (author(config, &viewer, v.author_handle.as_deref(), v.author_key.as_deref())) }
            dt { "Posted" } dd { @match (v.created_at, v.posted_on) {
                (Some(t), _) => { (minute(t)) " UTC" },
                (None, Some(d)) => { (d.to_string()) },
                _ => { "unknown" } } }
            @if let Some(d) = v.duration_s { dt { "Duration" } dd { (format!("{d:.0}")) " s" } }
            @if let Some(c) = &v.caption { dt { "Caption" } dd.caption { (c) } }
            @if let Some(u) = link { dt { "Link" } dd { a href=(u) rel="noopener noreferrer nofollow" { "Open on TikTok" } } }
        }
        h2 { "Latest metrics" }
        table.facts {
            tbody {
                tr { th scope="row" { "Views" } td.num { (count(m.views.map(|c| c.value))) } }
                tr { th scope="row" { "Likes" } td.num { (count(m.likes.map(|c| c.value))) } }
                tr { th scope="row" { "Comments" } td.num { (count(m.comments.map(|c| c.value))) } }
                tr { th scope="row" { "Shares" } td.num { (count(m.shares.map(|c| c.value))) } }
                tr { th scope="row" { "Saves" } td.num { (count(m.saves.map(|c| c.value))) } }
                tr { th scope="row" { "Observations" } td.num { (detail.observations) } }
            }
        }
        h2 { "Observations over time" }
        figure { (chart(views_chart)) }
        div.table-wrap role="region" aria-label="Observations" tabindex="0" {
            table.sortable {
                caption { "Each observation as its source reported it (newest " (MAX_OBSERVATIONS) " at most)" }
                thead { tr { th scope="col" { "Observed (UTC)" } th scope="col" { "Source" } th scope="col" { "Import" }
                    th.num scope="col" { "Views" } th.num scope="col" { "Likes" } th.num scope="col" { "Comments" }
                    th.num scope="col" { "Shares" } th.num scope="col" { "Saves" } th.num scope="col" { "Avg watch (s)" } } }
                tbody { @for o in observations { tr {
                    td data-v=(o.observed_at) { (minute(o.observed_at)) } td { (o.source) } td { "#" (o.import_id) }
                    td.num data-v=[o.views] { (count(o.views)) } td.num data-v=[o.likes] { (count(o.likes)) }
                    td.num data-v=[o.comments] { (count(o.comments)) } td.num data-v=[o.shares] { (count(o.shares)) }
                    td.num data-v=[o.saves] { (count(o.saves)) }
                    td.num { @match o.avg_watch_s { Some(s) => { (format!("{s:.1}")) }, None => { (crate::layout::missing()) } } }
                } } }
            }
        }
        h2 { "Traffic sources" }
        figure { (chart(bar_chart(&ChartText { id: "chart-video-sources", title: "Traffic sources",
            desc: "Share of this video's views by traffic source, from its latest observation that reports them.", ..ChartText::default() },
            &shares(&m.traffic_sources)))) }
        h2 { "Territories" }
        figure { (chart(bar_chart(&ChartText { id: "chart-video-territories", title: "Territories",
            desc: "Share of this video's views by viewer territory, from its latest observation that reports them.", ..ChartText::default() },
            &shares(&m.territories)))) }
        h2 #comments { "Comments" }
        @if comments.rows.is_empty() { p { "No comments held for this video on this page." } }
        @for c in &comments.rows { (comment(config, &viewer, c)) }
        (pager(&format!("/videos/{}", v.platform_id), &[], page_no, comments.has_more))
    };
    Ok(respond(page(config, &viewer, "/videos", &title, body)))
}
