//! JSON machinery shared by the API readers ([`crate::business`],
//! [`crate::display`], [`crate::research`], [`crate::ytdlp`] and
//! [`crate::zeeschuimer`]): opening a response (BOM, HTML error pages),
//! walking one page / an array of pages / NDJSON pages, streaming list
//! elements, keeping each record's raw text, reading ids, numbers and times
//! from loose JSON without going through `f64`, removing NUL characters,
//! finding when the numbers were observed, holding records for the end of
//! their page within a bound, and pushing located items.
//!
//! - [`read`]: opening and walking a response, located serde errors.
//! - [`syntax`]: damaged JSON text (not UTF-8, half an emoji escape, a raw
//!   line break in a string, a truncated file, ...) in plain words, for
//!   every JSON reader.
//! - [`tail`]: where a streaming reader is (lines, for NDJSON records) and
//!   the last bytes it read, for those words ([`Tail`]).
//! - [`raw`]: raw records ([`RawJson`]).
//! - [`value`]: typed values from loose JSON ([`Scalar`] and its readers).
//! - [`clock`]: observation times.
//! - [`held`]: records held until their page's envelope (or playlist's
//!   `epoch`) is read, within a bound ([`Held`]).

mod clock;
mod held;
mod raw;
mod read;
mod syntax;
mod tail;
mod value;

pub(crate) use clock::{stamp_time, Clock, FileClock};
pub(crate) use held::{Bound, Held};
pub(crate) use raw::{write_str, RawJson};
pub(crate) use read::{json_error, next_list, open_json, read_pages, Fail, PageHandler};
pub(crate) use syntax::{damage, not_utf8, serde_text, Around, Layout};
pub(crate) use tail::Tail;
pub(crate) use value::{
    count, date, date_of, entries, fits, fraction, json_kind, seconds, signed_count, strip_nul,
    text, title_from_caption, unix_time, video_id, warn_nul, Entry, Scalar,
};

use crate::error::{IngestError, Location};
use crate::sink::{Item, Record, Sink};

/// Pushes one item, wrapping a sink error with its location.
pub(crate) fn push(
    sink: &mut dyn Sink,
    location: Location,
    raw: Option<String>,
    records: Vec<Record>,
) -> Result<(), IngestError> {
    let item = Item {
        location: location.clone(),
        raw,
        records,
    };
    sink.push(item)
        .map_err(|source| IngestError::Sink { location, source })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw(text: &str) -> Option<String> {
        serde_json::from_str::<RawJson>(text).ok().map(|r| r.0)
    }

    #[test]
    fn raw_keeps_order_and_exact_integers() {
        let text = r#"{ "z": 1, "a": [ 7412345678901234567, -3, 0.18, 42660.0 ],
            "s": "é \"q\" \n\u0001", "n": null, "t": true, "o": {} , "e": [] }"#;
        let want = r#"{"z":1,"a":[7412345678901234567,-3,0.18,42660.0],"s":"é \"q\" \n\u0001","n":null,"t":true,"o":{},"e":[]}"#;
        assert_eq!(raw(text).as_deref(), Some(want));
        // What it writes reads back to the same value.
        let a: Option<serde_json::Value> = serde_json::from_str(text).ok();
        let b: Option<serde_json::Value> = serde_json::from_str(want).ok();
        assert_eq!(a, b);
    }

    #[test]
    fn ids_never_go_through_floats() {
        let s = |t: &str| serde_json::from_str::<Scalar>(t).ok();
        let id = |t: &str| s(t).and_then(|v| video_id(&v).ok());
        assert_eq!(
            id("7412345678901234567").as_deref(),
            Some("7412345678901234567")
        );
        assert_eq!(
            id("\"7412345678901234567\"").as_deref(),
            Some("7412345678901234567")
        );
        assert_eq!(
            id("18446744073709551615").as_deref(),
            Some("18446744073709551615")
        );
        assert_eq!(id("18446744073709551616"), None);
        assert_eq!(id("7.41E+18"), None);
        assert_eq!(id("\"7.41E+18\""), None);
        assert_eq!(id("-5"), None);
        let e = s("\"7.41E+18\"")
            .map(|v| video_id(&v))
            .and_then(|r| r.err());
        assert!(e
            .map(|e| e.to_string())
            .unwrap_or_default()
            .contains("spreadsheet"));
    }

    #[test]
    fn counts_times_and_fractions() {
        let s = |t: &str| serde_json::from_str::<Scalar>(t).unwrap_or(Scalar::Null);
        let c = |t: &str| count(Some(&s(t))).ok().flatten().map(|c| c.value);
        assert_eq!(c("5400"), Some(5400));
        assert_eq!(c("\"5,400\""), Some(5400));
        assert_eq!(c("5400.0"), Some(5400));
        assert_eq!(c("null"), None);
        assert!(count(Some(&s("5.5"))).is_err());
        assert!(count(Some(&s("\"many\""))).is_err());
        let t = |x: &str| unix_time(&s(x)).ok().flatten().map(|(t, _)| t);
        assert_eq!(t("1725000000"), Some(1_725_000_000));
        assert_eq!(t("\"1725000000\""), Some(1_725_000_000));
        assert!(unix_time(&s("1725000000000")).is_err());
        assert!(unix_time(&s("\"soon\"")).is_err());
        let mut warnings = vec![];
        let mut warn = |m: String| warnings.push(m);
        assert_eq!(fraction(Some(&s("0.18")), "r", &mut warn), Ok(Some(0.18)));
        assert_eq!(fraction(Some(&s("18")), "r", &mut warn), Ok(Some(0.18)));
        assert!(fraction(Some(&s("180")), "r", &mut warn).is_err());
        assert!(fraction(Some(&s("-0.1")), "r", &mut warn).is_err());
        assert_eq!(warnings.len(), 1);
    }

    #[test]
    fn stamps_from_request_ids() {
        assert_eq!(
            stamp_time("2024090112000001000200300400"),
            Some(1_725_192_000)
        );
        assert_eq!(stamp_time("202409011200000000"), Some(1_725_192_000));
        assert_eq!(stamp_time("20240901120000"), Some(1_725_192_000));
        assert_eq!(stamp_time("2024090112"), None);
        assert_eq!(stamp_time("abcdef12000000000"), None);
        assert_eq!(stamp_time("20241301120000"), None);
        assert_eq!(stamp_time("19990101120000"), None);
        assert_eq!(stamp_time("99990101120000"), None);
    }

    #[test]
    fn titles_are_the_first_line() {
        assert_eq!(
            title_from_caption("\n Sleep tips \n#sleep").as_deref(),
            Some("Sleep tips")
        );
        let long = "x".repeat(150);
        assert_eq!(
            title_from_caption(&long).map(|t| t.chars().count()),
            Some(100)
        );
        assert_eq!(title_from_caption("  "), None);
    }

    #[test]
    fn a_record_that_does_not_fit_gives_no_position_in_uptakes_own_text() {
        let location = Location::record("page.json", "page 1, video 1");
        let parsed = serde_json::from_str::<Vec<u8>>(r#"[1,"x"]"#);
        let e = fits(parsed, "a list of bytes", &location).err();
        assert_eq!(
            e.map(|e| e.to_string()).as_deref(),
            Some(
                "`page.json` page 1, video 1: expected a list of bytes, found one that does not \
                 fit: invalid type: string \"x\", expected u8"
            )
        );
    }
}
