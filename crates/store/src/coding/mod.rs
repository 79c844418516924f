//! Content-analysis coding: stored codebooks, coding rounds and
//! assignments, coders' values (replaced per coder and unit by a sheet
//! re-import, in one transaction) and final codes with their provenance
//! (an adjudicated code is never overwritten by finalising).
//!
//! The store keeps values as the canonical text the coding crate produced
//! (`yes`, `3`, a level, `NA`) plus a numeric code; it does not parse
//! codebooks. Units are referenced by kind (`video` or `comment`) and
//! platform id.

// The code is split by responsibility: `codebooks` (codebooks stored at
// first use), `rounds` (rounds, assignments and coding progress), `values`
// (coders' values from sheets and the web app), `finals` (final codes,
// disagreements, adjudication and finalising) and `coder_view` (what one
// coder sees on the web app's coding page). This file re-exports their
// public items and holds the helpers their tests share.

mod codebooks;
mod coder_view;
mod finals;
mod rounds;
mod values;

pub use codebooks::{CodebookStored, StoredCodebook};
pub use coder_view::{CoderUnit, UnitContext};
pub use finals::{Disagreement, FinalCode, Finalized, Provenance, UnitCodes};
pub use rounds::{AssignmentRow, CodingProgress, NewAssignment, NewRound};
pub use values::{CoderValue, NewValue, SheetImport, SheetImported, UnitSaved, WEB_PROVENANCE};

/// Fixtures shared by the tests of the submodules.
#[cfg(test)]
mod test_support {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::{CodebookStored, NewAssignment, NewRound, NewValue, SheetImport};
    use crate::Store;

    pub(super) fn fresh() -> (tempfile::TempDir, Store) {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::create(&dir.path().join("t.db")).unwrap();
        (dir, store)
    }

    pub(super) fn value(item: &str, text: &str, number: Option<f64>) -> NewValue {
        NewValue {
            item: item.into(),
            text: text.into(),
            number,
        }
    }

    pub(super) fn setup(store: &mut Store) -> i64 {
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

    pub(super) fn sheet(id: i64, coder: &str, units: Vec<(&str, Vec<NewValue>)>) -> SheetImport {
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
}
