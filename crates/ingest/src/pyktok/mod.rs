//! Reader for the CSVs pyktok writes (`formats.md` §6): video metadata
//! (`save_tiktok…` with `metadata_fn=`), comment dumps
//! (`save_tiktok_comments`, and 2022's `save_video_comments`) and late-2022
//! `save_visible_comments` tables. Which one a file is comes from its header
//! row, so the columns may be in any order and unknown columns are kept in
//! the raw record.
//!
//! What the format forces on a reader:
//!
//! - `video_timestamp` (and `time_collected`) are the collecting computer's
//!   **local time without an offset**. The user's `--tz-offset`
//!   ([`crate::Options::naive_tz_offset_minutes`]) converts them to UTC;
//!   without it they are read as UTC and one warning per file says so.
//! - Counts come from TikTok's page `stats`, rounded to about three
//!   significant digits for large values (§4.2): values of 10 000 or more
//!   with at most three significant digits are flagged approximate.
//!   pandas writes a column holding a NaN as floats (`812.0`) and NaN as an
//!   empty cell; both are handled by [`crate::number::parse_total`].
//! - The metadata CSV has no capture time, and pyktok appends a row on every
//!   run without de-duplicating. Each row becomes its own observation, timed
//!   by `--observed-at`, else the file's modification time (with a warning),
//!   else the import fails asking for `--observed-at`.
//! - Comment dumps hold nested objects (`user`, `share_info`, `text_extra`)
//!   as Python `repr` text, read with the private `repr` submodule. Commenters and
//!   authors are pseudonymised with [`Context::person`]; raw records go
//!   through [`privacy::scrub_raw`](crate::privacy::scrub_raw) plus a few
//!   pyktok-specific removals (handles inside links, `share_info.desc`,
//!   `video_fn`, `*_username`).
//!
//! Rows are read one at a time through the `csv` crate; memory does not
//! grow with the file.

mod comments;
mod repr;
mod scrub;
mod table;
mod times;
mod videos;

use crate::error::{IngestError, Location};
use crate::number::{self, ValueError};
use crate::privacy::{Author, Person};
use crate::sink::{Sink, Warning};
use crate::Context;
use std::collections::{HashMap, HashSet};
use std::io::Read;
use table::{Cells, Table};
use uptake_model::{Count, SourceFormat};

/// Reads a pyktok CSV into `sink`. Returns [`SourceFormat::PyktokVideos`] for
/// video metadata and [`SourceFormat::PyktokComments`] for either comment
/// layout, decided from the header row.
pub fn parse<R: Read>(
    input: R,
    ctx: &Context,
    sink: &mut dyn Sink,
) -> Result<SourceFormat, IngestError> {
    let mut table = Table::open(input, ctx)?;
    let kind = Kind::of(&table.header).ok_or_else(|| IngestError::UnknownHeaders {
        location: ctx.at_line(table.header_line),
        found: table
            .header
            .iter()
            .map(|h| format!("\"{h}\""))
            .collect::<Vec<_>>()
            .join(", "),
        help: "a pyktok CSV has `video_id` and `video_diggcount` (video metadata), `cid` \
               (comments), or `comment_id`, `screen_name` and `comment` (visible comments); \
               name another format with `--format`"
            .into(),
    })?;
    let mut state = State {
        ctx,
        clock_warned: false,
        local_time_warned: false,
        rounded: 0,
        videos_seen: HashSet::new(),
        rows_per_video: HashMap::new(),
        unreadable_columns: Vec::new(),
    };
    while let Some(row) = table.next_row()? {
        if row.cells.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        if row
            .cells
            .iter()
            .map(|c| normalise(c))
            .eq(table.header.iter().cloned())
        {
            sink.warn(Warning {
                location: ctx.at_line(row.line),
                message:
                    "the header row is repeated here (files concatenated?); the line is skipped"
                        .into(),
            });
            continue;
        }
        if row.cells.len() > table.header.len()
            && row.cells[table.header.len()..]
                .iter()
                .any(|c| !c.trim().is_empty())
        {
            sink.warn(Warning {
                location: ctx.at_line(row.line),
                message: format!(
                    "the row has {} cells but the header {}; the extra cells are ignored",
                    row.cells.len(),
                    table.header.len()
                ),
            });
        }
        let row = Cells {
            table: &table,
            row: &row,
        };
        match kind {
            Kind::Videos => state.video_row(&row, sink)?,
            Kind::Comments => state.comment_row(&row, sink)?,
            Kind::VisibleComments => state.visible_comment_row(&row, sink)?,
        }
    }
    state.finish(kind, sink);
    Ok(match kind {
        Kind::Videos => SourceFormat::PyktokVideos,
        Kind::Comments | Kind::VisibleComments => SourceFormat::PyktokComments,
    })
}

/// Which pyktok table a header describes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// Video metadata (current and 2022 column sets).
    Videos,
    /// A pandas dump of TikTok comment objects.
    Comments,
    /// `save_visible_comments` (late 2022).
    VisibleComments,
}

impl Kind {
    fn of(header: &[String]) -> Option<Kind> {
        let has = |name: &str| header.iter().any(|h| h == name);
        if has("video_id") && (has("video_diggcount") || has("video_playcount")) {
            Some(Kind::Videos)
        } else if has("comment_id") && (has("styled_name") || has("screen_name")) {
            Some(Kind::VisibleComments)
        } else if has("cid") {
            Some(Kind::Comments)
        } else {
            None
        }
    }
}

/// Header text as compared: trimmed, lower-case, without a BOM.
fn normalise(h: &str) -> String {
    h.trim()
        .trim_start_matches('\u{feff}')
        .trim()
        .to_lowercase()
}

/// True for the pandas index column: unnamed, or `Unnamed: 0`.
fn is_index(h: &str) -> bool {
    h.is_empty() || h.starts_with("unnamed:")
}

fn value_error(expected: &'static str, found: &str) -> ValueError {
    let found: String = found.trim().chars().take(60).collect();
    ValueError {
        expected,
        found: if found.is_empty() {
            "(empty)".into()
        } else {
            found
        },
        hint: None,
    }
}

/// A value of 10 000 or more with at most three significant digits: what
/// TikTok's page `stats` round large counts to (`formats.md` §4.2).
fn looks_rounded(value: i64) -> bool {
    if value < 10_000 {
        return false;
    }
    let mut v = value;
    while v % 10 == 0 {
        v /= 10;
    }
    v < 1000
}

/// Per-file reading state: one-time warnings, duplicates, videos seen.
struct State<'c> {
    ctx: &'c Context<'c>,
    clock_warned: bool,
    local_time_warned: bool,
    /// Counts flagged as possibly rounded.
    rounded: u64,
    /// Videos already given a [`Video`](uptake_model::Video) record (comment
    /// files).
    videos_seen: HashSet<String>,
    /// Rows per video id (metadata files).
    rows_per_video: HashMap<String, u64>,
    /// Columns whose Python values could not be read (kept out of raw).
    unreadable_columns: Vec<String>,
}

impl State<'_> {
    /// When the numbers of a row without a capture time were observed:
    /// `--observed-at`, else the file's modification time (warned once),
    /// else `None`.
    fn observed_at(&mut self, location: &Location, sink: &mut dyn Sink) -> Option<i64> {
        if let Some(t) = self.ctx.options.observed_at {
            return Some(t);
        }
        let m = self.ctx.modified?;
        if !self.clock_warned {
            self.clock_warned = true;
            sink.warn(Warning {
                location: location.clone(),
                message: format!(
                    "pyktok records no capture time, so the file's modification time ({} UTC) is \
                     used as the observation time; pass `--observed-at` to set it",
                    m.format("%Y-%m-%d %H:%M")
                ),
            });
        }
        Some(m.and_utc().timestamp())
    }
    /// A count from page `stats`, flagged when it looks rounded.
    fn stat(
        &mut self,
        field: &'static str,
        text: &str,
        location: &Location,
    ) -> Result<Option<Count>, IngestError> {
        let count = number::parse_total(text)
            .map_err(|e| IngestError::value(location.clone(), field, e))?;
        Ok(count.map(|c| {
            if !c.approximate && looks_rounded(c.value) {
                self.rounded += 1;
                Count::approx(c.value)
            } else {
                c
            }
        }))
    }

    fn person(&self, person: Person, location: &Location) -> Result<Author, IngestError> {
        self.ctx.person(person).map_err(|e| match e {
            IngestError::Invalid { message, .. } => IngestError::invalid(location.clone(), message),
            other => other,
        })
    }
    /// End-of-file warnings: rounded counts, repeated videos.
    fn finish(&self, kind: Kind, sink: &mut dyn Sink) {
        if self.rounded > 0 {
            sink.warn(Warning {
                location: self.ctx.whole(),
                message: format!(
                    "{} count{} of 10,000 or more {} at most three significant digits; TikTok's \
                     page stats round large numbers, so {} marked approximate",
                    self.rounded,
                    if self.rounded == 1 { "" } else { "s" },
                    if self.rounded == 1 { "has" } else { "have" },
                    if self.rounded == 1 {
                        "it is"
                    } else {
                        "they are"
                    },
                ),
            });
        }
        if kind == Kind::Videos {
            let repeated: Vec<u64> = self
                .rows_per_video
                .values()
                .filter(|n| **n > 1)
                .copied()
                .collect();
            if !repeated.is_empty() {
                let rows: u64 = repeated.iter().sum();
                sink.warn(Warning {
                    location: self.ctx.whole(),
                    message: format!(
                        "{} video{} appear{} on more than one row ({rows} rows; pyktok appends a \
                         row on every run); each row is kept as its own observation",
                        repeated.len(),
                        if repeated.len() == 1 { "" } else { "s" },
                        if repeated.len() == 1 { "s" } else { "" },
                    ),
                });
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rounding_rule() {
        for (v, want) in [
            (9_990, false),
            (10_000, true),
            (56_900, true),
            (133_000, true),
            (44_200_000, true),
            (12_340, false),
            (812, false),
            (1_000_001, false),
        ] {
            assert_eq!(looks_rounded(v), want, "{v}");
        }
    }
}
