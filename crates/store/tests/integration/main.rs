//! Integration tests of `uptake-store` against real SQLite files.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // tests fail loudly by design

mod account;
mod annotations;
mod bulk;
mod comments;
mod erasure;
mod imports;
mod references;
mod repeats;
mod schema;

use std::path::PathBuf;
use uptake_store::{NewImport, Store};

/// A fresh database in a temporary folder (kept alive by the returned guard).
pub fn fresh() -> (tempfile::TempDir, PathBuf, Store) {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
    let path = dir.path().join("uptake.db");
    let store = Store::create(&path).unwrap_or_else(|e| panic!("create: {e}"));
    (dir, path, store)
}

/// Import metadata for a file called `name` with a made-up hash.
pub fn new_import(name: &str) -> NewImport {
    NewImport {
        file_name: name.to_string(),
        sha256: format!("{:0>64}", name.len()),
        byte_size: 10,
        imported_at: 1_770_000_000,
        options_json: "{}".into(),
    }
}
