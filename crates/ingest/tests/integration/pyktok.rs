//! Tests for the `pyktok` reader: video metadata CSVs (current and 2022
//! columns), comment dumps with Python-repr cells, and 2022 visible-comment
//! tables. Fixtures are synthetic (see `tests/fixtures/pyktok/README.md`).

use crate::fixture;
use proptest::prelude::*;
use std::error::Error;
use std::fs::File;
use uptake_ingest::sink::Record;
use uptake_ingest::{pyktok, read_path, Context, IngestError, Options, ReadSummary, VecSink};
use uptake_model::{Count, ProfileSnapshot, PseudonymSecret, SourceFormat};

type TestResult = Result<(), Box<dyn Error>>;

/// 2024-09-05 12:00 UTC.
const OBSERVED: i64 = 1_725_537_600;

fn options() -> Options {
    Options {
        secret: Some(PseudonymSecret::from_bytes([7; 32])),
        observed_at: Some(OBSERVED),
        ..Options::default()
    }
}

/// Reads a fixture with `parse` directly (no file modification time).
fn parse(rel: &str, options: &Options) -> (Result<SourceFormat, IngestError>, VecSink) {
    let ctx = Context::new(rel, options);
    let mut sink = VecSink::default();
    let result = File::open(fixture(rel))
        .map_err(|source| IngestError::Io {
            location: ctx.whole(),
            source,
        })
        .and_then(|f| pyktok::parse(f, &ctx, &mut sink));
    (result, sink)
}

fn read(rel: &str, options: &Options) -> (Result<ReadSummary, IngestError>, VecSink) {
    let mut sink = VecSink::default();
    let result = read_path(&fixture(rel), options, &mut sink, &mut |_| {});
    (result, sink)
}

fn count(c: Option<Count>) -> Option<(i64, bool)> {
    c.map(|c| (c.value, c.approximate))
}

fn profiles(sink: &VecSink) -> Vec<&ProfileSnapshot> {
    sink.records()
        .filter_map(|r| match r {
            Record::Profile(p) => Some(p),
            _ => None,
        })
        .collect()
}

fn messages(sink: &VecSink) -> Vec<&str> {
    sink.warnings.iter().map(|w| w.message.as_str()).collect()
}

/// Every person-identifying string in the fixtures.
const PEOPLE: &[&str] = &[
    "sleepdoc_uk",
    "Dr Sleep",
    "nutri.nerd",
    "Nutri Nerd",
    "6800000000000000042",
    "kmb_lab",
    "KMB Lab",
    "stretch_sam",
    "Sam Stretches",
    "chronic_carol",
    "Carol C",
    "6800000000000000001",
    "carolsecret",
    "carol.jpeg",
    "o_brien_md",
    "Brien",
    "6800000000000000002",
    "zoe.runs",
    "Zoë",
    "6800000000000000003",
    "anon_12345",
    "Line1",
    "6800000000000000004",
    "marathon_mo",
    "Mo Marathon",
    "Someone Else",
];

fn leaked(sink: &VecSink, allowed: &[&str]) -> Vec<&'static str> {
    let text = format!("{sink:?}");
    PEOPLE
        .iter()
        .copied()
        .filter(|p| !allowed.contains(p) && text.contains(p))
        .collect()
}

#[test]
fn current_video_metadata_through_read_path() -> TestResult {
    let mut options = options();
    options.account = Some("KMB_Lab".into());
    let (result, sink) = read("pyktok/videos_current.csv", &options);
    let summary = result?;
    assert_eq!(summary.formats(), vec![SourceFormat::PyktokVideos]);
    assert_eq!(summary.items(), 4, "every row is kept, duplicates too");
    let lines: Vec<_> = sink.items.iter().map(|i| i.location.line).collect();
    assert_eq!(lines, vec![Some(2), Some(3), Some(4), Some(5)]);

    let videos = sink.videos();
    assert_eq!(videos.len(), 4);
    let v = videos[0];
    assert_eq!(v.platform_id, "7412345678901234567");
    assert_eq!(v.created_at, Some(1_725_007_200), "naive time read as UTC");
    assert_eq!(
        v.posted_on.map(|d| d.to_string()).as_deref(),
        Some("2024-08-30")
    );
    assert_eq!(
        v.caption.as_deref(),
        Some("Why sleep matters #sleep #health")
    );
    assert_eq!(v.duration_s, Some(21.0));
    assert_eq!(v.author_handle, None, "other people's handles are not kept");
    assert!(v.author_key.as_deref().is_some_and(|k| k.starts_with("u_")));
    assert_eq!(v.author_key, videos[2].author_key, "same author, same key");
    assert_ne!(v.author_key, videos[1].author_key);
    assert_eq!(
        videos[1].caption.as_deref(),
        Some("Meal prep, the \"easy\" way 🥦 #nutrition")
    );
    assert_eq!(
        videos[3].author_handle.as_deref(),
        Some("kmb_lab"),
        "own account"
    );

    let obs = sink.observations();
    assert_eq!(obs.len(), 4);
    assert!(obs.iter().all(|o| o.observed_at == OBSERVED));
    assert!(obs.iter().all(|o| o.source == SourceFormat::PyktokVideos));
    let m = &obs[0].metrics;
    assert_eq!(count(m.likes), Some((812, false)), "`812.0`");
    assert_eq!(count(m.shares), Some((14, false)));
    assert_eq!(count(m.comments), Some((9, false)));
    assert_eq!(count(m.views), Some((10_234, false)), "not rounded");
    let m = &obs[1].metrics;
    assert_eq!(count(m.likes), Some((56_900, true)), "rounded page stat");
    assert_eq!(count(m.views), Some((133_000, true)));
    assert_eq!(m.shares, None, "NaN is absent, not 0");
    assert_eq!(count(m.comments), Some((310, false)));
    assert_eq!(
        count(obs[2].metrics.likes),
        Some((900, false)),
        "the rerun's row"
    );
    assert_eq!(count(obs[2].metrics.views), Some((12_000, true)));
    assert_eq!(obs[3].metrics.comments, None, "`NaN`");
    assert_eq!(obs[3].metrics.views, None);

    let p = profiles(&sink);
    assert_eq!(p.len(), 3, "the row without author counts has no profile");
    assert_eq!(Some(p[0].author_key.as_str()), v.author_key.as_deref());
    assert_eq!(
        (p[0].followers, p[0].following, p[0].likes, p[0].videos),
        (Some(56_900), Some(120), Some(1_200_000), Some(88))
    );
    assert_eq!(p[0].observed_at, OBSERVED);

    let msgs = messages(&sink);
    assert_eq!(msgs.len(), 3, "{msgs:?}");
    assert!(
        msgs[0].contains("`video_timestamp`")
            && msgs[0].contains("UTC (offset +00:00)")
            && msgs[0].contains("--tz-offset"),
        "{msgs:?}"
    );
    assert!(
        msgs[1].contains("3 counts") && msgs[1].contains("approximate"),
        "{msgs:?}"
    );
    assert!(
        msgs[2].contains("1 video appears on more than one row (2 rows"),
        "{msgs:?}"
    );

    let raw = sink.items[1].raw.as_deref().unwrap_or("");
    assert!(
        raw.starts_with(
            r#"{"video_id":"7400000000000000009","video_timestamp":"2024-08-01T22:15:30""#
        ),
        "{raw}"
    );
    assert!(
        raw.contains(r#""author_verified":"[removed]""#),
        "a non-boolean is unknown: {raw}"
    );
    assert!(raw.contains(r#""poi_city":"Leeds""#), "{raw}");
    assert_eq!(leaked(&sink, &["kmb_lab"]), Vec::<&str>::new());
    Ok(())
}

#[test]
fn tz_offset_converts_local_times() -> TestResult {
    let mut options = options();
    options.naive_tz_offset_minutes = Some(60);
    let (result, sink) = parse("pyktok/videos_current.csv", &options);
    assert_eq!(result?, SourceFormat::PyktokVideos);
    let videos = sink.videos();
    assert_eq!(
        videos[0].created_at,
        Some(1_725_007_200 - 3600),
        "08:40 at UTC+1"
    );
    assert_eq!(videos[1].created_at, Some(1_722_550_530 - 3600));
    assert!(
        !messages(&sink)
            .iter()
            .any(|m| m.contains("video_timestamp")),
        "{:?}",
        sink.warnings
    );
    Ok(())
}

#[test]
fn observation_time_falls_back_to_the_file_time_then_fails() -> TestResult {
    let mut options = options();
    options.observed_at = None;
    let (result, sink) = read("pyktok/videos_current.csv", &options);
    result?;
    let msgs = messages(&sink);
    assert!(
        msgs.iter()
            .any(|m| m.contains("modification time") && m.contains("--observed-at")),
        "{msgs:?}"
    );
    assert_eq!(
        msgs.iter()
            .filter(|m| m.contains("modification time"))
            .count(),
        1,
        "one warning per file"
    );

    let (result, _) = parse("pyktok/videos_current.csv", &options);
    let e = result.err().map(|e| e.to_string()).unwrap_or_default();
    assert!(e.contains("line 2") && e.contains("--observed-at"), "{e}");
    Ok(())
}

#[test]
fn video_metadata_2022_columns() -> TestResult {
    let (result, sink) = parse("pyktok/videos_2022.csv", &options());
    assert_eq!(result?, SourceFormat::PyktokVideos);
    let lines: Vec<_> = sink.items.iter().map(|i| i.location.line).collect();
    assert_eq!(lines, vec![Some(2), Some(3)], "CRLF line numbers");
    let videos = sink.videos();
    let v = videos[0];
    assert_eq!(v.platform_id, "7100000000000000001");
    assert_eq!(v.created_at, Some(1_652_554_991));
    assert_eq!(v.duration_s, Some(15.0), "`video_length`");
    assert_eq!(v.title.as_deref(), Some("Stretch routine"));
    assert_eq!(
        v.caption.as_deref(),
        Some("Stretch routine for desk workers #backpain")
    );
    assert_eq!(videos[1].caption.as_deref(), Some("Morning walk, day 3"));
    let obs = sink.observations();
    assert_eq!(count(obs[0].metrics.likes), Some((4_521, false)));
    assert_eq!(count(obs[0].metrics.views), Some((98_000, true)));
    assert_eq!(count(obs[1].metrics.comments), Some((0, false)));
    assert_eq!(profiles(&sink)[0].followers, Some(10_400));
    let raw = sink.items[0].raw.as_deref().unwrap_or("");
    assert!(raw.contains(r#""video_fn":"[removed]""#), "{raw}");
    assert_eq!(leaked(&sink, &[]), Vec::<&str>::new());
    Ok(())
}

#[test]
fn a_spreadsheet_mangled_id_names_the_line() {
    let (result, sink) = read("pyktok/videos_mangled_id.csv", &options());
    let e = result.err();
    let text = e.as_ref().map(|e| e.to_string()).unwrap_or_default();
    assert!(
        text.contains("videos_mangled_id.csv` line 3")
            && text.contains("`video_id`")
            && text.contains("7.41235E+18")
            && text.contains("spreadsheet"),
        "{text}"
    );
    assert!(matches!(e, Some(IngestError::Value { .. })));
    assert_eq!(sink.items.len(), 1, "the good row before it was read");
}

#[test]
fn comment_dump_with_python_reprs() -> TestResult {
    let (result, sink) = read("pyktok/comments.csv", &options());
    let summary = result?;
    assert_eq!(summary.formats(), vec![SourceFormat::PyktokComments]);
    assert_eq!(summary.items(), 5);
    let lines: Vec<_> = sink.items.iter().map(|i| i.location.line).collect();
    assert_eq!(lines, vec![Some(2), Some(3), Some(4), Some(5), Some(7)]);
    assert!(sink.warnings.is_empty(), "{:?}", sink.warnings);

    let videos: Vec<&str> = sink
        .videos()
        .iter()
        .map(|v| v.platform_id.as_str())
        .collect();
    assert_eq!(videos, vec!["7412345678901234567", "7400000000000000009"]);

    let c = sink.comments();
    assert_eq!(c.len(), 5);
    assert_eq!(c[0].platform_id, "7412400000000000001");
    assert_eq!(c[0].video_id, "7412345678901234567");
    assert_eq!(c[0].parent_id, None, "`0` is top-level");
    assert_eq!(c[0].text, "This helped me, thanks! 😀");
    assert_eq!(c[0].created_at, Some(1_725_010_000));
    assert_eq!(count(c[0].likes), Some((12, false)));
    assert_eq!(count(c[0].replies), Some((2, false)), "`2.0`");
    assert_eq!(c[0].language.as_deref(), Some("en"));
    assert_eq!(c[0].observed_at, Some(OBSERVED));
    assert_eq!(c[0].author_handle, None);

    assert_eq!(
        c[1].parent_id.as_deref(),
        Some("7412400000000000001"),
        "reply"
    );
    assert_eq!(c[1].text, "Source? \"citation needed\"");
    assert_eq!(c[1].replies, None, "NaN");
    assert_eq!(
        c[2].parent_id.as_deref(),
        Some("7412400000000000002"),
        "a reply to a reply points at that reply"
    );
    assert_eq!(c[3].text, "Trying this week,\nwill report back");
    assert_eq!(c[3].created_at, Some(1_725_020_000), "`1725020000.0`");
    assert_eq!(c[3].language, None, "empty language");
    assert_eq!(c[4].author_key, None, "no user");
    assert_eq!(
        c[4].text, "[deleted user] still counts?",
        "text is never parsed"
    );

    let keys: Vec<_> = c.iter().map(|c| c.author_key.clone()).collect();
    assert!(keys[..4].iter().all(|k| k.is_some()));
    for (i, a) in keys[..4].iter().enumerate() {
        for b in &keys[i + 1..4] {
            assert_ne!(a, b, "different commenters, different keys");
        }
    }

    let raw = sink.items[1].raw.as_deref().unwrap_or("");
    assert!(
        raw.starts_with(r#"{"cid":"7412400000000000002","#),
        "index column dropped: {raw}"
    );
    assert!(raw.contains(r#""user":{"uid":"[removed]","unique_id":"[removed]","nickname":"[removed]","sec_uid":null"#), "{raw}");
    assert!(
        raw.contains(r#""title":"Why sleep matters #sleep""#),
        "{raw}"
    );
    assert!(
        raw.contains("tiktok.com/@[removed]/video/7412345678901234567"),
        "{raw}"
    );
    assert!(raw.contains(r#""text_extra":[{"start":0,"end":14,"type":0,"user_id":"[removed]","hashtag_name":""}]"#), "{raw}");
    assert_eq!(leaked(&sink, &[]), Vec::<&str>::new());
    Ok(())
}

#[test]
fn visible_comments_2022() -> TestResult {
    let (result, sink) = read("pyktok/visible_comments_2022.csv", &options());
    assert_eq!(result?.formats(), vec![SourceFormat::PyktokComments]);
    let c = sink.comments();
    assert_eq!(c.len(), 3);
    assert_eq!(c[0].platform_id, "7150000000000000001");
    assert_eq!(c[0].video_id, "7412345678901234567", "from `video_url`");
    assert_eq!(count(c[0].likes), Some((1_200, true)), "`1.2K`");
    assert_eq!(c[0].text, "Great tips!");
    assert_eq!(
        c[0].observed_at,
        Some(1_664_979_730),
        "`time_collected` as UTC"
    );
    assert_eq!(c[0].created_at, None);
    assert_eq!(c[0].parent_id, None);
    assert_eq!(c[1].text, "Me too, honestly");
    assert_eq!(c[2].author_key, None, "no screen name");
    assert_eq!(c[2].likes, None);
    assert_eq!(c[2].video_id, "7400000000000000009");
    assert_eq!(sink.videos().len(), 2, "one id-only video per video seen");
    let msgs = messages(&sink);
    assert_eq!(msgs.len(), 1, "{msgs:?}");
    assert!(msgs[0].contains("`time_collected`"), "{msgs:?}");

    // The same commenter in both comment layouts gets the same key.
    let (_, dump) = parse("pyktok/comments.csv", &options());
    assert_eq!(dump.comments()[2].author_key, c[1].author_key, "zoe.runs");
    assert_eq!(leaked(&sink, &[]), Vec::<&str>::new());
    Ok(())
}

#[test]
fn handles_are_kept_only_when_allowed() -> TestResult {
    let mut options = options();
    options.keep_handles = true;
    let (result, sink) = parse("pyktok/comments.csv", &options);
    result?;
    let handles: Vec<_> = sink
        .comments()
        .iter()
        .map(|c| c.author_handle.clone())
        .collect();
    assert_eq!(
        handles,
        vec![
            Some("chronic_carol".to_string()),
            Some("o_brien_md".into()),
            Some("zoe.runs".into()),
            Some("anon_12345".into()),
            None
        ]
    );
    // Raw records stay scrubbed even then; only stored handles appear.
    let raw: String = sink.items.iter().filter_map(|i| i.raw.clone()).collect();
    assert!(
        !raw.contains("chronic_carol") && !raw.contains("Carol C"),
        "{raw}"
    );

    let mut options = self::options();
    options.account = Some("@sleepdoc_uk".into());
    let (result, sink) = parse("pyktok/videos_current.csv", &options);
    result?;
    assert_eq!(
        sink.videos()[0].author_handle.as_deref(),
        Some("sleepdoc_uk")
    );
    assert_eq!(sink.videos()[1].author_handle, None);
    assert_eq!(leaked(&sink, &["sleepdoc_uk"]), Vec::<&str>::new());
    Ok(())
}

#[test]
fn unknown_headers_and_bad_user_reprs_are_errors() {
    let options = options();
    let ctx = Context::new("x.csv", &options);
    let e = pyktok::parse("a,b\n1,2\n".as_bytes(), &ctx, &mut VecSink::default())
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(
        e.contains("unknown header set") && e.contains("video_diggcount"),
        "{e}"
    );

    let text = ",cid,text,aweme_id,user\n0,1,hi,74,\"{'uid': '1', 'unique_id': 'x'\"\n";
    let e = pyktok::parse(text.as_bytes(), &ctx, &mut VecSink::default())
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(
        e.contains("line 2") && e.contains("`user`") && e.contains("Python dict"),
        "{e}"
    );

    let no_secret = Options {
        observed_at: Some(OBSERVED),
        ..Options::default()
    };
    let ctx = Context::new("x.csv", &no_secret);
    let text = "video_id,video_diggcount,author_username\n1,2,someone\n";
    assert!(pyktok::parse(text.as_bytes(), &ctx, &mut VecSink::default()).is_err());
}

#[test]
fn a_row_with_fewer_cells_than_the_header_is_refused() -> TestResult {
    let options = options();
    let ctx = Context::new("t.csv", &options);
    // A header 20,000 columns wide over rows of two cells: refused, rather
    // than stored with every header name repeated in the raw record.
    let mut text = String::from("video_id,video_diggcount");
    for i in 0..20_000 {
        text.push_str(&format!(",c{i}"));
    }
    text.push_str("\n7412345678901234567,5\n");
    let e = pyktok::parse(text.as_bytes(), &ctx, &mut VecSink::default())
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(
        e.contains("line 2") && e.contains("expected 20002 cells") && e.contains("found 2"),
        "{e}"
    );
    // A file cut inside a quoted caption: the last row is short.
    let whole = std::fs::read_to_string(fixture("pyktok/videos_current.csv"))?;
    let caption = whole.find("Meal prep").ok_or("fixture caption")?;
    let cut = &whole[..caption + 6];
    let mut sink = VecSink::default();
    let e = pyktok::parse(cut.as_bytes(), &ctx, &mut sink)
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(e.contains("cut short"), "{e}");
    assert!(
        sink.videos()
            .iter()
            .all(|v| v.caption.as_deref() != Some("Meal p")),
        "no cut caption is passed on"
    );
    Ok(())
}

#[test]
fn a_comment_time_is_a_unix_time_not_a_count() -> TestResult {
    let options = options();
    let ctx = Context::new("c.csv", &options);
    let header = ",cid,text,create_time,aweme_id\n";
    let mut sink = VecSink::default();
    let text = format!("{header}0,1,hi,1725010000.0,7412345678901234567\n");
    pyktok::parse(text.as_bytes(), &ctx, &mut sink)?;
    let created: Vec<Option<i64>> = sink
        .items
        .iter()
        .flat_map(|i| &i.records)
        .filter_map(|r| match r {
            Record::Comment(c) => Some(c.created_at),
            _ => None,
        })
        .collect();
    assert_eq!(created, vec![Some(1_725_010_000)]);
    for bad in ["1.2K", "-9223372036854775808", "-5", "1725010000000"] {
        let text = format!("{header}0,1,hi,{bad},7412345678901234567\n");
        let e = pyktok::parse(text.as_bytes(), &ctx, &mut VecSink::default())
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(
            e.contains("line 2") && e.contains("create_time") && e.contains("Unix time"),
            "{bad}: {e}"
        );
    }
    Ok(())
}

#[test]
fn a_column_named_twice_is_refused() {
    let options = options();
    let ctx = Context::new("v.csv", &options);
    let text = "video_id,video_diggcount,video_id\n7412345678901234567,5,7412345678901234568\n";
    let e = pyktok::parse(text.as_bytes(), &ctx, &mut VecSink::default())
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(
        e.contains("line 1") && e.contains("`video_id` twice"),
        "{e}"
    );
}

/// A time before 2010 (pandas can write year -1) and a negative total are
/// refused, naming the line and field.
#[test]
fn out_of_range_times_and_negative_totals_are_refused() {
    let options = Options {
        naive_tz_offset_minutes: Some(0),
        ..options()
    };
    let ctx = Context::new("v.csv", &options);
    let header = "video_id,video_timestamp,video_diggcount\n";
    for (row, field) in [
        (
            "7412345678901234567,-0001-01-01T00:00:00,5",
            "video_timestamp",
        ),
        (
            "7412345678901234567,3000-01-01T00:00:00,5",
            "video_timestamp",
        ),
        (
            "7412345678901234567,2024-08-30T08:40:00,-5.0",
            "video_diggcount",
        ),
    ] {
        let text = format!("{header}{row}\n");
        let e = pyktok::parse(text.as_bytes(), &ctx, &mut VecSink::default())
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(e.contains("line 2") && e.contains(field), "{row}: {e}");
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        let options = options();
        let ctx = Context::new("fuzz.csv", &options);
        let _ = pyktok::parse(bytes.as_slice(), &ctx, &mut VecSink::default());
    }

    #[test]
    fn csv_like_text_never_panics(
        header in prop::sample::select(vec![
            "video_id,video_timestamp,video_diggcount,video_playcount,author_username,author_followercount,video_length\n",
            ",cid,text,create_time,digg_count,reply_id,reply_to_reply_id,aweme_id,user,share_info,text_extra\n",
            "comment_id,styled_name,screen_name,comment,like_count,video_url,time_collected\n",
        ]),
        parts in proptest::collection::vec(prop::sample::select(vec![
            ",", "\"", "\n", "\r\n", "7412345678901234567", "0", "812.0", "NaN", "7.41E+18", "1.2K",
            "2024-08-30T08:40:00", "2024-08-30T08:40:00+02:00", "{'uid': '1', 'unique_id': 'x'}",
            "\"{'a': [1, 'b\\'c', None]}\"", "{", "[", "'", "\\x", "True", "https://www.tiktok.com/@a/video/1",
            "é", " ",
        ]), 0..48),
    ) {
        let text = format!("{header}{}", parts.concat());
        let options = Options { naive_tz_offset_minutes: Some(-300), ..options() };
        let ctx = Context::new("fuzz.csv", &options);
        let _ = pyktok::parse(text.as_bytes(), &ctx, &mut VecSink::default());
    }
}
