//! What one coder sees on the web app's coding page: the units assigned to
//! them with the items they have answered, their own values of one unit, and
//! the unit's context (a video's title, caption and link, or a comment's
//! text). Never another coder's values.

use crate::{Store, StoreError};
use rusqlite::{params, OptionalExtension};
use std::collections::BTreeMap;

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

impl Store {
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
}
