//! `GET /comments`: every comment, newest first, filtered by scheme and
//! label, language, date and words (full-text search), one page at a time.
//!
//! The list's order (every comment id, newest first) is read once per
//! database change; a word search or a flag filter is read once as a list
//! of ids and sorted by it, and kept (bounded) until the database changes,
//! so that its count is exact and any page is a slice. The other filters
//! walk an index. The pager's links carry the last (or first) comment shown
//! (`after=` / `before=`): the next page is a seek, not an `OFFSET` walk.

use crate::auth::Viewer;
use crate::error::WebError;
use crate::layout::{comment, given, page, page_number, respond, url_encode, PAGE_SIZE};
use crate::state::AppState;
use axum::extract::{Query, State};
use axum::response::Response;
use chrono::NaiveDate;
use maud::{html, Markup};
use std::sync::Arc;
use uptake_store::pages::{fts_query, CommentKey, CommentOrder, CommentSeek, CommentWindow};
use uptake_store::{CommentFilter, Store};

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
    /// Page number (shown; it places the page only without `after` or
    /// `before`).
    pub page: Option<String>,
    /// The page follows this comment (a [`CommentKey`]).
    pub after: Option<String>,
    /// The page precedes this comment.
    pub before: Option<String>,
}

/// One page and what the pager needs.
struct Listing {
    window: CommentWindow,
    /// How many comments match, when known exactly at no extra cost.
    total: Option<usize>,
}

/// Where `key` stands in the order: entries ranked below the returned
/// value come before (are newer than) the comment `key` names, the others
/// after it (when the comment is gone, the place is that of the next
/// older one).
fn threshold(
    store: &Store,
    order: &CommentOrder,
    key: CommentKey,
    after: bool,
) -> Result<u64, WebError> {
    if let Some(r) = order.rank(key.id) {
        return Ok(u64::from(r) + u64::from(after));
    }
    Ok(match store.comment_after(key)? {
        Some(next) => order.rank(next).map_or(u64::MAX, u64::from),
        None => u64::MAX,
    })
}

/// The position in `list` (sorted by the order) of the first entry ranked
/// at or above `t`.
fn position(order: &CommentOrder, list: &[i64], t: u64) -> usize {
    list.partition_point(|id| order.rank(*id).map_or(u64::MAX, u64::from) < t)
}

/// The ids of `a` also in `b`, both sorted by the order.
fn intersect(order: &CommentOrder, a: &[i64], b: &[i64]) -> Vec<i64> {
    let rank = |id: i64| (order.rank(id).unwrap_or(u32::MAX), std::cmp::Reverse(id));
    let (mut i, mut j, mut out) = (0, 0, Vec::new());
    while i < a.len() && j < b.len() {
        match rank(a[i]).cmp(&rank(b[j])) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                out.push(a[i]);
                i += 1;
                j += 1;
            }
        }
    }
    out
}

/// Finds the page of comments `filter` asks for (blocking).
fn listing(
    state: &AppState,
    store: &Store,
    filter: &CommentFilter,
    page_no: u32,
) -> Result<Listing, WebError> {
    let words = filter
        .search
        .as_deref()
        .and_then(|t| fts_query(t).map(|q| (t.to_string(), q)));
    let plain = filter.video.is_some()
        || filter.language.is_some()
        || filter.from.is_some()
        || filter.to.is_some();
    if words.is_none() && filter.scheme.is_none() && plain {
        // Language, date and video filters walk their indexes.
        let f = CommentFilter {
            search: None,
            ..filter.clone()
        };
        return Ok(Listing {
            window: store.comment_window(&f)?,
            total: None,
        });
    }
    let order = state.memo(store, "comments:order", |s| Ok(s.comment_order()?))?;
    let searched = match &words {
        Some((_, q)) => Some(state.id_list(&format!("q:{q}"), || {
            Ok(order.sort(store.search_comment_ids(filter.search.as_deref().unwrap_or(""))?))
        })?),
        None => None,
    };
    let flagged = match &filter.scheme {
        Some(s) => {
            let key = format!("flag:{s}:{}", filter.label.as_deref().unwrap_or(""));
            Some(state.id_list(&key, || {
                Ok(order.sort(store.flagged_comment_ids(s, filter.label.as_deref())?))
            })?)
        }
        None => None,
    };
    let list: Arc<Vec<i64>> = match (searched, flagged) {
        (Some(a), Some(b)) => {
            let key = format!(
                "q:{}|flag:{}:{}",
                words.as_ref().map(|w| w.1.as_str()).unwrap_or(""),
                filter.scheme.as_deref().unwrap_or(""),
                filter.label.as_deref().unwrap_or("")
            );
            state.id_list(&key, || Ok(intersect(&order, &a, &b)))?
        }
        (Some(a), None) | (None, Some(a)) => a,
        (None, None) => {
            return window_of(store, &order, order.ids(), filter, page_no, plain);
        }
    };
    window_of(store, &order, &list, filter, page_no, plain)
}

/// The page of `list` that `filter` (its seek, or `page_no`) asks for.
fn window_of(
    store: &Store,
    order: &CommentOrder,
    list: &[i64],
    filter: &CommentFilter,
    page_no: u32,
    plain: bool,
) -> Result<Listing, WebError> {
    let skip = (page_no.saturating_sub(1) * filter.limit) as usize;
    let window = match filter.seek {
        Some(CommentSeek::After(k)) => {
            let at = position(order, list, threshold(store, order, k, true)?);
            store.comment_window_in(list, at, 0, false, filter)?
        }
        Some(CommentSeek::Before(k)) => {
            let at = position(order, list, threshold(store, order, k, false)?);
            store.comment_window_in(list, at, 0, true, filter)?
        }
        // A page number is a slice of the list, or a walk when filters
        // remain to be checked.
        None if plain => store.comment_window_in(list, 0, skip, false, filter)?,
        None => store.comment_window_in(list, skip, 0, false, filter)?,
    };
    Ok(Listing {
        window,
        total: (!plain).then_some(list.len()),
    })
}

/// Links to the newer and older pages, carrying the first or last comment
/// shown, and the page number for display.
fn pager(params: &[(&str, String)], page: u32, w: &CommentWindow) -> Markup {
    let link = |seek: &str, key: CommentKey, p: u32| -> String {
        let mut q: Vec<String> = params
            .iter()
            .filter(|(_, v)| !v.is_empty())
            .map(|(k, v)| format!("{k}={}", url_encode(v)))
            .collect();
        q.push(format!("{seek}={}", key.encode()));
        if p > 0 {
            q.push(format!("page={p}"));
        }
        format!("/comments?{}", q.join("&"))
    };
    let first = w.rows.first().map(CommentKey::of);
    let last = w.rows.last().map(CommentKey::of);
    html! {
        nav.pager aria-label="Pages of results" {
            @if let (true, Some(k)) = (w.has_newer, first) { a rel="prev" href=(link("before", k, page.saturating_sub(1))) { "← Previous" } }
            @if page > 0 { span { "Page " (page) } }
            @if let (true, Some(k)) = (w.has_older, last) { a rel="next" href=(link("after", k, if page > 0 { page + 1 } else { 0 })) { "Next →" } }
        }
    }
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
    let key = |v: &Option<String>| given(v).and_then(|t| CommentKey::parse(&t));
    let seek = match (key(&q.after), key(&q.before)) {
        (Some(k), _) => Some(CommentSeek::After(k)),
        (None, Some(k)) => Some(CommentSeek::Before(k)),
        (None, None) => None,
    };
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
        seek,
    };
    let labels_of = scheme.clone();
    let st = state.clone();
    let (listing, labels) = state
        .db(move |store| {
            // Counting every flag of a scheme reads 100,000+ index entries:
            // kept until the database changes.
            let labels = match &labels_of {
                Some(s) => st.memo(store, &format!("comments:labels:{s}"), |store| {
                    Ok(store.scheme_labels(s)?)
                })?,
                None => std::sync::Arc::new(Vec::new()),
            };
            // A page is kept until the database changes (its rows and
            // flags are three reads of 50 ids each).
            let key = format!("comments:{filter:?}:{page_no}");
            let found = st.page_memo(store, &key, |store| listing(&st, store, &filter, page_no))?;
            Ok((found, labels))
        })
        .await?;
    let comments = &listing.window;
    // A seek's page number is only shown; the first page is page 1.
    let shown_page = if !comments.has_newer {
        1
    } else if seek.is_some() && q.page.is_none() {
        0
    } else {
        page_no.max(2)
    };
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
        @if let Some(n) = listing.total { p.count { (n) @if n == 1 { " comment matches." } @else { " comments match." } } }
        @if comments.rows.is_empty() { p { "No comments match." } }
        @for c in &comments.rows { (comment(config, &viewer, c)) }
        (pager(&params, shown_page, comments))
    };
    Ok(respond(page(
        config,
        &viewer,
        "/comments",
        "Comments",
        body,
    )))
}
