//! The Studio file kinds, as data: for each file, the columns that identify
//! it and the columns it may also have ([`KINDS`]).

use super::Field;
use uptake_model::SourceFormat;

/// A Studio file kind: the columns it must have and may have.
#[derive(Debug)]
pub struct FileKind {
    /// The format it is read as.
    pub format: SourceFormat,
    /// The file's usual name, for messages.
    pub file: &'static str,
    /// Columns that identify it.
    pub required: &'static [Field],
    /// Columns it may also have.
    pub optional: &'static [Field],
}

/// The Studio files (`formats.md` §3.3), in detection order.
pub const KINDS: &[FileKind] = &[
    FileKind {
        format: SourceFormat::StudioOverview,
        file: "Overview.csv",
        required: &[Field::Date, Field::VideoViews],
        optional: &[
            Field::ProfileViews,
            Field::Likes,
            Field::Comments,
            Field::Shares,
            Field::NewFollowers,
            Field::Reach,
            Field::BusinessOnly,
        ],
    },
    FileKind {
        format: SourceFormat::StudioViewers,
        file: "Viewers.csv",
        required: &[
            Field::Date,
            Field::TotalViewers,
            Field::NewViewers,
            Field::ReturningViewers,
        ],
        optional: &[],
    },
    FileKind {
        format: SourceFormat::StudioFollowerHistory,
        file: "FollowerHistory.csv",
        required: &[Field::Date, Field::Followers],
        optional: &[Field::FollowerDifference],
    },
    FileKind {
        format: SourceFormat::StudioFollowerActivity,
        file: "FollowerActivity.csv",
        required: &[Field::Date, Field::Hour, Field::ActiveFollowers],
        optional: &[],
    },
    FileKind {
        format: SourceFormat::StudioFollowerGender,
        file: "FollowerGender.csv",
        required: &[Field::Gender, Field::Distribution],
        optional: &[],
    },
    FileKind {
        format: SourceFormat::StudioFollowerTerritories,
        file: "FollowerTopTerritories.csv",
        required: &[Field::Territory, Field::Distribution],
        optional: &[],
    },
    FileKind {
        format: SourceFormat::StudioContent,
        file: "Content.csv",
        required: &[Field::VideoLink],
        optional: &[
            Field::Time,
            Field::VideoTitle,
            Field::PostTime,
            Field::VideoViews,
            Field::Likes,
            Field::Comments,
            Field::Shares,
            Field::Saves,
            Field::AvgWatchTime,
            Field::TotalPlayTime,
            Field::FullWatchRate,
        ],
    },
];
