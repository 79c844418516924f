//! Renderers: aligned text, CSV, JSON and Markdown.

use crate::cell::{group_decimal, group_thousands};
use crate::{Align, Cell, Table};
use std::fmt;
use std::str::FromStr;

/// An output format for tables.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutputFormat {
    /// Aligned plain text for a terminal.
    Table,
    /// CSV with formula neutralisation.
    Csv,
    /// JSON: `{"columns", "rows", "summary", "notes"}`.
    Json,
    /// A GitHub-flavoured Markdown table.
    Markdown,
}

impl FromStr for OutputFormat {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "table" | "text" => Ok(OutputFormat::Table),
            "csv" => Ok(OutputFormat::Csv),
            "json" => Ok(OutputFormat::Json),
            "md" | "markdown" => Ok(OutputFormat::Markdown),
            other => Err(format!(
                "unknown output format `{other}`; expected table, csv, json or md"
            )),
        }
    }
}

/// A table could not be rendered.
#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    /// The CSV writer failed.
    #[error("cannot write CSV: {0}")]
    Csv(#[from] csv::Error),
    /// JSON serialisation failed.
    #[error("cannot write JSON: {0}")]
    Json(#[from] serde_json::Error),
    /// The CSV writer's buffer could not be recovered.
    #[error("cannot write CSV: {0}")]
    Buffer(String),
}

/// Renders `table` in `format`.
pub fn render(table: &Table, format: OutputFormat) -> Result<String, RenderError> {
    match format {
        OutputFormat::Table => Ok(render_text(table)),
        OutputFormat::Csv => render_csv(table),
        OutputFormat::Json => render_json(table),
        OutputFormat::Markdown => Ok(render_markdown(table)),
    }
}

/// Removes characters that could drive a terminal (ANSI escapes, other
/// controls) and folds line breaks into spaces: titles and captions come
/// from the internet.
fn printable(text: &str) -> String {
    text.chars()
        .map(|c| if c == '\n' || c == '\r' || c == '\t' { ' ' } else { c })
        .filter(|c| !c.is_control() && !matches!(c, '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}'))
        .collect()
}

/// How a cell looks in text and Markdown output, before escaping.
pub fn shown_plain(cell: &Cell) -> String {
    shown(cell)
}

fn shown(cell: &Cell) -> String {
    match cell {
        Cell::Missing => "-".into(),
        Cell::Text(t) => printable(t),
        Cell::Count(v) => group_thousands(*v),
        Cell::ApproxCount(v) => format!("~{}", group_thousands(*v)),
        Cell::Number(v, d) => group_decimal(*v, *d),
        Cell::Percent(v, d) => format!("{:.d$}%", v * 100.0, d = *d),
        Cell::Seconds(v) => format!("{v:.1}s"),
    }
}

fn cut(text: String, max: Option<usize>) -> String {
    match max {
        Some(max) if text.chars().count() > max && max > 1 => {
            let mut s: String = text.chars().take(max - 1).collect();
            s.push('…');
            s
        }
        _ => text,
    }
}

fn width(s: &str) -> usize {
    if s.is_ascii() {
        s.len()
    } else {
        s.chars().count()
    }
}

/// Aligned text with a header rule and a rule above summary rows.
pub fn render_text(table: &Table) -> String {
    let format_row = |row: &Vec<Cell>| -> Vec<String> {
        row.iter()
            .zip(&table.columns)
            .map(|(c, col)| cut(shown(c), col.max_width))
            .collect()
    };
    let body: Vec<Vec<String>> = table.rows.iter().map(format_row).collect();
    let summary: Vec<Vec<String>> = table.summary.iter().map(format_row).collect();
    let widths: Vec<usize> = table
        .columns
        .iter()
        .enumerate()
        .map(|(i, col)| {
            body.iter()
                .chain(&summary)
                .filter_map(|r| r.get(i))
                .map(|s| width(s))
                .chain([width(&col.header)])
                .max()
                .unwrap_or(0)
        })
        .collect();
    let total_width: usize = widths.iter().sum::<usize>() + 2 * widths.len() + 1;
    let mut out = String::with_capacity(total_width * (body.len() + summary.len() + 3));
    // Writes one line, padding each cell to its column's width, without
    // trailing spaces.
    let line = |out: &mut String, cells: &[String]| {
        let start = out.len();
        for (i, ((s, col), w)) in cells.iter().zip(&table.columns).zip(&widths).enumerate() {
            if i > 0 {
                out.push_str("  ");
            }
            let pad = w.saturating_sub(width(s));
            if col.align == Align::Right {
                out.extend(std::iter::repeat_n(' ', pad));
            }
            out.push_str(s);
            if col.align == Align::Left {
                out.extend(std::iter::repeat_n(' ', pad));
            }
        }
        let trimmed = out[start..].trim_end().len();
        out.truncate(start + trimmed);
        out.push('\n');
    };
    let rule = widths
        .iter()
        .map(|w| "-".repeat(*w))
        .collect::<Vec<_>>()
        .join("  ");
    let headers: Vec<String> = table.columns.iter().map(|c| c.header.clone()).collect();
    line(&mut out, &headers);
    out.push_str(&rule);
    out.push('\n');
    for row in &body {
        line(&mut out, row);
    }
    if !summary.is_empty() {
        out.push_str(&rule);
        out.push('\n');
        for row in &summary {
            line(&mut out, row);
        }
    }
    for note in &table.notes {
        out.push('\n');
        out.push_str(&printable(note));
    }
    if !table.notes.is_empty() {
        out.push('\n');
    }
    out
}

/// Neutralises a text cell that a spreadsheet would evaluate: a leading
/// `=`, `+`, `-`, `@`, tab or carriage return gets a `'` in front (OWASP
/// "CSV injection").
pub fn neutralise_formula(text: &str) -> String {
    match text.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{text}"),
        _ => text.to_string(),
    }
}

fn csv_value(cell: &Cell) -> String {
    match cell {
        Cell::Missing => String::new(),
        Cell::Text(t) => neutralise_formula(t),
        Cell::Count(v) | Cell::ApproxCount(v) => v.to_string(),
        Cell::Number(v, _) | Cell::Percent(v, _) | Cell::Seconds(v) => v.to_string(),
    }
}

/// The suffix of the column that carries a count's approximate flag in CSV
/// and XLSX: `views` is followed by `views_approximate`.
pub const APPROXIMATE_SUFFIX: &str = "_approximate";

/// Which columns CSV and XLSX follow with a `<key>_approximate` column, and
/// what it says in each row.
pub(crate) struct ApproximateFlags {
    /// Per column: followed by `<key>_approximate`.
    companion: Vec<bool>,
    /// Per column: some body row holds an approximate count.
    any_in_body: Vec<bool>,
}

impl ApproximateFlags {
    /// A companion column follows every column that may be approximate
    /// ([`crate::Column::may_be_approximate`]: the per-video counts, comment
    /// likes, the platform's comment count), whether or not any value is, so
    /// that a script reads the same columns from every project; and any
    /// other column that holds an approximate count all the same, so that
    /// the flag is never dropped.
    pub(crate) fn of(table: &Table) -> ApproximateFlags {
        let holds = |rows: &[Vec<Cell>], i: usize| {
            rows.iter()
                .any(|r| matches!(r.get(i), Some(Cell::ApproxCount(_))))
        };
        let any_in_body: Vec<bool> = (0..table.columns.len())
            .map(|i| holds(&table.rows, i))
            .collect();
        let companion = table
            .columns
            .iter()
            .enumerate()
            .map(|(i, c)| c.may_be_approximate || any_in_body[i] || holds(&table.summary, i))
            .collect();
        ApproximateFlags {
            companion,
            any_in_body,
        }
    }

    /// True when column `i` is followed by `<key>_approximate`.
    pub(crate) fn has_companion(&self, i: usize) -> bool {
        self.companion.get(i).copied().unwrap_or(false)
    }

    /// The flag of `cell` in column `i`: none (an empty cell) when the value
    /// is missing or text; true for an approximate count; on a summary row
    /// (total, median, quartiles), also true when any body row of the column
    /// is approximate, since the statistic includes it or may rest on it;
    /// false otherwise.
    pub(crate) fn flag(&self, i: usize, cell: &Cell, summary: bool) -> Option<bool> {
        match cell {
            Cell::Missing | Cell::Text(_) => None,
            Cell::ApproxCount(_) => Some(true),
            Cell::Count(_) | Cell::Number(..) | Cell::Percent(..) | Cell::Seconds(_) => {
                Some(summary && self.any_in_body.get(i).copied().unwrap_or(false))
            }
        }
    }
}

/// CSV: one header row of column keys, body rows, then summary rows.
/// Fractions stay fractions (0.123, not 12.3%). A count column that can be
/// approximate ([`crate::Column::may_be_approximate`]) is followed by
/// `<key>_approximate`, as JSON gives `{"value": 1200, "approximate": true}`:
/// `true` for an approximate count, and on a summary row (total, median,
/// quartiles) for any statistic of a column holding one; empty when the
/// value is missing; `false` otherwise.
pub fn render_csv(table: &Table) -> Result<String, RenderError> {
    let flags = ApproximateFlags::of(table);
    let mut w = csv::Writer::from_writer(Vec::new());
    let mut record: Vec<String> = Vec::with_capacity(2 * table.columns.len());
    for (i, c) in table.columns.iter().enumerate() {
        record.push(c.key.clone());
        if flags.has_companion(i) {
            record.push(format!("{}{APPROXIMATE_SUFFIX}", c.key));
        }
    }
    w.write_record(&record)?;
    let body = table.rows.iter().map(|r| (r, false));
    for (row, summary) in body.chain(table.summary.iter().map(|r| (r, true))) {
        record.clear();
        for (i, cell) in row.iter().enumerate() {
            record.push(csv_value(cell));
            if flags.has_companion(i) {
                record.push(match flags.flag(i, cell, summary) {
                    Some(true) => "true".into(),
                    Some(false) => "false".into(),
                    None => String::new(),
                });
            }
        }
        w.write_record(&record)?;
    }
    let bytes = w
        .into_inner()
        .map_err(|e| RenderError::Buffer(e.to_string()))?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

fn json_value(cell: &Cell) -> serde_json::Value {
    use serde_json::Value;
    match cell {
        Cell::Missing => Value::Null,
        Cell::Text(t) => Value::String(t.clone()),
        Cell::Count(v) => Value::from(*v),
        Cell::ApproxCount(v) => serde_json::json!({"value": v, "approximate": true}),
        Cell::Number(v, _) | Cell::Percent(v, _) | Cell::Seconds(v) => {
            serde_json::Number::from_f64(*v).map_or(Value::Null, Value::Number)
        }
    }
}

/// JSON: `{"columns": [keys], "rows": [{key: value}], "summary": [...], "notes": [...]}`.
/// Written row by row so that a large table never exists twice in memory.
pub fn render_json(table: &Table) -> Result<String, RenderError> {
    let object = |row: &Vec<Cell>| -> serde_json::Value {
        let map: serde_json::Map<String, serde_json::Value> = table
            .columns
            .iter()
            .zip(row)
            .map(|(c, v)| (c.key.clone(), json_value(v)))
            .collect();
        serde_json::Value::Object(map)
    };
    let keys: Vec<&str> = table.columns.iter().map(|c| c.key.as_str()).collect();
    let mut out = String::new();
    out.push_str("{\n  \"columns\": ");
    out.push_str(&serde_json::to_string(&keys)?);
    for (name, rows) in [("rows", &table.rows), ("summary", &table.summary)] {
        out.push_str(&format!(",\n  \"{name}\": ["));
        for (i, row) in rows.iter().enumerate() {
            out.push_str(if i == 0 { "\n    " } else { ",\n    " });
            out.push_str(&serde_json::to_string(&object(row))?);
        }
        out.push_str(if rows.is_empty() { "]" } else { "\n  ]" });
    }
    out.push_str(",\n  \"notes\": ");
    out.push_str(&serde_json::to_string(&table.notes)?);
    out.push_str("\n}\n");
    Ok(out)
}

/// Escapes free text for Markdown (pipes, emphasis, links, HTML).
pub fn render_markdown_text(text: &str) -> String {
    md_escape(text)
}

fn md_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in printable(text).chars() {
        if matches!(
            c,
            '|' | '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '#'
        ) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// Markdown: a pipe table; summary rows in bold labels; notes as a list.
pub fn render_markdown(table: &Table) -> String {
    let mut out = String::new();
    let headers: Vec<String> = table.columns.iter().map(|c| md_escape(&c.header)).collect();
    out.push_str(&format!("| {} |\n", headers.join(" | ")));
    let aligns: Vec<&str> = table
        .columns
        .iter()
        .map(|c| match c.align {
            Align::Left => ":--",
            Align::Right => "--:",
        })
        .collect();
    out.push_str(&format!("| {} |\n", aligns.join(" | ")));
    for row in &table.rows {
        let cells: Vec<String> = row.iter().map(|c| md_escape(&shown(c))).collect();
        out.push_str(&format!("| {} |\n", cells.join(" | ")));
    }
    for row in &table.summary {
        let cells: Vec<String> = row
            .iter()
            .enumerate()
            .map(|(i, c)| {
                let s = md_escape(&shown(c));
                if i == 0 {
                    format!("**{s}**")
                } else {
                    s
                }
            })
            .collect();
        out.push_str(&format!("| {} |\n", cells.join(" | ")));
    }
    if !table.notes.is_empty() {
        out.push('\n');
        for n in &table.notes {
            out.push_str(&format!("- {}\n", md_escape(n)));
        }
    }
    out
}

impl fmt::Display for OutputFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            OutputFormat::Table => "table",
            OutputFormat::Csv => "csv",
            OutputFormat::Json => "json",
            OutputFormat::Markdown => "md",
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Column;

    fn sample() -> Table {
        Table {
            columns: vec![
                Column::text("Title", "title", 12),
                Column::number("Views", "views"),
            ],
            rows: vec![
                vec![Cell::Text("=HYPERLINK(\"x\")".into()), Cell::Count(18400)],
                vec![
                    Cell::Text("a | b\x1b[31m red".into()),
                    Cell::ApproxCount(1200),
                ],
                vec![Cell::Text("missing".into()), Cell::Missing],
            ],
            summary: vec![vec![Cell::Text("Total".into()), Cell::Count(19600)]],
            notes: vec!["~ approximate".into()],
        }
    }

    #[test]
    fn text_aligns_and_never_prints_missing_as_zero() {
        let t = render_text(&sample());
        assert!(t.contains("18,400"), "{t}");
        assert!(t.contains("~1,200"), "{t}");
        assert!(
            !t.contains('\x1b'),
            "escape sequences must be stripped: {t:?}"
        );
        let missing_line = t.lines().find(|l| l.starts_with("missing")).unwrap_or("");
        assert!(missing_line.trim_end().ends_with('-'), "{missing_line}");
        assert!(t.contains("=HYPERLINK(…"), "long titles are cut: {t}");
    }

    #[test]
    fn csv_neutralises_formulas_but_not_numbers() {
        let c = render_csv(&sample()).unwrap_or_default();
        assert!(c.contains("\"'=HYPERLINK(\"\"x\"\")\""), "{c}");
        assert!(c.contains(",18400"));
        assert!(
            c.lines().nth(3).is_some_and(|l| l.ends_with(',')),
            "missing is empty: {c}"
        );
        assert_eq!(neutralise_formula("-1+2"), "'-1+2");
        assert_eq!(neutralise_formula("@SUM"), "'@SUM");
        assert_eq!(neutralise_formula("plain"), "plain");
    }

    /// Issue: CSV wrote `Cell::ApproxCount(1200)` as a plain `1200`, so the
    /// usual path into a paper (CSV, XLSX) lost the flag that JSON and text
    /// keep.
    #[test]
    fn csv_follows_count_columns_with_their_approximate_flag() {
        let mut table = sample();
        table
            .summary
            .push(vec![Cell::Text("Median".into()), Cell::Count(9800)]);
        let c = render_csv(&table).unwrap_or_default();
        let lines: Vec<&str> = c.lines().collect();
        assert_eq!(lines[0], "title,views,views_approximate", "{c}");
        assert!(lines[1].ends_with(",18400,false"), "{c}");
        assert_eq!(lines[2], "a | b\u{1b}[31m red,1200,true", "{c}");
        assert_eq!(lines[3], "missing,,", "missing value, empty flag: {c}");
        // Summary rows of a column holding an approximate count include it
        // (total) or may rest on it (median).
        assert_eq!(lines[4], "Total,19600,true", "{c}");
        assert_eq!(lines[5], "Median,9800,true", "{c}");
    }

    #[test]
    fn count_columns_keep_their_flag_column_when_every_value_is_exact() {
        let table = Table {
            columns: vec![
                Column::count("Views", "views"),
                Column::count("Likes", "likes"),
                Column::number("Eng. rate", "engagement_rate_views"),
                // The account series' daily likes are never approximate.
                Column::number("likes", "likes"),
            ],
            rows: vec![vec![
                Cell::Count(10),
                Cell::Missing,
                Cell::Percent(0.1, 1),
                Cell::Count(3),
            ]],
            summary: vec![vec![
                Cell::Count(10),
                Cell::Missing,
                Cell::Percent(0.1, 1),
                Cell::Count(3),
            ]],
            notes: vec![],
        };
        let c = render_csv(&table).unwrap_or_default();
        assert_eq!(
            c,
            "views,views_approximate,likes,likes_approximate,engagement_rate_views,likes\n\
             10,false,,,0.1,3\n\
             10,false,,,0.1,3\n"
        );
    }

    /// The tables that hold counts which can be approximate mark those
    /// columns, and the account series' daily counts are not marked.
    #[test]
    fn tables_with_approximate_counts_always_have_their_flag_columns() {
        use crate::tables::{account, comments, coverage, videos};
        let header = |t: &Table| {
            render_csv(t)
                .unwrap_or_default()
                .lines()
                .next()
                .unwrap_or("")
                .to_string()
        };
        let machine = videos::VideoTableOptions { machine: true };
        let video = header(&videos::video_table(&[], machine));
        for key in ["views", "likes", "comments", "shares", "saves"] {
            assert!(
                video.contains(&format!(",{key},{key}_approximate,")),
                "{video}"
            );
        }
        let comments = header(&comments::comments_table(&[], true));
        assert!(comments.contains(",likes,likes_approximate,"), "{comments}");
        let coverage = header(&coverage::coverage_table(&[]));
        assert!(
            coverage.contains(",platform_comments,platform_comments_approximate,"),
            "{coverage}"
        );
        let daily = header(&account::account_daily_table(&[]));
        assert!(!daily.contains("_approximate"), "{daily}");
    }

    /// Review (2026-11-28): the median of a column holding an approximate
    /// count was `~` in CSV's flag column but plain in text and JSON.
    #[test]
    fn a_median_resting_on_an_approximate_count_is_marked_in_every_format() {
        use crate::tables::videos::{video_table, VideoTableOptions};
        use uptake_model::{Count, Metrics, Video};
        let pair = |id: &str, views: Count| {
            (
                Video::with_id(id.to_string()),
                Metrics {
                    views: Some(views),
                    ..Metrics::default()
                },
            )
        };
        let pairs = vec![
            pair("1", Count::exact(1000)),
            pair(
                "2",
                Count {
                    value: 1700,
                    approximate: true,
                },
            ),
            pair("3", Count::exact(3000)),
        ];
        for machine in [false, true] {
            let t = video_table(&pairs, VideoTableOptions { machine });
            let views = t.columns.iter().position(|c| c.key == "views").unwrap_or(0);
            assert_eq!(
                t.summary[1][views],
                Cell::ApproxCount(1700),
                "machine {machine}"
            );
        }
        let t = video_table(&pairs, VideoTableOptions { machine: false });
        assert!(render_text(&t).contains("~1,700"));
        let j: serde_json::Value =
            serde_json::from_str(&render_json(&t).unwrap_or_default()).unwrap_or_default();
        assert_eq!(j["summary"][1]["views"]["approximate"], true, "{j}");
    }

    #[test]
    fn json_keeps_types() {
        let j = render_json(&sample()).unwrap_or_default();
        let v: serde_json::Value = serde_json::from_str(&j).unwrap_or_default();
        assert_eq!(v["rows"][0]["views"], 18400);
        assert_eq!(v["rows"][1]["views"]["approximate"], true);
        assert!(v["rows"][2]["views"].is_null());
    }

    #[test]
    fn markdown_escapes_pipes() {
        let m = render_markdown(&sample());
        assert!(m.contains("a \\| b"), "{m}");
        assert!(m.contains("**Total**"));
    }
}
