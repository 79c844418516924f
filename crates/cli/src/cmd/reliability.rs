//! `uptake reliability`: inter-rater reliability of a coding round, per item
//! and per instrument score.

use super::Ctx;
use crate::stats_table::{StatsTable, Val};
use anyhow::Result;
use std::io::Write;
use uptake_coding::reliability::{
    icc_reading, reliability, score_icc, CodedValue, Reliability, DEFAULT_BOOTSTRAP,
};
use uptake_report::{render, OutputFormat};
use uptake_stats::reliability::{
    BootstrapOptions, Icc, IccDefinition, IccModel, IccUnit, KappaWeights,
};

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
    #[arg(long, default_value_t = DEFAULT_BOOTSTRAP.replicates, value_name = "N")]
    pub bootstrap: usize,
    /// Seed of the bootstrap, so the interval can be reproduced.
    #[arg(long, default_value_t = DEFAULT_BOOTSTRAP.seed, value_name = "SEED")]
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
    let stored = store.coder_values(id)?;
    let values: Vec<CodedValue> = stored
        .iter()
        .map(|v| CodedValue {
            unit: (v.unit_kind.as_str(), v.unit_id.as_str()),
            coder: v.coder.as_str(),
            item: v.item.as_str(),
            text: v.text.as_str(),
            number: v.number,
        })
        .collect();
    let options = BootstrapOptions {
        replicates: args.bootstrap,
        seed: args.seed,
        ..DEFAULT_BOOTSTRAP
    };
    let (mut table, coders, units) = match &args.icc {
        Some(score) => {
            let (result, coders) = score_icc(&codebook, &values, score)?;
            let units = result.units_used;
            (icc_table(&result, score), coders, units)
        }
        None => {
            let r = reliability(&codebook, &values, &args.items, &options)?;
            let (coders, units) = (r.coders.clone(), r.units);
            (item_table(&r), coders, units)
        }
    };
    table.notes.insert(
        0,
        format!(
            "Codebook {} {}; {} units coded by two or more of {} coders ({}).",
            codebook.name,
            codebook.version,
            units,
            coders.len(),
            coders.join(", ")
        ),
    );
    let mut out = table.table(args.format);
    super::mark_synthetic(&project, &mut out, std::iter::empty(), args.format);
    let text = render(&out, args.format)?;
    std::io::stdout().lock().write_all(text.as_bytes())?;
    Ok(())
}

fn item_table(r: &Reliability) -> StatsTable {
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
    let with_ci = r.bootstrap.replicates > 0;
    let bounded = |x: Option<f64>| x.map_or(Val::None, Val::Bounded);
    for item in &r.items {
        let alpha = item.alpha.as_ref();
        t.push(vec![
            Val::Text(item.item.clone()),
            Val::Text(item.level.to_string()),
            Val::Int(item.units as i64),
            bounded(item.agreement),
            bounded(item.cohen.as_ref().map(|k| k.kappa)),
            item.cohen.as_ref().map_or(Val::None, |k| {
                Val::Text(
                    match k.weights {
                        KappaWeights::Quadratic => "quadratic",
                        KappaWeights::Linear => "linear",
                        KappaWeights::Unweighted => "none",
                    }
                    .into(),
                )
            }),
            bounded(item.fleiss.as_ref().map(|f| f.kappa)),
            bounded(alpha.map(|a| a.estimate.alpha)),
            bounded(alpha.filter(|_| with_ci).map(|a| a.ci_low)),
            bounded(alpha.filter(|_| with_ci).map(|a| a.ci_high)),
            Val::None,
            Val::None,
            Val::None,
            match (&item.reading, &item.alpha_undefined) {
                (Some(r), _) => Val::Text(r.clone()),
                (None, Some(why)) => Val::Text(format!("α undefined: {why}")),
                (None, None) => Val::None,
            },
        ]);
    }
    for score in &r.scores {
        let alpha = score.alpha.as_ref();
        let icc = score.icc.as_ref();
        t.push(vec![
            Val::Text(format!("score: {}", score.score)),
            Val::Text("interval".into()),
            Val::Int(score.units as i64),
            Val::None,
            Val::None,
            Val::None,
            Val::None,
            bounded(alpha.map(|a| a.estimate.alpha)),
            bounded(alpha.filter(|_| with_ci).map(|a| a.ci_low)),
            bounded(alpha.filter(|_| with_ci).map(|a| a.ci_high)),
            bounded(icc.map(|i| i.icc)),
            bounded(icc.map(|i| i.ci_low)),
            bounded(icc.map(|i| i.ci_high)),
            match (&score.reading, &score.alpha_undefined) {
                (Some(r), _) => Val::Text(r.clone()),
                (None, Some(why)) => Val::Text(format!("α undefined: {why}")),
                (None, None) => Val::None,
            },
        ]);
    }
    t.notes.push(format!(
        "α: Krippendorff's alpha at the item's level; 95% interval from {} bootstrap resamples of units (seed {}; not Hayes & Krippendorff's 2007 algorithm). Agreement: mean share of agreeing coder pairs per unit. Cohen's κ only with exactly two coders; quadratic weights for ordinal items. Fleiss' κ for nominal items, on units every coder coded.",
        r.bootstrap.replicates, r.bootstrap.seed
    ));
    t.notes.push(
        "Scores: each coder's own score per unit; ICC(A,1) = two-way random effects, absolute agreement, single rater (McGraw & Wong 1996), as pingouin's ICC2; units every coder scored. Readings: Krippendorff (2004) for α, Koo & Li (2016) for the ICC (read its interval too).".into(),
    );
    t
}

fn icc_table(result: &Icc, score: &str) -> StatsTable {
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
            icc_reading(row.icc).map_or(Val::None, Val::Text),
        ]);
    }
    t.notes.push(format!(
        "Score `{score}`: {} units every coder scored ({} left out); {} coders.",
        result.units_used, result.units_dropped, result.coders
    ));
    t.notes.push(
        "Forms as McGraw & Wong (1996); values, F tests and 95% intervals as pingouin.intraclass_corr. Two-way random consistency equals two-way mixed consistency, and two-way mixed agreement equals two-way random agreement, numerically; both names are listed so the form a journal asks for can be found.".into(),
    );
    t
}
