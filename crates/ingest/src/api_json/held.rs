//! Records held back until a later part of the input says how to store
//! them, within a fixed bound.
//!
//! TikTok writes a page's `data` before its `error` (v2 APIs) or `code`
//! (Business API), and yt-dlp writes a playlist's `epoch` after its
//! `entries`; a record read before that part may be neither pushed nor
//! dropped. Holding them without limit lets one file make the process grow
//! with its size (a 183 MB page of three million tiny videos took 3 GB), so
//! every reader holds through [`Held`], whose [`Bound`] caps both the number
//! of records and the bytes of their raw text. Each reader sets its bound
//! from what a real file of its format can hold, well above that, and says
//! why in the bound's `why`.

use crate::error::{IngestError, Location};

/// How much a reader may hold, and why a real file stays below it.
#[derive(Debug)]
pub(crate) struct Bound {
    /// Most records held at once.
    pub(crate) records: usize,
    /// Most bytes of raw record text held at once.
    pub(crate) bytes: usize,
    /// What the held records wait for, after "before", and why: "the
    /// page's `error` object, which says whether they may be imported".
    pub(crate) until: &'static str,
    /// Why a real input stays below the bound and what to do with a larger
    /// one; ends the error message.
    pub(crate) why: &'static str,
}

impl Bound {
    /// Checks that `records` records of `bytes` bytes in all may be held;
    /// `noun` names them in the plural ("videos"). The error is located at
    /// the record that would go over the bound.
    pub(crate) fn admit(
        &self,
        records: usize,
        bytes: usize,
        noun: &str,
        location: &Location,
    ) -> Result<(), IngestError> {
        let over = if records > self.records {
            format!("{} {noun}", grouped(self.records))
        } else if bytes > self.bytes {
            format!("{} MiB of {noun}", self.bytes / (1024 * 1024))
        } else {
            return Ok(());
        };
        Err(IngestError::invalid(
            location.clone(),
            format!(
                "expected at most {over} before {}, found more; {}",
                self.until, self.why
            ),
        ))
    }
}

/// Records waiting for the end of their page (or playlist), within a
/// [`Bound`].
#[derive(Debug)]
pub(crate) struct Held<T> {
    bound: &'static Bound,
    items: Vec<T>,
    bytes: usize,
}

impl<T> Held<T> {
    pub(crate) fn new(bound: &'static Bound) -> Self {
        Held {
            bound,
            items: Vec::new(),
            bytes: 0,
        }
    }

    /// Holds `item`, whose raw text is `bytes` long, or refuses it with an
    /// error at `location` when that would go over the bound.
    pub(crate) fn push(
        &mut self,
        item: T,
        bytes: usize,
        noun: &str,
        location: &Location,
    ) -> Result<(), IngestError> {
        let total = self.bytes.saturating_add(bytes);
        self.bound
            .admit(self.items.len() + 1, total, noun, location)?;
        self.bytes = total;
        self.items.push(item);
        Ok(())
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// Hands over what is held, leaving nothing.
    pub(crate) fn take(&mut self) -> Vec<T> {
        self.bytes = 0;
        std::mem::take(&mut self.items)
    }
}

/// `n` with thousands separators: `1,000`.
fn grouped(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    static SMALL: Bound = Bound {
        records: 3,
        bytes: 2 * 1024 * 1024,
        until: "the page's `error` object",
        why: "a real page holds at most one",
    };

    fn at(n: usize) -> Location {
        Location::record("page.json", format!("page 1, video {n}"))
    }

    #[test]
    fn holds_up_to_the_record_bound_and_refuses_the_next() {
        let mut held = Held::new(&SMALL);
        for n in 1..=3 {
            assert!(held.push(n, 10, "videos", &at(n)).is_ok());
        }
        let e = held
            .push(4, 10, "videos", &at(4))
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert_eq!(
            e,
            "`page.json` page 1, video 4: expected at most 3 videos before the page's `error` \
             object, found more; a real page holds at most one"
        );
        assert_eq!(held.take(), vec![1, 2, 3]);
        assert!(held.is_empty());
        // Taking empties the count too: a new page starts from nothing.
        assert!(held.push(5, 10, "videos", &at(1)).is_ok());
    }

    #[test]
    fn refuses_more_bytes_than_the_bound() {
        let mut held = Held::new(&SMALL);
        assert!(held.push(1, 1024 * 1024, "videos", &at(1)).is_ok());
        assert!(held.push(2, 1024 * 1024, "videos", &at(2)).is_ok());
        let e = held
            .push(3, 1, "videos", &at(3))
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(e.contains("expected at most 2 MiB of videos"), "{e}");
        assert!(held.push(4, usize::MAX, "videos", &at(3)).is_err());
    }

    #[test]
    fn groups_thousands() {
        assert_eq!(grouped(0), "0");
        assert_eq!(grouped(100), "100");
        assert_eq!(grouped(1000), "1,000");
        assert_eq!(grouped(50_000), "50,000");
        assert_eq!(grouped(1_234_567), "1,234,567");
    }
}
