//! Growth over time: a video's views at fixed ages after posting, and the
//! account's follower change around each posting.
//!
//! Values at a fixed age come from real observations only ([`AT_AGE_RULE`]):
//! an observation within [`AT_AGE_TOLERANCE_H`] hour of the age is used as
//! it is; otherwise the value is interpolated linearly between the
//! observations just before and just after the age, and marked as
//! interpolated, but only when those two are no further apart than the age
//! itself. The posting instant is not an observation: a video has 0 views
//! then, but a straight line from it to an observation weeks later invents
//! the early growth (a video first observed 100 days after posting showed
//! 24 views at 24 h where it had about 1,200). Nothing is extrapolated, and
//! a video whose posting time is known only as a date has no ages at all.

use chrono::NaiveDate;
use serde::Serialize;
use uptake_model::AccountDay;

/// The ages the report shows: 24 hours, 7 days and 30 days after posting.
pub const STANDARD_AGES_H: [(&str, f64); 3] = [("24h", 24.0), ("7d", 168.0), ("30d", 720.0)];

/// Observations closer than this (hours) to an age count as taken at that
/// age.
pub const AT_AGE_TOLERANCE_H: f64 = 1.0;

/// [`views_at_age`]'s rule in words, for the notes under a table of views at
/// fixed ages (and docs/metrics.md, which states the same rule).
pub const AT_AGE_RULE: &str = "Views at a fixed age come only from real observations: one taken within 1 hour of that age is used as it is; otherwise the value is interpolated linearly (marked *) between the observations just before and just after that age, only when those two are no further apart than the age itself (for 24 h, observations at 20 h and 30 h qualify; at 1 h and 100 days they do not). The posting time is not counted as an observation of 0 views, and nothing is extrapolated. - = no value by this rule, or the posting time is known only as a date.";

/// A value at an age after posting.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct AtAge {
    /// Views at that age.
    pub views: f64,
    /// True when interpolated between two real observations.
    pub interpolated: bool,
    /// When the observations it comes from were made (UTC seconds): the
    /// one used, twice, or the two it is interpolated between; so that a
    /// caller can tell whether it rests on an approximate count.
    pub from: [i64; 2],
}

/// `views_at_age`: views `age_h` hours after `posted_at` (exact posting
/// time, UTC seconds), from `(observed_at, views)` observations (any order),
/// by [`AT_AGE_RULE`]. `None` when the posting time is unknown, no
/// observation is within [`AT_AGE_TOLERANCE_H`] of the age, and the
/// observations around the age are missing on one side or further apart
/// than `age_h`.
pub fn views_at_age(
    posted_at: Option<i64>,
    observations: &[(i64, i64)],
    age_h: f64,
) -> Option<AtAge> {
    let posted = posted_at?;
    if !(age_h.is_finite() && age_h > 0.0) {
        return None;
    }
    let target = posted as f64 + age_h * 3600.0;
    // Observations before posting are clock or data errors, not growth.
    let mut points: Vec<(f64, f64)> = observations
        .iter()
        .filter(|(t, _)| *t >= posted)
        .map(|(t, v)| (*t as f64, *v as f64))
        .collect();
    points.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.total_cmp(&b.1)));
    if let Some((t, v)) = points
        .iter()
        .filter(|(t, _)| (t - target).abs() <= AT_AGE_TOLERANCE_H * 3600.0)
        .min_by(|a, b| (a.0 - target).abs().total_cmp(&(b.0 - target).abs()))
    {
        return Some(AtAge {
            views: *v,
            interpolated: false,
            from: [*t as i64; 2],
        });
    }
    // No observation at the age: every point is clearly before or after it.
    let after = points.iter().position(|(t, _)| *t > target)?;
    let (t0, v0) = *points[..after].last()?;
    let (t1, v1) = points[after];
    // A straight line is defensible only over a span no longer than the age
    // itself: early growth is steep and far from linear.
    if t1 - t0 > age_h * 3600.0 || t1 <= t0 {
        return None;
    }
    Some(AtAge {
        views: v0 + (v1 - v0) * (target - t0) / (t1 - t0),
        interpolated: true,
        from: [t0 as i64, t1 as i64],
    })
}

/// `follower_change_around_post = followers[posted + 3 days] − followers[posted − 1 day]`:
/// the net follower change from the day before posting to three days
/// after, when both totals are reported. Overlapping postings share days, so
/// this describes timing, not attribution.
pub fn follower_change_around(days: &[AccountDay], posted_on: NaiveDate) -> Option<i64> {
    let before = posted_on.pred_opt()?;
    let after = posted_on.checked_add_days(chrono::Days::new(3))?;
    let get = |d: NaiveDate| days.iter().find(|x| x.date == d).and_then(|x| x.followers);
    Some(get(after)? - get(before)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    const H: i64 = 3600;

    #[test]
    fn exact_observation_at_the_age_is_used_as_is() {
        let obs = [(100 + 24 * H, 500), (100 + 168 * H, 900)];
        let v = views_at_age(Some(100), &obs, 24.0).unwrap();
        assert_eq!(
            v,
            AtAge {
                views: 500.0,
                interpolated: false,
                from: [100 + 24 * H; 2]
            }
        );
    }

    #[test]
    fn between_observations_is_interpolated_and_marked() {
        let obs = [(100 + 24 * H, 500), (100 + 48 * H, 700)];
        assert_eq!(
            views_at_age(Some(100), &obs, 36.0).map(|v| v.from),
            Some([100 + 24 * H, 100 + 48 * H]),
            "the two observations it rests on"
        );
        let v = views_at_age(Some(100), &obs, 36.0).unwrap();
        assert!((v.views - 600.0).abs() < 1e-9 && v.interpolated);
    }

    /// Issue: a video first observed ~100 days after posting showed 24 views
    /// at 24 h (true ≈ 1,200), interpolated from the posting instant as an
    /// observation of 0 views.
    #[test]
    fn the_posting_instant_is_not_an_observation() {
        let obs = [(100 + 2407 * H, 2411), (100 + 2421 * H, 2412)];
        for (_, age) in STANDARD_AGES_H {
            assert_eq!(views_at_age(Some(100), &obs, age), None, "{age} h");
        }
        // Before the first observation there is nothing to interpolate from.
        let obs = [(100 + 24 * H, 500), (100 + 48 * H, 700)];
        assert_eq!(views_at_age(Some(100), &obs, 12.0), None);
    }

    #[test]
    fn interpolation_needs_observations_no_further_apart_than_the_age() {
        let at = |hours: &[i64], age: f64| {
            let obs: Vec<(i64, i64)> = hours.iter().map(|h| (100 + h * H, h * 10)).collect();
            views_at_age(Some(100), &obs, age)
        };
        // 20 h and 30 h bracket 24 h and are 10 h apart: a line is fine.
        let v = at(&[20, 30], 24.0).unwrap();
        assert!((v.views - 240.0).abs() < 1e-9 && v.interpolated);
        // Exactly the age apart still qualifies; one hour more does not.
        assert!(at(&[12, 36], 24.0).is_some_and(|v| v.interpolated));
        assert_eq!(at(&[12, 37], 24.0), None);
        // 1 h and 100 days bracket 24 h but a straight line would invent it.
        assert_eq!(at(&[1, 2400], 24.0), None);
        // The closest pair around the age is used, not any pair.
        let v = at(&[1, 20, 30, 2400], 24.0).unwrap();
        assert!((v.views - 240.0).abs() < 1e-9);
        // 7 days: 100 h and 200 h (100 h apart) qualify.
        assert!(at(&[100, 200], 168.0).is_some_and(|v| v.interpolated));
    }

    #[test]
    fn an_observation_within_the_tolerance_is_the_value_at_the_age() {
        let obs = [(100 + 23 * H + 1800, 480), (100 + 2400 * H, 9000)];
        let v = views_at_age(Some(100), &obs, 24.0).unwrap();
        assert_eq!(
            v,
            AtAge {
                views: 480.0,
                interpolated: false,
                from: [100 + 23 * H + 1800; 2]
            }
        );
        assert!(AT_AGE_RULE.contains(&format!("within {AT_AGE_TOLERANCE_H} hour ")));
    }

    #[test]
    fn never_extrapolated_and_needs_an_exact_posting_time() {
        let obs = [(100 + 24 * H, 500)];
        assert_eq!(views_at_age(Some(100), &obs, 168.0), None);
        assert_eq!(views_at_age(None, &obs, 24.0), None);
        // Observations dated before posting are ignored, not used as anchors.
        let obs = [(100 - 10 * H, 0), (100 + 30 * H, 500)];
        assert_eq!(views_at_age(Some(100), &obs, 24.0), None);
    }

    #[test]
    fn follower_change_needs_both_days() {
        let d = |n: u32| NaiveDate::from_ymd_opt(2026, 1, n).unwrap();
        let day = |n: u32, f: i64| AccountDay {
            followers: Some(f),
            ..AccountDay::new("a", d(n))
        };
        let days = vec![day(9, 100), day(10, 110), day(13, 160)];
        assert_eq!(follower_change_around(&days, d(10)), Some(60));
        assert_eq!(follower_change_around(&days, d(11)), None);
    }
}
