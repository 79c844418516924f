//! The page shell (header, navigation, footer) and small rendering helpers.
//! Every page is built with `maud`, which escapes every interpolated string:
//! untrusted text (comments, captions, titles, file names) cannot become
//! markup. Only SVG from `uptake_report::charts` (which escapes its own
//! text) is inserted as-is.

use crate::auth::Viewer;
use crate::config::WebConfig;
use maud::{html, Markup, PreEscaped, DOCTYPE};
use uptake_store::CommentListRow;

/// One entry of the navigation.
pub(crate) struct NavItem {
    pub(crate) path: &'static str,
    pub(crate) label: &'static str,
}

/// The navigation, in order.
pub(crate) const NAV: &[NavItem] = &[
    NavItem {
        path: "/",
        label: "Dashboard",
    },
    NavItem {
        path: "/videos",
        label: "Videos",
    },
    NavItem {
        path: "/comments",
        label: "Comments",
    },
    NavItem {
        path: "/review",
        label: "Review",
    },
    NavItem {
        path: "/claims",
        label: "Claims",
    },
    NavItem {
        path: "/coding",
        label: "Coding",
    },
    NavItem {
        path: "/reliability",
        label: "Reliability",
    },
    NavItem {
        path: "/imports",
        label: "Imports",
    },
    NavItem {
        path: "/report",
        label: "Report",
    },
    NavItem {
        path: "/settings",
        label: "Settings",
    },
];

/// A whole page.
pub(crate) fn page(
    config: &WebConfig,
    viewer: &Viewer,
    active: &str,
    title: &str,
    body: Markup,
) -> Markup {
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                meta name="referrer" content="same-origin";
                title { (title) " · " (config.project_name) " · uptake" }
                link rel="stylesheet" href="/assets/style.css";
                script src="/assets/app.js" defer {}
            }
            body {
                a.skip href="#main" { "Skip to content" }
                header.top {
                    span.brand { "uptake" }
                    span.project { (config.project_name) }
                    nav aria-label="Pages" {
                        ul {
                            @for item in NAV {
                                li {
                                    @if item.path == active {
                                        a href=(item.path) aria-current="page" { (item.label) }
                                    } @else {
                                        a href=(item.path) { (item.label) }
                                    }
                                }
                            }
                        }
                    }
                    div.who {
                        (viewer.name) " (" (viewer.role.name()) ")"
                        @if !viewer.local {
                            form.inline method="post" action="/logout" {
                                input type="hidden" name="csrf" value=(viewer.csrf);
                                button type="submit" { "Sign out" }
                            }
                        }
                    }
                }
                @if config.synthetic {
                    // A named region, so that no content sits outside a landmark.
                    section.synthetic aria-label="Data notice" {
                        p role="note" { (uptake_report::html::SYNTHETIC_NOTICE) }
                    }
                }
                main #main {
                    h1 { (title) }
                    (body)
                }
                footer {
                    p { "Authors appear as keyed pseudonyms. Comment text is shown as written: treat it as untrusted." }
                }
            }
        }
    }
}

/// Wraps a complete page as a response that is never cached.
pub(crate) fn respond(markup: Markup) -> axum::response::Response {
    use axum::response::IntoResponse;
    (
        [(axum::http::header::CACHE_CONTROL, "no-store")],
        axum::response::Html(markup.into_string()),
    )
        .into_response()
}

/// An SVG chart from `uptake_report::charts` (which escapes its text).
pub(crate) fn chart(svg: String) -> Markup {
    PreEscaped(svg)
}

/// `YYYY-MM-DD HH:MM` (UTC).
pub(crate) fn minute(t: i64) -> String {
    chrono::DateTime::from_timestamp(t, 0)
        .map(|d| d.format("%Y-%m-%d %H:%M").to_string())
        .unwrap_or_else(|| t.to_string())
}

/// A count with thousands grouped, or a dash that says "not reported".
pub(crate) fn count(v: Option<i64>) -> Markup {
    match v {
        Some(v) => html! { (uptake_report::cell::group_thousands(v)) },
        None => missing(),
    }
}

/// A missing value: never shown as 0.
pub(crate) fn missing() -> Markup {
    html! { span aria-hidden="true" { "–" } span.vh { "not reported" } }
}

/// How an author is shown to this viewer: the project's own handle to
/// everyone; another person's handle only when the project keeps handles
/// and the viewer is an owner or analyst; otherwise the keyed pseudonym.
pub(crate) fn author(
    config: &WebConfig,
    viewer: &Viewer,
    handle: Option<&str>,
    key: Option<&str>,
) -> String {
    if let Some(h) = handle {
        let own = config
            .own_handle
            .as_deref()
            .is_some_and(|o| o.eq_ignore_ascii_case(h));
        if own || (config.store_handles && crate::auth::can::see_handles(viewer.role)) {
            return format!("@{h}");
        }
    }
    match key {
        Some(k) => k.to_string(),
        None if handle.is_some() => "(pseudonym withheld)".into(),
        None => "unknown".into(),
    }
}

/// Comment text with each flag's matched span marked. Spans that do not
/// fall on character boundaries (a bug elsewhere) are ignored.
pub(crate) fn marked_text(text: &str, spans: &[(usize, usize)]) -> Markup {
    let mut spans: Vec<(usize, usize)> = spans
        .iter()
        .copied()
        .filter(|(a, b)| a < b && text.get(*a..*b).is_some())
        .collect();
    spans.sort_unstable();
    let mut pieces: Vec<(bool, &str)> = Vec::new();
    let mut at = 0;
    for (a, b) in spans {
        if a < at {
            continue;
        }
        if let (Some(before), Some(mid)) = (text.get(at..a), text.get(a..b)) {
            pieces.push((false, before));
            pieces.push((true, mid));
            at = b;
        }
    }
    pieces.push((false, text.get(at..).unwrap_or("")));
    html! {
        @for (mark, piece) in pieces {
            @if mark { mark { (piece) } } @else { (piece) }
        }
    }
}

/// A comment as a list item: author, time, video, text with its flags.
pub(crate) fn comment(config: &WebConfig, viewer: &Viewer, c: &CommentListRow) -> Markup {
    let spans: Vec<(usize, usize)> = c.flags.iter().map(|f| f.span).collect();
    html! {
        article.comment id={ "c" (c.id) } {
            p.meta {
                span.author { (author(config, viewer, c.author_handle.as_deref(), c.author_key.as_deref())) }
                " · "
                @match c.created_at { Some(t) => { time { (minute(t)) " UTC" } }, None => { "time unknown" } }
                @if let Some(l) = &c.language { " · " span.lang { (l) } }
                @if let Some(l) = c.likes { " · " (uptake_report::cell::group_thousands(l.value)) " likes" }
                @if c.parent_id.is_some() { " · reply" }
                " · on "
                a href={ "/videos/" (c.video_id) } {
                    (uptake_report::charts::truncate_chars(c.video_title.as_deref().unwrap_or(&c.video_id), 60))
                }
            }
            p.text { (marked_text(&c.text, &spans)) }
            @if !c.flags.is_empty() {
                ul.flags {
                    @for f in &c.flags {
                        li {
                            span.scheme { (f.scheme) } ":" strong { (f.label) }
                            @if let Some(s) = f.severity { " · severity " (s) }
                            " · rule " code { (f.rule_id) }
                            " matched “" mark { (f.matched) } "”"
                            " · rules " (f.version)
                        }
                    }
                }
            }
            @for (scheme, d) in &c.decisions {
                p.decision {
                    (scheme) ": " strong { (d.decision) } " by " (d.reviewer) " on " (minute(d.decided_at)) " UTC"
                    @if let Some(n) = &d.note { " (" (n) ")" }
                }
            }
        }
    }
}

/// Previous / next links that keep the other query parameters.
pub(crate) fn pager(base: &str, params: &[(&str, String)], page: u32, has_more: bool) -> Markup {
    let link = |p: u32| -> String {
        let mut q: Vec<String> = params
            .iter()
            .filter(|(_, v)| !v.is_empty())
            .map(|(k, v)| format!("{k}={}", url_encode(v)))
            .collect();
        q.push(format!("page={p}"));
        format!("{base}?{}", q.join("&"))
    };
    html! {
        nav.pager aria-label="Pages of results" {
            @if page > 1 { a rel="prev" href=(link(page - 1)) { "← Previous" } }
            span { "Page " (page) }
            @if has_more { a rel="next" href=(link(page + 1)) { "Next →" } }
        }
    }
}

/// Percent-encodes a query value.
pub(crate) fn url_encode(v: &str) -> String {
    let mut out = String::with_capacity(v.len());
    for b in v.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Rows per page of every list.
pub(crate) const PAGE_SIZE: u32 = 50;

/// The page number from a query value (1-based, capped).
pub(crate) fn page_number(v: Option<&str>) -> u32 {
    v.and_then(|p| p.parse::<u32>().ok())
        .unwrap_or(1)
        .clamp(1, 20_000)
}

/// A query value that is present and not blank.
pub(crate) fn given(v: &Option<String>) -> Option<String> {
    v.as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| s.chars().take(200).collect())
}

/// The hidden anti-forgery field of every form that changes something.
pub(crate) fn csrf_field(viewer: &Viewer) -> Markup {
    html! { input type="hidden" name="csrf" value=(viewer.csrf); }
}
