//! XLSX workbooks from untrusted hands, read with bounded memory and no
//! panic.
//!
//! calamine parses the XML, but trusts what a file declares: a `uniqueCount`
//! it reserves memory for, cell references it computes with unchecked
//! arithmetic, style elements it copies into every style using them, and
//! (through `worksheet_range`) a dense grid spanning the sheet's first to
//! last cell, 24 GB for two cells at `A1` and `XFD1048576`. So a workbook is
//! read in two steps: [`check_package`] looks at the ZIP and its XML parts
//! before calamine does, then the sheet's cells are streamed one by one
//! ([`calamine::Xlsx::worksheet_cells_reader`]) into rows built here, within
//! [`Limits`] on rows, columns, cells and text.

mod package;

pub use package::{check_package, EXCEL_MAX_COLUMN, EXCEL_MAX_ROW};

use crate::error::{IngestError, Location};
use std::io::{Read, Seek};
use std::panic::{catch_unwind, AssertUnwindSafe};

/// How much of a workbook uptake is willing to read. The bounds exist so
/// that a small hostile file cannot make uptake allocate gigabytes; they are
/// set well above what the files they are for hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// What kind of workbook this is, for messages (`a TikTok Studio export`).
    pub what: &'static str,
    /// Highest 1-based row number a cell may have.
    pub max_rows: u32,
    /// Highest 1-based column number a cell may have.
    pub max_columns: u32,
    /// Most cells in the table built from the sheet: non-blank cells, and
    /// rows × width of the rows kept.
    pub max_cells: u64,
    /// Most bytes of cell text, all cells together (a shared string is
    /// copied into every cell that uses it).
    pub max_text_bytes: u64,
    /// Most uncompressed bytes of any one part of the package.
    pub max_part_bytes: u64,
    /// Most uncompressed bytes of all parts together.
    pub max_total_bytes: u64,
    /// Most entries in the shared-string table, declared or present.
    pub max_shared_strings: u64,
    /// Most cell styles (`<xf>` elements) in any one part.
    pub max_styles: u64,
    /// Whether a cell may hold a formula, read as its cached value. When
    /// false such a cell is refused: a tool other than Excel may save a
    /// formula with no value, which would read as a blank cell, and a
    /// value meant to be typed by a person should not be computed.
    pub formulas: bool,
}

impl Limits {
    /// Bounds for TikTok Studio "Download data" workbooks. Real ones are
    /// small: Overview has a row per day of the window (at most a year),
    /// Content a row per recent video, the Follower and Viewers files a few
    /// dozen rows, each with a few to a few dozen columns, so a few thousand
    /// rows and well under a hundred columns at most. The bounds leave a wide
    /// margin (20 times that) and keep the worst case to a few hundred MB.
    pub const STUDIO: Limits = Limits {
        what: "a TikTok Studio export",
        max_rows: 100_000,
        max_columns: 1_024,
        max_cells: 2_000_000,
        max_text_bytes: 64 * 1024 * 1024,
        max_part_bytes: 64 * 1024 * 1024,
        max_total_bytes: 256 * 1024 * 1024,
        max_shared_strings: 1_000_000,
        // Studio writes a handful; a workbook re-saved in Excel, dozens.
        max_styles: 4_000,
        formulas: true,
    };
}

/// One non-blank row of a sheet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SheetRow {
    /// The sheet's 1-based row number.
    pub number: u64,
    /// The 1-based column of `cells[0]`: the sheet's leftmost used column.
    pub first_column: u64,
    /// The row's cells as text, from the sheet's leftmost used column to its
    /// rightmost, every row as wide as the widest.
    pub cells: Vec<String>,
}

/// Reads the sheet called `sheet`, or the first sheet when `None`, of the
/// workbook `input` (`file` names it in errors): checks the package
/// ([`check_package`]), then streams the cells, turning each into text with
/// `text`, within `limits`. Rows whose cells are all blank are left out.
pub fn read_sheet<R: Read + Seek>(
    mut input: R,
    file: &str,
    sheet: Option<&str>,
    limits: &Limits,
    text: fn(&calamine::Data) -> String,
) -> Result<Vec<SheetRow>, IngestError> {
    check_package(&mut input, file, limits)?;
    // `check_package` refuses every input we know to make calamine panic.
    // calamine is a large third-party parser fed hostile bytes, so a panic
    // we do not know of is still contained here and reported as an error
    // (the workspace builds with the default `panic = "unwind"`, which
    // `catch_unwind` needs). Nothing outlives the closure but its result.
    catch_unwind(AssertUnwindSafe(|| {
        read_cells(input, file, sheet, limits, text)
    }))
    .unwrap_or_else(|_| {
        Err(invalid(
            file,
            None,
            "expected a well-formed XLSX workbook, found one the XLSX parser \
                 (calamine) failed on; this is a gap in uptake's checks, please report it",
        ))
    })
}

fn read_cells<R: Read + Seek>(
    input: R,
    file: &str,
    sheet: Option<&str>,
    limits: &Limits,
    text: fn(&calamine::Data) -> String,
) -> Result<Vec<SheetRow>, IngestError> {
    use calamine::Reader;
    let mut book = calamine::Xlsx::new(input).map_err(|e| {
        invalid(
            file,
            None,
            format!("expected an XLSX workbook, found a damaged one: {e}"),
        )
    })?;
    let sheet =
        match sheet {
            Some(name) if !book.sheet_names().iter().any(|n| n == name) => {
                return Err(invalid(
                    file,
                    None,
                    format!(
                        "expected a sheet named `{name}`, found {}",
                        book.sheet_names()
                            .iter()
                            .map(|n| format!("`{n}`"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                ))
            }
            Some(name) => name.to_string(),
            None => book.sheet_names().into_iter().next().ok_or_else(|| {
                invalid(file, None, "expected a workbook with one sheet, found none")
            })?,
        };
    let at_sheet = || Some(format!("sheet `{sheet}`"));
    let mut reader = book.worksheet_cells_reader(&sheet).map_err(|e| {
        invalid(
            file,
            at_sheet(),
            format!("expected a worksheet, found one calamine cannot read: {e}"),
        )
    })?;
    let mut cells = Cells::new(limits);
    loop {
        let cell = reader.next_cell_with_formula_metadata().map_err(|e| {
            invalid(
                file,
                at_sheet(),
                format!("expected a readable cell, found a damaged one: {e}"),
            )
        })?;
        let Some(cell) = cell else { break };
        let (row, column) = cell.pos;
        if cell.formula.is_some() && !limits.formulas {
            return Err(invalid(
                file,
                Some(format!(
                    "sheet `{sheet}`, cell `{}`",
                    cell_name(u64::from(row) + 1, u64::from(column) + 1)
                )),
                format!(
                    "expected a value typed in, found a formula: type its value instead \
                     (formulas are not read in {})",
                    limits.what
                ),
            ));
        }
        if matches!(cell.value, calamine::DataRef::Empty) {
            continue;
        }
        let value = calamine::Data::from(cell.value);
        cells
            .push(row, column, text(&value))
            .map_err(|(r, message)| {
                invalid(file, Some(format!("sheet `{sheet}`, cell `{r}`")), message)
            })?;
    }
    cells
        .into_rows()
        .map_err(|message| invalid(file, at_sheet(), message))
}

/// The non-empty cells of a sheet as found, held sparse until they are known
/// to fit the limits.
struct Cells<'l> {
    limits: &'l Limits,
    /// (0-based row, 0-based column, text), in the sheet's order.
    cells: Vec<(u32, u32, String)>,
    text_bytes: u64,
}

impl<'l> Cells<'l> {
    fn new(limits: &'l Limits) -> Self {
        Cells {
            limits,
            cells: Vec::new(),
            text_bytes: 0,
        }
    }

    /// Adds a cell; on a limit, returns the cell's reference and the message.
    fn push(&mut self, row: u32, column: u32, text: String) -> Result<(), (String, String)> {
        let limits = self.limits;
        let (row1, column1) = (u64::from(row) + 1, u64::from(column) + 1);
        let over = |message: String| Err((cell_name(row1, column1), message));
        if row1 > u64::from(limits.max_rows) {
            return over(format!(
                "expected at most {} rows in {}, found a cell in row {row1}",
                limits.max_rows, limits.what
            ));
        }
        if column1 > u64::from(limits.max_columns) {
            return over(format!(
                "expected at most {} columns (up to `{}`) in {}, found a cell in column {column1}",
                limits.max_columns,
                column_name(u64::from(limits.max_columns)),
                limits.what
            ));
        }
        if self.cells.len() as u64 >= limits.max_cells {
            return over(format!(
                "expected at most {} cells in {}, found more",
                limits.max_cells, limits.what
            ));
        }
        self.text_bytes += text.len() as u64;
        if self.text_bytes > limits.max_text_bytes {
            return over(format!(
                "expected at most {} bytes of cell text in {}, found more",
                limits.max_text_bytes, limits.what
            ));
        }
        self.cells.push((row, column, text));
        Ok(())
    }

    /// The rows, each as wide as the used columns; blank rows left out.
    fn into_rows(mut self) -> Result<Vec<SheetRow>, String> {
        let limits = self.limits;
        let Some(first) = self.cells.iter().map(|c| c.1).min() else {
            return Ok(Vec::new());
        };
        let last = self.cells.iter().map(|c| c.1).max().unwrap_or(first);
        // Stable, so that of two cells at one place the later wins, as in
        // calamine's own ranges.
        self.cells.sort_by_key(|c| (c.0, c.1));
        let width = (last - first) as usize + 1;
        let mut rows: Vec<u32> = self.cells.iter().map(|c| c.0).collect();
        rows.dedup();
        let area = rows.len() as u64 * width as u64;
        if area > limits.max_cells {
            return Err(format!(
                "expected at most {} cells in {}, found {} rows {width} columns wide",
                limits.max_cells,
                limits.what,
                rows.len()
            ));
        }
        let mut out: Vec<SheetRow> = Vec::with_capacity(rows.len());
        for (row, column, text) in self.cells {
            let number = u64::from(row) + 1;
            if out.last().is_none_or(|r| r.number != number) {
                out.push(SheetRow {
                    number,
                    first_column: u64::from(first) + 1,
                    cells: vec![String::new(); width],
                });
            }
            if let Some(slot) = out
                .last_mut()
                .and_then(|r| r.cells.get_mut((column - first) as usize))
            {
                *slot = text;
            }
        }
        out.retain(|r| r.cells.iter().any(|c| !c.trim().is_empty()));
        Ok(out)
    }
}

/// `A1`-style name of a 1-based (row, column).
fn cell_name(row: u64, column: u64) -> String {
    format!("{}{row}", column_name(column))
}

/// Spreadsheet letters of a 1-based column (`1` → `A`, `28` → `AB`).
fn column_name(mut column: u64) -> String {
    let mut letters = Vec::new();
    while column > 0 {
        let rem = (column - 1) % 26;
        letters.push(b'A' + rem as u8);
        column = (column - 1) / 26;
    }
    letters.reverse();
    String::from_utf8_lossy(&letters).into_owned()
}

/// An [`IngestError::Invalid`] in `file`, at `record` when given.
fn invalid(file: &str, record: Option<String>, message: impl Into<String>) -> IngestError {
    let location = match record {
        Some(record) => Location::record(file, record),
        None => Location::file(file),
    };
    IngestError::invalid(location, message)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn column_names() {
        let cases = [
            (1, "A"),
            (26, "Z"),
            (27, "AA"),
            (1_024, "AMJ"),
            (16_384, "XFD"),
        ];
        for (n, name) in cases {
            assert_eq!(column_name(n), name);
        }
    }

    #[test]
    fn rows_are_as_wide_as_the_used_columns() {
        let mut cells = Cells::new(&Limits::STUDIO);
        for (r, c, t) in [(4, 2, "b"), (1, 1, "a"), (2, 3, " "), (4, 2, "c")] {
            assert!(cells.push(r, c, t.to_string()).is_ok());
        }
        let rows = cells.into_rows().unwrap_or_default();
        let got: Vec<(u64, Vec<&str>)> = rows
            .iter()
            .map(|r| (r.number, r.cells.iter().map(String::as_str).collect()))
            .collect();
        assert_eq!(
            got,
            vec![(2, vec!["a", "", ""]), (5, vec!["", "c", ""])],
            "blank row 3 left out; the later of two cells at one place wins"
        );
    }

    #[test]
    fn limits_name_the_cell() {
        let mut cells = Cells::new(&Limits::STUDIO);
        let err = cells.push(100_000, 0, "x".into()).err();
        assert_eq!(err.map(|e| e.0), Some("A100001".to_string()));
        let err = cells.push(0, 1_024, "x".into()).err();
        assert_eq!(err.map(|e| e.0), Some("AMK1".to_string()));
    }
}
