//! `uptake eval`: precision, recall and F1 of a scheme on a labelled set.

use super::Ctx;
use anyhow::{bail, Context as _, Result};
use std::collections::BTreeSet;
use std::path::PathBuf;
use uptake_analysis::eval::evaluate;
use uptake_report::{render, Cell, Column, OutputFormat, Table};

/// Measure a scheme against a hand-labelled CSV: precision, recall, F1, confusion.
///
/// The CSV has the columns `id,lang,text,labels`; `labels` lists the expected
/// labels separated by `;` (empty = none). Each label is scored as its own
/// yes/no decision: TP, FP, FN, TN, precision, recall and F1, then micro-
/// averaged totals. The rules are the project's (built-in plus uptake.toml).
///
/// Examples:
///   uptake eval --scheme safety labelled.csv
///   uptake eval --scheme kmb crates/analysis/devsets/kmb.csv --format md
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
    let (mut gold, mut predicted) = (Vec::new(), Vec::new());
    for (n, record) in reader.records().enumerate() {
        let record = record.with_context(|| format!("`{}` record {}", path.display(), n + 1))?;
        let text = record.get(ti).unwrap_or("");
        let lang = lang_i.and_then(|i| record.get(i)).filter(|l| !l.is_empty());
        gold.push(
            record
                .get(li)
                .unwrap_or("")
                .split(';')
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .map(String::from)
                .collect::<BTreeSet<_>>(),
        );
        predicted.push(
            set.classify(text, lang)
                .into_iter()
                .filter(|f| f.scheme == scheme)
                .map(|f| f.label)
                .collect::<BTreeSet<_>>(),
        );
    }
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
