//! Rule files (TOML) and the one-pass matcher compiled from them.
//!
//! Lexicons and patterns are data, not code: researchers and moderators edit
//! the files under `crates/analysis/rules/` (and may add their own), and every
//! flag records the file's `version`, so a result can be traced to the exact
//! rules that produced it.
//!
//! ```toml
//! scheme = "safety"                 # kmb | safety | claims
//! version = "safety-2026.11.1"      # recorded with every flag
//! status = "draft"                  # optional, shown with the rules
//! [[rule]]
//! id = "safety.threat.kys"          # unique across all loaded files
//! label = "self_harm_incitement"
//! lang = ["en"]                     # "en", "fr" or "*"
//! severity = 4                      # 1..=4, required for safety
//! terms = ["kys", "kill yourself"]  # normalised like comments, whole words
//! patterns = ['\bjoin the 41 ?%']   # Rust regex over the normalised text
//! unless = ["reported", "\"kys\""]  # any of these in the comment: no flag
//! unless_patterns = []
//! requires = []                     # at least one of these must occur too
//! requires_patterns = []
//! note = "why the rule exists / what it must not flag"
//! [rule.claim]                      # optional, claims files: passed through
//! topic = "regret"
//! ```
//!
//! # Matching
//!
//! Terms go through [`normalize()`](super::normalize::normalize) exactly like
//! comment text, so `thérapie`, `THERAPIE` and `th3rapie` meet. A term matches
//! only as whole words: where a term begins (ends) with a letter, digit or
//! `_`, the normalised text must not have one just before (after) the match,
//! so the term `ass` does not match `class`.
//!
//! Patterns run over the normalised text, which is lowercase, has Latin
//! accents stripped, leetspeak undone and letter runs cut to two (see
//! [`normalize`](mod@super::normalize)): write them in that form. Non-ASCII
//! letters in a pattern are folded like text (`é` → `e`). `\b` and `\B` are
//! ASCII word boundaries (`(?-u:\b)`): the normalised text of English and
//! French is ASCII, and Unicode boundaries would push the regex engine off
//! its fast path on every comment containing an emoji. `\d` is an ASCII
//! digit (NFKC has made other compatibility digits ASCII already).
//!
//! All terms of all rules (including `unless` and `requires` terms) are one
//! Aho-Corasick automaton. Patterns are gated by literals: for each pattern
//! the literals every match must start (or end) with are extracted from the
//! regex and added to the same automaton, so one pass over the comment finds
//! the terms and the few patterns worth running; only those run. (A single
//! `RegexSet` over all patterns was the first design: rule authors write
//! `.{0,40}` between words, and hundreds of such bounded repetitions make
//! the lazy DFA rebuild states on every comment, at ~5,000 comments/s.)
//! A pattern with no usable literal runs on every comment.
//!
//! # Counter-speech
//!
//! A safety or claims rule does not flag words that the comment quotes
//! after an attributing phrase ("people saying 'it's a mental illness'",
//! « ceux qui écrivent « maladie mentale » ») or denies ("not true that
//! …", « faux de dire que … »): the private module `frame` lists the cues. This holds for
//! every safety and claims rule, built-in or a team's, on top of its
//! `unless` list, and per match, not per comment. A rule that matched only
//! inside such frames is reported by [`RuleSet::classify_explained`] as
//! [`Spared`], with the words of the frame.
//!
//! # Layout
//!
//! This module holds the public types and their methods; the work is in
//! the private modules `parse` (the file format and its validation),
//! `compile` (the automaton and the gating of patterns by literals),
//! `frame` (counter-speech frames) and `classify` (matching one comment).

mod classify;
mod compile;
mod frame;
mod parse;

use std::collections::HashMap;

use serde::Serialize;

use self::classify::Hit;
use self::compile::{compile, Matcher};
use self::frame::{Frame, FrameCues};
use super::error::RuleError;
use super::flag::Flag;
use super::normalize::{Normalized, Normalizer};
use super::spared::Spared;

/// Languages a rule may name besides `*`.
const LANGS: &[&str] = &["en", "fr"];

/// The annotation scheme a rule file belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Scheme {
    /// Knowledge-mobilisation signals (questions, testimony, intention, action).
    Kmb,
    /// Safety: hostility, harassment, incitement.
    Safety,
    /// Health claims that need a look (misinformation, miracle cures).
    Claims,
}

impl Scheme {
    /// The name used in rule files and the store.
    pub fn as_str(self) -> &'static str {
        match self {
            Scheme::Kmb => "kmb",
            Scheme::Safety => "safety",
            Scheme::Claims => "claims",
        }
    }
}

impl std::fmt::Display for Scheme {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One rule as loaded and validated, with its terms already normalised.
#[derive(Debug, Clone)]
pub struct Rule {
    /// Unique id, e.g. `safety.threat.kys`.
    pub id: String,
    /// The label the rule assigns.
    pub label: String,
    /// Scheme of the file the rule came from.
    pub scheme: Scheme,
    /// Version of the file the rule came from.
    pub version: String,
    /// Name of the file the rule came from (for error messages and listings).
    pub source_name: String,
    /// The file's optional `status` line (e.g. "not reviewed by clinicians
    /// yet"), for reports to show next to the rule's flags.
    pub file_status: Option<String>,
    /// Languages (`en`, `fr`); empty means any (`*`).
    pub langs: Vec<String>,
    /// `langs` as bits, for the per-comment check.
    lang_mask: u8,
    /// Severity 1..=4.
    pub severity: Option<u8>,
    /// Terms, normalised.
    pub terms: Vec<String>,
    /// Patterns, as written.
    pub patterns: Vec<String>,
    /// Suppressing terms, normalised.
    pub unless: Vec<String>,
    /// Suppressing patterns, as written.
    pub unless_patterns: Vec<String>,
    /// Required companion terms, normalised.
    pub requires: Vec<String>,
    /// Required companion patterns, as written.
    pub requires_patterns: Vec<String>,
    /// Why the rule exists and what it must not flag.
    pub note: Option<String>,
    /// The `[rule.claim]` table of a claims rule (topic, summary, evidence,
    /// response points, citations), passed through untouched for the
    /// report; the matcher does not read it.
    pub claim: Option<toml::Table>,
}

impl Rule {
    /// Whether the rule applies to a comment in `lang` (`None`: unknown,
    /// where every rule applies). `en-GB` counts as `en`.
    pub fn applies_to(&self, lang: Option<&str>) -> bool {
        self.applies_to_mask(lang_mask(lang))
    }

    fn applies_to_mask(&self, comment: u8) -> bool {
        self.lang_mask == 0 || comment == 0 || self.lang_mask & comment != 0
    }
}

/// A comment's language as a bit: 0 for unknown, then `en`, `fr`, other.
fn lang_mask(lang: Option<&str>) -> u8 {
    let Some(lang) = lang else { return 0 };
    let primary = lang.split(['-', '_']).next().unwrap_or(lang);
    LANGS
        .iter()
        .position(|l| l.eq_ignore_ascii_case(primary))
        .map_or(1 << LANGS.len(), |i| 1 << i)
}

impl Rule {
    /// Languages as a bit mask (see [`lang_mask`]); 0 for any.
    fn mask_of(langs: &[String]) -> u8 {
        langs
            .iter()
            .map(|l| lang_mask(Some(l)))
            .fold(0, |a, b| a | b)
    }
}

/// How much of a text the rules read: its first 64 KiB. TikTok caps comments
/// at 150 characters and captions at a few thousand, so only hostile or
/// broken data is longer, and normalising a 50 MB "comment" whole took
/// gigabytes (normalisation keeps a byte map of every character).
pub const MAX_ANALYSED_BYTES: usize = 64 * 1024;

/// A set of rules from one or more files, compiled for one-pass matching.
#[derive(Debug, Clone, Default)]
pub struct RuleSet {
    rules: Vec<Rule>,
    /// (scheme, version) of every file, in load order, without repeats.
    versions: Vec<(Scheme, String)>,
    version: String,
    matcher: Option<Matcher>,
    /// Counter-speech cues (module `frame`); `None` only for the empty
    /// default set.
    frame_cues: Option<FrameCues>,
}

/// What [`RuleSet::classify_explained`] finds on one comment.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Classification {
    /// The flags, exactly as [`RuleSet::classify`] returns them.
    pub flags: Vec<Flag>,
    /// Safety and claims rules that matched only inside counter-speech
    /// frames and so raised no flag, ordered like the flags.
    pub spared: Vec<Spared>,
}

/// Reusable buffers for [`RuleSet::classify_with`].
#[derive(Debug, Default, Clone)]
pub struct Scratch {
    normalizer: Normalizer,
    normalized: Normalized,
    hits: Vec<Hit>,
    /// Per gate group: whether one of its literals occurred (reset after
    /// each comment through `opened`).
    open: Vec<bool>,
    /// Gate groups opened by this comment.
    opened: Vec<u32>,
    /// Patterns worth running on this comment.
    gated: Vec<u32>,
    /// Counter-speech frames of this comment, when they were needed.
    frames: Vec<Frame>,
}

impl RuleSet {
    /// Parses and compiles one rule file. `source_name` (usually the file
    /// name) is only used in error messages and [`Rule::source_name`].
    pub fn from_toml_str(text: &str, source_name: &str) -> Result<RuleSet, RuleError> {
        let (rules, scheme, version) = parse::parse_file(text, source_name)?;
        RuleSet::build(rules, vec![(scheme, version)])
    }

    /// Combines rule sets (the built-in files and a user's own) into one.
    /// Rule ids must stay unique across all of them.
    pub fn merge(sets: impl IntoIterator<Item = RuleSet>) -> Result<RuleSet, RuleError> {
        let mut rules: Vec<Rule> = Vec::new();
        let mut versions: Vec<(Scheme, String)> = Vec::new();
        for set in sets {
            rules.extend(set.rules);
            for v in set.versions {
                if !versions.contains(&v) {
                    versions.push(v);
                }
            }
        }
        RuleSet::build(rules, versions)
    }

    fn build(rules: Vec<Rule>, versions: Vec<(Scheme, String)>) -> Result<RuleSet, RuleError> {
        let mut seen: HashMap<&str, &Rule> = HashMap::new();
        for r in &rules {
            if let Some(first) = seen.insert(&r.id, r) {
                return Err(RuleError::Rule {
                    source_name: r.source_name.clone(),
                    rule_id: r.id.clone(),
                    field: "id",
                    message: format!("duplicate id, first defined in `{}`", first.source_name),
                });
            }
        }
        let matcher = compile(&rules, true)?;
        let frame_cues = Some(FrameCues::new()?);
        let version = versions
            .iter()
            .map(|(_, v)| v.as_str())
            .collect::<Vec<_>>()
            .join("+");
        Ok(RuleSet {
            rules,
            versions,
            version,
            matcher,
            frame_cues,
        })
    }

    /// The rules, in load order.
    pub fn rules(&self) -> &[Rule] {
        &self.rules
    }

    /// The rules version: the file's `version`, or the versions of all
    /// merged files joined with `+` in load order.
    pub fn version(&self) -> &str {
        &self.version
    }

    /// The version of one scheme's rules (joined with `+` when several
    /// files of the scheme were merged), or `None` if none were loaded.
    /// This is what an analysis run of that scheme records.
    pub fn scheme_version(&self, scheme: Scheme) -> Option<String> {
        let vs: Vec<&str> = self
            .versions
            .iter()
            .filter(|(s, _)| *s == scheme)
            .map(|(_, v)| v.as_str())
            .collect();
        (!vs.is_empty()).then(|| vs.join("+"))
    }

    /// The schemes that have rules loaded, in load order.
    pub fn schemes(&self) -> Vec<Scheme> {
        let mut out: Vec<Scheme> = Vec::new();
        for (s, _) in &self.versions {
            if !out.contains(s) {
                out.push(*s);
            }
        }
        out
    }

    /// Flags raised on `text` by the rules that apply to `lang` (`None`:
    /// unknown language, all rules apply), ordered by position then rule id.
    /// Only the first [`MAX_ANALYSED_BYTES`] of `text` are read.
    pub fn classify(&self, text: &str, lang: Option<&str>) -> Vec<Flag> {
        self.classify_with(text, lang, &mut Scratch::default())
    }

    /// [`RuleSet::classify`] reusing `scratch` between comments, which saves
    /// the allocations when classifying many.
    pub fn classify_with(
        &self,
        text: &str,
        lang: Option<&str>,
        scratch: &mut Scratch,
    ) -> Vec<Flag> {
        classify::classify_with(self, text, lang, scratch, None)
    }

    /// [`RuleSet::classify`], and the safety and claims rules that matched
    /// only inside counter-speech frames (quoted after "people saying",
    /// denied by "not true that"…), each with the words of its frame, so a
    /// moderator can see why a comment was not flagged.
    pub fn classify_explained(&self, text: &str, lang: Option<&str>) -> Classification {
        let mut spared = Vec::new();
        let flags =
            classify::classify_with(self, text, lang, &mut Scratch::default(), Some(&mut spared));
        Classification { flags, spared }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(super) const SAFETY: &str = r#"
scheme = "safety"
version = "safety-test.1"

[[rule]]
id = "safety.threat.kys"
label = "self_harm_incitement"
lang = ["en"]
severity = 4
terms = ["kys", "kill yourself"]
unless = ["reported", "\"kys\""]
note = "incitement; not quoting or reporting it"

[[rule]]
id = "safety.slur.tranny"
label = "slur"
lang = ["*"]
severity = 3
terms = ["tranny", "trannies"]

[[rule]]
id = "safety.insult.ass"
label = "insult"
lang = ["en"]
severity = 1
terms = ["ass"]
requires = ["you", "ur", "your"]

[[rule]]
id = "safety.dogwhistle.41"
label = "dogwhistle"
lang = ["en"]
severity = 4
patterns = ['\bjoin the 41 ?%']
"#;

    pub(super) const KMB: &str = r#"
scheme = "kmb"
version = "kmb-test.1"

[[rule]]
id = "kmb.intention.therapie"
label = "intention"
lang = ["fr"]
terms = ["je vais essayer la thérapie"]
patterns = ['\bthérapie\b']
unless_patterns = ['\bpas de thérapie\b']
"#;

    pub(super) fn set() -> RuleSet {
        let a = RuleSet::from_toml_str(SAFETY, "safety.toml").unwrap();
        let b = RuleSet::from_toml_str(KMB, "kmb.toml").unwrap();
        RuleSet::merge([a, b]).unwrap()
    }

    pub(super) fn ids(flags: &[Flag]) -> Vec<&str> {
        flags.iter().map(|f| f.rule_id.as_str()).collect()
    }

    #[test]
    fn versions_are_recorded() {
        let set = set();
        assert_eq!(set.version(), "safety-test.1+kmb-test.1");
        assert_eq!(
            set.scheme_version(Scheme::Kmb).as_deref(),
            Some("kmb-test.1")
        );
        assert_eq!(set.scheme_version(Scheme::Claims), None);
        assert_eq!(set.schemes(), [Scheme::Safety, Scheme::Kmb]);
        assert_eq!(set.rules().len(), 5);
    }

    #[test]
    fn merge_rejects_duplicate_ids_across_files() {
        let a = RuleSet::from_toml_str(SAFETY, "safety.toml").unwrap();
        let b = RuleSet::from_toml_str(SAFETY, "user.toml").unwrap();
        assert_eq!(
            RuleSet::merge([a, b]).unwrap_err().to_string(),
            "`user.toml` rule `safety.threat.kys`, field `id`: duplicate id, first defined in `safety.toml`"
        );
    }

    #[test]
    fn empty_set_flags_nothing() {
        assert!(RuleSet::default().classify("kys", None).is_empty());
        let set =
            RuleSet::from_toml_str("scheme = \"claims\"\nversion = \"c1\"\n", "c.toml").unwrap();
        assert!(set.classify("kys", None).is_empty());
        assert_eq!(set.version(), "c1");
    }
}
