//! A dated snapshot of one video's metrics.

use crate::{Count, SourceFormat};
use serde::{Deserialize, Serialize};

/// One entry of a distribution: a label and its fraction of the whole.
///
/// Used for traffic sources (`For You` → 0.81), audience territories
/// (`CA` → 0.41) and genders. Fractions are in `0..=1`; the open vocabulary
/// of labels is kept as the source wrote it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Share {
    /// Label as the source wrote it (`For You`, `CA`, `Female`, `Others`).
    pub label: String,
    /// Fraction of the whole, `0..=1`.
    pub fraction: f64,
}

/// The metrics a source reports for a video. Every field is optional and
/// `None` means "not reported", never zero.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Metrics {
    /// Video views (plays).
    pub views: Option<Count>,
    /// Unique accounts reached.
    pub reach: Option<Count>,
    /// Likes.
    pub likes: Option<Count>,
    /// Comments.
    pub comments: Option<Count>,
    /// Shares.
    pub shares: Option<Count>,
    /// Saves ("Add to favorites", `favorites`, `collectCount`).
    pub saves: Option<Count>,
    /// Average watch time per view, seconds.
    pub avg_watch_s: Option<f64>,
    /// Total watch time, seconds.
    pub total_watch_s: Option<f64>,
    /// Fraction of views that watched the full video, `0..=1`.
    pub full_watch_rate: Option<f64>,
    /// Followers gained from this video.
    pub new_followers: Option<Count>,
    /// Profile views from this video.
    pub profile_views: Option<Count>,
    /// Where views came from (For You, Following, Search, ...).
    pub traffic_sources: Vec<Share>,
    /// Viewers' countries (ISO 3166 alpha-2, or `Others`).
    pub territories: Vec<Share>,
    /// Viewers' genders.
    pub genders: Vec<Share>,
}

impl Metrics {
    /// True when no metric at all is present.
    pub fn is_empty(&self) -> bool {
        self == &Metrics::default()
    }
}

/// A video's metrics as one source saw them at one moment.
///
/// Observations are never overwritten: each import adds its own, so growth
/// over time and disagreements between sources stay visible.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Observation {
    /// The video's platform id.
    pub video_id: String,
    /// When the metrics were true, UTC seconds. For sources that give only a
    /// date (Studio `Content.csv`), the start of that day in UTC.
    pub observed_at: i64,
    /// The format the observation came from.
    pub source: SourceFormat,
    /// The metrics.
    pub metrics: Metrics,
}
