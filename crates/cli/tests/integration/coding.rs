//! The coding workflow through the real binary: codebooks, sample, blind
//! sheets, import with validation, disagreements, adjudication, finalize.

use super::Sandbox;
use std::collections::BTreeMap;

fn demo() -> Sandbox {
    let sb = Sandbox::new();
    sb.run(&["demo", "p"]).ok();
    sb
}

/// Coder values outside the demo's own DISCERN round (`uptake demo` codes
/// its videos with DISCERN by two synthetic coders).
const NOT_DEMO_VALUES: &str = "SELECT COUNT(*) FROM coder_values v JOIN coding_assignments a ON a.id = v.assignment_id JOIN coding_rounds r ON r.id = a.round_id JOIN codebooks c ON c.id = r.codebook_id WHERE c.name <> 'discern'";

fn db_query_i64(sb: &Sandbox, sql: &str) -> i64 {
    let conn = rusqlite::Connection::open(sb.path().join("p/.uptake/uptake.db")).unwrap();
    conn.query_row(sql, [], |r| r.get(0)).unwrap()
}

/// Reads a CSV sheet as rows of cells.
pub fn read_csv(path: &std::path::Path) -> Vec<Vec<String>> {
    let mut r = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_path(path)
        .unwrap();
    r.records()
        .map(|rec| rec.unwrap().iter().map(str::to_string).collect())
        .collect()
}

pub fn write_csv(path: &std::path::Path, rows: &[Vec<String>]) {
    let mut w = csv::Writer::from_path(path).unwrap();
    for row in rows {
        w.write_record(row).unwrap();
    }
    w.flush().unwrap();
}

/// Fills every unit row of a sheet: `value(unit, item)`.
fn fill(rows: &mut [Vec<String>], value: impl Fn(&str, &str) -> String) {
    let header = rows[0].clone();
    for row in rows.iter_mut().skip(1) {
        if row[0].starts_with('#') {
            continue;
        }
        for (i, item) in header.iter().enumerate().skip(2) {
            row[i] = value(&row[0], item);
        }
    }
}

fn units(rows: &[Vec<String>]) -> Vec<String> {
    rows.iter()
        .skip(1)
        .filter(|r| !r[0].starts_with('#'))
        .map(|r| r[0].clone())
        .collect()
}

#[test]
fn the_whole_coding_loop_with_csv_sheets() {
    let sb = demo();
    let out = sb
        .run_in(
            "p",
            &[
                "code",
                "sample",
                "--codebook",
                "mdiscern-5",
                "--units",
                "videos",
                "--n",
                "6",
                "--coders",
                "ana,ben",
                "--overlap",
                "2",
                "--seed",
                "7",
            ],
        )
        .ok()
        .stdout;
    assert!(
        out.starts_with("sampled 6 of 13 videos for `mdiscern-5` version 1.0 with seed 7\n"),
        "{out}"
    );
    assert!(
        out.contains("overlap: 2 units coded by every coder\nana: 4 units\nben: 4 units\n"),
        "{out}"
    );
    // The codebook was stored at first use, with its hash.
    assert_eq!(
        db_query_i64(
            &sb,
            "SELECT COUNT(*) FROM codebooks WHERE name <> 'discern' AND length(sha256) = 64"
        ),
        1
    );

    let out = sb
        .run_in(
            "p",
            &[
                "code",
                "sheets",
                "--codebook",
                "mdiscern-5",
                "--out",
                "sheets",
                "--format",
                "csv",
            ],
        )
        .ok()
        .stdout;
    assert!(out.contains("mdiscern-5-ana.csv: 4 units"), "{out}");
    let dir = sb.path().join("p/sheets");
    let mut ana = read_csv(&dir.join("mdiscern-5-ana.csv"));
    let mut ben = read_csv(&dir.join("mdiscern-5-ben.csv"));
    assert_eq!(ana[0], ["unit_id", "context", "q1", "q2", "q3", "q4", "q5"]);
    assert!(
        ana[1][1].starts_with("codebook=mdiscern-5 version=1.0 coder=ana unit=video"),
        "{:?}",
        ana[1]
    );
    // Blind: a sheet holds only its coder's units, and no values.
    let (ua, ub) = (units(&ana), units(&ben));
    let overlap: Vec<&String> = ua.iter().filter(|u| ub.contains(u)).collect();
    assert_eq!((ua.len(), ub.len(), overlap.len()), (4, 4, 2));
    assert!(ana
        .iter()
        .skip(2)
        .all(|r| r[2..].iter().all(String::is_empty)));
    // Another run with the same seed on a fresh project assigns the same units.
    let sb2 = demo();
    sb2.run_in(
        "p",
        &[
            "code",
            "sample",
            "--codebook",
            "mdiscern-5",
            "--units",
            "videos",
            "--n",
            "6",
            "--coders",
            "ana,ben",
            "--overlap",
            "2",
            "--seed",
            "7",
        ],
    )
    .ok();
    sb2.run_in(
        "p",
        &[
            "code",
            "sheets",
            "--codebook",
            "mdiscern-5",
            "--out",
            "sheets",
            "--format",
            "csv",
        ],
    )
    .ok();
    assert_eq!(
        units(&read_csv(&sb2.path().join("p/sheets/mdiscern-5-ana.csv"))),
        ua
    );

    // ana says yes to everything; ben says no to q3 on the overlap units,
    // and writes `maybe` once.
    fill(&mut ana, |_, _| "yes".into());
    let ov: Vec<String> = overlap.iter().map(|s| s.to_string()).collect();
    fill(&mut ben, |unit, item| {
        if item == "q3" && ov.iter().any(|o| o == unit) {
            "no".into()
        } else {
            "Yes".into()
        }
    });
    ben[2][3] = "maybe".into();
    let ana_path = dir.join("mdiscern-5-ana.csv");
    let ben_path = dir.join("mdiscern-5-ben.csv");
    write_csv(&ana_path, &ana);
    write_csv(&ben_path, &ben);
    let before = sb.db_counts();
    let err = sb
        .run_in(
            "p",
            &[
                "code",
                "import",
                "sheets/mdiscern-5-ana.csv",
                "sheets/mdiscern-5-ben.csv",
            ],
        )
        .fails_with(1)
        .stderr;
    assert_eq!(
        err,
        "error: `sheets/mdiscern-5-ben.csv`: row 3, item `q2`: expected `yes` or `no`, found `maybe`; nothing was imported\n"
    );
    assert_eq!(
        sb.db_counts(),
        before,
        "nothing stored, not even ana's good sheet"
    );

    // A unit of another coder is refused too.
    let mut stolen = ben.clone();
    stolen[2][0] = ua.iter().find(|u| !ub.contains(u)).unwrap().clone();
    stolen[2][3] = "yes".into();
    write_csv(&ben_path, &stolen);
    let err = sb
        .run_in("p", &["code", "import", "sheets/mdiscern-5-ben.csv"])
        .fails_with(1)
        .stderr;
    assert!(
        err.contains("row 3: expected a unit assigned to coder `ben`"),
        "{err}"
    );

    ben[2][3] = "yes".into();
    write_csv(&ben_path, &ben);
    let out = sb
        .run_in(
            "p",
            &[
                "code",
                "import",
                "sheets/mdiscern-5-ana.csv",
                "sheets/mdiscern-5-ben.csv",
            ],
        )
        .ok()
        .stdout;
    assert!(
        out.contains("`sheets/mdiscern-5-ana.csv`: coder ana, 4 units, 20 values"),
        "{out}"
    );
    assert_eq!(db_query_i64(&sb, NOT_DEMO_VALUES), 40);

    let status = sb
        .run_in("p", &["code", "status", "--format", "csv"])
        .ok()
        .stdout;
    assert_eq!(
        status,
        "codebook,version,coder,assigned,overlap,started,values,data_note\ndiscern,1.0,ana,11,8,11,176,SYNTHETIC\ndiscern,1.0,ben,10,8,10,160,SYNTHETIC\nmdiscern-5,1.0,ana,4,2,4,20,SYNTHETIC\nmdiscern-5,1.0,ben,4,2,4,20,SYNTHETIC\n"
    );

    let d = sb
        .run_in(
            "p",
            &[
                "code",
                "disagreements",
                "--codebook",
                "mdiscern-5",
                "--format",
                "csv",
            ],
        )
        .ok()
        .stdout;
    let lines: Vec<&str> = d.lines().collect();
    assert_eq!(lines[0], "unit_id,item,ana,ben,data_note");
    assert_eq!(lines.len(), 3, "{d}");
    assert!(
        lines[1..]
            .iter()
            .all(|l| l.ends_with(",q3,yes,no,SYNTHETIC")),
        "{d}"
    );

    let first = lines[1].split(',').next().unwrap();
    let out = sb
        .run_in(
            "p",
            &[
                "code",
                "adjudicate",
                "--codebook",
                "mdiscern-5",
                "--unit",
                first,
                "--item",
                "q3",
                "--value",
                "No",
                "--by",
                "chi",
            ],
        )
        .ok()
        .stdout;
    assert_eq!(
        out,
        format!("adjudicated: mdiscern-5 video {first} item q3 = no by chi\n")
    );
    let err = sb
        .run_in(
            "p",
            &[
                "code",
                "adjudicate",
                "--codebook",
                "mdiscern-5",
                "--unit",
                first,
                "--item",
                "q3",
                "--value",
                "3",
                "--by",
                "chi",
            ],
        )
        .fails_with(1)
        .stderr;
    assert!(
        err.contains("item `q3`: expected `yes` or `no`, found `3`"),
        "{err}"
    );

    let out = sb
        .run_in("p", &["code", "finalize", "--codebook", "mdiscern-5"])
        .ok()
        .stdout;
    assert_eq!(
        out,
        "final codes for `mdiscern-5`: 20 single-coder, 8 agreed, 1 adjudicated (kept); 1 disagreements to adjudicate; 0 not coded by every assigned coder yet\n"
    );
    let results = sb
        .run_in(
            "p",
            &[
                "code",
                "results",
                "--codebook",
                "mdiscern-5",
                "--format",
                "csv",
            ],
        )
        .ok()
        .stdout;
    let rows: BTreeMap<String, String> = results
        .lines()
        .skip(1)
        .map(|l| (l.split(',').next().unwrap().to_string(), l.to_string()))
        .collect();
    assert_eq!(rows.len(), 6, "{results}");
    let open = lines[2].split(',').next().unwrap();
    assert!(
        rows[open].ends_with(",yes,yes,,yes,yes,,SYNTHETIC"),
        "the unresolved unit has no q3 and no total yet:\n{results}"
    );
    assert!(rows[first].contains(",yes,yes,no,yes,yes,4"), "{results}");
    let single = ua.iter().find(|u| !ub.contains(u)).unwrap();
    assert!(rows[single].contains(",yes,yes,yes,yes,yes,5"), "{results}");

    // Re-importing ana's sheet replaces her values and clears the codes
    // that depended on them, but never the adjudicated one.
    let out = sb
        .run_in("p", &["code", "import", "sheets/mdiscern-5-ana.csv"])
        .ok()
        .stdout;
    assert!(out.contains("run `uptake code finalize` again"), "{out}");
    assert_eq!(db_query_i64(&sb, NOT_DEMO_VALUES), 40);
    assert_eq!(
        db_query_i64(
            &sb,
            "SELECT COUNT(*) FROM final_codes WHERE provenance = 'adjudicated'"
        ),
        1
    );
    sb.run_in("p", &["code", "finalize", "--codebook", "mdiscern-5"])
        .ok();
    assert_eq!(db_query_i64(&sb, "SELECT COUNT(*) FROM final_codes WHERE codebook_id NOT IN (SELECT id FROM codebooks WHERE name = 'discern')"), 29);

    // Sampling again draws only units not sampled yet.
    let out = sb
        .run_in(
            "p",
            &[
                "code",
                "sample",
                "--codebook",
                "mdiscern-5",
                "--units",
                "videos",
                "--n",
                "50",
                "--coders",
                "ana",
                "--seed",
                "1",
            ],
        )
        .ok()
        .stdout;
    assert!(out.starts_with("sampled 7 of 7 videos"), "{out}");
}

#[test]
fn codebook_commands_list_show_check_and_add() {
    let sb = Sandbox::new();
    sb.project();
    let list = sb
        .run_in("p", &["codebook", "list", "--format", "csv"])
        .ok()
        .stdout;
    for name in [
        "discern,",
        "discern-reliability-8,",
        "mdiscern-5,",
        "pemat-av,",
        "gqs,",
        "jama,",
    ] {
        assert!(list.contains(name), "{list}");
    }
    let show = sb
        .run_in("p", &["codebook", "show", "pemat-av"])
        .ok()
        .stdout;
    assert!(show.contains("Shoemaker SJ, Wolf MS, Brach C"), "{show}");
    assert!(show.contains("NA when: There is no narration."), "{show}");
    assert!(
        show.contains("understandability  PEMAT-A/V understandability (%) = percent of u1, u3"),
        "{show}"
    );

    let example = sb.run(&["codebook", "example"]).ok().stdout;
    let file = sb.write("mine.toml", example.as_bytes());
    let out = sb.run_in("p", &["codebook", "check", &file]).ok().stdout;
    assert_eq!(
        out,
        "ok: `gac-content` version 1.0: 6 items, 0 scores, applies to videos\n"
    );
    let bad = sb.write(
        "bad.toml",
        example
            .replace("type = \"binary\"", "type = \"yesno\"")
            .as_bytes(),
    );
    let err = sb
        .run_in("p", &["codebook", "check", &bad])
        .fails_with(1)
        .stderr;
    assert!(
        err.contains("line 26: item `misinformation`: `type`: expected binary, ordinal, nominal, numeric or text, found `yesno`"),
        "{err}"
    );
    sb.run_in("p", &["codebook", "add", &file]).ok();
    let list = sb
        .run_in("p", &["codebook", "list", "--format", "csv"])
        .ok()
        .stdout;
    assert!(list.contains("gac-content,1.0,6,,project,"), "{list}");
    // A text item is a note: never compared, so never adjudicated.
    let err = sb
        .run_in(
            "p",
            &[
                "code",
                "adjudicate",
                "--codebook",
                "gac-content",
                "--unit",
                "1",
                "--item",
                "notes",
                "--value",
                "x",
                "--by",
                "chi",
            ],
        )
        .fails_with(1)
        .stderr;
    assert!(
        err.contains("`notes` is a text item, a coder's note"),
        "{err}"
    );
    let changed = sb.write(
        "changed.toml",
        example
            .replace("\"other\"]", "\"other\", \"bot\"]")
            .as_bytes(),
    );
    let err = sb
        .run_in("p", &["codebook", "add", &changed])
        .fails_with(1)
        .stderr;
    assert!(
        err.contains("give the changed codebook a new `version`"),
        "{err}"
    );
    let err = sb
        .run_in("p", &["codebook", "show", "nope"])
        .fails_with(1)
        .stderr;
    assert!(
        err.contains("no codebook `nope`; codebooks: discern,"),
        "{err}"
    );
}

#[test]
fn bad_sampling_requests_change_nothing() {
    let sb = demo();
    let before = sb.db_counts();
    let cases: &[(&[&str], &str)] = &[
        (
            &[
                "--codebook",
                "discern",
                "--units",
                "comments",
                "--n",
                "5",
                "--coders",
                "a",
            ],
            "codebook `discern` codes videos, not comments",
        ),
        (
            &[
                "--codebook",
                "gqs",
                "--units",
                "videos",
                "--n",
                "5",
                "--coders",
                "a b",
            ],
            "--coders: expected names",
        ),
        (
            &[
                "--codebook",
                "gqs",
                "--units",
                "videos",
                "--n",
                "5",
                "--coders",
                "a",
                "--overlap",
                "lots",
            ],
            "--overlap: expected a number of units",
        ),
        (
            &[
                "--codebook",
                "gqs",
                "--units",
                "videos",
                "--n",
                "5",
                "--coders",
                "a",
                "--overlap",
                "6",
            ],
            "overlap: expected at most the sample size (5 units), found 6",
        ),
        (
            &[
                "--codebook",
                "gqs",
                "--units",
                "videos",
                "--n",
                "5",
                "--coders",
                "a",
                "--stratify-by",
                "colour",
            ],
            "--stratify-by: for videos expected campaign, month or CODEBOOK:ITEM",
        ),
    ];
    for (args, expected) in cases {
        let mut all = vec!["code", "sample"];
        all.extend_from_slice(args);
        let err = sb.run_in("p", &all).fails_with(1).stderr;
        assert!(err.contains(expected), "{args:?}: {err}");
    }
    // A refused request changes nothing, not even the stored codebooks.
    assert_eq!(sb.db_counts(), before);
}

mod reimport;
mod xlsx;
