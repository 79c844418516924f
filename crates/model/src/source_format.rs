//! The input formats uptake recognises.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// One input format, as detected by sniffing or named with `--format`.
///
/// The string form (`studio-overview`, `business-video-list`, ...) is what the
/// store records for each import and what `--format` accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SourceFormat {
    /// TikTok Studio `Overview.csv` / `.xlsx`: daily account metrics.
    StudioOverview,
    /// TikTok Studio `Content.csv`: per-video totals at export time.
    StudioContent,
    /// TikTok Studio `Viewers.csv` / `.xlsx`: daily total/new/returning viewers.
    StudioViewers,
    /// TikTok Studio `FollowerHistory.csv`: daily follower totals.
    StudioFollowerHistory,
    /// TikTok Studio `FollowerActivity.csv`: active followers per hour.
    StudioFollowerActivity,
    /// TikTok Studio `FollowerGender.csv`: follower gender distribution.
    StudioFollowerGender,
    /// TikTok Studio `FollowerTopTerritories.csv`: follower territories.
    StudioFollowerTerritories,
    /// TikTok API for Business `/business/get/` response.
    BusinessAccount,
    /// TikTok API for Business `/business/video/list/` response.
    BusinessVideoList,
    /// TikTok Display API v2 `/v2/video/list/` or `/v2/video/query/` response.
    DisplayVideoList,
    /// uptake's manual per-video analytics template (`uptake template analytics`).
    ManualTemplate,
    /// TikTok Research API video query responses (pages, arrays or NDJSON).
    ResearchVideos,
    /// TikTok Research API comment list responses.
    ResearchComments,
    /// TikTok Research API user info responses.
    ResearchUser,
    /// TikTok API for Business `/business/comment/list/` responses.
    BusinessComments,
    /// Zeeschuimer NDJSON export (TikTok posts and comments).
    Zeeschuimer,
    /// Zeeschuimer's own CSV export of TikTok posts (semicolon-separated).
    ZeeschuimerCsv,
    /// 4CAT CSV export of TikTok posts.
    FourcatPosts,
    /// 4CAT CSV export of TikTok comments.
    FourcatComments,
    /// yt-dlp `.info.json` (one video, or a playlist).
    YtDlp,
    /// pyktok video metadata CSV.
    PyktokVideos,
    /// pyktok comments CSV.
    PyktokComments,
    /// TikTok "Download your data" personal export (JSON, or its ZIP).
    PersonalExport,
}

impl SourceFormat {
    /// Every format, in the order `--help` lists them.
    pub const ALL: &'static [SourceFormat] = &[
        SourceFormat::StudioOverview,
        SourceFormat::StudioContent,
        SourceFormat::StudioViewers,
        SourceFormat::StudioFollowerHistory,
        SourceFormat::StudioFollowerActivity,
        SourceFormat::StudioFollowerGender,
        SourceFormat::StudioFollowerTerritories,
        SourceFormat::BusinessAccount,
        SourceFormat::BusinessVideoList,
        SourceFormat::DisplayVideoList,
        SourceFormat::ManualTemplate,
        SourceFormat::ResearchVideos,
        SourceFormat::ResearchComments,
        SourceFormat::ResearchUser,
        SourceFormat::BusinessComments,
        SourceFormat::Zeeschuimer,
        SourceFormat::ZeeschuimerCsv,
        SourceFormat::FourcatPosts,
        SourceFormat::FourcatComments,
        SourceFormat::YtDlp,
        SourceFormat::PyktokVideos,
        SourceFormat::PyktokComments,
        SourceFormat::PersonalExport,
    ];

    /// The stable name used in the store and on the command line.
    pub fn name(self) -> &'static str {
        match self {
            SourceFormat::StudioOverview => "studio-overview",
            SourceFormat::StudioContent => "studio-content",
            SourceFormat::StudioViewers => "studio-viewers",
            SourceFormat::StudioFollowerHistory => "studio-follower-history",
            SourceFormat::StudioFollowerActivity => "studio-follower-activity",
            SourceFormat::StudioFollowerGender => "studio-follower-gender",
            SourceFormat::StudioFollowerTerritories => "studio-follower-territories",
            SourceFormat::BusinessAccount => "business-account",
            SourceFormat::BusinessVideoList => "business-video-list",
            SourceFormat::DisplayVideoList => "display-video-list",
            SourceFormat::ManualTemplate => "manual-template",
            SourceFormat::ResearchVideos => "research-videos",
            SourceFormat::ResearchComments => "research-comments",
            SourceFormat::ResearchUser => "research-user",
            SourceFormat::BusinessComments => "business-comments",
            SourceFormat::Zeeschuimer => "zeeschuimer",
            SourceFormat::ZeeschuimerCsv => "zeeschuimer-csv",
            SourceFormat::FourcatPosts => "4cat-posts",
            SourceFormat::FourcatComments => "4cat-comments",
            SourceFormat::YtDlp => "yt-dlp",
            SourceFormat::PyktokVideos => "pyktok-videos",
            SourceFormat::PyktokComments => "pyktok-comments",
            SourceFormat::PersonalExport => "personal-export",
        }
    }

    /// True for public-data formats, whose people are pseudonymised.
    pub fn is_public_data(self) -> bool {
        matches!(
            self,
            SourceFormat::ResearchVideos
                | SourceFormat::ResearchComments
                | SourceFormat::ResearchUser
                | SourceFormat::BusinessComments
                | SourceFormat::Zeeschuimer
                | SourceFormat::ZeeschuimerCsv
                | SourceFormat::FourcatPosts
                | SourceFormat::FourcatComments
                | SourceFormat::YtDlp
                | SourceFormat::PyktokVideos
                | SourceFormat::PyktokComments
                | SourceFormat::PersonalExport
        )
    }

    /// True when the format's video rows carry no capture time, so the
    /// file's modification time stands in for it: pyktok appends each run's
    /// rows to the same CSV, so a row with the values already stored for its
    /// video is that row again, not a new observation.
    pub fn rows_undated(self) -> bool {
        matches!(self, SourceFormat::PyktokVideos)
    }

    /// True for the TikTok Studio "Download data" files, whose dates carry no year.
    pub fn is_studio(self) -> bool {
        matches!(
            self,
            SourceFormat::StudioOverview
                | SourceFormat::StudioContent
                | SourceFormat::StudioViewers
                | SourceFormat::StudioFollowerHistory
                | SourceFormat::StudioFollowerActivity
                | SourceFormat::StudioFollowerGender
                | SourceFormat::StudioFollowerTerritories
        )
    }
}

impl fmt::Display for SourceFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Error returned when a format name is not known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownFormat(pub String);

impl fmt::Display for UnknownFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<&str> = SourceFormat::ALL.iter().map(|f| f.name()).collect();
        write!(
            f,
            "unknown format `{}`; expected one of: {}",
            self.0,
            names.join(", ")
        )
    }
}

impl std::error::Error for UnknownFormat {}

impl FromStr for SourceFormat {
    type Err = UnknownFormat;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        SourceFormat::ALL
            .iter()
            .copied()
            .find(|f| f.name() == s)
            .ok_or_else(|| UnknownFormat(s.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for f in SourceFormat::ALL {
            assert_eq!(f.name().parse::<SourceFormat>(), Ok(*f));
        }
        assert!("studio".parse::<SourceFormat>().is_err());
    }
}
