//! Line chart: several series over a numeric x (days), e.g. per-video growth
//! curves.

use super::{
    coord, escape_xml_into, nice_ticks, no_data_chart, plain_number, sanitize_id, sentences,
    tick_labels, truncate_chars, ChartText, EMPHASIS, PALETTE, WIDTH,
};
use crate::html::Point;
use std::fmt::Write as _;

/// How a series is drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum LineStyle {
    /// A thin line in the next palette colour.
    #[default]
    Normal,
    /// A thick black line (a median or reference curve).
    Emphasis,
}

/// One point of a line series.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LinePoint {
    /// x value (days). A non-finite x is ignored.
    pub x: f64,
    /// y value; `None` (or NaN/infinite) is a gap that breaks the line.
    pub y: Option<f64>,
    /// True when the value was interpolated between observations: drawn
    /// hollow, with dashed segments on either side.
    pub interpolated: bool,
}

impl From<&Point> for LinePoint {
    fn from(p: &Point) -> LinePoint {
        LinePoint {
            x: p.x,
            y: Some(p.y),
            interpolated: p.interpolated,
        }
    }
}

/// A named series for [`line_chart`].
#[derive(Debug, Clone, PartialEq, Default)]
pub struct LineSeries {
    /// Legend label (untrusted; escaped, cut to 42 characters in the legend).
    pub label: String,
    /// Points in x order.
    pub points: Vec<LinePoint>,
    /// How the series is drawn.
    pub style: LineStyle,
    /// For growth curves, where x is the age in days since posting: a
    /// segment between two points further apart than the age of the earlier
    /// one (see [`is_long_gap`]) is dotted, and the legend says that the
    /// views in between were not measured.
    pub long_gaps: bool,
}

/// True when two observations at ages `from` and `to` (days since posting)
/// are further apart than the age of the earlier one, and more than twice
/// the tolerance of `views_at_age` (2 hours): `views_at_age` then has no
/// value at the ages just after `from`, and a straight line there would
/// invent the growth. A growth chart draws such a segment dotted.
pub fn is_long_gap(from: f64, to: f64) -> bool {
    let tolerance_days = uptake_analysis::metrics::growth::AT_AGE_TOLERANCE_H / 24.0;
    to - from > from.max(2.0 * tolerance_days)
}

pub(super) const LEFT: f64 = 72.0;
pub(super) const RIGHT: f64 = 24.0;
pub(super) const TOP: f64 = 16.0;
pub(super) const PLOT_H: f64 = 280.0;
const LEGEND_ROW: f64 = 20.0;
const LEGEND_COL: f64 = 352.0;
/// Left edge of the legend.
const LEGEND_LEFT: f64 = 16.0;
/// Legend labels are cut to this many characters so two columns fit.
const LEGEND_CHARS: usize = 42;
/// Series with more points than this get markers only where interpolated.
const MAX_MARKED_POINTS: usize = 120;

fn usable(p: &LinePoint) -> Option<(f64, f64)> {
    match p.y {
        Some(y) if p.x.is_finite() && y.is_finite() => Some((p.x, y)),
        _ => None,
    }
}

/// Renders `series` as an SVG line chart with `text` as its title,
/// description and axis titles.
///
/// Segments touching an interpolated point are dashed and the point is a
/// hollow circle; the legend and description say so. A gap (`None`, NaN or
/// infinite y) breaks the line. With nothing to plot, the chart says
/// "No data".
pub fn line_chart(text: &ChartText<'_>, series: &[LineSeries]) -> String {
    let mut x_range = (f64::INFINITY, f64::NEG_INFINITY);
    let mut y_range = (0f64, f64::NEG_INFINITY);
    let mut any_interpolated = false;
    let mut any_gap = false;
    let mut any_dotted = false;
    for s in series {
        for p in &s.points {
            match usable(p) {
                Some((x, y)) => {
                    x_range = (x_range.0.min(x), x_range.1.max(x));
                    y_range = (y_range.0.min(y), y_range.1.max(y));
                    any_interpolated |= p.interpolated;
                }
                None => any_gap |= p.x.is_finite(),
            }
        }
        any_dotted |= s.long_gaps
            && segments(s)
                .iter()
                .any(|(a, b)| !a.interpolated && !b.interpolated && is_long_gap(a.x, b.x));
    }
    if !x_range.0.is_finite() || !y_range.1.is_finite() {
        return no_data_chart(text);
    }
    let x_ticks = nice_ticks(x_range.0, x_range.1, 8);
    let y_ticks = nice_ticks(y_range.0, y_range.1, 6);
    let (x0, x1) = axis_bounds(&x_ticks);
    let (y0, y1) = axis_bounds(&y_ticks);
    let plot_w = WIDTH - LEFT - RIGHT;
    let px = |x: f64| LEFT + (x - x0) / (x1 - x0) * plot_w;
    let py = |y: f64| TOP + PLOT_H - (y - y0) / (y1 - y0) * PLOT_H;

    let legend_entries = series.len() + usize::from(any_interpolated) + usize::from(any_dotted);
    let legend_top = TOP + PLOT_H + 58.0;
    let height = legend_top + legend_entries.div_ceil(2) as f64 * LEGEND_ROW + 8.0;

    let id = sanitize_id(text.id);
    let marks = Marks {
        interpolated: any_interpolated,
        gap: any_gap,
        dotted: any_dotted,
    };
    let desc = describe(text, series, (x0, x1), (y0, y1), marks);
    let mut out = String::with_capacity(4096 + series.len() * 2048);
    super::open_svg(&mut out, &id, height, text.title, &desc);
    axes(
        &mut out,
        text,
        &x_ticks,
        &tick_labels(&x_ticks),
        &y_ticks,
        &px,
        &py,
    );

    let mut normal_index = 0;
    for s in series {
        let colour = colour_of(s.style, &mut normal_index);
        draw_series(&mut out, s, colour, &px, &py);
    }

    // Legend, two columns.
    let mut normal_index = 0;
    for (i, s) in series.iter().enumerate() {
        let colour = colour_of(s.style, &mut normal_index);
        let (lx, ly) = legend_slot(i, legend_top);
        let width = stroke_width(s.style);
        let _ = write!(
            out,
            "<g><line x1=\"{}\" y1=\"{ly}\" x2=\"{}\" y2=\"{ly}\" stroke=\"{colour}\" stroke-width=\"{width}\"/>",
            coord(lx),
            coord(lx + 24.0),
        );
        let r = match s.style {
            LineStyle::Normal => "3",
            LineStyle::Emphasis => "4",
        };
        let _ = write!(
            out,
            "<circle cx=\"{}\" cy=\"{ly}\" r=\"{r}\" fill=\"{colour}\"/>",
            coord(lx + 12.0)
        );
        let _ = write!(
            out,
            "<text x=\"{}\" y=\"{}\">",
            coord(lx + 30.0),
            coord(ly + 4.0)
        );
        escape_xml_into(&mut out, &truncate_chars(&s.label, LEGEND_CHARS));
        out.push_str("</text></g>");
    }
    if any_interpolated {
        let (lx, ly) = legend_slot(series.len(), legend_top);
        let _ = write!(
            out,
            "<g><line x1=\"{}\" y1=\"{ly}\" x2=\"{}\" y2=\"{ly}\" stroke=\"#555555\" stroke-width=\"2\" stroke-dasharray=\"5 4\"/>\
             <circle cx=\"{}\" cy=\"{ly}\" r=\"3.5\" fill=\"#ffffff\" stroke=\"#555555\" stroke-width=\"1.5\"/>\
             <text x=\"{}\" y=\"{}\">Hollow point, dashed: interpolated</text></g>",
            coord(lx),
            coord(lx + 24.0),
            coord(lx + 12.0),
            coord(lx + 30.0),
            coord(ly + 4.0),
        );
    }
    if any_dotted {
        let (lx, ly) = legend_slot(series.len() + usize::from(any_interpolated), legend_top);
        let _ = write!(
            out,
            "<g><line x1=\"{}\" y1=\"{ly}\" x2=\"{}\" y2=\"{ly}\" stroke=\"#555555\" stroke-width=\"2\" stroke-dasharray=\"{DOTTED}\" stroke-linecap=\"round\"/>\
             <text x=\"{}\" y=\"{}\">Dotted: long gap, views not measured</text></g>",
            coord(lx),
            coord(lx + 24.0),
            coord(lx + 30.0),
            coord(ly + 4.0),
        );
    }
    out.push_str("</svg>");
    out
}

fn axis_bounds(ticks: &[f64]) -> (f64, f64) {
    let lo = ticks.first().copied().unwrap_or(0.0);
    let hi = ticks.last().copied().unwrap_or(1.0);
    if hi > lo {
        (lo, hi)
    } else {
        (lo, lo + 1.0)
    }
}

fn colour_of(style: LineStyle, normal_index: &mut usize) -> &'static str {
    match style {
        LineStyle::Emphasis => EMPHASIS,
        LineStyle::Normal => {
            let c = PALETTE[*normal_index % PALETTE.len()];
            *normal_index += 1;
            c
        }
    }
}

fn stroke_width(style: LineStyle) -> &'static str {
    match style {
        LineStyle::Normal => "2",
        LineStyle::Emphasis => "3.5",
    }
}

fn legend_slot(i: usize, legend_top: f64) -> (f64, f64) {
    let col = (i % 2) as f64;
    let row = (i / 2) as f64;
    (
        LEGEND_LEFT + col * LEGEND_COL,
        legend_top + row * LEGEND_ROW,
    )
}

/// Grid, ticks, tick labels and axis titles shared by the line charts.
pub(super) fn axes(
    out: &mut String,
    text: &ChartText<'_>,
    x_ticks: &[f64],
    x_labels: &[String],
    y_ticks: &[f64],
    px: &dyn Fn(f64) -> f64,
    py: &dyn Fn(f64) -> f64,
) {
    let right = WIDTH - RIGHT;
    let bottom = TOP + PLOT_H;
    out.push_str("<g class=\"grid\" stroke=\"#d9d9d9\" stroke-width=\"1\">");
    for y in y_ticks {
        let _ = write!(
            out,
            "<line x1=\"{}\" y1=\"{y}\" x2=\"{}\" y2=\"{y}\"/>",
            coord(LEFT),
            coord(right),
            y = coord(py(*y)),
        );
    }
    out.push_str("</g><g class=\"axis\" fill=\"#333333\">");
    for (y, label) in y_ticks.iter().zip(tick_labels(y_ticks)) {
        let _ = write!(
            out,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"end\">{label}</text>",
            coord(LEFT - 6.0),
            coord(py(*y) + 4.0),
        );
    }
    for (x, label) in x_ticks.iter().zip(x_labels) {
        let _ = write!(
            out,
            "<line x1=\"{x}\" y1=\"{b}\" x2=\"{x}\" y2=\"{b5}\" stroke=\"#333333\"/>\
             <text x=\"{x}\" y=\"{ty}\" text-anchor=\"middle\">",
            x = coord(px(*x)),
            b = coord(bottom),
            b5 = coord(bottom + 5.0),
            ty = coord(bottom + 18.0),
        );
        escape_xml_into(out, label);
        out.push_str("</text>");
    }
    let _ = write!(
        out,
        "<line x1=\"{l}\" y1=\"{b}\" x2=\"{r}\" y2=\"{b}\" stroke=\"#333333\"/>\
         <line x1=\"{l}\" y1=\"{t}\" x2=\"{l}\" y2=\"{b}\" stroke=\"#333333\"/>",
        l = coord(LEFT),
        r = coord(right),
        b = coord(bottom),
        t = coord(TOP),
    );
    let _ = write!(
        out,
        "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\" font-weight=\"600\">",
        coord(LEFT + (right - LEFT) / 2.0),
        coord(bottom + 38.0),
    );
    escape_xml_into(out, text.x_label);
    let _ = write!(
        out,
        "</text><text transform=\"translate(16 {}) rotate(-90)\" text-anchor=\"middle\" font-weight=\"600\">",
        coord(TOP + PLOT_H / 2.0),
    );
    escape_xml_into(out, text.y_label);
    out.push_str("</text></g>");
}

/// Appends one path segment, continuing the current subpath when it starts
/// where the last one ended.
fn segment(d: &mut String, end: &mut Option<(f64, f64)>, from: (f64, f64), to: (f64, f64)) {
    if *end != Some(from) {
        let _ = write!(d, "M{} {}", coord(from.0), coord(from.1));
    }
    let _ = write!(d, "L{} {}", coord(to.0), coord(to.1));
    *end = Some(to);
}

/// The pairs of consecutive usable points that a line joins, as
/// [`draw_series`] draws them (a point with a non-finite x is skipped, a
/// missing y breaks the line).
fn segments(s: &LineSeries) -> Vec<(&LinePoint, &LinePoint)> {
    let mut out = Vec::new();
    let mut prev: Option<&LinePoint> = None;
    for p in &s.points {
        if !p.x.is_finite() {
            continue;
        }
        if usable(p).is_none() {
            prev = None;
            continue;
        }
        if let Some(a) = prev {
            out.push((a, p));
        }
        prev = Some(p);
    }
    out
}

/// The dash pattern of a long gap: dots, unlike the dashes of interpolated
/// segments.
const DOTTED: &str = "1 5";

fn draw_series(
    out: &mut String,
    s: &LineSeries,
    colour: &str,
    px: &dyn Fn(f64) -> f64,
    py: &dyn Fn(f64) -> f64,
) {
    let mut solid = String::new();
    let mut dashed = String::new();
    let mut dotted = String::new();
    let (mut solid_end, mut dashed_end, mut dotted_end) = (None, None, None);
    // (pixel position, interpolated, x) of the previous usable point.
    let mut prev: Option<((f64, f64), bool, f64)> = None;
    // Whether each point has a segment on either side: a point with none
    // would be invisible without a marker.
    let mut joined = vec![false; s.points.len()];
    let mut prev_index = 0;
    for (i, p) in s.points.iter().enumerate() {
        if !p.x.is_finite() {
            continue;
        }
        let Some((x, y)) = usable(p) else {
            prev = None;
            continue;
        };
        let here = (px(x), py(y));
        if let Some((from, from_interp, from_x)) = prev {
            if from_interp || p.interpolated {
                segment(&mut dashed, &mut dashed_end, from, here);
            } else if s.long_gaps && is_long_gap(from_x, x) {
                segment(&mut dotted, &mut dotted_end, from, here);
            } else {
                segment(&mut solid, &mut solid_end, from, here);
            }
            joined[prev_index] = true;
            joined[i] = true;
        }
        prev = Some((here, p.interpolated, x));
        prev_index = i;
    }
    let width = stroke_width(s.style);
    out.push_str("<g>");
    if !solid.is_empty() {
        let _ = write!(
            out,
            "<path d=\"{solid}\" fill=\"none\" stroke=\"{colour}\" stroke-width=\"{width}\" stroke-linejoin=\"round\"/>"
        );
    }
    if !dashed.is_empty() {
        let _ = write!(
            out,
            "<path d=\"{dashed}\" fill=\"none\" stroke=\"{colour}\" stroke-width=\"{width}\" stroke-dasharray=\"5 4\"/>"
        );
    }
    if !dotted.is_empty() {
        let _ = write!(
            out,
            "<path d=\"{dotted}\" fill=\"none\" stroke=\"{colour}\" stroke-width=\"{width}\" stroke-dasharray=\"{DOTTED}\" stroke-linecap=\"round\"/>"
        );
    }
    // A summary curve (median) is a line, not observations: markers only
    // where a point stands alone, so that it is seen at all.
    let mark_all = s.style == LineStyle::Normal && s.points.len() <= MAX_MARKED_POINTS;
    for (p, joined) in s.points.iter().zip(&joined) {
        let Some((x, y)) = usable(p) else { continue };
        if p.interpolated {
            let _ = write!(
                out,
                "<circle cx=\"{}\" cy=\"{}\" r=\"3.5\" fill=\"#ffffff\" stroke=\"{colour}\" stroke-width=\"1.5\"/>",
                coord(px(x)),
                coord(py(y)),
            );
        } else if mark_all || !joined {
            let r = match s.style {
                LineStyle::Normal => "2.5",
                LineStyle::Emphasis => "4",
            };
            let _ = write!(
                out,
                "<circle cx=\"{}\" cy=\"{}\" r=\"{r}\" fill=\"{colour}\"/>",
                coord(px(x)),
                coord(py(y)),
            );
        }
    }
    out.push_str("</g>");
}

/// Which marks a chart uses, for its description and legend.
#[derive(Clone, Copy)]
struct Marks {
    interpolated: bool,
    gap: bool,
    dotted: bool,
}

fn describe(
    text: &ChartText<'_>,
    series: &[LineSeries],
    (x0, x1): (f64, f64),
    (y0, y1): (f64, f64),
    marks: Marks,
) -> String {
    let axes = format!(
        "Horizontal axis: {}, {} to {}. Vertical axis: {}, {} to {}",
        text.x_label,
        plain_number(x0),
        plain_number(x1),
        text.y_label,
        plain_number(y0),
        plain_number(y1),
    );
    let labels: Vec<String> = series
        .iter()
        .map(|s| truncate_chars(&s.label, 60))
        .collect();
    let listed = match series.len() {
        1 => "1 line".to_string(),
        n => format!("{n} lines"),
    };
    let listed = format!("{listed}: {}", labels.join("; "));
    let interpolated = if marks.interpolated {
        "Hollow points and dashed segments are interpolated between observations, not observed"
    } else {
        ""
    };
    let dotted = if marks.dotted {
        "Dotted segments join observations further apart than the age of the earlier one: the views between them were not measured"
    } else {
        ""
    };
    let gaps = if marks.gap {
        "A break in a line is a missing value"
    } else {
        ""
    };
    sentences(&[text.desc, &axes, &listed, interpolated, dotted, gaps])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text() -> ChartText<'static> {
        ChartText {
            id: "growth",
            title: "Views by day",
            desc: "Cumulative views.",
            x_label: "Days since posting",
            y_label: "Views",
        }
    }

    fn pt(x: f64, y: Option<f64>, interpolated: bool) -> LinePoint {
        LinePoint { x, y, interpolated }
    }

    #[test]
    fn draws_series_with_title_desc_and_legend() {
        let s = vec![
            LineSeries {
                label: "<script>alert(1)</script>".into(),
                points: vec![pt(0.0, Some(0.0), false), pt(1.0, Some(10.0), false)],
                style: LineStyle::Normal,
                long_gaps: false,
            },
            LineSeries {
                label: "Median".into(),
                points: vec![pt(0.0, Some(0.0), false), pt(1.0, Some(5.0), false)],
                style: LineStyle::Emphasis,
                long_gaps: false,
            },
        ];
        let svg = line_chart(&text(), &s);
        assert!(svg.starts_with("<svg"), "{svg}");
        assert!(svg.ends_with("</svg>"));
        assert!(svg.contains("role=\"img\""));
        assert!(svg.contains("<title id=\"growth-title\">Views by day</title>"));
        assert!(svg.contains("<desc id=\"growth-desc\">Cumulative views."));
        assert!(!svg.contains("<script"), "{svg}");
        assert!(svg.contains("&lt;script&gt;"));
        assert!(svg.contains("stroke=\"#000000\""), "median is black");
        assert_eq!(
            svg.matches("fill=\"#000000\"").count(),
            1,
            "only the legend's dot: joined median points have no marker"
        );
        assert!(svg.contains(PALETTE[0]));
        assert!(!svg.contains("dasharray"), "nothing interpolated: {svg}");
        assert_eq!(svg, line_chart(&text(), &s), "deterministic");
    }

    #[test]
    fn interpolated_points_are_hollow_dashed_and_explained() {
        let s = vec![LineSeries {
            label: "v".into(),
            points: vec![
                pt(0.0, Some(0.0), false),
                pt(1.0, Some(5.0), true),
                pt(2.0, Some(10.0), false),
                pt(3.0, Some(12.0), false),
            ],
            style: LineStyle::Normal,
            long_gaps: false,
        }];
        let svg = line_chart(&text(), &s);
        assert!(svg.contains("stroke-dasharray=\"5 4\""), "{svg}");
        assert!(svg.contains("fill=\"#ffffff\" stroke=\"#0072B2\""), "{svg}");
        assert!(svg.contains("interpolated between observations, not observed"));
        assert!(svg.contains("Hollow point, dashed: interpolated"));
    }

    #[test]
    fn gaps_break_the_line() {
        let s = vec![LineSeries {
            label: "v".into(),
            points: vec![
                pt(0.0, Some(1.0), false),
                pt(1.0, Some(2.0), false),
                pt(2.0, None, false),
                pt(3.0, Some(4.0), false),
                pt(4.0, Some(f64::NAN), false),
                pt(5.0, Some(6.0), false),
            ],
            style: LineStyle::Normal,
            long_gaps: false,
        }];
        let svg = line_chart(&text(), &s);
        let path = svg
            .split("<path d=\"")
            .nth(1)
            .and_then(|p| p.split('"').next())
            .unwrap_or("");
        assert_eq!(path.matches('M').count(), 1, "{path}");
        assert_eq!(path.matches('L').count(), 1, "{path}");
        assert!(svg.contains("A break in a line is a missing value"));
    }

    #[test]
    fn empty_and_non_finite_input_says_no_data() {
        for series in [
            vec![],
            vec![LineSeries::default()],
            vec![LineSeries {
                label: "x".into(),
                points: vec![
                    pt(f64::NAN, Some(1.0), false),
                    pt(1.0, Some(f64::INFINITY), false),
                    pt(2.0, None, false),
                ],
                style: LineStyle::Normal,
                long_gaps: false,
            }],
        ] {
            let svg = line_chart(&text(), &series);
            assert!(svg.contains(">No data</text>"), "{svg}");
            assert!(svg.contains("<title") && svg.contains("<desc"));
        }
    }

    #[test]
    fn non_finite_values_do_not_stretch_the_axis() {
        let s = vec![LineSeries {
            label: "v".into(),
            points: vec![
                pt(0.0, Some(0.0), false),
                pt(1.0, Some(f64::INFINITY), false),
                pt(2.0, Some(90.0), false),
            ],
            style: LineStyle::Normal,
            long_gaps: false,
        }];
        let svg = line_chart(&text(), &s);
        assert!(svg.contains("Vertical axis: Views, 0 to 100"), "{svg}");
        assert!(!svg.contains("inf") && !svg.contains("NaN"), "{svg}");
    }

    #[test]
    fn extreme_values_do_not_panic_or_write_nan() {
        let s = vec![LineSeries {
            label: "v".into(),
            points: vec![
                pt(-1e308, Some(-f64::MAX), false),
                pt(1e308, Some(f64::MAX), true),
            ],
            style: LineStyle::Normal,
            long_gaps: false,
        }];
        let svg = line_chart(&text(), &s);
        assert!(svg.ends_with("</svg>"));
        assert!(!svg.contains("NaN"), "{svg}");
    }
}
