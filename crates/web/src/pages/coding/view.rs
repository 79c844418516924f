//! What the coding page shows, read from the store for the viewer: their
//! codebooks with their progress, the team's progress (owners and
//! analysts), and the selected codebook with the unit being coded.

use super::{codebook_names, coding_state, complete, load_codebook, next_uncoded, CodingState};
use crate::auth::can;
use crate::error::WebError;
use std::collections::BTreeMap;
use uptake_coding::Codebook;
use uptake_store::{CoderUnit, Store, UnitContext};

/// One of the viewer's codebooks, with their own progress.
pub(super) struct MyCodebook {
    pub(super) name: String,
    pub(super) version: String,
    pub(super) title: String,
    pub(super) coded: usize,
    pub(super) assigned: usize,
}

/// The team's progress on one codebook (owners and analysts).
pub(super) struct TeamCodebook {
    pub(super) name: String,
    pub(super) version: String,
    pub(super) state: CodingState,
    /// Disagreements per item, unless the viewer is blinded.
    pub(super) disagreements: Option<Vec<(String, usize)>>,
}

/// The unit being coded.
pub(super) struct Current {
    pub(super) index: usize,
    pub(super) context: Option<UnitContext>,
    /// Item id → the raw text to show (stored canonical text, or what was posted).
    pub(super) values: BTreeMap<String, String>,
}

/// The selected codebook, as far as the viewer codes it.
pub(super) struct Selected {
    pub(super) name: String,
    pub(super) codebook: Codebook,
    pub(super) units: Vec<CoderUnit>,
    pub(super) current: Option<Current>,
}

/// Everything the page shows.
pub(super) struct View {
    pub(super) mine: Vec<MyCodebook>,
    pub(super) team: Option<Vec<TeamCodebook>>,
    pub(super) selected: Option<Selected>,
}

/// Reads what the page shows, for `me` (blocking; inside `AppState::db`).
/// `unit` picks the unit to show; it must be one of `me`'s own.
pub(super) fn load_view(
    store: &Store,
    me: &str,
    role: uptake_store::Role,
    codebook: Option<&str>,
    unit: Option<(&str, &str)>,
) -> Result<View, WebError> {
    let mut mine = Vec::new();
    let mut team = can::oversee_coding(role).then(Vec::new);
    for name in codebook_names(store)? {
        let Some(loaded) = load_codebook(store, &name)? else {
            continue;
        };
        let own = store.coder_units(loaded.id, me)?;
        if !own.is_empty() {
            mine.push(MyCodebook {
                name: name.clone(),
                version: loaded.codebook.version.clone(),
                title: loaded.codebook.title.clone(),
                coded: own
                    .iter()
                    .filter(|u| complete(&loaded.codebook, &u.items))
                    .count(),
                assigned: own.len(),
            });
        }
        if let Some(team) = team.as_mut() {
            let state = coding_state(store, &loaded.codebook, loaded.id)?;
            if state.coders.is_empty() {
                continue;
            }
            let disagreements = if state.blinds(me) {
                None
            } else {
                let mut per: BTreeMap<String, usize> = BTreeMap::new();
                for d in store.disagreements(loaded.id, &loaded.codebook.compared_items())? {
                    *per.entry(d.item).or_default() += 1;
                }
                Some(
                    loaded
                        .codebook
                        .items
                        .iter()
                        .filter_map(|i| per.get(&i.id).map(|n| (i.id.clone(), *n)))
                        .collect(),
                )
            };
            team.push(TeamCodebook {
                name,
                version: loaded.codebook.version.clone(),
                state,
                disagreements,
            });
        }
    }
    let selected = match codebook {
        None => None,
        Some(name) => {
            let Some(loaded) = load_codebook(store, name)? else {
                return Err(WebError::NotFound);
            };
            let units = store.coder_units(loaded.id, me)?;
            let index = match unit {
                Some((kind, id)) => Some(
                    units
                        .iter()
                        .position(|u| u.unit_kind == kind && u.unit_id == id)
                        // Not one of the viewer's units: as if it did not exist.
                        .ok_or(WebError::NotFound)?,
                ),
                None => next_uncoded(&loaded.codebook, &units, None),
            };
            let current = match index {
                None => None,
                Some(index) => {
                    let u = &units[index];
                    let values = store
                        .coder_unit_values(loaded.id, me, &u.unit_kind, &u.unit_id)?
                        .ok_or(WebError::NotFound)?;
                    Some(Current {
                        index,
                        context: store.unit_context(&u.unit_kind, &u.unit_id)?,
                        values,
                    })
                }
            };
            Some(Selected {
                name: name.to_string(),
                codebook: loaded.codebook,
                units,
                current,
            })
        }
    };
    Ok(View {
        mine,
        team,
        selected,
    })
}
