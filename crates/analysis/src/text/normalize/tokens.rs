//! Steps 6–11 over the folded characters: splitting into space, emoji,
//! word and punctuation tokens, joining spaced-out words (`t.r.a.n.n.y`),
//! and writing each word through the per-word folds of
//! [`obfuscation`](super::obfuscation).

use unicode_normalization::char::is_combining_mark;

use super::emoji::{is_emoji, is_emoji_continuation};
use super::obfuscation::{fold_homoglyphs, fold_leet, leet_letter, push_collapsing_repeats};
use super::{Normalized, Normalizer, Unit};

/// How the token-level pass treats a character.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Class {
    Space,
    Emoji,
    /// Letter or digit.
    Word,
    /// `@ $ !`: leetspeak inside a word, punctuation elsewhere.
    Leet,
    Punct,
}

/// [`class`] of each ASCII character, looked up rather than matched: the
/// token pass asks for it several times per character.
const ASCII_CLASS: [Class; 128] = {
    let mut table = [Class::Punct; 128];
    let mut i = 0;
    while i < 128 {
        let b = i as u8;
        table[i] = match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' => Class::Word,
            b'@' | b'$' | b'!' => Class::Leet,
            b if b.is_ascii_whitespace() => Class::Space,
            _ => Class::Punct,
        };
        i += 1;
    }
    table
};

#[inline]
fn class(c: char) -> Class {
    if let Some(&k) = ASCII_CLASS.get(c as usize) {
        return k;
    }
    if c.is_whitespace() {
        Class::Space
    } else if is_emoji(c) {
        Class::Emoji
    } else if c.is_alphanumeric() {
        Class::Word
    } else {
        Class::Punct
    }
}

impl Normalizer {
    /// Steps 6–11: whitespace, emoji, spaced-out words, homoglyphs,
    /// leetspeak, repeated letters.
    pub(super) fn tokens(&mut self, out: &mut Normalized) {
        let units = std::mem::take(&mut self.units);
        let n = units.len();
        // Where a pending space between tokens comes from in the original.
        let mut space: Option<(usize, usize)> = None;
        let mut i = 0;
        while i < n {
            let u = units[i];
            match class(u.c) {
                Class::Space => {
                    space = Some(match space {
                        Some((s, _)) => (s, u.end),
                        None => (u.start, u.end),
                    });
                    i += 1;
                }
                Class::Emoji => {
                    let attached = is_emoji_continuation(u.c, &out.text);
                    if !attached && !out.text.is_empty() {
                        let (s, e) = space.unwrap_or((u.start, u.start));
                        out.push(' ', s, e);
                    } else if attached {
                        if let Some(e) = out.ends.last_mut() {
                            *e = (*e).max(u.start);
                        }
                    }
                    out.push(u.c, u.start, u.end);
                    // Whatever comes next is a separate token.
                    space = Some((u.end, u.end));
                    i += 1;
                }
                Class::Punct => {
                    flush_space(&mut space, out);
                    out.push(u.c, u.start, u.end);
                    i += 1;
                }
                Class::Word | Class::Leet => {
                    flush_space(&mut space, out);
                    i = self.word(&units, i, out);
                }
            }
        }
        self.units = units;
    }

    /// Reads the word starting at `i` (joining a spaced-out word), folds it
    /// into `out` and returns where the next token starts.
    fn word(&mut self, units: &[Unit], i: usize, out: &mut Normalized) -> usize {
        let end = word_end(units, i);
        self.token.clear();
        let mut next = end;
        if is_single(units, i) && is_spelling_unit(units[i].c) {
            // Try `t.r.a.n.n.y`: single units separated by one separator.
            self.picked.clear();
            self.picked.push(i);
            let mut k = i + 1;
            loop {
                // One separator: one punctuation character or a run of
                // whitespace (already one space when normalising again).
                let after = match units.get(k) {
                    Some(u) if class(u.c) == Class::Space => {
                        let mut m = k;
                        while units.get(m).is_some_and(|u| class(u.c) == Class::Space) {
                            m += 1;
                        }
                        m
                    }
                    Some(u) if is_spacing_separator(u.c) => k + 1,
                    _ => break,
                };
                match units.get(after) {
                    Some(u) if is_spelling_unit(u.c) && is_single(units, after) => {
                        self.picked.push(after);
                        k = after + 1;
                    }
                    _ => break,
                }
            }
            let letters = self
                .picked
                .iter()
                .filter(|&&p| units[p].c.is_alphabetic())
                .count();
            if self.picked.len() >= 3 && letters >= 2 {
                self.token.extend(self.picked.iter().map(|&p| units[p]));
                next = k;
            }
        }
        if self.token.is_empty() {
            self.token.extend_from_slice(&units[i..end]);
        }
        // Leetspeak first: it decides on letters of any script, and the
        // ASCII letters it makes count for the homoglyph decision.
        fold_leet(&mut self.token, &mut self.runs, &mut self.convert);
        fold_homoglyphs(&mut self.token);
        push_collapsing_repeats(&self.token, out);
        next
    }
}

fn flush_space(space: &mut Option<(usize, usize)>, out: &mut Normalized) {
    if let Some((s, e)) = space.take() {
        if !out.text.is_empty() && !out.text.ends_with(' ') {
            out.push(' ', s, e);
        }
    }
}

/// End (exclusive) of the run of word and leet characters starting at `i`.
fn word_end(units: &[Unit], i: usize) -> usize {
    let mut j = i;
    while j < units.len() && matches!(class(units[j].c), Class::Word | Class::Leet) {
        j += 1;
    }
    j
}

/// Whether the word at `i` is one character, perhaps followed by `!`s
/// (`t.r.a.n.n.y!!`).
fn is_single(units: &[Unit], i: usize) -> bool {
    let end = word_end(units, i);
    end > i && units[i + 1..end].iter().all(|u| u.c == '!')
}

/// A character that can be one letter of a spaced-out word.
///
/// Not a combining mark (a Devanagari vowel sign is alphabetic): joining
/// would put it straight after a letter, where normalising again would drop
/// it as an accent, and normalising twice must change nothing.
fn is_spelling_unit(c: char) -> bool {
    (c.is_alphabetic() && !is_combining_mark(c))
        || leet_letter(c).is_some_and(|_| c.is_ascii_digit() || c == '$' || c == '@')
}

fn is_spacing_separator(c: char) -> bool {
    matches!(
        c,
        ' ' | '.' | '-' | '_' | '*' | ',' | '/' | '|' | '+' | '~' | '•' | '·'
    )
}
