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
