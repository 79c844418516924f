//! The store's error type.

use std::path::{Path, PathBuf};

/// Everything that can go wrong in the store.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// SQLite reported an error.
    #[error("database `{path}`: {source}")]
    Sql {
        /// The database file.
        path: PathBuf,
        /// SQLite's error.
        #[source]
        source: rusqlite::Error,
    },
    /// Another connection held the database for longer than the busy
    /// timeout (a bulk import takes it for itself while it runs).
    #[error(
        "database `{path}` is busy: another program is using it (an `uptake import` running, \
         or an SQLite tool such as DB Browser holding it open while an import runs); try again \
         when it has finished, or close the tool"
    )]
    Busy {
        /// The database file.
        path: PathBuf,
        /// SQLite's error.
        #[source]
        source: rusqlite::Error,
    },
    /// The database was written by a newer uptake.
    #[error(
        "database `{path}` has schema version {found}, but this uptake knows versions up to \
         {supported}: it was written by a newer uptake; install that version (the database was \
         not changed)"
    )]
    TooNew {
        /// The database file.
        path: PathBuf,
        /// Its schema version.
        found: u32,
        /// The newest this build knows.
        supported: u32,
    },
    /// `create` was asked to overwrite an existing file.
    #[error("database `{0}` already exists")]
    AlreadyExists(PathBuf),
    /// `open` was asked for a file that does not exist.
    #[error("database `{0}` does not exist")]
    Missing(PathBuf),
    /// A stored value could not be decoded (a bug in uptake, or a database
    /// edited by hand).
    #[error(
        "database `{path}`: {what}; this is a bug in uptake or the database was edited by hand"
    )]
    Corrupt {
        /// The database file.
        path: PathBuf,
        /// What could not be decoded.
        what: String,
    },
}

impl StoreError {
    pub(crate) fn sql(path: &Path, source: rusqlite::Error) -> Self {
        if source.sqlite_error_code() == Some(rusqlite::ErrorCode::DatabaseBusy) {
            return StoreError::Busy {
                path: path.to_path_buf(),
                source,
            };
        }
        StoreError::Sql {
            path: path.to_path_buf(),
            source,
        }
    }
}
