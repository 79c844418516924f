//! Parsing the numbers that analytics exports and hand-filled templates contain.
//!
//! Real files mix exact integers (`18400`), thousands separators (`"18,400"`,
//! `10.000`), pandas floats (`812.0`), abbreviations from the app's UI (`1.2K`,
//! `3,4M`, `1,2 K`), percentages as text (`38%`) or fractions (`0.38`),
//! durations (`0:12`, `12.5`) and missing markers (`undefined`, `NAN`, `-`,
//! empty). See `formats.md` §8 "Numbers". Each function returns `Ok(None)`
//! for a missing marker, never 0.

use std::fmt;
use uptake_model::Count;

/// Why a value could not be read. The caller adds file, line and field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValueError {
    /// What kind of value was expected, e.g. "a count".
    pub expected: &'static str,
    /// The text found (truncated to 60 characters).
    pub found: String,
    /// An extra hint, if any.
    pub hint: Option<&'static str>,
}

impl ValueError {
    fn new(expected: &'static str, found: &str) -> Self {
        let mut found: String = found.chars().take(60).collect();
        if found.is_empty() {
            found = String::from("(empty)");
        }
        ValueError {
            expected,
            found,
            hint: None,
        }
    }

    fn hint(mut self, hint: &'static str) -> Self {
        self.hint = Some(hint);
        self
    }
}

impl fmt::Display for ValueError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "expected {}, found `{}`", self.expected, self.found)?;
        if let Some(h) = self.hint {
            write!(f, " ({h})")?;
        }
        Ok(())
    }
}

impl std::error::Error for ValueError {}

/// True for the markers that mean "no value": empty, `undefined`, `null`,
/// `NAN`/`NaN`, `N/A`, `-`, `--`, `—`.
pub fn is_missing(text: &str) -> bool {
    let t = text.trim();
    t.is_empty()
        || t.eq_ignore_ascii_case("undefined")
        || t.eq_ignore_ascii_case("null")
        || t.eq_ignore_ascii_case("nan")
        || t.eq_ignore_ascii_case("n/a")
        || t.eq_ignore_ascii_case("none")
        || matches!(t, "-" | "--" | "—" | "–")
}

/// Normalises spaces inside numbers: NBSP, narrow NBSP and thin spaces are
/// used as group separators in French and Swedish UIs.
fn strip_spaces(text: &str) -> String {
    text.chars()
        .filter(|c| !matches!(c, ' ' | '\u{a0}' | '\u{202f}' | '\u{2009}' | '\'' | '\t'))
        .collect()
}

fn looks_scientific(t: &str) -> bool {
    let lower = t.to_ascii_lowercase();
    match lower.find('e') {
        Some(pos) if pos > 0 => {
            let (mantissa, exp) = lower.split_at(pos);
            let exp = exp.trim_start_matches('e').trim_start_matches(['+', '-']);
            !exp.is_empty()
                && exp.chars().all(|c| c.is_ascii_digit())
                && mantissa
                    .chars()
                    .all(|c| c.is_ascii_digit() || c == '.' || c == ',' || c == '-')
        }
        _ => false,
    }
}

/// Reads a decimal written with `.` or `,` as the decimal mark and no group
/// separators, e.g. `1.2`, `1,2`, `12`.
fn parse_plain_decimal(t: &str) -> Option<f64> {
    if t.is_empty() || t.matches(['.', ',']).count() > 1 {
        return None;
    }
    let digits_ok = t
        .chars()
        .enumerate()
        .all(|(i, c)| c.is_ascii_digit() || c == '.' || c == ',' || (i == 0 && c == '-'));
    if !digits_ok || !t.chars().any(|c| c.is_ascii_digit()) {
        return None;
    }
    t.replace(',', ".")
        .parse::<f64>()
        .ok()
        .filter(|v| v.is_finite())
}

/// True when `t` is digits grouped in threes by `sep` (`18,400`, `1.234.567`).
fn is_grouped(t: &str, sep: char) -> bool {
    let t = t.strip_prefix('-').unwrap_or(t);
    let mut groups = t.split(sep);
    let first = match groups.next() {
        Some(g) => g,
        None => return false,
    };
    let mut n = 0;
    let rest_ok = groups.all(|g| {
        n += 1;
        g.len() == 3 && g.chars().all(|c| c.is_ascii_digit())
    });
    n > 0
        && rest_ok
        && !first.is_empty()
        && first.len() <= 3
        && first.chars().all(|c| c.is_ascii_digit())
}

/// Parses a count: `18400`, `"18,400"`, `10.000`, `812.0`, `-1`, `1.2K`,
/// `3,4M`, `1,2 K`, `2B`. Abbreviated values are flagged approximate.
///
/// Rejects spreadsheet scientific notation (`7.41E+18`) and fractional counts
/// (`12.5`), which signal a wrong column or a mangled file.
pub fn parse_count(text: &str) -> Result<Option<Count>, ValueError> {
    match parse_any_count(text)? {
        Some(c) if c.value.unsigned_abs() > MAX_COUNT => {
            Err(ValueError::new("a count", text.trim())
                .hint("too large: no TikTok count comes near ten trillion (10^13)"))
        }
        other => Ok(other),
    }
}

/// The largest count taken, either sign: far above any TikTok figure (the
/// most-viewed videos have a few billion views), and small enough that sums
/// over millions of rows stay far from overflowing 64 bits.
pub const MAX_COUNT: u64 = 10_000_000_000_000;

/// [`parse_count`] without the bound.
fn parse_any_count(text: &str) -> Result<Option<Count>, ValueError> {
    if is_missing(text) {
        return Ok(None);
    }
    let t = strip_spaces(text.trim());
    if looks_scientific(&t) {
        return Err(ValueError::new("a count", text.trim())
            .hint("scientific notation: the value was probably mangled by a spreadsheet"));
    }
    // Abbreviated: 1.2K, 3,4M, 2B (UI values, always approximate).
    if let Some(last) = t.chars().last() {
        let mult = match last.to_ascii_uppercase() {
            'K' => Some(1e3),
            'M' => Some(1e6),
            'B' => Some(1e9),
            _ => None,
        };
        if let Some(mult) = mult {
            let body = &t[..t.len() - last.len_utf8()];
            return match parse_plain_decimal(body) {
                Some(v) => {
                    let value = (v * mult).round();
                    if value.abs() > 9.0e15 {
                        Err(ValueError::new("a count", text.trim()).hint("too large"))
                    } else {
                        Ok(Some(Count::approx(value as i64)))
                    }
                }
                None => Err(ValueError::new("a count", text.trim())),
            };
        }
    }
    if let Ok(v) = t.parse::<i64>() {
        return Ok(Some(Count::exact(v)));
    }
    for sep in [',', '.'] {
        if is_grouped(&t, sep) {
            let digits: String = t.chars().filter(|c| *c != sep).collect();
            if let Ok(v) = digits.parse::<i64>() {
                return Ok(Some(Count::exact(v)));
            }
        }
    }
    // pandas writes integer columns with NaN as floats: `812.0`.
    if let Some(int) = t.strip_suffix(".0").or_else(|| t.strip_suffix(",0")) {
        if let Ok(v) = int.parse::<i64>() {
            return Ok(Some(Count::exact(v)));
        }
    }
    Err(ValueError::new("a count", text.trim()))
}
/// [`parse_count`] for a total that cannot go below zero (views, likes,
/// followers of a video or account, as every source but Studio's daily
/// changes gives them): `-5` is an error, not a count.
pub fn parse_total(text: &str) -> Result<Option<Count>, ValueError> {
    match parse_count(text)? {
        Some(c) if c.value < 0 => Err(ValueError::new("a count of 0 or more", text.trim())),
        other => Ok(other),
    }
}

/// Parses a rate as a fraction in `0..=1`: `38%` → 0.38, `38,5 %` → 0.385,
/// `0.38` → 0.38. A bare number above 1 (and at most 100) is read as a
/// percentage, since a fraction cannot exceed 1.
pub fn parse_fraction(text: &str) -> Result<Option<f64>, ValueError> {
    if is_missing(text) {
        return Ok(None);
    }
    let t = strip_spaces(text.trim());
    let (body, percent) = match t.strip_suffix('%') {
        Some(b) => (b, true),
        None => (t.as_str(), false),
    };
    let v = parse_plain_decimal(body).ok_or_else(|| {
        ValueError::new("a percentage (`38%`) or a fraction (`0.38`)", text.trim())
    })?;
    let fraction = if percent || v > 1.0 { v / 100.0 } else { v };
    if !(0.0..=1.0).contains(&fraction) {
        return Err(ValueError::new(
            "a percentage between 0% and 100%",
            text.trim(),
        ));
    }
    Ok(Some(fraction))
}

/// Parses a duration in seconds: `0:12`, `1:02:03`, `12.5`, `12,5`, `12s`.
pub fn parse_duration_s(text: &str) -> Result<Option<f64>, ValueError> {
    if is_missing(text) {
        return Ok(None);
    }
    let t = strip_spaces(text.trim());
    let expected = "a duration (`0:12`, `12.5` or `12s`)";
    if t.contains(':') {
        let parts: Vec<&str> = t.split(':').collect();
        if parts.len() > 3 {
            return Err(ValueError::new(expected, text.trim()));
        }
        let mut total = 0.0;
        for (i, p) in parts.iter().enumerate() {
            let last = i + 1 == parts.len();
            let v = if last {
                parse_plain_decimal(p)
            } else {
                p.parse::<u32>().ok().map(f64::from)
            }
            .filter(|v| *v >= 0.0)
            .ok_or_else(|| ValueError::new(expected, text.trim()))?;
            if i > 0 && v >= 60.0 {
                return Err(ValueError::new(expected, text.trim()));
            }
            total = total * 60.0 + v;
        }
        return Ok(Some(total));
    }
    let body = t.strip_suffix('s').unwrap_or(&t);
    match parse_plain_decimal(body) {
        Some(v) if v >= 0.0 => Ok(Some(v)),
        _ => Err(ValueError::new(expected, text.trim())),
    }
}

/// UTC seconds that can be a TikTok time: from 2010-01-01 (before TikTok
/// and musical.ly existed) to 2100-01-01. A cell outside holds a damaged
/// or mistyped date (`-0001-01-01`, `2999-09-01`), not data, and stored it
/// would overwrite a good value.
pub const TIKTOK_ERA: std::ops::Range<i64> = 1_262_304_000..4_102_444_800;

/// Whether the day `date` lies in [`TIKTOK_ERA`] (from its midnight, UTC).
pub fn date_in_tiktok_era(date: chrono::NaiveDate) -> bool {
    date.and_hms_opt(0, 0, 0)
        .is_some_and(|t| TIKTOK_ERA.contains(&t.and_utc().timestamp()))
}

/// `date` if it lies in [`TIKTOK_ERA`], else the error of [`in_tiktok_era`].
pub fn date_of_tiktok_era(
    date: chrono::NaiveDate,
    expected: &'static str,
    text: &str,
) -> Result<chrono::NaiveDate, ValueError> {
    if date_in_tiktok_era(date) {
        Ok(date)
    } else {
        Err(out_of_era(expected, text))
    }
}

/// `secs` if it lies in [`TIKTOK_ERA`], else an error quoting `text` (the
/// cell it was read from) as not being `expected`.
pub fn in_tiktok_era(secs: i64, expected: &'static str, text: &str) -> Result<i64, ValueError> {
    if TIKTOK_ERA.contains(&secs) {
        Ok(secs)
    } else {
        Err(out_of_era(expected, text))
    }
}

fn out_of_era(expected: &'static str, text: &str) -> ValueError {
    ValueError::new(expected, text.trim())
        .hint("out of range: uptake reads dates from 2010 to 2099")
}

/// Checks a platform id: digits only. Rejects ids a spreadsheet turned into
/// scientific notation (`7.41E+18`), which have lost their last digits and
/// cannot be repaired.
pub fn parse_id(text: &str) -> Result<String, ValueError> {
    let t = text.trim();
    if looks_scientific(t) {
        return Err(ValueError::new("a numeric id", t).hint(
            "scientific notation: a spreadsheet rounded this id and its last digits are lost; \
             export the data again without opening it in a spreadsheet",
        ));
    }
    let t = t.strip_suffix(".0").unwrap_or(t);
    if t.is_empty() || t.len() > 40 || !t.chars().all(|c| c.is_ascii_digit()) {
        return Err(ValueError::new("a numeric id", t));
    }
    // Formats write 0 for "none" (a top-level comment's `reply_id`); the
    // readers test for that before asking for an id, so a 0 here would
    // store a video or comment that does not exist.
    if t.bytes().all(|b| b == b'0') {
        return Err(ValueError::new("a numeric id", t)
            .hint("0 is no TikTok id: the record names no video or comment here"));
    }
    Ok(t.to_string())
}

/// Extracts a video id from a TikTok link: `…/video/<digits>`,
/// `…/photo/<digits>`, `tiktokv.com/share/video/<digits>/`, or `v/<digits>.html`.
/// A bare id is accepted too.
pub fn video_id_from_link(text: &str) -> Result<String, ValueError> {
    let t = text.trim();
    if let Ok(id) = parse_id(t) {
        return Ok(id);
    }
    if looks_scientific(t) {
        return parse_id(t);
    }
    for marker in ["/video/", "/photo/", "/v/"] {
        if let Some(pos) = t.find(marker) {
            let digits: String = t[pos + marker.len()..]
                .chars()
                .take_while(|c| c.is_ascii_digit())
                .collect();
            if !digits.is_empty() {
                // The same rules as a bare id (at most 40 digits).
                return parse_id(&digits);
            }
        }
    }
    Err(ValueError::new(
        "a TikTok video link (`https://www.tiktok.com/@handle/video/<id>`) or a numeric id",
        t,
    ))
}

/// Extracts the account handle from a TikTok link (`/@handle/video/…`).
pub fn handle_from_link(text: &str) -> Option<String> {
    let pos = text.find("/@")?;
    let handle: String = text[pos + 2..]
        .chars()
        .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == '.')
        .collect();
    (!handle.is_empty()).then_some(handle)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// `1234567` written with `sep` between groups of three digits.
    fn grouped(v: u64, sep: char) -> String {
        let digits = v.to_string();
        let mut out = String::new();
        for (i, c) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i).is_multiple_of(3) {
                out.push(sep);
            }
            out.push(c);
        }
        out
    }

    proptest! {
        #[test]
        fn counts_round_trip_in_every_written_form(v in 0u64..10_000_000_000, neg in any::<bool>()) {
            prop_assert!(parse_count(&(MAX_COUNT + v + 1).to_string()).is_err());
            let signed = if neg { -(v as i64) } else { v as i64 };
            prop_assert_eq!(parse_count(&signed.to_string()), Ok(Some(Count::exact(signed))));
            prop_assert_eq!(parse_count(&format!("{v}.0")), Ok(Some(Count::exact(v as i64))));
            prop_assert_eq!(parse_count(&grouped(v, ',')), Ok(Some(Count::exact(v as i64))));
            prop_assert_eq!(parse_count(&grouped(v, '\u{a0}')), Ok(Some(Count::exact(v as i64))));
        }

        #[test]
        fn abbreviations_are_approximate_and_close(tenths in 1u64..99_999, unit in 0usize..3) {
            let (suffix, mult) = [("K", 1e3), ("M", 1e6), ("B", 1e9)][unit];
            let text = format!("{}.{}{suffix}", tenths / 10, tenths % 10);
            let got = parse_count(&text).ok().flatten();
            let want = (tenths as f64 / 10.0 * mult).round() as i64;
            prop_assert_eq!(got, Some(Count::approx(want)));
            let comma = format!("{},{} {suffix}", tenths / 10, tenths % 10);
            prop_assert_eq!(parse_count(&comma).ok().flatten(), Some(Count::approx(want)));
        }

        #[test]
        fn fractions_round_trip_as_percent_and_fraction(f in 0.0f64..=1.0) {
            let pct = format!("{:.1}%", f * 100.0);
            let got = parse_fraction(&pct).ok().flatten().unwrap_or(-1.0);
            prop_assert!((got - f).abs() <= 0.0005 + 1e-12, "{} -> {}", pct, got);
            let frac = format!("{f:.4}");
            let got = parse_fraction(&frac).ok().flatten().unwrap_or(-1.0);
            prop_assert!((got - f).abs() <= 0.00005 + 1e-12, "{} -> {}", frac, got);
        }

        #[test]
        fn durations_round_trip(total in 0u32..86_400) {
            let (h, m, s) = (total / 3600, total / 60 % 60, total % 60);
            let text = if h > 0 { format!("{h}:{m:02}:{s:02}") } else { format!("{m}:{s:02}") };
            prop_assert_eq!(parse_duration_s(&text), Ok(Some(f64::from(total))));
            prop_assert_eq!(parse_duration_s(&total.to_string()), Ok(Some(f64::from(total))));
        }

        #[test]
        fn no_input_panics(text in "\\PC{0,24}") {
            let _ = parse_count(&text);
            let _ = parse_fraction(&text);
            let _ = parse_duration_s(&text);
            let _ = parse_id(&text);
            let _ = video_id_from_link(&text);
        }
    }

    fn count(s: &str) -> Option<(i64, bool)> {
        parse_count(s)
            .ok()
            .flatten()
            .map(|c| (c.value, c.approximate))
    }

    #[test]
    fn counts_table() {
        let cases: &[(&str, Option<(i64, bool)>)] = &[
            ("18400", Some((18400, false))),
            ("18,400", Some((18400, false))),
            ("1,234,567", Some((1234567, false))),
            ("10.000", Some((10000, false))),
            ("812.0", Some((812, false))),
            ("-1", Some((-1, false))),
            ("1.2K", Some((1200, true))),
            ("1,2 K", Some((1200, true))),
            ("3.4M", Some((3_400_000, true))),
            ("2k", Some((2000, true))),
            ("12 345", Some((12345, false))),
            ("12\u{a0}345", Some((12345, false))),
        ];
        for (text, want) in cases {
            assert_eq!(count(text), *want, "parse_count({text:?})");
        }
        for missing in ["", "undefined", "NAN", "nan", "-", " null "] {
            assert_eq!(parse_count(missing), Ok(None), "{missing:?}");
        }
        for bad in ["7.41E+18", "12.5", "abc", "1.2.3K", "K", "1,23"] {
            assert!(parse_count(bad).is_err(), "{bad:?} should be rejected");
        }
        let e = parse_count("7.41E+18")
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(e.contains("spreadsheet"), "{e}");
    }

    #[test]
    fn fractions_table() {
        let cases: &[(&str, f64)] = &[
            ("38%", 0.38),
            ("0.38", 0.38),
            ("38", 0.38),
            ("38,5 %", 0.385),
            ("100%", 1.0),
            ("0", 0.0),
            ("1", 1.0),
        ];
        for (text, want) in cases {
            let got = parse_fraction(text).ok().flatten().unwrap_or(-1.0);
            assert!((got - want).abs() < 1e-12, "{text}: {got}");
        }
        assert_eq!(parse_fraction("undefined"), Ok(None));
        assert!(parse_fraction("140%").is_err());
        assert!(parse_fraction("lots").is_err());
    }

    #[test]
    fn durations_table() {
        let cases: &[(&str, f64)] = &[
            ("0:12", 12.0),
            ("1:05", 65.0),
            ("1:02:03", 3723.0),
            ("12.5", 12.5),
            ("12,5", 12.5),
            ("7s", 7.0),
            ("0:07.5", 7.5),
        ];
        for (text, want) in cases {
            let got = parse_duration_s(text).ok().flatten().unwrap_or(-1.0);
            assert!((got - want).abs() < 1e-12, "{text}: {got}");
        }
        for bad in ["1:75", "a:b", "-3", "1:2:3:4"] {
            assert!(parse_duration_s(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn ids_and_links() {
        assert_eq!(
            parse_id("7412345678901234567").ok().as_deref(),
            Some("7412345678901234567")
        );
        assert!(parse_id("7.41235E+18").is_err());
        assert!(parse_id("74123x").is_err());
        assert!(parse_id("0").is_err() && parse_id("000").is_err());
        let link = "https://www.tiktok.com/@kmb_lab/video/7412345678901234567?lang=en";
        assert_eq!(
            video_id_from_link(link).ok().as_deref(),
            Some("7412345678901234567")
        );
        assert_eq!(handle_from_link(link).as_deref(), Some("kmb_lab"));
        let share = "https://www.tiktokv.com/share/video/7412345678901234567/";
        assert_eq!(
            video_id_from_link(share).ok().as_deref(),
            Some("7412345678901234567")
        );
        assert!(video_id_from_link("https://www.tiktok.com/@kmb_lab").is_err());
        // A link's digits follow the rules of a bare id: at most 40.
        let long = format!("https://www.tiktok.com/@a/video/{}", "7".repeat(41));
        assert!(video_id_from_link(&long).is_err());
    }
}
