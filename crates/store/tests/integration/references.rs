//! References between rows: an import writes them without SQLite checking
//! each one (they point only at rows it has just written or found), and the
//! checks, with the deletes they cascade, are back once the import ends.

use uptake_model::{Comment, Observation, SourceFormat, Video};
use uptake_store::{NewAnnotation, Store};

const VIDEO: &str = "7500000000000000011";

/// Imports one comment of `u_gone` under [`VIDEO`] and flags it.
fn import_and_flag(store: &mut Store) {
    let mut tx = store
        .begin_import(&super::new_import("flagged"), "tiktok")
        .unwrap();
    tx.video(&Video::with_id(VIDEO)).unwrap();
    let comment = Comment {
        platform_id: "1".into(),
        video_id: VIDEO.into(),
        author_key: Some("u_gone".into()),
        text: "kys".into(),
        ..Comment::default()
    };
    tx.comment(&comment, "zeeschuimer", None).unwrap();
    tx.commit(&[]).unwrap();
    let pending = store.pending_comments("safety", "v1").unwrap();
    let flag = NewAnnotation {
        label: "threat".into(),
        rule_id: "safety.threat.kys".into(),
        severity: Some(4),
        span: (0, 3),
        matched: "kys".into(),
    };
    store
        .save_analysis("safety", "v1", 10, &[(pending[0].id, vec![flag])])
        .unwrap();
}

fn annotations(path: &std::path::Path) -> i64 {
    rusqlite::Connection::open(path)
        .unwrap()
        .query_row("SELECT count(*) FROM annotations", [], |r| r.get(0))
        .unwrap()
}

/// Annotations hold the words a rule matched: erasing their comment must
/// erase them, which the database does by cascading the delete, so the
/// import must leave SQLite's reference checks switched on again, whether
/// it was committed or dropped.
#[test]
fn an_erased_comment_takes_its_flags_with_it_after_imports_committed_or_dropped() {
    let (_dir, path, mut store) = super::fresh();
    import_and_flag(&mut store);
    {
        let mut dropped = store
            .begin_import(&super::new_import("dropped import"), "tiktok")
            .unwrap();
        dropped
            .video(&Video::with_id("7500000000000000012"))
            .unwrap();
    }
    assert_eq!(annotations(&path), 1);
    let erased = store.erase_author("u_gone").unwrap();
    assert_eq!(erased.comments, 1);
    assert_eq!(annotations(&path), 0, "the erased comment's flag is left");
}

/// Debug builds (every test) check every reference before an import's
/// commit; a dangling one is refused and nothing is stored.
#[cfg(debug_assertions)]
#[test]
fn an_import_writing_a_reference_to_no_row_is_refused_before_its_commit() {
    let (_dir, _path, mut store) = super::fresh();
    let mut tx = store
        .begin_import(&super::new_import("dangling"), "tiktok")
        .unwrap();
    let observation = Observation {
        video_id: VIDEO.into(),
        observed_at: 10,
        source: SourceFormat::ManualTemplate,
        metrics: Default::default(),
    };
    // No raw record 424242 exists.
    tx.observation(&observation, Some(424_242)).unwrap();
    let err = tx.commit(&[]).unwrap_err().to_string();
    assert!(
        err.contains("`observations` referring to a row of `raw_records` that does not exist"),
        "{err}"
    );
    let s = store.summary().unwrap();
    assert_eq!((s.imports, s.videos, s.observations), (0, 0, 0));
}
