//! The plain words for each kind of damage, fed real serde_json errors:
//! the message texts [`Code::of`] matches are pinned here, so a serde_json
//! upgrade that rewords one fails a test.

use super::*;
use proptest::prelude::*;
use serde::de::IgnoredAny;
use serde_json::Value;

const WHAT: &str = "a TikTok Research API response";

/// serde_json's error for `text` read as a value tree.
fn error(text: &[u8]) -> serde_json::Error {
    match serde_json::from_slice::<Value>(text) {
        Err(e) => e,
        Ok(v) => panic!("{} is valid JSON: {v}", String::from_utf8_lossy(text)),
    }
}

/// The line and message for `text` read whole.
fn words(text: &[u8]) -> (u64, String) {
    words_as(text, Layout::Document)
}

fn words_as(text: &[u8], layout: Layout) -> (u64, String) {
    let e = error(text);
    match damage(&e, WHAT, layout, line_of(text, e.line() as u64)) {
        Some(d) => (d.line, d.message),
        None => panic!("not described as damage: {e}"),
    }
}

/// The message for `text` on line 1.
fn said(text: &[u8]) -> String {
    let (line, message) = words(text);
    assert_eq!(line, 1, "{message}");
    message
}

#[test]
fn every_message_matched_is_serde_jsons_own() {
    let deep = "[".repeat(200);
    let cases: &[(&[u8], Code)] = &[
        (b"{\"a\":\"\xff\"}", Code::NotUtf8),
        (b"{\"a\":\"\\ud800 \"}", Code::Surrogate { after: true }),
        (b"{\"a\":\"\\udc00\"}", Code::Surrogate { after: false }),
        (
            b"{\"a\":\"\\ud800\\u0041\"}",
            Code::Surrogate { after: false },
        ),
        (b"{\"a\":\"\\x\"}", Code::BadEscape),
        (b"{\"a\":\"\t\"}", Code::Control),
        (b"[1,]", Code::TrailingComma),
        (b"{} x", Code::TrailingText),
        (b"{\"a\" 1}", Code::Needs("a `:` after the key")),
        (
            b"[1 2]",
            Code::Needs("a `,` or the `]` that closes the list"),
        ),
        (
            b"{\"a\":1 2}",
            Code::Needs("a `,` or the `}` that closes the object"),
        ),
        (b"[tru]", Code::Needs("`true`, `false` or `null`")),
        (b"[?]", Code::Needs("a value")),
        (b"{a:1}", Code::Needs("a key in double quotes")),
        (b"[01]", Code::BadNumber),
        (b"[1e999]", Code::NumberTooLarge),
        (deep.as_bytes(), Code::TooDeep),
        (b"[1,", Code::Ends(" where a value should follow")),
        (b"[1", Code::Ends(", inside a list")),
        (b"{\"a\"", Code::Ends(", inside an object")),
        (b"[\"a", Code::Ends(", inside a text")),
    ];
    for (text, code) in cases {
        let e = error(text);
        assert_eq!(Code::of(&serde_text(&e)), *code, "{e}");
    }
    // Only reading a text as a string raises this one.
    let e = serde_json::from_str::<String>("1")
        .err()
        .map(|e| serde_text(&e));
    assert_eq!(e.as_deref().map(Code::of), Some(Code::Other));
    let e = serde_json::from_str::<(String,)>("[1]").err();
    assert!(e.is_some_and(|e| e.classify() == Category::Data));
    // `expected "` comes from a struct key read from a non-string map key;
    // pinned through its text, as serde_json has no public way to raise it
    // from JSON text in a shape uptake reads.
    assert_eq!(
        Code::of("expected `\"`"),
        Code::Needs("a text in double quotes")
    );
}

#[test]
fn serde_text_drops_only_the_position() {
    let e = error(b"[1 2]");
    assert_eq!(e.to_string(), "expected `,` or `]` at line 1 column 4");
    assert_eq!(serde_text(&e), "expected `,` or `]`");
    let e = serde_json::from_value::<u8>(Value::from("x")).err();
    assert_eq!(
        e.map(|e| serde_text(&e)).as_deref(),
        Some("invalid type: string \"x\", expected u8")
    );
}

#[test]
fn bytes_that_are_not_utf8_are_named_in_hex() {
    assert_eq!(
        said(b"{\"a\":\"bad \xff\xfe byte\"}"),
        "invalid JSON in this TikTok Research API response, at column 11: bytes 0xFF 0xFE \
         (`ÿþ` in Windows-1252) are not UTF-8 text: the file was probably saved in another \
         encoding or damaged in transfer; convert it to UTF-8, or export or download it again"
    );
    // Escapes after the bad byte move serde_json's column: the byte is
    // still found.
    let m = said(b"{\"a\":\"caf\xe9 \\n\\n\\n x\"}");
    assert!(
        m.contains("at column 10: byte 0xE9 (`é` in Windows-1252) is not"),
        "{m}"
    );
    // A UTF-8 character cut short; no Windows-1252 reading of 0x81.
    let m = said(b"{\"a\":\"\xe2\x81 x\"}");
    assert!(
        m.contains("at column 7: bytes 0xE2 0x81 are not UTF-8"),
        "{m}"
    );
    // Without the text, the column alone.
    let e = error(b"{\"a\":\"\xff\"}");
    let m = damage(&e, WHAT, Layout::Document, None).map(|d| d.message);
    assert!(
        m.as_deref()
            .is_some_and(|m| m.contains("at column 7: the bytes there are not UTF-8 text")),
        "{m:?}"
    );
}

#[test]
fn a_lone_surrogate_is_half_an_emoji() {
    let want = |column: u64, escape: &str| {
        format!(
            "invalid JSON in this TikTok Research API response, at column {column}: `{escape}` \
             is half of a UTF-16 surrogate pair (the two escapes that write an emoji) and its \
             other half is missing: the tool that wrote the file probably cut a text inside an \
             emoji; remove that escape, or collect the record again"
        )
    };
    // A leading half followed by text, by the end of the string, by another
    // escape that is not a trailing half; a trailing half alone.
    assert_eq!(said(b"{\"a\":\"lone \\ud800 x\"}"), want(12, "\\ud800"));
    assert_eq!(said(b"{\"a\":\"cut \\uD83D\"}"), want(11, "\\uD83D"));
    assert_eq!(said(b"{\"a\":\"\\ud83d\\u0041\"}"), want(7, "\\ud83d"));
    assert_eq!(said(b"{\"a\":\"\\ud83d\\n\"}"), want(7, "\\ud83d"));
    assert_eq!(said(b"{\"a\":\"x\\ude00\"}"), want(8, "\\ude00"));
    let e = error(b"{\"a\":\"\\ud800 \"}");
    let m = damage(&e, WHAT, Layout::Document, None).map(|d| d.message);
    assert!(
        m.as_deref()
            .is_some_and(|m| m.contains("column 13: a `\\u` escape is half of a UTF-16")),
        "{m:?}"
    );
}

#[test]
fn an_invalid_escape_is_quoted() {
    assert_eq!(
        said(b"{\"a\":\"C:\\Users\"}"),
        "invalid JSON in this TikTok Research API response, at column 9: `\\U` is not a JSON \
         escape (a backslash in text is written `\\\\`, and `\\u` takes four hex digits): the \
         file was probably written or edited by a tool that does not escape text for JSON; \
         export it again, or fix that backslash"
    );
    let m = said(b"{\"a\":\"\\\\ \\u12G4\"}");
    assert!(
        m.contains("at column 10: `\\u12G4` is not a JSON escape"),
        "{m}"
    );
}

#[test]
fn control_characters_in_text_name_the_character() {
    let (line, m) = words(b"{\"a\":\"two\nlines\"}");
    assert_eq!(line, 1);
    assert_eq!(
        m,
        "invalid JSON in this TikTok Research API response, at the end of the line: a raw line \
         break inside a text, which JSON writes as `\\n`: the file was probably edited by hand, \
         or its lines were joined or split wrongly"
    );
    let m = said(b"{\"a\":\"a\tb\"}");
    assert!(
        m.contains("at column 8: a raw tab inside a text, which JSON writes as `\\t`"),
        "{m}"
    );
    let m = said(b"{\"a\":\"a\rb\"}");
    assert!(m.contains("a raw carriage return inside a text"), "{m}");
    let m = said(b"{\"a\":\"a\x1bb\"}");
    assert!(
        m.contains("control character U+001B inside a text, which JSON writes as `\\u001b`"),
        "{m}"
    );
}

#[test]
fn a_trailing_comma_points_at_the_comma() {
    let want = |column: u64, closing: &str| {
        format!(
            "invalid JSON in this TikTok Research API response, at column {column}: a comma \
             right before the closing `{closing}`, which JSON does not allow: the file was \
             probably edited by hand or joined wrongly; remove that comma"
        )
    };
    assert_eq!(said(b"{\"a\":[1,2, ]}"), want(10, "]"));
    assert_eq!(said(b"{\"a\":1,}"), want(7, "}"));
    // In a value read only to be skipped, serde_json reports a missing
    // value or key instead.
    for text in [&b"[1,]"[..], b"{\"a\":1,}"] {
        let e = serde_json::from_slice::<IgnoredAny>(text).err();
        let m = e.and_then(|e| damage(&e, WHAT, Layout::Document, line_of(text, 1)));
        assert!(
            m.as_ref()
                .is_some_and(|d| d.message.contains("a comma right before")),
            "{m:?}"
        );
    }
    // The comma on the line before: the bracket is named.
    let (line, m) = words(b"[1,\n]");
    assert_eq!(line, 2);
    assert!(
        m.contains("at column 1: a comma right before the closing `]`"),
        "{m}"
    );
}

#[test]
fn unexpected_text_is_quoted_briefly_and_safely() {
    assert_eq!(
        said(b"{\"a\":1 \"b\":2}"),
        "invalid JSON in this TikTok Research API response, at column 8: found `\"b\":2}` where \
         JSON needs a `,` or the `}` that closes the object: the file was probably edited by \
         hand, joined wrongly or damaged"
    );
    let m = said(b"{\"a\":NaN}");
    assert!(
        m.contains("at column 6: found `NaN}` where JSON needs a value"),
        "{m}"
    );
    let m = said(b"{\"a\":nan}");
    assert!(
        m.contains("at column 6: found `nan}` where JSON needs `true`, `false` or `null`"),
        "{m}"
    );
    let m = said(b"{'a':1}");
    assert!(
        m.contains("found `'a':1}` where JSON needs a key in double quotes"),
        "{m}"
    );
    // A long, hostile excerpt is cut and its escape sequence shown, not run.
    let mut text = b"{} \x1b[31m".to_vec();
    text.extend(std::iter::repeat_n(b'x', 50_000));
    let m = said(&text);
    assert!(
        m.contains("more text after the end of the JSON, starting `\\u{1b}[31mxxx"),
        "{m}"
    );
    assert!(!m.contains('\u{1b}') && m.len() < 400, "{m}");
    assert!(
        m.ends_with("x…`: the file was probably joined from pieces or edited by hand"),
        "{m}"
    );
    let (_, m) = words_as(b"{\"id\":1}{\"id\":2}", Layout::Line);
    assert!(
        m.ends_with(
            "more text after the end of the line's JSON object, starting `{\"id\":2}`: a line \
             holds one record, so two were probably joined on one line"
        ),
        "{m}"
    );
}

#[test]
fn numbers_json_does_not_allow_are_quoted_whole() {
    let m = said(b"{\"a\":012}");
    assert!(
        m.contains(
            "at column 6: `012` is not a JSON number (JSON allows no leading zeros, `NaN` or \
             `Infinity`): the file was probably written or edited by a tool that does not \
             follow JSON"
        ),
        "{m}"
    );
    let m = said(b"{\"a\":-}");
    assert!(m.contains("at column 6: `-` is not a JSON number"), "{m}");
    let m = said(b"{\"a\":1e999}");
    assert!(
        m.contains("at column 6: `1e999` is too large a number to read"),
        "{m}"
    );
}

#[test]
fn an_early_end_is_a_truncated_download() {
    assert_eq!(
        said(b"{\"data\":{\"videos\":[{\"id\":1}"),
        "invalid JSON in this TikTok Research API response, at column 27: it ends early, \
         inside a list (a truncated download?): download or export it again"
    );
    let m = said(b"{\"a\":\"cut");
    assert!(
        m.contains("it ends early, inside a text (a truncated"),
        "{m}"
    );
    // After a final newline, the end is that of the line before.
    let (line, m) = words(b"{\"a\":1,\n");
    assert_eq!(line, 1);
    assert!(
        m.contains("at the end of the line: it ends early where a value"),
        "{m}"
    );
    let (_, m) = words_as(b"{\"a\":[1,", Layout::Line);
    assert!(
        m.ends_with(
            "the line ends early where a value should follow (a truncated file, or a record \
             split over two lines?)"
        ),
        "{m}"
    );
}

#[test]
fn too_deep_and_unmatched_messages_still_say_where() {
    let deep = "[".repeat(200);
    let m = said(deep.as_bytes());
    assert!(
        m.contains(
            "at column 128: lists or objects nested more than 128 deep, which no TikTok file \
             has: the file is damaged or is not a TikTok Research API response"
        ),
        "{m}"
    );
    // A message this module does not know is passed on as serde_json words it.
    let (column, m) = problem(
        Code::Other,
        "something new",
        3,
        &Text(None),
        Layout::Document,
        WHAT,
    );
    assert_eq!((column, m.as_str()), (3, "something new"));
}

#[test]
fn data_and_io_errors_are_left_to_the_caller() {
    let e = serde_json::from_str::<u8>("\"x\"").err();
    assert!(e.is_some_and(|e| damage(&e, WHAT, Layout::Document, None).is_none()));
}

#[test]
fn the_kept_bytes_of_another_line_are_not_quoted() {
    let text = b"{\"a\":\n\"\xff\"}";
    let e = error(text);
    let other = Around {
        line: 1,
        from: 1,
        bytes: b"{\"a\":",
    };
    let d = damage(&e, WHAT, Layout::Document, Some(other));
    assert_eq!(
        d.map(|d| (d.line, d.message.contains("the bytes there are not UTF-8"))),
        Some((2, true))
    );
}

#[test]
fn readers_that_check_the_encoding_share_the_words() {
    assert_eq!(
        not_utf8("a Zeeschuimer capture", 4, b"\x93quoted\x94"),
        "invalid JSON in this Zeeschuimer capture, at column 4: byte 0x93 (`“` in \
         Windows-1252) is not UTF-8 text: the file was probably saved in another encoding or \
         damaged in transfer; convert it to UTF-8, or export or download it again"
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// Any damaged text, with any part of its line kept, is described
    /// without a panic, and briefly.
    #[test]
    fn any_error_is_described_without_panic(
        text in proptest::collection::vec(any::<u8>(), 0..200),
        from in 0u64..300,
        cut in 0usize..200,
    ) {
        let mut json = b"{\"a\":[\"".to_vec();
        json.extend_from_slice(&text);
        if let Err(e) = serde_json::from_slice::<Value>(&json) {
            let kept = json.get(cut.min(json.len())..).unwrap_or_default();
            for around in [
                line_of(&json, e.line() as u64),
                Some(Around { line: e.line() as u64, from, bytes: kept }),
                None,
            ] {
                if let Some(d) = damage(&e, WHAT, Layout::Line, around) {
                    prop_assert!(d.message.len() < 1_000, "{}", d.message);
                }
            }
        }
    }
}
