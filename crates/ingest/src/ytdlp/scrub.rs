//! The raw record of an info dict: [`scrub_raw`], expiring URLs, headers
//! and cookies dropped, and the author's handle, ids and names removed from
//! every string but the caption.

use crate::privacy::scrub_raw;
use serde_json::Value;

/// Keys dropped from raw records: expiring media URLs, request headers and
/// cookies, and bulky per-format lists.
const DROPPED: &[&str] = &[
    "formats",
    "requested_formats",
    "requested_downloads",
    "requested_subtitles",
    "thumbnails",
    "thumbnail",
    "http_headers",
    "cookies",
    "subtitles",
    "automatic_captions",
    "_format_sort_fields",
    "url",
    "manifest_url",
    "fragments",
    "filename",
    "_filename",
    "filepath",
    "comments",
];

/// Keys whose text is the caption, kept as written (like [`Video::caption`](uptake_model::Video::caption)).
const CAPTION_KEYS: &[&str] = &["description", "title", "fulltitle"];

/// The raw record: [`scrub_raw`], without [`DROPPED`] keys, with every
/// other string cleared of the author's tokens.
pub(super) fn scrub_info(value: &Value, tokens: &[String]) -> Value {
    let mut v = scrub_raw(value);
    if let Value::Object(map) = &mut v {
        map.retain(|k, _| !DROPPED.contains(&k.as_str()));
        for (k, item) in map.iter_mut() {
            if !CAPTION_KEYS.contains(&k.as_str()) {
                remove_tokens(item, tokens);
            }
        }
    }
    v
}

fn remove_tokens(value: &mut Value, tokens: &[String]) {
    match value {
        Value::String(s) => {
            for token in tokens {
                if let Some(clean) = without_token(s, token) {
                    *s = clean;
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|v| remove_tokens(v, tokens)),
        Value::Object(map) => map.values_mut().for_each(|v| remove_tokens(v, tokens)),
        _ => {}
    }
}

/// `s` with `token` replaced by `[removed]` (ASCII case-insensitively): the
/// whole string when it equals the token; `@token` anywhere; and, for
/// tokens of four characters or more, every occurrence. `None` when
/// nothing changed.
fn without_token(s: &str, token: &str) -> Option<String> {
    if s.trim().eq_ignore_ascii_case(token) {
        return Some("[removed]".into());
    }
    let lower = s.to_ascii_lowercase();
    let needle = token.to_ascii_lowercase();
    let pattern = if token.chars().count() >= 4 {
        needle
    } else {
        format!("@{needle}")
    };
    if pattern.is_empty() || !lower.contains(&pattern) {
        return None;
    }
    // ASCII lower-casing keeps byte offsets, so matches in `lower` are
    // matches in `s`.
    let mut out = String::with_capacity(s.len());
    let mut rest = 0;
    for (pos, _) in lower.match_indices(&pattern) {
        if pos < rest {
            continue;
        }
        out.push_str(s.get(rest..pos)?);
        if pattern.starts_with('@') {
            out.push('@');
        }
        out.push_str("[removed]");
        rest = pos + pattern.len();
    }
    out.push_str(s.get(rest..)?);
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_removed_from_strings() {
        assert_eq!(
            without_token(
                "https://www.tiktok.com/@Health_Nurse/video/1",
                "health_nurse"
            )
            .as_deref(),
            Some("https://www.tiktok.com/@[removed]/video/1")
        );
        assert_eq!(
            without_token("original sound - Nurse Kim", "Nurse Kim").as_deref(),
            Some("original sound - [removed]")
        );
        assert_eq!(without_token("abc", "ab"), None);
        assert_eq!(
            without_token("x @ab y", "ab").as_deref(),
            Some("x @[removed] y")
        );
        assert_eq!(without_token("AB", "ab").as_deref(), Some("[removed]"));
    }
}
