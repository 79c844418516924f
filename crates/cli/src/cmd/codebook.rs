//! `uptake codebook`: the built-in instruments and the project's own codebooks.

use super::Ctx;
use anyhow::{bail, Context as _, Result};
use uptake_coding::{Codebook, BUILTIN, EXAMPLE};
use uptake_report::{render, Cell, Column, OutputFormat, Table};
use uptake_store::{CodebookStored, Store};

/// List, show, check and add codebooks (coding instruments).
///
/// Built in: discern (16 items), discern-reliability-8 (DISCERN section 1
/// alone), mdiscern-5 (Singh et al. 2012), pemat-av (understandability and
/// actionability), gqs and jama, each citing its sources. A team writes its
/// own codebook in the same TOML format (docs/coding.md; `uptake codebook
/// example` prints one to copy), checks it with `check` and adds it to the
/// project with `add`. A codebook is stored in the project at first use, so
/// results stay reproducible; change its `version` when you change it.
///
/// Examples:
///   uptake codebook list
///   uptake codebook show pemat-av
///   uptake codebook example > my-codebook.toml
///   uptake codebook check my-codebook.toml
///   uptake codebook add my-codebook.toml
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub struct Args {
    /// What to do.
    #[command(subcommand)]
    pub action: Action,
}

/// Codebook actions.
#[derive(Debug, clap::Subcommand)]
pub enum Action {
    /// List built-in and project codebooks.
    List {
        /// Output format: table, csv, json or md.
        #[arg(long, default_value = "table")]
        format: OutputFormat,
    },
    /// Show a codebook's items, accepted values, N/A rules, scores and sources.
    Show {
        /// Codebook name.
        name: String,
    },
    /// Check a codebook file without changing anything.
    Check {
        /// The TOML file.
        file: std::path::PathBuf,
    },
    /// Check a codebook file and store it in the project.
    Add {
        /// The TOML file.
        file: std::path::PathBuf,
    },
    /// Print an example of a team's own codebook, to copy and edit.
    Example,
}

/// Runs `uptake codebook`.
pub fn run(args: Args, ctx: &Ctx) -> Result<()> {
    match args.action {
        Action::Example => super::print(EXAMPLE),
        Action::Check { file } => {
            let cb = read_file(&file)?;
            super::print(&format!(
                "ok: `{}` version {}: {} items, {} scores, applies to {}\n",
                cb.name,
                cb.version,
                cb.items.len(),
                cb.scores.len(),
                kinds(&cb)
            ))
        }
        Action::Add { file } => {
            let cb = read_file(&file)?;
            if let Some((_, text)) = BUILTIN.iter().find(|(n, _)| *n == cb.name) {
                if *text != cb.source() {
                    bail!(
                        "`{}`: the name `{}` belongs to a built-in codebook; give yours another name",
                        file.display(),
                        cb.name
                    );
                }
            }
            let project = ctx.project()?;
            let mut store = project.open_store()?;
            match store_codebook(&mut store, &cb)? {
                (_, true) => super::print(&format!(
                    "added codebook `{}` version {} ({} items)\n",
                    cb.name,
                    cb.version,
                    cb.items.len()
                )),
                (_, false) => super::print(&format!(
                    "codebook `{}` version {} is already in the project, unchanged\n",
                    cb.name, cb.version
                )),
            }
        }
        Action::List { format } => {
            let mut rows = Vec::new();
            for (name, _) in BUILTIN {
                let cb = uptake_coding::builtin(name)
                    .transpose()?
                    .context("built-in codebook missing; this is a bug in uptake")?;
                rows.push((cb, "built-in".to_string()));
            }
            if let Ok(project) = ctx.project() {
                let store = project.open_store()?;
                for stored in store.stored_codebooks()? {
                    if BUILTIN
                        .iter()
                        .any(|(n, t)| *n == stored.name && *t == stored.toml)
                    {
                        continue;
                    }
                    let cb = Codebook::parse(&stored.toml, &format!("stored {}", stored.name))?;
                    rows.push((cb, "project".to_string()));
                }
            }
            let table = Table {
                columns: vec![
                    Column::text("Name", "name", 22),
                    Column::text("Version", "version", 8),
                    Column::number("Items", "items"),
                    Column::text("Scores", "scores", 40),
                    Column::text("Source", "source", 8),
                    Column::text("Title", "title", 60),
                ],
                rows: rows
                    .iter()
                    .map(|(cb, source)| {
                        vec![
                            Cell::Text(cb.name.clone()),
                            Cell::Text(cb.version.clone()),
                            Cell::Count(cb.items.len() as i64),
                            Cell::Text(
                                cb.scores
                                    .iter()
                                    .map(|s| s.id.as_str())
                                    .collect::<Vec<_>>()
                                    .join(", "),
                            ),
                            Cell::Text(source.clone()),
                            Cell::Text(cb.title.clone()),
                        ]
                    })
                    .collect(),
                summary: Vec::new(),
                notes: vec!["Show one with `uptake codebook show NAME`.".into()],
            };
            super::print(&render(&table, format)?)
        }
        Action::Show { name } => {
            let store = ctx.project().ok().map(|p| p.open_store()).transpose()?;
            let (cb, _) = find_codebook(store.as_ref(), &name)?;
            super::print(&describe(&cb))
        }
    }
}

fn kinds(cb: &Codebook) -> String {
    cb.applies_to
        .iter()
        .map(|k| format!("{k}s"))
        .collect::<Vec<_>>()
        .join(" and ")
}

fn read_file(file: &std::path::Path) -> Result<Codebook> {
    let text = std::fs::read_to_string(file)
        .with_context(|| format!("cannot read `{}`", file.display()))?;
    Ok(Codebook::parse(&text, &file.display().to_string())?)
}

/// Stores a codebook at first use; returns its id and whether it is new.
pub fn store_codebook(store: &mut Store, cb: &Codebook) -> Result<(i64, bool)> {
    match store.store_codebook(
        &cb.name,
        &cb.version,
        cb.source(),
        &cb.sha256(),
        chrono::Utc::now().timestamp(),
    )? {
        CodebookStored::New(id) => Ok((id, true)),
        CodebookStored::Existing(id) => Ok((id, false)),
        CodebookStored::Conflict { stored_sha256, .. } => bail!(
            "codebook `{}` version {} is already in the project with different content \
             (stored sha256 {}…, this one {}…); results must stay reproducible: give the \
             changed codebook a new `version`",
            cb.name,
            cb.version,
            &stored_sha256[..stored_sha256.len().min(12)],
            &cb.sha256()[..12]
        ),
    }
}

/// The codebook `name`: the project's stored copy (latest version) if any,
/// else the built-in one. The id is `Some` when it is stored.
pub fn find_codebook(store: Option<&Store>, name: &str) -> Result<(Codebook, Option<i64>)> {
    if let Some(store) = store {
        if let Some(stored) = store.stored_codebook(name, None)? {
            let cb = Codebook::parse(
                &stored.toml,
                &format!("stored {} {}", stored.name, stored.version),
            )?;
            return Ok((cb, Some(stored.id)));
        }
    }
    if let Some(cb) = uptake_coding::builtin(name) {
        return Ok((cb?, None));
    }
    let mut names: Vec<String> = BUILTIN.iter().map(|(n, _)| n.to_string()).collect();
    if let Some(store) = store {
        for s in store.stored_codebooks()? {
            if !names.contains(&s.name) {
                names.push(s.name);
            }
        }
    }
    bail!(
        "no codebook `{name}`; codebooks: {} (add your own with `uptake codebook add FILE`)",
        names.join(", ")
    )
}

/// The codebook `name`, stored in the project if this is its first use.
pub fn use_codebook(store: &mut Store, name: &str) -> Result<(Codebook, i64)> {
    let (cb, id) = find_codebook(Some(store), name)?;
    match id {
        Some(id) => Ok((cb, id)),
        None => {
            let (id, _) = store_codebook(store, &cb)?;
            Ok((cb, id))
        }
    }
}

fn describe(cb: &Codebook) -> String {
    let mut out = format!("{} (`{}` version {})\n", cb.title, cb.name, cb.version);
    out.push_str(&format!("Applies to: {}\n", kinds(cb)));
    for c in &cb.citations {
        out.push_str(&format!("Source: {c}\n"));
    }
    if let Some(n) = &cb.notes {
        out.push_str(&format!("\n{}\n", n.trim()));
    }
    out.push_str("\nItems:\n");
    for item in &cb.items {
        out.push_str(&format!(
            "  {:<14} {:<8} {}\n",
            item.id,
            item.kind.name(),
            item.prompt
        ));
        let accepts = item.accepted();
        out.push_str(&format!("  {:<14} {:<8} accepts: {accepts}\n", "", ""));
        if let Some(rule) = &item.na_rule {
            out.push_str(&format!("  {:<14} {:<8} NA when: {rule}\n", "", ""));
        }
        if let Some(help) = &item.help {
            out.push_str(&format!("  {:<14} {:<8} help: {help}\n", "", ""));
        }
    }
    if !cb.scores.is_empty() {
        out.push_str("\nScores:\n");
        for s in &cb.scores {
            let range = s
                .range
                .map(|(a, b)| format!(", range {a}-{b}"))
                .unwrap_or_default();
            out.push_str(&format!(
                "  {:<18} {} = {} of {}{range}\n",
                s.id,
                s.label,
                s.rule.name(),
                s.items.join(", ")
            ));
            if let Some(n) = &s.note {
                out.push_str(&format!("  {:<18} {n}\n", ""));
            }
        }
    }
    out
}
