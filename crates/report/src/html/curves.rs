//! Choosing which per-video growth curves to draw: all of them would be an
//! unreadable tangle (and megabytes of SVG) for a large project, so the
//! report draws the most-viewed few plus the median of all videos.

use super::Series;
use crate::charts::{LinePoint, LineSeries, LineStyle};

/// At most this many individual video curves are drawn (one per colour of
/// the palette, so no two curves share a colour).
pub const MAX_CURVES: usize = crate::charts::PALETTE.len();

/// The median curve needs at least this many videos to mean something.
const MIN_FOR_MEDIAN: usize = 3;

/// The median is computed on at most this many grid days, so that its cost
/// stays linear in the number of videos whatever the time span.
const MAX_GRID: f64 = 200.0;

/// Days beyond this are left out of the median (about ten years): a guard
/// against nonsense x values, not a limit real data reach.
const MAX_DAY: f64 = 3660.0;

/// The curves to draw and how they were chosen.
#[derive(Debug, Clone, PartialEq)]
pub struct CurveSelection {
    /// The series to draw: the top videos, then the median (if any).
    pub series: Vec<LineSeries>,
    /// How many individual videos are drawn.
    pub shown: usize,
    /// How many videos have a curve at all.
    pub total: usize,
    /// True when a median curve is included.
    pub median: bool,
}

impl CurveSelection {
    /// A sentence that says what is drawn, for the chart's description and
    /// caption.
    pub fn explanation(&self) -> String {
        let mut s = if self.shown == self.total {
            format!(
                "All {} {} drawn",
                self.total,
                if self.total == 1 {
                    "video is"
                } else {
                    "videos are"
                }
            )
        } else {
            format!(
                "The {} most-viewed of {} videos are drawn (the rest are left out to keep the chart readable)",
                self.shown, self.total
            )
        };
        if self.median {
            s.push_str(&format!(
                "; the thick black line is the median of all {} videos on each day, computed where at least half of them have data (interpolated linearly between observations)",
                self.total
            ));
        }
        s.push('.');
        s
    }
}

fn final_views(s: &Series) -> f64 {
    s.points
        .iter()
        .filter(|p| p.x.is_finite() && p.y.is_finite())
        .fold(f64::NEG_INFINITY, |m, p| m.max(p.y))
}

/// Picks the [`MAX_CURVES`] videos with the most views (largest finite y;
/// ties keep input order) and adds a median curve when there are at least
/// three videos. Series with no finite point are not counted.
pub fn select_growth_curves(curves: &[Series]) -> CurveSelection {
    let mut ranked: Vec<(usize, f64)> = curves
        .iter()
        .enumerate()
        .map(|(i, s)| (i, final_views(s)))
        .filter(|(_, v)| v.is_finite())
        .collect();
    let total = ranked.len();
    ranked.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    let mut series: Vec<LineSeries> = ranked
        .iter()
        .take(MAX_CURVES)
        .map(|(i, _)| LineSeries {
            label: curves[*i].label.clone(),
            points: curves[*i].points.iter().map(LinePoint::from).collect(),
            style: LineStyle::Normal,
        })
        .collect();
    let shown = series.len();
    let median = if total >= MIN_FOR_MEDIAN {
        let with_data: Vec<&Series> = ranked.iter().map(|(i, _)| &curves[*i]).collect();
        median_curve(&with_data)
    } else {
        None
    };
    let has_median = median.is_some();
    if let Some(points) = median {
        series.push(LineSeries {
            label: format!("Median of all {total} videos"),
            points,
            style: LineStyle::Emphasis,
        });
    }
    CurveSelection {
        series,
        shown,
        total,
        median: has_median,
    }
}

/// The median over videos of the value at each grid day, each video's value
/// interpolated linearly between its observations (never extrapolated
/// beyond its first or last one). Days where fewer than half of the videos
/// have a value are left out: late days would otherwise describe only the
/// oldest videos. O(videos × grid) time.
fn median_curve(curves: &[&Series]) -> Option<Vec<LinePoint>> {
    let max_x = curves
        .iter()
        .flat_map(|s| s.points.iter())
        .filter(|p| p.x.is_finite() && p.y.is_finite() && (0.0..=MAX_DAY).contains(&p.x))
        .fold(f64::NEG_INFINITY, |m, p| m.max(p.x));
    if !max_x.is_finite() {
        return None;
    }
    let step = (max_x / MAX_GRID).ceil().max(1.0);
    let grid_len = (max_x / step).floor() as usize + 1;
    let mut buckets: Vec<Vec<f64>> = vec![Vec::new(); grid_len];
    let mut pts: Vec<(f64, f64)> = Vec::new();
    for s in curves {
        pts.clear();
        pts.extend(
            s.points
                .iter()
                .filter(|p| p.x.is_finite() && p.y.is_finite() && (0.0..=MAX_DAY).contains(&p.x))
                .map(|p| (p.x, p.y)),
        );
        if pts.windows(2).any(|w| w[1].0 < w[0].0) {
            pts.sort_by(|a, b| a.0.total_cmp(&b.0));
        }
        let (Some(first), Some(last)) = (pts.first(), pts.last()) else {
            continue;
        };
        let (first_x, last_x) = (first.0, last.0);
        let mut j = 0;
        let start = (first_x / step).ceil() as usize;
        for (k, bucket) in buckets.iter_mut().enumerate().skip(start) {
            let day = k as f64 * step;
            if day > last_x {
                break;
            }
            while j + 1 < pts.len() && pts[j + 1].0 < day {
                j += 1;
            }
            let (x0, y0) = pts[j];
            let value = match pts.get(j + 1) {
                Some(&(x1, y1)) if x1 > x0 && day > x0 => y0 + (y1 - y0) * (day - x0) / (x1 - x0),
                Some(&(x1, y1)) if day >= x1 => y1,
                _ => y0,
            };
            bucket.push(value);
        }
    }
    let needed = curves.len().div_ceil(2).max(MIN_FOR_MEDIAN);
    let points: Vec<LinePoint> = buckets
        .iter_mut()
        .enumerate()
        .filter(|(_, b)| b.len() >= needed)
        .map(|(k, b)| LinePoint {
            x: k as f64 * step,
            y: Some(median(b)),
            interpolated: false,
        })
        .collect();
    if points.is_empty() {
        None
    } else {
        Some(points)
    }
}

/// Median of a non-empty slice (reorders it).
fn median(values: &mut [f64]) -> f64 {
    let n = values.len();
    let mid = n / 2;
    let (_, upper, _) = values.select_nth_unstable_by(mid, f64::total_cmp);
    let upper = *upper;
    if n % 2 == 1 {
        upper
    } else {
        let lower = values[..mid]
            .iter()
            .copied()
            .fold(f64::NEG_INFINITY, f64::max);
        (lower + upper) / 2.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::html::Point;

    fn series(label: &str, pts: &[(f64, f64)]) -> Series {
        Series {
            label: label.into(),
            points: pts
                .iter()
                .map(|&(x, y)| Point {
                    x,
                    y,
                    interpolated: false,
                })
                .collect(),
        }
    }

    #[test]
    fn keeps_the_most_viewed_and_adds_a_median() {
        let curves: Vec<Series> = (0..10)
            .map(|i| series(&format!("v{i}"), &[(0.0, 0.0), (10.0, i as f64 * 100.0)]))
            .collect();
        let sel = select_growth_curves(&curves);
        assert_eq!(sel.total, 10);
        assert_eq!(sel.shown, MAX_CURVES);
        assert_eq!(sel.series[0].label, "v9");
        assert!(sel.median);
        let median = sel
            .series
            .last()
            .map(|s| s.points.clone())
            .unwrap_or_default();
        assert_eq!(median.len(), 11, "one point per day 0..=10");
        // Day 10: median of 0, 100, …, 900 = 450; day 5 is half of it.
        assert_eq!(median[10].y, Some(450.0));
        assert_eq!(median[5].y, Some(225.0));
        assert!(sel.explanation().contains("The 6 most-viewed of 10 videos"));
    }

    #[test]
    fn median_skips_days_with_too_few_videos() {
        let curves = vec![
            series("a", &[(0.0, 1.0), (2.0, 3.0)]),
            series("b", &[(0.0, 2.0), (2.0, 4.0)]),
            series("c", &[(0.0, 3.0), (30.0, 5.0)]),
            series("d", &[(f64::NAN, 3.0)]),
        ];
        let sel = select_growth_curves(&curves);
        assert_eq!(
            sel.total, 3,
            "a series without finite points is not counted"
        );
        let median = sel
            .series
            .last()
            .map(|s| s.points.clone())
            .unwrap_or_default();
        assert_eq!(median.last().map(|p| p.x), Some(2.0), "{median:?}");
        assert!(sel.explanation().starts_with("All 3 videos are drawn"));
    }

    #[test]
    fn few_or_no_videos_have_no_median() {
        assert!(!select_growth_curves(&[]).median);
        let sel = select_growth_curves(&[series("a", &[(0.0, 1.0)])]);
        assert!(!sel.median);
        assert_eq!(sel.series.len(), 1);
    }

    #[test]
    fn large_projects_stay_linear() {
        let curves: Vec<Series> = (0..2000)
            .map(|i| series("v", &[(0.0, 0.0), (1.0e9, i as f64)]))
            .collect();
        let sel = select_growth_curves(&curves);
        // x beyond MAX_DAY is ignored by the median: only day 0 remains.
        assert_eq!(sel.series.len(), MAX_CURVES + 1);
    }

    #[test]
    fn median_of_even_count() {
        assert_eq!(median(&mut [4.0, 1.0, 3.0, 2.0]), 2.5);
        assert_eq!(median(&mut [5.0]), 5.0);
    }
}
