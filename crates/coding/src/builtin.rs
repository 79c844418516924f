//! The built-in codebooks, embedded at compile time from `codebooks/*.toml`
//! (each file cites its sources and explains how it was adapted).

use crate::codebook::Codebook;
use crate::error::CodingError;

/// Name and TOML text of every built-in codebook, in the order listed.
pub const BUILTIN: &[(&str, &str)] = &[
    ("discern", include_str!("../codebooks/discern.toml")),
    (
        "discern-reliability-8",
        include_str!("../codebooks/discern-reliability-8.toml"),
    ),
    ("mdiscern-5", include_str!("../codebooks/mdiscern-5.toml")),
    ("pemat-av", include_str!("../codebooks/pemat-av.toml")),
    ("gqs", include_str!("../codebooks/gqs.toml")),
    ("jama", include_str!("../codebooks/jama.toml")),
];

/// An example of a team's own codebook (creator type, content type,
/// misinformation present), for users to copy; not a built-in instrument.
pub const EXAMPLE: &str = include_str!("../codebooks/example-content.toml");

/// The built-in codebook called `name`, parsed.
pub fn builtin(name: &str) -> Option<Result<Codebook, CodingError>> {
    BUILTIN
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(n, text)| Codebook::parse(text, &format!("built-in {n}")))
}

/// Every built-in codebook, parsed.
pub fn builtins() -> Result<Vec<Codebook>, CodingError> {
    BUILTIN
        .iter()
        .map(|(n, text)| Codebook::parse(text, &format!("built-in {n}")))
        .collect()
}
