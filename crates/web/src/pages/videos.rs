//! `GET /videos`: the paper's per-video table (the same columns and cells
//! as `uptake videos`), one page at a time, filtered and sorted in SQL.

use crate::auth::Viewer;
use crate::error::WebError;
use crate::layout::{given, missing, page, page_number, pager, respond, url_encode, PAGE_SIZE};
use crate::state::AppState;
use axum::extract::{Query, State};
use axum::response::Response;
use chrono::NaiveDate;
use maud::{html, Markup};
use uptake_model::{Metrics, Video};
use uptake_report::render::shown_plain;
use uptake_report::tables::videos::{video_table, VideoTableOptions};
use uptake_report::Cell;
use uptake_store::{VideoFilter, VideoSort};

/// Query of the video list.
#[derive(Debug, Default, serde::Deserialize)]
pub struct VideosQuery {
    /// Words in the title or caption, or a video id.
    pub q: Option<String>,
    /// Campaign name.
    pub campaign: Option<String>,
    /// Posted from (YYYY-MM-DD).
    pub from: Option<String>,
    /// Posted to (YYYY-MM-DD).
    pub to: Option<String>,
    /// Sort key (`posted`, `views`, ...).
    pub sort: Option<String>,
    /// `asc` or `desc`.
    pub dir: Option<String>,
    /// Page number.
    pub page: Option<String>,
}

fn date(v: &Option<String>) -> Result<Option<NaiveDate>, WebError> {
    match given(v) {
        None => Ok(None),
        Some(t) => NaiveDate::parse_from_str(&t, "%Y-%m-%d")
            .map(Some)
            .map_err(|_| {
                WebError::BadRequest(format!("expected a date as YYYY-MM-DD, found `{t}`"))
            }),
    }
}

/// A sortable value for the optional script (`data-v`).
fn sort_value(cell: &Cell) -> String {
    match cell {
        Cell::Missing => String::new(),
        Cell::Text(t) => t.clone(),
        Cell::Count(v) | Cell::ApproxCount(v) => v.to_string(),
        Cell::Number(v, _) | Cell::Percent(v, _) | Cell::Seconds(v) => v.to_string(),
    }
}

/// `GET /videos`.
pub async fn list(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(q): Query<VideosQuery>,
) -> Result<Response, WebError> {
    let config = state.config();
    let campaign = given(&q.campaign);
    let videos = match &campaign {
        Some(name) => Some(
            config
                .campaign(name)
                .ok_or(WebError::NotFound)?
                .videos
                .clone(),
        ),
        None => None,
    };
    let sort = given(&q.sort)
        .and_then(|s| VideoSort::parse(&s))
        .unwrap_or_default();
    let descending = given(&q.dir).as_deref() != Some("asc");
    let page_no = page_number(q.page.as_deref());
    let filter = VideoFilter {
        videos,
        search: given(&q.q),
        posted_from: date(&q.from)?,
        posted_to: date(&q.to)?,
        sort,
        descending,
        limit: PAGE_SIZE,
        offset: (page_no - 1) * PAGE_SIZE,
    };
    let st = state.clone();
    let (rows, has_more, total) = state
        .db(move |store| {
            let unfiltered = filter.videos.is_none()
                && filter.search.is_none()
                && filter.posted_from.is_none()
                && filter.posted_to.is_none();
            if unfiltered {
                // The whole order is kept until the database changes: any
                // page is a slice of it, with no `OFFSET` walk or count.
                let key = format!("videos:order:{}:{}", filter.sort.key(), filter.descending);
                let order = st.memo(store, &key, |s| {
                    Ok(s.video_order(filter.sort, filter.descending)?)
                })?;
                let start = (filter.offset as usize).min(order.len());
                let end = (start + filter.limit as usize).min(order.len());
                let rows = store.videos_by_ids(&order[start..end])?;
                return Ok((rows, end < order.len(), order.len() as i64));
            }
            let search_only = filter.videos.is_none()
                && filter.posted_from.is_none()
                && filter.posted_to.is_none();
            if let (true, Some(search)) = (search_only, filter.search.as_deref().map(str::trim)) {
                // The matches of a search (a bit per video) and the
                // unfiltered order are kept until the database changes:
                // a page is a walk of the order, with no scan of every
                // title and caption per request.
                let key = format!("videos:order:{}:{}", filter.sort.key(), filter.descending);
                let order = st.memo(store, &key, |s| {
                    Ok(s.video_order(filter.sort, filter.descending)?)
                })?;
                // Kept with the pages' reads (least recently used out),
                // so that many searches do not push out the orders.
                let matches = st.page_memo(store, &format!("videos:matches:{search}"), |s| {
                    Ok(s.video_matches(search)?)
                })?;
                let want = filter.limit as usize + 1;
                let ids: Vec<i64> = order
                    .iter()
                    .copied()
                    .filter(|id| matches.contains(*id))
                    .skip(filter.offset as usize)
                    .take(want)
                    .collect();
                let has_more = ids.len() == want;
                let rows = store.videos_by_ids(&ids[..ids.len().min(filter.limit as usize)])?;
                return Ok((rows, has_more, matches.len() as i64));
            }
            let page = store.video_page(&filter)?;
            // Counting a search reads every title and caption: kept per
            // filter until the database changes, so paging does not repeat it.
            let key = format!(
                "videos:count:{:?}:{:?}:{:?}:{:?}",
                filter.videos, filter.search, filter.posted_from, filter.posted_to
            );
            let total = st.memo(store, &key, |s| Ok(s.video_count(&filter)?))?;
            Ok((page.rows, page.has_more, *total))
        })
        .await?;
    let pairs: Vec<(Video, Metrics)> = rows
        .into_iter()
        .map(|(_, l)| (l.video, l.metrics))
        .collect();
    let mut table = video_table(&pairs, VideoTableOptions { machine: false });
    table.summary.clear();
    let params = vec![
        ("q", given(&q.q).unwrap_or_default()),
        ("campaign", campaign.clone().unwrap_or_default()),
        ("from", given(&q.from).unwrap_or_default()),
        ("to", given(&q.to).unwrap_or_default()),
        ("sort", sort.key().to_string()),
        ("dir", if descending { "desc" } else { "asc" }.to_string()),
    ];
    let sort_link = |key: &str| -> String {
        let dir = if key == sort.key() && descending {
            "asc"
        } else {
            "desc"
        };
        let mut link = format!("/videos?sort={key}&dir={dir}");
        for (k, v) in &params[..4] {
            if !v.is_empty() {
                link.push_str(&format!("&{k}={}", url_encode(v)));
            }
        }
        link
    };
    let title_col = table.columns.iter().position(|c| c.key == "title");
    let body: Markup = html! {
        form.filters method="get" action="/videos" {
            label { "Search " input type="search" name="q" value=[given(&q.q)] placeholder="title, caption or video id"; }
            label { "Campaign "
                select name="campaign" {
                    option value="" { "All videos" }
                    @for c in &config.campaigns {
                        option value=(c.name) selected[campaign.as_deref() == Some(c.name.as_str())] { (c.name) }
                    }
                }
            }
            label { "Posted from " input type="date" name="from" value=[given(&q.from)]; }
            label { "to " input type="date" name="to" value=[given(&q.to)]; }
            input type="hidden" name="sort" value=(sort.key());
            button type="submit" { "Filter" }
        }
        p.count { (total) " videos match. Sorted by " (sort.key()) (if descending { ", largest first" } else { ", smallest first" }) "." }
        div.table-wrap role="region" aria-label="Videos" tabindex="0" {
            table.sortable #videos {
                caption { "Per-video dissemination (latest observation of each metric)" }
                thead { tr {
                    @for c in &table.columns {
                        th scope="col" class=[(c.align == uptake_report::Align::Right).then_some("num")] {
                            @if VideoSort::parse(&c.key).is_some() {
                                a href=(sort_link(&c.key)) { (c.header) }
                            } @else { (c.header) }
                        }
                    }
                } }
                tbody {
                    @for (row, (video, _)) in table.rows.iter().zip(&pairs) {
                        tr {
                            @for (i, cell) in row.iter().enumerate() {
                                td data-v=(sort_value(cell)) class=[(table.columns[i].align == uptake_report::Align::Right).then_some("num")] {
                                    @if Some(i) == title_col {
                                        a href={ "/videos/" (url_encode(&video.platform_id)) } {
                                            @if cell.is_missing() { (video.platform_id) } @else { (shown_plain(cell)) }
                                        }
                                    } @else if cell.is_missing() { (missing()) } @else { (shown_plain(cell)) }
                                }
                            }
                        }
                    }
                }
            }
        }
        @if !table.notes.is_empty() { ul.notes { @for n in &table.notes { li { (n) } } } }
        p.notes { "Totals, medians and IQR of the whole set are in the report (Report page). Every formula is in docs/metrics.md." }
        (pager("/videos", &params, page_no, has_more))
    };
    Ok(respond(page(config, &viewer, "/videos", "Videos", body)))
}
