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

use std::collections::HashMap;

use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};
use regex::{Regex, RegexBuilder};
use regex_syntax::hir::literal::{ExtractKind, Extractor};
use serde::{Deserialize, Serialize};

use super::error::RuleError;
use super::flag::Flag;
use super::normalize::{fold_pattern, normalize, Normalized, Normalizer};

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

    fn parse(s: &str) -> Option<Scheme> {
        match s {
            "kmb" => Some(Scheme::Kmb),
            "safety" => Some(Scheme::Safety),
            "claims" => Some(Scheme::Claims),
            _ => None,
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

/// The shape of a rule file, checked strictly so a misspelt field
/// (`unles = [...]`) is an error rather than a silently ignored rule part.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    scheme: String,
    version: String,
    status: Option<String>,
    #[serde(default)]
    rule: Vec<RawRule>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRule {
    id: String,
    label: String,
    lang: Vec<String>,
    severity: Option<i64>,
    #[serde(default)]
    terms: Vec<String>,
    #[serde(default)]
    patterns: Vec<String>,
    #[serde(default)]
    unless: Vec<String>,
    #[serde(default)]
    unless_patterns: Vec<String>,
    #[serde(default)]
    requires: Vec<String>,
    #[serde(default)]
    requires_patterns: Vec<String>,
    note: Option<String>,
    claim: Option<toml::Table>,
}

/// What a term or pattern does for its rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Role {
    /// A match raises a flag.
    Primary,
    /// Presence suppresses the rule's flags.
    Unless,
    /// Presence is needed for the rule's flags.
    Requires,
}

/// What one string of the automaton is used for.
#[derive(Debug, Clone, Copy)]
enum Use {
    /// A term of rule `.0`, whole words only.
    Term(u32, Role),
    /// A literal of gate group `.0`.
    Gate(u32),
}

/// One rule's pattern, compiled.
#[derive(Debug, Clone)]
struct Pattern {
    rule: u32,
    role: Role,
    regex: Regex,
    /// Its gate groups: the pattern runs only when a literal of every
    /// group occurred.
    gates: Vec<u32>,
}

/// Terms and pattern gates in one automaton, and the patterns.
#[derive(Debug, Clone)]
struct Matcher {
    /// `None` when no rule has a term or a gated pattern.
    ac: Option<AhoCorasick>,
    /// Per automaton string: its uses.
    uses: Vec<Vec<Use>>,
    /// Per automaton string: whether its first / last char is a word char.
    bounded: Vec<(bool, bool)>,
    patterns: Vec<Pattern>,
    /// Per gate group (a set of literals, shared by all patterns that need
    /// it): the patterns that need it.
    groups: Vec<Vec<u32>>,
    /// Gate groups made of single bytes, as a 256-bit mask each; they are
    /// checked against a byte map of the comment instead of the automaton.
    byte_groups: Vec<(u32, [u64; 4])>,
    /// Patterns without a usable literal, run on every comment.
    ungated: Vec<u32>,
}

/// A set of rules from one or more files, compiled for one-pass matching.
#[derive(Debug, Clone, Default)]
pub struct RuleSet {
    rules: Vec<Rule>,
    /// (scheme, version) of every file, in load order, without repeats.
    versions: Vec<(Scheme, String)>,
    version: String,
    matcher: Option<Matcher>,
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
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Hit {
    rule: u32,
    role: Role,
    start: usize,
    end: usize,
}

impl RuleSet {
    /// Parses and compiles one rule file. `source_name` (usually the file
    /// name) is only used in error messages and [`Rule::source_name`].
    pub fn from_toml_str(text: &str, source_name: &str) -> Result<RuleSet, RuleError> {
        let raw: RawFile = toml::from_str(text).map_err(|e| RuleError::Toml {
            source_name: source_name.to_string(),
            message: e.to_string().trim_end().to_string(),
        })?;
        let file_err = |field, message: String| RuleError::File {
            source_name: source_name.to_string(),
            field,
            message,
        };
        let scheme = Scheme::parse(&raw.scheme).ok_or_else(|| {
            file_err(
                "scheme",
                format!(
                    "expected `kmb`, `safety` or `claims`, found `{}`",
                    raw.scheme
                ),
            )
        })?;
        if raw.version.trim().is_empty() {
            return Err(file_err(
                "version",
                "expected a version, found nothing".into(),
            ));
        }
        let mut rules = Vec::with_capacity(raw.rule.len());
        for r in raw.rule {
            let mut rule = validate(r, scheme, &raw.version, source_name)?;
            rule.file_status.clone_from(&raw.status);
            rules.push(rule);
        }
        RuleSet::build(rules, vec![(scheme, raw.version)])
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
        let Scratch {
            normalizer,
            normalized,
            hits,
            open,
            opened,
            gated,
        } = scratch;
        hits.clear();
        gated.clear();
        opened.clear();
        let Some(m) = &self.matcher else {
            return Vec::new();
        };
        open.resize(m.groups.len(), false);
        normalizer.normalize_into(text, normalized);
        let norm = normalized.text.as_str();
        if let Some(ac) = &m.ac {
            for found in ac.find_overlapping_iter(norm) {
                let p = found.pattern().as_usize();
                let (start, end) = (found.start(), found.end());
                // Whole-word check only for strings that are terms, once.
                let mut whole = None;
                for u in m.uses.get(p).map(Vec::as_slice).unwrap_or(&[]) {
                    match *u {
                        Use::Term(rule, role) => {
                            let ok = *whole.get_or_insert_with(|| {
                                let (need_start, need_end) =
                                    m.bounded.get(p).copied().unwrap_or((true, true));
                                let touches_start = need_start && word_before(norm, start);
                                let touches_end = need_end && word_after(norm, end);
                                !touches_start && !touches_end
                            });
                            if ok {
                                hits.push(Hit {
                                    rule,
                                    role,
                                    start,
                                    end,
                                });
                            }
                        }
                        Use::Gate(g) => {
                            if let Some(o) = open.get_mut(g as usize) {
                                if !*o {
                                    *o = true;
                                    opened.push(g);
                                }
                            }
                        }
                    }
                }
            }
        }
        if !m.byte_groups.is_empty() {
            let mut present = [0u64; 4];
            for &b in norm.as_bytes() {
                present[usize::from(b >> 6)] |= 1 << (b & 63);
            }
            for (g, mask) in &m.byte_groups {
                if mask.iter().zip(present).any(|(a, b)| a & b != 0) {
                    if let Some(o) = open.get_mut(*g as usize) {
                        if !*o {
                            *o = true;
                            opened.push(*g);
                        }
                    }
                }
            }
        }
        for &g in opened.iter() {
            for &pi in m.groups.get(g as usize).map(Vec::as_slice).unwrap_or(&[]) {
                let all_open = m.patterns.get(pi as usize).is_some_and(|p| {
                    p.gates
                        .iter()
                        .all(|&h| open.get(h as usize).copied().unwrap_or(false))
                });
                if all_open {
                    gated.push(pi);
                }
            }
        }
        for &g in opened.iter() {
            if let Some(o) = open.get_mut(g as usize) {
                *o = false;
            }
        }
        gated.sort_unstable();
        gated.dedup();
        gated.extend_from_slice(&m.ungated);
        // Primary patterns first, for the rules that apply to the language;
        // `unless` and `requires` patterns then run only for rules that
        // matched, which is most of the saving on a clean comment.
        let comment_lang = lang_mask(lang);
        let applies = |rule: u32| {
            self.rules
                .get(rule as usize)
                .is_some_and(|r| r.applies_to_mask(comment_lang))
        };
        hits.sort_unstable();
        let has = |hits: &[Hit], rule: u32, role: Role| {
            let probe = Hit {
                rule,
                role,
                start: 0,
                end: 0,
            };
            let at = hits.partition_point(|h| *h < probe);
            hits.get(at)
                .is_some_and(|h| h.rule == rule && h.role == role)
        };
        let terms_found = hits.len();
        for &i in gated.iter() {
            let Some(p) = m.patterns.get(i as usize) else {
                continue;
            };
            // A rule already suppressed by an `unless` term needs no search.
            if p.role == Role::Primary
                && applies(p.rule)
                && !has(&hits[..terms_found], p.rule, Role::Unless)
            {
                if let Some(found) = p.regex.find(norm).filter(|f| !f.is_empty()) {
                    hits.push(Hit {
                        rule: p.rule,
                        role: p.role,
                        start: found.start(),
                        end: found.end(),
                    });
                }
            }
        }
        gated.retain(|&i| {
            m.patterns
                .get(i as usize)
                .is_some_and(|p| p.role != Role::Primary)
        });
        if !gated.is_empty() {
            hits.sort_unstable();
            let mut extra = Vec::new();
            for &i in gated.iter() {
                let Some(p) = m.patterns.get(i as usize) else {
                    continue;
                };
                if has(hits, p.rule, Role::Primary) && p.regex.is_match(norm) {
                    extra.push(Hit {
                        rule: p.rule,
                        role: p.role,
                        start: 0,
                        end: 0,
                    });
                }
            }
            hits.extend(extra);
        }
        if hits.is_empty() {
            return Vec::new();
        }
        hits.sort_unstable();
        hits.dedup();
        let mut flags = Vec::new();
        let mut i = 0;
        while i < hits.len() {
            let rule_idx = hits[i].rule;
            let mut j = i;
            while j < hits.len() && hits[j].rule == rule_idx {
                j += 1;
            }
            let group = &hits[i..j];
            i = j;
            let Some(rule) = self.rules.get(rule_idx as usize) else {
                continue;
            };
            if !rule.applies_to_mask(comment_lang) || group.iter().any(|h| h.role == Role::Unless) {
                continue;
            }
            let needs = !rule.requires.is_empty() || !rule.requires_patterns.is_empty();
            if needs && !group.iter().any(|h| h.role == Role::Requires) {
                continue;
            }
            // One flag per rule and comment, at the leftmost match (the
            // longest of those starting there): labels are counted per
            // comment, and a moderator needs one place to look.
            let mut primary = group.iter().filter(|h| h.role == Role::Primary);
            let Some(first) = primary.next() else {
                continue;
            };
            let end = primary
                .take_while(|h| h.start == first.start)
                .fold(first.end, |e, h| e.max(h.end));
            let span = normalized.original_span(first.start..end);
            flags.push(Flag {
                rule_id: rule.id.clone(),
                scheme: rule.scheme,
                label: rule.label.clone(),
                severity: rule.severity,
                matched: text.get(span.clone()).unwrap_or("").to_string(),
                span,
                version: rule.version.clone(),
            });
        }
        flags.sort_by(|a, b| {
            (a.span.start, &a.rule_id, a.span.end).cmp(&(b.span.start, &b.rule_id, b.span.end))
        });
        flags
    }
}

/// Letters, digits and `_`: the characters a whole-word term may not touch
/// (the same set as regex `\w`, for Unicode letters too).
fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

fn word_before(text: &str, at: usize) -> bool {
    text.get(..at)
        .and_then(|s| s.chars().next_back())
        .is_some_and(is_word_char)
}

fn word_after(text: &str, at: usize) -> bool {
    text.get(at..)
        .and_then(|s| s.chars().next())
        .is_some_and(is_word_char)
}

fn validate(
    r: RawRule,
    scheme: Scheme,
    version: &str,
    source_name: &str,
) -> Result<Rule, RuleError> {
    let err = |field: &'static str, message: String| RuleError::Rule {
        source_name: source_name.to_string(),
        rule_id: r.id.clone(),
        field,
        message,
    };
    if r.id.trim().is_empty() {
        return Err(err("id", "expected an id, found nothing".into()));
    }
    if r.label.trim().is_empty() {
        return Err(err("label", "expected a label, found nothing".into()));
    }
    if r.lang.is_empty() {
        return Err(err(
            "lang",
            "expected at least one of `en`, `fr`, `*`, found `[]`".into(),
        ));
    }
    let mut langs = Vec::new();
    for l in &r.lang {
        if l == "*" {
            langs.clear();
            break;
        }
        if !LANGS.contains(&l.as_str()) {
            return Err(err(
                "lang",
                format!("expected `en`, `fr` or `*`, found `{l}`"),
            ));
        }
        langs.push(l.clone());
    }
    let severity = match r.severity {
        Some(s @ 1..=4) => Some(s as u8),
        Some(s) => return Err(err("severity", format!("expected 1 to 4, found {s}"))),
        None if scheme == Scheme::Safety => {
            return Err(err(
                "severity",
                "expected 1 to 4 (required for safety rules), found nothing".into(),
            ))
        }
        None => None,
    };
    if r.terms.is_empty() && r.patterns.is_empty() {
        return Err(err(
            "terms",
            "empty rule: expected at least one term or pattern".into(),
        ));
    }
    let norm_terms = |field: &'static str, terms: &[String]| -> Result<Vec<String>, RuleError> {
        terms
            .iter()
            .map(|t| {
                let n = normalize(t).text;
                if n.is_empty() {
                    Err(err(
                        field,
                        format!("term `{t}` is empty after normalisation"),
                    ))
                } else {
                    Ok(n)
                }
            })
            .collect()
    };
    let terms = norm_terms("terms", &r.terms)?;
    let unless = norm_terms("unless", &r.unless)?;
    let requires = norm_terms("requires", &r.requires)?;
    for (field, list) in [
        ("patterns", &r.patterns),
        ("unless_patterns", &r.unless_patterns),
        ("requires_patterns", &r.requires_patterns),
    ] {
        for p in list {
            compile_one(p).map_err(|e| err(field, format!("invalid regex `{p}`: {e}")))?;
        }
    }
    Ok(Rule {
        id: r.id.clone(),
        label: r.label.clone(),
        scheme,
        version: version.to_string(),
        source_name: source_name.to_string(),
        file_status: None,
        lang_mask: Rule::mask_of(&langs),
        langs,
        severity,
        terms,
        patterns: r.patterns.clone(),
        unless,
        unless_patterns: r.unless_patterns.clone(),
        requires,
        requires_patterns: r.requires_patterns.clone(),
        note: r.note.clone(),
        claim: r.claim.clone(),
    })
}

/// A pattern as the engine runs it: letters folded like text, `\b` and
/// `\B` made ASCII (see the module documentation for why).
fn prepare(pattern: &str) -> String {
    let folded = fold_pattern(pattern);
    let mut out = String::with_capacity(folded.len() + 8);
    let mut chars = folded.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some(b @ ('b' | 'B')) if chars.peek() != Some(&'{') => {
                out.push_str("(?-u:\\");
                out.push(b);
                out.push(')');
            }
            // NFKC has already made fullwidth and other compatibility
            // digits ASCII; an ASCII `\d` also gives the digits as gate
            // literals (see `gate_groups`), where Unicode's 700 do not.
            Some('d') => out.push_str("(?-u:\\d)"),
            Some('D') => out.push_str("(?-u:\\D)"),
            Some(other) => {
                out.push('\\');
                out.push(other);
            }
            None => out.push('\\'),
        }
    }
    out
}

fn compile_one(pattern: &str) -> Result<Regex, regex::Error> {
    RegexBuilder::new(&prepare(pattern)).build()
}

/// Gate groups for `pattern` (as prepared): sets of literals such that
/// every match contains one literal of each set. At most 8 groups, best
/// first; empty when there is none (the pattern then runs on every comment).
///
/// Candidates are the prefixes and suffixes of the whole pattern and the
/// prefixes of each part of a top-level concatenation (every match contains
/// a match of each part, so it contains one of that part's prefixes: this
/// finds `regret` in `\b(most|all)\b.{0,40}\bregret\w*`). A set is
/// usable when it is finite, not too large, and has no empty literal nor a
/// one-byte letter, digit or space (which would open on every comment).
/// Requiring all groups makes `\b\w+-(?:on|je|tu)\b.*\?` wait for a `-`,
/// one of the pronouns and a `?`, not just for `on`, which is in `question`.
fn gate_groups(pattern: &str) -> Vec<Vec<Vec<u8>>> {
    use regex_syntax::hir::{Hir, HirKind};
    fn parts(h: &Hir) -> &[Hir] {
        match h.kind() {
            HirKind::Concat(children) => children,
            HirKind::Capture(c) => parts(&c.sub),
            _ => std::slice::from_ref(h),
        }
    }
    let Ok(hir) = regex_syntax::Parser::new().parse(pattern) else {
        return Vec::new();
    };
    let mut candidates = Vec::new();
    let mut suffix = Extractor::new();
    suffix.kind(ExtractKind::Suffix);
    let mut seq = suffix.extract(&hir);
    seq.optimize_for_suffix_by_preference();
    candidates.push(seq);
    for part in std::iter::once(&hir).chain(parts(&hir)) {
        let mut seq = Extractor::new().extract(part);
        seq.optimize_for_prefix_by_preference();
        candidates.push(seq);
    }
    let mut groups: Vec<(usize, Vec<Vec<u8>>)> = candidates
        .iter()
        .filter_map(|seq| {
            let lits = seq.literals()?;
            let usable = |l: &[u8]| match l {
                [] => false,
                [b] => !b.is_ascii_alphabetic() && !b.is_ascii_whitespace(),
                _ => true,
            };
            if lits.is_empty() || lits.len() > 256 || !lits.iter().all(|l| usable(l.as_bytes())) {
                return None;
            }
            let min = lits.iter().map(|l| rarity(l.as_bytes())).min()?;
            let mut set: Vec<Vec<u8>> = lits.iter().map(|l| l.as_bytes().to_vec()).collect();
            set.sort();
            Some((min, set))
        })
        .collect();
    groups.sort_by(|a, b| {
        b.0.cmp(&a.0)
            .then(a.1.len().cmp(&b.1.len()))
            .then(a.1.cmp(&b.1))
    });
    groups.dedup_by(|a, b| a.1 == b.1);
    // Every literal found costs a little on every comment, so a group of
    // common short strings (`s `, `on`) is worth less than it saves: keep
    // the best group, and up to two more only if they are rare enough.
    let mut out: Vec<Vec<Vec<u8>>> = Vec::new();
    for (score, set) in groups {
        if out.is_empty() || (score >= 4 && out.len() < 3) {
            out.push(set);
        }
    }
    out
}

/// A rough rarity of a literal in comment text, for choosing gates: common
/// letters and space count 1, other letters 2, anything else 3 per byte.
fn rarity(lit: &[u8]) -> usize {
    lit.iter()
        .map(|b| match b {
            b' ' | b'e' | b't' | b'a' | b'o' | b'i' | b'n' | b's' | b'h' | b'r' | b'd' | b'l'
            | b'u' => 1,
            b'.' | b',' | b'\'' | b'!' => 1,
            b'a'..=b'z' => 2,
            b'0'..=b'9' => 3,
            _ => 4,
        })
        .sum()
}

/// Compiles the matcher. `gates` is false only in tests, to check that
/// gating never loses a match.
fn compile(rules: &[Rule], gating: bool) -> Result<Option<Matcher>, RuleError> {
    let mut index: HashMap<Vec<u8>, usize> = HashMap::new();
    let mut strings: Vec<Vec<u8>> = Vec::new();
    let mut uses: Vec<Vec<Use>> = Vec::new();
    let mut add = |s: &[u8], u: Use| {
        let i = *index.entry(s.to_vec()).or_insert_with(|| {
            strings.push(s.to_vec());
            uses.push(Vec::new());
            strings.len() - 1
        });
        if let Some(list) = uses.get_mut(i) {
            list.push(u);
        }
    };
    let mut patterns = Vec::new();
    let mut ungated = Vec::new();
    let mut groups: Vec<Vec<u32>> = Vec::new();
    let mut group_index: HashMap<Vec<Vec<u8>>, usize> = HashMap::new();
    let mut byte_groups: Vec<(u32, [u64; 4])> = Vec::new();
    for (ri, r) in rules.iter().enumerate() {
        let ri = ri as u32;
        for (role, list) in [
            (Role::Primary, &r.terms),
            (Role::Unless, &r.unless),
            (Role::Requires, &r.requires),
        ] {
            for t in list {
                add(t.as_bytes(), Use::Term(ri, role));
            }
        }
        let lists = [
            (Role::Primary, &r.patterns),
            (Role::Unless, &r.unless_patterns),
            (Role::Requires, &r.requires_patterns),
        ];
        for (role, list) in lists {
            for p in list {
                let prepared = prepare(p);
                let regex = RegexBuilder::new(&prepared)
                    .build()
                    .map_err(|e| RuleError::Build {
                        message: format!("`{}`: {e}", r.id),
                    })?;
                let pi = patterns.len() as u32;
                let mut gates = Vec::new();
                let sets = if gating {
                    gate_groups(&prepared)
                } else {
                    Vec::new()
                };
                for set in sets {
                    let g = *group_index.entry(set.clone()).or_insert_with(|| {
                        groups.push(Vec::new());
                        let g = (groups.len() - 1) as u32;
                        if set.iter().all(|l| l.len() == 1) {
                            // Single bytes (`?`, `@`, digits): a byte map of
                            // the comment answers these without the automaton
                            // reporting every digit.
                            let mut mask = [0u64; 4];
                            for b in set.iter().flatten() {
                                mask[usize::from(b >> 6)] |= 1 << (b & 63);
                            }
                            byte_groups.push((g, mask));
                        } else {
                            for l in &set {
                                add(l, Use::Gate(g));
                            }
                        }
                        groups.len() - 1
                    });
                    if let Some(users) = groups.get_mut(g) {
                        users.push(pi);
                    }
                    gates.push(g as u32);
                }
                if gates.is_empty() {
                    ungated.push(pi);
                }
                patterns.push(Pattern {
                    rule: ri,
                    role,
                    regex,
                    gates,
                });
            }
        }
    }
    if strings.is_empty() && patterns.is_empty() {
        return Ok(None);
    }
    let bounded = strings
        .iter()
        .map(|s| {
            let s = String::from_utf8_lossy(s);
            (
                s.chars().next().is_some_and(is_word_char),
                s.chars().next_back().is_some_and(is_word_char),
            )
        })
        .collect();
    let ac = if strings.is_empty() {
        None
    } else {
        Some(
            // A full DFA: a few MB for thousands of strings, and the
            // fastest for the overlapping search every comment needs.
            AhoCorasick::builder()
                .match_kind(MatchKind::Standard)
                .kind(Some(AhoCorasickKind::DFA))
                .build(&strings)
                .map_err(|e| RuleError::Build {
                    message: e.to_string(),
                })?,
        )
    };
    Ok(Some(Matcher {
        ac,
        uses,
        bounded,
        patterns,
        groups,
        byte_groups,
        ungated,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAFETY: &str = r#"
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

    const KMB: &str = r#"
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

    fn set() -> RuleSet {
        let a = RuleSet::from_toml_str(SAFETY, "safety.toml").unwrap();
        let b = RuleSet::from_toml_str(KMB, "kmb.toml").unwrap();
        RuleSet::merge([a, b]).unwrap()
    }

    fn ids(flags: &[Flag]) -> Vec<&str> {
        flags.iter().map(|f| f.rule_id.as_str()).collect()
    }

    #[test]
    fn term_matches_obfuscated_and_maps_back() {
        let set = set();
        let text = "omg just k y s already";
        let flags = set.classify(text, Some("en"));
        assert_eq!(ids(&flags), ["safety.threat.kys"]);
        let f = &flags[0];
        assert_eq!(f.matched, "k y s");
        assert_eq!(&text[f.span.clone()], "k y s");
        assert_eq!(f.severity, Some(4));
        assert_eq!(f.version, "safety-test.1");
        assert_eq!(f.scheme, Scheme::Safety);
        assert_eq!(
            f.explain(),
            "rule `safety.threat.kys` (severity 4, safety-test.1) matched `k y s` at 9..14"
        );
    }

    #[test]
    fn every_obfuscation_of_a_slur_is_found() {
        let set = set();
        for text in [
            "tr4nny",
            "t.r.a.n.n.y",
            "t r a n n y",
            "tr\u{0430}nny",
            "ｔｒａｎｎｙ",
            "tra\u{200B}nny",
            "TRANNNNY",
            "tr4nn13s",
        ] {
            let comment = format!("you {text}!!");
            let flags = set.classify(&comment, None);
            assert_eq!(ids(&flags), ["safety.slur.tranny"], "{comment}");
            assert_eq!(flags[0].matched, text, "{comment}");
        }
    }

    #[test]
    fn terms_match_whole_words_only() {
        let set = set();
        assert!(set.classify("your class was great", Some("en")).is_empty());
        assert!(set.classify("you passed", Some("en")).is_empty());
        assert_eq!(
            ids(&set.classify("you ass", Some("en"))),
            ["safety.insult.ass"]
        );
        assert_eq!(
            ids(&set.classify("you a$$.", Some("en"))),
            ["safety.insult.ass"]
        );
        assert!(set.classify("skyscraper kysing", Some("en")).is_empty());
    }

    #[test]
    fn unless_suppresses() {
        let set = set();
        assert!(set
            .classify("someone told me to kys, reported", Some("en"))
            .is_empty());
        assert!(set
            .classify("they wrote \"kys\" under her video", Some("en"))
            .is_empty());
        assert!(set.classify("« kys » is not ok", Some("en")).is_empty());
        assert_eq!(ids(&set.classify("kys", Some("en"))), ["safety.threat.kys"]);
        // Unless patterns.
        let fr = "il n'y a pas de thérapie pour ça";
        assert!(set.classify(fr, Some("fr")).is_empty());
    }

    #[test]
    fn requires_needs_a_companion_term() {
        let set = set();
        assert!(set.classify("the donkey is an ass", Some("en")).is_empty());
        assert_eq!(
            ids(&set.classify("ur an ass", Some("en"))),
            ["safety.insult.ass"]
        );
    }

    #[test]
    fn language_filter() {
        let set = set();
        assert_eq!(ids(&set.classify("kys", None)), ["safety.threat.kys"]);
        assert_eq!(
            ids(&set.classify("kys", Some("en-GB"))),
            ["safety.threat.kys"]
        );
        assert!(set.classify("kys", Some("fr")).is_empty());
        // `*` applies everywhere.
        assert_eq!(
            ids(&set.classify("tranny", Some("fr"))),
            ["safety.slur.tranny"]
        );
        assert_eq!(
            ids(&set.classify("tranny", Some("de"))),
            ["safety.slur.tranny"]
        );
    }

    #[test]
    fn patterns_match_normalised_text_and_french_accents() {
        let set = set();
        let text = "Join the 41% 😂😂";
        let flags = set.classify(text, Some("en"));
        assert_eq!(ids(&flags), ["safety.dogwhistle.41"]);
        assert_eq!(flags[0].matched, "Join the 41%");
        let text = "Je vais essayer la THERAPIE 🏳️‍⚧️";
        let flags = set.classify(text, Some("fr"));
        // One flag per rule: the leftmost match, here the term.
        assert_eq!(ids(&flags), ["kmb.intention.therapie"]);
        assert_eq!(flags[0].matched, "Je vais essayer la THERAPIE");
        let flags = set.classify("la thérapie m'aide", Some("fr"));
        assert_eq!(flags.len(), 1);
        assert_eq!(flags[0].matched, "thérapie");
        assert_eq!(flags[0].severity, None);
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

    fn error(text: &str) -> String {
        RuleSet::from_toml_str(text, "bad.toml")
            .unwrap_err()
            .to_string()
    }

    const HEAD: &str = "scheme = \"safety\"\nversion = \"v1\"\n";

    #[test]
    fn parse_errors_name_file_rule_and_field() {
        let rule = |body: &str| format!("{HEAD}[[rule]]\nid = \"r1\"\nlabel = \"x\"\n{body}\n");
        assert_eq!(
            error(&rule("lang = [\"de\"]\nseverity = 1\nterms = [\"a\"]")),
            "`bad.toml` rule `r1`, field `lang`: expected `en`, `fr` or `*`, found `de`"
        );
        assert_eq!(
            error(&rule("lang = [\"en\"]\nseverity = 1")),
            "`bad.toml` rule `r1`, field `terms`: empty rule: expected at least one term or pattern"
        );
        assert_eq!(
            error(&rule("lang = [\"en\"]\nseverity = 9\nterms = [\"a\"]")),
            "`bad.toml` rule `r1`, field `severity`: expected 1 to 4, found 9"
        );
        assert_eq!(
            error(&rule("lang = [\"en\"]\nterms = [\"a\"]")),
            "`bad.toml` rule `r1`, field `severity`: expected 1 to 4 (required for safety rules), found nothing"
        );
        let bad_regex = error(&rule("lang = [\"en\"]\nseverity = 1\npatterns = ['(kys']"));
        assert!(
            bad_regex.starts_with("`bad.toml` rule `r1`, field `patterns`: invalid regex `(kys`: "),
            "{bad_regex}"
        );
        assert!(bad_regex.contains("unclosed group"), "{bad_regex}");
        let look = error(&rule(
            "lang = [\"en\"]\nseverity = 1\nunless_patterns = ['(?=x)']\nterms = [\"a\"]",
        ));
        assert!(
            look.contains("field `unless_patterns`: invalid regex"),
            "{look}"
        );
        let dup = format!(
            "{HEAD}[[rule]]\nid = \"r1\"\nlabel = \"x\"\nlang = [\"*\"]\nseverity = 1\nterms = [\"a\"]\n\
             [[rule]]\nid = \"r1\"\nlabel = \"y\"\nlang = [\"*\"]\nseverity = 1\nterms = [\"b\"]\n"
        );
        assert_eq!(
            error(&dup),
            "`bad.toml` rule `r1`, field `id`: duplicate id, first defined in `bad.toml`"
        );
        assert_eq!(
            error("scheme = \"spam\"\nversion = \"v\"\n"),
            "`bad.toml`, field `scheme`: expected `kmb`, `safety` or `claims`, found `spam`"
        );
        let typo = error(&rule(
            "lang = [\"en\"]\nseverity = 1\nterms = [\"a\"]\nunles = [\"b\"]",
        ));
        assert!(
            typo.starts_with("`bad.toml`: ") && typo.contains("unles"),
            "{typo}"
        );
        let toml = error("scheme = ");
        assert!(toml.starts_with("`bad.toml`: "), "{toml}");
        let empty_term = error(&rule(
            "lang = [\"en\"]\nseverity = 1\nterms = [\"\\u200b\"]",
        ));
        assert!(empty_term.contains("field `terms`: term"), "{empty_term}");
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

    fn shipped() -> RuleSet {
        fn walk(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
            let Ok(entries) = std::fs::read_dir(dir) else {
                return;
            };
            for p in entries.flatten().map(|e| e.path()) {
                if p.is_dir() {
                    walk(&p, out);
                } else if p.extension().is_some_and(|e| e == "toml") {
                    out.push(p);
                }
            }
        }
        let mut paths = Vec::new();
        walk(
            &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("rules"),
            &mut paths,
        );
        paths.sort();
        let sets = paths.iter().map(|p| {
            let text = std::fs::read_to_string(p).unwrap();
            RuleSet::from_toml_str(&text, &p.display().to_string()).unwrap()
        });
        RuleSet::merge(sets.chain([set()])).unwrap()
    }

    /// Gating patterns by literals is only an optimisation: with and
    /// without it, the same flags, on comments made of the rules' own terms
    /// and pattern fragments in many contexts.
    #[test]
    fn gating_never_loses_a_match() {
        let gated = shipped();
        let mut ungated = gated.clone();
        ungated.matcher = compile(&gated.rules, false).unwrap();
        let mut pieces: Vec<String> = Vec::new();
        for r in gated.rules() {
            pieces.extend(r.terms.iter().cloned());
            pieces.extend(r.unless.iter().cloned());
            pieces.extend(r.requires.iter().cloned());
            for p in r
                .patterns
                .iter()
                .chain(&r.unless_patterns)
                .chain(&r.requires_patterns)
            {
                // Literal runs of the pattern, as plausible comment text.
                let lit: String = p
                    .chars()
                    .map(|c| {
                        if c.is_alphanumeric() || c == ' ' || c == '\'' {
                            c
                        } else {
                            ' '
                        }
                    })
                    .collect();
                pieces.push(lit.split_whitespace().collect::<Vec<_>>().join(" "));
            }
        }
        let extras = [
            "",
            "?",
            " @sam",
            " 12 ",
            "41%",
            "you",
            "ur",
            "not true",
            "😂",
            "\"",
            "!",
            " 3 weeks on t ",
        ];
        let mut checked = 0;
        let mut flagged = 0;
        for (i, a) in pieces.iter().enumerate() {
            let b = &pieces[(i * 7 + 3) % pieces.len()];
            let e = extras[i % extras.len()];
            for comment in [
                a.clone(),
                format!("{a}{e}"),
                format!("{e} {a}, {b}?"),
                format!("my doc said {a} {e} lol {b}"),
            ] {
                for lang in [None, Some("en"), Some("fr")] {
                    let x = gated.classify(&comment, lang);
                    let y = ungated.classify(&comment, lang);
                    assert_eq!(x, y, "{comment:?} {lang:?}");
                    checked += 1;
                    flagged += usize::from(!x.is_empty());
                }
            }
        }
        assert!(
            flagged * 2 > checked,
            "{flagged} of {checked}: the test comments should mostly match"
        );
    }

    /// The real rule files, written by hand under `crates/analysis/rules/`,
    /// all load, and load together.
    #[test]
    fn shipped_rule_files_load() {
        fn walk(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
            let Ok(entries) = std::fs::read_dir(dir) else {
                return;
            };
            for p in entries.flatten().map(|e| e.path()) {
                if p.is_dir() {
                    walk(&p, out);
                } else if p.extension().is_some_and(|e| e == "toml") {
                    out.push(p);
                }
            }
        }
        let mut paths = Vec::new();
        walk(
            &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("rules"),
            &mut paths,
        );
        paths.sort();
        let mut sets = Vec::new();
        for p in &paths {
            let text = std::fs::read_to_string(p).unwrap();
            let name = p.file_name().unwrap().to_string_lossy().to_string();
            sets.push(RuleSet::from_toml_str(&text, &name).unwrap_or_else(|e| panic!("{e}")));
        }
        let all = RuleSet::merge(sets).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(all.rules().is_empty(), paths.is_empty());
    }
}
