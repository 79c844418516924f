//! Hostile XLSX workbooks (review of the XLSX path): each gets a clear
//! error naming the file and what was expected, never a panic, and memory
//! stays bounded. The workbooks are built here from their XML parts. Each is
//! kept small even in the failure mode the test guards against, so that a
//! regression fails fast instead of exhausting the test machine's memory:
//! a far cell is placed just past a limit rather than at `XFD1048576`, and
//! overflowing references sit alone on their sheet (so a release build that
//! wraps them still builds a one-cell range).

use super::{exported, make_zip, read, TestResult};
use std::io::{Cursor, Write};
use uptake_ingest::xlsx::{check_package, Limits};
use uptake_ingest::{studio, Context, VecSink};
use zip::write::SimpleFileOptions;

const CONTENT_TYPES: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>"#;
const RELS: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#;
const WORKBOOK: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>"#;
const WORKBOOK_RELS: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#;
/// Style 1 is Excel's built-in date format 14 (`m/d/yyyy`).
const STYLES: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><cellXfs count="2"><xf numFmtId="0"/><xf numFmtId="14" applyNumberFormat="1"/></cellXfs></styleSheet>"#;

/// A one-sheet workbook whose sheet XML holds `before` (e.g. a
/// `<dimension>`) and then `rows` inside `<sheetData>`, with a shared-string
/// table when `shared` is given.
fn workbook(before: &str, rows: &str, shared: Option<&str>) -> Vec<u8> {
    styled_workbook(before, rows, shared, STYLES)
}

/// [`workbook`] with `styles` as its `xl/styles.xml`.
fn styled_workbook(before: &str, rows: &str, shared: Option<&str>, styles: &str) -> Vec<u8> {
    book(WORKBOOK, before, rows, shared, styles)
}

/// [`styled_workbook`] with `workbook` as its `xl/workbook.xml`.
fn book(workbook: &str, before: &str, rows: &str, shared: Option<&str>, styles: &str) -> Vec<u8> {
    let sheet = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">{before}<sheetData>{rows}</sheetData></worksheet>"#
    );
    let mut parts = vec![
        ("[Content_Types].xml", CONTENT_TYPES.to_string()),
        ("_rels/.rels", RELS.to_string()),
        ("xl/workbook.xml", workbook.to_string()),
        ("xl/_rels/workbook.xml.rels", WORKBOOK_RELS.to_string()),
        ("xl/styles.xml", styles.to_string()),
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

/// An Overview header row (row 1) and `data` after it.
fn overview(data: &str) -> String {
    format!(
        r#"<row r="1">{}{}</row>{data}"#,
        text_cell("A1", "Date"),
        text_cell("B1", "Video Views")
    )
}

/// Reads `bytes` as the Studio workbook `hostile.xlsx`; the error's text, or
/// `(no error)`.
fn error_reading(bytes: Vec<u8>) -> String {
    let options = exported(2024, 8, 1);
    let ctx = Context::new("hostile.xlsx", &options);
    match studio::parse_xlsx(Cursor::new(bytes), &ctx, &mut VecSink::default()) {
        Ok(_) => String::from("(no error)"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn date_cells_still_read_as_dates() -> TestResult {
    let rows =
        overview(r#"<row r="2"><c r="A2" s="1"><v>45500</v></c><c r="B2"><v>5</v></c></row>"#);
    let options = exported(2024, 8, 1);
    let ctx = Context::new("ok.xlsx", &options);
    let mut sink = VecSink::default();
    studio::parse_xlsx(Cursor::new(workbook("", &rows, None)), &ctx, &mut sink)?;
    let days = sink.account_days();
    assert_eq!(days.len(), 1);
    assert_eq!(days[0].date.to_string(), "2024-07-27", "Excel serial 45500");
    assert_eq!(days[0].video_views, Some(5));
    Ok(())
}

/// The date fix reads serials through calamine, which knows the workbook's
/// date system: in a 1904 workbook (Excel for Mac's old default) the same
/// day is 1,462 lower.
#[test]
fn dates_of_1904_workbooks_are_read_in_their_system() -> TestResult {
    let rows =
        overview(r#"<row r="2"><c r="A2" s="1"><v>44038</v></c><c r="B2"><v>5</v></c></row>"#);
    let workbook = WORKBOOK.replace("<sheets>", r#"<workbookPr date1904="1"/><sheets>"#);
    let options = exported(2024, 8, 1);
    let ctx = Context::new("mac.xlsx", &options);
    let mut sink = VecSink::default();
    let bytes = book(&workbook, "", &rows, None, STYLES);
    studio::parse_xlsx(Cursor::new(bytes), &ctx, &mut sink)?;
    let days = sink.account_days();
    assert_eq!(
        days.first().map(|d| d.date.to_string()).as_deref(),
        Some("2024-07-27")
    );
    Ok(())
}

/// Bug 1: a date-formatted cell holding a huge serial panicked in chrono
/// (`TimeDelta::days out of bounds`).
#[test]
fn huge_date_serial_is_an_error_not_a_panic() {
    for (serial, shown) in [
        ("1e300", "1E300"),
        ("200000000000", "200000000000"),
        ("-1e300", "-1E300"),
    ] {
        let rows = overview(&format!(
            r#"<row r="2"><c r="A2" s="1"><v>{serial}</v></c><c r="B2"><v>5</v></c></row>"#
        ));
        let msg = error_reading(workbook("", &rows, None));
        assert!(
            msg.starts_with("`hostile.xlsx` row 2, field `Date`: expected"),
            "{serial}: {msg}"
        );
        assert!(msg.contains(shown), "{serial}: {msg}");
    }
    // Any date-formatted cell, not only the date column's.
    let rows = overview(
        r#"<row r="2"><c r="A2" s="1"><v>45500</v></c><c r="B2" s="1"><v>1e300</v></c></row>"#,
    );
    let msg = error_reading(workbook("", &rows, None));
    assert!(msg.contains("row 2, field `Video Views`"), "{msg}");
}

/// Bug 1, in its Studio ZIP.
#[test]
fn huge_date_serial_in_a_studio_zip_is_an_error() -> TestResult {
    let dir = tempfile::tempdir()?;
    let rows =
        overview(r#"<row r="2"><c r="A2" s="1"><v>1e300</v></c><c r="B2"><v>5</v></c></row>"#);
    let path = make_zip(
        dir.path(),
        "Overview_2024-08-01_1725000000_x.zip",
        &[("Overview.xlsx", workbook("", &rows, None))],
        None,
    )?;
    let msg = match read(&path, &exported(2024, 8, 1)) {
        Ok(_) => String::from("(no error)"),
        Err(e) => e.to_string(),
    };
    assert!(
        msg.contains("Overview.xlsx` row 2, field `Date`: expected"),
        "{msg}"
    );
    Ok(())
}

/// Bug 2: calamine's dense range spans the first to the last cell (24 GB for
/// `A1` and `XFD1048576`). The far cell sits just past each limit here.
#[test]
fn cells_past_the_studio_limits_are_refused() {
    let far_row = format!(
        r#"{}<row r="100001">{}</row>"#,
        overview(""),
        text_cell("A100001", "y")
    );
    let msg = error_reading(workbook("", &far_row, None));
    assert_eq!(
        msg,
        "`hostile.xlsx` sheet `Sheet1`, cell `A100001`: expected at most 100000 rows in a \
         TikTok Studio export, found a cell in row 100001"
    );
    let far_column = format!(
        r#"<row r="1">{}{}{}</row>"#,
        text_cell("A1", "Date"),
        text_cell("B1", "Video Views"),
        text_cell("AMK1", "y")
    );
    let msg = error_reading(workbook("", &far_column, None));
    assert_eq!(
        msg,
        "`hostile.xlsx` sheet `Sheet1`, cell `AMK1`: expected at most 1024 columns (up to \
         `AMJ`) in a TikTok Studio export, found a cell in column 1025"
    );
}

/// Bug 2: within the row and column limits, a sparse sheet can still span
/// a table too large to build (here 2,000 rows by 1,024 columns).
#[test]
fn sparse_sheet_spanning_too_large_a_table_is_refused() {
    let mut rows = format!(
        r#"<row r="1">{}{}</row>"#,
        text_cell("A1", "x"),
        text_cell("AMJ1", "y")
    );
    for r in 2..=2_000 {
        rows.push_str(&format!(r#"<row r="{r}"><c r="A{r}"><v>1</v></c></row>"#));
    }
    let msg = error_reading(workbook("", &rows, None));
    assert_eq!(
        msg,
        "`hostile.xlsx` sheet `Sheet1`: expected at most 2000000 cells in a TikTok Studio \
         export, found 2000 rows 1024 columns wide"
    );
}

/// Bug 3: calamine reserves what `uniqueCount` declares: `u64::MAX` panicked
/// with "capacity overflow" (and 10^12 aborts on allocation, which no test
/// can survive, so the bound is tested with counts a regression survives).
#[test]
fn shared_string_count_the_table_cannot_hold_is_refused() {
    let rows = r#"<row r="1"><c r="A1" t="s"><v>0</v></c></row>"#;
    for count in ["18446744073709551615", "1000", "99999999999999999999999"] {
        let sst = format!(
            r#"<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="{count}"><si><t>Date</t></si></sst>"#
        );
        let msg = error_reading(workbook("", rows, Some(&sst)));
        assert!(
            msg.starts_with(
                "`hostile.xlsx` part `xl/sharedStrings.xml`: expected `uniqueCount` to be at most"
            ),
            "{count}: {msg}"
        );
        assert!(msg.contains("hold no more strings"), "{count}: {msg}");
    }
    let sst = r#"<sst uniqueCount="1x"><si><t>a</t></si></sst>"#;
    let msg = error_reading(workbook("", rows, Some(sst)));
    assert!(
        msg.contains("expected `uniqueCount` to be a count of strings, found `1x`"),
        "{msg}"
    );
}

/// Bug 4: calamine computes references with unchecked `u32` arithmetic
/// (an overflow panic in debug builds, a wrapped position in release).
#[test]
fn overflowing_cell_references_are_refused() {
    let cases = [
        (
            String::new(),
            r#"<row r="1"><c r="ZZZZZZZZZ1"><v>1</v></c></row>"#,
            "ZZZZZZZZZ1",
        ),
        (
            String::new(),
            r#"<row r="1"><c r="A99999999999"><v>1</v></c></row>"#,
            "A99999999999",
        ),
        // Wraps to `A1` in release builds.
        (
            String::new(),
            r#"<row><c r="AATYHWUS1"><v>1</v></c></row>"#,
            "AATYHWUS1",
        ),
        (
            String::new(),
            r#"<row r="4294967297"><c><v>1</v></c></row>"#,
            "4294967297",
        ),
        // Parses, but the next row's number overflows.
        (
            String::new(),
            r#"<row r="4294967295"><c><v>1</v></c></row><row><c><v>2</v></c></row>"#,
            "4294967295",
        ),
        (
            r#"<dimension ref="B2:A1"/>"#.to_string(),
            r#"<row r="1"><c r="A1"><v>1</v></c></row>"#,
            "B2:A1",
        ),
    ];
    for (before, rows, found) in cases {
        let msg = error_reading(workbook(&before, rows, None));
        assert!(
            msg.starts_with("`hostile.xlsx` part `xl/worksheets/sheet1.xml`: expected "),
            "{found}: {msg}"
        );
        assert!(msg.contains("within Excel's limits"), "{found}: {msg}");
        assert!(msg.contains(&format!("found `{found}`")), "{found}: {msg}");
    }
}

/// A part that inflates past the limit is refused, whatever its ZIP entry
/// declares (smaller limits stand in for the real ones).
#[test]
fn parts_are_bounded_in_size() {
    let rows: String = (2..100)
        .map(|r| format!(r#"<row r="{r}"><c r="B{r}"><v>1</v></c></row>"#))
        .collect();
    let bytes = workbook("", &overview(&rows), None);
    let small = Limits {
        max_part_bytes: 1_500,
        ..Limits::STUDIO
    };
    let msg = match check_package(&mut Cursor::new(bytes.clone()), "wb.xlsx", &small) {
        Ok(()) => String::from("(no error)"),
        Err(e) => e.to_string(),
    };
    assert!(
        msg.starts_with(
            "`wb.xlsx` part `xl/worksheets/sheet1.xml`: expected a part of at most 1500 bytes"
        ),
        "{msg}"
    );
    let small = Limits {
        max_total_bytes: 1_000,
        ..Limits::STUDIO
    };
    let msg = match check_package(&mut Cursor::new(bytes), "wb.xlsx", &small) {
        Ok(()) => String::from("(no error)"),
        Err(e) => e.to_string(),
    };
    assert!(
        msg.starts_with("`wb.xlsx`: expected at most 1000 bytes of XML"),
        "{msg}"
    );
}

/// calamine copies a style's font (fill, border, number format) into every
/// `<xf>` using it: a 5 KB font name used by 100,000 `<xf>`s would take
/// 500 MB. Both the element's size and the number of `<xf>`s are bounded;
/// here each just past its bound, so that a regression reads on quickly.
#[test]
fn style_elements_calamine_copies_are_bounded() {
    let name = "F".repeat(5_000);
    let styles = format!(
        r#"<styleSheet><fonts count="1"><font><name val="{name}"/></font></fonts><cellXfs count="1"><xf numFmtId="0" fontId="0"/></cellXfs></styleSheet>"#
    );
    let msg = error_reading(styled_workbook("", &overview(""), None, &styles));
    assert_eq!(
        msg,
        "`hostile.xlsx` part `xl/styles.xml`: expected a `<font>` style element of at most \
         4096 bytes, found 5027 bytes"
    );
    let styles = format!(
        r#"<styleSheet><cellXfs count="4001">{}</cellXfs></styleSheet>"#,
        r#"<xf numFmtId="0"/>"#.repeat(4_001)
    );
    let msg = error_reading(styled_workbook("", &overview(""), None, &styles));
    assert_eq!(
        msg,
        "`hostile.xlsx` part `xl/styles.xml`: expected at most 4000 cell styles (`<xf>`) in a \
         TikTok Studio export, found more"
    );
}
