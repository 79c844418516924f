//! A minimal XLSX writer for exports: one sheet, a bold-free header row,
//! numbers as numbers and text as inline strings.
//!
//! Written by hand on top of the `zip` crate (already a dependency for
//! reading Studio files) rather than adding a spreadsheet library for one
//! sheet of plain cells. Text cells never become formulas in XLSX (formulas
//! live in `<f>` elements, which are never written), but text starting with
//! `= + - @` is still prefixed with `'` like the CSV export, so a sheet saved
//! back as CSV stays safe.

use crate::render::neutralise_formula;
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

/// Writes `table` (keys as the header row, body then summary rows) as an
/// XLSX workbook with one sheet named `sheet`.
pub fn render_xlsx(table: &Table, sheet: &str) -> Result<Vec<u8>, RenderError> {
    let zip_err = |e: zip::result::ZipError| RenderError::Buffer(e.to_string());
    let io_err = |e: std::io::Error| RenderError::Buffer(e.to_string());
    let mut rows_xml = String::new();
    let header: Vec<Cell> = table
        .columns
        .iter()
        .map(|c| Cell::Text(c.key.clone()))
        .collect();
    for (r, row) in std::iter::once(&header)
        .chain(&table.rows)
        .chain(&table.summary)
        .enumerate()
    {
        rows_xml.push_str(&format!(r#"<row r="{}">"#, r + 1));
        for (c, cell) in row.iter().enumerate() {
            rows_xml.push_str(&cell_xml(&format!("{}{}", col_name(c), r + 1), cell));
        }
        rows_xml.push_str("</row>");
    }
    let sheet_name: String = xml_escape(sheet)
        .chars()
        .filter(|c| !"[]:*?/\\".contains(*c))
        .take(31)
        .collect();
    let files: [(&str, String); 5] = [
        ("[Content_Types].xml", r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>"#.to_string()),
        ("_rels/.rels", r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#.to_string()),
        ("xl/workbook.xml", format!(r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="{sheet_name}" sheetId="1" r:id="rId1"/></sheets></workbook>"#)),
        ("xl/_rels/workbook.xml.rels", r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#.to_string()),
        ("xl/worksheets/sheet1.xml", format!(r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>{rows_xml}</sheetData></worksheet>"#)),
    ];
    let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, body) in files {
        w.start_file(name, options).map_err(zip_err)?;
        w.write_all(body.as_bytes()).map_err(io_err)?;
    }
    Ok(w.finish().map_err(zip_err)?.into_inner())
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
        let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
        let mut sheet = String::new();
        std::io::Read::read_to_string(
            &mut archive.by_name("xl/worksheets/sheet1.xml").unwrap(),
            &mut sheet,
        )
        .unwrap();
        assert!(sheet.contains("<v>18400</v>"), "{sheet}");
        assert!(
            sheet.contains("&apos;=cmd") || sheet.contains("'=cmd"),
            "{sheet}"
        );
        assert!(sheet.contains("&lt;b&gt;"), "{sheet}");
        assert!(!sheet.contains("<f>"));
    }
}
