//! The account's daily series: a summary table and a day-by-day table.

use crate::{Cell, Column, Table};
use chrono::NaiveDate;
use uptake_analysis::metrics::account::{
    follower_changes, AccountSummary, DayRange, DAILY_METRICS,
};
use uptake_model::AccountDay;

fn range_text(r: &DayRange) -> String {
    if r.from == r.to {
        r.from.to_string()
    } else {
        format!("{} to {} ({} days)", r.from, r.to, r.days())
    }
}

/// A two-column table (metric, value) summarising the series.
pub fn account_summary_table(s: &AccountSummary) -> Table {
    let mut rows: Vec<Vec<Cell>> = Vec::new();
    let mut push = |label: &str, key: &str, cell: Cell| {
        rows.push(vec![Cell::Text(label.into()), Cell::Text(key.into()), cell]);
    };
    push("Account", "account", Cell::Text(s.account.clone()));
    push(
        "First day",
        "first_day",
        Cell::text(s.window.as_ref().map(|w| w.from.to_string())),
    );
    push(
        "Last day",
        "last_day",
        Cell::text(s.window.as_ref().map(|w| w.to.to_string())),
    );
    push(
        "Days in window",
        "days_in_window",
        Cell::count(s.window.as_ref().map(|w| w.days()), false),
    );
    push(
        "Days with data",
        "days_with_data",
        Cell::Count(s.days_with_data as i64),
    );
    push(
        "Video views (sum of daily)",
        "video_views",
        Cell::count(s.video_views, false),
    );
    push(
        "Profile views (sum of daily)",
        "profile_views",
        Cell::count(s.profile_views, false),
    );
    push("Likes (sum of daily)", "likes", Cell::count(s.likes, false));
    push(
        "Comments (sum of daily)",
        "comments",
        Cell::count(s.comments, false),
    );
    push(
        "Shares (sum of daily)",
        "shares",
        Cell::count(s.shares, false),
    );
    // The follower totals may cover less than the window (a follower
    // history that starts later): their own days are in the labels.
    let on = |d: Option<(NaiveDate, i64)>| d.map(|(d, _)| format!(" ({d})")).unwrap_or_default();
    push(
        &format!("Followers at start{}", on(s.followers_start)),
        "followers_start",
        Cell::count(s.followers_start.map(|(_, f)| f), false),
    );
    push(
        &format!("Followers at end{}", on(s.followers_end)),
        "followers_end",
        Cell::count(s.followers_end.map(|(_, f)| f), false),
    );
    push(
        &match (s.followers_start, s.followers_end) {
            (Some((d0, _)), Some((d1, _))) => format!("Net follower growth ({d0} to {d1})"),
            _ => "Net follower growth".to_string(),
        },
        "net_follower_growth",
        Cell::count(s.net_follower_growth, false),
    );
    push(
        "New followers reported (sum of daily)",
        "new_followers_reported",
        Cell::count(s.new_followers_reported, false),
    );
    let mut notes = Vec::new();
    if let (Some((d0, _)), Some((d1, _))) = (s.followers_start, s.followers_end) {
        let window = s
            .window
            .as_ref()
            .filter(|w| w.from != d0 || w.to != d1)
            .map(|w| format!(", not the whole window {} to {}", w.from, w.to))
            .unwrap_or_default();
        notes.push(format!(
            "Follower growth is recomputed from daily totals ({d0} to {d1}{window}); TikTok's own difference column is not used."
        ));
    }
    if s.missing_days.is_empty() {
        notes.push("Gaps: none (every day in the window has data).".into());
    } else {
        let list: Vec<String> = s.missing_days.iter().map(range_text).collect();
        notes.push(format!(
            "Gaps (days with no data at all): {}.",
            list.join("; ")
        ));
    }
    for (metric, ranges) in &s.missing_values {
        let list: Vec<String> = ranges.iter().map(range_text).collect();
        notes.push(format!("`{metric}` not reported on: {}.", list.join("; ")));
    }
    notes.push("Days are calendar days as TikTok reports them; the time zone of the day boundary is not documented.".into());
    Table {
        columns: vec![
            Column::text("Metric", "label", 52),
            Column::text("Key", "metric", 24),
            Column::number("Value", "value"),
        ],
        rows,
        summary: Vec::new(),
        notes,
    }
}

/// The day-by-day table, with the follower change recomputed from totals.
pub fn account_daily_table(days: &[AccountDay]) -> Table {
    let changes: std::collections::HashMap<NaiveDate, i64> =
        follower_changes(days).into_iter().collect();
    let mut columns = vec![Column::text("Date", "date", 10)];
    for (name, _) in DAILY_METRICS {
        columns.push(Column::number(name, name));
        if *name == "followers" {
            columns.push(Column::number("follower_change", "follower_change"));
        }
    }
    let rows = days
        .iter()
        .map(|d| {
            let mut row = vec![Cell::Text(d.date.to_string())];
            for (name, get) in DAILY_METRICS {
                row.push(Cell::count(get(d), false));
                if *name == "followers" {
                    row.push(Cell::count(changes.get(&d.date).copied(), false));
                }
            }
            row
        })
        .collect();
    Table {
        columns,
        rows,
        summary: Vec::new(),
        notes: vec![
            "follower_change = followers[d] − followers[d−1], recomputed from totals (blank across a gap); - = not reported.".into(),
        ],
    }
}
