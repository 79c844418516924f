//! Raw-record scrubbing for pyktok files: the shared list plus handles
//! inside links and file names, share texts and `*_username` keys.

use crate::privacy;
use crate::zeeschuimer::scrub_links;
use serde_json::Value;

/// [`privacy::scrub_raw`], plus what pyktok files add: handles inside links
/// and file names, share texts that quote the commenter, and `*_username`,
/// `*nickname`, `*user_id` keys that the shared list does not name.
pub(super) fn scrub(raw: Value) -> Value {
    extra_scrub(privacy::scrub_raw(&raw), None)
}

fn extra_scrub(value: Value, parent_key: Option<&str>) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.into_iter()
                .map(|(k, v)| {
                    let lower = k.to_lowercase();
                    let identifying = [
                        "nickname",
                        "username",
                        "user_id",
                        "userid",
                        "sec_uid",
                        "unique_id",
                        "screen_name",
                        "styled_name",
                    ]
                    .iter()
                    .any(|p| lower.contains(p))
                        || lower == "video_fn"
                        || (parent_key == Some("share_info") && lower == "desc");
                    let v = if identifying && !v.is_null() {
                        Value::String("[removed]".into())
                    } else {
                        extra_scrub(v, Some(&k))
                    };
                    (k, v)
                })
                .collect(),
        ),
        Value::Array(items) => Value::Array(
            items
                .into_iter()
                .map(|v| extra_scrub(v, parent_key))
                .collect(),
        ),
        // Links get the Zeeschuimer reader's rules (encoded handles, person
        // parameters, redirects); `/@handle` outside links goes too.
        Value::String(s) => Value::String(scrub_link_handles(&scrub_links(&s))),
        other => other,
    }
}

/// `…tiktok.com/@someone/video/…` → `…tiktok.com/@[removed]/video/…`.
fn scrub_link_handles(text: &str) -> String {
    if !text.contains("/@") {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(pos) = rest.find("/@") {
        out.push_str(&rest[..pos + 2]);
        let after = &rest[pos + 2..];
        let end = after
            .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == '.'))
            .unwrap_or(after.len());
        if end > 0 {
            out.push_str("[removed]");
        }
        rest = &after[end..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn handles_in_links_are_removed() {
        assert_eq!(
            scrub_link_handles("https://www.tiktok.com/@some.one_2/video/74?x=1 and /@b"),
            "https://www.tiktok.com/@[removed]/video/74?x=1 and /@[removed]"
        );
        assert_eq!(scrub_link_handles("a /@ b"), "a /@ b");
        // Encoded handles and person parameters in links, as in Zeeschuimer files.
        let linked = serde_json::json!({
            "a": "https://www.tiktok.com/%40alice/video/1",
            "b": "https://www.tiktok.com/login?redirect_url=https%3A%2F%2Fwww.tiktok.com%2Fview%3FsecUid%3DMS4wLjABAAAAxyz%26foo%3D1"
        });
        let s = scrub(linked).to_string();
        assert!(
            !s.contains("alice") && !s.contains("MS4wLjABAAAAxyz"),
            "{s}"
        );
        assert!(s.contains("foo%3D1"), "{s}");
        let raw = serde_json::json!({
            "share_info": {"desc": "Some One's comment: hi", "title": "caption", "url": "https://www.tiktok.com/@someone/video/1"},
            "text_extra": [{"user_id": "6800", "hashtag_name": "x"}],
            "video_fn": "@someone_video_1.mp4"
        });
        let s = scrub(raw).to_string();
        assert!(
            !s.contains("someone") && !s.contains("Some One") && !s.contains("6800"),
            "{s}"
        );
        assert!(s.contains("caption") && s.contains("\"x\""), "{s}");
    }
}
