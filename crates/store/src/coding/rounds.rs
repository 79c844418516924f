//! Coding rounds and their assignments (a sample of units given to coders),
//! and each coder's progress through them.

use crate::{Store, StoreError};
use rusqlite::params;

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

fn kind_ok(kind: &str) -> bool {
    matches!(kind, "video" | "comment")
}

impl Store {
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
