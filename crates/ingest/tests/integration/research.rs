//! Tests for the `research` reader: TikTok Research API responses
//! (`formats.md` §1), read through `read_path` so that sniffing and dispatch
//! are exercised too. Fixtures are synthetic (see `fixtures/research/README.md`).

use crate::fixture;
use proptest::prelude::*;
use std::error::Error;
use std::io::Write;
use uptake_ingest::{
    read_path, research, Context, IngestError, Item, Options, ReadSummary, Record, Sink, SinkError,
    VecSink, Warning,
};
use uptake_model::{author_key, PseudonymSecret, SourceFormat, PLATFORM_TIKTOK};

type TestResult = Result<(), Box<dyn Error>>;

fn secret() -> PseudonymSecret {
    PseudonymSecret::from_bytes([7; 32])
}

fn options() -> Options {
    Options {
        secret: Some(secret()),
        ..Options::default()
    }
}

fn key(handle: &str) -> String {
    author_key(&secret(), PLATFORM_TIKTOK, handle)
}

fn read(rel: &str, options: &Options) -> (Result<ReadSummary, IngestError>, VecSink) {
    let mut sink = VecSink::default();
    let result = read_path(&fixture(rel), options, &mut sink, &mut |_| {});
    (result, sink)
}

fn read_text(text: &str, options: &Options) -> (Result<SourceFormat, IngestError>, VecSink) {
    let ctx = Context::new("stdin", options);
    let mut sink = VecSink::default();
    let result = research::parse(text.as_bytes(), &ctx, &mut sink);
    (result, sink)
}

fn value(c: Option<uptake_model::Count>) -> Option<i64> {
    c.map(|c| c.value)
}

/// 2024-09-01 12:00:00 UTC, the start of the video page's `log_id`.
const SEP_1_NOON: i64 = 1_725_192_000;

#[test]
fn a_video_page_yields_videos_and_observations_with_exact_ids() -> TestResult {
    let (result, sink) = read("research/videos_page.json", &options());
    let summary = result?;
    assert_eq!(summary.formats(), vec![SourceFormat::ResearchVideos]);
    assert_eq!(summary.items(), 3);

    let videos = sink.videos();
    assert_eq!(videos.len(), 3);
    // 19-digit ids above 2^53 keep every digit (f64 would give ...4560 / ...9000).
    assert_eq!(videos[0].platform_id, "7412345678901234567");
    assert_eq!(
        videos[1].platform_id, "7599999999999999999",
        "`video_id` alias"
    );
    assert_eq!(videos[2].platform_id, "7400000000000000003");

    let v = videos[0];
    assert_eq!(v.created_at, Some(1_725_000_000));
    assert_eq!(
        v.posted_on.map(|d| d.to_string()).as_deref(),
        Some("2024-08-30")
    );
    assert_eq!(
        v.caption.as_deref(),
        Some("3 myths about #vaccines #health\nwatch to the end")
    );
    assert_eq!(v.title.as_deref(), Some("3 myths about #vaccines #health"));
    assert_eq!(v.duration_s, Some(21.0));
    assert_eq!(v.author_key, Some(key("health_nurse")));
    assert_eq!(v.author_handle, None);
    assert_eq!(v.url, None);
    // The NUL inside `dr\u0000_wellbeing` is removed before keying.
    assert_eq!(videos[1].author_key, Some(key("dr_wellbeing")));
    // Missing fields are absent, not zero.
    let bare = videos[2];
    assert_eq!(bare.caption, None);
    assert_eq!(bare.author_key, None);
    assert_eq!(bare.duration_s, None);

    let obs = sink.observations();
    assert_eq!(obs.len(), 2, "the id-only video has no metrics");
    assert!(obs
        .iter()
        .all(|o| o.observed_at == SEP_1_NOON && o.source == SourceFormat::ResearchVideos));
    let m = &obs[0].metrics;
    assert_eq!(value(m.views), Some(15230));
    assert_eq!(m.views.map(|c| c.approximate), Some(false));
    assert_eq!(value(m.likes), Some(812));
    assert_eq!(value(m.comments), Some(47));
    assert_eq!(value(m.shares), Some(19));
    assert_eq!(value(m.saves), Some(102));
    assert_eq!(m.reach, None);
    let m = &obs[1].metrics;
    assert_eq!(value(m.views), Some(900));
    assert_eq!(m.likes, None, "`like_count` absent");
    assert_eq!(m.saves, None);

    // One warning: the NUL, naming the record and the field, not the value.
    assert_eq!(sink.warnings.len(), 1, "{:?}", sink.warnings);
    let w = &sink.warnings[0];
    assert_eq!(
        w.location.record.as_deref(),
        Some("page 1, video 2 (`7599999999999999999`)")
    );
    assert!(
        w.message.contains("NUL") && w.message.contains("`username`"),
        "{w:?}"
    );

    // The raw record keeps the exact id and drops the handles.
    let raw = sink.items[0].raw.as_deref().unwrap_or("");
    assert!(raw.contains("\"id\":7412345678901234567"), "{raw}");
    assert!(raw.contains("\"music_id\":7300000000000000002"), "{raw}");
    assert!(
        !raw.contains("health_nurse") && !raw.contains("dr_wellbeing"),
        "{raw}"
    );
    assert!(!sink.items[1].raw.as_deref().unwrap_or("").contains('\0'));
    Ok(())
}

#[test]
fn handles_never_reach_the_sink_unless_allowed() -> TestResult {
    let handles = ["health_nurse", "dr_wellbeing", "Nurse Kim", "Sleepy Sam"];
    for rel in [
        "research/videos_page.json",
        "research/videos_pages.json",
        "research/videos.ndjson",
        "research/videos_concatenated.json",
        "research/comments_page.json",
        "research/comments_pages.ndjson",
        "research/user_info.json",
        "research/user_info_no_handle.json",
    ] {
        let mut o = options();
        o.observed_at = Some(1_725_000_000);
        let (result, sink) = read(rel, &o);
        result?;
        let shown = format!("{sink:?}");
        for h in handles {
            assert!(!shown.contains(h), "{rel} leaks {h}: {shown}");
        }
    }

    // Opted in: handles are kept on the records (never in raw).
    let mut o = options();
    o.keep_handles = true;
    let (result, sink) = read("research/videos_page.json", &o);
    result?;
    assert_eq!(
        sink.videos()[0].author_handle.as_deref(),
        Some("health_nurse")
    );
    assert!(!sink.items[0]
        .raw
        .as_deref()
        .unwrap_or("")
        .contains("health_nurse"));

    // The project's own account keeps its handle; others stay pseudonymous.
    let mut o = options();
    o.account = Some("@Health_Nurse".into());
    let (result, sink) = read("research/videos_page.json", &o);
    result?;
    let videos = sink.videos();
    assert_eq!(videos[0].author_handle.as_deref(), Some("health_nurse"));
    assert_eq!(videos[1].author_handle, None);
    Ok(())
}

#[test]
fn arrays_of_pages_are_dated_page_by_page() -> TestResult {
    let (result, sink) = read("research/videos_pages.json", &options());
    assert_eq!(result?.items(), 2);
    let obs = sink.observations();
    assert_eq!(obs[0].observed_at, SEP_1_NOON);
    assert_eq!(obs[1].observed_at, SEP_1_NOON + 60);
    assert_eq!(obs[1].video_id, "7599999999999999999");
    assert_eq!(
        sink.items[1].location.record.as_deref(),
        Some("page 2, video 1 (`7599999999999999999`)")
    );
    Ok(())
}

#[test]
fn ndjson_and_concatenated_arrays_of_objects() -> TestResult {
    let mut o = options();
    o.observed_at = Some(1_700_000_000);
    let (result, sink) = read("research/videos.ndjson", &o);
    let summary = result?;
    assert_eq!(summary.formats(), vec![SourceFormat::ResearchVideos]);
    let ids: Vec<_> = sink
        .videos()
        .iter()
        .map(|v| v.platform_id.clone())
        .collect();
    assert_eq!(
        ids,
        [
            "7412345678901234567",
            "7599999999999999999",
            "7400000000000000003"
        ]
    );
    assert!(sink
        .observations()
        .iter()
        .all(|o| o.observed_at == 1_700_000_000));
    assert_eq!(value(sink.observations()[2].metrics.shares), Some(0));
    // NDJSON records are located by line.
    assert_eq!(sink.items[2].location.line, Some(3));
    assert!(sink.warnings.is_empty(), "{:?}", sink.warnings);

    let (result, sink) = read("research/videos_concatenated.json", &o);
    assert_eq!(result?.items(), 3);
    assert_eq!(sink.videos()[2].platform_id, "7400000000000000003");
    assert_eq!(
        sink.items[2].location.record.as_deref(),
        Some("record 1 (`7400000000000000003`)")
    );
    Ok(())
}

#[test]
fn comment_threads_and_redacted_text() -> TestResult {
    let (result, sink) = read("research/comments_page.json", &options());
    assert_eq!(result?.formats(), vec![SourceFormat::ResearchComments]);
    let c = sink.comments();
    assert_eq!(c.len(), 3);
    assert_eq!(c[0].platform_id, "7412345678900000001");
    assert_eq!(c[0].video_id, "7412345678901234567");
    assert_eq!(c[0].parent_id, None, "parent = the video: top level");
    assert_eq!(c[1].parent_id.as_deref(), Some("7412345678900000001"));
    assert_eq!(c[0].text, "Thanks, very clear. Call me on 40******30");
    assert_eq!(c[2].text, "", "empty text is kept as empty");
    assert_eq!(c[0].created_at, Some(1_725_003_600));
    assert_eq!(value(c[0].likes), Some(3));
    assert_eq!(value(c[0].replies), Some(1));
    assert_eq!(c[2].likes, None);
    assert!(c
        .iter()
        .all(|c| c.author_key.is_none() && c.author_handle.is_none()));
    assert!(c.iter().all(|c| c.observed_at == Some(SEP_1_NOON + 3600)));
    // The undocumented `display_name` is scrubbed from the raw record.
    let raw = sink.items[1].raw.as_deref().unwrap_or("");
    assert!(
        !raw.contains("Sleepy Sam") && raw.contains("7412345678900000002"),
        "{raw}"
    );

    let (result, sink) = read("research/comments_pages.ndjson", &options());
    assert_eq!(result?.items(), 2);
    let c = sink.comments();
    assert_eq!(c[1].text, "Useful tip");
    assert_eq!(c[1].observed_at, Some(SEP_1_NOON + 3660));
    assert_eq!(sink.warnings.len(), 1);
    assert!(sink.warnings[0].message.contains("`text`"));
    Ok(())
}

#[test]
fn user_info_becomes_a_profile_only_with_a_username() -> TestResult {
    let (result, sink) = read("research/user_info.json", &options());
    assert_eq!(result?.formats(), vec![SourceFormat::ResearchUser]);
    let profiles: Vec<_> = sink
        .records()
        .filter_map(|r| match r {
            Record::Profile(p) => Some(p),
            _ => None,
        })
        .collect();
    assert_eq!(profiles.len(), 1);
    let p = profiles[0];
    assert_eq!(p.author_key, key("health_nurse"));
    assert_eq!(
        p.observed_at, 1_725_264_000,
        "2024-09-02 08:00 UTC from log_id"
    );
    assert_eq!(p.followers, Some(120_400));
    assert_eq!(p.following, Some(310));
    assert_eq!(p.likes, Some(2_300_000));
    assert_eq!(p.videos, Some(412));
    let raw = sink.items[0].raw.as_deref().unwrap_or("");
    assert!(raw.contains("120400") && !raw.contains("Nurse Kim") && !raw.contains("Evidence"));

    let (result, sink) = read("research/user_info_no_handle.json", &options());
    assert_eq!(result?.formats(), vec![SourceFormat::ResearchUser]);
    assert!(sink.items.is_empty());
    assert_eq!(sink.warnings.len(), 1);
    assert!(sink.warnings[0].message.contains("`username`"));
    Ok(())
}

#[test]
fn an_error_envelope_is_an_error_quoting_code_message_and_log_id() {
    // An error page has no video fields; sniffing routes it by envelope
    // to the Display reader, so the format is named as a user would.
    let mut o = options();
    o.format = Some(SourceFormat::ResearchVideos);
    let (result, sink) = read("research/error_quota.json", &o);
    let e = result.err().map(|e| e.to_string()).unwrap_or_default();
    assert!(
        e.contains("daily_quota_limit_exceeded")
            && e.contains("You have exceeded your daily quota")
            && e.contains("20240902235959ABCDEF0123456789")
            && e.contains("HTTP 429")
            && e.contains("00:00 UTC"),
        "{e}"
    );
    assert!(sink.items.is_empty());

    // Objects of a page that failed are never pushed.
    let text = r#"{"data":{"videos":[{"id":1,"view_count":3}]},"error":{"code":"internal_error","message":"x","log_id":"2024"}}"#;
    let (result, sink) = read_text(text, &options());
    assert!(result.is_err());
    assert!(sink.items.is_empty());
}

#[test]
fn observation_time_falls_back_and_then_asks() -> TestResult {
    // Bare objects carry no `log_id`: the file's time is used, with a warning.
    let (result, sink) = read("research/videos.ndjson", &options());
    result?;
    assert_eq!(sink.observations().len(), 3);
    assert_eq!(sink.warnings.len(), 1, "{:?}", sink.warnings);
    assert!(sink.warnings[0].message.contains("modification time"));

    // No file time either: the user is asked for `--observed-at`.
    let (result, _) = read_text(r#"[{"id":1,"view_count":3}]"#, &options());
    let e = result.err().map(|e| e.to_string()).unwrap_or_default();
    assert!(
        e.contains("--observed-at") && e.contains("record 1 (`1`)"),
        "{e}"
    );

    // Comments do not need one.
    let (result, sink) = read_text(r#"{"id":2,"video_id":1,"text":"hi"}"#, &options());
    assert_eq!(result?, SourceFormat::ResearchComments);
    assert_eq!(sink.comments()[0].observed_at, None);
    Ok(())
}

#[test]
fn bad_ids_and_values_name_the_record_and_field() {
    let mut o = options();
    o.observed_at = Some(1_725_000_000);
    for (text, want) in [
        (r#"[{"id":7.41E+18,"view_count":1}]"#, "`id`"),
        (r#"[{"id":"7.41E+18","view_count":1}]"#, "spreadsheet"),
        (r#"[{"id":18446744073709551616}]"#, "`id`"),
        (
            r#"[{"id":1,"view_count":"lots"}]"#,
            "record 1 (`1`), field `view_count`",
        ),
        (
            r#"[{"id":1,"video_id":2,"parent_comment_id":1.5}]"#,
            "`parent_comment_id`",
        ),
        (r#"[{"id":1,"text":"x"}]"#, "`video_id`"),
        (r#"[{"view_count":1}]"#, "`id` (or `video_id`)"),
        (r#"[1,2]"#, "page or a video"),
        (
            r#"{"data":{"videos":[{"id":1}]},"error":{"code":"ok","log_id":"2024"}"#,
            "ends early",
        ),
    ] {
        let (result, _) = read_text(text, &o);
        let e = result.err().map(|e| e.to_string()).unwrap_or_default();
        assert!(e.contains(want), "{text}: {e}");
    }
}

/// Counts what it receives and keeps nothing, like a store that writes as
/// it goes.
#[derive(Default)]
struct CountingSink {
    items: usize,
    last_id: String,
}

impl Sink for CountingSink {
    fn push(&mut self, item: Item) -> Result<(), SinkError> {
        self.items += 1;
        for r in item.records {
            if let Record::Video(v) = r {
                self.last_id = v.platform_id;
            }
        }
        Ok(())
    }

    fn warn(&mut self, _warning: Warning) {}
}

#[test]
fn a_long_concatenated_array_streams() -> TestResult {
    let mut file = tempfile::NamedTempFile::new()?;
    write!(file, "[")?;
    for i in 0..5_000u64 {
        let id = 7_400_000_000_000_000_000u64 + i;
        if i > 0 {
            write!(file, ",")?;
        }
        write!(
            file,
            r#"{{"id":{id},"username":"user_{i}","region_code":"GB","video_description":"Video {i} #health","view_count":{i},"like_count":3}}"#
        )?;
    }
    write!(file, "]")?;
    file.flush()?;
    let mut sink = CountingSink::default();
    let mut o = options();
    o.observed_at = Some(1_725_000_000);
    let summary = read_path(file.path(), &o, &mut sink, &mut |_| {})?;
    assert_eq!(summary.items(), 5_000);
    assert_eq!(sink.items, 5_000);
    assert_eq!(sink.last_id, "7400000000000004999");
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        let options = Options { observed_at: Some(1_725_000_000), ..options() };
        let ctx = Context::new("fuzz.json", &options);
        let _ = research::parse(bytes.as_slice(), &ctx, &mut VecSink::default());
    }

    #[test]
    fn json_like_text_never_panics(parts in proptest::collection::vec(prop::sample::select(vec![
        "{", "}", "[", "]", ",", ":", "\n", "\"data\"", "\"error\"", "\"code\"", "\"ok\"",
        "\"log_id\"", "\"20240901120000\"", "\"videos\"", "\"comments\"", "\"id\"", "\"video_id\"",
        "\"parent_comment_id\"", "\"username\"", "\"a\\u0000b\"", "\"follower_count\"",
        "\"view_count\"", "\"create_time\"", "7412345678901234567", "18446744073709551616",
        "1e400", "-1", "0.5", "null", "true", "\"x\"", "\"text\"",
    ]), 0..64)) {
        let text = parts.concat();
        let options = Options { observed_at: Some(1_725_000_000), ..options() };
        let ctx = Context::new("fuzz.json", &options);
        let _ = research::parse(text.as_bytes(), &ctx, &mut VecSink::default());
    }
}

/// A page holding `n` tiny videos, like the 183 MB page of three million
/// that once took 3 GB; TikTok writes `data` before `error`.
fn page_of(n: u64, error_first: bool) -> String {
    let videos: Vec<String> = (1..=n)
        .map(|i| {
            let id = 7_400_000_000_000_000_000u64 + i;
            format!(r#"{{"id":{id},"like_count":1,"region_code":"GB"}}"#)
        })
        .collect();
    let data = format!(
        r#""data":{{"videos":[{}],"cursor":100,"has_more":false}}"#,
        videos.join(",")
    );
    let error = r#""error":{"code":"ok","message":"","log_id":"20240901120000ABCDEF"}"#;
    if error_first {
        format!("{{{error},{data}}}")
    } else {
        format!("{{{data},{error}}}")
    }
}

fn data_first_page(n: u64) -> String {
    page_of(n, false)
}

#[test]
fn a_page_holding_far_more_than_the_api_cap_before_its_error_is_refused() {
    // The API returns at most 100 a page; 1,000 are held, the 1,001st is
    // refused, and nothing of the page reaches the sink.
    let (result, sink) = read_text(&data_first_page(1_001), &options());
    let e = result.err().map(|e| e.to_string()).unwrap_or_default();
    assert!(
        e.starts_with("`stdin` page 1, video 1001 (`7400000000000001001`): expected at most 1,000 videos before the page's `error` object"),
        "{e}"
    );
    assert!(e.contains("`max_count` ≤ 100"), "{e}");
    assert!(
        sink.items.is_empty(),
        "nothing of the refused page is pushed"
    );
}

#[test]
fn a_page_at_the_bound_still_imports_and_the_bound_is_per_page() -> TestResult {
    let (result, sink) = read_text(&data_first_page(1_000), &options());
    assert_eq!(result?, SourceFormat::ResearchVideos);
    assert_eq!(sink.videos().len(), 1_000);
    assert!(sink
        .observations()
        .iter()
        .all(|o| o.observed_at == SEP_1_NOON));

    // Two full pages, one per NDJSON line: each starts from nothing held.
    let two = format!("{}\n{}\n", data_first_page(1_000), data_first_page(1_000));
    let (result, sink) = read_text(&two, &options());
    assert_eq!(result?, SourceFormat::ResearchVideos);
    assert_eq!(sink.videos().len(), 2_000);

    // With `error` first nothing is held, so no bound applies.
    let (result, sink) = read_text(&page_of(1_001, true), &options());
    assert_eq!(result?, SourceFormat::ResearchVideos);
    assert_eq!(sink.videos().len(), 1_001);
    Ok(())
}

#[test]
fn a_data_object_with_endless_user_fields_is_refused() {
    let fields: Vec<String> = (1..=1_001).map(|i| format!(r#""f{i}":{i}"#)).collect();
    let text = format!(
        r#"{{"data":{{{}}},"error":{{"code":"ok","log_id":"20240901120000ABCDEF"}}}}"#,
        fields.join(",")
    );
    let (result, sink) = read_text(&text, &options());
    let e = result.err().map(|e| e.to_string()).unwrap_or_default();
    assert!(
        e.starts_with("`stdin` page 1, user: expected at most 1,000 fields"),
        "{e}"
    );
    assert!(sink.items.is_empty());
}

/// A negative count or a time outside 2010–2099 is a damaged value, refused
/// with the field named; a time in milliseconds keeps its own hint.
#[test]
fn negative_counts_and_out_of_era_times_are_refused() {
    for (video, field, hint) in [
        (r#""view_count":-5"#, "view_count", "0 or more"),
        (r#""view_count":10000000000001"#, "view_count", "too large"),
        (r#""create_time":1"#, "create_time", "2010 to 2099"),
        (r#""create_time":4102444800"#, "create_time", "2010 to 2099"),
        (
            r#""create_time":1725000000000"#,
            "create_time",
            "milliseconds",
        ),
    ] {
        // A good create_time unless the case is about it.
        let time = if field == "create_time" {
            ""
        } else {
            r#""create_time":1725000000,"#
        };
        let text = format!(r#"[{{"id":7412345678901234567,{time}"region_code":"CA",{video}}}]"#);
        let (result, _) = read_text(&text, &options());
        let e = result.err().map(|e| e.to_string()).unwrap_or_default();
        assert!(e.contains(field) && e.contains(hint), "{video}: {e}");
    }
}
