//! Business pages that go past what the API writes: more records before
//! the envelope than a page holds, negative totals, repeated days.

use super::{comment_options, SEP_1_NOON};
use uptake_ingest::{business, Context, IngestError, Options, VecSink};
use uptake_model::SourceFormat;

type TestResult = Result<(), Box<dyn std::error::Error>>;

/// A page whose `data` comes before `code` and `request_id` (as a tool that
/// sorts keys writes it), with `n` objects made by `object` in the list
/// `list`: everything in it waits for the envelope.
fn data_first(list: &str, n: usize, object: impl Fn(usize) -> String) -> String {
    let objects: Vec<String> = (1..=n).map(object).collect();
    format!(
        r#"{{"data":{{"{list}":[{}],"has_more":false}},"code":0,"message":"OK","request_id":"20240901120000"}}"#,
        objects.join(",")
    )
}

fn parse_text(text: &str, options: &Options) -> (Result<SourceFormat, IngestError>, VecSink) {
    let ctx = Context::new("page.json", options);
    let mut sink = VecSink::default();
    let result = business::parse(text.as_bytes(), &ctx, &mut sink);
    (result, sink)
}

fn tiny_video(i: usize) -> String {
    format!(
        r#"{{"item_id":"{}","likes":1}}"#,
        7_400_000_000_000_000_000u64 + i as u64
    )
}

fn tiny_comment(i: usize) -> String {
    format!(r#"{{"comment_id":"{i}","video_id":"7412345678901299999","text":"hi","likes":1}}"#)
}

/// Day `i` of a run of distinct days from 2020-01-01 (a page gives each day
/// once).
fn tiny_day(i: usize) -> String {
    let date = chrono::NaiveDate::from_ymd_opt(2020, 1, 1)
        .and_then(|d| d.checked_add_days(chrono::Days::new(i as u64)))
        .unwrap_or_default();
    format!(r#"{{"date":"{date}","video_views":1}}"#)
}

#[test]
fn a_page_holding_far_more_than_the_api_cap_before_its_envelope_is_refused() {
    let options = comment_options(Some("kmb_lab"));
    for (list, n, object, want) in [
        (
            "videos",
            201,
            tiny_video as fn(usize) -> String,
            "`page.json` page 1, video 201 (`7400000000000000201`): expected at most 200 videos \
             before the page's `code` and `request_id`",
        ),
        (
            "comments",
            1_001,
            tiny_comment,
            "`page.json` page 1, comment 1001 (`1001`): expected at most 1,000 comment objects \
             before the page's `code` and `request_id`",
        ),
        (
            "metrics",
            1_001,
            tiny_day,
            "`page.json` page 1, metrics day 1001: expected at most 1,000 daily metrics before \
             the end of the page",
        ),
    ] {
        let (result, sink) = parse_text(&data_first(list, n, object), &options);
        let e = result.err().map(|e| e.to_string()).unwrap_or_default();
        assert!(e.starts_with(want), "{list}: {e}");
        assert!(e.contains("save each response page as it came"), "{e}");
        assert!(
            sink.items.is_empty(),
            "{list}: nothing of the page is pushed"
        );
    }
    // The videos error says what the API's page size is.
    let (result, _) = parse_text(&data_first("videos", 201, tiny_video), &options);
    let e = result.err().map(|e| e.to_string()).unwrap_or_default();
    assert!(
        e.contains("at most 20 videos a page (`max_count` 1–20)"),
        "{e}"
    );
}

#[test]
fn a_page_at_the_bound_still_imports() -> TestResult {
    let options = comment_options(Some("kmb_lab"));
    let (result, sink) = parse_text(&data_first("videos", 200, tiny_video), &options);
    assert_eq!(result?, SourceFormat::BusinessVideoList);
    assert_eq!(sink.videos().len(), 200);
    assert!(sink
        .observations()
        .iter()
        .all(|o| o.observed_at == SEP_1_NOON));

    let (result, sink) = parse_text(&data_first("comments", 1_000, tiny_comment), &options);
    assert_eq!(result?, SourceFormat::BusinessComments);
    assert_eq!(sink.comments().len(), 1_000);

    let (result, sink) = parse_text(&data_first("metrics", 1_000, tiny_day), &options);
    assert_eq!(result?, SourceFormat::BusinessAccount);
    assert_eq!(sink.account_days().len(), 1_000);

    // In TikTok's own order (`code` and `request_id` first) videos stream
    // and no bound applies.
    let objects: Vec<String> = (1..=201).map(tiny_video).collect();
    let text = format!(
        r#"{{"code":0,"message":"OK","request_id":"20240901120000","data":{{"videos":[{}]}}}}"#,
        objects.join(",")
    );
    let (result, sink) = parse_text(&text, &options);
    assert_eq!(result?, SourceFormat::BusinessVideoList);
    assert_eq!(sink.videos().len(), 201);
    Ok(())
}

#[test]
fn account_fields_without_end_are_refused() {
    let fields: Vec<String> = (1..=1_001).map(|i| format!(r#""f{i}":{i}"#)).collect();
    let text = format!(
        r#"{{"code":0,"request_id":"20240901120000","data":{{"username":"kmb_lab",{}}}}}"#,
        fields.join(",")
    );
    let (result, sink) = parse_text(&text, &Options::default());
    let e = result.err().map(|e| e.to_string()).unwrap_or_default();
    assert!(
        e.starts_with("`page.json` page 1, account: expected at most 1,000 account fields"),
        "{e}"
    );
    assert!(sink.items.is_empty());
}

/// Daily likes and comments may be negative (deleted ones); follower totals
/// may not.
#[test]
fn negative_follower_totals_are_refused_and_daily_changes_are_not() {
    let page = |day: &str| {
        format!(
            r#"{{"code":0,"message":"OK","request_id":"1","data":{{"metrics":[{{"date":"2024-08-30",{day}}}],"username":"kmb_lab"}}}}"#
        )
    };
    let options = Options::default();
    let (result, _) = parse_text(&page(r#""comments":-1,"likes":-2"#), &options);
    assert!(result.is_ok(), "{result:?}");
    let (result, _) = parse_text(&page(r#""followers_count":-5"#), &options);
    let e = result.err().map(|e| e.to_string()).unwrap_or_default();
    assert!(
        e.contains("followers_count") && e.contains("0 or more"),
        "{e}"
    );
}

/// A day given twice in one page's `metrics` is refused, naming the day.
#[test]
fn a_day_given_twice_is_refused() {
    let day = r#"{"date":"2024-08-30","video_views":5}"#;
    let text = format!(
        r#"{{"code":0,"message":"OK","request_id":"1","data":{{"metrics":[{day},{day}],"username":"kmb_lab"}}}}"#
    );
    let (result, sink) = parse_text(&text, &Options::default());
    let e = result.err().map(|e| e.to_string()).unwrap_or_default();
    assert!(
        e.contains("page 1") && e.contains("2024-08-30 twice"),
        "{e}"
    );
    assert!(sink.items.is_empty());
}
