//! The comments a first import has added (see [`NewComments`]).

/// The comments an import into a database without comments (of its
/// platform) has added, as hashes of their ids: a comment whose hash is not
/// here is new, and looking it up (one query per comment, most of them
/// new in a first import) is skipped. A hash that is here may belong to
/// another id, which only costs the look-up.
pub(super) struct NewComments {
    hashes: std::collections::HashSet<u64, foldhash::fast::RandomState>,
    /// The most hashes kept ([`NEW_COMMENTS_MAX`] but in tests).
    max: usize,
    /// Hashes ids with a seed drawn at random, so that ids in a file cannot
    /// be chosen to collide.
    seed: foldhash::fast::RandomState,
}

/// The most comment hashes an import keeps (64 MiB or so); past it, every
/// comment is looked up, which keeps memory bounded for any file.
const NEW_COMMENTS_MAX: usize = 4_000_000;

impl Default for NewComments {
    fn default() -> Self {
        NewComments {
            hashes: Default::default(),
            max: NEW_COMMENTS_MAX,
            seed: Default::default(),
        }
    }
}

impl NewComments {
    fn hash(&self, platform_id: &str) -> u64 {
        use std::hash::BuildHasher;
        self.seed.hash_one(platform_id)
    }

    /// Whether `platform_id` may have been added before (it must then be
    /// looked up).
    pub(super) fn may_hold(&self, platform_id: &str) -> bool {
        self.hashes.contains(&self.hash(platform_id))
    }

    /// Remembers an added comment; false once full (stop using the set).
    pub(super) fn add(&mut self, platform_id: &str) -> bool {
        if self.hashes.len() >= self.max {
            return false;
        }
        self.hashes.insert(self.hash(platform_id));
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn added_ids_are_held_and_a_full_set_says_so() {
        let mut added = NewComments {
            max: 2,
            ..NewComments::default()
        };
        assert!(!added.may_hold("7300000000000000001"));
        assert!(added.add("7300000000000000001") && added.add("7300000000000000002"));
        assert!(added.may_hold("7300000000000000001") && added.may_hold("7300000000000000002"));
        assert!(!added.may_hold("7300000000000000003"));
        assert!(
            !added.add("7300000000000000003"),
            "past its size the set must say it is full"
        );
    }
}
