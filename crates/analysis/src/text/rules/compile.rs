//! Compiling rules into one matcher: every term (and `unless` / `requires`
//! term) in one Aho-Corasick automaton, patterns prepared for the
//! normalised text, and each pattern gated by the literals every match
//! must contain, so that only patterns worth running run (see the
//! [module documentation](super) for why).

use std::collections::HashMap;

use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};
use regex::{Regex, RegexBuilder};
use regex_syntax::hir::literal::{ExtractKind, Extractor};

use super::classify::is_word_char;
use super::Rule;
use crate::text::error::RuleError;
use crate::text::normalize::fold_pattern;

/// What a term or pattern does for its rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Role {
    /// A match raises a flag.
    Primary,
    /// Presence suppresses the rule's flags.
    Unless,
    /// Presence is needed for the rule's flags.
    Requires,
}

/// What one string of the automaton is used for.
#[derive(Debug, Clone, Copy)]
pub(super) enum Use {
    /// A term of rule `.0`, whole words only.
    Term(u32, Role),
    /// A literal of gate group `.0`.
    Gate(u32),
}

/// One rule's pattern, compiled.
#[derive(Debug, Clone)]
pub(super) struct Pattern {
    pub(super) rule: u32,
    pub(super) role: Role,
    pub(super) regex: Regex,
    /// Its gate groups: the pattern runs only when a literal of every
    /// group occurred.
    pub(super) gates: Vec<u32>,
}

/// What one automaton string does, as ranges into [`Matcher::term_uses`]
/// and [`Matcher::gate_uses`] (flat arrays: one cache line per match
/// instead of a separate allocation per string).
#[derive(Debug, Clone, Copy)]
pub(super) struct StrUses {
    /// Whether its first / last char is a word char.
    pub(super) need_start: bool,
    pub(super) need_end: bool,
    pub(super) terms: (u32, u32),
    pub(super) gates: (u32, u32),
}

/// Terms and pattern gates in one automaton, and the patterns.
#[derive(Debug, Clone)]
pub(super) struct Matcher {
    /// `None` when no rule has a term or a gated pattern.
    pub(super) ac: Option<AhoCorasick>,
    /// Per automaton string: where its uses are.
    pub(super) strings: Vec<StrUses>,
    /// Term uses of all strings: (rule, role), whole words only.
    pub(super) term_uses: Vec<(u32, Role)>,
    /// Gate uses of all strings: the gate groups they open.
    pub(super) gate_uses: Vec<u32>,
    pub(super) patterns: Vec<Pattern>,
    /// Per gate group (a set of literals, shared by all patterns that need
    /// it): the range of [`Matcher::first_users`] holding the patterns
    /// whose first gate it is (each gated pattern is listed once).
    pub(super) groups: Vec<(u32, u32)>,
    pub(super) first_users: Vec<u32>,
    /// Per pattern: the range of [`Matcher::pattern_gates`] holding its
    /// gate groups.
    pub(super) gate_ranges: Vec<(u32, u32)>,
    pub(super) pattern_gates: Vec<u32>,
    /// Gate groups made of single bytes, as a 256-bit mask each; they are
    /// checked against a byte map of the comment instead of the automaton.
    pub(super) byte_groups: Vec<(u32, [u64; 4])>,
    /// Patterns without a usable literal, run on every comment.
    pub(super) ungated: Vec<u32>,
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

pub(super) fn compile_one(pattern: &str) -> Result<Regex, regex::Error> {
    RegexBuilder::new(&prepare(pattern)).build()
}

/// Gate groups for `pattern` (as prepared): sets of literals such that
/// every match contains one literal of each set. At most 8 groups, best
/// first; empty when there is none (the pattern then runs on every comment).
///
/// Candidates are the prefixes and suffixes of the whole pattern, the
/// prefixes of each part of a top-level concatenation (every match contains
/// a match of each part, so it contains one of that part's prefixes: this
/// finds `regret` in `\b(most|all)\b.{0,40}\bregret\w*`), and the
/// prefixes (suffixes) of the runs of parts that start (end) at each part,
/// which span several words and so are rarer than any one part's. A set is
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
    // Every match also contains a match of each run of consecutive parts,
    // so the prefixes of `parts[i..]` and the suffixes of `parts[..=i]`
    // are gates too. They span several parts (`it's a thing`, not `it`),
    // which makes them rarer than any one part's literals; cut to
    // `GATE_BYTES` (still prefixes or suffixes) so the automaton stays small.
    let ps = parts(&hir);
    if ps.len() > 1 {
        let mut ex = Extractor::new();
        ex.limit_total(512);
        let mut rev = Extractor::new();
        rev.kind(ExtractKind::Suffix).limit_total(512);
        for i in 0..ps.len() {
            let mut seq = ex.extract(&Hir::concat(ps[i..].to_vec()));
            seq.keep_first_bytes(GATE_BYTES);
            seq.dedup();
            candidates.push(seq);
            let mut seq = rev.extract(&Hir::concat(ps[..=i].to_vec()));
            seq.keep_last_bytes(GATE_BYTES);
            seq.dedup();
            candidates.push(seq);
        }
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
            // (The pruning below keeps the rarest-scoring literal: one that
            // contains another scores higher.)
            let min = lits.iter().map(|l| rarity(l.as_bytes())).min()?;
            let mut set: Vec<Vec<u8>> = lits.iter().map(|l| l.as_bytes().to_vec()).collect();
            set.sort();
            set.dedup();
            // A literal that contains another of the set adds nothing: any
            // text with it has the shorter one too.
            let all = set.clone();
            set.retain(|l| {
                !all.iter()
                    .any(|k| k.len() < l.len() && l.windows(k.len()).any(|w| w == k.as_slice()))
            });

            // A large set is only a last resort (never an extra group).
            Some((if set.len() > MAX_SET { 0 } else { min }, set))
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
    // the best group, and up to three more only if they are rare enough.
    // (2026.11.2 rules, 100k benchmark comments: from 4.7 to 2.7 patterns
    // run per comment, and fewer automaton matches, 25.8 to 16.5.)
    let mut out: Vec<Vec<Vec<u8>>> = Vec::new();
    for (score, set) in groups {
        if out.is_empty() || (score >= MIN_EXTRA && out.len() < MAX_GROUPS) {
            out.push(set);
        }
    }
    out
}

/// Gate literals longer than this are cut (to a shorter prefix or
/// suffix, still a gate): long ones make the automaton big for no gain.
const GATE_BYTES: usize = 8;
/// Most literals in a gate group chosen when there are others.
const MAX_SET: usize = 64;
/// Least rarity (see [`rarity`]) of a gate group beyond the best one.
const MIN_EXTRA: usize = 5;
/// Most gate groups per pattern.
const MAX_GROUPS: usize = 4;

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
pub(super) fn compile(rules: &[Rule], gating: bool) -> Result<Option<Matcher>, RuleError> {
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
    let mut term_uses = Vec::new();
    let mut gate_uses = Vec::new();
    let str_uses = strings
        .iter()
        .zip(&uses)
        .map(|(s, us)| {
            let s = String::from_utf8_lossy(s);
            let t0 = term_uses.len() as u32;
            let g0 = gate_uses.len() as u32;
            for u in us {
                match *u {
                    Use::Term(rule, role) => term_uses.push((rule, role)),
                    Use::Gate(g) => gate_uses.push(g),
                }
            }
            StrUses {
                need_start: s.chars().next().is_some_and(is_word_char),
                need_end: s.chars().next_back().is_some_and(is_word_char),
                terms: (t0, term_uses.len() as u32),
                gates: (g0, gate_uses.len() as u32),
            }
        })
        .collect();
    let mut first_users = Vec::new();
    let group_ranges = (0..groups.len() as u32)
        .map(|g| {
            let a = first_users.len() as u32;
            first_users.extend(
                (0..patterns.len() as u32)
                    .filter(|&pi| patterns[pi as usize].gates.first() == Some(&g)),
            );
            (a, first_users.len() as u32)
        })
        .collect();
    let mut pattern_gates = Vec::new();
    let gate_ranges = patterns
        .iter()
        .map(|p: &Pattern| {
            let a = pattern_gates.len() as u32;
            pattern_gates.extend_from_slice(&p.gates);
            (a, pattern_gates.len() as u32)
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
        strings: str_uses,
        term_uses,
        gate_uses,
        patterns,
        groups: group_ranges,
        first_users,
        gate_ranges,
        pattern_gates,
        byte_groups,
        ungated,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::rules::tests::set;
    use crate::text::rules::RuleSet;

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
}
