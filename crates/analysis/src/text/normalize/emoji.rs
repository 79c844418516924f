//! Step 7's character classes: which characters are emoji (their own
//! tokens), and which emoji join the one before (skin tones, flag halves).

/// Pictographic symbols kept as tokens of their own. Ranges rather than the
/// full `Extended_Pictographic` table: they cover what people type on phones.
pub(super) fn is_emoji(c: char) -> bool {
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
pub(super) fn is_emoji_continuation(c: char, text: &str) -> bool {
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
