//! The report's sections, one function each, in the order of the page:
//! summary, videos, account growth, growth curves, sources, indicators,
//! coverage and caveats, methods.

use super::figures::{write_curve_data, write_daily_figure, write_figure, write_share_figure};
use super::page::open_section;
use super::table::{write_html_table, write_with_code};
use super::text::{write_doi, write_link, write_list, write_text_element};
use super::{CurveSelection, DailyValue, ReportData};
use crate::charts::{escape_xml_into, line_chart, plain_number, ChartText};

pub(super) fn write_summary(out: &mut String, data: &ReportData) {
    open_section(out, "summary");
    if let Some(c) = &data.campaign {
        out.push_str("<div class=\"campaign\"><p><strong>Campaign:</strong> ");
        escape_xml_into(out, &c.name);
        out.push_str("</p>");
        if c.output_title.is_some() || c.doi.is_some() || c.link.is_some() {
            out.push_str("<p><strong>Research output:</strong> ");
            if let Some(t) = &c.output_title {
                out.push_str("<cite>");
                escape_xml_into(out, t);
                out.push_str("</cite> ");
            }
            if let Some(doi) = &c.doi {
                write_doi(out, doi);
                out.push(' ');
            }
            if let Some(link) = &c.link {
                write_link(out, link);
            }
            out.push_str("</p>");
        }
        out.push_str("</div>");
    }
    if data.summary.is_empty() {
        out.push_str("<p>No summary could be written: the project has no analysed data yet.</p>");
    } else {
        write_list(out, "summary-list", &data.summary);
    }
    out.push_str("</section>");
}

pub(super) fn write_videos(
    out: &mut String,
    data: &ReportData,
    spill: &mut dyn FnMut(&mut String),
) {
    open_section(out, "videos");
    if data.video_table.rows.is_empty() {
        out.push_str("<p>No videos have been imported.</p>");
    }
    write_html_table(
        out,
        &data.video_table,
        "video-table",
        "Table 1. Dissemination metrics per video (latest value of each metric), with total, median and interquartile range",
        spill,
    );
    out.push_str("</section>");
}

pub(super) fn write_account_growth(out: &mut String, data: &ReportData, figures: &mut usize) {
    open_section(out, "account-growth");
    write_daily_figure(
        out,
        figures,
        "chart-account-views",
        "video views",
        &data.account_views,
        true,
        "Daily video views of the account, as the daily exports report them. Hatched bands are days with no value in the export: a gap, not zero.",
    );
    write_daily_figure(
        out,
        figures,
        "chart-account-followers",
        "follower total",
        &data.account_followers,
        false,
        "Follower total at the end of each day. The vertical axis starts near the smallest total so that changes are visible. Hatched bands are days with no value.",
    );
    out.push_str("</section>");
}

pub(super) fn write_growth_curves(
    out: &mut String,
    data: &ReportData,
    selection: &CurveSelection,
    figures: &mut usize,
    spill: &mut dyn FnMut(&mut String),
) {
    open_section(out, "growth-curves");
    let explanation = selection.explanation();
    let desc = format!(
        "Cumulative views of each video by days since it was posted, at each real observation. {explanation}"
    );
    let svg = line_chart(
        &ChartText {
            id: "chart-growth",
            title: "Cumulative views by days since posting",
            desc: &desc,
            x_label: "Days since posting",
            y_label: "Cumulative views",
        },
        &selection.series,
    );
    let caption = format!(
        "Cumulative views by days since posting, from real observations only. {explanation}"
    );
    let n = write_figure(out, figures, &svg, &caption);
    if selection.series.is_empty() {
        out.push_str("</figure>");
    } else {
        write_curve_data(out, n, &data.growth_curves);
    }
    if !data.growth_table.columns.is_empty() {
        write_html_table(
            out,
            &data.growth_table,
            "growth-table",
            "Table 2. Views of each video at 24 hours, 7 days and 30 days after posting",
            spill,
        );
    }
    out.push_str("</section>");
}

pub(super) fn write_sources(out: &mut String, data: &ReportData, figures: &mut usize) {
    open_section(out, "sources");
    write_share_figure(
        out,
        figures,
        "chart-traffic-sources",
        "Traffic sources",
        "traffic source",
        &data.traffic_sources,
    );
    write_share_figure(
        out,
        figures,
        "chart-territories",
        "Territories",
        "viewer territory",
        &data.territories,
    );
    out.push_str("</section>");
}

pub(super) fn write_indicators(out: &mut String, data: &ReportData) {
    open_section(out, "indicators");
    out.push_str(
        "<p>TikTok's analytics measure reach and attention. Whether anyone understood, trusted or used the research \
         needs other data; an indicator without a value says which.</p>",
    );
    if data.indicators.is_empty() {
        out.push_str("<p>No indicators were computed.</p></section>");
        return;
    }
    out.push_str(
        "<div class=\"table-wrap\" role=\"region\" aria-labelledby=\"indicators-caption\" tabindex=\"0\">\
         <table class=\"indicators\"><caption id=\"indicators-caption\">Table 3. Knowledge-mobilisation indicators by stage, with definitions</caption>\
         <thead><tr><th scope=\"col\">Stage</th><th scope=\"col\">Indicator</th><th scope=\"col\">Value</th>\
         <th scope=\"col\">Formula</th><th scope=\"col\">What it means</th></tr></thead><tbody>",
    );
    for row in &data.indicators {
        out.push_str("<tr><td>");
        escape_xml_into(out, &row.stage);
        out.push_str("</td><th scope=\"row\"><code>");
        escape_xml_into(out, &row.name);
        out.push_str("</code></th>");
        match &row.value {
            Some(v) => {
                out.push_str("<td class=\"value\">");
                escape_xml_into(out, v);
            }
            None => {
                out.push_str(
                    "<td class=\"value\"><span class=\"not-measured\">not measured</span>",
                );
                if let Some(needs) = &row.needs {
                    out.push_str("<span class=\"needs\">Would need: ");
                    write_with_code(out, needs);
                    out.push_str("</span>");
                }
            }
        }
        out.push_str("</td><td><code>");
        escape_xml_into(out, &row.formula);
        out.push_str("</code></td>");
        write_text_element(out, "td", &row.meaning);
        out.push_str("</tr>");
    }
    out.push_str("</tbody></table></div></section>");
}

/// Days with a value out of the days between the first and last date, or
/// `None` when the dates cannot be read.
fn day_coverage(values: &[DailyValue]) -> Option<(usize, i64)> {
    let dates: Option<Vec<chrono::NaiveDate>> = values
        .iter()
        .map(|v| chrono::NaiveDate::parse_from_str(v.date.trim(), "%Y-%m-%d").ok())
        .collect();
    let dates = dates?;
    let (first, last) = (dates.iter().min()?, dates.iter().max()?);
    let mut with_value: Vec<chrono::NaiveDate> = dates
        .iter()
        .zip(values)
        .filter(|(_, v)| v.value.is_some_and(f64::is_finite))
        .map(|(d, _)| *d)
        .collect();
    with_value.sort_unstable();
    with_value.dedup();
    Some((with_value.len(), (*last - *first).num_days() + 1))
}

pub(super) fn write_coverage(out: &mut String, data: &ReportData, selection: &CurveSelection) {
    open_section(out, "coverage");
    let mut items = Vec::new();
    let videos = data.video_table.rows.len();
    items.push(format!(
        "The video table lists {} {}.",
        plain_number(videos as f64),
        if videos == 1 { "video" } else { "videos" }
    ));
    for (what, values) in [
        ("Daily account views", &data.account_views),
        ("Daily follower totals", &data.account_followers),
    ] {
        items.push(match day_coverage(values) {
            Some((with, span)) if span > 0 => format!(
                "{what}: {} of {} days between the first and last date have a value; the others are gaps in the exports, not zeros.",
                plain_number(with as f64),
                plain_number(span as f64)
            ),
            _ if values.is_empty() => format!("{what}: not imported."),
            _ => format!("{what}: {} rows.", plain_number(values.len() as f64)),
        });
    }
    items.push(format!("Growth chart: {}", selection.coverage()));
    items.extend(data.caveats.iter().cloned());
    write_list(out, "coverage-list", &items);
    out.push_str("</section>");
}

pub(super) fn write_methods(out: &mut String, data: &ReportData) {
    open_section(out, "methods");
    if data.methods.trim().is_empty() {
        out.push_str("<p>No methods paragraph was generated.</p></section>");
        return;
    }
    out.push_str(
        "<p class=\"meta\">Ready to paste into the methods section of a paper; check it against the tables above.</p>\
         <div class=\"methods\">",
    );
    for para in data
        .methods
        .split("\n\n")
        .map(str::trim)
        .filter(|p| !p.is_empty())
    {
        out.push_str("<p>");
        escape_xml_into(out, para);
        out.push_str("</p>");
    }
    out.push_str("</div></section>");
}
