//! `GET /coding` and `POST /coding/save`: blind coding in the browser.
//!
//! A coder (the account whose name is a coder's name in a coding round,
//! docs/web.md) picks one of their codebooks, sees their progress and codes
//! one unit at a time: the unit's context (a video's title, caption and
//! https link, or a comment's text), and every item of the codebook with its
//! prompt, help, anchors and N/A rule as the fitting control. A save checks
//! every value with [`Codebook::validate`] (the checks of a sheet import)
//! and stores it through [`uptake_store::Store::save_unit_values`], with an
//! audit line, in one transaction. Only the viewer's own assignments and
//! values are ever read for the coding form: there is no parameter naming
//! another coder. Owners and analysts also see every coder's progress and
//! the number of disagreements per item, as counts only.
//!
//! The module is split by concern: `progress` reads stored codebooks and
//! counts every coder's progress (shared with the reliability page), `view`
//! reads what the page shows, `page` is `GET /coding` and the whole page,
//! `form` the selected codebook's section with the form for one unit,
//! `save` is `POST /coding/save`, and `adjudicate` the owners' and analysts'
//! page deciding disagreements and finalising codes.

mod adjudicate;
mod form;
mod page;
mod progress;
mod save;
mod view;

pub use adjudicate::{decide, finalize, show as adjudication, AdjudicateQuery};
pub use page::{show, CodingQuery};
pub(crate) use progress::{codebook_names, coding_state, complete, load_codebook, CodingState};
pub use save::save;

use uptake_coding::Codebook;
use uptake_store::CoderUnit;

/// Prefix of the form fields that hold item values (`v.q1`).
const VALUE_PREFIX: &str = "v.";

/// The next unit after `after` (wrapping, never `after` itself) that is not
/// coded yet; from the start when `after` is `None`.
fn next_uncoded(codebook: &Codebook, units: &[CoderUnit], after: Option<usize>) -> Option<usize> {
    let n = units.len();
    let start = after.map_or(0, |a| a + 1);
    (0..n)
        .map(|k| (start + k) % n)
        .filter(|&i| Some(i) != after)
        .find(|&i| !complete(codebook, &units[i].items))
}

/// A posted form's field `name`, trimmed, or empty when absent.
fn form_field(fields: &[(String, String)], name: &str) -> String {
    fields
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.trim().to_string())
        .unwrap_or_default()
}

fn valid_kind(kind: &str) -> bool {
    matches!(kind, "video" | "comment")
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;

    fn unit(id: &str, items: &[&str]) -> CoderUnit {
        CoderUnit {
            assignment_id: 0,
            round_id: 1,
            unit_kind: "video".into(),
            unit_id: id.into(),
            overlap: false,
            items: items.iter().map(|s| s.to_string()).collect(),
        }
    }

    #[test]
    fn next_uncoded_wraps_and_skips_coded_units() {
        let cb = uptake_coding::builtin("gqs").unwrap().unwrap();
        let units = vec![unit("a", &["gqs"]), unit("b", &[]), unit("c", &[])];
        assert_eq!(next_uncoded(&cb, &units, None), Some(1));
        assert_eq!(next_uncoded(&cb, &units, Some(1)), Some(2));
        assert_eq!(next_uncoded(&cb, &units, Some(2)), Some(1));
        assert_eq!(next_uncoded(&cb, &units[..1], Some(0)), None);
    }
}
