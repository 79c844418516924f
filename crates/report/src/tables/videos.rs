//! The per-video table a KMb paper prints, with total, median and IQR rows.

use crate::{Cell, Column, Table};
use uptake_analysis::metrics::summary::{pooled_rate, summarise};
use uptake_analysis::metrics::video::{video_metrics, VideoMetrics};
use uptake_model::{Count, Metrics, Video};

/// How the table is laid out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VideoTableOptions {
    /// For CSV/JSON: add the video id and link, and give Q1 and Q3 as
    /// separate numeric rows instead of one `q1–q3` text row.
    pub machine: bool,
}

fn count_stat(v: Option<f64>) -> Cell {
    match v {
        None => Cell::Missing,
        Some(v) if v.fract() == 0.0 => Cell::Count(v as i64),
        Some(v) => Cell::Number(v, 1),
    }
}

/// One numeric column of the table: how to read it from a video's metrics,
/// how to show one value and how to total it.
struct NumericColumn {
    header: &'static str,
    key: &'static str,
    value: fn(&VideoMetrics) -> Option<f64>,
    /// Whether this column's value is approximate (counts only).
    approx: fn(&VideoMetrics) -> bool,
    cell: fn(Option<f64>, bool) -> Cell,
    /// Total row: `Sum` for counts, `Pooled(numerator)` for rates over views,
    /// `ViewWeighted` for per-view averages and shares, `None` otherwise.
    total: Total,
}

#[derive(Clone, Copy)]
enum Total {
    Sum,
    Pooled(fn(&VideoMetrics) -> Option<f64>),
    ViewWeighted,
}

fn count_cell(v: Option<f64>, approx: bool) -> Cell {
    Cell::count(v.map(|v| v as i64), approx)
}
fn percent_cell(v: Option<f64>, _: bool) -> Cell {
    Cell::percent(v)
}
fn seconds_cell(v: Option<f64>, _: bool) -> Cell {
    Cell::seconds(v)
}
fn n(v: Option<Count>) -> Option<f64> {
    v.map(|v| v.value as f64)
}
fn is_approx(v: Option<Count>) -> bool {
    v.is_some_and(|c| c.approximate)
}
fn exact(_: &VideoMetrics) -> bool {
    false
}
fn interactions(m: &VideoMetrics) -> Option<f64> {
    Some(n(m.likes)? + n(m.comments)? + n(m.shares)?)
}

const COLUMNS: &[NumericColumn] = &[
    NumericColumn {
        header: "Views",
        key: "views",
        value: |m| n(m.views),
        approx: |m| is_approx(m.views),
        cell: count_cell,
        total: Total::Sum,
    },
    NumericColumn {
        header: "Likes",
        key: "likes",
        value: |m| n(m.likes),
        approx: |m| is_approx(m.likes),
        cell: count_cell,
        total: Total::Sum,
    },
    NumericColumn {
        header: "Comments",
        key: "comments",
        value: |m| n(m.comments),
        approx: |m| is_approx(m.comments),
        cell: count_cell,
        total: Total::Sum,
    },
    NumericColumn {
        header: "Shares",
        key: "shares",
        value: |m| n(m.shares),
        approx: |m| is_approx(m.shares),
        cell: count_cell,
        total: Total::Sum,
    },
    NumericColumn {
        header: "Saves",
        key: "saves",
        value: |m| n(m.saves),
        approx: |m| is_approx(m.saves),
        cell: count_cell,
        total: Total::Sum,
    },
    NumericColumn {
        header: "Eng. rate",
        key: "engagement_rate_views",
        value: |m| m.engagement_rate_views,
        approx: exact,
        cell: percent_cell,
        total: Total::Pooled(interactions),
    },
    NumericColumn {
        header: "Share rate",
        key: "share_rate",
        value: |m| m.share_rate,
        approx: exact,
        cell: percent_cell,
        total: Total::Pooled(|m| n(m.shares)),
    },
    NumericColumn {
        header: "Save rate",
        key: "save_rate",
        value: |m| m.save_rate,
        approx: exact,
        cell: percent_cell,
        total: Total::Pooled(|m| n(m.saves)),
    },
    NumericColumn {
        header: "Avg watch",
        key: "avg_watch_s",
        value: |m| m.avg_watch_s,
        approx: exact,
        cell: seconds_cell,
        total: Total::ViewWeighted,
    },
    NumericColumn {
        header: "Full watch",
        key: "full_watch_rate",
        value: |m| m.full_watch_rate,
        approx: exact,
        cell: percent_cell,
        total: Total::ViewWeighted,
    },
    NumericColumn {
        header: "For You",
        key: "for_you_share",
        value: |m| m.for_you_share,
        approx: exact,
        cell: percent_cell,
        total: Total::ViewWeighted,
    },
];

/// Builds the per-video table from each video's latest metrics.
pub fn video_table(videos: &[(Video, Metrics)], options: VideoTableOptions) -> Table {
    let computed: Vec<(&Video, VideoMetrics)> = videos
        .iter()
        .map(|(v, m)| (v, video_metrics(v, m)))
        .collect();
    let mut columns = Vec::new();
    if options.machine {
        columns.push(Column::text("Video id", "video_id", 24));
    }
    columns.push(Column::text("Posted", "posted", 10));
    columns.push(Column::text("Title", "title", 36));
    for c in COLUMNS {
        // Counts (summed in the total) can be approximate; rates, shares
        // and times are computed and never are.
        columns.push(match c.total {
            Total::Sum => Column::count(c.header, c.key),
            _ => Column::number(c.header, c.key),
        });
    }
    columns.push(Column::text("Top territory", "top_territory", 14));
    if options.machine {
        columns.push(Column::number("Top territory share", "top_territory_share"));
        columns.push(Column::text("Link", "url", 80));
    }

    let mut any_approx = false;
    let rows: Vec<Vec<Cell>> = computed
        .iter()
        .map(|(video, m)| {
            any_approx |= m.approximate;
            let mut row = Vec::new();
            if options.machine {
                row.push(Cell::Text(video.platform_id.clone()));
            }
            row.push(Cell::text(video.posted_on.map(|d| d.to_string())));
            row.push(Cell::text(
                video
                    .title
                    .clone()
                    .or_else(|| video.caption.clone())
                    .map(|t| t.lines().next().unwrap_or("").to_string()),
            ));
            for c in COLUMNS {
                row.push((c.cell)((c.value)(m), (c.approx)(m)));
            }
            match (&m.top_territory, options.machine) {
                (Some((label, share)), false) => {
                    row.push(Cell::Text(format!("{label} {:.0}%", share * 100.0)))
                }
                (Some((label, share)), true) => {
                    row.push(Cell::Text(label.clone()));
                    row.push(Cell::Percent(*share, 1));
                }
                (None, false) => row.push(Cell::Missing),
                (None, true) => {
                    row.push(Cell::Missing);
                    row.push(Cell::Missing);
                }
            }
            if options.machine {
                row.push(Cell::text(video.url.clone()));
            }
            row
        })
        .collect();

    let label_cells = |label: &str| -> Vec<Cell> {
        let mut r = Vec::new();
        if options.machine {
            r.push(Cell::Missing);
        }
        r.push(Cell::Text(label.into()));
        r.push(Cell::Text(format!("n = {}", computed.len())));
        r
    };
    let tail = |r: &mut Vec<Cell>| {
        r.push(Cell::Missing);
        if options.machine {
            r.push(Cell::Missing);
            r.push(Cell::Missing);
        }
    };

    let mut total = label_cells("Total");
    let mut median = label_cells("Median");
    let mut iqr = label_cells("IQR");
    let mut q1_row = label_cells("Q1");
    let mut q3_row = label_cells("Q3");
    for c in COLUMNS {
        let values: Vec<Option<f64>> = computed.iter().map(|(_, m)| (c.value)(m)).collect();
        let s = summarise(&values);
        let views: Vec<Option<f64>> = computed.iter().map(|(_, m)| n(m.views)).collect();
        let total_value = match c.total {
            Total::Sum => s.total,
            Total::Pooled(num) => pooled_rate(
                &computed
                    .iter()
                    .map(|(_, m)| (num(m), n(m.views)))
                    .collect::<Vec<_>>(),
            ),
            Total::ViewWeighted => pooled_rate(
                &values
                    .iter()
                    .zip(&views)
                    .map(|(v, w)| (v.zip(*w).map(|(v, w)| v * w), v.and(*w)))
                    .collect::<Vec<_>>(),
            ),
        };
        let is_count = matches!(c.total, Total::Sum);
        let column_approx = computed.iter().any(|(_, m)| (c.approx)(m));
        // A median or quartile of a column with an approximate count may
        // be that count, or rest on it: marked `~` like the total, in every
        // format (CSV's flag column said so, the text did not).
        let stat = |v: Option<f64>| match v {
            Some(v) if is_count && column_approx => Cell::ApproxCount(v.round() as i64),
            v if is_count => count_stat(v),
            v => (c.cell)(v, false),
        };
        total.push(if is_count {
            Cell::count(total_value.map(|v| v as i64), column_approx)
        } else {
            (c.cell)(total_value, false)
        });
        median.push(stat(s.median));
        q1_row.push(stat(s.q1));
        q3_row.push(stat(s.q3));
        iqr.push(match (s.q1, s.q3) {
            (Some(a), Some(b)) => {
                let show = |v: f64| crate::render::shown_plain(&stat(Some(v)));
                match (stat(Some(a)), stat(Some(b))) {
                    // One `~` for the range.
                    (Cell::ApproxCount(a), Cell::ApproxCount(b)) => Cell::Text(format!(
                        "~{}–{}",
                        crate::cell::group_thousands(a),
                        crate::cell::group_thousands(b)
                    )),
                    _ => Cell::Text(format!("{}–{}", show(a), show(b))),
                }
            }
            _ => Cell::Missing,
        });
    }
    for r in [&mut total, &mut median, &mut iqr, &mut q1_row, &mut q3_row] {
        tail(r);
    }
    let summary = if options.machine {
        vec![total, median, q1_row, q3_row]
    } else {
        vec![total, median, iqr]
    };

    let mut notes = vec![
        "Each metric is the latest value observed for it (`uptake videos --as-of DATE` for an earlier state); - = not reported (never 0).".to_string(),
        "Rates are fractions of views: engagement_rate_views = (likes + comments + shares) / views; share_rate = shares / views; save_rate = saves / views (docs/metrics.md).".to_string(),
        "Total row: counts summed over the videos that report them; rates pooled (sum of numerators / sum of views); watch time, full watch and For You weighted by views. Median and IQR (Q1–Q3, linear interpolation) over videos that report the metric.".to_string(),
    ];
    if any_approx {
        notes.push(
            "~ = approximate: parsed from an abbreviated value such as 1.2K, or a rounded source."
                .into(),
        );
    }
    Table {
        columns,
        rows,
        summary,
        notes,
    }
}

/// Adds the `Author` column after the title: each video's keyed pseudonym
/// (`u_…`), never a handle, even when `[privacy] store_handles` kept one
/// (docs/privacy.md: outputs show pseudonyms unless the author is the own
/// account). Summary rows get an empty cell.
pub fn add_author_column(table: &mut Table, rows: &[(Video, Metrics)]) {
    let Some(at) = table.columns.iter().position(|c| c.key == "title") else {
        return;
    };
    let at = at + 1;
    table
        .columns
        .insert(at, Column::text("Author", "author", 15));
    for (row, (video, _)) in table.rows.iter_mut().zip(rows) {
        row.insert(at, Cell::text(video.author_key.clone()));
    }
    for row in &mut table.summary {
        row.insert(at, Cell::Missing);
    }
}
