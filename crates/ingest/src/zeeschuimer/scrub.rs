//! The privacy rules of the raw record beyond the walk itself: which keys
//! identify a person (the [`KeySet`] table, and keys that do so only by
//! where they are, also inside arrays: [`element_slot`]).
//! Names repeated in free text are `super::names`, people in links
//! `super::links`.

use super::capture::Slot;
#[cfg(doc)]
use crate::privacy::IDENTIFYING_KEYS;

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
/// replies to (and, with context, see [`extra_identifying`], what a
/// `share_info` object says).
pub(super) const EXTRA_KEYS: &[&str] = &[
    "reply_to_username",
    "reply_to_nickname",
    "reply_to_userid",
    "reply_to_uid",
];

/// Keys whose object's keys [`extra_identifying`] looks at wherever the
/// object is (flagged [`CONTEXT`]).
const CONTEXT_KEYS: &[&str] = &["share_info"];

/// True when `key` under `slot` names a person although
/// [`IDENTIFYING_KEYS`] does not list it, by where it is ([`EXTRA_KEYS`]
/// are added to the [`KeySet`]).
pub(super) fn extra_identifying(slot: Slot, key: &[u8]) -> bool {
    matches!((slot, key), (Slot::ShareInfo, b"desc"))
}

/// The slot of an array's elements: an array under `share_info` holds
/// share_info objects (`"share_info":[{"desc": …}]`, also in arrays of
/// arrays), whose text [`extra_identifying`] removes as in a single object. Elsewhere nothing in an array is
/// captured. The walk and the fast path both ask here, so they agree.
#[inline]
pub(super) fn element_slot(slot: Slot) -> Slot {
    match slot {
        Slot::ShareInfo => slot,
        _ => Slot::Skip,
    }
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
/// The key is in [`CONTEXT_KEYS`]: its slot matters even where nothing is
/// captured.
pub(super) const CONTEXT: u8 = 8;

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
        for k in CONTEXT_KEYS {
            set.add(k, CONTEXT);
        }
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
        assert_eq!(set.flags("music") | set.flags("share_info"), CONTEXT);
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
}
