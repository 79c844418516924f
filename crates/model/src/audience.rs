//! Account-level audience snapshots.

use crate::Share;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// What an audience distribution describes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AudienceKind {
    /// Followers' genders (Studio `FollowerGender.csv`, Business `audience_genders`).
    Gender,
    /// Followers' territories (Studio `FollowerTopTerritories.csv`, Business `audience_countries`).
    Territory,
}

impl AudienceKind {
    /// The name stored in the database.
    pub fn name(self) -> &'static str {
        match self {
            AudienceKind::Gender => "gender",
            AudienceKind::Territory => "territory",
        }
    }
}

/// A distribution of the account's audience as of one date. Studio keeps no
/// history of these, so each export is a separate snapshot.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AudienceSnapshot {
    /// The account's handle, or `own`.
    pub account: String,
    /// The date the snapshot describes (the export date).
    pub as_of: NaiveDate,
    /// What is distributed.
    pub kind: AudienceKind,
    /// The entries, as fractions.
    pub shares: Vec<Share>,
}

/// Active followers in one hour of one day (Studio `FollowerActivity.csv`,
/// which covers only the last 7 days of an export).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FollowerActivity {
    /// The account's handle, or `own`.
    pub account: String,
    /// The day.
    pub date: NaiveDate,
    /// Hour of day, 0..=23.
    pub hour: u8,
    /// Followers active in that hour.
    pub active_followers: i64,
}
