//! `uptake analyze`: run the comment schemes (knowledge exchange, safety,
//! misinformation claims) over comments not yet read by the current rules.

use super::Ctx;
use anyhow::Result;
use uptake_analysis::pileon::detect_pile_ons;
use uptake_analysis::text::flag::Flag;
use uptake_analysis::text::rules::Scratch;
use uptake_store::NewAnnotation;

/// Analyse comments: knowledge-exchange signals, community safety, misinformation claims.
///
/// Runs each scheme's rules over the comments that this rules version has
/// not read yet (new comments, or all comments after the rules changed), and
/// stores every flag with its rule, matched text, span, severity and rules
/// version. Human review decisions are never changed by a rerun. Ends with
/// pile-ons: bursts of hostile comments on one video against its baseline.
///
/// Rules: uptake's built-in files (crates/analysis/rules/), plus files listed
/// in uptake.toml under `[rules] files = [...]` (claims libraries under
/// `[claims] libraries = [...]`).
///
/// Examples:
///   uptake analyze
///   uptake analyze --scheme safety
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub struct Args {
    /// Only this scheme: kmb, safety or claims.
    #[arg(long, value_parser = ["kmb", "safety", "claims"])]
    pub scheme: Option<String>,
}

/// Runs `uptake analyze`.
pub fn run(args: Args, ctx: &Ctx) -> Result<()> {
    let project = ctx.project()?;
    let mut store = project.open_store()?;
    let out = analyse(&project, &mut store, args.scheme.as_deref())?;
    super::print(&out)
}

/// Analyses what the current rules have not read yet and reports it (shared
/// with `uptake demo`).
pub fn analyse(
    project: &crate::project::Project,
    store: &mut uptake_store::Store,
    only: Option<&str>,
) -> Result<String> {
    let set = crate::rules::load_rules(project)?;
    let now = chrono::Utc::now().timestamp();
    let mut out = String::new();
    // Each scheme reads the comments its current version has not read; a
    // comment pending for several schemes is classified once and its flags
    // shared out, since one pass of the merged rule set finds all of them.
    let mut plan = Vec::new();
    for scheme in crate::rules::SCHEMES {
        let name = scheme.as_str();
        if only.is_some_and(|s| s != name) {
            continue;
        }
        let Some(version) = set.scheme_version(scheme) else {
            out.push_str(&format!("{name}: no rules loaded\n"));
            continue;
        };
        let pending = store.pending_comments(name, &version)?;
        plan.push((scheme, version, pending));
    }
    let mut flags_by_comment: std::collections::HashMap<i64, Vec<Flag>> = Default::default();
    let mut scratch = Scratch::default();
    for (_, _, pending) in &plan {
        for c in pending {
            flags_by_comment
                .entry(c.id)
                .or_insert_with(|| set.classify_with(&c.text, c.language.as_deref(), &mut scratch));
        }
    }
    for (scheme, version, pending) in plan {
        let name = scheme.as_str();
        let rules = set.rules().iter().filter(|r| r.scheme == scheme).count();
        let results: Vec<(i64, Vec<NewAnnotation>)> = pending
            .iter()
            .map(|c| {
                let flags = flags_by_comment
                    .get(&c.id)
                    .into_iter()
                    .flatten()
                    .filter(|f| f.scheme == scheme)
                    .map(|f| NewAnnotation {
                        label: f.label.clone(),
                        rule_id: f.rule_id.clone(),
                        severity: f.severity,
                        span: (f.span.start, f.span.end),
                        matched: f.matched.clone(),
                    })
                    .collect();
                (c.id, flags)
            })
            .collect();
        let flags = store.save_analysis(name, &version, now, &results)?;
        out.push_str(&format!(
            "{name}: {} comments analysed with {version} ({rules} rules), {flags} flags\n",
            pending.len(),
        ));
    }
    // Pile-ons: bursts of hostile comments per video.
    let hostile = store.flagged("safety", None)?;
    let hostile_ids: std::collections::HashSet<String> = hostile
        .iter()
        .filter(|f| f.decision.as_deref() != Some("dismiss"))
        .map(|f| f.comment_platform_id.clone())
        .collect();
    let all = store.comment_threads(None)?;
    let events: Vec<(String, i64, bool)> = all
        .iter()
        .filter_map(|r| {
            r.comment.created_at.map(|t| {
                (
                    r.comment.video_id.clone(),
                    t,
                    hostile_ids.contains(&r.comment.platform_id),
                )
            })
        })
        .collect();
    let borrowed: Vec<(&str, i64, bool)> = events
        .iter()
        .map(|(v, t, h)| (v.as_str(), *t, *h))
        .collect();
    let piles = detect_pile_ons(&borrowed, 2 * 3600, 5, 3.0);
    if piles.is_empty() {
        out.push_str(
            "pile-ons: none (5+ hostile comments within 2 hours, at 3x the video's baseline)\n",
        );
    }
    for p in &piles {
        out.push_str(&format!(
            "pile-on on video {}: {} hostile comments between {} and {} (baseline {:.2} per 2 hours)\n",
            p.video_id,
            p.hostile,
            super::format_time(p.start),
            super::format_time(p.end),
            p.baseline_per_window
        ));
    }
    out.push_str("review the safety queue with `uptake review`\n");
    Ok(out)
}
