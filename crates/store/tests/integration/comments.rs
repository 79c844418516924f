//! Comments: merging captures, threads, coverage, erasure, and migrating a
//! schema-1 database.

use uptake_model::{Comment, Count, Metrics, Observation, SourceFormat, Video};
use uptake_store::Store;

fn comment(id: &str, parent: Option<&str>, author: &str, at: i64, likes: i64) -> Comment {
    Comment {
        platform_id: id.into(),
        video_id: "7500000000000000001".into(),
        parent_id: parent.map(Into::into),
        author_key: Some(author.into()),
        created_at: Some(at),
        text: format!("comment {id}"),
        likes: Some(Count::exact(likes)),
        observed_at: Some(1000 + likes),
        ..Comment::default()
    }
}

fn seeded() -> (tempfile::TempDir, Store) {
    let (dir, _path, mut store) = super::fresh();
    let mut tx = store
        .begin_import(&super::new_import("z"), "tiktok")
        .unwrap();
    tx.video(&Video {
        author_key: Some("u_author".into()),
        ..Video::with_id("7500000000000000001")
    })
    .unwrap();
    let raw = tx.raw("line 1", "{}").unwrap();
    tx.observation(
        &Observation {
            video_id: "7500000000000000001".into(),
            observed_at: 900,
            source: SourceFormat::Zeeschuimer,
            metrics: Metrics {
                comments: Some(Count::exact(10)),
                ..Metrics::default()
            },
        },
        Some(raw),
    )
    .unwrap();
    for c in [
        comment("1", None, "u_a", 10, 1),
        comment("2", Some("1"), "u_b", 20, 2),
        comment("3", Some("2"), "u_a", 30, 3),
        comment("4", None, "u_c", 15, 4),
        comment("5", Some("999"), "u_d", 5, 5),
    ] {
        let raw = tx.raw("line", "{\"x\":1}").unwrap();
        tx.comment(&c, "zeeschuimer", Some(raw)).unwrap();
    }
    // A later capture of comment 1 with more likes.
    tx.comment(&comment("1", None, "u_a", 10, 50), "zeeschuimer", None)
        .unwrap();
    let counts = tx.commit(&[]).unwrap();
    assert_eq!((counts.new_comments, counts.comment_captures), (5, 6));
    (dir, store)
}

#[test]
fn threads_are_depth_first_and_captures_merge() {
    let (_dir, store) = seeded();
    let rows = store.comment_threads(None).unwrap();
    let order: Vec<(&str, usize)> = rows
        .iter()
        .map(|r| (r.comment.platform_id.as_str(), r.depth))
        .collect();
    assert_eq!(
        order,
        vec![("1", 0), ("2", 1), ("3", 2), ("4", 0), ("5", 1)]
    );
    assert_eq!(
        rows[0].comment.likes,
        Some(Count::exact(50)),
        "the latest capture's likes win"
    );
    assert_eq!(rows[0].captures, 2);
}

#[test]
fn coverage_compares_held_with_the_platform_count() {
    let (_dir, store) = seeded();
    let cov = store.coverage().unwrap();
    assert_eq!(cov.len(), 1);
    assert_eq!(cov[0].comments_held, 5);
    assert_eq!(cov[0].replies_held, 3);
    assert_eq!(cov[0].platform_comments, Some(Count::exact(10)));
    assert_eq!(cov[0].comment_sources, "zeeschuimer");
}

#[test]
fn erasing_an_author_removes_their_comments_videos_and_raw_records() {
    let (_dir, mut store) = seeded();
    let erased = store.erase_author("u_a").unwrap();
    assert_eq!(erased.comments, 2);
    assert_eq!(erased.videos, 0);
    assert!(erased.raw_records >= 2);
    let left: Vec<String> = store
        .comment_threads(None)
        .unwrap()
        .into_iter()
        .map(|r| r.comment.platform_id)
        .collect();
    assert_eq!(
        left,
        vec!["4", "5", "2"],
        "orphan replies follow the roots, oldest first"
    );

    let erased = store.erase_author("u_author").unwrap();
    assert_eq!((erased.videos, erased.observations), (1, 1));
    assert_eq!(
        erased.comments, 3,
        "the video's remaining comments go with it"
    );
    assert_eq!(store.summary().unwrap().raw_records, 0);
}

#[test]
fn a_schema_1_database_is_migrated_with_its_data() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v1.db");
    {
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.execute_batch(include_str!("../../migrations/001_initial.sql"))
            .unwrap();
        conn.pragma_update(None, "user_version", 1).unwrap();
        conn.execute(
            "INSERT INTO videos (platform, platform_id, title) VALUES ('tiktok', '7500000000000000009', 'kept')",
            [],
        )
        .unwrap();
    }
    let store = Store::open(&path).unwrap();
    assert_eq!(
        store.schema_version().unwrap(),
        uptake_store::SCHEMA_VERSION
    );
    let videos = store.videos().unwrap();
    assert_eq!(videos[0].1.title.as_deref(), Some("kept"));
    assert!(store.comment_threads(None).unwrap().is_empty());
}

/// The search index is filled at commit (migration 007): new comments are
/// found, a rolled-back import leaves no entries, and a later capture that
/// changes an older comment's text replaces its entry.
#[test]
fn search_index_follows_imports_and_edited_texts() {
    let (_dir, mut store) = seeded();
    let ids = |store: &Store, q: &str| {
        let mut ids = store.search_comment_ids(q).unwrap();
        ids.sort();
        ids.len()
    };
    assert_eq!(ids(&store, "comment"), 5);
    assert_eq!(ids(&store, "zebra"), 0);

    // An import dropped before its commit indexes nothing.
    {
        let mut tx = store
            .begin_import(&super::new_import("dropped"), "tiktok")
            .unwrap();
        let mut c = comment("6", None, "u_e", 40, 1);
        c.text = "zebra crossing".into();
        tx.comment(&c, "zeeschuimer", None).unwrap();
    }
    assert_eq!(ids(&store, "zebra"), 0);

    // A later capture edits comment 4's text; comment 7 is new.
    let mut tx = store
        .begin_import(&super::new_import("later"), "tiktok")
        .unwrap();
    let mut edited = comment("4", None, "u_c", 15, 4);
    edited.text = "edited zebra".into();
    edited.observed_at = Some(5000);
    tx.comment(&edited, "zeeschuimer", None).unwrap();
    let mut fresh = comment("7", None, "u_f", 50, 1);
    fresh.text = "another zebra".into();
    tx.comment(&fresh, "zeeschuimer", None).unwrap();
    // A capture of comment 7 later in the same import changes its text too.
    fresh.text = "another okapi".into();
    fresh.observed_at = Some(6000);
    tx.comment(&fresh, "zeeschuimer", None).unwrap();
    tx.commit(&[]).unwrap();

    assert_eq!(ids(&store, "zebra"), 1, "only the edited comment 4");
    assert_eq!(ids(&store, "okapi"), 1, "comment 7 with its latest text");
    assert_eq!(
        ids(&store, "comment"),
        4,
        "comment 4 no longer says 'comment'"
    );
    // FTS5's own check, comparing the index with the comments' texts.
    let conn = rusqlite::Connection::open(store.path()).unwrap();
    conn.execute(
        "INSERT INTO comments_fts(comments_fts, rank) VALUES ('integrity-check', 1)",
        [],
    )
    .expect("the search index matches the comments");
}
