//! Tests for the `fourcat` reader: 4CAT posts and comments CSV exports
//! (`formats.md` §4.4). Zeeschuimer's semicolon CSV is tested with the other
//! Zeeschuimer inputs. Fixtures are synthetic.

use crate::fixture;
use proptest::prelude::*;
use std::error::Error;
use uptake_ingest::{fourcat, read_path, Context, IngestError, Options, Record, VecSink};
use uptake_model::{Count, PseudonymSecret, SourceFormat};

type TestResult = Result<(), Box<dyn Error>>;

/// Every string in the 4CAT fixtures that identifies a person.
const PEOPLE: &[&str] = &[
    "fourcat_author",
    "Four Cat Person",
    "second_author",
    "Second Person",
    "fc_commenter",
    "FC Commenter",
    "6866666666666666666",
    "avatar/fc",
];

/// 2024-09-01 12:00:00 UTC.
const SEP_1_NOON: i64 = 1_725_192_000;

fn options() -> Options {
    Options {
        secret: Some(PseudonymSecret::from_bytes([7; 32])),
        observed_at: Some(SEP_1_NOON),
        ..Options::default()
    }
}

fn read(
    rel: &str,
    options: &Options,
) -> (Result<uptake_ingest::ReadSummary, IngestError>, VecSink) {
    let mut sink = VecSink::default();
    let result = read_path(&fixture(rel), options, &mut sink, &mut |_| {});
    (result, sink)
}

#[test]
fn posts_become_videos_observations_and_profiles() -> TestResult {
    let (result, sink) = read("fourcat/posts.csv", &options());
    let summary = result?;
    assert_eq!(summary.formats(), vec![SourceFormat::FourcatPosts]);
    assert_eq!(summary.items(), 2);
    let videos = sink.videos();
    assert_eq!(videos[0].platform_id, "7412345678901239999");
    assert_eq!(videos[0].created_at, Some(1_725_000_000));
    assert_eq!(
        videos[0].caption.as_deref(),
        Some("Naps, the evidence #sleep, \"quoted\"")
    );
    assert_eq!(
        videos[0].url.as_deref(),
        Some("https://www.tiktok.com/video/7412345678901239999")
    );
    assert!(videos[0].author_key.is_some());
    assert_eq!(videos[0].author_handle, None);

    let obs = sink.observations();
    assert_eq!(obs.len(), 2);
    assert_eq!(obs[0].observed_at, SEP_1_NOON);
    assert_eq!(obs[0].source, SourceFormat::FourcatPosts);
    assert_eq!(obs[0].metrics.views, Some(Count::approx(44_200_000)));
    assert_eq!(obs[0].metrics.likes, Some(Count::exact(812)));
    assert_eq!(obs[1].metrics.likes, Some(Count::approx(56_900)));
    assert_eq!(obs[1].metrics.views, Some(Count::exact(133_001)));
    assert_eq!(obs[1].metrics.saves, None);

    let profiles: Vec<_> = sink
        .records()
        .filter_map(|r| match r {
            Record::Profile(p) => Some(p),
            _ => None,
        })
        .collect();
    assert_eq!(profiles.len(), 2);
    assert_eq!(profiles[0].followers, Some(20_100));
    assert_eq!(profiles[0].videos, Some(95));
    assert_eq!(profiles[0].likes, None);

    // The annotation column is kept in the raw row; people are not.
    let raw = sink.items[0].raw.as_deref().unwrap_or("");
    let value: serde_json::Value = serde_json::from_str(raw)?;
    assert_eq!(value["annotation_topic"], "sleep");
    assert_eq!(value["stickers"], "Nap science\nPart 1");
    assert_eq!(
        value["tiktok_url"],
        "https://www.tiktok.com/@[removed]/video/7412345678901239999"
    );
    let all = format!("{sink:?}");
    for who in PEOPLE {
        assert!(!all.contains(who), "`{who}` leaked into {all}");
    }
    Ok(())
}

#[test]
fn comments_keep_their_threads() -> TestResult {
    let (result, sink) = read("fourcat/comments.csv", &options());
    let summary = result?;
    assert_eq!(summary.formats(), vec![SourceFormat::FourcatComments]);
    let c = sink.comments();
    assert_eq!(c.len(), 2);
    assert_eq!(c[0].platform_id, "7400000000000000101");
    assert_eq!(c[0].video_id, "7412345678901239999");
    assert_eq!(c[0].parent_id, None, "thread_id = the video: top level");
    assert_eq!(c[0].text, "Great, thanks! 😊");
    assert_eq!(c[0].likes, Some(Count::exact(5)));
    assert_eq!(c[0].replies, Some(Count::exact(1)));
    assert_eq!(c[0].created_at, Some(1_725_001_200));
    assert_eq!(c[0].observed_at, Some(SEP_1_NOON));
    assert_eq!(c[0].language.as_deref(), Some("en"));
    assert_eq!(c[1].parent_id.as_deref(), Some("7400000000000000101"));
    // `@<uid>` author: keyed by the user id, like the NDJSON's `user.uid`.
    let options = options();
    let ctx = Context::new("x", &options);
    let by_id = ctx.person(uptake_ingest::privacy::Person {
        user_id: Some("6866666666666666666"),
        handle: None,
    })?;
    assert_eq!(c[1].author_key, by_id.key);
    let all = format!("{sink:?}");
    for who in PEOPLE {
        assert!(!all.contains(who), "`{who}` leaked into {all}");
    }
    Ok(())
}

#[test]
fn observation_time_falls_back_to_the_file_time_then_fails() -> TestResult {
    let no_time = Options {
        observed_at: None,
        ..options()
    };
    let (result, sink) = read("fourcat/posts.csv", &no_time);
    result?;
    assert!(sink
        .warnings
        .iter()
        .any(|w| w.message.contains("modification time") && w.message.contains("--observed-at")));

    let text = std::fs::read(fixture("fourcat/posts.csv"))?;
    let ctx = Context::new("posts.csv", &no_time);
    let mut sink = VecSink::default();
    let e = fourcat::parse(&text[..], &ctx, &mut sink)
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(e.contains("--observed-at") && e.contains("line 2"), "{e}");
    Ok(())
}

#[test]
fn bad_cells_name_line_and_column() {
    let text = "id,author,plays,likes\r\n7412345678901234567,a,12,3\r\n7.41235E+18,b,1,1\r\n";
    let options = options();
    let ctx = Context::new("posts.csv", &options);
    let mut sink = VecSink::default();
    let e = fourcat::parse(text.as_bytes(), &ctx, &mut sink)
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(
        e.contains("line 3") && e.contains("`id`") && e.contains("spreadsheet"),
        "{e}"
    );

    let text = "id,author,plays\r\n1,a,many\r\n";
    let e = fourcat::parse(text.as_bytes(), &ctx, &mut sink)
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(
        e.contains("line 2") && e.contains("`plays`") && e.contains("`many`"),
        "{e}"
    );
}

/// A row longer than 16 MiB is refused before it is held whole (a 1 MB
/// ZIP can hold a 1 GB cell); one cell a little under that is read.
#[test]
fn a_row_longer_than_16_mib_is_refused() -> TestResult {
    let options = options();
    let ctx = Context::new("posts.csv", &options);
    let header = "id,author,body,plays\r\n";
    for (len, ok) in [(15 << 20, true), (17 << 20, false)] {
        let text = format!(
            "{header}7412345678901234567,a,\"{}\",12\r\n",
            "x".repeat(len)
        );
        let mut sink = VecSink::default();
        let result = fourcat::parse(text.as_bytes(), &ctx, &mut sink);
        if ok {
            result?;
            assert_eq!(sink.items.len(), 1);
        } else {
            let e = result.err().map(|e| e.to_string()).unwrap_or_default();
            assert!(
                e.contains("posts.csv") && e.contains("longer than 16 MiB"),
                "{e}"
            );
            assert!(sink.items.is_empty());
        }
    }
    Ok(())
}

proptest! {
    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        let options = options();
        let ctx = Context::new("fuzz.csv", &options);
        let mut sink = VecSink::default();
        let _ = fourcat::parse(&bytes[..], &ctx, &mut sink);
    }

    #[test]
    fn arbitrary_rows_under_a_real_header_never_panic(rows in "[0-9a-z@;,\"\r\n .E+-]{0,300}") {
        let text = format!("id,thread_id,author,body,unix_timestamp,likes,plays,post_id\r\n{rows}");
        let options = options();
        let ctx = Context::new("fuzz.csv", &options);
        let mut sink = VecSink::default();
        let _ = fourcat::parse(text.as_bytes(), &ctx, &mut sink);
    }
}

/// A comment without `unix_timestamp` is dated by `timestamp`, which 4CAT
/// writes in its server's zone: read as UTC with one warning, or shifted by
/// `--tz-offset`. Posts' `timestamp` is UTC and stays as it is.
#[test]
fn comment_times_without_a_zone_are_warned_about_or_shifted() -> TestResult {
    let text = "id,thread_id,author,body,timestamp,unix_timestamp,likes,post_id\r\n\
                7400000000000000301,7412345678901239999,someone,hi,2024-08-30 07:40:00,,1,7412345678901239999\r\n\
                7400000000000000302,7412345678901239999,someone,yo,2024-08-30 07:41:00,,1,7412345678901239999\r\n";
    let read = |options: &Options| -> Result<VecSink, Box<dyn Error>> {
        let ctx = Context::new("comments.csv", options);
        let mut sink = VecSink::default();
        fourcat::parse(text.as_bytes(), &ctx, &mut sink)?;
        Ok(sink)
    };
    let sink = read(&options())?;
    assert_eq!(sink.comments()[0].created_at, Some(1_725_003_600));
    let warned: Vec<&str> = sink
        .warnings
        .iter()
        .map(|w| w.message.as_str())
        .filter(|m| m.contains("unix_timestamp"))
        .collect();
    assert_eq!(warned.len(), 1, "{:?}", sink.warnings);
    assert!(
        warned[0].starts_with("2 comments have no `unix_timestamp`"),
        "{warned:?}"
    );
    assert!(warned[0].contains("--tz-offset"), "{warned:?}");

    let shifted = read(&Options {
        naive_tz_offset_minutes: Some(60),
        ..options()
    })?;
    assert_eq!(shifted.comments()[0].created_at, Some(1_725_003_600 - 3600));
    assert!(
        !shifted
            .warnings
            .iter()
            .any(|w| w.message.contains("unix_timestamp")),
        "{:?}",
        shifted.warnings
    );
    Ok(())
}
