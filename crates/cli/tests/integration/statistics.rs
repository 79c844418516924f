//! `uptake stats` and `uptake reliability` through the real binary: the
//! numbers printed are the library's numbers on the project's own data
//! (recomputed here from `uptake videos` and from the coders' sheets), and
//! bad requests fail with a message that says what to do.

use super::coding::{read_csv, write_csv};
use super::Sandbox;
use std::collections::BTreeMap;
use uptake_stats::compare::kruskal_wallis;
use uptake_stats::reliability::{krippendorff_alpha, Level, Ratings};

fn demo() -> Sandbox {
    let sb = Sandbox::new();
    sb.run(&["demo", "p"]).ok();
    sb
}

fn json(text: &str) -> serde_json::Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"))
}

fn rows(v: &serde_json::Value) -> &Vec<serde_json::Value> {
    v["rows"].as_array().unwrap()
}

#[test]
fn compare_by_month_is_kruskal_wallis_on_the_videos_table() {
    let sb = demo();
    let videos = json(&sb.run_in("p", &["videos", "--format", "json"]).ok().stdout);
    let mut groups: BTreeMap<String, Vec<f64>> = BTreeMap::new();
    for row in rows(&videos) {
        let month = row["posted"].as_str().unwrap()[..7].to_string();
        groups
            .entry(month)
            .or_default()
            .push(row["views"].as_f64().unwrap_or(f64::NAN));
    }
    assert!(groups.len() >= 3, "the demo spans several months");
    let expected = kruskal_wallis(&groups.values().collect::<Vec<_>>()).unwrap();

    let out = json(
        &sb.run_in(
            "p",
            &[
                "stats",
                "compare",
                "views",
                "--by",
                "posted_month",
                "--format",
                "json",
            ],
        )
        .ok()
        .stdout,
    );
    let rows = rows(&out);
    assert_eq!(rows[0]["test"], "Kruskal-Wallis H (tie-corrected)");
    let h = rows[0]["statistic"].as_f64().unwrap();
    assert!((h - expected.h).abs() < 1e-9, "{h} vs {}", expected.h);
    let p = rows[0]["p"].as_f64().unwrap();
    assert!((p - expected.p).abs() < 1e-9);
    // One Dunn row per pair of months.
    let k = groups.len();
    assert_eq!(rows.len(), 1 + k * (k - 1) / 2);
    assert!(out["notes"][0]
        .as_str()
        .unwrap()
        .starts_with("SYNTHETIC EXAMPLE DATA"));

    // The same in APA Markdown for a manuscript.
    let md = sb
        .run_in(
            "p",
            &[
                "stats",
                "compare",
                "views",
                "--by",
                "posted_month",
                "--format",
                "md",
            ],
        )
        .ok()
        .stdout;
    assert!(md.starts_with("| Comparison | Test |"), "{md}");
    assert!(md.contains("Dunn (tie-corrected)"), "{md}");
}

#[test]
fn two_groups_use_mann_whitney_and_correlations_pair_every_field() {
    let sb = demo();
    let videos = json(&sb.run_in("p", &["videos", "--format", "json"]).ok().stdout);
    let months: std::collections::BTreeSet<String> = rows(&videos)
        .iter()
        .map(|r| r["posted"].as_str().unwrap()[..7].to_string())
        .collect();
    let pick: Vec<&String> = months.iter().take(2).collect();
    let groups = format!("{},{}", pick[0], pick[1]);
    let out = json(
        &sb.run_in(
            "p",
            &[
                "stats",
                "compare",
                "views",
                "--by",
                "posted_month",
                "--groups",
                &groups,
                "--format",
                "json",
            ],
        )
        .ok()
        .stdout,
    );
    assert!(rows(&out)[0]["test"]
        .as_str()
        .unwrap()
        .starts_with("Mann-Whitney U"));

    let out = json(
        &sb.run_in(
            "p",
            &[
                "stats",
                "correlate",
                "views",
                "likes",
                "shares",
                "--format",
                "json",
            ],
        )
        .ok()
        .stdout,
    );
    assert_eq!(rows(&out).len(), 3);
    let rho = rows(&out)[0]["rho"].as_f64().unwrap();
    assert!((-1.0..=1.0).contains(&rho));
}

#[test]
fn bad_requests_say_what_to_do() {
    let sb = demo();
    let err = sb
        .run_in("p", &["stats", "describe", "viewz"])
        .fails_with(1)
        .stderr;
    assert!(err.contains("no field `viewz`"), "{err}");
    assert!(err.contains("`views`"), "{err}");
    let err = sb
        .run_in("p", &["stats", "compare", "posted_month", "--by", "views"])
        .fails_with(1)
        .stderr;
    assert!(err.contains("is categorical"), "{err}");
    let err = sb
        .run_in("p", &["reliability", "--codebook", "gqs"])
        .fails_with(1)
        .stderr;
    assert!(err.contains("uptake code sample"), "{err}");
}

/// A deterministic 1-5 value for a unit and item, and a second coder who
/// agrees on `q1` and differs by one point on `q2` for some units.
fn value(coder: &str, unit: &str, item: &str) -> i64 {
    let h = unit
        .bytes()
        .chain(item.bytes())
        .fold(7u64, |a, b| a.wrapping_mul(31).wrapping_add(u64::from(b)));
    let base = (h % 5) as i64 + 1;
    if coder == "ben" && item == "q2" && h % 3 == 0 {
        if base == 5 {
            4
        } else {
            base + 1
        }
    } else {
        base
    }
}

#[test]
fn reliability_reports_the_coders_own_agreement() {
    let sb = demo();
    sb.run_in(
        "p",
        &[
            "code",
            "sample",
            "--codebook",
            "discern-reliability-8",
            "--units",
            "videos",
            "--n",
            "10",
            "--coders",
            "ana,ben",
            "--overlap",
            "10",
            "--seed",
            "11",
        ],
    )
    .ok();
    sb.run_in(
        "p",
        &[
            "code",
            "sheets",
            "--codebook",
            "discern-reliability-8",
            "--out",
            "sheets",
            "--format",
            "csv",
        ],
    )
    .ok();
    let mut q2: BTreeMap<String, [Option<f64>; 2]> = BTreeMap::new();
    for (c, coder) in ["ana", "ben"].iter().enumerate() {
        let path = sb
            .path()
            .join(format!("p/sheets/discern-reliability-8-{coder}.csv"));
        let mut sheet = read_csv(&path);
        let header = sheet[0].clone();
        for row in sheet.iter_mut().skip(1) {
            if row[0].starts_with('#') {
                continue;
            }
            for (i, item) in header.iter().enumerate().skip(2) {
                let v = value(coder, &row[0], item);
                row[i] = v.to_string();
                if item == "q2" {
                    q2.entry(row[0].clone()).or_default()[c] = Some(v as f64);
                }
            }
        }
        write_csv(&path, &sheet);
    }
    sb.run_in(
        "p",
        &[
            "code",
            "import",
            "sheets/discern-reliability-8-ana.csv",
            "sheets/discern-reliability-8-ben.csv",
        ],
    )
    .ok();

    let out = json(
        &sb.run_in(
            "p",
            &[
                "reliability",
                "--codebook",
                "discern-reliability-8",
                "--format",
                "json",
                "--bootstrap",
                "200",
            ],
        )
        .ok()
        .stdout,
    );
    let by_item: BTreeMap<String, &serde_json::Value> = rows(&out)
        .iter()
        .map(|r| (r["item"].as_str().unwrap().to_string(), r))
        .collect();
    // Perfect agreement on q1.
    assert_eq!(by_item["q1"]["alpha"].as_f64(), Some(1.0));
    assert_eq!(by_item["q1"]["cohen_kappa"].as_f64(), Some(1.0));
    assert_eq!(by_item["q1"]["units"].as_i64(), Some(10));
    // q2: the library's alpha on the matrix written into the sheets.
    let matrix: Vec<Vec<Option<f64>>> = q2.values().map(|v| v.to_vec()).collect();
    let expected = krippendorff_alpha(&Ratings::from_rows(&matrix).unwrap(), Level::Ordinal)
        .unwrap()
        .alpha;
    let got = by_item["q2"]["alpha"].as_f64().unwrap();
    assert!((got - expected).abs() < 1e-12, "{got} vs {expected}");
    assert!(got < 1.0);
    let (lo, hi) = (
        by_item["q2"]["alpha_ci_low"].as_f64().unwrap(),
        by_item["q2"]["alpha_ci_high"].as_f64().unwrap(),
    );
    assert!(lo <= got && got <= hi, "{lo} {got} {hi}");
    // Instrument scores get an ICC and a reading with its source.
    let total = by_item["score: reliability"];
    assert!(total["icc_a1"].as_f64().is_some(), "{total}");
    assert!(total["interpretation"]
        .as_str()
        .unwrap()
        .contains("Koo & Li (2016)"));

    // All ten ICC forms for one score.
    let icc = json(
        &sb.run_in(
            "p",
            &[
                "reliability",
                "--codebook",
                "discern-reliability-8",
                "--icc",
                "reliability",
                "--format",
                "json",
            ],
        )
        .ok()
        .stdout,
    );
    assert_eq!(rows(&icc).len(), 10);

    // Final codes become fields for statistics.
    sb.run_in(
        "p",
        &["code", "finalize", "--codebook", "discern-reliability-8"],
    )
    .ok();
    let fields = sb.run_in("p", &["stats", "fields"]).ok().stdout;
    assert!(
        fields.contains("discern-reliability-8.reliability"),
        "{fields}"
    );
    assert!(fields.contains("discern-reliability-8.q1"), "{fields}");
    let out = json(
        &sb.run_in(
            "p",
            &[
                "stats",
                "describe",
                "discern-reliability-8.reliability",
                "--format",
                "json",
            ],
        )
        .ok()
        .stdout,
    );
    // q2 disagreements are not final, so the score exists only where the
    // coders agreed on every item.
    let scored = rows(&out)[0]["n"].as_i64().unwrap();
    assert!((1..10).contains(&scored), "{out}");
    // A score id used by one codebook only also answers to its bare name.
    let bare = json(
        &sb.run_in(
            "p",
            &["stats", "describe", "reliability", "--format", "json"],
        )
        .ok()
        .stdout,
    );
    assert_eq!(rows(&bare)[0]["median"], rows(&out)[0]["median"]);
}

#[test]
fn crosstab_of_more_than_two_columns_adds_the_exact_freeman_halton_test() {
    let sb = demo();
    let out = json(
        &sb.run_in(
            "p",
            &[
                "stats",
                "crosstab",
                "posted_year",
                "posted_month",
                "--format",
                "json",
            ],
        )
        .ok()
        .stdout,
    );
    let counts: Vec<Vec<u64>> = rows(&out)
        .iter()
        .map(|r| {
            out["columns"]
                .as_array()
                .unwrap()
                .iter()
                .filter_map(|c| c.as_str())
                .filter(|c| c.starts_with("posted_month="))
                .map(|c| r[c].as_u64().unwrap())
                .collect()
        })
        .collect();
    assert!(counts[0].len() > 2, "{counts:?}");
    let exact = uptake_stats::crosstab::fisher_freeman_halton(&counts).unwrap();
    let notes: Vec<&str> = out["notes"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|n| n.as_str())
        .collect();
    let expected = format!(
        "Fisher-Freeman-Halton exact test: {}.",
        uptake_report::apa::p_value(exact.p)
    );
    assert!(
        notes.contains(&expected.as_str()),
        "{notes:?} lacks {expected}"
    );

    // `--tests`: the same tests as rows, at full precision (they were only
    // rounded text in the notes; review 2026-11-28).
    let tested = json(
        &sb.run_in(
            "p",
            &[
                "stats",
                "crosstab",
                "posted_year",
                "posted_month",
                "--tests",
                "--format",
                "json",
            ],
        )
        .ok()
        .stdout,
    );
    let chi = uptake_stats::crosstab::chi_square(&counts, true).unwrap();
    let tests = rows(&tested);
    let close = |got: &serde_json::Value, want: f64| {
        got.as_f64()
            .is_some_and(|g| (g - want).abs() <= 1e-12 * want.abs().max(1.0))
    };
    assert_eq!(tests[0]["test"], "chi-square");
    assert!(close(&tests[0]["statistic"], chi.chi2), "{tested}");
    assert!(close(&tests[0]["p"], chi.p), "{tested}");
    assert!(
        close(&tests[0]["effect_value"], chi.cramers_v.unwrap()),
        "{tested}"
    );
    assert_eq!(tests[1]["test"], "Fisher-Freeman-Halton exact");
    assert!(close(&tests[1]["p"], exact.p), "{tested}");
}

/// A level seen only beside a missing value (a month whose videos have no
/// q16 code) is left out with the other incomplete pairs, instead of making
/// an empty row that leaves the chi-square test undefined.
#[test]
fn crosstab_leaves_out_levels_that_have_no_complete_pair() {
    let sb = demo();
    let out = json(
        &sb.run_in(
            "p",
            &[
                "stats",
                "crosstab",
                "posted_month",
                "discern.q16",
                "--format",
                "json",
            ],
        )
        .ok()
        .stdout,
    );
    let totals: Vec<i64> = rows(&out)
        .iter()
        .map(|r| r["total"].as_i64().unwrap())
        .collect();
    assert!(!totals.is_empty() && totals.iter().all(|n| *n > 0), "{out}");
    let notes = out["notes"].to_string();
    assert!(notes.contains("are left out"), "{notes}");
    assert!(notes.contains("chi²("), "{notes}");
}

/// Statistics and the video export describe one owner at a time: the own
/// account's videos by default, other creators' with `--public` (with their
/// pseudonyms in the export), never both pooled.
#[test]
fn stats_and_the_video_export_take_public_videos_apart() {
    let sb = super::videos::demo_with_public_videos();
    let n = |args: &[&str]| -> i64 {
        let out = json(&sb.run_in("p", args).ok().stdout);
        rows(&out)[0]["n"].as_i64().unwrap()
    };
    assert_eq!(n(&["stats", "describe", "views", "--format", "json"]), 13);
    assert_eq!(
        n(&["stats", "describe", "views", "--public", "--format", "json"]),
        16
    );
    let csv = sb
        .run_in("p", &["export", "videos", "--public"])
        .ok()
        .stdout;
    let header = csv.lines().next().unwrap_or("");
    assert!(
        header.starts_with("video_id,posted,title,author,views,"),
        "{header}"
    );
    let rows = csv.lines().filter(|l| l.contains(",u_")).count();
    assert_eq!(rows, 16, "{csv}");
    let own = sb.run_in("p", &["export", "videos"]).ok().stdout;
    assert!(!own.contains(",u_"), "{own}");
    let refused = sb
        .run_in("p", &["export", "indicators", "--public"])
        .fails_with(1);
    assert!(
        refused.stderr.contains("`uptake export videos` only"),
        "{}",
        refused.stderr
    );
}
