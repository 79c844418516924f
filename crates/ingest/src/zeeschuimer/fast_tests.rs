//! The fast path against the serde walk it stands in for: on every line the
//! scanner accepts, its raw record, captures and NUL count must be exactly
//! the walk's, and it must accept no line the walk refuses. Lines are
//! generated from the keys, escapes and numbers the rules single out, then
//! also damaged byte by byte.

use super::capture::{Captured, FIELDS};
use super::fast::walk_line;
use super::raw::State;
use super::scrub::{KeySet, EXTRA_KEYS, IDENTIFYING};
use super::walk;
use crate::privacy::IDENTIFYING_KEYS;
use proptest::prelude::*;

/// What a read of one line gives: the raw record, the captures (as debug
/// text, so that `-0.0` and `0.0` differ) and the NUL count.
type Outcome = (String, Vec<String>, u64);

fn keys() -> KeySet {
    let mut keys = KeySet::new(IDENTIFYING_KEYS);
    for k in EXTRA_KEYS {
        keys.add(k, IDENTIFYING);
    }
    keys
}

fn outcome(state: State) -> Outcome {
    let cap = &state.cap;
    let mut fields: Vec<String> = (0..FIELDS).map(|f| format!("{:?}", cap.get(f))).collect();
    fields.push(format!(
        "{} {} {}",
        cap.envelope_object, cap.saw_data, cap.data_object
    ));
    fields.push(cap.names().collect::<Vec<_>>().join("\0"));
    (state.out, fields, state.nuls)
}

/// The fast path's result, or `None` when it gives up.
fn fast(line: &str, keys: &KeySet) -> Option<Outcome> {
    let mut state = State {
        out: String::new(),
        cap: Captured::default(),
        keys,
        nuls: 0,
    };
    walk_line(line, &mut state).ok()?;
    Some(outcome(state))
}

/// The walk's result, or `None` when the line is invalid.
fn slow(line: &str, keys: &KeySet) -> Option<Outcome> {
    let mut state = State {
        out: String::new(),
        cap: Captured::default(),
        keys,
        nuls: 0,
    };
    walk(line, &mut state).ok()?;
    Some(outcome(state))
}

/// Checks one line; true when the fast path took it.
fn agrees(line: &str) -> Result<bool, TestCaseError> {
    let keys = keys();
    match fast(line, &keys) {
        None => Ok(false),
        Some(quick) => {
            prop_assert_eq!(Some(quick), slow(line, &keys), "{}", line);
            Ok(true)
        }
    }
}

const KEYS: &[&str] = &[
    "user_agent",
    "data",
    "item_id",
    "timestamp_collected",
    "source_platform",
    "id",
    "desc",
    "author",
    "authorId",
    "uniqueId",
    "nickname",
    "user",
    "uid",
    "unique_id",
    "authorInfo",
    "author_username",
    "secUid",
    "sec_uid",
    "userId",
    "user_id",
    "signature",
    "reply_to_username",
    "music",
    "authorName",
    "title",
    "share_info",
    "stats",
    "statsV2",
    "playCount",
    "authorStats",
    "heart",
    "video",
    "duration",
    "text",
    "avatar_thumb",
    "url_list",
    "x",
    "é",
];

const STRINGS: &[&str] = &[
    "",
    "a",
    "Some One",
    "tiktok.com",
    "http",
    "https://t.com/@h/video/1?lang=en",
    "https://t.com/api/?secUid=MS4&count=3&uid=1&d=2",
    "https://t.com/?user_id&x=1",
    "/@h",
    "@",
    "é😴",
    "\\n",
    "\\\"",
    "\\\\",
    "\\t",
    "\\u001f",
    "\\u0001",
    "\\u0000",
    "\\u000a",
    "\\u00e9",
    "\\u001F",
    "\\/",
    "\\ud83d\\ude34",
    "\\b",
    "\\f",
    "\\r",
    "\\u000b",
    "\\u0068ttps://t.com/@h",
    "\\u0040",
    "https:\\/\\/t.com\\/@h",
    "HTTPS://T.COM/@h",
    "www.tiktok.com/@h",
    "TikTok.COM/%40h",
    "/%40h",
    "%2F@h",
    "%2f%40h",
    "tiktok.com",
    "\\tiktok.com/@h",
    "?redirect_url=https://www.tiktok.com/@h",
    "?redirect_url=https%3A%2F%2Fwww.tiktok.com%2F%40h",
    "&uid=1",
    // Handles encoded twice or more, and half-encoded look-alikes.
    "%252F%2540h",
    "/%2540h",
    "%2540h",
    "%25252f%25252540h",
    "%2541h",
    // Person parameters in encoded redirects, and look-alikes.
    "?redirect_url=https%3A%2F%2Fwww.tiktok.com%2Fview%3FsecUid%3DMS4%26foo%3D1",
    "%3FsecUid%3DMS4",
    "%26uid%3d1",
    "%253Fuser_id%253D5%2526x",
    "%3FUid%3D2",
    "%26",
];

const NUMBERS: &[&str] = &[
    "0",
    "7",
    "-3",
    "-0",
    "1725010000123",
    "123456789012345678",
    "1234567890123456789",
    "18446744073709551616",
    "-9223372036854775809",
    "0.5",
    "-14.2",
    "1.50",
    "0.00001",
    "1e5",
    "1E+2",
    "2.5e-3",
    "1e400",
    "01",
    "-",
    "1.",
    ".5",
    "1.0",
    "-0.0",
    "0.0001",
    "123456789.012345",
    "0.123456789012345",
    "-98765.4321098765",
    "999999999999999999",
    "-999999999999999999",
    "-1234567890123456789",
    "9223372036854775807",
    "-9223372036854775808",
    "9999999999999999999",
];

const SPACES: &[&str] = &["", "", "", "", " ", "\t", "\r\n "];

fn space() -> impl Strategy<Value = &'static str> {
    prop::sample::select(SPACES)
}

fn string() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(STRINGS), 0..4)
        .prop_map(|parts| format!("\"{}\"", parts.concat()))
}

fn key() -> impl Strategy<Value = String> {
    prop::sample::select(KEYS).prop_map(|k| format!("\"{k}\""))
}

fn value() -> impl Strategy<Value = String> {
    let leaf = prop_oneof![
        4 => string(),
        3 => prop::sample::select(NUMBERS).prop_map(str::to_string),
        1 => prop::sample::select(&["true", "false", "null"][..]).prop_map(str::to_string),
    ];
    leaf.prop_recursive(5, 64, 6, |inner| {
        prop_oneof![
            (
                prop::collection::vec((space(), inner.clone()), 0..5),
                space()
            )
                .prop_map(|(items, end)| {
                    let items: Vec<String> =
                        items.into_iter().map(|(s, v)| s.to_string() + &v).collect();
                    format!("[{}{end}]", items.join(","))
                }),
            object(inner),
        ]
    })
}

fn object(inner: impl Strategy<Value = String>) -> impl Strategy<Value = String> {
    (
        prop::collection::vec((space(), key(), space(), space(), inner), 0..7),
        space(),
    )
        .prop_map(|(members, end)| {
            let members: Vec<String> = members
                .into_iter()
                .map(|(a, k, b, c, v)| format!("{a}{k}{b}:{c}{v}"))
                .collect();
            format!("{{{}{end}}}", members.join(","))
        })
}

/// A person key holding an array, with scalars and arrays inside:
/// `"author":["h",[7]]`.
fn person_array() -> impl Strategy<Value = String> {
    let leaf = prop_oneof![
        string(),
        prop::sample::select(NUMBERS).prop_map(str::to_string),
    ];
    (
        prop::sample::select(&["author", "author_username", "user", "authorInfo"][..]),
        prop::collection::vec(leaf.clone(), 0..3),
        prop::collection::vec(leaf, 0..3),
    )
        .prop_map(|(key, outer, inner)| {
            let mut items = outer;
            items.push(format!("[{}]", inner.join(",")));
            format!("\"{key}\":[{}]", items.join(","))
        })
}

/// A `share_info` object (or a `music` one, whose `authorName` goes wherever
/// it is) inside arrays, whose text is removed
/// all the same: in an array under its key (`"music":[{"authorName":"h"}]`,
/// also in an array of arrays, and below an object) or as the member of an
/// object in another array (`"playlist":[{"music":{…}}]`).
fn context_array() -> impl Strategy<Value = String> {
    let member = (
        prop::sample::select(&["authorName", "desc", "title", "url", "id", "music"][..]),
        string(),
    )
        .prop_map(|(k, v)| format!("\"{k}\":{v}"));
    let object = prop::collection::vec(member, 0..4).prop_map(|m| format!("{{{}}}", m.join(",")));
    (
        prop::sample::select(&["music", "share_info"][..]),
        0..4u8,
        prop::collection::vec(object, 1..3),
    )
        .prop_map(|(key, shape, objects)| {
            let first = objects.first().cloned().unwrap_or_default();
            let all = objects.join(",");
            match shape {
                0 => format!("\"{key}\":[{all}]"),
                1 => format!("\"{key}\":[[{all}],\"s\",7,[[{first}]]]"),
                2 => format!("\"playlist\":[{{\"{key}\":{first}}},{all}]"),
                _ => format!("\"x\":{{\"{key}\":[{all}]}}"),
            }
        })
}

/// Puts `member` first in `object` (an object's text).
fn with_member(object: &str, member: &str) -> String {
    match object.strip_prefix('{') {
        Some(rest) if rest.trim_start().starts_with('}') => format!("{{{member}}}"),
        Some(rest) => format!("{{{member},{rest}"),
        None => object.to_string(),
    }
}

/// A line: an object, usually with a `data` object inside, which often
/// has a person key holding an array, or a music or share_info object in
/// an array.
fn line() -> impl Strategy<Value = String> {
    (
        object(value()),
        object(value()),
        prop::option::of(person_array()),
        prop::option::of(context_array()),
    )
        .prop_map(|(envelope, data, person, context)| {
            let mut data = data;
            for member in [person, context].into_iter().flatten() {
                data = with_member(&data, &member);
            }
            with_member(&envelope, &format!("\"data\":{data}"))
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2_000))]

    #[test]
    fn fast_path_gives_what_the_walk_gives(line in line()) {
        agrees(&line)?;
    }

    #[test]
    fn fast_path_accepts_no_damaged_line_the_walk_refuses(
        line in line(),
        at in any::<prop::sample::Index>(),
        byte in prop::sample::select(&b"{}[]\",:\\ -.e0x\x01"[..]),
        how in 0..3u8,
    ) {
        let mut bytes = line.into_bytes();
        let i = at.index(bytes.len() + 1);
        match how {
            0 if i < bytes.len() => bytes[i] = byte,
            1 => bytes.insert(i, byte),
            _ => bytes.truncate(i),
        }
        if let Ok(text) = std::str::from_utf8(&bytes) {
            agrees(text)?;
        }
    }
}

#[test]
fn most_generated_lines_take_the_fast_path() {
    // The property tests above prove nothing if the scanner gives up on
    // everything: check that it takes the usual shapes.
    let lines = [
        r#"{"id":1,"item_id":"7","timestamp_collected":1725010004595,"source_platform":"tiktok.com","user_agent":"Mozilla/5.0","data":{"id":"7","desc":"a \"q\"\n","author":{"id":"68","uniqueId":"someone","nickname":"Some One"},"stats":{"playCount":15200},"music":{"authorName":"Some One","title":"original sound - Some One","volume":-14.2},"x":[1,0.89,"https://t.com/@someone/video/7?lang=en&secUid=MS4"]}}"#,
        r#"{"user_agent":"x", "item_id" : "1", "source_platform":"tiktok-comments","data":{"cid":"1","user":{"uid":"6800","unique_id":"x"},"reply_to_username":"y","share_info":{"desc":"z"}}}"#,
        r#"{"data":{"author":"handle","author_username":5,"authorInfo":[{"id":1},[{"id":2}]]}}"#,
        r#"{"data":{"author":["alice",[7,-0.5]],"author_username":["alice"],"x":{"music":{"authorName":"a"}},"u":"www.tiktok.com/@alice","v":"https://www.tiktok.com/login?redirect_url=https%3A%2F%2Fwww.tiktok.com%2F%40alice"}}"#,
    ];
    for line in lines {
        assert_eq!(agrees(line).ok(), Some(true), "{line}");
    }
    // The rules closing the gaps of docs/privacy.md: the scanner applies
    // them itself, and removes the people.
    let line = concat!(
        r#"{"data":{"music":[{"authorName":"Maker A"},[{"authorName":"Maker B"}]],"#,
        r#""x":[{"share_info":[{"desc":"Sharer's"}]}],"#,
        r#""u":"https://www.tiktok.com/%252F%2540alice","#,
        r#""v":"https://t.com/l?r=%2Fview%3FsecUid%3DMS4secret%26foo%3D1"}}"#
    );
    assert_eq!(agrees(line).ok(), Some(true), "{line}");
    let raw = fast(line, &keys()).map(|o| o.0).unwrap_or_default();
    for person in ["Maker", "Sharer", "alice", "MS4secret"] {
        assert!(!raw.contains(person), "`{person}` left in {raw}");
    }
    // Escapes the walk would write differently are handed to it, value by
    // value, without giving up on the line.
    let line = r#"{"data":{"desc":"caf\u00e9 \/ \u0000","n":1.50,"author":{"nickname":"\u00e9"}}}"#;
    assert_eq!(agrees(line).ok(), Some(true));
    // Escaped keys and deep nesting are left to the walk.
    for line in [
        r#"{"a\nb":1}"#,
        &format!("{{\"x\":{}1{}}}", "[".repeat(120), "]".repeat(120)),
    ] {
        assert_eq!(agrees(line).ok(), Some(false), "{line}");
    }
}
