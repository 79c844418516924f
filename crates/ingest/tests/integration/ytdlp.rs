//! Tests for the `ytdlp` reader: yt-dlp TikTok `.info.json` files
//! (`formats.md` §5), read through `read_path` so that sniffing and dispatch
//! are exercised too. Fixtures are synthetic (see `fixtures/ytdlp/README.md`).

use crate::fixture;
use proptest::prelude::*;
use std::error::Error;
use uptake_ingest::{read_path, ytdlp, Context, IngestError, Options, ReadSummary, VecSink};
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

fn read(rel: &str, options: &Options) -> (Result<ReadSummary, IngestError>, VecSink) {
    let mut sink = VecSink::default();
    let result = read_path(&fixture(rel), options, &mut sink, &mut |_| {});
    (result, sink)
}

fn value(c: Option<uptake_model::Count>) -> Option<(i64, bool)> {
    c.map(|c| (c.value, c.approximate))
}

const SECRETS: &[&str] = &[
    "vax_facts_daily",
    "Vax Facts Daily",
    "6800000000000000001",
    "MS4wLjABAAAAsynthetic",
    "sleep_doc_uk",
    "Sleep Doc UK",
    "6700000000000000009",
    "tt_chain_token",
    "x-expires",
];

#[test]
fn a_single_video() -> TestResult {
    let (result, sink) = read("ytdlp/video.info.json", &options());
    let summary = result?;
    assert_eq!(summary.formats(), vec![SourceFormat::YtDlp]);
    assert_eq!(summary.items(), 1);
    let v = sink.videos()[0];
    assert_eq!(v.platform_id, "7412345678901234567");
    assert_eq!(
        v.caption.as_deref(),
        Some("3 myths about vaccines that keep coming back, and what the studies actually say #vaccines #health"),
        "the caption is the full `description`"
    );
    assert!(v.title.as_deref().unwrap_or("").ends_with("studies ..."));
    assert_eq!(v.created_at, Some(1_725_000_000));
    assert_eq!(
        v.posted_on.map(|d| d.to_string()).as_deref(),
        Some("2024-08-30")
    );
    assert_eq!(v.duration_s, Some(21.0));
    assert_eq!(
        v.author_key,
        Some(author_key(&secret(), PLATFORM_TIKTOK, "vax_facts_daily"))
    );
    assert_eq!(v.author_handle, None);
    assert_eq!(v.url, None, "the link names the author");

    let o = sink.observations()[0];
    assert_eq!(o.observed_at, 1_725_100_000, "from `epoch`");
    assert_eq!(o.source, SourceFormat::YtDlp);
    assert_eq!(value(o.metrics.views), Some((15230, false)));
    assert_eq!(value(o.metrics.likes), Some((812, false)));
    assert_eq!(value(o.metrics.comments), Some((47, false)));
    assert_eq!(
        value(o.metrics.shares),
        Some((19, false)),
        "`repost_count` = shares"
    );
    assert_eq!(value(o.metrics.saves), Some((102, false)));
    assert!(sink.warnings.is_empty(), "{:?}", sink.warnings);

    let raw = sink.items[0].raw.as_deref().unwrap_or("");
    assert!(raw.contains("\"id\":\"7412345678901234567\""), "{raw}");
    assert!(
        raw.contains("/@[removed]/video/7412345678901234567"),
        "{raw}"
    );
    assert!(raw.contains("original sound - [removed]"), "{raw}");
    let shown = format!("{sink:?}");
    for s in SECRETS {
        assert!(!shown.contains(s), "leaks {s}: {shown}");
    }
    Ok(())
}

#[test]
fn a_playlist_streams_its_entries() -> TestResult {
    let (result, sink) = read("ytdlp/playlist.info.json", &options());
    let summary = result?;
    assert_eq!(summary.formats(), vec![SourceFormat::YtDlp]);
    assert_eq!(summary.items(), 3);
    // Entries with their own `epoch` or without metrics go out at once; the
    // one waiting for the playlist's `epoch` comes last.
    let ids: Vec<_> = sink
        .videos()
        .iter()
        .map(|v| v.platform_id.clone())
        .collect();
    assert_eq!(
        ids,
        [
            "7400000000000000001",
            "7400000000000000003",
            "7400000000000000002"
        ]
    );
    let key = author_key(&secret(), PLATFORM_TIKTOK, "vax_facts_daily");
    assert!(
        sink.videos()
            .iter()
            .all(|v| v.author_key.as_deref() == Some(key.as_str())),
        "the flat entry's author comes from its link"
    );
    let obs = sink.observations();
    assert_eq!(obs.len(), 2);
    assert_eq!(obs[0].observed_at, 1_725_200_000, "the entry's own epoch");
    assert_eq!(obs[1].observed_at, 1_725_300_000, "the playlist's epoch");
    // Counts shaped like TikTok's rounded page stats are approximate.
    let m = &obs[0].metrics;
    assert_eq!(value(m.views), Some((44_200_000, true)));
    assert_eq!(value(m.likes), Some((3_400_000, true)));
    assert_eq!(value(m.comments), Some((12_345, false)));
    assert_eq!(value(m.shares), Some((15_000, true)));
    assert_eq!(value(obs[1].metrics.views), Some((900, false)));
    assert_eq!(sink.warnings.len(), 1, "{:?}", sink.warnings);
    assert!(sink.warnings[0].message.starts_with("3 counts"));
    assert_eq!(
        sink.items[0].location.record.as_deref(),
        Some("entry 1 (`7400000000000000001`)")
    );
    let shown = format!("{sink:?}");
    for s in SECRETS {
        assert!(!shown.contains(s), "leaks {s}: {shown}");
    }
    Ok(())
}

#[test]
fn an_old_file_with_artist_and_creator() -> TestResult {
    let mut o = options();
    o.observed_at = Some(1_700_000_000);
    let (result, sink) = read("ytdlp/old.info.json", &o);
    result?;
    let v = sink.videos()[0];
    assert_eq!(
        v.caption.as_deref(),
        Some("Why sleep matters more than you think #sleep #health"),
        "an untruncated title stands in for an empty description"
    );
    assert_eq!(v.created_at, None);
    assert_eq!(
        v.posted_on.map(|d| d.to_string()).as_deref(),
        Some("2022-03-15")
    );
    assert_eq!(
        v.author_key,
        Some(author_key(&secret(), PLATFORM_TIKTOK, "sleep_doc_uk"))
    );
    let m = &sink.observations()[0].metrics;
    assert_eq!(sink.observations()[0].observed_at, 1_700_000_000);
    assert_eq!(value(m.views), Some((133_000, true)));
    assert_eq!(value(m.likes), Some((56_900, true)));
    assert_eq!(value(m.comments), Some((412, false)));
    assert_eq!(m.saves, None, "no `save_count` before 2026");
    let raw = sink.items[0].raw.as_deref().unwrap_or("");
    assert!(raw.contains("\"artist\":\"[removed]\""), "{raw}");
    let shown = format!("{sink:?}");
    for s in SECRETS {
        assert!(!shown.contains(s), "leaks {s}: {shown}");
    }
    Ok(())
}

#[test]
fn ndjson_from_dash_j() -> TestResult {
    let (result, sink) = read("ytdlp/lines.ndjson", &options());
    assert_eq!(result?.items(), 2);
    let obs = sink.observations();
    assert_eq!(obs[1].observed_at, 1_725_100_060);
    assert_eq!(sink.items[1].location.line, Some(2));
    Ok(())
}

#[test]
fn kept_handles_and_links() -> TestResult {
    let mut o = options();
    o.keep_handles = true;
    let (result, sink) = read("ytdlp/video.info.json", &o);
    result?;
    let v = sink.videos()[0];
    assert_eq!(v.author_handle.as_deref(), Some("vax_facts_daily"));
    assert_eq!(
        v.url.as_deref(),
        Some("https://www.tiktok.com/@vax_facts_daily/video/7412345678901234567")
    );
    Ok(())
}

#[test]
fn errors_and_fallbacks() -> TestResult {
    let o = options();
    let ctx = Context::new("stdin", &o);
    let parse = |text: &str| {
        let mut sink = VecSink::default();
        let r = ytdlp::parse(text.as_bytes(), &ctx, &mut sink);
        (r, sink)
    };
    // No `epoch`, no option, no file time: ask for `--observed-at`.
    let (r, _) = parse(r#"{"id":"1","view_count":5,"extractor_key":"TikTok"}"#);
    let e = r.err().map(|e| e.to_string()).unwrap_or_default();
    assert!(
        e.contains("--observed-at") && e.contains("video (`1`)"),
        "{e}"
    );
    // No metrics: no time needed.
    let (r, sink) = parse(r#"{"id":"1","title":"x"}"#);
    assert_eq!(r?, SourceFormat::YtDlp);
    assert_eq!(sink.videos().len(), 1);
    for (text, want) in [
        (r#"{"title":"x"}"#, "`id`"),
        (r#"{"id":"7.41E+18"}"#, "spreadsheet"),
        (
            r#"{"id":"1","view_count":"lots","epoch":1725000000}"#,
            "`view_count`",
        ),
        (r#"{"id":"1","upload_date":"2024-08-30"}"#, "`upload_date`"),
        (
            r#"{"id":"1","epoch":1725000000000,"view_count":1}"#,
            "`epoch`",
        ),
        (
            r#"{"_type":"playlist","entries":[{"id":"1"},{"title":"no id"}]}"#,
            "entry 2",
        ),
        (
            r#"{"_type":"playlist","entries":[{"id":"2","view_count":1}],"epoch":"soon"}"#,
            "`epoch`",
        ),
        (r#"{"id":"1""#, "ends early"),
    ] {
        let (r, _) = parse(text);
        let e = r.err().map(|e| e.to_string()).unwrap_or_default();
        assert!(e.contains(want), "{text}: {e}");
    }
    // Entries of other sites are skipped with a warning.
    let (r, sink) =
        parse(r#"{"_type":"playlist","entries":[{"id":"dQw4w9WgXcQ","ie_key":"Youtube"}]}"#);
    r?;
    assert!(sink.items.is_empty());
    assert!(sink.warnings.iter().any(|w| w.message.contains("Youtube")));
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        let options = Options { observed_at: Some(1_725_000_000), ..options() };
        let ctx = Context::new("fuzz.info.json", &options);
        let _ = ytdlp::parse(bytes.as_slice(), &ctx, &mut VecSink::default());
    }

    #[test]
    fn json_like_text_never_panics(parts in proptest::collection::vec(prop::sample::select(vec![
        "{", "}", "[", "]", ",", ":", "\n", "\"id\"", "\"_type\"", "\"playlist\"", "\"entries\"",
        "\"epoch\"", "\"view_count\"", "\"uploader\"", "\"webpage_url\"", "\"https://x/@a/video/1\"",
        "\"title\"", "\"...\"", "\"timestamp\"", "\"upload_date\"", "\"20240830\"", "1725000000",
        "44200000", "18446744073709551616", "1e400", "-1", "0.5", "null", "true", "\"a\\u0000\"",
        "\"extractor_key\"", "\"TikTok\"",
    ]), 0..64)) {
        let text = parts.concat();
        let options = Options { observed_at: Some(1_725_000_000), ..options() };
        let ctx = Context::new("fuzz.info.json", &options);
        let _ = ytdlp::parse(text.as_bytes(), &ctx, &mut VecSink::default());
    }
}

/// A playlist of `n` entries with counts and no `epoch` of their own (as
/// `--flat-playlist` writes them), with the playlist's `epoch` after
/// `entries` as yt-dlp writes it: every entry waits for that `epoch`.
fn waiting_playlist(n: usize) -> String {
    let entries: Vec<String> = (1..=n)
        .map(|i| format!(r#"{{"id":"{i}","view_count":1}}"#))
        .collect();
    format!(
        r#"{{"_type":"playlist","entries":[{}],"id":"u","extractor_key":"TikTokUser","epoch":1725300000}}"#,
        entries.join(",")
    )
}

fn parse_text(text: &str) -> (Result<SourceFormat, IngestError>, VecSink) {
    let o = options();
    let ctx = Context::new("profile.info.json", &o);
    let mut sink = VecSink::default();
    let result = ytdlp::parse(text.as_bytes(), &ctx, &mut sink);
    (result, sink)
}

#[test]
fn a_playlist_holding_more_than_the_bound_for_its_epoch_is_refused() {
    let (result, sink) = parse_text(&waiting_playlist(50_001));
    let e = result.err().map(|e| e.to_string()).unwrap_or_default();
    assert!(
        e.starts_with(
            "`profile.info.json` entry 50001 (`50001`): expected at most 50,000 playlist entries \
             before the playlist's `epoch`"
        ),
        "{e}"
    );
    assert!(e.contains("`--format yt-dlp --observed-at <time>`"), "{e}");
    assert!(sink.items.is_empty(), "nothing of the playlist is pushed");
}

#[test]
fn a_playlist_at_the_bound_still_imports() -> TestResult {
    let (result, sink) = parse_text(&waiting_playlist(50_000));
    assert_eq!(result?, SourceFormat::YtDlp);
    assert_eq!(sink.videos().len(), 50_000);
    assert!(sink
        .observations()
        .iter()
        .all(|o| o.observed_at == 1_725_300_000));
    Ok(())
}

/// An `upload_date` outside 2010–2099 is refused with the field named.
#[test]
fn an_upload_date_outside_the_tiktok_era_is_refused() {
    let text = r#"{"id":"7412345678901234567","extractor":"TikTok","upload_date":"30000101","view_count":5,"epoch":1725000000}"#;
    let (result, _) = parse_text(text);
    let e = result.err().map(|e| e.to_string()).unwrap_or_default();
    assert!(
        e.contains("upload_date") && e.contains("2010 to 2099"),
        "{e}"
    );
}
