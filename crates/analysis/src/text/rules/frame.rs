//! Counter-speech frames: stretches of a comment where words that a safety
//! or claims rule matches are reported or denied rather than said.
//!
//! docs/safety.md and docs/claims.md ask that counter-speech which quotes
//! hate or a claim in order to reject it is not flagged. Rule files do this
//! with `unless` cues ("people saying", "reported", « mythe »), but those
//! silence a rule for the whole comment and only for the cues each rule
//! lists. The engine adds two frames that apply to every safety and claims
//! rule, and only to the matches inside them:
//!
//! - **reported quote**: the match lies inside quotation marks (`'…'`,
//!   `"…"`, `“…”`, `‘…’`, `« … »`, all folded to `'` or `"` by
//!   normalisation) whose opening mark follows an attributing phrase:
//!   "people saying", "they say", "he said", "claiming", "calling it",
//!   "people who write / think", "the word"; « ceux qui écrivent », « les
//!   gens qui disent », « dire », « prétendent », « affirment », « nous
//!   traitent de », « le mot ». First person and commands ("I'm just
//!   saying '…'", "say '…'") are assertions, not reports: no frame.
//! - **denial**: the match lies after "not true that", "(it is) false
//!   that", "a myth that", "a lie that", « pas vrai que », « faux de dire
//!   que », « faux que », within that clause (which ends at `.` `!` `?` `;`
//!   `:` `,` or "but" / « mais »). A denial asked as a question ("is it not
//!   true that…?", « n'est-il pas vrai que… ») asserts the claim: no frame.
//!
//! A rule whose every match is framed raises no flag; the engine records
//! the match and the frame as [`Spared`](crate::text::spared::Spared) for
//! [`RuleSet::classify_explained`](super::RuleSet::classify_explained). A
//! match outside every frame still flags, so "people saying 'trans rights'
//! are mentally ill" is flagged on "mentally ill".
//!
//! Frames are looked for only in comments where a safety or claims rule
//! matched, so clean comments pay nothing.

use std::ops::Range;

use regex::Regex;

use crate::text::error::RuleError;
use crate::text::spared::FrameKind;

/// How far before an opening quote the attributing phrase is looked for
/// (bytes of normalised text).
const CUE_LOOKBACK: usize = 64;
/// Longest quotation taken as a quote: hate and claims are quoted in a few
/// words, and an unbalanced mark must not frame the rest of a long comment.
const MAX_QUOTE: usize = 160;

/// Attributing phrases, matched at the end of the text before an opening
/// quote (normalised text: lowercase, no accents, `'` for apostrophes).
/// `who` is the word before the verb, for the first-person check.
const ATTRIBUTION: &str = r"(?x)
    (?:\b(?P<who>[a-z']+)\ )?
    (?P<cue>
        # English: reporting verbs, third person or participles.
        (?:saying|says|said|say|claiming|claims|claimed|claim|writing|writes|wrote|write
          |thinking|thinks|think|typing|typed|posting|posted|commenting|commented
          |yelling|screaming|shouting|repeating|repeats|repeat)
        | (?:calling|calls|called|call)\ (?:it|this|that|us|them|me|you|her|him|trans\ (?:people|kids|women|men)|being\ trans)
        | the\ (?:word|words|phrase|term|slur|claim|myth|idea|line|narrative|talking\ point)
        # French: « disent », « écrivent », « prétendent », « affirment », …
        | (?:disent|dire|dit|disant|disaient|ecrivent|ecrire|ecrit|ecrivant|pretendent|pretendre|pretend|pretendant
            |affirment|affirmer|affirme|affirmant|pensent|repetent|repeter|balancent|sortent)
        | (?:traitent|traiter|traite|traitant|traites|traitee|traitees)(?:\ (?:nous|vous|les|me|te|de\ tous))?\ de
        | (?:appellent|appeler|appelle|qualifient|qualifier)\ (?:ca|cela|nous|les|vous|me)(?:\ de)?
        | (?:le\ mot|les\ mots|l'expression|le\ terme|l'idee|le\ mythe)
    )
    (?:\ (?:that|like|things\ like|stuff\ like|shit\ like|crap\ like|que|des\ trucs\ comme|des\ choses\ comme))?
    \ ?[:,]?\ ?$";

/// Words before a reporting verb that make it the commenter's own
/// assertion ("I'm just saying '…'", « je dis "…" »), or a disclaimer
/// ("not saying '…' but…"): no frame.
const FIRST_PERSON: &[&str] = &[
    "i", "im", "i'm", "ima", "just", "we", "not", "je", "j'", "jte", "moi",
];

/// Bare English verbs that, at the start of a comment or sentence, are
/// commands ("say '…' if you agree"), not reports.
const COMMANDS: &[&str] = &["say", "claim", "write", "think", "repeat"];

/// Denials: the claim that follows is rejected.
const DENIAL: &str = r"(?x)
    \b(?:
        (?:(?:it'?s|its|it\ is|it|that'?s|thats|that\ is|that|it\ was|this\ is)\ )?
        (?:not\ true|isn'?t\ true|isnt\ true|untrue|false|not\ the\ case|a\ (?:lie|myth))
        (?:\ (?:to\ (?:say|claim|think)))?\ that\b
      | (?:(?:ce\ )?n'?est\ |c'?est\ |il\ est\ )?
        (?:pas\ vrai|faux|un\ mythe|un\ mensonge)
        (?:\ (?:de\ (?:dire|penser|croire|pretendre|affirmer)))?\ qu(?:e\b|')
    )";

/// Before a denial: a question that asserts ("is it not true that…?").
const QUESTION: &str = r"(?:\b(?:is|was|isn'?t|wasn'?t) it|n'?est-?il|n'?est-?ce|est-?ce) ?$";

/// Words that end a denial's clause.
const CLAUSE_ENDS: &[&str] = &[" but ", " mais ", " yet ", " though "];

/// The compiled cues, built once per rule set.
#[derive(Debug, Clone)]
pub(super) struct FrameCues {
    attribution: Regex,
    denial: Regex,
    question: Regex,
}

/// One frame found in a comment, in normalised byte offsets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Frame {
    pub(super) kind: FrameKind,
    /// The attributing phrase or the denial.
    pub(super) cue: Range<usize>,
    /// Reported quote: the text between the marks. Denial: from the start
    /// of the denial to the end of its clause.
    pub(super) scope: Range<usize>,
}

impl Frame {
    /// Whether a match at `hit` (normalised offsets) is inside the frame:
    /// wholly inside the quote, or inside the denial's clause. A match
    /// that runs on past the clause ("not true that it's a phase. it's a
    /// mental illness", matched from the first "it's") is not denied.
    pub(super) fn covers(&self, hit: &Range<usize>) -> bool {
        self.scope.start <= hit.start && hit.end <= self.scope.end
    }
}

impl FrameCues {
    pub(super) fn new() -> Result<FrameCues, RuleError> {
        let build = |re: &str| {
            Regex::new(re).map_err(|e| RuleError::Build {
                message: format!("counter-speech cues (a bug in uptake): {e}"),
            })
        };
        Ok(FrameCues {
            attribution: build(ATTRIBUTION)?,
            denial: build(DENIAL)?,
            question: build(QUESTION)?,
        })
    }

    /// The frames of normalised text `norm`, into `out` (cleared first).
    pub(super) fn find(&self, norm: &str, out: &mut Vec<Frame>) {
        out.clear();
        for quote in quotations(norm) {
            if let Some(cue) = self.attribution_before(norm, quote.start.saturating_sub(1)) {
                out.push(Frame {
                    kind: FrameKind::ReportedQuote,
                    cue,
                    scope: quote,
                });
            }
        }
        for m in self.denial.find_iter(norm) {
            let before = tail(norm, m.start(), 16);
            if self.question.is_match(before) {
                continue;
            }
            let end = clause_end(norm, m.end());
            if norm.as_bytes().get(end) == Some(&b'?') {
                continue;
            }
            out.push(Frame {
                kind: FrameKind::Denial,
                cue: m.range(),
                scope: m.start()..end,
            });
        }
    }

    /// The attributing phrase that ends just before the opening mark at
    /// `open`, if there is one and it is not the commenter's own voice.
    fn attribution_before(&self, norm: &str, open: usize) -> Option<Range<usize>> {
        let before = tail(norm, open, CUE_LOOKBACK);
        let offset = open - before.len();
        let caps = self.attribution.captures(before)?;
        let cue = caps.name("cue")?;
        match caps.name("who") {
            Some(who) if FIRST_PERSON.contains(&who.as_str()) => return None,
            // A command opens the sentence: "say 'kys' if you agree".
            None if COMMANDS.contains(&cue.as_str())
                && sentence_start(norm, offset + cue.start()) =>
            {
                return None
            }
            _ => {}
        }
        Some(offset + cue.start()..offset + cue.end())
    }
}

/// Whether `at` opens the text or a sentence of it.
fn sentence_start(text: &str, at: usize) -> bool {
    text.get(..at)
        .map(str::trim_end)
        .is_none_or(|b| b.is_empty() || b.ends_with(['.', '!', '?', ':', ';']))
}

/// At most `max` bytes of `text` before `at`, starting on a char boundary.
fn tail(text: &str, at: usize, max: usize) -> &str {
    let mut start = at.saturating_sub(max);
    while start < at && !text.is_char_boundary(start) {
        start += 1;
    }
    text.get(start..at).unwrap_or("")
}

/// Where the clause that goes on at `from` ends: the next `.` `!` `?` `;`
/// `:` `,`, "but" or « mais », or the end of the text.
fn clause_end(norm: &str, from: usize) -> usize {
    let rest = norm.get(from..).unwrap_or("");
    let mut end = rest
        .find(['.', '!', '?', ';', ':', ','])
        .unwrap_or(rest.len());
    for word in CLAUSE_ENDS {
        if let Some(i) = rest.get(..end).and_then(|r| r.find(word)) {
            end = i;
        }
    }
    from + end
}

/// The insides of the quotations of normalised text: `"…"` paired in
/// order, and `'…'` where the opening mark does not follow a letter and
/// the closing one is not followed by one, so apostrophes (`it's`,
/// `aujourd'hui`) are not marks. At most [`MAX_QUOTE`] bytes inside.
fn quotations(norm: &str) -> Vec<Range<usize>> {
    let b = norm.as_bytes();
    let word = |i: usize| {
        b.get(i)
            .is_some_and(|c| c.is_ascii_alphanumeric() || *c >= 0x80)
    };
    let space = |i: usize| b.get(i).is_none_or(|c| c.is_ascii_whitespace());
    let mut out = Vec::new();
    let mut open_double: Option<usize> = None;
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'"' => match open_double.take() {
                Some(o) => {
                    if i - (o + 1) <= MAX_QUOTE && i > o + 1 {
                        out.push(o + 1..i);
                    }
                }
                None => open_double = Some(i),
            },
            b'\'' if (i == 0 || !word(i - 1)) && !space(i + 1) => {
                // An opening single mark: find its closing one.
                let close = (i + 2..b.len().min(i + 2 + MAX_QUOTE))
                    .find(|&j| b[j] == b'\'' && !word(j + 1) && !space(j - 1));
                if let Some(j) = close {
                    out.push(i + 1..j);
                    i = j;
                }
            }
            _ => {}
        }
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frames(text: &str) -> Vec<(FrameKind, String, String)> {
        let cues = FrameCues::new().unwrap();
        let mut out = Vec::new();
        cues.find(text, &mut out);
        out.into_iter()
            .map(|f| (f.kind, text[f.cue].to_string(), text[f.scope].to_string()))
            .collect()
    }

    #[test]
    fn quotations_skip_apostrophes() {
        let q = |t: &str| -> Vec<String> {
            quotations(t)
                .into_iter()
                .map(|r| t[r].to_string())
                .collect()
        };
        assert_eq!(
            q("people saying 'it's a mental illness': no"),
            ["it's a mental illness"]
        );
        assert_eq!(
            q("ceux qui ecrivent \"maladie mentale\" ici"),
            ["maladie mentale"]
        );
        assert_eq!(q("it's the parents' choice, isn't it"), [] as [&str; 0]);
        assert_eq!(q("an unclosed \"quote goes on"), [] as [&str; 0]);
        assert_eq!(q("'a' and 'b'"), ["a", "b"]);
    }

    #[test]
    fn reported_quotes_and_denials_are_found() {
        assert_eq!(
            frames(
                "people in here saying 'it's a mental illness': every major medical body disagrees"
            ),
            [(
                FrameKind::ReportedQuote,
                "saying".to_string(),
                "it's a mental illness".to_string()
            )]
        );
        assert_eq!(
            frames("ceux qui ecrivent \"maladie mentale\" ici : lisez les etudes"),
            [(
                FrameKind::ReportedQuote,
                "ecrivent".to_string(),
                "maladie mentale".to_string()
            )]
        );
        assert_eq!(
            frames("that's not true that it's a mental illness, every medical body disagrees"),
            [(
                FrameKind::Denial,
                "that's not true that".to_string(),
                "that's not true that it's a mental illness".to_string()
            )]
        );
        assert_eq!(
            frames("c'est faux de dire que c'est une phase mais bon"),
            [(
                FrameKind::Denial,
                "c'est faux de dire que".to_string(),
                "c'est faux de dire que c'est une phase".to_string()
            )]
        );
        assert_eq!(
            frames("they keep calling us \"groomers\"")[0].1,
            "calling us"
        );
        assert_eq!(
            frames("it isn't true that they are mentally ill")[0].1,
            "it isn't true that"
        );
        assert_eq!(frames("they say 'it's a phase'")[0].1, "say");
        assert_eq!(
            frames("ils nous traitent de \"malades\"")[0].1,
            "traitent de"
        );
    }

    #[test]
    fn own_voice_commands_and_questions_are_not_frames() {
        for text in [
            "i'm just saying 'it's a mental illness'",
            "say 'kys' if you agree",
            "lol. say 'tranny' again",
            "not saying 'it's a phase' but it's a phase",
            "is it not true that it's a mental illness?",
            "it's not true that it's a mental illness?",
            "n'est-il pas vrai que c'est une maladie mentale",
            "it's a mental illness 'period'",
            "'it's a mental illness' lol",
        ] {
            assert_eq!(frames(text), [], "{text}");
        }
    }

    #[test]
    fn frames_cover_their_own_stretch() {
        let quote = Frame {
            kind: FrameKind::ReportedQuote,
            cue: 0..6,
            scope: 8..20,
        };
        assert!(quote.covers(&(8..20)));
        assert!(!quote.covers(&(7..20)));
        assert!(!quote.covers(&(8..21)));
        let denial = Frame {
            kind: FrameKind::Denial,
            cue: 0..13,
            scope: 0..30,
        };
        assert!(denial.covers(&(14..30)));
        assert!(!denial.covers(&(14..31)));
        assert!(!denial.covers(&(30..40)));
    }
}
