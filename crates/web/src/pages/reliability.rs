//! `GET /reliability`: inter-rater reliability of a codebook's coding, the
//! table `uptake reliability` prints (per item, then per instrument score,
//! with readings that name their source) and, with `icc=SCORE`, every ICC
//! form of one score (`uptake reliability --icc SCORE`). The numbers come
//! from `uptake_coding::reliability`, as the command line's do; this page
//! only renders them. Coders stay blind: a coder of a codebook whose coding
//! is unfinished, and the coder role for any unfinished codebook, are
//! refused (docs/web.md).

use crate::auth::{can, Viewer};
use crate::error::WebError;
use crate::layout::{given, page, respond, url_encode};
use crate::pages::coding::{codebook_names, coding_state, load_codebook};
use crate::state::AppState;
use axum::extract::{Query, State};
use axum::response::Response;
use maud::{html, Markup};
use uptake_coding::reliability::{
    icc_reading, reliability, score_icc, CodedValue, Reliability, ReliabilityError,
};
use uptake_report::apa;
use uptake_stats::reliability::{
    BootstrapOptions, Icc, IccDefinition, IccModel, IccUnit, KappaWeights,
};

/// Query of the reliability page.
#[derive(Debug, Default, serde::Deserialize)]
pub struct ReliabilityQuery {
    /// Codebook name (its latest stored version).
    pub codebook: Option<String>,
    /// A score: show every ICC form of it (`uptake reliability --icc`).
    pub icc: Option<String>,
}

/// The bootstrap `uptake reliability` uses by default, so the page and the
/// command line print the same interval.
const BOOTSTRAP: BootstrapOptions = uptake_coding::reliability::DEFAULT_BOOTSTRAP;

/// What the page computed for one codebook.
enum Computed {
    Items(Reliability),
    Icc(Icc, Vec<String>),
    /// Why nothing can be computed yet (no overlap units, ...).
    Unavailable(String),
}

/// A codebook in the list, and whether this viewer may open it.
struct Listed {
    name: String,
    version: String,
    finished: bool,
    allowed: bool,
}

fn allowed(viewer: &Viewer, state: &crate::pages::coding::CodingState) -> bool {
    !state.blinds(&viewer.name) && (state.finished || can::read_reliability(viewer.role))
}

/// `GET /reliability`.
pub async fn show(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(q): Query<ReliabilityQuery>,
) -> Result<Response, WebError> {
    let config = state.config();
    match given(&q.codebook) {
        None => {
            let who = viewer.clone();
            let list = state
                .db(move |store| {
                    let mut out = Vec::new();
                    for name in codebook_names(store)? {
                        let Some(loaded) = load_codebook(store, &name)? else {
                            continue;
                        };
                        let st = coding_state(store, &loaded.codebook, loaded.id)?;
                        if st.coders.is_empty() {
                            continue;
                        }
                        out.push(Listed {
                            name,
                            version: loaded.codebook.version.clone(),
                            finished: st.finished,
                            allowed: allowed(&who, &st),
                        });
                    }
                    Ok(out)
                })
                .await?;
            let body = html! {
                p { "Inter-rater reliability of each codebook's coding, as " code { "uptake reliability" } " prints it." }
                @if list.is_empty() { p { "No coding rounds yet (" code { "uptake code sample" } ")." } }
                ul {
                    @for l in &list {
                        li {
                            @if l.allowed {
                                a href={ "/reliability?codebook=" (url_encode(&l.name)) } { code { (l.name) } " " (l.version) }
                            } @else {
                                code { (l.name) } " " (l.version)
                            }
                            @if l.finished { ": coding finished" } @else { ": coding in progress" }
                            @if !l.allowed { " (hidden from its coders until coding is finished, so that they stay blind)" }
                        }
                    }
                }
            };
            Ok(respond(page(
                config,
                &viewer,
                "/reliability",
                "Reliability",
                body,
            )))
        }
        Some(name) => {
            let icc = given(&q.icc);
            let who = viewer.clone();
            let st = state.clone();
            let (codebook, computed) = state
                .db(move |store| {
                    let Some(loaded) = load_codebook(store, &name)? else {
                        return Err(WebError::NotFound);
                    };
                    let cb = loaded.codebook;
                    let coding = coding_state(store, &cb, loaded.id)?;
                    if !allowed(&who, &coding) {
                        return Err(WebError::Forbidden(
                            "read reliability while coding is in progress (coders stay blind until every unit is coded)",
                        ));
                    }
                    if let Some(score) = &icc {
                        if !cb.scores.iter().any(|s| s.id == *score) {
                            let known: Vec<&str> = cb.scores.iter().map(|s| s.id.as_str()).collect();
                            return Err(WebError::BadRequest(format!(
                                "codebook `{}` has no score `{score}`; its scores: {}",
                                cb.name,
                                known.join(", ")
                            )));
                        }
                    }
                    let key = format!(
                        "reliability:{}:{}",
                        loaded.id,
                        icc.as_deref().unwrap_or("")
                    );
                    let id = loaded.id;
                    let cbc = cb.clone();
                    let computed = st.memo(store, &key, move |store| {
                        let stored = store.coder_values(id)?;
                        let values: Vec<CodedValue> = stored
                            .iter()
                            .map(|v| CodedValue {
                                unit: (v.unit_kind.as_str(), v.unit_id.as_str()),
                                coder: v.coder.as_str(),
                                item: v.item.as_str(),
                                text: v.text.as_str(),
                                number: v.number,
                            })
                            .collect();
                        let result = match &icc {
                            Some(score) => score_icc(&cbc, &values, score)
                                .map(|(i, coders)| Computed::Icc(i, coders)),
                            None => reliability(&cbc, &values, &[], &BOOTSTRAP).map(Computed::Items),
                        };
                        Ok(match result {
                            Ok(c) => c,
                            Err(e @ (ReliabilityError::NoOverlap { .. } | ReliabilityError::Stats(_))) => {
                                Computed::Unavailable(e.to_string())
                            }
                            Err(e) => {
                                return Err(WebError::Internal(format!(
                                    "reliability of `{}`: {e}",
                                    cbc.name
                                )))
                            }
                        })
                    })?;
                    Ok((cb, computed))
                })
                .await?;
            let title = format!("Reliability: {}", codebook.name);
            let base = format!("/reliability?codebook={}", url_encode(&codebook.name));
            let body = html! {
                p { (codebook.title) " (" code { (codebook.name) } " " (codebook.version) ")." }
                @match computed.as_ref() {
                    Computed::Unavailable(why) => { p.notes role="note" { (why) } }
                    Computed::Items(r) => {
                        (summary(&codebook.name, &codebook.version, r.units, &r.coders))
                        (item_table(r))
                        @if !codebook.scores.is_empty() {
                            p { "Every ICC form of a score ("
                                code { "uptake reliability --codebook " (codebook.name) " --icc SCORE" } "): "
                                @for (k, s) in codebook.scores.iter().enumerate() {
                                    @if k > 0 { ", " }
                                    a href={ (base) "&icc=" (url_encode(&s.id)) } { (s.id) }
                                }
                            }
                        }
                    }
                    Computed::Icc(result, coders) => {
                        (summary(&codebook.name, &codebook.version, result.units_used, coders))
                        (icc_table(result, icc_score(&q.icc)))
                        p { a href=(base) { "Back to the per-item table" } }
                    }
                }
            };
            Ok(respond(page(config, &viewer, "/reliability", &title, body)))
        }
    }
}

fn icc_score(q: &Option<String>) -> &str {
    q.as_deref().map(str::trim).unwrap_or("")
}

fn summary(name: &str, version: &str, units: usize, coders: &[String]) -> Markup {
    html! {
        p.count {
            "Codebook " (name) " " (version) "; " (units) " units coded by two or more of "
            (coders.len()) " coders (" (coders.join(", ")) ")."
        }
    }
}

/// A statistic bounded by 1 (α, κ, ICC), APA style, or a dash.
fn bounded(x: Option<f64>) -> Markup {
    match x {
        Some(v) if v.is_finite() => html! { (apa::bounded(v, 3)) },
        _ => crate::layout::missing(),
    }
}

/// An interval `[low, high]` or a dash.
fn interval(low: Option<f64>, high: Option<f64>) -> Markup {
    match (low, high) {
        (Some(a), Some(b)) if a.is_finite() && b.is_finite() => {
            html! { "[" (apa::bounded(a, 3)) ", " (apa::bounded(b, 3)) "]" }
        }
        _ => crate::layout::missing(),
    }
}

fn item_table(r: &Reliability) -> Markup {
    let with_ci = r.bootstrap.replicates > 0;
    html! {
        div.table-wrap {
            table.sortable {
                caption { "Reliability per item and per instrument score" }
                thead { tr {
                    th scope="col" { "Item" } th scope="col" { "Level" } th scope="col" class="num" { "Units" }
                    th scope="col" class="num" { "Agreement" } th scope="col" class="num" { "Cohen κ" }
                    th scope="col" { "κ weights" } th scope="col" class="num" { "Fleiss κ" }
                    th scope="col" class="num" { "α" } th scope="col" { "α 95% CI" }
                    th scope="col" class="num" { "ICC(A,1)" } th scope="col" { "ICC 95% CI" }
                    th scope="col" { "Reading (source)" }
                } }
                tbody {
                    @for item in &r.items {
                        @let alpha = item.alpha.as_ref();
                        tr {
                            td { code { (item.item) } }
                            td { (item.level) }
                            td.num { (item.units) }
                            td.num { (bounded(item.agreement)) }
                            td.num { (bounded(item.cohen.as_ref().map(|k| k.kappa))) }
                            td { @match item.cohen.as_ref().map(|k| k.weights) {
                                Some(KappaWeights::Quadratic) => "quadratic",
                                Some(KappaWeights::Linear) => "linear",
                                Some(KappaWeights::Unweighted) => "none",
                                None => (crate::layout::missing()),
                            } }
                            td.num { (bounded(item.fleiss.as_ref().map(|f| f.kappa))) }
                            td.num { (bounded(alpha.map(|a| a.estimate.alpha))) }
                            td { (interval(alpha.filter(|_| with_ci).map(|a| a.ci_low), alpha.filter(|_| with_ci).map(|a| a.ci_high))) }
                            td.num { (crate::layout::missing()) }
                            td { (crate::layout::missing()) }
                            td { @match (&item.reading, &item.alpha_undefined) {
                                (Some(r), _) => (r),
                                (None, Some(why)) => { "α undefined: " (why) },
                                (None, None) => (crate::layout::missing()),
                            } }
                        }
                    }
                    @for score in &r.scores {
                        @let alpha = score.alpha.as_ref();
                        @let icc = score.icc.as_ref();
                        tr {
                            td { "score: " code { (score.score) } }
                            td { "interval" }
                            td.num { (score.units) }
                            td.num { (crate::layout::missing()) }
                            td.num { (crate::layout::missing()) }
                            td { (crate::layout::missing()) }
                            td.num { (crate::layout::missing()) }
                            td.num { (bounded(alpha.map(|a| a.estimate.alpha))) }
                            td { (interval(alpha.filter(|_| with_ci).map(|a| a.ci_low), alpha.filter(|_| with_ci).map(|a| a.ci_high))) }
                            td.num { (bounded(icc.map(|i| i.icc))) }
                            td { (interval(icc.map(|i| i.ci_low), icc.map(|i| i.ci_high))) }
                            td { @match &score.reading { Some(r) => (r), None => (crate::layout::missing()) } }
                        }
                    }
                }
            }
        }
        p.notes { "α: Krippendorff's alpha at the item's level; 95% interval from " (r.bootstrap.replicates)
            " bootstrap resamples of units (seed " (r.bootstrap.seed) "; not Hayes & Krippendorff's 2007 algorithm). "
            "Agreement: mean share of agreeing coder pairs per unit. Cohen's κ only with exactly two coders; "
            "quadratic weights for ordinal items. Fleiss' κ for nominal items, on units every coder coded." }
        p.notes { "Scores: each coder's own score per unit; ICC(A,1) = two-way random effects, absolute agreement, "
            "single rater (McGraw & Wong 1996), as pingouin's ICC2; units every coder scored. Readings: "
            "Krippendorff (2004) for α, Koo & Li (2016) for the ICC (read its interval too). "
            "docs/statistics.md has every definition and reference." }
    }
}

fn icc_table(result: &Icc, score: &str) -> Markup {
    html! {
        div.table-wrap {
            table {
                caption { "Every ICC form of score " code { (score) } }
                thead { tr {
                    th scope="col" { "Model" } th scope="col" { "Form" } th scope="col" { "Shrout & Fleiss" }
                    th scope="col" { "pingouin" } th scope="col" class="num" { "ICC" } th scope="col" class="num" { "F" }
                    th scope="col" class="num" { "df1" } th scope="col" class="num" { "df2" } th scope="col" class="num" { "p" }
                    th scope="col" { "95% CI" } th scope="col" { "Reading (source)" }
                } }
                tbody {
                    @for row in &result.forms {
                        tr {
                            td { (match row.model {
                                    IccModel::OneWayRandom => "one-way random",
                                    IccModel::TwoWayRandom => "two-way random",
                                    IccModel::TwoWayMixed => "two-way mixed",
                                }) ", "
                                (match row.definition {
                                    IccDefinition::AbsoluteAgreement => "agreement",
                                    IccDefinition::Consistency => "consistency",
                                }) ", "
                                (match row.unit { IccUnit::Single => "single", IccUnit::Average => "average" })
                            }
                            td { (row.mcgraw_wong) }
                            td { @match row.shrout_fleiss { Some(s) => (s), None => (crate::layout::missing()) } }
                            td { (row.pingouin) }
                            td.num { (bounded(Some(row.icc))) }
                            td.num { (apa::number(row.f, 2)) }
                            td.num { (apa::number(row.df1, 0)) }
                            td.num { (apa::number(row.df2, 0)) }
                            td.num { (apa::p_value(row.p_value).replace("p = ", "").replace("p ", "")) }
                            td { (interval(Some(row.ci_low), Some(row.ci_high))) }
                            td { @match icc_reading(row.icc) { Some(r) => (r), None => (crate::layout::missing()) } }
                        }
                    }
                }
            }
        }
        p.notes { "Score " code { (score) } ": " (result.units_used) " units every coder scored ("
            (result.units_dropped) " left out); " (result.coders) " coders." }
        p.notes { "Forms as McGraw & Wong (1996); values, F tests and 95% intervals as pingouin.intraclass_corr. "
            "Two-way random consistency equals two-way mixed consistency, and two-way mixed agreement equals "
            "two-way random agreement, numerically; both names are listed so the form a journal asks for can be found." }
    }
}
