//! The times `uptake import` (and `uptake videos`) take on the command line:
//! a time-zone offset and a UTC date or time.

use chrono::{NaiveDate, NaiveDateTime};

/// Parses `+HH:MM`, `-HH:MM`, `+HH` or `Z` into minutes east of UTC.
pub fn parse_offset(text: &str) -> Option<i32> {
    let t = text.trim();
    if t.eq_ignore_ascii_case("z") || t.eq_ignore_ascii_case("utc") {
        return Some(0);
    }
    let (sign, rest) = if let Some(rest) = t.strip_prefix('+') {
        (1, rest)
    } else if let Some(rest) = t.strip_prefix(['-', '−']) {
        (-1, rest)
    } else {
        return None;
    };
    // One or two digits of hours, two of minutes: nothing else (no second
    // sign, no spaces), so the arithmetic below cannot overflow.
    let digits = |s: &str, max_len: usize| -> Option<i32> {
        let ok = !s.is_empty() && s.len() <= max_len && s.bytes().all(|b| b.is_ascii_digit());
        ok.then(|| s.parse().ok()).flatten()
    };
    let (h, m) = match rest.split_once(':') {
        Some((h, m)) if m.len() == 2 => (digits(h, 2)?, digits(m, 2)?),
        Some(_) => return None,
        None if rest.len() == 4 => (digits(rest.get(..2)?, 2)?, digits(rest.get(2..)?, 2)?),
        None => (digits(rest, 2)?, 0),
    };
    (h <= 14 && m < 60).then_some(sign * (h * 60 + m))
}

/// Parses `YYYY-MM-DD` (start of day) or `YYYY-MM-DD HH:MM[:SS]` as UTC.
pub fn parse_utc(text: &str) -> Option<i64> {
    let t = text.trim();
    if let Ok(d) = NaiveDate::parse_from_str(t, "%Y-%m-%d") {
        return d.and_hms_opt(0, 0, 0).map(|dt| dt.and_utc().timestamp());
    }
    for fmt in [
        "%Y-%m-%d %H:%M",
        "%Y-%m-%d %H:%M:%S",
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%dT%H:%M:%S",
    ] {
        if let Ok(dt) = NaiveDateTime::parse_from_str(t.trim_end_matches('Z'), fmt) {
            return Some(dt.and_utc().timestamp());
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets() {
        assert_eq!(parse_offset("Z"), Some(0));
        assert_eq!(parse_offset("utc"), Some(0));
        assert_eq!(parse_offset("+01:00"), Some(60));
        assert_eq!(parse_offset("-05:30"), Some(-330));
        assert_eq!(parse_offset("−05:00"), Some(-300));
        assert_eq!(parse_offset("+0530"), Some(330));
        assert_eq!(parse_offset("-5"), Some(-300));
        assert_eq!(parse_offset("+14:00"), Some(840));
    }

    #[test]
    fn bad_offsets_are_refused_without_a_panic() {
        // A multi-byte character where a digit belongs used to slice inside
        // it; a second sign or a huge hour count used to be accepted or to
        // overflow.
        for bad in [
            "+1é1",
            "+é",
            "+-14:00",
            "--5",
            "++5",
            "+15:00",
            "+05:60",
            "+5:3",
            "+-99999999:00",
            "+99999999999",
            "+ 5",
            "5",
            "",
            "+",
            "+:",
            "+05:",
        ] {
            assert_eq!(parse_offset(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn utc_times() {
        assert_eq!(parse_utc("2024-09-01"), Some(1_725_148_800));
        assert_eq!(parse_utc("2024-09-01 12:00"), Some(1_725_192_000));
        assert_eq!(parse_utc("2024-09-01T12:00:00Z"), Some(1_725_192_000));
        assert_eq!(parse_utc("yesterday"), None);
    }
}
