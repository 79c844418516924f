//! Tests for the `display` reader: Display API v2 `/v2/video/list/` and
//! `/v2/video/query/` responses (`formats.md` §2b).

use crate::fixture;
use proptest::prelude::*;
use std::error::Error;
use uptake_ingest::{display, read_path, Context, IngestError, Options, ReadSummary, VecSink};
use uptake_model::SourceFormat;

type TestResult = Result<(), Box<dyn Error>>;

fn read(rel: &str, options: &Options) -> (Result<ReadSummary, IngestError>, VecSink) {
    let mut sink = VecSink::default();
    let result = read_path(&fixture(rel), options, &mut sink, &mut |_| {});
    (result, sink)
}

#[test]
fn video_list_page_yields_videos_and_observations() -> TestResult {
    let options = Options {
        account: Some("kmb_lab".into()),
        ..Options::default()
    };
    let (result, sink) = read("display/video_list.json", &options);
    let summary = result?;
    assert_eq!(summary.formats(), vec![SourceFormat::DisplayVideoList]);
    assert_eq!(summary.items(), 2);

    let videos = sink.videos();
    let v = videos[0];
    assert_eq!(v.platform_id, "7412345678901299999");
    assert_eq!(v.title.as_deref(), Some("Sleep tips"));
    assert_eq!(
        v.caption.as_deref(),
        Some("Sleep tips from our study #sleep #research")
    );
    assert_eq!(v.created_at, Some(1_725_000_000));
    assert_eq!(
        v.posted_on.map(|d| d.to_string()).as_deref(),
        Some("2024-08-30")
    );
    assert_eq!(v.duration_s, Some(21.0));
    assert_eq!(v.author_handle.as_deref(), Some("kmb_lab"));
    assert!(v.url.as_deref().unwrap_or("").contains("utm_campaign"));

    // A 19-digit id as a JSON number, and create_time as a string.
    assert_eq!(videos[1].platform_id, "7412345678901234567");
    assert_eq!(videos[1].created_at, Some(1_725_100_000));
    // No `title`: the caption's first line stands in.
    assert_eq!(videos[1].title.as_deref(), Some("No title field here"));

    let obs = sink.observations();
    assert_eq!(obs.len(), 2);
    // `error` comes after `data`; its log_id still dates the page.
    assert!(obs.iter().all(|o| o.observed_at == 1_725_192_000));
    assert!(obs
        .iter()
        .all(|o| o.source == SourceFormat::DisplayVideoList));
    let m = &obs[0].metrics;
    assert_eq!(m.views.map(|c| c.value), Some(5400));
    assert_eq!(m.likes.map(|c| c.value), Some(310));
    assert_eq!(m.comments.map(|c| c.value), Some(12));
    assert_eq!(m.shares.map(|c| c.value), Some(9));
    // The Display API has no saves, reach or watch time.
    assert_eq!(m.saves, None);
    assert_eq!(m.reach, None);
    assert_eq!(m.avg_watch_s, None);
    assert_eq!(obs[1].metrics.likes, None);

    let raw = sink.items[0].raw.as_deref().unwrap_or("");
    assert!(
        raw.contains(
            r#""cover_image_url":"https://p16-sign.tiktokcdn.com/cover.jpeg?x-expires=1725010000""#
        ),
        "{raw}"
    );
    assert!(sink.warnings.is_empty(), "{:?}", sink.warnings);
    Ok(())
}

#[test]
fn an_error_page_is_an_error_quoting_code_message_and_log_id() {
    let options = Options {
        format: Some(SourceFormat::DisplayVideoList),
        ..Options::default()
    };
    let (result, sink) = read("display/error_page.json", &options);
    let e = result.err().map(|e| e.to_string()).unwrap_or_default();
    assert!(e.contains("access_token_invalid"), "{e}");
    assert!(e.contains("The access token is invalid"), "{e}");
    assert!(e.contains("20240901120000A1B2C3"), "{e}");
    assert!(sink.items.is_empty());
}

#[test]
fn ndjson_pages_in_either_key_order() -> TestResult {
    let (result, sink) = read("display/pages.ndjson", &Options::default());
    assert_eq!(result?.items(), 2);
    let obs = sink.observations();
    assert_eq!(obs[0].observed_at, 1_725_192_000);
    assert_eq!(obs[1].observed_at, 1_725_192_060);
    Ok(())
}

#[test]
fn an_array_of_pages() -> TestResult {
    let page = |id: &str, log: &str| {
        format!(
            r#"{{"data":{{"videos":[{{"id":"{id}","view_count":1}}]}},"error":{{"code":"ok","log_id":"{log}"}}}}"#
        )
    };
    let text = format!(
        "[{},\n{}]",
        page("1", "20240901120000X"),
        page("2", "20240902120000Y")
    );
    let options = Options::default();
    let ctx = Context::new("pages.json", &options);
    let mut sink = VecSink::default();
    display::parse(text.as_bytes(), &ctx, &mut sink)?;
    let times: Vec<i64> = sink.observations().iter().map(|o| o.observed_at).collect();
    assert_eq!(times, [1_725_192_000, 1_725_278_400]);
    Ok(())
}

#[test]
fn a_bare_video_object_is_not_an_empty_import() {
    let options = Options::default();
    let ctx = Context::new("video.json", &options);
    let text = r#"{"id":"7400000000000000001","view_count":10}"#;
    let e = display::parse(text.as_bytes(), &ctx, &mut VecSink::default())
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(e.contains("whole API response"), "{e}");
}

#[test]
fn an_html_body_is_a_clear_error() {
    let options = Options::default();
    let ctx = Context::new("list.json", &options);
    let text = "\u{feff}\n  <html><body>504 Gateway Time-out</body></html>";
    let e = display::parse(text.as_bytes(), &ctx, &mut VecSink::default())
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(
        e.contains("HTML page") && e.contains("<html><body>504"),
        "{e}"
    );
}

/// A `/v2/video/list/` page holding `n` tiny videos, `data` first as TikTok
/// writes it.
fn data_first_page(n: usize) -> String {
    let videos: Vec<String> = (1..=n)
        .map(|i| {
            format!(
                r#"{{"id":"{}","view_count":1}}"#,
                7_400_000_000_000_000_000u64 + i as u64
            )
        })
        .collect();
    format!(
        r#"{{"data":{{"videos":[{}],"cursor":0,"has_more":false}},"error":{{"code":"ok","message":"","log_id":"20240901120000ABCDEF"}}}}"#,
        videos.join(",")
    )
}

fn parse_text(text: &str) -> (Result<SourceFormat, IngestError>, VecSink) {
    let options = Options::default();
    let ctx = Context::new("list.json", &options);
    let mut sink = VecSink::default();
    let result = display::parse(text.as_bytes(), &ctx, &mut sink);
    (result, sink)
}

#[test]
fn a_page_holding_far_more_than_the_api_cap_before_its_error_is_refused() {
    let (result, sink) = parse_text(&data_first_page(201));
    let e = result.err().map(|e| e.to_string()).unwrap_or_default();
    assert!(
        e.starts_with(
            "`list.json` page 1, video 201 (`7400000000000000201`): expected at most 200 videos \
             before the page's `error` object"
        ),
        "{e}"
    );
    assert!(
        e.contains("at most 20 videos a page (`max_count` ≤ 20)"),
        "{e}"
    );
    assert!(
        sink.items.is_empty(),
        "nothing of the refused page is pushed"
    );
}

#[test]
fn a_page_at_the_bound_still_imports() -> TestResult {
    let (result, sink) = parse_text(&data_first_page(200));
    assert_eq!(result?, SourceFormat::DisplayVideoList);
    assert_eq!(sink.videos().len(), 200);
    assert!(sink
        .observations()
        .iter()
        .all(|o| o.observed_at == 1_725_192_000));
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        let options = Options { observed_at: Some(1_725_000_000), ..Options::default() };
        let ctx = Context::new("fuzz.json", &options);
        let _ = display::parse(bytes.as_slice(), &ctx, &mut VecSink::default());
    }

    #[test]
    fn json_like_text_never_panics(parts in proptest::collection::vec(prop::sample::select(vec![
        "{", "}", "[", "]", ",", ":", "\"data\"", "\"error\"", "\"videos\"", "\"code\"", "\"ok\"",
        "\"log_id\"", "\"20240901120000\"", "\"id\"", "\"create_time\"", "\"view_count\"", "\"title\"",
        "0", "1", "-1", "1e400", "18446744073709551616", "null", "true", "\"x\"", "0.5",
    ]), 0..64)) {
        let text = parts.concat();
        let options = Options::default();
        let ctx = Context::new("fuzz.json", &options);
        let _ = display::parse(text.as_bytes(), &ctx, &mut VecSink::default());
    }
}
