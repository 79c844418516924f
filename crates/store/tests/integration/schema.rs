//! Schema versions: create, migrate an older database, refuse a newer one.

use uptake_store::{Store, StoreError, SCHEMA_VERSION};

#[test]
fn a_new_database_is_at_the_current_schema_with_its_page_size() {
    let (_dir, path, store) = super::fresh();
    assert_eq!(store.schema_version().ok(), Some(SCHEMA_VERSION));
    drop(store);
    let conn = rusqlite::Connection::open(&path).unwrap();
    let page: u32 = conn
        .pragma_query_value(None, "page_size", |r| r.get(0))
        .unwrap();
    assert_eq!(page, uptake_store::PAGE_SIZE);
}

#[test]
fn an_older_database_is_migrated_on_open() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let path = dir.path().join("old.db");
    // A database at schema 0: what an interrupted `init` of an older uptake leaves.
    {
        let conn = rusqlite::Connection::open(&path).unwrap_or_else(|e| panic!("{e}"));
        conn.execute_batch("CREATE TABLE notes (x TEXT); INSERT INTO notes VALUES ('kept');")
            .unwrap_or_else(|e| panic!("{e}"));
    }
    let store = Store::open(&path).unwrap_or_else(|e| panic!("open: {e}"));
    assert_eq!(store.schema_version().ok(), Some(SCHEMA_VERSION));
    assert_eq!(store.summary().map(|s| s.videos).ok(), Some(0));
    drop(store);
    let conn = rusqlite::Connection::open(&path).unwrap_or_else(|e| panic!("{e}"));
    let kept: String = conn
        .query_row("SELECT x FROM notes", [], |r| r.get(0))
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(kept, "kept");
}

#[test]
fn a_newer_database_is_refused_untouched() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let path = dir.path().join("new.db");
    {
        let conn = rusqlite::Connection::open(&path).unwrap_or_else(|e| panic!("{e}"));
        conn.pragma_update(None, "user_version", SCHEMA_VERSION + 5)
            .unwrap_or_else(|e| panic!("{e}"));
    }
    let before = std::fs::read(&path).unwrap_or_default();
    match Store::open(&path) {
        Err(StoreError::TooNew {
            found, supported, ..
        }) => {
            assert_eq!(found, SCHEMA_VERSION + 5);
            assert_eq!(supported, SCHEMA_VERSION);
        }
        other => panic!("expected TooNew, got {other:?}"),
    }
    let err = Store::open(&path)
        .map(|_| ())
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(err.contains("newer uptake"), "{err}");
    assert_eq!(std::fs::read(&path).unwrap_or_default(), before);
}
