//! Comment analysis through the CLI: analyze, review decisions that survive
//! reruns, flags as filters, moderation export, eval.

use super::Sandbox;

fn demo() -> Sandbox {
    let sb = Sandbox::new();
    let run = sb.run(&["demo", "p"]).ok();
    assert!(
        run.stdout.contains("safety: 545 comments analysed"),
        "the demo analyses its comments:\n{}",
        run.stdout
    );
    sb
}

#[test]
fn analysis_is_incremental_and_finds_the_pile_on() {
    let sb = demo();
    let again = sb.run_in("p", &["analyze"]).ok().stdout;
    assert!(
        again.contains("safety: 0 comments analysed"),
        "nothing new to read: {again}"
    );
    // The example's pile-on: video 8, a burst of hostile comments in two
    // hours. Before the counter-speech fix two counter-speech comments
    // counted as hostile and stretched it to "between 00:56 and 03:47" for
    // a "2-hour window"; the line now says how long it lasted.
    assert!(
        again.contains(
            "pile-on on video 7584968082523016486: 12 hostile comments between \
             2025-12-19 02:02 UTC and 2025-12-19 03:47 UTC (1 h 44 min, within one \
             2-hour window; baseline 0.10 per 2 hours)\n"
        ),
        "{again}"
    );
}

/// The demo's counter-speech (truth: `counter_speech`) is in no queue, and
/// its doxxing with a 7-digit number and its prescription-drug spam
/// (truth: `doxxing`, `spam`) are flagged, with rule and words.
#[test]
fn counter_speech_is_spared_and_doxxing_and_spam_are_flagged() {
    let sb = demo();
    let safety = sb
        .run_in("p", &["review", "--format", "csv", "--limit", "500"])
        .ok()
        .stdout;
    let claims = sb
        .run_in(
            "p",
            &[
                "review", "--scheme", "claims", "--format", "csv", "--limit", "500",
            ],
        )
        .ok()
        .stdout;
    for counter in [
        "people in here saying 'it's a mental illness'",
        "Ceux qui écrivent « maladie mentale » ici",
    ] {
        assert!(!safety.contains(counter), "{counter}\n{safety}");
        assert!(!claims.contains(counter), "{counter}\n{claims}");
    }
    // The hateful comment with the same words is still flagged.
    assert!(
        safety.lines().any(|l| l.contains(
            "safety.identity_hate.en_mental_illness,it's a mental illness,,\"it's a mental illness, not healthcare\""
        )),
        "{safety}"
    );
    assert!(
        safety.lines().any(|l| l.starts_with("4,doxxing,")
            && l.contains(",safety.doxxing.en_contact_call,her number is 555-0142,")),
        "{safety}"
    );
    assert!(
        safety.lines().any(|l| l.starts_with("1,spam,")
            && l.contains(",safety.spam.rx_no_prescription,no prescription,")),
        "{safety}"
    );
}

#[test]
fn review_queue_explains_flags_and_decisions_survive_reruns() {
    let sb = demo();
    let csv = sb
        .run_in("p", &["review", "--format", "csv", "--limit", "500"])
        .ok()
        .stdout;
    let header: Vec<&str> = csv.lines().next().unwrap().split(',').collect();
    for key in ["severity", "label", "rule_id", "matched", "decision"] {
        assert!(header.contains(&key), "{header:?}");
    }
    // Most severe first.
    let sev = header.iter().position(|h| *h == "severity").unwrap();
    let first: i64 = csv
        .lines()
        .nth(1)
        .unwrap()
        .split(',')
        .nth(sev)
        .unwrap()
        .parse()
        .unwrap();
    assert_eq!(first, 4, "{csv}");
    // The obfuscated "k y s" is caught and its span maps back to the original.
    assert!(csv.contains("k y s"), "{csv}");

    let ci = header.iter().position(|h| *h == "comment_id").unwrap();
    let comment = csv
        .lines()
        .nth(1)
        .unwrap()
        .split(',')
        .nth(ci)
        .unwrap()
        .to_string();
    let run = sb
        .run_in(
            "p",
            &[
                "review",
                "decide",
                &comment,
                "--dismiss",
                "--reviewer",
                "sam",
                "--note",
                "test",
            ],
        )
        .ok();
    assert!(
        run.stdout.contains("recorded: safety dismiss"),
        "{}",
        run.stdout
    );
    let queue = sb
        .run_in("p", &["review", "--format", "csv", "--limit", "500"])
        .ok()
        .stdout;
    assert!(
        !queue.contains(&comment),
        "a decided comment leaves the queue"
    );
    // Force a full rerun by pretending the rules changed: the decision stays.
    let conn = rusqlite::Connection::open(sb.path().join("p/.uptake/uptake.db")).unwrap();
    conn.execute("UPDATE analysis_runs SET version = 'old'", [])
        .unwrap();
    drop(conn);
    let rerun = sb
        .run_in("p", &["analyze", "--scheme", "safety"])
        .ok()
        .stdout;
    assert!(rerun.contains("safety: 545 comments analysed"), "{rerun}");
    let all = sb
        .run_in(
            "p",
            &["review", "--all", "--format", "csv", "--limit", "500"],
        )
        .ok()
        .stdout;
    let line = all.lines().find(|l| l.contains(&comment)).unwrap();
    assert!(line.contains("dismiss"), "{line}");
    sb.run_in(
        "p",
        &["review", "decide", "123", "--confirm", "--reviewer", "sam"],
    )
    .fails_with(1);
    sb.run_in("p", &["review", "decide", &comment, "--reviewer", "sam"])
        .fails_with(1);
}

#[test]
fn flags_filter_comments_and_feed_the_indicators() {
    let sb = demo();
    let questions = sb
        .run_in(
            "p",
            &["comments", "--flag", "kmb:question", "--format", "csv"],
        )
        .ok()
        .stdout;
    assert!(questions.lines().count() > 10, "{questions}");
    sb.run_in("p", &["comments", "--flag", "nope"])
        .fails_with(1);
    let md = sb.run_in("p", &["report", "--format", "md"]).ok().stdout;
    let q = md
        .lines()
        .find(|l| l.contains("| question\\_rate |"))
        .unwrap();
    assert!(!q.contains("not measured"), "{q}");
    let h = md
        .lines()
        .find(|l| l.contains("| hostile\\_comment\\_rate |"))
        .unwrap();
    assert!(h.contains('%'), "{h}");
}

#[test]
fn moderation_export_is_pseudonymised_and_formula_safe() {
    let sb = demo();
    let csv = sb.run_in("p", &["export", "moderation"]).ok().stdout;
    assert!(csv.lines().count() > 20, "{csv}");
    assert!(!csv.contains("syn_user_0117,"), "no handles as authors");
    let header: Vec<&str> = csv.lines().next().unwrap().split(',').collect();
    let ai = header.iter().position(|h| *h == "author").unwrap();
    assert!(
        csv.lines()
            .skip(1)
            .all(|l| l.split(',').nth(ai).is_some_and(|a| a.starts_with("u_")
                || a.starts_with("@synthetic_kmb_lab")
                || a.is_empty())),
        "{csv}"
    );
    // The people comments @mention (often the targets of the hate) are
    // pseudonymised too, in the export and in every comment listing; the
    // demo's comments mention `@syn_user_…` handles.
    assert!(csv.contains("@u_"), "{csv}");
    for args in [
        &["export", "moderation"][..],
        &["comments", "--format", "csv"],
        &["comments", "--format", "json"],
        &["review", "--all"],
    ] {
        let out = sb.run_in("p", args).ok().stdout;
        assert!(!out.contains("@syn_user"), "{args:?}: {out}");
    }
    // A project that keeps handles shows them as written.
    let config = sb.path().join("p/uptake.toml");
    let text = std::fs::read_to_string(&config).unwrap();
    std::fs::write(
        &config,
        text.replace("store_handles = false", "store_handles = true"),
    )
    .unwrap();
    let out = sb.run_in("p", &["comments", "--format", "csv"]).ok().stdout;
    assert!(out.contains("@syn_user"), "{out}");
}

#[test]
fn eval_prints_per_label_scores() {
    let sb = Sandbox::new();
    sb.project();
    let devset = format!(
        "{}/../analysis/devsets/safety.csv",
        env!("CARGO_MANIFEST_DIR")
    );
    let out = sb
        .run_in(
            "p",
            &["eval", "--scheme", "safety", &devset, "--format", "csv"],
        )
        .ok()
        .stdout;
    assert!(
        out.starts_with("label,tp,fp,fn,tn,precision,recall,f1"),
        "{out}"
    );
    assert!(out.contains("identity_hate,"), "{out}");
    assert!(out.lines().any(|l| l.starts_with("micro,")), "{out}");
    sb.run_in("p", &["eval", "--scheme", "safety", "missing.csv"])
        .fails_with(1);
}

/// `--errors` lists each disagreement with why: the rule and words of a
/// false alarm, the spared rule of a miss, or that nothing matched.
#[test]
fn eval_errors_say_why() {
    let sb = Sandbox::new();
    sb.project();
    let labelled = sb.write(
        "p/labelled.csv",
        "id,lang,text,labels\n\
         a1,en,got called a tranny at work today reported him,identity_hate\n\
         a2,en,kys freak,\n\
         a3,en,thank you for this video,\n\
         a4,en,nice tits for a dude,identity_hate\n"
            .as_bytes(),
    );
    let out = sb
        .run_in(
            "p",
            &[
                "eval", "--scheme", "safety", &labelled, "--errors", "--format", "csv",
            ],
        )
        .ok()
        .stdout;
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines[0], "id,label,error,text,why", "{out}");
    let row = |id: &str, label: &str| {
        lines
            .iter()
            .find(|l| l.starts_with(&format!("{id},{label},")))
            .copied()
            .unwrap_or_else(|| panic!("no {id} {label} in {out}"))
    };
    let silenced = row("a1", "identity_hate");
    assert!(silenced.contains(",missed,"), "{silenced}");
    assert!(
        silenced.contains("matched `tranny`")
            && silenced.contains("silenced by the rule's `unless` cue `got called`"),
        "{silenced}"
    );
    let alarm = row("a2", "self_harm_incitement");
    assert!(
        alarm.contains(",false alarm,") && alarm.contains("matched `kys`"),
        "{alarm}"
    );
    assert!(
        row("a4", "identity_hate").ends_with(",no rule for this label matched"),
        "{out}"
    );
    assert!(!out.contains("a3,"), "an agreement is not listed: {out}");
}

#[test]
fn claim_prevalence_by_week_and_video() {
    let sb = demo();
    let csv = sb.run_in("p", &["claims", "--format", "csv"]).ok().stdout;
    assert!(
        csv.starts_with("label,week,flagged,analysed,share"),
        "{csv}"
    );
    assert!(
        csv.lines().any(|l| l.starts_with("mental_illness,20")),
        "{csv}"
    );
    let by_video = sb
        .run_in("p", &["claims", "--by", "video", "--format", "csv"])
        .ok()
        .stdout;
    assert!(
        by_video
            .lines()
            .skip(1)
            .all(|l| l.split(',').nth(1).is_some_and(|v| v.len() == 19)),
        "{by_video}"
    );
    let kmb = sb
        .run_in(
            "p",
            &[
                "claims", "--scheme", "kmb", "--by", "month", "--format", "csv",
            ],
        )
        .ok()
        .stdout;
    assert!(kmb.contains("question,2025-"), "{kmb}");
}
