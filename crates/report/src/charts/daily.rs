//! Daily series chart: one dated value per day (account views, follower
//! totals) with the days that have no value drawn as hatched bands, so a gap
//! in the export is never mistaken for a quiet day.

use super::line::{axes, LEFT, PLOT_H, RIGHT, TOP};
use super::{
    coord, escape_xml_into, nice_ticks, no_data_chart, plain_number, sanitize_id, sentences,
    ChartText, PALETTE, WIDTH,
};
use crate::html::DailyValue;
use chrono::NaiveDate;
use std::fmt::Write as _;

/// Steps between date ticks, in days: the smallest giving at most six ticks.
const DAY_STEPS: [i64; 10] = [1, 2, 7, 14, 28, 56, 91, 182, 364, 728];

/// At most this many missing ranges are listed in the description.
const LISTED_GAPS: usize = 10;

/// Renders a daily series as a line with missing days as hatched bands.
///
/// `values` are `YYYY-MM-DD` dates with a value or `None` (not reported);
/// days absent from `values` between the first and last date count as
/// missing too. When a date cannot be read, positions are used instead
/// (day 1, 2, …). `zero_based` starts the vertical axis at zero (use it for
/// daily counts; leave it off for totals such as followers, whose changes
/// would otherwise be flattened; the description then says the axis does
/// not start at zero). NaN and infinite values count as missing. With no
/// value at all the chart says "No data".
pub fn daily_chart(text: &ChartText<'_>, values: &[DailyValue], zero_based: bool) -> String {
    let parsed: Option<Vec<NaiveDate>> = values
        .iter()
        .map(|v| NaiveDate::parse_from_str(v.date.trim(), "%Y-%m-%d").ok())
        .collect();
    let first_date = parsed.as_ref().and_then(|d| d.iter().min().copied());
    let mut days: Vec<(i64, Option<f64>)> = match (&parsed, first_date) {
        (Some(dates), Some(first)) => dates
            .iter()
            .zip(values)
            .map(|(d, v)| ((*d - first).num_days(), v.value))
            .collect(),
        _ => values
            .iter()
            .enumerate()
            .map(|(i, v)| (i as i64, v.value))
            .collect(),
    };
    for d in &mut days {
        d.1 = d.1.filter(|v| v.is_finite());
    }
    days.sort_by_key(|d| d.0);
    // Two values for one day: keep the first reported one.
    days.dedup_by(|later, earlier| {
        if later.0 == earlier.0 {
            earlier.1 = earlier.1.or(later.1);
            true
        } else {
            false
        }
    });
    let present: Vec<(i64, f64)> = days
        .iter()
        .filter_map(|(d, v)| v.map(|v| (*d, v)))
        .collect();
    let (Some(first), Some(last)) = (days.first(), days.last()) else {
        return no_data_chart(text);
    };
    if present.is_empty() {
        return no_data_chart(text);
    }
    let (d0, d1) = (first.0, last.0);
    let day_label = |d: i64| -> String {
        match first_date.and_then(|f| f.checked_add_signed(chrono::TimeDelta::days(d))) {
            Some(date) => date.format("%Y-%m-%d").to_string(),
            None => format!("day {}", d + 1),
        }
    };

    // Missing runs: days in d0..=d1 with no value.
    let mut gaps: Vec<(i64, i64)> = Vec::new();
    let mut expected = d0;
    for (d, _) in &present {
        if *d > expected {
            gaps.push((expected, d - 1));
        }
        expected = d + 1;
    }
    if expected <= d1 {
        gaps.push((expected, d1));
    }
    let missing_days: i64 = gaps.iter().map(|(a, b)| b - a + 1).sum();
    let span = d1 - d0 + 1;

    let (lo, hi) = present
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), (_, v)| {
            (lo.min(*v), hi.max(*v))
        });
    let y_ticks = if zero_based {
        nice_ticks(lo.min(0.0), hi, 6)
    } else {
        nice_ticks(lo, hi, 6)
    };
    let y0 = y_ticks.first().copied().unwrap_or(0.0);
    let y1 = y_ticks
        .last()
        .copied()
        .filter(|v| *v > y0)
        .unwrap_or(y0 + 1.0);
    let step = DAY_STEPS
        .iter()
        .copied()
        .find(|s| span / s <= 6)
        .unwrap_or(span.max(1));
    let x_ticks: Vec<f64> = (0..)
        .map(|k| d0 + k * step)
        .take_while(|d| *d <= d1)
        .map(|d| d as f64)
        .collect();
    let x_labels: Vec<String> = x_ticks.iter().map(|d| day_label(*d as i64)).collect();

    let plot_w = WIDTH - LEFT - RIGHT;
    let (x0, x1) = (d0 as f64 - 0.5, d1 as f64 + 0.5);
    let px = |x: f64| LEFT + (x - x0) / (x1 - x0) * plot_w;
    let py = |y: f64| TOP + PLOT_H - (y - y0) / (y1 - y0) * PLOT_H;
    let legend_y = TOP + PLOT_H + 58.0;
    let height = legend_y + 16.0;

    let id = sanitize_id(text.id);
    let mut gap_list: Vec<String> = gaps
        .iter()
        .take(LISTED_GAPS)
        .map(|(a, b)| {
            if a == b {
                day_label(*a)
            } else {
                format!("{} to {}", day_label(*a), day_label(*b))
            }
        })
        .collect();
    if gaps.len() > LISTED_GAPS {
        gap_list.push(format!("and {} more ranges", gaps.len() - LISTED_GAPS));
    }
    let coverage = if gaps.is_empty() {
        format!("All {} days have a value", plain_number(span as f64))
    } else {
        format!(
            "{} of {} days have a value; not reported (hatched): {}",
            plain_number((span - missing_days) as f64),
            plain_number(span as f64),
            gap_list.join(", ")
        )
    };
    let desc = sentences(&[
        text.desc,
        &format!(
            "Horizontal axis: date, {} to {}. Vertical axis: {}, {} to {}{}",
            day_label(d0),
            day_label(d1),
            text.y_label,
            plain_number(y0),
            plain_number(y1),
            if y0 > 0.0 {
                " (the axis does not start at zero)"
            } else {
                ""
            }
        ),
        &coverage,
    ]);
    let mut out = String::with_capacity(4096 + present.len() * 24);
    super::open_svg(&mut out, &id, height, text.title, &desc);
    let _ = write!(
        out,
        "<defs><pattern id=\"{id}-hatch\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\" \
         patternTransform=\"rotate(45)\"><rect width=\"6\" height=\"6\" fill=\"#eeeeee\"/>\
         <line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"6\" stroke=\"#888888\" stroke-width=\"2\"/></pattern></defs>"
    );
    for (a, b) in &gaps {
        let _ = write!(
            out,
            "<rect class=\"gap\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"url(#{id}-hatch)\"/>",
            coord(px(*a as f64 - 0.5)),
            coord(TOP),
            coord(px(*b as f64 + 0.5) - px(*a as f64 - 0.5)),
            coord(PLOT_H),
        );
    }
    axes(&mut out, text, &x_ticks, &x_labels, &y_ticks, &px, &py);

    let colour = PALETTE[0];
    let mut d = String::with_capacity(present.len() * 14);
    let mut isolated = Vec::new();
    for (i, (day, v)) in present.iter().enumerate() {
        let joined_before = i > 0 && present[i - 1].0 == day - 1;
        let joined_after = present.get(i + 1).is_some_and(|n| n.0 == day + 1);
        let cmd = if joined_before { 'L' } else { 'M' };
        if joined_before || joined_after {
            let _ = write!(d, "{cmd}{} {}", coord(px(*day as f64)), coord(py(*v)));
        } else {
            isolated.push((*day, *v));
        }
    }
    if !d.is_empty() {
        let _ = write!(
            out,
            "<path d=\"{d}\" fill=\"none\" stroke=\"{colour}\" stroke-width=\"2\" stroke-linejoin=\"round\"/>"
        );
    }
    for (day, v) in isolated {
        let _ = write!(
            out,
            "<circle cx=\"{}\" cy=\"{}\" r=\"3\" fill=\"{colour}\"/>",
            coord(px(day as f64)),
            coord(py(v)),
        );
    }

    // Legend: the series, then what the hatching means.
    let _ = write!(
        out,
        "<g><line x1=\"{l}\" y1=\"{y}\" x2=\"{l24}\" y2=\"{y}\" stroke=\"{colour}\" stroke-width=\"2\"/>\
         <text x=\"{l30}\" y=\"{ty}\">",
        l = coord(LEFT),
        l24 = coord(LEFT + 24.0),
        l30 = coord(LEFT + 30.0),
        y = coord(legend_y),
        ty = coord(legend_y + 4.0),
    );
    escape_xml_into(&mut out, text.y_label);
    out.push_str("</text></g>");
    if !gaps.is_empty() {
        let _ = write!(
            out,
            "<g><rect x=\"{}\" y=\"{}\" width=\"24\" height=\"12\" fill=\"url(#{id}-hatch)\" stroke=\"#888888\"/>\
             <text x=\"{}\" y=\"{}\">Not reported ({} {})</text></g>",
            coord(LEFT + 340.0),
            coord(legend_y - 6.0),
            coord(LEFT + 370.0),
            coord(legend_y + 4.0),
            plain_number(missing_days as f64),
            if missing_days == 1 { "day" } else { "days" },
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
            id: "views",
            title: "Daily account views",
            desc: "Video views per day.",
            x_label: "Date",
            y_label: "Video views",
        }
    }

    fn day(date: &str, value: Option<f64>) -> DailyValue {
        DailyValue {
            date: date.into(),
            value,
        }
    }

    #[test]
    fn gaps_and_missing_rows_are_hatched_and_described() {
        let values = vec![
            day("2024-03-01", Some(10.0)),
            day("2024-03-02", Some(12.0)),
            day("2024-03-03", None),
            // 2024-03-04 has no row at all.
            day("2024-03-05", Some(30.0)),
            day("2024-03-06", Some(31.0)),
            day("2024-03-08", Some(5.0)),
        ];
        let svg = daily_chart(&text(), &values, true);
        assert_eq!(svg.matches("class=\"gap\"").count(), 2, "{svg}");
        assert!(svg.contains("5 of 8 days have a value"), "{svg}");
        assert!(
            svg.contains("2024-03-03 to 2024-03-04, 2024-03-07"),
            "{svg}"
        );
        assert!(svg.contains("Not reported (3 days)"));
        assert!(svg.contains("fill=\"url(#views-hatch)\""));
        // The isolated last day is a marker, not part of the path.
        let path = svg
            .split("<path d=\"")
            .nth(1)
            .and_then(|p| p.split('"').next())
            .unwrap_or("");
        assert_eq!(path.matches('M').count(), 2, "{path}");
        assert_eq!(svg.matches("<circle").count(), 1);
    }

    #[test]
    fn totals_axis_says_it_does_not_start_at_zero() {
        let values = vec![
            day("2024-01-01", Some(10_000.0)),
            day("2024-01-02", Some(10_050.0)),
            day("2024-01-03", Some(10_200.0)),
        ];
        let svg = daily_chart(&text(), &values, false);
        assert!(svg.contains("does not start at zero"), "{svg}");
        assert!(svg.contains("All 3 days have a value"));
        assert!(!svg.contains("class=\"gap\""));
    }

    #[test]
    fn no_values_say_no_data() {
        for values in [
            vec![],
            vec![day("2024-01-01", None)],
            vec![day("2024-01-01", Some(f64::NAN))],
        ] {
            let svg = daily_chart(&text(), &values, true);
            assert!(svg.contains(">No data</text>"), "{svg}");
        }
    }

    #[test]
    fn unreadable_dates_fall_back_to_positions_and_labels_are_escaped() {
        let values = vec![day("<b>yesterday</b>", Some(1.0)), day("today", Some(2.0))];
        let mut t = text();
        t.y_label = "<script>x</script>";
        let svg = daily_chart(&t, &values, true);
        assert!(svg.contains("day 1 to day 2"), "{svg}");
        assert!(!svg.contains("<script>") && !svg.contains("<b>"), "{svg}");
    }

    #[test]
    fn a_year_has_few_date_ticks() {
        let start = NaiveDate::from_ymd_opt(2024, 1, 1).unwrap_or_default();
        let values: Vec<DailyValue> = (0..366)
            .map(|i| DailyValue {
                date: (start + chrono::TimeDelta::days(i)).to_string(),
                value: Some(i as f64),
            })
            .collect();
        let svg = daily_chart(&text(), &values, true);
        let ticks = svg.matches("text-anchor=\"middle\">2024-").count();
        assert!((2..=7).contains(&ticks), "{ticks}: {svg}");
    }
}
