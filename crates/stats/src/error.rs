//! Errors for input a statistic is not defined on.

/// Why a statistic could not be computed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum StatsError {
    /// Too few observations (or groups) for the statistic.
    #[error("{statistic} needs at least {needed} {what}, found {found}")]
    TooFew {
        /// The statistic asked for.
        statistic: &'static str,
        /// What was counted (values, groups, units, coders...).
        what: &'static str,
        /// The minimum.
        needed: usize,
        /// What the input had.
        found: usize,
    },
    /// The input makes the statistic undefined (all values equal, a
    /// singular design matrix, ...), with the reason.
    #[error("{statistic} is undefined here: {reason}")]
    Undefined {
        /// The statistic asked for.
        statistic: &'static str,
        /// Why, in words a user can act on.
        reason: String,
    },
    /// A value is not finite or not allowed for this statistic.
    #[error("{statistic}: invalid input: {reason}")]
    Invalid {
        /// The statistic asked for.
        statistic: &'static str,
        /// What was wrong.
        reason: String,
    },
}
