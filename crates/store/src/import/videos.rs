//! Videos and their observations: merging a video's values (skipped when
//! its fingerprint is unchanged), adding observations, and folding each into
//! `video_latest` (see `latest`).

use super::{shares_json, ImportTx, Stmt};
use crate::StoreError;
use rusqlite::{params, OptionalExtension};
use uptake_model::{Count, Metrics, Observation, Video};

/// Bit of each count column in `observations.approx_mask`.
pub(crate) const APPROX_BITS: [(&str, u32); 8] = [
    ("views", 1),
    ("reach", 2),
    ("likes", 4),
    ("comments", 8),
    ("shares", 16),
    ("saves", 32),
    ("new_followers", 64),
    ("profile_views", 128),
];

/// The count metrics of `m` in the order of [`APPROX_BITS`] (and of
/// `LATEST_COUNTS`).
pub(super) fn counts_of(m: &Metrics) -> [Option<Count>; 8] {
    [
        m.views,
        m.reach,
        m.likes,
        m.comments,
        m.shares,
        m.saves,
        m.new_followers,
        m.profile_views,
    ]
}

pub(super) fn approx_mask(m: &Metrics) -> u32 {
    counts_of(m)
        .iter()
        .zip(APPROX_BITS.iter())
        .filter(|(c, _)| c.is_some_and(|c| c.approximate))
        .fold(0, |mask, (_, (_, bit))| mask | bit)
}

/// The hash of video fingerprints: seeded at random once per process, so
/// that a file cannot be crafted to make two different values collide, and
/// fast (SipHash was about 1% of a large import, bench/zeeschuimer.sh).
static FINGERPRINT: std::sync::LazyLock<foldhash::fast::RandomState> =
    std::sync::LazyLock::new(foldhash::fast::RandomState::default);

/// A fingerprint of the values [`ImportTx::video`] merges: equal
/// fingerprints mean merging again changes nothing.
pub(super) fn video_fingerprint(v: &Video) -> u64 {
    use std::hash::BuildHasher;
    FINGERPRINT.hash_one((
        &v.author_handle,
        &v.author_key,
        v.created_at,
        v.posted_on,
        &v.title,
        &v.caption,
        v.duration_s.map(f64::to_bits),
        &v.url,
    ))
}

fn value(c: Option<Count>) -> Option<i64> {
    c.map(|c| c.value)
}

impl ImportTx<'_> {
    /// [`ImportTx::video_seen`] for a record with no capture time.
    pub fn video(&mut self, v: &Video) -> Result<i64, StoreError> {
        self.video_seen(v, None)
    }

    /// Inserts a video or merges what this record knows into the stored one;
    /// returns the video's row id. A known value is never replaced by an
    /// unknown one; a posting date derived from an exact `created_at` wins
    /// over a date-only one; a duration rounded to the second does not
    /// replace a precise one it rounds. `seen` is when the capture that
    /// describes the video was made: the title, caption, link and duration
    /// of a capture older than the one stored only fill in what is unknown
    /// (the newest capture wins, as for counts).
    pub fn video_seen(&mut self, v: &Video, seen: Option<i64>) -> Result<i64, StoreError> {
        // Repeated captures of one video are common (Zeeschuimer, pyktok
        // reruns): its row id is remembered for the import, with a
        // fingerprint of the values last merged into it, so that merging the
        // same values again (which changes nothing) is skipped. (Inserting
        // first and looking up only on conflict was tried: `ON CONFLICT DO
        // NOTHING` makes SQLite keep a statement journal for every insert,
        // and the import slowed by a quarter.)
        let fingerprint = video_fingerprint(v);
        let existing: Option<i64> = match self.video_ids.get(&v.platform_id) {
            Some(&(id, merged)) if merged == fingerprint => return Ok(id),
            Some(&(id, _)) => Some(id),
            None if self.no_videos_before => None,
            None => self.run(
                Stmt::VideoSelect,
                "SELECT id FROM videos WHERE platform = ?1 AND platform_id = ?2",
                |st| {
                    st.query_row(params![self.platform, v.platform_id], |r| r.get(0))
                        .optional()
                },
            )?,
        };
        let posted_on = v.posted_on.map(|d| d.format("%Y-%m-%d").to_string());
        let id = match existing {
            Some(id) => {
                self.run(
                    Stmt::VideoUpdate,
                    "UPDATE videos SET
                           author_handle = COALESCE(?2, author_handle),
                           author_key    = COALESCE(?3, author_key),
                           created_at    = COALESCE(?4, created_at),
                           posted_on     = CASE WHEN COALESCE(?4, created_at) IS NOT NULL
                                                THEN date(COALESCE(?4, created_at), 'unixepoch')
                                                ELSE COALESCE(?5, posted_on) END,
                           -- ?10 older than the stored description: fill in only.
                           title         = CASE WHEN ?10 < meta_at THEN COALESCE(title, ?6)
                                                ELSE COALESCE(?6, title) END,
                           caption       = CASE WHEN ?10 < meta_at THEN COALESCE(caption, ?7)
                                                ELSE COALESCE(?7, caption) END,
                           duration_s    = CASE
                                 WHEN ?8 IS NULL THEN duration_s
                                 WHEN ?10 < meta_at THEN COALESCE(duration_s, ?8)
                                 -- A whole-second duration within a second of a
                                 -- stored fractional one is the same length
                                 -- rounded (Zeeschuimer, yt-dlp): it does not
                                 -- replace the precise one (Business API).
                                 WHEN duration_s IS NOT NULL AND ?8 = round(?8)
                                      AND duration_s <> round(duration_s)
                                      AND abs(?8 - duration_s) < 1 THEN duration_s
                                 ELSE ?8 END,
                           url           = CASE WHEN ?10 < meta_at THEN COALESCE(url, ?9)
                                                ELSE COALESCE(?9, url) END,
                           meta_at       = max(COALESCE(meta_at, ?10), COALESCE(?10, meta_at))
                         WHERE id = ?1",
                    |st| {
                        st.execute(params![
                            id,
                            v.author_handle,
                            v.author_key,
                            v.created_at,
                            posted_on,
                            v.title,
                            v.caption,
                            v.duration_s,
                            v.url,
                            seen
                        ])
                    },
                )?;
                id
            }
            None => {
                self.run(
                    Stmt::VideoInsert,
                    "INSERT INTO videos (platform, platform_id, author_handle, author_key,
                           created_at, posted_on, title, caption, duration_s, url, first_import_id,
                           meta_at)
                         VALUES (?1, ?2, ?3, ?4, ?5,
                           CASE WHEN ?5 IS NOT NULL THEN date(?5, 'unixepoch') ELSE ?6 END,
                           ?7, ?8, ?9, ?10, ?11, ?12)",
                    |st| {
                        st.execute(params![
                            self.platform,
                            v.platform_id,
                            v.author_handle,
                            v.author_key,
                            v.created_at,
                            posted_on,
                            v.title,
                            v.caption,
                            v.duration_s,
                            v.url,
                            self.import_id,
                            seen
                        ])
                    },
                )?;
                self.counts.new_videos += 1;
                self.conn.last_insert_rowid()
            }
        };
        self.video_ids
            .insert(v.platform_id.clone(), (id, fingerprint));
        Ok(id)
    }

    pub(super) fn video_row(&mut self, platform_id: &str) -> Result<i64, StoreError> {
        if let Some(&(id, _)) = self.video_ids.get(platform_id) {
            return Ok(id);
        }
        self.video(&Video::with_id(platform_id))
    }

    /// Adds an observation (never replacing earlier ones).
    pub fn observation(&mut self, o: &Observation, raw_id: Option<i64>) -> Result<(), StoreError> {
        let video_id = self.video_row(&o.video_id)?;
        let m = &o.metrics;
        self.run(
            Stmt::Observation,
            "INSERT INTO observations (video_id, import_id, raw_id, source, observed_at,
                   views, reach, likes, comments, shares, saves, new_followers, profile_views,
                   approx_mask, avg_watch_s, total_watch_s, full_watch_rate,
                   traffic_sources, territories, genders)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16,
                   ?17, ?18, ?19, ?20)",
            |st| {
                st.execute(params![
                    video_id,
                    self.import_id,
                    raw_id,
                    o.source.name(),
                    o.observed_at,
                    value(m.views),
                    value(m.reach),
                    value(m.likes),
                    value(m.comments),
                    value(m.shares),
                    value(m.saves),
                    value(m.new_followers),
                    value(m.profile_views),
                    approx_mask(m),
                    m.avg_watch_s,
                    m.total_watch_s,
                    m.full_watch_rate,
                    shares_json(&m.traffic_sources),
                    shares_json(&m.territories),
                    shares_json(&m.genders)
                ])
            },
        )?;
        self.latest.add(video_id, o.observed_at, m);
        if self.latest.is_full() {
            self.write_latest()?;
        }
        self.counts.observations += 1;
        Ok(())
    }
}
