//! The right to erasure on disk: after `erase_author`, no copy of the
//! erased rows is left in the database file or its write-ahead log, also
//! while another connection (as `uptake serve` holds) keeps it open.

use std::path::Path;
use uptake_model::{Comment, Video};
use uptake_store::Store;

const TEXT: &str = "erasure-marker-comment-7f3a";
const RAW: &str = "erasure-marker-raw-7f3a";

/// Imports one video with one comment of `u_gone`, whose text and raw
/// record hold the markers.
fn import(store: &mut Store) {
    let mut tx = store
        .begin_import(&super::new_import("erasure"), "tiktok")
        .unwrap();
    tx.video(&Video::with_id("7500000000000000009")).unwrap();
    let raw = tx
        .raw("line 1", &format!("{{\"text\":\"{RAW}\"}}"))
        .unwrap();
    let comment = Comment {
        platform_id: "1".into(),
        video_id: "7500000000000000009".into(),
        author_key: Some("u_gone".into()),
        text: TEXT.into(),
        ..Comment::default()
    };
    tx.comment(&comment, "zeeschuimer", Some(raw)).unwrap();
    tx.commit(&[]).unwrap();
}

/// The bytes of the database file and of its log, if there is one.
fn on_disk(db: &Path) -> Vec<u8> {
    let mut bytes = std::fs::read(db).unwrap();
    let wal = db.with_extension("db-wal");
    if let Ok(log) = std::fs::read(&wal) {
        bytes.extend(log);
    }
    bytes
}

fn holds(bytes: &[u8], marker: &str) -> bool {
    bytes.windows(marker.len()).any(|w| w == marker.as_bytes())
}

#[test]
fn erased_rows_leave_no_copy_in_the_file_or_the_log_while_another_connection_is_open() {
    let (_dir, path, mut store) = super::fresh();
    // The other program: open, idle between requests.
    let server = Store::open(&path).unwrap();
    import(&mut store);
    let before = on_disk(&path);
    assert!(
        holds(&before, TEXT) && holds(&before, RAW),
        "the markers are stored"
    );

    let erased = store.erase_author("u_gone").unwrap();
    assert_eq!((erased.comments, erased.raw_records), (1, 1));
    assert!(!erased.log_kept, "an idle connection does not keep the log");
    let after = on_disk(&path);
    assert!(!holds(&after, TEXT), "the comment's text is still on disk");
    assert!(!holds(&after, RAW), "the raw record is still on disk");
    assert_eq!(
        std::fs::metadata(path.with_extension("db-wal")).map_or(0, |m| m.len()),
        0,
        "the log is emptied"
    );
    drop(server);
}

#[test]
fn a_reader_in_the_middle_of_a_read_is_reported_as_keeping_the_log() {
    let (_dir, path, mut store) = super::fresh();
    import(&mut store);
    let reader = rusqlite::Connection::open(&path).unwrap();
    reader.execute_batch("BEGIN").unwrap();
    let n: i64 = reader
        .query_row("SELECT count(*) FROM comments", [], |r| r.get(0))
        .unwrap();
    assert_eq!(n, 1);
    let erased = store.erase_author("u_gone").unwrap();
    assert_eq!(erased.comments, 1);
    assert!(erased.log_kept, "the reader's snapshot needs the log");
    reader.execute_batch("COMMIT").unwrap();
    drop(reader);
}
