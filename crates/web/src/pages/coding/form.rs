//! The selected codebook's section of the coding page: the viewer's
//! progress, the form for one unit (its context and one control per item)
//! and the list of the viewer's units.

use super::view::{Current, Selected};
use super::{complete, next_uncoded, VALUE_PREFIX};
use crate::auth::Viewer;
use crate::layout::{csrf_field, url_encode};
use maud::{html, Markup};
use uptake_coding::{Item, ItemKind};
use uptake_store::{CoderUnit, UnitContext};

/// The link to one unit of a codebook.
fn unit_href(codebook: &str, u: &CoderUnit) -> String {
    format!(
        "/coding?codebook={}&kind={}&unit={}",
        url_encode(codebook),
        url_encode(&u.unit_kind),
        url_encode(&u.unit_id)
    )
}

pub(super) fn selected_section(
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
