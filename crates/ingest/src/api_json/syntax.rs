//! Plain words for JSON whose text is damaged. serde_json reports damaged
//! text in its own terms ("invalid unicode code point", "unexpected end of
//! hex escape"), which a researcher cannot act on, and the readers used to
//! put them after "expected a … response, found:", as if the file were of
//! the wrong kind when it is the right kind with damaged text. [`damage`]
//! says instead what is wrong at which column, what probably caused it and
//! what to do, quoting at most a few escaped characters of the text. Every
//! JSON reader uses it for serde_json's syntax and end-of-input errors;
//! "expected …" stays for JSON that is valid but not of the expected shape.
//!
//! serde_json exposes only [`serde_json::Error::classify`] and its message
//! text, so [`Code::of`] matches the text. The tests feed real serde_json
//! errors for every message matched, so an upgrade that rewords one fails a
//! test instead of silently falling back to serde_json's own words.

use serde_json::error::Category;
use std::fmt::Write as _;

/// Most characters of the file's text quoted after "starting".
const EXCERPT: usize = 40;
/// Most characters quoted as what was found where something else belongs.
const FOUND: usize = 20;

/// How the JSON text an error is about sits in its file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Layout {
    /// A whole file, or values one after another: an early end is a
    /// truncated file.
    Document,
    /// One NDJSON line read on its own: an early end is a record cut short
    /// or split over two lines, and text after the value is a second record
    /// on the same line.
    Line,
}

/// Bytes of the line an error is on, kept by the reader, to quote them and
/// to find the byte the error is about.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Around<'a> {
    /// serde_json's number of the line (1-based).
    pub(crate) line: u64,
    /// serde_json's column (1-based, in bytes) of `bytes[0]`.
    pub(crate) from: u64,
    /// The bytes kept, in order.
    pub(crate) bytes: &'a [u8],
}

/// Line `line` (1-based, as serde_json counts) of `text`, without its
/// newline, to pass to [`damage`] when the whole text is at hand (tests;
/// the readers stream and keep the line in a [`super::Tail`]).
#[cfg(test)]
pub(crate) fn line_of(text: &[u8], line: u64) -> Option<Around<'_>> {
    let index = usize::try_from(line.checked_sub(1)?).ok()?;
    let bytes = text.split(|b| *b == b'\n').nth(index)?;
    Some(Around {
        line,
        from: 1,
        bytes,
    })
}

/// A damaged text described in plain words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Damage {
    /// The line (1-based, as serde_json counts) the message is about; one
    /// less than serde_json's when the error is about a line's end.
    pub(crate) line: u64,
    /// What is wrong, where on the line, the likely cause and what to do;
    /// without the file and line, which the error's location gives.
    pub(crate) message: String,
}

/// Describes a serde_json syntax or end-of-input error in plain words,
/// for `what` (the file's kind with its article: "a TikTok Research API
/// response"). `around` is the error's line, or the part of it the reader
/// kept, when it has it: it lets the message name the byte or escape at
/// fault. `None` for I/O errors and for data errors (valid JSON of the
/// wrong shape), which the caller words as "expected …".
pub(crate) fn damage(
    e: &serde_json::Error,
    what: &str,
    layout: Layout,
    around: Option<Around<'_>>,
) -> Option<Damage> {
    if !matches!(e.classify(), Category::Syntax | Category::Eof) {
        return None;
    }
    let serde = serde_text(e);
    let line = e.line() as u64;
    // Only the bytes of the error's own line can be quoted.
    let text = Text(around.filter(|a| a.line == line));
    let (column, problem) = problem(
        Code::of(&serde),
        &serde,
        e.column() as u64,
        &text,
        layout,
        what,
    );
    // Column 0 is serde_json's way of pointing at the newline that ends the
    // line before.
    let (line, place) = match column {
        0 if line > 1 => (line - 1, "at the end of the line".to_string()),
        0 => (line, "at its start".to_string()),
        c => (line, format!("at column {c}")),
    };
    Some(Damage {
        line,
        message: frame(what, &place, &problem),
    })
}

/// The message for bytes that are not UTF-8 at `column`, for readers that
/// check the encoding themselves; `rest` starts at the first bad byte.
pub(crate) fn not_utf8(what: &str, column: u64, rest: &[u8]) -> String {
    frame(what, &format!("at column {column}"), &not_utf8_words(rest))
}

/// serde_json's message without the " at line L column C" it appends (the
/// position is given separately, or refers to text uptake wrote itself).
pub(crate) fn serde_text(e: &serde_json::Error) -> String {
    let text = e.to_string();
    let suffix = format!(" at line {} column {}", e.line(), e.column());
    match text.strip_suffix(&suffix) {
        Some(message) => message.to_string(),
        None => text,
    }
}

/// What serde_json reported, from its message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Code {
    /// Bytes that are not UTF-8.
    NotUtf8,
    /// A UTF-16 surrogate escape without its pair; `after` when serde_json
    /// stopped on the byte after a leading half (not the last digit of an
    /// escape).
    Surrogate { after: bool },
    /// A backslash that starts no JSON escape.
    BadEscape,
    /// A raw control character (newline, tab, …) inside a string.
    Control,
    /// A comma before `]` or `}`.
    TrailingComma,
    /// Text after the end of the value.
    TrailingText,
    /// Something else where JSON needs this.
    Needs(&'static str),
    /// A number JSON does not allow (`01`, `-`, `1.`).
    BadNumber,
    /// A number too large to read (`1e999`).
    NumberTooLarge,
    /// Nesting deeper than serde_json reads.
    TooDeep,
    /// The text ends early, inside this.
    Ends(&'static str),
    /// A message not matched: shown in serde_json's words.
    Other,
}

impl Code {
    /// Matches serde_json's message text (its `ErrorCode` display).
    fn of(message: &str) -> Code {
        match message {
            "invalid unicode code point" => Code::NotUtf8,
            "unexpected end of hex escape" => Code::Surrogate { after: true },
            "lone leading surrogate in hex escape" => Code::Surrogate { after: false },
            "invalid escape" => Code::BadEscape,
            "control character (\\u0000-\\u001F) found while parsing a string" => Code::Control,
            "trailing comma" => Code::TrailingComma,
            "trailing characters" => Code::TrailingText,
            "expected `:`" => Code::Needs("a `:` after the key"),
            "expected `,` or `]`" => Code::Needs("a `,` or the `]` that closes the list"),
            "expected `,` or `}`" => Code::Needs("a `,` or the `}` that closes the object"),
            "expected ident" => Code::Needs("`true`, `false` or `null`"),
            "expected value" => Code::Needs("a value"),
            "expected `\"`" => Code::Needs("a text in double quotes"),
            "key must be a string" => Code::Needs("a key in double quotes"),
            "invalid number" => Code::BadNumber,
            "number out of range" => Code::NumberTooLarge,
            "recursion limit exceeded" => Code::TooDeep,
            "EOF while parsing a list" => Code::Ends(", inside a list"),
            "EOF while parsing an object" => Code::Ends(", inside an object"),
            "EOF while parsing a string" => Code::Ends(", inside a text"),
            "EOF while parsing a value" => Code::Ends(" where a value should follow"),
            _ => Code::Other,
        }
    }
}

/// "invalid JSON in this …, at column C: problem".
fn frame(what: &str, place: &str, problem: &str) -> String {
    format!("invalid JSON in {}, {place}: {problem}", this(what))
}

/// "a TikTok Research API response" → "this TikTok Research API response".
fn this(what: &str) -> String {
    ["a ", "an ", "the "]
        .iter()
        .find_map(|article| what.strip_prefix(article))
        .map_or_else(|| what.to_string(), |rest| format!("this {rest}"))
}

/// The column the message points at and what is wrong there.
fn problem(
    code: Code,
    serde: &str,
    column: u64,
    text: &Text<'_>,
    layout: Layout,
    what: &str,
) -> (u64, String) {
    const EDITED: &str = "the file was probably edited by hand, joined wrongly or damaged";
    match code {
        Code::NotUtf8 => match text.not_utf8_at(column) {
            Some((at, rest)) => (at, not_utf8_words(rest)),
            None => (column, not_utf8_words(&[])),
        },
        Code::Surrogate { after } => {
            // After a leading half, serde_json stops on the next byte (the
            // one after a backslash, when one follows); else on the last
            // digit of an escape that is a trailing half alone, or that
            // should have been the trailing half of the one before.
            let found = if after {
                [6, 7]
                    .iter()
                    .filter_map(|back| text.escape(column.checked_sub(*back)?))
                    .find(|e| (0xD800..=0xDBFF).contains(&e.value))
            } else {
                match text.escape(column.saturating_sub(5)) {
                    Some(e) if (0xDC00..=0xDFFF).contains(&e.value) => Some(e),
                    Some(_) => text.escape(column.saturating_sub(11)),
                    None => None,
                }
            }
            .filter(|e| (0xD800..=0xDFFF).contains(&e.value));
            let (at, shown) = match found {
                Some(e) => (e.column, format!("`{}`", e.text)),
                None => (column, "a `\\u` escape".to_string()),
            };
            (
                at,
                format!(
                    "{shown} is half of a UTF-16 surrogate pair (the two escapes that write an \
                     emoji) and its other half is missing: the tool that wrote the file probably \
                     cut a text inside an emoji; remove that escape, or collect the record again"
                ),
            )
        }
        Code::BadEscape => {
            let (at, shown) = match text.backslash_before(column) {
                Some(at) => (at, text.quote(at, column, FOUND)),
                None => (column, None),
            };
            let shown = shown.map_or_else(|| "a backslash".to_string(), |s| format!("`{s}`"));
            (
                at,
                format!(
                    "{shown} is not a JSON escape (a backslash in text is written `\\\\`, and \
                     `\\u` takes four hex digits): the file was probably written or edited by a \
                     tool that does not escape text for JSON; export it again, or fix that \
                     backslash"
                ),
            )
        }
        Code::Control => {
            let byte = if column == 0 {
                Some(b'\n')
            } else {
                text.byte(column)
            };
            let (found, escape) = match byte {
                Some(b'\n') => ("a raw line break".to_string(), "`\\n`".to_string()),
                Some(b'\r') => ("a raw carriage return".to_string(), "`\\r`".to_string()),
                Some(b'\t') => ("a raw tab".to_string(), "`\\t`".to_string()),
                Some(b) if b < 0x20 => (
                    format!("control character U+{b:04X}"),
                    format!("`\\u{b:04x}`"),
                ),
                _ => (
                    "a raw control character (a line break, a tab or the like)".to_string(),
                    "an escape such as `\\n`".to_string(),
                ),
            };
            (
                column,
                format!(
                    "{found} inside a text, which JSON writes as {escape}: the file was probably \
                     edited by hand, or its lines were joined or split wrongly"
                ),
            )
        }
        Code::TrailingComma => trailing_comma(text, column, None),
        Code::Needs(need) => {
            if matches!(need, "a value" | "a key in double quotes") {
                // Skipped values report a trailing comma as a missing value.
                if let Some(comma) = text.comma_before(column) {
                    return trailing_comma(text, column, Some(comma));
                }
            }
            // For `tru` or `nan`, quote the word, not the byte it failed on.
            let start = if need.starts_with("`true`") {
                text.word_start(column)
            } else {
                column
            };
            let problem = match text.quote(start, u64::MAX, FOUND) {
                Some(found) => format!("found `{found}` where JSON needs {need}: {EDITED}"),
                None => format!("JSON needs {need} here: {EDITED}"),
            };
            (start, problem)
        }
        Code::BadNumber | Code::NumberTooLarge => {
            let (start, end) = text.number(column);
            let shown = text
                .quote(start, end, FOUND)
                .map_or_else(|| "a number".to_string(), |n| format!("`{n}`"));
            let problem = if code == Code::BadNumber {
                format!(
                    "{shown} is not a JSON number (JSON allows no leading zeros, `NaN` or \
                     `Infinity`): the file was probably written or edited by a tool that does \
                     not follow JSON"
                )
            } else {
                format!("{shown} is too large a number to read: {EDITED}")
            };
            (start, problem)
        }
        Code::TrailingText => {
            let starting = text
                .quote(column, u64::MAX, EXCERPT)
                .map(|s| format!(", starting `{s}`"))
                .unwrap_or_default();
            let problem = match layout {
                Layout::Document => format!(
                    "more text after the end of the JSON{starting}: the file was probably \
                     joined from pieces or edited by hand"
                ),
                Layout::Line => format!(
                    "more text after the end of the line's JSON object{starting}: a line holds \
                     one record, so two were probably joined on one line"
                ),
            };
            (column, problem)
        }
        Code::TooDeep => (
            column,
            format!(
                "lists or objects nested more than 128 deep, which no TikTok file has: the file \
                 is damaged or is not {what}"
            ),
        ),
        Code::Ends(inside) => {
            let problem = match layout {
                Layout::Document => format!(
                    "it ends early{inside} (a truncated download?): download or export it again"
                ),
                Layout::Line => format!(
                    "the line ends early{inside} (a truncated file, or a record split over two \
                     lines?)"
                ),
            };
            (column, problem)
        }
        Code::Other => (column, serde.to_string()),
    }
}

/// A comma before the closing bracket at `column`; `comma` is its column
/// when it is on the same line.
fn trailing_comma(text: &Text<'_>, column: u64, comma: Option<u64>) -> (u64, String) {
    let comma = comma.or_else(|| text.comma_before(column));
    let closing = match text.byte(column) {
        Some(b']') => "the closing `]`",
        Some(b'}') => "the closing `}`",
        _ => "a closing bracket",
    };
    (
        comma.unwrap_or(column),
        format!(
            "a comma right before {closing}, which JSON does not allow: the file was probably \
             edited by hand or joined wrongly; remove that comma"
        ),
    )
}

/// "byte 0xE9 (`é` in Windows-1252) is not UTF-8 text: …"; `rest` starts
/// at the first bad byte (empty when it is not known).
fn not_utf8_words(rest: &[u8]) -> String {
    let bad = bad_run(rest);
    let hex: Vec<String> = bad.iter().map(|b| format!("0x{b:02X}")).collect();
    let (which, verb) = match hex.len() {
        0 => ("the bytes there".to_string(), "are"),
        1 => (format!("byte {}", hex.join(" ")), "is"),
        _ => (format!("bytes {}", hex.join(" ")), "are"),
    };
    // The usual cause is text saved as Windows-1252 (Latin-1): saying what
    // the bytes mean there lets a reader recognise the character.
    let legacy = bad
        .iter()
        .map(|b| windows_1252(*b))
        .collect::<Option<String>>()
        .filter(|s| !s.is_empty())
        .map(|s| format!(" (`{s}` in Windows-1252)"))
        .unwrap_or_default();
    format!(
        "{which}{legacy} {verb} not UTF-8 text: the file was probably saved in another encoding or \
         damaged in transfer; convert it to UTF-8, or export or download it again"
    )
}

/// The invalid UTF-8 sequences at the start of `rest`, at most 4 bytes.
fn bad_run(rest: &[u8]) -> &[u8] {
    let mut len = 0;
    while len < 4 {
        let Some(next) = rest.get(len..(len + 4).min(rest.len())) else {
            break;
        };
        match std::str::from_utf8(next) {
            Err(e) if e.valid_up_to() == 0 => len += e.error_len().unwrap_or(next.len()),
            _ => break,
        }
    }
    rest.get(..len.min(4)).unwrap_or_default()
}

/// What `byte` (0x80 or above) means in Windows-1252; `None` for ASCII
/// and for the five bytes it leaves undefined.
fn windows_1252(byte: u8) -> Option<char> {
    // 0x80..=0x9F; 0xA0 and above are Latin-1, the same code points.
    const LOW: [Option<char>; 32] = [
        Some('€'),
        None,
        Some('‚'),
        Some('ƒ'),
        Some('„'),
        Some('…'),
        Some('†'),
        Some('‡'),
        Some('ˆ'),
        Some('‰'),
        Some('Š'),
        Some('‹'),
        Some('Œ'),
        None,
        Some('Ž'),
        None,
        None,
        Some('‘'),
        Some('’'),
        Some('“'),
        Some('”'),
        Some('•'),
        Some('–'),
        Some('—'),
        Some('˜'),
        Some('™'),
        Some('š'),
        Some('›'),
        Some('œ'),
        None,
        Some('ž'),
        Some('Ÿ'),
    ];
    match byte {
        0x80..=0x9F => LOW.get(usize::from(byte - 0x80)).copied().flatten(),
        // A no-break space would look like nothing in the message.
        0xA0 => None,
        0xA1.. => Some(char::from(byte)),
        _ => None,
    }
}

/// A `\uXXXX` escape found in the text.
struct Escape {
    /// Its column.
    column: u64,
    /// Its six characters.
    text: String,
    /// The code unit it writes.
    value: u32,
}

/// The kept bytes of the error's line, addressed by serde_json's columns.
struct Text<'a>(Option<Around<'a>>);

impl Text<'_> {
    /// The index of `column` in the kept bytes.
    fn index(&self, column: u64) -> Option<usize> {
        let a = self.0?;
        let index = usize::try_from(column.checked_sub(a.from)?).ok()?;
        (index < a.bytes.len()).then_some(index)
    }

    /// The bytes from `first` to `last` (inclusive), cut at the end of what
    /// was kept.
    fn bytes(&self, first: u64, last: u64) -> Option<&[u8]> {
        let a = self.0?;
        let start = self.index(first)?;
        let end = self
            .index(last)
            .map_or(a.bytes.len(), |i| i.saturating_add(1));
        a.bytes.get(start..end)
    }

    /// The byte at `column`.
    fn byte(&self, column: u64) -> Option<u8> {
        let a = self.0?;
        a.bytes.get(self.index(column)?).copied()
    }

    /// Columns `first` to `last` as an escaped excerpt of at most `max`
    /// characters.
    fn quote(&self, first: u64, last: u64, max: usize) -> Option<String> {
        let bytes = self.bytes(first, last)?;
        // A character is at most 4 bytes: more are never shown.
        let shown = bytes.get(..(max + 1) * 4).unwrap_or(bytes);
        Some(excerpt(shown, max))
    }

    /// The `\uXXXX` escape starting at `column`.
    fn escape(&self, column: u64) -> Option<Escape> {
        let bytes = self.bytes(column, column.checked_add(5)?)?;
        let hex = bytes.strip_prefix(b"\\u")?;
        if hex.len() != 4 {
            return None;
        }
        let hex = std::str::from_utf8(hex).ok()?;
        let value = u32::from_str_radix(hex, 16).ok()?;
        Some(Escape {
            column,
            text: format!("\\u{hex}"),
            value,
        })
    }

    /// The column of the backslash of the escape serde_json refused at
    /// `column` (at most five bytes back: `\u12G4`).
    fn backslash_before(&self, column: u64) -> Option<u64> {
        (1..=5)
            .filter_map(|back| column.checked_sub(back))
            .find(|c| self.byte(*c) == Some(b'\\'))
    }

    /// The column of a comma before the closing bracket at `column`, with
    /// only spaces between them on this line.
    fn comma_before(&self, column: u64) -> Option<u64> {
        if !matches!(self.byte(column), Some(b']' | b'}')) {
            return None;
        }
        let mut c = column.checked_sub(1)?;
        loop {
            match self.byte(c)? {
                b',' => return Some(c),
                b' ' | b'\t' | b'\r' => c = c.checked_sub(1)?,
                _ => return None,
            }
        }
    }

    /// The column where the letters that end at `column` start.
    fn word_start(&self, column: u64) -> u64 {
        let mut start = column;
        while let Some(c) = start.checked_sub(1) {
            match self.byte(c) {
                Some(b) if b.is_ascii_alphabetic() => start = c,
                _ => break,
            }
        }
        start
    }

    /// The first and last column of the number serde_json refused at
    /// `column`.
    fn number(&self, column: u64) -> (u64, u64) {
        let in_number = |b: u8| b.is_ascii_digit() || matches!(b, b'-' | b'+' | b'.' | b'e' | b'E');
        let mut start = column;
        while let Some(c) = start.checked_sub(1) {
            match self.byte(c) {
                Some(b) if in_number(b) => start = c,
                _ => break,
            }
        }
        let mut end = start;
        while let Some(b) = self.byte(end + 1) {
            if !(in_number(b) || b.is_ascii_alphanumeric()) {
                break;
            }
            end += 1;
        }
        (start, end)
    }

    /// The column of the first bad UTF-8 sequence serde_json reported at
    /// `column`, and the kept bytes from it on. serde_json's column is
    /// exact unless escapes follow the bad byte in its string, which moves
    /// it right: the last bad sequence at or before it is the one.
    fn not_utf8_at(&self, column: u64) -> Option<(u64, &[u8])> {
        let a = self.0?;
        let end = self.index(column)?;
        // A sequence starting at `end` is whole within 4 bytes.
        let bytes = a.bytes.get(..(end + 4).min(a.bytes.len()))?;
        // Kept bytes that start mid-line may start mid-character.
        let skip = if a.from > 1 { 3 } else { 0 };
        let mut at = 0;
        let mut last = None;
        while let Some(rest) = bytes.get(at..).filter(|r| !r.is_empty()) {
            let Err(e) = std::str::from_utf8(rest) else {
                break;
            };
            let start = at + e.valid_up_to();
            if start > end {
                break;
            }
            if start >= skip {
                last = Some(start);
            }
            at = start + e.error_len().unwrap_or(1);
        }
        let start = last?;
        Some((a.from + start as u64, a.bytes.get(start..)?))
    }
}

/// At most `max` characters of `bytes` as text, with control and
/// bidirectional-override characters escaped (`\u{1b}`) so that a quoted
/// file cannot drive a terminal, and `…` when cut.
fn excerpt(bytes: &[u8], max: usize) -> String {
    let text = String::from_utf8_lossy(bytes);
    let mut out = String::new();
    let mut chars = text.chars();
    for c in chars.by_ref().take(max) {
        let bidi = matches!(c, '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}');
        if c.is_control() || bidi {
            let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
        } else {
            out.push(c);
        }
    }
    if chars.next().is_some() {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests;
