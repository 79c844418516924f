//! Growth over time: a video's views at fixed ages after posting, and the
//! account's follower change around each posting.
//!
//! Values at a fixed age come from real observations. When no observation
//! falls at the age, the value is interpolated linearly between the two real
//! observations around it, and marked as interpolated; it is never
//! extrapolated past the last observation. The posting instant counts as an
//! observation of 0 views only when it is known exactly (`created_at`), so
//! a date-only posting day is never used as an anchor.

use chrono::NaiveDate;
use serde::Serialize;
use uptake_model::AccountDay;

/// The ages the report shows: 24 hours, 7 days and 30 days after posting.
pub const STANDARD_AGES_H: [(&str, f64); 3] = [("24h", 24.0), ("7d", 168.0), ("30d", 720.0)];

/// Observations closer than this to an age count as taken at that age.
const AT_AGE_TOLERANCE_H: f64 = 1.0;

/// A value at an age after posting.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct AtAge {
    /// Views at that age.
    pub views: f64,
    /// True when interpolated between two real observations.
    pub interpolated: bool,
}

/// Views at `age_h` hours after `posted_at`, from `(observed_at, views)`
/// observations (any order). `None` when the age is before the first anchor
/// or after the last observation.
pub fn views_at_age(
    posted_at: Option<i64>,
    observations: &[(i64, i64)],
    age_h: f64,
) -> Option<AtAge> {
    let posted = posted_at?;
    let target = posted as f64 + age_h * 3600.0;
    let mut points: Vec<(f64, f64)> = observations
        .iter()
        .filter(|(t, _)| *t >= posted)
        .map(|(t, v)| (*t as f64, *v as f64))
        .collect();
    points.push((posted as f64, 0.0));
    points.sort_by(|a, b| a.0.total_cmp(&b.0));
    if let Some((_, v)) = points
        .iter()
        .filter(|(t, _)| (t - target).abs() <= AT_AGE_TOLERANCE_H * 3600.0 && *t > posted as f64)
        .min_by(|a, b| (a.0 - target).abs().total_cmp(&(b.0 - target).abs()))
    {
        return Some(AtAge {
            views: *v,
            interpolated: false,
        });
    }
    let after = points.iter().position(|(t, _)| *t >= target)?;
    if after == 0 {
        return None;
    }
    let (t0, v0) = points[after - 1];
    let (t1, v1) = points[after];
    if t1 <= t0 {
        return None;
    }
    Some(AtAge {
        views: v0 + (v1 - v0) * (target - t0) / (t1 - t0),
        interpolated: true,
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
                interpolated: false
            }
        );
    }

    #[test]
    fn between_observations_is_interpolated_and_marked() {
        let obs = [(100 + 24 * H, 500), (100 + 48 * H, 700)];
        let v = views_at_age(Some(100), &obs, 36.0).unwrap();
        assert!((v.views - 600.0).abs() < 1e-9 && v.interpolated);
        // Before the first observation: from the exact posting instant (0 views).
        let v = views_at_age(Some(100), &obs, 12.0).unwrap();
        assert!((v.views - 250.0).abs() < 1e-9 && v.interpolated);
    }

    #[test]
    fn never_extrapolated_and_needs_an_exact_posting_time() {
        let obs = [(100 + 24 * H, 500)];
        assert_eq!(views_at_age(Some(100), &obs, 168.0), None);
        assert_eq!(views_at_age(None, &obs, 24.0), None);
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
