//! Typed values from loose JSON: ids without going through `f64`, counts,
//! durations, fractions, text, Unix times, dates and distribution lists;
//! plus what a JSON value is, for messages, and NUL removal.

use super::syntax::serde_text;
use crate::error::{IngestError, Location};
use crate::number::{self, ValueError};
use crate::sink::{Sink, Warning};
use chrono::{DateTime, NaiveDate};
use serde::de::{self, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;
use serde_json::Value;
use std::fmt;
use uptake_model::{Count, Share};

/// Any JSON value, kept loosely so that type mismatches become errors
/// that name the field instead of serde's generic message.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Scalar {
    /// A negative integer.
    Int(i64),
    /// A non-negative integer (ids up to `u64::MAX` stay exact).
    UInt(u64),
    /// A number with a fraction or exponent, or beyond `u64`.
    Float(f64),
    /// A string.
    Text(String),
    /// A boolean.
    Bool(bool),
    /// `null` where a value was required.
    Null,
    /// A list (its content is not kept).
    List,
    /// An object (its content is not kept).
    Object,
}

impl Scalar {
    /// The value as shown in messages.
    pub(crate) fn shown(&self) -> String {
        match self {
            Scalar::Int(v) => v.to_string(),
            Scalar::UInt(v) => v.to_string(),
            Scalar::Float(v) => v.to_string(),
            Scalar::Text(t) => t.clone(),
            Scalar::Bool(b) => b.to_string(),
            Scalar::Null => "null".into(),
            Scalar::List => "a list".into(),
            Scalar::Object => "an object".into(),
        }
    }

    /// The value as text, when it is a string or a number.
    pub(crate) fn into_text(self) -> Option<String> {
        match self {
            Scalar::Text(t) => Some(t),
            Scalar::Int(_) | Scalar::UInt(_) | Scalar::Float(_) => Some(self.shown()),
            _ => None,
        }
    }
}

impl<'de> Deserialize<'de> for Scalar {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(ScalarVisitor)
    }
}

struct ScalarVisitor;

impl<'de> Visitor<'de> for ScalarVisitor {
    type Value = Scalar;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Scalar, E> {
        Ok(Scalar::Bool(v))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Scalar, E> {
        Ok(if v >= 0 {
            Scalar::UInt(v as u64)
        } else {
            Scalar::Int(v)
        })
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Scalar, E> {
        Ok(Scalar::UInt(v))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Scalar, E> {
        Ok(Scalar::Float(v))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Scalar, E> {
        Ok(Scalar::Text(v.to_string()))
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<Scalar, E> {
        Ok(Scalar::Text(v))
    }
    fn visit_unit<E: de::Error>(self) -> Result<Scalar, E> {
        Ok(Scalar::Null)
    }
    fn visit_none<E: de::Error>(self) -> Result<Scalar, E> {
        Ok(Scalar::Null)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Scalar, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Scalar::List)
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Scalar, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(Scalar::Object)
    }
}

/// One entry of a distribution list (`impression_sources`,
/// `audience_countries`, `audience_genders`).
#[derive(Debug, Deserialize)]
pub(crate) struct Entry {
    impression_source: Option<Scalar>,
    country: Option<Scalar>,
    gender: Option<Scalar>,
    percentage: Option<Scalar>,
}

fn error(expected: &'static str, found: &Scalar, hint: Option<&'static str>) -> ValueError {
    ValueError {
        expected,
        found: found.shown().chars().take(60).collect(),
        hint,
    }
}

/// A video id sent as a string or a number. Numbers are read as
/// integers (never `f64`, which would lose the last digits of a 19-digit
/// id); a number with a fraction or beyond `u64` is an error.
pub(crate) fn video_id(v: &Scalar) -> Result<String, ValueError> {
    match v {
        Scalar::Text(t) => number::parse_id(t),
        Scalar::UInt(n) => number::parse_id(&n.to_string()),
        Scalar::Float(_) => Err(error(
            "a numeric id",
            v,
            Some("a JSON number with a fraction, an exponent or more than 20 digits cannot be an exact id; send ids as strings"),
        )),
        _ => Err(error("a numeric id", v, None)),
    }
}

/// A count sent as an integer, an integral float, or text (`"5,400"`): a
/// total or a gain, so 0 or more, and at most [`number::MAX_COUNT`].
pub(crate) fn count(v: Option<&Scalar>) -> Result<Option<Count>, ValueError> {
    match (signed_count(v)?, v) {
        (Some(c), Some(s)) if c.value < 0 => Err(error("a count of 0 or more", s, None)),
        (c, _) => Ok(c),
    }
}

/// [`count`] for a day's net change, which can be negative (the Business
/// API's daily `likes` and `comments` lose what was deleted: `-1` is seen).
pub(crate) fn signed_count(v: Option<&Scalar>) -> Result<Option<Count>, ValueError> {
    let too_large = Some("too large: no TikTok count comes near ten trillion (10^13)");
    let c = match v {
        None | Some(Scalar::Null) => return Ok(None),
        Some(Scalar::Int(n)) => Count::exact(*n),
        Some(s @ Scalar::UInt(n)) => {
            Count::exact(i64::try_from(*n).map_err(|_| error("a count", s, too_large))?)
        }
        Some(s @ Scalar::Float(f)) => {
            if f.fract() == 0.0 && f.abs() < 9.0e15 {
                Count::exact(*f as i64)
            } else {
                return Err(error("a whole count", s, None));
            }
        }
        Some(Scalar::Text(t)) => return number::parse_count(t),
        Some(s) => return Err(error("a count", s, None)),
    };
    match v {
        Some(s) if c.value.unsigned_abs() > number::MAX_COUNT => {
            Err(error("a count", s, too_large))
        }
        _ => Ok(Some(c)),
    }
}

/// Seconds (a duration or a watch time) sent as a number or text.
pub(crate) fn seconds(v: Option<&Scalar>) -> Result<Option<f64>, ValueError> {
    let n = match v {
        None | Some(Scalar::Null) => return Ok(None),
        Some(Scalar::Int(n)) => *n as f64,
        Some(Scalar::UInt(n)) => *n as f64,
        Some(Scalar::Float(f)) => *f,
        Some(Scalar::Text(t)) => return number::parse_duration_s(t),
        Some(s) => return Err(error("a number of seconds", s, None)),
    };
    if n < 0.0 || !n.is_finite() {
        return Err(error(
            "a non-negative number of seconds",
            &Scalar::Float(n),
            None,
        ));
    }
    Ok(Some(n))
}

/// A rate as a fraction `0..=1`. The Business API sends fractions; a
/// number above 1 (up to 100) can only be a percentage, so it is divided
/// by 100 and `warn` is told.
pub(crate) fn fraction(
    v: Option<&Scalar>,
    field: &str,
    warn: &mut dyn FnMut(String),
) -> Result<Option<f64>, ValueError> {
    let n = match v {
        None | Some(Scalar::Null) => return Ok(None),
        Some(Scalar::Int(n)) => *n as f64,
        Some(Scalar::UInt(n)) => *n as f64,
        Some(Scalar::Float(f)) => *f,
        Some(Scalar::Text(t)) => {
            let f = number::parse_fraction(t)?;
            let bare = t.trim().replace(',', ".").parse::<f64>().ok();
            if let Some(b) = bare.filter(|b| *b > 1.0) {
                warn(format!(
                    "`{field}` is {b}, above 1: read as a percentage ({b}% = {})",
                    b / 100.0
                ));
            }
            return Ok(f);
        }
        Some(s) => return Err(error("a fraction between 0 and 1", s, None)),
    };
    if !(0.0..=100.0).contains(&n) {
        return Err(error("a fraction between 0 and 1", &Scalar::Float(n), None));
    }
    if n > 1.0 {
        warn(format!(
            "`{field}` is {n}, above 1: read as a percentage ({n}% = {})",
            n / 100.0
        ));
        return Ok(Some(n / 100.0));
    }
    Ok(Some(n))
}

/// Text sent as a string (or a number); empty text is absent. NUL
/// characters are removed (`formats.md` §8: repair NULs in strings).
pub(crate) fn text(v: Option<&Scalar>) -> Result<Option<String>, ValueError> {
    match v {
        None | Some(Scalar::Null) => Ok(None),
        Some(s @ (Scalar::List | Scalar::Object | Scalar::Bool(_))) => Err(error("text", s, None)),
        Some(s) => {
            let t = s.shown().replace('\0', "");
            Ok((!t.trim().is_empty()).then_some(t))
        }
    }
}

/// A Unix time in seconds (number or numeric string) and its UTC date.
pub(crate) fn unix_time(v: &Scalar) -> Result<Option<(i64, NaiveDate)>, ValueError> {
    let expected = "a Unix time in seconds";
    let secs = match v {
        Scalar::Null => return Ok(None),
        Scalar::UInt(n) => i64::try_from(*n).map_err(|_| error(expected, v, None))?,
        Scalar::Int(n) => *n,
        Scalar::Float(f) if f.fract() == 0.0 && f.abs() < 9.0e15 => *f as i64,
        Scalar::Text(t) if t.trim().is_empty() => return Ok(None),
        Scalar::Text(t) => t
            .trim()
            .parse::<i64>()
            .map_err(|_| error(expected, v, None))?,
        _ => return Err(error(expected, v, None)),
    };
    // Past year 5000 the value is almost surely milliseconds.
    if secs >= 100_000_000_000 {
        return Err(error(
            expected,
            v,
            Some("out of range; milliseconds are not accepted here"),
        ));
    }
    if !number::TIKTOK_ERA.contains(&secs) {
        return Err(error(
            expected,
            v,
            Some("out of range: uptake reads dates from 2010 to 2099"),
        ));
    }
    match date_of(secs) {
        Some(d) => Ok(Some((secs, d))),
        None => Err(error(expected, v, None)),
    }
}

/// The UTC date of a Unix time.
pub(crate) fn date_of(secs: i64) -> Option<NaiveDate> {
    DateTime::from_timestamp(secs, 0).map(|t| t.date_naive())
}

/// A calendar date `YYYY-MM-DD` (a time after it is ignored).
pub(crate) fn date(v: &Scalar) -> Result<NaiveDate, ValueError> {
    let expected = "a date `YYYY-MM-DD`";
    let Scalar::Text(t) = v else {
        return Err(error(expected, v, None));
    };
    let t = t.trim();
    let day = t.get(..10).unwrap_or(t);
    let rest = t.get(10..).unwrap_or("");
    if !(rest.is_empty() || rest.starts_with(' ') || rest.starts_with('T')) {
        return Err(error(expected, v, None));
    }
    let date = NaiveDate::parse_from_str(day, "%Y-%m-%d").map_err(|_| error(expected, v, None))?;
    if !number::date_in_tiktok_era(date) {
        return Err(error(
            expected,
            v,
            Some("out of range: uptake reads dates from 2010 to 2099"),
        ));
    }
    Ok(date)
}

/// Reads a distribution list into shares. The APIs send fractions;
/// percentages (values above 1) are divided by 100 with a warning.
/// Entries without a label or a value are skipped with a warning.
pub(crate) fn entries(
    list: Option<&[Entry]>,
    field: &str,
    warn: &mut dyn FnMut(String),
) -> Result<Vec<Share>, ValueError> {
    let mut out = vec![];
    for entry in list.unwrap_or(&[]) {
        let label = [&entry.impression_source, &entry.country, &entry.gender]
            .into_iter()
            .flatten()
            .find_map(|s| s.clone().into_text());
        let fraction = fraction(entry.percentage.as_ref(), field, warn)?;
        match (label, fraction) {
            (Some(label), Some(fraction)) if !label.trim().is_empty() => {
                out.push(Share { label, fraction })
            }
            _ => warn(format!(
                "skipped an entry of `{field}` without a label or a percentage"
            )),
        }
    }
    Ok(out)
}

/// A short title from a caption: its first non-empty line, at most 100
/// characters (the APIs have no separate title for Business videos).
pub(crate) fn title_from_caption(caption: &str) -> Option<String> {
    let line = caption.lines().map(str::trim).find(|l| !l.is_empty())?;
    Some(line.chars().take(100).collect())
}

/// Removes NUL characters from every string in `value` (object keys
/// included) and returns the fields they were found in, deduplicated.
pub(crate) fn strip_nul(value: &mut Value) -> Vec<String> {
    let mut fields = Vec::new();
    strip_nul_in(value, "(value)", &mut fields);
    fields
}

fn strip_nul_in(value: &mut Value, field: &str, fields: &mut Vec<String>) {
    let note = |f: &str, fields: &mut Vec<String>| {
        if !fields.iter().any(|x| x == f) {
            fields.push(f.to_string());
        }
    };
    match value {
        Value::String(s) if s.contains('\0') => {
            s.retain(|c| c != '\0');
            note(field, fields);
        }
        Value::Array(items) => {
            for item in items {
                strip_nul_in(item, field, fields);
            }
        }
        Value::Object(map) => {
            if map.keys().any(|k| k.contains('\0')) {
                let old = std::mem::take(map);
                for (k, v) in old {
                    let clean = k.replace('\0', "");
                    if clean != k {
                        note(&clean, fields);
                    }
                    map.insert(clean, v);
                }
            }
            for (k, v) in map.iter_mut() {
                strip_nul_in(v, k, fields);
            }
        }
        _ => {}
    }
}

/// Warns that NUL characters were removed from `fields` of one record.
pub(crate) fn warn_nul(sink: &mut dyn Sink, location: &Location, fields: &[String]) {
    if fields.is_empty() {
        return;
    }
    let list = fields
        .iter()
        .map(|f| format!("`{f}`"))
        .collect::<Vec<_>>()
        .join(", ");
    sink.warn(Warning {
        location: location.clone(),
        message: format!("removed NUL characters (`\\u0000`) from {list}"),
    });
}

/// What a JSON value is, for messages.
pub(crate) fn json_kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

/// Checks that one record was read into its typed struct: a record that
/// does not fit is an error at `location` saying it should be `what`
/// ("a Business API video object").
pub(crate) fn fits<T>(
    parsed: Result<T, serde_json::Error>,
    what: &str,
    location: &Location,
) -> Result<T, IngestError> {
    parsed.map_err(|e| {
        // Records are parsed from the raw text uptake rewrote, or from a
        // value tree: serde_json's position would not be the file's.
        IngestError::invalid(
            location.clone(),
            format!(
                "expected {what}, found one that does not fit: {}",
                serde_text(&e)
            ),
        )
    })
}
