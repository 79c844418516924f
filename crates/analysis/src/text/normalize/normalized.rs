//! [`Normalized`]: the normalised text with, for each of its bytes, the
//! stretch of the original it came from, so a match can be mapped back
//! to where the commenter wrote it.

use std::ops::Range;

use unicode_normalization::char::is_combining_mark;

/// Normalised text and where each of its bytes came from.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Normalized {
    /// The normalised text.
    pub text: String,
    /// `map[i]` is the byte offset in the original of the character that
    /// produced normalised byte `i` (always a char boundary of the original).
    pub map: Vec<usize>,
    /// `ends[i]` is the end (exclusive) in the original of the stretch that
    /// produced normalised byte `i`. It runs past the character at `map[i]`
    /// when several original characters were folded into one (`sooooo`,
    /// `e` + combining accent). Both `map` and `ends` never decrease.
    pub ends: Vec<usize>,
}

impl Normalized {
    /// The original byte range behind normalised byte range `range`:
    /// `map[a]..ends[b-1]`. An empty or out-of-range request gives an empty
    /// range at the nearest known position, never a panic.
    pub fn original_span(&self, range: Range<usize>) -> Range<usize> {
        let n = self.map.len();
        let a = range.start.min(n);
        let b = range.end.min(n);
        let start = match self.map.get(a) {
            Some(&s) => s,
            None => self.ends.last().copied().unwrap_or(0),
        };
        if b <= a {
            return start..start;
        }
        let end = self.ends.get(b - 1).copied().unwrap_or(start);
        start..end.max(start)
    }

    pub(super) fn clear(&mut self) {
        self.text.clear();
        self.map.clear();
        self.ends.clear();
    }

    pub(super) fn push(&mut self, c: char, start: usize, end: usize) {
        if !c.is_ascii()
            && is_combining_mark(c)
            && self.text.ends_with(|p: char| p.is_ascii_graphic())
        {
            // A mark on a letter that only became ASCII in the token pass
            // (homoglyph or leetspeak): drop it like step 4 would, so that
            // normalising again changes nothing.
            if let Some(e) = self.ends.last_mut() {
                *e = (*e).max(end);
            }
            return;
        }
        self.text.push(c);
        for _ in 0..c.len_utf8() {
            self.map.push(start);
            self.ends.push(end);
        }
    }
}
