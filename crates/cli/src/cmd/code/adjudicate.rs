//! `uptake code disagreements`, `adjudicate` and `finalize`: from coders'
//! values to final codes.

use super::{stored, valid_coder, Ctx};
use anyhow::{bail, Context as _, Result};
use uptake_report::{render, Cell, Column, OutputFormat, Table};
use uptake_store::NewValue;

/// Runs `uptake code disagreements`.
pub(super) fn disagreements(codebook: String, format: OutputFormat, ctx: &Ctx) -> Result<()> {
    let project = ctx.project()?;
    let store = project.open_store()?;
    let (cb, id) = stored(&store, &codebook)?;
    let rows = store.disagreements(id, &cb.compared_items())?;
    let mut coders: Vec<String> = rows
        .iter()
        .flat_map(|d| d.values.iter().map(|(c, _)| c.clone()))
        .collect();
    coders.sort();
    coders.dedup();
    let mut columns = vec![
        Column::text("Unit", "unit_id", 20),
        Column::text("Item", "item", 16),
    ];
    columns.extend(coders.iter().map(|c| Column::text(c, c, 24)));
    let mut table = Table {
        columns,
        rows: rows
            .iter()
            .map(|d| {
                let mut row = vec![Cell::Text(d.unit_id.clone()), Cell::Text(d.item.clone())];
                row.extend(coders.iter().map(|c| {
                    Cell::text(
                        d.values
                            .iter()
                            .find(|(x, _)| x == c)
                            .map(|(_, v)| v.clone()),
                    )
                }));
                row
            })
            .collect(),
        summary: Vec::new(),
        notes: vec![if rows.is_empty() {
            "No disagreements waiting for adjudication.".into()
        } else {
            format!(
                "{} disagreements. Decide each with `uptake code adjudicate --codebook {} --unit ID --item ITEM --value V --by NAME`.",
                rows.len(),
                cb.name
            )
        }],
    };
    crate::cmd::mark_synthetic(&project, &mut table, std::iter::empty(), format);
    super::print(&render(&table, format)?)
}

/// Runs `uptake code adjudicate`.
pub(super) fn adjudicate(
    codebook: String,
    unit: String,
    item: String,
    value: String,
    by: String,
    note: Option<String>,
    ctx: &Ctx,
) -> Result<()> {
    if !valid_coder(by.trim()) {
        bail!("--by: expected a name of letters, digits, `-`, `_` or `.`, found `{by}`");
    }
    let project = ctx.project()?;
    let mut store = project.open_store()?;
    let (cb, id) = stored(&store, &codebook)?;
    let Some(it) = cb.item(&item) else {
        bail!(
            "--item: no item `{item}` in codebook `{}`; items: {}",
            cb.name,
            cb.items
                .iter()
                .map(|i| i.id.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        );
    };
    if !it.is_compared() {
        bail!(
            "--item: `{item}` is a text item, a coder's note: notes are not compared between \
             coders nor finalised, so there is nothing to adjudicate"
        );
    }
    let v = cb
        .validate(&item, &value)
        .with_context(|| format!("--value for codebook `{}`", cb.name))?;
    let kind = store
        .assignments(id, None)?
        .into_iter()
        .find(|a| a.unit_id == unit)
        .map(|a| a.unit_kind)
        .with_context(|| {
            format!(
                "--unit: `{unit}` was not sampled for codebook `{}`",
                cb.name
            )
        })?;
    store.adjudicate(
        id,
        &kind,
        &unit,
        &NewValue {
            item: item.clone(),
            text: v.as_text(),
            number: it.code(&v),
        },
        by.trim(),
        note.as_deref(),
        chrono::Utc::now().timestamp(),
    )?;
    super::print(&format!(
        "adjudicated: {} {kind} {unit} item {item} = {} by {}\n",
        cb.name,
        v.as_text(),
        by.trim()
    ))
}

/// Runs `uptake code finalize`.
pub(super) fn finalize(codebook: String, ctx: &Ctx) -> Result<()> {
    let project = ctx.project()?;
    let mut store = project.open_store()?;
    let (cb, id) = stored(&store, &codebook)?;
    let f = store.finalize(id, &cb.compared_items(), chrono::Utc::now().timestamp())?;
    super::print(&format!(
        "final codes for `{}`: {} single-coder, {} agreed, {} adjudicated (kept); {} disagreements to adjudicate; {} not coded by every assigned coder yet\n",
        cb.name, f.single_coder, f.agreed, f.adjudicated, f.disagreements, f.incomplete
    ))
}
