//! Coding sheets as XLSX: drop-downs written, values read back, and a
//! hostile workbook refused.

use super::{db_query_i64, demo, NOT_DEMO_VALUES};
use crate::Sandbox;
use std::io::{Read, Write};

/// Rewrites the `Coding` sheet of an XLSX file, adding `cells` (reference,
/// text) to their rows.
fn fill_xlsx(path: &std::path::Path, cells: &[(&str, &str)]) {
    let bytes = std::fs::read(path).unwrap();
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for i in 0..archive.len() {
        let mut f = archive.by_index(i).unwrap();
        let name = f.name().unwrap().to_string();
        let mut body = String::new();
        f.read_to_string(&mut body).unwrap();
        if name == "xl/worksheets/sheet1.xml" {
            for (r, text) in cells {
                let row: String = r.chars().filter(char::is_ascii_digit).collect();
                let start = body.find(&format!(r#"<row r="{row}">"#)).unwrap();
                let end = start + body[start..].find("</row>").unwrap();
                body.insert_str(
                    end,
                    &format!(r#"<c r="{r}" t="inlineStr"><is><t>{text}</t></is></c>"#),
                );
            }
        }
        w.start_file(name, zip::write::SimpleFileOptions::default())
            .unwrap();
        w.write_all(body.as_bytes()).unwrap();
    }
    std::fs::write(path, w.finish().unwrap().into_inner()).unwrap();
}

#[test]
fn xlsx_sheets_have_drop_downs_and_import_back() {
    let sb = demo();
    sb.run_in(
        "p",
        &[
            "code",
            "sample",
            "--codebook",
            "gqs",
            "--units",
            "videos",
            "--n",
            "3",
            "--coders",
            "ana",
            "--seed",
            "3",
            "--stratify-by",
            "month",
        ],
    )
    .ok();
    let out = sb
        .run_in("p", &["code", "sheets", "--codebook", "gqs", "--out", "s"])
        .ok()
        .stdout;
    assert!(out.contains("gqs-ana.xlsx: 3 units"), "{out}");
    let path = sb.path().join("p/s/gqs-ana.xlsx");
    let mut xml = String::new();
    zip::ZipArchive::new(std::fs::File::open(&path).unwrap())
        .unwrap()
        .by_name("xl/worksheets/sheet1.xml")
        .unwrap()
        .read_to_string(&mut xml)
        .unwrap();
    assert!(
        xml.contains(r#"<dataValidation type="list""#) && xml.contains("Lists!$A$2:$A$6"),
        "{xml}"
    );
    // Sheets are not overwritten by accident.
    sb.run_in("p", &["code", "sheets", "--codebook", "gqs", "--out", "s"])
        .fails_with(1);

    fill_xlsx(&path, &[("C3", "4"), ("C4", "9")]);
    let err = sb
        .run_in("p", &["code", "import", "s/gqs-ana.xlsx"])
        .fails_with(1)
        .stderr;
    assert_eq!(
        err,
        "error: `s/gqs-ana.xlsx`: sheet `Coding`, row 4, item `gqs`: expected a whole number from 1 to 5, found `9`; nothing was imported\n"
    );
    assert_eq!(db_query_i64(&sb, NOT_DEMO_VALUES), 0);
    sb.run_in(
        "p",
        &[
            "code",
            "sheets",
            "--codebook",
            "gqs",
            "--out",
            "s",
            "--force",
        ],
    )
    .ok();
    fill_xlsx(&path, &[("C3", "4"), ("C4", "2")]);
    let out = sb
        .run_in("p", &["code", "import", "s/gqs-ana.xlsx"])
        .ok()
        .stdout;
    assert!(
        out.contains("coder ana, 3 units, 2 values (1 cell left blank: not coded yet)"),
        "{out}"
    );
    let out = sb
        .run_in("p", &["code", "finalize", "--codebook", "gqs"])
        .ok()
        .stdout;
    assert!(out.contains("2 single-coder"), "{out}");
}

/// A hostile workbook given as a coding sheet is refused with an error
/// before calamine reads it: a shared-string table declaring 10^12 strings
/// used to make the process abort on allocation.
#[test]
fn a_hostile_workbook_is_refused_not_a_crash() {
    let sb = Sandbox::new();
    sb.project();
    let sst = r#"<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1000000000000" uniqueCount="1000000000000"><si><t>x</t></si></sst>"#;
    let bytes = crate::zip_of(&[
        ("[Content_Types].xml", b"<Types/>".as_slice()),
        ("xl/sharedStrings.xml", sst.as_bytes()),
    ]);
    sb.write("bad.xlsx", &bytes);
    let run = sb
        .run_in("p", &["code", "import", "../bad.xlsx"])
        .fails_with(1);
    assert!(
        run.stderr.contains("bad.xlsx") && run.stderr.contains("shared"),
        "{}",
        run.stderr
    );
}
