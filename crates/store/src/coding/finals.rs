//! Final codes and their provenance: reading them, finding the coders'
//! disagreements, recording adjudicated codes and finalising the rest (an
//! adjudicated code is never overwritten by finalising).

use super::{CoderValue, NewValue};
use crate::{Store, StoreError};
use rusqlite::params;
use std::collections::BTreeMap;

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

impl Store {
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
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;
    use crate::coding::test_support::{fresh, setup, sheet, value};

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
}
