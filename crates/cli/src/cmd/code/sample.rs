//! `uptake code sample`: drawing a seeded (optionally stratified) random
//! sample of units and assigning it to coders.

use super::{stored, valid_coder, Ctx};
use crate::cmd::codebook::{find_codebook, use_codebook};
use anyhow::{bail, Context as _, Result};
use std::collections::{BTreeMap, BTreeSet};
use uptake_coding::{assign, sample, Overlap, Unit, UnitKind};
use uptake_store::{NewAssignment, NewRound, Store};

/// Runs `uptake code sample`.
#[allow(clippy::too_many_arguments)]
pub(super) fn run(
    codebook: String,
    units: String,
    n: usize,
    stratify_by: Option<String>,
    seed: Option<u64>,
    coders: Vec<String>,
    overlap: String,
    ctx: &Ctx,
) -> Result<()> {
    let kind = UnitKind::parse(&units).context("--units: expected videos or comments")?;
    let overlap = parse_overlap(&overlap)?;
    let coders: Vec<String> = coders.iter().map(|c| c.trim().to_string()).collect();
    if let Some(bad) = coders.iter().find(|c| !valid_coder(c)) {
        bail!("--coders: expected names of letters, digits, `-`, `_` or `.`, found `{bad}`");
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
    if drawn.len() < n {
        out.push_str(&format!(
            "--n {n} asked for more {units} than the {} not yet sampled: all of them are in the sample\n",
            pool.len()
        ));
    }
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
