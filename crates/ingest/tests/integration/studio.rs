//! Tests for the `studio` reader: every Studio file kind and quirk of
//! `formats.md` §3, read through `read_path` (loose files, ZIPs built here,
//! XLSX) so that sniffing and the container are exercised too.

use super::fixture;
use chrono::NaiveDate;
use std::io::Write;
use std::path::{Path, PathBuf};
use uptake_ingest::{
    read_path, studio, Context, IngestError, Options, ReadSummary, Record, VecSink,
};
use uptake_model::{AudienceKind, AudienceSnapshot, FollowerActivity, SourceFormat};

fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
}

fn exported(y: i32, m: u32, d: u32) -> Options {
    Options {
        export_date: Some(ymd(y, m, d)),
        ..Options::default()
    }
}

fn read(path: &Path, options: &Options) -> Result<(VecSink, ReadSummary), IngestError> {
    let mut sink = VecSink::default();
    let summary = read_path(path, options, &mut sink, &mut |_| {})?;
    Ok((sink, summary))
}

/// Reads a fixture. Loose CSVs go straight to `studio::parse_csv` over the
/// open file (streaming, no modification date); XLSX goes through
/// `read_path`. See `loose_csv_through_read_path` for why CSVs do not.
fn read_fixture(name: &str, options: &Options) -> Result<(VecSink, ReadSummary), IngestError> {
    let path = fixture(&format!("studio/{name}"));
    if !name.ends_with(".csv") {
        return read(&path, options);
    }
    let shown = path.display().to_string();
    let file = std::fs::File::open(&path).map_err(|source| IngestError::Io {
        location: uptake_ingest::Location::file(&shown),
        source,
    })?;
    let ctx = Context::new(shown.clone(), options);
    let mut sink = VecSink::default();
    let format = studio::parse_csv(file, &ctx, &mut sink)?;
    let summary = ReadSummary {
        parts: vec![uptake_ingest::container::Part {
            name: shown,
            format,
            items: sink.items.len() as u64,
        }],
    };
    Ok((sink, summary))
}

fn error_of(result: Result<(VecSink, ReadSummary), IngestError>) -> String {
    match result {
        Ok(_) => String::from("(no error)"),
        Err(e) => e.to_string(),
    }
}

fn fixture_bytes(name: &str) -> std::io::Result<Vec<u8>> {
    std::fs::read(fixture(&format!("studio/{name}")))
}

type TestResult = Result<(), Box<dyn std::error::Error>>;

/// Writes a ZIP called `zip_name` holding `entries` (stored, like Studio's),
/// with entry times `mtime` when given.
fn make_zip(
    dir: &Path,
    zip_name: &str,
    entries: &[(&str, Vec<u8>)],
    mtime: Option<(u16, u8, u8)>,
) -> Result<PathBuf, Box<dyn std::error::Error>> {
    let path = dir.join(zip_name);
    let mut writer = zip::ZipWriter::new(std::fs::File::create(&path)?);
    let mut options =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    if let Some((y, m, d)) = mtime {
        options = options.last_modified_time(zip::DateTime::from_date_and_time(y, m, d, 10, 0, 0)?);
    }
    for (name, bytes) in entries {
        writer.start_file(*name, options)?;
        writer.write_all(bytes)?;
    }
    writer.finish()?;
    Ok(path)
}

#[test]
fn overview_with_export_date() -> TestResult {
    let (sink, summary) = read_fixture("Overview.csv", &exported(2026, 9, 3))?;
    assert_eq!(summary.formats(), vec![SourceFormat::StudioOverview]);
    assert_eq!(sink.items.len(), 3, "one item per row");
    let days = sink.account_days();
    assert_eq!(days.len(), 2, "the all-`undefined` day yields no record");
    assert_eq!(days[0].date, ymd(2026, 8, 30));
    assert_eq!(days[0].account, "own");
    assert_eq!(days[0].video_views, Some(1204));
    assert_eq!(days[0].profile_views, Some(31));
    assert_eq!(days[1].date, ymd(2026, 8, 31));
    assert_eq!(days[1].comments, Some(-1), "negative comments are kept");
    assert_eq!(days[1].followers, None);
    // The undefined row is kept raw, with no records: missing, not 0.
    let last = &sink.items[2];
    assert!(last.records.is_empty());
    assert_eq!(last.location.line, Some(4));
    let raw: serde_json::Value =
        serde_json::from_str(last.raw.as_deref().unwrap_or("")).unwrap_or_default();
    assert_eq!(raw["Date"], "September 1");
    assert_eq!(raw["Video Views"], "undefined");
    assert!(sink.warnings.is_empty(), "{:?}", sink.warnings);
    Ok(())
}

#[test]
fn crlf_and_new_followers() -> TestResult {
    let (sink, _) = read_fixture("Overview_new_followers_crlf.csv", &exported(2026, 8, 31))?;
    let days = sink.account_days();
    assert_eq!(days.len(), 2);
    assert_eq!(days[0].date, ymd(2026, 8, 28));
    assert_eq!(days[0].new_followers, Some(3));
    assert_eq!(days[1].new_followers, Some(-2));
    assert_eq!(sink.items[1].location.line, Some(3));
    Ok(())
}

#[test]
fn semicolon_separated_without_bom() -> TestResult {
    let (sink, _) = read_fixture("Overview_semicolon.csv", &exported(2026, 8, 12))?;
    let days = sink.account_days();
    assert_eq!(days.len(), 2);
    assert_eq!(
        days[0].video_views,
        Some(1204),
        "`1,204` is a grouped count"
    );
    assert_eq!(days[1].date, ymd(2026, 8, 10));
    Ok(())
}

#[test]
fn header_only_files_are_normal() -> TestResult {
    // No export date and no year needed: there are no rows.
    for name in [
        "Overview_header_only.csv",
        "FollowerActivity_header_only.csv",
    ] {
        let (sink, _) = read_fixture(name, &Options::default())?;
        assert!(sink.items.is_empty(), "{name}");
    }
    Ok(())
}

#[test]
fn export_date_rolls_december_into_january() -> TestResult {
    let (sink, _) = read_fixture("Overview_rollover.csv", &exported(2026, 1, 4))?;
    let dates: Vec<NaiveDate> = sink.account_days().iter().map(|d| d.date).collect();
    assert_eq!(
        dates,
        vec![
            ymd(2025, 12, 30),
            ymd(2025, 12, 31),
            ymd(2026, 1, 1),
            ymd(2026, 1, 2)
        ]
    );
    Ok(())
}

/// A Studio CSV row over 16 MiB is refused before it is held whole (a 1 MB
/// deflated ZIP can hold a 1 GB cell).
#[test]
fn a_row_longer_than_16_mib_is_refused() -> TestResult {
    let dir = tempfile::tempdir()?;
    let path = dir.path().join("Overview.csv");
    let cell = "1".repeat(17 << 20);
    std::fs::write(
        &path,
        format!("\"Date\",\"Video Views\"\n\"August 30\",\"{cell}\"\n"),
    )?;
    let msg = error_of(read(&path, &Options::default()));
    assert!(
        msg.contains("Overview.csv") && msg.contains("longer than 16 MiB"),
        "{msg}"
    );
    Ok(())
}

/// Entry names with Windows separators (and even `..` parts, which uptake
/// never writes anywhere) are read by their last part.
#[test]
fn entries_named_with_backslashes_are_read() -> TestResult {
    let dir = tempfile::tempdir()?;
    let zip = make_zip(
        dir.path(),
        "Overview_2025-12-30_1767398400_kmb_lab.zip",
        &[(
            "..\\..\\exports\\Overview.csv",
            fixture_bytes("Overview_rollover.csv")?,
        )],
        None,
    )?;
    let (sink, _) = read(&zip, &Options::default())?;
    assert_eq!(sink.account_days().len(), 4);
    Ok(())
}

#[test]
fn overview_zip_name_gives_year_and_account() -> TestResult {
    let dir = tempfile::tempdir()?;
    // 1767398400 = 2026-01-03 00:00 UTC, the end of the window.
    let zip = make_zip(
        dir.path(),
        "Overview_2025-12-30_1767398400_kmb_lab.zip",
        &[("Overview.csv", fixture_bytes("Overview_rollover.csv")?)],
        None,
    )?;
    let (sink, _) = read(&zip, &Options::default())?;
    let days = sink.account_days();
    let dates: Vec<NaiveDate> = days.iter().map(|d| d.date).collect();
    assert_eq!(
        dates,
        vec![
            ymd(2025, 12, 30),
            ymd(2025, 12, 31),
            ymd(2026, 1, 1),
            ymd(2026, 1, 2)
        ]
    );
    assert!(days.iter().all(|d| d.account == "kmb_lab"));
    assert!(sink.warnings.is_empty(), "{:?}", sink.warnings);
    Ok(())
}

#[test]
fn overview_zip_name_that_does_not_match_is_an_error() -> TestResult {
    let dir = tempfile::tempdir()?;
    let zip = make_zip(
        dir.path(),
        "Overview_2025-12-29_1767398400_kmb_lab.zip",
        &[("Overview.csv", fixture_bytes("Overview_rollover.csv")?)],
        None,
    )?;
    let msg = error_of(read(&zip, &Options::default()));
    assert!(msg.contains("Overview.csv` line 2"), "{msg}");
    assert!(
        msg.contains("the window does not match the ZIP name"),
        "{msg}"
    );
    assert!(msg.contains("2025-12-29"), "{msg}");
    Ok(())
}

#[test]
fn account_option_wins_over_the_zip_name() -> TestResult {
    let dir = tempfile::tempdir()?;
    let zip = make_zip(
        dir.path(),
        "Overview_2025-12-30_1767398400_kmb_lab.zip",
        &[("Overview.csv", fixture_bytes("Overview_rollover.csv")?)],
        None,
    )?;
    let options = Options {
        account: Some("@lab_official".into()),
        ..Options::default()
    };
    let (sink, _) = read(&zip, &options)?;
    assert!(sink
        .account_days()
        .iter()
        .all(|d| d.account == "lab_official"));
    Ok(())
}

#[test]
fn backwards_dates_are_an_error() -> TestResult {
    let msg = error_of(read_fixture(
        "Overview_backwards.csv",
        &exported(2026, 9, 1),
    ));
    assert!(msg.contains("line 4"), "{msg}");
    assert!(msg.contains("dates go backwards"), "{msg}");
    Ok(())
}

#[test]
fn february_29_in_a_common_year_is_the_wrong_year() -> TestResult {
    let options = Options {
        export_date: Some(ymd(2027, 3, 5)),
        ..Options::default()
    };
    let mut sink = VecSink::default();
    let text = "\u{feff}\"Date\",\"Video Views\"\n\"February 28\",\"1\"\n\"February 29\",\"2\"";
    let ctx = Context::new("Overview.csv", &options);
    let msg = match studio::parse_csv(text.as_bytes(), &ctx, &mut sink) {
        Ok(_) => String::from("(no error)"),
        Err(e) => e.to_string(),
    };
    assert!(msg.contains("`Overview.csv` line 3"), "{msg}");
    assert!(msg.contains("29 February does not exist in 2027"), "{msg}");
    Ok(())
}

#[test]
fn bad_value_names_line_and_column() -> TestResult {
    let path = fixture("studio/Overview_bad_value.csv");
    let msg = error_of(read_fixture(
        "Overview_bad_value.csv",
        &exported(2026, 9, 1),
    ));
    assert_eq!(
        msg,
        format!(
            "`{}` line 3, field `Video Views`: expected a count, found `1,2K+`",
            path.display()
        )
    );
    Ok(())
}

#[test]
fn business_suite_overview() -> TestResult {
    // ISO dates carry their year: no export date needed.
    let (sink, _) = read_fixture("Overview_business.csv", &Options::default())?;
    let days = sink.account_days();
    assert_eq!(days.len(), 2);
    assert_eq!(days[0].date, ymd(2026, 8, 9));
    assert_eq!(days[0].video_views, Some(1500));
    assert_eq!(days[0].reach, None, "`NAN` reach is missing");
    assert_eq!(days[0].new_followers, Some(5));
    assert_eq!(days[1].reach, Some(900));
    assert_eq!(days[1].comments, Some(-1));
    assert!(sink.warnings.is_empty(), "{:?}", sink.warnings);
    Ok(())
}

#[test]
fn unknown_header_set_explains_the_mapping() -> TestResult {
    let msg = error_of(read_fixture("Overview_pt.csv", &exported(2026, 8, 12)));
    assert!(msg.contains("Overview_pt.csv` line 1: unknown header set \"Data\", \"Visualizações de vídeos\", \"Visualizações do perfil\", \"Curtidas\", \"Comentários\", \"Compartilhamentos\"\n"), "{msg}");
    assert!(
        msg.contains(
            "[studio.headers]\n\"Data\" = \"?\"\n\"Visualizações de vídeos\" = \"?\"\n\
             \"Visualizações do perfil\" = \"?\"\n\"Curtidas\" = \"?\"\n\"Comentários\" = \"?\"\n\
             \"Compartilhamentos\" = \"?\"\n"
        ),
        "{msg}"
    );
    assert!(
        msg.contains("accepted English headers: Date, Video Views, Total views, Profile Views"),
        "{msg}"
    );
    Ok(())
}

#[test]
fn user_header_mapping_reads_a_portuguese_export() -> TestResult {
    let map = [
        ("Data", "Date"),
        ("Visualizações de vídeos", "Video Views"),
        ("Visualizações do perfil", "Profile Views"),
        ("Curtidas", "Likes"),
        ("Comentários", "Comments"),
        ("Compartilhamentos", "Shares"),
    ];
    let options = Options {
        export_date: Some(ymd(2026, 8, 12)),
        header_map: map
            .iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect(),
        ..Options::default()
    };
    let (sink, _) = read_fixture("Overview_pt.csv", &options)?;
    let days = sink.account_days();
    assert_eq!(days.len(), 2);
    assert_eq!(days[0].date, ymd(2026, 8, 9), "`9 de agosto`");
    assert_eq!(days[1].shares, Some(1));
    // The raw row keeps the headers as written.
    assert!(sink.items[0]
        .raw
        .as_deref()
        .unwrap_or("")
        .contains("\"Curtidas\":\"10\""));
    Ok(())
}

#[test]
fn russian_dates_are_read_and_lang_restricts() -> TestResult {
    let (sink, _) = read_fixture("Overview_ru.csv", &exported(2026, 5, 1))?;
    let dates: Vec<NaiveDate> = sink.account_days().iter().map(|d| d.date).collect();
    assert_eq!(dates, vec![ymd(2026, 4, 27), ymd(2026, 4, 28)]);
    let options = Options {
        lang: Some("sv".into()),
        ..exported(2026, 5, 1)
    };
    let msg = error_of(read_fixture("Overview_ru.csv", &options));
    assert!(msg.contains("line 2, field `Date`"), "{msg}");
    assert!(msg.contains("found `27 апреля`"), "{msg}");
    assert!(msg.contains("`--lang`"), "{msg}");
    Ok(())
}

#[test]
fn missing_year_without_any_source_is_an_error() -> TestResult {
    let options = Options::default();
    let ctx = Context::new("Overview.csv", &options);
    let mut sink = VecSink::default();
    let bytes = fixture_bytes("Overview.csv")?;
    let msg = match studio::parse_csv(bytes.as_slice(), &ctx, &mut sink) {
        Ok(_) => String::from("(no error)"),
        Err(e) => e.to_string(),
    };
    assert!(
        msg.starts_with("`Overview.csv`: the dates have no year"),
        "{msg}"
    );
    assert!(msg.contains("`--export-date YYYY-MM-DD`"), "{msg}");
    Ok(())
}

#[test]
fn modification_date_is_a_last_resort_with_a_warning() -> TestResult {
    let options = Options::default();
    let mut ctx = Context::new("Overview.csv", &options);
    ctx.modified = ymd(2026, 9, 3).and_hms_opt(12, 0, 0);
    let mut sink = VecSink::default();
    let bytes = fixture_bytes("Overview.csv")?;
    let format = studio::parse_csv(bytes.as_slice(), &ctx, &mut sink);
    assert!(
        matches!(format, Ok(SourceFormat::StudioOverview)),
        "{format:?}"
    );
    assert_eq!(
        sink.account_days().first().map(|d| d.date),
        Some(ymd(2026, 8, 30))
    );
    assert_eq!(sink.warnings.len(), 1);
    let w = &sink.warnings[0].message;
    assert!(w.contains("modification date (2026-09-03)"), "{w}");
    assert!(w.contains("--export-date"), "{w}");
    Ok(())
}

#[test]
fn missing_date_cell_names_the_line() -> TestResult {
    let options = exported(2026, 9, 3);
    let ctx = Context::new("Overview.csv", &options);
    let text = "\"Date\",\"Video Views\"\n\"August 9\",\"1\"\n\"undefined\",\"2\"\n";
    let msg = match studio::parse_csv(text.as_bytes(), &ctx, &mut VecSink::default()) {
        Ok(_) => String::from("(no error)"),
        Err(e) => e.to_string(),
    };
    assert!(
        msg.starts_with("`Overview.csv` line 3, field `Date`:"),
        "{msg}"
    );
    Ok(())
}

mod followers_and_content;
mod hostile_xlsx;
