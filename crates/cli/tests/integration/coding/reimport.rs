//! Re-importing sheets and drawing samples: what the output must say.

use super::{db_query_i64, demo, fill, read_csv, write_csv};

/// A re-imported sheet whose item column was deleted is refused (it read
/// as every cell blank and erased the coder's stored values of the item);
/// a cell blanked on purpose still removes its value, and the output says
/// so (review, 2026-11-28).
#[test]
fn reimport_never_erases_in_silence() {
    let sb = demo();
    sb.run_in(
        "p",
        &[
            "code",
            "sheets",
            "--codebook",
            "discern",
            "--out",
            "sheets",
            "--format",
            "csv",
        ],
    )
    .ok();
    let path = sb.path().join("p/sheets/discern-ana.csv");
    let mut rows = read_csv(&path);
    fill(&mut rows, |_, _| "3".into());
    write_csv(&path, &rows);
    sb.run_in("p", &["code", "import", "sheets/discern-ana.csv"])
        .ok();
    let stored = db_query_i64(&sb, "SELECT COUNT(*) FROM coder_values");

    let q5 = rows[0].iter().position(|h| h == "q5").unwrap();
    let without: Vec<Vec<String>> = rows
        .iter()
        .map(|r| {
            let mut r = r.clone();
            if r.len() > q5 {
                r.remove(q5);
            }
            r
        })
        .collect();
    write_csv(&path, &without);
    let before = sb.db_counts();
    let err = sb
        .run_in("p", &["code", "import", "sheets/discern-ana.csv"])
        .fails_with(1)
        .stderr;
    assert!(
        err.contains(
            "row 1: expected a column for every item of codebook `discern`, found none for `q5`"
        ),
        "{err}"
    );
    assert_eq!(sb.db_counts(), before);
    assert_eq!(
        db_query_i64(&sb, "SELECT COUNT(*) FROM coder_values"),
        stored
    );

    let unit_row = rows
        .iter()
        .position(|r| !r[0].starts_with('#') && r[0] != "unit_id")
        .unwrap();
    rows[unit_row][q5] = String::new();
    write_csv(&path, &rows);
    let out = sb
        .run_in("p", &["code", "import", "sheets/discern-ana.csv"])
        .ok()
        .stdout;
    assert!(
        out.contains(
            "(1 cell left blank: not coded yet); 1 earlier value removed: its cell is now blank"
        ),
        "{out}"
    );
    assert_eq!(
        db_query_i64(&sb, "SELECT COUNT(*) FROM coder_values"),
        stored - 1
    );
}

/// Asking for more units than there are says so (review, 2026-11-28).
#[test]
fn a_sample_larger_than_the_pool_says_so() {
    let sb = demo();
    let out = sb
        .run_in(
            "p",
            &[
                "code",
                "sample",
                "--codebook",
                "gqs",
                "--units",
                "videos",
                "--n",
                "30",
                "--coders",
                "ana,ben",
                "--overlap",
                "5",
                "--seed",
                "1",
            ],
        )
        .ok()
        .stdout;
    assert!(
        out.contains("--n 30 asked for more videos than the 13 not yet sampled"),
        "{out}"
    );
}
