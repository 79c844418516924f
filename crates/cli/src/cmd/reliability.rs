//! `uptake reliability`: inter-rater reliability of a coding round, per item
//! and per instrument score.

use super::Ctx;
use crate::stats_table::{StatsTable, Val};
use anyhow::{bail, Result};
use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use uptake_coding::codebook::{Codebook, ItemKind, Measurement, ScoreOutcome};
use uptake_report::{render, OutputFormat};
use uptake_stats::reliability::{
    bands, cohen_kappa, fleiss_kappa, icc, krippendorff_alpha_bootstrap, percent_agreement,
    BootstrapOptions, IccDefinition, IccModel, IccUnit, KappaWeights, Level, Ratings,
};
use uptake_store::CoderValue;

/// Inter-rater reliability of a codebook's coding, per item and per score.
///
/// Uses every unit that two or more coders coded (the overlap set). For each
/// item, at its level of measurement (binary and nominal items: nominal;
/// ordinal items: ordinal; numeric items: interval):
///   - percent agreement (mean share of agreeing coder pairs per unit);
///   - Cohen's kappa when exactly two coders took part (weighted linearly and
///     quadratically too for ordinal items) and Fleiss' kappa;
///   - Krippendorff's alpha with a seeded bootstrap 95% interval.
///
/// For each instrument score (DISCERN total, PEMAT understandability...), the
/// score is computed from each coder's own values and compared with
/// Krippendorff's alpha (interval) and the ICC: two-way random effects,
/// absolute agreement, single rater, ICC(A,1) (McGraw & Wong 1996), as Koo &
/// Li (2016) recommend for inter-rater reliability; `--icc SCORE` prints all
/// ten ICC forms. NA answers count as missing. Interpretation bands name
/// their source: Krippendorff (2004) for alpha, Landis & Koch (1977) for
/// kappa, Koo & Li (2016) for the ICC. docs/reliability.md has every formula.
///
/// Examples:
///   uptake reliability --codebook discern
///   uptake reliability --codebook pemat-av --format md > reliability.md
///   uptake reliability --codebook discern --icc total
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub struct Args {
    /// The codebook whose coding to check.
    #[arg(long, value_name = "NAME")]
    pub codebook: String,
    /// Only these items (comma-separated).
    #[arg(long, value_delimiter = ',', value_name = "ITEMS")]
    pub items: Vec<String>,
    /// Print every ICC form (one-way, two-way random and mixed; agreement and
    /// consistency; single and average) for this score.
    #[arg(long, value_name = "SCORE")]
    pub icc: Option<String>,
    /// Bootstrap replicates for alpha's interval (0: no interval).
    #[arg(long, default_value_t = 1000, value_name = "N")]
    pub bootstrap: usize,
    /// Seed of the bootstrap, so the interval can be reproduced.
    #[arg(long, default_value_t = 2026, value_name = "SEED")]
    pub seed: u64,
    /// Output format: table, csv, json or md (APA-style Markdown).
    #[arg(long, default_value = "table", value_name = "FORMAT")]
    pub format: OutputFormat,
}

/// Runs `uptake reliability`.
pub fn run(args: Args, ctx: &Ctx) -> Result<()> {
    let project = ctx.project()?;
    let store = project.open_store()?;
    let (codebook, id) = super::code::stored(&store, &args.codebook)?;
    let values = store.coder_values(id)?;
    for item in &args.items {
        if codebook.item(item).is_none() {
            bail!(
                "codebook `{}` has no item `{item}`; its items: {}",
                codebook.name,
                codebook
                    .items
                    .iter()
                    .map(|i| i.id.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            );
        }
    }
    let matrix = Matrix::new(&values);
    if matrix.coders.len() < 2 || matrix.units.is_empty() {
        bail!(
            "no unit of `{}` has been coded by two or more coders yet ({} coder(s) so far); reliability needs an overlap set: `uptake code sample --overlap N`, then import every coder's sheet",
            codebook.name,
            matrix.coders.len()
        );
    }
    let options = BootstrapOptions {
        replicates: args.bootstrap,
        seed: args.seed,
        ..BootstrapOptions::default()
    };
    let mut table = match &args.icc {
        Some(score) => icc_table(&codebook, &matrix, score)?,
        None => item_table(&codebook, &matrix, &args.items, &options)?,
    };
    table.notes.insert(
        0,
        format!(
            "Codebook {} {}; {} units coded by two or more of {} coders ({}).",
            codebook.name,
            codebook.version,
            matrix.units.len(),
            matrix.coders.len(),
            matrix.coders.join(", ")
        ),
    );
    let mut out = table.table(args.format);
    if project.config.project.synthetic_data {
        out.notes.insert(0, super::SYNTHETIC_NOTICE.to_string());
    }
    let text = render(&out, args.format)?;
    std::io::stdout().lock().write_all(text.as_bytes())?;
    Ok(())
}

/// The overlap units, the coders, and each coder's values per unit.
struct Matrix<'a> {
    coders: Vec<String>,
    units: Vec<(String, String)>,
    /// (unit, coder) → item → value.
    cells: BTreeMap<(usize, usize), BTreeMap<&'a str, &'a CoderValue>>,
}

impl<'a> Matrix<'a> {
    fn new(values: &'a [CoderValue]) -> Matrix<'a> {
        let coders: BTreeSet<&str> = values.iter().map(|v| v.coder.as_str()).collect();
        let coders: Vec<String> = coders.into_iter().map(str::to_string).collect();
        let mut coders_of: BTreeMap<(&str, &str), BTreeSet<&str>> = BTreeMap::new();
        for v in values {
            coders_of
                .entry((v.unit_kind.as_str(), v.unit_id.as_str()))
                .or_default()
                .insert(v.coder.as_str());
        }
        let units: Vec<(String, String)> = coders_of
            .iter()
            .filter(|(_, c)| c.len() >= 2)
            .map(|((k, u), _)| (k.to_string(), u.to_string()))
            .collect();
        let unit_index: BTreeMap<(&str, &str), usize> = units
            .iter()
            .enumerate()
            .map(|(i, (k, u))| ((k.as_str(), u.as_str()), i))
            .collect();
        let mut cells: BTreeMap<(usize, usize), BTreeMap<&str, &CoderValue>> = BTreeMap::new();
        for v in values {
            let Some(&u) = unit_index.get(&(v.unit_kind.as_str(), v.unit_id.as_str())) else {
                continue;
            };
            let Ok(c) = coders.binary_search(&v.coder) else {
                continue;
            };
            cells.entry((u, c)).or_default().insert(v.item.as_str(), v);
        }
        Matrix {
            coders,
            units,
            cells,
        }
    }

    /// The units × coders matrix of one item's numeric codes.
    fn item(&self, item: &str) -> Result<Ratings> {
        let rows: Vec<Vec<Option<f64>>> = (0..self.units.len())
            .map(|u| {
                (0..self.coders.len())
                    .map(|c| {
                        self.cells
                            .get(&(u, c))
                            .and_then(|m| m.get(item))
                            .and_then(|v| v.number)
                    })
                    .collect()
            })
            .collect();
        Ok(Ratings::from_rows(&rows)?)
    }

    /// The units × coders matrix of one score, each computed from that
    /// coder's own values.
    fn score(&self, codebook: &Codebook, score: &str) -> Result<Ratings> {
        let mut rows = vec![vec![None; self.coders.len()]; self.units.len()];
        for (&(u, c), items) in &self.cells {
            let values = codebook
                .values_from_texts(items.iter().map(|(item, v)| (*item, v.text.as_str())))?;
            let value = codebook
                .score(&values)
                .into_iter()
                .find(|r| r.id == score)
                .and_then(|r| match r.outcome {
                    ScoreOutcome::Value(v) => Some(v),
                    ScoreOutcome::NotComputable(_) => None,
                });
            rows[u][c] = value;
        }
        Ok(Ratings::from_rows(&rows)?)
    }
}

fn level(m: Measurement) -> Level {
    match m {
        Measurement::Nominal => Level::Nominal,
        Measurement::Ordinal => Level::Ordinal,
        Measurement::Interval => Level::Interval,
    }
}

fn band_text(band: Result<bands::Band, uptake_stats::StatsError>) -> Option<String> {
    band.ok().map(|b| format!("{} ({})", b.label, b.source))
}

fn item_table(
    codebook: &Codebook,
    matrix: &Matrix,
    only: &[String],
    options: &BootstrapOptions,
) -> Result<StatsTable> {
    let mut t = StatsTable::new(&[
        ("Item", "item"),
        ("Level", "level"),
        ("Units", "units"),
        ("Agreement", "percent_agreement"),
        ("Cohen κ", "cohen_kappa"),
        ("κ weights", "cohen_kappa_weights"),
        ("Fleiss κ", "fleiss_kappa"),
        ("α", "alpha"),
        ("α 95% CI low", "alpha_ci_low"),
        ("α 95% CI high", "alpha_ci_high"),
        ("ICC(A,1)", "icc_a1"),
        ("ICC 95% CI low", "icc_ci_low"),
        ("ICC 95% CI high", "icc_ci_high"),
        ("Reading", "interpretation"),
    ])
    .text_column(1)
    .text_column(5)
    .text_column(13);
    let two_coders = matrix.coders.len() == 2;
    for item in &codebook.items {
        if !only.is_empty() && !only.contains(&item.id) {
            continue;
        }
        let Some(measurement) = item.measurement() else {
            continue;
        };
        let ratings = matrix.item(&item.id)?;
        let lvl = level(measurement);
        let agreement = percent_agreement(&ratings).ok();
        let weights = match item.kind {
            ItemKind::Ordinal { .. } => KappaWeights::Quadratic,
            _ => KappaWeights::Unweighted,
        };
        let kappa = if two_coders {
            cohen_kappa(&ratings, weights).ok()
        } else {
            None
        };
        let fleiss = if measurement == Measurement::Nominal {
            fleiss_kappa(&ratings).ok()
        } else {
            None
        };
        let alpha = krippendorff_alpha_bootstrap(&ratings, lvl, options);
        let (alpha_value, lo, hi, reading) = match &alpha {
            Ok(a) => (
                Val::Bounded(a.estimate.alpha),
                if options.replicates > 0 {
                    Val::Bounded(a.ci_low)
                } else {
                    Val::None
                },
                if options.replicates > 0 {
                    Val::Bounded(a.ci_high)
                } else {
                    Val::None
                },
                band_text(bands::krippendorff(a.estimate.alpha)),
            ),
            Err(e) => (
                Val::None,
                Val::None,
                Val::None,
                Some(format!("α undefined: {e}")),
            ),
        };
        let units = agreement.as_ref().map_or(0, |a| a.units_used);
        t.push(vec![
            Val::Text(item.id.clone()),
            Val::Text(lvl.name().to_string()),
            Val::Int(units as i64),
            agreement.map_or(Val::None, |a| Val::Bounded(a.agreement)),
            kappa.as_ref().map_or(Val::None, |k| Val::Bounded(k.kappa)),
            kappa.as_ref().map_or(Val::None, |_| {
                Val::Text(
                    match weights {
                        KappaWeights::Quadratic => "quadratic",
                        KappaWeights::Linear => "linear",
                        KappaWeights::Unweighted => "none",
                    }
                    .into(),
                )
            }),
            fleiss.map_or(Val::None, |f| Val::Bounded(f.kappa)),
            alpha_value,
            lo,
            hi,
            Val::None,
            Val::None,
            Val::None,
            reading.map_or(Val::None, Val::Text),
        ]);
    }
    for score in &codebook.scores {
        let ratings = matrix.score(codebook, &score.id)?;
        let alpha = krippendorff_alpha_bootstrap(&ratings, Level::Interval, options).ok();
        let icc_row = icc(&ratings).ok().and_then(|i| {
            i.get(
                IccModel::TwoWayRandom,
                IccDefinition::AbsoluteAgreement,
                IccUnit::Single,
            )
            .cloned()
        });
        let reading = icc_row
            .as_ref()
            .and_then(|r| band_text(bands::koo_li(r.icc)))
            .or_else(|| {
                alpha
                    .as_ref()
                    .and_then(|a| band_text(bands::krippendorff(a.estimate.alpha)))
            });
        t.push(vec![
            Val::Text(format!("score: {}", score.id)),
            Val::Text("interval".into()),
            Val::Int(alpha.as_ref().map_or(0, |a| a.estimate.units_used) as i64),
            Val::None,
            Val::None,
            Val::None,
            Val::None,
            alpha
                .as_ref()
                .map_or(Val::None, |a| Val::Bounded(a.estimate.alpha)),
            alpha
                .as_ref()
                .filter(|_| options.replicates > 0)
                .map_or(Val::None, |a| Val::Bounded(a.ci_low)),
            alpha
                .as_ref()
                .filter(|_| options.replicates > 0)
                .map_or(Val::None, |a| Val::Bounded(a.ci_high)),
            icc_row.as_ref().map_or(Val::None, |r| Val::Bounded(r.icc)),
            icc_row
                .as_ref()
                .map_or(Val::None, |r| Val::Bounded(r.ci_low)),
            icc_row
                .as_ref()
                .map_or(Val::None, |r| Val::Bounded(r.ci_high)),
            reading.map_or(Val::None, Val::Text),
        ]);
    }
    t.notes.push(format!(
        "α: Krippendorff's alpha at the item's level; 95% interval from {} bootstrap resamples of units (seed {}; not Hayes & Krippendorff's 2007 algorithm). Agreement: mean share of agreeing coder pairs per unit. Cohen's κ only with exactly two coders; quadratic weights for ordinal items. Fleiss' κ for nominal items, on units every coder coded.",
        options.replicates, options.seed
    ));
    t.notes.push(
        "Scores: each coder's own score per unit; ICC(A,1) = two-way random effects, absolute agreement, single rater (McGraw & Wong 1996), as pingouin's ICC2; units every coder scored. Readings: Krippendorff (2004) for α, Koo & Li (2016) for the ICC (read its interval too).".into(),
    );
    Ok(t)
}

fn icc_table(codebook: &Codebook, matrix: &Matrix, score: &str) -> Result<StatsTable> {
    if !codebook.scores.iter().any(|s| s.id == score) {
        bail!(
            "codebook `{}` has no score `{score}`; its scores: {}",
            codebook.name,
            codebook
                .scores
                .iter()
                .map(|s| s.id.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    let ratings = matrix.score(codebook, score)?;
    let result = icc(&ratings)?;
    let mut t = StatsTable::new(&[
        ("Model", "model"),
        ("Form", "form"),
        ("Shrout & Fleiss", "shrout_fleiss"),
        ("pingouin", "pingouin"),
        ("ICC", "icc"),
        ("F", "f"),
        ("df1", "df1"),
        ("df2", "df2"),
        ("p", "p"),
        ("95% CI low", "ci_low"),
        ("95% CI high", "ci_high"),
        ("Reading", "interpretation"),
    ])
    .text_column(1)
    .text_column(2)
    .text_column(3)
    .text_column(11);
    for row in &result.forms {
        let model = match row.model {
            IccModel::OneWayRandom => "one-way random",
            IccModel::TwoWayRandom => "two-way random",
            IccModel::TwoWayMixed => "two-way mixed",
        };
        let definition = match row.definition {
            IccDefinition::AbsoluteAgreement => "agreement",
            IccDefinition::Consistency => "consistency",
        };
        let unit = match row.unit {
            IccUnit::Single => "single",
            IccUnit::Average => "average",
        };
        t.push(vec![
            Val::Text(format!("{model}, {definition}, {unit}")),
            Val::Text(row.mcgraw_wong.to_string()),
            row.shrout_fleiss
                .map_or(Val::None, |s| Val::Text(s.to_string())),
            Val::Text(row.pingouin.to_string()),
            Val::Bounded(row.icc),
            Val::Stat(row.f, 2),
            Val::Stat(row.df1, 0),
            Val::Stat(row.df2, 0),
            Val::P(row.p_value),
            Val::Bounded(row.ci_low),
            Val::Bounded(row.ci_high),
            band_text(bands::koo_li(row.icc)).map_or(Val::None, Val::Text),
        ]);
    }
    t.notes.push(format!(
        "Score `{score}`: {} units every coder scored ({} left out); {} coders.",
        result.units_used, result.units_dropped, result.coders
    ));
    t.notes.push(
        "Forms as McGraw & Wong (1996); values, F tests and 95% intervals as pingouin.intraclass_corr. Two-way random consistency equals two-way mixed consistency, and two-way mixed agreement equals two-way random agreement, numerically; both names are listed so the form a journal asks for can be found.".into(),
    );
    Ok(t)
}
