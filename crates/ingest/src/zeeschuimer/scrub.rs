//! The privacy rules of the raw record beyond the walk itself: which keys
//! identify a person (the [`KeySet`] table, and keys that do so only by
//! where they are), people in links ([`scrub_links`]), and names repeated
//! in free text ([`remove_names`]).

use super::capture::Slot;
use super::raw::write_str;
#[cfg(doc)]
use crate::privacy::IDENTIFYING_KEYS;
use memchr::{memchr, memchr_iter, memmem, memrchr};
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
pub(super) fn extra_identifying(slot: Slot, key: &[u8]) -> bool {
    matches!(
        (slot, key),
        (Slot::Music, b"authorName") | (Slot::ShareInfo, b"desc")
    )
}

/// Key lists merged into one hash table: this runs for every key of every
/// capture, and most keys match nothing, so a lookup is one hash of the
/// key's length and three of its bytes, usually landing on an empty slot.
pub(crate) struct KeySet {
    keys: Vec<(&'static str, u8)>,
    /// Open addressing with linear probing: indices into `keys` plus one
    /// (0 is empty). A power of two long and at most a quarter full, so
    /// probes are short and always reach an empty slot.
    slots: Vec<u16>,
    /// `slots.len()` is `1 << bits`.
    bits: u32,
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
        let mut set = KeySet {
            keys: Vec::new(),
            slots: vec![0; 256],
            bits: 8,
        };
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
        if let Some((_, flags)) = self.keys.iter_mut().find(|(k, _)| *k == key) {
            *flags |= flag;
            return;
        }
        self.keys.push((key, flag));
        if self.keys.len() * 4 > self.slots.len() {
            self.bits += 1;
            self.slots = vec![0; 1 << self.bits];
            for i in 0..self.keys.len() {
                self.place(i);
            }
        } else {
            self.place(self.keys.len() - 1);
        }
    }

    /// Puts `keys[index]` in the first empty slot from its hash on.
    fn place(&mut self, index: usize) {
        let Some((key, _)) = self.keys.get(index) else {
            return;
        };
        let mask = self.slots.len() - 1;
        let mut i = self.hash(key.as_bytes());
        while let Some(slot) = self.slots.get_mut(i & mask) {
            if *slot == 0 {
                *slot = u16::try_from(index + 1).unwrap_or(0);
                return;
            }
            i += 1;
        }
    }

    /// Fibonacci hashing of the length and the first, middle and last
    /// bytes.
    fn hash(&self, b: &[u8]) -> usize {
        let byte = |i: usize| u32::from(b.get(i).copied().unwrap_or(0));
        let x = (b.len() as u32 & 0xff)
            | byte(0) << 8
            | byte(b.len() / 2) << 16
            | byte(b.len().wrapping_sub(1)) << 24;
        (x.wrapping_mul(0x9E37_79B9) >> (32 - self.bits)) as usize
    }

    /// The flags of `key` (0 for most keys).
    pub(crate) fn flags(&self, key: &str) -> u8 {
        self.flags_of(key.as_bytes())
    }

    /// [`flags`](Self::flags) of a key read as bytes.
    pub(super) fn flags_of(&self, key: &[u8]) -> u8 {
        let mask = self.slots.len() - 1;
        let mut i = self.hash(key);
        loop {
            match self.slots.get(i & mask) {
                Some(&n) if n != 0 => {
                    if let Some((k, flags)) = self.keys.get(usize::from(n) - 1) {
                        if k.as_bytes() == key {
                            return *flags;
                        }
                    }
                }
                _ => return 0,
            }
            i += 1;
        }
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
        // memchr's search is several times faster than `str::contains`
        // over a record of a few kilobytes, and most records do not hold
        // the name.
        if !needle.is_empty() && memmem::find(raw.as_bytes(), needle.as_bytes()).is_some() {
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

/// True when a query has a person parameter with a value. Every link in a
/// capture has a query, so this looks only at the keys before `=` that end
/// in `d`, as all of [`PERSON_PARAMS`] do. (A person parameter without a
/// value is left as it is anyway.)
fn has_person_param(query: &str) -> bool {
    let bytes = query.as_bytes();
    memchr_iter(b'=', bytes).any(|eq| {
        let head = bytes.get(..eq).unwrap_or_default();
        head.last() == Some(&b'd') && {
            let start = memrchr(b'&', head).map_or(0, |amp| amp + 1);
            query
                .get(start..eq)
                .is_some_and(|key| PERSON_PARAMS.contains(&key))
        }
    })
}

/// Removes people from links: `https://www.tiktok.com/@someone/video/1`
/// becomes `https://www.tiktok.com/@[removed]/video/1`, and the values of
/// query parameters such as `secUid` become `[removed]`. Only text that
/// starts like a link is touched: captions and comments keep their mentions.
pub(crate) fn scrub_links(s: &str) -> Cow<'_, str> {
    if !s.starts_with("http") {
        return Cow::Borrowed(s);
    }
    let (path, query) = match memchr(b'?', s.as_bytes()) {
        Some(q) => (s.get(..q).unwrap_or(s), s.get(q + 1..)),
        None => (s, None),
    };
    // `@` is rare in links: look for it before looking for `/@`.
    let bytes = path.as_bytes();
    let at = memchr_iter(b'@', bytes).any(|i| i > 0 && bytes.get(i - 1) == Some(&b'/'));
    let params = query.is_some_and(has_person_param);
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
    fn key_set_finds_its_keys_and_nothing_else() {
        use crate::privacy::IDENTIFYING_KEYS;
        let mut set = KeySet::new(IDENTIFYING_KEYS);
        for k in EXTRA_KEYS {
            set.add(k, IDENTIFYING);
        }
        for k in IDENTIFYING_KEYS.iter().chain(EXTRA_KEYS) {
            assert!(set.contains(k), "{k}");
        }
        for k in PERSON_KEYS {
            assert_eq!(set.flags(k) & PERSON, PERSON, "{k}");
        }
        assert_eq!(set.flags("author_username"), PERSON_SCALAR);
        for k in [
            "",
            "i",
            "id",
            "desc",
            "uidx",
            "Uid",
            "authorStats",
            "nickName",
            "user_",
        ] {
            assert_eq!(set.flags(k), 0, "{k}");
        }
        // The table grows past its first size.
        let many: Vec<&'static str> = (0..300)
            .map(|i| &*Box::leak(format!("key{i}").into_boxed_str()))
            .collect();
        let set = KeySet::new(&many);
        assert!(many.iter().all(|k| set.contains(k)));
        assert!(!set.contains("key300") && set.flags("user") == PERSON);
    }

    /// `scrub_links` as first written, before its checks were made fast.
    fn reference(s: &str) -> String {
        if !s.starts_with("http") {
            return s.to_string();
        }
        let (path, query) = match s.find('?') {
            Some(q) => (&s[..q], Some(&s[q + 1..])),
            None => (s, None),
        };
        let at = path.contains("/@");
        let params = query.is_some_and(|q| q.split('&').any(is_person_param));
        if !at && !params {
            return s.to_string();
        }
        let mut out = String::new();
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
        out
    }

    proptest::proptest! {
        #[test]
        fn links_are_scrubbed_as_before(
            s in "(https?:|ht|)[/@?&=#a-z \"]{0,12}((uid|user_id|secUid|d|x)=?[a-z@/]{0,4}[&?/@]?){0,4}"
        ) {
            let scrubbed = scrub_links(&s).into_owned();
            proptest::prop_assert_eq!(scrubbed, reference(&s));
        }
    }

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
