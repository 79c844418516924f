//! The uptake project database.
//!
//! `uptake-store` owns the SQLite schema (append-only migrations under
//! `migrations/`, embedded at compile time and checked at every open), writes
//! imports inside one transaction each ([`ImportTx`]), and answers the typed
//! queries the reports need ([`Store::latest_metrics`], [`Store::account_days`],
//! [`Store::imports`]). It knows SQL and the records of `uptake-model`, and
//! nothing about file formats.
//!
//! The database runs in WAL mode with a busy timeout so that the command line
//! and the web app can use one project at the same time.

pub mod annotations;
pub mod coding;
pub mod comments;
pub mod erase;
pub mod error;
pub mod import;
pub mod pages;
pub mod query;
pub mod raw;
pub mod schema;
pub mod team;

pub use annotations::{Decision, FlaggedComment, NewAnnotation, PendingComment};
pub use coding::{
    AssignmentRow, CodebookStored, CoderUnit, CoderValue, CodingProgress, Disagreement, FinalCode,
    Finalized, NewAssignment, NewRound, NewValue, Provenance, SheetImport, SheetImported,
    StoredCodebook, UnitCodes, UnitContext, UnitSaved, WEB_PROVENANCE,
};
pub use comments::{CommentRow, CoverageRow};
pub use erase::Erased;
pub use error::StoreError;
pub use import::{
    defers_indexes, ImportCounts, ImportTx, NewImport, DEFER_INDEXES_MIN_BYTES, PENDING_PREFIX,
};
pub use pages::{
    CommentFilter, CommentListRow, DecisionRow, FlagRow, ImportWarningRow, ObservationRow, Page,
    QueueFilter, QueueState, VideoFilter, VideoSort,
};
pub use query::{ImportRow, LatestMetrics, StoreSummary, WarningRow};
pub use schema::SCHEMA_VERSION;
pub use team::{AuditEntry, NewAuditEntry, Role, SessionRow, User};

use rusqlite::Connection;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// An open project database.
pub struct Store {
    conn: Connection,
    path: PathBuf,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store").field("path", &self.path).finish()
    }
}

/// How long a statement waits for another connection's write to finish.
pub(crate) const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// Page size of databases created by this version, in bytes.
pub const PAGE_SIZE: u32 = 16 * 1024;

impl Store {
    /// Creates a new database at `path` (which must not exist) at the current schema.
    pub fn create(path: &Path) -> Result<Store, StoreError> {
        if path.exists() {
            return Err(StoreError::AlreadyExists(path.to_path_buf()));
        }
        Store::open_inner(path, true)
    }

    /// Opens an existing database, migrating an older schema and refusing a
    /// newer one.
    pub fn open(path: &Path) -> Result<Store, StoreError> {
        if !path.exists() {
            return Err(StoreError::Missing(path.to_path_buf()));
        }
        Store::open_inner(path, false)
    }

    fn open_inner(path: &Path, create: bool) -> Result<Store, StoreError> {
        // A `Connection` is used from one thread at a time (it is not `Sync`),
        // so SQLite's own per-call mutex is pure overhead.
        let mut flags =
            rusqlite::OpenFlags::SQLITE_OPEN_READ_WRITE | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX;
        if create {
            flags |= rusqlite::OpenFlags::SQLITE_OPEN_CREATE;
        }
        let sql = |e| StoreError::sql(path, e);
        let mut conn = Connection::open_with_flags(path, flags).map_err(sql)?;
        conn.busy_timeout(BUSY_TIMEOUT).map_err(sql)?;
        // Refuse a newer schema before anything (even the journal mode) changes the file.
        schema::refuse_newer(&conn, path)?;
        if create {
            // Set before the first table exists (it cannot change later in
            // WAL mode). 16 KiB pages hold a whole raw record (3-5 KB) where
            // 4 KiB pages chained overflow pages: a 1 GB Zeeschuimer import
            // stores about 10% faster (bench/zeeschuimer.sh), and the web
            // app's pages were as fast as with 4 KiB (bench/web.sh, 100,000
            // videos and 1,000,000 comments).
            conn.pragma_update(None, "page_size", PAGE_SIZE)
                .map_err(sql)?;
        }
        conn.pragma_update(None, "journal_mode", "WAL")
            .map_err(sql)?;
        conn.pragma_update(None, "foreign_keys", "ON")
            .map_err(sql)?;
        conn.pragma_update(None, "synchronous", "NORMAL")
            .map_err(sql)?;
        schema::migrate(&mut conn, path)?;
        Ok(Store {
            conn,
            path: path.to_path_buf(),
        })
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The schema version of the open database.
    pub fn schema_version(&self) -> Result<u32, StoreError> {
        schema::user_version(&self.conn).map_err(|e| StoreError::sql(&self.path, e))
    }
}
