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

/// The rows of the Markdown table under `## {section}`: cells of each row,
/// with Markdown's backslash escapes removed (`\*` → `*`).
fn md_rows(md: &str, section: &str) -> Vec<Vec<String>> {
    md.split(&format!("## {section}\n"))
        .nth(1)
        .and_then(|rest| rest.split("\n## ").next())
        .unwrap_or("")
        .lines()
        .filter(|l| l.starts_with("| ") && !l.starts_with("| :--"))
        .skip(1)
        .map(|l| {
            l.trim_matches('|')
                .split(" | ")
                .map(|c| {
                    let mut out = String::new();
                    let mut chars = c.trim().chars();
                    while let Some(ch) = chars.next() {
                        out.extend(if ch == '\\' { chars.next() } else { Some(ch) });
                    }
                    out
                })
                .collect()
        })
        .collect()
}

/// Issue: views at 24 h / 7 d / 30 d were drawn on a line from the posting
/// time (as 0 views) to an observation ~100 days later: 24 views at 24 h
/// where the video had about 1,200, marked as interpolated between two real
/// observations. A video first observed after 30 days has no value at any
/// of the three ages.
#[test]
fn views_at_fixed_ages_never_start_from_the_posting_time() {
    let sb = demo();
    let conn = rusqlite::Connection::open(sb.path().join("p/.uptake/uptake.db")).unwrap();
    let late: Vec<String> = conn
        .prepare(
            "SELECT v.title FROM videos v JOIN observations o ON o.video_id = v.id
             WHERE o.views IS NOT NULL AND v.created_at IS NOT NULL
             GROUP BY v.id HAVING MIN(o.observed_at) > v.created_at + 721 * 3600",
        )
        .and_then(|mut st| st.query_map([], |r| r.get(0))?.collect())
        .unwrap();
    assert!(
        late.len() >= 5,
        "the example has videos first seen late: {late:?}"
    );
    let md = sb.run_in("p", &["report", "--format", "md"]).ok().stdout;
    let rows = md_rows(&md, "Views after posting");
    assert_eq!(rows.len(), 13, "{md}");
    for title in &late {
        let row = rows
            .iter()
            .find(|r| title.starts_with(r[1].trim_end_matches('…')))
            .unwrap_or_else(|| panic!("no row for {title}:\n{md}"));
        assert_eq!(row[2..], ["-", "-", "-"], "{title}: {row:?}");
    }
    // The rule is stated under the table, in the report and the HTML file.
    let rule = "only when those two are no further apart than the age itself";
    assert!(md.contains(rule), "{md}");
    sb.run_in("p", &["report"]).ok();
    let html = std::fs::read_to_string(sb.path().join("p/uptake-report.html")).unwrap();
    assert!(html.contains(rule));
    assert!(!html.contains("- = no observation at or after that age"));
}

/// Issue: `export indicators --format csv|json` wrote the display text
/// (`"753,972"`, `"83.8%"`) instead of numbers.
#[test]
fn indicator_exports_carry_numbers() {
    let sb = demo();
    let json = sb
        .run_in("p", &["export", "indicators", "--format", "json"])
        .ok()
        .stdout;
    let doc: serde_json::Value = serde_json::from_str(&json).unwrap();
    let rows = doc["rows"].as_array().cloned().unwrap_or_default();
    let md = sb.run_in("p", &["report", "--format", "md"]).ok().stdout;
    let panel = md_rows(&md, "KMb indicators");
    let csv = sb
        .run_in("p", &["export", "indicators", "--format", "csv"])
        .ok()
        .stdout;
    assert!(csv.starts_with("stage,indicator,value,formula,"), "{csv}");
    assert_eq!(rows.len(), panel.len());
    assert_eq!(csv.lines().count(), 1 + rows.len(), "{csv}");
    for (row, (shown, line)) in rows.iter().zip(panel.iter().zip(csv.lines().skip(1))) {
        let name = row["indicator"].as_str().unwrap_or("");
        assert_eq!(shown[1], name);
        assert_eq!(row["data_note"], "SYNTHETIC", "synthetic data stay marked");
        assert!(line.ends_with(",SYNTHETIC"), "{line}");
        assert_eq!(shown[3], row["formula"].as_str().unwrap_or(""), "{name}");
        // Stage, indicator and value hold no comma: the first three fields.
        let in_csv = line.split(',').nth(2).unwrap_or("?");
        let v = &row["value"];
        if v.is_null() {
            assert_eq!((shown[2].as_str(), in_csv), ("not measured", ""), "{name}");
            continue;
        }
        let n = v
            .as_f64()
            .unwrap_or_else(|| panic!("{name}: {v} is not a number"));
        // serde_json's float parsing may be one unit in the last place off.
        let from_csv = in_csv.parse::<f64>().unwrap_or(f64::NAN);
        assert!((from_csv - n).abs() <= 1e-12 * n.abs(), "{name}: {line}");
        if shown[2].ends_with('%') {
            assert!((0.0..=1.0).contains(&n), "{name} is a fraction: {n}");
            assert_eq!(shown[2], format!("{:.1}%", n * 100.0), "{name}");
        } else {
            assert!(v.is_u64(), "{name}: a count is an integer: {v}");
            assert_eq!(shown[2].replace(',', ""), n.to_string(), "{name}");
        }
    }
}

/// Issue: `hostile_comment_rate` counted comments flagged only `spam`
/// (31/545 = 5.7% on the example instead of 29/545 = 5.3%), and the
/// summary called spam hostile while the formula did not.
#[test]
fn hostile_comment_rate_leaves_out_spam() {
    let sb = demo();
    // Hostile = comments with a safety flag other than spam, each once.
    let flagged = sb
        .run_in("p", &["export", "moderation", "--format", "json"])
        .ok()
        .stdout;
    let flagged: serde_json::Value = serde_json::from_str(&flagged).unwrap();
    let mut hostile = std::collections::BTreeSet::new();
    let mut spam = std::collections::BTreeSet::new();
    for f in flagged["rows"].as_array().cloned().unwrap_or_default() {
        if f["decision"] == "dismiss" {
            continue;
        }
        let id = f["comment_id"].as_str().unwrap_or("").to_string();
        if f["label"] == "spam" {
            spam.insert(id);
        } else {
            hostile.insert(id);
        }
    }
    assert!(
        spam.difference(&hostile).count() >= 1,
        "the example has comments flagged only spam"
    );
    let md = sb.run_in("p", &["report", "--format", "md"]).ok().stdout;
    // Every comment of the example is analysed.
    let held: usize = md
        .split("Of ")
        .nth(1)
        .and_then(|s| s.split(" comments collected").next())
        .and_then(|s| s.replace(',', "").parse().ok())
        .unwrap_or_else(|| panic!("{md}"));
    let pct = |n: usize| format!("{:.1}%", n as f64 * 100.0 / held as f64);
    let panel = md_rows(&md, "KMb indicators");
    let shown = |name: &str| {
        panel
            .iter()
            .find(|r| r[1] == name)
            .map(|r| (r[2].clone(), r[3].clone()))
            .unwrap_or_else(|| panic!("no {name}:\n{md}"))
    };
    let words = "(identity-based hate, threats, incitement to self-harm, harassment, sexual harassment or doxxing; not spam)";
    let (rate, formula) = shown("hostile_comment_rate");
    assert_eq!(rate, pct(hostile.len()));
    assert!(formula.contains(words), "{formula}");
    assert_eq!(shown("spam_comment_rate").0, pct(spam.len()));
    let summary = md
        .lines()
        .find(|l| l.contains("flagged as hostile"))
        .unwrap_or_default();
    assert!(
        summary.contains(&format!(
            "{} of comments were flagged as hostile {words}",
            pct(hostile.len())
        )) && summary.contains(&format!(
            "{} were flagged as spam, counted separately",
            pct(spam.len())
        )),
        "{summary}"
    );
    // The export says the same.
    let csv = sb
        .run_in("p", &["export", "indicators", "--format", "csv"])
        .ok()
        .stdout;
    let line = csv
        .lines()
        .find(|l| l.starts_with("Harms,hostile_comment_rate,"))
        .unwrap_or_default();
    assert!(line.contains(words), "{line}");
}
