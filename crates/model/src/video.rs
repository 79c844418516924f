//! A video's descriptive metadata.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// What a source says about a video itself (not its metrics).
///
/// Every field except the id is optional: sources differ in what they carry
/// (Studio `Content.csv` has a title and a year-less posting date; the Business
/// API has an exact `create_time` and a duration). The store merges records for
/// the same `(platform, platform_id)`, filling fields that were unknown and
/// never replacing a known value with an unknown one.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Video {
    /// Platform's id, as a string (TikTok ids exceed 2^53).
    pub platform_id: String,
    /// Handle of the account that posted it, when it is the project's own
    /// account. Other authors are stored only under a pseudonymous key.
    pub author_handle: Option<String>,
    /// Pseudonymous author key (see [`crate::author_key`]) for authors that are
    /// not the project's own account.
    pub author_key: Option<String>,
    /// Exact posting instant, UTC seconds, when the source has one.
    pub created_at: Option<i64>,
    /// Posting date, when only a date is known (Studio) or derived from `created_at`.
    pub posted_on: Option<NaiveDate>,
    /// Short title as the source shows it (may be a truncated caption).
    pub title: Option<String>,
    /// Full caption, with hashtags and mentions.
    pub caption: Option<String>,
    /// Duration in seconds.
    pub duration_s: Option<f64>,
    /// A link to the video.
    pub url: Option<String>,
}

impl Video {
    /// A record that only knows the id.
    pub fn with_id(platform_id: impl Into<String>) -> Self {
        Video {
            platform_id: platform_id.into(),
            ..Video::default()
        }
    }

    /// Hashtags in the caption (or title), without `#`, in order, deduplicated
    /// case-insensitively. A hashtag runs until whitespace or another `#`.
    pub fn hashtags(&self) -> Vec<String> {
        let text = self
            .caption
            .as_deref()
            .or(self.title.as_deref())
            .unwrap_or("");
        let mut out: Vec<String> = Vec::new();
        for part in text.split('#').skip(1) {
            let tag: String = part
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            if !tag.is_empty() && !out.iter().any(|t| t.to_lowercase() == tag.to_lowercase()) {
                out.push(tag);
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashtags_are_extracted_in_order_without_duplicates() {
        let v = Video {
            caption: Some(
                "What the study found #GenderAffirmingCare #trans#research #trans ✨".into(),
            ),
            ..Video::with_id("1")
        };
        assert_eq!(
            v.hashtags(),
            vec!["GenderAffirmingCare", "trans", "research"]
        );
    }
}
