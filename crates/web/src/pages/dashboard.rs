//! `GET /`: the KMb indicators and the report's charts, for the project or
//! one campaign. Built from the same [`ReportData`] as `uptake report` and
//! drawn by the same chart functions, in the same build as the report
//! download (`report::built`); cached until the database changes. Like the
//! report, it counts the project's own account's videos only; a line links
//! to other creators' public videos when the project holds any.

use crate::auth::Viewer;
use crate::error::WebError;
use crate::layout::{chart, given, page, respond};
use crate::state::AppState;
use axum::extract::{Query, State};
use axum::response::Response;
use maud::{html, Markup, PreEscaped};
use uptake_report::charts::{bar_chart, daily_chart, line_chart, ChartText};
use uptake_report::html::{select_growth_curves, ReportData};
use uptake_store::query::OwnAccount;
use uptake_store::VideoFilter;

/// Query of the dashboard.
#[derive(Debug, Default, serde::Deserialize)]
pub struct DashboardQuery {
    /// A campaign name.
    pub campaign: Option<String>,
}

/// `GET /`.
pub async fn show(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(q): Query<DashboardQuery>,
) -> Result<Response, WebError> {
    let campaign = given(&q.campaign);
    if let Some(c) = &campaign {
        if state.config().campaign(c).is_none() {
            return Err(WebError::NotFound);
        }
    }
    let build = super::report::built(&state, campaign.clone()).await?;
    let config = state.config();
    let public = public_count(&state).await?;
    let markup = html! {
        form.filters method="get" action="/" {
            label { "Campaign "
                select name="campaign" {
                    option value="" { "Whole project" }
                    @for c in &config.campaigns {
                        option value=(c.name) selected[campaign.as_deref() == Some(c.name.as_str())] {
                            (c.name) @if let Some(t) = &c.output_title { " — " (t) }
                        }
                    }
                }
            }
            button type="submit" { "Show" }
        }
        @if public > 0 {
            p.scope #owner-note { "These numbers describe the project's own account's videos. The project also holds "
                (public) @if public == 1 { " public video by another creator" } @else { " public videos by other creators" }
                ", never counted with them: "
                a href="/videos?owner=public" { "other creators' videos" } "." }
        }
        (PreEscaped(build.dashboard.as_str()))
    };
    Ok(respond(page(config, &viewer, "/", "Dashboard", markup)))
}

/// How many of the project's videos are other creators' public ones (from
/// the same memo as the video list's link to them).
async fn public_count(state: &AppState) -> Result<i64, WebError> {
    let account = OwnAccount::new(state.config().own_handle.as_deref());
    let st = state.clone();
    state
        .db(move |store| {
            let own = super::videos::own_videos(&st, store, &account)?;
            let all = *st.memo(store, "videos:count:all", |s| {
                Ok(s.video_count(&VideoFilter::default())?)
            })?;
            Ok(all - own.len() as i64)
        })
        .await
}

/// The dashboard's content for one scope.
pub(crate) fn render(data: &ReportData) -> Markup {
    let curves = select_growth_curves(&data.growth_curves);
    let growth_desc = format!(
        "Cumulative views of each video by days since it was posted. {}",
        curves.explanation()
    );
    html! {
        @if let Some(c) = &data.campaign {
            p.scope { "Campaign " strong { (c.name) }
                @if let Some(t) = &c.output_title { ": " (t) }
                @if let Some(d) = &c.doi { " (doi: " (d) ")" } }
        }
        section #summary {
            h2 { "Summary" }
            ul { @for s in &data.summary { li { (s) } } }
        }
        section #indicators {
            h2 { "Knowledge-mobilisation indicators" }
            div.table-wrap role="region" aria-label="Indicators" tabindex="0" {
                table.indicators {
                    thead { tr { th scope="col" { "Stage" } th scope="col" { "Indicator" } th scope="col" { "Value" } th scope="col" { "What it means" } } }
                    tbody {
                        @for row in &data.indicators {
                            tr {
                                td { (row.stage) }
                                th scope="row" { code { (row.name) } }
                                td.value {
                                    @match &row.value {
                                        Some(v) => { (v) },
                                        None => { span.not-measured { "not measured" }
                                            @if let Some(n) = &row.needs { br; span.needs { "Would need: " (n) } } },
                                    }
                                }
                                td { (row.meaning) }
                            }
                        }
                    }
                }
            }
        }
        section #charts {
            h2 { "Account growth" }
            figure { (chart(daily_chart(&ChartText { id: "chart-account-views", title: "Daily video views",
                desc: "Daily video views of the account, as the daily exports report them. Hatched bands are days with no value: a gap, not zero.",
                x_label: "Date", y_label: "Video views" }, &data.account_views, true))) }
            figure { (chart(daily_chart(&ChartText { id: "chart-account-followers", title: "Follower total",
                desc: "Follower total at the end of each day. Hatched bands are days with no value.",
                x_label: "Date", y_label: "Followers" }, &data.account_followers, false))) }
            h2 { "Views over time, per video" }
            figure { (chart(line_chart(&ChartText { id: "chart-growth", title: "Cumulative views by days since posting",
                desc: &growth_desc, x_label: "Days since posting", y_label: "Cumulative views" }, &curves.series)))
                figcaption { (curves.explanation()) } }
            h2 { "Where the views came from" }
            figure { (chart(bar_chart(&ChartText { id: "chart-traffic-sources", title: "Traffic sources",
                desc: "Share of video views by traffic source, pooled over videos, largest first.", ..ChartText::default() },
                &data.traffic_sources))) }
            figure { (chart(bar_chart(&ChartText { id: "chart-territories", title: "Territories",
                desc: "Share of video views by viewer territory, pooled over videos, largest first.", ..ChartText::default() },
                &data.territories))) }
        }
        @if !data.caveats.is_empty() {
            section #caveats {
                h2 { "Data coverage and caveats" }
                ul { @for c in &data.caveats { li { (c) } } }
            }
        }
    }
}
