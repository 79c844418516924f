//! SVG charts for the HTML report, rendered by hand so that the report stays
//! dependency-free and works offline.
//!
//! Every chart is a pure function that returns one `<svg>` string: sized by
//! `viewBox` (the page's CSS scales it), deterministic (same input, same
//! bytes), with `role="img"`, a `<title>` and a `<desc>` that states what is
//! plotted, the axis ranges and what dashed lines or hatched bands mean.
//! Colours come from the Okabe-Ito palette, which stays distinguishable for
//! the common forms of colour blindness. All text is passed through
//! [`escape_xml`]: titles, labels and captions come from the internet.
//!
//! - [`line_chart`]: several series over days (growth curves); interpolated
//!   points are hollow and the segments touching them dashed; a missing `y`
//!   breaks the line; in a growth curve, a segment across a long gap between
//!   observations is dotted ([`is_long_gap`]).
//! - [`bar_chart`]: horizontal bars of shares (traffic sources, territories).
//! - [`daily_chart`]: one dated daily series (account views, followers) with
//!   missing days drawn as hatched bands.
//!
//! A chart with nothing to plot says "No data" instead of failing; values
//! that are NaN or infinite are ignored.

mod bar;
mod daily;
mod line;

pub use bar::bar_chart;
pub use daily::daily_chart;
pub use line::{is_long_gap, line_chart, LinePoint, LineSeries, LineStyle};

use std::fmt::Write as _;

/// Okabe-Ito colours (Okabe & Ito 2008, "Color Universal Design"), without
/// black (kept for emphasis) and yellow (too light on white for thin lines).
pub const PALETTE: [&str; 6] = [
    "#0072B2", // blue
    "#E69F00", // orange
    "#009E73", // bluish green
    "#D55E00", // vermillion
    "#CC79A7", // reddish purple
    "#56B4E9", // sky blue
];

/// The colour used for emphasised series (a median curve) and bars.
pub const EMPHASIS: &str = "#000000";

/// Width of every chart's `viewBox`, in user units.
pub const WIDTH: f64 = 720.0;

/// The words around a chart: its id (for `aria-labelledby`), its title, a
/// description written by the caller, and the axis titles.
#[derive(Debug, Clone, Copy, Default)]
pub struct ChartText<'a> {
    /// Unique id in the page; only `[A-Za-z0-9_-]` are kept.
    pub id: &'a str,
    /// Short title (untrusted text is escaped).
    pub title: &'a str,
    /// What the chart shows, in a sentence or two; the chart appends the
    /// ranges and the meaning of its marks.
    pub desc: &'a str,
    /// Title of the x axis (`Days since posting`).
    pub x_label: &'a str,
    /// Title of the y axis (`Cumulative views`).
    pub y_label: &'a str,
}

/// Escapes `text` for XML and HTML text or a double- or single-quoted
/// attribute value.
///
/// `&`, `<`, `>`, `"` and `'` become entities; line breaks and tabs become
/// spaces; other control characters (which XML 1.0 forbids and which can
/// drive a terminal) and Unicode bidirectional overrides (which can make text
/// read differently from what it is) are dropped.
pub fn escape_xml(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    escape_xml_into(&mut out, text);
    out
}

/// [`escape_xml`], appending to `out` (no intermediate allocation).
pub fn escape_xml_into(out: &mut String, text: &str) {
    // Fast path: most text needs no change at all.
    if !text.chars().any(needs_escape) {
        out.push_str(text);
        return;
    }
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\n' | '\r' | '\t' => out.push(' '),
            c if is_dropped(c) => {}
            c => out.push(c),
        }
    }
}

fn needs_escape(c: char) -> bool {
    matches!(c, '&' | '<' | '>' | '"' | '\'') || is_dropped(c) || c.is_control()
}

fn is_dropped(c: char) -> bool {
    (c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
        || matches!(c, '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
        || matches!(c, '\u{fffe}' | '\u{ffff}')
}

/// Keeps only `[A-Za-z0-9_-]` of an id, so that it is safe in attributes and
/// `url(#…)` references; an empty result becomes `chart`.
pub fn sanitize_id(id: &str) -> String {
    let s: String = id
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_'))
        .collect();
    if s.is_empty() {
        "chart".into()
    } else {
        s
    }
}

/// Cuts `text` to at most `max` characters, ending with `…` when cut.
pub fn truncate_chars(text: &str, max: usize) -> String {
    if text.chars().count() <= max || max < 2 {
        return text.to_string();
    }
    let mut s: String = text.chars().take(max - 1).collect();
    s.push('…');
    s
}

/// "Nice" tick values covering `lo..=hi` with at most about `max_ticks`
/// ticks, spaced 1, 2 or 5 × 10ⁿ (Heckbert, "Nice numbers for graph
/// labels", Graphics Gems, 1990).
///
/// The first tick is ≤ `lo` and the last ≥ `hi`, so they can serve as the
/// axis range. Non-finite bounds give `[0, 1]`; `lo == hi` widens the range
/// to include a neighbouring tick.
pub fn nice_ticks(lo: f64, hi: f64, max_ticks: usize) -> Vec<f64> {
    if !lo.is_finite() || !hi.is_finite() {
        return vec![0.0, 1.0];
    }
    let (mut lo, mut hi) = if lo <= hi { (lo, hi) } else { (hi, lo) };
    if hi - lo < f64::EPSILON * hi.abs().max(1.0) {
        let pad = if lo == 0.0 { 1.0 } else { lo.abs() * 0.1 };
        if lo >= 0.0 && lo - pad < 0.0 {
            hi += pad;
        } else {
            lo -= pad;
            hi += pad;
        }
    }
    let max_ticks = max_ticks.clamp(2, 50);
    let (range_m, range_e) = nice_number(hi - lo, false);
    let range = range_m * 10f64.powi(range_e);
    let (m, e) = nice_number(range / (max_ticks - 1) as f64, true);
    // Ticks are computed as `integer × m / 10^-e` (or `× 10^e`) so that they
    // are the doubles nearest to the decimal values (0.6, not
    // 0.6000000000000001).
    let at = |k: f64| -> f64 {
        if e < 0 {
            k * m / 10f64.powi(-e)
        } else {
            k * m * 10f64.powi(e)
        }
    };
    let step = at(1.0);
    if !step.is_finite() || step <= 0.0 {
        return vec![lo, hi];
    }
    let first = (lo / step).floor();
    let last = (hi / step).ceil();
    let count = last - first;
    if !count.is_finite() || !(0.0..=100.0).contains(&count) {
        return vec![lo, hi];
    }
    (0..=count as usize)
        .map(|i| {
            let v = at(first + i as f64);
            // Avoid `-0`.
            if v == 0.0 {
                0.0
            } else {
                v
            }
        })
        .collect()
}

/// The nice number (1, 2, 5 or 10 × 10ⁿ) closest to `x` (`round`) or not
/// below it, as (mantissa, exponent).
fn nice_number(x: f64, round: bool) -> (f64, i32) {
    if x <= 0.0 || !x.is_finite() {
        return (1.0, 0);
    }
    let exp = x.log10().floor();
    let f = x / 10f64.powf(exp);
    let nice = if round {
        if f < 1.5 {
            1.0
        } else if f < 3.0 {
            2.0
        } else if f < 7.0 {
            5.0
        } else {
            10.0
        }
    } else if f <= 1.0 {
        1.0
    } else if f <= 2.0 {
        2.0
    } else if f <= 5.0 {
        5.0
    } else {
        10.0
    };
    (nice, exp as i32)
}

/// Formats tick labels for `ticks` compactly and consistently: `0, 5K, 10K`,
/// `0, 0.5M, 1.0M`, `0, 0.25, 0.50`. Thousands use `K` (from 10,000),
/// millions `M`, billions `B`; the number of decimals follows the tick step.
pub fn tick_labels(ticks: &[f64]) -> Vec<String> {
    let max = ticks.iter().fold(0f64, |m, v| m.max(v.abs()));
    let (unit, suffix) = if max >= 1e9 {
        (1e9, "B")
    } else if max >= 1e6 {
        (1e6, "M")
    } else if max >= 1e4 {
        (1e3, "K")
    } else {
        (1.0, "")
    };
    let step = ticks
        .windows(2)
        .map(|w| (w[1] - w[0]).abs())
        .fold(f64::INFINITY, f64::min);
    let decimals = if step.is_finite() {
        decimals_for(step / unit)
    } else {
        0
    };
    ticks
        .iter()
        .map(|v| {
            if *v == 0.0 {
                "0".to_string()
            } else {
                format!("{}{suffix}", crate::cell::group_decimal(v / unit, decimals))
            }
        })
        .collect()
}

/// The fewest decimals (0..=4) that show `step` exactly enough.
fn decimals_for(step: f64) -> usize {
    (0..=4)
        .find(|d| {
            let scaled = step * 10f64.powi(*d as i32);
            (scaled - scaled.round()).abs() < 1e-6 * scaled.abs().max(1.0)
        })
        .unwrap_or(4)
}

/// Formats a value for descriptions and data tables: whole numbers grouped
/// (`12,345`), others with up to two decimals (`0.25`, `1,234.5`).
pub fn plain_number(v: f64) -> String {
    if !v.is_finite() {
        return "–".into();
    }
    if v == v.trunc() && v.abs() < 9.0e15 {
        return crate::cell::group_thousands(v as i64);
    }
    let text = crate::cell::group_decimal(v, 2);
    let text = text.trim_end_matches('0');
    text.trim_end_matches('.').to_string()
}

/// Formats a coordinate with one decimal (deterministic, short).
/// Non-finite values (only reachable with absurd data ranges) become 0.
pub(crate) fn coord(v: f64) -> String {
    let v = (v * 10.0).round() / 10.0;
    if !v.is_finite() {
        return "0".into();
    }
    if v == v.trunc() {
        format!("{}", v as i64)
    } else {
        format!("{v:.1}")
    }
}

/// Writes the opening `<svg>` with its accessible name and description.
/// `desc` is written escaped.
pub(crate) fn open_svg(out: &mut String, id: &str, height: f64, title: &str, desc: &str) {
    let _ = write!(
        out,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" id=\"{id}\" viewBox=\"0 0 {w} {h}\" \
         role=\"img\" aria-labelledby=\"{id}-title\" aria-describedby=\"{id}-desc\" \
         font-family=\"system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif\" font-size=\"12\">\
         <title id=\"{id}-title\">",
        w = coord(WIDTH),
        h = coord(height),
    );
    escape_xml_into(out, title);
    let _ = write!(out, "</title><desc id=\"{id}-desc\">");
    escape_xml_into(out, desc);
    out.push_str("</desc>");
    let _ = write!(
        out,
        "<rect width=\"{}\" height=\"{}\" fill=\"#ffffff\"/>",
        coord(WIDTH),
        coord(height)
    );
}

/// A complete chart that says there is nothing to plot.
pub(crate) fn no_data_chart(text: &ChartText<'_>) -> String {
    let id = sanitize_id(text.id);
    let mut desc = String::from(text.desc);
    if !desc.is_empty() {
        desc.push(' ');
    }
    desc.push_str("No data to plot.");
    let mut out = String::with_capacity(600);
    open_svg(&mut out, &id, 80.0, text.title, &desc);
    let _ = write!(
        out,
        "<text x=\"{}\" y=\"46\" text-anchor=\"middle\" font-size=\"16\" fill=\"#444444\">No data</text></svg>",
        coord(WIDTH / 2.0)
    );
    out
}

/// Joins sentences, making sure each ends with a full stop.
pub(crate) fn sentences(parts: &[&str]) -> String {
    let mut out = String::new();
    for p in parts.iter().map(|p| p.trim()).filter(|p| !p.is_empty()) {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(p);
        if !p.ends_with(['.', '!', '?']) {
            out.push('.');
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_quotes() {
        assert_eq!(
            escape_xml("<script>alert(1)</script>"),
            "&lt;script&gt;alert(1)&lt;/script&gt;"
        );
        assert_eq!(
            escape_xml("\"><img src=x onerror=alert(1)>"),
            "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"
        );
        assert_eq!(escape_xml("R&D 'ok'"), "R&amp;D &#39;ok&#39;");
        assert_eq!(escape_xml("plain text é"), "plain text é");
    }

    #[test]
    fn escape_drops_controls_and_bidi_overrides() {
        assert_eq!(escape_xml("a\u{0}b\x1b[31mc"), "ab[31mc");
        assert_eq!(escape_xml("line\nbreak\ttab"), "line break tab");
        assert_eq!(escape_xml("abc\u{202e}fed"), "abcfed");
        assert_eq!(escape_xml("\u{85}x"), "x");
    }

    #[test]
    fn ids_are_sanitised() {
        assert_eq!(sanitize_id("a\"b c<d>"), "abcd");
        assert_eq!(sanitize_id("\"<>"), "chart");
    }

    #[test]
    fn ticks_are_nice_and_cover_the_range() {
        assert_eq!(
            nice_ticks(0.0, 97.0, 6),
            vec![0.0, 20.0, 40.0, 60.0, 80.0, 100.0]
        );
        assert_eq!(nice_ticks(0.0, 1.0, 6), vec![0.0, 0.2, 0.4, 0.6, 0.8, 1.0]);
        assert_eq!(nice_ticks(0.0, 0.0, 6), vec![0.0, 0.2, 0.4, 0.6, 0.8, 1.0]);
        let t = nice_ticks(1234.0, 98_765.0, 6);
        assert!(t[0] <= 1234.0 && *t.last().unwrap() >= 98_765.0, "{t:?}");
        assert!(t.len() <= 8, "{t:?}");
        assert_eq!(nice_ticks(f64::NAN, 1.0, 5), vec![0.0, 1.0]);
        assert_eq!(nice_ticks(0.0, f64::INFINITY, 5), vec![0.0, 1.0]);
        let big = nice_ticks(0.0, 1e300, 5);
        assert!(
            big.len() >= 2 && big.iter().all(|v| v.is_finite()),
            "{big:?}"
        );
        let reversed = nice_ticks(10.0, 0.0, 6);
        assert_eq!(reversed.first(), Some(&0.0));
    }

    #[test]
    fn tick_labels_are_compact() {
        assert_eq!(tick_labels(&[0.0, 5000.0, 10000.0]), vec!["0", "5K", "10K"]);
        assert_eq!(
            tick_labels(&[0.0, 500_000.0, 1_000_000.0]),
            vec!["0", "0.5M", "1.0M"]
        );
        assert_eq!(tick_labels(&[0.0, 0.25, 0.5]), vec!["0", "0.25", "0.50"]);
        assert_eq!(tick_labels(&[0.0, 200.0, 400.0]), vec!["0", "200", "400"]);
        assert_eq!(tick_labels(&[-20.0, 0.0, 20.0]), vec!["-20", "0", "20"]);
    }

    #[test]
    fn plain_numbers() {
        assert_eq!(plain_number(12345.0), "12,345");
        assert_eq!(plain_number(0.25), "0.25");
        assert_eq!(plain_number(1234.5), "1,234.5");
        assert_eq!(plain_number(f64::NAN), "–");
    }

    #[test]
    fn sentences_end_with_stops() {
        assert_eq!(sentences(&["a", "", "b."]), "a. b.");
    }
}
