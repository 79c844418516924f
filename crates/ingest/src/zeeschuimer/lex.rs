//! Token-level helpers of the fast path ([`super::fast`]): finding the end
//! of a string, and telling which escapes and numbers serde_json would
//! write back unchanged.

/// Reads the escape after a backslash: its length and whether serde_json
/// writes that character this way. serde_json writes `\"`, `\\`, `\n`,
/// `\r`, `\t`, `\b`, `\f` and other control characters as `\u00xx` in lower
/// case; NUL is removed by the walk, so `\u0000` is not kept.
pub(super) fn escape(after: &[u8]) -> (usize, bool) {
    match after {
        [b'"' | b'\\' | b'n' | b'r' | b't' | b'b' | b'f', ..] => (1, true),
        [b'u', b'0', b'0', hi @ (b'0' | b'1'), lo, ..] => {
            let low = match lo {
                b'0'..=b'9' => lo - b'0',
                b'a'..=b'f' => lo - b'a' + 10,
                _ => return (1, false),
            };
            let code = (hi - b'0') * 16 + low;
            (5, !matches!(code, 0 | 0x08 | 0x09 | 0x0a | 0x0c | 0x0d))
        }
        // Checked (and decoded) by serde_json when the string is handed
        // over; skipping only the backslash and the letter finds the same
        // closing quote for every valid escape.
        _ => (1, false),
    }
}

/// True for a fraction such as `-14.2` or `0.89` that serde_json writes
/// back exactly as it is: no exponent, no trailing zero, at most 15
/// significant digits, and between 0.0001 and 10^15 in size. serde_json reads
/// such a number exactly (its significand and power of ten are exact
/// doubles), 15 digits identify a double uniquely so the shortest form that
/// reads back is these digits, and that size is written without exponent.
pub(super) fn plain_fraction(token: &[u8]) -> bool {
    let unsigned = token.strip_prefix(b"-").unwrap_or(token);
    let Some(dot) = unsigned.iter().position(|b| *b == b'.') else {
        return false;
    };
    let (int, frac) = unsigned.split_at(dot);
    let frac = frac.get(1..).unwrap_or_default();
    let digits = |d: &[u8]| !d.is_empty() && d.iter().all(u8::is_ascii_digit);
    if !digits(int) || !digits(frac) || int.len() > 15 || frac.last() == Some(&b'0') {
        return false;
    }
    let significant = if int == b"0" {
        let zeros = frac.iter().take_while(|b| **b == b'0').count();
        if zeros > 3 {
            return false;
        }
        frac.len() - zeros
    } else if int.first() == Some(&b'0') {
        return false;
    } else {
        int.len() + frac.len()
    };
    significant <= 15
}

/// The index of the first `"`, `\` or control character in `bytes`, or its
/// length. Eight bytes at a time, as serde_json does it: a byte is flagged
/// when subtracting gives a borrow, which can spill into the bytes after
/// it but never before, so the lowest flag is exact.
pub(super) fn find_special(bytes: &[u8]) -> usize {
    const ONES: u64 = u64::MAX / 255;
    let mut chunks = bytes.chunks_exact(8);
    let mut offset = 0;
    for chunk in &mut chunks {
        let word = u64::from_le_bytes(<[u8; 8]>::try_from(chunk).unwrap_or_default());
        let control = word.wrapping_sub(ONES * 0x20) & !word;
        let quote = word ^ (ONES * u64::from(b'"'));
        let quote = quote.wrapping_sub(ONES) & !quote;
        let backslash = word ^ (ONES * u64::from(b'\\'));
        let backslash = backslash.wrapping_sub(ONES) & !backslash;
        let found = (control | quote | backslash) & (ONES << 7);
        if found != 0 {
            return offset + found.trailing_zeros() as usize / 8;
        }
        offset += 8;
    }
    let rest = chunks.remainder();
    offset
        + rest
            .iter()
            .position(|b| *b < 0x20 || *b == b'"' || *b == b'\\')
            .unwrap_or(rest.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_first_special_byte() {
        let text = b"abcdefghijklmnopqrstuvwxyz";
        assert_eq!(find_special(text), text.len());
        for i in 0..text.len() {
            for special in [b'"', b'\\', 0x00, 0x1f, b'\n'] {
                let mut t = text.to_vec();
                t[i] = special;
                // A later special byte must not hide behind an earlier one.
                if let Some(last) = t.last_mut() {
                    *last = b'"';
                }
                assert_eq!(find_special(&t), i, "{t:?}");
            }
        }
        assert_eq!(find_special("é\u{7f}\u{ff}ü\"".as_bytes()), 7);
    }

    #[test]
    fn escapes_serde_json_writes_are_kept() {
        for kept in [
            "n", "\"", "\\", "t", "r", "b", "f", "u0001", "u001f", "u000b",
        ] {
            assert_eq!(escape(kept.as_bytes()), (kept.len(), true), "{kept}");
        }
        for other in [
            "/", "u0000", "u000a", "u0008", "u001F", "u00e9", "ud83d", "x", "u00", "",
        ] {
            assert!(!escape(other.as_bytes()).1, "{other}");
        }
    }

    #[test]
    fn plain_fractions_are_the_ones_serde_json_writes_back() {
        for kept in ["0.5", "-14.2", "0.89", "0.0001", "123456789.012345", "1.5"] {
            assert!(plain_fraction(kept.as_bytes()), "{kept}");
            let value: serde_json::Value = serde_json::from_str(kept).unwrap_or_default();
            assert_eq!(value.to_string(), kept);
        }
        for other in [
            "1.50",
            "0.00001",
            "1e5",
            "1.0",
            "-0.0",
            "01.5",
            ".5",
            "5.",
            "1234567890123456.5",
            "0.1234567890123456",
            "-",
            "1",
        ] {
            assert!(!plain_fraction(other.as_bytes()), "{other}");
        }
    }
}
