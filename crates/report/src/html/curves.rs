//! The growth chart ("views since posting"): its numbers, from real
//! observations only, and the series it draws.
//!
//! [`growth_curves`] keeps each video's real observations (the posting time
//! is not an observation of 0 views: a straight line from it to an
//! observation weeks later invents the early growth) and computes the median
//! at each age only from values that `views_at_age` allows, the rule of the
//! table of views at 24 h, 7 d and 30 d (docs/metrics.md). All videos would
//! be an unreadable tangle (and megabytes of SVG) for a large project, so
//! the chart draws the most-viewed few plus that median;
//! [`select_growth_curves`] turns them into line series and says what is
//! drawn.

use super::{GrowthCurves, MedianPoint, Point, Series};
use crate::charts::{is_long_gap, LinePoint, LineSeries, LineStyle};
use std::borrow::Cow;
use uptake_analysis::metrics::growth::{views_at_age, AT_AGE_TOLERANCE_H, STANDARD_AGES_H};

/// At most this many individual video curves are drawn (one per colour of
/// the palette, so no two curves share a colour).
pub const MAX_CURVES: usize = crate::charts::PALETTE.len();

/// The median is drawn only at ages where at least this many videos have a
/// value.
pub const MIN_FOR_MEDIAN: usize = 3;

/// The median is computed on at most about this many ages (plus 24 h, 7 d
/// and 30 d), so that its cost stays linear in the number of videos
/// whatever the time span.
const MAX_GRID: f64 = 200.0;

/// Ages beyond this many days are left out of the median (about ten
/// years): a guard against nonsense times, not a limit real data reach.
const MAX_DAY: f64 = 3660.0;

const DAY_S: f64 = 86_400.0;

/// One video as the growth chart sees it.
#[derive(Debug, Clone, Copy)]
pub struct CurveInput<'a> {
    /// Legend label (untrusted text).
    pub label: &'a str,
    /// The exact posting time (UTC seconds); `None` when it is known only as
    /// a date, or not at all.
    pub posted_at: Option<i64>,
    /// `(observed_at, views)` observations, any order.
    pub observations: &'a [(i64, i64)],
}

/// A video with a curve: its posting time and its observations since then,
/// in time order.
struct Observed<'a> {
    index: usize,
    posted: i64,
    obs: Cow<'a, [(i64, i64)]>,
}

impl Observed<'_> {
    fn max_views(&self) -> i64 {
        self.obs.iter().map(|(_, v)| *v).max().unwrap_or(0)
    }
}

/// The growth chart's numbers for `videos`: the real observations of the
/// [`MAX_CURVES`] most-viewed (largest observed views; ties keep input
/// order), how many videos have no curve and why, and the median of every
/// video with a curve at each age where at least [`MIN_FOR_MEDIAN`] have a
/// value by `views_at_age`.
pub fn growth_curves(videos: &[CurveInput<'_>]) -> GrowthCurves {
    let mut out = GrowthCurves::default();
    let mut observed: Vec<Observed<'_>> = Vec::new();
    for (index, v) in videos.iter().enumerate() {
        let Some(posted) = v.posted_at else {
            out.no_posting_time += 1;
            continue;
        };
        // Observations before posting are clock or data errors, not growth
        // (views_at_age ignores them too).
        let since = |o: &&(i64, i64)| o.0 >= posted;
        if !v.observations.iter().any(|o| since(&o)) {
            out.no_views += 1;
            continue;
        }
        let all_since = v.observations.first().is_some_and(|o| o.0 >= posted);
        let obs: Cow<'_, [(i64, i64)]> = if all_since && v.observations.is_sorted() {
            Cow::Borrowed(v.observations)
        } else {
            let mut own: Vec<(i64, i64)> = v.observations.iter().filter(since).copied().collect();
            own.sort_unstable();
            Cow::Owned(own)
        };
        observed.push(Observed { index, posted, obs });
    }
    out.with_curve = observed.len();
    out.median = median_curve(&observed);
    let mut ranked: Vec<(i64, usize)> = observed
        .iter()
        .enumerate()
        .map(|(i, o)| (o.max_views(), i))
        .collect();
    ranked.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    out.curves = ranked
        .iter()
        .take(MAX_CURVES)
        .map(|(_, i)| {
            let o = &observed[*i];
            Series {
                label: videos[o.index].label.to_string(),
                points: o
                    .obs
                    .iter()
                    .map(|(t, views)| Point {
                        x: (t - o.posted) as f64 / DAY_S,
                        y: *views as f64,
                        interpolated: false,
                    })
                    .collect(),
            }
        })
        .collect();
    out
}

/// The ages (days) at which the median is computed: multiples of a whole
/// number of days up to the oldest observation (at most about [`MAX_GRID`]
/// of them), and 24 h, 7 d and 30 d, so that the median there is the median
/// of the table's column.
fn age_grid(max_day: f64) -> Vec<f64> {
    let step = (max_day / MAX_GRID).ceil().max(1.0);
    let last = max_day + AT_AGE_TOLERANCE_H / 24.0;
    let mut grid: Vec<f64> = (1..)
        .map(|k| k as f64 * step)
        .take_while(|d| *d <= last)
        .chain(
            STANDARD_AGES_H
                .iter()
                .map(|(_, h)| h / 24.0)
                .filter(|d| *d <= last),
        )
        .collect();
    grid.sort_by(f64::total_cmp);
    grid.dedup();
    grid
}

/// The median over videos of `views_at_age` at each age of [`age_grid`],
/// where at least [`MIN_FOR_MEDIAN`] videos have a value; a point is joined
/// to the previous age's when the same videos are behind both. Ages are taken
/// one at a time (memory linear in the number of videos), and a video is
/// asked only about ages within its observed span.
fn median_curve(observed: &[Observed<'_>]) -> Vec<MedianPoint> {
    let tol_s = AT_AGE_TOLERANCE_H * 3600.0;
    let max_day = observed
        .iter()
        .filter_map(|o| o.obs.last().map(|(t, _)| (t - o.posted) as f64 / DAY_S))
        .fold(f64::NEG_INFINITY, f64::max)
        .min(MAX_DAY);
    if !max_day.is_finite() {
        return Vec::new();
    }
    let mut points = Vec::new();
    let mut values: Vec<f64> = Vec::with_capacity(observed.len());
    // The videos behind the median at this age and at the previous one: the
    // line joins two ages only when they are the same videos, since a
    // change of videos moves the median without any video growing.
    let mut behind: Vec<usize> = Vec::with_capacity(observed.len());
    let mut behind_previous: Vec<usize> = Vec::new();
    for day in age_grid(max_day) {
        values.clear();
        behind.clear();
        for (i, o) in observed.iter().enumerate() {
            let (Some(first), Some(last)) = (o.obs.first(), o.obs.last()) else {
                continue;
            };
            let age_s = day * DAY_S;
            let span = (first.0 - o.posted) as f64 - tol_s..=(last.0 - o.posted) as f64 + tol_s;
            if !span.contains(&age_s) {
                continue;
            }
            if let Some(v) = value_at(o.posted, &o.obs, day * 24.0) {
                values.push(v);
                behind.push(i);
            }
        }
        if values.len() >= MIN_FOR_MEDIAN {
            points.push(MedianPoint {
                day,
                views: median(&mut values),
                videos: values.len(),
                joined: behind == behind_previous,
            });
            std::mem::swap(&mut behind, &mut behind_previous);
        } else {
            behind_previous.clear();
        }
    }
    points
}

/// `views_at_age(posted, obs, age_h)` for `obs` in time order, asking it
/// only about the observations that can decide it: those within the
/// tolerance of the age and the nearest time on either side (with every
/// observation at that time). Same result, without copying and sorting a
/// long series once per age.
fn value_at(posted: i64, obs: &[(i64, i64)], age_h: f64) -> Option<f64> {
    let target = posted as f64 + age_h * 3600.0;
    let tol = AT_AGE_TOLERANCE_H * 3600.0;
    let near_from = obs.partition_point(|(t, _)| (*t as f64) < target - tol);
    let near_to = obs.partition_point(|(t, _)| (*t as f64) <= target + tol);
    let lo = match near_from.checked_sub(1) {
        Some(i) => obs.partition_point(|(t, _)| *t < obs[i].0),
        None => 0,
    };
    let hi = match obs.get(near_to) {
        Some(&(at, _)) => obs.partition_point(|(t, _)| *t <= at),
        None => obs.len(),
    };
    views_at_age(Some(posted), &obs[lo..hi], age_h).map(|a| a.views)
}

/// What the growth chart draws and why, for its description and caption.
#[derive(Debug, Clone, PartialEq)]
pub struct CurveSelection {
    /// The series to draw: the top videos, then the median (if any).
    pub series: Vec<LineSeries>,
    /// How many individual videos are drawn.
    pub shown: usize,
    /// How many videos have a curve at all.
    pub total: usize,
    /// Videos without a curve: posting time known only as a date.
    pub no_posting_time: usize,
    /// Videos without a curve: no view count observed since posting.
    pub no_views: usize,
    /// The fewest and most videos behind a point of the median, when a
    /// median is drawn.
    pub median_n: Option<(usize, usize)>,
    /// True when some drawn segment joins observations far apart (dotted,
    /// see [`crate::charts::is_long_gap`]).
    pub long_gaps: bool,
}

fn videos(n: usize) -> String {
    format!("{n} {}", if n == 1 { "video" } else { "videos" })
}

impl CurveSelection {
    /// Which videos the chart draws, which have no curve and why, and how
    /// many videos are behind the median: for the data coverage list.
    pub fn coverage(&self) -> String {
        let mut s = match (self.total, self.shown) {
            (0, _) => "no video has a view count observed since an exact posting time.".to_string(),
            (1, _) => "the 1 video with views observed since posting is drawn".to_string(),
            (t, n) if t == n => format!("all {t} videos with views observed since posting are drawn"),
            (t, n) => format!(
                "the {n} most-viewed of the {t} videos with views observed since posting are drawn (the rest are left out to keep the chart readable)"
            ),
        };
        if self.total > 0 {
            match self.median_n {
                Some((lo, hi)) if lo == hi => s.push_str(&format!(
                    "; the median at each age is that of the {lo} videos with a value at that age."
                )),
                Some((lo, hi)) => s.push_str(&format!(
                    "; the median at each age is that of the {lo} to {hi} videos with a value at that age (not the same ones at every age)."
                )),
                None => s.push_str(&format!(
                    "; no median is drawn: at no age do {MIN_FOR_MEDIAN} or more videos have a value."
                )),
            }
        }
        if let Some(left_out) = self.left_out() {
            s.push(' ');
            s.push_str(&left_out);
        }
        s
    }

    /// "2 videos of the report have no curve: …", when some have none.
    fn left_out(&self) -> Option<String> {
        let left_out = self.no_posting_time + self.no_views;
        if left_out == 0 {
            return None;
        }
        let mut why = Vec::new();
        if self.no_posting_time > 0 {
            why.push(format!(
                "{} whose posting time is known only as a date",
                self.no_posting_time
            ));
        }
        if self.no_views > 0 {
            why.push(format!(
                "{} with no view count observed since posting",
                self.no_views
            ));
        }
        Some(format!(
            "{} of the report {} no curve: {}.",
            videos(left_out),
            if left_out == 1 { "has" } else { "have" },
            why.join(", ")
        ))
    }

    /// Sentences that say what is drawn and how to read it, for the chart's
    /// description and caption.
    pub fn explanation(&self) -> String {
        let mut s = match (self.total, self.shown) {
            (0, _) => "No video has a view count observed since an exact posting time.".to_string(),
            (1, _) => "The 1 video with views observed since posting is drawn.".to_string(),
            (t, n) if t == n => format!("All {t} videos with views observed since posting are drawn."),
            (t, n) => format!(
                "The {n} most-viewed of the {t} videos with views observed since posting are drawn (the rest are left out to keep the chart readable)."
            ),
        };
        if self.total > 0 {
            s.push_str(
                " Each point is a real observation; lines join a video's consecutive observations, and nothing is drawn between the posting time and the first observation.",
            );
            if self.long_gaps {
                s.push_str(" A dotted line joins two observations further apart than the age of the earlier one: the views between them were not measured.");
            }
            match self.median_n {
                Some((lo, hi)) => {
                    let n = if lo == hi {
                        format!("{lo}")
                    } else {
                        format!("{lo} to {hi}")
                    };
                    s.push_str(&format!(
                        " In black, the median, at each age, of the videos that have a value at that age by the rule of the table of views at 24 hours, 7 days and 30 days (an observation within 1 hour of the age, or a straight line between two observations no further apart than the age): {n} of the {} videos. A black line joins two consecutive ages only when the same videos are behind both (other videos move the median without any video growing); ages where fewer than {MIN_FOR_MEDIAN} videos have a value have no median.",
                        self.total
                    ));
                }
                None => s.push_str(&format!(
                    " No median is drawn: at no age do {MIN_FOR_MEDIAN} or more videos have a value by the rule of the table of views at fixed ages."
                )),
            }
        }
        if let Some(left_out) = self.left_out() {
            s.push(' ');
            s.push_str(&left_out);
        }
        s
    }
}

/// The line series of the growth chart: the videos' observations (a long
/// gap dotted), then the median, broken where an age has none.
pub fn select_growth_curves(growth: &GrowthCurves) -> CurveSelection {
    let mut series: Vec<LineSeries> = growth
        .curves
        .iter()
        .map(|c| LineSeries {
            label: c.label.clone(),
            points: c.points.iter().map(LinePoint::from).collect(),
            style: LineStyle::Normal,
            long_gaps: true,
        })
        .collect();
    let shown = series.len();
    let long_gaps = growth
        .curves
        .iter()
        .any(|c| c.points.windows(2).any(|w| is_long_gap(w[0].x, w[1].x)));
    let median_n = growth.median.iter().map(|p| p.videos).fold(
        None,
        |acc: Option<(usize, usize)>, n| match acc {
            None => Some((n, n)),
            Some((lo, hi)) => Some((lo.min(n), hi.max(n))),
        },
    );
    if let Some((lo, hi)) = median_n {
        let mut points = Vec::with_capacity(growth.median.len() + 8);
        for (i, p) in growth.median.iter().enumerate() {
            if i > 0 && !p.joined {
                // A break: other videos, or too few, at the previous age.
                points.push(LinePoint {
                    x: growth.median[i - 1].day,
                    y: None,
                    interpolated: false,
                });
            }
            points.push(LinePoint {
                x: p.day,
                y: Some(p.views),
                interpolated: false,
            });
        }
        let n = if lo == hi {
            format!("{lo}")
        } else {
            format!("{lo}–{hi}")
        };
        series.push(LineSeries {
            label: format!("Median of {n} videos with a value"),
            points,
            style: LineStyle::Emphasis,
            long_gaps: false,
        });
    }
    CurveSelection {
        series,
        shown,
        total: growth.with_curve,
        no_posting_time: growth.no_posting_time,
        no_views: growth.no_views,
        median_n,
        long_gaps,
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

    const H: i64 = 3600;
    const D: i64 = 86_400;
    const POSTED: i64 = 1_762_794_120;

    fn input<'a>(label: &'a str, obs: &'a [(i64, i64)]) -> CurveInput<'a> {
        CurveInput {
            label,
            posted_at: Some(POSTED),
            observations: obs,
        }
    }

    fn at(hours: i64, views: i64) -> (i64, i64) {
        (POSTED + hours * H, views)
    }

    /// Issue: each curve started at 0 views at posting and ran straight to
    /// its first observation, ~100 days later for most of the example's
    /// videos.
    #[test]
    fn a_curve_starts_at_its_first_real_observation() {
        let late = [at(2407, 2411), at(2421, 2412)];
        let g = growth_curves(&[input("late", &late)]);
        let xs: Vec<(f64, f64)> = g.curves[0].points.iter().map(|p| (p.x, p.y)).collect();
        assert_eq!(xs.len(), 2, "{xs:?}");
        assert!(
            (xs[0].0 - 2407.0 / 24.0).abs() < 1e-9 && xs[0].1 == 2411.0,
            "{xs:?}"
        );
        assert!(g.curves[0].points.iter().all(|p| !p.interpolated));
        assert_eq!(g.with_curve, 1);
    }

    /// Issue: the median was interpolated with no limit on the gap (day 1:
    /// 7,437.16 from lines drawn from the posting time). It now rests only on
    /// values `views_at_age` gives, the rule of the table of views at fixed
    /// ages, and says how many videos are behind each point.
    #[test]
    fn the_median_rests_only_on_values_the_table_rule_allows() {
        let a = [at(20, 800), at(30, 1300)]; // 24 h: 1,000 (interpolated)
        let b = [at(24, 2000), at(168, 5000)]; // 24 h: 2,000 (observed)
        let c = [at(23, 3000), at(200, 9000)]; // 24 h: 3,000 (within 1 h)
        let d = [at(1, 10), at(2400, 90_000)]; // 24 h: none (1 h and 100 days)
        let e = [at(2407, 2411), at(2421, 2412)]; // first seen after 100 days
        let videos = [
            input("a", &a),
            input("b", &b),
            input("c", &c),
            input("d", &d),
            input("e", &e),
        ];
        let g = growth_curves(&videos);
        let day1 = g.median.iter().find(|p| p.day == 1.0).copied();
        assert_eq!(
            day1,
            Some(MedianPoint {
                day: 1.0,
                views: 2000.0,
                videos: 3,
                joined: false
            })
        );
        // At every age, the median is that of views_at_age over the videos
        // that have a value, and never of fewer than MIN_FOR_MEDIAN.
        for p in &g.median {
            let mut values: Vec<f64> = videos
                .iter()
                .filter_map(|v| views_at_age(v.posted_at, v.observations, p.day * 24.0))
                .map(|a| a.views)
                .collect();
            assert_eq!(values.len(), p.videos, "day {}", p.day);
            assert!(p.videos >= MIN_FOR_MEDIAN);
            assert_eq!(median(&mut values), p.views, "day {}", p.day);
        }
        // Day 2: only b and c (d's observations are 100 days apart).
        assert!(g.median.iter().all(|p| p.day != 2.0), "{:?}", g.median);
    }

    #[test]
    fn the_median_line_joins_only_ages_with_the_same_videos() {
        // Daily observations of three videos for ten days, and a fourth
        // from day 5 on.
        let daily = |k: i64, from: i64| -> Vec<(i64, i64)> {
            (from..=10).map(|d| (POSTED + d * D, k * 100 * d)).collect()
        };
        let (a, b, c, late) = (daily(1, 1), daily(2, 1), daily(3, 1), daily(50, 5));
        let g = growth_curves(&[
            input("a", &a),
            input("b", &b),
            input("c", &c),
            input("late", &late),
        ]);
        let joins: Vec<(f64, usize, bool)> = g
            .median
            .iter()
            .map(|p| (p.day, p.videos, p.joined))
            .collect();
        assert_eq!(joins[0], (1.0, 3, false));
        assert_eq!(joins[1], (2.0, 3, true));
        assert_eq!(joins[4], (5.0, 4, false), "another video joins: a break");
        assert_eq!(joins[5], (6.0, 4, true));
        let sel = select_growth_curves(&g);
        let median = sel.series.last().cloned().unwrap_or_default();
        assert_eq!(median.label, "Median of 3–4 videos with a value");
        assert_eq!(median.style, LineStyle::Emphasis);
        assert_eq!(
            median.points.iter().filter(|p| p.y.is_none()).count(),
            1,
            "one break, before day 5: {:?}",
            median.points
        );
        assert_eq!(sel.median_n, Some((3, 4)));
    }

    #[test]
    fn keeps_the_most_viewed_and_says_what_is_left_out() {
        let obs: Vec<Vec<(i64, i64)>> = (0..10)
            .map(|i| vec![at(24, i * 100), at(48, i * 200)])
            .collect();
        let labels: Vec<String> = (0..10).map(|i| format!("v{i}")).collect();
        let mut videos: Vec<CurveInput<'_>> =
            obs.iter().zip(&labels).map(|(o, l)| input(l, o)).collect();
        videos.push(CurveInput {
            label: "date only",
            posted_at: None,
            observations: &obs[0],
        });
        let before = [(POSTED - H, 5)];
        videos.push(input("none since posting", &before));
        let g = growth_curves(&videos);
        assert_eq!((g.with_curve, g.no_posting_time, g.no_views), (10, 1, 1));
        assert_eq!(g.curves.len(), MAX_CURVES);
        assert_eq!(g.curves[0].label, "v9");
        let sel = select_growth_curves(&g);
        assert_eq!(sel.shown, MAX_CURVES);
        assert_eq!(sel.median_n, Some((10, 10)));
        let text = sel.explanation();
        assert!(
            text.starts_with(
                "The 6 most-viewed of the 10 videos with views observed since posting are drawn"
            ),
            "{text}"
        );
        assert!(text.contains(": 10 of the 10 videos."), "{text}");
        assert!(!text.contains("Dotted"), "no long gap: {text}");
        assert!(
            text.ends_with(
                "2 videos of the report have no curve: 1 whose posting time is known only as a date, 1 with no view count observed since posting."
            ),
            "{text}"
        );
        assert!(sel.coverage().starts_with("the 6 most-viewed of the 10"));
    }

    #[test]
    fn few_or_no_videos_have_no_median() {
        let g = growth_curves(&[]);
        assert!(g.median.is_empty() && g.curves.is_empty());
        let sel = select_growth_curves(&g);
        assert!(sel.series.is_empty());
        assert!(sel.explanation().starts_with("No video has a view count"));
        let one = [at(24, 5)];
        let sel = select_growth_curves(&growth_curves(&[input("a", &one)]));
        assert_eq!(sel.series.len(), 1);
        assert!(sel.explanation().contains("No median is drawn"));
    }

    /// `value_at` looks at a few observations only; it must agree with
    /// `views_at_age` on the whole series, ties and boundaries included.
    #[test]
    fn value_at_agrees_with_views_at_age() {
        let mut seed: u64 = 7;
        let mut next = |m: i64| {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            ((seed >> 33) % m as u64) as i64
        };
        for _ in 0..300 {
            let n = 1 + next(12);
            let mut obs: Vec<(i64, i64)> = (0..n)
                .map(|_| {
                    // Whole hours, half hours, and exactly 1 h around a day.
                    let t = match next(4) {
                        0 => next(40) * 24 * H + H,
                        1 => next(40) * 24 * H - H,
                        2 => next(1000) * 1800,
                        _ => next(40) * 24 * H,
                    };
                    (POSTED + t, next(5000))
                })
                .collect();
            obs.sort_unstable();
            for day in 1..=40 {
                let hours = day as f64 * 24.0;
                assert_eq!(
                    value_at(POSTED, &obs, hours),
                    views_at_age(Some(POSTED), &obs, hours).map(|a| a.views),
                    "day {day}: {obs:?}"
                );
            }
        }
    }

    #[test]
    fn large_projects_stay_linear() {
        let obs: Vec<[(i64, i64); 2]> = (0..2000)
            .map(|i| [(POSTED, 0), (POSTED + 1_000_000_000, i)])
            .collect();
        let videos: Vec<CurveInput<'_>> = obs.iter().map(|o| input("v", o)).collect();
        let g = growth_curves(&videos);
        assert_eq!(g.with_curve, 2000);
        assert_eq!(g.curves.len(), MAX_CURVES);
        // Ages beyond MAX_DAY are not computed; the grid stays small.
        assert!(age_grid(MAX_DAY).len() <= MAX_GRID as usize + 3);
        assert!(g.median.is_empty());
    }

    #[test]
    fn the_grid_holds_the_table_ages() {
        let grid = age_grid(400.0);
        for d in [1.0, 7.0, 30.0] {
            assert!(grid.contains(&d), "{d}: {grid:?}");
        }
        assert!(grid.windows(2).all(|w| w[0] < w[1]));
        assert_eq!(age_grid(0.5), Vec::<f64>::new());
        assert_eq!(age_grid(1.0 - 0.5 / 24.0), vec![1.0], "within 1 h of 24 h");
    }

    #[test]
    fn median_of_even_count() {
        assert_eq!(median(&mut [4.0, 1.0, 3.0, 2.0]), 2.5);
        assert_eq!(median(&mut [5.0]), 5.0);
    }
}
