//! `uptake code status` and `results`: each coder's progress, and final
//! codes with instrument scores.

use super::{stored, Ctx};
use anyhow::Result;
use uptake_coding::ScoreOutcome;
use uptake_report::{render, Cell, Column, OutputFormat, Table};

/// Runs `uptake code status`.
pub(super) fn status(format: OutputFormat, ctx: &Ctx) -> Result<()> {
    let project = ctx.project()?;
    let store = project.open_store()?;
    let rows = store.coding_progress()?;
    let mut table = Table {
        columns: vec![
            Column::text("Codebook", "codebook", 22),
            Column::text("Version", "version", 8),
            Column::text("Coder", "coder", 16),
            Column::number("Assigned", "assigned"),
            Column::number("Overlap", "overlap"),
            Column::number("Started", "started"),
            Column::number("Values", "values"),
        ],
        rows: rows
            .iter()
            .map(|r| {
                vec![
                    Cell::Text(r.codebook.clone()),
                    Cell::Text(r.version.clone()),
                    Cell::Text(r.coder.clone()),
                    Cell::Count(r.assigned),
                    Cell::Count(r.overlap),
                    Cell::Count(r.started),
                    Cell::Count(r.values),
                ]
            })
            .collect(),
        summary: Vec::new(),
        notes: if rows.is_empty() {
            vec!["No coding yet: start with `uptake code sample`.".into()]
        } else {
            Vec::new()
        },
    };
    crate::cmd::mark_synthetic(&project, &mut table, std::iter::empty(), format);
    super::print(&render(&table, format)?)
}

/// Runs `uptake code results`.
pub(super) fn results(codebook: String, format: OutputFormat, ctx: &Ctx) -> Result<()> {
    let project = ctx.project()?;
    let store = project.open_store()?;
    let (cb, id) = stored(&store, &codebook)?;
    let mut columns = vec![Column::text("Unit", "unit_id", 20)];
    columns.extend(cb.items.iter().map(|i| Column::text(&i.id, &i.id, 16)));
    columns.extend(cb.scores.iter().map(|s| Column::number(&s.id, &s.id)));
    let mut rows = Vec::new();
    let mut notes = Vec::new();
    for ((_, unit), codes) in store.final_codes_by_unit(id)? {
        let values =
            cb.values_from_texts(codes.iter().map(|(k, c)| (k.as_str(), c.text.as_str())))?;
        let mut row = vec![Cell::Text(unit.clone())];
        row.extend(
            cb.items
                .iter()
                .map(|i| Cell::text(codes.get(&i.id).map(|c| c.text.clone()))),
        );
        for s in cb.score(&values) {
            match s.outcome {
                ScoreOutcome::Value(v) => row.push(Cell::Number(v, 1)),
                ScoreOutcome::NotComputable(why) => {
                    row.push(Cell::Missing);
                    notes.push(format!("{unit}: {} not computed: {why}", s.id));
                }
            }
        }
        rows.push(row);
    }
    if rows.is_empty() {
        notes.push("No final codes yet: run `uptake code finalize`.".into());
    }
    let mut table = Table {
        columns,
        rows,
        summary: Vec::new(),
        notes,
    };
    crate::cmd::mark_synthetic(&project, &mut table, std::iter::empty(), format);
    super::print(&render(&table, format)?)
}
