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

mod chars;
mod emoji;
mod fold;
mod normalized;
mod obfuscation;
mod tokens;

#[cfg(test)]
mod tests;

pub(crate) use fold::fold_pattern;
pub use normalized::Normalized;

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

impl Normalizer {
    /// Normalises `text` into `out`, reusing this normaliser's buffers.
    pub fn normalize_into(&mut self, text: &str, out: &mut Normalized) {
        out.clear();
        self.units.clear();
        self.chars(text);
        self.hug_guillemets(text);
        self.tokens(out);
    }
}
