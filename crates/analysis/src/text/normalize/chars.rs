//! Steps 1–5 driven per character: invisible characters dropped, NFKC per
//! base character and its combining marks (each result folded by
//! [`fold_char`]), and the space inside French guillemets removed.

use unicode_normalization::char::{decompose_compatible, is_combining_mark};
use unicode_normalization::{is_nfkc_quick, IsNormalized, UnicodeNormalization};

use super::fold::fold_char;
use super::{Normalizer, Unit};

impl Normalizer {
    /// Steps 1–5: per character, with the original offsets.
    pub(super) fn chars(&mut self, text: &str) {
        let bytes = text.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            let b = bytes[i];
            if b.is_ascii() {
                // Fast path: ASCII is already NFKC and needs only lowercasing.
                self.units.push(Unit {
                    c: char::from(b.to_ascii_lowercase()),
                    start: i,
                    end: i + 1,
                });
                i += 1;
                continue;
            }
            // A non-ASCII base character with the combining marks after it,
            // normalised together so `e` + U+0301 composes like `é`.
            let start = i;
            let mut end = i + utf8_len(b);
            while end < bytes.len() && !bytes[end].is_ascii() {
                let next = text.get(end..).and_then(|s| s.chars().next());
                match next {
                    Some(c) if is_combining_mark(c) || is_invisible(c) || becomes_mark(c) => {
                        end += c.len_utf8()
                    }
                    _ => break,
                }
            }
            let chunk = text.get(start..end).unwrap_or("");
            // Checked without the invisible characters, which go: a
            // variation selector between two marks hides that they are out of
            // canonical order.
            let visible = chunk.chars().filter(|&c| !is_invisible(c));
            if is_nfkc_quick(visible) == IsNormalized::Yes {
                // Most non-ASCII characters (emoji, accented letters) are
                // already NFKC: skip the normaliser's buffering.
                for c in chunk.chars() {
                    fold_char(c, start, end, &mut self.units);
                }
                i = end;
                continue;
            }
            self.chunk.clear();
            self.chunk
                .extend(chunk.chars().filter(|&c| !is_invisible(c)).nfkc());
            let mut k = 0;
            while k < self.chunk.len() {
                let Some(c) = self.chunk.get(k..).and_then(|s| s.chars().next()) else {
                    break;
                };
                k += c.len_utf8();
                fold_char(c, start, end, &mut self.units);
            }
            i = end;
        }
    }

    /// French typography puts a space inside guillemets (`« kys »`); the
    /// space goes, so the quote reads like `"kys"` and a rule's quoting
    /// `unless` matches both.
    pub(super) fn hug_guillemets(&mut self, text: &str) {
        let from = |u: &Unit, g: char| text.get(u.start..).is_some_and(|s| s.starts_with(g));
        if !text.contains(['«', '»']) {
            return;
        }
        let mut kept: Vec<Unit> = Vec::with_capacity(self.units.len());
        let mut after_open = false;
        let units = std::mem::take(&mut self.units);
        for (k, &u) in units.iter().enumerate() {
            let space = u.c.is_whitespace();
            // A combining mark kept after a space stands alone; without the
            // space it would follow the quote, where normalising again
            // would drop it as an accent.
            let before_mark = units.get(k + 1).is_some_and(|n| is_combining_mark(n.c));
            if space && after_open && !before_mark {
                continue;
            }
            if from(&u, '»') {
                while kept.last().is_some_and(|k| k.c.is_whitespace()) {
                    kept.pop();
                }
            }
            after_open = from(&u, '«') || (after_open && space);
            kept.push(u);
        }
        self.units = kept;
    }
}

/// Whether NFKC turns `c` into a combining mark first (halfwidth `ﾞ` is
/// U+3099): it belongs to the marks before it, which NFKC reorders or
/// composes with it (`か` + `ﾞ` → `が`). Normalised apart, the next pass
/// would see them together and change the text again.
fn becomes_mark(c: char) -> bool {
    let mut first = None;
    decompose_compatible(c, |d| {
        first.get_or_insert(d);
    });
    first.is_some_and(|d| d != c && is_combining_mark(d))
}

fn utf8_len(first: u8) -> usize {
    match first {
        0xF0..=0xFF => 4,
        0xE0..=0xEF => 3,
        0xC0..=0xDF => 2,
        _ => 1,
    }
}

/// Zero-width, bidi-control and other default-ignorable characters that
/// render as nothing and are used to split words past filters.
pub(super) fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}'
            | '\u{034F}'
            | '\u{061C}'
            | '\u{115F}'
            | '\u{1160}'
            | '\u{17B4}'
            | '\u{17B5}'
            | '\u{180B}'..='\u{180F}'
            | '\u{200B}'..='\u{200F}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{206F}'
            | '\u{3164}'
            | '\u{FE00}'..='\u{FE0F}'
            | '\u{FEFF}'
            | '\u{FFA0}'
            | '\u{1BCA0}'..='\u{1BCA3}'
            | '\u{1D173}'..='\u{1D17A}'
            | '\u{E0000}'..='\u{E0FFF}'
    )
}
