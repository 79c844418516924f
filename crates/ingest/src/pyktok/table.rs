//! The CSV as read: the header row (normalised, and as written), the data
//! rows with their physical line numbers, and a row seen through its header.

use super::{is_index, normalise};
use crate::error::{IngestError, Location};
use crate::Context;
use serde_json::{Map, Value};
use std::io::{BufRead, BufReader, Read};

/// One data row.
pub(super) struct Row {
    /// Physical line where the row starts (header = 1).
    pub(super) line: u64,
    pub(super) cells: Vec<String>,
}

/// The CSV: its normalised header and an iterator over rows.
pub(super) struct Table<'c, R: Read> {
    /// Normalised header cells.
    pub(super) header: Vec<String>,
    /// Header cells as written (for raw records).
    header_raw: Vec<String>,
    pub(super) header_line: u64,
    records: csv::StringRecordsIntoIter<crate::csv_limit::RecordLimit<BufReader<R>>>,
    crlf_shift: u64,
    ctx: &'c Context<'c>,
}

impl<'c, R: Read> Table<'c, R> {
    pub(super) fn open(input: R, ctx: &'c Context<'c>) -> Result<Self, IngestError> {
        let mut buffered = BufReader::with_capacity(64 * 1024, input);
        let head = buffered.fill_buf().map_err(|source| IngestError::Io {
            location: ctx.whole(),
            source,
        })?;
        // The csv crate keeps a BOM as part of the first header cell.
        let has_bom = head.starts_with(b"\xEF\xBB\xBF");
        let body = head.get(if has_bom { 3 } else { 0 }..).unwrap_or(&[]);
        // With CRLF line ends the csv crate reports each record after the
        // first one line too early (it counts the previous record's `\n`).
        let crlf_shift = u64::from(
            body.iter()
                .position(|b| *b == b'\n')
                .is_some_and(|i| i > 0 && body.get(i - 1) == Some(&b'\r')),
        );
        if has_bom {
            buffered.consume(3);
        }
        let mut records = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(crate::csv_limit::RecordLimit::new(buffered))
            .into_records();
        loop {
            match records.next() {
                None => {
                    return Err(IngestError::invalid(
                        ctx.whole(),
                        "expected a pyktok CSV header row, found an empty file",
                    ))
                }
                Some(Err(e)) => return Err(csv_error(ctx, e)),
                Some(Ok(rec)) => {
                    if rec.iter().all(|c| c.trim().is_empty()) {
                        continue;
                    }
                    let header_raw: Vec<String> =
                        rec.iter().map(|c| c.trim().to_string()).collect();
                    let header: Vec<String> = header_raw.iter().map(|h| normalise(h)).collect();
                    // A column named twice would be read from its first
                    // place only, silently: say so instead.
                    let line = rec.position().map(|p| p.line()).unwrap_or(1);
                    for (i, h) in header.iter().enumerate() {
                        if !h.is_empty() && header[..i].contains(h) {
                            return Err(IngestError::invalid(
                                ctx.at_line(line),
                                format!(
                                    "expected each column once in the header row, found `{}` twice",
                                    header_raw.get(i).map_or("", String::as_str)
                                ),
                            ));
                        }
                    }
                    return Ok(Table {
                        header,
                        header_raw,
                        header_line: line,
                        records,
                        crlf_shift,
                        ctx,
                    });
                }
            }
        }
    }

    pub(super) fn next_row(&mut self) -> Result<Option<Row>, IngestError> {
        match self.records.next() {
            None => Ok(None),
            Some(Err(e)) => Err(csv_error(self.ctx, e)),
            Some(Ok(rec)) => {
                let line = rec.position().map(|p| p.line()).unwrap_or(0) + self.crlf_shift;
                // pandas writes every cell of every row: a row with fewer or
                // more is a file cut short (often inside a quoted caption) or
                // damaged, and reading it would store cut values.
                if rec.len() != self.header.len() && !rec.iter().all(|c| c.trim().is_empty()) {
                    return Err(IngestError::invalid(
                        self.ctx.at_line(line),
                        format!(
                            "expected {} cells like the header row, found {} (a file cut short, \
                             or a cell with an unclosed quote?)",
                            self.header.len(),
                            rec.len()
                        ),
                    ));
                }
                Ok(Some(Row {
                    line,
                    cells: rec.iter().map(str::to_string).collect(),
                }))
            }
        }
    }

    fn column(&self, name: &str) -> Option<usize> {
        self.header.iter().position(|h| h == name)
    }
}

fn csv_error(ctx: &Context, e: csv::Error) -> IngestError {
    let location = match e.position() {
        Some(p) => ctx.at_line(p.line()),
        None => ctx.whole(),
    };
    match e.into_kind() {
        csv::ErrorKind::Io(source) => IngestError::Io { location, source },
        csv::ErrorKind::Utf8 { .. } => IngestError::invalid(
            location,
            "expected UTF-8 text (pandas writes UTF-8), found other bytes",
        ),
        other => IngestError::invalid(location, format!("expected a CSV row: {other:?}")),
    }
}

/// A row seen through its table's header.
pub(super) struct Cells<'t, 'c, R: Read> {
    pub(super) table: &'t Table<'c, R>,
    pub(super) row: &'t Row,
}

impl<R: Read> Cells<'_, '_, R> {
    /// The trimmed cell of column `name`, `""` when absent.
    pub(super) fn get(&self, name: &str) -> &str {
        self.table
            .column(name)
            .and_then(|i| self.row.cells.get(i))
            .map(|c| c.trim())
            .unwrap_or("")
    }

    /// The first non-empty of several columns (current and 2022 names).
    pub(super) fn first(&self, names: &[&'static str]) -> (&'static str, &str) {
        for name in names {
            let v = self.get(name);
            if !v.is_empty() {
                return (name, v);
            }
        }
        (names.first().copied().unwrap_or(""), "")
    }

    pub(super) fn location(&self) -> Location {
        self.table.ctx.at_line(self.row.line)
    }

    /// The row as a JSON object of header → cell, without the pandas index.
    /// `nested` turns a cell into a JSON value (Python repr cells). Only the
    /// cells the row has: a short row under a very wide header would
    /// otherwise repeat every header name, and a small file could grow the
    /// database by gigabytes.
    pub(super) fn raw(
        &self,
        mut nested: impl FnMut(&str, &str) -> Option<Value>,
    ) -> Map<String, Value> {
        let mut map = Map::new();
        for (i, (h, cell)) in self
            .table
            .header_raw
            .iter()
            .zip(&self.row.cells)
            .enumerate()
        {
            let norm = self.table.header.get(i).map(String::as_str).unwrap_or("");
            if i == 0 && is_index(norm) {
                continue;
            }
            let cell = cell.as_str();
            let value = nested(norm, cell).unwrap_or_else(|| Value::String(cell.to_string()));
            map.insert(h.clone(), value);
        }
        map
    }
}

impl<R: Read> Cells<'_, '_, R> {
    /// A text cell as written (comments keep their spacing).
    pub(super) fn get_untrimmed(&self, name: &str) -> String {
        self.table
            .column(name)
            .and_then(|i| self.row.cells.get(i))
            .cloned()
            .unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pyktok::parse;
    use crate::{Options, VecSink};
    use uptake_model::PseudonymSecret;

    #[test]
    fn crlf_line_numbers_are_physical() {
        let options = Options {
            secret: Some(PseudonymSecret::from_bytes([7; 32])),
            observed_at: Some(1_725_100_000),
            ..Options::default()
        };
        let ctx = Context::new("v.csv", &options);
        let mut sink = VecSink::default();
        let text = "video_id,video_timestamp,video_diggcount\r\n1,2024-08-30T08:40:00,5\r\n\"2\",,6\r\n3,,x\r\n";
        let e = parse(text.as_bytes(), &ctx, &mut sink)
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert_eq!(
            sink.items
                .iter()
                .map(|i| i.location.line)
                .collect::<Vec<_>>(),
            vec![Some(2), Some(3)]
        );
        assert!(
            e.contains("line 4") && e.contains("`video_diggcount`"),
            "{e}"
        );
    }
}
