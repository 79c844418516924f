//! Figures: a chart in a numbered `<figure>` with its caption and, in a
//! `<details>`, the table of the numbers behind it. Daily account series,
//! the growth curves' data and share bar charts (capped, with "Other").

use super::table::MISSING_HTML;
use super::DailyValue;
use crate::charts::{
    bar_chart, daily_chart, escape_xml_into, plain_number, truncate_chars, ChartText, LineSeries,
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

/// The numbers behind the growth chart: one row per day, one column per
/// curve drawn.
pub(super) fn write_curve_data(out: &mut String, n: usize, series: &[LineSeries]) {
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
