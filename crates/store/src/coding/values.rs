//! Coders' values: storing them from a validated sheet or from the web app
//! (both replace one coder's values of a unit through `replace_unit_values`,
//! in one transaction or savepoint), and reading them back for reliability
//! statistics.

use crate::{Store, StoreError};
use rusqlite::{params, OptionalExtension};

/// One value to store.
#[derive(Debug, Clone, PartialEq)]
pub struct NewValue {
    /// Item id.
    pub item: String,
    /// Canonical text (`Value::as_text` of the coding crate).
    pub text: String,
    /// Numeric code, when the value has one.
    pub number: Option<f64>,
}

/// A validated coding sheet to store.
#[derive(Debug, Clone, PartialEq)]
pub struct SheetImport {
    /// The stored codebook.
    pub codebook_id: i64,
    /// The coder whose values these are.
    pub coder: String,
    /// The sheet's file name, as given.
    pub file_name: String,
    /// The sheet's SHA-256.
    pub file_sha256: String,
    /// When, UTC seconds.
    pub imported_at: i64,
    /// Per unit (kind, platform id): its values. Every unit must be assigned
    /// to the coder in this codebook.
    pub units: Vec<(String, String, Vec<NewValue>)>,
}

/// What a sheet import changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct SheetImported {
    /// Units whose values were replaced.
    pub units: usize,
    /// Values stored.
    pub values: usize,
    /// Earlier values of these units removed.
    pub replaced: usize,
    /// Of those, the values of items the sheet now leaves blank: removed,
    /// with no value in their place.
    pub blanked: usize,
    /// Non-adjudicated final codes of these units cleared (run finalize again).
    pub finals_cleared: usize,
}

/// One coder's value of one item for one unit.
#[derive(Debug, Clone, PartialEq)]
pub struct CoderValue {
    /// `video` or `comment`.
    pub unit_kind: String,
    /// Platform id.
    pub unit_id: String,
    /// Coder.
    pub coder: String,
    /// Item id.
    pub item: String,
    /// Canonical text.
    pub text: String,
    /// Numeric code.
    pub number: Option<f64>,
    /// True when the unit is in the overlap (reliability) set.
    pub overlap: bool,
}

/// The `file_name` stored with values saved in the web app (`uptake
/// serve`'s coding page) instead of a sheet; their `file_sha256` is empty.
pub const WEB_PROVENANCE: &str = "web";

/// What [`Store::save_unit_values`] changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct UnitSaved {
    /// Values stored.
    pub values: usize,
    /// Earlier values of this coder for the unit removed.
    pub replaced: usize,
    /// Of those, the values of items with no new value: removed, not
    /// replaced.
    pub blanked: usize,
    /// Non-adjudicated final codes of the unit cleared (run finalize again).
    pub finals_cleared: usize,
}

impl Store {
    /// Stores a validated sheet in one transaction: for every unit in it,
    /// the coder's earlier values are deleted and the new ones inserted, and
    /// the unit's final codes that were not adjudicated are cleared (they
    /// may no longer hold; finalise again). Adjudicated codes are never
    /// touched. A unit not assigned to the coder aborts the whole import.
    pub fn import_sheet(&mut self, sheet: &SheetImport) -> Result<SheetImported, StoreError> {
        let path = self.path.clone();
        let tx = self
            .conn
            .transaction()
            .map_err(|e| StoreError::sql(&path, e))?;
        let mut out = SheetImported::default();
        for (kind, unit, values) in &sheet.units {
            let source = ValueSource {
                file_name: &sheet.file_name,
                file_sha256: &sheet.file_sha256,
                at: sheet.imported_at,
            };
            let Some(saved) = replace_unit_values(
                &tx,
                &path,
                sheet.codebook_id,
                &sheet.coder,
                (kind, unit),
                values,
                &source,
            )?
            else {
                return Err(StoreError::Corrupt {
                    path: path.clone(),
                    what: format!(
                        "{kind} `{unit}` is not assigned to coder `{}` (the sheet should have been checked first)",
                        sheet.coder
                    ),
                });
            };
            out.replaced += saved.replaced;
            out.blanked += saved.blanked;
            out.finals_cleared += saved.finals_cleared;
            out.values += saved.values;
            out.units += 1;
        }
        tx.commit().map_err(|e| StoreError::sql(&path, e))?;
        Ok(out)
    }

    /// Every coder value of a codebook, as (unit kind, unit id, coder, item,
    /// value), ordered by unit, item, coder: the input of reliability
    /// statistics.
    pub fn coder_values(&self, codebook_id: i64) -> Result<Vec<CoderValue>, StoreError> {
        let sql = |e| StoreError::sql(&self.path, e);
        let mut st = self
            .conn
            .prepare(
                "SELECT a.unit_kind, a.unit_id, a.coder, v.item, v.value_text, v.value_number, a.overlap
                 FROM coder_values v JOIN coding_assignments a ON a.id = v.assignment_id
                 JOIN coding_rounds r ON r.id = a.round_id
                 WHERE r.codebook_id = ?1
                 ORDER BY a.unit_kind, a.unit_id, v.item, a.coder",
            )
            .map_err(sql)?;
        let rows = st
            .query_map(params![codebook_id], |r| {
                Ok(CoderValue {
                    unit_kind: r.get(0)?,
                    unit_id: r.get(1)?,
                    coder: r.get(2)?,
                    item: r.get(3)?,
                    text: r.get(4)?,
                    number: r.get(5)?,
                    overlap: r.get(6)?,
                })
            })
            .and_then(|rows| rows.collect::<Result<Vec<_>, _>>())
            .map_err(sql)?;
        Ok(rows)
    }

    /// Stores one coder's values for one unit, entered in the web app, as a
    /// sheet import of that one unit does: the coder's earlier values of the
    /// unit are replaced, and the unit's final codes that were not
    /// adjudicated are cleared (finalise again); adjudicated codes are never
    /// touched. The values are stored with `file_name` [`WEB_PROVENANCE`],
    /// an empty `file_sha256` and `at` as their import time, so reliability,
    /// disagreements and finalising read them exactly like a sheet's.
    ///
    /// Returns `None`, writing nothing, when the unit is not assigned to
    /// `coder` in this codebook. Values must have been validated against the
    /// codebook first. Runs in one savepoint, so it can sit inside
    /// [`Store::audited`].
    pub fn save_unit_values(
        &mut self,
        codebook_id: i64,
        coder: &str,
        unit: (&str, &str),
        values: &[NewValue],
        at: i64,
    ) -> Result<Option<UnitSaved>, StoreError> {
        let path = self.path.clone();
        let sp = self
            .conn
            .savepoint()
            .map_err(|e| StoreError::sql(&path, e))?;
        let source = ValueSource {
            file_name: WEB_PROVENANCE,
            file_sha256: "",
            at,
        };
        let saved = replace_unit_values(&sp, &path, codebook_id, coder, unit, values, &source)?;
        if saved.is_some() {
            sp.commit().map_err(|e| StoreError::sql(&path, e))?;
        }
        Ok(saved)
    }
}

/// Where a coder's values came from: a sheet file (name and hash) or the
/// web app, and when they were stored.
struct ValueSource<'a> {
    file_name: &'a str,
    file_sha256: &'a str,
    at: i64,
}

/// Replaces one coder's values for one unit, the step shared by sheet
/// imports and the web app's saves: finds the coder's assignment of the unit
/// (the first, when a unit was drawn in two rounds), deletes its old values
/// and the unit's final codes that were not adjudicated, and inserts the new
/// values. `None` (nothing written) when the unit is not assigned to the
/// coder. Runs inside the caller's transaction or savepoint.
fn replace_unit_values(
    conn: &rusqlite::Connection,
    path: &std::path::Path,
    codebook_id: i64,
    coder: &str,
    (kind, unit_id): (&str, &str),
    values: &[NewValue],
    source: &ValueSource,
) -> Result<Option<UnitSaved>, StoreError> {
    let sql = |e| StoreError::sql(path, e);
    let assignment: Option<i64> = conn
        .prepare_cached(
            "SELECT a.id FROM coding_assignments a JOIN coding_rounds r ON r.id = a.round_id
             WHERE r.codebook_id = ?1 AND a.coder = ?2 AND a.unit_kind = ?3 AND a.unit_id = ?4
             ORDER BY a.id LIMIT 1",
        )
        .and_then(|mut st| {
            st.query_row(params![codebook_id, coder, kind, unit_id], |r| r.get(0))
                .optional()
        })
        .map_err(sql)?;
    let Some(assignment) = assignment else {
        return Ok(None);
    };
    let earlier: Vec<String> = conn
        .prepare_cached("SELECT item FROM coder_values WHERE assignment_id = ?1")
        .and_then(|mut st| {
            st.query_map(params![assignment], |r| r.get(0))?
                .collect::<Result<_, _>>()
        })
        .map_err(sql)?;
    let blanked = earlier
        .iter()
        .filter(|item| !values.iter().any(|v| &v.item == *item))
        .count();
    let replaced = conn
        .prepare_cached("DELETE FROM coder_values WHERE assignment_id = ?1")
        .and_then(|mut st| st.execute(params![assignment]))
        .map_err(sql)?;
    let finals_cleared = conn
        .prepare_cached(
            "DELETE FROM final_codes WHERE codebook_id = ?1 AND unit_kind = ?2 AND unit_id = ?3
             AND provenance <> 'adjudicated'",
        )
        .and_then(|mut st| st.execute(params![codebook_id, kind, unit_id]))
        .map_err(sql)?;
    let mut ins = conn
        .prepare_cached(
            "INSERT INTO coder_values (assignment_id, item, value_text, value_number,
               file_name, file_sha256, imported_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        )
        .map_err(sql)?;
    for v in values {
        ins.execute(params![
            assignment,
            v.item,
            v.text,
            v.number,
            source.file_name,
            source.file_sha256,
            source.at
        ])
        .map_err(sql)?;
    }
    Ok(Some(UnitSaved {
        replaced,
        blanked,
        finals_cleared,
        values: values.len(),
    }))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;
    use crate::coding::test_support::{fresh, setup, sheet, value};
    use crate::coding::Provenance;
    use std::collections::BTreeMap;

    #[test]
    fn web_saves_replace_one_units_values_like_a_sheet() {
        let (_d, mut store) = fresh();
        let id = setup(&mut store);
        let items = vec!["q1".to_string(), "q2".to_string()];
        store
            .import_sheet(&sheet(
                id,
                "ben",
                vec![("v1", vec![value("q1", "yes", Some(1.0))])],
            ))
            .unwrap();
        assert!(store
            .adjudicate(
                id,
                "video",
                "v1",
                &value("q2", "4", Some(4.0)),
                "chi",
                None,
                3
            )
            .unwrap());
        // Not assigned to ben: refused, nothing written.
        let before = store.coder_values(id).unwrap();
        assert_eq!(
            store
                .save_unit_values(
                    id,
                    "ben",
                    ("video", "v2"),
                    &[value("q1", "no", Some(0.0))],
                    4
                )
                .unwrap(),
            None
        );
        assert_eq!(store.coder_values(id).unwrap(), before);
        assert_eq!(
            store.coder_unit_values(id, "ben", "video", "v2").unwrap(),
            None
        );
        let saved = store
            .save_unit_values(
                id,
                "ana",
                ("video", "v1"),
                &[value("q1", "yes", Some(1.0)), value("q2", "3", Some(3.0))],
                5,
            )
            .unwrap()
            .unwrap();
        assert_eq!((saved.values, saved.replaced), (2, 0));
        // Saving again replaces.
        let saved = store
            .save_unit_values(
                id,
                "ana",
                ("video", "v1"),
                &[value("q1", "no", Some(0.0))],
                6,
            )
            .unwrap()
            .unwrap();
        assert_eq!((saved.values, saved.replaced), (1, 2));
        let ana: Vec<_> = store
            .coder_values(id)
            .unwrap()
            .into_iter()
            .filter(|v| v.coder == "ana")
            .collect();
        assert_eq!(ana.len(), 1);
        assert_eq!((ana[0].text.as_str(), ana[0].number), ("no", Some(0.0)));
        assert_eq!(
            store.coder_unit_values(id, "ana", "video", "v1").unwrap(),
            Some(BTreeMap::from([("q1".to_string(), "no".to_string())]))
        );
        let units = store.coder_units(id, "ana").unwrap();
        assert_eq!(units.len(), 2);
        assert_eq!(units[0].items, vec!["q1".to_string()]);
        assert!(units[1].items.is_empty());
        // The disagreement on q1 is seen as for sheets; the adjudicated q2 stays.
        assert_eq!(store.disagreements(id, &items).unwrap().len(), 1);
        let finals = store.final_codes(id).unwrap();
        assert_eq!(finals.len(), 1);
        assert_eq!(finals[0].provenance, Provenance::Adjudicated);
        let file: String = store
            .conn
            .query_row(
                "SELECT DISTINCT file_name FROM coder_values v JOIN coding_assignments a
                 ON a.id = v.assignment_id WHERE a.coder = 'ana'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(file, WEB_PROVENANCE);
    }
}
