//! Bounded sets of 128-bit fingerprints: what an import has stored in a
//! table that held nothing of its platform when it began, so that it need
//! not look it up (see `comments` and `repeats`).

use std::collections::HashSet;
use std::hash::{BuildHasher, Hash};

/// The most fingerprints one set keeps: about 40 MB. Past it a set
/// remembers nothing more, and its user falls back to looking up (comments)
/// or says that repeats were not checked ([`super::ImportTx::repeats_unchecked`]).
const FINGERPRINTS_MAX: usize = 2_000_000;

/// A set of fingerprints. 128 bits from two hashes with seeds drawn at
/// random: two different keys share one with a probability near 2^-128
/// per pair, and a file cannot be made to collide.
pub(super) struct Fingerprints {
    seen: HashSet<u128, foldhash::fast::RandomState>,
    seeds: [foldhash::fast::RandomState; 2],
    max: usize,
}

impl Default for Fingerprints {
    fn default() -> Self {
        Fingerprints {
            seen: HashSet::default(),
            seeds: Default::default(),
            max: FINGERPRINTS_MAX,
        }
    }
}

/// What [`Fingerprints::claim`] found.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Claim {
    /// Remembered before.
    Repeat,
    /// Not seen; now remembered.
    New,
    /// Not seen, and the set is full: not remembered.
    Full,
}

impl Fingerprints {
    fn print(&self, key: impl Hash + Copy) -> u128 {
        u128::from(self.seeds[0].hash_one(key)) << 64 | u128::from(self.seeds[1].hash_one(key))
    }

    /// Whether `key` was remembered.
    pub(super) fn holds(&self, key: impl Hash + Copy) -> bool {
        self.seen.contains(&self.print(key))
    }

    /// Whether `key` was remembered before; remembers it if not.
    pub(super) fn claim(&mut self, key: impl Hash + Copy) -> Claim {
        let print = self.print(key);
        if self.seen.contains(&print) {
            Claim::Repeat
        } else if self.seen.len() >= self.max {
            Claim::Full
        } else {
            self.seen.insert(print);
            Claim::New
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_is_new_once_then_a_repeat_and_a_full_set_remembers_nothing() {
        let mut prints = Fingerprints {
            max: 2,
            ..Fingerprints::default()
        };
        assert!(!prints.holds(("1", 10_i64)));
        assert_eq!(prints.claim(("1", 10_i64)), Claim::New);
        assert!(prints.holds(("1", 10_i64)));
        assert_eq!(prints.claim(("1", 10_i64)), Claim::Repeat);
        assert_eq!(prints.claim(("1", 11_i64)), Claim::New);
        assert_eq!(prints.claim(("2", 10_i64)), Claim::Full);
        assert_eq!(prints.claim(("2", 10_i64)), Claim::Full, "not remembered");
        assert!(!prints.holds(("2", 10_i64)));
        assert_eq!(prints.claim(("1", 11_i64)), Claim::Repeat);
    }
}
