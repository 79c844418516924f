//! Raw source records.
//!
//! Every imported record is kept as received (minus identifying values)
//! because formats drift. Bodies are stored as plain TEXT so that a
//! researcher can read them with any SQLite tool. (LZ4 compression was
//! measured on a 1 GB synthetic Zeeschuimer capture: the database shrank from
//! 1.13 GB to 0.86 GB but the import slowed from 73 to 64 MB/s on one core;
//! readable raw records were judged worth more. Records compressed one by
//! one with a dictionary were also tried by hand: an 8 KB dictionary made
//! from the test fixtures shrank 300 sampled benchmark records 2.4 times with
//! the `lz4` tool, against 1.8 times without; not adopted, because lz4_flex
//! hashes the dictionary again for every record, which on one core would
//! cost about what the smaller writes save.) Bodies written by a future
//! version as BLOBs are reported as undecodable rather than misread.

use crate::{Store, StoreError};
use rusqlite::params;
use rusqlite::types::ValueRef;

/// A raw record as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawRecord {
    /// The import it came from.
    pub import_id: i64,
    /// Where it was in the file.
    pub location: String,
    /// The record's text.
    pub body: String,
}

/// Reads a stored body; `None` when it is not UTF-8 text.
pub fn unpack(value: ValueRef<'_>) -> Option<String> {
    match value {
        ValueRef::Text(t) => String::from_utf8(t.to_vec()).ok(),
        _ => None,
    }
}

impl Store {
    /// Every raw record of one import (`Some`) or of all imports, in order.
    pub fn raw_records(&self, import: Option<i64>) -> Result<Vec<RawRecord>, StoreError> {
        let mut st = self
            .conn
            .prepare(
                "SELECT import_id, location, body FROM raw_records
                 WHERE ?1 IS NULL OR import_id = ?1 ORDER BY id",
            )
            .map_err(|e| StoreError::sql(&self.path, e))?;
        let mut rows = st
            .query(params![import])
            .map_err(|e| StoreError::sql(&self.path, e))?;
        let mut out = Vec::new();
        while let Some(r) = rows.next().map_err(|e| StoreError::sql(&self.path, e))? {
            let location: String = r.get(1).map_err(|e| StoreError::sql(&self.path, e))?;
            let body = r
                .get_ref(2)
                .ok()
                .and_then(unpack)
                .ok_or_else(|| StoreError::Corrupt {
                    path: self.path.clone(),
                    what: format!("raw record at {location} cannot be decoded"),
                })?;
            out.push(RawRecord {
                import_id: r.get(0).map_err(|e| StoreError::sql(&self.path, e))?,
                location,
                body,
            });
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bodies_are_text() {
        assert_eq!(unpack(ValueRef::Text(b"plain")).as_deref(), Some("plain"));
        assert_eq!(unpack(ValueRef::Blob(b"Lgarbage")), None);
    }
}
