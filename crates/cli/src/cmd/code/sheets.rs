//! `uptake code sheets`: writing one blind coding sheet per coder, with the
//! context shown beside each unit.

use super::{stored, Ctx};
use anyhow::{bail, Context as _, Result};
use std::collections::BTreeMap;
use std::path::PathBuf;
use uptake_coding::{write_csv, write_xlsx, SheetMeta, SheetUnit, UnitKind};
use uptake_store::Store;

/// Runs `uptake code sheets`.
pub(super) fn run(
    codebook: String,
    out: PathBuf,
    format: String,
    force: bool,
    ctx: &Ctx,
) -> Result<()> {
    let project = ctx.project()?;
    let store = project.open_store()?;
    let (cb, id) = stored(&store, &codebook)?;
    let assignments = store.assignments(id, None)?;
    if assignments.is_empty() {
        bail!("no units are assigned for `{codebook}`; run `uptake code sample` first");
    }
    let contexts = contexts(&store, &project.mentions()?)?;
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
    std::fs::create_dir_all(&out).with_context(|| format!("cannot create `{}`", out.display()))?;
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

fn excerpt(text: &str, max: usize) -> String {
    let one_line: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if one_line.chars().count() > max {
        format!("{}…", one_line.chars().take(max).collect::<String>())
    } else {
        one_line
    }
}

/// Context shown beside each unit: a link and a caption or comment excerpt
/// (a comment's @mentions pseudonymised: sheets go to coders).
fn contexts(
    store: &Store,
    mentions: &crate::project::Mentions,
) -> Result<BTreeMap<(String, String), String>> {
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
            format!(
                "on video {}: {}",
                c.video_id,
                excerpt(&mentions.mask(c.text), 300)
            ),
        );
    }
    Ok(out)
}
