//! Pile-on detection: bursts of hostile comments on one video, well above
//! that video's usual hostility.
//!
//! A pile-on is the moment a video is found by people who came to harass:
//! many hostile comments in a short time. What counts as "many" depends on
//! the video, since a video on a contested topic draws a steady trickle of
//! hostility that moderators already know about. So a window is flagged when
//! its hostile comments are both at least `min_count` (an absolute floor, so
//! two comments on a quiet video are not a pile-on) and at least `ratio`
//! times the video's baseline.
//!
//! **Baseline per window** (per video):
//!
//! ```text
//! baseline_per_window = hostile_total × window_secs / max(history_secs, window_secs)
//! history_secs        = last comment time − first comment time (all comments, hostile or not)
//! ```
//!
//! that is, the hostile comments the video would get in one window if its
//! whole history's hostility were spread evenly. The burst itself is part of
//! the history, which makes the test conservative: a video whose entire
//! history fits in one window has a baseline equal to its hostile total, and
//! is flagged only if `ratio` ≤ 1.
//!
//! Windows are `[t, t + window_secs)` starting at each hostile comment.
//! Overlapping flagged windows are merged whole into one [`PileOn`], an
//! **episode**: one burst is reported once rather than as a run of windows
//! a few minutes apart. An episode can therefore last longer than one
//! window (from its first to its last hostile comment), and its edges may
//! take in an ordinary hostile comment that shares a window with the burst.
//! So that nobody reads an episode's count as "N in one window", each
//! [`PileOn`] also gives its densest window: the flagged window with the
//! most hostile comments ([`PileOn::peak_hostile`], from
//! [`PileOn::peak_start`]), which never exceeds `window_secs`.

use std::collections::BTreeMap;

use serde::Serialize;

/// A burst of hostile comments on one video: one episode of overlapping
/// flagged windows (see the module documentation).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PileOn {
    /// The video.
    pub video_id: String,
    /// Time of the first hostile comment of the episode (seconds).
    pub start: i64,
    /// Time of the last hostile comment of the episode (seconds). `end -
    /// start` can exceed the window when windows overlapped.
    pub end: i64,
    /// Hostile comments from `start` to `end`, inclusive.
    pub hostile: usize,
    /// Time of the first hostile comment of the episode's densest window.
    pub peak_start: i64,
    /// Time of the last hostile comment of that window (less than one
    /// window after `peak_start`).
    pub peak_end: i64,
    /// Hostile comments in that window: the most in any one window of the
    /// episode, at most `hostile`.
    pub peak_hostile: usize,
    /// The video's baseline hostile comments per window (see the module
    /// documentation for the formula).
    pub baseline_per_window: f64,
}

/// Finds pile-ons in `comments`, given as `(video_id, created_at_secs,
/// is_hostile)` in any order. Returns them by video id, then start.
/// A `window_secs` of 0 or less finds nothing.
pub fn detect_pile_ons(
    comments: &[(&str, i64, bool)],
    window_secs: i64,
    min_count: usize,
    ratio: f64,
) -> Vec<PileOn> {
    if window_secs <= 0 {
        return Vec::new();
    }
    // Per video: first and last comment time, and the hostile times.
    let mut videos: BTreeMap<&str, (i64, i64, Vec<i64>)> = BTreeMap::new();
    for &(video, at, hostile) in comments {
        let entry = videos.entry(video).or_insert((at, at, Vec::new()));
        entry.0 = entry.0.min(at);
        entry.1 = entry.1.max(at);
        if hostile {
            entry.2.push(at);
        }
    }
    let mut out = Vec::new();
    for (video, (first, last, mut hostile)) in videos {
        if hostile.is_empty() {
            continue;
        }
        hostile.sort_unstable();
        let history = last.saturating_sub(first).max(window_secs);
        let baseline = hostile.len() as f64 * window_secs as f64 / history as f64;
        let threshold = (ratio * baseline).max(min_count as f64);
        // The open episode and its densest window, as index ranges into
        // `hostile`.
        let mut current: Option<(usize, usize)> = None;
        let mut peak = (0, 0);
        let mut j = 0;
        for i in 0..hostile.len() {
            let limit = hostile[i].saturating_add(window_secs);
            j = j.max(i);
            while j < hostile.len() && hostile[j] < limit {
                j += 1;
            }
            let count = j - i;
            if count == 0 || (count as f64) < threshold {
                continue;
            }
            current = match current {
                Some((s, e)) if i < e => {
                    if count > peak.1 - peak.0 {
                        peak = (i, j);
                    }
                    Some((s, e.max(j)))
                }
                Some((s, e)) => {
                    out.push(pile_on(video, &hostile, (s, e), peak, baseline));
                    peak = (i, j);
                    Some((i, j))
                }
                None => {
                    peak = (i, j);
                    Some((i, j))
                }
            };
        }
        if let Some(episode) = current {
            out.push(pile_on(video, &hostile, episode, peak, baseline));
        }
    }
    out
}

/// The [`PileOn`] of `episode` and its densest window `peak`, both index
/// ranges into the sorted `hostile` times.
fn pile_on(
    video: &str,
    hostile: &[i64],
    episode: (usize, usize),
    peak: (usize, usize),
    baseline: f64,
) -> PileOn {
    let at = |i: usize| hostile.get(i).copied().unwrap_or_default();
    PileOn {
        video_id: video.to_string(),
        start: at(episode.0),
        end: at(episode.1.saturating_sub(1)),
        hostile: episode.1 - episode.0,
        peak_start: at(peak.0),
        peak_end: at(peak.1.saturating_sub(1)),
        peak_hostile: peak.1 - peak.0,
        baseline_per_window: baseline,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HOUR: i64 = 3600;

    /// Two days of comments, one every 10 minutes, every sixth hostile.
    fn steady(video: &'static str) -> Vec<(&'static str, i64, bool)> {
        (0..288).map(|k| (video, k * 600, k % 6 == 0)).collect()
    }

    #[test]
    fn burst_is_flagged() {
        let mut comments = steady("v1");
        // 20 hostile comments within 15 minutes, on day two.
        comments.extend((0..20).map(|k| ("v1", 30 * HOUR + k * 45, true)));
        let found = detect_pile_ons(&comments, HOUR, 5, 3.0);
        assert_eq!(found.len(), 1, "{found:?}");
        let p = &found[0];
        assert_eq!(p.video_id, "v1");
        assert_eq!(p.start, 30 * HOUR);
        // The last flagged window, from the 16th burst comment, reaches the
        // next steady hostile comment at 31h: windows are merged whole.
        assert_eq!(p.end, 31 * HOUR);
        // 20 burst comments, and the steady ones at 30h and 31h.
        assert_eq!(p.hostile, 22);
        // The densest hour: from the steady comment at 30h, with the burst.
        assert_eq!((p.peak_start, p.peak_hostile), (30 * HOUR, 21));
        assert_eq!(p.peak_end, 30 * HOUR + 19 * 45);
        // 48 steady + 20 burst hostile over 47h50m, per hour.
        let expected = 68.0 * 3600.0 / (287.0 * 600.0);
        assert!((p.baseline_per_window - expected).abs() < 1e-9);
    }

    #[test]
    fn steady_low_hostility_is_not_flagged() {
        let comments = steady("v1");
        assert!(detect_pile_ons(&comments, HOUR, 5, 3.0).is_empty());
        // Even with a floor of 1, one per hour is the baseline, not a burst.
        assert!(detect_pile_ons(&comments, HOUR, 1, 3.0).is_empty());
    }

    #[test]
    fn min_count_is_a_floor() {
        // Three hostile comments on an otherwise friendly week-old video.
        let mut comments: Vec<_> = (0..1000).map(|k| ("quiet", k * 600, false)).collect();
        comments.extend((0..3).map(|k| ("quiet", 50 * HOUR + k, true)));
        assert!(detect_pile_ons(&comments, HOUR, 5, 3.0).is_empty());
        assert_eq!(detect_pile_ons(&comments, HOUR, 3, 3.0).len(), 1);
    }

    #[test]
    fn videos_are_separate_and_windows_merge() {
        let mut comments = steady("a");
        comments.extend(steady("b"));
        // Two bursts on `b`, 10 minutes apart: one pile-on.
        comments.extend((0..10).map(|k| ("b", 10 * HOUR + k * 30, true)));
        comments.extend((0..10).map(|k| ("b", 10 * HOUR + 900 + k * 30, true)));
        let found = detect_pile_ons(&comments, HOUR, 5, 3.0);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].video_id, "b");
        assert_eq!(found[0].start, 10 * HOUR);
        assert_eq!(found[0].end, 11 * HOUR);
        // 20 burst comments, and the steady ones at 10h and 11h.
        assert_eq!(found[0].hostile, 22);
    }

    #[test]
    fn degenerate_input() {
        assert!(detect_pile_ons(&[], HOUR, 1, 1.0).is_empty());
        assert!(detect_pile_ons(&[("v", 0, true)], 0, 1, 1.0).is_empty());
        assert_eq!(detect_pile_ons(&[("v", 0, true)], HOUR, 1, 1.0).len(), 1);
    }

    /// Overlapping flagged windows are one episode longer than a window
    /// (the demo's video 8 once showed 2 h 51 min for a "2-hour window");
    /// its densest window is reported with it and fits in one window.
    #[test]
    fn an_episode_longer_than_a_window_reports_its_densest_window() {
        let mut comments: Vec<_> = (0..500).map(|k| ("v", k * 600, false)).collect();
        // A hostile comment every 12 minutes from 10:00 to 12:36: each hour
        // from one of them up to 11:48 holds 5, and the windows chain.
        comments.extend((0..14).map(|k| ("v", 10 * HOUR + k * 720, true)));
        let found = detect_pile_ons(&comments, HOUR, 5, 3.0);
        assert_eq!(found.len(), 1, "{found:?}");
        let p = &found[0];
        assert_eq!((p.start, p.end), (10 * HOUR, 10 * HOUR + 13 * 720));
        assert!(
            p.end - p.start > 2 * HOUR,
            "an episode, not one window: {p:?}"
        );
        assert_eq!(p.hostile, 14);
        // No one hour holds more than 5 of them.
        assert_eq!(p.peak_hostile, 5);
        assert!(p.peak_end - p.peak_start < HOUR, "{p:?}");
        assert_eq!(p.peak_start, 10 * HOUR);
    }
}
