//! `uptake code`: the coding workflow (sample, sheets, import,
//! disagreements, adjudicate, finalize, status, results).

use super::codebook::{find_codebook, use_codebook};
use super::Ctx;
use anyhow::{bail, Context as _, Result};
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use uptake_coding::{
    assign, read_sheet, sample, validate_sheet, write_csv, write_xlsx, Codebook, ItemKind, Overlap,
    ScoreOutcome, SheetMeta, SheetUnit, Unit, UnitKind,
};
use uptake_report::{render, Cell, Column, OutputFormat, Table};
use uptake_store::{NewAssignment, NewRound, NewValue, SheetImport, Store};

/// Code videos or comments with a codebook, with several coders.
///
/// The loop: `sample` draws a seeded random sample (optionally stratified)
/// and assigns it to coders, with an overlap set every coder codes for
/// reliability; `sheets` writes one blind sheet per coder (only their
/// units, nobody else's values); coders fill them; `import` validates every
/// value against the codebook and stores it (a re-import replaces that
/// coder's values for those units); `disagreements` lists where coders of
/// the overlap set differ; `adjudicate` records a decision; `finalize`
/// fills the final codes that are single-coder or agreed (never touching an
/// adjudicated one); `results` prints final codes and instrument scores.
/// The algorithm and what is stored are in docs/coding.md.
///
/// Examples:
///   uptake code sample --codebook discern --units videos --n 60 --coders ana,ben --overlap 20 --seed 7
///   uptake code sample --codebook pemat-av --units videos --n 40 --stratify-by campaign --coders ana,ben --overlap 25%
///   uptake code sheets --codebook discern --out sheets/
///   uptake code import sheets/discern-ana.xlsx sheets/discern-ben.xlsx
///   uptake code disagreements --codebook discern
///   uptake code adjudicate --codebook discern --unit 7584968082523016486 --item q4 --value 3 --by chi
///   uptake code finalize --codebook discern
///   uptake code results --codebook discern --format csv
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub struct Args {
    /// What to do.
    #[command(subcommand)]
    pub action: Action,
}

/// Coding actions.
#[derive(Debug, clap::Subcommand)]
pub enum Action {
    /// Draw a seeded random sample of units and assign it to coders.
    Sample {
        /// Codebook name (see `uptake codebook list`).
        #[arg(long)]
        codebook: String,
        /// What to code: videos or comments.
        #[arg(long, value_parser = ["videos", "comments"])]
        units: String,
        /// Sample size (all remaining units if there are fewer).
        #[arg(long)]
        n: usize,
        /// Stratify proportionally by a field. Videos: campaign, month, or
        /// CODEBOOK:ITEM (a final code of another codebook). Comments: video, month.
        #[arg(long, value_name = "FIELD")]
        stratify_by: Option<String>,
        /// Random seed (printed when not given, so the sample can be redrawn).
        #[arg(long)]
        seed: Option<u64>,
        /// Coders' names, comma-separated (letters, digits, `-`, `_`, `.`).
        #[arg(long, value_delimiter = ',', required = true)]
        coders: Vec<String>,
        /// Units every coder codes, for reliability: a number (20) or a share (25% or 0.25).
        #[arg(long, default_value = "0")]
        overlap: String,
    },
    /// Write one blind coding sheet per coder.
    Sheets {
        /// Codebook name.
        #[arg(long)]
        codebook: String,
        /// Folder to write into (created if needed).
        #[arg(long)]
        out: PathBuf,
        /// csv, or xlsx (with drop-down lists and an instructions sheet).
        #[arg(long, default_value = "xlsx", value_parser = ["csv", "xlsx"])]
        format: String,
        /// Overwrite existing sheets (a coder may already be filling one).
        #[arg(long)]
        force: bool,
    },
    /// Import filled sheets (CSV or XLSX); every value is checked first and
    /// nothing is stored if any sheet has a problem.
    Import {
        /// The filled sheets.
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// The coder, when it is not the one the sheet was written for.
        #[arg(long)]
        coder: Option<String>,
    },
    /// List unit-items where coders disagree and no adjudication exists.
    Disagreements {
        /// Codebook name.
        #[arg(long)]
        codebook: String,
        /// Output format: table, csv, json or md.
        #[arg(long, default_value = "table")]
        format: OutputFormat,
    },
    /// Record an adjudicated final code (kept by every later finalize).
    Adjudicate {
        /// Codebook name.
        #[arg(long)]
        codebook: String,
        /// The unit's platform id.
        #[arg(long)]
        unit: String,
        /// The item id.
        #[arg(long)]
        item: String,
        /// The value, as a coder would write it.
        #[arg(long)]
        value: String,
        /// Who decides.
        #[arg(long)]
        by: String,
        /// Why (optional).
        #[arg(long)]
        note: Option<String>,
    },
    /// Fill final codes from single-coder units and from agreements.
    Finalize {
        /// Codebook name.
        #[arg(long)]
        codebook: String,
    },
    /// Show each coder's progress.
    Status {
        /// Output format: table, csv, json or md.
        #[arg(long, default_value = "table")]
        format: OutputFormat,
    },
    /// Final codes and instrument scores, one row per unit.
    Results {
        /// Codebook name.
        #[arg(long)]
        codebook: String,
        /// Output format: table, csv, json or md.
        #[arg(long, default_value = "table")]
        format: OutputFormat,
    },
}

/// Runs `uptake code`.
pub fn run(args: Args, ctx: &Ctx) -> Result<()> {
    match args.action {
        Action::Sample {
            codebook,
            units,
            n,
            stratify_by,
            seed,
            coders,
            overlap,
        } => {
            let kind = UnitKind::parse(&units).context("--units: expected videos or comments")?;
            let overlap = parse_overlap(&overlap)?;
            let coders: Vec<String> = coders.iter().map(|c| c.trim().to_string()).collect();
            if let Some(bad) = coders.iter().find(|c| !valid_coder(c)) {
                bail!(
                    "--coders: expected names of letters, digits, `-`, `_` or `.`, found `{bad}`"
                );
            }
            if n == 0 {
                bail!("--n: expected a sample size of at least 1, found 0");
            }
            let project = ctx.project()?;
            let mut store = project.open_store()?;
            let (cb, existing) = find_codebook(Some(&store), &codebook)?;
            if !cb.applies_to.contains(&kind) {
                bail!(
                    "codebook `{}` codes {}, not {units}",
                    cb.name,
                    cb.applies_to
                        .iter()
                        .map(|k| format!("{k}s"))
                        .collect::<Vec<_>>()
                        .join(" or ")
                );
            }
            let mut pool = units_of(&project, &store, kind, stratify_by.as_deref())?;
            let total = pool.len();
            let taken: BTreeSet<String> = match existing {
                Some(id) => store
                    .assignments(id, None)?
                    .into_iter()
                    .filter(|a| a.unit_kind == kind.name())
                    .map(|a| a.unit_id)
                    .collect(),
                None => BTreeSet::new(),
            };
            pool.retain(|u| !taken.contains(&u.id));
            if pool.is_empty() {
                bail!(
                    "no {units} left to sample for `{}`: the project has {total}, all already sampled",
                    cb.name
                );
            }
            let (seed, seed_note) = match seed {
                Some(s) => (s, String::new()),
                None => {
                    let mut bytes = [0u8; 8];
                    getrandom::fill(&mut bytes)
                        .map_err(|e| anyhow::anyhow!("cannot get a random seed: {e}"))?;
                    let s = u64::from_le_bytes(bytes) >> 11; // short enough to type
                    (
                        s,
                        format!(" (rerun with --seed {s} to draw the same sample)"),
                    )
                }
            };
            let drawn = sample(&pool, n, stratify_by.is_some(), seed)?;
            let assigned = assign(&drawn, &coders, overlap, seed)?;
            // Stored at first use, once the request is known to be good.
            let (cb, id) = use_codebook(&mut store, &codebook)?;
            let overlap_n = assigned.iter().filter(|a| a.overlap).count() / coders.len();
            store.create_round(
                &NewRound {
                    codebook_id: id,
                    unit_kind: kind.name().into(),
                    seed,
                    sample_size: drawn.len(),
                    overlap: overlap_n,
                    stratify_by: stratify_by.clone(),
                    coders: coders.clone(),
                    created_at: chrono::Utc::now().timestamp(),
                },
                &assigned
                    .iter()
                    .map(|a| NewAssignment {
                        unit_kind: kind.name().into(),
                        unit_id: a.unit.id.clone(),
                        coder: a.coder.clone(),
                        overlap: a.overlap,
                        stratum: a.unit.stratum.clone(),
                    })
                    .collect::<Vec<_>>(),
            )?;
            let mut out = format!(
                "sampled {} of {} {units} for `{}` version {} with seed {seed}{seed_note}\n",
                drawn.len(),
                pool.len(),
                cb.name,
                cb.version
            );
            if let Some(field) = &stratify_by {
                let mut strata: BTreeMap<String, usize> = BTreeMap::new();
                for u in &drawn {
                    *strata
                        .entry(u.stratum.clone().unwrap_or_else(|| "(none)".into()))
                        .or_default() += 1;
                }
                out.push_str(&format!(
                    "stratified by {field}: {}\n",
                    strata
                        .iter()
                        .map(|(k, v)| format!("{k} {v}"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ));
            }
            out.push_str(&format!(
                "overlap: {overlap_n} units coded by every coder\n"
            ));
            for c in &coders {
                out.push_str(&format!(
                    "{c}: {} units\n",
                    assigned.iter().filter(|a| &a.coder == c).count()
                ));
            }
            out.push_str(&format!(
                "next: uptake code sheets --codebook {} --out sheets\n",
                cb.name
            ));
            super::print(&out)
        }
        Action::Sheets {
            codebook,
            out,
            format,
            force,
        } => {
            let project = ctx.project()?;
            let store = project.open_store()?;
            let (cb, id) = stored(&store, &codebook)?;
            let assignments = store.assignments(id, None)?;
            if assignments.is_empty() {
                bail!("no units are assigned for `{codebook}`; run `uptake code sample` first");
            }
            let contexts = contexts(&store)?;
            let mut by_coder: BTreeMap<(String, String), Vec<SheetUnit>> = BTreeMap::new();
            for a in &assignments {
                by_coder
                    .entry((a.coder.clone(), a.unit_kind.clone()))
                    .or_default()
                    .push(SheetUnit {
                        id: a.unit_id.clone(),
                        context: contexts
                            .get(&(a.unit_kind.clone(), a.unit_id.clone()))
                            .cloned()
                            .unwrap_or_else(|| "(no longer in the project)".into()),
                    });
            }
            std::fs::create_dir_all(&out)
                .with_context(|| format!("cannot create `{}`", out.display()))?;
            let mut written = Vec::new();
            let mut files = Vec::new();
            for ((coder, kind), units) in &by_coder {
                let kinds = by_coder.keys().filter(|(c, _)| c == coder).count();
                let name = if kinds > 1 {
                    format!("{}-{coder}-{kind}s.{format}", cb.name)
                } else {
                    format!("{}-{coder}.{format}", cb.name)
                };
                let path = out.join(&name);
                if path.exists() && !force {
                    bail!(
                        "`{}` already exists (a coder may be filling it); nothing was written. Use --force to overwrite",
                        path.display()
                    );
                }
                let meta = SheetMeta {
                    codebook: cb.name.clone(),
                    version: cb.version.clone(),
                    coder: coder.clone(),
                    unit_kind: UnitKind::parse(kind)
                        .context("stored unit kind; this is a bug in uptake")?,
                };
                let bytes = if format == "csv" {
                    write_csv(&cb, &meta, units)?
                } else {
                    write_xlsx(&cb, &meta, units)?
                };
                files.push((path, bytes));
                written.push(format!("{}: {} units", name, units.len()));
            }
            for (path, bytes) in files {
                std::fs::write(&path, bytes)
                    .with_context(|| format!("cannot write `{}`", path.display()))?;
            }
            super::print(&format!(
                "wrote {} sheets to `{}`:\n  {}\n",
                written.len(),
                out.display(),
                written.join("\n  ")
            ))
        }
        Action::Import { files, coder } => {
            if let Some(c) = &coder {
                if !valid_coder(c) {
                    bail!(
                        "--coder: expected a name of letters, digits, `-`, `_` or `.`, found `{c}`"
                    );
                }
            }
            let project = ctx.project()?;
            let mut store = project.open_store()?;
            let mut imports = Vec::new();
            let mut lines = Vec::new();
            for file in &files {
                let name = file.display().to_string();
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
                lines.push(format!(
                    "`{name}`: coder {who}, {} units, {values} values{}",
                    coded.len(),
                    if blanks > 0 {
                        format!(" ({blanks} cells left blank: not coded yet)")
                    } else {
                        String::new()
                    }
                ));
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
            for import in &imports {
                cleared += store.import_sheet(import)?.finals_cleared;
            }
            let mut out = format!("imported:\n  {}\n", lines.join("\n  "));
            if cleared > 0 {
                out.push_str(&format!("{cleared} final codes of re-coded units were cleared: run `uptake code finalize` again\n"));
            }
            super::print(&out)
        }
        Action::Disagreements { codebook, format } => {
            let project = ctx.project()?;
            let store = project.open_store()?;
            let (cb, id) = stored(&store, &codebook)?;
            let rows = store.disagreements(id, &comparable_items(&cb))?;
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
            let table = Table {
                columns,
                rows: rows
                    .iter()
                    .map(|d| {
                        let mut row =
                            vec![Cell::Text(d.unit_id.clone()), Cell::Text(d.item.clone())];
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
            super::print(&render(&table, format)?)
        }
        Action::Adjudicate {
            codebook,
            unit,
            item,
            value,
            by,
            note,
        } => {
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
        Action::Finalize { codebook } => {
            let project = ctx.project()?;
            let mut store = project.open_store()?;
            let (cb, id) = stored(&store, &codebook)?;
            let f = store.finalize(id, &comparable_items(&cb), chrono::Utc::now().timestamp())?;
            super::print(&format!(
                "final codes for `{}`: {} single-coder, {} agreed, {} adjudicated (kept); {} disagreements to adjudicate; {} not coded by every assigned coder yet\n",
                cb.name, f.single_coder, f.agreed, f.adjudicated, f.disagreements, f.incomplete
            ))
        }
        Action::Status { format } => {
            let project = ctx.project()?;
            let store = project.open_store()?;
            let rows = store.coding_progress()?;
            let table = Table {
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
            super::print(&render(&table, format)?)
        }
        Action::Results { codebook, format } => {
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
            let table = Table {
                columns,
                rows,
                summary: Vec::new(),
                notes,
            };
            super::print(&render(&table, format)?)
        }
    }
}

/// Items whose final codes come from agreement (text items are notes, not codes).
fn comparable_items(cb: &Codebook) -> Vec<String> {
    cb.items
        .iter()
        .filter(|i| !matches!(i.kind, ItemKind::Text))
        .map(|i| i.id.clone())
        .collect()
}

fn valid_coder(name: &str) -> bool {
    !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '.'))
}

fn parse_overlap(text: &str) -> Result<Overlap> {
    let t = text.trim();
    let bad = || {
        anyhow::anyhow!(
            "--overlap: expected a number of units (20) or a share (25% or 0.25), found `{text}`"
        )
    };
    if let Some(p) = t.strip_suffix('%') {
        let v: f64 = p.trim().parse().map_err(|_| bad())?;
        return Ok(Overlap::Fraction(v / 100.0));
    }
    if t.contains('.') {
        return Ok(Overlap::Fraction(t.parse().map_err(|_| bad())?));
    }
    Ok(Overlap::Count(t.parse().map_err(|_| bad())?))
}

/// The stored codebook `name` (it is stored when first sampled).
pub(crate) fn stored(store: &Store, name: &str) -> Result<(Codebook, i64)> {
    match find_codebook(Some(store), name)? {
        (cb, Some(id)) => Ok((cb, id)),
        (cb, None) => bail!(
            "codebook `{}` has not been used in this project yet; start with `uptake code sample --codebook {}`",
            cb.name,
            cb.name
        ),
    }
}

/// The units of a kind, with their stratum for `field`.
fn units_of(
    project: &crate::project::Project,
    store: &Store,
    kind: UnitKind,
    field: Option<&str>,
) -> Result<Vec<Unit>> {
    let unit = |id: String, stratum: Option<String>| Unit { kind, id, stratum };
    match kind {
        UnitKind::Video => {
            let videos = store.videos()?;
            let coded: Option<BTreeMap<String, String>> = match field {
                None | Some("campaign") | Some("month") => None,
                Some(f) => {
                    let Some((name, item)) = f.split_once(':') else {
                        bail!("--stratify-by: for videos expected campaign, month or CODEBOOK:ITEM, found `{f}`");
                    };
                    let (cb, id) = stored(store, name)?;
                    if cb.item(item).is_none() {
                        bail!("--stratify-by: no item `{item}` in codebook `{name}`");
                    }
                    Some(
                        store
                            .final_codes(id)?
                            .into_iter()
                            .filter(|c| c.unit_kind == "video" && c.item == item)
                            .map(|c| (c.unit_id, c.text))
                            .collect(),
                    )
                }
            };
            Ok(videos
                .into_iter()
                .map(|(_, v)| {
                    let stratum = match field {
                        Some("campaign") => project
                            .config
                            .campaigns
                            .iter()
                            .find(|c| c.videos.contains(&v.platform_id))
                            .map(|c| c.name.clone()),
                        Some("month") => v.posted_on.map(|d| d.format("%Y-%m").to_string()),
                        _ => coded.as_ref().and_then(|m| m.get(&v.platform_id).cloned()),
                    };
                    unit(v.platform_id, stratum)
                })
                .collect())
        }
        UnitKind::Comment => {
            if let Some(f) = field.filter(|f| !matches!(*f, "video" | "month")) {
                bail!("--stratify-by: for comments expected video or month, found `{f}`");
            }
            Ok(store
                .comment_threads(None)?
                .into_iter()
                .map(|row| {
                    let c = row.comment;
                    let stratum = match field {
                        Some("video") => Some(c.video_id.clone()),
                        Some("month") => c
                            .created_at
                            .and_then(|t| chrono::DateTime::from_timestamp(t, 0))
                            .map(|d| d.format("%Y-%m").to_string()),
                        _ => None,
                    };
                    unit(c.platform_id, stratum)
                })
                .collect())
        }
    }
}

fn excerpt(text: &str, max: usize) -> String {
    let one_line: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if one_line.chars().count() > max {
        format!("{}…", one_line.chars().take(max).collect::<String>())
    } else {
        one_line
    }
}

/// Context shown beside each unit: a link and a caption or comment excerpt.
fn contexts(store: &Store) -> Result<BTreeMap<(String, String), String>> {
    let mut out = BTreeMap::new();
    for (_, v) in store.videos()? {
        let link = v
            .url
            .clone()
            .unwrap_or_else(|| format!("https://www.tiktok.com/video/{}", v.platform_id));
        let text = v.caption.as_deref().or(v.title.as_deref()).unwrap_or("");
        out.insert(
            ("video".to_string(), v.platform_id.clone()),
            format!("{link} {}", excerpt(text, 200)).trim().to_string(),
        );
    }
    for row in store.comment_threads(None)? {
        let c = row.comment;
        out.insert(
            ("comment".to_string(), c.platform_id.clone()),
            format!("on video {}: {}", c.video_id, excerpt(&c.text, 300)),
        );
    }
    Ok(out)
}
