//! The fast path of the raw-record writer. A capture is compact JSON, and
//! its raw record is the same text with a few values replaced: this scanner
//! validates the line and copies it through in long runs, writing only where
//! the record differs (a removed value, a link with a handle, whitespace,
//! the envelope's `user_agent`). Each run is one `push_str`.
//!
//! It applies the rules of the serde walk ([`Walk`]) and must give exactly
//! its output and captures. It handles the common shapes itself and hands
//! the rest to the walk: a string with escapes the walk would write
//! differently (`\/`, `\u00e9`, `\u0000`) or a number it would reformat
//! (`1.50`, `-0`, `1e5`) is read by the walk from that value's own text. Any
//! line it does not understand, including every line that is not valid JSON,
//! makes it give up ([`Bail`]); the caller then reads the line with the walk,
//! which gives the error message. Giving up is always safe, so the scanner
//! only needs to accept a subset of what serde_json accepts: it refuses
//! escaped keys, deep nesting and anything unexpected.

use super::capture::{child, Slot};
use super::lex::{escape, find_special, plain_fraction};
use super::links::{might_link, scrub_links};
use super::raw::{Replace, State, Walk};
use super::scrub::{element_slot, extra_identifying, CONTEXT, IDENTIFYING, PERSON, PERSON_SCALAR};
use crate::api_json::Scalar;
use serde::de::{DeserializeSeed, IgnoredAny};
use std::borrow::Cow;

/// Nesting deeper than this is left to the walk. serde_json refuses 128
/// levels; staying well below means the scanner never accepts a line the
/// walk would refuse.
const MAX_DEPTH: usize = 100;

/// What a removed value is written as.
const REMOVED: &str = "\"[removed]\"";

/// The scanner gave up on the line: read it with the serde walk instead.
#[derive(Debug)]
pub(super) struct Bail;

type Res<T = ()> = Result<T, Bail>;

/// Writes the raw record of `text` (one trimmed line) into `st.out` and
/// captures its fields, as the walk would. On [`Bail`], `st` holds a partial
/// result and must be reset before the walk reads the line.
pub(super) fn walk_line(text: &str, st: &mut State) -> Res {
    let mut scan = Scan {
        text,
        bytes: text.as_bytes(),
        pos: 0,
        copied: 0,
        st,
    };
    // Other top-level values are an error the walk words.
    if scan.peek() != Some(b'{') {
        return Err(Bail);
    }
    scan.object(Slot::Envelope, false, 1)?;
    scan.ws()?;
    if scan.pos != scan.bytes.len() {
        return Err(Bail);
    }
    scan.flush(scan.pos)
}

/// How a string's escapes compare with what the walk writes.
#[derive(PartialEq, Eq)]
enum Escapes {
    /// None: the text is borrowed as it is.
    None,
    /// Only the escapes serde_json itself writes (`\"`, `\\`, `\n`,
    /// `\u001f`, …): decoding and writing the string again gives the same
    /// text.
    Canonical,
    /// Others (`\/`, `\u00e9`, `\u0000`, upper-case hex) or invalid ones.
    Other,
}

/// A number as [`Scan::number`] reads it.
enum Number {
    /// An integer as serde_json writes it (`-` and up to 18 digits without a
    /// leading zero, not `-0`), with its value.
    Int(Scalar),
    /// A fraction that serde_json writes back unchanged (see
    /// [`plain_fraction`]); its value is left to serde_json when needed.
    Fraction,
    /// Anything else: serde_json reads and writes it.
    Other,
}

struct Scan<'t, 's, 'k> {
    text: &'t str,
    bytes: &'t [u8],
    /// The next byte to read.
    pos: usize,
    /// The input before this has been written (or replaced) into `st.out`.
    copied: usize,
    st: &'s mut State<'k>,
}

impl<'t> Scan<'t, '_, '_> {
    #[inline]
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    #[inline]
    fn expect(&mut self, b: u8) -> Res {
        if self.peek() != Some(b) {
            return Err(Bail);
        }
        self.pos += 1;
        Ok(())
    }

    /// Writes the input not yet written, up to `to`.
    #[inline]
    fn flush(&mut self, to: usize) -> Res {
        let run = self.text.get(self.copied..to).ok_or(Bail)?;
        self.st.out.push_str(run);
        self.copied = to;
        Ok(())
    }

    /// Writes `with` in place of the input from `from` to `to`.
    #[inline]
    fn replace(&mut self, from: usize, to: usize, with: &str) -> Res {
        self.flush(from)?;
        self.st.out.push_str(with);
        self.copied = to;
        Ok(())
    }

    /// Skips whitespace between tokens, leaving it out of the record.
    /// Inlined: it runs several times per value and there is rarely any.
    #[inline(always)]
    fn ws(&mut self) -> Res {
        if !matches!(self.peek(), Some(b' ' | b'\n' | b'\t' | b'\r')) {
            return Ok(());
        }
        self.drop_ws()
    }

    #[cold]
    fn drop_ws(&mut self) -> Res {
        let start = self.pos;
        self.skip_ws();
        self.replace(start, self.pos, "")
    }

    /// Skips whitespace inside a value that is not written.
    #[inline]
    fn skip_ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\n' | b'\t' | b'\r')) {
            self.pos += 1;
        }
    }

    /// Reads an object key, which must have no escapes.
    fn key(&mut self) -> Res<&'t [u8]> {
        self.expect(b'"')?;
        let start = self.pos;
        let end = start + find_special(self.bytes.get(start..).unwrap_or_default());
        if self.bytes.get(end) != Some(&b'"') {
            return Err(Bail);
        }
        self.pos = end + 1;
        let bytes = self.bytes;
        bytes.get(start..end).ok_or(Bail)
    }

    /// Reads a string from its opening quote: the index of its closing
    /// quote, and its escapes.
    fn string(&mut self) -> Res<(usize, Escapes)> {
        let mut i = self.pos + 1;
        let mut escapes = Escapes::None;
        loop {
            i += find_special(self.bytes.get(i..).unwrap_or_default());
            match self.bytes.get(i) {
                Some(b'"') => break,
                Some(b'\\') => {
                    let (len, canonical) = escape(self.bytes.get(i + 1..).unwrap_or_default());
                    if !canonical {
                        escapes = Escapes::Other;
                    } else if escapes == Escapes::None {
                        escapes = Escapes::Canonical;
                    }
                    i += 1 + len;
                }
                // A control character or the end of the line: invalid.
                _ => return Err(Bail),
            }
        }
        self.pos = i + 1;
        Ok((i, escapes))
    }

    /// Reads a number: its end, and whether serde_json would write it back
    /// as it is.
    fn number(&mut self) -> (usize, Number) {
        let start = self.pos;
        let negative = self.peek() == Some(b'-');
        let digits = start + usize::from(negative);
        let mut i = digits;
        let mut value: u64 = 0;
        while let Some(d @ b'0'..=b'9') = self.bytes.get(i).copied() {
            // 18 digits cannot overflow; longer numbers are not kept below.
            value = value.wrapping_mul(10).wrapping_add(u64::from(d - b'0'));
            i += 1;
        }
        let count = i - digits;
        let integer = (1..=18).contains(&count)
            && (count == 1 || self.bytes.get(digits) != Some(&b'0'))
            && !(negative && value == 0)
            && !matches!(self.bytes.get(i), Some(b'.' | b'e' | b'E' | b'+' | b'-'));
        // The token ends where serde_json's number would: hand it all over.
        while let Some(b'0'..=b'9' | b'.' | b'e' | b'E' | b'+' | b'-') = self.bytes.get(i) {
            i += 1;
        }
        self.pos = i;
        let number = if integer {
            Number::Int(match i64::try_from(value) {
                Ok(v) if negative => Scalar::Int(-v),
                _ => Scalar::UInt(value),
            })
        } else if plain_fraction(self.bytes.get(start..i).unwrap_or_default()) {
            Number::Fraction
        } else {
            Number::Other
        };
        (i, number)
    }

    fn literal(&mut self, word: &[u8]) -> Res {
        let end = self.pos + word.len();
        if self.bytes.get(self.pos..end) != Some(word) {
            return Err(Bail);
        }
        self.pos = end;
        Ok(())
    }

    /// Hands the value from `start` to `end` to the walk (or another seed),
    /// which writes it into `st.out` itself.
    fn delegate<F>(&mut self, start: usize, end: usize, read: F) -> Res
    where
        F: FnOnce(&mut State, &mut serde_json::Deserializer<serde_json::de::StrRead<'t>>) -> bool,
    {
        self.flush(start)?;
        let text = self.text;
        let token = text.get(start..end).ok_or(Bail)?;
        let mut de = serde_json::Deserializer::from_str(token);
        if !read(self.st, &mut de) || de.end().is_err() {
            return Err(Bail);
        }
        self.copied = end;
        self.pos = end;
        Ok(())
    }

    /// A value under the walk's rules (see [`Walk`]'s fields).
    fn value(&mut self, slot: Slot, in_person: bool, replace_scalar: bool, depth: usize) -> Res {
        match self.peek() {
            Some(b'{') => self.object(slot, in_person, depth + 1),
            Some(b'[') => self.array(slot, in_person, replace_scalar, depth + 1),
            Some(b'"') => self.walk_string(slot, in_person, replace_scalar),
            Some(b'-' | b'0'..=b'9') => {
                let start = self.pos;
                let wants = State::wants(slot);
                match self.number() {
                    (end, Number::Int(v)) => {
                        if wants {
                            self.st.capture(slot, v);
                        }
                        if replace_scalar {
                            self.replace(start, end, REMOVED)?;
                        }
                        Ok(())
                    }
                    (end, Number::Fraction) if !wants => {
                        if replace_scalar {
                            self.replace(start, end, REMOVED)?;
                        }
                        Ok(())
                    }
                    (end, _) => self.delegate(start, end, |st, de| {
                        let walk = Walk {
                            st,
                            slot,
                            in_person,
                            replace_scalar,
                        };
                        walk.deserialize(de).is_ok()
                    }),
                }
            }
            Some(b't') => self.literal(b"true"),
            Some(b'f') => self.literal(b"false"),
            Some(b'n') => self.literal(b"null"),
            _ => Err(Bail),
        }
    }

    fn walk_string(&mut self, slot: Slot, in_person: bool, replace_scalar: bool) -> Res {
        let start = self.pos;
        let (end, escapes) = self.string()?;
        let wants = State::wants(slot);
        let text = self.text;
        let content = text.get(start + 1..end).ok_or(Bail)?;
        match escapes {
            Escapes::None => {
                if wants {
                    self.st.capture_text(slot, content);
                }
                if replace_scalar {
                    self.replace(start, end + 1, REMOVED)?;
                } else if let Cow::Owned(s) = scrub_links(content) {
                    self.replace(start + 1, end, &s)?;
                }
                Ok(())
            }
            // Canonical escapes decode to `"`, `\` and control characters
            // only, so `might_link` says the same of the decoded text as of
            // this, and when it says no, `scrub_links` leaves the text as it
            // is. Otherwise the walk decodes it (escapes can hide or fake
            // the start of a link's `tiktok.com`).
            Escapes::Canonical if !wants && !replace_scalar && !might_link(content.as_bytes()) => {
                Ok(())
            }
            _ => self.delegate(start, end + 1, |st, de| {
                let walk = Walk {
                    st,
                    slot,
                    in_person,
                    replace_scalar,
                };
                walk.deserialize(de).is_ok()
            }),
        }
    }

    /// An array: its elements keep `replace_scalar`, and a share_info
    /// slot ([`element_slot`]), as in `Walk::visit_seq`.
    fn array(&mut self, slot: Slot, in_person: bool, replace_scalar: bool, depth: usize) -> Res {
        if depth > MAX_DEPTH {
            return Err(Bail);
        }
        let slot = element_slot(slot);
        self.pos += 1;
        self.ws()?;
        if self.peek() == Some(b']') {
            self.pos += 1;
            return Ok(());
        }
        loop {
            self.value(slot, in_person, replace_scalar, depth)?;
            self.ws()?;
            match self.peek() {
                Some(b',') => {
                    self.pos += 1;
                    self.ws()?;
                }
                Some(b']') => {
                    self.pos += 1;
                    return Ok(());
                }
                _ => return Err(Bail),
            }
        }
    }

    fn object(&mut self, slot: Slot, in_person: bool, depth: usize) -> Res {
        if depth > MAX_DEPTH {
            return Err(Bail);
        }
        match slot {
            Slot::Envelope => self.st.cap.envelope_object = true,
            Slot::Data => self.st.cap.data_object = true,
            _ => {}
        }
        let envelope = slot == Slot::Envelope;
        // In the envelope, where `user_agent` is dropped, commas are written
        // by hand as the walk writes them; elsewhere they are copied.
        let mut written = false;
        self.pos += 1;
        self.ws()?;
        if self.peek() == Some(b'}') {
            self.pos += 1;
            return Ok(());
        }
        loop {
            let member = self.pos;
            let key = self.key()?;
            let key_end = self.pos;
            self.skip_ws();
            self.expect(b':')?;
            self.skip_ws();
            if envelope && key == b"user_agent" {
                // Dropped with its comma, as `Walk::visit_map` does.
                self.skip(depth)?;
                self.replace(member, self.pos, "")?;
            } else {
                if envelope {
                    if key == b"data" {
                        self.st.cap.saw_data = true;
                    }
                    if written {
                        self.replace(member, member, ",")?;
                    }
                    written = true;
                }
                if self.pos != key_end + 1 {
                    self.replace(key_end, self.pos, ":")?;
                }
                self.member(slot, key, in_person, depth)?;
            }
            self.ws()?;
            match self.peek() {
                Some(b',') => {
                    if envelope {
                        self.replace(self.pos, self.pos + 1, "")?;
                    }
                    self.pos += 1;
                    self.ws()?;
                }
                Some(b'}') => {
                    self.pos += 1;
                    return Ok(());
                }
                _ => return Err(Bail),
            }
        }
    }

    /// The value of `key` in an object at `slot`: the rules of
    /// `Walk::visit_map`.
    fn member(&mut self, slot: Slot, key: &[u8], in_person: bool, depth: usize) -> Res {
        let flags = self.st.keys.flags_of(key);
        // Most keys are below values nothing is captured from, and only
        // `share_info` matters there.
        let child_slot = if slot == Slot::Skip && flags & CONTEXT == 0 {
            Slot::Skip
        } else {
            child(slot, key)
        };
        let identifying = flags & IDENTIFYING != 0
            || (in_person && key == b"id")
            || (slot != Slot::Skip && extra_identifying(slot, key));
        if identifying {
            self.removed(child_slot, depth)
        } else {
            let person = flags & PERSON != 0;
            let replace_scalar = person || flags & PERSON_SCALAR != 0;
            self.value(child_slot, person, replace_scalar, depth)
        }
    }

    /// An identifying value: the rules of [`Replace`].
    fn removed(&mut self, slot: Slot, depth: usize) -> Res {
        let start = self.pos;
        let wants = State::wants(slot);
        match self.peek() {
            Some(b'n') => return self.literal(b"null"),
            Some(b't') => self.literal(b"true")?,
            Some(b'f') => self.literal(b"false")?,
            Some(b'{' | b'[') => self.skip(depth)?,
            Some(b'"') => {
                let (end, escapes) = self.string()?;
                if escapes != Escapes::None {
                    return self.delegate(start, end + 1, |st, de| {
                        Replace { st, slot }.deserialize(de).is_ok()
                    });
                }
                if wants {
                    let text = self.text;
                    let content = text.get(start + 1..end).ok_or(Bail)?;
                    self.st.capture_text(slot, content);
                }
            }
            Some(b'-' | b'0'..=b'9') => match self.number() {
                (_, Number::Int(v)) => {
                    if wants {
                        self.st.capture(slot, v);
                    }
                }
                (_, Number::Fraction) if !wants => {}
                (end, _) => {
                    return self.delegate(start, end, |st, de| {
                        Replace { st, slot }.deserialize(de).is_ok()
                    })
                }
            },
            _ => return Err(Bail),
        }
        self.replace(start, self.pos, REMOVED)
    }

    /// Checks a value that is not written (nor captured), leaving
    /// `copied` alone: the caller replaces the whole value.
    fn skip(&mut self, depth: usize) -> Res {
        match self.peek() {
            Some(open @ (b'{' | b'[')) => {
                if depth >= MAX_DEPTH {
                    return Err(Bail);
                }
                let close = if open == b'{' { b'}' } else { b']' };
                self.pos += 1;
                self.skip_ws();
                if self.peek() == Some(close) {
                    self.pos += 1;
                    return Ok(());
                }
                loop {
                    if open == b'{' {
                        self.key()?;
                        self.skip_ws();
                        self.expect(b':')?;
                        self.skip_ws();
                    }
                    self.skip(depth + 1)?;
                    self.skip_ws();
                    match self.peek() {
                        Some(b',') => {
                            self.pos += 1;
                            self.skip_ws();
                        }
                        Some(c) if c == close => {
                            self.pos += 1;
                            return Ok(());
                        }
                        _ => return Err(Bail),
                    }
                }
            }
            Some(b'"') => {
                let start = self.pos;
                let (end, escapes) = self.string()?;
                if escapes == Escapes::Other {
                    return self.check(start, end + 1);
                }
                Ok(())
            }
            Some(b'-' | b'0'..=b'9') => {
                let start = self.pos;
                match self.number() {
                    (_, Number::Int(_) | Number::Fraction) => Ok(()),
                    (end, Number::Other) => self.check(start, end),
                }
            }
            Some(b't') => self.literal(b"true"),
            Some(b'f') => self.literal(b"false"),
            Some(b'n') => self.literal(b"null"),
            _ => Err(Bail),
        }
    }

    /// Has serde_json check the scalar from `start` to `end` as it does
    /// when it skips a value.
    fn check(&mut self, start: usize, end: usize) -> Res {
        let token = self.text.get(start..end).ok_or(Bail)?;
        if serde_json::from_str::<IgnoredAny>(token).is_err() {
            return Err(Bail);
        }
        self.pos = end;
        Ok(())
    }
}
