//! `GET /claims`: how often each misinformation claim (or any label of a
//! scheme) appears over time, against the comments analysed in the same
//! period, with recent example comments. Dismissed flags are left out.
//! Cached until the database changes (the aggregate reads every flag).

use crate::auth::Viewer;
use crate::error::WebError;
use crate::layout::{chart, given, minute, page, respond};
use crate::state::AppState;
use axum::extract::{Query, State};
use axum::response::Response;
use maud::{html, PreEscaped};
use std::collections::BTreeMap;
use uptake_report::charts::{line_chart, ChartText, LinePoint, LineSeries};

/// Query of the claims page.
#[derive(Debug, Default, serde::Deserialize)]
pub struct ClaimsQuery {
    /// Scheme (default `claims`).
    pub scheme: Option<String>,
    /// `week` or `month`.
    pub by: Option<String>,
}

/// Labels given examples.
const MAX_EXAMPLE_LABELS: usize = 12;
/// Examples per label.
const EXAMPLES: u32 = 3;

/// `GET /claims`.
pub async fn show(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(q): Query<ClaimsQuery>,
) -> Result<Response, WebError> {
    let config = state.config();
    let scheme = given(&q.scheme).unwrap_or_else(|| "claims".into());
    if !config.schemes.contains(&scheme) {
        return Err(WebError::BadRequest(format!("no scheme `{scheme}`")));
    }
    let by = match given(&q.by).as_deref() {
        Some("month") => "month",
        _ => "week",
    };
    let sch = scheme.clone();
    let body = state
        .cached(format!("claims:{scheme}:{by}"), move |store| {
            let rows = store.prevalence(&sch, by)?;
            let mut periods: Vec<String> = rows.iter().map(|r| r.1.clone()).collect();
            periods.sort();
            periods.dedup();
            let mut by_label: BTreeMap<String, Vec<(String, i64, i64)>> = BTreeMap::new();
            for (label, group, k, n) in rows {
                by_label.entry(label).or_default().push((group, k, n));
            }
            let series: Vec<LineSeries> = by_label
                .iter()
                .map(|(label, points)| LineSeries {
                    label: label.clone(),
                    points: points
                        .iter()
                        .filter_map(|(g, k, n)| {
                            let x = periods.iter().position(|p| p == g)? as f64;
                            Some(LinePoint {
                                x,
                                y: (*n > 0).then(|| *k as f64 / *n as f64),
                                interpolated: false,
                            })
                        })
                        .collect(),
                    ..LineSeries::default()
                })
                .collect();
            let desc = format!(
                "Share of analysed comments flagged with each label, per {by}, from {} to {} (x counts {by}s from the first).",
                periods.first().map(String::as_str).unwrap_or("–"),
                periods.last().map(String::as_str).unwrap_or("–")
            );
            let svg = line_chart(
                &ChartText {
                    id: "chart-prevalence",
                    title: "Prevalence over time",
                    desc: &desc,
                    x_label: if by == "month" { "Month (from the first)" } else { "Week (from the first)" },
                    y_label: "Share of comments analysed",
                },
                &series,
            );
            let mut examples = Vec::new();
            for label in by_label.keys().take(MAX_EXAMPLE_LABELS) {
                examples.push((label.clone(), store.label_examples(&sch, label, EXAMPLES)?));
            }
            Ok(html! {
                @if by_label.is_empty() { p { "No flags yet: import comments and run " code { "uptake analyze" } "." } }
                figure { (chart(svg)) }
                div.table-wrap role="region" aria-label="Prevalence" tabindex="0" {
                    table.sortable {
                        caption { "Comments flagged per label and " (by) " (dismissed flags excluded)" }
                        thead { tr { th scope="col" { "Label" } th scope="col" { "Period" } th.num scope="col" { "Flagged" }
                            th.num scope="col" { "Analysed" } th.num scope="col" { "Share" } } }
                        tbody { @for (label, points) in &by_label { @for (g, k, n) in points { tr {
                            th scope="row" { (label) } td { (g) } td.num data-v=(k) { (k) } td.num data-v=(n) { (n) }
                            td.num { @if *n > 0 { (format!("{:.1}%", *k as f64 * 100.0 / *n as f64)) } @else { "–" } }
                        } } } }
                    }
                }
                p.notes { "Rule-based flags find phrasings they know: read counts as a lower bound (docs/claims.md)." }
                h2 { "Examples" }
                @for (label, list) in &examples {
                    h3 { (label) }
                    @if list.is_empty() { p { "No example left after review." } }
                    ul.examples { @for c in list { li {
                        q { (c.text) }
                        " — " @if let Some(t) = c.created_at { (minute(t)) " UTC, " }
                        a href={ "/videos/" (c.video_id) } { "video " (c.video_id) }
                    } } }
                }
            }
            .into_string())
        })
        .await?;
    let markup = html! {
        form.filters method="get" action="/claims" {
            label { "Scheme " select name="scheme" { @for s in &config.schemes { option value=(s) selected[*s == scheme] { (s) } } } }
            label { "Per " select name="by" {
                option value="week" selected[by == "week"] { "week" }
                option value="month" selected[by == "month"] { "month" } } }
            button type="submit" { "Show" }
        }
        (PreEscaped(body.as_str()))
    };
    Ok(respond(page(config, &viewer, "/claims", "Claims", markup)))
}
