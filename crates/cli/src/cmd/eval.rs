//! `uptake eval`: precision, recall and F1 of a scheme on a labelled set.

use super::Ctx;
use anyhow::{bail, Context as _, Result};
use std::collections::BTreeSet;
use std::path::PathBuf;
use uptake_analysis::eval::evaluate;
use uptake_analysis::text::rules::Classification;
use uptake_report::{render, Cell, Column, OutputFormat, Table};

/// Measure a scheme against a hand-labelled CSV: precision, recall, F1, confusion.
///
/// The CSV has the columns `id,lang,text,labels`; `labels` lists the expected
/// labels separated by `;` (empty = none). Each label is scored as its own
/// yes/no decision: TP, FP, FN, TN, precision, recall and F1, then micro-
/// averaged totals. The rules are the project's (built-in plus uptake.toml).
///
/// With --errors, lists every disagreement instead: each false alarm with
/// the rule and words that raised it, each miss with the rule that matched
/// but was spared (counter-speech frame or `unless` cue), if any. Read the
/// errors of a development set only: a held-out set whose errors have been
/// read no longer measures generalisation.
///
/// Examples:
///   uptake eval --scheme safety labelled.csv
///   uptake eval --scheme kmb crates/analysis/devsets/kmb.csv --format md
///   uptake eval --scheme safety crates/analysis/devsets/safety.csv --errors
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub struct Args {
    /// kmb, safety or claims.
    #[arg(long, value_parser = ["kmb", "safety", "claims"])]
    pub scheme: String,
    /// The labelled CSV.
    pub file: PathBuf,
    /// Output format: table, csv, json or md.
    #[arg(long, default_value = "table")]
    pub format: OutputFormat,
    /// List the disagreements, with why, instead of the scores.
    #[arg(long)]
    pub errors: bool,
}

/// One labelled comment as read and classified.
struct Judged {
    /// The CSV's `id`, or the record number when it has none.
    id: String,
    text: String,
    gold: BTreeSet<String>,
    /// The scheme's flags and spared matches on it.
    found: Classification,
}

impl Judged {
    fn predicted(&self) -> BTreeSet<String> {
        self.found.flags.iter().map(|f| f.label.clone()).collect()
    }
}

/// The disagreements of `judged`, one row per comment and label, with why.
fn errors_table(judged: &[Judged], version: &str) -> Table {
    let mut rows = Vec::new();
    for j in judged {
        let predicted = j.predicted();
        for label in j.gold.symmetric_difference(&predicted) {
            let (error, why) = if predicted.contains(label) {
                let why: Vec<String> = j
                    .found
                    .flags
                    .iter()
                    .filter(|f| &f.label == label)
                    .map(|f| f.explain())
                    .collect();
                ("false alarm", why.join("; "))
            } else {
                let why: Vec<String> = j
                    .found
                    .spared
                    .iter()
                    .filter(|s| &s.flag.label == label)
                    .map(|s| s.explain())
                    .collect();
                let why = if why.is_empty() {
                    "no rule for this label matched".to_string()
                } else {
                    why.join("; ")
                };
                ("missed", why)
            };
            rows.push(vec![
                Cell::Text(j.id.clone()),
                Cell::Text(label.clone()),
                Cell::Text(error.into()),
                Cell::Text(j.text.clone()),
                Cell::Text(why),
            ]);
        }
    }
    let commented = judged.iter().filter(|j| j.gold != j.predicted()).count();
    Table {
        columns: vec![
            Column::text("Id", "id", 12),
            Column::text("Label", "label", 24),
            Column::text("Error", "error", 11),
            Column::text("Text", "text", 50),
            // Uncut: the reason is at the end of the line.
            Column {
                max_width: None,
                ..Column::text("Why", "why", 0)
            },
        ],
        notes: vec![format!(
            "{} disagreements on {} of {} comments; rules {version}. Read the errors of a \
             development set only: a held-out set whose errors have been read no longer \
             measures generalisation.",
            rows.len(),
            commented,
            judged.len()
        )],
        rows,
        summary: Vec::new(),
    }
}

/// Runs `uptake eval`.
pub fn run(args: Args, ctx: &Ctx) -> Result<()> {
    let project = ctx.project()?;
    let set = crate::rules::load_rules(&project)?;
    let Some(scheme) = crate::rules::scheme(&args.scheme) else {
        bail!("unknown scheme `{}`", args.scheme);
    };
    let Some(version) = set.scheme_version(scheme) else {
        bail!("no rules for scheme `{}`", args.scheme);
    };
    let path = if args.file.is_absolute() {
        args.file.clone()
    } else {
        ctx.cwd.join(&args.file)
    };
    let mut reader = csv::Reader::from_path(&path)
        .with_context(|| format!("cannot read `{}`", path.display()))?;
    let headers = reader.headers()?.clone();
    let col = |name: &str| headers.iter().position(|h| h.trim() == name);
    let (Some(ti), Some(li)) = (col("text"), col("labels")) else {
        bail!(
            "`{}`: expected the columns id,lang,text,labels, found {}",
            path.display(),
            headers.iter().collect::<Vec<_>>().join(",")
        );
    };
    let lang_i = col("lang");
    let id_i = col("id");
    let mut judged = Vec::new();
    for (n, record) in reader.records().enumerate() {
        let record = record.with_context(|| format!("`{}` record {}", path.display(), n + 1))?;
        let text = record.get(ti).unwrap_or("");
        let lang = lang_i.and_then(|i| record.get(i)).filter(|l| !l.is_empty());
        let mut found = set.classify_explained(text, lang);
        found.flags.retain(|f| f.scheme == scheme);
        found.spared.retain(|s| s.flag.scheme == scheme);
        judged.push(Judged {
            id: id_i
                .and_then(|i| record.get(i))
                .filter(|id| !id.is_empty())
                .map_or_else(|| format!("record {}", n + 1), String::from),
            text: text.to_string(),
            gold: record
                .get(li)
                .unwrap_or("")
                .split(';')
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .map(String::from)
                .collect(),
            found,
        });
    }
    if args.errors {
        return super::print(&render(&errors_table(&judged, &version), args.format)?);
    }
    let gold: Vec<BTreeSet<String>> = judged.iter().map(|j| j.gold.clone()).collect();
    let predicted: Vec<BTreeSet<String>> = judged.iter().map(Judged::predicted).collect();
    let e = evaluate(&gold, &predicted);
    let opt = |v: Option<f64>| v.map_or(Cell::Missing, |v| Cell::Number(v, 3));
    let row = |s: &uptake_analysis::eval::LabelScore| {
        vec![
            Cell::Text(s.label.clone()),
            Cell::Count(s.tp as i64),
            Cell::Count(s.fp as i64),
            Cell::Count(s.fn_ as i64),
            Cell::Count(s.tn as i64),
            opt(s.precision),
            opt(s.recall),
            opt(s.f1),
        ]
    };
    let table = Table {
        columns: vec![
            Column::text("Label", "label", 28),
            Column::number("TP", "tp"),
            Column::number("FP", "fp"),
            Column::number("FN", "fn"),
            Column::number("TN", "tn"),
            Column::number("Precision", "precision"),
            Column::number("Recall", "recall"),
            Column::number("F1", "f1"),
        ],
        rows: e.labels.iter().map(row).collect(),
        summary: vec![row(&e.micro)],
        notes: vec![format!(
            "{} comments; rules {}; {} comments without any expected label were flagged.",
            e.comments, version, e.false_alarm_comments
        )],
    };
    super::print(&render(&table, args.format)?)
}
