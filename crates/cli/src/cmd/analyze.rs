//! `uptake analyze`: run the comment schemes (knowledge exchange, safety,
//! misinformation claims) over comments not yet read by the current rules.

use super::Ctx;
use anyhow::Result;
use uptake_analysis::pileon::{detect_pile_ons, PileOn};
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
    // Hostile as the KMb indicator counts it: spam is a moderation burden,
    // not hostility, so a burst of spam is no pile-on.
    let hostile = store.flagged("safety", None)?;
    let hostile_ids: std::collections::HashSet<String> = hostile
        .iter()
        .filter(|f| uptake_analysis::metrics::kmb::is_hostile_label(&f.label))
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
    let piles = detect_pile_ons(&borrowed, PILE_ON_WINDOW_SECS, 5, 3.0);
    if piles.is_empty() {
        out.push_str(
            "pile-ons: none (5+ hostile comments within 2 hours, at 3x the video's baseline)\n",
        );
    }
    for p in &piles {
        out.push_str(&describe_pile_on(p, PILE_ON_WINDOW_SECS));
        out.push('\n');
    }
    out.push_str("review the safety queue with `uptake review`\n");
    Ok(out)
}

/// The pile-on window of docs/safety.md ("Pile-ons").
const PILE_ON_WINDOW_SECS: i64 = 2 * 3600;

/// One line per pile-on. An episode of overlapping windows that lasts
/// longer than one window says so and gives its densest window, so that
/// "14 hostile comments" over 2 h 51 min is not read as 14 in 2 hours.
fn describe_pile_on(p: &PileOn, window_secs: i64) -> String {
    let hours = window_secs / 3600;
    let span = p.end - p.start;
    let mut line = format!(
        "pile-on on video {}: {} hostile comments between {} and {} ({}",
        p.video_id,
        p.hostile,
        super::format_time(p.start),
        super::format_time(p.end),
        duration(span),
    );
    if span < window_secs {
        line.push_str(&format!(", within one {hours}-hour window"));
    } else {
        line.push_str(&format!(
            ", an episode of overlapping {hours}-hour windows; the densest {hours} hours hold {} of them, from {}",
            p.peak_hostile,
            super::format_time(p.peak_start),
        ));
    }
    line.push_str(&format!(
        "; baseline {:.2} per {hours} hours)",
        p.baseline_per_window
    ));
    line
}

/// `2 h 51 min`, `45 min`, `0 min`.
fn duration(secs: i64) -> String {
    let minutes = secs.max(0) / 60;
    match (minutes / 60, minutes % 60) {
        (0, m) => format!("{m} min"),
        (h, 0) => format!("{h} h"),
        (h, m) => format!("{h} h {m} min"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pile_on(start: i64, end: i64, hostile: usize, peak: (i64, usize)) -> PileOn {
        PileOn {
            video_id: "7584968082523016486".into(),
            start,
            end,
            hostile,
            peak_start: peak.0,
            peak_end: peak.0 + 3600,
            peak_hostile: peak.1,
            baseline_per_window: 0.11,
        }
    }

    // 2025-12-19 00:56 UTC
    const T: i64 = 1_766_105_760;

    #[test]
    fn a_pile_on_within_one_window_says_so() {
        assert_eq!(
            describe_pile_on(&pile_on(T, T + 105 * 60, 12, (T, 12)), 7200),
            "pile-on on video 7584968082523016486: 12 hostile comments between \
             2025-12-19 00:56 UTC and 2025-12-19 02:41 UTC (1 h 45 min, within one 2-hour \
             window; baseline 0.11 per 2 hours)"
        );
    }

    /// The demo once printed "14 hostile comments between 00:56 and 03:47"
    /// for a "2-hour window": an episode longer than the window must say
    /// it is one, and how many fell in its densest window.
    #[test]
    fn an_episode_longer_than_the_window_gives_its_densest_window() {
        assert_eq!(
            describe_pile_on(&pile_on(T, T + 171 * 60, 14, (T + 66 * 60, 12)), 7200),
            "pile-on on video 7584968082523016486: 14 hostile comments between \
             2025-12-19 00:56 UTC and 2025-12-19 03:47 UTC (2 h 51 min, an episode of \
             overlapping 2-hour windows; the densest 2 hours hold 12 of them, from \
             2025-12-19 02:02 UTC; baseline 0.11 per 2 hours)"
        );
        assert_eq!(duration(7200), "2 h");
        assert_eq!(duration(59), "0 min");
    }
}
