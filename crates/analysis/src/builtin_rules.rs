//! uptake's built-in rule files, embedded at compile time so that the binary
//! needs nothing from disk. Their sources are under `crates/analysis/rules/`
//! (see its README for how to write and extend rules); teams add their own
//! files in uptake.toml.

/// `(name, TOML text)` of every built-in rule file, in load order.
pub const FILES: &[(&str, &str)] = &[
    (
        "kmb/signals_en.toml",
        include_str!("../rules/kmb/signals_en.toml"),
    ),
    (
        "kmb/signals_fr.toml",
        include_str!("../rules/kmb/signals_fr.toml"),
    ),
    (
        "safety/safety_en.toml",
        include_str!("../rules/safety/safety_en.toml"),
    ),
    (
        "safety/safety_fr.toml",
        include_str!("../rules/safety/safety_fr.toml"),
    ),
    ("safety/pii.toml", include_str!("../rules/safety/pii.toml")),
    (
        "claims/gac_starter.toml",
        include_str!("../rules/claims/gac_starter.toml"),
    ),
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::rules::{RuleSet, Scheme};

    #[test]
    fn every_builtin_file_loads_and_merges() {
        let sets: Vec<RuleSet> = FILES
            .iter()
            .map(|(name, text)| {
                RuleSet::from_toml_str(text, name).unwrap_or_else(|e| panic!("{name}: {e}"))
            })
            .collect();
        let all = RuleSet::merge(sets).unwrap();
        for s in [Scheme::Kmb, Scheme::Safety, Scheme::Claims] {
            assert!(all.scheme_version(s).is_some(), "{s} has rules");
        }
    }
}
