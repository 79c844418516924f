//! A table: columns, rows, summary rows and notes.

use crate::Cell;

/// Horizontal alignment of a column in text output.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    /// Left (text).
    Left,
    /// Right (numbers).
    Right,
}

/// A column: its header, its machine key (CSV/JSON) and its alignment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Column {
    /// Header shown to people (`Views`).
    pub header: String,
    /// Key for CSV headers and JSON (`views`), named as in docs/metrics.md.
    pub key: String,
    /// Alignment in text output.
    pub align: Align,
    /// Maximum width in text output; longer text is cut with `…`.
    pub max_width: Option<usize>,
    /// A count column whose values can be approximate (parsed from `1.2K`,
    /// rounded page stats): CSV and XLSX always follow it with a
    /// `<key>_approximate` column (see [`crate::render::render_csv`]).
    pub may_be_approximate: bool,
}

impl Column {
    /// A right-aligned (numeric) column.
    pub fn number(header: &str, key: &str) -> Column {
        Column {
            header: header.into(),
            key: key.into(),
            align: Align::Right,
            max_width: None,
            may_be_approximate: false,
        }
    }

    /// A right-aligned count column whose values can be approximate.
    pub fn count(header: &str, key: &str) -> Column {
        Column {
            may_be_approximate: true,
            ..Column::number(header, key)
        }
    }

    /// A left-aligned text column cut at `max_width` characters in text output.
    pub fn text(header: &str, key: &str, max_width: usize) -> Column {
        Column {
            header: header.into(),
            key: key.into(),
            align: Align::Left,
            max_width: Some(max_width),
            may_be_approximate: false,
        }
    }
}

/// A table ready to render.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Table {
    /// Columns.
    pub columns: Vec<Column>,
    /// Body rows; each has one cell per column.
    pub rows: Vec<Vec<Cell>>,
    /// Summary rows (total, median, IQR) shown under a rule.
    pub summary: Vec<Vec<Cell>>,
    /// Notes printed under the table (what `~` means, sources, caveats).
    pub notes: Vec<String>,
}
