//! One day of the account's own analytics series.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// Daily account metrics, keyed by (account, date).
///
/// Studio and the Business API report these per calendar day (the day
/// boundary's time zone is undocumented, so it stays a date, not an instant).
/// Every value is optional; the store upserts by (account, date), lets the
/// newer export win and never replaces a value with a missing one.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct AccountDay {
    /// The account's handle, or `own` when no file names it.
    pub account: String,
    /// The calendar day.
    pub date: NaiveDate,
    /// Video views that day.
    pub video_views: Option<i64>,
    /// Profile views that day.
    pub profile_views: Option<i64>,
    /// Likes that day (can be negative).
    pub likes: Option<i64>,
    /// Comments that day (can be negative: deleted comments).
    pub comments: Option<i64>,
    /// Shares that day.
    pub shares: Option<i64>,
    /// Follower total at the end of the day.
    pub followers: Option<i64>,
    /// Followers gained that day as the source reports it (net; may be negative).
    pub new_followers: Option<i64>,
    /// Unique viewers that day.
    pub total_viewers: Option<i64>,
    /// Viewers who had not watched before.
    pub new_viewers: Option<i64>,
    /// Viewers who had watched before.
    pub returning_viewers: Option<i64>,
    /// Unique accounts reached (Business Suite exports).
    pub reach: Option<i64>,
}

impl AccountDay {
    /// An empty day for `account` on `date`.
    pub fn new(account: impl Into<String>, date: NaiveDate) -> Self {
        AccountDay {
            account: account.into(),
            date,
            ..AccountDay::default()
        }
    }

    /// True when the day carries no value at all.
    pub fn is_empty(&self) -> bool {
        self.video_views.is_none()
            && self.profile_views.is_none()
            && self.likes.is_none()
            && self.comments.is_none()
            && self.shares.is_none()
            && self.followers.is_none()
            && self.new_followers.is_none()
            && self.total_viewers.is_none()
            && self.new_viewers.is_none()
            && self.returning_viewers.is_none()
            && self.reach.is_none()
    }
}
