//! Normalisation of comment text before matching, with a byte map back to
//! the original so every match can be shown where the commenter wrote it.
//!
//! People who post hate on TikTok write around keyword filters: `tr4nny`,
//! `t.r.a.n.n.y`, `trаnny` with a Cyrillic `а`, `ｔｒａｎｎｙ`, a zero-width
//! space inside the word, `kyssss`. Rules are written once, in plain
//! lowercase words, and both the rule terms and the comments go through
//! [`normalize`], so the two meet in the middle.
//!
//! # Steps, in order
//!
//! 1. **Invisible characters** are dropped: zero-width space/joiners, bidi
//!    controls, soft hyphen, variation selectors, Hangul fillers, tag
//!    characters (Unicode's default-ignorable code points, roughly).
//! 2. **NFKC**, per base character and its combining marks, so fullwidth
//!    `ｔ`, ligatures `ﬁ`, superscripts and mathematical letters become plain
//!    letters and digits.
//! 3. **Lowercasing** with the cheap parts of full case folding
//!    (`ß`/`ẞ` → `ss`, `ς` → `σ`, dotless `ı` → `i`).
//! 4. **Latin diacritics** are stripped (`é` → `e`, `ç` → `c`, `œ` → `oe`;
//!    combining marks after an ASCII letter are dropped, which also undoes
//!    "zalgo" and strike-through text). Only Latin letters: other scripts keep
//!    their marks. French rules match because terms are folded the same way:
//!    `thérapie` and `therapie` both become `therapie`.
//! 5. **Typographic punctuation** becomes ASCII: curly quotes and guillemets
//!    `« »` → `"` or `'`, dashes → `-`. The space French puts inside
//!    guillemets goes: `« kys »` → `"kys"`.
//! 6. **Whitespace** runs become one space; leading and trailing space go.
//! 7. **Emoji** (and other pictographic symbols) are their own tokens,
//!    separated by spaces: `hi😂😂` → `hi 😂 😂`. Skin-tone modifiers stay
//!    with their emoji, regional indicators in pairs (flags).
//! 8. **Spaced-out words**: a run of at least 3 single letters (or leet
//!    digits) with at least 2 letters, each separated by exactly one of
//!    `. - _ * , / | + ~ • ·` or by whitespace, is joined: `t.r.a.n.n.y`, `t r a n n y`,
//!    `k-y-s` → `tranny`, `kys`.
//! 9. **Homoglyphs**: Cyrillic and Greek look-alikes (`а е о р с х у і`, …)
//!    become ASCII, but only in a word that also has an ASCII letter or whose
//!    letters are all look-alikes, so real Russian or Greek words that happen
//!    to contain one look-alike are left alone.
//! 10. **Leetspeak** inside words: `4→a 3→e 1→i 0→o 5→s 7→t @→a $→s !→i`.
//!     A run of such characters is converted when it sits between letters
//!     (`tr4nny`, `b!tch`, `a$$hole`), at the start of a word when it is a
//!     single digit or `$` followed by 3+ letters (`5hit`, `$lut`; not `4th`,
//!     `1st`, `@user`), or at the end of a word that already had an inner
//!     run (`n1gg4`) or when it is all `$` (`a$$`). A trailing `!` is
//!     punctuation. A run holding a digit with no letter look-alike
//!     (`2 6 8 9`) is a number and stays: `covid19`, `2025`, `41%` are
//!     unchanged, so `join the 41%` is still matchable.
//! 11. **Repeated letters**: runs of 3 or more identical letters become 2:
//!     `sooooo` → `soo`, `killlll` → `kill`. Write rule terms with single or
//!     double letters as the word is spelt (`kill`, `so`), and remember that
//!     `soooo` normalises to `soo`, not `so`: a pattern such as `so+\b`
//!     catches both.
//!
//! Punctuation other than the above is kept in place, so patterns may use it
//! (`41 ?%`) and rules may quote (`"kys"`).
//!
//! Normalising twice gives the same text as normalising once.

use std::ops::Range;

use unicode_normalization::char::{decompose_canonical, is_combining_mark};
use unicode_normalization::{is_nfkc_quick, IsNormalized, UnicodeNormalization};

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

    fn clear(&mut self) {
        self.text.clear();
        self.map.clear();
        self.ends.clear();
    }

    fn push(&mut self, c: char, start: usize, end: usize) {
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

/// Normalises `text` (see the module documentation for the steps).
pub fn normalize(text: &str) -> Normalized {
    let mut out = Normalized::default();
    Normalizer::default().normalize_into(text, &mut out);
    out
}

/// Reusable buffers for [`normalize`], so classifying a stream of comments
/// allocates only when a comment is longer than any before it.
#[derive(Debug, Default, Clone)]
pub struct Normalizer {
    units: Vec<Unit>,
    token: Vec<Unit>,
    picked: Vec<usize>,
    chunk: String,
    /// Leet runs of the current word and whether each is converted.
    runs: Vec<(usize, usize)>,
    convert: Vec<bool>,
}

/// One character after the per-character steps (1–5), with the original
/// stretch it came from.
#[derive(Debug, Clone, Copy)]
struct Unit {
    c: char,
    start: usize,
    end: usize,
}

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
    /// Normalises `text` into `out`, reusing this normaliser's buffers.
    pub fn normalize_into(&mut self, text: &str, out: &mut Normalized) {
        out.clear();
        self.units.clear();
        self.chars(text);
        self.hug_guillemets(text);
        self.tokens(out);
    }

    /// Steps 1–5: per character, with the original offsets.
    fn chars(&mut self, text: &str) {
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
                    Some(c) if is_combining_mark(c) || is_invisible(c) => end += c.len_utf8(),
                    _ => break,
                }
            }
            let chunk = text.get(start..end).unwrap_or("");
            if is_nfkc_quick(chunk.chars()) == IsNormalized::Yes {
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
    fn hug_guillemets(&mut self, text: &str) {
        let from = |u: &Unit, g: char| text.get(u.start..).is_some_and(|s| s.starts_with(g));
        if !text.contains(['«', '»']) {
            return;
        }
        let mut kept: Vec<Unit> = Vec::with_capacity(self.units.len());
        let mut after_open = false;
        for u in self.units.drain(..) {
            let space = u.c.is_whitespace();
            if space && after_open {
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

    /// Steps 6–11: whitespace, emoji, spaced-out words, homoglyphs,
    /// leetspeak, repeated letters.
    fn tokens(&mut self, out: &mut Normalized) {
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

fn utf8_len(first: u8) -> usize {
    match first {
        0xF0..=0xFF => 4,
        0xE0..=0xEF => 3,
        0xC0..=0xDF => 2,
        _ => 1,
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
fn is_spelling_unit(c: char) -> bool {
    c.is_alphabetic() || leet_letter(c).is_some_and(|_| c.is_ascii_digit() || c == '$' || c == '@')
}

fn is_spacing_separator(c: char) -> bool {
    matches!(
        c,
        ' ' | '.' | '-' | '_' | '*' | ',' | '/' | '|' | '+' | '~' | '•' | '·'
    )
}

/// Zero-width, bidi-control and other default-ignorable characters that
/// render as nothing and are used to split words past filters.
fn is_invisible(c: char) -> bool {
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

/// Pictographic symbols kept as tokens of their own. Ranges rather than the
/// full `Extended_Pictographic` table: they cover what people type on phones.
fn is_emoji(c: char) -> bool {
    matches!(
        c,
        '\u{00A9}'
            | '\u{00AE}'
            | '\u{203C}'
            | '\u{2049}'
            | '\u{2122}'
            | '\u{2139}'
            | '\u{2190}'..='\u{21FF}'
            | '\u{2300}'..='\u{23FF}'
            | '\u{24C2}'
            | '\u{25A0}'..='\u{27BF}'
            | '\u{2900}'..='\u{297F}'
            | '\u{2B00}'..='\u{2BFF}'
            | '\u{3030}'
            | '\u{303D}'
            | '\u{3297}'
            | '\u{3299}'
            | '\u{1F000}'..='\u{1FAFF}'
    )
}

fn is_skin_tone(c: char) -> bool {
    matches!(c, '\u{1F3FB}'..='\u{1F3FF}')
}

fn is_regional_indicator(c: char) -> bool {
    matches!(c, '\u{1F1E6}'..='\u{1F1FF}')
}

/// Whether emoji `c` belongs to the emoji token just written (skin tone
/// after its person, second half of a flag).
fn is_emoji_continuation(c: char, text: &str) -> bool {
    let mut prev = text.chars().rev();
    let Some(last) = prev.next() else {
        return false;
    };
    if is_skin_tone(c) {
        return is_emoji(last) && !is_skin_tone(last);
    }
    if is_regional_indicator(c) && is_regional_indicator(last) {
        // Pair only with a lone indicator, so `🇫🇷🇨🇦` is two flags.
        return !prev.next().is_some_and(is_regional_indicator);
    }
    false
}

/// Steps 3–5 for one NFKC character from the original stretch `start..end`.
fn fold_char(c: char, start: usize, end: usize, units: &mut Vec<Unit>) {
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

/// Folds the non-ASCII letters of a regex pattern the way [`normalize`]
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

/// Cyrillic and Greek letters that look like an ASCII letter in lowercase or
/// in the uppercase the commenter typed (after lowercasing `Т` is `т`).
fn homoglyph(c: char) -> Option<char> {
    Some(match c {
        'а' | 'α' => 'a',
        'в' | 'β' => 'b',
        'с' | 'ϲ' => 'c',
        'ԁ' => 'd',
        'е' | 'ё' | 'ε' => 'e',
        'һ' | 'н' => 'h',
        'і' | 'ї' | 'ι' | 'ӏ' => 'i',
        'ј' => 'j',
        'к' | 'κ' => 'k',
        'м' => 'm',
        'η' | 'п' => 'n',
        'о' | 'ο' | 'σ' => 'o',
        'р' | 'ρ' => 'p',
        'ԛ' => 'q',
        'г' => 'r',
        'ѕ' => 's',
        'т' | 'τ' => 't',
        'υ' | 'ц' => 'u',
        'ν' => 'v',
        'ѡ' | 'ω' | 'ш' => 'w',
        'х' | 'χ' => 'x',
        'у' | 'γ' => 'y',
        'ᴢ' => 'z',
        _ => return None,
    })
}

fn fold_homoglyphs(token: &mut [Unit]) {
    let mut has_ascii_letter = false;
    let mut all_lookalike = true;
    let mut any_lookalike = false;
    for u in token.iter() {
        if u.c.is_ascii_alphabetic() {
            has_ascii_letter = true;
        } else if u.c.is_alphabetic() {
            if homoglyph(u.c).is_some() {
                any_lookalike = true;
            } else {
                all_lookalike = false;
            }
        }
    }
    if any_lookalike && (has_ascii_letter || all_lookalike) {
        for u in token.iter_mut() {
            if let Some(a) = homoglyph(u.c) {
                u.c = a;
            }
        }
    }
}

/// The letter a leetspeak character stands for.
fn leet_letter(c: char) -> Option<char> {
    Some(match c {
        '4' | '@' => 'a',
        '3' => 'e',
        '1' | '!' => 'i',
        '0' => 'o',
        '5' | '$' => 's',
        '7' => 't',
        _ => return None,
    })
}

/// Step 10 over one word (see the module documentation for when a run of
/// leet characters is converted).
fn fold_leet(token: &mut [Unit], runs: &mut Vec<(usize, usize)>, convert: &mut Vec<bool>) {
    let n = token.len();
    if n < 2 || !token.iter().any(|u| u.c.is_alphabetic()) {
        return;
    }
    // Runs of leet-able characters, as (start, end) indices.
    runs.clear();
    let mut i = 0;
    while i < n {
        if leet_letter(token[i].c).is_some() {
            let s = i;
            while i < n && leet_letter(token[i].c).is_some() {
                i += 1;
            }
            runs.push((s, i));
        } else {
            i += 1;
        }
    }
    if runs.is_empty() {
        return;
    }
    let alpha = |k: usize| token.get(k).is_some_and(|u| u.c.is_alphabetic());
    let mut inner_seen = false;
    convert.clear();
    convert.resize(runs.len(), false);
    for (r, &(s, e)) in runs.iter().enumerate() {
        let before = s > 0 && alpha(s - 1);
        let after = alpha(e);
        if before && after {
            convert[r] = true;
            inner_seen = true;
        } else if s == 0 && after && e - s == 1 {
            let c = token[s].c;
            // Leet characters count as letters here, so that converting an
            // inner run does not change this decision when normalising again.
            let letters = token[e..]
                .iter()
                .filter(|u| u.c.is_alphabetic() || leet_letter(u.c).is_some())
                .count();
            convert[r] = (c.is_ascii_digit() || c == '$') && letters >= 3;
        }
    }
    for (r, &(s, e)) in runs.iter().enumerate() {
        let trailing = e == n && s > 0 && alpha(s - 1);
        if trailing && inner_seen {
            convert[r] = !token[s..e].iter().any(|u| u.c == '!');
        } else if trailing {
            // `a$$`: a dollar sign after letters is not money.
            convert[r] = token[s..e].iter().all(|u| u.c == '$');
        }
    }
    for (r, &(s, e)) in runs.iter().enumerate() {
        if convert[r] {
            for u in &mut token[s..e] {
                if let Some(l) = leet_letter(u.c) {
                    u.c = l;
                }
            }
        }
    }
}

/// Step 11 while writing the word: the second of a run of identical letters
/// takes over the original bytes of the ones dropped after it.
fn push_collapsing_repeats(token: &[Unit], out: &mut Normalized) {
    let mut i = 0;
    while i < token.len() {
        let u = token[i];
        let mut j = i + 1;
        while j < token.len() && token[j].c == u.c {
            j += 1;
        }
        if u.c.is_alphabetic() && j - i >= 3 {
            out.push(u.c, u.start, u.end);
            out.push(u.c, token[i + 1].start, token[j - 1].end);
        } else {
            for v in &token[i..j] {
                out.push(v.c, v.start, v.end);
            }
        }
        i = j;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn norm(s: &str) -> String {
        normalize(s).text
    }

    /// Finds `needle` in the normalised text and returns the original text
    /// it maps back to.
    fn back(s: &str, needle: &str) -> String {
        let n = normalize(s);
        let a = n
            .text
            .find(needle)
            .unwrap_or_else(|| panic!("{needle:?} not in {:?}", n.text));
        let span = n.original_span(a..a + needle.len());
        s[span].to_string()
    }

    #[test]
    fn leetspeak_digits_inside_words() {
        assert_eq!(norm("tr4nny"), "tranny");
        assert_eq!(back("you tr4nny!", "tranny"), "tr4nny");
        assert_eq!(norm("n1gg3r"), "nigger");
        assert_eq!(norm("tr4nn13s"), "trannies");
        assert_eq!(norm("tr@nny"), "tranny");
        assert_eq!(norm("b!tch"), "bitch");
        assert_eq!(norm("a$$hole"), "asshole");
        assert_eq!(norm("5hit"), "shit");
        assert_eq!(norm("$lut"), "slut");
    }

    #[test]
    fn numbers_stay_numbers() {
        assert_eq!(norm("2025"), "2025");
        assert_eq!(norm("join the 41%"), "join the 41%");
        assert_eq!(norm("covid19"), "covid19");
        assert_eq!(norm("the 4th time, 1st of 10"), "the 4th time, 1st of 10");
        assert_eq!(norm("@jane hi!!!"), "@jane hi!!!");
        assert_eq!(norm("$5 or 50$"), "$5 or 50$");
        assert_eq!(back("Join the 41 %", "41 %"), "41 %");
    }

    #[test]
    fn spaced_out_words_are_joined() {
        assert_eq!(norm("t.r.a.n.n.y"), "tranny");
        assert_eq!(back("ok t.r.a.n.n.y ok", "tranny"), "t.r.a.n.n.y");
        assert_eq!(norm("t r a n n y"), "tranny");
        assert_eq!(back("you t r a n n y", "tranny"), "t r a n n y");
        assert_eq!(norm("t-r-4-n-n-y"), "tranny");
        assert_eq!(norm("K Y S now"), "kys now");
        assert_eq!(back("just k y s", "kys"), "k y s");
        // Two single letters, or two separators, are ordinary text.
        assert_eq!(norm("il y a un"), "il y a un");
        assert_eq!(norm("a. b. c."), "a. b. c.");
        assert_eq!(norm("1-2-3"), "1-2-3");
    }

    #[test]
    fn homoglyphs_fold_in_latin_words() {
        // Cyrillic а (U+0430).
        assert_eq!(norm("tr\u{0430}nny"), "tranny");
        assert_eq!(back("tr\u{0430}nny", "tranny"), "tr\u{0430}nny");
        // Greek ο and Cyrillic р in a Latin word.
        assert_eq!(norm("gr\u{03BF}\u{0440}e"), "grope");
        // A Russian word with letters that are not look-alikes stays.
        assert_eq!(norm("привет"), "привет");
    }

    #[test]
    fn fullwidth_via_nfkc() {
        assert_eq!(norm("ｔｒａｎｎｙ"), "tranny");
        assert_eq!(back("ｔｒａｎｎｙ", "tranny"), "ｔｒａｎｎｙ");
        assert_eq!(norm("ﬁne"), "fine");
        assert_eq!(norm("TRANNY"), "tranny");
    }

    #[test]
    fn zero_width_and_bidi_removed() {
        assert_eq!(norm("tra\u{200B}nny"), "tranny");
        assert_eq!(back("x tra\u{200B}nny", "tranny"), "tra\u{200B}nny");
        assert_eq!(norm("k\u{200D}y\u{FEFF}s\u{202E}"), "kys");
        assert_eq!(norm("\u{200B}"), "");
    }

    #[test]
    fn repeated_letters_collapse_to_two() {
        assert_eq!(norm("soooo"), "soo");
        assert_eq!(norm("sooooo good"), "soo good");
        assert_eq!(back("sooooo good", "soo"), "sooooo");
        assert_eq!(norm("killlll"), "kill");
        assert_eq!(norm("soo"), "soo");
        assert_eq!(norm("100000"), "100000");
    }

    #[test]
    fn emoji_kept_as_tokens() {
        assert_eq!(norm("love this😂😂"), "love this 😂 😂");
        assert_eq!(back("love this😂😂", "😂"), "😂");
        assert_eq!(norm("👍🏽 yes"), "👍🏽 yes");
        assert_eq!(norm("🇫🇷🇨🇦"), "🇫🇷 🇨🇦");
        // Trans flag: the ZWJ and variation selectors are invisible.
        assert_eq!(norm("🏳️‍⚧️ pride"), "🏳 ⚧ pride");
        assert_eq!(norm("❤️merci"), "❤ merci");
    }

    #[test]
    fn french_accents_fold() {
        assert_eq!(norm("thérapie"), "therapie");
        assert_eq!(norm("THÉRAPIE"), "therapie");
        // Decomposed accent.
        assert_eq!(norm("the\u{0301}rapie"), "therapie");
        assert_eq!(back("la the\u{0301}rapie", "therapie"), "the\u{0301}rapie");
        assert_eq!(back("la thérapie!", "therapie"), "thérapie");
        assert_eq!(norm("cœur à l’hôpital"), "coeur a l'hopital");
        assert_eq!(norm("«kys»"), "\"kys\"");
    }

    #[test]
    fn whitespace_collapses() {
        assert_eq!(norm("  kill \n\t yourself  "), "kill yourself");
        assert_eq!(
            back("kill \n yourself", "kill yourself"),
            "kill \n yourself"
        );
        assert_eq!(norm("a\u{00A0}b"), "a b");
    }

    #[test]
    fn span_of_whole_text() {
        let s = "Ｔｒ4ｎｎｙ 😂";
        let n = normalize(s);
        assert_eq!(n.original_span(0..n.text.len()), 0..s.len());
        assert_eq!(n.original_span(3..3), n.map[3]..n.map[3]);
        assert_eq!(n.original_span(100..200), s.len()..s.len());
    }

    fn realistic() -> impl Strategy<Value = String> {
        let pieces = prop::sample::select(vec![
            "a", "t", "r", "n", "y", "s", "k", "o", "4", "1", "0", "3", "5", "9", " ", "  ", ".",
            "-", "@", "$", "!", "%", "é", "É", "ç", "œ", "ß", "İ", "а", "о", "р", "σ", "ж",
            "\u{200B}", "\u{202E}", "\u{FE0F}", "\u{0301}", "ｔ", "ﬁ", "😂", "🏽", "🇫", "⚧", "\n",
            "’", "«", "ア", "한", "ह", "ि",
        ]);
        prop::collection::vec(pieces, 0..40).prop_map(|v| v.concat())
    }

    fn check_spans(s: &str) {
        let n = normalize(s);
        assert_eq!(n.map.len(), n.text.len());
        assert_eq!(n.ends.len(), n.text.len());
        for a in 0..=n.text.len() {
            for b in a..=n.text.len() {
                let r = n.original_span(a..b);
                assert!(
                    r.start <= r.end && r.end <= s.len(),
                    "{r:?} for {a}..{b} in {s:?}"
                );
                assert!(s.is_char_boundary(r.start) && s.is_char_boundary(r.end));
            }
        }
    }

    proptest! {
        #[test]
        fn spans_land_on_char_boundaries(s in realistic()) {
            check_spans(&s);
        }

        #[test]
        fn arbitrary_spans_land_on_char_boundaries(s in "\\PC{0,30}") {
            check_spans(&s);
        }

        #[test]
        fn normalising_twice_is_stable(s in realistic()) {
            let once = norm(&s);
            prop_assert_eq!(norm(&once), once);
        }

        #[test]
        fn normalising_arbitrary_twice_is_stable(s in any::<String>()) {
            let once = norm(&s);
            prop_assert_eq!(norm(&once), once);
        }
    }
}
