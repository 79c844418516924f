//! An import killed mid-file (SIGKILL) leaves the database exactly as before.

use super::Sandbox;

#[cfg(unix)]
#[test]
fn a_killed_import_leaves_the_database_as_it_was() {
    use std::fmt::Write;
    let sb = Sandbox::new();
    sb.project();
    sb.run_in(
        "p",
        &["import", &super::example("Content_synthetic_kmb_lab.zip")],
    )
    .ok();
    let before = sb.db_counts();
    let index_names = |db: &std::path::Path| -> Vec<String> {
        let conn = rusqlite::Connection::open(db).unwrap();
        let mut st = conn
            .prepare("SELECT name FROM sqlite_master WHERE type = 'index' ORDER BY name")
            .unwrap();
        let names = st.query_map([], |r| r.get(0)).unwrap();
        names.collect::<Result<_, _>>().unwrap()
    };
    let indexes_before = index_names(&sb.path().join("p/.uptake/uptake.db"));

    // A manual template large enough that importing it takes seconds, and
    // larger than `uptake_store::DEFER_INDEXES_MIN_BYTES`, so that the kill
    // also leaves indexes dropped for the import to be rolled back.
    let mut csv = String::from("video,title,posted,observed,views,likes\n");
    for i in 0..400_000u64 {
        let _ = writeln!(
            csv,
            "{},t,2026-01-01,2026-01-{:02},{},{}",
            7_600_000_000_000_000_000u64 + i,
            1 + i % 28,
            i,
            i / 10
        );
    }
    assert!(csv.len() as u64 > uptake_store::DEFER_INDEXES_MIN_BYTES);
    let path = sb.write("big.csv", csv.as_bytes());
    let bin = assert_cmd::cargo::cargo_bin("uptake");
    let mut child = std::process::Command::new(bin)
        .args(["--project", "p", "import", &path])
        .current_dir(sb.path())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // Let it get well into the file: until the pages its cache cannot hold
    // have gone to disk (into the database itself when the import has the
    // database to itself, into the write-ahead log otherwise), so that the
    // kill leaves a half-written file for SQLite to roll back. Then kill it
    // without warning.
    let db = sb.path().join("p/.uptake/uptake.db");
    let on_disk = || {
        ["", "-wal"]
            .iter()
            .map(|suffix| {
                let mut name = db.clone().into_os_string();
                name.push(suffix);
                std::fs::metadata(name).map_or(0, |m| m.len())
            })
            .sum::<u64>()
    };
    let start = on_disk();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while on_disk() < start + (8 << 20) && std::time::Instant::now() < deadline {
        if child.try_wait().unwrap().is_some() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    let still_running = child.try_wait().unwrap().is_none();
    child.kill().unwrap(); // SIGKILL on Unix
    let _ = child.wait();
    assert!(
        on_disk() >= start + (8 << 20),
        "the import wrote too little before the kill"
    );
    assert!(
        still_running,
        "the import finished before it could be killed; make the file bigger"
    );

    assert_eq!(
        sb.db_counts(),
        before,
        "a killed import must leave nothing behind"
    );
    let conn = rusqlite::Connection::open(sb.path().join("p/.uptake/uptake.db")).unwrap();
    let check: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(check, "ok");
    drop(conn);
    assert_eq!(
        index_names(&sb.path().join("p/.uptake/uptake.db")),
        indexes_before
    );
    // And the project still works.
    sb.run_in("p", &["videos"]).ok();
}

/// A pipe cannot be hashed and parsed at once: it is refused with a message
/// saying what to do, and nothing is stored.
#[cfg(unix)]
#[test]
fn a_pipe_is_refused_before_anything_is_read() {
    let sb = Sandbox::new();
    sb.project();
    let fifo = sb.path().join("capture.ndjson");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status();
    if !made.is_ok_and(|s| s.success()) {
        eprintln!("mkfifo is not available; skipped");
        return;
    }
    let before = sb.db_counts();
    let run = sb
        .run_in("p", &["import", &fifo.display().to_string()])
        .fails_with(1);
    assert!(run.stderr.contains("not a regular file"), "{}", run.stderr);
    assert_eq!(sb.db_counts(), before);
}
