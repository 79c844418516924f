//! `GET /coding/adjudicate`, `POST /coding/adjudicate` and
//! `POST /coding/finalize`: what `uptake code disagreements`, `adjudicate`
//! and `finalize` do, in the browser.
//!
//! Owners and analysts (`can::oversee_coding`) see every unit-item where
//! coders gave different values and no adjudication exists yet, with each
//! coder's value, and decide it: one of the coders' values or another valid
//! value, with an optional note. A decision is checked like a sheet value
//! ([`uptake_coding::Codebook::validate`]) and stored through
//! [`uptake_store::Store::adjudicate`] (provenance `adjudicated`, who and
//! when) with an audit line. Finalising computes the final codes as the
//! command line does and keeps adjudicated ones. An account that is a coder
//! of a codebook whose coding is unfinished is refused whatever its role, so
//! that it stays blind.

use super::{coding_state, form_field, load_codebook, valid_kind};
use crate::auth::{can, Viewer};
use crate::error::WebError;
use crate::layout::{csrf_field, given, page, respond, url_encode};
use crate::state::AppState;
use axum::extract::{Form, Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use maud::html;
use uptake_store::{Disagreement, Finalized, NewAuditEntry, NewValue, Store};

/// Query of the adjudication page.
#[derive(Debug, Default, serde::Deserialize)]
pub struct AdjudicateQuery {
    /// Codebook name (its latest stored version).
    pub codebook: Option<String>,
    /// Set after a decision was stored: the unit-item decided.
    pub decided: Option<String>,
    /// Set after finalising: what it did, as `single.agreed.adjudicated.disagreements.incomplete`.
    pub finalized: Option<String>,
}

/// The codebook `name`, once the viewer may adjudicate it.
fn open_for_adjudication(
    store: &Store,
    viewer: &Viewer,
    name: &str,
) -> Result<super::progress::Loaded, WebError> {
    let Some(loaded) = load_codebook(store, name)? else {
        return Err(WebError::NotFound);
    };
    let state = coding_state(store, &loaded.codebook, loaded.id)?;
    if state.blinds(&viewer.name) {
        return Err(WebError::Forbidden(
            "adjudicate a codebook you code while its coding is in progress (coders stay blind)",
        ));
    }
    Ok(loaded)
}

/// `GET /coding/adjudicate?codebook=NAME`.
pub async fn show(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(q): Query<AdjudicateQuery>,
) -> Result<Response, WebError> {
    viewer.require(can::oversee_coding(viewer.role), "adjudicate codes")?;
    let Some(name) = given(&q.codebook) else {
        return Err(WebError::BadRequest(
            "expected `codebook=NAME` (the codebook whose disagreements to decide)".into(),
        ));
    };
    let who = viewer.clone();
    let (codebook, rows) = state
        .db(move |store| {
            let loaded = open_for_adjudication(store, &who, &name)?;
            let rows = store.disagreements(loaded.id, &loaded.codebook.compared_items())?;
            Ok((loaded.codebook, rows))
        })
        .await?;
    let finalized = q.finalized.as_deref().and_then(parse_finalized);
    let body = html! {
        p { (codebook.title) " (" code { (codebook.name) } " " (codebook.version) ")." }
        @if let Some(d) = given(&q.decided) { p.ok role="status" { "Decided: " (d) "." } }
        @if let Some(f) = finalized {
            p.ok role="status" {
                "Final codes: " (f.single_coder) " from one coder, " (f.agreed) " agreed, "
                (f.adjudicated) " adjudicated (kept); " (f.disagreements) " disagreements to decide; "
                (f.incomplete) " not coded by every assigned coder yet."
            }
        }
        section aria-labelledby="disagreements" {
            h2 #disagreements { "Disagreements" }
            @if rows.is_empty() {
                p { "No disagreements waiting for a decision." }
            } @else {
                p { (rows.len()) " unit-items where coders gave different values. Pick one of their values or enter another; the decision is kept with your name, the time and your note, and survives later imports and finalising." }
                div.table-wrap {
                    table {
                        caption { "Disagreements of " code { (codebook.name) } }
                        thead { tr {
                            th scope="col" { "Unit" } th scope="col" { "Item" }
                            th scope="col" { "Coders' values" } th scope="col" { "Decision" }
                        } }
                        tbody {
                            @for d in &rows {
                                @let expected = codebook.item(&d.item).map(|i| i.expected_text()).unwrap_or_default();
                                tr {
                                    td {
                                        @if d.unit_kind == "video" {
                                            a href={ "/videos/" (url_encode(&d.unit_id)) } { (d.unit_id) }
                                        } @else { (d.unit_kind) " " (d.unit_id) }
                                    }
                                    td { code { (d.item) } }
                                    td { ul { @for (coder, value) in &d.values { li { (coder) ": " strong { (value) } } } } }
                                    td { (decision_form(&viewer, &codebook.name, d, &expected)) }
                                }
                            }
                        }
                    }
                }
            }
        }
        section aria-labelledby="finalize" {
            h2 #finalize { "Final codes" }
            p { "Finalising sets each coded unit-item's final code: the coder's value where one coder coded it, the shared value where every coder agreed, and your decision where you adjudicated. Run it again after new decisions or imports; adjudicated codes are kept." }
            form method="post" action="/coding/finalize" {
                (csrf_field(&viewer))
                input type="hidden" name="codebook" value=(codebook.name);
                button type="submit" { "Finalise codes" }
            }
        }
        p { a href={ "/reliability?codebook=" (url_encode(&codebook.name)) } { "Reliability of " (codebook.name) } }
    };
    let title = format!("Adjudication: {}", codebook.name);
    Ok(respond(page(
        state.config(),
        &viewer,
        "/coding",
        &title,
        body,
    )))
}

/// The form deciding one unit-item.
fn decision_form(
    viewer: &Viewer,
    codebook: &str,
    d: &Disagreement,
    expected: &str,
) -> maud::Markup {
    let mut offered: Vec<&str> = d.values.iter().map(|(_, v)| v.as_str()).collect();
    offered.sort_unstable();
    offered.dedup();
    let label = format!("{} {} {}", d.unit_kind, d.unit_id, d.item);
    html! {
        form.decide method="post" action="/coding/adjudicate" {
            (csrf_field(viewer))
            input type="hidden" name="codebook" value=(codebook);
            input type="hidden" name="kind" value=(d.unit_kind);
            input type="hidden" name="unit" value=(d.unit_id);
            input type="hidden" name="item" value=(d.item);
            label { "Value " select name="value" aria-label={ "Value for " (label) } {
                @for v in &offered { option value=(v) { (v) } }
            } }
            " "
            label { "or another " input type="text" name="other" size="10" placeholder=(expected) aria-label={ "Another value for " (label) }; }
            " "
            label { "Note " input type="text" name="note" size="16" maxlength="500" aria-label={ "Note on " (label) }; }
            " "
            button type="submit" { "Decide" }
        }
    }
}

/// `finalized=` as written by [`finalize`].
fn parse_finalized(s: &str) -> Option<Finalized> {
    let n: Vec<usize> = s
        .split('.')
        .map(str::parse)
        .collect::<Result<_, _>>()
        .ok()?;
    match n.as_slice() {
        &[single_coder, agreed, adjudicated, disagreements, incomplete] => Some(Finalized {
            single_coder,
            agreed,
            adjudicated,
            disagreements,
            incomplete,
        }),
        _ => None,
    }
}

/// `POST /coding/adjudicate`: one decision.
pub async fn decide(
    State(state): State<AppState>,
    viewer: Viewer,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    viewer.check_csrf(&form_field(&fields, "csrf"))?;
    viewer.require(can::oversee_coding(viewer.role), "adjudicate codes")?;
    let codebook = form_field(&fields, "codebook");
    let kind = form_field(&fields, "kind");
    let unit = form_field(&fields, "unit");
    let item = form_field(&fields, "item");
    let other = form_field(&fields, "other");
    let value = if other.is_empty() {
        form_field(&fields, "value")
    } else {
        other
    };
    let note = Some(form_field(&fields, "note")).filter(|n| !n.is_empty());
    if codebook.is_empty() || !valid_kind(&kind) || unit.is_empty() || item.is_empty() {
        return Err(WebError::BadRequest(
            "expected the fields `codebook`, `kind` (video or comment), `unit` and `item`".into(),
        ));
    }
    let who = viewer.clone();
    let back = state
        .db(move |store| {
            let loaded = open_for_adjudication(store, &who, &codebook)?;
            let cb = &loaded.codebook;
            let Some(it) = cb.item(&item) else {
                return Err(WebError::BadRequest(format!(
                    "item `{item}`: no such item in codebook `{}`",
                    cb.name
                )));
            };
            if !it.is_compared() {
                return Err(WebError::BadRequest(format!(
                    "item `{item}` is a text item, a coder's note: notes are not compared \
                     nor finalised, so there is nothing to adjudicate"
                )));
            }
            let v = cb
                .validate(&item, &value)
                .map_err(|e| WebError::BadRequest(format!("codebook `{}`: {e}", cb.name)))?;
            let decided = NewValue {
                item: item.clone(),
                text: v.as_text(),
                number: it.code(&v),
            };
            let at = chrono::Utc::now().timestamp();
            let target = format!("{kind} {unit}");
            let detail = format!(
                "codebook {} {}; item {item} = {}",
                cb.name, cb.version, decided.text
            );
            let entry = NewAuditEntry {
                at,
                actor: &who.name,
                action: "coding.adjudicate",
                target: Some(&target),
                detail: Some(&detail),
            };
            let id = loaded.id;
            let stored = store.audited_if(
                &entry,
                |s| s.adjudicate(id, &kind, &unit, &decided, &who.name, note.as_deref(), at),
                |kept| *kept,
            )?;
            if !stored {
                return Err(WebError::BadRequest(format!(
                    "unit {kind} {unit} was not sampled for codebook `{}`",
                    cb.name
                )));
            }
            Ok(format!(
                "/coding/adjudicate?codebook={}&decided={}#disagreements",
                url_encode(&cb.name),
                url_encode(&format!("{kind} {unit} {item} = {}", decided.text))
            ))
        })
        .await?;
    Ok((StatusCode::SEE_OTHER, [(header::LOCATION, back)]).into_response())
}

/// `POST /coding/finalize`: computes the final codes.
pub async fn finalize(
    State(state): State<AppState>,
    viewer: Viewer,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    viewer.check_csrf(&form_field(&fields, "csrf"))?;
    viewer.require(can::oversee_coding(viewer.role), "finalise codes")?;
    let codebook = form_field(&fields, "codebook");
    let who = viewer.clone();
    let back = state
        .db(move |store| {
            let loaded = open_for_adjudication(store, &who, &codebook)?;
            let cb = &loaded.codebook;
            let at = chrono::Utc::now().timestamp();
            let detail = format!("codebook {} {}", cb.name, cb.version);
            let entry = NewAuditEntry {
                at,
                actor: &who.name,
                action: "coding.finalize",
                target: None,
                detail: Some(&detail),
            };
            let id = loaded.id;
            let items = cb.compared_items();
            // Finalising is one transaction of its own; the audit line
            // follows it.
            let f = store.finalize(id, &items, at)?;
            store.audit(&entry)?;
            Ok(format!(
                "/coding/adjudicate?codebook={}&finalized={}.{}.{}.{}.{}#finalize",
                url_encode(&cb.name),
                f.single_coder,
                f.agreed,
                f.adjudicated,
                f.disagreements,
                f.incomplete
            ))
        })
        .await?;
    Ok((StatusCode::SEE_OTHER, [(header::LOCATION, back)]).into_response())
}
