//! Matching one comment: one pass of the automaton for terms (whole words
//! only) and gate literals, then the gated patterns, `unless` and
//! `requires` checked per rule, counter-speech frames for safety and
//! claims rules (see [`frame`](super::frame)), and one flag per rule at its
//! leftmost match outside those frames, mapped back to the original text.

use std::ops::Range;

use super::compile::Role;
use super::frame::{Frame, FrameCues};
use super::{lang_mask, Rule, RuleSet, Scheme, Scratch, MAX_ANALYSED_BYTES};
use crate::text::flag::Flag;
use crate::text::normalize::Normalized;
use crate::text::spared::{FrameKind, Spared};

/// How many further matches of a pattern are looked at when its first
/// match is framed as counter-speech (a bound on work for long comments).
const MAX_MATCHES_AFTER_FRAMED: usize = 16;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(super) struct Hit {
    rule: u32,
    role: Role,
    start: usize,
    end: usize,
}

/// The part of `text` that is read: its first [`MAX_ANALYSED_BYTES`], cut
/// at a character boundary.
fn analysed_part(text: &str) -> &str {
    if text.len() <= MAX_ANALYSED_BYTES {
        return text;
    }
    let mut end = MAX_ANALYSED_BYTES;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    text.get(..end).unwrap_or("")
}

/// Whether counter-speech frames apply to a rule of `scheme`: they do to
/// safety and claims rules, whose docs say counter-speech must not be
/// flagged, and not to knowledge-exchange signals.
fn framed_scheme(scheme: Scheme) -> bool {
    matches!(scheme, Scheme::Safety | Scheme::Claims)
}

/// The counter-speech frames of `norm`, found on first use per comment.
struct LazyFrames<'a> {
    cues: Option<&'a FrameCues>,
    norm: &'a str,
    frames: &'a mut Vec<Frame>,
    found: bool,
}

impl LazyFrames<'_> {
    /// The first frame covering `hit`, if any.
    fn covering(&mut self, hit: &Range<usize>) -> Option<&Frame> {
        if !self.found {
            self.found = true;
            match self.cues {
                Some(cues) => cues.find(self.norm, self.frames),
                None => self.frames.clear(),
            }
        }
        self.frames.iter().find(|f| f.covers(hit))
    }
}

/// [`RuleSet::classify_with`]: the flags `set` raises on `text`; with
/// `spared`, also the safety and claims rules that matched only inside
/// counter-speech frames.
pub(super) fn classify_with(
    set: &RuleSet,
    text: &str,
    lang: Option<&str>,
    scratch: &mut Scratch,
    mut spared: Option<&mut Vec<Spared>>,
) -> Vec<Flag> {
    let Scratch {
        normalizer,
        normalized,
        hits,
        open,
        opened,
        gated,
        frames,
    } = scratch;
    hits.clear();
    gated.clear();
    opened.clear();
    // Explaining also finds where the matches of rules silenced by an
    // `unless` cue are, which flagging alone skips.
    let explaining = spared.is_some();
    let Some(m) = &set.matcher else {
        return Vec::new();
    };
    open.resize(m.groups.len(), false);
    let text = analysed_part(text);
    normalizer.normalize_into(text, normalized);
    let norm = normalized.text.as_str();
    let mut frames = LazyFrames {
        cues: set.frame_cues.as_ref(),
        norm,
        frames,
        found: false,
    };
    if let Some(ac) = &m.ac {
        let nb = norm.as_bytes();
        for found in ac.find_overlapping_iter(norm) {
            let Some(su) = m.strings.get(found.pattern().as_usize()) else {
                continue;
            };
            let (start, end) = (found.start(), found.end());
            let (t0, t1) = su.terms;
            if t0 < t1 {
                // Whole-word check only for strings that are terms, once.
                let touches_start = su.need_start && word_before(nb, norm, start);
                let touches_end = su.need_end && word_after(nb, norm, end);
                if !touches_start && !touches_end {
                    for &(rule, role) in m.term_uses.get(t0 as usize..t1 as usize).unwrap_or(&[]) {
                        hits.push(Hit {
                            rule,
                            role,
                            start,
                            end,
                        });
                    }
                }
            }
            let (g0, g1) = su.gates;
            for &g in m.gate_uses.get(g0 as usize..g1 as usize).unwrap_or(&[]) {
                if let Some(o) = open.get_mut(g as usize) {
                    if !*o {
                        *o = true;
                        opened.push(g);
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
    // A pattern runs when all its gate groups opened; it is looked at
    // only from its first group, so once.
    for &g in opened.iter() {
        let (a, b) = m.groups.get(g as usize).copied().unwrap_or((0, 0));
        for &pi in m.first_users.get(a as usize..b as usize).unwrap_or(&[]) {
            let (c, d) = m.gate_ranges.get(pi as usize).copied().unwrap_or((0, 0));
            let all_open = m
                .pattern_gates
                .get(c as usize..d as usize)
                .unwrap_or(&[])
                .iter()
                .all(|&h| open.get(h as usize).copied().unwrap_or(false));
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
        set.rules
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
            && (explaining || !has(&hits[..terms_found], p.rule, Role::Unless))
        {
            let Some(found) = p.regex.find(norm).filter(|f| !f.is_empty()) else {
                continue;
            };
            hits.push(Hit {
                rule: p.rule,
                role: p.role,
                start: found.start(),
                end: found.end(),
            });
            // A framed first match: look on for one outside the frames,
            // which flags ("people saying 'x' are mentally ill").
            let framed = set
                .rules
                .get(p.rule as usize)
                .is_some_and(|r| framed_scheme(r.scheme));
            let mut at = found.end();
            let mut last = found.range();
            for _ in 0..MAX_MATCHES_AFTER_FRAMED {
                if !framed || frames.covering(&last).is_none() {
                    break;
                }
                let Some(next) = p.regex.find_at(norm, at).filter(|f| !f.is_empty()) else {
                    break;
                };
                hits.push(Hit {
                    rule: p.rule,
                    role: p.role,
                    start: next.start(),
                    end: next.end(),
                });
                at = next.end();
                last = next.range();
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
        let sorted = hits.len();
        for &i in gated.iter() {
            let Some(p) = m.patterns.get(i as usize) else {
                continue;
            };
            if !has(&hits[..sorted], p.rule, Role::Primary) {
                continue;
            }
            if explaining && p.role == Role::Unless {
                // Where the cue is, for the explanation.
                if let Some(found) = p.regex.find(norm) {
                    hits.push(Hit {
                        rule: p.rule,
                        role: p.role,
                        start: found.start(),
                        end: found.end(),
                    });
                }
            } else if p.regex.is_match(norm) {
                hits.push(Hit {
                    rule: p.rule,
                    role: p.role,
                    start: 0,
                    end: 0,
                });
            }
        }
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
        let Some(rule) = set.rules.get(rule_idx as usize) else {
            continue;
        };
        if !rule.applies_to_mask(comment_lang) {
            continue;
        }
        let needs = !rule.requires.is_empty() || !rule.requires_patterns.is_empty();
        if needs && !group.iter().any(|h| h.role == Role::Requires) {
            continue;
        }
        if let Some(cue) = group.iter().find(|h| h.role == Role::Unless) {
            // Silenced for the whole comment; explained at its leftmost
            // match when asked.
            let first = group.iter().find(|h| h.role == Role::Primary);
            if let (Some(out), Some(first)) = (spared.as_deref_mut(), first) {
                out.push(spared_match(
                    rule,
                    text,
                    normalized,
                    first,
                    FrameKind::UnlessCue,
                    cue.start..cue.end,
                ));
            }
            continue;
        }
        // One flag per rule and comment, at the leftmost match (the
        // longest of those starting there): labels are counted per
        // comment, and a moderator needs one place to look. Safety and
        // claims rules skip matches inside counter-speech frames.
        let framed = framed_scheme(rule.scheme);
        let mut spared_at: Option<(&Hit, FrameKind, Range<usize>)> = None;
        let mut primary = group
            .iter()
            .filter(|h| h.role == Role::Primary)
            .filter(|h| {
                if !framed {
                    return true;
                }
                let Some(frame) = frames.covering(&(h.start..h.end)) else {
                    return true;
                };
                if spared_at.is_none() {
                    spared_at = Some((h, frame.kind, frame.cue.clone()));
                }
                false
            });
        let Some(first) = primary.next() else {
            drop(primary);
            if let (Some(out), Some((hit, kind, cue))) = (spared.as_deref_mut(), spared_at) {
                out.push(spared_match(rule, text, normalized, hit, kind, cue));
            }
            continue;
        };
        let end = primary
            .take_while(|h| h.start == first.start)
            .fold(first.end, |e, h| e.max(h.end));
        flags.push(rule_flag(
            rule,
            text,
            normalized.original_span(first.start..end),
        ));
    }
    flags.sort_by(in_text_order);
    if let Some(out) = spared {
        out.sort_by(|a, b| in_text_order(&a.flag, &b.flag));
    }
    flags
}

/// The flag `rule` raises at `span` of the original `text`.
fn rule_flag(rule: &Rule, text: &str, span: Range<usize>) -> Flag {
    Flag {
        rule_id: rule.id.clone(),
        scheme: rule.scheme,
        label: rule.label.clone(),
        severity: rule.severity,
        matched: text.get(span.clone()).unwrap_or("").to_string(),
        span,
        version: rule.version.clone(),
    }
}

/// The match `hit` of `rule` that raised no flag because of the cue at
/// `cue` (both in the normalised text), as the commenter wrote them.
fn spared_match(
    rule: &Rule,
    text: &str,
    normalized: &Normalized,
    hit: &Hit,
    frame: FrameKind,
    cue: Range<usize>,
) -> Spared {
    let cue_span = normalized.original_span(cue);
    Spared {
        flag: rule_flag(rule, text, normalized.original_span(hit.start..hit.end)),
        frame,
        cue: text.get(cue_span.clone()).unwrap_or("").to_string(),
        cue_span,
    }
}

/// Flags in the order of the text: by where they start, then rule, then end.
fn in_text_order(a: &Flag, b: &Flag) -> std::cmp::Ordering {
    (a.span.start, &a.rule_id, a.span.end).cmp(&(b.span.start, &b.rule_id, b.span.end))
}

/// Letters, digits and `_`: the characters a whole-word term may not touch
/// (the same set as regex `\w`, for Unicode letters too).
pub(super) fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

fn word_before(bytes: &[u8], text: &str, at: usize) -> bool {
    match at.checked_sub(1).and_then(|i| bytes.get(i)) {
        None => false,
        Some(&b) if b.is_ascii() => b.is_ascii_alphanumeric() || b == b'_',
        Some(_) => text
            .get(..at)
            .and_then(|s| s.chars().next_back())
            .is_some_and(is_word_char),
    }
}

fn word_after(bytes: &[u8], text: &str, at: usize) -> bool {
    match bytes.get(at) {
        None => false,
        Some(&b) if b.is_ascii() => b.is_ascii_alphanumeric() || b == b'_',
        Some(_) => text
            .get(at..)
            .and_then(|s| s.chars().next())
            .is_some_and(is_word_char),
    }
}

#[cfg(test)]
mod tests {
    use crate::text::rules::tests::{ids, set};
    use crate::text::rules::Scheme;

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

    /// Only the first 64 KiB of a text are read, cut at a character
    /// boundary; spans still point into the original text.
    #[test]
    fn only_the_first_64_kib_are_read() {
        use crate::text::rules::MAX_ANALYSED_BYTES;
        let set = set();
        let filler = "é".repeat(MAX_ANALYSED_BYTES); // 2 bytes each
        let early = format!("kys {filler}");
        let flags = set.classify(&early, Some("en"));
        assert_eq!(ids(&flags), ["safety.threat.kys"]);
        assert_eq!(&early[flags[0].span.clone()], "kys");
        let late = format!("{filler} kys");
        assert!(set.classify(&late, Some("en")).is_empty());
        // The cut lands inside a two-byte character and moves back.
        let odd = format!("a{filler}");
        assert_eq!(super::analysed_part(&odd).len(), MAX_ANALYSED_BYTES - 1);
    }

    /// Counter-speech frames spare the matches inside them, not the
    /// comment: a slur outside the quote still flags, and the spared rule
    /// says why (rule, words, frame).
    #[test]
    fn counter_speech_frames_spare_matches_not_comments() {
        let set = set();
        let text = "people keep saying \u{201C}tr4nny\u{201D} like it's a normal word";
        let c = set.classify_explained(text, Some("en"));
        assert!(c.flags.is_empty(), "{:?}", c.flags);
        assert_eq!(c.spared.len(), 1);
        let s = &c.spared[0];
        assert_eq!(
            (s.flag.rule_id.as_str(), s.flag.matched.as_str()),
            ("safety.slur.tranny", "tr4nny")
        );
        assert_eq!(&text[s.flag.span.clone()], "tr4nny");
        assert_eq!(&text[s.cue_span.clone()], "saying");
        assert_eq!(
            s.explain(),
            "rule `safety.slur.tranny` (severity 3, safety-test.1) matched `tr4nny` at 22..28, \
             not flagged: counter-speech, quoted after `saying` at 12..18"
        );
        // `classify` gives the same flags and no explanations.
        assert!(set.classify(text, Some("en")).is_empty());

        // The same word outside the quote flags, at that word.
        let text = "people saying 'tranny' are trannies themselves";
        let flags = set.classify(text, Some("en"));
        assert_eq!(ids(&flags), ["safety.slur.tranny"]);
        assert_eq!(flags[0].matched, "trannies");

        // A denial covers its clause (patterns too).
        let c = set.classify_explained("it is false that you should join the 41%", Some("en"));
        assert!(c.flags.is_empty(), "{:?}", c.flags);
        assert_eq!(c.spared[0].cue, "it is false that");
        assert_eq!(c.spared[0].frame, crate::text::spared::FrameKind::Denial);
        let flags = set.classify("it is false that it helps. join the 41%", Some("en"));
        assert_eq!(ids(&flags), ["safety.dogwhistle.41"]);

        // Said in one's own voice: flagged.
        assert_eq!(
            ids(&set.classify("i'm just saying 'tranny'", Some("en"))),
            ["safety.slur.tranny"]
        );
        // Knowledge-exchange signals are not counter-speech.
        assert_eq!(
            ids(&set.classify("ils disent « je vais essayer la thérapie »", Some("fr"))),
            ["kmb.intention.therapie"]
        );
    }
}
