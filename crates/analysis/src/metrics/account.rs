//! The account's daily series over the imported window: totals, follower
//! growth recomputed from totals, and the gaps a methods section must name.

use chrono::NaiveDate;
use serde::Serialize;
use uptake_model::AccountDay;

/// A run of consecutive days.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DayRange {
    /// First day.
    pub from: NaiveDate,
    /// Last day (inclusive).
    pub to: NaiveDate,
}

impl DayRange {
    /// Number of days in the range.
    pub fn days(&self) -> i64 {
        (self.to - self.from).num_days() + 1
    }
}

/// Summary of one account's daily series.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AccountSummary {
    /// The account.
    pub account: String,
    /// First and last day with any value.
    pub window: Option<DayRange>,
    /// Days in the window that have at least one value.
    pub days_with_data: usize,
    /// `Σ video_views` over days that report it.
    pub video_views: Option<i64>,
    /// `Σ profile_views`.
    pub profile_views: Option<i64>,
    /// `Σ likes` (daily net values).
    pub likes: Option<i64>,
    /// `Σ comments` (daily net values; can include negative days).
    pub comments: Option<i64>,
    /// `Σ shares`.
    pub shares: Option<i64>,
    /// First reported follower total and its day.
    pub followers_start: Option<(NaiveDate, i64)>,
    /// Last reported follower total and its day.
    pub followers_end: Option<(NaiveDate, i64)>,
    /// `net_follower_growth = followers_end − followers_start`, from totals
    /// (TikTok's own difference column is not trusted; see `formats.md` §3.3).
    pub net_follower_growth: Option<i64>,
    /// `Σ new_followers` as the daily exports report it, for comparison.
    pub new_followers_reported: Option<i64>,
    /// Runs of days inside the window with no row at all.
    pub missing_days: Vec<DayRange>,
    /// For each metric, the runs of days of the window where it is missing
    /// while other metrics have data: before its first value (a file that
    /// starts later, e.g. follower history), inside its own range, and after
    /// its last (`undefined` on a partial last day).
    pub missing_values: Vec<(String, Vec<DayRange>)>,
}

fn sum(days: &[AccountDay], get: impl Fn(&AccountDay) -> Option<i64>) -> Option<i64> {
    let mut any = false;
    let total = days
        .iter()
        .filter_map(&get)
        .inspect(|_| any = true)
        .fold(0i64, |a, b| a.saturating_add(b));
    any.then_some(total)
}

/// Groups sorted dates into runs of consecutive days.
fn runs(dates: &[NaiveDate]) -> Vec<DayRange> {
    let mut out: Vec<DayRange> = Vec::new();
    for &d in dates {
        match out.last_mut() {
            Some(r) if r.to.succ_opt() == Some(d) => r.to = d,
            _ => out.push(DayRange { from: d, to: d }),
        }
    }
    out
}

/// Reads one metric of a day.
pub type DayMetric = fn(&AccountDay) -> Option<i64>;

/// Metric names and accessors, in the order `uptake account` prints them.
pub const DAILY_METRICS: &[(&str, DayMetric)] = &[
    ("video_views", |d| d.video_views),
    ("profile_views", |d| d.profile_views),
    ("likes", |d| d.likes),
    ("comments", |d| d.comments),
    ("shares", |d| d.shares),
    ("followers", |d| d.followers),
    ("new_followers", |d| d.new_followers),
    ("total_viewers", |d| d.total_viewers),
    ("new_viewers", |d| d.new_viewers),
    ("returning_viewers", |d| d.returning_viewers),
    ("reach", |d| d.reach),
];

/// Summarises `days` (one account, any order) within `[from, to]` if given.
pub fn summarise_account(
    account: &str,
    days: &[AccountDay],
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
) -> AccountSummary {
    let mut days: Vec<AccountDay> = days
        .iter()
        .filter(|d| from.is_none_or(|f| d.date >= f) && to.is_none_or(|t| d.date <= t))
        .filter(|d| !d.is_empty())
        .cloned()
        .collect();
    days.sort_by_key(|d| d.date);
    let window = match (days.first(), days.last()) {
        (Some(a), Some(b)) => Some(DayRange {
            from: a.date,
            to: b.date,
        }),
        _ => None,
    };
    let mut missing_dates = Vec::new();
    if let Some(w) = &window {
        let mut d = w.from;
        let mut i = 0;
        while d <= w.to {
            if days.get(i).is_some_and(|x| x.date == d) {
                i += 1;
            } else {
                missing_dates.push(d);
            }
            match d.succ_opt() {
                Some(n) => d = n,
                None => break,
            }
        }
    }
    let missing_values = DAILY_METRICS
        .iter()
        .filter_map(|(name, get)| {
            // A metric no source reports is not listed day by day.
            if days.iter().all(|d| get(d).is_none()) {
                return None;
            }
            // Every day of the series without it: before its first value (a
            // source that starts later: the window's totals then cover less
            // than the window), inside its range, and after its last (a
            // partial last day).
            let all: Vec<NaiveDate> = days
                .iter()
                .filter(|d| get(d).is_none())
                .map(|d| d.date)
                .collect();
            (!all.is_empty()).then(|| (name.to_string(), runs(&all)))
        })
        .collect();
    let followers: Vec<(NaiveDate, i64)> = days
        .iter()
        .filter_map(|d| d.followers.map(|f| (d.date, f)))
        .collect();
    let followers_start = followers.first().copied();
    let followers_end = followers.last().copied();
    AccountSummary {
        account: account.to_string(),
        days_with_data: days.len(),
        video_views: sum(&days, |d| d.video_views),
        profile_views: sum(&days, |d| d.profile_views),
        likes: sum(&days, |d| d.likes),
        comments: sum(&days, |d| d.comments),
        shares: sum(&days, |d| d.shares),
        net_follower_growth: match (followers_start, followers_end) {
            (Some((_, a)), Some((_, b))) => Some(b - a),
            _ => None,
        },
        followers_start,
        followers_end,
        new_followers_reported: sum(&days, |d| d.new_followers),
        missing_days: runs(&missing_dates),
        missing_values,
        window,
    }
}

/// Daily follower change recomputed from totals: `followers[d] − followers[d−1]`,
/// only where both days are present (never across a gap).
pub fn follower_changes(days: &[AccountDay]) -> Vec<(NaiveDate, i64)> {
    let mut sorted: Vec<&AccountDay> = days.iter().filter(|d| d.followers.is_some()).collect();
    sorted.sort_by_key(|d| d.date);
    sorted
        .windows(2)
        .filter_map(|w| {
            let (a, b) = (w[0], w[1]);
            (a.date.succ_opt() == Some(b.date)).then_some((b.date, b.followers? - a.followers?))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 1, day).unwrap_or_default()
    }

    fn day(n: u32, views: Option<i64>, followers: Option<i64>) -> AccountDay {
        AccountDay {
            video_views: views,
            followers,
            ..AccountDay::new("a", d(n))
        }
    }

    #[test]
    fn totals_growth_and_gaps() {
        let days = vec![
            day(1, Some(100), Some(1000)),
            day(2, Some(50), Some(1010)),
            // 3 and 4 missing entirely
            day(5, Some(-3), Some(1005)),
            day(6, None, Some(1020)), // undefined views on a partial day
        ];
        let s = summarise_account("a", &days, None, None);
        assert_eq!(s.video_views, Some(147));
        assert_eq!(s.net_follower_growth, Some(20));
        assert_eq!(
            s.missing_days,
            vec![DayRange {
                from: d(3),
                to: d(4)
            }]
        );
        assert_eq!(
            s.missing_values,
            vec![(
                "video_views".to_string(),
                vec![DayRange {
                    from: d(6),
                    to: d(6)
                }]
            )]
        );
        assert_eq!(follower_changes(&days), vec![(d(2), 10), (d(6), 15)]);
    }

    #[test]
    fn window_filter() {
        let days = vec![
            day(1, Some(1), None),
            day(2, Some(2), None),
            day(3, Some(4), None),
        ];
        let s = summarise_account("a", &days, Some(d(2)), Some(d(3)));
        assert_eq!(s.video_views, Some(6));
        assert_eq!(s.days_with_data, 2);
    }
}
