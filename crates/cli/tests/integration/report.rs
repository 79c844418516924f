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

/// The text of the cells of each row of the HTML table whose caption
/// starts with `caption`, tags removed and entities decoded.
fn html_rows(html: &str, caption: &str) -> Vec<Vec<String>> {
    let decode = |s: &str| {
        let mut text = String::new();
        let mut in_tag = false;
        for c in s.chars() {
            match c {
                '<' => in_tag = true,
                '>' => in_tag = false,
                c if !in_tag => text.push(c),
                _ => {}
            }
        }
        text.replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&quot;", "\"")
            .replace("&#39;", "'")
            .replace("&amp;", "&")
    };
    let Some(table) = html
        .split("<table>")
        .find(|t| t.contains(&format!("\">{caption}")))
        .and_then(|t| t.split("</table>").next())
    else {
        return Vec::new();
    };
    table
        .split("<tbody>")
        .nth(1)
        .unwrap_or("")
        .split("<tr>")
        .skip(1)
        .map(|row| {
            row.split("</t")
                .filter_map(|cell| cell.rsplit_once("\">").or(cell.rsplit_once("<td>")))
                .map(|(_, text)| decode(text))
                .collect()
        })
        .collect()
}

fn number(text: &str) -> f64 {
    text.trim_end_matches('*')
        .trim_start_matches('~')
        .replace(',', "")
        .parse()
        .unwrap_or(f64::NAN)
}

/// Issue: the growth chart started every curve at 0 views at posting and
/// drew a straight line to its first observation, often ~100 days later;
/// its median, interpolated without limit, showed 7,437.16 at day 1 from
/// those lines, under the label "Median of all 8 videos" in a project of 13.
/// Now every point is a real observation and the median at each age rests
/// only on values the rule of Table 2 gives, with its n.
#[test]
fn growth_chart_draws_real_observations_and_an_honest_median() {
    let sb = demo();
    sb.run_in("p", &["report"]).ok();
    let html = std::fs::read_to_string(sb.path().join("p/uptake-report.html")).unwrap();
    assert!(!html.contains("Median of all"), "no claim about all videos");
    assert!(html.contains("Median of 3–4 videos with a value"));
    // Every point of the figure's data table is a real observation.
    let conn = rusqlite::Connection::open(sb.path().join("p/.uptake/uptake.db")).unwrap();
    let observed: Vec<(f64, f64)> = conn
        .prepare(
            "SELECT (o.observed_at - v.created_at) / 86400.0, o.views
             FROM observations o JOIN videos v ON v.id = o.video_id
             WHERE o.views IS NOT NULL AND v.created_at IS NOT NULL",
        )
        .and_then(|mut st| {
            st.query_map([], |r| Ok((r.get(0)?, r.get::<_, i64>(1)? as f64)))?
                .collect()
        })
        .unwrap();
    let drawn = html_rows(&html, "Data for figure 3: each video drawn");
    assert!(drawn.len() >= 10, "{drawn:?}");
    for row in &drawn {
        let (day, views) = (number(&row[1]), number(&row[2]));
        assert!(day > 0.0, "nothing at the posting time: {row:?}");
        // Days are shown with two decimals.
        assert!(
            observed
                .iter()
                .any(|(d, v)| (d - day).abs() <= 0.005 + 1e-9 && *v == views),
            "not an observation: {row:?}"
        );
    }
    // A line from day 1 to day 7 cannot be read as measured.
    assert!(drawn
        .iter()
        .any(|r| r[3].starts_with("dotted") && number(&r[1]) < 8.0));
    // The median at 24 h and 7 d is that of Table 2's columns (whose `*`
    // values are rounded), with the number of videos behind it.
    let median = html_rows(&html, "Data for figure 3: median");
    let md = sb.run_in("p", &["report", "--format", "md"]).ok().stdout;
    let table2 = md_rows(&md, "Views after posting");
    for (day, col) in [(1.0, 2), (7.0, 3)] {
        let mut values: Vec<f64> = table2
            .iter()
            .map(|r| number(&r[col]))
            .filter(|v| v.is_finite())
            .collect();
        values.sort_by(f64::total_cmp);
        let n = values.len();
        let expected = (values[(n - 1) / 2] + values[n / 2]) / 2.0;
        let row = median
            .iter()
            .find(|r| number(&r[0]) == day)
            .unwrap_or_else(|| panic!("no median at day {day}: {median:?}"));
        assert!(
            (number(&row[1]) - expected).abs() <= 1.0,
            "{row:?} vs {values:?}"
        );
        assert_eq!(number(&row[2]) as usize, n, "{row:?}");
    }
    assert_eq!(
        median.first().map(|r| r[..3].to_vec()),
        Some(vec!["1".to_string(), "21,321.5".into(), "4".into()]),
        "{median:?}"
    );
    assert!(median.iter().all(|r| number(&r[2]) >= 3.0), "{median:?}");
}

/// Issue: `export videos --format xlsx` (and CSV) wrote approximate counts as
/// plain numbers: the flag JSON and text keep was lost on the usual path
/// into a paper.
#[test]
fn csv_and_xlsx_exports_keep_the_approximate_flag() {
    let sb = Sandbox::new();
    sb.project();
    let csv = "video,title,posted,observed,views,likes\n\
               7500000000000000001,Rounded,2026-01-01,2026-01-02,1.2K,34\n\
               7500000000000000002,Exact,2026-01-01,2026-01-02,300,\n";
    let path = sb.write("m.csv", csv.as_bytes());
    sb.run_in("p", &["import", &path]).ok();
    let out = sb.run_in("p", &["export", "videos"]).ok().stdout;
    let mut lines = out.lines();
    let header: Vec<&str> = lines.next().unwrap_or("").split(',').collect();
    let col = |key: &str| {
        header
            .iter()
            .position(|h| *h == key)
            .unwrap_or_else(|| panic!("no {key}: {header:?}"))
    };
    assert_eq!(col("views_approximate"), col("views") + 1);
    assert_eq!(col("likes_approximate"), col("likes") + 1);
    assert_eq!(col("saves_approximate"), col("saves") + 1);
    let rows: Vec<Vec<&str>> = lines.map(|l| l.split(',').collect()).collect();
    let row = |first: &str| {
        rows.iter()
            .find(|r| r[0] == first || r[1] == first)
            .cloned()
            .unwrap_or_else(|| panic!("no {first}: {out}"))
    };
    let rounded = row("7500000000000000001");
    assert_eq!(
        [rounded[col("views")], rounded[col("views_approximate")]],
        ["1200", "true"]
    );
    assert_eq!(rounded[col("likes_approximate")], "false");
    let exact = row("7500000000000000002");
    assert_eq!(
        [
            exact[col("views_approximate")],
            exact[col("likes")],
            exact[col("likes_approximate")]
        ],
        ["false", "", ""],
        "a missing value has no flag"
    );
    let total = row("Total");
    assert_eq!(
        [total[col("views")], total[col("views_approximate")]],
        ["1500", "true"],
        "a total that includes an approximate count is approximate"
    );
    assert_eq!(*rounded.last().unwrap_or(&""), "SYNTHETIC", "{out}");
    // XLSX: the same column, as boolean cells.
    sb.run_in(
        "p",
        &["export", "videos", "--format", "xlsx", "-o", "v.xlsx"],
    )
    .ok();
    let bytes = std::fs::read(sb.path().join("p/v.xlsx")).unwrap();
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut sheet = String::new();
    std::io::Read::read_to_string(
        &mut archive.by_name("xl/worksheets/sheet1.xml").unwrap(),
        &mut sheet,
    )
    .unwrap();
    let views = col("views");
    let cell = |c: usize, r: usize| {
        let mut name = String::new();
        let mut i = c;
        loop {
            name.insert(0, (b'A' + (i % 26) as u8) as char);
            if i < 26 {
                break;
            }
            i = i / 26 - 1;
        }
        format!("<c r=\"{name}{r}\"")
    };
    assert!(
        sheet.contains(&format!(
            "{} t=\"inlineStr\"><is><t xml:space=\"preserve\">views_approximate<",
            cell(views + 1, 1)
        )),
        "{sheet}"
    );
    let rounded_row = 1
        + 1
        + rows
            .iter()
            .position(|r| r[0] == "7500000000000000001")
            .unwrap_or(0);
    assert!(
        sheet.contains(&format!(
            "{}><v>1200</v></c>{} t=\"b\"><v>1</v></c>",
            cell(views, rounded_row),
            cell(views + 1, rounded_row)
        )),
        "{sheet}"
    );
}
