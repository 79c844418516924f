//! Per-word folds against obfuscation, steps 9–11 of the
//! [module documentation](super): Cyrillic and Greek homoglyphs, leetspeak
//! runs, and runs of repeated letters collapsed while the word is written.

use super::{Normalized, Unit};

/// Cyrillic and Greek letters that look like an ASCII letter in lowercase or
/// in the uppercase the commenter typed (after lowercasing `Т` is `т`).
pub(super) fn homoglyph(c: char) -> Option<char> {
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

pub(super) fn fold_homoglyphs(token: &mut [Unit]) {
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
pub(super) fn leet_letter(c: char) -> Option<char> {
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
pub(super) fn fold_leet(
    token: &mut [Unit],
    runs: &mut Vec<(usize, usize)>,
    convert: &mut Vec<bool>,
) {
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
            // inner run does not change this decision when normalising again;
            // a trailing `!` is punctuation, which a joined spaced-out word
            // (`4 e e!` → `4ee` then `!`) leaves outside the word.
            let body = n - token.iter().rev().take_while(|u| u.c == '!').count();
            let letters = token[e..body.max(e)]
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
pub(super) fn push_collapsing_repeats(token: &[Unit], out: &mut Normalized) {
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
