//! Errors from loading rule files: each names the file, the rule and the
//! field, so the person editing the TOML knows where to look.

/// A rule file that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RuleError {
    /// The file is not valid TOML or does not have the rule-file shape
    /// (the message from the TOML parser gives line and column).
    #[error("`{source_name}`: {message}")]
    Toml {
        /// File the rules came from.
        source_name: String,
        /// What the parser said.
        message: String,
    },
    /// A top-level field of the file is wrong.
    #[error("`{source_name}`, field `{field}`: {message}")]
    File {
        /// File the rules came from.
        source_name: String,
        /// The field (`scheme`, `version`).
        field: &'static str,
        /// What was expected and what was found.
        message: String,
    },
    /// One rule is wrong.
    #[error("`{source_name}` rule `{rule_id}`, field `{field}`: {message}")]
    Rule {
        /// File the rule came from.
        source_name: String,
        /// The rule's id.
        rule_id: String,
        /// The field at fault (`id`, `lang`, `patterns`, ...).
        field: &'static str,
        /// What was expected and what was found.
        message: String,
    },
    /// The combined matcher could not be built (a size limit; with the
    /// rules already validated one by one, otherwise a bug in uptake).
    #[error("cannot compile the rules into one matcher: {message}")]
    Build {
        /// What the automaton or regex builder said.
        message: String,
    },
}
