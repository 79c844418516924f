//! An import's warnings, for its page.

use crate::{Store, StoreError};
use rusqlite::params;

/// A warning of one import.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportWarningRow {
    /// Where.
    pub location: String,
    /// What.
    pub message: String,
}

impl Store {
    /// Up to `limit` warnings of one import, in the order recorded, and how many it has.
    pub fn import_warnings(
        &self,
        import_id: i64,
        limit: u32,
    ) -> Result<(Vec<ImportWarningRow>, i64), StoreError> {
        let total: i64 = self
            .conn
            .query_row(
                "SELECT COUNT(*) FROM import_warnings WHERE import_id = ?1",
                params![import_id],
                |r| r.get(0),
            )
            .map_err(|e| self.page_sql(e))?;
        let mut st = self
            .conn
            .prepare_cached(
                "SELECT location, message FROM import_warnings WHERE import_id = ?1 ORDER BY id LIMIT ?2",
            )
            .map_err(|e| self.page_sql(e))?;
        let rows = st
            .query_map(params![import_id, limit], |r| {
                Ok(ImportWarningRow {
                    location: r.get(0)?,
                    message: r.get(1)?,
                })
            })
            .and_then(|rows| rows.collect::<Result<Vec<_>, _>>())
            .map_err(|e| self.page_sql(e))?;
        Ok((rows, total))
    }
}
