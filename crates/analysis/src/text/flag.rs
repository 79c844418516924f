//! A rule match on one comment, with what a moderator needs to see why.

use std::fmt::Write as _;
use std::ops::Range;

use serde::Serialize;

use super::rules::Scheme;

/// One rule matching one stretch of one comment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Flag {
    /// The rule's id, e.g. `safety.threat.kys`.
    pub rule_id: String,
    /// The scheme of the rule's file.
    pub scheme: Scheme,
    /// The label the rule assigns.
    pub label: String,
    /// Severity 1..=4 (always present for `safety` rules).
    pub severity: Option<u8>,
    /// Byte range of the match in the original comment text.
    pub span: Range<usize>,
    /// The original text of the match, as the commenter wrote it
    /// (`t.r.4.n.n.y`, not the normalised `tranny`).
    pub matched: String,
    /// Version of the rule file the rule came from.
    pub version: String,
}

impl Flag {
    /// One line for a moderator: ``rule `safety.threat.kys` (severity 4,
    /// safety-2026.11.1) matched `k y s` at 12..17``. Control characters in
    /// the matched text are escaped so the line stays one line.
    pub fn explain(&self) -> String {
        let mut out = format!("rule `{}` (", self.rule_id);
        if let Some(s) = self.severity {
            let _ = write!(out, "severity {s}, ");
        }
        let _ = write!(out, "{}) matched `", self.version);
        for c in self.matched.chars() {
            if c.is_control() {
                out.extend(c.escape_default());
            } else {
                out.push(c);
            }
        }
        let _ = write!(out, "` at {}..{}", self.span.start, self.span.end);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn explain_reads_as_one_line() {
        let mut flag = Flag {
            rule_id: "safety.threat.kys".into(),
            scheme: Scheme::Safety,
            label: "self_harm_incitement".into(),
            severity: Some(4),
            span: 12..17,
            matched: "k y s".into(),
            version: "safety-2026.11.1".into(),
        };
        assert_eq!(
            flag.explain(),
            "rule `safety.threat.kys` (severity 4, safety-2026.11.1) matched `k y s` at 12..17"
        );
        flag.severity = None;
        flag.matched = "k\ny".into();
        assert_eq!(
            flag.explain(),
            "rule `safety.threat.kys` (safety-2026.11.1) matched `k\\ny` at 12..17"
        );
    }
}
