//! `GET /review` and `POST /review/decide`: the moderation queue, most
//! severe first, with the rule and the matched words of every flag, and
//! decisions recorded (with reviewer and time, and in the audit log) through
//! the store's review API. Keys (with the optional script): `j`/`k` move,
//! `c` confirm, `d` dismiss, `e` escalate.

use crate::auth::{can, Viewer};
use crate::error::WebError;
use crate::layout::{
    comment, csrf_field, given, page, page_number, pager, respond, url_encode, PAGE_SIZE,
};
use crate::state::AppState;
use axum::extract::{Form, Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use maud::html;
use uptake_store::{Decision, NewAuditEntry, QueueFilter, QueueState};

/// Query of the queue.
#[derive(Debug, Default, serde::Deserialize)]
pub struct QueueQuery {
    /// Scheme (default `safety`).
    pub scheme: Option<String>,
    /// `open`, `escalated`, `decided` or `all`.
    pub state: Option<String>,
    /// One label only.
    pub label: Option<String>,
    /// Page number.
    pub page: Option<String>,
}

/// A decision as posted.
#[derive(Debug, Default, serde::Deserialize)]
pub struct DecideForm {
    /// Anti-forgery token.
    #[serde(default)]
    pub csrf: String,
    /// The comment's platform id.
    #[serde(default)]
    pub comment: String,
    /// Scheme.
    #[serde(default)]
    pub scheme: String,
    /// `confirm`, `dismiss` or `escalate`.
    #[serde(default)]
    pub decision: String,
    /// Why (optional).
    pub note: Option<String>,
    /// Queue state to return to.
    pub state: Option<String>,
    /// Label to return to.
    pub label: Option<String>,
}

fn scheme_of(state: &AppState, scheme: Option<String>) -> Result<String, WebError> {
    let scheme = scheme.unwrap_or_else(|| "safety".into());
    if state.config().schemes.contains(&scheme) {
        Ok(scheme)
    } else {
        Err(WebError::BadRequest(format!("no scheme `{scheme}`")))
    }
}

/// `GET /review`.
pub async fn queue(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(q): Query<QueueQuery>,
) -> Result<Response, WebError> {
    let scheme = scheme_of(&state, given(&q.scheme))?;
    let qstate = given(&q.state)
        .and_then(|s| QueueState::parse(&s))
        .unwrap_or_default();
    let label = given(&q.label);
    let page_no = page_number(q.page.as_deref());
    let filter = QueueFilter {
        scheme: scheme.clone(),
        label: label.clone(),
        state: qstate,
        limit: PAGE_SIZE,
        offset: (page_no - 1) * PAGE_SIZE,
    };
    let items = state
        .db(move |store| Ok(store.review_queue(&filter)?))
        .await?;
    let config = state.config();
    let may_decide = can::decide(viewer.role);
    let params = vec![
        ("scheme", scheme.clone()),
        ("state", qstate.key().to_string()),
        ("label", label.clone().unwrap_or_default()),
    ];
    let body = html! {
        form.filters method="get" action="/review" {
            label { "Scheme "
                select name="scheme" { @for s in &config.schemes { option value=(s) selected[*s == scheme] { (s) } } }
            }
            label { "Show "
                select name="state" {
                    @for s in [QueueState::Open, QueueState::Escalated, QueueState::Decided, QueueState::All] {
                        option value=(s.key()) selected[s == qstate] { (s.key()) }
                    }
                }
            }
            label { "Label " input type="text" name="label" value=[label.as_deref()]; }
            button type="submit" { "Show" }
        }
        @if may_decide {
            p.hint { "Most severe first. Each flag shows the rule that raised it and the words it matched. Keys: "
                kbd { "j" } "/" kbd { "k" } " next/previous, " kbd { "c" } " confirm, " kbd { "d" } " dismiss, " kbd { "e" } " escalate." }
        } @else {
            p.hint { "Your role can read the queue but not record decisions." }
        }
        @if items.rows.is_empty() { p { "The queue is empty." } }
        ol.queue {
            @for c in &items.rows {
                li.queue-item tabindex="0" {
                    (comment(config, &viewer, c))
                    @if may_decide {
                        form.decide method="post" action="/review/decide" {
                            (csrf_field(&viewer))
                            input type="hidden" name="comment" value=(c.platform_id);
                            input type="hidden" name="scheme" value=(scheme);
                            input type="hidden" name="state" value=(qstate.key());
                            @if let Some(l) = &label { input type="hidden" name="label" value=(l); }
                            label { "Note " input type="text" name="note" maxlength=(MAX_NOTE_CHARS); }
                            button type="submit" name="decision" value="confirm" data-key="c" { "Confirm" }
                            button type="submit" name="decision" value="dismiss" data-key="d" { "Dismiss" }
                            button type="submit" name="decision" value="escalate" data-key="e" { "Escalate" }
                        }
                    }
                }
            }
        }
        (pager("/review", &params, page_no, items.has_more))
    };
    Ok(respond(page(
        config,
        &viewer,
        "/review",
        "Review queue",
        body,
    )))
}

/// The longest review note (the form's `maxlength`).
const MAX_NOTE_CHARS: usize = 500;

/// `POST /review/decide`.
pub async fn decide(
    State(state): State<AppState>,
    viewer: Viewer,
    Form(f): Form<DecideForm>,
) -> Result<Response, WebError> {
    viewer.check_csrf(&f.csrf)?;
    viewer.require(can::decide(viewer.role), "record review decisions")?;
    let scheme = scheme_of(&state, Some(f.scheme.clone()))?;
    let decision = match f.decision.as_str() {
        "confirm" => Decision::Confirm,
        "dismiss" => Decision::Dismiss,
        "escalate" => Decision::Escalate,
        other => return Err(WebError::BadRequest(format!("no decision `{other}`"))),
    };
    if !super::video::valid_id(&f.comment) {
        return Err(WebError::NotFound);
    }
    // A note is kept whole up to the form's limit; a longer one (only a
    // hand-made request) is refused rather than cut without a word.
    let note = f.note.as_deref().map(str::trim).filter(|n| !n.is_empty());
    if note.is_some_and(|n| n.chars().count() > MAX_NOTE_CHARS) {
        return Err(WebError::BadRequest(format!(
            "a note is at most {MAX_NOTE_CHARS} characters"
        )));
    }
    let note = note.map(str::to_string);
    let reviewer = viewer.name.clone();
    let comment = f.comment.clone();
    let sch = scheme.clone();
    let found = state
        .db(move |store| {
            let at = chrono::Utc::now().timestamp();
            let action = format!("review.{}", decision.name());
            let detail = format!(
                "scheme {sch}{}",
                note.as_deref()
                    .map(|n| format!("; note: {n}"))
                    .unwrap_or_default()
            );
            let entry = NewAuditEntry {
                at,
                actor: &reviewer,
                action: &action,
                target: Some(&comment),
                detail: Some(&detail),
            };
            Ok(store.audited_if(
                &entry,
                |s| s.decide(&comment, &sch, decision, &reviewer, note.as_deref(), at),
                |found| *found,
            )?)
        })
        .await?;
    if !found {
        return Err(WebError::NotFound);
    }
    let mut back = format!("/review?scheme={}", url_encode(&scheme));
    if let Some(s) = given(&f.state).and_then(|s| QueueState::parse(&s)) {
        back.push_str(&format!("&state={}", s.key()));
    }
    if let Some(l) = given(&f.label) {
        back.push_str(&format!("&label={}", url_encode(&l)));
    }
    Ok((StatusCode::SEE_OTHER, [(header::LOCATION, back)]).into_response())
}
