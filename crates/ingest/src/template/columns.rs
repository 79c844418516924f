//! The template's columns: their header names, the traffic-source labels
//! stored for them, and the mapping of a header row to columns.

use crate::error::IngestError;
use crate::sink::{Sink, Warning};
use crate::Context;

/// A column of the template.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Column {
    Video,
    Title,
    Posted,
    Observed,
    Views,
    Likes,
    Comments,
    Shares,
    Saves,
    AvgWatchTime,
    WatchedFullVideo,
    NewFollowers,
    ForYou,
    Following,
    PersonalProfile,
    Search,
    Sound,
    OtherSources,
    TopTerritories,
}

/// Every column with its header name, in the template's order.
const COLUMNS: &[(Column, &str)] = &[
    (Column::Video, "video"),
    (Column::Title, "title"),
    (Column::Posted, "posted"),
    (Column::Observed, "observed"),
    (Column::Views, "views"),
    (Column::Likes, "likes"),
    (Column::Comments, "comments"),
    (Column::Shares, "shares"),
    (Column::Saves, "saves"),
    (Column::AvgWatchTime, "avg_watch_time"),
    (Column::WatchedFullVideo, "watched_full_video"),
    (Column::NewFollowers, "new_followers"),
    (Column::ForYou, "for_you"),
    (Column::Following, "following"),
    (Column::PersonalProfile, "personal_profile"),
    (Column::Search, "search"),
    (Column::Sound, "sound"),
    (Column::OtherSources, "other_sources"),
    (Column::TopTerritories, "top_territories"),
];

/// Traffic-source columns and the labels stored for them (the app's own
/// words, shared with Studio's traffic-source names).
pub(super) const SOURCES: &[(Column, &str)] = &[
    (Column::ForYou, "For You"),
    (Column::Following, "Following"),
    (Column::PersonalProfile, "Personal profile"),
    (Column::Search, "Search"),
    (Column::Sound, "Sound"),
    (Column::OtherSources, "Other"),
];

impl Column {
    pub(super) fn name(self) -> &'static str {
        COLUMNS
            .iter()
            .find(|(c, _)| *c == self)
            .map(|(_, n)| *n)
            .unwrap_or("?")
    }
}

/// Header text as compared: trimmed, lower-case, spaces and hyphens as `_`.
pub(super) fn normalise_header(h: &str) -> String {
    h.trim()
        .trim_start_matches('\u{feff}')
        .to_lowercase()
        .split([' ', '-', '_'])
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join("_")
}

/// Maps header cells to columns; warns about unknown ones.
pub(super) fn map_columns(
    header: &[String],
    line: u64,
    ctx: &Context,
    sink: &mut dyn Sink,
) -> Result<Vec<Option<Column>>, IngestError> {
    let mut columns: Vec<Option<Column>> = Vec::with_capacity(header.len());
    let mut unknown = vec![];
    for h in header {
        let name = normalise_header(h);
        let column = COLUMNS.iter().find(|(_, n)| *n == name).map(|(c, _)| *c);
        if let Some(c) = column {
            if columns.contains(&Some(c)) {
                return Err(IngestError::invalid(
                    ctx.at_line(line),
                    format!("expected each column once, found `{}` twice", c.name()),
                ));
            }
        } else if !name.is_empty() {
            unknown.push(format!("`{}`", h.trim()));
        }
        columns.push(column);
    }
    if !columns.contains(&Some(Column::Video)) {
        let found = header
            .iter()
            .map(|h| format!("\"{}\"", h.trim()))
            .collect::<Vec<_>>()
            .join(", ");
        return Err(IngestError::UnknownHeaders {
            location: ctx.at_line(line),
            found,
            help: "the manual analytics template needs at least a `video` column; its header is \
                   `video,title,posted,observed,views,...` (print it with `uptake template analytics`)"
                .into(),
        });
    }
    if !unknown.is_empty() {
        sink.warn(Warning {
            location: ctx.at_line(line),
            message: format!(
                "unknown column{} {} ignored (kept in the raw record)",
                if unknown.len() == 1 { "" } else { "s" },
                unknown.join(", ")
            ),
        });
    }
    Ok(columns)
}
