//! uptake's built-in rule files, embedded at compile time so that the binary
//! needs nothing from disk. Their sources are under `crates/analysis/rules/`
//! (see its README for how to write and extend rules); teams add their own
//! files in uptake.toml.

/// `(name, TOML text)` of every built-in rule file, in load order.
pub const FILES: &[(&str, &str)] = &[
    (
        "kmb/signals_en.toml",
        include_str!("../rules/kmb/signals_en.toml"),
    ),
    (
        "kmb/signals_fr.toml",
        include_str!("../rules/kmb/signals_fr.toml"),
    ),
    (
        "safety/safety_en.toml",
        include_str!("../rules/safety/safety_en.toml"),
    ),
    (
        "safety/safety_fr.toml",
        include_str!("../rules/safety/safety_fr.toml"),
    ),
    ("safety/pii.toml", include_str!("../rules/safety/pii.toml")),
    (
        "claims/gac_starter.toml",
        include_str!("../rules/claims/gac_starter.toml"),
    ),
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::rules::{RuleSet, Scheme};
    use crate::text::{Flag, FrameKind, Spared};

    fn builtin() -> RuleSet {
        RuleSet::merge(
            FILES
                .iter()
                .map(|(name, text)| RuleSet::from_toml_str(text, name).unwrap()),
        )
        .unwrap()
    }

    /// Safety and claims flags of `text` as `(rule id, matched words)`.
    fn flags(set: &RuleSet, text: &str, lang: Option<&str>) -> Vec<(String, String)> {
        set.classify(text, lang)
            .into_iter()
            .filter(|f: &Flag| f.scheme != Scheme::Kmb)
            .map(|f| (f.rule_id, f.matched))
            .collect()
    }

    #[test]
    fn every_builtin_file_loads_and_merges() {
        let sets: Vec<RuleSet> = FILES
            .iter()
            .map(|(name, text)| {
                RuleSet::from_toml_str(text, name).unwrap_or_else(|e| panic!("{name}: {e}"))
            })
            .collect();
        let all = RuleSet::merge(sets).unwrap();
        for s in [Scheme::Kmb, Scheme::Safety, Scheme::Claims] {
            assert!(all.scheme_version(s).is_some(), "{s} has rules");
        }
    }

    /// docs/safety.md ("What must not be flagged") and docs/claims.md
    /// (counter-speech): quoting hate or a claim after "saying", « écrivent »…
    /// or denying it ("not true that…") flags neither. These are the demo's
    /// counter-speech comments that were flagged by safety-2026.11.2 and
    /// claims-gac-2026.11.2, and the docs' own example.
    #[test]
    fn counter_speech_that_quotes_or_denies_is_not_flagged() {
        let set = builtin();
        for (text, lang) in [
            (
                "people in here saying 'it's a mental illness': every major medical body disagrees. stop.",
                Some("en"),
            ),
            // TikTok guessed French for this one in the demo.
            (
                "people in here saying 'it's a mental illness': every major medical body disagrees. stop.",
                Some("fr"),
            ),
            (
                "Ceux qui écrivent « maladie mentale » ici : lisez les études avant de commenter.",
                Some("fr"),
            ),
            (
                "people saying 'it's a mental illness': every medical body disagrees",
                Some("en"),
            ),
            (
                "people saying \u{201C}it\u{2019}s a mental illness\u{201D}: every medical body disagrees",
                None,
            ),
            (
                "that's not true that it's a mental illness, every medical body disagrees",
                Some("en"),
            ),
            (
                "it is false that being trans is a mental illness",
                Some("en"),
            ),
            (
                "it isn't true that trans people are mentally ill",
                Some("en"),
            ),
            (
                "c'est faux de dire que c'est une maladie mentale",
                Some("fr"),
            ),
            (
                "ce n'est pas vrai que c'est une maladie mentale",
                Some("fr"),
            ),
        ] {
            assert_eq!(flags(&set, text, lang), [] as [(String, String); 0], "{text}");
        }
    }

    /// A spared rule says why, with the rule and the words (docs/safety.md
    /// quotes this explanation).
    #[test]
    fn spared_counter_speech_is_explained() {
        let set = builtin();
        let c = set.classify_explained(
            "people in here saying 'it's a mental illness': every major medical body disagrees. stop.",
            Some("en"),
        );
        assert!(
            c.flags.iter().all(|f| f.scheme == Scheme::Kmb),
            "{:?}",
            c.flags
        );
        let lines: Vec<String> = c.spared.iter().map(|s| s.explain()).collect();
        assert_eq!(
            lines,
            [
                "rule `claims.mental_illness` (claims-gac-2026.11.3) matched `it's a mental illness` \
                 at 23..44, not flagged: counter-speech, quoted after `saying` at 15..21",
                "rule `safety.identity_hate.en_mental_illness` (severity 3, safety-2026.11.3) \
                 matched `it's a mental illness` at 23..44, not flagged: counter-speech, quoted \
                 after `saying` at 15..21",
            ]
        );
        let c = set.classify_explained(
            "that's not true that it's a mental illness, every medical body disagrees",
            Some("en"),
        );
        assert_eq!(
            c.spared.iter().map(|s| s.explain()).collect::<Vec<_>>(),
            [
                "rule `claims.mental_illness` (claims-gac-2026.11.3) matched `it's a mental \
                 illness` at 21..42, not flagged: silenced by the rule's `unless` cue `not true` \
                 at 7..15",
                "rule `safety.identity_hate.en_mental_illness` (severity 3, safety-2026.11.3) \
              matched `it's a mental illness` at 21..42, not flagged: counter-speech, denied by \
              `that's not true that` at 0..20"
            ]
        );
    }

    /// A rule silenced by its `unless` cue (a term or a pattern) says so,
    /// with the cue's words; the flags themselves do not change.
    #[test]
    fn unless_cue_is_explained() {
        let set = builtin();
        let text = "got called a tranny at work today, reported him";
        let c = set.classify_explained(text, Some("en"));
        assert_eq!(c.flags, set.classify(text, Some("en")));
        assert!(
            c.flags.iter().all(|f| f.label != "identity_hate"),
            "{:?}",
            c.flags
        );
        let lines: Vec<String> = c.spared.iter().map(|s| s.explain()).collect();
        assert!(
            lines
                .iter()
                .any(|l| l.starts_with("rule `safety.identity_hate.")
                    && l.contains("matched `tranny` at 13..19")
                    && l.ends_with(
                        "not flagged: silenced by the rule's `unless` cue `got called` at 0..10"
                    )),
            "{lines:?}"
        );
        // An `unless` pattern: the place of the words it matched.
        let text = "it's 5 km away, at 40 Oak Street";
        let c = set.classify_explained(text, Some("en"));
        assert!(
            c.flags.iter().all(|f| f.label != "doxxing"),
            "{:?}",
            c.flags
        );
        let address: Vec<&Spared> = c
            .spared
            .iter()
            .filter(|s| s.flag.rule_id == "safety.doxxing.pii_street_address_en")
            .collect();
        assert_eq!(address.len(), 1, "{:?}", c.spared);
        assert_eq!(address[0].flag.matched, "40 Oak Street");
        assert_eq!(address[0].frame, FrameKind::UnlessCue);
        assert_eq!(address[0].cue, "5 km away");
        assert_eq!(&text[address[0].cue_span.clone()], address[0].cue);
    }

    /// The same words said, not quoted or denied, are still flagged.
    #[test]
    fn the_claim_itself_is_still_flagged() {
        let set = builtin();
        let ids = |text: &str, lang| -> Vec<String> {
            flags(&set, text, lang)
                .into_iter()
                .map(|(id, _)| id)
                .collect()
        };
        assert_eq!(
            ids("it's a mental illness", Some("en")),
            [
                "claims.mental_illness",
                "safety.identity_hate.en_mental_illness"
            ]
        );
        assert_eq!(
            ids("it's a mental illness, not healthcare", Some("en")),
            [
                "claims.mental_illness",
                "safety.identity_hate.en_mental_illness"
            ]
        );
        // First person: an assertion, not a report.
        assert_eq!(
            ids("I'm just saying 'it's a mental illness'", Some("en")),
            [
                "claims.mental_illness",
                "safety.identity_hate.en_mental_illness"
            ]
        );
        // A question that asserts the claim is not a denial. (The claims
        // rule's own `unless = ["not true", …]` spares it for the whole
        // comment; the counter-speech frame does not hide the hate flag.)
        assert_eq!(
            ids("is it not true that it's a mental illness?", Some("en")),
            ["safety.identity_hate.en_mental_illness"]
        );
        // The denial covers its own clause only.
        assert_eq!(
            ids(
                "it's false that it's a phase. it's a mental illness",
                Some("en")
            ),
            [
                "claims.mental_illness",
                "safety.identity_hate.en_mental_illness"
            ]
        );
        assert_eq!(
            ids("c'est une maladie mentale, pas des soins", Some("fr")),
            [
                "claims.mental_illness",
                "safety.identity_hate.fr_maladie_mentale"
            ]
        );
    }

    /// A phone number or address given for a person, with a call to
    /// contact them, is doxxing (severity 4); help lines are not.
    #[test]
    fn shared_number_with_a_call_to_contact_is_doxxing() {
        let set = builtin();
        for text in [
            "her number is 555-0142, tell her what you think",
            "her number is 555-0199, go tell her",
            "his number: (555) 010-4477 call him and tell him",
            "text her at 555 0142 and let her know what you think lol",
            "son numéro c'est le 06 12 34 56 78, appelez-la",
        ] {
            let found = set.classify(text, None);
            let dox: Vec<&Flag> = found.iter().filter(|f| f.label == "doxxing").collect();
            assert!(!dox.is_empty(), "{text}: {found:?}");
            assert!(
                dox.iter().any(|f| f.severity == Some(4)),
                "{text}: {found:?}"
            );
        }
        for text in [
            "call the clinic at 555-0142 to get on the waiting list",
            "trans lifeline is 877-565-8860, call them if you need to talk",
            "her number is 3 on the waiting list, tell her to be patient",
            "my number is 555-0142 if anyone wants to talk",
            "her number one fear is the waiting list",
        ] {
            let found = set.classify(text, Some("en"));
            assert!(
                !found
                    .iter()
                    .any(|f| f.label == "doxxing" && f.severity == Some(4)),
                "{text}: {found:?}"
            );
        }
    }

    /// Selling prescription drugs without a prescription, with a shop link
    /// or shipping, is spam; talking about prescriptions is not.
    #[test]
    fn prescription_drugs_without_prescription_for_sale_is_spam() {
        let set = builtin();
        for (text, lang) in [
            (
                "cheap hormones no prescription, ships worldwide ➡️ https://hrt-no-rx.example/shop",
                Some("en"),
            ),
            (
                "estradiol without prescription, order now at www.pills.example",
                Some("en"),
            ),
            (
                "testosterone no rx needed, discreet shipping, dm to order",
                None,
            ),
            (
                "hormones sans ordonnance, livraison discrète : https://shop.example/hrt",
                Some("fr"),
            ),
        ] {
            let found = set.classify(text, lang);
            assert!(
                found
                    .iter()
                    .any(|f| f.label == "spam" && f.severity == Some(1)),
                "{text}: {found:?}"
            );
        }
        for text in [
            "you can't get hormones without a prescription here, the wait is 2 years",
            "people buying hormones without a prescription because the waiting lists are that long, it's scary",
            "is it safe to take hormones with no prescription? asking for a friend",
            "my clinic ships prescriptions by mail now https://clinic.example/pharmacy",
            "cheap hormones no prescription? that's a scam, reported https://hrt.example/shop",
        ] {
            let found = set.classify(text, Some("en"));
            assert!(
                !found.iter().any(|f| f.label == "spam"),
                "{text}: {found:?}"
            );
        }
    }
}
