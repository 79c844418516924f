//! Figures: a chart in a numbered `<figure>` with its caption and, in a
//! `<details>`, the table of the numbers behind it. Daily account series,
//! the growth curves' data and share bar charts (capped, with "Other").

use super::table::MISSING_HTML;
use super::{DailyValue, GrowthCurves, MIN_FOR_MEDIAN};
use crate::charts::{
    bar_chart, daily_chart, escape_xml_into, is_long_gap, plain_number, truncate_chars, ChartText,
};
use std::fmt::Write as _;

/// At most this many bars per share chart; the rest are pooled into "Other".
const MAX_BARS: usize = 10;

/// Opens a `<figure>`, writes the chart and its caption, and returns the
/// figure number.
pub(super) fn write_figure(
    out: &mut String,
    figures: &mut usize,
    svg: &str,
    caption: &str,
) -> usize {
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
    let _ = write!(out, "<details><summary>Numbers behind figure {n}</summary>");
    open_data_table(
        out,
        &format!("figure-{n}-data"),
        &format!("Data for figure {n}"),
        headers,
    );
}

/// Opens a scrollable table of a figure's numbers with its caption (`id`
/// must be unique in the page) and head.
fn open_data_table(out: &mut String, id: &str, caption: &str, headers: &[&str]) {
    let _ = write!(
        out,
        "<div class=\"table-wrap\" role=\"region\" aria-labelledby=\"{id}\" tabindex=\"0\"><table><caption id=\"{id}\">"
    );
    escape_xml_into(out, caption);
    out.push_str("</caption><thead><tr>");
    for h in headers {
        out.push_str("<th scope=\"col\">");
        escape_xml_into(out, h);
        out.push_str("</th>");
    }
    out.push_str("</tr></thead><tbody>");
}

fn close_data_table(out: &mut String) {
    out.push_str("</tbody></table></div>");
}

fn close_figure_data(out: &mut String) {
    close_data_table(out);
    out.push_str("</details></figure>");
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

pub(super) fn write_daily_figure(
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

/// The numbers behind the growth chart, exactly as drawn: each drawn
/// video's observations with the line that reaches each one, then the
/// median at each age with the number of videos behind it.
pub(super) fn write_curve_data(out: &mut String, n: usize, growth: &GrowthCurves) {
    let _ = write!(out, "<details><summary>Numbers behind figure {n}</summary>");
    open_data_table(
        out,
        &format!("figure-{n}-data"),
        &format!("Data for figure {n}: each video drawn, at each real observation"),
        &[
            "Video",
            "Days since posting",
            "Views",
            "Line from the previous observation",
        ],
    );
    for c in &growth.curves {
        let label = truncate_chars(&c.label, 60);
        let mut previous: Option<f64> = None;
        for p in c
            .points
            .iter()
            .filter(|p| p.x.is_finite() && p.y.is_finite())
        {
            out.push_str("<tr><th scope=\"row\">");
            escape_xml_into(out, &label);
            out.push_str("</th>");
            write_value_cell(out, Some(p.x));
            write_value_cell(out, Some(p.y));
            out.push_str(match previous {
                None => "<td>none (first observation)</td>",
                Some(x) if is_long_gap(x, p.x) => {
                    "<td>dotted: long gap, views not measured in between</td>"
                }
                Some(_) => "<td>solid</td>",
            });
            out.push_str("</tr>");
            previous = Some(p.x);
        }
    }
    close_data_table(out);
    if !growth.median.is_empty() {
        open_data_table(
            out,
            &format!("figure-{n}-median"),
            &format!(
                "Data for figure {n}: median of the videos with a value at each age (ages where fewer than {MIN_FOR_MEDIAN} have one are left out)"
            ),
            &[
                "Days since posting",
                "Median views",
                "Videos with a value at that age",
                "Line from the previous age",
            ],
        );
        for p in &growth.median {
            out.push_str("<tr><th scope=\"row\">");
            out.push_str(&plain_number(p.day));
            out.push_str("</th>");
            write_value_cell(out, Some(p.views));
            write_value_cell(out, Some(p.videos as f64));
            out.push_str(if p.joined {
                "<td>solid (the same videos)</td>"
            } else {
                "<td>none</td>"
            });
            out.push_str("</tr>");
        }
        close_data_table(out);
    }
    out.push_str("</details></figure>");
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

pub(super) fn write_share_figure(
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

#[cfg(test)]
mod tests {
    use super::*;
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
    fn curve_data_table_lists_what_is_drawn() {
        use crate::html::{MedianPoint, Point, Series};
        let p = |x: f64, y: f64| Point {
            x,
            y,
            interpolated: false,
        };
        let growth = GrowthCurves {
            curves: vec![
                Series {
                    label: "a <b>".into(),
                    points: vec![p(1.04, 47_600.0), p(7.06, 382_000.0), p(7.5, 390_000.0)],
                },
                Series {
                    label: "b".into(),
                    points: vec![p(1.0, 5.0)],
                },
            ],
            with_curve: 2,
            median: vec![MedianPoint {
                day: 1.0,
                views: 21_321.5,
                videos: 4,
                joined: false,
            }],
            ..GrowthCurves::default()
        };
        let mut out = String::new();
        write_curve_data(&mut out, 3, &growth);
        let rows: Vec<&str> = out.split("<tr>").skip(1).collect();
        assert_eq!(rows.len(), 1 + 4 + 1 + 1, "{out}");
        assert!(
            rows[1].starts_with(
                "<th scope=\"row\">a &lt;b&gt;</th><td class=\"num\">1.04</td><td class=\"num\">47,600</td><td>none (first observation)</td>"
            ),
            "{}",
            rows[1]
        );
        assert!(rows[2].contains("<td>dotted: long gap"), "{}", rows[2]);
        assert!(rows[3].contains("<td>solid</td>"), "{}", rows[3]);
        assert!(out.contains("<caption id=\"figure-3-median\">"), "{out}");
        assert!(
            rows[6].starts_with(
                "<th scope=\"row\">1</th><td class=\"num\">21,321.5</td><td class=\"num\">4</td><td>none</td>"
            ),
            "{}",
            rows[6]
        );
        assert!(out.ends_with("</details></figure>"));
    }
}
