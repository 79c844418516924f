//! Horizontal bar chart of shares (traffic sources, territories).

use super::{
    coord, escape_xml_into, nice_ticks, no_data_chart, sanitize_id, sentences, truncate_chars,
    ChartText, PALETTE, WIDTH,
};
use std::fmt::Write as _;

const LABEL_W: f64 = 200.0;
const RIGHT: f64 = 72.0;
const TOP: f64 = 12.0;
const ROW: f64 = 26.0;
const BAR_H: f64 = 16.0;

/// Formats a fraction as a percentage with one decimal (`0.123` → `12.3%`).
pub(crate) fn percent(fraction: f64) -> String {
    format!("{:.1}%", fraction * 100.0)
}

/// Renders `bars` (label, fraction) as horizontal bars in the given order,
/// each labelled with its percentage.
///
/// The scale runs from 0 to a round value at or above the largest share, so
/// that small shares stay visible; the description lists every bar with its
/// percentage. Negative, NaN and infinite values are left out; with nothing
/// left the chart says "No data".
pub fn bar_chart(text: &ChartText<'_>, bars: &[(String, f64)]) -> String {
    let kept: Vec<(&str, f64)> = bars
        .iter()
        .filter(|(_, v)| v.is_finite() && *v >= 0.0)
        .map(|(l, v)| (l.as_str(), *v))
        .collect();
    if kept.is_empty() {
        return no_data_chart(text);
    }
    let max = kept.iter().fold(0f64, |m, (_, v)| m.max(*v));
    let ticks = nice_ticks(0.0, if max > 0.0 { max } else { 1.0 }, 5);
    let top = ticks.last().copied().filter(|t| *t > 0.0).unwrap_or(1.0);
    let plot_w = WIDTH - LABEL_W - RIGHT;
    let scale = |v: f64| v / top * plot_w;
    let axis_y = TOP + kept.len() as f64 * ROW + 4.0;
    let height = axis_y + 24.0;

    let listed: Vec<String> = kept
        .iter()
        .map(|(l, v)| format!("{} {}", truncate_chars(l, 60), percent(*v)))
        .collect();
    let desc = sentences(&[
        text.desc,
        &format!("Horizontal bars, one per category: {}", listed.join("; ")),
    ]);
    let id = sanitize_id(text.id);
    let mut out = String::with_capacity(2048 + kept.len() * 400);
    super::open_svg(&mut out, &id, height, text.title, &desc);

    out.push_str("<g class=\"grid\" stroke=\"#d9d9d9\">");
    for t in &ticks {
        let x = coord(LABEL_W + scale(*t));
        let _ = write!(
            out,
            "<line x1=\"{x}\" y1=\"{}\" x2=\"{x}\" y2=\"{}\"/>",
            coord(TOP - 4.0),
            coord(axis_y)
        );
    }
    out.push_str("</g><g fill=\"#333333\">");
    for t in &ticks {
        let _ = write!(
            out,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\">{:.0}%</text>",
            coord(LABEL_W + scale(*t)),
            coord(axis_y + 16.0),
            t * 100.0
        );
    }
    out.push_str("</g>");
    for (i, (label, v)) in kept.iter().enumerate() {
        let y = TOP + i as f64 * ROW;
        let w = scale(*v);
        let _ = write!(
            out,
            "<g><text x=\"{}\" y=\"{}\" text-anchor=\"end\" fill=\"#1a1a1a\">",
            coord(LABEL_W - 8.0),
            coord(y + BAR_H / 2.0 + 4.0),
        );
        escape_xml_into(&mut out, &truncate_chars(label, 28));
        let _ = write!(
            out,
            "</text><rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{}\"/>\
             <text x=\"{}\" y=\"{}\" fill=\"#1a1a1a\">{}</text></g>",
            coord(LABEL_W),
            coord(y),
            coord(w),
            coord(BAR_H),
            PALETTE[0],
            coord(LABEL_W + w + 6.0),
            coord(y + BAR_H / 2.0 + 4.0),
            percent(*v),
        );
    }
    out.push_str("</svg>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text() -> ChartText<'static> {
        ChartText {
            id: "traffic",
            title: "Traffic sources",
            desc: "Share of views by source.",
            ..ChartText::default()
        }
    }

    #[test]
    fn bars_have_percent_labels_and_escaped_text() {
        let svg = bar_chart(
            &text(),
            &[
                ("For You".into(), 0.723),
                ("\"><img src=x onerror=alert(1)>".into(), 0.2),
                ("Search & other".into(), 0.077),
            ],
        );
        assert!(svg.contains(">72.3%</text>"), "{svg}");
        assert!(svg.contains(">7.7%</text>"));
        assert!(!svg.contains("<img"), "{svg}");
        assert!(svg.contains("Search &amp; other"));
        assert!(svg.contains("For You 72.3%; "), "desc lists values: {svg}");
        assert_eq!(svg.matches("<rect x=").count(), 3);
    }

    #[test]
    fn empty_negative_and_non_finite_values_say_no_data() {
        for bars in [
            vec![],
            vec![("a".to_string(), f64::NAN), ("b".to_string(), -0.5)],
            vec![("c".to_string(), f64::INFINITY)],
        ] {
            let svg = bar_chart(&text(), &bars);
            assert!(svg.contains(">No data</text>"), "{svg}");
            assert!(svg.contains("<title") && svg.contains("<desc"));
        }
    }

    #[test]
    fn all_zero_shares_still_render() {
        let svg = bar_chart(&text(), &[("a".into(), 0.0)]);
        assert!(svg.contains(">0.0%</text>"), "{svg}");
        assert!(!svg.contains("NaN"));
    }
}
