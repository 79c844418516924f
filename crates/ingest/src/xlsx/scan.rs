//! A minimal streaming XML tag scanner: enough to see the start and end tags
//! of a workbook part, with their offsets and raw attributes, in a few
//! kilobytes of memory whatever the part's size.
//!
//! It is not an XML parser. It skips comments, CDATA sections, processing
//! instructions and declarations, and reports the tags whose local name the
//! caller asks for; anything it cannot make sense of is left for calamine to
//! reject.

use std::io::BufRead;

/// Longest start tag whose attributes are kept. The tags looked at are well
/// under 1 KB in real files.
pub(super) const MAX_TAG_BYTES: usize = 64 * 1024;

/// A tag the caller asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Tag<'a> {
    /// `<name attrs>` or `<name attrs/>`.
    Start {
        /// The name without its prefix (`x:c` → `c`), as calamine matches.
        local: &'a [u8],
        /// The raw text between the name and `>` (or `/>`).
        attrs: &'a [u8],
        /// Whether the tag closes itself (`/>`).
        empty: bool,
        /// Offset of its `<` in the part.
        at: u64,
    },
    /// `</name>`.
    End {
        /// The name without its prefix.
        local: &'a [u8],
        /// Offset just past its `>`.
        end: u64,
    },
}

/// Why a scan stopped.
#[derive(Debug)]
pub(super) enum ScanError {
    /// The part could not be read (damaged, or not inflating).
    Io(std::io::Error),
    /// The part holds something refused; the message says what.
    Bad(String),
}

/// Where the scanner is between bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// Character data.
    Text,
    /// Just after `<`.
    Open,
    /// In a start tag's name.
    Name,
    /// In a start tag after its name; `Some(q)` inside a value quoted by `q`.
    Attrs(Option<u8>),
    /// In an end tag.
    EndName,
    /// After `<!`: a comment, CDATA or a declaration, told apart by what follows.
    Bang,
    /// Skipping until the last bytes read end with this.
    Skip(&'static [u8]),
}

/// Reads `reader` to its end, calling `visit` with each tag whose local name
/// `wanted` accepts; returns the bytes read. Stops at the first error
/// `visit` returns.
pub(super) fn scan(
    reader: &mut impl BufRead,
    wanted: impl Fn(&[u8]) -> bool,
    mut visit: impl FnMut(Tag<'_>) -> Result<(), String>,
) -> Result<u64, ScanError> {
    let mut state = State::Text;
    let mut name: Vec<u8> = Vec::with_capacity(64);
    let mut attrs: Vec<u8> = Vec::with_capacity(256);
    let mut keep = false;
    let mut prev = 0u8;
    let mut at = 0u64;
    let mut bang: Vec<u8> = Vec::with_capacity(8);
    let mut tail = [0u8; 3];
    let mut offset = 0u64;
    loop {
        let chunk = reader.fill_buf().map_err(ScanError::Io)?;
        if chunk.is_empty() {
            return Ok(offset);
        }
        let len = chunk.len();
        for (i, &b) in chunk.iter().enumerate() {
            let pos = offset + i as u64;
            state = match state {
                State::Text if b == b'<' => {
                    at = pos;
                    State::Open
                }
                State::Text => State::Text,
                State::Open => {
                    name.clear();
                    attrs.clear();
                    match b {
                        b'!' => {
                            bang.clear();
                            State::Bang
                        }
                        b'?' => skip(&mut tail, b"?>"),
                        b'/' => State::EndName,
                        _ => {
                            name.push(b);
                            State::Name
                        }
                    }
                }
                State::Name => match b {
                    b'>' | b'/' | b' ' | b'\t' | b'\r' | b'\n' => {
                        keep = wanted(local(&name));
                        if b == b'>' {
                            if keep {
                                let (local, empty) = (local(&name), false);
                                visit(Tag::Start {
                                    local,
                                    attrs: &attrs,
                                    empty,
                                    at,
                                })
                                .map_err(ScanError::Bad)?;
                            }
                            State::Text
                        } else {
                            prev = b;
                            State::Attrs(None)
                        }
                    }
                    _ => {
                        // Names are short; a long one is no tag looked at.
                        if name.len() < 64 {
                            name.push(b);
                        }
                        State::Name
                    }
                },
                State::Attrs(None) if b == b'>' => {
                    if keep {
                        let (local, empty) = (local(&name), prev == b'/');
                        visit(Tag::Start {
                            local,
                            attrs: &attrs,
                            empty,
                            at,
                        })
                        .map_err(ScanError::Bad)?;
                    }
                    State::Text
                }
                State::Attrs(quote) => {
                    if keep {
                        if attrs.len() >= MAX_TAG_BYTES {
                            return Err(ScanError::Bad(format!(
                                "expected a `<{}>` tag of at most {MAX_TAG_BYTES} bytes, \
                                 found a longer one",
                                String::from_utf8_lossy(local(&name))
                            )));
                        }
                        attrs.push(b);
                    }
                    prev = b;
                    match (quote, b) {
                        (None, b'"' | b'\'') => State::Attrs(Some(b)),
                        (Some(q), _) if q == b => State::Attrs(None),
                        _ => State::Attrs(quote),
                    }
                }
                State::EndName => {
                    if b == b'>' {
                        let local = local(name.trim_ascii_end());
                        if wanted(local) {
                            visit(Tag::End {
                                local,
                                end: pos + 1,
                            })
                            .map_err(ScanError::Bad)?;
                        }
                        State::Text
                    } else {
                        if name.len() < 64 {
                            name.push(b);
                        }
                        State::EndName
                    }
                }
                State::Bang => {
                    bang.push(b);
                    if bang == b"--" {
                        skip(&mut tail, b"-->")
                    } else if bang == b"[CDATA[" {
                        skip(&mut tail, b"]]>")
                    } else if b"--".starts_with(&bang) || b"[CDATA[".starts_with(&bang) {
                        State::Bang
                    } else if b == b'>' {
                        State::Text
                    } else {
                        // A declaration such as `<!DOCTYPE ...>`.
                        skip(&mut tail, b">")
                    }
                }
                State::Skip(end) => {
                    tail = [tail[1], tail[2], b];
                    if tail.ends_with(end) {
                        State::Text
                    } else {
                        state
                    }
                }
            };
        }
        reader.consume(len);
        offset += len as u64;
    }
}

/// Enters [`State::Skip`] with a fresh window, so that the bytes before the
/// construct cannot end it.
fn skip(tail: &mut [u8; 3], end: &'static [u8]) -> State {
    *tail = [0; 3];
    State::Skip(end)
}

/// The local part of a qualified name (`x:c` → `c`).
fn local(name: &[u8]) -> &[u8] {
    match name.iter().rposition(|b| *b == b':') {
        Some(i) => name.get(i + 1..).unwrap_or(&[]),
        None => name,
    }
}

/// The value of attribute `key` in a tag's raw `attrs` (matched by its full
/// name, as calamine does), without unescaping; `None` when absent or
/// malformed.
pub(super) fn attr<'a>(attrs: &'a [u8], key: &[u8]) -> Option<&'a [u8]> {
    let mut rest = attrs;
    loop {
        let start = rest
            .iter()
            .position(|b| !b.is_ascii_whitespace() && *b != b'/')?;
        rest = rest.get(start..)?;
        let eq = rest.iter().position(|b| *b == b'=')?;
        let name = rest.get(..eq)?.trim_ascii();
        rest = rest.get(eq + 1..)?.trim_ascii_start();
        let quote = *rest.first()?;
        if quote != b'"' && quote != b'\'' {
            return None;
        }
        let body = rest.get(1..)?;
        let close = body.iter().position(|b| *b == quote)?;
        if name == key {
            return body.get(..close);
        }
        rest = body.get(close + 1..)?;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every tag of `xml`, as text.
    fn tags(xml: &str) -> Vec<String> {
        let mut out = Vec::new();
        let result = scan(
            &mut xml.as_bytes(),
            |_| true,
            |tag| {
                out.push(match tag {
                    Tag::Start {
                        local,
                        attrs,
                        empty,
                        at,
                    } => format!(
                        "<{}|{}|{empty}|{at}",
                        String::from_utf8_lossy(local),
                        String::from_utf8_lossy(attrs)
                    ),
                    Tag::End { local, end } => {
                        format!("</{}|{end}", String::from_utf8_lossy(local))
                    }
                });
                Ok(())
            },
        );
        assert_eq!(result.ok(), Some(xml.len() as u64));
        out
    }

    #[test]
    fn tags_with_offsets_attributes_and_prefixes() {
        assert_eq!(
            tags(r#"<x:a k="v>/"><b/><c q='1' /></x:a >"#),
            [
                r#"<a|k="v>/"|false|0"#,
                "<b||true|13",
                "<c|q='1' /|true|17",
                "</a|35"
            ]
        );
    }

    #[test]
    fn comments_cdata_declarations_and_instructions_are_skipped() {
        let xml =
            r#"<?xml version="1.0"?><!DOCTYPE x><!-- <c r="Z"> --><a><![CDATA[<c r="Z">]]></a>"#;
        assert_eq!(tags(xml), ["<a||false|51", "</a|79"]);
    }

    #[test]
    fn attributes() {
        let attrs = b" r=\"A1\" s='2' t = \"s\" x:r=\"B2\"/";
        assert_eq!(attr(attrs, b"r"), Some(&b"A1"[..]));
        assert_eq!(attr(attrs, b"s"), Some(&b"2"[..]));
        assert_eq!(attr(attrs, b"t"), Some(&b"s"[..]));
        assert_eq!(attr(attrs, b"x:r"), Some(&b"B2"[..]));
        assert_eq!(attr(attrs, b"q"), None);
    }
}
