//! `uptake report`, `uptake export` and campaigns on the example project.

use super::Sandbox;

fn demo() -> Sandbox {
    let sb = Sandbox::new();
    sb.run(&["demo", "p"]).ok();
    sb
}

#[test]
fn html_report_is_written_self_contained_and_marked_synthetic() {
    let sb = demo();
    let run = sb.run_in("p", &["report"]).ok();
    assert!(run.stdout.contains("uptake-report.html"), "{}", run.stdout);
    let html = std::fs::read_to_string(sb.path().join("p/uptake-report.html")).unwrap();
    assert!(html.len() < 2 * 1024 * 1024, "{} bytes", html.len());
    assert!(
        html.contains("SYNTHETIC"),
        "the synthetic notice is in the report"
    );
    assert!(html.contains("<svg"), "charts are inline SVG");
    assert!(
        html.contains("What our survey heard about waiting"),
        "video titles appear"
    );
    assert!(
        html.contains("not measured"),
        "unmeasured indicators say so"
    );
    for bad in [
        "<script src",
        "<link rel=\"stylesheet\" href=\"http",
        "src=\"http",
        "@import",
    ] {
        assert!(
            !html.contains(bad),
            "external resource `{bad}` in the report"
        );
    }
}

#[test]
fn markdown_report_has_every_section() {
    let sb = demo();
    let md = sb.run_in("p", &["report", "--format", "md"]).ok().stdout;
    for section in [
        "## Summary",
        "## Videos",
        "## Views after posting",
        "## KMb indicators",
        "## Data coverage and caveats",
        "## Methods",
    ] {
        assert!(md.contains(section), "missing {section}:\n{md}");
    }
    assert!(md.contains("| Reach | views |"), "{md}");
    assert!(md.contains("SYNTHETIC"), "{md}");
    // Views at 24 h come from the manual readings of the example (real observations).
    assert!(md.contains("Views at 24 h"), "{md}");
}

#[test]
fn campaigns_scope_tables_and_reports() {
    let sb = demo();
    let run = sb
        .run_in(
            "p",
            &[
                "campaign",
                "add",
                "waiting-times",
                "--title",
                "Waiting times survey",
                "--doi",
                "10.0000/example",
                "--video",
                "7574563522674195709",
                "--video",
                "7581527811657890338",
                "--video",
                "7999999999999999999",
            ],
        )
        .ok();
    assert!(
        run.stdout.contains("1 of them are not in the project yet"),
        "{}",
        run.stdout
    );
    let list = sb.run_in("p", &["campaign", "list"]).ok().stdout;
    assert!(
        list.contains("waiting-times: 3 videos (2 in the project)"),
        "{list}"
    );
    let csv = sb
        .run_in(
            "p",
            &["videos", "--campaign", "waiting-times", "--format", "csv"],
        )
        .ok()
        .stdout;
    assert_eq!(csv.lines().count(), 1 + 2 + 4, "{csv}");
    let md = sb
        .run_in(
            "p",
            &["report", "--format", "md", "--campaign", "waiting-times"],
        )
        .ok()
        .stdout;
    assert!(md.contains("Campaign: **waiting-times**"), "{md}");
    let err = sb
        .run_in("p", &["videos", "--campaign", "nope"])
        .fails_with(1)
        .stderr;
    assert!(
        err.contains("no campaign `nope`") && err.contains("waiting-times"),
        "{err}"
    );
    sb.run_in("p", &["campaign", "add", "waiting-times"])
        .fails_with(1);
    sb.run_in("p", &["campaign", "add", "x", "--doi", "not-a-doi"])
        .fails_with(1);
}

#[test]
fn exports_in_every_format() {
    let sb = demo();
    let csv = sb.run_in("p", &["export", "videos"]).ok().stdout;
    assert!(csv.starts_with("video_id,"), "{csv}");
    let ind = sb
        .run_in("p", &["export", "indicators", "--format", "json"])
        .ok()
        .stdout;
    let doc: serde_json::Value = serde_json::from_str(&ind).unwrap();
    assert!(
        doc["rows"].as_array().is_some_and(|r| r.len() >= 10),
        "{ind}"
    );
    sb.run_in("p", &["export", "account", "--format", "xlsx"])
        .fails_with(1);
    let run = sb
        .run_in(
            "p",
            &[
                "export",
                "account",
                "--format",
                "xlsx",
                "-o",
                "account.xlsx",
            ],
        )
        .ok();
    assert!(run.stdout.contains("account.xlsx"), "{}", run.stdout);
    let bytes = std::fs::read(sb.path().join("p/account.xlsx")).unwrap();
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut sheet = String::new();
    std::io::Read::read_to_string(
        &mut archive.by_name("xl/worksheets/sheet1.xml").unwrap(),
        &mut sheet,
    )
    .unwrap();
    assert!(
        sheet.contains("follower_change"),
        "{}",
        &sheet[..sheet.len().min(400)]
    );
    assert!(sheet.contains("SYNTHETIC"));
}
