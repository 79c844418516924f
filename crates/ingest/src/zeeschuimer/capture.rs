//! What the walk picks out of a capture for its records: the indices of the
//! captured fields, the [`Captured`] values of one line, and the [`Slot`]
//! map that says which key of which object lands in which field.

use crate::api_json::Scalar;

// Indices of the captured fields.
pub(super) const F_ITEM_ID: usize = 0;
pub(super) const F_COLLECTED: usize = 1;
pub(super) const F_PLATFORM: usize = 2;
pub(super) const F_ID: usize = 3;
pub(super) const F_CID: usize = 4;
pub(super) const F_DESC: usize = 5;
pub(super) const F_CREATE_TIME: usize = 6;
pub(super) const F_AUTHOR_HANDLE: usize = 7;
pub(super) const F_AUTHOR_ID: usize = 8;
pub(super) const F_DURATION: usize = 9;
pub(super) const F_AWEME_ID: usize = 10;
pub(super) const F_TEXT: usize = 11;
pub(super) const F_DIGG_COUNT: usize = 12;
pub(super) const F_REPLY_TOTAL: usize = 13;
pub(super) const F_REPLY_ID: usize = 14;
pub(super) const F_REPLY_TO_REPLY_ID: usize = 15;
pub(super) const F_LANGUAGE: usize = 16;
pub(super) const F_USER_UID: usize = 17;
pub(super) const F_USER_HANDLE: usize = 18;
/// `stats`: playCount, diggCount, commentCount, shareCount, collectCount.
pub(super) const F_STATS: usize = 19;
/// `statsV2`, same order.
pub(super) const F_STATS_V2: usize = 24;
/// `authorStats`: followerCount, followingCount, heart, heartCount, videoCount.
pub(super) const F_AUTHOR_STATS: usize = 29;
/// `authorStatsV2`, same order.
pub(super) const F_AUTHOR_STATS_V2: usize = 34;
pub(super) const F_AUTHOR_NICK: usize = 39;
pub(super) const F_USER_NICK: usize = 40;
const FIELDS: usize = 41;

/// The values of one capture that records are made of.
pub(super) struct Captured {
    fields: [Option<Scalar>; FIELDS],
    pub(super) envelope_object: bool,
    pub(super) saw_data: bool,
    pub(super) data_object: bool,
}

impl Default for Captured {
    fn default() -> Self {
        Captured {
            fields: std::array::from_fn(|_| None),
            envelope_object: false,
            saw_data: false,
            data_object: false,
        }
    }
}

impl Captured {
    pub(super) fn get(&self, f: usize) -> Option<&Scalar> {
        self.fields.get(f).and_then(Option::as_ref)
    }

    pub(super) fn text(&self, f: usize) -> Option<String> {
        self.get(f).cloned().and_then(Scalar::into_text)
    }

    /// A string field as text (numbers are not people's names or ids here
    /// unless sent as strings, which is how TikTok sends them).
    pub(super) fn text_ref(&self, f: usize) -> Option<&str> {
        match self.get(f) {
            Some(Scalar::Text(t)) => Some(t.as_str()),
            _ => None,
        }
    }

    pub(super) fn set(&mut self, f: usize, value: Scalar) {
        if let Some(slot) = self.fields.get_mut(f) {
            *slot = Some(value);
        }
    }
}

/// Where a JSON value is, as far as the reader cares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Slot {
    /// Nothing below is captured.
    Skip,
    /// The capture envelope (the line's object).
    Envelope,
    /// `data`: the TikTok post or comment.
    Data,
    /// `data.author` (an object in shape A, the handle in shape B).
    Author,
    /// `data.authorStats` / `authorStatsV2`, with the index of its first field.
    AuthorStats(usize),
    /// `data.stats` / `statsV2`, with the index of its first field.
    Stats(usize),
    /// `data.video`.
    VideoInfo,
    /// A comment's `data.user`.
    User,
    /// `data.music`.
    Music,
    /// A comment's `data.share_info`.
    ShareInfo,
    /// A value that is captured into this field.
    Field(usize),
}

/// What `key` inside a value at `slot` is.
pub(super) fn child(slot: Slot, key: &str) -> Slot {
    match slot {
        Slot::Envelope => match key {
            "item_id" => Slot::Field(F_ITEM_ID),
            "timestamp_collected" => Slot::Field(F_COLLECTED),
            "source_platform" => Slot::Field(F_PLATFORM),
            "data" => Slot::Data,
            _ => Slot::Skip,
        },
        Slot::Data => match key {
            "id" => Slot::Field(F_ID),
            "cid" => Slot::Field(F_CID),
            "desc" => Slot::Field(F_DESC),
            "createTime" | "create_time" => Slot::Field(F_CREATE_TIME),
            "author" => Slot::Author,
            "authorId" => Slot::Field(F_AUTHOR_ID),
            "nickname" => Slot::Field(F_AUTHOR_NICK),
            "authorStats" => Slot::AuthorStats(F_AUTHOR_STATS),
            "authorStatsV2" => Slot::AuthorStats(F_AUTHOR_STATS_V2),
            "stats" => Slot::Stats(F_STATS),
            "statsV2" => Slot::Stats(F_STATS_V2),
            "video" => Slot::VideoInfo,
            "music" => Slot::Music,
            "aweme_id" => Slot::Field(F_AWEME_ID),
            "text" => Slot::Field(F_TEXT),
            "digg_count" => Slot::Field(F_DIGG_COUNT),
            "reply_comment_total" => Slot::Field(F_REPLY_TOTAL),
            "reply_id" => Slot::Field(F_REPLY_ID),
            "reply_to_reply_id" => Slot::Field(F_REPLY_TO_REPLY_ID),
            "comment_language" => Slot::Field(F_LANGUAGE),
            "user" => Slot::User,
            "share_info" => Slot::ShareInfo,
            _ => Slot::Skip,
        },
        Slot::Author => match key {
            "id" => Slot::Field(F_AUTHOR_ID),
            "uniqueId" => Slot::Field(F_AUTHOR_HANDLE),
            "nickname" => Slot::Field(F_AUTHOR_NICK),
            _ => Slot::Skip,
        },
        Slot::AuthorStats(base) => match key {
            "followerCount" => Slot::Field(base),
            "followingCount" => Slot::Field(base + 1),
            "heart" => Slot::Field(base + 2),
            "heartCount" => Slot::Field(base + 3),
            "videoCount" => Slot::Field(base + 4),
            _ => Slot::Skip,
        },
        Slot::Stats(base) => match key {
            "playCount" => Slot::Field(base),
            "diggCount" => Slot::Field(base + 1),
            "commentCount" => Slot::Field(base + 2),
            "shareCount" => Slot::Field(base + 3),
            "collectCount" => Slot::Field(base + 4),
            _ => Slot::Skip,
        },
        Slot::VideoInfo => match key {
            "duration" => Slot::Field(F_DURATION),
            _ => Slot::Skip,
        },
        Slot::User => match key {
            "uid" => Slot::Field(F_USER_UID),
            "unique_id" => Slot::Field(F_USER_HANDLE),
            "nickname" => Slot::Field(F_USER_NICK),
            _ => Slot::Skip,
        },
        _ => Slot::Skip,
    }
}
