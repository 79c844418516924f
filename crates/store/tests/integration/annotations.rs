//! Analysis results: incremental by rules version; reruns replace rule flags
//! and never touch review decisions.

use uptake_model::{Comment, Video};
use uptake_store::{Decision, NewAnnotation};

#[test]
fn reruns_replace_flags_and_keep_decisions() {
    let (_dir, _path, mut store) = super::fresh();
    let mut tx = store
        .begin_import(&super::new_import("c"), "tiktok")
        .unwrap();
    tx.video(&Video::with_id("75")).unwrap();
    for (id, text) in [("1", "kys"), ("2", "thank you")] {
        tx.comment(
            &Comment {
                platform_id: id.into(),
                video_id: "75".into(),
                text: text.into(),
                ..Comment::default()
            },
            "zeeschuimer",
            None,
        )
        .unwrap();
    }
    tx.commit(&[]).unwrap();

    let pending = store.pending_comments("safety", "v1").unwrap();
    assert_eq!(pending.len(), 2);
    let flag = |label: &str| NewAnnotation {
        label: label.into(),
        rule_id: "safety.threat.kys".into(),
        severity: Some(4),
        span: (0, 3),
        matched: "kys".into(),
    };
    let results = vec![
        (pending[0].id, vec![flag("self_harm_incitement")]),
        (pending[1].id, vec![]),
    ];
    assert_eq!(
        store.save_analysis("safety", "v1", 10, &results).unwrap(),
        1
    );
    assert!(
        store.pending_comments("safety", "v1").unwrap().is_empty(),
        "nothing left for the same version"
    );
    assert_eq!(
        store.pending_comments("safety", "v2").unwrap().len(),
        2,
        "a new version rereads everything"
    );
    assert_eq!(
        store.pending_comments("kmb", "v1").unwrap().len(),
        2,
        "schemes are independent"
    );

    assert!(store
        .decide(
            "1",
            "safety",
            Decision::Dismiss,
            "mod-a",
            Some("quoted"),
            20
        )
        .unwrap());
    assert!(!store
        .decide("999", "safety", Decision::Confirm, "mod-a", None, 21)
        .unwrap());
    // A comment with no flag of the scheme has nothing to decide on.
    assert!(!store
        .decide("1", "kmb", Decision::Escalate, "mod-a", None, 21)
        .unwrap());
    let (counts, analysed) = store.label_counts("safety", None).unwrap();
    assert_eq!(analysed, 2);
    assert!(
        counts.is_empty(),
        "a dismissed flag is not counted: {counts:?}"
    );

    // A rerun with a new version replaces the flag; the decision stays.
    store
        .save_analysis("safety", "v2", 30, &[(pending[0].id, vec![flag("threat")])])
        .unwrap();
    let flagged = store.flagged("safety", None).unwrap();
    assert_eq!(flagged.len(), 1);
    assert_eq!(flagged[0].label, "threat");
    assert_eq!(flagged[0].version, "v2");
    assert_eq!(flagged[0].decision.as_deref(), Some("dismiss"));
    store
        .decide("1", "safety", Decision::Confirm, "mod-b", None, 40)
        .unwrap();
    let (counts, _) = store
        .label_counts("safety", Some(&["75".to_string()]))
        .unwrap();
    assert_eq!(counts, vec![("threat".to_string(), 1)]);
}

/// The report's hostile comments exclude spam (a comment flagged only
/// `spam` was counted as hostile): the counts give each flagged comment's
/// set of labels once, so that a comment with two labels counts once.
#[test]
fn signal_counts_give_each_flagged_comment_its_label_set() {
    let (_dir, _path, mut store) = super::fresh();
    let mut tx = store
        .begin_import(&super::new_import("c"), "tiktok")
        .unwrap();
    tx.video(&Video::with_id("75")).unwrap();
    for id in ["1", "2", "3", "4", "5"] {
        tx.comment(
            &Comment {
                platform_id: id.into(),
                video_id: "75".into(),
                text: format!("comment {id}"),
                ..Comment::default()
            },
            "zeeschuimer",
            None,
        )
        .unwrap();
    }
    tx.commit(&[]).unwrap();
    let pending = store.pending_comments("safety", "v1").unwrap();
    let flag = |label: &str| NewAnnotation {
        label: label.into(),
        rule_id: format!("safety.{label}.x"),
        severity: Some(1),
        span: (0, 1),
        matched: "c".into(),
    };
    let id = |platform: &str| {
        pending
            .iter()
            .find(|p| p.text == format!("comment {platform}"))
            .map(|p| p.id)
            .unwrap()
    };
    let results = vec![
        (id("1"), vec![flag("spam")]),
        (id("2"), vec![flag("spam"), flag("identity_hate")]),
        (id("3"), vec![flag("harassment"), flag("harassment")]),
        (id("4"), vec![flag("harassment")]),
        (id("5"), vec![]),
    ];
    store.save_analysis("safety", "v1", 10, &results).unwrap();
    store
        .decide("4", "safety", Decision::Dismiss, "mod-a", None, 20)
        .unwrap();
    let counts = store.comment_signal_counts(None, &["safety"]).unwrap();
    let safety = &counts.schemes[0];
    assert_eq!(safety.analysed, 5);
    assert_eq!(safety.flagged_not_dismissed, 3);
    let set = |labels: &[&str], n: i64| (labels.iter().map(|l| l.to_string()).collect(), n);
    assert_eq!(
        safety.flagged_label_sets,
        vec![
            set(&["harassment"], 1),
            set(&["identity_hate", "spam"], 1),
            set(&["spam"], 1),
        ]
    );
    assert_eq!(
        safety.labels,
        vec![
            ("harassment".to_string(), 1),
            ("identity_hate".to_string(), 1),
            ("spam".to_string(), 2),
        ]
    );
}
