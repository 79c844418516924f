//! Each video's latest value of every metric (`video_latest`), folded in
//! memory as an import's observations arrive and written in batches.
//!
//! The rule, for every metric on its own: an observation's value replaces
//! the kept one when it is at least as recent (ties go to the observation
//! that came later). Folding observations in memory and then writing the
//! folded row with the same rule gives the same result as writing each
//! observation, because the fold applies the rule in arrival order and the
//! folded row arrives after everything already stored. The upsert per
//! observation was about 7% of a large import (measured by leaving it out,
//! bench/zeeschuimer.sh); now re-captures of a video fold into one write per
//! batch, and the values are bound directly, without a vector of boxed
//! values per observation.

use super::videos::counts_of;
use super::{shares_json, ImportTx, Stmt};
use crate::StoreError;
use std::collections::HashMap;
use uptake_model::{Count, Metrics};

/// Names of the metrics kept in `video_latest`, by kind, in binding order.
pub(crate) const LATEST_COUNTS: [&str; 8] = [
    "views",
    "reach",
    "likes",
    "comments",
    "shares",
    "saves",
    "new_followers",
    "profile_views",
];
pub(crate) const LATEST_REALS: [&str; 3] = ["avg_watch_s", "total_watch_s", "full_watch_rate"];
pub(crate) const LATEST_LISTS: [&str; 3] = ["traffic_sources", "territories", "genders"];

/// Videos whose folded rows are held before they are written: bounds the
/// memory an import uses (a row is a few hundred bytes) whatever its size.
pub(super) const BUFFERED_VIDEOS: usize = 1024;

/// One video's folded values: the count of observations, the newest
/// observation time, and per metric the latest value with its time.
#[derive(Debug, Default)]
struct Folded {
    observations: i64,
    newest_at: i64,
    counts: [Option<(Count, i64)>; 8],
    reals: [Option<(f64, i64)>; 3],
    lists: [Option<(String, i64)>; 3],
}

/// Replaces `kept` by `value` observed at `at` if it is at least as recent.
fn fold<T>(kept: &mut Option<(T, i64)>, value: Option<T>, at: i64) {
    if let Some(value) = value {
        if kept.as_ref().is_none_or(|(_, kept_at)| at >= *kept_at) {
            *kept = Some((value, at));
        }
    }
}

/// The folded rows of an import not yet written.
#[derive(Debug, Default)]
pub(super) struct LatestBuffer {
    rows: HashMap<i64, Folded, foldhash::fast::RandomState>,
}

impl LatestBuffer {
    /// Folds one observation of video `video_id`, made at `at`.
    pub(super) fn add(&mut self, video_id: i64, at: i64, m: &Metrics) {
        let row = self.rows.entry(video_id).or_insert_with(|| Folded {
            newest_at: at,
            ..Folded::default()
        });
        row.observations += 1;
        row.newest_at = row.newest_at.max(at);
        for (kept, value) in row.counts.iter_mut().zip(counts_of(m)) {
            fold(kept, value, at);
        }
        let reals = [m.avg_watch_s, m.total_watch_s, m.full_watch_rate];
        for (kept, value) in row.reals.iter_mut().zip(reals) {
            fold(kept, value, at);
        }
        let lists = [&m.traffic_sources, &m.territories, &m.genders];
        for (kept, list) in row.lists.iter_mut().zip(lists) {
            // Serialised only when it is kept.
            if !list.is_empty() && kept.as_ref().is_none_or(|(_, kept_at)| at >= *kept_at) {
                fold(kept, shares_json(list), at);
            }
        }
    }

    /// Whether the buffer should be written now.
    pub(super) fn is_full(&self) -> bool {
        self.rows.len() >= BUFFERED_VIDEOS
    }
}

/// The upsert that writes one folded row into `video_latest`: a metric's
/// value is replaced when the row has one at least as recent as the kept
/// one. Parameters: video id, observations, newest time, then per count
/// value, time and approximate flag, per real and per list value and time.
fn upsert_sql() -> &'static str {
    static SQL: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    SQL.get_or_init(|| {
        let mut cols = vec![
            "video_id".to_string(),
            "observations".into(),
            "newest_at".into(),
        ];
        let mut sets = vec![
            "observations = observations + excluded.observations".to_string(),
            "newest_at = MAX(newest_at, excluded.newest_at)".into(),
        ];
        let newer = |m: &str| {
            format!("excluded.{m} IS NOT NULL AND ({m}_at IS NULL OR excluded.{m}_at >= {m}_at)")
        };
        let mut add = |m: &str, suffixes: &[&str]| {
            for suffix in suffixes {
                let c = format!("{m}{suffix}");
                sets.push(format!(
                    "{c} = CASE WHEN {} THEN excluded.{c} ELSE {c} END",
                    newer(m)
                ));
                cols.push(c);
            }
        };
        for m in LATEST_COUNTS {
            add(m, &["", "_at", "_approx"]);
        }
        for m in LATEST_REALS.iter().chain(LATEST_LISTS.iter()) {
            add(m, &["", "_at"]);
        }
        let vals: Vec<String> = (1..=cols.len()).map(|i| format!("?{i}")).collect();
        format!(
            "INSERT INTO video_latest ({}) VALUES ({}) ON CONFLICT (video_id) DO UPDATE SET {}",
            cols.join(", "),
            vals.join(", "),
            sets.join(", ")
        )
    })
}

impl ImportTx<'_> {
    /// Writes the folded rows into `video_latest`, in video order (which
    /// keeps the writes local), and empties the buffer.
    pub(super) fn write_latest(&mut self) -> Result<(), StoreError> {
        let mut rows: Vec<(i64, Folded)> =
            std::mem::take(&mut self.latest.rows).into_iter().collect();
        rows.sort_unstable_by_key(|(id, _)| *id);
        for (video_id, row) in rows {
            self.run(Stmt::Latest, upsert_sql(), |st| {
                let mut i = 0;
                let mut bind = |v: &dyn rusqlite::ToSql| {
                    i += 1;
                    st.raw_bind_parameter(i, v)
                };
                bind(&video_id)?;
                bind(&row.observations)?;
                bind(&row.newest_at)?;
                for kept in &row.counts {
                    bind(&kept.map(|(c, _)| c.value))?;
                    bind(&kept.map(|(_, at)| at))?;
                    bind(&kept.map(|(c, _)| i64::from(c.approximate)))?;
                }
                for kept in &row.reals {
                    bind(&kept.map(|(v, _)| v))?;
                    bind(&kept.map(|(_, at)| at))?;
                }
                for kept in &row.lists {
                    bind(&kept.as_ref().map(|(v, _)| v.as_str()))?;
                    bind(&kept.as_ref().map(|(_, at)| *at))?;
                }
                st.raw_execute()
            })?;
        }
        Ok(())
    }
}
