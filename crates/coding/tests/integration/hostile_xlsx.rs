//! Hostile XLSX coding sheets (review of the XLSX path): each gets a clear
//! error naming the file, never a panic, and memory stays bounded. The
//! workbooks are built here from their XML parts, and each stays small even
//! in the failure mode the test guards against, so that a regression fails
//! fast instead of exhausting the test machine's memory: a far cell sits
//! just past a limit rather than at `XFD1048576`, and overflowing references
//! sit alone on their sheet (a release build that wraps them still builds a
//! one-cell range).

use std::io::{Cursor, Write};
use uptake_coding::read_sheet;
use zip::write::SimpleFileOptions;

const CONTENT_TYPES: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>"#;
const RELS: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#;
const WORKBOOK: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Coding" sheetId="1" r:id="rId1"/></sheets></workbook>"#;
const WORKBOOK_RELS: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#;

/// A workbook whose `Coding` sheet holds `before` (e.g. a `<dimension>`) and
/// then `rows` inside `<sheetData>`, with a shared-string table when
/// `shared` is given.
fn workbook(before: &str, rows: &str, shared: Option<&str>) -> Vec<u8> {
    let sheet = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">{before}<sheetData>{rows}</sheetData></worksheet>"#
    );
    let mut parts = vec![
        ("[Content_Types].xml", CONTENT_TYPES.to_string()),
        ("_rels/.rels", RELS.to_string()),
        ("xl/workbook.xml", WORKBOOK.to_string()),
        ("xl/_rels/workbook.xml.rels", WORKBOOK_RELS.to_string()),
        ("xl/worksheets/sheet1.xml", sheet),
    ];
    if let Some(sst) = shared {
        parts.push(("xl/sharedStrings.xml", sst.to_string()));
    }
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    for (name, xml) in parts {
        zip.start_file(name, options).unwrap();
        zip.write_all(xml.as_bytes()).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

/// `<c>` with inline text.
fn text_cell(r: &str, text: &str) -> String {
    format!(r#"<c r="{r}" t="inlineStr"><is><t>{text}</t></is></c>"#)
}

/// The header row a coding sheet starts with, then `rows`.
fn coding(rows: &str) -> String {
    format!(
        r#"<row r="1">{}{}{}</row>{rows}"#,
        text_cell("A1", "unit_id"),
        text_cell("B1", "context"),
        text_cell("C1", "q1")
    )
}

/// Reads `bytes` as `hostile.xlsx`; the error's text, or `(no error)`.
fn error_reading(bytes: Vec<u8>) -> String {
    match read_sheet(Cursor::new(bytes), "hostile.xlsx") {
        Ok(_) => String::from("(no error)"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn a_well_formed_sheet_still_reads() {
    let rows = coding(&format!(
        r#"<row r="3">{}{}<c r="C3"><v>2</v></c></row>"#,
        text_cell("A3", "u1"),
        text_cell("B3", "ctx")
    ));
    let sheet = read_sheet(Cursor::new(workbook("", &rows, None)), "ok.xlsx").unwrap();
    assert_eq!(sheet.items, ["q1"]);
    assert_eq!(sheet.rows.len(), 1);
    assert_eq!(sheet.rows[0].row, 3);
    assert_eq!(sheet.rows[0].unit_id, "u1");
    assert_eq!(sheet.rows[0].cells, ["2"]);
}

/// A formula is refused, with or without a cached value: saved without
/// one (openpyxl and other tools do) it read as a blank cell, which erased
/// the coder's earlier value for it on re-import (review, 2026-11-28).
#[test]
fn formula_cells_are_refused() {
    for cell in [
        r#"<c r="C3"><f>1+1</f></c>"#,
        r#"<c r="C3"><f>1+1</f><v>2</v></c>"#,
    ] {
        let rows = coding(&format!(
            r#"<row r="3">{}{}{cell}</row>"#,
            text_cell("A3", "u1"),
            text_cell("B3", "ctx")
        ));
        assert_eq!(
            error_reading(workbook("", &rows, None)),
            "`hostile.xlsx`: sheet `Coding`, cell `C3`: expected a value typed in, found a \
             formula: type its value instead (formulas are not read in a coding sheet); \
             nothing was imported",
            "{cell}"
        );
    }
}

/// Bug 2: calamine's dense range spans the first to the last cell (24 GB for
/// `A1` and `XFD1048576`). The far cell sits just past each limit here.
#[test]
fn cells_past_the_limits_are_refused() {
    let far_row = coding(&format!(
        r#"<row r="100001">{}</row>"#,
        text_cell("A100001", "y")
    ));
    assert_eq!(
        error_reading(workbook("", &far_row, None)),
        "`hostile.xlsx`: sheet `Coding`, cell `A100001`: expected at most 100000 rows in a \
         coding sheet, found a cell in row 100001; nothing was imported"
    );
    let far_column = coding(&format!(r#"<row r="2">{}</row>"#, text_cell("AMK2", "y")));
    assert_eq!(
        error_reading(workbook("", &far_column, None)),
        "`hostile.xlsx`: sheet `Coding`, cell `AMK2`: expected at most 1024 columns (up to \
         `AMJ`) in a coding sheet, found a cell in column 1025; nothing was imported"
    );
}

/// Bug 2: within the row and column limits, a sparse sheet can still span
/// a table too large to build (here 2,000 rows by 1,024 columns).
#[test]
fn sparse_sheet_spanning_too_large_a_table_is_refused() {
    let mut rows = coding(&format!(r#"<row r="2">{}</row>"#, text_cell("AMJ2", "y")));
    for r in 3..=2_000 {
        rows.push_str(&format!(r#"<row r="{r}"><c r="A{r}"><v>1</v></c></row>"#));
    }
    assert_eq!(
        error_reading(workbook("", &rows, None)),
        "`hostile.xlsx`: sheet `Coding`: expected at most 2000000 cells in a coding sheet, \
         found 2000 rows 1024 columns wide; nothing was imported"
    );
}

/// Bug 3: calamine reserves what `uniqueCount` declares; `u64::MAX` panicked
/// with "capacity overflow" (and 10^12 aborted on allocation). The package
/// check refuses a count the part cannot hold before calamine reads it.
#[test]
fn absurd_shared_string_count_is_an_error_not_a_panic() {
    let sst = r#"<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="18446744073709551615"><si><t>unit_id</t></si></sst>"#;
    let rows = r#"<row r="1"><c r="A1" t="s"><v>0</v></c></row>"#;
    let msg = error_reading(workbook("", rows, Some(sst)));
    assert!(
        msg.starts_with("`hostile.xlsx`: part `xl/sharedStrings.xml`: expected `uniqueCount`"),
        "{msg}"
    );
}

/// Bug 4: calamine computes references with unchecked `u32` arithmetic (an
/// overflow panic in debug builds, a wrapped position in release builds,
/// where the limits or the header check then refuse the sheet).
#[test]
fn overflowing_cell_references_are_an_error_not_a_panic() {
    let cases = [
        ("", r#"<row r="1"><c r="ZZZZZZZZZ1"><v>1</v></c></row>"#),
        ("", r#"<row r="1"><c r="A99999999999"><v>1</v></c></row>"#),
        ("", r#"<row r="4294967297"><c><v>1</v></c></row>"#),
        (
            "",
            r#"<row r="4294967295"><c><v>1</v></c></row><row><c><v>2</v></c></row>"#,
        ),
        (
            r#"<dimension ref="B2:A1"/>"#,
            r#"<row r="1"><c r="A1"><v>1</v></c></row>"#,
        ),
    ];
    for (before, rows) in cases {
        let msg = error_reading(workbook(before, rows, None));
        assert!(msg.starts_with("`hostile.xlsx`: "), "{rows}: {msg}");
        assert!(msg.contains("expected"), "{rows}: {msg}");
    }
}
