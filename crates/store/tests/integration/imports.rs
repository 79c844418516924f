//! Imports are transactions; observations accumulate; latest metrics per metric.

use uptake_model::{Count, Metrics, Observation, Share, SourceFormat, Video};

fn obs(id: &str, at: i64, views: Option<i64>, avg: Option<f64>) -> Observation {
    Observation {
        video_id: id.into(),
        observed_at: at,
        source: SourceFormat::ManualTemplate,
        metrics: Metrics {
            views: views.map(Count::exact),
            avg_watch_s: avg,
            ..Metrics::default()
        },
    }
}

#[test]
fn an_uncommitted_import_leaves_nothing() {
    let (_dir, _path, mut store) = super::fresh();
    {
        let mut tx = store
            .begin_import(&super::new_import("a.csv"), "tiktok")
            .unwrap_or_else(|e| panic!("{e}"));
        tx.video(&Video::with_id("7500000000000000001"))
            .unwrap_or_else(|e| panic!("{e}"));
        tx.observation(&obs("7500000000000000001", 10, Some(5), None), None)
            .unwrap_or_else(|e| panic!("{e}"));
        // dropped without commit
    }
    let s = store.summary().unwrap_or_else(|e| panic!("{e}"));
    assert_eq!((s.imports, s.videos, s.observations), (0, 0, 0));
}

#[test]
fn latest_metrics_take_each_metric_from_the_latest_observation_that_has_it() {
    let (_dir, _path, mut store) = super::fresh();
    let mut tx = store
        .begin_import(&super::new_import("a.csv"), "tiktok")
        .unwrap_or_else(|e| panic!("{e}"));
    let id = "7500000000000000001";
    tx.video(&Video {
        title: Some("first".into()),
        ..Video::with_id(id)
    })
    .unwrap_or_else(|e| panic!("{e}"));
    tx.observation(&obs(id, 100, Some(1000), Some(9.5)), None)
        .unwrap_or_else(|e| panic!("{e}"));
    let mut later = obs(id, 200, Some(1500), None);
    later.metrics.likes = Some(Count::approx(1200));
    later.metrics.traffic_sources = vec![Share {
        label: "For You".into(),
        fraction: 0.8,
    }];
    tx.observation(&later, None)
        .unwrap_or_else(|e| panic!("{e}"));
    // A video record without a title must not erase the known title.
    tx.video(&Video::with_id(id))
        .unwrap_or_else(|e| panic!("{e}"));
    let counts = tx
        .commit(&["manual-template".into()])
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!((counts.new_videos, counts.observations), (1, 2));

    let all = store.latest_metrics(None).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(all.len(), 1);
    let v = &all[0];
    assert_eq!(v.video.title.as_deref(), Some("first"));
    assert_eq!(v.metrics.views, Some(Count::exact(1500)));
    assert_eq!(v.metrics.likes, Some(Count::approx(1200)));
    assert_eq!(v.metrics.avg_watch_s, Some(9.5));
    assert_eq!(v.metrics.traffic_sources.len(), 1);
    assert_eq!(v.observations, 2);

    let early = store
        .latest_metrics(Some(150))
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(early[0].metrics.views, Some(Count::exact(1000)));
    assert_eq!(early[0].metrics.likes, None);
    assert_eq!(early[0].observations, 1);
}

#[test]
fn the_same_hash_is_found_again() {
    let (_dir, _path, mut store) = super::fresh();
    let new = super::new_import("a.csv");
    let tx = store
        .begin_import(&new, "tiktok")
        .unwrap_or_else(|e| panic!("{e}"));
    tx.commit(&[]).unwrap_or_else(|e| panic!("{e}"));
    let found = store
        .find_import(&new.sha256)
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(found.map(|i| i.file_name), Some("a.csv".to_string()));
    assert!(
        store.begin_import(&new, "tiktok").is_err(),
        "a second import of the same hash is refused by the UNIQUE constraint"
    );
}

/// The kept latest values (maintained at import) equal a full scan of the
/// observations, over many imports with out-of-order times, ties and gaps.
#[test]
fn kept_latest_values_match_a_full_scan() {
    let (_dir, _path, mut store) = super::fresh();
    let mut seed: u64 = 42;
    let mut next = move |n: u64| {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (seed >> 33) % n
    };
    for import in 0..6 {
        let mut new = super::new_import("x");
        new.sha256 = format!("{import:064}");
        let mut tx = store.begin_import(&new, "tiktok").unwrap();
        for _ in 0..200 {
            let id = format!("75000000000000000{:02}", next(20));
            let at = next(10) as i64 * 100; // many ties
            let maybe = |v: u64| (!v.is_multiple_of(3)).then_some(v as i64);
            let mut m = Metrics {
                views: maybe(next(1000)).map(|v| {
                    if next(2) == 0 {
                        Count::exact(v)
                    } else {
                        Count::approx(v)
                    }
                }),
                likes: maybe(next(1000)).map(Count::exact),
                avg_watch_s: maybe(next(60)).map(|v| v as f64 / 2.0),
                ..Metrics::default()
            };
            if next(3) == 0 {
                m.territories = vec![Share {
                    label: format!("C{}", next(5)),
                    fraction: 0.5,
                }];
            }
            tx.observation(
                &Observation {
                    video_id: id,
                    observed_at: at,
                    source: SourceFormat::ManualTemplate,
                    metrics: m,
                },
                None,
            )
            .unwrap();
        }
        tx.commit(&[]).unwrap();
    }
    let kept = store.latest_metrics(None).unwrap();
    let scanned = store.latest_metrics(Some(i64::MAX)).unwrap();
    assert_eq!(kept.len(), 20);
    assert_eq!(kept, scanned);
}

/// The same, for an import of more videos than the import holds folded in
/// memory (1,024): rows written part-way through are merged with the
/// observations that come after them, in the same import and the next.
#[test]
fn kept_latest_values_match_a_full_scan_across_partial_writes() {
    let (_dir, _path, mut store) = super::fresh();
    for import in 0..2 {
        let mut new = super::new_import("x");
        new.sha256 = format!("{import:064}");
        let mut tx = store.begin_import(&new, "tiktok").unwrap();
        for round in 0..3i64 {
            for v in 0..5000i64 {
                // Times go back and forth between rounds; some rounds lack
                // a metric, so an older value must survive a newer gap.
                let at = 1000 + (v + round * 7 + import * 3) % 5 * 10;
                let m = Metrics {
                    views: Some(Count::exact(v + round)),
                    likes: (round != 1).then(|| Count::approx(v * 2 + round + import)),
                    total_watch_s: (v % 3 == round).then_some(round as f64),
                    ..Metrics::default()
                };
                let o = Observation {
                    video_id: format!("7500000000000{v:06}"),
                    observed_at: at,
                    source: SourceFormat::ManualTemplate,
                    metrics: m,
                };
                tx.observation(&o, None).unwrap();
            }
        }
        tx.commit(&[]).unwrap();
    }
    let kept = store.latest_metrics(None).unwrap();
    let scanned = store.latest_metrics(Some(i64::MAX)).unwrap();
    assert_eq!(kept.len(), 5000);
    assert!(kept == scanned, "kept latest values differ from the scan");
}

/// A hash computed while the file was read replaces the placeholder the
/// import began with; a hash that repeats an earlier import is reported,
/// and dropping the import then leaves nothing.
#[test]
fn a_hash_found_while_reading_is_recorded_or_names_the_earlier_import() {
    let (_dir, _path, mut store) = super::fresh();
    let first = super::new_import("a.csv");
    store
        .begin_import(&first, "tiktok")
        .and_then(|tx| tx.commit(&[]))
        .unwrap();
    assert!(store.has_import_of_size(first.byte_size).unwrap());
    assert!(!store.has_import_of_size(first.byte_size + 1).unwrap());

    let pending = |name: &str| uptake_store::NewImport {
        sha256: format!("{}{name}", uptake_store::PENDING_PREFIX),
        ..super::new_import(name)
    };
    // Same bytes as a.csv under another name: reported, then dropped.
    {
        let mut tx = store.begin_import(&pending("b.csv"), "tiktok").unwrap();
        tx.video(&Video::with_id("7500000000000000009")).unwrap();
        let earlier = tx.set_sha256(&first.sha256.to_uppercase()).unwrap();
        assert_eq!(earlier.map(|e| e.file_name).as_deref(), Some("a.csv"));
    }
    let s = store.summary().unwrap();
    assert_eq!((s.imports, s.videos), (1, 0));

    // An import still holding its placeholder is never committed.
    {
        let tx = store.begin_import(&pending("d.csv"), "tiktok").unwrap();
        assert!(tx.commit(&[]).is_err());
    }
    assert_eq!(store.summary().unwrap().imports, 1);

    // New bytes: the hash is stored in lower case.
    let mut tx = store.begin_import(&pending("c.csv"), "tiktok").unwrap();
    assert_eq!(tx.set_sha256(&"AB".repeat(32)).unwrap(), None);
    tx.commit(&[]).unwrap();
    let stored: Vec<String> = store
        .imports()
        .unwrap()
        .into_iter()
        .map(|i| i.sha256)
        .collect();
    assert_eq!(stored, vec![first.sha256.clone(), "ab".repeat(32)]);
}

/// The file format's read/write version bytes (18 and 19 of the header):
/// 2 in WAL mode, 1 with a rollback journal.
fn file_mode(path: &std::path::Path) -> u8 {
    let mut header = [0u8; 20];
    use std::io::Read;
    std::fs::File::open(path)
        .unwrap()
        .read_exact(&mut header)
        .unwrap();
    assert_eq!(header[18], header[19]);
    header[18]
}

/// A bulk import takes the database for itself only when nobody else has it
/// open, is rolled back when dropped like any import, and leaves the
/// database in WAL mode after its commit.
#[test]
fn a_bulk_import_takes_the_database_only_when_alone() {
    let (_dir, path, mut store) = super::fresh();
    // Another connection is open: the import shares the database (WAL), and
    // the other connection can still read while it runs.
    let reader = rusqlite::Connection::open(&path).unwrap();
    // Reading opens the write-ahead log, which keeps the import shared.
    let before: i64 = reader
        .query_row("SELECT COUNT(*) FROM videos", [], |r| r.get(0))
        .unwrap();
    assert_eq!(before, 0);
    {
        let mut tx = store
            .begin_bulk_import(&super::new_import("shared.csv"), "tiktok")
            .unwrap();
        tx.video(&Video::with_id("7500000000000000001")).unwrap();
        assert_eq!(
            file_mode(&path),
            2,
            "still WAL while another connection reads"
        );
        let videos: i64 = reader
            .query_row("SELECT COUNT(*) FROM videos", [], |r| r.get(0))
            .unwrap();
        assert_eq!(videos, 0, "the reader sees the state before the import");
        tx.commit(&[]).unwrap();
    }
    drop(reader);

    // Alone: a rollback journal while the import runs; dropped, it leaves
    // nothing; committed, WAL is back.
    {
        let mut tx = store
            .begin_bulk_import(&super::new_import("dropped.csv"), "tiktok")
            .unwrap();
        tx.video(&Video::with_id("7500000000000000002")).unwrap();
    }
    let s = store.summary().unwrap();
    assert_eq!((s.imports, s.videos), (1, 1));
    let mut tx = store
        .begin_bulk_import(&super::new_import("alone.csv"), "tiktok")
        .unwrap();
    tx.video(&Video::with_id("7500000000000000003")).unwrap();
    assert_eq!(file_mode(&path), 1, "a rollback journal while alone");
    tx.commit(&[]).unwrap();
    assert_eq!(file_mode(&path), 2, "WAL again after the commit");
    // A failed bulk import is rolled back and leaves WAL on too.
    {
        let mut tx = store
            .begin_bulk_import(&super::new_import("failed_import.csv"), "tiktok")
            .unwrap();
        tx.video(&Video::with_id("7500000000000000004")).unwrap();
        assert_eq!(file_mode(&path), 1);
    }
    assert_eq!(file_mode(&path), 2, "WAL again after a dropped import");
    let s = store.summary().unwrap();
    assert_eq!((s.imports, s.videos), (2, 2));
}

/// Merging a video skips only what would change nothing: values met again
/// after other values are merged again.
#[test]
fn repeated_video_records_merge_in_order() {
    let (_dir, _path, mut store) = super::fresh();
    let id = "7500000000000000001";
    let titled = |t: &str| Video {
        title: Some(t.into()),
        ..Video::with_id(id)
    };
    let mut tx = store
        .begin_import(&super::new_import("a.csv"), "tiktok")
        .unwrap();
    for v in [
        titled("one"),
        titled("one"),
        titled("two"),
        Video::with_id(id),
        titled("one"),
    ] {
        tx.video(&v).unwrap();
    }
    tx.commit(&[]).unwrap();
    let videos = store.videos().unwrap();
    assert_eq!(videos.len(), 1);
    assert_eq!(videos[0].1.title.as_deref(), Some("one"));
}

/// A duration rounded to the second (Zeeschuimer) does not replace the
/// precise one it rounds (Business API: 38.7 s), which the watch ratio
/// divides by; a real change of length still does (review, 2026-11-28).
#[test]
fn a_rounded_duration_keeps_the_precise_one() {
    let (_dir, _path, mut store) = super::fresh();
    let id = "7500000000000000001";
    let lasting = |s: f64| Video {
        duration_s: Some(s),
        ..Video::with_id(id)
    };
    let mut tx = store
        .begin_import(&super::new_import("a.json"), "tiktok")
        .unwrap();
    tx.video(&lasting(38.7)).unwrap();
    tx.video(&lasting(39.0)).unwrap();
    tx.commit(&[]).unwrap();
    assert_eq!(store.videos().unwrap()[0].1.duration_s, Some(38.7));
    let mut tx = store
        .begin_import(&super::new_import("bb.json"), "tiktok")
        .unwrap();
    tx.video(&lasting(41.0)).unwrap();
    tx.commit(&[]).unwrap();
    assert_eq!(store.videos().unwrap()[0].1.duration_s, Some(41.0));
}

/// A capture older than the one that described a video, imported later,
/// only fills in what is unknown: the newest capture wins for the caption
/// as for the counts (review, 2026-11-28: an older Zeeschuimer capture
/// brought back an old caption).
#[test]
fn an_older_capture_does_not_replace_a_newer_description() {
    let (_dir, _path, mut store) = super::fresh();
    let id = "7500000000000000001";
    let described = |caption: &str, title: Option<&str>| Video {
        caption: Some(caption.into()),
        title: title.map(str::to_string),
        ..Video::with_id(id)
    };
    for (name, caption, title, seen) in [
        ("n1.json", "new caption", None, Some(200)),
        (
            "n22.json",
            "OLD CAPTION",
            Some("a title only the old one has"),
            Some(100),
        ),
        ("n333.json", "newest caption", None, Some(300)),
    ] {
        let mut tx = store
            .begin_import(&super::new_import(name), "tiktok")
            .unwrap();
        tx.video_seen(&described(caption, title), seen).unwrap();
        tx.commit(&[]).unwrap();
        let v = &store.videos().unwrap()[0].1;
        match seen {
            Some(100) => {
                assert_eq!(v.caption.as_deref(), Some("new caption"));
                assert_eq!(v.title.as_deref(), Some("a title only the old one has"));
            }
            _ => assert_eq!(v.caption.as_deref(), Some(caption)),
        }
    }
}
