//! Writing one import inside one transaction.

use crate::{Store, StoreError};
use rusqlite::{params, Connection, OptionalExtension, Statement};
use std::cell::RefCell;
use std::collections::HashMap;
use std::path::Path;
use uptake_model::{
    AccountDay, AudienceSnapshot, Comment, Count, FollowerActivity, Metrics, Observation,
    ProfileSnapshot, Share, Video,
};

/// The statements an import runs, each prepared once per import (looking
/// SQL text up in rusqlite's statement cache for every record was 5% of the
/// storing thread's time, bench/zeeschuimer.sh).
#[derive(Debug, Clone, Copy)]
enum Stmt {
    Raw,
    Warning,
    VideoSelect,
    VideoUpdate,
    VideoInsert,
    Observation,
    Latest,
    AccountDay,
    Audience,
    FollowerActivity,
    CommentSelect,
    CommentUpdate,
    CommentInsert,
    Capture,
    FtsDelete,
    FtsInsert,
    Profile,
}

/// How many [`Stmt`]s there are.
const STMTS: usize = Stmt::Profile as usize + 1;

/// What is recorded about an import before its records arrive.
#[derive(Debug, Clone)]
pub struct NewImport {
    /// The file as named on the command line.
    pub file_name: String,
    /// SHA-256 of the file's bytes, lower-case hex.
    pub sha256: String,
    /// Size of the file in bytes.
    pub byte_size: u64,
    /// When the import ran, UTC seconds.
    pub imported_at: i64,
    /// The options that shaped the reading, as JSON (export date, language, ...).
    pub options_json: String,
}

/// What an import added.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportCounts {
    /// Source records read.
    pub items: u64,
    /// Videos not seen before.
    pub new_videos: u64,
    /// Observations added.
    pub observations: u64,
    /// Account days inserted or updated.
    pub account_days: u64,
    /// Audience entries added.
    pub audience_entries: u64,
    /// Follower-activity hours inserted or updated.
    pub follower_activity: u64,
    /// Comments not seen before.
    pub new_comments: u64,
    /// Comment captures (new or repeated).
    pub comment_captures: u64,
    /// Public profile snapshots added.
    pub profiles: u64,
    /// Warnings recorded.
    pub warnings: u64,
}

/// An import in progress. Everything written through it becomes visible
/// together at [`ImportTx::commit`]; dropping it without committing (an error,
/// a panic, a killed process) leaves the database exactly as before.
pub struct ImportTx<'a> {
    /// The connection, inside the transaction this import began (`BEGIN`);
    /// [`ImportTx::commit`] ends it with `COMMIT`, and dropping an import
    /// that was not committed ends it with `ROLLBACK`.
    conn: &'a Connection,
    /// Whether the transaction ended in a commit.
    committed: bool,
    /// The import took the database for itself (see
    /// [`Store::begin_bulk_import`]): the shared mode (WAL) is switched back
    /// on when the import ends, committed or not.
    bulk: bool,
    path: &'a Path,
    import_id: i64,
    platform: String,
    /// Row id of each video met in this import, and the fingerprint of the
    /// values last merged into it ([`video_fingerprint`]).
    video_ids: HashMap<String, (i64, u64)>,
    /// The statements prepared so far, by [`Stmt`]. A `RefCell` so that a
    /// statement can run while its parameters borrow the import's fields.
    held: RefCell<[Option<Statement<'a>>; STMTS]>,
    /// The largest comment row id before this import: every comment it adds
    /// has a larger one (row ids grow from the maximum), which lets the
    /// commit find them without scanning older comments.
    comments_before: i64,
    counts: ImportCounts,
}

/// The journal of a bulk import (see [`Store::begin_bulk_import`]);
/// TRUNCATE rather than DELETE spares creating and removing the file.
const JOURNAL_BULK: &str = "TRUNCATE";

/// Sets `conn`'s journal mode unless another connection is in the way
/// (without waiting for it); says whether the mode is now `mode`.
fn switch_journal(conn: &Connection, path: &Path, mode: &str) -> Result<bool, StoreError> {
    let sql = |e| StoreError::sql(path, e);
    conn.busy_timeout(std::time::Duration::ZERO).map_err(sql)?;
    let switched = conn.query_row(&format!("PRAGMA journal_mode = {mode}"), [], |r| {
        r.get::<_, String>(0)
    });
    conn.busy_timeout(crate::BUSY_TIMEOUT).map_err(sql)?;
    match switched {
        Ok(now) => Ok(now.eq_ignore_ascii_case(mode)),
        Err(e) if e.sqlite_error_code() == Some(rusqlite::ErrorCode::DatabaseBusy) => Ok(false),
        Err(e) => Err(sql(e)),
    }
}

/// How a placeholder SHA-256 begins (an import whose file is hashed while
/// it is read; [`ImportTx::set_sha256`] replaces it before the commit).
pub const PENDING_PREFIX: &str = "pending-";

/// Page cache of a connection that imports, in KiB (SQLite's negative
/// `cache_size` convention is applied where it is set).
const IMPORT_CACHE_KIB: i64 = -32 * 1024;

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

fn approx_mask(m: &Metrics) -> u32 {
    let counts = [
        m.views,
        m.reach,
        m.likes,
        m.comments,
        m.shares,
        m.saves,
        m.new_followers,
        m.profile_views,
    ];
    counts
        .iter()
        .zip(APPROX_BITS.iter())
        .filter(|(c, _)| c.is_some_and(|c| c.approximate))
        .fold(0, |mask, (_, (_, bit))| mask | bit)
}

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

/// The upsert that folds one observation into `video_latest`: a metric's
/// value is replaced when the observation reports it and is at least as
/// recent as the kept one (ties go to the later observation).
fn latest_upsert_sql() -> &'static str {
    static SQL: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    SQL.get_or_init(|| {
        let mut cols = vec![
            "video_id".to_string(),
            "observations".into(),
            "newest_at".into(),
        ];
        let mut vals = vec!["?1".to_string(), "1".into(), "?2".into()];
        let mut sets = vec![
            "observations = observations + 1".to_string(),
            "newest_at = MAX(newest_at, excluded.newest_at)".into(),
        ];
        let newer = |m: &str| {
            format!("excluded.{m} IS NOT NULL AND ({m}_at IS NULL OR excluded.{m}_at >= {m}_at)")
        };
        let mut p = 3;
        for m in LATEST_COUNTS {
            cols.extend([m.to_string(), format!("{m}_at"), format!("{m}_approx")]);
            vals.extend([
                format!("?{p}"),
                format!("CASE WHEN ?{p} IS NULL THEN NULL ELSE ?2 END"),
                format!("?{}", p + 1),
            ]);
            for c in [m.to_string(), format!("{m}_at"), format!("{m}_approx")] {
                sets.push(format!(
                    "{c} = CASE WHEN {} THEN excluded.{c} ELSE {c} END",
                    newer(m)
                ));
            }
            p += 2;
        }
        for m in LATEST_REALS.iter().chain(LATEST_LISTS.iter()) {
            cols.extend([m.to_string(), format!("{m}_at")]);
            vals.extend([
                format!("?{p}"),
                format!("CASE WHEN ?{p} IS NULL THEN NULL ELSE ?2 END"),
            ]);
            for c in [m.to_string(), format!("{m}_at")] {
                sets.push(format!(
                    "{c} = CASE WHEN {} THEN excluded.{c} ELSE {c} END",
                    newer(m)
                ));
            }
            p += 1;
        }
        format!(
            "INSERT INTO video_latest ({}) VALUES ({}) ON CONFLICT (video_id) DO UPDATE SET {}",
            cols.join(", "),
            vals.join(", "),
            sets.join(", ")
        )
    })
}

/// Distribution as stored: JSON `[[label, fraction], ...]`, or NULL when empty.
pub(crate) fn shares_json(shares: &[Share]) -> Option<String> {
    if shares.is_empty() {
        return None;
    }
    let pairs: Vec<(&str, f64)> = shares
        .iter()
        .map(|s| (s.label.as_str(), s.fraction))
        .collect();
    serde_json::to_string(&pairs).ok()
}

/// A fingerprint of the values [`ImportTx::video`] merges: equal
/// fingerprints mean merging again changes nothing.
fn video_fingerprint(v: &Video) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    (
        &v.author_handle,
        &v.author_key,
        v.created_at,
        v.posted_on,
        &v.title,
        &v.caption,
        v.duration_s.map(f64::to_bits),
        &v.url,
    )
        .hash(&mut h);
    h.finish()
}

fn value(c: Option<Count>) -> Option<i64> {
    c.map(|c| c.value)
}

impl Store {
    /// The import of the file with this SHA-256, if it was imported before.
    pub fn find_import(&self, sha256: &str) -> Result<Option<crate::ImportRow>, StoreError> {
        self.import_by_hash(&sha256.to_ascii_lowercase())
    }

    /// Whether an earlier import had exactly this many bytes: only then can
    /// a file be a repeat, and its hash is worth computing before reading.
    pub fn has_import_of_size(&self, byte_size: u64) -> Result<bool, StoreError> {
        self.conn
            .query_row(
                "SELECT EXISTS (SELECT 1 FROM imports WHERE byte_size = ?1)",
                params![byte_size as i64],
                |r| r.get(0),
            )
            .map_err(|e| StoreError::sql(&self.path, e))
    }

    /// Starts an import like [`Store::begin_import`], taking the database
    /// for itself when no other connection has it open: the import then
    /// writes through a rollback journal instead of the write-ahead log, so
    /// that the new pages are written once, into the database, rather than
    /// into the log and again at the checkpoint (a 1 GB Zeeschuimer capture
    /// imports about 15% faster, bench/zeeschuimer.sh). Atomicity is the
    /// same: a failed or killed import is rolled back from the journal at
    /// the next open. While it runs, other connections wait instead of
    /// reading the previous state, so the web app, whose readers must not
    /// wait, uses [`Store::begin_import`]. When another connection has the
    /// database's write-ahead log open (it has read the database), this is
    /// [`Store::begin_import`]. A program that opens the database during a
    /// bulk import and keeps a read open makes the commit wait for it, and
    /// fail with [`StoreError::Busy`] after the busy timeout (10 s). The
    /// shared mode is switched back on when the import ends, committed or
    /// not.
    pub fn begin_bulk_import(
        &mut self,
        new: &NewImport,
        platform: &str,
    ) -> Result<ImportTx<'_>, StoreError> {
        // The rollback journal's safe setting against power loss, set
        // before the switch (which itself writes through the journal).
        self.conn
            .pragma_update(None, "synchronous", "FULL")
            .map_err(|e| StoreError::sql(&self.path, e))?;
        let bulk = self.switch_journal(JOURNAL_BULK)?;
        if !bulk {
            self.conn
                .pragma_update(None, "synchronous", "NORMAL")
                .map_err(|e| StoreError::sql(&self.path, e))?;
        }
        self.begin(new, platform, bulk)
    }

    /// Sets the journal mode if no other connection is in the way (without
    /// waiting for one); says whether the mode is now `mode`.
    fn switch_journal(&self, mode: &str) -> Result<bool, StoreError> {
        switch_journal(&self.conn, &self.path, mode)
    }

    /// Starts an import. Records written through the returned [`ImportTx`]
    /// are stored only if it is committed.
    pub fn begin_import(
        &mut self,
        new: &NewImport,
        platform: &str,
    ) -> Result<ImportTx<'_>, StoreError> {
        self.begin(new, platform, false)
    }

    fn begin(
        &mut self,
        new: &NewImport,
        platform: &str,
        bulk: bool,
    ) -> Result<ImportTx<'_>, StoreError> {
        let path = self.path.as_path();
        let conn = &self.conn;
        let started = Self::start(conn, path);
        if let Err(e) = started {
            if bulk {
                restore_shared(conn);
            }
            return Err(e);
        }
        // From here on, dropping the import rolls the transaction back (and
        // switches a bulk import back to the shared mode).
        let mut tx = ImportTx {
            conn,
            committed: false,
            held: RefCell::new(std::array::from_fn(|_| None)),
            bulk,
            comments_before: 0,
            path,
            import_id: 0,
            platform: platform.to_string(),
            video_ids: HashMap::new(),
            counts: ImportCounts::default(),
        };
        conn.execute(
            "INSERT INTO imports (file_name, sha256, byte_size, formats, imported_at, options)
             VALUES (?1, ?2, ?3, '', ?4, ?5)",
            params![
                new.file_name,
                new.sha256,
                new.byte_size as i64,
                new.imported_at,
                new.options_json
            ],
        )
        .map_err(|e| StoreError::sql(path, e))?;
        tx.import_id = conn.last_insert_rowid();
        tx.comments_before = conn
            .query_row("SELECT COALESCE(MAX(id), 0) FROM comments", [], |r| {
                r.get(0)
            })
            .map_err(|e| StoreError::sql(path, e))?;
        Ok(tx)
    }

    /// Sizes the page cache for an import and begins its transaction.
    fn start(conn: &Connection, path: &Path) -> Result<(), StoreError> {
        // An import writes far more than SQLite's default 2 MB page cache
        // holds; with it, index pages were evicted by raw records and read
        // back for the next insert (bench/zeeschuimer.sh: 10% of the time).
        // 32 MiB keeps the indexes of a large import in memory.
        conn.pragma_update(None, "cache_size", IMPORT_CACHE_KIB)
            .map_err(|e| StoreError::sql(path, e))?;
        conn.execute_batch("BEGIN")
            .map_err(|e| StoreError::sql(path, e))
    }
}

impl<'a> ImportTx<'a> {
    fn sql(&self, e: rusqlite::Error) -> StoreError {
        StoreError::sql(self.path, e)
    }

    /// Runs `f` on the statement `which`, preparing it from `sql` the first
    /// time (`sql` must be the same text at every call for `which`).
    fn run<T>(
        &self,
        which: Stmt,
        sql: &str,
        f: impl FnOnce(&mut Statement<'a>) -> rusqlite::Result<T>,
    ) -> Result<T, StoreError> {
        let mut held = self.held.borrow_mut();
        let slot = &mut held[which as usize];
        let statement = match slot {
            Some(statement) => statement,
            None => slot.insert(self.conn.prepare(sql).map_err(|e| self.sql(e))?),
        };
        f(statement).map_err(|e| self.sql(e))
    }

    /// The id of this import.
    pub fn import_id(&self) -> i64 {
        self.import_id
    }

    /// Records the file's SHA-256 when it was computed while the file was
    /// read (the import began with a placeholder). Returns the earlier
    /// import of the same bytes instead, if there is one: the caller then
    /// drops this import, leaving the database as it was.
    pub fn set_sha256(&mut self, sha256: &str) -> Result<Option<crate::ImportRow>, StoreError> {
        let sha256 = sha256.to_ascii_lowercase();
        let earlier = crate::query::select_imports(
            self.conn,
            "WHERE i.sha256 = ?1 AND i.id <> ?2",
            params![sha256, self.import_id],
        )
        .map_err(|e| self.sql(e))?;
        if let Some(earlier) = earlier.into_iter().next() {
            return Ok(Some(earlier));
        }
        self.conn
            .execute(
                "UPDATE imports SET sha256 = ?2 WHERE id = ?1",
                params![self.import_id, sha256],
            )
            .map_err(|e| self.sql(e))?;
        Ok(None)
    }

    /// Notes that one source record was read.
    pub fn count_item(&mut self) {
        self.counts.items += 1;
    }

    /// Keeps a source record as received (see [`crate::raw`]); returns its id.
    pub fn raw(&mut self, location: &str, body: &str) -> Result<i64, StoreError> {
        self.run(
            Stmt::Raw,
            "INSERT INTO raw_records (import_id, location, body) VALUES (?1, ?2, ?3)",
            |st| st.execute(params![self.import_id, location, body]),
        )?;
        Ok(self.conn.last_insert_rowid())
    }

    /// Records a warning against this import.
    pub fn warning(&mut self, location: &str, message: &str) -> Result<(), StoreError> {
        self.run(
            Stmt::Warning,
            "INSERT INTO import_warnings (import_id, location, message) VALUES (?1, ?2, ?3)",
            |st| st.execute(params![self.import_id, location, message]),
        )?;
        self.counts.warnings += 1;
        Ok(())
    }

    /// Inserts a video or merges what this record knows into the stored one;
    /// returns the video's row id. A known value is never replaced by an
    /// unknown one; a posting date derived from an exact `created_at` wins
    /// over a date-only one.
    pub fn video(&mut self, v: &Video) -> Result<i64, StoreError> {
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
                           title         = COALESCE(?6, title),
                           caption       = COALESCE(?7, caption),
                           duration_s    = COALESCE(?8, duration_s),
                           url           = COALESCE(?9, url)
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
                            v.url
                        ])
                    },
                )?;
                id
            }
            None => {
                self.run(
                    Stmt::VideoInsert,
                    "INSERT INTO videos (platform, platform_id, author_handle, author_key,
                           created_at, posted_on, title, caption, duration_s, url, first_import_id)
                         VALUES (?1, ?2, ?3, ?4, ?5,
                           CASE WHEN ?5 IS NOT NULL THEN date(?5, 'unixepoch') ELSE ?6 END,
                           ?7, ?8, ?9, ?10, ?11)",
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
                            self.import_id
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

    fn video_row(&mut self, platform_id: &str) -> Result<i64, StoreError> {
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
        let counts = [
            m.views,
            m.reach,
            m.likes,
            m.comments,
            m.shares,
            m.saves,
            m.new_followers,
            m.profile_views,
        ];
        let mut values: Vec<rusqlite::types::Value> = vec![video_id.into(), o.observed_at.into()];
        for c in counts {
            values.push(c.map(|c| c.value).into());
            values.push(c.map(|c| i64::from(c.approximate)).into());
        }
        for r in [m.avg_watch_s, m.total_watch_s, m.full_watch_rate] {
            values.push(r.into());
        }
        for l in [&m.traffic_sources, &m.territories, &m.genders] {
            values.push(shares_json(l).into());
        }
        self.run(Stmt::Latest, latest_upsert_sql(), |st| {
            st.execute(rusqlite::params_from_iter(values))
        })?;
        self.counts.observations += 1;
        Ok(())
    }

    /// Upserts a day of the account series: each present value replaces the
    /// stored one (the newest import wins); a missing value keeps it.
    pub fn account_day(&mut self, d: &AccountDay) -> Result<(), StoreError> {
        self.run(
            Stmt::AccountDay,
            "INSERT INTO account_days (account, date, video_views, profile_views, likes,
                   comments, shares, followers, new_followers, total_viewers, new_viewers,
                   returning_viewers, reach, import_id)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)
                 ON CONFLICT (account, date) DO UPDATE SET
                   video_views       = COALESCE(excluded.video_views, video_views),
                   profile_views     = COALESCE(excluded.profile_views, profile_views),
                   likes             = COALESCE(excluded.likes, likes),
                   comments          = COALESCE(excluded.comments, comments),
                   shares            = COALESCE(excluded.shares, shares),
                   followers         = COALESCE(excluded.followers, followers),
                   new_followers     = COALESCE(excluded.new_followers, new_followers),
                   total_viewers     = COALESCE(excluded.total_viewers, total_viewers),
                   new_viewers       = COALESCE(excluded.new_viewers, new_viewers),
                   returning_viewers = COALESCE(excluded.returning_viewers, returning_viewers),
                   reach             = COALESCE(excluded.reach, reach),
                   import_id         = excluded.import_id",
            |st| {
                st.execute(params![
                    d.account,
                    d.date.format("%Y-%m-%d").to_string(),
                    d.video_views,
                    d.profile_views,
                    d.likes,
                    d.comments,
                    d.shares,
                    d.followers,
                    d.new_followers,
                    d.total_viewers,
                    d.new_viewers,
                    d.returning_viewers,
                    d.reach,
                    self.import_id
                ])
            },
        )?;
        self.counts.account_days += 1;
        Ok(())
    }

    /// Adds an audience snapshot.
    pub fn audience(&mut self, a: &AudienceSnapshot) -> Result<(), StoreError> {
        let as_of = a.as_of.format("%Y-%m-%d").to_string();
        for share in &a.shares {
            self.run(
                Stmt::Audience,
                "INSERT INTO audience_snapshots (import_id, account, as_of, kind, label, fraction)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                |st| {
                    st.execute(params![
                        self.import_id,
                        a.account,
                        as_of,
                        a.kind.name(),
                        share.label,
                        share.fraction
                    ])
                },
            )?;
            self.counts.audience_entries += 1;
        }
        Ok(())
    }

    /// Upserts active followers for one hour (newest import wins).
    pub fn follower_activity(&mut self, f: &FollowerActivity) -> Result<(), StoreError> {
        self.run(
            Stmt::FollowerActivity,
            "INSERT INTO follower_activity (account, date, hour, active_followers, import_id)
                 VALUES (?1, ?2, ?3, ?4, ?5)
                 ON CONFLICT (account, date, hour) DO UPDATE SET
                   active_followers = excluded.active_followers, import_id = excluded.import_id",
            |st| {
                st.execute(params![
                    f.account,
                    f.date.format("%Y-%m-%d").to_string(),
                    f.hour,
                    f.active_followers,
                    self.import_id
                ])
            },
        )?;
        self.counts.follower_activity += 1;
        Ok(())
    }

    /// Inserts a comment, or merges a repeated capture of it: the values of
    /// the latest capture win (likes and replies change), a missing value
    /// never replaces a known one, and every capture is listed.
    pub fn comment(
        &mut self,
        c: &Comment,
        source: &str,
        raw_id: Option<i64>,
    ) -> Result<(), StoreError> {
        let video_id = self.video_row(&c.video_id)?;
        // The search index is filled at commit for comments new in this
        // import; an older comment's entry is replaced here if its text changes.
        let existing: Option<(i64, String, Option<i64>)> = self.run(
            Stmt::CommentSelect,
            "SELECT id, text, first_import_id FROM comments
                 WHERE platform = ?1 AND platform_id = ?2",
            |st| {
                st.query_row(params![self.platform, c.platform_id], |r| {
                    Ok((r.get(0)?, r.get(1)?, r.get(2)?))
                })
                .optional()
            },
        )?;
        let likes = c.likes.map(|l| l.value);
        let likes_approx = c.likes.is_some_and(|l| l.approximate);
        let replies = c.replies.map(|r| r.value);
        let id = match existing {
            Some((id, old_text, first_import)) => {
                let new_text: String = self.run(Stmt::CommentUpdate, "UPDATE comments SET
                           parent_platform_id = COALESCE(parent_platform_id, ?2),
                           author_key    = COALESCE(author_key, ?3),
                           author_handle = COALESCE(author_handle, ?4),
                           created_at    = COALESCE(created_at, ?5),
                           text = CASE WHEN ?6 <> '' AND (observed_at IS NULL OR ?11 >= observed_at)
                                       THEN ?6 ELSE text END,
                           likes = CASE WHEN ?7 IS NOT NULL AND (observed_at IS NULL OR ?11 >= observed_at)
                                        THEN ?7 ELSE likes END,
                           likes_approx = CASE WHEN ?7 IS NOT NULL AND (observed_at IS NULL OR ?11 >= observed_at)
                                        THEN ?8 ELSE likes_approx END,
                           replies = CASE WHEN ?9 IS NOT NULL AND (observed_at IS NULL OR ?11 >= observed_at)
                                        THEN ?9 ELSE replies END,
                           language = COALESCE(?10, language),
                           source = CASE WHEN observed_at IS NULL OR ?11 >= observed_at THEN ?12 ELSE source END,
                           raw_id = CASE WHEN observed_at IS NULL OR ?11 >= observed_at THEN ?13 ELSE raw_id END,
                           observed_at = MAX(COALESCE(observed_at, ?11), COALESCE(?11, observed_at)),
                           captures = captures + 1
                         WHERE id = ?1 RETURNING text", |st| {
                        st.query_row(params![
                            id,
                            c.parent_id,
                            c.author_key,
                            c.author_handle,
                            c.created_at,
                            c.text,
                            likes,
                            likes_approx,
                            replies,
                            c.language,
                            c.observed_at,
                            source,
                            raw_id
                        ], |r| r.get(0))
                    })?;
                if first_import != Some(self.import_id) && new_text != old_text {
                    self.reindex_comment(id, &old_text, &new_text)?;
                }
                id
            }
            None => {
                self.run(Stmt::CommentInsert, "INSERT INTO comments (platform, platform_id, video_id, parent_platform_id,
                           author_key, author_handle, created_at, text, likes, likes_approx, replies,
                           language, observed_at, source, first_import_id, raw_id)
                         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)", |st| {
                        st.execute(params![
                            self.platform,
                            c.platform_id,
                            video_id,
                            c.parent_id,
                            c.author_key,
                            c.author_handle,
                            c.created_at,
                            c.text,
                            likes,
                            likes_approx,
                            replies,
                            c.language,
                            c.observed_at,
                            source,
                            self.import_id,
                            raw_id
                        ])
                    })?;
                self.counts.new_comments += 1;
                self.conn.last_insert_rowid()
            }
        };
        self.run(
            Stmt::Capture,
            "INSERT INTO comment_captures (comment_id, import_id, source, observed_at, raw_id)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
            |st| st.execute(params![id, self.import_id, source, c.observed_at, raw_id]),
        )?;
        self.counts.comment_captures += 1;
        Ok(())
    }

    /// Replaces a comment's entry in the search index (an external-content
    /// FTS5 table: the old text must be given to remove its terms).
    fn reindex_comment(&mut self, id: i64, old: &str, new: &str) -> Result<(), StoreError> {
        self.run(
            Stmt::FtsDelete,
            "INSERT INTO comments_fts(comments_fts, rowid, text) VALUES ('delete', ?1, ?2)",
            |st| st.execute(params![id, old]),
        )?;
        self.run(
            Stmt::FtsInsert,
            "INSERT INTO comments_fts(rowid, text) VALUES (?1, ?2)",
            |st| st.execute(params![id, new]),
        )?;
        Ok(())
    }

    /// Adds a public profile snapshot.
    pub fn profile(&mut self, p: &ProfileSnapshot) -> Result<(), StoreError> {
        self.run(
            Stmt::Profile,
            "INSERT INTO profile_snapshots (import_id, author_key, observed_at, followers,
                   following, likes, videos) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            |st| {
                st.execute(params![
                    self.import_id,
                    p.author_key,
                    p.observed_at,
                    p.followers,
                    p.following,
                    p.likes,
                    p.videos
                ])
            },
        )?;
        self.counts.profiles += 1;
        Ok(())
    }

    /// Records the formats read and commits everything at once.
    pub fn commit(mut self, formats: &[String]) -> Result<ImportCounts, StoreError> {
        // One statement indexes every comment this import added, with the
        // text its latest capture left (see migration 007).
        self.conn
            .execute(
                "INSERT INTO comments_fts(rowid, text)
                 SELECT id, text FROM comments WHERE id > ?1 AND first_import_id = ?2",
                params![self.comments_before, self.import_id],
            )
            .map_err(|e| StoreError::sql(self.path, e))?;
        let c = &self.counts;
        self.conn
            .execute(
                "UPDATE imports SET formats = ?2, items = ?3, videos = ?4, observations = ?5,
                   account_days = ?6, comments = ?7 WHERE id = ?1",
                params![
                    self.import_id,
                    formats.join(","),
                    c.items as i64,
                    c.new_videos as i64,
                    c.observations as i64,
                    c.account_days as i64,
                    c.new_comments as i64
                ],
            )
            .map_err(|e| StoreError::sql(self.path, e))?;
        // A placeholder hash (see `set_sha256`) must never be committed.
        let sha256: String = self
            .conn
            .query_row(
                "SELECT sha256 FROM imports WHERE id = ?1",
                params![self.import_id],
                |r| r.get(0),
            )
            .map_err(|e| StoreError::sql(self.path, e))?;
        if sha256.starts_with(PENDING_PREFIX) {
            return Err(StoreError::Corrupt {
                path: self.path.to_path_buf(),
                what: "an import was about to be committed without its file's SHA-256".into(),
            });
        }
        self.conn
            .execute_batch("COMMIT")
            .map_err(|e| StoreError::sql(self.path, e))?;
        self.committed = true;
        // Dropping `self` now switches a bulk import back to the shared mode.
        Ok(self.counts.clone())
    }
}

impl Drop for ImportTx<'_> {
    fn drop(&mut self) {
        if !self.committed {
            // Leaves the database exactly as before the import. (A killed
            // process gets the same from SQLite at the next open.)
            let _ = self.conn.execute_batch("ROLLBACK");
        }
        if self.bulk {
            restore_shared(self.conn);
        }
    }
}

/// Switches a connection back to the shared mode after a bulk import,
/// committed or not. Best effort: the import's outcome is already settled,
/// and should this fail (another program in the way, a full disk), the next
/// `Store::open` switches the file back to WAL itself.
fn restore_shared(conn: &Connection) {
    if let Ok(true) = switch_journal(conn, Path::new(""), "WAL") {
        // NORMAL is safe with WAL; set only once WAL is back.
        let _ = conn.pragma_update(None, "synchronous", "NORMAL");
    }
}
