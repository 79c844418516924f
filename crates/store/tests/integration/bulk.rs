//! Bulk imports (`Store::begin_bulk_import`): a large one builds its tables'
//! secondary indexes at the commit, and the database ends up with exactly
//! the schema and the rows a row-by-row import gives.

use std::path::Path;
use uptake_model::{Comment, Count, Metrics, Observation, ProfileSnapshot, SourceFormat, Video};
use uptake_store::{defers_indexes, ImportTx, NewImport, Store};

/// The indexes of the database at `path`: (name, SQL), by name.
fn indexes(path: &Path) -> Vec<(String, Option<String>)> {
    let conn = rusqlite::Connection::open(path).unwrap();
    let mut st = conn
        .prepare("SELECT name, sql FROM sqlite_master WHERE type = 'index' ORDER BY name")
        .unwrap();
    let rows = st
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<Result<Vec<_>, _>>()
        .unwrap();
    rows
}

/// SQLite's own check of every table and index (an index that disagrees
/// with its table is reported).
fn integrity(path: &Path) -> String {
    let conn = rusqlite::Connection::open(path).unwrap();
    conn.query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap()
}

/// Import metadata claiming a file of `bytes` bytes.
fn claimed(name: &str, bytes: u64) -> NewImport {
    let mut new = super::new_import(name);
    new.sha256 = format!("{:0>64}", name);
    new.byte_size = bytes;
    new
}

/// Writes `n` videos, two observations each, a profile and a comment thread.
fn write(tx: &mut ImportTx<'_>, tag: u64, n: u64) {
    for i in 0..n {
        let id = format!("75{tag:02}{i:015}");
        tx.video(&Video {
            author_key: Some(format!("u_{}", i % 7)),
            created_at: Some(1_700_000_000 + i as i64),
            ..Video::with_id(&id)
        })
        .unwrap();
        for k in 0..2 {
            let raw = tx
                .raw(&format!("line {i}"), "{\"synthetic\":true}")
                .unwrap();
            tx.observation(
                &Observation {
                    video_id: id.clone(),
                    observed_at: 1_800_000_000 + k * 60 + i as i64,
                    source: SourceFormat::Zeeschuimer,
                    metrics: Metrics {
                        views: Some(Count::exact((i * 10 + k as u64) as i64)),
                        likes: Some(Count::exact(i as i64)),
                        ..Metrics::default()
                    },
                },
                Some(raw),
            )
            .unwrap();
        }
        tx.profile(&ProfileSnapshot {
            author_key: format!("u_{}", i % 7),
            observed_at: 1_800_000_000 + i as i64,
            followers: Some(i as i64),
            ..ProfileSnapshot::default()
        })
        .unwrap();
        let parent = format!("76{tag:02}{i:015}");
        for (cid, reply_to) in [
            (parent.clone(), None),
            (format!("77{tag:02}{i:015}"), Some(parent)),
        ] {
            let raw = tx.raw("comment", "{}").unwrap();
            tx.comment(
                &Comment {
                    platform_id: cid,
                    video_id: id.clone(),
                    parent_id: reply_to,
                    author_key: Some(format!("u_{}", i % 5)),
                    created_at: Some(1_750_000_000 + i as i64),
                    text: format!("synthetic comment number {i} language"),
                    observed_at: Some(1_800_000_000),
                    ..Comment::default()
                },
                "zeeschuimer",
                Some(raw),
            )
            .unwrap();
        }
    }
}

#[test]
fn only_a_large_import_into_a_smaller_database_defers_indexes() {
    let mb = 1024 * 1024;
    assert!(defers_indexes(1024 * mb, 0));
    assert!(defers_indexes(64 * mb, 64 * mb));
    assert!(
        !defers_indexes(64 * mb, 65 * mb),
        "database larger than the file"
    );
    assert!(!defers_indexes(mb, 0), "a small file");
}

#[test]
fn a_large_bulk_import_ends_with_the_same_indexes_and_consistent_rows() {
    let (_dir, path, mut store) = super::fresh();
    let before = indexes(&path);
    assert!(before.iter().any(|(n, _)| n == "observations_video_time"));
    let mut tx = store
        .begin_bulk_import(&claimed("big", 1 << 30), "tiktok")
        .unwrap();
    write(&mut tx, 1, 300);
    let counts = tx.commit(&["zeeschuimer".into()]).unwrap();
    assert_eq!(counts.new_videos, 300);
    assert_eq!(counts.observations, 600);
    assert_eq!(counts.new_comments, 600);
    drop(store);
    assert_eq!(indexes(&path), before);
    assert_eq!(integrity(&path), "ok");

    // A second bulk import after it, whose index look-ups go through the
    // rebuilt indexes, then the rows those indexes serve.
    let mut store = Store::open(&path).unwrap();
    let mut tx = store
        .begin_bulk_import(&claimed("again", 1 << 30), "tiktok")
        .unwrap();
    write(&mut tx, 2, 50);
    tx.commit(&["zeeschuimer".into()]).unwrap();
    let summary = store.summary().unwrap();
    assert_eq!(summary.videos, 350);
    drop(store);
    assert_eq!(indexes(&path), before);
    assert_eq!(integrity(&path), "ok");
}

#[test]
fn a_dropped_bulk_import_leaves_the_indexes_it_had_removed() {
    let (_dir, path, mut store) = super::fresh();
    let before = indexes(&path);
    let mut tx = store
        .begin_bulk_import(&claimed("lost", 1 << 30), "tiktok")
        .unwrap();
    write(&mut tx, 3, 40);
    drop(tx);
    drop(store);
    assert_eq!(indexes(&path), before);
    assert_eq!(integrity(&path), "ok");
}

/// Descriptors this process holds on `path` (Linux: /proc/self/fd).
#[cfg(target_os = "linux")]
fn descriptors_of(path: &Path) -> usize {
    let target = std::fs::canonicalize(path).unwrap();
    std::fs::read_dir("/proc/self/fd")
        .unwrap()
        .filter_map(|e| std::fs::read_link(e.ok()?.path()).ok())
        .filter(|t| *t == target)
        .count()
}

/// A bulk import syncs the database from a second descriptor while it runs;
/// that descriptor must be closed when the import ends, committed or not
/// (closing it later, with SQLite holding a lock, would drop the lock).
#[cfg(target_os = "linux")]
#[test]
fn a_bulk_import_closes_its_writeback_descriptor_when_it_ends() {
    let (_dir, path, mut store) = super::fresh();
    let idle = descriptors_of(&path);
    for commit in [true, false] {
        let name = if commit { "kept" } else { "dropped" };
        let mut tx = store
            .begin_bulk_import(&claimed(name, 1 << 30), "tiktok")
            .unwrap();
        assert_eq!(descriptors_of(&path), idle + 1, "{name}: while importing");
        write(&mut tx, u64::from(commit) + 10, 20);
        // Long enough for the writeback to sync at least once.
        std::thread::sleep(std::time::Duration::from_millis(300));
        if commit {
            tx.commit(&["zeeschuimer".into()]).unwrap();
        } else {
            drop(tx);
        }
        assert_eq!(descriptors_of(&path), idle, "{name}: after the import");
    }
    drop(store);
    assert_eq!(integrity(&path), "ok");
}
