//! `uptake code import`: checking filled sheets against the codebook and
//! storing their values.

use super::{valid_coder, Ctx};
use crate::cmd::plural;
use anyhow::{bail, Context as _, Result};
use sha2::{Digest, Sha256};
use std::collections::BTreeSet;
use std::path::PathBuf;
use uptake_coding::{read_sheet, validate_sheet, Codebook};
use uptake_store::{NewValue, SheetImport};

/// Largest coding sheet read (sheets are read whole).
const MAX_SHEET_BYTES: u64 = 64 << 20;

/// Runs `uptake code import`.
pub(super) fn run(files: Vec<PathBuf>, coder: Option<String>, ctx: &Ctx) -> Result<()> {
    if let Some(c) = &coder {
        if !valid_coder(c) {
            bail!("--coder: expected a name of letters, digits, `-`, `_` or `.`, found `{c}`");
        }
    }
    let project = ctx.project()?;
    let mut store = project.open_store()?;
    let mut imports = Vec::new();
    let mut lines = Vec::new();
    for file in &files {
        let name = file.display().to_string();
        let size = std::fs::metadata(file)
            .with_context(|| format!("cannot read `{name}`"))?
            .len();
        if size > MAX_SHEET_BYTES {
            bail!(
                "`{name}` is {} MiB: a coding sheet is a few hundred kilobytes; expected a sheet \
                 written by `uptake code sheets`",
                size >> 20
            );
        }
        let bytes = std::fs::read(file).with_context(|| format!("cannot read `{name}`"))?;
        let sha: String = Sha256::digest(&bytes)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        let sheet = read_sheet(std::io::Cursor::new(&bytes), &name)?;
        let meta = sheet.meta.clone().with_context(|| {
            format!("`{name}`: expected the `#about` row uptake wrote under the header (it names the codebook and coder); write a fresh sheet with `uptake code sheets` and copy the values into it")
        })?;
        let who = coder.clone().unwrap_or_else(|| meta.coder.clone());
        let stored = store
            .stored_codebook(&meta.codebook, Some(&meta.version))?
            .with_context(|| {
                format!(
                    "`{name}`: codebook `{}` version {} is not in this project",
                    meta.codebook, meta.version
                )
            })?;
        let cb = Codebook::parse(&stored.toml, &format!("stored {}", stored.name))?;
        let assigned: BTreeSet<String> = store
            .assignments(stored.id, Some(&who))?
            .into_iter()
            .filter(|a| a.unit_kind == meta.unit_kind.name())
            .map(|a| a.unit_id)
            .collect();
        if assigned.is_empty() {
            bail!(
                "`{name}`: coder `{who}` has no {}s assigned in `{}`",
                meta.unit_kind,
                cb.name
            );
        }
        let coded = validate_sheet(&sheet, &cb, &assigned, &who, &name)?;
        let blanks: usize = coded.iter().map(|c| c.blanks).sum();
        let values: usize = coded.iter().map(|c| c.values.len()).sum();
        let mut line = format!(
            "`{name}`: coder {who}, {}, {}{}",
            plural(coded.len(), "unit", "units"),
            plural(values, "value", "values"),
            if blanks > 0 {
                format!(
                    " ({} left blank: not coded yet)",
                    plural(blanks, "cell", "cells")
                )
            } else {
                String::new()
            }
        );
        if who != meta.coder {
            // Agreement between coders is only real if each sheet is
            // stored as its own coder's: say when the name was changed.
            line.push_str(&format!(
                "; the sheet was written for coder `{}`, stored as `{who}` (--coder)",
                meta.coder
            ));
        }
        lines.push(line);
        imports.push(SheetImport {
            codebook_id: stored.id,
            coder: who,
            file_name: name,
            file_sha256: sha,
            imported_at: chrono::Utc::now().timestamp(),
            units: coded
                .into_iter()
                .map(|c| {
                    let values = c
                        .values
                        .iter()
                        .map(|(item, v)| NewValue {
                            item: item.clone(),
                            text: v.as_text(),
                            number: cb.item(item).and_then(|i| i.code(v)),
                        })
                        .collect();
                    (meta.unit_kind.name().to_string(), c.unit_id, values)
                })
                .collect(),
        });
    }
    let mut cleared = 0;
    for (import, line) in imports.iter().zip(&mut lines) {
        let saved = store.import_sheet(import)?;
        cleared += saved.finals_cleared;
        if saved.blanked > 0 {
            line.push_str(&format!(
                "; {} removed: {} now blank",
                plural(saved.blanked, "earlier value", "earlier values"),
                if saved.blanked == 1 {
                    "its cell is"
                } else {
                    "their cells are"
                }
            ));
        }
    }
    let mut out = format!("imported:\n  {}\n", lines.join("\n  "));
    if cleared > 0 {
        out.push_str(&format!("{cleared} final codes of re-coded units were cleared: run `uptake code finalize` again\n"));
    }
    super::print(&out)
}
