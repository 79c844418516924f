//! Steps 3–5 for one character: lowercasing with the cheap parts of full
//! case folding, Latin diacritics stripped, typographic punctuation made
//! ASCII; and the same folding for the non-ASCII letters of rule patterns.

use unicode_normalization::char::{decompose_canonical, is_combining_mark};

use super::chars::is_invisible;
use super::emoji::is_emoji;
use super::obfuscation::homoglyph;
use super::Unit;

/// Steps 3–5 for one NFKC character from the original stretch `start..end`.
pub(super) fn fold_char(c: char, start: usize, end: usize, units: &mut Vec<Unit>) {
    if is_invisible(c) {
        return;
    }
    if is_emoji(c) {
        // No case, no marks: skip the case tables.
        units.push(Unit { c, start, end });
        return;
    }
    for lower in c.to_lowercase() {
        if is_combining_mark(lower) {
            // A mark after an ASCII character or a homoglyph is an accent or
            // decoration that NFKC could not compose (or the dot of `İ`
            // lowercased): drop it, its bytes covered by that character.
            // Not after space, where it stands alone, nor after other
            // scripts, where marks are vowels and matter.
            if let Some(last) = units.last_mut() {
                if last.c.is_ascii_graphic() || homoglyph(last.c).is_some() {
                    last.end = last.end.max(end);
                    continue;
                }
            }
            units.push(Unit {
                c: lower,
                start,
                end,
            });
            continue;
        }
        let (first, second) = fold_lower(lower);
        units.push(Unit {
            c: first,
            start,
            end,
        });
        if let Some(second) = second {
            units.push(Unit {
                c: second,
                start,
                end,
            });
        }
    }
}

/// Folds one lowercase character to one or two characters.
fn fold_lower(l: char) -> (char, Option<char>) {
    let one = match l {
        'ß' | 'ẞ' => return ('s', Some('s')),
        'œ' => return ('o', Some('e')),
        'æ' => return ('a', Some('e')),
        'ς' => 'σ',
        'ı' => 'i',
        'ø' => 'o',
        'ł' => 'l',
        'đ' | 'ð' => 'd',
        '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{201B}' | '\u{2032}' | '\u{02BC}' => '\'',
        '\u{201C}' | '\u{201D}' | '\u{201E}' | '\u{201F}' | '\u{2033}' | '«' | '»' => '"',
        '\u{2010}'..='\u{2015}' | '\u{2212}' => '-',
        l if is_latin(l) => {
            let mut base = None;
            let mut ok = true;
            decompose_canonical(l, |d| {
                if base.is_none() {
                    base = Some(d);
                } else if !is_combining_mark(d) {
                    ok = false;
                }
            });
            match base {
                Some(b) if ok && b.is_ascii() => b,
                _ => l,
            }
        }
        l => l,
    };
    (one, None)
}

/// Folds the non-ASCII letters of a regex pattern the way [`normalize`](super::normalize)
/// folds text (lowercase, Latin accents stripped, `ß` → `ss`), so a rule
/// author may write `thérapie` in a pattern. ASCII is left alone: it holds
/// the regex syntax (`\B`, `\W`, `\P{..}`).
pub(crate) fn fold_pattern(pattern: &str) -> String {
    let mut out = String::with_capacity(pattern.len());
    for c in pattern.chars() {
        if c.is_ascii() || !c.is_alphabetic() {
            out.push(c);
            continue;
        }
        for lower in c.to_lowercase() {
            let (a, b) = fold_lower(lower);
            out.push(a);
            out.extend(b);
        }
    }
    out
}

fn is_latin(c: char) -> bool {
    matches!(c, '\u{00C0}'..='\u{024F}' | '\u{1E00}'..='\u{1EFF}')
}
