//! Assembling the report's content ([`ReportData`]) from analysis results,
//! and its plain-text (Markdown) form for channels where HTML is too heavy.

use crate::html::{growth_curves, CampaignInfo, CurveInput, DailyValue, IndicatorRow, ReportData};
use crate::tables::videos::{video_table, VideoTableOptions};
use crate::{render, Cell, Column, OutputFormat, Table};
use std::collections::HashMap;
use uptake_analysis::metrics::growth::{views_at_age, AT_AGE_RULE, STANDARD_AGES_H};
use uptake_analysis::metrics::kmb::{Indicator, Unit, HOSTILE_MEANING};
use uptake_model::{AccountDay, Metrics, Video};

/// The note on `*` in the table of views at fixed ages, when a value is
/// interpolated (the rule itself is [`AT_AGE_RULE`]).
pub const INTERPOLATED_NOTE: &str =
    "* = interpolated linearly between two real observations no further apart than the age.";

/// The note under the table of views at fixed ages when a value rests on an
/// approximate count.
const APPROXIMATE_AT_AGE_NOTE: &str =
    "~ = rests on a count read from an abbreviated display (such as 47.6K), so approximate.";

/// What the report is made from.
#[derive(Debug, Clone, Default)]
pub struct ReportInputs<'a> {
    /// Project name.
    pub project: String,
    /// Synthetic data.
    pub synthetic: bool,
    /// `YYYY-MM-DD HH:MM UTC`.
    pub generated_at: String,
    /// `uptake x.y.z`.
    pub software: String,
    /// The campaign, if scoped.
    pub campaign: Option<CampaignInfo>,
    /// Videos with their latest metrics.
    pub videos: &'a [(Video, Metrics)],
    /// Views over time per video id.
    pub views_series: Option<&'a HashMap<String, Vec<(i64, i64)>>>,
    /// `(video id, observed_at)` of the observations whose view count is
    /// approximate: a value at an age resting on one is marked `~`.
    pub approximate_views: Option<&'a std::collections::HashSet<(String, i64)>>,
    /// The own account's daily series.
    pub account_days: &'a [AccountDay],
    /// The KMb indicator panel.
    pub indicators: &'a [Indicator],
    /// Caveats computed by the caller (coverage, gaps, imports).
    pub caveats: Vec<String>,
    /// Sources for the methods paragraph (`studio-overview: 2 files, imported 2026-02-19`).
    pub sources: Vec<String>,
    /// The latest observation time, `YYYY-MM-DD`.
    pub data_as_of: Option<String>,
    /// Comments held.
    pub comments_held: i64,
}

fn pct(f: f64) -> String {
    format!("{:.1}%", f * 100.0)
}

fn indicator_value(i: &Indicator) -> Option<String> {
    let v = i.value?;
    Some(match i.unit {
        Unit::Count => crate::cell::group_thousands(v.round() as i64),
        Unit::Fraction => pct(v),
        Unit::Seconds => format!("{v:.1} s"),
    })
}

/// The indicator's value as a typed cell, so that CSV and JSON carry the
/// number (a count, a fraction in 0..1, seconds) and not its display text.
fn indicator_cell(i: &Indicator) -> Cell {
    match (i.value, i.unit) {
        (None, _) => Cell::Missing,
        (Some(v), Unit::Count) => Cell::Count(v.round() as i64),
        (Some(v), Unit::Fraction) => Cell::Percent(v, 1),
        (Some(v), Unit::Seconds) => Cell::Seconds(v),
    }
}

/// Pools a distribution over videos, weighting each by its views.
fn pooled_shares(
    videos: &[(Video, Metrics)],
    pick: fn(&Metrics) -> &Vec<uptake_model::Share>,
) -> Vec<(String, f64)> {
    let mut sums: HashMap<String, f64> = HashMap::new();
    let mut total = 0.0;
    for (_, m) in videos {
        let (Some(views), list) = (m.views, pick(m)) else {
            continue;
        };
        if list.is_empty() {
            continue;
        }
        total += views.value as f64;
        for s in list {
            *sums.entry(s.label.clone()).or_default() += s.fraction * views.value as f64;
        }
    }
    if total <= 0.0 {
        return Vec::new();
    }
    let mut out: Vec<(String, f64)> = sums.into_iter().map(|(k, v)| (k, v / total)).collect();
    out.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    out.truncate(10);
    out
}

/// Builds everything the report shows.
pub fn build_report(inputs: &ReportInputs) -> ReportData {
    let videos = inputs.videos;
    let mut table = video_table(videos, VideoTableOptions { machine: false });
    table.notes.retain(|n| !n.starts_with("Each metric"));

    // Growth: the chart (real observations of the most-viewed videos, and
    // the median of all by the rule of the table) and the 24h/7d/30d table.
    let empty = HashMap::new();
    let series_map = inputs.views_series.unwrap_or(&empty);
    let curve_inputs: Vec<CurveInput<'_>> = videos
        .iter()
        .map(|(v, _)| CurveInput {
            label: v
                .title
                .as_deref()
                .or(v.caption.as_deref())
                .unwrap_or(&v.platform_id),
            posted_at: v.created_at,
            observations: series_map
                .get(&v.platform_id)
                .map(Vec::as_slice)
                .unwrap_or(&[]),
        })
        .collect();
    let growth_curves = growth_curves(&curve_inputs);
    let mut growth_rows = Vec::new();
    let mut any_interpolated = false;
    let mut any_approximate = false;
    for (v, _) in videos {
        let obs = series_map
            .get(&v.platform_id)
            .map(Vec::as_slice)
            .unwrap_or(&[]);
        let mut row = vec![
            Cell::text(v.posted_on.map(|d| d.to_string())),
            Cell::text(v.title.clone().or(v.caption.clone())),
        ];
        for (_, age) in STANDARD_AGES_H {
            row.push(match views_at_age(v.created_at, obs, age) {
                Some(a) => {
                    // Resting on an abbreviated count (`47.6K`): `~`, as in
                    // every other table (docs/metrics.md).
                    let approximate = inputs.approximate_views.is_some_and(|set| {
                        a.from
                            .iter()
                            .any(|t| set.contains(&(v.platform_id.clone(), *t)))
                    });
                    let views = a.views.round() as i64;
                    any_approximate |= approximate;
                    match (a.interpolated, approximate) {
                        (true, _) => {
                            any_interpolated = true;
                            Cell::Text(format!(
                                "{}{}*",
                                if approximate { "~" } else { "" },
                                crate::cell::group_thousands(views)
                            ))
                        }
                        (false, true) => Cell::ApproxCount(views),
                        (false, false) => Cell::Count(views),
                    }
                }
                None => Cell::Missing,
            });
        }
        growth_rows.push(row);
    }
    let mut growth_notes = vec![AT_AGE_RULE.to_string()];
    if any_interpolated {
        growth_notes.push(INTERPOLATED_NOTE.into());
    }
    if any_approximate {
        growth_notes.push(APPROXIMATE_AT_AGE_NOTE.into());
    }
    let growth_table = Table {
        columns: vec![
            Column::text("Posted", "posted", 10),
            Column::text("Title", "title", 36),
            Column::number("Views at 24 h", "views_24h"),
            Column::number("Views at 7 d", "views_7d"),
            Column::number("Views at 30 d", "views_30d"),
        ],
        rows: growth_rows,
        summary: Vec::new(),
        notes: growth_notes,
    };

    let daily = |get: fn(&AccountDay) -> Option<i64>| -> Vec<DailyValue> {
        inputs
            .account_days
            .iter()
            .map(|d| DailyValue {
                date: d.date.to_string(),
                value: get(d).map(|v| v as f64),
            })
            .collect()
    };

    let indicators: Vec<IndicatorRow> = inputs
        .indicators
        .iter()
        .map(|i| IndicatorRow {
            stage: i.stage.to_string(),
            name: i.name.to_string(),
            value: indicator_value(i),
            cell: indicator_cell(i),
            formula: i.formula.to_string(),
            meaning: i.meaning.to_string(),
            needs: i.value.is_none().then(|| i.needs.to_string()),
        })
        .collect();

    ReportData {
        project: inputs.project.clone(),
        synthetic: inputs.synthetic,
        generated_at: inputs.generated_at.clone(),
        software: inputs.software.clone(),
        campaign: inputs.campaign.clone(),
        summary: summary_sentences(inputs),
        video_table: table,
        account_views: daily(|d| d.video_views),
        account_followers: daily(|d| d.followers),
        growth_curves,
        growth_table,
        traffic_sources: pooled_shares(videos, |m| &m.traffic_sources),
        territories: pooled_shares(videos, |m| &m.territories),
        indicators,
        caveats: inputs.caveats.clone(),
        methods: methods_paragraph(inputs),
    }
}

fn summary_sentences(inputs: &ReportInputs) -> Vec<String> {
    let videos = inputs.videos;
    let get = |name: &str| {
        inputs
            .indicators
            .iter()
            .find(|i| i.name == name)
            .and_then(|i| i.value)
    };
    let mut out = Vec::new();
    let dates: Vec<_> = videos.iter().filter_map(|(v, _)| v.posted_on).collect();
    let span = match (dates.iter().min(), dates.iter().max()) {
        (Some(a), Some(b)) if a != b => format!(" posted between {a} and {b}"),
        (Some(a), _) => format!(" posted on {a}"),
        _ => String::new(),
    };
    match get("views") {
        Some(v) => out.push(format!(
            "The {} videos{span} were played {} times{}.",
            videos.len(),
            crate::cell::group_thousands(v as i64),
            inputs
                .data_as_of
                .as_deref()
                .map(|d| format!(" (latest data: {d})"))
                .unwrap_or_default()
        )),
        None => out.push(format!(
            "{} videos{span}; no view counts were imported.",
            videos.len()
        )),
    }
    if let Some(s) = get("share_rate") {
        out.push(format!("People shared them {} times for every 100 views (share rate {}): viewers passed the videos on.", format_args!("{:.1}", s * 100.0), pct(s)));
    }
    if let Some(s) = get("save_rate") {
        out.push(format!("They were saved {} times per 100 views (save rate {}), a sign people wanted to come back to them.", format_args!("{:.1}", s * 100.0), pct(s)));
    }
    if let Some(f) = get("for_you_share") {
        // The For You feed serves followers too: the share says how views
        // arrived, not who the viewers were (black-box review).
        let n = inputs
            .indicators
            .iter()
            .find(|i| i.name == "for_you_share")
            .map_or(0, |i| i.n);
        out.push(format!(
            "{} of views came through TikTok's For You feed, its recommendations, which reach followers and non-followers alike (weighted by views, over the {} with a traffic-source breakdown).",
            pct(f),
            if n == 1 { "1 video".to_string() } else { format!("{n} videos") }
        ));
    }
    if let Some(t) = get("intended_territory_share") {
        out.push(format!(
            "{} of viewers were in the places the videos were made for.",
            pct(t)
        ));
    }
    let followers: Vec<(chrono::NaiveDate, i64)> = inputs
        .account_days
        .iter()
        .filter_map(|d| d.followers.map(|f| (d.date, f)))
        .collect();
    if let (Some(a), Some(b)) = (followers.first(), followers.last()) {
        if a.0 != b.0 {
            out.push(format!(
                "The account went from {} to {} followers between {} and {}{}.",
                crate::cell::group_thousands(a.1),
                crate::cell::group_thousands(b.1),
                a.0,
                b.0,
                // Followers are the account's: a campaign report must not
                // credit them to the campaign (black-box review).
                if inputs.campaign.is_some() {
                    " (the whole account's followers, not this campaign's alone)"
                } else {
                    ""
                }
            ));
        }
    }
    // How many comments a rate's denominator holds (the indicator's `n`).
    let analysed = |name: &str| {
        inputs
            .indicators
            .iter()
            .find(|i| i.name == name)
            .map_or(0, |i| i.n as i64)
    };
    let held = inputs.comments_held;
    // The rates are over the comments analysed: say so when those are not
    // all the comments collected (an import not yet analysed).
    let of_analysed = |n: i64, for_what: &str| {
        if n == held {
            format!(
                "Of {} comments collected",
                crate::cell::group_thousands(held)
            )
        } else {
            let waiting = if n < held {
                format!(
                    "; {} not analysed yet: run `uptake analyze`",
                    crate::cell::group_thousands(held - n)
                )
            } else {
                String::new()
            };
            format!(
                "Of the {} comments analysed{for_what} ({} collected{waiting})",
                crate::cell::group_thousands(n),
                crate::cell::group_thousands(held)
            )
        }
    };
    if inputs.comments_held > 0 {
        match (get("question_rate"), get("testimony_rate")) {
            (Some(q), Some(t)) => {
                let mut line = format!(
                    "{}, {} asked a question or named an information need and {} shared a personal experience",
                    of_analysed(analysed("question_rate"), ""),
                    pct(q),
                    pct(t)
                );
                if let (Some(i), Some(a)) = (get("intention_comments"), get("action_comments")) {
                    line.push_str(&format!("; {} stated an intention to act and {} reported acting", i as i64, a as i64));
                }
                line.push_str(" (rule-based reading of comments; see the indicator panel).");
                out.push(line);
                if let Some(h) = get("hostile_comment_rate") {
                    // Spam is not hostility: its own figure, in its own clause.
                    let spam = get("spam_comment_rate")
                        .map(|s| format!("; {} were flagged as spam, counted separately", pct(s)))
                        .unwrap_or_default();
                    let n = analysed("hostile_comment_rate");
                    let of = if n == held {
                        "of comments".to_string()
                    } else {
                        format!(
                            "of the {} comments analysed for safety",
                            crate::cell::group_thousands(n)
                        )
                    };
                    out.push(format!(
                        "{} {of} were flagged as hostile ({HOSTILE_MEANING}) for moderators to review{spam}.",
                        pct(h)
                    ));
                }
            }
            _ => out.push(format!(
                "{} comments were collected; what they say (questions, experiences, intentions, hostility) has not been analysed yet (`uptake analyze`).",
                crate::cell::group_thousands(inputs.comments_held)
            )),
        }
    }
    out.push("These numbers show reach and attention. They do not show that knowledge was understood or used; see the indicator panel for what is and is not measured.".into());
    out
}

fn methods_paragraph(inputs: &ReportInputs) -> String {
    let n = inputs.videos.len();
    let sources = if inputs.sources.is_empty() {
        "no imported sources".to_string()
    } else {
        inputs.sources.join("; ")
    };
    format!(
        "TikTok analytics for {n} videos were compiled with {software} from {sources}. \
         Each metric is the latest value observed for it{as_of}; values parsed from abbreviated \
         displays (e.g. 1.2K) are flagged as approximate. Rates use views as the denominator \
         (engagement rate = (likes + comments + shares) / views; share rate = shares / views; \
         save rate = saves / views); totals pool numerators and denominators over videos, and \
         medians with interquartile ranges (linear interpolation) describe the typical video. \
         Follower change was recomputed from daily follower totals. Definitions of every \
         indicator are in uptake's docs/metrics.md and docs/kmb-framework.md.{synthetic}",
        software = inputs.software,
        as_of = inputs
            .data_as_of
            .as_deref()
            .map(|d| format!(" (latest observation {d})"))
            .unwrap_or_default(),
        synthetic = if inputs.synthetic {
            " The data in this report are SYNTHETIC example data and are not research findings."
        } else {
            ""
        },
    )
}

/// The report as Markdown: summary, table, growth, indicators, caveats,
/// methods. Light enough for a chat message or an e-mail.
pub fn render_markdown_report(data: &ReportData) -> Result<String, crate::RenderError> {
    let mut out = String::new();
    let esc = |s: &str| crate::render::render_markdown_text(s);
    out.push_str(&format!("# {}\n\n", esc(&data.project)));
    if data.synthetic {
        out.push_str(
            "> **SYNTHETIC EXAMPLE DATA: not real TikTok data and not research findings.**\n\n",
        );
    }
    if let Some(c) = &data.campaign {
        out.push_str(&format!("Campaign: **{}**", esc(&c.name)));
        if let Some(t) = &c.output_title {
            out.push_str(&format!(" — {}", esc(t)));
        }
        if let Some(d) = &c.doi {
            out.push_str(&format!(" (doi:{})", esc(d)));
        }
        out.push_str("\n\n");
    }
    out.push_str("## Summary\n\n");
    for s in &data.summary {
        out.push_str(&format!("- {}\n", esc(s)));
    }
    out.push_str("\n## Videos\n\n");
    out.push_str(&render(&data.video_table, OutputFormat::Markdown)?);
    out.push_str("\n## Views after posting\n\n");
    out.push_str(&render(&data.growth_table, OutputFormat::Markdown)?);
    out.push_str("\n## KMb indicators\n\n| Stage | Indicator | Value | Formula |\n| :-- | :-- | --: | :-- |\n");
    for i in &data.indicators {
        out.push_str(&format!(
            "| {} | {} | {} | {} |\n",
            esc(&i.stage),
            esc(&i.name),
            i.value
                .as_deref()
                .map(esc)
                .unwrap_or_else(|| "not measured".into()),
            esc(&i.formula)
        ));
    }
    let unmeasured: Vec<&IndicatorRow> = data
        .indicators
        .iter()
        .filter(|i| i.value.is_none())
        .collect();
    if !unmeasured.is_empty() {
        out.push_str("\nNot measured, and what would measure them:\n\n");
        for i in unmeasured {
            out.push_str(&format!(
                "- `{}`: {}\n",
                i.name,
                esc(i.needs.as_deref().unwrap_or(""))
            ));
        }
    }
    out.push_str("\n## Data coverage and caveats\n\n");
    for c in &data.caveats {
        out.push_str(&format!("- {}\n", esc(c)));
    }
    out.push_str(&format!(
        "\n## Methods\n\n{}\n\n_Generated {} by {}._\n",
        esc(&data.methods),
        esc(&data.generated_at),
        esc(&data.software)
    ));
    Ok(out)
}

#[cfg(test)]
mod tests;
