//! Bad input: a clear message naming the file and what was wrong, exit 1, and
//! the database exactly as before.

use super::{zip_of, Sandbox};

/// Imports `bytes` as `name` into a project holding the Content example and
/// returns stderr, after checking that the database did not change.
fn rejected(name: &str, bytes: &[u8], extra: &[&str]) -> String {
    rejected_at(name, bytes, extra).1
}

/// [`rejected`], also returning the path the file was imported from.
fn rejected_at(name: &str, bytes: &[u8], extra: &[&str]) -> (String, String) {
    let sb = Sandbox::new();
    sb.project();
    sb.run_in(
        "p",
        &["import", &super::example("Content_synthetic_kmb_lab.zip")],
    )
    .ok();
    let before = sb.db_counts();
    let path = sb.write(name, bytes);
    let mut args = vec!["import", path.as_str()];
    args.extend_from_slice(extra);
    let run = sb.run_in("p", &args).fails_with(1);
    assert_eq!(
        sb.db_counts(),
        before,
        "the database changed after a failed import"
    );
    assert!(run.stderr.starts_with("error: "), "{}", run.stderr);
    assert!(
        run.stderr.contains(name),
        "the message names the file: {}",
        run.stderr
    );
    (path, run.stderr)
}

#[test]
fn a_truncated_zip_is_rejected() {
    let whole = super::example_bytes("Followers_synthetic_kmb_lab.zip");
    let err = rejected("Followers_x.zip", &whole[..whole.len() / 2], &[]);
    assert!(
        err.contains("truncated") || err.contains("damaged"),
        "{err}"
    );
}

#[test]
fn an_id_mangled_by_a_spreadsheet_is_rejected() {
    let csv = "\u{feff}\"Time\",\"Video title\",\"Video link\",\"Post time\",\"Total likes\",\"Total comments\",\"Total shares\",\"Total views\"\n\"February 19\",\"A\",\"7.41235E+18\",\"February 1\",\"1\",\"2\",\"3\",\"4\"";
    let zip = zip_of(&[("Content.csv", csv.as_bytes())]);
    let err = rejected("Content_x.zip", &zip, &["--export-date", "2026-02-19"]);
    assert!(err.contains("line 2"), "{err}");
    assert!(err.contains("7.41235E+18"), "{err}");
    assert!(err.contains("spreadsheet"), "{err}");
}

#[test]
fn an_unknown_header_set_lists_the_headers_and_the_mapping_to_add() {
    let csv = "\u{feff}\"Data\",\"Visualizações de vídeos\",\"Visualizações do perfil\"\n\"9 de agosto\",\"10\",\"2\"";
    let err = rejected(
        "Overview.csv",
        csv.as_bytes(),
        &["--export-date", "2026-08-20"],
    );
    assert!(err.contains("Visualizações de vídeos"), "{err}");
    assert!(err.contains("[studio.headers]"), "{err}");
}

#[test]
fn a_date_that_cannot_exist_in_the_given_year_is_rejected() {
    // 29 February with an export date that makes it 2025 (not a leap year).
    let csv = "\u{feff}\"Date\",\"Video Views\",\"Profile Views\",\"Likes\",\"Comments\",\"Shares\"\n\"February 28\",\"1\",\"1\",\"1\",\"1\",\"1\"\n\"February 29\",\"1\",\"1\",\"1\",\"1\",\"1\"";
    let err = rejected(
        "Overview.csv",
        csv.as_bytes(),
        &["--export-date", "2025-03-10"],
    );
    assert!(err.contains("29") && err.contains("2025"), "{err}");
}

#[test]
fn an_overview_whose_rows_do_not_match_its_zip_name_is_rejected() {
    let csv = "\u{feff}\"Date\",\"Video Views\",\"Profile Views\",\"Likes\",\"Comments\",\"Shares\"\n\"March 3\",\"1\",\"1\",\"1\",\"1\",\"1\"";
    let zip = zip_of(&[("Overview.csv", csv.as_bytes())]);
    let err = rejected("Overview_2025-11-01_1767134469_x.zip", &zip, &[]);
    assert!(err.contains("Overview.csv"), "{err}");
}

/// A file's text quoted in an error is shown, not run: an escape sequence
/// in a header does not reach the terminal, and a huge cell is cut.
#[test]
fn errors_quote_hostile_text_safely_and_briefly() {
    let header = format!(
        "\"Date\",\"Video Views\u{1b}[31mRED\",\"{}\"\n\"March 3\",\"1\",\"1\"\n",
        "x".repeat(50_000)
    );
    let err = rejected("Overview.csv", header.as_bytes(), &[]);
    assert!(!err.contains('\u{1b}'), "a raw escape reached stderr");
    assert!(err.contains("\\u{1b}[31mRED"), "{err}");
    assert!(err.len() < 10_000, "{} bytes of error", err.len());
    assert!(err.contains("more characters)"), "{err}");
}

#[test]
fn a_missing_path_is_a_usage_problem_that_touches_nothing() {
    let sb = Sandbox::new();
    sb.project();
    let before = sb.db_counts();
    let run = sb.run_in("p", &["import", "nope.zip"]).fails_with(1);
    assert!(
        run.stderr.contains("no such file or folder: `nope.zip`"),
        "{}",
        run.stderr
    );
    assert_eq!(sb.db_counts(), before);
}

#[test]
fn a_newer_database_is_refused_with_a_clear_message() {
    let sb = Sandbox::new();
    sb.project();
    {
        let conn = rusqlite::Connection::open(sb.path().join("p/.uptake/uptake.db"))
            .unwrap_or_else(|e| panic!("{e}"));
        conn.pragma_update(None, "user_version", 99)
            .unwrap_or_else(|e| panic!("{e}"));
    }
    let run = sb.run_in("p", &["videos"]).fails_with(1);
    assert!(run.stderr.contains("schema version 99"), "{}", run.stderr);
    assert!(run.stderr.contains("newer uptake"), "{}", run.stderr);
}

#[test]
fn utf16_text_is_named_as_such_with_or_without_a_format() {
    let text = "\u{feff}Date,Video Views\n2026-02-01,5\n";
    let le: Vec<u8> = text.encode_utf16().flat_map(u16::to_le_bytes).collect();
    for args in [&[][..], &["--format", "studio-overview"][..]] {
        let err = rejected("Overview.csv", &le, args);
        assert!(err.contains("found UTF-16 (little-endian)"), "{err}");
        assert!(err.contains("iconv -f UTF-16 -t UTF-8"), "{err}");
        assert!(!err.contains("--format"), "a format would not help: {err}");
    }
}

/// A Research API video query page whose one video has `caption` (bytes
/// as they are in the file) as its `video_description`.
fn research_page(caption: &[u8]) -> Vec<u8> {
    let mut page =
        br#"{"data":{"videos":[{"id":7412345678901234567,"username":"x","video_description":""#
            .to_vec();
    page.extend_from_slice(caption);
    page.extend_from_slice(
        br#"","create_time":1725000000,"view_count":5}],"cursor":1,"has_more":false,"search_id":"1"},"error":{"code":"ok","message":"","log_id":"20240830123456ABCDEF"}}"#,
    );
    page.push(b'\n');
    page
}

/// The file is a Research API response with damaged text, not a file of
/// another kind: the message says which bytes are not UTF-8 and where.
#[test]
fn research_text_that_is_not_utf8_names_the_bytes() {
    let (path, err) = rejected_at("r_utf8.json", &research_page(b"bad \xff\xfe byte"), &[]);
    assert_eq!(
        err,
        format!(
            "error: `{path}` line 1: invalid JSON in this TikTok Research API response, at \
             column 86: bytes 0xFF 0xFE (`ÿþ` in Windows-1252) are not UTF-8 text: the file was \
             probably saved in another encoding or damaged in transfer; convert it to UTF-8, or \
             export or download it again\n  nothing from `{path}` was stored\n"
        )
    );
}

/// A caption cut inside an emoji by the tool that wrote it leaves half a
/// UTF-16 surrogate pair: the message quotes the escape and says so.
#[test]
fn research_text_with_half_an_emoji_escape_quotes_it() {
    let (path, err) = rejected_at("r_sur.json", &research_page(br"lone \ud800 surrogate"), &[]);
    assert_eq!(
        err,
        format!(
            "error: `{path}` line 1: invalid JSON in this TikTok Research API response, at \
             column 87: `\\ud800` is half of a UTF-16 surrogate pair (the two escapes that write \
             an emoji) and its other half is missing: the tool that wrote the file probably cut \
             a text inside an emoji; remove that escape, or collect the record again\n  nothing \
             from `{path}` was stored\n"
        )
    );
}

/// Zeeschuimer NDJSON and yt-dlp info.json word the same damage the same
/// way, each naming its own kind of file and the escape's column.
#[test]
fn half_an_emoji_escape_reads_the_same_in_every_json_format() {
    let zeeschuimer = br#"{"item_id":"1","timestamp_collected":1725000000000,"source_platform":"tiktok.com","data":{"id":"1","desc":"lone \ud800 x","author":{"uniqueId":"a","id":"2"},"createTime":1725000000,"stats":{"playCount":5}}}"#;
    let ytdlp = br#"{"id":"7412345678901234567","extractor":"TikTok","extractor_key":"TikTok","webpage_url":"https://www.tiktok.com/@a/video/7412345678901234567","uploader":"a","description":"lone \ud800 x","timestamp":1725000000,"view_count":5,"epoch":1725000000}"#;
    for (name, bytes, what, column) in [
        ("z.ndjson", &zeeschuimer[..], "Zeeschuimer capture", 113),
        ("v.info.json", &ytdlp[..], "yt-dlp `.info.json` file", 178),
    ] {
        let err = rejected(name, bytes, &[]);
        let want = format!(
            "line 1: invalid JSON in this {what}, at column {column}: `\\ud800` is half of a \
             UTF-16 surrogate pair"
        );
        assert!(err.contains(&want), "{err}");
    }
}
