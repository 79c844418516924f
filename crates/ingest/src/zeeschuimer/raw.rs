//! The one-pass raw-record writer: a serde visitor ([`Walk`]) that writes
//! each line back as JSON with identifying values removed (the rules of
//! [`crate::privacy::scrub_raw`] plus the reader's own, see [`super::scrub`])
//! while it captures the fields the records need, and the JSON text writers
//! that keep its output byte-for-byte what serde_json would write. It is the
//! reference the fast path (`super::fast`) follows, and reads what that
//! leaves to it: single values, or whole lines it gives up on.

use super::capture::{child, Captured, Slot, F_AUTHOR_HANDLE};
use super::links::scrub_links;
use super::scrub::{element_slot, extra_identifying, KeySet, IDENTIFYING, PERSON, PERSON_SCALAR};
use crate::api_json::Scalar;
use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};
use std::borrow::Cow;
use std::fmt::{self, Write as _};

/// What the walk writes into and captures from one line.
pub(super) struct State<'k> {
    /// The raw record being written.
    pub(super) out: String,
    pub(super) cap: Captured,
    pub(super) keys: &'k KeySet,
    /// Strings that had NUL characters removed.
    pub(super) nuls: u64,
}

impl State<'_> {
    /// Removes NUL characters, counting the strings that had any.
    fn clean<'a>(&mut self, s: &'a str) -> Cow<'a, str> {
        if s.contains('\0') {
            self.nuls += 1;
            Cow::Owned(s.replace('\0', ""))
        } else {
            Cow::Borrowed(s)
        }
    }

    pub(super) fn capture(&mut self, slot: Slot, value: Scalar) {
        match slot {
            Slot::Field(f) => self.cap.set(f, value),
            // Shape B: `author` is the handle itself.
            Slot::Author => self.cap.set(F_AUTHOR_HANDLE, value),
            _ => {}
        }
    }

    /// [`capture`](Self::capture) for a string, without allocating.
    pub(super) fn capture_text(&mut self, slot: Slot, value: &str) {
        match slot {
            Slot::Field(f) => self.cap.set_text(f, value),
            Slot::Author => self.cap.set_text(F_AUTHOR_HANDLE, value),
            _ => {}
        }
    }

    pub(super) fn wants(slot: Slot) -> bool {
        matches!(slot, Slot::Field(_) | Slot::Author)
    }
}

/// Walks one JSON value, writing its scrubbed text and capturing the fields
/// its slot asks for. `in_person` and `replace_scalar` carry the rules of
/// `privacy::scrub_raw`: inside a person object `id` is the person's; a
/// person key's string or number value is removed, also inside arrays.
pub(super) struct Walk<'s, 'k> {
    pub(super) st: &'s mut State<'k>,
    pub(super) slot: Slot,
    pub(super) in_person: bool,
    pub(super) replace_scalar: bool,
}

impl<'de> DeserializeSeed<'de> for Walk<'_, '_> {
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl Walk<'_, '_> {
    fn scalar(self, value: Scalar, text: impl FnOnce(&mut String)) {
        if State::wants(self.slot) {
            self.st.capture(self.slot, value);
        }
        if self.replace_scalar {
            self.st.out.push_str("\"[removed]\"");
        } else {
            text(&mut self.st.out);
        }
    }
}

impl<'de> Visitor<'de> for Walk<'_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<(), E> {
        self.st.out.push_str(if v { "true" } else { "false" });
        Ok(())
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<(), E> {
        let value = if v >= 0 {
            Scalar::UInt(v as u64)
        } else {
            Scalar::Int(v)
        };
        self.scalar(value, |out| {
            let _ = write!(out, "{v}");
        });
        Ok(())
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<(), E> {
        self.scalar(Scalar::UInt(v), |out| {
            let _ = write!(out, "{v}");
        });
        Ok(())
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<(), E> {
        self.scalar(Scalar::Float(v), |out| write_f64(out, v));
        Ok(())
    }

    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<(), E> {
        // Borrowed means the input had no escapes, so the text has no `"`,
        // `\` or control characters (JSON forbids them unescaped; NUL among
        // them) and is written back as it is, without re-escaping.
        if State::wants(self.slot) {
            self.st.capture_text(self.slot, v);
        }
        let out = &mut self.st.out;
        if self.replace_scalar {
            out.push_str("\"[removed]\"");
        } else {
            out.push('"');
            out.push_str(&scrub_links(v));
            out.push('"');
        }
        Ok(())
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<(), E> {
        let clean = self.st.clean(v);
        if State::wants(self.slot) {
            self.st.capture_text(self.slot, &clean);
        }
        if self.replace_scalar {
            self.st.out.push_str("\"[removed]\"");
        } else {
            write_str(&mut self.st.out, &scrub_links(&clean));
        }
        Ok(())
    }

    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        self.st.out.push_str("null");
        Ok(())
    }

    fn visit_none<E: de::Error>(self) -> Result<(), E> {
        self.st.out.push_str("null");
        Ok(())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        // A person key's scalars are removed inside arrays too
        // (`"author": ["someone"]`), at any depth: `replace_scalar` is kept.
        // So is the text of share_info objects in arrays.
        let Walk {
            st,
            slot,
            in_person,
            replace_scalar,
        } = self;
        let slot = element_slot(slot);
        st.out.push('[');
        let mut first = true;
        loop {
            let mark = st.out.len();
            if !first {
                st.out.push(',');
            }
            let element = Walk {
                st: &mut *st,
                slot,
                in_person,
                replace_scalar,
            };
            if seq.next_element_seed(element)?.is_none() {
                st.out.truncate(mark);
                break;
            }
            first = false;
        }
        st.out.push(']');
        Ok(())
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let Walk {
            st,
            slot,
            in_person,
            ..
        } = self;
        match slot {
            Slot::Envelope => st.cap.envelope_object = true,
            Slot::Data => st.cap.data_object = true,
            _ => {}
        }
        st.out.push('{');
        let mut first = true;
        while let Some(raw_key) = map.next_key_seed(KeySeed)? {
            // A borrowed key had no escapes: it is written back verbatim.
            let plain = matches!(raw_key, Cow::Borrowed(_));
            let key = match raw_key {
                Cow::Borrowed(k) => Cow::Borrowed(k),
                Cow::Owned(k) => Cow::Owned(st.clean(&k).into_owned()),
            };
            if slot == Slot::Envelope {
                match key.as_ref() {
                    // The browser's user agent says nothing about TikTok and
                    // narrows down who collected the data.
                    "user_agent" => {
                        map.next_value::<IgnoredAny>()?;
                        continue;
                    }
                    "data" => st.cap.saw_data = true,
                    _ => {}
                }
            }
            if !first {
                st.out.push(',');
            }
            first = false;
            let key: &str = &key;
            if plain {
                st.out.push('"');
                st.out.push_str(key);
                st.out.push('"');
            } else {
                write_str(&mut st.out, key);
            }
            st.out.push(':');
            let child_slot = child(slot, key.as_bytes());
            let flags = st.keys.flags(key);
            let identifying = flags & IDENTIFYING != 0
                || (in_person && key == "id")
                || (slot != Slot::Skip && extra_identifying(slot, key.as_bytes()));
            if identifying {
                map.next_value_seed(Replace {
                    st: &mut *st,
                    slot: child_slot,
                })?;
            } else {
                let person = flags & PERSON != 0;
                map.next_value_seed(Walk {
                    st: &mut *st,
                    slot: child_slot,
                    in_person: person,
                    replace_scalar: person || flags & PERSON_SCALAR != 0,
                })?;
            }
        }
        st.out.push('}');
        Ok(())
    }
}

/// An identifying value: captured if its slot asks, written as
/// `"[removed]"` (or `null` when it is null).
pub(super) struct Replace<'s, 'k> {
    pub(super) st: &'s mut State<'k>,
    pub(super) slot: Slot,
}

impl<'de> DeserializeSeed<'de> for Replace<'_, '_> {
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl Replace<'_, '_> {
    fn removed(self, value: Option<Scalar>) {
        if let Some(value) = value {
            if State::wants(self.slot) {
                self.st.capture(self.slot, value);
            }
        }
        self.st.out.push_str("\"[removed]\"");
    }
}

impl<'de> Visitor<'de> for Replace<'_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<(), E> {
        self.removed(None);
        Ok(())
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<(), E> {
        let value = if v >= 0 {
            Scalar::UInt(v as u64)
        } else {
            Scalar::Int(v)
        };
        self.removed(Some(value));
        Ok(())
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<(), E> {
        self.removed(Some(Scalar::UInt(v)));
        Ok(())
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<(), E> {
        self.removed(Some(Scalar::Float(v)));
        Ok(())
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<(), E> {
        let value = State::wants(self.slot).then(|| Scalar::Text(v.replace('\0', "")));
        self.removed(value);
        Ok(())
    }

    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        self.st.out.push_str("null");
        Ok(())
    }

    fn visit_none<E: de::Error>(self) -> Result<(), E> {
        self.st.out.push_str("null");
        Ok(())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        self.removed(None);
        Ok(())
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        self.removed(None);
        Ok(())
    }
}

/// Reads an object key, borrowing it from the line when it has no escapes.
struct KeySeed;

impl<'de> DeserializeSeed<'de> for KeySeed {
    type Value = Cow<'de, str>;
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_str(KeySeed)
    }
}

impl<'de> Visitor<'de> for KeySeed {
    type Value = Cow<'de, str>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an object key")
    }

    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
        Ok(Cow::Borrowed(v))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(Cow::Owned(v.to_string()))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
        Ok(Cow::Owned(v))
    }
}

/// Appends a float as serde_json writes it (shortest round-trip form).
fn write_f64(out: &mut String, v: f64) {
    match serde_json::Number::from_f64(v) {
        Some(n) => {
            let _ = write!(out, "{n}");
        }
        None => out.push_str("null"),
    }
}

/// Bytes that serde_json escapes in strings: control characters, `"`, `\\`.
const fn needs_escape() -> [bool; 256] {
    let mut table = [false; 256];
    let mut i = 0;
    while i < 0x20 {
        table[i] = true;
        i += 1;
    }
    table[b'"' as usize] = true;
    table[b'\\' as usize] = true;
    table
}

const NEEDS_ESCAPE: [bool; 256] = needs_escape();

/// Appends `s` as a JSON string literal, escaped exactly as serde_json
/// escapes it (so that raw records compare equal to `Value::to_string`).
pub(crate) fn write_str(out: &mut String, s: &str) {
    out.push('"');
    let mut start = 0;
    for (i, b) in s.bytes().enumerate() {
        if !NEEDS_ESCAPE[b as usize] {
            continue;
        }
        out.push_str(s.get(start..i).unwrap_or(""));
        match b {
            b'"' => out.push_str("\\\""),
            b'\\' => out.push_str("\\\\"),
            b'\n' => out.push_str("\\n"),
            b'\r' => out.push_str("\\r"),
            b'\t' => out.push_str("\\t"),
            0x08 => out.push_str("\\b"),
            0x0c => out.push_str("\\f"),
            _ => {
                let _ = write!(out, "\\u{b:04x}");
            }
        }
        start = i + 1;
    }
    out.push_str(s.get(start..).unwrap_or(""));
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::privacy::{scrub_raw, IDENTIFYING_KEYS};

    fn raw_of(line: &str) -> String {
        let keys = KeySet::new(IDENTIFYING_KEYS);
        let mut state = State {
            out: String::new(),
            cap: Captured::default(),
            keys: &keys,
            nuls: 0,
        };
        let mut de = serde_json::Deserializer::from_str(line);
        let walk = Walk {
            st: &mut state,
            slot: Slot::Envelope,
            in_person: false,
            replace_scalar: false,
        };
        assert!(walk.deserialize(&mut de).is_ok());
        state.out
    }

    #[test]
    fn scrubs_like_scrub_raw() {
        // No user_agent, links with handles, music or share_info here: on
        // such input the walk must give exactly what `scrub_raw` gives.
        let lines = [
            r#"{"id":1,"item_id":"74","source_platform":"tiktok.com","data":{"id":"74","desc":"a \"q\" \\ é 😴\n\t\u0001\u001f\b\f","createTime":"1725000000","author":{"id":"6800","uniqueId":"someone","nickname":"Some One","secUid":"MS4","verified":false,"avatarThumb":"https://p16/x.jpeg"},"stats":{"playCount":15200,"collectCount":"102"},"x":[1,-2,0.5,1e300,12345678901234567890,null,true,{"author":"h","user":{"id":7,"avatar_thumb":{"url_list":["u"]}}}],"textExtra":[{"userUniqueId":"friend","userId":"9","hashtagName":"sleep"}],"authorInfo":[{"id":"5"}],"author_username":7,"user":null,"uid":null}}"#,
            r#"{"item_id":"1","source_platform":"tiktok-comments","data":{"cid":"1","aweme_id":"74","user":{"uid":"6800","unique_id":"x","avatar_thumb":{"url_list":["a"]}},"reply_to_user":"x","owner_info":{"id":1}}}"#,
            // Person keys holding arrays, at any depth.
            r#"{"data":{"author_username":["alice",[7,-0.5,true,null]],"author":["alice",{"id":"1","x":["kept"]}],"user":[[["alice"]]],"users":["kept"]}}"#,
        ];
        for line in lines {
            let value: serde_json::Value = serde_json::from_str(line).unwrap_or_default();
            assert_eq!(raw_of(line), scrub_raw(&value).to_string(), "{line}");
        }
    }

    #[test]
    fn extra_rules_drop_user_agent_links_and_names() {
        let line = r#"{"user_agent":"Mozilla/5.0","source_platform_url":"https://www.tiktok.com/@someone?lang=en","data":{"music":{"authorName":"Some One","title":"t"},"share_info":{"desc":"Some One's comment","url":"https://www.tiktok.com/@someone/video/1?x=1"},"desc":"hi @someone"}}"#;
        let raw = raw_of(line);
        assert!(!raw.contains("Mozilla"), "{raw}");
        assert!(!raw.contains("Some One"), "{raw}");
        assert!(
            raw.contains("https://www.tiktok.com/@[removed]?lang=en"),
            "{raw}"
        );
        assert!(
            raw.contains("https://www.tiktok.com/@[removed]/video/1?x=1"),
            "{raw}"
        );
        assert!(raw.contains("hi @someone"), "captions keep mentions: {raw}");
    }

    #[test]
    fn music_authors_anywhere_and_share_info_in_arrays_lose_their_names() {
        let line = concat!(
            r#"{"item_id":"1","data":{"music":[{"authorName":"Maker A","title":"t"},"#,
            r#"[{"authorName":"Maker B"}],"s",7],"#,
            r#""x":{"share_info":[[{"desc":"Sharer's","url":"u"}]]},"#,
            r#""p":[{"music":{"authorName":"Maker C"}}],"#,
            r#""q":[{"authorName":"Maker D","desc":"kept"}],"#,
            r#""musics":{"x":{"authorName":"Maker E"}}}}"#
        );
        let expected = concat!(
            r#"{"item_id":"1","data":{"music":[{"authorName":"[removed]","title":"t"},"#,
            r#"[{"authorName":"[removed]"}],"s",7],"#,
            r#""x":{"share_info":[[{"desc":"[removed]","url":"u"}]]},"#,
            r#""p":[{"music":{"authorName":"[removed]"}}],"#,
            r#""q":[{"authorName":"[removed]","desc":"kept"}],"#,
            r#""musics":{"x":{"authorName":"[removed]"}}}}"#
        );
        assert_eq!(raw_of(line), expected);
    }

    #[test]
    fn links_encoded_twice_and_encoded_redirects_lose_people() {
        let line = concat!(
            r#"{"data":{"a":"https://www.tiktok.com/%2540alice","#,
            r#""b":"https://t.com/l?r=https%253A%252F%252Fwww.tiktok.com%252F%2540bob","#,
            r#""c":"https://www.tiktok.com/login?redirect_url=https%3A%2F%2Fwww.tiktok.com%2Fview%3FsecUid%3DMS4wLjABAAAA%26foo%3D1"}}"#
        );
        let expected = concat!(
            r#"{"data":{"a":"https://www.tiktok.com/%2540[removed]","#,
            r#""b":"https://t.com/l?r=https%253A%252F%252Fwww.tiktok.com%252F%2540[removed]","#,
            r#""c":"https://www.tiktok.com/login?redirect_url=https%3A%2F%2Fwww.tiktok.com%2Fview%3FsecUid%3D[removed]%26foo%3D1"}}"#
        );
        assert_eq!(raw_of(line), expected);
    }
}
