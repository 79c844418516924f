//! `GET /coding` and `POST /coding/save`: blind coding in the browser.
//!
//! A coder (the account whose name is a coder's name in a coding round,
//! docs/web.md) picks one of their codebooks, sees their progress and codes
//! one unit at a time: the unit's context (a video's title, caption and
//! https link, or a comment's text), and every item of the codebook with its
//! prompt, help, anchors and N/A rule as the fitting control. A save checks
//! every value with [`Codebook::validate`] (the checks of a sheet import)
//! and stores it through [`uptake_store::Store::save_unit_values`], with an
//! audit line, in one transaction. Only the viewer's own assignments and
//! values are ever read for the coding form: there is no parameter naming
//! another coder. Owners and analysts also see every coder's progress and
//! the number of disagreements per item, as counts only.

use crate::auth::{can, Viewer};
use crate::error::WebError;
use crate::layout::{csrf_field, given, page, respond, url_encode};
use crate::state::AppState;
use axum::extract::{Form, Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use maud::{html, Markup};
use std::collections::BTreeMap;
use uptake_coding::{Codebook, Item, ItemKind};
use uptake_store::{CoderUnit, NewAuditEntry, NewValue, Store, UnitContext};

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

/// Prefix of the form fields that hold item values (`v.q1`).
const VALUE_PREFIX: &str = "v.";

/// A stored codebook, parsed, with its row id.
pub(crate) struct Loaded {
    pub(crate) codebook: Codebook,
    pub(crate) id: i64,
}

/// The latest stored version of codebook `name`, parsed.
pub(crate) fn load_codebook(store: &Store, name: &str) -> Result<Option<Loaded>, WebError> {
    let Some(stored) = store.stored_codebook(name, None)? else {
        return Ok(None);
    };
    let codebook = Codebook::parse(
        &stored.toml,
        &format!("stored {} {}", stored.name, stored.version),
    )
    .map_err(|e| WebError::Internal(format!("a stored codebook does not parse: {e}")))?;
    Ok(Some(Loaded {
        codebook,
        id: stored.id,
    }))
}

/// The names of the stored codebooks, each once, in name order.
pub(crate) fn codebook_names(store: &Store) -> Result<Vec<String>, WebError> {
    let mut names: Vec<String> = store
        .stored_codebooks()?
        .into_iter()
        .map(|c| c.name)
        .collect();
    names.dedup();
    Ok(names)
}

/// True when the answered `items` complete a unit: every item that is not
/// free text has a value (text items are notes and may stay empty).
pub(crate) fn complete(codebook: &Codebook, items: &[String]) -> bool {
    let mut required = codebook
        .items
        .iter()
        .filter(|i| !matches!(i.kind, ItemKind::Text))
        .peekable();
    if required.peek().is_none() {
        return !items.is_empty();
    }
    required.all(|i| items.contains(&i.id))
}

/// One coder's progress on one codebook (counts only).
pub(crate) struct CoderCounts {
    pub(crate) coder: String,
    pub(crate) assigned: usize,
    pub(crate) coded: usize,
    pub(crate) started: usize,
}

/// Where the coding of one codebook stands.
pub(crate) struct CodingState {
    /// Per coder, in name order.
    pub(crate) coders: Vec<CoderCounts>,
    /// Every assigned unit is coded by its coder (and there is at least one).
    pub(crate) finished: bool,
}

impl CodingState {
    /// True when `name` is one of the coders.
    pub(crate) fn has_coder(&self, name: &str) -> bool {
        self.coders.iter().any(|c| c.coder == name)
    }

    /// True when `name` must not see others' results yet: a coder of this
    /// codebook while its coding is unfinished.
    pub(crate) fn blinds(&self, name: &str) -> bool {
        !self.finished && self.has_coder(name)
    }
}

/// Counts every coder's assigned, coded and started units.
pub(crate) fn coding_state(
    store: &Store,
    codebook: &Codebook,
    id: i64,
) -> Result<CodingState, WebError> {
    let mut answered: BTreeMap<(String, String, String), Vec<String>> = BTreeMap::new();
    for v in store.coder_values(id)? {
        answered
            .entry((v.unit_kind, v.unit_id, v.coder))
            .or_default()
            .push(v.item);
    }
    let mut per: BTreeMap<String, CoderCounts> = BTreeMap::new();
    for a in store.assignments(id, None)? {
        let items = answered
            .get(&(a.unit_kind.clone(), a.unit_id.clone(), a.coder.clone()))
            .map(Vec::as_slice)
            .unwrap_or(&[]);
        let c = per.entry(a.coder.clone()).or_insert_with(|| CoderCounts {
            coder: a.coder.clone(),
            assigned: 0,
            coded: 0,
            started: 0,
        });
        c.assigned += 1;
        if !items.is_empty() {
            c.started += 1;
        }
        if complete(codebook, items) {
            c.coded += 1;
        }
    }
    let coders: Vec<CoderCounts> = per.into_values().collect();
    let finished = !coders.is_empty() && coders.iter().all(|c| c.coded == c.assigned);
    Ok(CodingState { coders, finished })
}

/// Items compared between coders (text items are notes).
pub(crate) fn comparable_items(codebook: &Codebook) -> Vec<String> {
    codebook
        .items
        .iter()
        .filter(|i| !matches!(i.kind, ItemKind::Text))
        .map(|i| i.id.clone())
        .collect()
}

/// One of the viewer's codebooks, with their own progress.
struct MyCodebook {
    name: String,
    version: String,
    title: String,
    coded: usize,
    assigned: usize,
}

/// The team's progress on one codebook (owners and analysts).
struct TeamCodebook {
    name: String,
    version: String,
    state: CodingState,
    /// Disagreements per item, unless the viewer is blinded.
    disagreements: Option<Vec<(String, usize)>>,
}

/// The unit being coded.
struct Current {
    index: usize,
    context: Option<UnitContext>,
    /// Item id → the raw text to show (stored canonical text, or what was posted).
    values: BTreeMap<String, String>,
}

/// The selected codebook, as far as the viewer codes it.
struct Selected {
    name: String,
    codebook: Codebook,
    units: Vec<CoderUnit>,
    current: Option<Current>,
}

/// Everything the page shows.
struct View {
    mine: Vec<MyCodebook>,
    team: Option<Vec<TeamCodebook>>,
    selected: Option<Selected>,
}

/// The next unit after `after` (wrapping, never `after` itself) that is not
/// coded yet; from the start when `after` is `None`.
fn next_uncoded(codebook: &Codebook, units: &[CoderUnit], after: Option<usize>) -> Option<usize> {
    let n = units.len();
    let start = after.map_or(0, |a| a + 1);
    (0..n)
        .map(|k| (start + k) % n)
        .filter(|&i| Some(i) != after)
        .find(|&i| !complete(codebook, &units[i].items))
}

fn valid_kind(kind: &str) -> bool {
    matches!(kind, "video" | "comment")
}

/// Reads what the page shows, for `me` (blocking; inside `AppState::db`).
/// `unit` picks the unit to show; it must be one of `me`'s own.
fn load_view(
    store: &Store,
    me: &str,
    role: uptake_store::Role,
    codebook: Option<&str>,
    unit: Option<(&str, &str)>,
) -> Result<View, WebError> {
    let mut mine = Vec::new();
    let mut team = can::oversee_coding(role).then(Vec::new);
    for name in codebook_names(store)? {
        let Some(loaded) = load_codebook(store, &name)? else {
            continue;
        };
        let own = store.coder_units(loaded.id, me)?;
        if !own.is_empty() {
            mine.push(MyCodebook {
                name: name.clone(),
                version: loaded.codebook.version.clone(),
                title: loaded.codebook.title.clone(),
                coded: own
                    .iter()
                    .filter(|u| complete(&loaded.codebook, &u.items))
                    .count(),
                assigned: own.len(),
            });
        }
        if let Some(team) = team.as_mut() {
            let state = coding_state(store, &loaded.codebook, loaded.id)?;
            if state.coders.is_empty() {
                continue;
            }
            let disagreements = if state.blinds(me) {
                None
            } else {
                let mut per: BTreeMap<String, usize> = BTreeMap::new();
                for d in store.disagreements(loaded.id, &comparable_items(&loaded.codebook))? {
                    *per.entry(d.item).or_default() += 1;
                }
                Some(
                    loaded
                        .codebook
                        .items
                        .iter()
                        .filter_map(|i| per.get(&i.id).map(|n| (i.id.clone(), *n)))
                        .collect(),
                )
            };
            team.push(TeamCodebook {
                name,
                version: loaded.codebook.version.clone(),
                state,
                disagreements,
            });
        }
    }
    let selected = match codebook {
        None => None,
        Some(name) => {
            let Some(loaded) = load_codebook(store, name)? else {
                return Err(WebError::NotFound);
            };
            let units = store.coder_units(loaded.id, me)?;
            let index = match unit {
                Some((kind, id)) => Some(
                    units
                        .iter()
                        .position(|u| u.unit_kind == kind && u.unit_id == id)
                        // Not one of the viewer's units: as if it did not exist.
                        .ok_or(WebError::NotFound)?,
                ),
                None => next_uncoded(&loaded.codebook, &units, None),
            };
            let current = match index {
                None => None,
                Some(index) => {
                    let u = &units[index];
                    let values = store
                        .coder_unit_values(loaded.id, me, &u.unit_kind, &u.unit_id)?
                        .ok_or(WebError::NotFound)?;
                    Some(Current {
                        index,
                        context: store.unit_context(&u.unit_kind, &u.unit_id)?,
                        values,
                    })
                }
            };
            Some(Selected {
                name: name.to_string(),
                codebook: loaded.codebook,
                units,
                current,
            })
        }
    };
    Ok(View {
        mine,
        team,
        selected,
    })
}

/// The link to one unit of a codebook.
fn unit_href(codebook: &str, u: &CoderUnit) -> String {
    format!(
        "/coding?codebook={}&kind={}&unit={}",
        url_encode(codebook),
        url_encode(&u.unit_kind),
        url_encode(&u.unit_id)
    )
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
            if !valid_kind(&kind) || !super::video::valid_id(&unit) {
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
fn render(
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

fn selected_section(
    viewer: &Viewer,
    sel: &Selected,
    may_code: bool,
    saved: bool,
    errors: &[String],
) -> Markup {
    let cb = &sel.codebook;
    let coded = sel.units.iter().filter(|u| complete(cb, &u.items)).count();
    let assigned = sel.units.len();
    let current_index = sel.current.as_ref().map(|c| c.index);
    let skip = current_index.and_then(|i| next_uncoded(cb, &sel.units, Some(i)));
    html! {
        section aria-labelledby="codebook" {
            h2 #codebook { (cb.title) " (" code { (cb.name) } " " (cb.version) ")" }
            @if saved {
                p.ok role="status" { "Saved." @if sel.current.is_some() { " Here is the next unit to code." } }
            }
            @if !errors.is_empty() {
                div.error role="alert" {
                    p { "Nothing was saved. Please correct:" }
                    ul { @for e in errors { li { (e) } } }
                }
            }
            @if assigned == 0 {
                p { "No units of this codebook are assigned to you (" (viewer.name) ")." }
            } @else {
                p.progress {
                    label for="coded" { "Your progress: " (coded) " of " (assigned) " units coded" }
                    " "
                    progress #coded value=(coded) max=(assigned) { (coded) " of " (assigned) }
                }
            }
            @match &sel.current {
                Some(cur) => { (unit_form(viewer, sel, cur, may_code, skip)) }
                None if assigned > 0 => {
                    p { "Every unit assigned to you is coded. Pick one below to change its answers." }
                }
                None => {}
            }
            @if assigned > 0 {
                (unit_list(sel, current_index))
            }
        }
    }
}

fn unit_form(
    viewer: &Viewer,
    sel: &Selected,
    cur: &Current,
    may_code: bool,
    skip: Option<usize>,
) -> Markup {
    let u = &sel.units[cur.index];
    html! {
        article.unit aria-labelledby="unit-title" {
            h3 #unit-title { "Unit " (cur.index + 1) " of " (sel.units.len()) ": " (u.unit_kind) " " code { (u.unit_id) } }
            (context(u, cur.context.as_ref()))
            @if may_code {
                form.coding method="post" action="/coding/save" {
                    (csrf_field(viewer))
                    input type="hidden" name="codebook" value=(sel.name);
                    input type="hidden" name="kind" value=(u.unit_kind);
                    input type="hidden" name="unit" value=(u.unit_id);
                    @for (n, item) in sel.codebook.items.iter().enumerate() {
                        (item_control(n, item, cur.values.get(&item.id).map(String::as_str)))
                    }
                    p.actions {
                        button type="submit" { "Save" }
                        @if let Some(next) = skip {
                            " "
                            a.skip-unit href=(unit_href(&sel.name, &sel.units[next])) { "Skip this unit" }
                        }
                    }
                    p.hint { "Empty answers are not stored: the unit stays uncoded until every item that is not a note has an answer." }
                }
            } @else {
                p.hint { "Your role can read this page but not save codes." }
            }
        }
    }
}

/// The unit's context: untrusted text, escaped by maud; a link only if it
/// is `https://`.
fn context(u: &CoderUnit, ctx: Option<&UnitContext>) -> Markup {
    html! {
        @match ctx {
            None => { p.hint { "This " (u.unit_kind) " is no longer in the project." } }
            Some(c) => {
                dl.facts {
                    @if let Some(t) = &c.title { dt { "Title" } dd { (t) } }
                    @if let Some(t) = &c.caption { dt { "Caption" } dd.caption { (t) } }
                    @if let Some(t) = &c.text { dt { "Comment" } dd.caption { (t) } }
                    @if let Some(url) = c.url.as_deref().filter(|u| u.starts_with("https://")) {
                        dt { "Link" } dd { a href=(url) rel="noreferrer" { "Open the video on the platform" } }
                    }
                }
            }
        }
    }
}

/// One item's control: radios for binary and ordinal items (with anchor
/// labels), a list for nominal items, a bounded number field, or a text box.
fn item_control(n: usize, item: &Item, value: Option<&str>) -> Markup {
    let name = format!("{VALUE_PREFIX}{}", item.id);
    let help_id = format!("help-{n}");
    let is = |v: &str| value.is_some_and(|x| x.trim().eq_ignore_ascii_case(v));
    let has_help = item.help.is_some() || item.na_rule.is_some();
    let help = html! {
        @if has_help {
            div.item-help id=(help_id) {
                @if let Some(h) = &item.help { p { (h) } }
                @if let Some(r) = &item.na_rule { p { "N/A when: " (r) } }
            }
        }
    };
    let na_radio = html! {
        @if item.na_allowed {
            label { input type="radio" name=(name) value="NA" checked[is("NA")]; " Not applicable (N/A)" }
        }
    };
    match &item.kind {
        ItemKind::Binary | ItemKind::Ordinal { .. } => {
            let options: Vec<(String, String)> = match &item.kind {
                ItemKind::Ordinal { min, max, anchors } => (*min..=*max)
                    .map(|k| {
                        let label = match anchors.get(&k) {
                            Some(a) => format!("{k}: {a}"),
                            None => k.to_string(),
                        };
                        (k.to_string(), label)
                    })
                    .collect(),
                _ => vec![("yes".into(), "Yes".into()), ("no".into(), "No".into())],
            };
            html! {
                fieldset.item aria-describedby=[has_help.then_some(&help_id)] {
                    legend { span.item-id { (item.id) } " " (item.prompt) }
                    (help)
                    div.choices {
                        @for (v, label) in &options {
                            label { input type="radio" name=(name) value=(v) checked[is(v)]; " " (label) }
                        }
                        (na_radio)
                    }
                }
            }
        }
        ItemKind::Nominal { levels } => html! {
            div.item {
                label for={ "i-" (n) } { span.item-id { (item.id) } " " (item.prompt) }
                (help)
                select id={ "i-" (n) } name=(name) aria-describedby=[has_help.then_some(&help_id)] {
                    option value="" selected[value.is_none_or(|v| v.trim().is_empty())] { "(not coded yet)" }
                    @for l in levels { option value=(l) selected[is(l)] { (l) } }
                    @if item.na_allowed { option value="NA" selected[is("NA")] { "Not applicable (N/A)" } }
                }
            }
        },
        ItemKind::Numeric { min, max } => html! {
            div.item {
                label for={ "i-" (n) } { span.item-id { (item.id) } " " (item.prompt) }
                (help)
                input id={ "i-" (n) } type="number" step="any" name=(name)
                    min=[min.map(|m| m.to_string())] max=[max.map(|m| m.to_string())]
                    value=[value.filter(|v| !is_na(v))]
                    aria-describedby=[has_help.then_some(&help_id)];
                @if item.na_allowed {
                    " "
                    label { input type="checkbox" name=(name) value="NA" checked[is("NA")]; " Not applicable (N/A)" }
                }
            }
        },
        ItemKind::Text => html! {
            div.item {
                label for={ "i-" (n) } { span.item-id { (item.id) } " " (item.prompt) }
                (help)
                textarea id={ "i-" (n) } name=(name) rows="3" maxlength="4000"
                    aria-describedby=[has_help.then_some(&help_id)] { (value.unwrap_or("")) }
            }
        },
    }
}

fn is_na(v: &str) -> bool {
    uptake_coding::NA_TOKENS.contains(&v.trim().to_lowercase().as_str())
}

fn unit_list(sel: &Selected, current: Option<usize>) -> Markup {
    let cb = &sel.codebook;
    html! {
        div.table-wrap {
            table.units {
                caption { "Your units (open one to code it or change its answers)" }
                thead { tr { th scope="col" { "#" } th scope="col" { "Unit" } th scope="col" { "Status" } } }
                tbody {
                    @for (i, u) in sel.units.iter().enumerate() {
                        tr {
                            td.num { (i + 1) }
                            td {
                                @if Some(i) == current {
                                    a href=(unit_href(&sel.name, u)) aria-current="true" { strong { (u.unit_kind) " " (u.unit_id) } }
                                } @else {
                                    a href=(unit_href(&sel.name, u)) { (u.unit_kind) " " (u.unit_id) }
                                }
                            }
                            td {
                                @if complete(cb, &u.items) { "coded" }
                                @else if u.items.is_empty() { "not started" }
                                @else { "started (" (u.items.len()) " of " (cb.items.len()) " items)" }
                            }
                        }
                    }
                }
            }
        }
    }
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
                            ". Resolve them with " code { "uptake code disagreements" } " and " code { "uptake code adjudicate" } "." }
                    }
                }
                p { a href={ "/reliability?codebook=" (url_encode(&t.name)) } { "Reliability of " (t.name) } }
            }
        }
    }
}

/// `POST /coding/save`: the form's fields, in order (item values are
/// `v.ITEM`; a numeric item with N/A may send a number and `NA`).
pub async fn save(
    State(state): State<AppState>,
    viewer: Viewer,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let field = |name: &str| {
        fields
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    viewer.check_csrf(&field("csrf"))?;
    viewer.require(can::code(viewer.role), "save codes")?;
    let codebook = field("codebook");
    let kind = field("kind");
    let unit = field("unit");
    if codebook.is_empty() || !valid_kind(&kind) || !super::video::valid_id(&unit) {
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

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;

    fn unit(id: &str, items: &[&str]) -> CoderUnit {
        CoderUnit {
            assignment_id: 0,
            round_id: 1,
            unit_kind: "video".into(),
            unit_id: id.into(),
            overlap: false,
            items: items.iter().map(|s| s.to_string()).collect(),
        }
    }

    #[test]
    fn next_uncoded_wraps_and_skips_coded_units() {
        let cb = uptake_coding::builtin("gqs").unwrap().unwrap();
        let units = vec![unit("a", &["gqs"]), unit("b", &[]), unit("c", &[])];
        assert_eq!(next_uncoded(&cb, &units, None), Some(1));
        assert_eq!(next_uncoded(&cb, &units, Some(1)), Some(2));
        assert_eq!(next_uncoded(&cb, &units, Some(2)), Some(1));
        assert_eq!(next_uncoded(&cb, &units[..1], Some(0)), None);
    }
}
