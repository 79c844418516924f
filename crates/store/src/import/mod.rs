//! Writing one import inside one transaction.
//!
//! This module holds the import's types, the transaction itself ([`ImportTx`]
//! with its prepared statements), beginning and committing it, and the
//! journal switching of bulk imports. The record kinds are written by the
//! methods in `videos` (videos and observations), `account` (account days,
//! audience, follower activity) and `comments` (comments and profiles).

mod account;
mod comments;
mod fingerprints;
mod latest;
mod repeats;
mod videos;
mod writeback;

pub(crate) use latest::{LATEST_COUNTS, LATEST_LISTS, LATEST_REALS};
pub(crate) use videos::APPROX_BITS;

use crate::{Store, StoreError};
use fingerprints::Fingerprints;
use rusqlite::{params, Connection, Statement};
use std::cell::RefCell;
use std::collections::HashMap;
use std::path::Path;
use uptake_model::Share;

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
    ObservationSeen,
    CaptureSeen,
    ProfileSeen,
}

/// How many [`Stmt`]s there are.
const STMTS: usize = Stmt::ProfileSeen as usize + 1;

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
    /// Observations, comment captures and profile snapshots not stored
    /// because they repeat ones already stored (see `is_repeat_observation`).
    pub repeats: u64,
    /// Whether repeats inside the file stopped being recognised for want of
    /// memory (see [`ImportTx::repeats_unchecked`]).
    pub repeats_unchecked: bool,
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
    /// values last merged into it ([`video_fingerprint`](videos::video_fingerprint)).
    /// foldhash with a random seed: fast, and ids in a file cannot be
    /// chosen to collide.
    video_ids: HashMap<String, (i64, u64), foldhash::fast::RandomState>,
    /// Whether the database held no video of this platform when the import
    /// began: every video stored since is in `video_ids`, so one that is
    /// not there is new and is not looked up.
    no_videos_before: bool,
    /// The ids of the comments this import has added, when the database
    /// held none of this platform before it: a comment not here is new, and
    /// looking it up (one query per comment, most of them new in a first
    /// import) is skipped; dropped once full, from where every comment is
    /// looked up.
    new_comments: Option<Fingerprints>,
    /// Fingerprints of the observations, comment captures and profile
    /// snapshots stored so far, for the tables that held nothing of the
    /// platform when the import began (see `repeats`).
    observation_prints: Option<Fingerprints>,
    capture_prints: Option<Fingerprints>,
    profile_prints: Option<Fingerprints>,
    /// Observations folded into `video_latest` rows not yet written.
    latest: latest::LatestBuffer,
    /// The statements prepared so far, by [`Stmt`]. A `RefCell` so that a
    /// statement can run while its parameters borrow the import's fields.
    held: RefCell<[Option<Statement<'a>>; STMTS]>,
    /// The largest comment row id before this import: every comment it adds
    /// has a larger one (row ids grow from the maximum), which lets the
    /// commit find them without scanning older comments.
    comments_before: i64,
    /// The indexes this bulk import dropped, as the SQL that creates them
    /// again at the commit (see [`defers_indexes`]).
    deferred: Vec<String>,
    /// A bulk import's pages synced to disk while it runs; stopped once the
    /// transaction has ended (see [`writeback`]).
    writeback: Option<writeback::Writeback>,
    counts: ImportCounts,
}

/// The journal of a bulk import (see [`Store::begin_bulk_import`]);
/// TRUNCATE rather than DELETE spares creating and removing the file.
const JOURNAL_BULK: &str = "TRUNCATE";

/// Sets `conn`'s journal mode unless another connection is in the way
/// (without waiting for it); says whether the mode is now `mode`.
fn switch_journal(conn: &Connection, mode: &str) -> rusqlite::Result<bool> {
    conn.busy_timeout(std::time::Duration::ZERO)?;
    let switched = conn.query_row(&format!("PRAGMA journal_mode = {mode}"), [], |r| {
        r.get::<_, String>(0)
    });
    conn.busy_timeout(crate::BUSY_TIMEOUT)?;
    match switched {
        Ok(now) => Ok(now.eq_ignore_ascii_case(mode)),
        Err(e) if e.sqlite_error_code() == Some(rusqlite::ErrorCode::DatabaseBusy) => Ok(false),
        Err(e) => Err(e),
    }
}

/// How a placeholder SHA-256 begins (an import whose file is hashed while
/// it is read; [`ImportTx::set_sha256`] replaces it before the commit).
pub const PENDING_PREFIX: &str = "pending-";

/// Page cache of a connection that imports, in KiB (SQLite's negative
/// `cache_size` convention is applied where it is set).
const IMPORT_CACHE_KIB: i64 = -32 * 1024;

/// The smallest bulk import that defers index building (see
/// [`defers_indexes`]): below it, dropping and re-creating indexes costs
/// more than it saves.
pub const DEFER_INDEXES_MIN_BYTES: u64 = 16 * 1024 * 1024;

/// The tables an import writes to, whose secondary indexes a large bulk
/// import builds once at its commit instead of row by row.
/// `raw_records` and `import_warnings` are left out: their only index is
/// keyed by the import, so rows append to its end, and building it again
/// would read every raw record ever stored.
const DEFERRABLE_TABLES: &str = "'videos', 'observations', 'video_latest', 'comments', \
     'comment_captures', 'profile_snapshots'";

/// Indexes of those tables kept up to date row by row: keyed by the import
/// or by the raw record, they grow only at their end, which costs little.
const APPEND_ONLY_INDEXES: &str = "'observations_import', 'observations_raw'";

/// Whether a bulk import of a file of `import_bytes` into a database of
/// `database_bytes` builds its tables' secondary indexes once, at the
/// commit, instead of updating them with every row. Keeping up to 19
/// indexes row by row was about a quarter of a large import's storing time
/// (bench/zeeschuimer.sh); building an index from sorted rows is much
/// cheaper, but it reads the whole table, old rows included, so it pays
/// only when the import is large and at least as large as what is already
/// stored. Indexes that enforce uniqueness, which the import's own look-ups
/// and upserts use, are never deferred.
pub fn defers_indexes(import_bytes: u64, database_bytes: u64) -> bool {
    import_bytes >= DEFER_INDEXES_MIN_BYTES && import_bytes >= database_bytes
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
        let bulk =
            switch_journal(&self.conn, JOURNAL_BULK).map_err(|e| StoreError::sql(&self.path, e))?;
        if !bulk {
            self.conn
                .pragma_update(None, "synchronous", "NORMAL")
                .map_err(|e| StoreError::sql(&self.path, e))?;
        }
        self.begin(new, platform, bulk)
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
            check_references_again(conn);
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
            deferred: Vec::new(),
            writeback: None,
            path,
            import_id: 0,
            platform: platform.to_string(),
            video_ids: HashMap::default(),
            no_videos_before: false,
            new_comments: None,
            observation_prints: None,
            capture_prints: None,
            profile_prints: None,
            latest: latest::LatestBuffer::default(),
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
        let none_of = |sql: &str| {
            conn.query_row(sql, params![platform], |r| r.get::<_, bool>(0))
                .map_err(|e| StoreError::sql(path, e))
        };
        tx.no_videos_before =
            none_of("SELECT NOT EXISTS (SELECT 1 FROM videos WHERE platform = ?1)")?;
        let no_comments_before =
            none_of("SELECT NOT EXISTS (SELECT 1 FROM comments WHERE platform = ?1)")?;
        // Profile snapshots are keyed by person only; any row counts.
        let no_profiles_before = conn
            .query_row(
                "SELECT NOT EXISTS (SELECT 1 FROM profile_snapshots)",
                [],
                |r| r.get::<_, bool>(0),
            )
            .map_err(|e| StoreError::sql(path, e))?;
        if no_comments_before {
            tx.new_comments = Some(Fingerprints::default());
            tx.capture_prints = Some(Fingerprints::default());
        }
        if tx.no_videos_before {
            tx.observation_prints = Some(Fingerprints::default());
        }
        if no_profiles_before {
            tx.profile_prints = Some(Fingerprints::default());
        }
        if bulk
            && defers_indexes(
                new.byte_size,
                database_bytes(conn).map_err(|e| StoreError::sql(path, e))?,
            )
        {
            // The indexes that find repeats of stored captures stay up to
            // date where there are stored captures to find.
            let mut live = Vec::new();
            if !tx.no_videos_before {
                live.push("observations_video_time");
            }
            if !no_comments_before {
                live.push("comment_captures_comment");
            }
            if !no_profiles_before {
                live.push("profile_snapshots_author");
            }
            tx.deferred =
                drop_deferrable_indexes(conn, &live).map_err(|e| StoreError::sql(path, e))?;
        }
        if bulk {
            tx.writeback = writeback::Writeback::start(path);
        }
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
        // Every reference an import writes is to a row it has just written
        // or looked up inside its own transaction (its import, its raw
        // records, the videos and comments it inserted or found), and the
        // transaction holds the write lock from its first statement to its
        // commit, with no deletes: SQLite's check of each reference could
        // never fail, and it cost about 10% of a large import (one look-up
        // per reference, bench/zeeschuimer.sh). The check is off for the
        // transaction (it can only be switched outside one) and on again
        // when the import ends; debug builds, which every test uses, check
        // all references before the commit instead (`check_references`).
        conn.pragma_update(None, "foreign_keys", "OFF")
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

    /// Counts a record left out as a repeat of one already stored.
    pub fn count_repeat(&mut self) {
        self.counts.repeats += 1;
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

    /// Records the formats read and commits everything at once.
    pub fn commit(mut self, formats: &[String]) -> Result<ImportCounts, StoreError> {
        self.write_latest()?;
        // One statement indexes every comment this import added, with the
        // text its latest capture left (see migration 007).
        self.conn
            .execute(
                "INSERT INTO comments_fts(rowid, text)
                 SELECT id, text FROM comments WHERE id > ?1 AND first_import_id = ?2",
                params![self.comments_before, self.import_id],
            )
            .map_err(|e| StoreError::sql(self.path, e))?;
        // Indexes dropped at the start are built again, from the rows in
        // their tables, inside the same transaction.
        for sql in &self.deferred {
            self.conn
                .execute_batch(sql)
                .map_err(|e| StoreError::sql(self.path, e))?;
        }
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
        #[cfg(debug_assertions)]
        check_references(self.conn, self.path)?;
        self.conn
            .execute_batch("COMMIT")
            .map_err(|e| StoreError::sql(self.path, e))?;
        self.committed = true;
        // Dropping `self` now stops the writeback and switches a bulk import
        // back to the shared mode.
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
        check_references_again(self.conn);
        // Only now, with the transaction ended and before WAL is back, may
        // the writeback's descriptor of the file be closed (see `writeback`).
        if let Some(writeback) = self.writeback.take() {
            writeback.stop();
        }
        if self.bulk {
            restore_shared(self.conn);
        }
    }
}

/// Switches SQLite's reference checks back on after an import (see
/// `Store::start`). Best effort: outside a transaction, which is where an
/// import leaves the connection, the switch cannot fail.
fn check_references_again(conn: &Connection) {
    let _ = conn.pragma_update(None, "foreign_keys", "ON");
}

/// Fails if any row of the database refers to a row that does not exist:
/// the check SQLite skips during an import (see `Store::start`), run by
/// debug builds before every import's commit, so that every test that
/// imports would catch an import writing a dangling reference.
#[cfg(debug_assertions)]
fn check_references(conn: &Connection, path: &Path) -> Result<(), StoreError> {
    let dangling: Option<(String, i64, String)> = conn
        .query_row("PRAGMA foreign_key_check", [], |r| {
            Ok((
                r.get(0)?,
                r.get::<_, Option<i64>>(1)?.unwrap_or(0),
                r.get(2)?,
            ))
        })
        .map(Some)
        .or_else(|e| match e {
            rusqlite::Error::QueryReturnedNoRows => Ok(None),
            e => Err(StoreError::sql(path, e)),
        })?;
    match dangling {
        None => Ok(()),
        Some((table, row, parent)) => Err(StoreError::Corrupt {
            path: path.to_path_buf(),
            what: format!(
                "an import was about to commit row {row} of `{table}` referring to a row \
                 of `{parent}` that does not exist"
            ),
        }),
    }
}

/// The database's size in bytes, as SQLite counts its pages.
fn database_bytes(conn: &Connection) -> rusqlite::Result<u64> {
    let pages: i64 = conn.query_row("PRAGMA page_count", [], |r| r.get(0))?;
    let size: i64 = conn.query_row("PRAGMA page_size", [], |r| r.get(0))?;
    Ok((pages.max(0) as u64).saturating_mul(size.max(0) as u64))
}

/// Drops the secondary, non-unique indexes of the tables an import writes
/// to but those named in `live`, inside the import's transaction (a
/// rollback restores them), and returns the SQL that creates them again. The SQL comes from the schema
/// itself, so a later migration's index is deferred too.
fn drop_deferrable_indexes(conn: &Connection, live: &[&str]) -> rusqlite::Result<Vec<String>> {
    let mut found = conn.prepare(&format!(
        "SELECT name, sql FROM sqlite_master
         WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN ({DEFERRABLE_TABLES})
           AND upper(substr(sql, 1, 13)) <> 'CREATE UNIQUE'
           AND name NOT IN ({APPEND_ONLY_INDEXES})
         ORDER BY name"
    ))?;
    let indexes = found
        .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let mut create = Vec::with_capacity(indexes.len());
    for (name, sql) in indexes {
        if live.contains(&name.as_str()) {
            continue;
        }
        conn.execute_batch(&format!("DROP INDEX \"{}\"", name.replace('"', "\"\"")))?;
        create.push(sql);
    }
    Ok(create)
}

/// Switches a connection back to the shared mode after a bulk import,
/// committed or not. Best effort: the import's outcome is already settled,
/// and should this fail (another program in the way, a full disk), the next
/// `Store::open` switches the file back to WAL itself.
fn restore_shared(conn: &Connection) {
    if let Ok(true) = switch_journal(conn, "WAL") {
        // NORMAL is safe with WAL; set only once WAL is back.
        let _ = conn.pragma_update(None, "synchronous", "NORMAL");
    }
}
