//! Stored codebooks, parsed, and where their coding stands: every coder's
//! assigned, coded and started units (counts only). The reliability page
//! uses these too.

use crate::error::WebError;
use std::collections::BTreeMap;
use uptake_coding::{Codebook, ItemKind};
use uptake_store::Store;

/// A stored codebook, parsed, with its row id.
pub(crate) struct Loaded {
    pub(crate) codebook: Codebook,
    pub(crate) id: i64,
}

/// The latest stored version of codebook `name`, parsed.
pub(crate) fn load_codebook(store: &Store, name: &str) -> Result<Option<Loaded>, WebError> {
    let Some(stored) = store.stored_codebook(name, None)? else {
        return Ok(None);
    };
    let codebook = Codebook::parse(
        &stored.toml,
        &format!("stored {} {}", stored.name, stored.version),
    )
    .map_err(|e| WebError::Internal(format!("a stored codebook does not parse: {e}")))?;
    Ok(Some(Loaded {
        codebook,
        id: stored.id,
    }))
}

/// The names of the stored codebooks, each once, in name order.
pub(crate) fn codebook_names(store: &Store) -> Result<Vec<String>, WebError> {
    let mut names: Vec<String> = store
        .stored_codebooks()?
        .into_iter()
        .map(|c| c.name)
        .collect();
    names.dedup();
    Ok(names)
}

/// True when the answered `items` complete a unit: every item that is not
/// free text has a value (text items are notes and may stay empty).
pub(crate) fn complete(codebook: &Codebook, items: &[String]) -> bool {
    let mut required = codebook
        .items
        .iter()
        .filter(|i| !matches!(i.kind, ItemKind::Text))
        .peekable();
    if required.peek().is_none() {
        return !items.is_empty();
    }
    required.all(|i| items.contains(&i.id))
}

/// One coder's progress on one codebook (counts only).
pub(crate) struct CoderCounts {
    pub(crate) coder: String,
    pub(crate) assigned: usize,
    pub(crate) coded: usize,
    pub(crate) started: usize,
}

/// Where the coding of one codebook stands.
pub(crate) struct CodingState {
    /// Per coder, in name order.
    pub(crate) coders: Vec<CoderCounts>,
    /// Every assigned unit is coded by its coder (and there is at least one).
    pub(crate) finished: bool,
}

impl CodingState {
    /// True when `name` is one of the coders.
    pub(crate) fn has_coder(&self, name: &str) -> bool {
        self.coders.iter().any(|c| c.coder == name)
    }

    /// True when `name` must not see others' results yet: a coder of this
    /// codebook while its coding is unfinished.
    pub(crate) fn blinds(&self, name: &str) -> bool {
        !self.finished && self.has_coder(name)
    }
}

/// Counts every coder's assigned, coded and started units.
pub(crate) fn coding_state(
    store: &Store,
    codebook: &Codebook,
    id: i64,
) -> Result<CodingState, WebError> {
    let mut answered: BTreeMap<(String, String, String), Vec<String>> = BTreeMap::new();
    for v in store.coder_values(id)? {
        answered
            .entry((v.unit_kind, v.unit_id, v.coder))
            .or_default()
            .push(v.item);
    }
    let mut per: BTreeMap<String, CoderCounts> = BTreeMap::new();
    for a in store.assignments(id, None)? {
        let items = answered
            .get(&(a.unit_kind.clone(), a.unit_id.clone(), a.coder.clone()))
            .map(Vec::as_slice)
            .unwrap_or(&[]);
        let c = per.entry(a.coder.clone()).or_insert_with(|| CoderCounts {
            coder: a.coder.clone(),
            assigned: 0,
            coded: 0,
            started: 0,
        });
        c.assigned += 1;
        if !items.is_empty() {
            c.started += 1;
        }
        if complete(codebook, items) {
            c.coded += 1;
        }
    }
    let coders: Vec<CoderCounts> = per.into_values().collect();
    let finished = !coders.is_empty() && coders.iter().all(|c| c.coded == c.assigned);
    Ok(CodingState { coders, finished })
}
