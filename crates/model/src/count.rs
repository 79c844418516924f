//! A count with a flag saying whether it is exact.

use serde::{Deserialize, Serialize};

/// A non-fractional metric value (views, likes, ...).
///
/// `approximate` is set when the value was parsed from an abbreviation such as
/// `1.2K`, or comes from a source known to round large numbers (TikTok page
/// `stats`). Analysis keeps the flag so that a report can say which figures
/// are approximate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Count {
    /// The value. Negative values are legitimate for daily deltas
    /// (deleted comments, lost followers).
    pub value: i64,
    /// True when the value is not known exactly.
    pub approximate: bool,
}

impl Count {
    /// An exact count.
    pub fn exact(value: i64) -> Self {
        Count {
            value,
            approximate: false,
        }
    }

    /// A count known only approximately.
    pub fn approx(value: i64) -> Self {
        Count {
            value,
            approximate: true,
        }
    }
}

impl From<i64> for Count {
    fn from(value: i64) -> Self {
        Count::exact(value)
    }
}
