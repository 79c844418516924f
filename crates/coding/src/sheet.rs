//! Blind per-coder coding sheets (CSV and XLSX) and reading them back.
//!
//! A sheet lists only one coder's units and never another coder's values.
//! Layout (both formats):
//!
//! | row | column A   | column B                      | then one column per item |
//! |-----|------------|-------------------------------|--------------------------|
//! | 1   | `unit_id`  | `context`                     | item ids                 |
//! | 2   | `#about`   | `codebook=… version=… coder=… unit=…` | what each item accepts |
//! | 3…  | a unit id  | link and caption/text excerpt | empty, for the coder     |
//!
//! Row 2 tells the importer which codebook and coder the sheet belongs to;
//! rows whose first cell starts with `#` are skipped. XLSX workbooks add an
//! `Instructions` sheet (every item with its anchors and N/A rule, the
//! scores, the citations), a hidden `Lists` sheet, and drop-down lists (or
//! number ranges) on every item column. Text from the project (captions,
//! comments) is neutralised against spreadsheet formulas.

use crate::codebook::{Codebook, ItemKind, Value};
use crate::error::{CodingError, SheetProblem, ValueProblem};
use crate::unit::UnitKind;
use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead, BufReader, Read, Seek};
use uptake_ingest::error::IngestError;
use uptake_ingest::xlsx::{self, Limits};
use uptake_report::render::neutralise_formula;
use uptake_report::xlsx::{
    absolute_ref, cell_ref, render_workbook, DataValidation, ValidationRule, Worksheet,
};
use uptake_report::Cell;

/// Name of the sheet coders fill in an XLSX workbook.
pub const CODING_SHEET: &str = "Coding";

/// Which codebook, coder and kind of unit a sheet is for (its `#about` row).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SheetMeta {
    /// Codebook name.
    pub codebook: String,
    /// Codebook version.
    pub version: String,
    /// The coder the sheet was made for.
    pub coder: String,
    /// Kind of the units listed.
    pub unit_kind: UnitKind,
}

impl SheetMeta {
    fn to_row_text(&self) -> String {
        format!(
            "codebook={} version={} coder={} unit={} (uptake coding sheet: keep this row; fill one row per unit below)",
            self.codebook, self.version, self.coder, self.unit_kind
        )
    }

    fn parse(text: &str) -> Option<SheetMeta> {
        let mut map = BTreeMap::new();
        for token in text.split_whitespace() {
            if let Some((k, v)) = token.split_once('=') {
                map.insert(k, v);
            }
        }
        Some(SheetMeta {
            codebook: map.get("codebook")?.to_string(),
            version: map.get("version")?.to_string(),
            coder: map.get("coder")?.to_string(),
            unit_kind: UnitKind::parse(map.get("unit")?)?,
        })
    }
}

/// A unit as a sheet shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SheetUnit {
    /// The platform id.
    pub id: String,
    /// Context for the coder: a link and a caption or comment excerpt.
    pub context: String,
}

/// A filled sheet as read, before validation.
#[derive(Debug, Clone, PartialEq)]
pub struct FilledSheet {
    /// The sheet's `#about` row, when present.
    pub meta: Option<SheetMeta>,
    /// `Some("Coding")` for XLSX, `None` for CSV (used in error locations).
    pub sheet: Option<String>,
    /// Item columns, in order.
    pub items: Vec<String>,
    /// Unit rows.
    pub rows: Vec<FilledRow>,
}

/// One unit row of a filled sheet.
#[derive(Debug, Clone, PartialEq)]
pub struct FilledRow {
    /// The row number a spreadsheet shows (1-based).
    pub row: usize,
    /// The unit id cell.
    pub unit_id: String,
    /// The raw cell of each item column (same order as [`FilledSheet::items`]).
    pub cells: Vec<String>,
}

/// One unit's validated values.
#[derive(Debug, Clone, PartialEq)]
pub struct CodedUnit {
    /// The row it came from.
    pub row: usize,
    /// The unit id.
    pub unit_id: String,
    /// Item id and value, for the cells that were filled.
    pub values: Vec<(String, Value)>,
    /// Item cells left empty (not coded yet).
    pub blanks: usize,
}

/// Columns before the items.
const FIXED_COLUMNS: [&str; 2] = ["unit_id", "context"];

fn guide_row(codebook: &Codebook, meta: &SheetMeta) -> Vec<String> {
    let mut row = vec!["#about".to_string(), meta.to_row_text()];
    row.extend(codebook.items.iter().map(|i| i.guide()));
    row
}

fn header_row(codebook: &Codebook) -> Vec<String> {
    FIXED_COLUMNS
        .iter()
        .map(|s| s.to_string())
        .chain(codebook.items.iter().map(|i| i.id.clone()))
        .collect()
}

/// Writes a coder's blank CSV sheet.
pub fn write_csv(
    codebook: &Codebook,
    meta: &SheetMeta,
    units: &[SheetUnit],
) -> Result<Vec<u8>, CodingError> {
    let io = |e: csv::Error| CodingError::Sample(format!("cannot write a CSV sheet: {e}"));
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(header_row(codebook)).map_err(io)?;
    w.write_record(
        guide_row(codebook, meta)
            .iter()
            .map(|c| neutralise_formula(c)),
    )
    .map_err(io)?;
    for u in units {
        let mut row = vec![neutralise_formula(&u.id), neutralise_formula(&u.context)];
        row.extend(codebook.items.iter().map(|_| String::new()));
        w.write_record(&row).map_err(io)?;
    }
    w.into_inner()
        .map_err(|e| CodingError::Sample(format!("cannot write a CSV sheet: {e}")))
}

/// Writes a coder's blank XLSX workbook: the `Coding` sheet with drop-down
/// lists, the `Instructions` sheet and a hidden `Lists` sheet.
pub fn write_xlsx(
    codebook: &Codebook,
    meta: &SheetMeta,
    units: &[SheetUnit],
) -> Result<Vec<u8>, CodingError> {
    let text = |s: &str| Cell::Text(s.to_string());
    let mut rows: Vec<Vec<Cell>> = vec![
        header_row(codebook).iter().map(|s| text(s)).collect(),
        guide_row(codebook, meta).iter().map(|s| text(s)).collect(),
    ];
    for u in units {
        rows.push(vec![text(&u.id), text(&u.context)]);
    }
    let last_row = (units.len() + 2).max(3);
    let mut lists: Vec<Vec<Cell>> = vec![Vec::new()];
    let mut validations = Vec::new();
    let mut list_col = 0;
    for (i, item) in codebook.items.iter().enumerate() {
        let col = i + FIXED_COLUMNS.len();
        let range = format!("{}:{}", cell_ref(col, 3), cell_ref(col, last_row));
        let prompt = Some(format!("{}: {}", item.prompt, item.guide()));
        let error = Some(format!("{} expects {}", item.id, item.expected_text()));
        let rule = match (&item.kind, item.allowed_values()) {
            (_, Some(values)) => {
                lists[0].push(text(&item.id));
                for (r, v) in values.iter().enumerate() {
                    if lists.len() <= r + 1 {
                        lists.push(Vec::new());
                    }
                    let row = &mut lists[r + 1];
                    row.resize(list_col, Cell::Missing);
                    row.push(match (&item.kind, v.parse::<i64>()) {
                        (ItemKind::Ordinal { .. }, Ok(n)) => Cell::Count(n),
                        _ => text(v),
                    });
                }
                let source = format!(
                    "Lists!{}:{}",
                    absolute_ref(list_col, 2),
                    absolute_ref(list_col, values.len() + 1)
                );
                list_col += 1;
                Some(ValidationRule::List { source })
            }
            (ItemKind::Numeric { min, max }, None) => Some(ValidationRule::Decimal {
                min: *min,
                max: *max,
            }),
            _ => None,
        };
        if let Some(rule) = rule {
            validations.push(DataValidation {
                range,
                rule,
                prompt,
                error,
            });
        }
    }
    let mut instructions: Vec<Vec<Cell>> = vec![
        vec![text(&codebook.title)],
        vec![text(&format!(
            "Codebook `{}` version {}, coder {}. Fill the `Coding` sheet: one row per unit, one column per item. Leave a cell empty if you have not coded it yet. Use NA only where the item allows it.",
            codebook.name, codebook.version, meta.coder
        ))],
        vec![],
        ["item", "question", "accepts", "N/A", "help"]
            .iter()
            .map(|s| text(s))
            .collect(),
    ];
    for item in &codebook.items {
        instructions.push(vec![
            text(&item.id),
            text(&item.prompt),
            text(&item.guide()),
            text(if item.na_allowed {
                item.na_rule.as_deref().unwrap_or("allowed")
            } else {
                "not allowed"
            }),
            item.help.as_deref().map_or(Cell::Missing, text),
        ]);
    }
    instructions.push(vec![]);
    for s in &codebook.scores {
        instructions.push(vec![
            text(&format!("score {}", s.id)),
            text(&s.label),
            text(&format!("{} of {}", s.rule.name(), s.items.join(", "))),
        ]);
    }
    instructions.push(vec![]);
    for c in &codebook.citations {
        instructions.push(vec![text("source"), text(c)]);
    }
    if let Some(n) = &codebook.notes {
        instructions.push(vec![text("notes"), text(n)]);
    }
    let mut widths = vec![22.0, 60.0];
    widths.extend(codebook.items.iter().map(|_| 14.0));
    let sheets = [
        Worksheet {
            name: CODING_SHEET.into(),
            rows,
            column_widths: widths,
            frozen_rows: 2,
            validations,
            hidden: false,
        },
        Worksheet {
            name: "Instructions".into(),
            rows: instructions,
            column_widths: vec![14.0, 70.0, 50.0, 40.0, 50.0],
            ..Worksheet::default()
        },
        Worksheet {
            name: "Lists".into(),
            rows: lists,
            hidden: true,
            ..Worksheet::default()
        },
    ];
    render_workbook(&sheets)
        .map_err(|e| CodingError::Sample(format!("cannot write an XLSX sheet: {e}")))
}

/// The ZIP signature that starts every XLSX file.
const ZIP_MAGIC: &[u8] = b"PK\x03\x04";

/// Reads a filled sheet, CSV or XLSX (told apart by content, not by name).
/// `file` names it in errors.
pub fn read_sheet<R: Read + Seek>(reader: R, file: &str) -> Result<FilledSheet, CodingError> {
    let mut reader = BufReader::new(reader);
    let head = reader
        .fill_buf()
        .map_err(|e| one_problem(file, None, None, None, format!("cannot read it: {e}")))?;
    if head.starts_with(ZIP_MAGIC) {
        read_xlsx(reader, file)
    } else {
        read_csv(reader, file)
    }
}

fn one_problem(
    file: &str,
    sheet: Option<&str>,
    row: Option<usize>,
    item: Option<&str>,
    message: String,
) -> CodingError {
    CodingError::Sheet {
        file: file.to_string(),
        errors: vec![SheetProblem {
            sheet: sheet.map(str::to_string),
            row,
            item: item.map(str::to_string),
            message,
        }],
    }
}

fn read_csv<R: BufRead>(mut reader: R, file: &str) -> Result<FilledSheet, CodingError> {
    // Spreadsheets in some locales save CSV with `;` or tabs.
    let head = reader.fill_buf().unwrap_or_default();
    let first_line = head.split(|b| *b == b'\n').next().unwrap_or_default();
    let count = |b: u8| first_line.iter().filter(|x| **x == b).count();
    let delimiter = [b',', b';', b'\t']
        .into_iter()
        .max_by_key(|b| (count(*b), *b == b','))
        .unwrap_or(b',');
    let mut csv = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(reader);
    let mut rows = Vec::new();
    for record in csv.records() {
        let record = record.map_err(|e| {
            let row = e.position().map(|p| p.line() as usize);
            one_problem(file, None, row, None, format!("not valid CSV: {e}"))
        })?;
        let line = record
            .position()
            .map_or(rows.len() + 1, |p| p.line() as usize);
        rows.push((line, record.iter().map(str::to_string).collect::<Vec<_>>()));
    }
    assemble(rows, None, file)
}

/// Bounds on a filled XLSX sheet: those of a Studio export. A coding sheet
/// has a row per unit given to one coder (hundreds, a few thousand at most)
/// and two columns plus one per item (under a hundred even for long
/// instruments), so the margin is as wide.
const CODING_LIMITS: Limits = Limits {
    what: "a coding sheet",
    formulas: false,
    ..Limits::STUDIO
};

/// Reads the `Coding` sheet with ingest's guarded XLSX reader: the package
/// is checked before calamine reads it (calamine trusts declared sizes and
/// builds a dense grid from the first cell to the last), and the cells are
/// streamed within [`CODING_LIMITS`].
fn read_xlsx<R: Read + Seek>(reader: R, file: &str) -> Result<FilledSheet, CodingError> {
    let rows = xlsx::read_sheet(reader, file, Some(CODING_SHEET), &CODING_LIMITS, cell_text)
        .map_err(|e| {
            let message = match e {
                IngestError::Invalid { location, message } => match location.record {
                    Some(at) => format!("{at}: {message}"),
                    None => message,
                },
                other => other.to_string(),
            };
            one_problem(file, None, None, None, message)
        })?;
    // Cells from column A, as the sheet numbers them.
    let rows = rows
        .into_iter()
        .map(|r| {
            let pad = usize::try_from(r.first_column.saturating_sub(1)).unwrap_or(0);
            let mut cells = vec![String::new(); pad];
            cells.extend(r.cells);
            (usize::try_from(r.number).unwrap_or(usize::MAX), cells)
        })
        .collect();
    assemble(rows, Some(CODING_SHEET), file)
}

/// A cell as text: whole numbers as typed (spreadsheets store every number
/// as a float).
fn cell_text(value: &calamine::Data) -> String {
    use calamine::Data;
    match value {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        Data::Float(f) => f.to_string(),
        Data::Int(n) => n.to_string(),
        Data::Bool(b) => b.to_string(),
        other => other.to_string(),
    }
}

fn assemble(
    rows: Vec<(usize, Vec<String>)>,
    sheet: Option<&str>,
    file: &str,
) -> Result<FilledSheet, CodingError> {
    let mut iter = rows
        .into_iter()
        .filter(|(_, cells)| cells.iter().any(|c| !c.trim().is_empty()));
    let Some((header_line, header)) = iter.next() else {
        return Err(one_problem(
            file,
            sheet,
            None,
            None,
            "expected a header row `unit_id,context,<items>`, found an empty sheet".into(),
        ));
    };
    let header: Vec<String> = header
        .iter()
        .map(|h| h.trim_start_matches('\u{feff}').trim().to_string())
        .collect();
    if header.len() < 2 || header[0] != FIXED_COLUMNS[0] || header[1] != FIXED_COLUMNS[1] {
        return Err(one_problem(
            file,
            sheet,
            Some(header_line),
            None,
            format!(
                "expected the header to start with `unit_id`, `context`, found `{}`",
                header
                    .iter()
                    .take(2)
                    .cloned()
                    .collect::<Vec<_>>()
                    .join("`, `")
            ),
        ));
    }
    let items: Vec<String> = header[2..].to_vec();
    let mut meta = None;
    let mut out = Vec::new();
    for (line, cells) in iter {
        let first = cells.first().map(|c| c.trim()).unwrap_or_default();
        if first.starts_with('#') {
            if first == "#about" && meta.is_none() {
                meta = cells.get(1).and_then(|t| SheetMeta::parse(t));
            }
            continue;
        }
        out.push(FilledRow {
            row: line,
            unit_id: first.trim_start_matches('\'').to_string(),
            cells: (0..items.len())
                .map(|i| cells.get(i + 2).cloned().unwrap_or_default())
                .collect(),
        });
    }
    Ok(FilledSheet {
        meta,
        sheet: sheet.map(str::to_string),
        items,
        rows: out,
    })
}

/// Validates every cell of a filled sheet against the codebook, and every
/// unit against the units `assigned` to the sheet's coder. Collects every
/// problem (file, sheet, row, item, expected and found) into one error, so
/// that a coder can fix a sheet in one go; returns nothing on any problem.
pub fn validate_sheet(
    sheet: &FilledSheet,
    codebook: &Codebook,
    assigned: &BTreeSet<String>,
    coder: &str,
    file: &str,
) -> Result<Vec<CodedUnit>, CodingError> {
    let mut problems = Vec::new();
    let problem = |row: Option<usize>, item: Option<&str>, message: String| SheetProblem {
        sheet: sheet.sheet.clone(),
        row,
        item: item.map(str::to_string),
        message,
    };
    let mut seen_items = BTreeSet::new();
    for id in &sheet.items {
        if codebook.item(id).is_none() {
            problems.push(problem(
                Some(1),
                Some(id),
                format!(
                    "expected a column named after an item of codebook `{}`, found `{id}`",
                    codebook.name
                ),
            ));
        } else if !seen_items.insert(id.as_str()) {
            problems.push(problem(
                Some(1),
                Some(id),
                "the column appears twice".into(),
            ));
        }
    }
    // A column deleted in a spreadsheet would read as every cell blank,
    // and erase the coder's stored values of that item on a re-import.
    let missing: Vec<&str> = codebook
        .items
        .iter()
        .map(|i| i.id.as_str())
        .filter(|id| !sheet.items.iter().any(|c| c == id))
        .collect();
    if !missing.is_empty() {
        problems.push(problem(
            Some(1),
            None,
            format!(
                "expected a column for every item of codebook `{}`, found none for `{}`: \
                 put the column back (leave its cells blank for what is not coded yet)",
                codebook.name,
                missing.join("`, `")
            ),
        ));
    }
    let mut seen_units: BTreeMap<&str, usize> = BTreeMap::new();
    let mut out = Vec::new();
    for row in &sheet.rows {
        if let Some(first) = seen_units.insert(row.unit_id.as_str(), row.row) {
            problems.push(problem(
                Some(row.row),
                None,
                format!(
                    "unit `{}` is listed again (first on row {first})",
                    row.unit_id
                ),
            ));
            continue;
        }
        if !assigned.contains(&row.unit_id) {
            let hint = if row.unit_id.contains(['E', 'e', '.']) {
                " (it looks like a spreadsheet turned the id into a number: use the XLSX sheet, or format the column as text)"
            } else {
                ""
            };
            problems.push(problem(
                Some(row.row),
                None,
                format!(
                    "expected a unit assigned to coder `{coder}`, found `{}`{hint}",
                    row.unit_id
                ),
            ));
            continue;
        }
        let mut values = Vec::new();
        let mut blanks = 0;
        for (id, raw) in sheet.items.iter().zip(&row.cells) {
            let Some(item) = codebook.item(id) else {
                continue;
            };
            match item.parse_value(raw) {
                Ok(v) => values.push((id.clone(), v)),
                Err(ValueProblem::Blank) => blanks += 1,
                Err(p) => problems.push(problem(Some(row.row), Some(id), p.to_string())),
            }
        }
        out.push(CodedUnit {
            row: row.row,
            unit_id: row.unit_id.clone(),
            values,
            blanks,
        });
    }
    if problems.is_empty() {
        Ok(out)
    } else {
        Err(CodingError::Sheet {
            file: file.to_string(),
            errors: problems,
        })
    }
}
