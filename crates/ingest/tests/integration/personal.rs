//! Tests for the `personal` reader: TikTok's "Download your data" JSON
//! export, in both key generations, loose and in its ZIP. Fixtures are
//! synthetic (see `tests/fixtures/personal/README.md`).

use crate::fixture;
use proptest::prelude::*;
use std::error::Error;
use std::io::Write;
use uptake_ingest::{personal, read_path, Context, IngestError, Options, ReadSummary, VecSink};
use uptake_model::{Count, PseudonymSecret, SourceFormat};

type TestResult = Result<(), Box<dyn Error>>;

fn options() -> Options {
    Options {
        secret: Some(PseudonymSecret::from_bytes([7; 32])),
        ..Options::default()
    }
}

fn read(rel: &str, options: &Options) -> (Result<ReadSummary, IngestError>, VecSink) {
    let mut sink = VecSink::default();
    let result = read_path(&fixture(rel), options, &mut sink, &mut |_| {});
    (result, sink)
}

fn parse_text(text: &str, options: &Options) -> (Result<SourceFormat, IngestError>, VecSink) {
    let ctx = Context::new("user_data_tiktok.json", options);
    let mut sink = VecSink::default();
    let result = personal::parse(text.as_bytes(), &ctx, &mut sink);
    (result, sink)
}

fn count(c: Option<Count>) -> Option<(i64, bool)> {
    c.map(|c| (c.value, c.approximate))
}

fn messages(sink: &VecSink) -> Vec<&str> {
    sink.warnings.iter().map(|w| w.message.as_str()).collect()
}

/// Strings from the fixtures that identify the participant or others, or
/// come from sections that must not be stored.
const PRIVATE: &[&str] = &[
    "pat_participant",
    "pat@example",
    "runner, coffee",
    "1990",
    "friend_anna",
    "insomnia help",
    "great explanation",
    "same here",
    "old_handle_99",
    "love this",
    "7071000000000000001",
    "7071000000000000002",
];

fn leaked(sink: &VecSink, allowed: &[&str]) -> Vec<&'static str> {
    let text = format!("{sink:?}");
    PRIVATE
        .iter()
        .copied()
        .filter(|p| !allowed.contains(p) && text.contains(p))
        .collect()
}

#[test]
fn current_keys_through_read_path() -> TestResult {
    let (result, sink) = read("personal/user_data_tiktok.json", &options());
    let summary = result?;
    assert_eq!(summary.formats(), vec![SourceFormat::PersonalExport]);
    assert_eq!(summary.items(), 3, "one item per own post");

    let videos = sink.videos();
    let ids: Vec<&str> = videos.iter().map(|v| v.platform_id.as_str()).collect();
    assert_eq!(
        ids,
        vec![
            "7412345678901288888",
            "7386000000000000001",
            "7376000000000000002"
        ],
        "ids from both link forms"
    );
    let v = videos[0];
    assert_eq!(v.created_at, Some(1_725_007_200), "`Date` read as UTC");
    assert_eq!(
        v.posted_on.map(|d| d.to_string()).as_deref(),
        Some("2024-08-30")
    );
    assert_eq!(
        v.caption.as_deref(),
        Some("My first week of #sleep tracking")
    );
    assert_eq!(
        v.url.as_deref(),
        Some("https://www.tiktokv.com/share/video/7412345678901288888/")
    );
    assert_eq!(v.author_handle, None);
    assert!(v.author_key.is_some());
    assert_eq!(
        v.author_key, videos[1].author_key,
        "the profile's user name and the link's handle are the same person"
    );
    assert_eq!(
        videos[1].url, None,
        "a link naming the participant is not kept"
    );
    assert_eq!(videos[1].caption, None, "an empty title");
    assert_eq!(videos[1].created_at, Some(1_719_943_531));

    let obs = sink.observations();
    assert_eq!(obs.len(), 2, "the post without `Likes` has no observation");
    assert_eq!(obs[0].video_id, "7412345678901288888");
    assert_eq!(count(obs[0].metrics.likes), Some((812, false)));
    assert_eq!(count(obs[1].metrics.likes), Some((15, false)), "`15.0`");
    assert!(obs.iter().all(|o| o.source == SourceFormat::PersonalExport));
    assert_eq!(
        obs[0].observed_at, 1_725_398_049,
        "dated by the newest date in the export (watch history)"
    );
    assert!(obs.iter().all(|o| o.metrics.views.is_none()));

    let msgs = messages(&sink);
    assert_eq!(msgs.len(), 4, "{msgs:?}");
    assert!(
        msgs[0].contains("skipped")
            && msgs[0].contains("`Profile`")
            && msgs[0].contains("`Your Activity`")
            && msgs[0].contains("`Likes and Favorites`")
            && msgs[0].contains("`Direct Message`")
            && !msgs[0].contains("`Post`")
            && !msgs[0].contains("`Comment`"),
        "{msgs:?}"
    );
    assert!(
        msgs[1].contains("2 comments written by the participant were read but not stored"),
        "{msgs:?}"
    );
    assert!(
        msgs[3].contains("newest date")
            && msgs[3].contains("2024-09-03 21:14")
            && msgs[3].contains("--observed-at"),
        "{msgs:?}"
    );
    assert!(msgs[2].contains("read as UTC"), "{msgs:?}");

    assert_eq!(
        sink.items[0].location.record.as_deref(),
        Some("Post → Posts → VideoList[0]")
    );
    let raw = sink.items[1].raw.as_deref().unwrap_or("");
    assert!(
        raw.contains(r#""Link":"https://www.tiktok.com/@[removed]/video/7386000000000000001/""#),
        "{raw}"
    );
    assert!(raw.contains(r#""WhoCanView":"Friends""#), "{raw}");
    assert_eq!(leaked(&sink, &[]), Vec::<&str>::new());
    Ok(())
}

/// A date outside 2010–2099 or a negative like count is a damaged value,
/// refused with the field named, not stored over good data.
#[test]
fn dates_outside_the_tiktok_era_and_negative_likes_are_refused() -> TestResult {
    let good = std::fs::read_to_string(fixture("personal/user_data.json"))?;
    for (from, to, field) in [
        ("2022-02-10 16:00:00", "-0001-01-01 00:00:00", "Date"),
        ("2022-02-10 16:00:00", "3000-01-01 00:00:00", "Date"),
        ("\"Likes\": \"1200\"", "\"Likes\": \"-5\"", "Likes"),
    ] {
        assert!(good.contains(from), "{from}");
        let text = good.replace(from, to);
        let (result, _) = parse_text(&text, &options());
        let e = result.err().map(|e| e.to_string()).unwrap_or_default();
        assert!(e.contains(field), "{to}: {e}");
    }
    Ok(())
}

#[test]
fn older_keys() -> TestResult {
    let (result, sink) = read("personal/user_data.json", &options());
    assert_eq!(result?.formats(), vec![SourceFormat::PersonalExport]);
    let videos = sink.videos();
    let ids: Vec<&str> = videos.iter().map(|v| v.platform_id.as_str()).collect();
    assert_eq!(ids, vec!["7063000000000000001", "7049000000000000002"]);
    assert_eq!(videos[0].created_at, Some(1_644_508_800));
    assert_eq!(videos[0].author_key, videos[1].author_key);
    let obs = sink.observations();
    assert_eq!(count(obs[0].metrics.likes), Some((1_200, false)));
    assert_eq!(count(obs[1].metrics.likes), Some((4, false)));
    assert_eq!(obs[0].observed_at, 1_646_511_060, "2022-03-05 20:11:00");

    let msgs = messages(&sink);
    assert!(
        msgs[0].contains("`Activity`") && msgs[0].contains("`Profile`"),
        "{msgs:?}"
    );
    assert!(
        msgs[1].contains("1 comment written by the participant was read but not stored"),
        "{msgs:?}"
    );
    assert_eq!(
        sink.items[0].location.record.as_deref(),
        Some("Video → Videos → VideoList[0]")
    );
    assert_eq!(leaked(&sink, &[]), Vec::<&str>::new());
    Ok(())
}

#[test]
fn observed_at_option_and_own_account() -> TestResult {
    let options = Options {
        observed_at: Some(1_725_537_600),
        account: Some("pat_participant".into()),
        ..options()
    };
    let (result, sink) = read("personal/user_data_tiktok.json", &options);
    result?;
    assert!(sink
        .observations()
        .iter()
        .all(|o| o.observed_at == 1_725_537_600));
    assert!(!messages(&sink).iter().any(|m| m.contains("newest date")));
    let videos = sink.videos();
    assert_eq!(videos[0].author_handle.as_deref(), Some("pat_participant"));
    assert_eq!(
        videos[1].url.as_deref(),
        Some("https://www.tiktok.com/@pat_participant/video/7386000000000000001/"),
        "the own account's links are kept"
    );
    assert_eq!(leaked(&sink, &["pat_participant"]), Vec::<&str>::new());
    Ok(())
}

#[test]
fn the_zip_from_tiktok() -> TestResult {
    let dir = tempfile::tempdir()?;
    let path = dir.path().join("TikTok_Data_1725398049.zip");
    let mut writer = zip::ZipWriter::new(std::fs::File::create(&path)?);
    writer.start_file(
        "user_data_tiktok.json",
        zip::write::SimpleFileOptions::default(),
    )?;
    writer.write_all(&std::fs::read(fixture("personal/user_data_tiktok.json"))?)?;
    writer.finish()?;
    let mut sink = VecSink::default();
    let summary = read_path(&path, &options(), &mut sink, &mut |_| {})?;
    assert_eq!(summary.formats(), vec![SourceFormat::PersonalExport]);
    assert_eq!(sink.videos().len(), 3);
    assert!(sink.items[0]
        .location
        .file
        .ends_with(": user_data_tiktok.json"));
    Ok(())
}

#[test]
fn errors_name_the_record_and_field() {
    let text = r#"{"Post":{"Posts":{"VideoList":[
        {"Date":"2024-08-30 08:40:00","Link":"https://www.tiktokv.com/share/video/1/","Likes":"812"},
        {"Date":"2024-08-30 08:40:00","Link":"https://www.tiktokv.com/share/video/2/","Likes":"many"}]}}}"#;
    let (result, _) = parse_text(text, &options());
    let e = result.err().map(|e| e.to_string()).unwrap_or_default();
    assert!(
        e.contains("Post → Posts → VideoList[1]") && e.contains("`Likes`") && e.contains("`many`"),
        "{e}"
    );

    let text = r#"{"Post":{"Posts":{"VideoList":[{"Date":"30/08/2024","Link":"https://www.tiktokv.com/share/video/1/"}]}}}"#;
    let e = parse_text(text, &options())
        .0
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(
        e.contains("`Date`") && e.contains("YYYY-MM-DD HH:MM:SS"),
        "{e}"
    );

    let text = r#"{"Post":{"Posts":{"VideoList":[{"Date":"2024-08-30 08:40:00","Link":"https://www.tiktok.com/@x"}]}}}"#;
    let e = parse_text(text, &options())
        .0
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(e.contains("`Link`") && e.contains("video link"), "{e}");

    let e = parse_text("[1, 2]", &options())
        .0
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(
        e.contains("expected the export's JSON object") && e.contains("a list"),
        "{e}"
    );

    let e = parse_text("{\"Post\": \n {", &options())
        .0
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(e.contains("line 2") && e.contains("invalid JSON"), "{e}");

    let text = r#"{"Post":{"Posts":{"VideoList":"none"}}}"#;
    let e = parse_text(text, &options())
        .0
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(e.contains("expected a list, found a string"), "{e}");
}

#[test]
fn exports_without_posts_or_dates() -> TestResult {
    // Only skipped sections: nothing stored, one warning.
    let (result, sink) = parse_text(
        r#"{"Your Activity":{"Watch History":{"VideoList":[{"Date":"2024-09-03 21:14:09","Link":"x"}]}}}"#,
        &options(),
    );
    assert_eq!(result?, SourceFormat::PersonalExport);
    assert!(sink.items.is_empty());
    assert_eq!(messages(&sink).len(), 1);

    // Posts without any date and no other time: an error asking for `--observed-at`.
    let text = r#"{"Post":{"Posts":{"VideoList":[{"Link":"https://www.tiktokv.com/share/video/1/","Likes":"3"}]}}}"#;
    let e = parse_text(text, &options())
        .0
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(e.contains("--observed-at"), "{e}");
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        let options = options();
        let ctx = Context::new("fuzz.json", &options);
        let _ = personal::parse(bytes.as_slice(), &ctx, &mut VecSink::default());
    }

    #[test]
    fn json_like_text_never_panics(parts in proptest::collection::vec(prop::sample::select(vec![
        "{", "}", "[", "]", ",", ":", "\"Post\"", "\"Posts\"", "\"VideoList\"", "\"Video\"", "\"Videos\"",
        "\"Comment\"", "\"CommentsList\"", "\"Date\"", "\"date\"", "\"Link\"", "\"Likes\"",
        "\"2024-08-30 08:40:00\"", "\"https://www.tiktokv.com/share/video/7412345678901234567/\"",
        "\"https://www.tiktok.com/@a/video/1\"", "\"812\"", "null", "1", "\"x\"",
    ]), 0..64)) {
        let text = parts.concat();
        let options = Options { observed_at: Some(1), ..options() };
        let ctx = Context::new("fuzz.json", &options);
        let _ = personal::parse(text.as_bytes(), &ctx, &mut VecSink::default());
    }
}
