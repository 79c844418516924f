//! `POST /coding/save`: checks and stores the values of one of the
//! viewer's units, then sends them to the next unit to code; on errors,
//! shows the page again with what was posted.

use super::page::render;
use super::view::load_view;
use super::{form_field, load_codebook, next_uncoded, valid_kind, VALUE_PREFIX};
use crate::auth::{can, Viewer};
use crate::error::WebError;
use crate::layout::{respond, url_encode};
use crate::state::AppState;
use axum::extract::{Form, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use std::collections::BTreeMap;
use uptake_store::{NewAuditEntry, NewValue};

/// `POST /coding/save`: the form's fields, in order (item values are
/// `v.ITEM`; a numeric item with N/A may send a number and `NA`).
pub async fn save(
    State(state): State<AppState>,
    viewer: Viewer,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let field = |name: &str| form_field(&fields, name);
    viewer.check_csrf(&field("csrf"))?;
    viewer.require(can::code(viewer.role), "save codes")?;
    let codebook = field("codebook");
    let kind = field("kind");
    let unit = field("unit");
    if codebook.is_empty() || !valid_kind(&kind) || !crate::pages::video::valid_id(&unit) {
        return Err(WebError::NotFound);
    }
    let mut raw: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (k, v) in &fields {
        if let Some(item) = k.strip_prefix(VALUE_PREFIX) {
            let entry = raw.entry(item.to_string()).or_default();
            if !v.trim().is_empty() {
                entry.push(v.clone());
            }
        }
    }
    let me = viewer.name.clone();
    let role = viewer.role;
    let outcome = state
        .db(move |store| {
            let Some(loaded) = load_codebook(store, &codebook)? else {
                return Err(WebError::NotFound);
            };
            // Refuse a unit that is not the viewer's before looking at values.
            if store
                .coder_unit_values(loaded.id, &me, &kind, &unit)?
                .is_none()
            {
                return Err(WebError::NotFound);
            }
            let cb = &loaded.codebook;
            let mut errors = Vec::new();
            let mut values = Vec::new();
            let mut shown = BTreeMap::new();
            for (item, texts) in &raw {
                if cb.item(item).is_none() {
                    errors.push(format!(
                        "item `{item}`: no such item in codebook `{}`",
                        cb.name
                    ));
                    continue;
                }
                match texts.as_slice() {
                    [] => {}
                    [text] => {
                        shown.insert(item.clone(), text.clone());
                        match cb.validate(item, text) {
                            Ok(v) => values.push(NewValue {
                                item: item.clone(),
                                text: v.as_text(),
                                number: cb.item(item).and_then(|i| i.code(&v)),
                            }),
                            Err(e) => errors.push(e.to_string()),
                        }
                    }
                    _ => errors.push(format!(
                        "item `{item}`: expected one answer, found {} (a number and N/A?)",
                        texts.len()
                    )),
                }
            }
            if values.is_empty() && errors.is_empty() {
                errors.push("expected at least one answer, found none: nothing to save".into());
            }
            if !errors.is_empty() {
                let mut view = load_view(store, &me, role, Some(&codebook), Some((&kind, &unit)))?;
                if let Some(cur) = view.selected.as_mut().and_then(|s| s.current.as_mut()) {
                    cur.values = shown;
                }
                return Ok(Err((view, errors)));
            }
            let at = chrono::Utc::now().timestamp();
            let target = format!("{kind} {unit}");
            let detail = format!(
                "codebook {} {}; {} values (provenance web)",
                cb.name,
                cb.version,
                values.len()
            );
            let entry = NewAuditEntry {
                at,
                actor: &me,
                action: "coding.save",
                target: Some(&target),
                detail: Some(&detail),
            };
            let id = loaded.id;
            let saved = store.audited_if(
                &entry,
                |s| s.save_unit_values(id, &me, (&kind, &unit), &values, at),
                Option::is_some,
            )?;
            if saved.is_none() {
                return Err(WebError::NotFound);
            }
            let units = store.coder_units(id, &me)?;
            let here = units
                .iter()
                .position(|u| u.unit_kind == kind && u.unit_id == unit);
            let mut back = format!("/coding?codebook={}&saved=1", url_encode(&codebook));
            if let Some(next) = next_uncoded(cb, &units, here) {
                let u = &units[next];
                back.push_str(&format!(
                    "&kind={}&unit={}",
                    url_encode(&u.unit_kind),
                    url_encode(&u.unit_id)
                ));
            }
            Ok(Ok(back))
        })
        .await?;
    match outcome {
        Ok(back) => Ok((StatusCode::SEE_OTHER, [(header::LOCATION, back)]).into_response()),
        Err((view, errors)) => {
            let markup = render(&state, &viewer, &view, false, &errors);
            let mut res = respond(markup);
            *res.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            Ok(res)
        }
    }
}
