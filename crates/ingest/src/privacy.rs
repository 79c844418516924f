//! Pseudonymising the people in public data, before anything is stored.
//!
//! Readers of public data (Research API, Zeeschuimer, 4CAT, yt-dlp, pyktok,
//! personal exports, Business comments) never hand a raw handle, user id or
//! display name to the sink. They call [`Context::person`] for every author
//! and commenter, and [`scrub_raw`] on every raw record they keep.
//!
//! The key is HMAC-SHA256 with the project's secret over the platform and
//! the person's handle (lower-cased) when known, else their numeric user id
//! (`id:<uid>`). Handles are the identifier most sources share (Zeeschuimer,
//! 4CAT, pyktok and yt-dlp all carry one, while only some carry the numeric
//! id), so keying on them lets the same commenter match across sources. A
//! person who changes handle gets a new key: docs/privacy.md says so.

use crate::{Context, IngestError, Location};
use uptake_model::{author_key, PLATFORM_TIKTOK};

/// What a source says about a person.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Person<'a> {
    /// Numeric user id (`uid`, `author.id`, `uploader_id`), if given.
    pub user_id: Option<&'a str>,
    /// Handle (`uniqueId`, `unique_id`, `username`, `author`), with or without `@`.
    pub handle: Option<&'a str>,
}

/// A person as stored: a pseudonymous key, and the handle only when allowed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Author {
    /// The keyed pseudonym (`u_` + 12 hex digits).
    pub key: Option<String>,
    /// The handle, only for the project's own account or when the project
    /// keeps handles.
    pub handle: Option<String>,
}

fn clean_handle(h: &str) -> Option<String> {
    let h = h.trim().trim_start_matches('@').trim();
    (!h.is_empty()).then(|| h.to_lowercase())
}

impl Context<'_> {
    /// Pseudonymises a person. Fails when the project's secret was not given,
    /// so that no reader can store a person unprotected by mistake.
    pub fn person(&self, person: Person) -> Result<Author, IngestError> {
        let handle = person.handle.and_then(clean_handle);
        let user_id = person
            .user_id
            .map(str::trim)
            .filter(|u| !u.is_empty() && *u != "0");
        let basis = match (&handle, user_id) {
            (Some(h), _) => h.clone(),
            (None, Some(uid)) => format!("id:{uid}"),
            (None, None) => return Ok(Author::default()),
        };
        let own = match (
            &handle,
            self.options.account.as_deref().and_then(clean_handle),
        ) {
            (Some(h), Some(own)) => *h == own,
            _ => false,
        };
        let secret = self.options.secret.as_ref().ok_or_else(|| {
            IngestError::invalid(
                self.whole(),
                "this file names people, and no pseudonymisation secret was given; \
                 this is a bug in uptake (the project's secret must be passed to the reader)",
            )
        })?;
        Ok(Author {
            key: Some(author_key(secret, PLATFORM_TIKTOK, &basis)),
            handle: if own || self.options.keep_handles {
                handle
            } else {
                None
            },
        })
    }
}

/// JSON keys whose values identify a person. Their values are replaced in
/// raw records: by the pseudonym where the value is an identifier, by
/// `"[removed]"` where it is a name, bio or picture.
pub const IDENTIFYING_KEYS: &[&str] = &[
    // Zeeschuimer / TikTok web items and comments
    "uniqueId",
    "unique_id",
    "nickname",
    "secUid",
    "sec_uid",
    "uid",
    "authorId",
    "authorSecId",
    "signature",
    "avatarThumb",
    "avatarMedium",
    "avatarLarger",
    "avatar_thumb",
    "avatar_medium",
    "avatar_larger",
    "userUniqueId",
    "userId",
    "ins_id",
    "twitter_id",
    "twitter_name",
    "youtube_channel_id",
    "youtube_channel_title",
    "google_account",
    "short_id",
    // The link a person puts in their bio (`{"link": …}` in web items),
    // often to pages with their name.
    "bioLink",
    "bio_link",
    "bio_email",
    "bio_description",
    "avatar_url",
    "bio_url",
    "display_name",
    "username",
    "author_name",
    // A music object's author (for an "original sound", the video's
    // author), wherever TikTok nests it.
    "authorName",
    "author_full",
    "author_avatar",
    "author_avatar_url",
    "uploader",
    "uploader_id",
    "uploader_url",
    "channel",
    "channel_id",
    "channel_url",
    "creator",
    "profile_image",
    "unique_identifier",
    "owner",
    "video_mention_list",
    "styled_name",
    "screen_name",
    "user_id",
    "reply_to_username",
    "reply_to_nickname",
    "reply_to_userid",
    "reply_to_uid",
    "reply_to_unique_id",
    "reply_to_sec_uid",
];

/// Replaces `@handle` mentions in free text that is not content (file names,
/// locations, messages) with `@[removed]`, except the project's own handle.
/// pyktok names comment files `@<handle>_video_<id>_comments.csv`, and those
/// names end up in import records and warnings.
pub fn scrub_handles_in_text(text: &str, own: Option<&str>) -> String {
    let own = own.map(|h| h.trim_start_matches('@').to_lowercase());
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(pos) = rest.find('@') {
        out.push_str(&rest[..pos]);
        let after = &rest[pos + 1..];
        let len: usize = after
            .char_indices()
            .take_while(|(_, c)| c.is_alphanumeric() || *c == '_' || *c == '.')
            .map(|(i, c)| i + c.len_utf8())
            .last()
            .unwrap_or(0);
        let mut handle = after[..len].trim_end_matches('.');
        // pyktok's `@<handle>_video_<id>_comments.csv`: the handle ends there.
        if let Some(cut) = handle.find("_video_") {
            handle = &handle[..cut];
        }
        let keep = handle.is_empty() || own.as_deref() == Some(handle.to_lowercase().as_str());
        out.push('@');
        out.push_str(if keep { handle } else { "[removed]" });
        rest = &after[handle.len()..];
    }
    out.push_str(rest);
    out
}

/// Replaces identifying values in a raw JSON record (recursively): every key
/// in [`IDENTIFYING_KEYS`], and `author`/`user` when they are plain strings or
/// objects, become `"[removed]"`. Returns the scrubbed JSON text.
/// Inside a person object (`author`, `user`, `authorInfo`), `id` is the
/// person's user id and is removed too. A string or number under a person
/// key (or `author_username`) is removed also inside arrays, at any depth:
/// `"author": ["someone"]` names a person as much as `"author": "someone"`.
pub fn scrub_raw(raw: &serde_json::Value) -> serde_json::Value {
    scrub(raw, false, false)
}

/// Keys whose object value describes a person.
const PERSON_KEYS: &[&str] = &[
    "author",
    "user",
    "authorInfo",
    "reply_to_user",
    "owner_info",
];

/// `in_person`: the value is (in) a person object's value, where `id` is the
/// person's. `person_scalar`: strings and numbers here (and in arrays here)
/// are a person's handle or id.
fn scrub(raw: &serde_json::Value, in_person: bool, person_scalar: bool) -> serde_json::Value {
    use serde_json::Value;
    match raw {
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, v)| {
                    let person = PERSON_KEYS.contains(&k.as_str());
                    let identifying =
                        IDENTIFYING_KEYS.contains(&k.as_str()) || (in_person && k == "id");
                    // Flags (`owner`, `verified`) identify nobody: keep them.
                    let value = if identifying && !v.is_null() && !v.is_boolean() {
                        Value::String("[removed]".into())
                    } else {
                        scrub(v, person, person || k == "author_username")
                    };
                    (k.clone(), value)
                })
                .collect(),
        ),
        Value::Array(items) => Value::Array(
            items
                .iter()
                .map(|v| scrub(v, in_person, person_scalar))
                .collect(),
        ),
        Value::String(_) | Value::Number(_) if person_scalar => Value::String("[removed]".into()),
        other => other.clone(),
    }
}

/// Location helper for readers that report a missing secret per record.
pub fn no_secret(location: Location) -> IngestError {
    IngestError::invalid(
        location,
        "no pseudonymisation secret given (a bug in uptake)",
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Options;
    use uptake_model::PseudonymSecret;

    fn options() -> Options {
        Options {
            secret: Some(PseudonymSecret::from_bytes([9; 32])),
            account: Some("our_lab".into()),
            ..Options::default()
        }
    }

    #[test]
    fn people_get_stable_keys_and_no_handles() {
        let o = options();
        let ctx = Context::new("x.ndjson", &o);
        let a = ctx
            .person(Person {
                user_id: Some("6800"),
                handle: Some("@Someone"),
            })
            .unwrap();
        let b = ctx
            .person(Person {
                user_id: None,
                handle: Some("someone"),
            })
            .unwrap();
        assert_eq!(
            a.key, b.key,
            "the same handle from two sources is one person"
        );
        assert_eq!(a.handle, None);
        let own = ctx
            .person(Person {
                user_id: None,
                handle: Some("Our_Lab"),
            })
            .unwrap();
        assert_eq!(own.handle.as_deref(), Some("our_lab"));
        let by_id = ctx
            .person(Person {
                user_id: Some("6800"),
                handle: None,
            })
            .unwrap();
        assert_ne!(by_id.key, a.key);
        assert_eq!(ctx.person(Person::default()).unwrap(), Author::default());
    }

    #[test]
    fn keeping_handles_is_opt_in_and_a_missing_secret_is_an_error() {
        let mut o = options();
        o.keep_handles = true;
        let ctx = Context::new("x", &o);
        let a = ctx
            .person(Person {
                user_id: None,
                handle: Some("someone"),
            })
            .unwrap();
        assert_eq!(a.handle.as_deref(), Some("someone"));
        let none = Options::default();
        let ctx = Context::new("x", &none);
        assert!(ctx
            .person(Person {
                user_id: None,
                handle: Some("someone")
            })
            .is_err());
    }

    #[test]
    fn handles_in_file_names_are_removed_except_our_own() {
        assert_eq!(
            scrub_handles_in_text("x/@some.one_video_75_comments.csv", Some("our_lab")),
            "x/@[removed]_video_75_comments.csv"
        );
        assert_eq!(
            scrub_handles_in_text("https://www.tiktok.com/@Our_Lab/video/1", Some("our_lab")),
            "https://www.tiktok.com/@Our_Lab/video/1"
        );
        assert_eq!(scrub_handles_in_text("a@ b @", None), "a@ b @");
    }

    #[test]
    fn raw_records_lose_identifying_values() {
        let raw = serde_json::json!({
            "id": "75", "desc": "caption stays",
            "author": {"uniqueId": "someone", "nickname": "Some One", "id": "6800", "verified": false},
            "comments": [{"user": {"uid": "1", "unique_id": "x"}, "text": "hi"}],
            "author_username": "someone"
        });
        let s = scrub_raw(&raw).to_string();
        assert!(
            !s.contains("someone") && !s.contains("Some One") && !s.contains("\"x\""),
            "{s}"
        );
        assert!(!s.contains("6800"), "a person's id is removed: {s}");
        assert!(s.contains("\"75\""), "the video's id stays: {s}");
        assert!(s.contains("caption stays") && s.contains("\"hi\""), "{s}");
    }

    #[test]
    fn people_in_arrays_under_person_keys_are_removed() {
        let raw = serde_json::json!({"data": {
            "author_username": ["alice", 7],
            "author": [["alice"], {"id": "6800", "bio": "kept"}, true, null],
            "tags": ["kept"]
        }});
        let s = scrub_raw(&raw).to_string();
        assert!(
            !s.contains("alice") && !s.contains("6800") && !s.contains('7'),
            "{s}"
        );
        assert!(s.contains("\"kept\"") && s.contains("true,null"), "{s}");
    }
}
