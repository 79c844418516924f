//! A comment on a video, and a public profile snapshot.

use crate::Count;
use serde::{Deserialize, Serialize};

/// A comment or a reply, as one source saw it.
///
/// The author is stored only as a pseudonymous key (see [`crate::author_key`]),
/// unless the author is the project's own account or the project opted in to
/// keeping handles.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Comment {
    /// Platform's comment id (a string: ids exceed 2^53).
    pub platform_id: String,
    /// The video's platform id.
    pub video_id: String,
    /// The comment this replies to; `None` for a top-level comment.
    pub parent_id: Option<String>,
    /// Pseudonymous author key.
    pub author_key: Option<String>,
    /// The author's handle, only for the project's own account or when the
    /// project keeps handles (`[privacy] store_handles`).
    pub author_handle: Option<String>,
    /// When it was posted, UTC seconds.
    pub created_at: Option<i64>,
    /// The text, as written (untrusted: escape before rendering).
    pub text: String,
    /// Likes on the comment when captured.
    pub likes: Option<Count>,
    /// Replies to it when captured.
    pub replies: Option<Count>,
    /// Language as the platform or the collecting tool guessed it (`en`, `fr`).
    pub language: Option<String>,
    /// When the source captured it, UTC seconds, if known.
    pub observed_at: Option<i64>,
}

/// A public account's counts at one moment (Research API user info,
/// Zeeschuimer `authorStats`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ProfileSnapshot {
    /// Pseudonymous key of the account (always the key, like `Video::author_key`).
    pub author_key: String,
    /// When, UTC seconds.
    pub observed_at: i64,
    /// Followers.
    pub followers: Option<i64>,
    /// Accounts it follows.
    pub following: Option<i64>,
    /// Likes received on all its videos.
    pub likes: Option<i64>,
    /// Videos posted.
    pub videos: Option<i64>,
}
