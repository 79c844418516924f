//! Tests for the `business` reader: TikTok API for Business responses
//! (`formats.md` §2a), read through `read_path` so that sniffing and dispatch
//! are exercised too.

use crate::fixture;
use proptest::prelude::*;
use std::error::Error;
use std::io::Write;
use uptake_ingest::{
    business, read_path, Context, IngestError, Item, Options, Record, Sink, SinkError, VecSink,
    Warning,
};
use uptake_model::{AudienceKind, Share, SourceFormat};

type TestResult = Result<(), Box<dyn Error>>;

fn read(
    rel: &str,
    options: &Options,
) -> (Result<uptake_ingest::ReadSummary, IngestError>, VecSink) {
    let mut sink = VecSink::default();
    let result = read_path(&fixture(rel), options, &mut sink, &mut |_| {});
    (result, sink)
}

fn labels(shares: &[Share]) -> Vec<(&str, f64)> {
    shares
        .iter()
        .map(|s| (s.label.as_str(), s.fraction))
        .collect()
}

/// 2024-09-01 12:00:00 UTC, the time at the start of the fixtures' `request_id`.
const SEP_1_NOON: i64 = 1_725_192_000;

#[test]
fn video_list_page_yields_videos_and_observations() -> TestResult {
    let options = Options {
        account: Some("kmb_lab".into()),
        ..Options::default()
    };
    let (result, sink) = read("business/video_list.json", &options);
    let summary = result?;
    assert_eq!(summary.formats(), vec![SourceFormat::BusinessVideoList]);
    assert_eq!(summary.items(), 3);

    let videos = sink.videos();
    assert_eq!(videos.len(), 3);
    let v = videos[0];
    assert_eq!(v.platform_id, "7412345678901299999");
    assert_eq!(v.created_at, Some(1_725_000_000), "create_time as a string");
    assert_eq!(
        v.posted_on.map(|d| d.to_string()).as_deref(),
        Some("2024-08-30")
    );
    assert_eq!(v.title.as_deref(), Some("Sleep tips from our study 😴"));
    assert!(v
        .caption
        .as_deref()
        .unwrap_or("")
        .ends_with("#sleep #research"));
    assert_eq!(v.duration_s, Some(21.4));
    assert_eq!(v.author_handle.as_deref(), Some("kmb_lab"));
    assert_eq!(
        v.url.as_deref(),
        Some("https://www.tiktok.com/@kmb_lab/video/7412345678901299999")
    );

    // A 19-digit id sent as a JSON number keeps every digit (f64 would give ...4560).
    assert_eq!(videos[1].platform_id, "7412345678901234567");
    assert_eq!(
        videos[1].created_at,
        Some(1_725_100_000),
        "create_time as a number"
    );
    // An empty caption is absent, and so is the title made from it.
    assert_eq!(videos[2].caption, None);
    assert_eq!(videos[2].title, None);

    let obs = sink.observations();
    assert_eq!(obs.len(), 3);
    assert!(obs
        .iter()
        .all(|o| o.observed_at == SEP_1_NOON && o.source == SourceFormat::BusinessVideoList));
    let m = &obs[0].metrics;
    assert_eq!(m.views.map(|c| c.value), Some(5400));
    assert_eq!(m.views.map(|c| c.approximate), Some(false));
    assert_eq!(m.reach.map(|c| c.value), Some(4100));
    assert_eq!(m.saves.map(|c| c.value), Some(25));
    assert_eq!(m.new_followers.map(|c| c.value), Some(6));
    assert_eq!(m.profile_views.map(|c| c.value), Some(40));
    assert_eq!(m.full_watch_rate, Some(0.18));
    assert_eq!(m.avg_watch_s, Some(7.9));
    assert_eq!(m.total_watch_s, Some(42660.0));
    assert_eq!(
        labels(&m.traffic_sources),
        vec![
            ("For You", 0.81),
            ("Personal Profile", 0.07),
            ("Hashtag", 0.02)
        ]
    );
    assert_eq!(labels(&m.territories), vec![("GB", 0.66), ("US", 0.2)]);
    assert_eq!(labels(&m.genders), vec![("Female", 0.7), ("Male", 0.3)]);

    // Insight fields absent for an old video: None, never 0.
    let old = &obs[1].metrics;
    assert_eq!(old.likes.map(|c| c.value), Some(0));
    assert_eq!(old.saves, None);
    assert_eq!(old.reach, None);
    assert_eq!(old.full_watch_rate, None);
    assert_eq!(old.avg_watch_s, None);
    assert!(old.traffic_sources.is_empty());

    // A rate above 1 is read as a percentage, with a warning.
    let rescaled = obs[2].metrics.full_watch_rate.unwrap_or(-1.0);
    assert!((rescaled - 0.235).abs() < 1e-12, "{rescaled}");
    assert_eq!(sink.warnings.len(), 1, "{:?}", sink.warnings);
    assert!(sink.warnings[0].message.contains("percentage"));

    // The raw record is the video object as received: every key, the id's digits.
    let raw = sink.items[1].raw.as_deref().unwrap_or("");
    assert!(
        raw.starts_with(r#"{"item_id":7412345678901234567,"create_time":1725100000,"#),
        "{raw}"
    );
    assert!(sink.items[0]
        .raw
        .as_deref()
        .unwrap_or("")
        .contains(r#""impression_sources":[{"impression_source":"For You","percentage":0.81}"#));
    Ok(())
}

#[test]
fn account_page_yields_days_and_audience() -> TestResult {
    let (result, sink) = read("business/account.json", &Options::default());
    assert_eq!(result?.formats(), vec![SourceFormat::BusinessAccount]);
    let days = sink.account_days();
    assert_eq!(days.len(), 2);
    assert!(
        days.iter().all(|d| d.account == "kmb_lab"),
        "handle from `username`"
    );
    assert_eq!(days[0].date.to_string(), "2024-08-30");
    assert_eq!(days[0].video_views, Some(900));
    assert_eq!(days[0].followers, Some(1200));
    assert_eq!(days[0].new_followers, Some(9), "12 gained - 3 lost");
    assert_eq!(
        days[1].followers,
        Some(1203),
        "from `daily_total_followers`"
    );
    assert_eq!(days[1].new_followers, Some(4));
    assert_eq!(days[1].profile_views, None);
    assert_eq!(days[1].comments, Some(-1));

    let audiences: Vec<_> = sink
        .records()
        .filter_map(|r| match r {
            Record::Audience(a) => Some(a),
            _ => None,
        })
        .collect();
    assert_eq!(audiences.len(), 2);
    assert_eq!(audiences[0].kind, AudienceKind::Territory);
    assert_eq!(
        audiences[0].as_of.to_string(),
        "2024-09-02",
        "date of the request_id"
    );
    assert_eq!(audiences[0].account, "kmb_lab");
    assert_eq!(
        labels(&audiences[0].shares),
        vec![("CA", 0.41), ("US", 0.33)]
    );
    assert_eq!(audiences[1].kind, AudienceKind::Gender);
    assert_eq!(audiences[1].shares.len(), 3);
    Ok(())
}

#[test]
fn an_error_envelope_is_an_error_not_an_empty_import() {
    // Sniffing cannot tell an error page's endpoint (its `data` is empty),
    // so it is named, as a user would with `--format`.
    let options = Options {
        format: Some(SourceFormat::BusinessVideoList),
        ..Options::default()
    };
    let (result, sink) = read("business/error_page.json", &options);
    let e = result.err().map(|e| e.to_string()).unwrap_or_default();
    assert!(e.contains("40105"), "{e}");
    assert!(e.contains("The access token is invalid"), "{e}");
    assert!(sink.items.is_empty());

    // A failed page after a good one fails the whole file.
    let (result, _) = read("business/pages_second_failed.ndjson", &Options::default());
    let e = result.err().map(|e| e.to_string()).unwrap_or_default();
    assert!(
        e.contains("page 2") && e.contains("50002") && e.contains("Rate limit"),
        "{e}"
    );
}

#[test]
fn an_html_gateway_page_is_a_clear_error() {
    let options = Options {
        format: Some(SourceFormat::BusinessVideoList),
        ..Options::default()
    };
    let (result, sink) = read("business/gateway_error.html", &options);
    let e = result.err().map(|e| e.to_string()).unwrap_or_default();
    assert!(
        e.contains("HTML page") && e.contains("<!DOCTYPE html>"),
        "{e}"
    );
    assert!(sink.items.is_empty());
}

#[test]
fn arrays_and_ndjson_of_pages() -> TestResult {
    let (result, sink) = read("business/pages_array.json", &Options::default());
    assert_eq!(result?.items(), 2);
    let obs = sink.observations();
    assert_eq!(obs[0].observed_at, SEP_1_NOON);
    assert_eq!(
        obs[1].observed_at,
        SEP_1_NOON + 60,
        "each page dated by its own request_id"
    );
    assert_eq!(
        sink.items[1].location.record.as_deref(),
        Some("page 2, video 1 (`7400000000000000002`)")
    );

    let (result, sink) = read("business/pages.ndjson", &Options::default());
    assert_eq!(result?.items(), 3);
    let ids: Vec<_> = sink
        .videos()
        .iter()
        .map(|v| v.platform_id.clone())
        .collect();
    assert_eq!(
        ids,
        [
            "7400000000000000001",
            "7400000000000000002",
            "7400000000000000003"
        ]
    );
    Ok(())
}

#[test]
fn observed_at_falls_back_to_the_option_then_the_file_time() -> TestResult {
    let options = Options {
        observed_at: Some(1_700_000_000),
        ..Options::default()
    };
    let (result, sink) = read("business/no_timestamp.json", &options);
    result?;
    assert_eq!(sink.observations()[0].observed_at, 1_700_000_000);
    assert!(sink.warnings.is_empty());

    let (result, sink) = read("business/no_timestamp.json", &Options::default());
    result?;
    assert_eq!(sink.observations().len(), 1);
    assert_eq!(sink.warnings.len(), 1);
    assert!(
        sink.warnings[0].message.contains("modification time"),
        "{:?}",
        sink.warnings
    );

    // No file time either (a stream): the user is asked for `--observed-at`.
    let text = std::fs::read(fixture("business/no_timestamp.json"))?;
    let no_options = Options::default();
    let ctx = Context::new("stdin", &no_options);
    let e = business::parse(text.as_slice(), &ctx, &mut VecSink::default())
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(e.contains("--observed-at"), "{e}");
    Ok(())
}

#[test]
fn mangled_and_oversized_ids_are_errors() {
    let options = Options::default();
    let ctx = Context::new("page.json", &options);
    let page = |id: &str| {
        format!(
            r#"{{"code":0,"request_id":"20240901120000","data":{{"videos":[{{"item_id":{id},"likes":1}}]}}}}"#
        )
    };
    for (id, want) in [
        ("\"7.41E+18\"", "spreadsheet"),
        ("7.41E+18", "numeric id"),
        ("18446744073709551616", "numeric id"),
        ("7412345678901234567.0", "numeric id"),
    ] {
        let e = business::parse(page(id).as_bytes(), &ctx, &mut VecSink::default())
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(e.contains(want) && e.contains("`item_id`"), "{id}: {e}");
    }
}

#[test]
fn a_bare_list_of_videos_is_not_an_empty_import() {
    let options = Options::default();
    let ctx = Context::new("videos.json", &options);
    let text = r#"[{"item_id":"7400000000000000001","video_views":10}]"#;
    let e = business::parse(text.as_bytes(), &ctx, &mut VecSink::default())
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(
        e.contains("page 1") && e.contains("whole API response"),
        "{e}"
    );
}

#[test]
fn truncated_json_says_so() {
    let options = Options::default();
    let ctx = Context::new("page.json", &options);
    let text = r#"{"code":0,"request_id":"20240901120000","data":{"videos":[{"item_id":"1","likes":1},{"item_"#;
    let e = business::parse(text.as_bytes(), &ctx, &mut VecSink::default())
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(e.contains("ends early"), "{e}");
}

/// Counts what it receives and keeps nothing, like a store that writes as
/// it goes.
#[derive(Default)]
struct CountingSink {
    items: usize,
    observations: usize,
    last_id: String,
}

impl Sink for CountingSink {
    fn push(&mut self, item: Item) -> Result<(), SinkError> {
        self.items += 1;
        for r in item.records {
            match r {
                Record::Observation(_) => self.observations += 1,
                Record::Video(v) => self.last_id = v.platform_id,
                _ => {}
            }
        }
        Ok(())
    }

    fn warn(&mut self, _warning: Warning) {}
}

#[test]
fn ten_thousand_videos_in_concatenated_pages() -> TestResult {
    let mut file = tempfile::NamedTempFile::new()?;
    for page in 0..500u64 {
        write!(
            file,
            r#"{{"code":0,"message":"OK","request_id":"20240901{:06}","data":{{"has_more":true,"videos":["#,
            120000 + page % 60
        )?;
        for i in 0..20u64 {
            let id = 7_400_000_000_000_000_000u64 + page * 20 + i;
            if i > 0 {
                write!(file, ",")?;
            }
            write!(
                file,
                r#"{{"item_id":{id},"create_time":"1725000000","caption":"Video {id} #health","video_views":{i},"likes":3,"comments":1,"shares":0,"favorites":2,"reach":9,"full_video_watched_rate":0.2,"average_time_watched":5.5,"impression_sources":[{{"impression_source":"For You","percentage":0.9}}],"audience_countries":[{{"country":"CA","percentage":0.5}}]}}"#
            )?;
        }
        writeln!(file, "]}}}}")?;
    }
    file.flush()?;
    let mut sink = CountingSink::default();
    let start = std::time::Instant::now();
    let summary = read_path(file.path(), &Options::default(), &mut sink, &mut |_| {})?;
    let elapsed = start.elapsed();
    assert_eq!(summary.items(), 10_000);
    assert_eq!(sink.items, 10_000);
    assert_eq!(sink.observations, 10_000);
    assert_eq!(sink.last_id, "7400000000000009999");
    // Generous bound for unoptimised test builds on a busy machine; a
    // release build reads this file in a few tens of milliseconds.
    assert!(elapsed.as_secs() < 20, "{elapsed:?}");
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        let options = Options { observed_at: Some(1_725_000_000), ..Options::default() };
        let ctx = Context::new("fuzz.json", &options);
        let _ = business::parse(bytes.as_slice(), &ctx, &mut VecSink::default());
    }

    #[test]
    fn json_like_text_never_panics(parts in proptest::collection::vec(prop::sample::select(vec![
        "{", "}", "[", "]", ",", ":", "\"code\"", "0", "1", "\"data\"", "\"videos\"", "\"metrics\"",
        "\"item_id\"", "\"request_id\"", "\"20240901120000\"", "\"date\"", "\"2024-08-30\"",
        "\"likes\"", "\"full_video_watched_rate\"", "150", "-1", "1e400", "18446744073709551616",
        "null", "true", "\"x\"", "\"impression_sources\"", "\"percentage\"", "\"username\"",
        "\"create_time\"", "99999999999999", "0.5",
    ]), 0..64)) {
        let text = parts.concat();
        let options = Options { observed_at: Some(1_725_000_000), ..Options::default() };
        let ctx = Context::new("fuzz.json", &options);
        let _ = business::parse(text.as_bytes(), &ctx, &mut VecSink::default());
    }
}

// ---- `/business/comment/list/` ----

fn comment_options(account: Option<&str>) -> Options {
    Options {
        secret: Some(uptake_model::PseudonymSecret::from_bytes([7; 32])),
        account: account.map(str::to_string),
        ..Options::default()
    }
}

#[test]
fn comment_list_yields_threads_with_pseudonymous_authors() -> TestResult {
    let (result, sink) = read("business/comments.json", &comment_options(Some("kmb_lab")));
    let summary = result?;
    assert_eq!(summary.formats(), vec![SourceFormat::BusinessComments]);
    assert_eq!(summary.items(), 2, "one item per top-level comment");
    let c = sink.comments();
    assert_eq!(c.len(), 4, "two comments and two replies");
    let ids: Vec<_> = c.iter().map(|c| c.platform_id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "7412345678900000011",
            "7412345678900000012",
            "7412345678900000013",
            "7412345678900000014"
        ]
    );
    // Threads: the parent is `None` at the top level (parent = the video, or
    // `"0"`), the comment for replies (given or implied by `reply_list`).
    assert_eq!(c[0].parent_id, None);
    assert_eq!(c[1].parent_id.as_deref(), Some("7412345678900000011"));
    assert_eq!(c[2].parent_id.as_deref(), Some("7412345678900000011"));
    assert_eq!(c[3].parent_id, None);
    assert_eq!(
        c[2].video_id, "7412345678901299999",
        "inherited from the parent"
    );
    assert_eq!(c[3].video_id, "7412345678901299999", "a numeric id");
    assert_eq!(c[0].created_at, Some(1_725_003_600), "string create_time");
    assert_eq!(c[1].created_at, Some(1_725_007_200), "integer create_time");
    assert_eq!(c[0].likes.map(|l| l.value), Some(4));
    assert_eq!(c[0].replies.map(|l| l.value), Some(2));
    assert_eq!(c[2].replies, None);
    assert!(c.iter().all(|c| c.observed_at == Some(SEP_1_NOON)));
    assert_eq!(c[3].text, "Great video", "NUL removed");
    assert_eq!(sink.warnings.len(), 1, "{:?}", sink.warnings);
    assert!(sink.warnings[0].message.contains("`text`"));

    // Authors: commenters are keyed; the account's own reply keeps its handle.
    assert_eq!(c[1].author_handle.as_deref(), Some("kmb_lab"));
    assert!(c[0].author_key.is_some() && c[0].author_handle.is_none());
    assert_eq!(c[2].author_key, c[3].author_key, "same commenter, same key");
    assert_ne!(c[0].author_key, c[2].author_key);

    let raw = sink.items[0].raw.as_deref().unwrap_or("");
    assert!(
        raw.contains("\"owner\":true") && raw.contains("\"liked\":true"),
        "{raw}"
    );
    let shown = format!("{sink:?}");
    for h in [
        "sleepy_sam",
        "night_owl_99",
        "a1b2c3d4e5",
        "k1l2m3n4o5",
        "sam.jpeg",
    ] {
        assert!(!shown.contains(h), "leaks {h}: {shown}");
    }
    Ok(())
}

#[test]
fn the_accounts_own_comment_keeps_its_handle_without_configuration() -> TestResult {
    let (result, sink) = read("business/comments.json", &comment_options(None));
    result?;
    let c = sink.comments();
    assert_eq!(c[1].author_handle.as_deref(), Some("kmb_lab"));
    assert_eq!(c[0].author_handle, None);

    let mut keep = comment_options(None);
    keep.keep_handles = true;
    let (result, sink) = read("business/comments.json", &keep);
    result?;
    assert_eq!(
        sink.comments()[0].author_handle.as_deref(),
        Some("sleepy_sam")
    );
    Ok(())
}

#[test]
fn bad_comments_name_the_comment_and_field() {
    let options = comment_options(None);
    let ctx = Context::new("comments.json", &options);
    for (comment, want) in [
        (
            r#"{"video_id":"1","text":"x"}"#,
            "page 1, comment 1: expected a `comment_id`",
        ),
        (r#"{"comment_id":"5","text":"x"}"#, "`video_id`"),
        (
            r#"{"comment_id":"5","video_id":"1","likes":"many"}"#,
            "comment 1 (`5`), field `likes`",
        ),
        (
            r#"{"comment_id":"5","video_id":"1","reply_list":[{"comment_id":"x"}]}"#,
            "reply 1, field `comment_id`",
        ),
        (
            r#"{"comment_id":"5","video_id":"1","reply_list":3}"#,
            "`reply_list`",
        ),
    ] {
        let text = format!(
            r#"{{"code":0,"request_id":"20240901120000","data":{{"comments":[{comment}]}}}}"#
        );
        let e = business::parse(text.as_bytes(), &ctx, &mut VecSink::default())
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(e.contains(want), "{comment}: {e}");
    }
}

mod limits;
