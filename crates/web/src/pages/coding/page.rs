//! `GET /coding`: its query, its handler and the whole page, with the list
//! of the viewer's codebooks and the team's progress (counts only).

use super::form::selected_section;
use super::valid_kind;
use super::view::{load_view, TeamCodebook, View};
use crate::auth::{can, Viewer};
use crate::error::WebError;
use crate::layout::{given, page, respond, url_encode};
use crate::state::AppState;
use axum::extract::{Query, State};
use axum::response::Response;
use maud::{html, Markup};

/// Query of the coding page.
#[derive(Debug, Default, serde::Deserialize)]
pub struct CodingQuery {
    /// Codebook name (its latest stored version).
    pub codebook: Option<String>,
    /// Kind of the unit to show: `video` or `comment`.
    pub kind: Option<String>,
    /// Platform id of the unit to show (one of the viewer's own).
    pub unit: Option<String>,
    /// Set after a save, to say so.
    pub saved: Option<String>,
}

/// `GET /coding`.
pub async fn show(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(q): Query<CodingQuery>,
) -> Result<Response, WebError> {
    let codebook = given(&q.codebook);
    let unit = match (given(&q.kind), given(&q.unit)) {
        (Some(kind), Some(unit)) => {
            if !valid_kind(&kind) || !crate::pages::video::valid_id(&unit) {
                return Err(WebError::NotFound);
            }
            Some((kind, unit))
        }
        _ => None,
    };
    let me = viewer.name.clone();
    let role = viewer.role;
    let view = state
        .db(move |store| {
            load_view(
                store,
                &me,
                role,
                codebook.as_deref(),
                unit.as_ref().map(|(k, u)| (k.as_str(), u.as_str())),
            )
        })
        .await?;
    let saved = given(&q.saved).is_some();
    Ok(respond(render(&state, &viewer, &view, saved, &[])))
}

/// The whole page.
pub(super) fn render(
    state: &AppState,
    viewer: &Viewer,
    view: &View,
    saved: bool,
    errors: &[String],
) -> Markup {
    let may_code = can::code(viewer.role);
    let body = html! {
        @if let Some(sel) = &view.selected {
            (selected_section(viewer, sel, may_code, saved, errors))
        }
        section aria-labelledby="mine" {
            h2 #mine { "Your codebooks" }
            @if view.mine.is_empty() {
                p { "Your account (" (viewer.name) ") has no coding assignments. An account codes the units "
                    "assigned to the coder of the same name in a coding round ("
                    code { "uptake code sample --coders NAME,…" } ")." }
            } @else {
                ul.codebooks {
                    @for c in &view.mine {
                        li {
                            a href={ "/coding?codebook=" (url_encode(&c.name)) } { (c.title) }
                            " (" code { (c.name) } " " (c.version) "): "
                            (c.coded) " of " (c.assigned) " units coded"
                        }
                    }
                }
            }
            @if !may_code {
                p.hint { "Your role can read this page but not save codes." }
            }
        }
        @if let Some(team) = &view.team {
            (team_section(team))
        }
    };
    page(state.config(), viewer, "/coding", "Coding", body)
}

fn team_section(team: &[TeamCodebook]) -> Markup {
    html! {
        section aria-labelledby="team" {
            h2 #team { "Team progress" }
            p.hint { "Counts only: coders' answers are not shown here, so that coding stays blind." }
            @if team.is_empty() { p { "No coding rounds yet (" code { "uptake code sample" } ")." } }
            @for t in team {
                div.table-wrap {
                    table {
                        caption { code { (t.name) } " " (t.version) ": "
                            @if t.state.finished { "coding finished" } @else { "coding in progress" } }
                        thead { tr {
                            th scope="col" { "Coder" } th scope="col" class="num" { "Assigned" }
                            th scope="col" class="num" { "Coded" } th scope="col" class="num" { "Started" }
                        } }
                        tbody {
                            @for c in &t.state.coders {
                                tr { td { (c.coder) } td.num { (c.assigned) } td.num { (c.coded) } td.num { (c.started) } }
                            }
                        }
                    }
                }
                @match &t.disagreements {
                    None => { p.hint { "You are a coder of this codebook: its disagreements are hidden until coding is finished." } }
                    Some(d) if d.is_empty() => { p { "No disagreements on units coded by two or more coders so far." } }
                    Some(d) => {
                        p { "Disagreements (unit-items where coders differ and no adjudication exists"
                            @if !t.state.finished { ", so far" } "): "
                            @for (k, (item, n)) in d.iter().enumerate() {
                                @if k > 0 { ", " }
                                code { (item) } " " (n)
                            }
                            ". " a href={ "/coding/adjudicate?codebook=" (url_encode(&t.name)) } { "Decide them" }
                            " (or with " code { "uptake code disagreements" } " and " code { "uptake code adjudicate" } ")." }
                    }
                }
                p {
                    a href={ "/reliability?codebook=" (url_encode(&t.name)) } { "Reliability of " (t.name) }
                    @if t.disagreements.is_some() {
                        " · " a href={ "/coding/adjudicate?codebook=" (url_encode(&t.name)) } { "Disagreements and final codes" }
                    }
                }
            }
        }
    }
}
