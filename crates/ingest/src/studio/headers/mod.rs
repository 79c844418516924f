//! Which Studio file a header row belongs to, and what each column means.
//!
//! Header texts are data: one table per UI language maps the texts seen in
//! real exports or in public code to a canonical [`Field`] (`formats.md`
//! §3.3). Adding a language is adding a table to [`TABLES`]; nothing here
//! invents a translation that no source shows. The user's `[studio.headers]`
//! mapping (header as found → English header) is applied first, so a user can
//! read a Portuguese export today. Matching ignores case and runs of
//! whitespace.

mod kinds;
mod languages;
mod matching;
#[cfg(test)]
mod tests;

pub use kinds::{FileKind, KINDS};
pub use languages::{HeaderTable, ENGLISH, SWEDISH, TABLES};
pub use matching::{detect, english_name, normalise};
use uptake_model::SourceFormat;

/// What a column means, whatever the file's language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Field {
    /// The day (daily files).
    Date,
    /// Video views (daily in Overview, total in Content).
    VideoViews,
    /// Profile views.
    ProfileViews,
    /// Likes (daily in Overview, total in Content).
    Likes,
    /// Comments.
    Comments,
    /// Shares.
    Shares,
    /// New followers that day.
    NewFollowers,
    /// Unique accounts reached (Business Suite overview).
    Reach,
    /// A Business Suite column uptake keeps only in the raw row (product
    /// links, leads, net growth, lost followers).
    BusinessOnly,
    /// Follower total.
    Followers,
    /// FollowerHistory's difference column (ignored: see `daily.rs`).
    FollowerDifference,
    /// Unique viewers.
    TotalViewers,
    /// New viewers.
    NewViewers,
    /// Returning viewers.
    ReturningViewers,
    /// Hour of the day (FollowerActivity).
    Hour,
    /// Active followers in that hour.
    ActiveFollowers,
    /// Gender label.
    Gender,
    /// Territory label.
    Territory,
    /// Fraction of the audience.
    Distribution,
    /// Content.csv export snapshot date.
    Time,
    /// Content.csv video title.
    VideoTitle,
    /// Content.csv video link (holds the id and the handle).
    VideoLink,
    /// Content.csv posting date.
    PostTime,
    /// Saves / favourites / bookmarks.
    Saves,
    /// Average watch time per view.
    AvgWatchTime,
    /// Total play time.
    TotalPlayTime,
    /// Share of views that watched to the end.
    FullWatchRate,
}

/// A recognised header row.
#[derive(Debug, Clone)]
pub struct Columns {
    /// The file kind.
    pub format: SourceFormat,
    /// The headers as written in the file (BOM removed), by column.
    pub names: Vec<String>,
    /// What each column means, by column.
    pub fields: Vec<Field>,
    /// The UI language the headers are in, when every header came from a
    /// built-in table (not from the user's mapping).
    pub lang: Option<&'static str>,
}

impl Columns {
    /// The column index of `field` (the first, for [`Field::BusinessOnly`]).
    pub fn index(&self, field: Field) -> Option<usize> {
        self.fields.iter().position(|f| *f == field)
    }

    /// The header text of `field` as written in the file (for messages).
    pub fn name(&self, field: Field) -> String {
        self.index(field)
            .and_then(|i| self.names.get(i))
            .cloned()
            .unwrap_or_else(|| english_name(field).to_string())
    }
}
