//! The offline HTML report (`uptake report`): one self-contained file for
//! partners, funders and papers.
//!
//! [`render_html`] turns a [`ReportData`] (everything computed beforehand)
//! into one HTML document with inline CSS (`html/report.css`, compiled
//! in) and inline SVG charts from [`crate::charts`]: no script, no web font,
//! no external request (a Content-Security-Policy forbids them as a second
//! line of defence). It is accessible (landmarks, headings in order, tables
//! with captions and scoped headers, every chart with a title, a description
//! and its numbers in a table) and prints cleanly. Every string from the
//! data is escaped; the output is deterministic and its size linear in the
//! data (growth curves are capped at the most-viewed few plus a median from
//! real observations only, see [`growth_curves`]).

mod curves;
pub mod data;
mod figures;
mod page;
mod sections;
mod table;
mod text;

pub use curves::{
    growth_curves, select_growth_curves, CurveInput, CurveSelection, MAX_CURVES, MIN_FOR_MEDIAN,
};
pub use data::{
    CampaignInfo, DailyValue, GrowthCurves, IndicatorRow, MedianPoint, Point, ReportData, Series,
};
pub use table::render_html_table;

use page::render_into;

/// The notice shown at the top and bottom of a report made from synthetic
/// data, so that a screenshot or printout cannot be mistaken for findings.
pub const SYNTHETIC_NOTICE: &str =
    "SYNTHETIC EXAMPLE DATA: not real TikTok data and not research findings";

/// Renders the whole report as one self-contained HTML document.
///
/// Sections (each a `<section id=…>` with an `<h2>`): `summary`, `videos`,
/// `account-growth`, `growth-curves`, `sources`, `indicators`, `coverage`,
/// `methods`. When `data.synthetic` is set, [`SYNTHETIC_NOTICE`] is shown as
/// a banner in the header and again in the footer, and the document title
/// starts with `[SYNTHETIC]`.
pub fn render_html(data: &ReportData) -> String {
    let cells = data.video_table.rows.len() * data.video_table.columns.len().max(1);
    let mut out = String::with_capacity(96 * 1024 + cells * 64);
    render_into(data, &mut out, &mut |_: &mut String| {});
    out
}

/// Bytes gathered before [`render_html_to`] hands them to its writer.
const SPILL_AT: usize = 64 * 1024;

/// [`render_html`] written to `out` as it is rendered, a few tens of
/// kilobytes at a time, so that the whole document (116 MB for 100,000
/// videos) is never held in memory. The bytes are exactly those of
/// [`render_html`]. Wrap a file in a `std::io::BufWriter` or not: writes
/// are already large.
pub fn render_html_to<W: std::io::Write + ?Sized>(
    data: &ReportData,
    out: &mut W,
) -> std::io::Result<()> {
    let mut buf = String::with_capacity(2 * SPILL_AT);
    let mut failed: Option<std::io::Error> = None;
    let mut spill = |buf: &mut String| {
        if failed.is_none() {
            if let Err(e) = out.write_all(buf.as_bytes()) {
                failed = Some(e);
            }
        }
        buf.clear();
    };
    render_into(data, &mut buf, &mut |b: &mut String| {
        if b.len() >= SPILL_AT {
            spill(b);
        }
    });
    spill(&mut buf);
    match failed {
        Some(e) => Err(e),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use page::SECTIONS;
    #[test]
    fn empty_data_renders_every_section() {
        let html = render_html(&ReportData::default());
        for (id, _) in SECTIONS {
            assert!(html.contains(&format!("<section id=\"{id}\"")), "{id}");
        }
        assert!(html.contains("Untitled project"));
        assert!(html.matches(">No data</text>").count() >= 4, "{html}");
        assert!(!html.contains(SYNTHETIC_NOTICE));
    }

    #[test]
    fn streamed_report_is_byte_identical() {
        use crate::{Cell, Column, Table};
        let rows = (0..3000)
            .map(|i| {
                vec![
                    Cell::Text(format!("video <{i}> “title” with some words")),
                    Cell::Count(i * 1000),
                ]
            })
            .collect();
        let data = ReportData {
            synthetic: true,
            video_table: Table {
                columns: vec![
                    Column::text("Title", "title", 36),
                    Column::number("Views", "views"),
                ],
                rows,
                ..Table::default()
            },
            ..ReportData::default()
        };
        let whole = render_html(&data);
        assert!(whole.len() > 3 * SPILL_AT);
        let mut streamed = Vec::new();
        assert!(render_html_to(&data, &mut streamed).is_ok());
        assert!(streamed == whole.as_bytes());
    }

    #[test]
    fn synthetic_banner_top_and_bottom() {
        let html = render_html(&ReportData {
            synthetic: true,
            ..ReportData::default()
        });
        assert_eq!(html.matches(SYNTHETIC_NOTICE).count(), 2);
        assert!(html.contains("<title>[SYNTHETIC] "));
    }
}
