//! Captures imported again (Zeeschuimer's exports are cumulative) are
//! recognised: inside a first import by fingerprints in memory, and against
//! earlier imports by look-ups, also in a bulk import that builds its other
//! indexes at the commit.

use uptake_model::{Comment, Count, Metrics, Observation, ProfileSnapshot, SourceFormat, Video};
use uptake_store::{ImportTx, NewImport, Store};

const VIDEO: &str = "7500000000000000021";

fn observation(views: i64) -> Observation {
    Observation {
        video_id: VIDEO.into(),
        observed_at: 1_800_000_000,
        source: SourceFormat::Zeeschuimer,
        metrics: Metrics {
            views: Some(Count::exact(views)),
            ..Metrics::default()
        },
    }
}

fn capture(at: Option<i64>) -> Comment {
    Comment {
        platform_id: "7300000000000000001".into(),
        video_id: VIDEO.into(),
        text: "synthetic comment".into(),
        observed_at: at,
        ..Comment::default()
    }
}

fn profile(followers: i64) -> ProfileSnapshot {
    ProfileSnapshot {
        author_key: "u_synthetic".into(),
        observed_at: 1_800_000_000,
        followers: Some(followers),
        following: None,
        likes: None,
        videos: None,
    }
}

/// Asks about each capture, and stores those that are not repeats, as the
/// CLI's import does; returns which were repeats.
fn offer(tx: &mut ImportTx<'_>) -> Vec<bool> {
    tx.video(&Video::with_id(VIDEO)).unwrap();
    let mut repeats = Vec::new();
    for o in [observation(10), observation(10), observation(11)] {
        let repeat = tx.is_repeat_observation(&o).unwrap();
        if !repeat {
            tx.observation(&o, None).unwrap();
        }
        repeats.push(repeat);
    }
    for c in [
        capture(Some(5)),
        capture(Some(5)),
        capture(None),
        capture(None),
    ] {
        let repeat = tx.is_repeat_capture(&c, "zeeschuimer").unwrap();
        if !repeat {
            tx.comment(&c, "zeeschuimer", None).unwrap();
        }
        repeats.push(repeat);
    }
    for p in [profile(3), profile(3), profile(4)] {
        let repeat = tx.is_repeat_profile(&p).unwrap();
        if !repeat {
            tx.profile(&p).unwrap();
        }
        repeats.push(repeat);
    }
    repeats
}

fn rows(store: &Store) -> (i64, i64) {
    let s = store.summary().unwrap();
    (s.observations, s.comments)
}

fn bulk(name: &str) -> NewImport {
    let mut new = super::new_import(name);
    new.byte_size = 64 * 1024 * 1024;
    new
}

#[test]
fn repeats_inside_a_first_import_and_of_earlier_imports_are_left_out() {
    let (_dir, path, mut store) = super::fresh();
    let mut tx = store
        .begin_import(&super::new_import("first"), "tiktok")
        .unwrap();
    let first = offer(&mut tx);
    // Same values at the same time repeat; another value, or a capture
    // without a time, does not.
    let expected = [
        false, true, false, false, true, false, false, false, true, false,
    ];
    assert_eq!(first, expected);
    tx.commit(&[]).unwrap();
    assert_eq!(rows(&store), (2, 1));

    // A large second import into a small database builds most indexes at
    // its commit; the ones that find repeats stay, and everything repeats.
    let mut tx = store
        .begin_bulk_import(&bulk("second import"), "tiktok")
        .unwrap();
    let again = offer(&mut tx);
    let expected = [true, true, true, true, true, false, false, true, true, true];
    assert_eq!(again, expected);
    tx.commit(&[]).unwrap();
    assert_eq!(rows(&store), (2, 1));
    let conn = rusqlite::Connection::open(&path).unwrap();
    let ok: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(ok, "ok");
    let captures: i64 = conn
        .query_row("SELECT count(*) FROM comment_captures", [], |r| r.get(0))
        .unwrap();
    assert_eq!(captures, 5, "1 timed capture and 2 untimed in each import");
    let snapshots: i64 = conn
        .query_row("SELECT count(*) FROM profile_snapshots", [], |r| r.get(0))
        .unwrap();
    assert_eq!(snapshots, 2);
}

/// pyktok rows carry no capture time (the file's modification time stands
/// in) and pyktok appends each run to the same CSV: a row with the values
/// already stored for its video is that row again, whatever the file's
/// time; a Zeeschuimer capture at another time is a new observation
/// (review, 2026-11-28).
#[test]
fn an_undated_row_seen_again_later_is_a_repeat() {
    let (_dir, _path, mut store) = super::fresh();
    let at = |source: SourceFormat, t: i64, views: i64| Observation {
        observed_at: t,
        source,
        ..observation(views)
    };
    for (name, week) in [("week 1", 0), ("the week 2", 7 * 86_400)] {
        let mut tx = store
            .begin_import(&super::new_import(name), "tiktok")
            .unwrap();
        tx.video(&Video::with_id(VIDEO)).unwrap();
        let mut offered = vec![at(SourceFormat::PyktokVideos, 1_800_000_000 + week, 10)];
        if week > 0 {
            offered.push(at(SourceFormat::PyktokVideos, 1_800_000_000 + week, 12));
        }
        offered.push(at(SourceFormat::Zeeschuimer, 1_800_000_000 + week, 10));
        for o in offered {
            if !tx.is_repeat_observation(&o).unwrap() {
                tx.observation(&o, None).unwrap();
            }
        }
        tx.commit(&[]).unwrap();
    }
    // pyktok 10 (week 1), pyktok 12 (week 2), Zeeschuimer 10 twice.
    assert_eq!(rows(&store).0, 4);
}
