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
/// At most 64: [`Captured`] marks the fields present in a `u64`.
pub(super) const FIELDS: usize = 41;
/// The fields that hold people's handles and nicknames.
const NAME_FIELDS: [usize; 4] = [F_AUTHOR_HANDLE, F_AUTHOR_NICK, F_USER_HANDLE, F_USER_NICK];

/// The values of one capture that records are made of. The reader keeps
/// one for the whole file and [`clear`](Captured::clear)s it for each line:
/// the strings keep their buffers, which saves some twenty allocations a
/// line.
pub(super) struct Captured {
    fields: [Scalar; FIELDS],
    /// Bit `f` is set when field `f` was captured on this line.
    present: u64,
    pub(super) envelope_object: bool,
    pub(super) saw_data: bool,
    pub(super) data_object: bool,
    /// Every handle and nickname captured as text, each followed by a NUL
    /// (captured text never holds one: the walk strips them), so that all
    /// of them are removed from the record's free text, not only the last
    /// value of each field. One buffer, reused from line to line.
    names: String,
}

impl Default for Captured {
    fn default() -> Self {
        Captured {
            fields: std::array::from_fn(|_| Scalar::Null),
            present: 0,
            envelope_object: false,
            saw_data: false,
            data_object: false,
            names: String::new(),
        }
    }
}

impl Captured {
    /// Forgets the line's values (keeping the buffers).
    pub(super) fn clear(&mut self) {
        self.present = 0;
        self.envelope_object = false;
        self.saw_data = false;
        self.data_object = false;
        self.names.clear();
    }

    /// The handles and nicknames captured as text, in the order read.
    pub(super) fn names(&self) -> impl Iterator<Item = &str> + Clone {
        self.names.split_terminator('\0')
    }

    /// Notes `value` as a name when field `f` holds one.
    fn note_name(&mut self, f: usize, value: &str) {
        if NAME_FIELDS.contains(&f) {
            self.names.push_str(value);
            self.names.push('\0');
        }
    }

    pub(super) fn get(&self, f: usize) -> Option<&Scalar> {
        if f >= FIELDS || self.present & (1 << f) == 0 {
            return None;
        }
        self.fields.get(f)
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
        if let Scalar::Text(t) = &value {
            self.note_name(f, t);
        }
        if let Some(slot) = self.fields.get_mut(f) {
            *slot = value;
            self.present |= 1 << f;
        }
    }

    /// Sets a string field, reusing the field's buffer.
    pub(super) fn set_text(&mut self, f: usize, value: &str) {
        self.note_name(f, value);
        if let Some(slot) = self.fields.get_mut(f) {
            match slot {
                Scalar::Text(t) => {
                    t.clear();
                    t.push_str(value);
                }
                _ => *slot = Scalar::Text(value.to_string()),
            }
            self.present |= 1 << f;
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
    /// A `share_info` object (a comment's `data.share_info`, or one nested
    /// anywhere).
    ShareInfo,
    /// A value that is captured into this field.
    Field(usize),
}

/// What `key` inside a value at `slot` is. Keys are bytes: the fast path
/// reads them as bytes, and a `&str` would cost a check for nothing.
pub(super) fn child(slot: Slot, key: &[u8]) -> Slot {
    match slot {
        Slot::Envelope => match key {
            b"item_id" => Slot::Field(F_ITEM_ID),
            b"timestamp_collected" => Slot::Field(F_COLLECTED),
            b"source_platform" => Slot::Field(F_PLATFORM),
            b"data" => Slot::Data,
            _ => context(key),
        },
        Slot::Data => match key {
            b"id" => Slot::Field(F_ID),
            b"cid" => Slot::Field(F_CID),
            b"desc" => Slot::Field(F_DESC),
            b"createTime" | b"create_time" => Slot::Field(F_CREATE_TIME),
            b"author" => Slot::Author,
            b"authorId" => Slot::Field(F_AUTHOR_ID),
            b"nickname" => Slot::Field(F_AUTHOR_NICK),
            b"authorStats" => Slot::AuthorStats(F_AUTHOR_STATS),
            b"authorStatsV2" => Slot::AuthorStats(F_AUTHOR_STATS_V2),
            b"stats" => Slot::Stats(F_STATS),
            b"statsV2" => Slot::Stats(F_STATS_V2),
            b"video" => Slot::VideoInfo,
            b"aweme_id" => Slot::Field(F_AWEME_ID),
            b"text" => Slot::Field(F_TEXT),
            b"digg_count" => Slot::Field(F_DIGG_COUNT),
            b"reply_comment_total" => Slot::Field(F_REPLY_TOTAL),
            b"reply_id" => Slot::Field(F_REPLY_ID),
            b"reply_to_reply_id" => Slot::Field(F_REPLY_TO_REPLY_ID),
            b"comment_language" => Slot::Field(F_LANGUAGE),
            b"user" => Slot::User,
            b"share_info" => Slot::ShareInfo,
            _ => context(key),
        },
        Slot::Author => match key {
            b"id" => Slot::Field(F_AUTHOR_ID),
            b"uniqueId" => Slot::Field(F_AUTHOR_HANDLE),
            b"nickname" => Slot::Field(F_AUTHOR_NICK),
            _ => context(key),
        },
        Slot::AuthorStats(base) => match key {
            b"followerCount" => Slot::Field(base),
            b"followingCount" => Slot::Field(base + 1),
            b"heart" => Slot::Field(base + 2),
            b"heartCount" => Slot::Field(base + 3),
            b"videoCount" => Slot::Field(base + 4),
            _ => context(key),
        },
        Slot::Stats(base) => match key {
            b"playCount" => Slot::Field(base),
            b"diggCount" => Slot::Field(base + 1),
            b"commentCount" => Slot::Field(base + 2),
            b"shareCount" => Slot::Field(base + 3),
            b"collectCount" => Slot::Field(base + 4),
            _ => context(key),
        },
        Slot::VideoInfo => match key {
            b"duration" => Slot::Field(F_DURATION),
            _ => context(key),
        },
        Slot::User => match key {
            b"uid" => Slot::Field(F_USER_UID),
            b"unique_id" => Slot::Field(F_USER_HANDLE),
            b"nickname" => Slot::Field(F_USER_NICK),
            _ => context(key),
        },
        // Anywhere else, `share_info` objects are still what
        // `super::scrub::extra_identifying` looks at: TikTok nests them in
        // reposts, duets and mixes too.
        _ => context(key),
    }
}

/// The slot of a `share_info` object outside `data`.
#[inline]
fn context(key: &[u8]) -> Slot {
    match key {
        b"share_info" => Slot::ShareInfo,
        _ => Slot::Skip,
    }
}
