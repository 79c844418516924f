//! Checks an XLSX package (the ZIP and the XML parts in it) before calamine
//! parses it, refusing what calamine would trust blindly.
//!
//! calamine 0.38 reserves memory for as many shared strings as
//! `<sst uniqueCount>` declares (a panic or an abort for absurd counts);
//! parses cell references (`<c r>`, `<row r>`, `<dimension ref>`) with
//! unchecked `u32` arithmetic (an overflow panic in debug builds, a silently
//! wrapped position in release builds); and copies a style's font, fill,
//! border and number format into every `<xf>` that uses them (a large font
//! used by many `<xf>`s multiplies). All this happens before any cell reaches
//! uptake, so the only place to stop it is here, on the raw parts. Each part
//! is streamed through [`quick_xml`], the parser calamine itself uses, with
//! one reused buffer: memory stays the size of the largest event (tag or
//! text run) whatever the part's size, and the parts' sizes are bounded too
//! (a 1 KB deflated part can inflate to gigabytes).

use super::{invalid, Limits};
use crate::error::IngestError;
use quick_xml::events::{BytesStart, Event};
use std::borrow::Cow;
use std::io::{BufReader, Read, Seek, SeekFrom};

/// Longest start tag looked at (its name and attributes): the tags looked at
/// are well under 1 KB in real files.
const MAX_TAG_BYTES: usize = 64 * 1024;

/// Excel's own limits (ECMA-376 Part 1 §18.3.1.73; Excel's specifications
/// and limits): 1,048,576 rows and 16,384 columns (`XFD`). A reference
/// outside them is not one Excel, Studio or LibreOffice writes.
pub const EXCEL_MAX_ROW: u32 = 1_048_576;
/// Excel's last column, `XFD`, as a 1-based number.
pub const EXCEL_MAX_COLUMN: u32 = 16_384;

/// The smallest XML a shared string can take: `<si/>`. A part of `n` bytes
/// holds at most `n / 5` strings, so a larger `uniqueCount` is a lie.
const MIN_SHARED_STRING_BYTES: u64 = 5;

/// Largest `<font>`, `<fill>`, `<border>` or `<numFmt>` element: calamine
/// copies these into every style using them. Real ones take 50 to 500 bytes
/// (Excel caps font names at 31 characters and format codes at 255).
const MAX_STYLE_PART_BYTES: u64 = 4 * 1024;

/// Checks every part of the XLSX package `input` (rewound to its start
/// afterwards): each part's inflated size and the total, cell references,
/// the shared-string table and the styles. `file` names the workbook in
/// errors. Call it before handing `input` to calamine;
/// [`super::read_sheet`] does.
pub fn check_package<R: Read + Seek>(
    input: &mut R,
    file: &str,
    limits: &Limits,
) -> Result<(), IngestError> {
    let mut archive = zip::ZipArchive::new(&mut *input).map_err(|e| {
        invalid(
            file,
            None,
            format!("expected an XLSX workbook (a ZIP package), found a damaged one: {e}"),
        )
    })?;
    let mut total = 0u64;
    for index in 0..archive.len() {
        let entry = archive.by_index(index).map_err(|e| {
            invalid(
                file,
                Some(format!("part {}", index + 1)),
                format!("expected a readable workbook part, found a damaged one: {e}"),
            )
        })?;
        if entry.is_dir() {
            continue;
        }
        let part = String::from_utf8_lossy(entry.name_raw()).into_owned();
        let at = || Some(format!("part `{part}`"));
        let too_big = |size: u64| {
            invalid(
                file,
                at(),
                format!(
                    "expected a part of at most {} bytes in {}, found {size} bytes \
                     uncompressed",
                    limits.max_part_bytes, limits.what
                ),
            )
        };
        // The declared size is checked first so that a ZIP bomb is refused
        // without inflating it; the real size is counted below, as the
        // declaration may lie.
        if entry.size() > limits.max_part_bytes {
            return Err(too_big(entry.size()));
        }
        let mut seen = Seen::default();
        let bytes =
            check_part(entry, &mut seen, limits).map_err(|message| invalid(file, at(), message))?;
        if bytes > limits.max_part_bytes {
            return Err(too_big(bytes));
        }
        total += bytes;
        if total > limits.max_total_bytes {
            return Err(invalid(
                file,
                None,
                format!(
                    "expected at most {} bytes of XML in {}, found more \
                     (it inflates beyond that by part `{part}`)",
                    limits.max_total_bytes, limits.what
                ),
            ));
        }
        seen.check_shared_strings(bytes, limits)
            .map_err(|message| invalid(file, at(), message))?;
    }
    drop(archive);
    input
        .seek(SeekFrom::Start(0))
        .map_err(|source| IngestError::Io {
            location: crate::Location::file(file),
            source,
        })?;
    Ok(())
}

/// Streams one part through quick-xml, passing the tags looked at to
/// `seen`; returns the part's size, counted up to one byte past
/// `limits.max_part_bytes`. The message of an error says what was expected.
///
/// quick-xml is set up as calamine sets up its own reader, so both see the
/// same events and stop at the same malformed XML. Past such XML (or in a
/// part that is no XML, such as an image) nothing more is looked at, since
/// calamine refuses the part there if it reads it; the bytes are still
/// counted.
fn check_part(part: impl Read, seen: &mut Seen, limits: &Limits) -> Result<u64, String> {
    let damaged = |e: &dyn std::fmt::Display| {
        format!("expected a readable workbook part, found a damaged one: {e}")
    };
    let cap = limits.max_part_bytes.saturating_add(1);
    let mut reader = quick_xml::Reader::from_reader(BufReader::new(part.take(cap)));
    let config = reader.config_mut();
    config.check_end_names = false;
    config.check_comments = false;
    config.trim_text(false);
    let mut buf = Vec::with_capacity(1024);
    loop {
        buf.clear();
        let event = reader.read_event_into(&mut buf);
        // Just past the event's `>`.
        let end = reader.buffer_position();
        match event {
            Ok(Event::Start(tag)) => {
                // The tag's `<`: its content, then `<` and `>`.
                let at = end.saturating_sub(tag.len() as u64 + 2);
                seen.start(&tag, false, at, limits)?;
            }
            Ok(Event::Empty(tag)) => {
                // Its content, then `<` and `/>`.
                let at = end.saturating_sub(tag.len() as u64 + 3);
                seen.start(&tag, true, at, limits)?;
            }
            Ok(Event::End(tag)) => seen.end(tag.local_name().as_ref(), end)?,
            Ok(Event::Eof) => break,
            Ok(_) => {}
            Err(quick_xml::Error::Io(e)) => return Err(damaged(&e)),
            Err(_) => {
                std::io::copy(reader.get_mut(), &mut std::io::sink()).map_err(|e| damaged(&e))?;
                break;
            }
        }
    }
    Ok(cap - reader.get_ref().get_ref().limit())
}

/// The tags looked at.
fn wanted(local: &str) -> bool {
    matches!(
        local,
        "c" | "row" | "dimension" | "sst" | "si" | "xf" | "font" | "fill" | "border" | "numFmt"
    )
}

/// The raw value (not unescaped) of attribute `key` of `tag`, matched by its
/// full name as calamine does. Every attribute is read, so that a malformed
/// one (unquoted, without value, repeated) is refused wherever it is.
fn attr<'a>(
    tag: &'a BytesStart<'_>,
    local: &str,
    key: &str,
) -> Result<Option<Cow<'a, str>>, String> {
    let mut found = None;
    for attribute in tag.attributes() {
        let attribute = attribute.map_err(|e| {
            format!(
                "expected well-formed attributes in a `<{local}>` tag, found a malformed one: {e}"
            )
        })?;
        if found.is_none() && attribute.key.as_ref() == key {
            found = Some(attribute.value);
        }
    }
    Ok(found)
}

/// What the check of one part has seen so far.
#[derive(Debug, Default)]
struct Seen {
    /// `<sst uniqueCount>`, when the part is a shared-string table.
    unique_count: Option<String>,
    /// `<si>` elements: calamine keeps one string per element.
    strings: u64,
    /// `<xf>` elements: calamine builds one style per element.
    styles: u64,
    /// The open `<font>`, `<fill>` or `<border>` element and where it started.
    style_part: Option<(String, u64)>,
}

impl Seen {
    /// Validates a start tag (`empty` when it closes itself) at offset `at`:
    /// cell references, counts, style element sizes.
    fn start(
        &mut self,
        tag: &BytesStart<'_>,
        empty: bool,
        at: u64,
        limits: &Limits,
    ) -> Result<(), String> {
        let name = tag.local_name();
        let local = name.as_ref();
        if !wanted(local) {
            return Ok(());
        }
        if tag.len() > MAX_TAG_BYTES {
            return Err(format!(
                "expected a `<{local}>` tag of at most {MAX_TAG_BYTES} bytes, found {} bytes",
                tag.len()
            ));
        }
        match local {
            "c" => {
                if let Some(r) = attr(tag, local, "r")? {
                    cell_ref(r.as_bytes()).ok_or_else(|| bad_ref("cell reference", &r))?;
                }
            }
            "row" => {
                if let Some(r) = attr(tag, local, "r")? {
                    row_number(r.as_bytes()).ok_or_else(|| bad_ref("row number", &r))?;
                }
            }
            "dimension" => {
                if let Some(range) = attr(tag, local, "ref")?.filter(|r| !range_ok(r.as_bytes())) {
                    return Err(format!(
                        "expected the sheet's dimension to be a range like `A1:C10` within \
                         Excel's limits (columns `A` to `XFD`, rows 1 to {EXCEL_MAX_ROW}), \
                         found `{}`",
                        shorten(&range)
                    ));
                }
            }
            "sst" => {
                self.unique_count = attr(tag, local, "uniqueCount")?.map(Cow::into_owned);
            }
            "si" => {
                self.strings += 1;
                if self.strings > limits.max_shared_strings {
                    return Err(format!(
                        "expected at most {} shared strings in {}, found more",
                        limits.max_shared_strings, limits.what
                    ));
                }
            }
            "xf" => {
                self.styles += 1;
                if self.styles > limits.max_styles {
                    return Err(format!(
                        "expected at most {} cell styles (`<xf>`) in {}, found more",
                        limits.max_styles, limits.what
                    ));
                }
            }
            "numFmt" => {
                let size = tag.attributes_raw().len() as u64;
                if size > MAX_STYLE_PART_BYTES {
                    return Err(style_part_too_big("numFmt", size));
                }
            }
            _ => {
                // `<font>`, `<fill>` or `<border>`: measured to its end tag.
                if !empty && self.style_part.is_none() {
                    self.style_part = Some((local.to_string(), at));
                }
            }
        }
        Ok(())
    }

    /// Validates an end tag `</local>` ending at offset `end`: the size of
    /// the style element it closes.
    fn end(&mut self, local: &str, end: u64) -> Result<(), String> {
        if let Some((open, start)) = &self.style_part {
            if open == local {
                let size = end.saturating_sub(*start);
                if size > MAX_STYLE_PART_BYTES {
                    return Err(style_part_too_big(local, size));
                }
                self.style_part = None;
            }
        }
        Ok(())
    }

    /// A shared-string table may not declare more strings than its `bytes`
    /// can hold, nor more than the limits allow.
    fn check_shared_strings(&self, bytes: u64, limits: &Limits) -> Result<(), String> {
        let Some(declared) = &self.unique_count else {
            return Ok(());
        };
        if declared.is_empty() || !declared.bytes().all(|b| b.is_ascii_digit()) {
            return Err(format!(
                "expected `uniqueCount` to be a count of strings, found `{}`",
                shorten(declared)
            ));
        }
        // u64 holds any 19 digits; anything longer is over every bound anyway.
        let digits = declared.trim_start_matches('0');
        let count = if digits.len() > 19 {
            u64::MAX
        } else {
            digits.parse::<u64>().unwrap_or(0)
        };
        let room = bytes / MIN_SHARED_STRING_BYTES;
        if count > room {
            return Err(format!(
                "expected `uniqueCount` to be at most {room} (the {bytes} bytes of this part \
                 hold no more strings), found `{}`",
                shorten(declared)
            ));
        }
        if count > limits.max_shared_strings {
            return Err(format!(
                "expected `uniqueCount` to be at most {} in {}, found `{}`",
                limits.max_shared_strings,
                limits.what,
                shorten(declared)
            ));
        }
        Ok(())
    }
}

fn style_part_too_big(what: &str, size: u64) -> String {
    format!(
        "expected a `<{what}>` style element of at most {MAX_STYLE_PART_BYTES} bytes, found \
         {size} bytes"
    )
}

fn bad_ref(what: &str, found: &str) -> String {
    format!(
        "expected a {what} within Excel's limits (columns `A` to `XFD`, rows 1 to \
         {EXCEL_MAX_ROW}), found `{}`",
        shorten(found)
    )
}

/// Quoted text from the file, cut so that a hostile value cannot flood a message.
fn shorten(s: &str) -> String {
    let mut out: String = s.chars().take(40).collect();
    if out.len() < s.len() {
        out.push('…');
    }
    out
}

/// A cell reference such as `B7` (letters then digits, either case, as
/// calamine accepts) as 1-based (row, column) within Excel's limits.
fn cell_ref(r: &[u8]) -> Option<(u32, u32)> {
    let split = r.iter().position(|b| !b.is_ascii_alphabetic())?;
    let (letters, digits) = r.split_at(split);
    if letters.is_empty() || letters.len() > 3 {
        return None;
    }
    let column = letters.iter().fold(0u32, |acc, b| {
        acc * 26 + u32::from(b.to_ascii_uppercase() - b'A') + 1
    });
    let row = row_number(digits)?;
    (column <= EXCEL_MAX_COLUMN).then_some((row, column))
}

/// A 1-based row number within Excel's limits.
fn row_number(digits: &[u8]) -> Option<u32> {
    if digits.is_empty() || digits.len() > 7 || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let row = digits
        .iter()
        .fold(0u32, |acc, b| acc * 10 + u32::from(b - b'0'));
    (1..=EXCEL_MAX_ROW).contains(&row).then_some(row)
}

/// `A1` or `A1:C10`, top-left first, within Excel's limits.
fn range_ok(range: &[u8]) -> bool {
    let mut parts = range.split(|b| *b == b':');
    let (Some(first), second, None) = (parts.next(), parts.next(), parts.next()) else {
        return false;
    };
    let Some(start) = cell_ref(first) else {
        return false;
    };
    match second {
        None => true,
        Some(second) => cell_ref(second).is_some_and(|end| start.0 <= end.0 && start.1 <= end.1),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What checking `xml` as one part says.
    fn check(xml: &str) -> Result<Seen, String> {
        let mut seen = Seen::default();
        let limits = Limits::STUDIO;
        let bytes = check_part(xml.as_bytes(), &mut seen, &limits)?;
        seen.check_shared_strings(bytes, &limits).map(|()| seen)
    }

    #[test]
    fn cell_refs() {
        let cases: &[(&str, Option<(u32, u32)>)] = &[
            ("A1", Some((1, 1))),
            ("b7", Some((7, 2))),
            ("XFD1048576", Some((1_048_576, 16_384))),
            ("XFE1", None),
            ("A1048577", None),
            ("ZZZZZZZZZ1", None),
            ("A99999999999", None),
            ("A0", None),
            ("1", None),
            ("A", None),
            ("$A$1", None),
            ("A1B", None),
        ];
        for (r, want) in cases {
            assert_eq!(cell_ref(r.as_bytes()), *want, "{r}");
        }
    }

    #[test]
    fn ranges() {
        assert!(range_ok(b"A1:C10"));
        assert!(range_ok(b"A1"));
        assert!(!range_ok(b"B2:A1"));
        assert!(!range_ok(b"A1:B2:C3"));
        assert!(!range_ok(b"A1:"));
    }

    #[test]
    fn shared_strings_are_counted_outside_comments_and_cdata() {
        let seen = check(
            "<?xml version=\"1.0\"?><!DOCTYPE x><!-- <c r=\"ZZZZZZZZZZ1\"> --><x:sst uniqueCount=\"2\">\
             <x:si><x:t><![CDATA[<c r=\"A0\">]]></x:t></x:si><si/></x:sst>",
        );
        let found = seen.map(|s| (s.unique_count, s.strings));
        assert_eq!(found, Ok((Some("2".to_string()), 2)));
    }

    #[test]
    fn prefixed_style_elements_are_measured_from_their_start_to_their_end_tag() {
        // `<x:font>` (8) + `<x:name val="` (13) + name + `"/>` (3) + `</x:font >` (10).
        let font = |n: usize| {
            let name = "F".repeat(n);
            format!("<x:fonts><x:font><x:name val=\"{name}\"/></x:font ></x:fonts>")
        };
        assert!(check(&font(4_062)).is_ok());
        assert_eq!(
            check(&font(4_063)).err().unwrap_or_default(),
            "expected a `<font>` style element of at most 4096 bytes, found 4097 bytes"
        );
    }

    #[test]
    fn malformed_attributes_and_long_tags_are_refused() {
        for xml in [
            "<c r=A1/>",
            "<c r/>",
            "<row r=\"1\" r=\"2\"></row>",
            "<x:dimension ref=\"A1\" ref=\"B2\"/>",
        ] {
            let msg = check(xml).err().unwrap_or_default();
            assert!(
                msg.starts_with("expected well-formed attributes in a `<"),
                "{xml}: {msg}"
            );
        }
        // Other tags' attributes are left to calamine.
        assert!(check("<chart r=A1/>").is_ok());
        let long = format!("<c r=\"A1\" x=\"{}\"/>", "y".repeat(MAX_TAG_BYTES));
        let msg = check(&long).err().unwrap_or_default();
        assert!(
            msg.starts_with("expected a `<c>` tag of at most 65536 bytes"),
            "{msg}"
        );
    }

    #[test]
    fn malformed_xml_ends_the_check_but_not_the_count() {
        // calamine's reader stops where quick-xml does, so what follows is
        // never read; an image or other binary part is counted, not refused.
        let mut part = b"<a>\xff\xfe</a><c r=\"ZZZZZZZZZZ1\"/>".to_vec();
        part.extend(std::iter::repeat_n(0x89u8, 1_000));
        let mut seen = Seen::default();
        let bytes = check_part(part.as_slice(), &mut seen, &Limits::STUDIO);
        assert_eq!(bytes, Ok(part.len() as u64));
        let msg = check("<c r=\"A1\"/><!x><c r=\"ZZZZZZZZZZ1\"/>");
        assert!(msg.is_ok(), "{msg:?}");
        // Before the malformed XML, tags are checked as usual.
        assert!(check("<c r=\"ZZZZZZZZZZ1\"/><!x>").is_err());
    }

    #[test]
    fn references_are_checked_on_cells_rows_and_dimensions() {
        assert!(check("<row r=\"4294967297\"></row>").is_err());
        assert!(check("<c r=\"AATYHWUS1\"/>").is_err());
        assert!(check("<dimension ref=\"B2:A1\"/>").is_err());
        assert!(check("<c:chart r:id=\"rId1\"/><c s=\"1\"><v>1</v></c>").is_ok());
    }

    #[test]
    fn style_elements_are_bounded() {
        let name = "F".repeat(5_000);
        let font = format!("<fonts><font/><font><name val=\"{name}\"/></font></fonts>");
        let msg = check(&font).err().unwrap_or_default();
        assert!(
            msg.starts_with("expected a `<font>` style element of at most 4096"),
            "{msg}"
        );
        let ok = "<fonts><font/><font><sz val=\"11\"/><name val=\"Calibri\"/></font></fonts>";
        assert!(check(ok).is_ok());
        let fmt = format!("<numFmt numFmtId=\"164\" formatCode=\"{name}\"/>");
        assert!(check(&fmt).is_err());
        let xfs = "<xf/>".repeat(4_001);
        let msg = check(&xfs).err().unwrap_or_default();
        assert!(
            msg.starts_with("expected at most 4000 cell styles"),
            "{msg}"
        );
    }
}
