//! Schema versions and migrations.
//!
//! Migrations are numbered SQL files, embedded at compile time and applied in
//! order; the database's `user_version` records how many have run. They are
//! append-only: an existing file is never edited once released.

use crate::StoreError;
use rusqlite::Connection;
use std::path::Path;

/// The migrations, in order; migration `i` takes the schema from version `i`
/// to `i + 1`.
const MIGRATIONS: &[&str] = &[
    include_str!("../migrations/001_initial.sql"),
    include_str!("../migrations/002_public_data.sql"),
    include_str!("../migrations/003_annotations.sql"),
    include_str!("../migrations/004_coding.sql"),
    include_str!("../migrations/005_team.sql"),
    include_str!("../migrations/006_web_indexes.sql"),
    include_str!("../migrations/007_bulk_fts.sql"),
    include_str!("../migrations/008_video_meta_at.sql"),
];

/// The schema version this build writes.
pub const SCHEMA_VERSION: u32 = MIGRATIONS.len() as u32;

pub(crate) fn user_version(conn: &Connection) -> rusqlite::Result<u32> {
    conn.pragma_query_value(None, "user_version", |row| row.get(0))
}

/// Fails with [`StoreError::TooNew`] when the database's schema is newer
/// than this build's, without writing anything.
pub(crate) fn refuse_newer(conn: &Connection, path: &Path) -> Result<(), StoreError> {
    let found = user_version(conn).map_err(|e| StoreError::sql(path, e))?;
    if found > SCHEMA_VERSION {
        return Err(StoreError::TooNew {
            path: path.to_path_buf(),
            found,
            supported: SCHEMA_VERSION,
        });
    }
    Ok(())
}

/// Brings the database to [`SCHEMA_VERSION`], each step in its own
/// transaction, or refuses a database from a newer uptake untouched.
pub(crate) fn migrate(conn: &mut Connection, path: &Path) -> Result<(), StoreError> {
    let sql = |e| StoreError::sql(path, e);
    refuse_newer(conn, path)?;
    let found = user_version(conn).map_err(sql)?;
    for (index, migration) in MIGRATIONS.iter().enumerate().skip(found as usize) {
        let tx = conn.transaction().map_err(sql)?;
        tx.execute_batch(migration).map_err(sql)?;
        tx.pragma_update(None, "user_version", index as u32 + 1)
            .map_err(sql)?;
        tx.commit().map_err(sql)?;
    }
    Ok(())
}
