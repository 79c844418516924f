//! Unit tests of codebooks, the built-ins, scoring and sheets.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::*;
use std::collections::{BTreeMap, BTreeSet};
use std::io::Cursor;

fn values(cb: &Codebook, pairs: &[(&str, &str)]) -> BTreeMap<String, Value> {
    cb.values_from_texts(pairs.iter().copied()).unwrap()
}

fn score_of(cb: &Codebook, vals: &BTreeMap<String, Value>, id: &str) -> ScoreOutcome {
    cb.score(vals)
        .into_iter()
        .find(|s| s.id == id)
        .unwrap()
        .outcome
}

const MINIMAL: &str = r#"
name = "mine"
version = "1"
title = "Mine"
applies_to = ["video"]

[[items]]
id = "a"
prompt = "A?"
type = "binary"
"#;

#[test]
fn parse_errors_name_the_file_line_and_item() {
    let cases: &[(&str, &str, &str)] = &[
        ("syntax", "name = \"x\"\nversion = ", "codebook `f.toml`: TOML parse error at line 2"),
        ("unknown field", &MINIMAL.replace("title", "titel"), "unknown field `titel`"),
        (
            "bad type",
            &MINIMAL.replace("\"binary\"", "\"likert\""),
            "codebook `f.toml` line 7: item `a`: `type`: expected binary, ordinal, nominal, numeric or text, found `likert`",
        ),
        (
            "ordinal bounds",
            &MINIMAL.replace("\"binary\"", "\"ordinal\"\nmin = 5\nmax = 1"),
            "item `a`: expected whole numbers `min` < `max`, found min 5 and max 1",
        ),
        (
            "anchor outside",
            &MINIMAL.replace("\"binary\"", "\"ordinal\"\nmin = 1\nmax = 3\nanchors = { \"4\" = \"x\" }"),
            "`anchors`: expected keys that are points from 1 to 3, found `4`",
        ),
        (
            "one level",
            &MINIMAL.replace("\"binary\"", "\"nominal\"\nlevels = [\"x\"]"),
            "`levels`: expected at least two levels, found 1",
        ),
        (
            "duplicate id",
            &format!("{MINIMAL}\n[[items]]\nid = \"a\"\nprompt = \"again\"\ntype = \"text\"\n"),
            "line 12: item `a`: the id is used by an earlier item",
        ),
        (
            "score of unknown item",
            &format!("{MINIMAL}\n[[scores]]\nid = \"s\"\nlabel = \"S\"\nrule = \"sum\"\nitems = [\"b\"]\n"),
            "score `s`: `items`: no item `b` in this codebook",
        ),
        (
            "na rule without na",
            &MINIMAL.replace("\"binary\"", "\"binary\"\nna_rule = \"never\""),
            "`na_rule` is given but `na_allowed` is false",
        ),
        (
            "unit kind",
            &MINIMAL.replace("[\"video\"]", "[\"tweet\"]"),
            "`applies_to`: expected `video` or `comment`, found `tweet`",
        ),
    ];
    for (name, text, expected) in cases {
        let err = Codebook::parse(text, "f.toml").unwrap_err().to_string();
        assert!(err.contains(expected), "{name}: {err}");
        assert!(err.starts_with("codebook `f.toml`"), "{name}: {err}");
    }
    assert!(Codebook::parse(MINIMAL, "f.toml").is_ok());
}

#[test]
fn every_builtin_loads_and_the_example_parses() {
    let all = builtins().unwrap();
    let names: Vec<&str> = all.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "discern",
            "discern-reliability-8",
            "mdiscern-5",
            "pemat-av",
            "gqs",
            "jama"
        ]
    );
    for cb in &all {
        assert!(!cb.citations.is_empty(), "{} cites its source", cb.name);
        assert!(
            cb.notes.as_deref().unwrap_or("").contains("paraphrased"),
            "{}",
            cb.name
        );
        assert_eq!(cb.sha256().len(), 64);
    }
    let example = Codebook::parse(EXAMPLE, "example").unwrap();
    assert_eq!(example.items.len(), 6);
    assert_eq!(builtin("discern").unwrap().unwrap().items.len(), 16);
    assert!(builtin("nope").is_none());
}

#[test]
fn discern_scores_match_a_hand_computed_example() {
    let cb = builtin("discern").unwrap().unwrap();
    // q1..q16 = 5,4,3,2,1,5,4,3 | 2,1,1,1,2,3,4 | 3
    let raw = [
        "5", "4", "3", "2", "1", "5", "4", "3", "2", "1", "1", "1", "2", "3", "4", "3",
    ];
    let ids: Vec<String> = (1..=16).map(|i| format!("q{i}")).collect();
    let pairs: Vec<(&str, &str)> = ids.iter().map(String::as_str).zip(raw).collect();
    let v = values(&cb, &pairs);
    assert_eq!(score_of(&cb, &v, "section1"), ScoreOutcome::Value(27.0));
    assert_eq!(score_of(&cb, &v, "section2"), ScoreOutcome::Value(14.0));
    assert_eq!(score_of(&cb, &v, "total"), ScoreOutcome::Value(41.0));
    assert_eq!(score_of(&cb, &v, "overall"), ScoreOutcome::Value(3.0));
    let ranges: Vec<Option<(f64, f64)>> = cb.scores.iter().map(|s| s.range).collect();
    assert_eq!(
        ranges,
        [
            Some((8.0, 40.0)),
            Some((7.0, 35.0)),
            Some((15.0, 75.0)),
            Some((1.0, 5.0))
        ]
    );
    // Without q9 the sections that need it are not computable, and say why.
    let partial = values(
        &cb,
        &pairs
            .iter()
            .copied()
            .filter(|(k, _)| *k != "q9")
            .collect::<Vec<_>>(),
    );
    assert_eq!(
        score_of(&cb, &partial, "section1"),
        ScoreOutcome::Value(27.0)
    );
    assert_eq!(
        score_of(&cb, &partial, "total"),
        ScoreOutcome::NotComputable("item `q9` is not coded".into())
    );
    // DISCERN does not allow N/A.
    assert!(cb
        .validate("q3", "NA")
        .unwrap_err()
        .to_string()
        .contains("does not allow N/A"));
}

#[test]
fn discern_reliability_mdiscern_gqs_and_jama_score() {
    let r8 = builtin("discern-reliability-8").unwrap().unwrap();
    let v = values(
        &r8,
        &[
            ("q1", "5"),
            ("q2", "5"),
            ("q3", "4"),
            ("q4", "1"),
            ("q5", "1"),
            ("q6", "3"),
            ("q7", "2"),
            ("q8", "1"),
        ],
    );
    assert_eq!(score_of(&r8, &v, "reliability"), ScoreOutcome::Value(22.0));

    let m = builtin("mdiscern-5").unwrap().unwrap();
    let v = values(
        &m,
        &[
            ("q1", "yes"),
            ("q2", "no"),
            ("q3", "Y"),
            ("q4", "0"),
            ("q5", "true"),
        ],
    );
    assert_eq!(score_of(&m, &v, "total"), ScoreOutcome::Value(3.0));
    assert_eq!(m.scores[0].range, Some((0.0, 5.0)));

    let g = builtin("gqs").unwrap().unwrap();
    let v = values(&g, &[("gqs", "4.0")]);
    assert_eq!(score_of(&g, &v, "gqs"), ScoreOutcome::Value(4.0));

    let j = builtin("jama").unwrap().unwrap();
    let v = values(
        &j,
        &[
            ("authorship", "yes"),
            ("attribution", "no"),
            ("disclosure", "no"),
            ("currency", "yes"),
        ],
    );
    assert_eq!(score_of(&j, &v, "total"), ScoreOutcome::Value(2.0));
}

#[test]
fn pemat_excludes_na_from_numerator_and_denominator() {
    let p = builtin("pemat-av").unwrap().unwrap();
    let u: Vec<&str> = p.scores[0].items.iter().map(String::as_str).collect();
    let a: Vec<&str> = p.scores[1].items.iter().map(String::as_str).collect();
    assert_eq!((u.len(), a.len()), (13, 4));
    assert!(u.iter().all(|i| !a.contains(i)), "domains share no item");
    // Understandability: 13 items, 3 N/A (u12, u13, u19), 7 agree of the
    // 10 applicable → 70 %. Actionability: a25 N/A, 2 agree of 3 → 66.7 %.
    let mut pairs: Vec<(&str, &str)> = Vec::new();
    let agree = ["u1", "u3", "u4", "u5", "u10", "u14", "u18"];
    for id in &u {
        let v = match *id {
            "u12" | "u13" | "u19" => "N/A",
            x if agree.contains(&x) => "agree",
            _ => "disagree",
        };
        pairs.push((id, v));
    }
    pairs.extend([("a20", "yes"), ("a21", "yes"), ("a22", "no"), ("a25", "na")]);
    let v = values(&p, &pairs);
    assert_eq!(
        score_of(&p, &v, "understandability"),
        ScoreOutcome::Value(70.0)
    );
    match score_of(&p, &v, "actionability") {
        ScoreOutcome::Value(x) => assert!((x - 200.0 / 3.0).abs() < 1e-9, "{x}"),
        other => panic!("{other:?}"),
    }
    // Items without an N/A rule refuse NA; all-NA cannot be scored.
    assert!(p.validate("u1", "NA").is_err());
    let mut only_na = v.clone();
    for id in ["a20", "a21", "a22"] {
        only_na.insert(id.into(), Value::Binary(true));
    }
    assert_eq!(
        score_of(&p, &only_na, "actionability"),
        ScoreOutcome::Value(100.0)
    );
    assert!(p
        .scores
        .iter()
        .all(|s| s.rule == ScoreRule::Percent && s.range == Some((0.0, 100.0))));
}

#[test]
fn values_validate_with_expected_and_found() {
    let cb = Codebook::parse(EXAMPLE, "example").unwrap();
    assert_eq!(
        cb.validate("creator_type", " Health Professional ")
            .unwrap(),
        Value::Nominal("health professional".into())
    );
    assert_eq!(cb.validate("misinformation", "NA").unwrap(), Value::Na);
    assert_eq!(
        cb.validate("people_shown", "2.5").unwrap(),
        Value::Numeric(2.5)
    );
    assert_eq!(
        cb.validate("notes", " a quote ").unwrap(),
        Value::Text("a quote".into())
    );
    let err = cb.validate("evidence_cited", "3").unwrap_err().to_string();
    assert_eq!(
        err,
        "item `evidence_cited`: expected a whole number from 0 to 2 or `NA`, found `3`"
    );
    let err = cb.validate("people_shown", "many").unwrap_err().to_string();
    assert_eq!(
        err,
        "item `people_shown`: expected a number from 0 to 50, found `many`"
    );
    assert!(cb
        .validate("nope", "1")
        .unwrap_err()
        .to_string()
        .contains("no such item"));
    assert!(matches!(
        cb.validate("notes", "  "),
        Err(CodingError::Value {
            problem: ValueProblem::Blank,
            ..
        })
    ));
}

#[test]
fn measurement_levels_and_codes() {
    let cb = Codebook::parse(EXAMPLE, "example").unwrap();
    let m = |id: &str| cb.item(id).unwrap().measurement();
    assert_eq!(m("creator_type"), Some(Measurement::Nominal));
    assert_eq!(m("misinformation"), Some(Measurement::Nominal));
    assert_eq!(m("evidence_cited"), Some(Measurement::Ordinal));
    assert_eq!(m("people_shown"), Some(Measurement::Interval));
    assert_eq!(m("notes"), None);
    let code = |id: &str, raw: &str| cb.item(id).unwrap().code(&cb.validate(id, raw).unwrap());
    assert_eq!(code("creator_type", "researcher or academic"), Some(2.0));
    assert_eq!(code("misinformation", "yes"), Some(1.0));
    assert_eq!(code("misinformation", "NA"), None);
    assert_eq!(code("evidence_cited", "2"), Some(2.0));
}

fn meta() -> SheetMeta {
    SheetMeta {
        codebook: "gac-content".into(),
        version: "1.0".into(),
        coder: "ana".into(),
        unit_kind: UnitKind::Video,
    }
}

fn units() -> Vec<SheetUnit> {
    vec![
        SheetUnit {
            id: "7584968082523016486".into(),
            context: "=HYPERLINK(\"x\") caption".into(),
        },
        SheetUnit {
            id: "7584968082523016487".into(),
            context: "second".into(),
        },
    ]
}

fn fill(sheet: &mut FilledSheet, row: usize, values: &[(&str, &str)]) {
    for (item, v) in values {
        let col = sheet.items.iter().position(|i| i == item).unwrap();
        sheet.rows[row].cells[col] = v.to_string();
    }
}

#[test]
fn csv_sheet_round_trips_and_neutralises_context() {
    let cb = Codebook::parse(EXAMPLE, "example").unwrap();
    let bytes = write_csv(&cb, &meta(), &units()).unwrap();
    let text = String::from_utf8(bytes.clone()).unwrap();
    assert!(
        text.starts_with("unit_id,context,creator_type,content_type,misinformation"),
        "{text}"
    );
    assert!(text.contains("'=HYPERLINK"), "{text}");
    let sheet = read_sheet(Cursor::new(bytes), "ana.csv").unwrap();
    assert_eq!(sheet.meta, Some(meta()));
    assert_eq!(sheet.rows.len(), 2);
    assert_eq!(sheet.rows[0].row, 3);
    // A coder fills the sheet; blanks are "not coded yet".
    let mut filled = sheet.clone();
    fill(
        &mut filled,
        0,
        &[("creator_type", "other"), ("misinformation", "no")],
    );
    let assigned: BTreeSet<String> = units().into_iter().map(|u| u.id).collect();
    let coded = validate_sheet(&filled, &cb, &assigned, "ana", "ana.csv").unwrap();
    assert_eq!(coded[0].values.len(), 2);
    assert_eq!(coded[0].blanks, 4);
    assert_eq!(coded[1].values.len(), 0);
}

#[test]
fn sheet_errors_name_file_sheet_row_and_item() {
    let cb = Codebook::parse(EXAMPLE, "example").unwrap();
    let bytes = write_xlsx(&cb, &meta(), &units()).unwrap();
    let mut sheet = read_sheet(Cursor::new(bytes), "ana.xlsx").unwrap();
    fill(&mut sheet, 0, &[("evidence_cited", "7")]);
    sheet.rows[1].unit_id = "123".into();
    let assigned: BTreeSet<String> = units().into_iter().map(|u| u.id).collect();
    let err = validate_sheet(&sheet, &cb, &assigned, "ana", "ana.xlsx")
        .unwrap_err()
        .to_string();
    assert_eq!(
        err,
        "`ana.xlsx`: 2 problems, nothing was imported:\n  \
         sheet `Coding`, row 3, item `evidence_cited`: expected a whole number from 0 to 2 or `NA`, found `7`\n  \
         sheet `Coding`, row 4: expected a unit assigned to coder `ana`, found `123`"
    );
    let bad = read_sheet(Cursor::new(b"id,x\n1,2\n".to_vec()), "b.csv")
        .unwrap_err()
        .to_string();
    assert_eq!(bad, "`b.csv`: row 1: expected the header to start with `unit_id`, `context`, found `id`, `x`; nothing was imported");
}

#[test]
fn xlsx_sheet_has_validation_lists_and_calamine_reads_it_back() {
    use calamine::Reader;
    let cb = Codebook::parse(EXAMPLE, "example").unwrap();
    let bytes = write_xlsx(&cb, &meta(), &units()).unwrap();
    let mut book: calamine::Xlsx<_> = calamine::Xlsx::new(Cursor::new(bytes.clone())).unwrap();
    assert_eq!(book.sheet_names(), ["Coding", "Instructions", "Lists"]);
    let lists = book.worksheet_range("Lists").unwrap();
    assert_eq!(lists.get_value((0, 0)).unwrap().to_string(), "creator_type");
    // Ordinal values are numbers so that a drop-down choice is a number.
    let col = (0..lists.width())
        .find(|c| {
            *lists.get_value((0, *c as u32)).unwrap()
                == calamine::Data::String("evidence_cited".into())
        })
        .unwrap();
    assert_eq!(
        lists.get_value((1, col as u32)),
        Some(&calamine::Data::Float(0.0))
    );
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes.clone())).unwrap();
    let mut xml = String::new();
    std::io::Read::read_to_string(
        &mut archive.by_name("xl/worksheets/sheet1.xml").unwrap(),
        &mut xml,
    )
    .unwrap();
    assert!(
        xml.contains(r#"type="list""#) && xml.contains("<formula1>Lists!$A$2:$A$7</formula1>"),
        "{xml}"
    );
    assert!(
        xml.contains(r#"type="decimal" operator="between""#),
        "{xml}"
    );
    let sheet = read_sheet(Cursor::new(bytes), "ana.xlsx").unwrap();
    assert_eq!(sheet.meta, Some(meta()));
    assert_eq!(
        sheet
            .rows
            .iter()
            .map(|r| r.unit_id.as_str())
            .collect::<Vec<_>>(),
        ["7584968082523016486", "7584968082523016487"]
    );
}

/// Review (2026-11-28): when every coder gave the same score on every unit,
/// the score row said 0 units and gave no reason for the missing α.
#[test]
fn a_score_with_no_variation_keeps_its_units_and_says_why() {
    let g = builtin("gqs").unwrap().unwrap();
    let units: Vec<String> = (1..=6).map(|i| format!("v{i}")).collect();
    let mut coded = Vec::new();
    for u in &units {
        for coder in ["ana", "ben"] {
            coded.push(reliability::CodedValue {
                unit: ("video", u.as_str()),
                coder,
                item: "gqs",
                text: "3",
                number: Some(3.0),
            });
        }
    }
    let r = reliability::reliability(&g, &coded, &[], &reliability::DEFAULT_BOOTSTRAP).unwrap();
    let score = &r.scores[0];
    assert_eq!(score.units, 6);
    assert!(score.alpha.is_none());
    assert!(score.alpha_undefined.is_some(), "{score:?}");
    assert_eq!(r.items[0].units, 6);
}

/// Review (2026-11-28): a mean score over quality 1-5 and evidence 0-2 (or
/// N/A) said "range 0-5"; an N/A item is left out of the mean, so it can
/// take 0.5 to 5, and 0.5 to 3.5 when both items are required.
#[test]
fn a_mean_score_range_is_the_values_it_can_take() {
    let toml = |na: bool| {
        format!(
            r#"name = "m"
version = "1.0"
title = "t"
citations = []
applies_to = ["video"]

[[items]]
id = "quality"
prompt = "Quality"
type = "ordinal"
min = 1
max = 5

[[items]]
id = "evidence"
prompt = "Evidence"
type = "ordinal"
min = 0
max = 2
na_allowed = {na}

[[scores]]
id = "qm"
label = "mean"
rule = "mean"
items = ["quality", "evidence"]
"#
        )
    };
    let range = |na: bool| Codebook::parse(&toml(na), "m.toml").unwrap().scores[0].range;
    assert_eq!(range(true), Some((0.5, 5.0)));
    assert_eq!(range(false), Some((0.5, 3.5)));
}
