//! The privacy rules of the raw record beyond the walk itself: which keys
//! identify a person (the [`KeySet`] table, and keys that do so only by
//! where they are), people in links ([`scrub_links`]), and names repeated
//! in free text ([`remove_names`]).

use super::capture::Slot;
use super::raw::write_str;
#[cfg(doc)]
use crate::privacy::IDENTIFYING_KEYS;
use std::borrow::Cow;

/// Keys whose object value describes a person: the same list as
/// `privacy.rs` uses (kept in step by the `scrubs_like_scrub_raw` test).
pub(crate) const PERSON_KEYS: &[&str] = &[
    "author",
    "user",
    "authorInfo",
    "reply_to_user",
    "owner_info",
];

/// Keys removed besides [`IDENTIFYING_KEYS`]: the names of people a comment
/// replies to, and (with context, see [`extra_identifying`]) the music's
/// author, which for an "original sound" is the video's author.
pub(super) const EXTRA_KEYS: &[&str] = &[
    "reply_to_username",
    "reply_to_nickname",
    "reply_to_userid",
    "reply_to_uid",
];

/// True when `key` under `slot` names a person although
/// [`IDENTIFYING_KEYS`] does not list it, by where it is ([`EXTRA_KEYS`]
/// are added to the [`KeySet`]).
pub(super) fn extra_identifying(slot: Slot, key: &str) -> bool {
    matches!(
        (slot, key),
        (Slot::Music, "authorName") | (Slot::ShareInfo, "desc")
    )
}

/// Key lists merged into one table, bucketed by length and checked on
/// their first and last bytes before a full comparison: this runs for every
/// key of every capture, and most keys match nothing.
pub(crate) struct KeySet {
    by_len: Vec<Vec<(&'static str, u8)>>,
}

/// The key is in [`IDENTIFYING_KEYS`] (or the reader's extra list).
pub(crate) const IDENTIFYING: u8 = 1;
/// The key is in [`PERSON_KEYS`].
pub(crate) const PERSON: u8 = 2;
/// A string or number under this key is a person (`author_username`).
pub(super) const PERSON_SCALAR: u8 = 4;

impl KeySet {
    /// A table of `identifying` keys plus the person keys.
    pub(crate) fn new(identifying: &[&'static str]) -> Self {
        let mut set = KeySet { by_len: Vec::new() };
        for k in identifying {
            set.add(k, IDENTIFYING);
        }
        for k in PERSON_KEYS {
            set.add(k, PERSON);
        }
        set.add("author_username", PERSON_SCALAR);
        set
    }

    pub(super) fn add(&mut self, key: &'static str, flag: u8) {
        if self.by_len.len() <= key.len() {
            self.by_len.resize_with(key.len() + 1, Vec::new);
        }
        if let Some(bucket) = self.by_len.get_mut(key.len()) {
            match bucket.iter_mut().find(|(k, _)| *k == key) {
                Some((_, flags)) => *flags |= flag,
                None => bucket.push((key, flag)),
            }
        }
    }

    /// The flags of `key` (0 for most keys).
    pub(crate) fn flags(&self, key: &str) -> u8 {
        let bytes = key.as_bytes();
        let (Some(first), Some(last)) = (bytes.first(), bytes.last()) else {
            return 0;
        };
        let Some(bucket) = self.by_len.get(key.len()) else {
            return 0;
        };
        for (k, flags) in bucket {
            let kb = k.as_bytes();
            if kb.first() == Some(first) && kb.last() == Some(last) && *k == key {
                return *flags;
            }
        }
        0
    }

    /// True when `key` is one of the identifying keys.
    pub(crate) fn contains(&self, key: &str) -> bool {
        self.flags(key) & IDENTIFYING != 0
    }
}

/// Removes the people's names and handles of a record wherever they are
/// left in its raw text: TikTok repeats them in free text, e.g. an original
/// sound's `music.title` is "original sound - <nickname>". Names shorter
/// than 3 characters are left alone (they would match ordinary words).
pub(crate) fn remove_names<'a>(raw: &mut String, names: impl Iterator<Item = &'a str>) {
    let mut escaped = String::new();
    for name in names {
        let name = name.trim();
        if name.chars().count() < 3 {
            continue;
        }
        escaped.clear();
        write_str(&mut escaped, name);
        let needle = escaped
            .get(1..escaped.len().saturating_sub(1))
            .unwrap_or("");
        if !needle.is_empty() && raw.contains(needle) {
            *raw = raw.replace(needle, "[removed]");
        }
    }
}

/// Query parameters of TikTok links whose value identifies a person
/// (`/api/post/item_list/?secUid=…`).
const PERSON_PARAMS: &[&str] = &[
    "secUid",
    "sec_uid",
    "sec_user_id",
    "uniqueId",
    "unique_id",
    "user_id",
    "userId",
    "uid",
];

fn is_person_param(param: &str) -> bool {
    let key = param.split('=').next().unwrap_or("");
    PERSON_PARAMS.contains(&key)
}

/// Removes people from links: `https://www.tiktok.com/@someone/video/1`
/// becomes `https://www.tiktok.com/@[removed]/video/1`, and the values of
/// query parameters such as `secUid` become `[removed]`. Only text that
/// starts like a link is touched: captions and comments keep their mentions.
pub(crate) fn scrub_links(s: &str) -> Cow<'_, str> {
    if !s.starts_with("http") {
        return Cow::Borrowed(s);
    }
    let (path, query) = match s.find('?') {
        Some(q) => (&s[..q], Some(&s[q + 1..])),
        None => (s, None),
    };
    let at = path.contains("/@");
    let params = query.is_some_and(|q| q.split('&').any(is_person_param));
    if !at && !params {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = path;
    while let Some(pos) = rest.find("/@") {
        out.push_str(&rest[..pos + 2]);
        let after = &rest[pos + 2..];
        let end = after.find(['/', '#', '&', '"', ' ']).unwrap_or(after.len());
        if end > 0 {
            out.push_str("[removed]");
        }
        rest = &after[end..];
    }
    out.push_str(rest);
    if let Some(q) = query {
        out.push('?');
        for (i, param) in q.split('&').enumerate() {
            if i > 0 {
                out.push('&');
            }
            match param.split_once('=') {
                Some((key, _)) if is_person_param(param) => {
                    out.push_str(key);
                    out.push_str("=[removed]");
                }
                _ => out.push_str(param),
            }
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_lose_handles() {
        assert_eq!(
            scrub_links("https://t.com/@a/b/@c"),
            "https://t.com/@[removed]/b/@[removed]"
        );
        assert_eq!(scrub_links("https://t.com/@"), "https://t.com/@");
        assert_eq!(scrub_links("see /@a"), "see /@a");
        assert_eq!(
            scrub_links("https://t.com/api/?secUid=MS4&count=30&uid=1"),
            "https://t.com/api/?secUid=[removed]&count=30&uid=[removed]"
        );
        assert_eq!(
            scrub_links("https://t.com/@a?lang=en"),
            "https://t.com/@[removed]?lang=en"
        );
    }
}
