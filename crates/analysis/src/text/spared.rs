//! A rule match that raised no flag, because it is framed as counter-speech
//! or because the rule's `unless` cue is in the comment, with what a
//! moderator needs to see why.

use std::fmt::Write as _;
use std::ops::Range;

use serde::Serialize;

use super::Flag;

/// Why a match raised no flag: framed as counter-speech (see
/// docs/safety.md, "What must not be flagged"), or silenced by its rule's
/// `unless` cue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FrameKind {
    /// Inside quotation marks introduced by an attributing phrase
    /// ("people saying '…'", « ceux qui écrivent « … » »).
    ReportedQuote,
    /// After a denial in the same clause ("not true that…", « faux de
    /// dire que… »).
    Denial,
    /// Anywhere in a comment that holds one of the rule's `unless` cues
    /// ("reported", « signalé », a reclaiming cue): the cue silences the
    /// rule for the whole comment, whatever else the comment says.
    UnlessCue,
}

/// A rule that matched but raised no flag: a safety or claims rule whose
/// matches were all inside counter-speech frames, or any rule silenced by
/// its `unless` cue. The rule, the words it matched and the words of the
/// frame or cue, all as the commenter wrote them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Spared {
    /// The flag the rule would have raised: its rule, label, severity, the
    /// words it matched (the leftmost match) and the rule file's version.
    pub flag: Flag,
    /// Why it raised no flag.
    pub frame: FrameKind,
    /// Byte range of the cue (the attributing phrase, the denial or the
    /// `unless` cue) in the original comment text; empty when an `unless`
    /// pattern's place is unknown.
    pub cue_span: Range<usize>,
    /// The original text of the cue (`saying`, `that's not true that`).
    pub cue: String,
}

impl Spared {
    /// One line for a moderator: ``rule `claims.mental_illness`
    /// (claims-gac-2026.11.3) matched `it's a mental illness` at 23..44,
    /// not flagged: counter-speech, quoted after `saying` at 15..21``, or
    /// ``…, not flagged: silenced by the rule's `unless` cue `reported` at
    /// 0..8``.
    pub fn explain(&self) -> String {
        let f = &self.flag;
        let mut out = format!("rule `{}` (", f.rule_id);
        if let Some(s) = f.severity {
            let _ = write!(out, "severity {s}, ");
        }
        let _ = write!(out, "{}) matched `", f.version);
        push_escaped(&mut out, &f.matched);
        let _ = write!(out, "` at {}..{}, not flagged: ", f.span.start, f.span.end);
        out.push_str(match self.frame {
            FrameKind::ReportedQuote => "counter-speech, quoted after `",
            FrameKind::Denial => "counter-speech, denied by `",
            FrameKind::UnlessCue => "silenced by the rule's `unless` cue `",
        });
        push_escaped(&mut out, &self.cue);
        let _ = write!(out, "` at {}..{}", self.cue_span.start, self.cue_span.end);
        out
    }
}

/// Control characters escaped, so the explanation stays one line.
fn push_escaped(out: &mut String, text: &str) {
    for c in text.chars() {
        if c.is_control() {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::Scheme;

    #[test]
    fn explain_names_rule_words_and_frame() {
        let mut s = Spared {
            flag: Flag {
                rule_id: "claims.mental_illness".into(),
                scheme: Scheme::Claims,
                label: "mental_illness".into(),
                severity: None,
                span: 15..36,
                matched: "it's a mental illness".into(),
                version: "claims-gac-2026.11.3".into(),
            },
            frame: FrameKind::ReportedQuote,
            cue_span: 7..13,
            cue: "saying".into(),
        };
        assert_eq!(
            s.explain(),
            "rule `claims.mental_illness` (claims-gac-2026.11.3) matched `it's a mental illness` \
             at 15..36, not flagged: counter-speech, quoted after `saying` at 7..13"
        );
        s.flag.severity = Some(3);
        s.frame = FrameKind::Denial;
        s.cue = "not\ntrue that".into();
        assert_eq!(
            s.explain(),
            "rule `claims.mental_illness` (severity 3, claims-gac-2026.11.3) matched `it's a mental \
             illness` at 15..36, not flagged: counter-speech, denied by `not\\ntrue that` at 7..13"
        );
        s.frame = FrameKind::UnlessCue;
        s.cue = "reported".into();
        assert!(
            s.explain()
                .ends_with("not flagged: silenced by the rule's `unless` cue `reported` at 7..13"),
            "{}",
            s.explain()
        );
    }
}
