//! Reading the dates of Studio files: localised day-month strings without a
//! year (`"August 9"`, `"28 апреля"`, `"18 tháng Sáu"`) and ISO dates.
//!
//! Studio writes dates in the UI language and never with a year
//! (`formats.md` §3.3, §3.4). Month names come from CLDR through ICU4X: for
//! each locale a lookup table is built once, lazily, by formatting every day
//! of the leap year 2024 with the locale's long and medium month-day patterns
//! and its month-alone names, and mapping the normalised text back to
//! (month, day). Giving the dates their year is [`super::years`]' job.

use crate::number::{is_missing, ValueError};
use icu_calendar::{Date, Gregorian};
use icu_datetime::{fieldsets, FixedCalendarDateTimeFormatter};
use icu_locale_core::Locale;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

/// A date as a Studio file writes it: month and day, and the year only when
/// the text carried one (ISO dates).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PartialDate {
    /// The year, when the text had one.
    pub year: Option<i32>,
    /// Month, 1..=12.
    pub month: u32,
    /// Day of the month, 1..=31.
    pub day: u32,
}

impl PartialDate {
    /// A year-less day and month.
    pub fn day_month(month: u32, day: u32) -> Self {
        PartialDate {
            year: None,
            month,
            day,
        }
    }
}

/// The locales whose tables are built when the language is not known: the
/// UI languages seen in real exports (`formats.md` §3.2: English, Vietnamese,
/// Greek, Russian, Indonesian, Swedish, Portuguese) and the other large
/// TikTok markets' languages whose date strings appear in the issue.
pub const LOCALES: &[&str] = &[
    "en", "en-GB", "fr", "es", "pt", "pt-PT", "de", "sv", "ru", "el", "vi", "id",
];

/// Year used to enumerate days: a leap year, so that 29 February has an entry.
const TABLE_YEAR: i32 = 2024;

/// Supplement to CLDR for Vietnamese. CLDR (through ICU4X 2) writes
/// `18 tháng 6`, but a real Vietnamese export shows `18 tháng Sáu`
/// (`formats.md` §3.3, `Date` column). These are the spelled-out Vietnamese
/// month names (`tháng` + the Vietnamese numeral; April is `Tư`, not `Bốn`,
/// and January is also called `Giêng`), added so that the forms seen in real
/// exports parse. Lower-case, as they are compared after normalising.
const VI_MONTH_WORDS: &[(&str, u32)] = &[
    ("tháng một", 1),
    ("tháng giêng", 1),
    ("tháng hai", 2),
    ("tháng ba", 3),
    ("tháng tư", 4),
    ("tháng năm", 5),
    ("tháng sáu", 6),
    ("tháng bảy", 7),
    ("tháng tám", 8),
    ("tháng chín", 9),
    ("tháng mười", 10),
    ("tháng mười một", 11),
    ("tháng mười hai", 12),
];

/// Normalises a date text for lookup: lower-case, whitespace (including
/// no-break spaces) collapsed to one space, trimmed, one trailing `.` removed
/// (`15 janv.` and `15 janv` are the same date).
pub fn normalise(text: &str) -> String {
    let lower = text.trim_start_matches('\u{feff}').to_lowercase();
    let joined = lower.split_whitespace().collect::<Vec<_>>().join(" ");
    match joined.strip_suffix('.') {
        Some(s) => s.trim_end().to_string(),
        None => joined,
    }
}

/// One locale's lookup table: normalised text → (month, day).
#[derive(Debug)]
pub struct DateTable {
    /// The locale tag the table was built for.
    pub locale: String,
    /// The locale's language subtag (`pt` for `pt-PT`).
    pub language: String,
    map: HashMap<String, (u32, u32)>,
}

impl DateTable {
    /// Builds the table for `locale` from CLDR month names.
    pub fn build(locale: &Locale) -> Result<Self, String> {
        let err = |e: &dyn std::fmt::Display| format!("no CLDR date data for `{locale}`: {e}");
        let md_long = FixedCalendarDateTimeFormatter::<Gregorian, _>::try_new(
            locale.into(),
            fieldsets::MD::long(),
        )
        .map_err(|e| err(&e))?;
        let md_medium = FixedCalendarDateTimeFormatter::<Gregorian, _>::try_new(
            locale.into(),
            fieldsets::MD::medium(),
        )
        .map_err(|e| err(&e))?;
        // Month-alone names (stand-alone forms where the language has them,
        // e.g. Russian `апрель` beside the genitive `апреля`), combined with
        // the day in both orders.
        let m_long = FixedCalendarDateTimeFormatter::<Gregorian, _>::try_new(
            locale.into(),
            fieldsets::M::long(),
        )
        .map_err(|e| err(&e))?;
        let m_medium = FixedCalendarDateTimeFormatter::<Gregorian, _>::try_new(
            locale.into(),
            fieldsets::M::medium(),
        )
        .map_err(|e| err(&e))?;
        let language = locale.id.language.as_str().to_string();
        let mut map = HashMap::new();
        for month in 1..=12u8 {
            for dom in 1..=days_in_month(u32::from(month)) {
                let Ok(dom8) = u8::try_from(dom) else {
                    continue;
                };
                let day = Date::try_new_gregorian(TABLE_YEAR, month, dom8).map_err(|e| err(&e))?;
                let value = (u32::from(month), dom);
                map.insert(normalise(&md_long.format(&day).to_string()), value);
                map.insert(normalise(&md_medium.format(&day).to_string()), value);
                for alone in [
                    m_long.format(&day).to_string(),
                    m_medium.format(&day).to_string(),
                ] {
                    let alone = normalise(&alone);
                    map.insert(format!("{dom} {alone}"), value);
                    map.insert(format!("{alone} {dom}"), value);
                }
            }
        }
        if language == "vi" {
            for (words, month) in VI_MONTH_WORDS {
                for dom in 1..=days_in_month(*month) {
                    map.insert(format!("{dom} {words}"), (*month, dom));
                }
            }
        }
        Ok(DateTable {
            locale: locale.to_string(),
            language,
            map,
        })
    }

    /// The (month, day) a normalised text means in this locale.
    pub fn lookup(&self, normalised: &str) -> Option<(u32, u32)> {
        self.map.get(normalised).copied()
    }

    /// Every (text, (month, day)) entry, for tests.
    pub fn entries(&self) -> impl Iterator<Item = (&String, &(u32, u32))> {
        self.map.iter()
    }
}

/// Days of `month` in a leap year.
fn days_in_month(month: u32) -> u32 {
    match month {
        2 => 29,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// The table of the built-in locale at `index` of [`LOCALES`], built on first use.
fn builtin(index: usize) -> Option<Arc<DateTable>> {
    static TABLES: [OnceLock<Option<Arc<DateTable>>>; LOCALES.len()] =
        [const { OnceLock::new() }; LOCALES.len()];
    let tag = LOCALES.get(index)?;
    TABLES
        .get(index)?
        .get_or_init(|| {
            let locale = Locale::try_from_str(tag).ok()?;
            DateTable::build(&locale).ok().map(Arc::new)
        })
        .clone()
}

/// Every built-in table.
pub fn all_tables() -> Vec<Arc<DateTable>> {
    (0..LOCALES.len()).filter_map(builtin).collect()
}

/// The tables for a language tag (`--lang`, or the header language): every
/// built-in locale of the same language, plus a table built for the exact tag
/// when it is not built in (any CLDR locale works: `--lang it`).
pub fn tables_for(tag: &str) -> Result<Vec<Arc<DateTable>>, String> {
    let locale = Locale::try_from_str(tag.trim()).map_err(|_| {
        format!("expected a language tag such as `sv` or `pt-BR` for `--lang`, found `{tag}`")
    })?;
    let language = locale.id.language.as_str().to_string();
    let canonical = locale.to_string();
    let mut out: Vec<Arc<DateTable>> = all_tables()
        .into_iter()
        .filter(|t| t.language == language)
        .collect();
    if !out.iter().any(|t| t.locale == canonical) {
        static EXTRA: OnceLock<Mutex<HashMap<String, Arc<DateTable>>>> = OnceLock::new();
        let cache = EXTRA.get_or_init(|| Mutex::new(HashMap::new()));
        let cached = match cache.lock() {
            Ok(guard) => guard.get(&canonical).cloned(),
            Err(_) => None,
        };
        let table = match cached {
            Some(t) => t,
            None => {
                let t = Arc::new(DateTable::build(&locale)?);
                if let Ok(mut guard) = cache.lock() {
                    guard.insert(canonical, Arc::clone(&t));
                }
                t
            }
        };
        out.push(table);
    }
    Ok(out)
}

/// Reads the date cells of one file with the tables of its language.
#[derive(Debug, Clone)]
pub struct DateReader {
    preferred: Vec<Arc<DateTable>>,
    /// Whether to try every built-in table when the preferred ones do not
    /// know a text (the language was only guessed from the headers).
    fallback: bool,
}

const EXPECTED_DATE: &str = "a date such as `August 9`, `28 апреля` or `2026-08-09`";

impl DateReader {
    /// A reader for the language the user named (`--lang`): only its tables.
    pub fn for_lang(tag: &str) -> Result<Self, String> {
        Ok(DateReader {
            preferred: tables_for(tag)?,
            fallback: false,
        })
    }

    /// A reader that prefers the header language's tables and falls back to
    /// all built-in tables; or tries all tables when `lang` is `None`.
    pub fn guessing(lang: Option<&str>) -> Self {
        let preferred = match lang {
            Some(tag) => tables_for(tag).unwrap_or_default(),
            None => Vec::new(),
        };
        DateReader {
            preferred,
            fallback: true,
        }
    }

    /// Parses one date cell. Missing markers (`undefined`, empty) are an
    /// error here: a daily row without its date cannot be placed.
    pub fn read(&self, text: &str) -> Result<PartialDate, ValueError> {
        let trimmed = text.trim();
        if is_missing(trimmed) {
            return Err(value_error(trimmed, Some("every row needs its date")));
        }
        if let Some(date) = parse_iso(trimmed) {
            return Ok(date);
        }
        let key = normalise(trimmed);
        match lookup_in(&self.preferred, &key) {
            Lookup::One(m, d) => return Ok(PartialDate::day_month(m, d)),
            Lookup::Ambiguous => return Err(ambiguous(trimmed)),
            Lookup::None => {}
        }
        if self.fallback {
            match lookup_in(&all_tables(), &key) {
                Lookup::One(m, d) => return Ok(PartialDate::day_month(m, d)),
                Lookup::Ambiguous => return Err(ambiguous(trimmed)),
                Lookup::None => {}
            }
        }
        Err(value_error(
            trimmed,
            Some("if the file is in a language uptake does not guess, pass `--lang`"),
        ))
    }
}

fn value_error(found: &str, hint: Option<&'static str>) -> ValueError {
    let found: String = found.chars().take(60).collect();
    ValueError {
        expected: EXPECTED_DATE,
        found: if found.is_empty() {
            "(empty)".into()
        } else {
            found
        },
        hint,
    }
}

fn ambiguous(found: &str) -> ValueError {
    value_error(
        found,
        Some("it means different dates in different languages; pass `--lang`"),
    )
}

enum Lookup {
    None,
    One(u32, u32),
    Ambiguous,
}

fn lookup_in(tables: &[Arc<DateTable>], key: &str) -> Lookup {
    let mut found: Option<(u32, u32)> = None;
    for t in tables {
        if let Some(v) = t.lookup(key) {
            match found {
                Some(f) if f != v => return Lookup::Ambiguous,
                _ => found = Some(v),
            }
        }
    }
    match found {
        Some((m, d)) => Lookup::One(m, d),
        None => Lookup::None,
    }
}

/// `YYYY-MM-DD` or `YYYY/MM/DD`, optionally followed by a time of day
/// (` 14:03` or `T14:03`), which is ignored: Studio days are calendar dates.
pub fn parse_iso(text: &str) -> Option<PartialDate> {
    let head = text.get(..10)?;
    let rest = text.get(10..)?;
    if !(rest.is_empty() || rest.starts_with(' ') || rest.starts_with('T')) {
        return None;
    }
    let bytes = head.as_bytes();
    let sep = *bytes.get(4)?;
    if !(sep == b'-' || sep == b'/') || bytes.get(7) != Some(&sep) {
        return None;
    }
    let num = |r: std::ops::Range<usize>| -> Option<u32> {
        let s = head.get(r)?;
        if s.bytes().all(|b| b.is_ascii_digit()) {
            s.parse().ok()
        } else {
            None
        }
    };
    let year = i32::try_from(num(0..4)?).ok()?;
    let month = num(5..7)?;
    let day = num(8..10)?;
    chrono::NaiveDate::from_ymd_opt(year, month, day)?;
    Some(PartialDate {
        year: Some(year),
        month,
        day,
    })
}

/// English month names, for messages.
pub fn month_name(month: u32) -> &'static str {
    const NAMES: [&str; 12] = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    usize::try_from(month)
        .ok()
        .and_then(|m| m.checked_sub(1))
        .and_then(|i| NAMES.get(i))
        .copied()
        .unwrap_or("(no month)")
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn read_in(tag: &str, text: &str) -> Option<(u32, u32)> {
        let reader = DateReader::for_lang(tag).ok()?;
        let d = reader.read(text).ok()?;
        Some((d.month, d.day))
    }

    #[test]
    fn every_builtin_locale_builds() {
        assert_eq!(all_tables().len(), LOCALES.len());
    }

    #[test]
    fn named_cases_per_language() {
        let cases: &[(&str, &str, (u32, u32))] = &[
            ("en", "August 9", (8, 9)),
            ("en", "Aug 9", (8, 9)),
            ("en", "28 August", (8, 28)),
            ("en-GB", "28 August", (8, 28)),
            ("fr", "9 août", (8, 9)),
            ("fr", "15 janv.", (1, 15)),
            ("es", "9 de agosto", (8, 9)),
            ("pt", "9 de agosto", (8, 9)),
            ("pt", "3 de mai.", (5, 3)),
            ("de", "9. August", (8, 9)),
            ("de", "8. Juli", (7, 8)),
            ("sv", "9 augusti", (8, 9)),
            ("sv", "8 juli", (7, 8)),
            // Russian uses the genitive month after a day number.
            ("ru", "28 апреля", (4, 28)),
            ("ru", "3 мая", (5, 3)),
            // Greek also uses the genitive, with the accent.
            ("el", "15 Ιανουαρίου", (1, 15)),
            ("el", "3 Μαΐου", (5, 3)),
            ("vi", "18 tháng 6", (6, 18)),
            // Supplement: the spelled-out form a real export shows.
            ("vi", "18 tháng Sáu", (6, 18)),
            ("vi", "1 tháng Giêng", (1, 1)),
            ("vi", "30 tháng Mười Một", (11, 30)),
            ("vi", "31 tháng Mười Hai", (12, 31)),
            ("id", "9 Agustus", (8, 9)),
            ("id", "8 Juli", (7, 8)),
            ("en", "February 29", (2, 29)),
        ];
        for (tag, text, want) in cases {
            assert_eq!(read_in(tag, text), Some(*want), "{tag}: {text:?}");
        }
    }

    #[test]
    fn guessing_finds_every_issue_example() {
        let reader = DateReader::guessing(None);
        let cases: &[(&str, (u32, u32))] = &[
            ("August 9", (8, 9)),
            ("28 August", (8, 28)),
            ("18 tháng Sáu", (6, 18)),
            ("28 апреля", (4, 28)),
            ("15 Ιανουαρίου", (1, 15)),
            ("8 Juli", (7, 8)),
            ("9 août", (8, 9)),
            ("9 de agosto", (8, 9)),
            ("9. August", (8, 9)),
            ("9 augusti", (8, 9)),
            ("  august\u{a0}9 ", (8, 9)),
        ];
        for (text, want) in cases {
            let got = reader.read(text).map(|d| (d.month, d.day));
            assert_eq!(got, Ok(*want), "{text:?}");
        }
    }

    #[test]
    fn iso_dates_carry_their_year() {
        let reader = DateReader::guessing(Some("en"));
        let want = PartialDate {
            year: Some(2026),
            month: 8,
            day: 9,
        };
        assert_eq!(reader.read("2026-08-09"), Ok(want));
        assert_eq!(reader.read("2026/08/09"), Ok(want));
        assert_eq!(reader.read("2026-08-09 13:00"), Ok(want));
        assert!(reader.read("2026-02-30").is_err());
        assert!(reader.read("2026-8-9").is_err());
    }

    #[test]
    fn missing_and_unknown_dates_are_errors() {
        let reader = DateReader::guessing(None);
        for bad in ["undefined", "", "Smarch 3", "August 32"] {
            assert!(reader.read(bad).is_err(), "{bad:?}");
        }
        let e = reader.read("undefined").err().map(|e| e.to_string());
        assert!(e.unwrap_or_default().contains("every row needs its date"));
    }

    #[test]
    fn lang_restricts_the_tables() {
        // Swedish alone does not read an English date.
        assert_eq!(read_in("sv", "August 9"), None);
        // A region tag uses its language's tables.
        assert_eq!(read_in("pt-BR", "9 de agosto"), Some((8, 9)));
        // A language not built in is built on demand from CLDR.
        assert_eq!(read_in("it", "9 agosto"), Some((8, 9)));
        assert!(DateReader::for_lang("not a tag!").is_err());
    }

    #[test]
    fn builtin_tables_never_disagree() {
        // Guessing across all tables is safe only if no text means two dates.
        let mut seen: HashMap<String, ((u32, u32), String)> = HashMap::new();
        for t in all_tables() {
            for (text, v) in t.entries() {
                if let Some((other, loc)) = seen.get(text) {
                    assert_eq!(other, v, "{text:?} in {} and {loc}", t.locale);
                } else {
                    seen.insert(text.clone(), (*v, t.locale.clone()));
                }
            }
        }
    }

    fn formatted(tag: &str, month: u8, day: u8, long: bool) -> Option<String> {
        let locale = Locale::try_from_str(tag).ok()?;
        let date = Date::try_new_gregorian(TABLE_YEAR, month, day).ok()?;
        let text = if long {
            FixedCalendarDateTimeFormatter::<Gregorian, _>::try_new(
                (&locale).into(),
                fieldsets::MD::long(),
            )
            .ok()?
            .format(&date)
            .to_string()
        } else {
            FixedCalendarDateTimeFormatter::<Gregorian, _>::try_new(
                (&locale).into(),
                fieldsets::MD::medium(),
            )
            .ok()?
            .format(&date)
            .to_string()
        };
        Some(text)
    }

    proptest! {
        #[test]
        fn format_then_parse_round_trips(
            ordinal in 0u32..366,
            locale_index in 0usize..LOCALES.len(),
            long in any::<bool>(),
        ) {
            let start = chrono::NaiveDate::from_ymd_opt(TABLE_YEAR, 1, 1);
            let date = start.and_then(|s| s.checked_add_days(chrono::Days::new(u64::from(ordinal))));
            prop_assume!(date.is_some());
            let date = date.unwrap_or_default();
            use chrono::Datelike;
            let tag = LOCALES.get(locale_index).copied().unwrap_or("en");
            let text = formatted(tag, date.month() as u8, date.day() as u8, long);
            prop_assert!(text.is_some());
            let text = text.unwrap_or_default();
            let reader = DateReader::for_lang(tag);
            prop_assert!(reader.is_ok());
            let got = reader.ok().and_then(|r| r.read(&text).ok());
            prop_assert_eq!(got, Some(PartialDate::day_month(date.month(), date.day())), "{} {:?}", tag, text);
            // Guessing without a language gives the same date.
            let guessed = DateReader::guessing(None).read(&text).ok();
            prop_assert_eq!(guessed, Some(PartialDate::day_month(date.month(), date.day())));
        }
    }
}
