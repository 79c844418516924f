//! A minimal XLSX writer for exports and coding sheets: one or more
//! sheets of plain cells (numbers as numbers, text as inline strings),
//! optional column widths, frozen header rows and data validation (drop-down
//! lists and number ranges).
//!
//! Written by hand on top of the `zip` crate (already a dependency for
//! reading Studio files) rather than adding a spreadsheet library for plain
//! cells. Text cells never become formulas in XLSX (formulas live in `<f>`
//! elements, which are never written), but text starting with `= + - @` is
//! still prefixed with `'` like the CSV export, so a sheet saved back as CSV
//! stays safe. Element order follows ECMA-376 Part 1, §18.3.1.99
//! (`CT_Worksheet`): `sheetViews`, `cols`, `sheetData`, `dataValidations`.

use crate::render::{neutralise_formula, ApproximateFlags, APPROXIMATE_SUFFIX};
use crate::{Cell, RenderError, Table};
use std::io::{Cursor, Write};

fn col_name(mut i: usize) -> String {
    let mut s = Vec::new();
    loop {
        s.push(b'A' + (i % 26) as u8);
        if i < 26 {
            break;
        }
        i = i / 26 - 1;
    }
    s.reverse();
    String::from_utf8_lossy(&s).into_owned()
}

fn xml_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            // XML 1.0 forbids most control characters even when escaped.
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => {}
            '\u{FFFE}' | '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
    out
}

fn cell_xml(reference: &str, cell: &Cell) -> String {
    let text = |t: &str| {
        format!(
            r#"<c r="{reference}" t="inlineStr"><is><t xml:space="preserve">{}</t></is></c>"#,
            xml_escape(&neutralise_formula(t))
        )
    };
    let number = |v: f64| {
        if v.is_finite() {
            format!(r#"<c r="{reference}"><v>{v}</v></c>"#)
        } else {
            String::new()
        }
    };
    match cell {
        Cell::Missing => String::new(),
        Cell::Text(t) => text(t),
        Cell::Count(v) | Cell::ApproxCount(v) => number(*v as f64),
        Cell::Number(v, _) | Cell::Percent(v, _) | Cell::Seconds(v) => number(*v),
    }
}

/// One worksheet of a workbook.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Worksheet {
    /// Its name (characters `[]:*?/\\` are dropped, 31 characters at most).
    pub name: String,
    /// Rows of cells, the first row being row 1.
    pub rows: Vec<Vec<Cell>>,
    /// Widths of the first columns, in characters.
    pub column_widths: Vec<f64>,
    /// Rows kept in view when scrolling (0 for none).
    pub frozen_rows: usize,
    /// Data validation rules.
    pub validations: Vec<DataValidation>,
    /// Hidden from the sheet tabs (still readable, and usable as a list source).
    pub hidden: bool,
}

/// A data validation rule on a range of cells.
#[derive(Debug, Clone, PartialEq)]
pub struct DataValidation {
    /// The cells, e.g. `C3:C40` (see [`cell_ref`]).
    pub range: String,
    /// What the cells accept.
    pub rule: ValidationRule,
    /// A message shown when a cell is selected (255 characters at most).
    pub prompt: Option<String>,
    /// The message shown when a value is refused.
    pub error: Option<String>,
}

/// What a validated cell accepts.
#[derive(Debug, Clone, PartialEq)]
pub enum ValidationRule {
    /// One of the values in a range, e.g. `Lists!$A$2:$A$7` (a drop-down).
    List {
        /// An absolute reference to the cells holding the values.
        source: String,
    },
    /// A number within optional bounds.
    Decimal {
        /// Lowest accepted value.
        min: Option<f64>,
        /// Highest accepted value.
        max: Option<f64>,
    },
}

/// The A1-style reference of a cell: `col` counts from 0, `row` from 1.
pub fn cell_ref(col: usize, row: usize) -> String {
    format!("{}{row}", col_name(col))
}

/// The absolute reference of a cell (`$C$3`), for validation sources.
pub fn absolute_ref(col: usize, row: usize) -> String {
    format!("${}${row}", col_name(col))
}

fn clean_sheet_name(name: &str) -> String {
    name.chars()
        .filter(|c| !"[]:*?/\\".contains(*c))
        .take(31)
        .collect()
}

fn truncate(text: &str, max: usize) -> String {
    text.chars().take(max).collect()
}

fn validation_xml(v: &DataValidation) -> String {
    let mut attrs = String::new();
    let formulas = match &v.rule {
        ValidationRule::List { source } => {
            attrs.push_str(r#" type="list""#);
            format!("<formula1>{}</formula1>", xml_escape(source))
        }
        ValidationRule::Decimal { min, max } => {
            attrs.push_str(r#" type="decimal""#);
            match (min, max) {
                (Some(a), Some(b)) => {
                    attrs.push_str(r#" operator="between""#);
                    format!("<formula1>{a}</formula1><formula2>{b}</formula2>")
                }
                (Some(a), None) => {
                    attrs.push_str(r#" operator="greaterThanOrEqual""#);
                    format!("<formula1>{a}</formula1>")
                }
                (None, Some(b)) => {
                    attrs.push_str(r#" operator="lessThanOrEqual""#);
                    format!("<formula1>{b}</formula1>")
                }
                (None, None) => {
                    attrs.push_str(r#" operator="between""#);
                    "<formula1>-1E+307</formula1><formula2>1E+307</formula2>".to_string()
                }
            }
        }
    };
    attrs.push_str(r#" allowBlank="1" showInputMessage="1" showErrorMessage="1""#);
    if let Some(p) = &v.prompt {
        attrs.push_str(&format!(r#" prompt="{}""#, xml_escape(&truncate(p, 255))));
    }
    if let Some(e) = &v.error {
        attrs.push_str(&format!(r#" error="{}""#, xml_escape(&truncate(e, 225))));
    }
    format!(
        r#"<dataValidation{attrs} sqref="{}">{formulas}</dataValidation>"#,
        xml_escape(&v.range)
    )
}

/// A boolean cell (`TRUE`/`FALSE` in a spreadsheet, a logical in R or
/// pandas), or nothing for `None`.
fn bool_xml(reference: &str, value: Option<bool>) -> String {
    match value {
        Some(b) => format!(r#"<c r="{reference}" t="b"><v>{}</v></c>"#, u8::from(b)),
        None => String::new(),
    }
}

/// The `<row>` elements of a sheet's rows of cells.
fn rows_xml(rows: &[Vec<Cell>]) -> String {
    let mut out = String::new();
    for (r, row) in rows.iter().enumerate() {
        out.push_str(&format!(r#"<row r="{}">"#, r + 1));
        for (c, cell) in row.iter().enumerate() {
            out.push_str(&cell_xml(&cell_ref(c, r + 1), cell));
        }
        out.push_str("</row>");
    }
    out
}

/// A worksheet's XML, with `rows` (the `<row>` elements) as its data.
fn sheet_xml(sheet: &Worksheet, rows: &str) -> String {
    let mut out = String::from(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">"#,
    );
    if sheet.frozen_rows > 0 {
        out.push_str(&format!(
            r#"<sheetViews><sheetView workbookViewId="0"><pane ySplit="{n}" topLeftCell="A{}" activePane="bottomLeft" state="frozen"/></sheetView></sheetViews>"#,
            sheet.frozen_rows + 1,
            n = sheet.frozen_rows
        ));
    }
    if !sheet.column_widths.is_empty() {
        out.push_str("<cols>");
        for (i, w) in sheet.column_widths.iter().enumerate() {
            out.push_str(&format!(
                r#"<col min="{n}" max="{n}" width="{w}" customWidth="1"/>"#,
                n = i + 1
            ));
        }
        out.push_str("</cols>");
    }
    out.push_str("<sheetData>");
    out.push_str(rows);
    out.push_str("</sheetData>");
    if !sheet.validations.is_empty() {
        out.push_str(&format!(
            r#"<dataValidations count="{}">"#,
            sheet.validations.len()
        ));
        for v in &sheet.validations {
            out.push_str(&validation_xml(v));
        }
        out.push_str("</dataValidations>");
    }
    out.push_str("</worksheet>");
    out
}

/// Writes a workbook of one or more sheets.
pub fn render_workbook(sheets: &[Worksheet]) -> Result<Vec<u8>, RenderError> {
    let sheets: Vec<(&Worksheet, String)> = sheets.iter().map(|s| (s, rows_xml(&s.rows))).collect();
    write_workbook(&sheets)
}

/// Writes a workbook of sheets given with their rows' XML.
fn write_workbook(sheets: &[(&Worksheet, String)]) -> Result<Vec<u8>, RenderError> {
    let zip_err = |e: zip::result::ZipError| RenderError::Buffer(e.to_string());
    let io_err = |e: std::io::Error| RenderError::Buffer(e.to_string());
    let mut overrides = String::new();
    let mut entries = String::new();
    let mut rels = String::new();
    let mut files: Vec<(String, String)> = Vec::new();
    for (i, (sheet, rows)) in sheets.iter().enumerate() {
        let n = i + 1;
        overrides.push_str(&format!(
            r#"<Override PartName="/xl/worksheets/sheet{n}.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>"#
        ));
        entries.push_str(&format!(
            r#"<sheet name="{}" sheetId="{n}"{} r:id="rId{n}"/>"#,
            xml_escape(&clean_sheet_name(&sheet.name)),
            if sheet.hidden {
                r#" state="hidden""#
            } else {
                ""
            }
        ));
        rels.push_str(&format!(
            r#"<Relationship Id="rId{n}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet{n}.xml"/>"#
        ));
        files.push((
            format!("xl/worksheets/sheet{n}.xml"),
            sheet_xml(sheet, rows),
        ));
    }
    let mut all: Vec<(String, String)> = vec![
        ("[Content_Types].xml".into(), format!(r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>{overrides}</Types>"#)),
        ("_rels/.rels".into(), r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#.to_string()),
        ("xl/workbook.xml".into(), format!(r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>{entries}</sheets></workbook>"#)),
        ("xl/_rels/workbook.xml.rels".into(), format!(r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">{rels}</Relationships>"#)),
    ];
    all.extend(files);
    let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, body) in all {
        w.start_file(name, options).map_err(zip_err)?;
        w.write_all(body.as_bytes()).map_err(io_err)?;
    }
    Ok(w.finish().map_err(zip_err)?.into_inner())
}

/// Writes `table` (keys as the header row, body then summary rows) as an
/// XLSX workbook with one sheet named `sheet`. As in CSV
/// ([`crate::render::render_csv`]), a count column that can be approximate
/// is followed by `<key>_approximate`, here a boolean cell (`TRUE`/`FALSE`;
/// empty when the value is missing).
pub fn render_xlsx(table: &Table, sheet: &str) -> Result<Vec<u8>, RenderError> {
    let flags = ApproximateFlags::of(table);
    let mut rows = String::from(r#"<row r="1">"#);
    let mut col = 0;
    for (i, c) in table.columns.iter().enumerate() {
        rows.push_str(&cell_xml(&cell_ref(col, 1), &Cell::Text(c.key.clone())));
        col += 1;
        if flags.has_companion(i) {
            let key = format!("{}{APPROXIMATE_SUFFIX}", c.key);
            rows.push_str(&cell_xml(&cell_ref(col, 1), &Cell::Text(key)));
            col += 1;
        }
    }
    rows.push_str("</row>");
    let body = table.rows.iter().map(|r| (r, false));
    let all = body.chain(table.summary.iter().map(|r| (r, true)));
    for (r, (row, summary)) in all.enumerate() {
        let r = r + 2;
        rows.push_str(&format!(r#"<row r="{r}">"#));
        let mut col = 0;
        for (i, cell) in row.iter().enumerate() {
            rows.push_str(&cell_xml(&cell_ref(col, r), cell));
            col += 1;
            if flags.has_companion(i) {
                rows.push_str(&bool_xml(&cell_ref(col, r), flags.flag(i, cell, summary)));
                col += 1;
            }
        }
        rows.push_str("</row>");
    }
    let meta = Worksheet {
        name: sheet.to_string(),
        ..Worksheet::default()
    };
    write_workbook(&[(&meta, rows)])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Column;

    #[test]
    fn column_names() {
        assert_eq!(col_name(0), "A");
        assert_eq!(col_name(25), "Z");
        assert_eq!(col_name(26), "AA");
        assert_eq!(col_name(27), "AB");
    }

    #[test]
    fn workbook_holds_typed_cells_and_neutralised_text() {
        let table = Table {
            columns: vec![
                Column::text("Title", "title", 10),
                Column::number("Views", "views"),
            ],
            rows: vec![vec![
                Cell::Text("=cmd|' /C calc'!A0 <b>".into()),
                Cell::Count(18400),
            ]],
            summary: vec![vec![Cell::Text("Total".into()), Cell::Missing]],
            notes: vec![],
        };
        let bytes = render_xlsx(&table, "videos").unwrap();
        let sheet = sheet_xml(bytes);
        assert!(sheet.contains("<v>18400</v>"), "{sheet}");
        assert!(
            sheet.contains("&apos;=cmd") || sheet.contains("'=cmd"),
            "{sheet}"
        );
        assert!(sheet.contains("&lt;b&gt;"), "{sheet}");
        assert!(!sheet.contains("<f>"));
        assert_well_formed(&sheet);
    }

    /// Issue: XLSX wrote approximate counts as plain numbers.
    #[test]
    fn workbook_follows_count_columns_with_boolean_approximate_flags() {
        let table = Table {
            columns: vec![
                Column::text("Title", "title", 10),
                Column::number("Views", "views"),
                Column::number("Share rate", "share_rate"),
            ],
            rows: vec![
                vec![
                    Cell::Text("a".into()),
                    Cell::ApproxCount(1200),
                    Cell::Missing,
                ],
                vec![Cell::Text("b".into()), Cell::Count(300), Cell::Missing],
                vec![Cell::Text("c".into()), Cell::Missing, Cell::Missing],
            ],
            summary: vec![vec![
                Cell::Text("Total".into()),
                Cell::ApproxCount(1500),
                Cell::Percent(0.1, 1),
            ]],
            notes: vec![],
        };
        let bytes = render_xlsx(&table, "videos").unwrap();
        let sheet = sheet_xml(bytes);
        let rows: Vec<&str> = sheet.split("<row ").skip(1).collect();
        assert!(
            rows[0].contains(
                r#"<c r="C1" t="inlineStr"><is><t xml:space="preserve">views_approximate</t>"#
            ) && rows[0]
                .contains(r#"<c r="D1" t="inlineStr"><is><t xml:space="preserve">share_rate</t>"#),
            "{}",
            rows[0]
        );
        assert!(
            rows[1].contains(r#"<c r="B2"><v>1200</v></c><c r="C2" t="b"><v>1</v></c>"#),
            "{}",
            rows[1]
        );
        assert!(
            rows[2].contains(r#"<c r="C3" t="b"><v>0</v></c>"#),
            "{}",
            rows[2]
        );
        assert!(
            !rows[3].contains(r#"r="C4""#),
            "missing: no flag: {}",
            rows[3]
        );
        assert!(
            rows[4].contains(r#"<c r="C5" t="b"><v>1</v></c><c r="D5"><v>0.1</v>"#),
            "{}",
            rows[4]
        );
        assert_well_formed(&sheet);
    }

    /// Checks that `xml` is well-formed as far as a hand-written writer can
    /// get it wrong: every tag closed in order, attributes quoted, no raw `<`
    /// or `&` in text.
    /// The first sheet's XML of a rendered workbook.
    fn sheet_xml(bytes: Vec<u8>) -> String {
        let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
        let mut sheet = String::new();
        std::io::Read::read_to_string(
            &mut archive.by_name("xl/worksheets/sheet1.xml").unwrap(),
            &mut sheet,
        )
        .unwrap();
        sheet
    }

    fn assert_well_formed(xml: &str) {
        let body = xml
            .strip_prefix(r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#)
            .unwrap_or(xml);
        let mut stack: Vec<String> = Vec::new();
        let mut rest = body;
        while let Some(open) = rest.find('<') {
            let text = &rest[..open];
            assert!(!text.contains('>'), "stray `>` in text: {text}");
            for (i, _) in text.match_indices('&') {
                let entity = &text[i..];
                assert!(
                    ["&amp;", "&lt;", "&gt;", "&quot;", "&apos;"]
                        .iter()
                        .any(|e| entity.starts_with(e)),
                    "bad entity in {text}"
                );
            }
            let close = rest[open..].find('>').unwrap() + open;
            let tag = &rest[open + 1..close];
            assert_eq!(
                tag.matches('"').count() % 2,
                0,
                "unbalanced quotes in <{tag}>"
            );
            if let Some(name) = tag.strip_prefix('/') {
                assert_eq!(stack.pop().as_deref(), Some(name), "mismatched </{name}>");
            } else if !tag.ends_with('/') {
                let name = tag.split_whitespace().next().unwrap().to_string();
                stack.push(name);
            }
            rest = &rest[close + 1..];
        }
        assert!(stack.is_empty(), "unclosed: {stack:?}");
    }

    #[test]
    fn workbook_with_several_sheets_and_validations_is_well_formed() {
        let sheets = vec![
            Worksheet {
                name: "Coding".into(),
                rows: vec![
                    vec![Cell::Text("unit_id".into()), Cell::Text("q1".into())],
                    vec![Cell::Text("7584968082523016486".into()), Cell::Missing],
                ],
                column_widths: vec![22.0, 10.0],
                frozen_rows: 1,
                validations: vec![
                    DataValidation {
                        range: "B2:B2".into(),
                        rule: ValidationRule::List {
                            source: "Lists!$A$2:$A$6".into(),
                        },
                        prompt: Some("1 = \"no\" & 5 = <yes>".into()),
                        error: Some("pick from the list".into()),
                    },
                    DataValidation {
                        range: "C2:C2".into(),
                        rule: ValidationRule::Decimal {
                            min: Some(0.0),
                            max: None,
                        },
                        prompt: None,
                        error: None,
                    },
                ],
                hidden: false,
            },
            Worksheet {
                name: "Lists".into(),
                rows: vec![vec![Cell::Text("q1".into())], vec![Cell::Count(1)]],
                hidden: true,
                ..Worksheet::default()
            },
        ];
        let bytes = render_workbook(&sheets).unwrap();
        let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
        let mut read = |name: &str| {
            let mut s = String::new();
            std::io::Read::read_to_string(&mut archive.by_name(name).unwrap(), &mut s).unwrap();
            s
        };
        let workbook = read("xl/workbook.xml");
        assert!(
            workbook.contains(r#"name="Lists" sheetId="2" state="hidden""#),
            "{workbook}"
        );
        let coding = read("xl/worksheets/sheet1.xml");
        assert!(
            coding.contains(r#"<dataValidations count="2">"#),
            "{coding}"
        );
        assert!(
            coding.contains("<formula1>Lists!$A$2:$A$6</formula1>"),
            "{coding}"
        );
        assert!(coding.contains("&lt;yes&gt;"), "{coding}");
        for name in [
            "[Content_Types].xml",
            "_rels/.rels",
            "xl/workbook.xml",
            "xl/_rels/workbook.xml.rels",
            "xl/worksheets/sheet1.xml",
            "xl/worksheets/sheet2.xml",
        ] {
            assert_well_formed(&read(name));
        }
        assert!(read("[Content_Types].xml").contains("/xl/worksheets/sheet2.xml"));
    }
}
