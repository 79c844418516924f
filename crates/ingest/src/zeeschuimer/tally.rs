//! The warnings given once per file rather than once per line: captures from
//! other platforms, NUL characters removed, counts flagged approximate,
//! capture times in seconds, and a file with no captures at all. The line
//! loop counts these in a [`Tally`]; [`Tally::finish`] reports them.

use crate::sink::{Sink, Warning};
use crate::Context;
use std::collections::BTreeMap;

/// Counts what is reported once per file instead of once per line.
#[derive(Default)]
pub(super) struct Tally {
    /// Captures from other platforms, by `source_platform`.
    pub(super) other_platforms: BTreeMap<String, u64>,
    /// Strings that had NUL characters removed, and the first line.
    pub(super) nul_strings: u64,
    pub(super) nul_first_line: u64,
    /// Counts taken from `stats` alone and flagged approximate.
    pub(super) rounded: u64,
    /// Captures whose `timestamp_collected` looked like seconds.
    pub(super) seconds_stamps: u64,
    pub(super) seconds_first_line: u64,
    /// TikTok captures read.
    pub(super) captures: u64,
}

impl Tally {
    pub(super) fn finish(self, ctx: &Context, sink: &mut dyn Sink) {
        if !self.other_platforms.is_empty() {
            let total: u64 = self.other_platforms.values().sum();
            let list: Vec<String> = self
                .other_platforms
                .iter()
                .map(|(p, n)| format!("`{p}` ({n})"))
                .collect();
            sink.warn(Warning {
                location: ctx.whole(),
                message: format!(
                    "skipped {total} {} from platforms other than TikTok: {}",
                    if total == 1 { "item" } else { "items" },
                    list.join(", ")
                ),
            });
        }
        if self.nul_strings > 0 {
            sink.warn(Warning {
                location: ctx.at_line(self.nul_first_line),
                message: format!(
                    "removed NUL characters from {} {} (the first on this line); they are \
                     not valid in text and usually come from a damaged capture",
                    self.nul_strings,
                    if self.nul_strings == 1 {
                        "string"
                    } else {
                        "strings"
                    }
                ),
            });
        }
        if self.rounded > 0 {
            sink.warn(Warning {
                location: ctx.whole(),
                message: format!(
                    "{} {} came only from TikTok's page `stats` (no exact `statsV2`) and end \
                     in zeros: TikTok rounds these to about 3 significant digits, so they are \
                     flagged approximate",
                    self.rounded,
                    if self.rounded == 1 { "count" } else { "counts" }
                ),
            });
        }
        if self.seconds_stamps > 0 {
            sink.warn(Warning {
                location: ctx.at_line(self.seconds_first_line),
                message: format!(
                    "{} `timestamp_collected` {} in seconds, not Zeeschuimer's milliseconds \
                     (the first on this line); read as seconds",
                    self.seconds_stamps,
                    if self.seconds_stamps == 1 {
                        "value is"
                    } else {
                        "values are"
                    }
                ),
            });
        }
        if self.captures == 0 && self.other_platforms.is_empty() {
            sink.warn(Warning {
                location: ctx.whole(),
                message: "the file holds no Zeeschuimer captures".into(),
            });
        }
    }
}
