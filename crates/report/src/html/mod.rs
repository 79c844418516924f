//! The offline HTML report (`uptake report`): one self-contained file for
//! partners, funders and papers.
//!
//! [`render_html`] turns a [`ReportData`] (everything computed beforehand)
//! into one HTML document with inline CSS (`html/report.css`, compiled
//! in) and inline SVG charts from [`crate::charts`]: no script, no web font,
//! no external request (a Content-Security-Policy forbids them as a second
//! line of defence). It is accessible (landmarks, headings in order, tables
//! with captions and scoped headers, every chart with a title, a description
//! and its numbers in a table) and prints cleanly. Every string from the
//! data is escaped; the output is deterministic and its size linear in the
//! data (growth curves are capped at the most-viewed few plus a median, see
//! [`select_growth_curves`]).

mod curves;
pub mod data;
mod table;

pub use curves::{select_growth_curves, CurveSelection, MAX_CURVES};
pub use data::{CampaignInfo, DailyValue, IndicatorRow, Point, ReportData, Series};
pub use table::render_html_table;

use crate::charts::{
    bar_chart, daily_chart, escape_xml_into, line_chart, plain_number, truncate_chars, ChartText,
    LineSeries,
};
use std::fmt::Write as _;
use table::{write_html_table, write_with_code, MISSING_HTML};

/// The notice shown at the top and bottom of a report made from synthetic
/// data, so that a screenshot or printout cannot be mistaken for findings.
pub const SYNTHETIC_NOTICE: &str =
    "SYNTHETIC EXAMPLE DATA: not real TikTok data and not research findings";

/// The stylesheet, inlined into every report.
const CSS: &str = include_str!("report.css");

/// At most this many bars per share chart; the rest are pooled into "Other".
const MAX_BARS: usize = 10;

/// The report's sections: id and heading, in order (the table of contents).
const SECTIONS: [(&str, &str); 8] = [
    ("summary", "Summary"),
    ("videos", "Videos"),
    ("account-growth", "Account growth"),
    ("growth-curves", "Views over time, per video"),
    ("sources", "Where the views came from"),
    ("indicators", "Knowledge-mobilisation indicators"),
    ("coverage", "Data coverage and caveats"),
    ("methods", "Methods"),
];

/// Renders the whole report as one self-contained HTML document.
///
/// Sections (each a `<section id=…>` with an `<h2>`): `summary`, `videos`,
/// `account-growth`, `growth-curves`, `sources`, `indicators`, `coverage`,
/// `methods`. When `data.synthetic` is set, [`SYNTHETIC_NOTICE`] is shown as
/// a banner in the header and again in the footer, and the document title
/// starts with `[SYNTHETIC]`.
pub fn render_html(data: &ReportData) -> String {
    let cells = data.video_table.rows.len() * data.video_table.columns.len().max(1);
    let mut out = String::with_capacity(96 * 1024 + cells * 64);
    render_into(data, &mut out, &mut |_: &mut String| {});
    out
}

/// Bytes gathered before [`render_html_to`] hands them to its writer.
const SPILL_AT: usize = 64 * 1024;

/// [`render_html`] written to `out` as it is rendered, a few tens of
/// kilobytes at a time, so that the whole document (116 MB for 100,000
/// videos) is never held in memory. The bytes are exactly those of
/// [`render_html`]. Wrap a file in a `std::io::BufWriter` or not: writes
/// are already large.
pub fn render_html_to<W: std::io::Write + ?Sized>(
    data: &ReportData,
    out: &mut W,
) -> std::io::Result<()> {
    let mut buf = String::with_capacity(2 * SPILL_AT);
    let mut failed: Option<std::io::Error> = None;
    let mut spill = |buf: &mut String| {
        if failed.is_none() {
            if let Err(e) = out.write_all(buf.as_bytes()) {
                failed = Some(e);
            }
        }
        buf.clear();
    };
    render_into(data, &mut buf, &mut |b: &mut String| {
        if b.len() >= SPILL_AT {
            spill(b);
        }
    });
    spill(&mut buf);
    match failed {
        Some(e) => Err(e),
        None => Ok(()),
    }
}

/// Renders the report into `out`, calling `spill` between pieces (sections,
/// table rows) with what has been gathered: `spill` may take the text away
/// (clear `out`) or leave it.
fn render_into(data: &ReportData, out: &mut String, spill: &mut dyn FnMut(&mut String)) {
    let project = if data.project.trim().is_empty() {
        "Untitled project"
    } else {
        data.project.as_str()
    };
    let mut figures = 0;

    write_head(out, data, project);
    out.push_str(
        "<body><a class=\"skip\" href=\"#main\">Skip to the report</a><div class=\"page\"><header>",
    );
    if data.synthetic {
        write_synthetic_banner(out);
    }
    out.push_str("<h1>");
    escape_xml_into(out, project);
    out.push_str(
        ": how the research videos travelled on TikTok</h1><p class=\"meta\">Report generated ",
    );
    escape_xml_into(out, &data.generated_at);
    out.push_str(" by ");
    escape_xml_into(out, &data.software);
    out.push_str(".</p></header><nav class=\"toc\" aria-label=\"Sections of this report\"><ol>");
    for (id, heading) in SECTIONS {
        let _ = write!(out, "<li><a href=\"#{id}\">{heading}</a></li>");
    }
    out.push_str("</ol></nav><main id=\"main\">");

    write_summary(out, data);
    spill(out);
    write_videos(out, data, spill);
    spill(out);
    write_account_growth(out, data, &mut figures);
    spill(out);
    let selection = select_growth_curves(&data.growth_curves);
    write_growth_curves(out, data, &selection, &mut figures, spill);
    spill(out);
    write_sources(out, data, &mut figures);
    write_indicators(out, data);
    write_coverage(out, data, &selection);
    write_methods(out, data);

    out.push_str("</main><footer>");
    if data.synthetic {
        write_synthetic_banner(out);
    }
    out.push_str("<p>Generated by ");
    escape_xml_into(out, &data.software);
    out.push_str(" on ");
    escape_xml_into(out, &data.generated_at);
    out.push_str(" for the project “");
    escape_xml_into(out, project);
    out.push_str(
        "”. This file is self-contained: it loads nothing from the network and runs no script.</p>",
    );
    if let Some(c) = &data.campaign {
        if let Some(doi) = &c.doi {
            out.push_str("<p>Research output: ");
            write_doi(out, doi);
            out.push_str("</p>");
        }
    }
    out.push_str("</footer></div></body></html>\n");
}

fn write_head(out: &mut String, data: &ReportData, project: &str) {
    out.push_str(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'\">\
         <meta name=\"generator\" content=\"",
    );
    escape_xml_into(out, &data.software);
    out.push_str("\"><title>");
    if data.synthetic {
        out.push_str("[SYNTHETIC] ");
    }
    escape_xml_into(out, project);
    out.push_str(" – TikTok dissemination report</title><style>\n");
    out.push_str(CSS);
    out.push_str("</style></head>");
}

fn write_synthetic_banner(out: &mut String) {
    let _ = write!(
        out,
        "<p class=\"synthetic-banner\" role=\"note\">{SYNTHETIC_NOTICE}</p>"
    );
}

fn open_section(out: &mut String, id: &str) {
    let heading = SECTIONS
        .iter()
        .find(|(i, _)| *i == id)
        .map_or(id, |(_, h)| *h);
    let _ = write!(
        out,
        "<section id=\"{id}\" aria-labelledby=\"{id}-h\"><h2 id=\"{id}-h\">{heading}</h2>"
    );
}

/// A paragraph (or list item) of untrusted text; `` `code` `` spans kept.
fn write_text_element(out: &mut String, tag: &str, text: &str) {
    let _ = write!(out, "<{tag}>");
    write_with_code(out, text);
    let _ = write!(out, "</{tag}>");
}

fn write_list(out: &mut String, class: &str, items: &[String]) {
    let _ = write!(out, "<ul class=\"{class}\">");
    for item in items {
        write_text_element(out, "li", item);
    }
    out.push_str("</ul>");
}

/// A DOI as a link to `https://doi.org/…` when it looks like one
/// (`10.` prefix, no spaces), as text otherwise.
fn write_doi(out: &mut String, doi: &str) {
    let doi = doi.trim();
    let doi = doi
        .strip_prefix("https://doi.org/")
        .or_else(|| doi.strip_prefix("doi:"))
        .unwrap_or(doi);
    if doi.starts_with("10.") && !doi.chars().any(|c| c.is_whitespace() || c.is_control()) {
        out.push_str("<a href=\"https://doi.org/");
        escape_xml_into(out, doi);
        out.push_str("\">doi:");
        escape_xml_into(out, doi);
        out.push_str("</a>");
    } else {
        out.push_str("doi:");
        escape_xml_into(out, doi);
    }
}

/// A link when `url` is an http(s) URL without spaces (never `javascript:`
/// or `data:`), plain text otherwise.
fn write_link(out: &mut String, url: &str) {
    let url = url.trim();
    let lower = url.to_ascii_lowercase();
    let safe = (lower.starts_with("https://") || lower.starts_with("http://"))
        && !url.chars().any(|c| c.is_whitespace() || c.is_control());
    if safe {
        out.push_str("<a href=\"");
        escape_xml_into(out, url);
        out.push_str("\">");
        escape_xml_into(out, url);
        out.push_str("</a>");
    } else {
        escape_xml_into(out, url);
    }
}

fn write_summary(out: &mut String, data: &ReportData) {
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

fn write_videos(out: &mut String, data: &ReportData, spill: &mut dyn FnMut(&mut String)) {
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

/// Opens a `<figure>`, writes the chart and its caption, and returns the
/// figure number.
fn write_figure(out: &mut String, figures: &mut usize, svg: &str, caption: &str) -> usize {
    *figures += 1;
    let n = *figures;
    let _ = write!(out, "<figure id=\"figure-{n}\">");
    out.push_str(svg);
    let _ = write!(out, "<figcaption><strong>Figure {n}.</strong> ");
    escape_xml_into(out, caption);
    out.push_str("</figcaption>");
    n
}

/// Opens the `<details>` holding a figure's numbers and the table head.
fn open_figure_data(out: &mut String, n: usize, headers: &[&str]) {
    let _ = write!(
        out,
        "<details><summary>Numbers behind figure {n}</summary><div class=\"table-wrap\" role=\"region\" \
         aria-labelledby=\"figure-{n}-data\" tabindex=\"0\"><table><caption id=\"figure-{n}-data\">Data for figure {n}</caption><thead><tr>"
    );
    for h in headers {
        out.push_str("<th scope=\"col\">");
        escape_xml_into(out, h);
        out.push_str("</th>");
    }
    out.push_str("</tr></thead><tbody>");
}

fn close_figure_data(out: &mut String) {
    out.push_str("</tbody></table></div></details></figure>");
}

fn write_value_cell(out: &mut String, value: Option<f64>) {
    match value.filter(|v| v.is_finite()) {
        Some(v) => {
            out.push_str("<td class=\"num\">");
            out.push_str(&plain_number(v));
        }
        None => {
            out.push_str("<td class=\"num missing\">");
            out.push_str(MISSING_HTML);
        }
    }
    out.push_str("</td>");
}

fn write_daily_figure(
    out: &mut String,
    figures: &mut usize,
    id: &str,
    what: &str,
    values: &[DailyValue],
    zero_based: bool,
    caption: &str,
) {
    let title = format!("Daily {what} of the account");
    let desc = format!("Line chart of the account's daily {what}.");
    let svg = daily_chart(
        &ChartText {
            id,
            title: &title,
            desc: &desc,
            x_label: "Date",
            y_label: &capitalise(what),
        },
        values,
        zero_based,
    );
    let n = write_figure(out, figures, &svg, caption);
    if values.is_empty() {
        out.push_str("</figure>");
        return;
    }
    open_figure_data(out, n, &["Date", &capitalise(what)]);
    for v in values {
        out.push_str("<tr><th scope=\"row\">");
        escape_xml_into(out, &v.date);
        out.push_str("</th>");
        write_value_cell(out, v.value);
        out.push_str("</tr>");
    }
    close_figure_data(out);
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

fn write_account_growth(out: &mut String, data: &ReportData, figures: &mut usize) {
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

fn write_growth_curves(
    out: &mut String,
    data: &ReportData,
    selection: &CurveSelection,
    figures: &mut usize,
    spill: &mut dyn FnMut(&mut String),
) {
    open_section(out, "growth-curves");
    let explanation = selection.explanation();
    let desc = format!(
        "Cumulative views of each video by days since it was posted. {}",
        if selection.total == 0 {
            ""
        } else {
            explanation.as_str()
        }
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
    let caption = if selection.total == 0 {
        "Cumulative views by days since posting: no video has more than one observation yet."
            .to_string()
    } else {
        format!(
            "Cumulative views by days since posting. {explanation} Dashed segments and hollow points are interpolated between observations, not observed."
        )
    };
    let n = write_figure(out, figures, &svg, &caption);
    if selection.series.is_empty() {
        out.push_str("</figure>");
    } else {
        write_curve_data(out, n, &selection.series);
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

/// The numbers behind the growth chart: one row per day, one column per
/// curve drawn.
fn write_curve_data(out: &mut String, n: usize, series: &[LineSeries]) {
    let labels: Vec<String> = series
        .iter()
        .map(|s| truncate_chars(&s.label, 40))
        .collect();
    let mut headers: Vec<&str> = vec!["Day"];
    headers.extend(labels.iter().map(String::as_str));
    open_figure_data(out, n, &headers);
    // (x, series index, y, interpolated), sorted by day then series.
    let mut cells: Vec<(f64, usize, Option<f64>, bool)> = series
        .iter()
        .enumerate()
        .flat_map(|(i, s)| {
            s.points
                .iter()
                .filter(|p| p.x.is_finite())
                .map(move |p| (p.x, i, p.y.filter(|y| y.is_finite()), p.interpolated))
        })
        .collect();
    cells.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    let mut i = 0;
    while i < cells.len() {
        let x = cells[i].0;
        out.push_str("<tr><th scope=\"row\">");
        out.push_str(&plain_number(x));
        out.push_str("</th>");
        let mut col = 0;
        while i < cells.len() && cells[i].0 == x {
            let (_, s, y, interpolated) = cells[i];
            i += 1;
            if s < col {
                continue; // a duplicate day in one series: keep the first
            }
            for _ in col..s {
                write_value_cell(out, None);
            }
            match y {
                Some(y) if interpolated => {
                    let _ = write!(
                        out,
                        "<td class=\"num\">{} <small>(interpolated)</small></td>",
                        plain_number(y)
                    );
                }
                _ => write_value_cell(out, y),
            }
            col = s + 1;
        }
        for _ in col..series.len() {
            write_value_cell(out, None);
        }
        out.push_str("</tr>");
    }
    close_figure_data(out);
}

/// The bars to draw: the largest `MAX_BARS - 1` shares and "Other" for the
/// rest when there are more than `MAX_BARS`.
fn capped_bars(items: &[(String, f64)]) -> Vec<(String, f64)> {
    let mut sorted: Vec<(String, f64)> = items
        .iter()
        .filter(|(_, v)| v.is_finite() && *v >= 0.0)
        .cloned()
        .collect();
    sorted.sort_by(|a, b| b.1.total_cmp(&a.1));
    if sorted.len() > MAX_BARS {
        let rest = sorted.split_off(MAX_BARS - 1);
        let share: f64 = rest.iter().map(|(_, v)| v).sum();
        sorted.push((format!("Other ({} more)", rest.len()), share));
    }
    sorted
}

fn write_share_figure(
    out: &mut String,
    figures: &mut usize,
    id: &str,
    heading: &str,
    what: &str,
    items: &[(String, f64)],
) {
    let _ = write!(out, "<h3>{heading}</h3>");
    let bars = capped_bars(items);
    let desc = format!("Share of video views by {what}, pooled over videos, largest first.");
    let svg = bar_chart(
        &ChartText {
            id,
            title: heading,
            desc: &desc,
            ..ChartText::default()
        },
        &bars,
    );
    let mut caption =
        format!("{heading}: share of views by {what}, pooled over the videos that report it.");
    if bars.len() < items.len() {
        caption.push_str(&format!(
            " The {} largest are drawn; the table lists all {}.",
            MAX_BARS - 1,
            items.len()
        ));
    }
    let n = write_figure(out, figures, &svg, &caption);
    if items.is_empty() {
        out.push_str("</figure>");
        return;
    }
    open_figure_data(out, n, &[&capitalise(what), "Share of views"]);
    for (label, share) in items {
        out.push_str("<tr><th scope=\"row\">");
        escape_xml_into(out, label);
        out.push_str("</th>");
        if share.is_finite() {
            let _ = write!(out, "<td class=\"num\">{:.1}%</td>", share * 100.0);
        } else {
            write_value_cell(out, None);
        }
        out.push_str("</tr>");
    }
    close_figure_data(out);
}

fn write_sources(out: &mut String, data: &ReportData, figures: &mut usize) {
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

fn write_indicators(out: &mut String, data: &ReportData) {
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

fn write_coverage(out: &mut String, data: &ReportData, selection: &CurveSelection) {
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
    if selection.total > 0 {
        let explanation = selection.explanation();
        let mut chars = explanation.chars();
        let lowered: String = chars
            .next()
            .map(|c| c.to_lowercase().chain(chars).collect())
            .unwrap_or_default();
        items.push(format!("Growth chart (figure 3): {lowered}"));
    }
    items.extend(data.caveats.iter().cloned());
    write_list(out, "coverage-list", &items);
    out.push_str("</section>");
}

fn write_methods(out: &mut String, data: &ReportData) {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_data_renders_every_section() {
        let html = render_html(&ReportData::default());
        for (id, _) in SECTIONS {
            assert!(html.contains(&format!("<section id=\"{id}\"")), "{id}");
        }
        assert!(html.contains("Untitled project"));
        assert!(html.matches(">No data</text>").count() >= 4, "{html}");
        assert!(!html.contains(SYNTHETIC_NOTICE));
    }

    #[test]
    fn streamed_report_is_byte_identical() {
        use crate::{Cell, Column, Table};
        let rows = (0..3000)
            .map(|i| {
                vec![
                    Cell::Text(format!("video <{i}> “title” with some words")),
                    Cell::Count(i * 1000),
                ]
            })
            .collect();
        let data = ReportData {
            synthetic: true,
            video_table: Table {
                columns: vec![
                    Column::text("Title", "title", 36),
                    Column::number("Views", "views"),
                ],
                rows,
                ..Table::default()
            },
            ..ReportData::default()
        };
        let whole = render_html(&data);
        assert!(whole.len() > 3 * SPILL_AT);
        let mut streamed = Vec::new();
        assert!(render_html_to(&data, &mut streamed).is_ok());
        assert!(streamed == whole.as_bytes());
    }

    #[test]
    fn synthetic_banner_top_and_bottom() {
        let html = render_html(&ReportData {
            synthetic: true,
            ..ReportData::default()
        });
        assert_eq!(html.matches(SYNTHETIC_NOTICE).count(), 2);
        assert!(html.contains("<title>[SYNTHETIC] "));
    }

    #[test]
    fn links_are_only_http_and_escaped() {
        let mut out = String::new();
        write_link(&mut out, "javascript:alert(1)");
        assert_eq!(out, "javascript:alert(1)");
        out.clear();
        write_link(&mut out, "https://x.org/?a=\"><script>");
        assert_eq!(
            out,
            "<a href=\"https://x.org/?a=&quot;&gt;&lt;script&gt;\">https://x.org/?a=&quot;&gt;&lt;script&gt;</a>"
        );
        out.clear();
        write_doi(&mut out, "https://doi.org/10.2196/30315");
        assert_eq!(
            out,
            "<a href=\"https://doi.org/10.2196/30315\">doi:10.2196/30315</a>"
        );
        out.clear();
        write_doi(&mut out, "not a doi");
        assert_eq!(out, "doi:not a doi");
    }

    #[test]
    fn shares_are_capped_with_other() {
        let items: Vec<(String, f64)> = (0..15)
            .map(|i| (format!("c{i}"), 0.01 * i as f64))
            .collect();
        let bars = capped_bars(&items);
        assert_eq!(bars.len(), MAX_BARS);
        assert_eq!(bars[0].0, "c14");
        assert_eq!(bars[MAX_BARS - 1].0, "Other (6 more)");
    }

    #[test]
    fn curve_data_table_aligns_columns() {
        use crate::charts::{LinePoint, LineStyle};
        let p = |x: f64, y: f64, interpolated| LinePoint {
            x,
            y: Some(y),
            interpolated,
        };
        let series = vec![
            LineSeries {
                label: "a".into(),
                points: vec![p(0.0, 1.0, false), p(2.0, 3.0, true)],
                style: LineStyle::Normal,
            },
            LineSeries {
                label: "b".into(),
                points: vec![p(1.0, 5.0, false), p(2.0, 6.0, false)],
                style: LineStyle::Normal,
            },
        ];
        let mut out = String::new();
        write_curve_data(&mut out, 1, &series);
        let rows: Vec<&str> = out.split("<tr>").skip(2).collect();
        assert_eq!(rows.len(), 3, "{out}");
        assert!(
            rows[0].starts_with(
                "<th scope=\"row\">0</th><td class=\"num\">1</td><td class=\"num missing\">"
            ),
            "{}",
            rows[0]
        );
        assert!(
            rows[1].contains("<td class=\"num missing\">"),
            "{}",
            rows[1]
        );
        assert!(
            rows[2].contains("3 <small>(interpolated)</small>"),
            "{}",
            rows[2]
        );
    }
}
