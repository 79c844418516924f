//! Names repeated in free text: after the walk, every handle and name the
//! record was captured with is replaced by `[removed]` wherever else the
//! raw record holds it, e.g. in an original sound's title
//! `"original sound - <nickname>"`.
//!
//! Only inside string values: a name is whatever the person chose (`stats`,
//! `0},`), and replacing it in keys or between values would rename keys or
//! break the JSON.

use super::raw::write_str;
use aho_corasick::{AhoCorasick, MatchKind};
use memchr::memmem;

/// Removes the people's names and handles of a record wherever they are
/// left in the string values of its raw JSON text. Names shorter than 3
/// characters are left alone (they would match ordinary words).
pub(crate) fn remove_names<'a>(raw: &mut String, names: impl Iterator<Item = &'a str> + Clone) {
    if names.clone().nth(FEW_NAMES).is_some() {
        return remove_many_names(raw, names);
    }
    let mut escaped = String::new();
    let mut spans = Vec::new();
    for name in names {
        if let Some(needle) = as_written(name, &mut escaped) {
            remove_one(raw, needle, &mut spans);
        }
    }
}

/// Replaces every `needle` inside a string value of `raw` with
/// `[removed]`. memchr's search first: it is several times faster than
/// `str::contains` over a record of a few kilobytes, and most records do not
/// hold the name.
fn remove_one(raw: &mut String, needle: &str, spans: &mut Vec<(usize, usize)>) {
    let finder = memmem::Finder::new(needle.as_bytes());
    if finder.find(raw.as_bytes()).is_none() {
        return;
    }
    value_spans(raw, spans);
    let found = finder
        .find_iter(raw.as_bytes())
        .map(|start| (start, start + needle.len()));
    *raw = replace_in_values(raw, spans, found);
}

/// `name` as the raw JSON text writes it (escaped, without quotes), using
/// `buf`; `None` for names too short to remove.
fn as_written<'b>(name: &str, buf: &'b mut String) -> Option<&'b str> {
    let name = name.trim();
    if name.chars().count() < 3 {
        return None;
    }
    buf.clear();
    write_str(buf, name);
    buf.get(1..buf.len().saturating_sub(1))
        .filter(|needle| !needle.is_empty())
}

/// [`remove_names`] for a line naming many people (a hostile line can
/// repeat a person object thousands of times): all names in one pass, so
/// that the work grows with the line's length plus the names' rather than
/// with their product.
fn remove_many_names<'a>(raw: &mut String, names: impl Iterator<Item = &'a str>) {
    let mut buf = String::new();
    let mut needles: Vec<String> = names
        .filter_map(|name| as_written(name, &mut buf).map(str::to_string))
        .collect();
    needles.sort_unstable();
    needles.dedup();
    let mut spans = Vec::new();
    match AhoCorasick::builder()
        .match_kind(MatchKind::LeftmostLongest)
        .build(&needles)
    {
        Ok(matcher) => {
            if !matcher.is_match(raw.as_str()) {
                return;
            }
            value_spans(raw, &mut spans);
            let found = matcher
                .find_iter(raw.as_str())
                .map(|m| (m.start(), m.end()));
            *raw = replace_in_values(raw, &spans, found);
        }
        // Should the matcher fail to build, each is searched for alone.
        Err(_) => {
            for needle in &needles {
                remove_one(raw, needle, &mut spans);
            }
        }
    }
}

/// `raw` with each match `(start, end)` (in increasing order) that lies
/// inside one of `spans` replaced by `[removed]`; overlapping matches and
/// matches that begin inside an escape sequence are skipped.
fn replace_in_values(
    raw: &str,
    spans: &[(usize, usize)],
    found: impl Iterator<Item = (usize, usize)>,
) -> String {
    let bytes = raw.as_bytes();
    let mut out = String::with_capacity(raw.len());
    let mut copied = 0;
    let mut span = 0;
    for (start, end) in found {
        if start < copied {
            continue;
        }
        while spans.get(span).is_some_and(|&(_, e)| e < end) {
            span += 1;
        }
        let inside = spans.get(span).is_some_and(|&(s, _)| s <= start);
        // An odd run of backslashes before the match means it starts inside
        // an escape (`\u00e9`): replacing it would break the escape.
        let escaped = bytes[..start]
            .iter()
            .rev()
            .take_while(|&&b| b == b'\\')
            .count()
            % 2
            == 1;
        if inside && !escaped {
            if let (Some(before), true) = (raw.get(copied..start), raw.is_char_boundary(end)) {
                out.push_str(before);
                out.push_str("[removed]");
                copied = end;
            }
        }
    }
    out.push_str(raw.get(copied..).unwrap_or(""));
    out
}

/// The byte ranges of the contents of `json`'s string values (not its
/// keys), into `out`. `json` is the raw record uptake wrote, so it is valid
/// JSON; should it not be, what follows an unclosed string is left out.
fn value_spans(json: &str, out: &mut Vec<(usize, usize)>) {
    out.clear();
    let b = json.as_bytes();
    let mut i = 0;
    while let Some(open) = b.get(i..).and_then(|rest| memchr::memchr(b'"', rest)) {
        let start = i + open + 1;
        let mut j = start;
        let close = loop {
            match b
                .get(j..)
                .and_then(|rest| memchr::memchr2(b'"', b'\\', rest))
            {
                Some(k) if b[j + k] == b'\\' => j += k + 2,
                Some(k) => break j + k,
                None => return,
            }
        };
        let next = b
            .get(close + 1..)
            .and_then(|rest| rest.iter().find(|c| !c.is_ascii_whitespace()));
        if next != Some(&b':') {
            out.push((start, close));
        }
        i = close + 1;
    }
}

/// Up to this many names, each is searched for on its own (a capture names
/// one to four people, and this allocates nothing when none is found); more
/// are searched for together.
const FEW_NAMES: usize = 8;

#[cfg(test)]
mod tests {
    use super::*;

    fn removed(raw: &str, names: &[&str]) -> String {
        let mut raw = raw.to_string();
        remove_names(&mut raw, names.iter().copied());
        raw
    }

    #[test]
    fn names_go_from_values_only() {
        let raw = r#"{"author":"[removed]","music":{"title":"original sound - Some One"},"desc":"Some One said"}"#;
        assert_eq!(
            removed(raw, &["Some One"]),
            r#"{"author":"[removed]","music":{"title":"original sound - [removed]"},"desc":"[removed] said"}"#
        );
        // A name that is also a key, or JSON structure, leaves the keys
        // and the structure alone (the reviewer's case: `0},`).
        let raw = r#"{"author":{"uniqueId":"[removed]"},"stats":{"playCount":10},"x":0,"t":"stats 0}, here"}"#;
        assert_eq!(
            removed(raw, &["stats", "0},"]),
            r#"{"author":{"uniqueId":"[removed]"},"stats":{"playCount":10},"x":0,"t":"[removed] [removed] here"}"#
        );
        let out = removed(
            raw,
            &["stats", "0},", "a", "b", "c", "d", "e", "f", "g", "h", "i"],
        );
        assert!(
            serde_json::from_str::<serde_json::Value>(&out).is_ok(),
            "{out}"
        );
        assert!(out.contains(r#""stats":{"playCount":10}"#), "{out}");
    }

    #[test]
    fn escapes_stay_whole() {
        // The name `u00e9abc` must not be cut out of the escape `\u00e9abc`.
        let raw = r#"{"t":"caf\u00e9abc","u":"u00e9abc"}"#;
        assert_eq!(
            removed(raw, &["u00e9abc"]),
            r#"{"t":"caf\u00e9abc","u":"[removed]"}"#
        );
        // An escaped backslash before the name is not an escape of it.
        let raw = r#"{"t":"a\\u00e9abc"}"#;
        assert_eq!(removed(raw, &["u00e9abc"]), r#"{"t":"a\\[removed]"}"#);
    }

    #[test]
    fn spans_skip_keys_and_escaped_quotes() {
        let mut spans = Vec::new();
        let json = r#"{"k":"v\"w","a":["x", "y"] , "n" : 1}"#;
        value_spans(json, &mut spans);
        let values: Vec<&str> = spans.iter().map(|&(s, e)| &json[s..e]).collect();
        assert_eq!(values, vec![r#"v\"w"#, "x", "y"]);
    }
}
