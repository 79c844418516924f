//! Codebooks stored at first use: their name, version, exact TOML text and
//! its SHA-256, and the lookups of stored codebooks.

use crate::{Store, StoreError};
use rusqlite::{params, OptionalExtension};

/// A codebook as stored at first use.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredCodebook {
    /// Row id.
    pub id: i64,
    /// Name.
    pub name: String,
    /// Version.
    pub version: String,
    /// The TOML text, exactly as used.
    pub toml: String,
    /// SHA-256 of the TOML text, lowercase hex.
    pub sha256: String,
    /// When it was stored, UTC seconds.
    pub stored_at: i64,
}

/// What [`Store::store_codebook`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CodebookStored {
    /// Stored now, with this row id.
    New(i64),
    /// The same name, version and text were already stored.
    Existing(i64),
    /// The name and version are stored with other text: the codebook
    /// changed without a new version. Nothing was written.
    Conflict {
        /// The stored row.
        id: i64,
        /// The stored text's SHA-256.
        stored_sha256: String,
    },
}

impl Store {
    /// Stores a codebook at first use (name, version, TOML text and its
    /// SHA-256); a second call with the same text finds it; other text under
    /// the same name and version is a [`CodebookStored::Conflict`].
    pub fn store_codebook(
        &mut self,
        name: &str,
        version: &str,
        toml: &str,
        sha256: &str,
        at: i64,
    ) -> Result<CodebookStored, StoreError> {
        let sql = |e| StoreError::sql(&self.path, e);
        let found: Option<(i64, String)> = self
            .conn
            .query_row(
                "SELECT id, sha256 FROM codebooks WHERE name = ?1 AND version = ?2",
                params![name, version],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()
            .map_err(sql)?;
        match found {
            Some((id, stored)) if stored == sha256 => Ok(CodebookStored::Existing(id)),
            Some((id, stored_sha256)) => Ok(CodebookStored::Conflict { id, stored_sha256 }),
            None => {
                self.conn
                    .execute(
                        "INSERT INTO codebooks (name, version, toml, sha256, stored_at)
                         VALUES (?1, ?2, ?3, ?4, ?5)",
                        params![name, version, toml, sha256, at],
                    )
                    .map_err(sql)?;
                Ok(CodebookStored::New(self.conn.last_insert_rowid()))
            }
        }
    }

    /// Every stored codebook, by name then storage order.
    pub fn stored_codebooks(&self) -> Result<Vec<StoredCodebook>, StoreError> {
        self.codebooks_where("1 = 1", params![])
    }

    /// The stored codebook `name` at `version`, or its latest stored version.
    pub fn stored_codebook(
        &self,
        name: &str,
        version: Option<&str>,
    ) -> Result<Option<StoredCodebook>, StoreError> {
        let rows = self.codebooks_where(
            "name = ?1 AND (?2 IS NULL OR version = ?2)",
            params![name, version],
        )?;
        Ok(rows.into_iter().last())
    }

    fn codebooks_where(
        &self,
        filter: &str,
        args: impl rusqlite::Params,
    ) -> Result<Vec<StoredCodebook>, StoreError> {
        let sql = |e| StoreError::sql(&self.path, e);
        let mut st = self
            .conn
            .prepare(&format!(
                "SELECT id, name, version, toml, sha256, stored_at FROM codebooks
                 WHERE {filter} ORDER BY name, id"
            ))
            .map_err(sql)?;
        let rows = st
            .query_map(args, |r| {
                Ok(StoredCodebook {
                    id: r.get(0)?,
                    name: r.get(1)?,
                    version: r.get(2)?,
                    toml: r.get(3)?,
                    sha256: r.get(4)?,
                    stored_at: r.get(5)?,
                })
            })
            .and_then(|rows| rows.collect::<Result<Vec<_>, _>>())
            .map_err(sql)?;
        Ok(rows)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;
    use crate::coding::test_support::fresh;

    #[test]
    fn codebooks_are_stored_once_and_conflicts_are_refused() {
        let (_d, mut store) = fresh();
        let first = store.store_codebook("cb", "1", "x", "aa", 1).unwrap();
        let CodebookStored::New(id) = first else {
            panic!()
        };
        assert_eq!(
            store.store_codebook("cb", "1", "x", "aa", 2).unwrap(),
            CodebookStored::Existing(id)
        );
        assert_eq!(
            store.store_codebook("cb", "1", "y", "bb", 2).unwrap(),
            CodebookStored::Conflict {
                id,
                stored_sha256: "aa".into()
            }
        );
        store.store_codebook("cb", "2", "z", "cc", 3).unwrap();
        assert_eq!(
            store.stored_codebook("cb", None).unwrap().unwrap().version,
            "2"
        );
        assert_eq!(
            store
                .stored_codebook("cb", Some("1"))
                .unwrap()
                .unwrap()
                .toml,
            "x"
        );
        assert_eq!(store.stored_codebooks().unwrap().len(), 2);
    }
}
