//! A [`Table`] as an accessible HTML `<table>`: a `<caption>`, column
//! headers with `scope="col"`, a row header per row, summary rows in
//! `<tfoot>`, and missing values that say "not reported" to a screen reader.

use crate::charts::escape_xml_into;
use crate::render::shown_plain;
use crate::{Align, Cell, Table};
use std::fmt::Write as _;

/// What a missing value looks like: a dash for the eye, words for a screen
/// reader (a missing value is never 0; see docs/metrics.md).
pub(crate) const MISSING_HTML: &str =
    "<span aria-hidden=\"true\">–</span><span class=\"vh\">not reported</span>";

/// Renders `table` as an HTML table with the given `id` and `caption`, its
/// notes as a list under it, inside a focusable scrolling region (wide
/// tables scroll horizontally on small screens; see WCAG 2.1 SC 1.4.10).
///
/// Body rows use the `title` column (or the first column) as the row header;
/// summary rows (total, median, IQR) go into `<tfoot>` with their label as
/// the row header. All text is escaped.
pub fn render_html_table(table: &Table, id: &str, caption: &str) -> String {
    let mut out = String::with_capacity(256 + table.rows.len() * table.columns.len() * 40);
    write_html_table(&mut out, table, id, caption, &mut |_: &mut String| {});
    out
}

/// [`render_html_table`], appending to `out`; `spill` is called after each
/// body row (it may take the text gathered so far away).
pub(crate) fn write_html_table(
    out: &mut String,
    table: &Table,
    id: &str,
    caption: &str,
    spill: &mut dyn FnMut(&mut String),
) {
    let id = crate::charts::sanitize_id(id);
    if table.columns.is_empty() {
        out.push_str("<p class=\"empty\">No rows to show.</p>");
        return;
    }
    let header_col = table
        .columns
        .iter()
        .position(|c| c.key == "title")
        .unwrap_or(0);
    let _ = write!(
        out,
        "<div class=\"table-wrap\" role=\"region\" aria-labelledby=\"{id}-caption\" tabindex=\"0\">\
         <table id=\"{id}\"><caption id=\"{id}-caption\">"
    );
    escape_xml_into(out, caption);
    out.push_str("</caption><thead><tr>");
    for c in &table.columns {
        out.push_str(if c.align == Align::Right {
            "<th scope=\"col\" class=\"num\">"
        } else {
            "<th scope=\"col\">"
        });
        escape_xml_into(out, &c.header);
        out.push_str("</th>");
    }
    out.push_str("</tr></thead><tbody>");
    for row in &table.rows {
        write_row(out, table, row, Some(header_col));
        spill(out);
    }
    out.push_str("</tbody>");
    if !table.summary.is_empty() {
        out.push_str("<tfoot>");
        for row in &table.summary {
            let label = row.iter().position(|c| !c.is_missing());
            write_row(out, table, row, label);
        }
        out.push_str("</tfoot>");
    }
    out.push_str("</table></div>");
    if !table.notes.is_empty() {
        out.push_str("<ul class=\"table-notes\">");
        for note in &table.notes {
            out.push_str("<li>");
            write_with_code(out, note);
            out.push_str("</li>");
        }
        out.push_str("</ul>");
    }
}

fn write_row(out: &mut String, table: &Table, row: &[Cell], header: Option<usize>) {
    out.push_str("<tr>");
    for (i, (cell, col)) in row.iter().zip(&table.columns).enumerate() {
        let tag = if Some(i) == header { "th" } else { "td" };
        out.push('<');
        out.push_str(tag);
        if tag == "th" {
            out.push_str(" scope=\"row\"");
        }
        // Short text columns (dates) do not wrap.
        let short = col.align == Align::Left && col.max_width.is_some_and(|w| w <= 12);
        match (col.align, cell.is_missing(), short) {
            (Align::Right, true, _) => out.push_str(" class=\"num missing\""),
            (Align::Right, false, _) => out.push_str(" class=\"num\""),
            (Align::Left, true, _) => out.push_str(" class=\"missing\""),
            (Align::Left, false, true) => out.push_str(" class=\"short\""),
            (Align::Left, false, false) => {}
        }
        out.push('>');
        write_cell(out, cell);
        out.push_str("</");
        out.push_str(tag);
        out.push('>');
    }
    out.push_str("</tr>");
}

/// Writes one cell's content: `–` + "not reported" for missing, `~` +
/// "approximately" for approximate counts, the text renderer's formatting
/// for everything else (escaped).
pub(crate) fn write_cell(out: &mut String, cell: &Cell) {
    match cell {
        Cell::Missing => out.push_str(MISSING_HTML),
        Cell::Text(t) => escape_xml_into(out, t),
        Cell::ApproxCount(v) => {
            out.push_str(
                "<span aria-hidden=\"true\">~</span><span class=\"vh\">approximately </span>",
            );
            out.push_str(&crate::cell::group_thousands(*v));
        }
        other => escape_xml_into(out, &shown_plain(other)),
    }
}

/// Writes `text` escaped, with `` `code` `` spans as `<code>`.
pub(crate) fn write_with_code(out: &mut String, text: &str) {
    let parts: Vec<&str> = text.split('`').collect();
    // An unmatched backtick stays a backtick.
    let balanced = parts.len() % 2 == 1;
    for (i, part) in parts.iter().enumerate() {
        if i > 0 && !balanced {
            out.push('`');
        }
        if balanced && i % 2 == 1 {
            out.push_str("<code>");
            escape_xml_into(out, part);
            out.push_str("</code>");
        } else {
            escape_xml_into(out, part);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Column;

    fn sample() -> Table {
        Table {
            columns: vec![
                Column::text("Posted", "posted", 10),
                Column::text("Title", "title", 36),
                Column::number("Views", "views"),
            ],
            rows: vec![
                vec![
                    Cell::Text("2024-01-02".into()),
                    Cell::Text("<script>alert(1)</script>".into()),
                    Cell::ApproxCount(1200),
                ],
                vec![Cell::Missing, Cell::Text("b".into()), Cell::Missing],
            ],
            summary: vec![vec![
                Cell::Text("Total".into()),
                Cell::Text("n = 2".into()),
                Cell::Count(1200),
            ]],
            notes: vec!["Use `uptake videos --as-of DATE`; a ` stray".into()],
        }
    }

    #[test]
    fn table_is_accessible_and_escaped() {
        let html = render_html_table(&sample(), "videos", "Table 1 <b>");
        assert!(html.contains("<caption id=\"videos-caption\">Table 1 &lt;b&gt;</caption>"));
        assert!(html.contains("<th scope=\"col\" class=\"num\">Views</th>"));
        assert!(html.contains("<th scope=\"row\">&lt;script&gt;alert(1)&lt;/script&gt;</th>"));
        assert!(
            html.contains("<tfoot><tr><th scope=\"row\" class=\"short\">Total</th>"),
            "{html}"
        );
        assert!(html.contains("approximately </span>1,200"));
        assert_eq!(html.matches("not reported").count(), 2);
        assert!(!html.contains("<script>"));
    }

    #[test]
    fn notes_render_code_spans() {
        let html = render_html_table(&sample(), "t", "c");
        assert!(
            html.contains("<li>Use `uptake videos --as-of DATE`; a ` stray</li>"),
            "odd backticks stay literal: {html}"
        );
        let mut out = String::new();
        write_with_code(&mut out, "a `b<` c");
        assert_eq!(out, "a <code>b&lt;</code> c");
    }

    #[test]
    fn empty_table_says_so() {
        assert!(render_html_table(&Table::default(), "t", "c").contains("No rows"));
    }
}
