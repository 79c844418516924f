//! Captures already stored. Zeeschuimer exports everything captured so
//! far, so a researcher's second export repeats the first one's lines; the
//! same pages saved again, or with other line endings, are other bytes of
//! the same captures. Such a repeat adds nothing: an observation with the
//! same video, source, capture time and values, a comment capture with the
//! same comment, source and capture time, or a profile snapshot with the
//! same person, time and values is not stored again, and neither is a raw
//! record none of whose records is stored (see `uptake`'s import sink).
//!
//! Repeats of captures stored by earlier imports are looked up in the
//! database (the indexes they need are then kept up to date during the
//! import, see `begin`). In a table that held nothing of the platform when
//! the import began, a repeat can only come from the import itself: those
//! are recognised by a 128-bit fingerprint kept in memory
//! (`Fingerprints`), because the table's indexes may be built only at the
//! commit.

use super::fingerprints::Claim;
use super::{shares_json, videos::counts_of, ImportTx, Stmt};
use crate::StoreError;
use rusqlite::params;
use std::hash::Hash;
use uptake_model::{Comment, Metrics, Observation, ProfileSnapshot, Share};

/// A share list as hashed: labels and the fractions' bits.
fn shares_key(shares: &[Share]) -> impl Iterator<Item = (&str, u64)> + '_ {
    shares
        .iter()
        .map(|s| (s.label.as_str(), s.fraction.to_bits()))
}

/// Hashes everything an observation stores but its import and raw record
/// (and its time, for a format whose rows carry none:
/// [`SourceFormat::rows_undated`](uptake_model::SourceFormat::rows_undated)).
#[derive(Clone, Copy)]
struct ObservationKey<'o>(&'o Observation);

impl Hash for ObservationKey<'_> {
    fn hash<H: std::hash::Hasher>(&self, h: &mut H) {
        let o = self.0;
        let m: &Metrics = &o.metrics;
        let at = if o.source.rows_undated() {
            0
        } else {
            o.observed_at
        };
        (&o.video_id, at, o.source.name()).hash(h);
        for c in counts_of(m) {
            c.map(|c| (c.value, c.approximate)).hash(h);
        }
        for r in [m.avg_watch_s, m.total_watch_s, m.full_watch_rate] {
            r.map(f64::to_bits).hash(h);
        }
        for list in [&m.traffic_sources, &m.territories, &m.genders] {
            list.len().hash(h);
            shares_key(list).for_each(|s| s.hash(h));
        }
    }
}

impl ImportTx<'_> {
    /// Whether `o` repeats an observation already stored (by an earlier
    /// import or earlier in this one). Call it once per observation, just
    /// before storing it: in a first import it remembers `o` as stored.
    pub fn is_repeat_observation(&mut self, o: &Observation) -> Result<bool, StoreError> {
        if let Some(prints) = &mut self.observation_prints {
            let claim = prints.claim(ObservationKey(o));
            return Ok(self.claimed(claim));
        }
        let Some(&(video_id, _)) = self.video_ids.get(&o.video_id) else {
            // A video not met in this import: look it up; unknown, it has
            // no observations.
            let known: Option<i64> = self.run(
                Stmt::VideoSelect,
                "SELECT id FROM videos WHERE platform = ?1 AND platform_id = ?2",
                |st| {
                    use rusqlite::OptionalExtension;
                    st.query_row(params![self.platform, o.video_id], |r| r.get(0))
                        .optional()
                },
            )?;
            return match known {
                Some(id) => self.observation_stored(id, o),
                None => Ok(false),
            };
        };
        self.observation_stored(video_id, o)
    }

    fn observation_stored(&self, video_id: i64, o: &Observation) -> Result<bool, StoreError> {
        let m = &o.metrics;
        let c = counts_of(m).map(|c| c.map(|c| c.value));
        self.run(
            Stmt::ObservationSeen,
            "SELECT EXISTS (SELECT 1 FROM observations WHERE video_id = ?1
                AND (observed_at = ?2 OR ?19) AND source = ?3 AND views IS ?4 AND reach IS ?5 AND likes IS ?6
                AND comments IS ?7 AND shares IS ?8 AND saves IS ?9 AND new_followers IS ?10
                AND profile_views IS ?11 AND approx_mask = ?12 AND avg_watch_s IS ?13
                AND total_watch_s IS ?14 AND full_watch_rate IS ?15 AND traffic_sources IS ?16
                AND territories IS ?17 AND genders IS ?18)",
            |st| {
                st.query_row(
                    params![
                        video_id,
                        o.observed_at,
                        o.source.name(),
                        c[0],
                        c[1],
                        c[2],
                        c[3],
                        c[4],
                        c[5],
                        c[6],
                        c[7],
                        super::videos::approx_mask(m),
                        m.avg_watch_s,
                        m.total_watch_s,
                        m.full_watch_rate,
                        shares_json(&m.traffic_sources),
                        shares_json(&m.territories),
                        shares_json(&m.genders),
                        o.source.rows_undated()
                    ],
                    |r| r.get(0),
                )
            },
        )
    }

    /// Whether `c`, read from a file of format `source`, repeats a capture
    /// of its comment already stored: same comment, source and capture
    /// time. A capture without a time is never taken for a repeat. Call it
    /// once per comment capture, just before storing it.
    pub fn is_repeat_capture(&mut self, c: &Comment, source: &str) -> Result<bool, StoreError> {
        let Some(at) = c.observed_at else {
            return Ok(false);
        };
        if let Some(prints) = &mut self.capture_prints {
            let claim = prints.claim((&c.platform_id, source, at));
            return Ok(self.claimed(claim));
        }
        self.run(
            Stmt::CaptureSeen,
            "SELECT EXISTS (SELECT 1 FROM comments c JOIN comment_captures cc ON cc.comment_id = c.id
                WHERE c.platform = ?1 AND c.platform_id = ?2 AND cc.source = ?3
                  AND cc.observed_at = ?4)",
            |st| st.query_row(params![self.platform, c.platform_id, source, at], |r| r.get(0)),
        )
    }

    /// Whether `p` repeats a profile snapshot already stored (same person,
    /// time and values). Call it once per snapshot, just before storing it.
    pub fn is_repeat_profile(&mut self, p: &ProfileSnapshot) -> Result<bool, StoreError> {
        if let Some(prints) = &mut self.profile_prints {
            let key = (
                &p.author_key,
                p.observed_at,
                [p.followers, p.following, p.likes, p.videos],
            );
            let claim = prints.claim(key);
            return Ok(self.claimed(claim));
        }
        self.run(
            Stmt::ProfileSeen,
            "SELECT EXISTS (SELECT 1 FROM profile_snapshots WHERE author_key = ?1
                AND observed_at = ?2 AND followers IS ?3 AND following IS ?4 AND likes IS ?5
                AND videos IS ?6)",
            |st| {
                st.query_row(
                    params![
                        p.author_key,
                        p.observed_at,
                        p.followers,
                        p.following,
                        p.likes,
                        p.videos
                    ],
                    |r| r.get(0),
                )
            },
        )
    }

    /// Whether captures that repeat others inside the file may have been
    /// stored: true when a fingerprint set filled up (a very large first
    /// import), from where repeats were no longer recognised.
    pub fn repeats_unchecked(&self) -> bool {
        self.counts.repeats_unchecked
    }

    /// Counts what a claim found; true for a repeat.
    fn claimed(&mut self, claim: Claim) -> bool {
        match claim {
            Claim::Repeat => true,
            Claim::New => false,
            Claim::Full => {
                self.counts.repeats_unchecked = true;
                false
            }
        }
    }
}
