//! `GET /videos`: the paper's per-video table (the same columns and cells
//! as `uptake videos`), one page at a time, filtered and sorted in SQL. It
//! lists the project's own account's videos; `?owner=public` lists other
//! creators' public videos instead (as `uptake videos --public`), never the
//! two together.

use crate::auth::Viewer;
use crate::error::WebError;
use crate::layout::{given, missing, page, page_number, pager, respond, url_encode, PAGE_SIZE};
use crate::state::AppState;
use axum::extract::{Query, State};
use axum::response::Response;
use chrono::NaiveDate;
use maud::{html, Markup, Render};
use uptake_model::{Metrics, Video};
use uptake_report::render::shown_plain;
use uptake_report::tables::videos::{video_table, VideoTableOptions};
use uptake_report::Cell;
use uptake_store::pages::OwnerFilter;
use uptake_store::pages::VideoMatches;
use uptake_store::query::{OwnAccount, VideoOwner};
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
    /// `public` for other creators' public videos; anything else (or
    /// nothing) for the project's own account's.
    pub owner: Option<String>,
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

/// The row ids of the project's own account's videos, kept until the
/// database changes (one pass over the observations for every video).
pub(crate) fn own_videos(
    state: &AppState,
    store: &uptake_store::Store,
    account: &OwnAccount,
) -> Result<std::sync::Arc<VideoMatches>, WebError> {
    // The handle comes from the configuration, which does not change while
    // the server runs; it is in the key all the same.
    let key = format!("videos:own:{:?}", account.handle());
    state.memo(store, &key, |s| Ok(s.own_matches(account)?))
}

/// A cell's sortable value for the optional script (`data-v`), written
/// straight into the page: the list writes hundreds of them per request,
/// and a `String` for each was a tenth of the page's time (bench/web.sh).
struct SortValue<'a>(&'a Cell);

impl Render for SortValue<'_> {
    fn render_to(&self, buffer: &mut String) {
        use std::fmt::Write;
        // Numbers are formatted here, with no character to escape; text
        // (titles, captions) comes from the internet and is escaped.
        let _ = match self.0 {
            Cell::Missing => Ok(()),
            Cell::Text(t) => {
                t.as_str().render_to(buffer);
                Ok(())
            }
            Cell::Count(v) | Cell::ApproxCount(v) => write!(buffer, "{v}"),
            Cell::Number(v, _) | Cell::Percent(v, _) | Cell::Seconds(v) => write!(buffer, "{v}"),
        };
    }
}

/// A cell as the table shows it: text escaped, numbers (digits, `,`, `.`,
/// `%`, `~`, `s`, `-`, all formatted here) written as they are.
struct Shown<'a>(&'a Cell);

impl Render for Shown<'_> {
    fn render_to(&self, buffer: &mut String) {
        let shown = shown_plain(self.0);
        match self.0 {
            Cell::Text(_) => shown.as_str().render_to(buffer),
            _ => buffer.push_str(&shown),
        }
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
    let owner = match given(&q.owner).as_deref() {
        Some("public") => VideoOwner::Public,
        _ => VideoOwner::Own,
    };
    let account = OwnAccount::new(config.own_handle.as_deref());
    let filter = VideoFilter {
        owner: Some(OwnerFilter {
            owner,
            account: account.clone(),
        }),
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
    let (rows, has_more, total, others) = state
        .db(move |store| {
            // Which videos are the own account's: one pass per change of
            // the database, shared with the dashboard.
            let own = own_videos(&st, store, &account)?;
            // How many videos the other owner has in the whole project, for
            // the line that links to them.
            let all = *st.memo(store, "videos:count:all", |s| {
                Ok(s.video_count(&VideoFilter::default())?)
            })?;
            let others = match owner {
                VideoOwner::Own => all - own.len() as i64,
                VideoOwner::Public => own.len() as i64,
            };
            let unfiltered = filter.videos.is_none()
                && filter.search.is_none()
                && filter.posted_from.is_none()
                && filter.posted_to.is_none();
            // The whole order of this owner's videos, kept until the
            // database changes: a page is a slice or a walk of it.
            let order_key = format!(
                "videos:order:{}:{}:{}",
                owner.key(),
                filter.sort.key(),
                filter.descending
            );
            let owned_order = |s: &uptake_store::Store| -> Result<Vec<i64>, WebError> {
                let order = s.video_order(filter.sort, filter.descending)?;
                Ok(order
                    .into_iter()
                    .filter(|id| own.contains(*id) == (owner == VideoOwner::Own))
                    .collect())
            };
            if unfiltered {
                // Any page is a slice of the kept order, with no `OFFSET`
                // walk or count.
                let order = st.memo(store, &order_key, owned_order)?;
                let start = (filter.offset as usize).min(order.len());
                let end = (start + filter.limit as usize).min(order.len());
                let rows = store.videos_by_ids(&order[start..end])?;
                return Ok((rows, end < order.len(), order.len() as i64, others));
            }
            let search_only = filter.videos.is_none()
                && filter.posted_from.is_none()
                && filter.posted_to.is_none();
            if let (true, Some(search)) = (search_only, filter.search.as_deref().map(str::trim)) {
                // The matches of a search (a bit per video) and the order
                // are kept until the database changes: a page is a walk of
                // the order, with no scan of every title and caption per
                // request.
                let order = st.memo(store, &order_key, owned_order)?;
                // Kept with the pages' reads (least recently used out),
                // so that many searches do not push out the orders.
                let matches = st.page_memo(store, &format!("videos:matches:{search}"), |s| {
                    Ok(s.video_matches(search)?)
                })?;
                let found: Vec<i64> = order
                    .iter()
                    .copied()
                    .filter(|id| matches.contains(*id))
                    .collect();
                let start = (filter.offset as usize).min(found.len());
                let end = (start + filter.limit as usize).min(found.len());
                let rows = store.videos_by_ids(&found[start..end])?;
                return Ok((rows, end < found.len(), found.len() as i64, others));
            }
            let page = store.video_page(&filter)?;
            // Counting a search reads every title and caption: kept per
            // filter until the database changes, so paging does not repeat it.
            let key = format!(
                "videos:count:{}:{:?}:{:?}:{:?}:{:?}",
                owner.key(),
                filter.videos,
                filter.search,
                filter.posted_from,
                filter.posted_to
            );
            let total = st.memo(store, &key, |s| Ok(s.video_count(&filter)?))?;
            Ok((page.rows, page.has_more, *total, others))
        })
        .await?;
    let pairs: Vec<(Video, Metrics)> = rows
        .into_iter()
        .map(|(_, l)| (l.video, l.metrics))
        .collect();
    let mut table = video_table(&pairs, VideoTableOptions { machine: false });
    table.summary.clear();
    if owner == VideoOwner::Public {
        uptake_report::tables::videos::add_author_column(&mut table, &pairs);
    }
    let params = vec![
        ("q", given(&q.q).unwrap_or_default()),
        ("campaign", campaign.clone().unwrap_or_default()),
        ("from", given(&q.from).unwrap_or_default()),
        ("to", given(&q.to).unwrap_or_default()),
        (
            "owner",
            match owner {
                VideoOwner::Own => String::new(),
                VideoOwner::Public => "public".into(),
            },
        ),
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
        for (k, v) in &params[..5] {
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
            label { "Videos "
                select name="owner" {
                    option value="" selected[owner == VideoOwner::Own] { "The project's own account" }
                    option value="public" selected[owner == VideoOwner::Public] { "Other creators (public)" }
                }
            }
            label { "Posted from " input type="date" name="from" value=[given(&q.from)]; }
            label { "to " input type="date" name="to" value=[given(&q.to)]; }
            input type="hidden" name="sort" value=(sort.key());
            button type="submit" { "Filter" }
        }
        @match owner {
            VideoOwner::Own => @if others > 0 {
                p.scope #owner-note { (others) @if others == 1 { " public video by another creator is" } @else { " public videos by other creators are" }
                    " not listed here nor counted in the dashboard: "
                    a href="/videos?owner=public" { "other creators' videos" } "." }
            },
            VideoOwner::Public => p.scope #owner-note {
                "Public videos by other creators, with their authors' pseudonyms: not the project's own account, and never counted with it. "
                a href="/videos" { "The project's own videos" } "." },
        }
        p.count { (total) " videos match. Sorted by " (sort.key()) (if descending { ", largest first" } else { ", smallest first" }) "." }
        div.table-wrap role="region" aria-label="Videos" tabindex="0" {
            table.sortable #videos {
                caption { @match owner {
                    VideoOwner::Own => "Per-video dissemination (latest observation of each metric)",
                    VideoOwner::Public => "Other creators' public videos (latest observation of each metric)",
                } }
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
                                td data-v=(SortValue(cell)) class=[(table.columns[i].align == uptake_report::Align::Right).then_some("num")] {
                                    @if Some(i) == title_col {
                                        a href={ "/videos/" (url_encode(&video.platform_id)) } {
                                            @if cell.is_missing() { (video.platform_id) } @else { (Shown(cell)) }
                                        }
                                    } @else if cell.is_missing() { (missing()) } @else { (Shown(cell)) }
                                }
                            }
                        }
                    }
                }
            }
        }
        @if !table.notes.is_empty() { ul.notes { @for n in &table.notes { li { (n) } } } }
        @match owner {
            VideoOwner::Own => p.notes { "Totals, medians and IQR of the whole set are in the report (Report page). Every formula is in docs/metrics.md." },
            VideoOwner::Public => p.notes { "Totals, medians and IQR of these videos, apart from the account's: " code { "uptake videos --public" } ". Every formula is in docs/metrics.md." },
        }
        (pager("/videos", &params, page_no, has_more))
    };
    Ok(respond(page(config, &viewer, "/videos", "Videos", body)))
}
