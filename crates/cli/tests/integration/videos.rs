//! `uptake videos`: the paper table in every format.

use super::Sandbox;

fn demo() -> Sandbox {
    let sb = Sandbox::new();
    sb.run(&["demo", "p"]).ok();
    sb
}

#[test]
fn csv_has_keys_every_video_summary_rows_and_the_synthetic_column() {
    let sb = demo();
    let csv = sb.run_in("p", &["videos", "--format", "csv"]).ok().stdout;
    let mut lines = csv.lines();
    let header = lines.next().unwrap_or("");
    for key in [
        "video_id",
        "posted",
        "views",
        "engagement_rate_views",
        "share_rate",
        "save_rate",
        "avg_watch_s",
        "full_watch_rate",
        "for_you_share",
        "top_territory",
        "data_note",
    ] {
        assert!(
            header.split(',').any(|h| h == key),
            "missing {key} in {header}"
        );
    }
    let rows: Vec<&str> = lines.collect();
    assert_eq!(
        rows.len(),
        13 + 4,
        "13 videos + total, median, Q1, Q3:\n{csv}"
    );
    assert!(rows.iter().all(|r| r.ends_with("SYNTHETIC")), "{csv}");
    assert!(
        csv.contains("7574563522674195709"),
        "ids are exact strings: {csv}"
    );
}

#[test]
fn json_keeps_numbers_and_nulls() {
    let sb = demo();
    let json = sb.run_in("p", &["videos", "--format", "json"]).ok().stdout;
    let doc: serde_json::Value =
        serde_json::from_str(&json).unwrap_or_else(|e| panic!("{e}: {json}"));
    let rows = doc["rows"].as_array().cloned().unwrap_or_default();
    assert_eq!(rows.len(), 13);
    let top = rows
        .iter()
        .find(|r| r["video_id"] == "7574563522674195709")
        .cloned()
        .unwrap_or_default();
    assert_eq!(top["views"], 412600);
    // The oldest video has no insight fields in the Business response and no manual row.
    let oldest = rows
        .iter()
        .find(|r| r["video_id"] == "7571143098905355786")
        .cloned()
        .unwrap_or_default();
    assert!(oldest["avg_watch_s"].is_null(), "{oldest}");
    assert!(doc["notes"][0]
        .as_str()
        .unwrap_or("")
        .starts_with("SYNTHETIC"));
}

#[test]
fn as_of_shows_the_earlier_state_with_approximate_values() {
    let sb = demo();
    // On 2025-11-20 only the manual readings of 15 and 20 November exist.
    let out = sb
        .run_in("p", &["videos", "--as-of", "2025-11-20"])
        .ok()
        .stdout;
    let rows: Vec<&str> = out.lines().filter(|l| l.starts_with("2025-")).collect();
    assert!(!rows.is_empty() && rows.len() < 13, "{out}");
    assert!(out.contains("As of 2025-11-20 23:59 UTC"), "{out}");
    let json = sb
        .run_in(
            "p",
            &["videos", "--as-of", "2025-11-21", "--format", "json"],
        )
        .ok()
        .stdout;
    assert!(
        json.contains("\"approximate\":true"),
        "abbreviated manual values are flagged: {json}"
    );
    // Approximate is per value: `47.6K` views are, `657` comments are not.
    let doc: serde_json::Value = serde_json::from_str(&json).unwrap();
    let row = doc["rows"]
        .as_array()
        .and_then(|rows| rows.iter().find(|r| r["video_id"] == "7574563522674195709"))
        .cloned()
        .unwrap();
    assert_eq!(row["views"]["value"], 47600);
    assert_eq!(row["views"]["approximate"], true);
    assert_eq!(row["comments"], 657);
    // JSON objects keep the table's column order.
    let keys: Vec<&String> = row.as_object().unwrap().keys().collect();
    assert_eq!(keys[0], "video_id");
    sb.run_in("p", &["videos", "--as-of", "yesterday"])
        .fails_with(1);
}

#[test]
fn markdown_is_a_pipe_table_with_summary_rows() {
    let sb = demo();
    let md = sb.run_in("p", &["videos", "--format", "md"]).ok().stdout;
    assert!(md.starts_with("| Posted | Title |"), "{md}");
    assert!(md.contains("| **Median** |"), "{md}");
    assert!(md.contains("| **IQR** |"), "{md}");
}

#[test]
fn hostile_titles_are_neutralised_in_csv_and_terminal_output() {
    let sb = Sandbox::new();
    sb.project();
    let csv = "video,title,posted,observed,views\n7500000000000000001,=HYPERLINK(\"http://x\"),2026-01-01,2026-01-02,100\n7500000000000000002,\"evil \u{1b}[2J clear\",2026-01-01,2026-01-02,5\n";
    let path = sb.write("m.csv", csv.as_bytes());
    sb.run_in("p", &["import", &path]).ok();
    let out = sb.run_in("p", &["videos", "--format", "csv"]).ok().stdout;
    assert!(out.contains("'=HYPERLINK"), "{out}");
    let table = sb.run_in("p", &["videos"]).ok().stdout;
    assert!(!table.contains('\u{1b}'), "{table:?}");
}

#[test]
fn a_closed_pipe_is_not_an_error() {
    let sb = demo();
    let bin = assert_cmd::cargo::cargo_bin("uptake");
    let status = std::process::Command::new("sh")
        .arg("-c")
        .arg(format!(
            "'{}' --project p videos | head -n 1 > /dev/null; exit ${{PIPESTATUS:-0}}",
            bin.display()
        ))
        .current_dir(sb.path())
        .status()
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(status.success());
}
