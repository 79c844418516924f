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

/// The public demo's Research API files (`examples/public-demo`): 20 videos
/// of a hashtag, 4 of them the demo account's own, and comments.
fn public_demo_files() -> Vec<String> {
    let dir =
        std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../examples/public-demo");
    let mut files: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with("research_") && n.ends_with(".json"))
        })
        .map(|p| p.display().to_string())
        .collect();
    files.sort();
    assert_eq!(files.len(), 5, "{files:?}");
    files
}

/// The demo with the public demo imported on top.
pub fn demo_with_public_videos() -> Sandbox {
    let sb = demo();
    let mut args = vec!["import".to_string()];
    args.extend(public_demo_files());
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    sb.run_in("p", &args).ok();
    sb
}

/// What `uptake videos` says when the public demo's 16 other creators'
/// videos are left out.
const LEFT_OUT: &str =
    "16 public videos by other creators are left out of these numbers: `uptake videos --public` lists them.";

fn json(text: &str) -> serde_json::Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"))
}

/// The `video_id`s of a JSON table's rows.
fn ids(doc: &serde_json::Value) -> Vec<String> {
    doc["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["video_id"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn other_creators_public_videos_stay_out_of_the_table_and_its_totals() {
    let sb = demo();
    let before = sb.run_in("p", &["videos"]).ok().stdout;
    let before_json = json(&sb.run_in("p", &["videos", "--format", "json"]).ok().stdout);
    let mut args = vec!["import".to_string()];
    args.extend(public_demo_files());
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    sb.run_in("p", &args).ok();

    // The same table, rows and totals as before the import, and one line
    // saying what was left out and how to list it.
    let after = sb.run_in("p", &["videos"]).ok().stdout;
    let synthetic = "SYNTHETIC EXAMPLE DATA: generated for uptake's demo; not real TikTok data and not research findings.\n";
    assert_eq!(
        after,
        before.replacen(synthetic, &format!("{synthetic}{LEFT_OUT}\n"), 1)
    );
    let after_json = json(&sb.run_in("p", &["videos", "--format", "json"]).ok().stdout);
    assert_eq!(ids(&after_json), ids(&before_json));
    assert_eq!(after_json["summary"], before_json["summary"]);
    assert_eq!(after_json["summary"][0]["views"], 753_972);
    let csv = sb.run_in("p", &["videos", "--format", "csv"]).ok().stdout;
    assert_eq!(csv.lines().count(), 1 + 13 + 4, "{csv}");
}

#[test]
fn indicators_and_the_report_count_the_own_account_only() {
    let sb = demo_with_public_videos();
    let csv = sb.run_in("p", &["export", "indicators"]).ok().stdout;
    let views = csv
        .lines()
        .find(|l| l.starts_with("Reach,views,"))
        .unwrap_or_else(|| panic!("{csv}"));
    assert!(views.starts_with("Reach,views,753972,"), "{views}");
    let md = sb.run_in("p", &["report", "--format", "md"]).ok().stdout;
    assert!(
        md.contains(
            "- The 13 videos posted between 2025-11-10 and 2026-01-23 were played 753,972 times"
        ),
        "{md}"
    );
    // Comments on other creators' videos are not the account's either
    // (the demo's own 545; the public demo adds 40 on others' videos).
    assert!(md.contains("- Of 545 comments collected,"), "{md}");
    assert!(
        md.contains(&format!("- {}", LEFT_OUT.replace('`', "\\`"))),
        "{md}"
    );
    let export = json(
        &sb.run_in("p", &["export", "videos", "--format", "json"])
            .ok()
            .stdout,
    );
    assert_eq!(export["rows"].as_array().unwrap().len(), 13);
    assert!(
        export["notes"]
            .as_array()
            .unwrap()
            .iter()
            .any(|n| n == LEFT_OUT),
        "{export}"
    );
}

#[test]
fn public_lists_other_creators_videos_with_pseudonyms_and_their_own_totals() {
    let sb = demo_with_public_videos();
    let own = ids(&json(
        &sb.run_in("p", &["videos", "--format", "json"]).ok().stdout,
    ));
    let doc = json(
        &sb.run_in("p", &["videos", "--public", "--format", "json"])
            .ok()
            .stdout,
    );
    let public = ids(&doc);
    assert_eq!(public.len(), 16, "{doc}");
    assert!(public.iter().all(|id| !own.contains(id)), "{public:?}");
    for row in doc["rows"].as_array().unwrap() {
        let author = row["author"].as_str().unwrap_or("");
        assert!(
            author.len() == 14 && author.starts_with("u_"),
            "a pseudonym: {row}"
        );
    }
    assert_eq!(doc["summary"][0]["title"], "n = 16");
    assert_eq!(doc["summary"][0]["views"], 411_403);
    assert_eq!(
        doc["notes"][1],
        "Public videos by other creators (authors as keyed pseudonyms), not the project's own account: their totals describe them alone; `uptake videos` has the account's 13 videos."
    );
    let text = sb.run_in("p", &["videos", "--public"]).ok().stdout;
    assert!(
        text.starts_with("Posted      Title                                 Author   "),
        "{text}"
    );
    assert!(text.contains("\nTotal       n = 16 "), "{text}");
    assert!(!text.contains("syn_creator"), "no handle: {text}");
}

#[test]
fn a_campaign_naming_another_creators_video_counts_it_apart() {
    let sb = demo_with_public_videos();
    // The demo account's most viewed video, and another creator's.
    let run = sb
        .run_in(
            "p",
            &[
                "campaign",
                "add",
                "mix",
                "--video",
                "7574563522674195709",
                "--video",
                "7568002097649246802",
            ],
        )
        .ok();
    assert_eq!(
        run.stdout,
        "added campaign `mix` with 2 videos to `uptake.toml`\n\
         note: 1 of them is a public video by another creator: the campaign's tables, report and indicators count only the account's own videos; `uptake videos --public --campaign mix` lists it\n"
    );
    let list = sb.run_in("p", &["campaign", "list"]).ok().stdout;
    assert_eq!(
        list,
        "mix: 2 videos (2 in the project, 1 public video by another creator)\n"
    );
    let own = json(
        &sb.run_in("p", &["videos", "--campaign", "mix", "--format", "json"])
            .ok()
            .stdout,
    );
    assert_eq!(ids(&own), ["7574563522674195709"]);
    assert!(
        own["notes"].as_array().unwrap().iter().any(|n| n
            == "1 public video by another creator is left out of these numbers: `uptake videos --public --campaign mix` lists it."),
        "{own}"
    );
    let public = json(
        &sb.run_in(
            "p",
            &[
                "videos",
                "--public",
                "--campaign",
                "mix",
                "--format",
                "json",
            ],
        )
        .ok()
        .stdout,
    );
    assert_eq!(ids(&public), ["7568002097649246802"]);
}

/// Issue: CSV wrote approximate counts (`47.6K` views) as plain numbers.
/// Each count column is followed by `<key>_approximate`, always, so that the
/// columns are the same in every project.
#[test]
fn csv_follows_each_count_with_its_approximate_flag() {
    let sb = demo();
    let csv = sb
        .run_in("p", &["videos", "--as-of", "2025-11-21", "--format", "csv"])
        .ok()
        .stdout;
    let expected_header = "video_id,posted,title,views,views_approximate,likes,likes_approximate,comments,comments_approximate,shares,shares_approximate,saves,saves_approximate,engagement_rate_views,share_rate,save_rate,avg_watch_s,full_watch_rate,for_you_share,top_territory,top_territory_share,url,data_note";
    assert_eq!(csv.lines().next(), Some(expected_header));
    let row = csv
        .lines()
        .find(|l| l.starts_with("7574563522674195709,"))
        .unwrap_or_else(|| panic!("{csv}"));
    // After the title (which holds no comma): views, likes, comments.
    let fields: Vec<&str> = row.split(',').collect();
    assert_eq!(
        fields[3..9],
        ["47600", "true", "5300", "true", "657", "false"],
        "{row}"
    );
    // Every value of the latest state is exact: same columns, all false.
    let latest = sb.run_in("p", &["videos", "--format", "csv"]).ok().stdout;
    assert_eq!(latest.lines().next(), Some(expected_header));
    assert!(!latest.contains(",true,"), "{latest}");
    // Comment likes too.
    let comments = sb.run_in("p", &["comments", "--format", "csv"]).ok().stdout;
    assert!(
        comments
            .lines()
            .next()
            .is_some_and(|h| h.contains(",likes,likes_approximate,replies,")),
        "{comments}"
    );
}
