//! The template's text: logical CSV records read one physical line at a
//! time (comment and blank lines skipped, a quoted cell's line breaks joined
//! back), the cell separator, and splitting a record into cells.

use crate::error::IngestError;
use crate::Context;
use std::io::{BufRead, BufReader, Read};

/// Longest logical record read, so that a file without line breaks cannot
/// use unbounded memory.
const MAX_RECORD: u64 = 1024 * 1024;

/// Logical records of a text table: physical lines without comment and
/// blank lines, a quoted cell's line breaks joined back.
pub(super) struct Lines<'c, R> {
    pub(super) reader: BufReader<R>,
    pub(super) buf: Vec<u8>,
    /// Physical lines read so far.
    pub(super) line: u64,
    pub(super) ctx: &'c Context<'c>,
}

impl<R: Read> Lines<'_, R> {
    /// Reads one physical line into a string, without its line break.
    fn physical(&mut self) -> Result<Option<String>, IngestError> {
        self.buf.clear();
        let n = (&mut self.reader)
            .take(MAX_RECORD)
            .read_until(b'\n', &mut self.buf)
            .map_err(|source| IngestError::Io {
                location: self.ctx.whole(),
                source,
            })?;
        if n == 0 {
            return Ok(None);
        }
        self.line += 1;
        if n as u64 >= MAX_RECORD && self.buf.last() != Some(&b'\n') {
            return Err(IngestError::invalid(
                self.ctx.at_line(self.line),
                format!(
                    "expected lines of a CSV table, found a line longer than {MAX_RECORD} bytes"
                ),
            ));
        }
        let mut bytes = self.buf.as_slice();
        if self.line == 1 {
            bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        }
        let text = std::str::from_utf8(bytes).map_err(|_| {
            IngestError::invalid(
                self.ctx.at_line(self.line),
                "expected UTF-8 text, found other bytes; save the template as \"CSV UTF-8\"",
            )
        })?;
        Ok(Some(text.trim_end_matches(['\n', '\r']).to_string()))
    }

    /// The next record and the physical line it starts on.
    pub(super) fn next_record(&mut self) -> Result<Option<(u64, String)>, IngestError> {
        loop {
            let Some(text) = self.physical()? else {
                return Ok(None);
            };
            let trimmed = text.trim();
            if trimmed.is_empty() || trimmed.starts_with('#') {
                continue;
            }
            let start = self.line;
            // Quotes are counted per physical line, not over the whole
            // record again after each one: a quoted cell spanning many lines
            // would make that quadratic.
            let mut quotes = text.matches('"').count();
            let mut record = text;
            while quotes % 2 == 1 {
                match self.physical()? {
                    Some(more) => {
                        quotes += more.matches('"').count();
                        record.push('\n');
                        record.push_str(&more);
                    }
                    None => return Err(IngestError::invalid(
                        self.ctx.at_line(start),
                        "expected a closing `\"` for the quoted cell that starts on this line, \
                             found the end of the file",
                    )),
                }
                if record.len() as u64 > MAX_RECORD {
                    return Err(IngestError::invalid(
                        self.ctx.at_line(start),
                        "expected a closing `\"` for the quoted cell that starts on this line, \
                         found none within 1 MiB",
                    ));
                }
            }
            return Ok(Some((start, record)));
        }
    }
}

/// The cell separator, from the header row: `;` or tab when the header uses
/// more of them than commas, else `,`.
pub(super) fn separator(header: &str) -> char {
    let mut counts = [0usize; 3];
    let mut quoted = false;
    for c in header.chars() {
        match c {
            '"' => quoted = !quoted,
            ',' if !quoted => counts[0] += 1,
            ';' if !quoted => counts[1] += 1,
            '\t' if !quoted => counts[2] += 1,
            _ => {}
        }
    }
    if counts[1] > counts[0] && counts[1] >= counts[2] {
        ';'
    } else if counts[2] > counts[0] && counts[2] > counts[1] {
        '\t'
    } else {
        ','
    }
}

/// Splits one CSV record: `"` quotes a cell, `""` inside quotes is a quote.
/// Text after a closing quote is kept rather than rejected (hand-edited
/// files).
pub(super) fn split_fields(record: &str, sep: char) -> Vec<String> {
    let mut out = Vec::new();
    let mut cell = String::new();
    let mut chars = record.chars().peekable();
    let mut quoted = false;
    let mut at_start = true;
    while let Some(c) = chars.next() {
        if quoted {
            if c == '"' {
                if chars.peek() == Some(&'"') {
                    chars.next();
                    cell.push('"');
                } else {
                    quoted = false;
                }
            } else {
                cell.push(c);
            }
        } else if c == sep {
            out.push(std::mem::take(&mut cell));
            at_start = true;
            continue;
        } else if c == '"' && at_start && cell.trim().is_empty() {
            cell.clear();
            quoted = true;
        } else {
            cell.push(c);
        }
        at_start = false;
    }
    out.push(cell);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splitting_and_separators() {
        assert_eq!(
            split_fields(r#"a,"b,c","d ""q""",,e"#, ','),
            vec!["a", "b,c", "d \"q\"", "", "e"]
        );
        assert_eq!(split_fields("a;b", ';'), vec!["a", "b"]);
        assert_eq!(separator("video;observed;views"), ';');
        assert_eq!(separator("video,\"a;b;c\""), ',');
        assert_eq!(separator("video\tobserved"), '\t');
    }
}
