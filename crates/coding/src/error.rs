//! The coding crate's error type: every variant says where (file, sheet,
//! row, item), what was expected and what was found.

use std::fmt;

/// Everything that can go wrong while reading a codebook, sampling units or
/// reading a filled coding sheet.
#[derive(Debug, thiserror::Error)]
pub enum CodingError {
    /// A codebook is not valid TOML or does not have the expected fields.
    #[error("codebook `{file}`: {message}")]
    CodebookSyntax {
        /// The codebook's file (or built-in name).
        file: String,
        /// The TOML parser's message, with line and column.
        message: String,
    },
    /// A codebook parses but says something impossible.
    #[error("codebook `{file}`{}: {message}", at_line(*line))]
    CodebookInvalid {
        /// The codebook's file (or built-in name).
        file: String,
        /// The 1-based line, when known.
        line: Option<usize>,
        /// What is wrong, naming the item or score.
        message: String,
    },
    /// A value does not fit its item.
    #[error("item `{item}`: {problem}")]
    Value {
        /// The item's id.
        item: String,
        /// Expected and found.
        problem: ValueProblem,
    },
    /// A sampling or assignment request cannot be met.
    #[error("{0}")]
    Sample(String),
    /// A coding sheet could not be read, or holds bad values.
    #[error("{}", format_sheet_errors(file, errors))]
    Sheet {
        /// The sheet's file.
        file: String,
        /// Each problem found, in sheet order.
        errors: Vec<SheetProblem>,
    },
}

/// Why a raw value does not fit its item.
#[derive(Debug, Clone, PartialEq)]
pub enum ValueProblem {
    /// The cell is empty.
    Blank,
    /// The item has no such id in the codebook.
    UnknownItem,
    /// `N/A` was given for an item that does not allow it.
    NaNotAllowed,
    /// Something else was expected.
    Expected {
        /// What the item accepts.
        expected: String,
        /// What the cell holds.
        found: String,
    },
}

impl fmt::Display for ValueProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ValueProblem::Blank => write!(f, "expected a value, found an empty cell"),
            ValueProblem::UnknownItem => write!(f, "no such item in the codebook"),
            ValueProblem::NaNotAllowed => {
                write!(
                    f,
                    "expected a value, found `NA`, but this item does not allow N/A"
                )
            }
            ValueProblem::Expected { expected, found } => {
                write!(f, "expected {expected}, found `{found}`")
            }
        }
    }
}

/// One problem in a coding sheet.
#[derive(Debug, Clone, PartialEq)]
pub struct SheetProblem {
    /// The sheet (`Coding` in an XLSX workbook; `None` for a CSV file).
    pub sheet: Option<String>,
    /// The 1-based row as a spreadsheet shows it, when the problem is in a row.
    pub row: Option<usize>,
    /// The item (column), when the problem is in a cell.
    pub item: Option<String>,
    /// What was expected and what was found.
    pub message: String,
}

impl fmt::Display for SheetProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut parts = Vec::new();
        if let Some(sheet) = &self.sheet {
            parts.push(format!("sheet `{sheet}`"));
        }
        if let Some(row) = self.row {
            parts.push(format!("row {row}"));
        }
        if let Some(item) = &self.item {
            parts.push(format!("item `{item}`"));
        }
        if parts.is_empty() {
            write!(f, "{}", self.message)
        } else {
            write!(f, "{}: {}", parts.join(", "), self.message)
        }
    }
}

/// At most this many problems are listed in one error.
const SHOWN_PROBLEMS: usize = 20;

fn format_sheet_errors(file: &str, errors: &[SheetProblem]) -> String {
    let mut out = match errors.len() {
        1 => format!("`{file}`: "),
        n => format!("`{file}`: {n} problems, nothing was imported:\n  "),
    };
    let shown: Vec<String> = errors
        .iter()
        .take(SHOWN_PROBLEMS)
        .map(|e| e.to_string())
        .collect();
    out.push_str(&shown.join("\n  "));
    if errors.len() > SHOWN_PROBLEMS {
        out.push_str(&format!("\n  … and {} more", errors.len() - SHOWN_PROBLEMS));
    }
    if errors.len() == 1 {
        out.push_str("; nothing was imported");
    }
    out
}

fn at_line(line: Option<usize>) -> String {
    line.map(|l| format!(" line {l}")).unwrap_or_default()
}
