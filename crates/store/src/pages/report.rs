//! The report's comment counts: the comments held on a set of videos and,
//! per scheme, the comments analysed and flagged, counted in one
//! sequential read of each table.

use crate::{Store, StoreError};
use rusqlite::types::ValueRef;
use std::collections::{HashMap, HashSet};

/// Comment counts the report shows for a set of videos; see
/// [`Store::comment_signal_counts`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CommentSignalCounts {
    /// Comments held on the videos.
    pub held: i64,
    /// Per scheme asked, in the order asked.
    pub schemes: Vec<SchemeSignalCounts>,
}

/// One scheme's counts in [`CommentSignalCounts`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SchemeSignalCounts {
    /// Comments the scheme analysed (as [`Store::label_counts`]).
    pub analysed: i64,
    /// Per label, by label: distinct comments flagged whose latest decision
    /// (highest decision id) is not `dismiss` (as [`Store::label_counts`]).
    pub labels: Vec<(String, i64)>,
    /// Distinct comments with any flag whose latest decision (latest
    /// `decided_at`, then highest id) is not `dismiss` (as
    /// [`Store::flagged`] keeps them).
    pub flagged_not_dismissed: i64,
    /// The comments of `flagged_not_dismissed` by the set of labels of their
    /// flags (names sorted; sets sorted), so that a caller can count the
    /// comments with some labels and not others (a hostile comment is one
    /// with any safety label but `spam`) without counting a comment twice.
    pub flagged_label_sets: Vec<(Vec<String>, i64)>,
}

/// Which comments are on the videos in scope.
enum CommentScope {
    /// Bit per row id.
    Bits(Vec<u64>),
    /// Sparse ids.
    Set(HashSet<i64>),
}

impl CommentScope {
    fn contains(&self, id: i64) -> bool {
        match self {
            CommentScope::Bits(b) => usize::try_from(id)
                .ok()
                .and_then(|i| b.get(i / 64))
                .is_some_and(|w| w & (1u64 << (id % 64)) != 0),
            CommentScope::Set(s) => s.contains(&id),
        }
    }
}

impl Store {
    /// For the report (and the dashboard built from it): the comments held
    /// on `videos` (platform ids; `None`: every video), and per scheme of
    /// `schemes` the counts [`Store::label_counts`] and [`Store::flagged`]
    /// give, restricted to those videos, and the flagged comments by the
    /// set of their labels.
    ///
    /// One sequential read of each table (comments by their video index,
    /// analysis runs, flags, decisions), counted here: joining each of a
    /// million flags and runs to its comment took 8 s (bench/web.sh).
    pub fn comment_signal_counts(
        &self,
        videos: Option<&[String]>,
        schemes: &[&str],
    ) -> Result<CommentSignalCounts, StoreError> {
        let sql = |e| self.page_sql(e);
        // The video rows in scope.
        let video_rows: Option<HashSet<i64>> = match videos {
            None => None,
            Some(ids) => {
                let wanted: HashSet<&str> = ids.iter().map(String::as_str).collect();
                let mut st = self
                    .conn
                    .prepare("SELECT id, platform_id FROM videos")
                    .map_err(sql)?;
                let mut rows = st.query([]).map_err(sql)?;
                let mut set = HashSet::new();
                while let Some(r) = rows.next().map_err(sql)? {
                    let keep = match r.get_ref(1).map_err(sql)? {
                        ValueRef::Text(t) => std::str::from_utf8(t)
                            .map(|t| wanted.contains(t))
                            .unwrap_or(false),
                        _ => false,
                    };
                    if keep {
                        set.insert(r.get::<_, i64>(0).map_err(sql)?);
                    }
                }
                Some(set)
            }
        };
        // The comments on them.
        let mut held = 0i64;
        let mut in_scope: Vec<i64> = Vec::new();
        {
            let mut st = self
                .conn
                .prepare("SELECT id, video_id FROM comments INDEXED BY comments_video")
                .map_err(sql)?;
            let mut rows = st.query([]).map_err(sql)?;
            while let Some(r) = rows.next().map_err(sql)? {
                let video: i64 = r.get(1).map_err(sql)?;
                if video_rows.as_ref().is_none_or(|s| s.contains(&video)) {
                    held += 1;
                    in_scope.push(r.get(0).map_err(sql)?);
                }
            }
        }
        let max = in_scope.iter().copied().max().unwrap_or(0);
        let min = in_scope.iter().copied().min().unwrap_or(0);
        let scope = if min >= 0 && max < (1i64 << 32) {
            let mut bits = vec![0u64; max as usize / 64 + 1];
            for id in &in_scope {
                bits[*id as usize / 64] |= 1u64 << (id % 64);
            }
            CommentScope::Bits(bits)
        } else {
            CommentScope::Set(in_scope.iter().copied().collect())
        };
        drop(in_scope);
        let scheme_index = |name: &[u8]| schemes.iter().position(|s| s.as_bytes() == name);
        // Comments analysed per scheme.
        let mut analysed = vec![0i64; schemes.len()];
        {
            let mut st = self
                .conn
                .prepare("SELECT comment_id, scheme FROM analysis_runs")
                .map_err(sql)?;
            let mut rows = st.query([]).map_err(sql)?;
            while let Some(r) = rows.next().map_err(sql)? {
                let ValueRef::Text(name) = r.get_ref(1).map_err(sql)? else {
                    continue;
                };
                if let Some(i) = scheme_index(name) {
                    if scope.contains(r.get(0).map_err(sql)?) {
                        analysed[i] += 1;
                    }
                }
            }
        }
        // Latest decision per (comment, scheme): by id (label counts) and by
        // time then id (the flag list).
        let mut by_id: HashMap<(i64, usize), (i64, bool)> = HashMap::new();
        let mut by_time: HashMap<(i64, usize), ((i64, i64), bool)> = HashMap::new();
        {
            let mut st = self
                .conn
                .prepare(
                    "SELECT id, comment_id, scheme, decision, decided_at FROM review_decisions",
                )
                .map_err(sql)?;
            let mut rows = st.query([]).map_err(sql)?;
            while let Some(r) = rows.next().map_err(sql)? {
                let ValueRef::Text(name) = r.get_ref(2).map_err(sql)? else {
                    continue;
                };
                let Some(i) = scheme_index(name) else {
                    continue;
                };
                let id: i64 = r.get(0).map_err(sql)?;
                let comment: i64 = r.get(1).map_err(sql)?;
                let dismiss = matches!(r.get_ref(3).map_err(sql)?, ValueRef::Text(b"dismiss"));
                let at: i64 = r.get(4).map_err(sql)?;
                let e = by_id.entry((comment, i)).or_insert((id, dismiss));
                if id >= e.0 {
                    *e = (id, dismiss);
                }
                let e = by_time.entry((comment, i)).or_insert(((at, id), dismiss));
                if (at, id) >= e.0 {
                    *e = ((at, id), dismiss);
                }
            }
        }
        // Flags: distinct comments per label, and per scheme.
        let mut labels: Vec<Vec<String>> = vec![Vec::new(); schemes.len()];
        let mut per_label: Vec<Vec<(u32, i64)>> = vec![Vec::new(); schemes.len()];
        let mut kept: Vec<Vec<(i64, Option<u32>)>> = vec![Vec::new(); schemes.len()];
        {
            let mut st = self
                .conn
                .prepare("SELECT comment_id, scheme, label FROM annotations")
                .map_err(sql)?;
            let mut rows = st.query([]).map_err(sql)?;
            while let Some(r) = rows.next().map_err(sql)? {
                let ValueRef::Text(name) = r.get_ref(1).map_err(sql)? else {
                    continue;
                };
                let Some(i) = scheme_index(name) else {
                    continue;
                };
                let comment: i64 = r.get(0).map_err(sql)?;
                if !scope.contains(comment) {
                    continue;
                }
                let counted = !by_id.get(&(comment, i)).is_some_and(|d| d.1);
                let kept_flag = !by_time.get(&(comment, i)).is_some_and(|d| d.1);
                if !counted && !kept_flag {
                    continue;
                }
                // A label that is not text counts the comment as flagged
                // but belongs to no label.
                let l = match r.get_ref(2).map_err(sql)? {
                    ValueRef::Text(t) => {
                        let label = String::from_utf8_lossy(t);
                        Some(match labels[i].iter().position(|x| *x == label) {
                            Some(l) => l as u32,
                            None => {
                                labels[i].push(label.into_owned());
                                (labels[i].len() - 1) as u32
                            }
                        })
                    }
                    _ => None,
                };
                if let (true, Some(l)) = (counted, l) {
                    per_label[i].push((l, comment));
                }
                if kept_flag {
                    kept[i].push((comment, l));
                }
            }
        }
        let schemes = (0..schemes.len())
            .map(|i| {
                let pairs = &mut per_label[i];
                pairs.sort_unstable();
                pairs.dedup();
                let mut counts = vec![0i64; labels[i].len()];
                for (l, _) in pairs.iter() {
                    counts[*l as usize] += 1;
                }
                let flags = &mut kept[i];
                flags.sort_unstable();
                flags.dedup();
                // Runs of one comment's labels, sorted by comment.
                let mut sets: HashMap<Vec<u32>, i64> = HashMap::new();
                let mut flagged = 0i64;
                for run in flags.chunk_by(|a, b| a.0 == b.0) {
                    flagged += 1;
                    let set: Vec<u32> = run.iter().filter_map(|(_, l)| *l).collect();
                    *sets.entry(set).or_default() += 1;
                }
                let names = &labels[i];
                let mut label_sets: Vec<(Vec<String>, i64)> = sets
                    .into_iter()
                    .map(|(set, n)| {
                        let mut set: Vec<String> = set
                            .iter()
                            .filter_map(|l| names.get(*l as usize).cloned())
                            .collect();
                        set.sort();
                        (set, n)
                    })
                    .collect();
                label_sets.sort();
                // A label seen only on flags whose latest decision by id is
                // `dismiss` has no comment to count.
                let mut by_label: Vec<(String, i64)> = std::mem::take(&mut labels[i])
                    .into_iter()
                    .zip(counts)
                    .filter(|(_, n)| *n > 0)
                    .collect();
                by_label.sort();
                SchemeSignalCounts {
                    analysed: analysed[i],
                    labels: by_label,
                    flagged_not_dismissed: flagged,
                    flagged_label_sets: label_sets,
                }
            })
            .collect();
        Ok(CommentSignalCounts { held, schemes })
    }
}
