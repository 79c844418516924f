//! Tests for the `zeeschuimer` reader: Zeeschuimer NDJSON exports of TikTok
//! posts and comments (`formats.md` §4.1–4.3), and Zeeschuimer's own CSV
//! export (read by the `fourcat` reader, §4.4). Fixtures are synthetic.

use crate::fixture;
use proptest::prelude::*;
use std::error::Error;
use uptake_ingest::{read_path, zeeschuimer, Context, IngestError, Options, Record, VecSink};
use uptake_model::{Count, ProfileSnapshot, PseudonymSecret, SourceFormat};

type TestResult = Result<(), Box<dyn Error>>;

const VID_A: &str = "7412345678901234567";
const VID_B: &str = "7043600000000000123";

/// Every string in `captures.ndjson` that identifies a person.
const PEOPLE: &[&str] = &[
    "health_nurse",
    "Nurse Kim",
    "6811111111111111111",
    "MS4wLjABAAAAnurse",
    "sleep_doc_b",
    "Doc Bee",
    "6822222222222222222",
    "MS4wLjABAAAAdoc",
    "commenter_one",
    "Commenter One",
    "6833333333333333333",
    "commenter_two",
    "Commenter Two",
    "6844444444444444444",
    "commenter_three",
    "Commenter Three",
    "6855555555555555555",
    "insta_person",
    "Mozilla",
];

fn options() -> Options {
    Options {
        secret: Some(PseudonymSecret::from_bytes([7; 32])),
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

fn parse_text(text: &str, options: &Options) -> (Result<SourceFormat, IngestError>, VecSink) {
    let ctx = Context::new("captures.ndjson", options);
    let mut sink = VecSink::default();
    let result = zeeschuimer::parse(text.as_bytes(), &ctx, &mut sink);
    (result, sink)
}

fn profiles(sink: &VecSink) -> Vec<&ProfileSnapshot> {
    sink.records()
        .filter_map(|r| match r {
            Record::Profile(p) => Some(p),
            _ => None,
        })
        .collect()
}

#[test]
fn posts_in_both_shapes_and_repeated_captures() -> TestResult {
    let (result, sink) = read("zeeschuimer/captures.ndjson", &options());
    let summary = result?;
    assert_eq!(summary.formats(), vec![SourceFormat::Zeeschuimer]);
    // 3 post captures + 3 comments; the blank line and 2 Instagram captures are skipped.
    assert_eq!(summary.items(), 6);

    let videos = sink.videos();
    assert_eq!(videos.len(), 3);
    let a = videos[0];
    assert_eq!(a.platform_id, VID_A);
    assert_eq!(a.created_at, Some(1_725_000_000));
    assert_eq!(
        a.posted_on.map(|d| d.to_string()).as_deref(),
        Some("2024-08-30")
    );
    assert_eq!(
        a.caption.as_deref(),
        Some("Sleep tips from a nurse 😴 #sleephygiene #health")
    );
    assert_eq!(a.duration_s, Some(21.0));
    assert_eq!(
        a.url.as_deref(),
        Some("https://www.tiktok.com/video/7412345678901234567")
    );
    assert!(a.author_key.as_deref().is_some_and(|k| k.starts_with("u_")));
    assert_eq!(a.author_handle, None);
    // The same item captured twice: two observations at their capture times (ms → s).
    let obs = sink.observations();
    assert_eq!(obs.len(), 3);
    assert_eq!(obs[0].video_id, VID_A);
    assert_eq!(obs[0].observed_at, 1_725_010_000);
    assert_eq!(obs[1].video_id, VID_A);
    assert_eq!(obs[1].observed_at, 1_725_096_400);
    assert!(obs.iter().all(|o| o.source == SourceFormat::Zeeschuimer));
    // `statsV2` (exact) wins over the rounded `stats` (15200).
    assert_eq!(obs[0].metrics.views, Some(Count::exact(15_230)));
    assert_eq!(obs[0].metrics.saves, Some(Count::exact(102)));
    assert_eq!(obs[1].metrics.views, Some(Count::exact(20_011)));
    assert_eq!(obs[1].metrics.likes, Some(Count::exact(1_003)));

    // Shape B: `author` is the handle, createTime a string, `stats` only.
    let b = videos[2];
    assert_eq!(b.platform_id, VID_B);
    assert_eq!(b.created_at, Some(1_640_417_086), "createTime as a string");
    assert_eq!(b.duration_s, Some(34.0));
    assert!(b.author_key.is_some());
    assert_ne!(b.author_key, a.author_key);
    let ob = obs[2];
    assert_eq!(ob.observed_at, 1_725_010_100);
    assert_eq!(
        ob.metrics.views,
        Some(Count::approx(133_000)),
        "rounded: flagged"
    );
    assert_eq!(ob.metrics.likes, Some(Count::approx(56_900)));
    assert_eq!(ob.metrics.comments, Some(Count::exact(412)), "not rounded");
    assert_eq!(ob.metrics.shares, Some(Count::exact(88)));
    assert_eq!(
        ob.metrics.saves,
        Some(Count::exact(1_203)),
        "collectCount as a string in stats"
    );
    assert!(sink
        .warnings
        .iter()
        .any(|w| w.message.contains("approximate") && w.message.starts_with("2 counts")));

    // Profiles: authorStatsV2 (exact) preferred; heartCount for likes.
    let p = profiles(&sink);
    assert_eq!(p.len(), 3);
    assert_eq!(
        p[0].author_key.as_str(),
        a.author_key.as_deref().unwrap_or("")
    );
    assert_eq!(p[0].followers, Some(4_900_000));
    assert_eq!(p[1].followers, Some(4_946_894));
    assert_eq!(p[1].likes, Some(9_812_345));
    assert_eq!(p[1].observed_at, 1_725_096_400);
    assert_eq!(p[2].followers, Some(20_100));
    assert_eq!(p[2].likes, Some(560_000));
    assert_eq!(p[2].videos, Some(95));
    Ok(())
}

#[test]
fn comments_keep_their_threads() -> TestResult {
    let (result, sink) = read("zeeschuimer/captures.ndjson", &options());
    result?;
    let c = sink.comments();
    assert_eq!(c.len(), 3);
    assert_eq!(c[0].platform_id, "7400000000000000001");
    assert_eq!(c[0].video_id, VID_A);
    assert_eq!(c[0].parent_id, None, "reply_id 0: top level");
    assert_eq!(c[0].text, "This helped my night shifts 🙏");
    assert_eq!(c[0].likes, Some(Count::exact(12)));
    assert_eq!(c[0].replies, Some(Count::exact(2)));
    assert_eq!(c[0].language.as_deref(), Some("en"));
    assert_eq!(c[0].created_at, Some(1_725_003_600));
    assert_eq!(c[0].observed_at, Some(1_725_010_200));
    assert!(c[0].author_key.is_some());
    assert_eq!(c[0].author_handle, None);
    assert_eq!(c[1].parent_id.as_deref(), Some("7400000000000000001"));
    assert_eq!(c[1].replies, None, "absent, not zero");
    // A reply to a reply: the parent is the reply it answers.
    assert_eq!(c[2].parent_id.as_deref(), Some("7400000000000000002"));
    assert_eq!(c[2].text, "مرحبا — me too");
    let keys: Vec<_> = c.iter().map(|c| c.author_key.clone()).collect();
    assert!(keys[0] != keys[1] && keys[1] != keys[2]);
    Ok(())
}

#[test]
fn other_platforms_are_skipped_with_one_warning() -> TestResult {
    let (result, sink) = read("zeeschuimer/captures.ndjson", &options());
    result?;
    let skipped: Vec<_> = sink
        .warnings
        .iter()
        .filter(|w| w.message.contains("platforms other than TikTok"))
        .collect();
    assert_eq!(skipped.len(), 1);
    assert!(
        skipped[0].message.starts_with("skipped 2 items"),
        "{}",
        skipped[0].message
    );
    assert!(skipped[0].message.contains("`instagram.com` (2)"));
    Ok(())
}

#[test]
fn nul_characters_are_stripped_with_a_warning() -> TestResult {
    let (result, sink) = read("zeeschuimer/captures.ndjson", &options());
    result?;
    let b = sink.videos()[2];
    assert_eq!(
        b.caption.as_deref(),
        Some("Melatonin myths explained #sleep")
    );
    let raw = sink.items[2].raw.as_deref().unwrap_or("");
    assert!(
        raw.contains("Melatonin myths explained") && !raw.contains("\\u0000"),
        "{raw}"
    );
    let w: Vec<_> = sink
        .warnings
        .iter()
        .filter(|w| w.message.contains("NUL"))
        .collect();
    assert_eq!(w.len(), 1);
    assert_eq!(w[0].location.line, Some(4));
    Ok(())
}

#[test]
fn no_person_is_stored_in_records_or_raw() -> TestResult {
    let (result, sink) = read("zeeschuimer/captures.ndjson", &options());
    result?;
    let all = format!("{sink:?}");
    for who in PEOPLE {
        assert!(!all.contains(who), "`{who}` leaked into {all}");
    }
    // Raw records are kept, as valid JSON, with the item's content.
    for item in &sink.items {
        let raw = item.raw.as_deref().unwrap_or("");
        let value: serde_json::Value = serde_json::from_str(raw)?;
        assert!(value.get("data").is_some());
        assert!(value.get("user_agent").is_none());
    }
    assert!(sink.items[0]
        .raw
        .as_deref()
        .is_some_and(|r| r.contains("\"hashtagName\":\"sleephygiene\"")
            && r.contains("https://www.tiktok.com/@[removed]")));
    Ok(())
}

#[test]
fn the_own_account_and_kept_handles_are_stored() -> TestResult {
    let own = Options {
        account: Some("health_nurse".into()),
        ..options()
    };
    let (result, sink) = read("zeeschuimer/captures.ndjson", &own);
    result?;
    let a = sink.videos()[0];
    assert_eq!(a.author_handle.as_deref(), Some("health_nurse"));
    assert_eq!(
        a.url.as_deref(),
        Some("https://www.tiktok.com/@health_nurse/video/7412345678901234567")
    );
    let records = format!("{:?}", sink.records().collect::<Vec<_>>());
    for who in PEOPLE.iter().filter(|w| **w != "health_nurse") {
        assert!(!records.contains(who), "`{who}` leaked");
    }

    let keep = Options {
        keep_handles: true,
        ..options()
    };
    let (result, sink) = read("zeeschuimer/captures.ndjson", &keep);
    result?;
    assert_eq!(
        sink.videos()[2].author_handle.as_deref(),
        Some("sleep_doc_b")
    );
    assert_eq!(
        sink.comments()[0].author_handle.as_deref(),
        Some("commenter_one")
    );
    Ok(())
}

#[test]
fn an_invalid_line_is_an_error_naming_it() {
    let (result, sink) = read("zeeschuimer/invalid_line.ndjson", &options());
    let e = result.err().map(|e| e.to_string()).unwrap_or_default();
    assert!(e.contains("invalid_line.ndjson` line 3"), "{e}");
    assert!(e.contains("invalid JSON") && e.contains("column"), "{e}");
    assert_eq!(sink.items.len(), 1, "the line before it was read");

    let (result, _) = read("zeeschuimer/missing_data.ndjson", &options());
    let e = result.err().map(|e| e.to_string()).unwrap_or_default();
    assert!(e.contains("line 2") && e.contains("`data`"), "{e}");

    let line =
        r#"{"source_platform":"tiktok.com","timestamp_collected":1725010000123,"data":{"id":"1"}}"#;
    let (result, _) = parse_text(line, &options());
    let e = result.err().map(|e| e.to_string()).unwrap_or_default();
    assert!(e.contains("line 1") && e.contains("`item_id`"), "{e}");
}

#[test]
fn mangled_ids_and_bad_times_are_rejected() {
    let line = r#"{"item_id":"7.41E+18","timestamp_collected":1725010000123,"source_platform":"tiktok.com","data":{"id":"7.41E+18"}}"#;
    let (result, _) = parse_text(line, &options());
    let e = result.err().map(|e| e.to_string()).unwrap_or_default();
    assert!(e.contains("`data.id`") && e.contains("spreadsheet"), "{e}");

    let line = r#"{"item_id":"1","timestamp_collected":1725010000123,"source_platform":"tiktok.com","data":{"id":"1","createTime":"soon"}}"#;
    let (result, _) = parse_text(line, &options());
    let e = result.err().map(|e| e.to_string()).unwrap_or_default();
    assert!(
        e.contains("`data.createTime`") && e.contains("`soon`"),
        "{e}"
    );
}

#[test]
fn without_a_secret_people_are_refused() {
    let (result, _) = read("zeeschuimer/captures.ndjson", &Options::default());
    assert!(result.is_err());
}

#[test]
fn zeeschuimer_csv_reads_undefined_as_missing() -> TestResult {
    let options = Options {
        observed_at: Some(1_725_192_000),
        ..options()
    };
    let (result, sink) = read("zeeschuimer/export.csv", &options);
    let summary = result?;
    assert_eq!(summary.formats(), vec![SourceFormat::ZeeschuimerCsv]);
    let videos = sink.videos();
    assert_eq!(videos.len(), 2);
    assert_eq!(videos[0].platform_id, "7412345678901237777");
    assert_eq!(videos[0].created_at, Some(1_724_965_200));
    assert_eq!(
        videos[0].caption.as_deref(),
        Some("Stretching before bed #sleep")
    );
    // Every count `undefined`/`null`: no observation, and no profile either.
    let obs = sink.observations();
    assert_eq!(obs.len(), 1);
    assert_eq!(obs[0].video_id, "7412345678901236666");
    assert_eq!(obs[0].source, SourceFormat::ZeeschuimerCsv);
    assert_eq!(obs[0].observed_at, 1_725_192_000);
    assert_eq!(obs[0].metrics.likes, Some(Count::approx(10_300)));
    assert_eq!(obs[0].metrics.views, Some(Count::approx(98_000)));
    assert_eq!(obs[0].metrics.comments, Some(Count::exact(25)));
    let p = profiles(&sink);
    assert_eq!(p.len(), 1);
    assert_eq!(p[0].followers, Some(1_200));
    assert_eq!(
        p[0].likes, None,
        "author_likes are likes given, not received"
    );
    let all = format!("{sink:?}");
    for who in ["zee_author", "Zee Person", "zee_second", "Zee Second"] {
        assert!(!all.contains(who), "`{who}` leaked into {all}");
    }
    Ok(())
}

/// Gives its bytes at most `step` at a time, so that lines straddle reads.
struct Trickle<'a> {
    bytes: &'a [u8],
    step: usize,
}

impl std::io::Read for Trickle<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.step.min(buf.len()).min(self.bytes.len());
        let (head, rest) = self.bytes.split_at(n);
        buf[..n].copy_from_slice(head);
        self.bytes = rest;
        Ok(n)
    }
}

/// The items, warnings and error of reading `bytes` `step` bytes at a time.
fn read_trickled(bytes: &[u8], step: usize) -> String {
    let options = options();
    let ctx = Context::new("captures.ndjson", &options);
    let mut sink = VecSink::default();
    let result = zeeschuimer::parse(Trickle { bytes, step }, &ctx, &mut sink);
    format!("{result:?}\n{:?}\n{:?}", sink.items, sink.warnings)
}

#[test]
fn lines_split_across_reads_are_read_whole() -> TestResult {
    let text = std::fs::read_to_string(fixture("zeeschuimer/captures.ndjson"))?;
    let crlf = format!("\u{feff}{}", text.replace('\n', "\r\n"));
    let unterminated = text.trim_end().to_string();
    let broken = format!("{text}{{\"item_id\":\n");
    for variant in [&text, &crlf, &unterminated, &broken] {
        let whole = read_trickled(variant.as_bytes(), usize::MAX);
        for step in [1, 2, 7, 64, 1000, 4096] {
            assert_eq!(
                read_trickled(variant.as_bytes(), step),
                whole,
                "step {step}"
            );
        }
    }
    assert!(read_trickled(unterminated.as_bytes(), 3).contains("Ok(Zeeschuimer)"));
    assert!(read_trickled(crlf.as_bytes(), 3).contains("Ok(Zeeschuimer)"));
    Ok(())
}

#[test]
fn a_line_too_long_to_be_a_capture_is_refused_without_reading_it_all() {
    use std::io::Read;
    // 65 MB of one line, generated: the reader must stop at its 64 MB limit.
    let endless = std::io::repeat(b' ').take(65 * 1024 * 1024);
    let options = options();
    let ctx = Context::new("big.ndjson", &options);
    let mut sink = VecSink::default();
    let e = zeeschuimer::parse(endless, &ctx, &mut sink)
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(
        e.contains("line 1") && e.contains("longer than 64 MB; is this file NDJSON?"),
        "{e}"
    );
}

proptest! {
    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        let options = options();
        let ctx = Context::new("fuzz.ndjson", &options);
        let mut sink = VecSink::default();
        let _ = zeeschuimer::parse(&bytes[..], &ctx, &mut sink);
    }

    #[test]
    fn mutated_captures_never_panic(cut in 0usize..2_000, byte in any::<u8>()) {
        let text = std::fs::read(fixture("zeeschuimer/captures.ndjson")).unwrap_or_default();
        let mut bytes = text;
        if !bytes.is_empty() {
            let i = cut % bytes.len();
            bytes[i] = byte;
        }
        let options = options();
        let ctx = Context::new("fuzz.ndjson", &options);
        let mut sink = VecSink::default();
        let _ = zeeschuimer::parse(&bytes[..], &ctx, &mut sink);
    }
}
