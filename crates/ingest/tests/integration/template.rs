//! Tests for the `template` reader: uptake's manual per-video analytics
//! template, found by sniffing (`template::detect`) through `read_path`.

use crate::fixture;
use proptest::prelude::*;
use std::error::Error;
use std::io::Write;
use uptake_ingest::{read_path, template, Context, IngestError, Options, ReadSummary, VecSink};
use uptake_model::{Share, SourceFormat};

type TestResult = Result<(), Box<dyn Error>>;

fn read(rel: &str, options: &Options) -> (Result<ReadSummary, IngestError>, VecSink) {
    let mut sink = VecSink::default();
    let result = read_path(&fixture(rel), options, &mut sink, &mut |_| {});
    (result, sink)
}

fn labels(shares: &[Share]) -> Vec<(&str, i64)> {
    shares
        .iter()
        .map(|s| (s.label.as_str(), (s.fraction * 1000.0).round() as i64))
        .collect()
}

fn count(c: Option<uptake_model::Count>) -> Option<(i64, bool)> {
    c.map(|c| (c.value, c.approximate))
}

#[test]
fn the_documented_header_is_the_templates_last_line() {
    let header = "video,title,posted,observed,views,likes,comments,shares,saves,avg_watch_time,\
                  watched_full_video,new_followers,for_you,following,personal_profile,search,sound,\
                  other_sources,top_territories";
    assert_eq!(template::TEMPLATE.lines().last(), Some(header));
    assert!(template::TEMPLATE.starts_with("# uptake manual analytics template v1\n"));
    assert!(template::TEMPLATE
        .lines()
        .all(|l| l.starts_with('#') || l == header));
}

#[test]
fn the_blank_template_imports_as_an_empty_template() -> TestResult {
    let mut file = tempfile::NamedTempFile::new()?;
    file.write_all(template::TEMPLATE.as_bytes())?;
    file.flush()?;
    let mut sink = VecSink::default();
    let summary = read_path(file.path(), &Options::default(), &mut sink, &mut |_| {})?;
    assert_eq!(summary.formats(), vec![SourceFormat::ManualTemplate]);
    assert_eq!(summary.items(), 0);
    assert!(sink.warnings.is_empty(), "{:?}", sink.warnings);
    Ok(())
}

#[test]
fn a_filled_template() -> TestResult {
    let (result, sink) = read("template/filled.csv", &Options::default());
    let summary = result?;
    assert_eq!(summary.formats(), vec![SourceFormat::ManualTemplate]);
    assert_eq!(summary.items(), 2, "the row of empty cells is skipped");
    assert!(sink.warnings.is_empty(), "{:?}", sink.warnings);

    // Physical line numbers, counting comment and blank lines.
    assert_eq!(sink.items[0].location.line, Some(4));
    assert_eq!(sink.items[1].location.line, Some(7));

    let videos = sink.videos();
    let v = videos[0];
    assert_eq!(v.platform_id, "7412345678901299999");
    assert_eq!(v.title.as_deref(), Some("Sleep tips"));
    assert_eq!(
        v.posted_on.map(|d| d.to_string()).as_deref(),
        Some("2024-08-30")
    );
    assert_eq!(
        v.url.as_deref(),
        Some("https://www.tiktok.com/@kmb_lab/video/7412345678901299999")
    );
    assert_eq!(v.author_handle.as_deref(), Some("kmb_lab"));
    assert_eq!(videos[1].platform_id, "7412345678901234567");
    assert_eq!(videos[1].url, None, "a bare id is not a link");
    assert_eq!(videos[1].title, None);

    let obs = sink.observations();
    assert_eq!(obs.len(), 2);
    let o = obs[0];
    assert_eq!(o.source, SourceFormat::ManualTemplate);
    assert_eq!(o.observed_at, 1_725_192_000, "2024-09-01 12:00 UTC");
    let m = &o.metrics;
    assert_eq!(count(m.views), Some((18_400, false)));
    assert_eq!(count(m.likes), Some((1_200, true)), "1.2K is approximate");
    assert_eq!(count(m.comments), Some((1_200, true)), "1,2 K");
    assert_eq!(count(m.shares), Some((9, false)));
    assert_eq!(count(m.saves), Some((25, false)));
    assert_eq!(count(m.new_followers), Some((6, false)));
    assert_eq!(m.avg_watch_s, Some(12.0));
    assert!((m.full_watch_rate.unwrap_or(-1.0) - 0.38).abs() < 1e-12);
    assert_eq!(
        labels(&m.traffic_sources),
        vec![
            ("For You", 810),
            ("Following", 50),
            ("Personal profile", 70),
            ("Search", 40),
            ("Sound", 10),
            ("Other", 20)
        ]
    );
    assert_eq!(labels(&m.territories), vec![("CA", 410), ("US", 330)]);
    assert_eq!(m.reach, None);

    let second = &obs[1];
    assert_eq!(
        second.observed_at, 1_725_148_800,
        "a date alone is the start of its UTC day"
    );
    assert_eq!(second.metrics.avg_watch_s, Some(12.5));
    assert_eq!(second.metrics.likes, None, "empty is absent, not 0");
    assert!(second.metrics.traffic_sources.is_empty());
    assert_eq!(
        labels(&second.metrics.territories),
        vec![("CA", 410), ("US", 330), ("Others", 260)]
    );

    let raw = sink.items[0].raw.as_deref().unwrap_or("");
    assert!(raw.starts_with(r#"{"video":"https://www.tiktok.com/@kmb_lab/video/7412345678901299999","title":"Sleep tips","#), "{raw}");
    assert!(raw.contains(r#""views":"18,400""#), "{raw}");
    Ok(())
}

#[test]
fn semicolons_bom_reordered_columns_and_observed_from_options() -> TestResult {
    let options = Options {
        observed_at: Some(1_725_000_000),
        ..Options::default()
    };
    let (result, sink) = read("template/semicolon.csv", &options);
    assert_eq!(result?.formats(), vec![SourceFormat::ManualTemplate]);
    let obs = sink.observations();
    assert_eq!(obs.len(), 1);
    assert_eq!(obs[0].video_id, "7400000000000000001");
    assert_eq!(obs[0].observed_at, 1_725_000_000);
    assert_eq!(count(obs[0].metrics.views), Some((3_400, true)));
    assert_eq!(
        labels(&obs[0].metrics.territories),
        vec![("CA", 505), ("US", 200)]
    );
    let messages: Vec<&str> = sink.warnings.iter().map(|w| w.message.as_str()).collect();
    assert_eq!(messages.len(), 2, "{messages:?}");
    assert!(messages[0].contains("`Notes`"), "{messages:?}");
    assert!(messages[1].contains("105%"), "{messages:?}");
    assert_eq!(sink.warnings[1].location.line, Some(3));

    // Without `--observed-at`, the empty `observed` cell is an error naming the line.
    let (result, _) = read("template/semicolon.csv", &Options::default());
    match result {
        Err(IngestError::Value {
            location, field, ..
        }) => {
            assert_eq!(location.line, Some(3));
            assert_eq!(field, "observed");
        }
        other => return Err(format!("expected a value error, got {other:?}").into()),
    }
    Ok(())
}

/// Reads `text` as a file through `read_path`.
fn read_text(text: &str) -> (Result<ReadSummary, IngestError>, VecSink) {
    let mut file = tempfile::NamedTempFile::new().unwrap_or_else(|e| panic!("{e}"));
    file.write_all(text.as_bytes())
        .and_then(|()| file.flush())
        .unwrap_or_else(|e| panic!("{e}"));
    let mut sink = VecSink::default();
    let result = read_path(file.path(), &Options::default(), &mut sink, &mut |_| {});
    (result, sink)
}

#[test]
fn a_short_row_keeps_only_its_own_cells_in_the_raw_record() -> TestResult {
    // A header 20,000 columns wide over rows of two cells: the raw record
    // must not repeat every header name for every row.
    let mut text = String::from("video,observed");
    for i in 0..20_000 {
        text.push_str(&format!(",x{i}"));
    }
    text.push('\n');
    for i in 0..3 {
        text.push_str(&format!("741234567890123456{i},2024-09-01\n"));
    }
    let (result, sink) = read_text(&text);
    result?;
    assert_eq!(sink.items.len(), 3);
    for (i, item) in sink.items.iter().enumerate() {
        let raw = item.raw.as_deref().unwrap_or("");
        assert_eq!(
            raw,
            format!(r#"{{"video":"741234567890123456{i}","observed":"2024-09-01"}}"#),
            "raw record of a two-cell row ({} bytes)",
            raw.len()
        );
    }
    Ok(())
}

#[test]
fn a_quoted_cell_over_many_lines_is_read_in_linear_time() -> TestResult {
    // 200,000 physical lines in one quoted cell (under the 1 MiB record
    // limit): counting the quotes of the whole record again after every
    // line took minutes; counting each line once takes milliseconds.
    let text = format!(
        "video,observed,title\n7412345678901234567,2024-09-01,\"{}\"\n",
        "\n".repeat(200_000)
    );
    let start = std::time::Instant::now();
    let (result, sink) = read_text(&text);
    result?;
    assert_eq!(sink.items.len(), 1);
    assert!(
        start.elapsed() < std::time::Duration::from_secs(10),
        "{:?}",
        start.elapsed()
    );
    Ok(())
}

/// Dates outside 2010–2099 and negative totals are damaged cells.
#[test]
fn out_of_range_dates_and_negative_totals_are_refused() {
    for (row, field) in [
        ("7412345678901234567,2999-09-01,1", "observed"),
        ("7412345678901234567,0000-01-01,1", "observed"),
        ("7412345678901234567,2024-09-01,-1.2K", "views"),
        ("7412345678901234567,2024-09-01 10:00,-5", "views"),
    ] {
        let (result, _) = read_text(&format!("video,observed,views\n{row}\n"));
        let e = result.err().map(|e| e.to_string()).unwrap_or_default();
        assert!(e.contains("line 2") && e.contains(field), "{row}: {e}");
    }
    let (result, _) =
        read_text("video,posted,observed\n7412345678901234567,1999-12-31,2024-09-01\n");
    let e = result.err().map(|e| e.to_string()).unwrap_or_default();
    assert!(e.contains("posted") && e.contains("2010 to 2099"), "{e}");
}

#[test]
fn a_bad_value_names_the_line_and_column() {
    let (result, _) = read("template/bad_value.csv", &Options::default());
    let e = result.err();
    let text = e.as_ref().map(|e| e.to_string()).unwrap_or_default();
    assert!(
        text.contains("bad_value.csv` line 6")
            && text.contains("`shares`")
            && text.contains("`nine`"),
        "{text}"
    );
    assert!(matches!(e, Some(IngestError::Value { .. })));
}

#[test]
fn a_spreadsheet_mangled_id_is_refused() {
    let (result, _) = read("template/mangled_id.csv", &Options::default());
    let text = result.err().map(|e| e.to_string()).unwrap_or_default();
    assert!(
        text.contains("line 2")
            && text.contains("`video`")
            && text.contains("7.41E+18")
            && text.contains("spreadsheet"),
        "{text}"
    );
}

#[test]
fn a_header_without_a_video_column_is_refused() {
    let options = Options::default();
    let ctx = Context::new("notes.csv", &options);
    let e = template::parse(
        "# my notes\nlink,observed\n".as_bytes(),
        &ctx,
        &mut VecSink::default(),
    )
    .err()
    .map(|e| e.to_string())
    .unwrap_or_default();
    assert!(e.contains("line 2") && e.contains("`video`"), "{e}");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        let options = Options { observed_at: Some(1_725_000_000), ..Options::default() };
        let ctx = Context::new("fuzz.csv", &options);
        let _ = template::detect(&bytes);
        let _ = template::parse(bytes.as_slice(), &ctx, &mut VecSink::default());
    }

    #[test]
    fn csv_like_text_never_panics(parts in proptest::collection::vec(prop::sample::select(vec![
        "video,observed,views,top_territories,for_you,avg_watch_time\n", ",", ";", "\"", "\n", "\r\n",
        "#", "7412345678901234567", "https://www.tiktok.com/@a/video/1", "2024-09-01", "2024-09-01 12:00",
        "1.2K", "1,2 K", "0:12", "38%", "CA:41%", "Others 5%", "7.41E+18", "é", " ", "\u{feff}",
    ]), 0..48)) {
        let text = parts.concat();
        let options = Options { observed_at: Some(1_725_000_000), ..Options::default() };
        let ctx = Context::new("fuzz.csv", &options);
        let _ = template::detect(text.as_bytes());
        let _ = template::parse(text.as_bytes(), &ctx, &mut VecSink::default());
    }
}
