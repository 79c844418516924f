//! Content-analysis coding: stored codebooks, coding rounds and
//! assignments, coders' values (replaced per coder and unit by a sheet
//! re-import, in one transaction) and final codes with their provenance
//! (an adjudicated code is never overwritten by finalising).
//!
//! The store keeps values as the canonical text the coding crate produced
//! (`yes`, `3`, a level, `NA`) plus a numeric code; it does not parse
//! codebooks. Units are referenced by kind (`video` or `comment`) and
//! platform id.

use crate::{Store, StoreError};
use rusqlite::{params, OptionalExtension};
use std::collections::BTreeMap;

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

/// A coding round to create: a sample of units assigned to coders.
#[derive(Debug, Clone, PartialEq)]
pub struct NewRound {
    /// The stored codebook.
    pub codebook_id: i64,
    /// `video` or `comment`.
    pub unit_kind: String,
    /// The sampling seed.
    pub seed: u64,
    /// Units in the sample.
    pub sample_size: usize,
    /// Units coded by every coder.
    pub overlap: usize,
    /// The stratification field, if any.
    pub stratify_by: Option<String>,
    /// Coders, in the order given.
    pub coders: Vec<String>,
    /// When, UTC seconds.
    pub created_at: i64,
}

/// One unit given to one coder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAssignment {
    /// `video` or `comment`.
    pub unit_kind: String,
    /// Platform id.
    pub unit_id: String,
    /// Coder.
    pub coder: String,
    /// True for the overlap (reliability) set.
    pub overlap: bool,
    /// The unit's stratum, when the sample was stratified.
    pub stratum: Option<String>,
}

/// A stored assignment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssignmentRow {
    /// Row id.
    pub id: i64,
    /// Its round.
    pub round_id: i64,
    /// `video` or `comment`.
    pub unit_kind: String,
    /// Platform id.
    pub unit_id: String,
    /// Coder.
    pub coder: String,
    /// True for the overlap (reliability) set.
    pub overlap: bool,
    /// The unit's stratum.
    pub stratum: Option<String>,
}

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

/// How a final code was decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Provenance {
    /// The unit had one coder.
    SingleCoder,
    /// Every coder of the unit gave this value.
    Agreed,
    /// Decided by an adjudicator after a disagreement.
    Adjudicated,
}

impl Provenance {
    /// Stored name: `single-coder`, `agreed` or `adjudicated`.
    pub fn name(self) -> &'static str {
        match self {
            Provenance::SingleCoder => "single-coder",
            Provenance::Agreed => "agreed",
            Provenance::Adjudicated => "adjudicated",
        }
    }

    fn parse(s: &str) -> Option<Provenance> {
        match s {
            "single-coder" => Some(Provenance::SingleCoder),
            "agreed" => Some(Provenance::Agreed),
            "adjudicated" => Some(Provenance::Adjudicated),
            _ => None,
        }
    }
}

/// A final code of one item for one unit.
#[derive(Debug, Clone, PartialEq)]
pub struct FinalCode {
    /// `video` or `comment`.
    pub unit_kind: String,
    /// Platform id.
    pub unit_id: String,
    /// Item id.
    pub item: String,
    /// Canonical text.
    pub text: String,
    /// Numeric code.
    pub number: Option<f64>,
    /// How it was decided.
    pub provenance: Provenance,
    /// Who decided (the adjudicator, or the coders, comma-separated).
    pub decided_by: Option<String>,
    /// When, UTC seconds.
    pub decided_at: i64,
    /// The adjudicator's note.
    pub note: Option<String>,
}

/// One unit's final codes: ((unit kind, platform id), item id → code).
pub type UnitCodes = ((String, String), BTreeMap<String, FinalCode>);

/// Coders who disagree on one item of one unit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Disagreement {
    /// `video` or `comment`.
    pub unit_kind: String,
    /// Platform id.
    pub unit_id: String,
    /// Item id.
    pub item: String,
    /// Each coder's value (coders in name order).
    pub values: Vec<(String, String)>,
}

/// What finalising did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Finalized {
    /// Codes from units with one coder.
    pub single_coder: usize,
    /// Codes every coder agreed on.
    pub agreed: usize,
    /// Adjudicated codes left as they were.
    pub adjudicated: usize,
    /// Unit-items where coders disagree (waiting for adjudication).
    pub disagreements: usize,
    /// Unit-items some assigned coder has not coded yet.
    pub incomplete: usize,
}

/// Progress of one coder on one codebook.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodingProgress {
    /// Codebook name.
    pub codebook: String,
    /// Codebook version.
    pub version: String,
    /// Coder.
    pub coder: String,
    /// Units assigned.
    pub assigned: i64,
    /// Of which in the overlap set.
    pub overlap: i64,
    /// Units with at least one value.
    pub started: i64,
    /// Values stored.
    pub values: i64,
}

/// The `file_name` stored with values saved in the web app (`uptake
/// serve`'s coding page) instead of a sheet; their `file_sha256` is empty.
pub const WEB_PROVENANCE: &str = "web";

/// One unit assigned to one coder, with the items that coder has answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CoderUnit {
    /// The assignment's row id.
    pub assignment_id: i64,
    /// Its round.
    pub round_id: i64,
    /// `video` or `comment`.
    pub unit_kind: String,
    /// Platform id.
    pub unit_id: String,
    /// True for the overlap (reliability) set.
    pub overlap: bool,
    /// Item ids this coder has a value for, sorted.
    pub items: Vec<String>,
}

/// What a unit's coding context shows: a video's title, caption and link,
/// or a comment's text. Every field is untrusted text from the platform.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct UnitContext {
    /// The video's title.
    pub title: Option<String>,
    /// The video's caption.
    pub caption: Option<String>,
    /// The video's link, as stored (check the scheme before showing it).
    pub url: Option<String>,
    /// The comment's text.
    pub text: Option<String>,
}

/// What [`Store::save_unit_values`] changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct UnitSaved {
    /// Values stored.
    pub values: usize,
    /// Earlier values of this coder for the unit removed.
    pub replaced: usize,
    /// Non-adjudicated final codes of the unit cleared (run finalize again).
    pub finals_cleared: usize,
}

fn kind_ok(kind: &str) -> bool {
    matches!(kind, "video" | "comment")
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

    /// Creates a coding round and its assignments in one transaction;
    /// returns the round's id.
    pub fn create_round(
        &mut self,
        round: &NewRound,
        assignments: &[NewAssignment],
    ) -> Result<i64, StoreError> {
        let path = self.path.clone();
        let sql = |e| StoreError::sql(&path, e);
        if let Some(bad) = std::iter::once(round.unit_kind.as_str())
            .chain(assignments.iter().map(|a| a.unit_kind.as_str()))
            .find(|k| !kind_ok(k))
        {
            return Err(StoreError::Corrupt {
                path,
                what: format!("unit kind `{bad}` (expected video or comment)"),
            });
        }
        let coders = serde_json::to_string(&round.coders).map_err(|e| StoreError::Corrupt {
            path: path.clone(),
            what: format!("coder list: {e}"),
        })?;
        let tx = self.conn.transaction().map_err(sql)?;
        tx.execute(
            "INSERT INTO coding_rounds (codebook_id, unit_kind, seed, sample_size, overlap,
               stratify_by, coders, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![
                round.codebook_id,
                round.unit_kind,
                round.seed as i64,
                round.sample_size as i64,
                round.overlap as i64,
                round.stratify_by,
                coders,
                round.created_at
            ],
        )
        .map_err(sql)?;
        let round_id = tx.last_insert_rowid();
        {
            let mut ins = tx
                .prepare_cached(
                    "INSERT INTO coding_assignments (round_id, unit_kind, unit_id, coder, overlap, stratum)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                )
                .map_err(sql)?;
            for a in assignments {
                ins.execute(params![
                    round_id,
                    a.unit_kind,
                    a.unit_id,
                    a.coder,
                    a.overlap,
                    a.stratum
                ])
                .map_err(sql)?;
            }
        }
        tx.commit().map_err(sql)?;
        Ok(round_id)
    }

    /// Assignments of a codebook (all its rounds), optionally of one coder,
    /// ordered by coder, then round, then as assigned.
    pub fn assignments(
        &self,
        codebook_id: i64,
        coder: Option<&str>,
    ) -> Result<Vec<AssignmentRow>, StoreError> {
        let sql = |e| StoreError::sql(&self.path, e);
        let mut st = self
            .conn
            .prepare(
                "SELECT a.id, a.round_id, a.unit_kind, a.unit_id, a.coder, a.overlap, a.stratum
                 FROM coding_assignments a JOIN coding_rounds r ON r.id = a.round_id
                 WHERE r.codebook_id = ?1 AND (?2 IS NULL OR a.coder = ?2)
                 ORDER BY a.coder, a.round_id, a.id",
            )
            .map_err(sql)?;
        let rows = st
            .query_map(params![codebook_id, coder], |r| {
                Ok(AssignmentRow {
                    id: r.get(0)?,
                    round_id: r.get(1)?,
                    unit_kind: r.get(2)?,
                    unit_id: r.get(3)?,
                    coder: r.get(4)?,
                    overlap: r.get(5)?,
                    stratum: r.get(6)?,
                })
            })
            .and_then(|rows| rows.collect::<Result<Vec<_>, _>>())
            .map_err(sql)?;
        Ok(rows)
    }

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

    /// Final codes of a codebook, ordered by unit then item (group them per
    /// unit to compute instrument scores).
    pub fn final_codes(&self, codebook_id: i64) -> Result<Vec<FinalCode>, StoreError> {
        let sql = |e| StoreError::sql(&self.path, e);
        let mut st = self
            .conn
            .prepare(
                "SELECT unit_kind, unit_id, item, value_text, value_number, provenance, decided_by,
                        decided_at, note
                 FROM final_codes WHERE codebook_id = ?1 ORDER BY unit_kind, unit_id, item",
            )
            .map_err(sql)?;
        let rows = st
            .query_map(params![codebook_id], |r| {
                Ok((
                    FinalCode {
                        unit_kind: r.get(0)?,
                        unit_id: r.get(1)?,
                        item: r.get(2)?,
                        text: r.get(3)?,
                        number: r.get(4)?,
                        provenance: Provenance::Adjudicated,
                        decided_by: r.get(6)?,
                        decided_at: r.get(7)?,
                        note: r.get(8)?,
                    },
                    r.get::<_, String>(5)?,
                ))
            })
            .and_then(|rows| rows.collect::<Result<Vec<_>, _>>())
            .map_err(sql)?;
        rows.into_iter()
            .map(|(mut code, p)| {
                code.provenance = Provenance::parse(&p).ok_or_else(|| StoreError::Corrupt {
                    path: self.path.clone(),
                    what: format!("final code provenance `{p}`"),
                })?;
                Ok(code)
            })
            .collect()
    }

    /// Final codes grouped per unit: ((unit kind, unit id), item → code).
    pub fn final_codes_by_unit(&self, codebook_id: i64) -> Result<Vec<UnitCodes>, StoreError> {
        let mut out: Vec<UnitCodes> = Vec::new();
        for code in self.final_codes(codebook_id)? {
            let key = (code.unit_kind.clone(), code.unit_id.clone());
            match out.last_mut() {
                Some((k, map)) if *k == key => {
                    map.insert(code.item.clone(), code);
                }
                _ => out.push((key, BTreeMap::from([(code.item.clone(), code)]))),
            }
        }
        Ok(out)
    }

    /// Per (unit, item) of `items`: the assigned coders and their values,
    /// plus whether an adjudicated code exists.
    #[allow(clippy::type_complexity)]
    fn unit_items(
        &self,
        codebook_id: i64,
        items: &[String],
    ) -> Result<
        BTreeMap<(String, String, String), (Vec<String>, BTreeMap<String, CoderValue>)>,
        StoreError,
    > {
        let mut coders: BTreeMap<(String, String), Vec<String>> = BTreeMap::new();
        for a in self.assignments(codebook_id, None)? {
            coders
                .entry((a.unit_kind, a.unit_id))
                .or_default()
                .push(a.coder);
        }
        let mut out = BTreeMap::new();
        for ((kind, unit), cs) in &coders {
            for item in items {
                out.insert(
                    (kind.clone(), unit.clone(), item.clone()),
                    (cs.clone(), BTreeMap::new()),
                );
            }
        }
        for v in self.coder_values(codebook_id)? {
            if let Some((_, values)) =
                out.get_mut(&(v.unit_kind.clone(), v.unit_id.clone(), v.item.clone()))
            {
                values.insert(v.coder.clone(), v);
            }
        }
        Ok(out)
    }

    fn adjudicated_keys(
        &self,
        codebook_id: i64,
    ) -> Result<std::collections::BTreeSet<(String, String, String)>, StoreError> {
        Ok(self
            .final_codes(codebook_id)?
            .into_iter()
            .filter(|c| c.provenance == Provenance::Adjudicated)
            .map(|c| (c.unit_kind, c.unit_id, c.item))
            .collect())
    }

    /// Unit-items of `items` on which the coders who coded them disagree and
    /// that have no adjudicated code yet, ordered by unit then item.
    pub fn disagreements(
        &self,
        codebook_id: i64,
        items: &[String],
    ) -> Result<Vec<Disagreement>, StoreError> {
        let adjudicated = self.adjudicated_keys(codebook_id)?;
        let mut out = Vec::new();
        for (key, (_, values)) in self.unit_items(codebook_id, items)? {
            if adjudicated.contains(&key) {
                continue;
            }
            let mut texts: Vec<&str> = values.values().map(|v| v.text.as_str()).collect();
            texts.dedup();
            if texts.len() > 1 {
                out.push(Disagreement {
                    unit_kind: key.0,
                    unit_id: key.1,
                    item: key.2,
                    values: values
                        .into_iter()
                        .map(|(coder, v)| (coder, v.text))
                        .collect(),
                });
            }
        }
        out.sort_by(|a, b| {
            (&a.unit_kind, &a.unit_id, &a.item).cmp(&(&b.unit_kind, &b.unit_id, &b.item))
        });
        Ok(out)
    }

    /// Records an adjudicated final code (replacing any earlier final code
    /// of that unit and item). Returns false when the unit has no
    /// assignment in this codebook.
    #[allow(clippy::too_many_arguments)]
    pub fn adjudicate(
        &mut self,
        codebook_id: i64,
        unit_kind: &str,
        unit_id: &str,
        value: &NewValue,
        by: &str,
        note: Option<&str>,
        at: i64,
    ) -> Result<bool, StoreError> {
        let sql = |e| StoreError::sql(&self.path, e);
        let assigned: i64 = self
            .conn
            .query_row(
                "SELECT COUNT(*) FROM coding_assignments a JOIN coding_rounds r ON r.id = a.round_id
                 WHERE r.codebook_id = ?1 AND a.unit_kind = ?2 AND a.unit_id = ?3",
                params![codebook_id, unit_kind, unit_id],
                |r| r.get(0),
            )
            .map_err(sql)?;
        if assigned == 0 {
            return Ok(false);
        }
        self.conn
            .execute(
                "INSERT INTO final_codes (codebook_id, unit_kind, unit_id, item, value_text,
                   value_number, provenance, decided_by, decided_at, note)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'adjudicated', ?7, ?8, ?9)
                 ON CONFLICT (codebook_id, unit_kind, unit_id, item) DO UPDATE SET
                   value_text = excluded.value_text, value_number = excluded.value_number,
                   provenance = 'adjudicated', decided_by = excluded.decided_by,
                   decided_at = excluded.decided_at, note = excluded.note",
                params![
                    codebook_id,
                    unit_kind,
                    unit_id,
                    value.item,
                    value.text,
                    value.number,
                    by,
                    at,
                    note
                ],
            )
            .map_err(sql)?;
        Ok(true)
    }

    /// Recomputes the final codes of `items` that are not adjudicated, in
    /// one transaction: a unit with one coder gets that coder's value
    /// (`single-coder`); a unit whose coders all coded the item alike gets
    /// it (`agreed`); disagreements and unit-items some coder has not coded
    /// yet get none. Adjudicated codes are kept as they are.
    pub fn finalize(
        &mut self,
        codebook_id: i64,
        items: &[String],
        at: i64,
    ) -> Result<Finalized, StoreError> {
        let adjudicated = self.adjudicated_keys(codebook_id)?;
        let unit_items = self.unit_items(codebook_id, items)?;
        let path = self.path.clone();
        let sql = |e| StoreError::sql(&path, e);
        let tx = self.conn.transaction().map_err(sql)?;
        let mut out = Finalized::default();
        tx.execute(
            "DELETE FROM final_codes WHERE codebook_id = ?1 AND provenance <> 'adjudicated'",
            params![codebook_id],
        )
        .map_err(sql)?;
        {
            let mut ins = tx
                .prepare_cached(
                    "INSERT INTO final_codes (codebook_id, unit_kind, unit_id, item, value_text,
                       value_number, provenance, decided_by, decided_at)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                )
                .map_err(sql)?;
            for (key, (coders, values)) in &unit_items {
                if adjudicated.contains(key) {
                    out.adjudicated += 1;
                    continue;
                }
                if values.is_empty() {
                    continue;
                }
                if coders.iter().any(|c| !values.contains_key(c)) {
                    out.incomplete += 1;
                    continue;
                }
                let mut texts: Vec<&str> = values.values().map(|v| v.text.as_str()).collect();
                texts.dedup();
                if texts.len() > 1 {
                    out.disagreements += 1;
                    continue;
                }
                let Some(first) = values.values().next() else {
                    continue;
                };
                let provenance = if coders.len() == 1 {
                    out.single_coder += 1;
                    Provenance::SingleCoder
                } else {
                    out.agreed += 1;
                    Provenance::Agreed
                };
                let by: Vec<&str> = values.keys().map(String::as_str).collect();
                ins.execute(params![
                    codebook_id,
                    key.0,
                    key.1,
                    key.2,
                    first.text,
                    first.number,
                    provenance.name(),
                    by.join(","),
                    at
                ])
                .map_err(sql)?;
            }
        }
        tx.commit().map_err(sql)?;
        Ok(out)
    }

    /// The units assigned to `coder` in a codebook (all its rounds), in
    /// assignment order, each with the items the coder has answered. Never
    /// another coder's values: the web app's coding page reads only this.
    pub fn coder_units(&self, codebook_id: i64, coder: &str) -> Result<Vec<CoderUnit>, StoreError> {
        let sql = |e| StoreError::sql(&self.path, e);
        let mut st = self
            .conn
            .prepare(
                "SELECT a.id, a.round_id, a.unit_kind, a.unit_id, a.overlap, v.item
                 FROM coding_assignments a JOIN coding_rounds r ON r.id = a.round_id
                 LEFT JOIN coder_values v ON v.assignment_id = a.id
                 WHERE r.codebook_id = ?1 AND a.coder = ?2
                 ORDER BY a.round_id, a.id, v.item",
            )
            .map_err(sql)?;
        let rows = st
            .query_map(params![codebook_id, coder], |r| {
                Ok((
                    CoderUnit {
                        assignment_id: r.get(0)?,
                        round_id: r.get(1)?,
                        unit_kind: r.get(2)?,
                        unit_id: r.get(3)?,
                        overlap: r.get(4)?,
                        items: Vec::new(),
                    },
                    r.get::<_, Option<String>>(5)?,
                ))
            })
            .and_then(|rows| rows.collect::<Result<Vec<_>, _>>())
            .map_err(sql)?;
        let mut out: Vec<CoderUnit> = Vec::new();
        for (unit, item) in rows {
            if out.last().map(|u| u.assignment_id) != Some(unit.assignment_id) {
                out.push(unit);
            }
            if let (Some(item), Some(last)) = (item, out.last_mut()) {
                last.items.push(item);
            }
        }
        Ok(out)
    }

    /// `coder`'s own values (item id → canonical text) for one unit, or
    /// `None` when the unit is not assigned to that coder in this codebook.
    pub fn coder_unit_values(
        &self,
        codebook_id: i64,
        coder: &str,
        unit_kind: &str,
        unit_id: &str,
    ) -> Result<Option<BTreeMap<String, String>>, StoreError> {
        let sql = |e| StoreError::sql(&self.path, e);
        let Some(assignment) = self
            .conn
            .query_row(
                "SELECT a.id FROM coding_assignments a JOIN coding_rounds r ON r.id = a.round_id
                 WHERE r.codebook_id = ?1 AND a.coder = ?2 AND a.unit_kind = ?3 AND a.unit_id = ?4
                 ORDER BY a.id LIMIT 1",
                params![codebook_id, coder, unit_kind, unit_id],
                |r| r.get::<_, i64>(0),
            )
            .optional()
            .map_err(sql)?
        else {
            return Ok(None);
        };
        let mut st = self
            .conn
            .prepare("SELECT item, value_text FROM coder_values WHERE assignment_id = ?1")
            .map_err(sql)?;
        let values = st
            .query_map(params![assignment], |r| Ok((r.get(0)?, r.get(1)?)))
            .and_then(|rows| rows.collect::<Result<BTreeMap<String, String>, _>>())
            .map_err(sql)?;
        Ok(Some(values))
    }

    /// What a coder needs to see of a unit: a video's title, caption and
    /// link, or a comment's text. `None` when the unit is not in the
    /// project (any more).
    pub fn unit_context(
        &self,
        unit_kind: &str,
        unit_id: &str,
    ) -> Result<Option<UnitContext>, StoreError> {
        let sql = |e| StoreError::sql(&self.path, e);
        match unit_kind {
            "video" => self
                .conn
                .query_row(
                    "SELECT title, caption, url FROM videos WHERE platform_id = ?1
                     ORDER BY id LIMIT 1",
                    params![unit_id],
                    |r| {
                        Ok(UnitContext {
                            title: r.get(0)?,
                            caption: r.get(1)?,
                            url: r.get(2)?,
                            text: None,
                        })
                    },
                )
                .optional()
                .map_err(sql),
            "comment" => self
                .conn
                .query_row(
                    "SELECT text FROM comments WHERE platform_id = ?1 ORDER BY id LIMIT 1",
                    params![unit_id],
                    |r| {
                        Ok(UnitContext {
                            text: r.get(0)?,
                            ..UnitContext::default()
                        })
                    },
                )
                .optional()
                .map_err(sql),
            _ => Ok(None),
        }
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

    /// Progress per codebook and coder.
    pub fn coding_progress(&self) -> Result<Vec<CodingProgress>, StoreError> {
        let sql = |e| StoreError::sql(&self.path, e);
        let mut st = self
            .conn
            .prepare(
                "SELECT c.name, c.version, a.coder, COUNT(*), SUM(a.overlap),
                        SUM(EXISTS (SELECT 1 FROM coder_values v WHERE v.assignment_id = a.id)),
                        SUM((SELECT COUNT(*) FROM coder_values v WHERE v.assignment_id = a.id))
                 FROM coding_assignments a JOIN coding_rounds r ON r.id = a.round_id
                 JOIN codebooks c ON c.id = r.codebook_id
                 GROUP BY c.id, a.coder ORDER BY c.name, c.version, a.coder",
            )
            .map_err(sql)?;
        let rows = st
            .query_map([], |r| {
                Ok(CodingProgress {
                    codebook: r.get(0)?,
                    version: r.get(1)?,
                    coder: r.get(2)?,
                    assigned: r.get(3)?,
                    overlap: r.get(4)?,
                    started: r.get(5)?,
                    values: r.get(6)?,
                })
            })
            .and_then(|rows| rows.collect::<Result<Vec<_>, _>>())
            .map_err(sql)?;
        Ok(rows)
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
        finals_cleared,
        values: values.len(),
    }))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;

    fn fresh() -> (tempfile::TempDir, Store) {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::create(&dir.path().join("t.db")).unwrap();
        (dir, store)
    }

    fn value(item: &str, text: &str, number: Option<f64>) -> NewValue {
        NewValue {
            item: item.into(),
            text: text.into(),
            number,
        }
    }

    fn setup(store: &mut Store) -> i64 {
        let CodebookStored::New(id) = store
            .store_codebook("cb", "1", "name = \"cb\"", "aa", 1)
            .unwrap()
        else {
            panic!()
        };
        let round = NewRound {
            codebook_id: id,
            unit_kind: "video".into(),
            seed: u64::MAX,
            sample_size: 2,
            overlap: 1,
            stratify_by: None,
            coders: vec!["ana".into(), "ben".into()],
            created_at: 1,
        };
        let a = |unit: &str, coder: &str, overlap| NewAssignment {
            unit_kind: "video".into(),
            unit_id: unit.into(),
            coder: coder.into(),
            overlap,
            stratum: None,
        };
        store
            .create_round(
                &round,
                &[
                    a("v1", "ana", true),
                    a("v1", "ben", true),
                    a("v2", "ana", false),
                ],
            )
            .unwrap();
        id
    }

    fn sheet(id: i64, coder: &str, units: Vec<(&str, Vec<NewValue>)>) -> SheetImport {
        SheetImport {
            codebook_id: id,
            coder: coder.into(),
            file_name: format!("{coder}.csv"),
            file_sha256: "ff".into(),
            imported_at: 2,
            units: units
                .into_iter()
                .map(|(u, v)| ("video".to_string(), u.to_string(), v))
                .collect(),
        }
    }

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

    #[test]
    fn the_coding_loop_keeps_adjudicated_codes() {
        let (_d, mut store) = fresh();
        let id = setup(&mut store);
        let items = vec!["q1".to_string(), "q2".to_string()];
        assert_eq!(store.assignments(id, Some("ana")).unwrap().len(), 2);
        store
            .import_sheet(&sheet(
                id,
                "ana",
                vec![
                    (
                        "v1",
                        vec![value("q1", "yes", Some(1.0)), value("q2", "3", Some(3.0))],
                    ),
                    ("v2", vec![value("q1", "no", Some(0.0))]),
                ],
            ))
            .unwrap();
        let r = store
            .import_sheet(&sheet(
                id,
                "ben",
                vec![(
                    "v1",
                    vec![value("q1", "yes", Some(1.0)), value("q2", "4", Some(4.0))],
                )],
            ))
            .unwrap();
        assert_eq!((r.units, r.values, r.replaced), (1, 2, 0));
        assert_eq!(store.coder_values(id).unwrap().len(), 5);
        let d = store.disagreements(id, &items).unwrap();
        assert_eq!(d.len(), 1);
        assert_eq!(
            d[0].values,
            vec![("ana".into(), "3".into()), ("ben".into(), "4".into())]
        );
        let f = store.finalize(id, &items, 3).unwrap();
        assert_eq!(
            (f.single_coder, f.agreed, f.disagreements, f.incomplete),
            (1, 1, 1, 0)
        );
        assert!(store
            .adjudicate(
                id,
                "video",
                "v1",
                &value("q2", "4", Some(4.0)),
                "chi",
                Some("per protocol"),
                4
            )
            .unwrap());
        assert!(!store
            .adjudicate(
                id,
                "video",
                "nope",
                &value("q2", "4", Some(4.0)),
                "chi",
                None,
                4
            )
            .unwrap());
        assert!(store.disagreements(id, &items).unwrap().is_empty());
        // A re-import replaces ana's values for v1 and clears the agreed code,
        // but the adjudicated code stays, through finalize too.
        let r = store
            .import_sheet(&sheet(
                id,
                "ana",
                vec![(
                    "v1",
                    vec![value("q1", "no", Some(0.0)), value("q2", "2", Some(2.0))],
                )],
            ))
            .unwrap();
        assert_eq!((r.replaced, r.finals_cleared), (2, 1));
        let f = store.finalize(id, &items, 5).unwrap();
        assert_eq!((f.adjudicated, f.disagreements, f.single_coder), (1, 1, 1));
        let by_unit = store.final_codes_by_unit(id).unwrap();
        assert_eq!(by_unit.len(), 2);
        let v1 = &by_unit[0].1;
        assert_eq!(v1["q2"].provenance, Provenance::Adjudicated);
        assert_eq!(v1["q2"].text, "4");
        assert!(!v1.contains_key("q1"), "disagreement after re-import");
        // A unit not assigned to the coder aborts the import and writes nothing.
        let before = store.coder_values(id).unwrap();
        assert!(store
            .import_sheet(&sheet(
                id,
                "ben",
                vec![
                    ("v1", vec![value("q1", "no", Some(0.0))]),
                    ("v2", vec![value("q1", "no", Some(0.0))]),
                ]
            ))
            .is_err());
        assert_eq!(store.coder_values(id).unwrap(), before);
        let p = store.coding_progress().unwrap();
        assert_eq!(p.len(), 2);
        assert_eq!(
            (
                p[0].coder.as_str(),
                p[0].assigned,
                p[0].started,
                p[0].values
            ),
            ("ana", 2, 2, 3)
        );
    }

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
