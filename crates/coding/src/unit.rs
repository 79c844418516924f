//! What gets coded: a video or a comment, by its platform id.

use std::fmt;

/// The kind of unit a codebook applies to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum UnitKind {
    /// A video.
    Video,
    /// A comment.
    Comment,
}

impl UnitKind {
    /// The stored (and TOML) name: `video` or `comment`.
    pub fn name(self) -> &'static str {
        match self {
            UnitKind::Video => "video",
            UnitKind::Comment => "comment",
        }
    }

    /// Parses `video`/`videos` or `comment`/`comments`.
    pub fn parse(text: &str) -> Option<UnitKind> {
        match text.trim().to_ascii_lowercase().as_str() {
            "video" | "videos" => Some(UnitKind::Video),
            "comment" | "comments" => Some(UnitKind::Comment),
            _ => None,
        }
    }
}

impl fmt::Display for UnitKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A unit that can be sampled: its kind, platform id and, when sampling is
/// stratified, its value of the stratification field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unit {
    /// Video or comment.
    pub kind: UnitKind,
    /// The platform id (a string: TikTok ids exceed 2^53).
    pub id: String,
    /// The unit's value of the stratification field (`None` is its own stratum).
    pub stratum: Option<String>,
}
