//! The KMb indicator framework: stages Reach → Engagement → Exchange →
//! Usefulness → Intention → Action, plus Harms (docs/kmb-framework.md).
//!
//! Each indicator is computed from what was imported; one without inputs is
//! "not measured" (never 0) and says what data would measure it.
//!
//! Harms: a comment is hostile when it has a safety flag other than `spam`
//! ([`is_hostile_label`]); spam is a moderation burden, not hostility, and
//! is its own indicator (`spam_comment_rate`). Every output words hostility
//! as [`HOSTILE_MEANING`].

use super::summary::pooled_rate;
use super::video::{for_you_share, video_metrics, VideoMetrics};
use serde::Serialize;
use uptake_model::{Metrics, Video};

/// How an indicator's value reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Unit {
    /// A count.
    Count,
    /// A fraction shown as a percentage.
    Fraction,
    /// Seconds.
    Seconds,
}

/// One indicator, computed or not.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Indicator {
    /// Stage of the framework.
    pub stage: &'static str,
    /// Name, as in docs/kmb-framework.md.
    pub name: &'static str,
    /// The value; `None` = not measured.
    pub value: Option<f64>,
    /// How to read the value.
    pub unit: Unit,
    /// Videos that contributed.
    pub n: usize,
    /// The formula.
    pub formula: &'static str,
    /// What it means (and does not mean) for knowledge mobilisation.
    pub meaning: &'static str,
    /// What data would measure it, shown when it is not measured.
    pub needs: &'static str,
}

/// Inputs beyond the videos' metrics.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct KmbInputs {
    /// Territories the campaign was made for (ISO codes, `[audience]
    /// territories` in uptake.toml); empty = not declared.
    pub intended_territories: Vec<String>,
    /// Comments held for these videos, if any were imported.
    pub comments_held: Option<u64>,
    /// Counts from comment analysis, when it has run.
    pub signals: Option<SignalCounts>,
}

/// Comment-analysis counts for the videos in scope (distinct comments per
/// label; dismissed flags excluded).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SignalCounts {
    /// Comments analysed by the kmb scheme.
    pub kmb_analysed: u64,
    /// Comments analysed by the safety scheme.
    pub safety_analysed: u64,
    /// Comments per kmb label (`question`, `experience`, `intention`, `action`, ...).
    pub kmb: Vec<(String, u64)>,
    /// Comments with a safety flag (not dismissed) by the set of their
    /// safety labels, each comment once (`(["identity_hate", "spam"], 1)`).
    pub safety_flagged: Vec<(Vec<String>, u64)>,
    /// The rules versions used.
    pub versions: Vec<String>,
}

/// The safety label that is not hostility.
pub const SPAM_LABEL: &str = "spam";

/// What "hostile" covers, in the words every output uses (the indicator's
/// formula, the report's summary, docs/kmb-framework.md): every safety
/// label of docs/safety.md but `spam`.
pub const HOSTILE_MEANING: &str =
    "identity-based hate, threats, incitement to self-harm, harassment, sexual harassment or doxxing; not spam";

/// True for a safety label that makes a comment hostile: every label but
/// [`SPAM_LABEL`], so that a team's own safety labels count too.
pub fn is_hostile_label(label: &str) -> bool {
    label != SPAM_LABEL
}

impl SignalCounts {
    /// Comments with a safety label for which `wanted` holds (each comment
    /// once, whatever its other labels); `None` before safety analysis.
    fn safety_comments(&self, wanted: impl Fn(&str) -> bool) -> Option<u64> {
        (self.safety_analysed > 0).then(|| {
            self.safety_flagged
                .iter()
                .filter(|(labels, _)| labels.iter().any(|l| wanted(l)))
                .map(|(_, n)| *n)
                .sum()
        })
    }

    fn kmb_label(&self, label: &str) -> Option<u64> {
        (self.kmb_analysed > 0).then(|| {
            self.kmb
                .iter()
                .find(|(l, _)| l == label)
                .map_or(0, |(_, n)| *n)
        })
    }
}

fn f(v: Option<i64>) -> Option<f64> {
    v.map(|v| v as f64)
}

/// Computes the indicator panel for a set of videos.
pub fn kmb_indicators(videos: &[(Video, Metrics)], inputs: &KmbInputs) -> Vec<Indicator> {
    let vm: Vec<(VideoMetrics, &Metrics)> = videos
        .iter()
        .map(|(v, m)| (video_metrics(v, m), m))
        .collect();
    let views = |m: &VideoMetrics| f(m.views.map(|c| c.value));
    let count = |get: &dyn Fn(&VideoMetrics) -> Option<f64>| -> (Option<f64>, usize) {
        let vals: Vec<f64> = vm.iter().filter_map(|(m, _)| get(m)).collect();
        ((!vals.is_empty()).then(|| vals.iter().sum()), vals.len())
    };
    let pooled = |num: &dyn Fn(&VideoMetrics) -> Option<f64>| -> (Option<f64>, usize) {
        let pairs: Vec<(Option<f64>, Option<f64>)> =
            vm.iter().map(|(m, _)| (num(m), views(m))).collect();
        let n = pairs
            .iter()
            .filter(|(a, b)| a.is_some() && b.is_some())
            .count();
        (pooled_rate(&pairs), n)
    };
    let weighted = |get: &dyn Fn(&VideoMetrics, &Metrics) -> Option<f64>| -> (Option<f64>, usize) {
        let pairs: Vec<(Option<f64>, Option<f64>)> = vm
            .iter()
            .map(|(m, raw)| {
                let v = get(m, raw);
                (v.zip(views(m)).map(|(v, w)| v * w), v.and(views(m)))
            })
            .collect();
        let n = pairs.iter().filter(|(a, _)| a.is_some()).count();
        (pooled_rate(&pairs), n)
    };
    let intended = |_: &VideoMetrics, raw: &Metrics| -> Option<f64> {
        if inputs.intended_territories.is_empty() || raw.territories.is_empty() {
            return None;
        }
        Some(
            raw.territories
                .iter()
                .filter(|s| {
                    inputs
                        .intended_territories
                        .iter()
                        .any(|t| t.eq_ignore_ascii_case(&s.label))
                })
                .map(|s| s.fraction)
                .sum(),
        )
    };

    let (total_views, n_views) = count(&|m| views(m));
    let (total_reach, n_reach) = count(&|m| f(m.reach.map(|c| c.value)));
    let (fy, n_fy) = weighted(&|_, raw| for_you_share(&raw.traffic_sources));
    let (terr, n_terr) = weighted(&intended);
    let (watch_ratio, n_wr) = weighted(&|m, _| m.avg_watch_ratio);
    let (full, n_full) = weighted(&|m, _| m.full_watch_rate);
    let (eng, n_eng) = pooled(&|m| {
        Some(
            f(m.likes.map(|c| c.value))?
                + f(m.comments.map(|c| c.value))?
                + f(m.shares.map(|c| c.value))?,
        )
    });
    let (share, n_share) = pooled(&|m| f(m.shares.map(|c| c.value)));
    let (save, n_save) = pooled(&|m| f(m.saves.map(|c| c.value)));
    let (comment, n_comment) = pooled(&|m| f(m.comments.map(|c| c.value)));

    let signals = inputs.signals.as_ref();
    let kmb_rate = |label: &str| -> (Option<f64>, usize) {
        match signals.and_then(|s| s.kmb_label(label).map(|n| (n, s.kmb_analysed))) {
            Some((n, d)) if d > 0 => (Some(n as f64 / d as f64), d as usize),
            _ => (None, 0),
        }
    };
    let kmb_count = |label: &str| -> (Option<f64>, usize) {
        match signals.and_then(|s| s.kmb_label(label).map(|n| (n, s.kmb_analysed))) {
            Some((n, d)) => (Some(n as f64), d as usize),
            None => (None, 0),
        }
    };
    let (question, n_q) = kmb_rate("question");
    let (testimony, n_t) = kmb_rate("experience");
    let (intention, n_i) = kmb_count("intention");
    let (action, n_a) = kmb_count("action");
    let safety_rate = |wanted: fn(&str) -> bool| -> (Option<f64>, usize) {
        match signals.and_then(|s| s.safety_comments(wanted).map(|n| (n, s.safety_analysed))) {
            Some((n, d)) if d > 0 => (Some(n as f64 / d as f64), d as usize),
            _ => (None, 0),
        }
    };
    let (hostile, n_h) = safety_rate(is_hostile_label);
    let (spam, n_spam) = safety_rate(|l| l == SPAM_LABEL);
    const COMMENT_ANALYSIS: &str =
        "comments imported (Zeeschuimer, Research API, 4CAT, pyktok or Business comments) and analysed with `uptake analyze`";
    let signals_needs = if inputs.comments_held.unwrap_or(0) > 0 {
        "comment analysis: run `uptake analyze` (the comments are imported)"
    } else {
        COMMENT_ANALYSIS
    };
    vec![
        Indicator { stage: "Reach", name: "views", value: total_views, unit: Unit::Count, n: n_views,
            formula: "Σ views over videos",
            meaning: "How often the videos were played: exposure, not attention or understanding.",
            needs: "per-video views (Studio Content.csv, the Business API, a public-data capture or the manual template)" },
        Indicator { stage: "Reach", name: "reach", value: total_reach, unit: Unit::Count, n: n_reach,
            formula: "Σ unique accounts reached over videos",
            meaning: "How many people saw at least one video (summed per video, so people who saw several count more than once).",
            needs: "the TikTok API for Business video list (reach is reported only there)" },
        Indicator { stage: "Reach", name: "intended_territory_share", value: terr, unit: Unit::Fraction, n: n_terr,
            formula: "Σ (views × share of viewers in the intended territories) / Σ views",
            meaning: "Whether the videos reached the places they were made for.",
            needs: "intended territories in uptake.toml ([audience] territories = [\"CA\"]) and per-video audience territories (Business API or the manual template)" },
        Indicator { stage: "Reach", name: "for_you_share", value: fy, unit: Unit::Fraction, n: n_fy,
            formula: "Σ (views × For You share) / Σ views",
            meaning: "How much reach came through TikTok's recommendations rather than the Following feed, profile visits or search: reach the team does not control. Recommendations reach followers too, so it is not the share of new viewers.",
            needs: "per-video traffic sources (Business API impression_sources or the manual template)" },
        Indicator { stage: "Engagement", name: "avg_watch_ratio", value: watch_ratio, unit: Unit::Fraction, n: n_wr,
            formula: "Σ (views × avg_watch_s / duration_s) / Σ views",
            meaning: "How much of a video an average view watched: attention, not learning.",
            needs: "average watch time and video duration (Business API, or the manual template plus a source with durations)" },
        Indicator { stage: "Engagement", name: "full_watch_rate", value: full, unit: Unit::Fraction, n: n_full,
            formula: "Σ (views × full-watch rate) / Σ views",
            meaning: "Share of views that reached the end of the video.",
            needs: "full-watch rates (Business API or the manual template)" },
        Indicator { stage: "Engagement", name: "engagement_rate_views", value: eng, unit: Unit::Fraction, n: n_eng,
            formula: "Σ (likes + comments + shares) / Σ views",
            meaning: "Interactions per view (the industry's 'engagement rate', by views; docs/metrics.md names the other denominators).",
            needs: "likes, comments, shares and views per video" },
        Indicator { stage: "Engagement", name: "share_rate", value: share, unit: Unit::Fraction, n: n_share,
            formula: "Σ shares / Σ views",
            meaning: "Secondary dissemination: people passing the research on to others.",
            needs: "shares and views per video" },
        Indicator { stage: "Usefulness", name: "save_rate", value: save, unit: Unit::Fraction, n: n_save,
            formula: "Σ saves / Σ views",
            meaning: "Perceived usefulness: people keeping the video to come back to.",
            needs: "saves per video (Business API favorites, older Studio exports, Zeeschuimer collectCount or the manual template)" },
        Indicator { stage: "Exchange", name: "comment_rate", value: comment, unit: Unit::Fraction, n: n_comment,
            formula: "Σ comments / Σ views",
            meaning: "The opening for two-way exchange; what the comments say matters more than how many there are.",
            needs: "comments and views per video" },
        Indicator { stage: "Exchange", name: "question_rate", value: question, unit: Unit::Fraction, n: n_q,
            formula: "comments asking a question or stating an information need / comments analysed",
            meaning: "Information needs the audience voiced: candidates for answer videos.",
            needs: signals_needs },
        Indicator { stage: "Exchange", name: "testimony_rate", value: testimony, unit: Unit::Fraction, n: n_t,
            formula: "comments sharing personal experience / comments analysed",
            meaning: "Knowledge flowing back from the community.",
            needs: signals_needs },
        Indicator { stage: "Intention", name: "intention_comments", value: intention, unit: Unit::Count, n: n_i,
            formula: "comments stating an intention to act (\"I'll ask my doctor\")",
            meaning: "Stated intention to use the knowledge: closer to uptake, still self-reported.",
            needs: signals_needs },
        Indicator { stage: "Action", name: "action_comments", value: action, unit: Unit::Count, n: n_a,
            formula: "comments reporting an action taken (\"booked my consult\")",
            meaning: "Reported use of the knowledge: the nearest TikTok data come to uptake.",
            needs: signals_needs },
        Indicator { stage: "Harms", name: "hostile_comment_rate", value: hostile, unit: Unit::Fraction, n: n_h,
            // The parenthesis is HOSTILE_MEANING (a test holds them together).
            formula: "comments flagged hostile (identity-based hate, threats, incitement to self-harm, harassment, sexual harassment or doxxing; not spam) / comments analysed",
            meaning: "The cost the community pays for the visibility.",
            needs: "comments imported and analysed for safety (`uptake analyze`)" },
        Indicator { stage: "Harms", name: "spam_comment_rate", value: spam, unit: Unit::Fraction, n: n_spam,
            formula: "comments flagged spam / comments analysed",
            meaning: "Spam, scams and self-promotion under the videos: a moderation burden, counted apart from hostility (a comment flagged both counts in both).",
            needs: "comments imported and analysed for safety (`uptake analyze`)" },
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use uptake_model::{Count, Share};

    fn video(views: i64, shares: i64, territories: &[(&str, f64)]) -> (Video, Metrics) {
        (
            Video::with_id("1"),
            Metrics {
                views: Some(Count::exact(views)),
                shares: Some(Count::exact(shares)),
                territories: territories
                    .iter()
                    .map(|(l, f)| Share {
                        label: l.to_string(),
                        fraction: *f,
                    })
                    .collect(),
                ..Metrics::default()
            },
        )
    }

    fn get<'a>(panel: &'a [Indicator], name: &str) -> &'a Indicator {
        panel.iter().find(|i| i.name == name).unwrap()
    }

    #[test]
    fn computed_indicators_pool_over_views() {
        let videos = vec![
            video(1000, 10, &[("CA", 0.5)]),
            video(3000, 90, &[("CA", 0.1), ("US", 0.9)]),
        ];
        let inputs = KmbInputs {
            intended_territories: vec!["ca".into()],
            comments_held: None,
            signals: None,
        };
        let panel = kmb_indicators(&videos, &inputs);
        assert_eq!(get(&panel, "views").value, Some(4000.0));
        assert_eq!(get(&panel, "share_rate").value, Some(0.025));
        let t = get(&panel, "intended_territory_share").value.unwrap();
        assert!((t - (1000.0 * 0.5 + 3000.0 * 0.1) / 4000.0).abs() < 1e-12);
    }

    /// Issue: `hostile_comment_rate` counted comments flagged only `spam`
    /// (31/545 on the demo instead of 29/545).
    #[test]
    fn hostile_excludes_spam_and_spam_is_its_own_rate() {
        let set = |labels: &[&str], n: u64| (labels.iter().map(|l| l.to_string()).collect(), n);
        let inputs = KmbInputs {
            comments_held: Some(545),
            signals: Some(SignalCounts {
                safety_analysed: 545,
                safety_flagged: vec![
                    set(&["doxxing"], 1),
                    set(&["harassment"], 4),
                    set(&["harassment", "identity_hate"], 1),
                    set(&["identity_hate"], 21),
                    set(&["self_harm_incitement"], 2),
                    set(&["spam"], 2),
                    set(&["identity_hate", "spam"], 1),
                ],
                ..SignalCounts::default()
            }),
            ..KmbInputs::default()
        };
        let panel = kmb_indicators(&[video(10, 1, &[])], &inputs);
        // 30 comments with a label other than spam, each once; the one
        // flagged hate and spam is hostile (and spam).
        assert_eq!(
            get(&panel, "hostile_comment_rate").value,
            Some(30.0 / 545.0)
        );
        assert_eq!(get(&panel, "spam_comment_rate").value, Some(3.0 / 545.0));
        // Not analysed for safety: not measured, never 0.
        let none = kmb_indicators(&[video(10, 1, &[])], &KmbInputs::default());
        assert_eq!(get(&none, "hostile_comment_rate").value, None);
        assert_eq!(get(&none, "spam_comment_rate").value, None);
    }

    #[test]
    fn hostility_is_worded_the_same_and_covers_every_builtin_safety_label() {
        let panel = kmb_indicators(&[], &KmbInputs::default());
        let formula = get(&panel, "hostile_comment_rate").formula;
        assert!(
            formula.contains(&format!("({HOSTILE_MEANING})")),
            "{formula}"
        );
        // The words name the built-in labels: a new safety label must be
        // named in HOSTILE_MEANING (and docs) or be spam.
        let named = [
            ("identity_hate", "identity-based hate"),
            ("threat", "threats"),
            ("self_harm_incitement", "incitement to self-harm"),
            ("harassment", "harassment"),
            ("sexual_harassment", "sexual harassment"),
            ("doxxing", "doxxing"),
        ];
        for (name, text) in crate::builtin_rules::FILES {
            let rules = crate::text::RuleSet::from_toml_str(text, name).unwrap();
            for rule in rules.rules() {
                if rule.scheme != crate::text::Scheme::Safety {
                    continue;
                }
                let label = rule.label.as_str();
                match named.iter().find(|(l, _)| *l == label) {
                    Some((_, words)) => {
                        assert!(is_hostile_label(label));
                        assert!(HOSTILE_MEANING.contains(words), "{label}");
                    }
                    None => {
                        assert_eq!(label, SPAM_LABEL, "{label} is not worded");
                        assert!(!is_hostile_label(label));
                    }
                }
            }
        }
    }

    #[test]
    fn indicators_without_inputs_are_not_measured_and_say_why() {
        let panel = kmb_indicators(&[video(10, 1, &[])], &KmbInputs::default());
        let s = get(&panel, "save_rate");
        assert_eq!(s.value, None, "no saves reported: not measured, never 0");
        assert!(s.needs.contains("saves"));
        assert_eq!(get(&panel, "intended_territory_share").value, None);
        assert_eq!(get(&panel, "question_rate").value, None);
        assert_eq!(get(&panel, "reach").value, None);
    }
}
