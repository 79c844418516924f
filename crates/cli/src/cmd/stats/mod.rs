//! `uptake stats`: the statistics a content-analysis paper reports, over the
//! project's videos (metrics, attributes, campaigns and final codes).

use super::Ctx;
use crate::fields::{Column, UnitTable};
use crate::stats_table::{StatsTable, Val};
use anyhow::{bail, Context as _, Result};
use std::io::Write;
use uptake_report::{render, OutputFormat};
use uptake_stats::compare::{self, Alternative, MwuMethod, MwuOptions};
use uptake_stats::{correlate, describe, regress};

mod contingency;
mod exact;

/// Statistics over the project's videos.
///
/// Any field can be an outcome or a grouping: dissemination metrics (`views`,
/// `share_rate`...), attributes (`duration_s`, `posted_month`, `campaign`)
/// and final codes and instrument scores (`discern.total`,
/// `gac-content.creator_type`). `uptake stats fields` lists them. Missing
/// values are left out of each statistic and counted in its notes; they are
/// never read as zero. Every method and its reference implementation is in
/// docs/statistics.md.
///
/// Examples:
///   uptake stats fields
///   uptake stats describe views share_rate --by campaign
///   uptake stats compare views --by gac-content.creator_type
///   uptake stats correlate views discern.total gqs.gqs
///   uptake stats crosstab campaign gac-content.misinformation
///   uptake stats regress views --on duration_s,gac-content.creator_type --log1p views
///   uptake stats compare views --by campaign --format md > table2.md
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub struct Args {
    /// What to compute.
    #[command(subcommand)]
    pub statistic: Statistic,
    /// Output format: table, csv, json or md (APA-style Markdown).
    #[arg(long, global = true, default_value = "table", value_name = "FORMAT")]
    pub format: OutputFormat,
    /// Only the videos of this campaign.
    #[arg(long, global = true, value_name = "NAME")]
    pub campaign: Option<String>,
    /// Other creators' public videos instead of the own account's (the two
    /// are never pooled; see docs/metrics.md, "Which videos are counted").
    #[arg(long, global = true)]
    pub public: bool,
}

/// The statistics.
#[derive(Debug, clap::Subcommand)]
pub enum Statistic {
    /// List the fields statistics can use.
    Fields,
    /// n, missing, median and quartiles, mean and SD, min and max of numeric fields.
    Describe {
        /// Numeric fields.
        #[arg(required = true, value_name = "FIELD")]
        fields: Vec<String>,
        /// Describe each group of this field separately.
        #[arg(long, value_name = "FIELD")]
        by: Option<String>,
    },
    /// Compare a numeric field across groups: Mann-Whitney U for two groups,
    /// Kruskal-Wallis H with Dunn's post-hoc test for more.
    Compare {
        /// The numeric outcome.
        #[arg(value_name = "FIELD")]
        outcome: String,
        /// The grouping field.
        #[arg(long, value_name = "FIELD")]
        by: String,
        /// Only these groups, in this order (comma-separated).
        #[arg(long, value_delimiter = ',', value_name = "GROUPS")]
        groups: Vec<String>,
        /// Mann-Whitney p value: auto (exact for small samples without ties), exact or asymptotic.
        #[arg(long, default_value = "auto", value_name = "METHOD")]
        method: String,
    },
    /// Spearman's rho with p for every pair of the given numeric fields.
    Correlate {
        /// Two or more numeric fields.
        #[arg(required = true, num_args = 2.., value_name = "FIELD")]
        fields: Vec<String>,
    },
    /// A contingency table with the chi-square test and Fisher's exact test (Freeman-Halton beyond 2×2).
    Crosstab {
        /// Rows.
        #[arg(value_name = "ROW_FIELD")]
        rows: String,
        /// Columns.
        #[arg(value_name = "COLUMN_FIELD")]
        columns: String,
        /// No Yates continuity correction on 2×2 tables (scipy's default is to apply it).
        #[arg(long)]
        no_yates: bool,
        /// Print the tests (statistic, df, N, p, effect size) as the table,
        /// instead of the counts: CSV and JSON then carry them at full precision.
        #[arg(long)]
        tests: bool,
    },
    /// Ordinary least squares regression with coefficients, 95% CIs and R².
    Regress {
        /// The numeric outcome.
        #[arg(value_name = "FIELD")]
        outcome: String,
        /// Predictors (comma-separated); categorical ones are dummy-coded
        /// against their first level alphabetically.
        #[arg(long, required = true, value_delimiter = ',', value_name = "FIELDS")]
        on: Vec<String>,
        /// Fields to transform with log(1 + x) first (counts such as views).
        #[arg(long, value_delimiter = ',', value_name = "FIELDS")]
        log1p: Vec<String>,
        /// Print the model's fit (F test, R², adjusted R²) as the table,
        /// instead of the coefficients: CSV and JSON then carry it at full precision.
        #[arg(long)]
        tests: bool,
    },
}

/// Runs `uptake stats`.
pub fn run(args: Args, ctx: &Ctx) -> Result<()> {
    let project = ctx.project()?;
    let store = project.open_store()?;
    let owner = if args.public {
        uptake_store::query::VideoOwner::Public
    } else {
        uptake_store::query::VideoOwner::Own
    };
    let scoped = super::scoped_videos_of(&project, &store, owner, args.campaign.as_deref(), None)?;
    let (latest, mut scope_notes) = (scoped.rows, scoped.notes);
    let mut units = UnitTable::from_videos(&latest, &project.config.campaigns);
    crate::fields::add_codes(&mut units, &store, &latest)?;
    let mut out = match &args.statistic {
        Statistic::Fields => fields_table(&units),
        Statistic::Describe { fields, by } => describe_table(&units, fields, by.as_deref())?,
        Statistic::Compare {
            outcome,
            by,
            groups,
            method,
        } => compare_table(&units, outcome, by, groups, method)?,
        Statistic::Correlate { fields } => correlate_table(&units, fields)?,
        Statistic::Crosstab {
            rows,
            columns,
            no_yates,
            tests,
        } => contingency::crosstab_table(&units, rows, columns, !no_yates, *tests)?,
        Statistic::Regress {
            outcome,
            on,
            log1p,
            tests,
        } => regress_table(&units, outcome, on, log1p, *tests)?,
    };
    if !matches!(args.statistic, Statistic::Fields) {
        out.notes
            .insert(0, format!("{} videos in scope.", units.len()));
    }
    out.notes.splice(0..0, scope_notes.drain(..));
    let mut table = out.table(args.format);
    super::mark_synthetic(
        &project,
        &mut table,
        latest.iter().map(|l| &l.video),
        args.format,
    );
    let text = render(&table, args.format)?;
    let mut stdout = std::io::stdout().lock();
    stdout.write_all(text.as_bytes())?;
    Ok(())
}

fn fields_table(units: &UnitTable) -> StatsTable {
    let mut t = StatsTable::new(&[("Field", "field"), ("Kind", "kind"), ("What", "about")])
        .text_column(1)
        .text_column(2);
    for f in units.fields() {
        t.push(vec![
            Val::Text(f.name.clone()),
            Val::Text(f.kind.to_string()),
            Val::Text(f.about.clone()),
        ]);
    }
    t.notes.push(
        "Codes appear as CODEBOOK.ITEM and instrument scores as CODEBOOK.SCORE once final codes exist (`uptake code finalize`).".into(),
    );
    t
}

/// Numbers with missing as NaN, the convention of uptake-stats.
fn nan_values(column: &[Option<f64>]) -> Vec<f64> {
    column.iter().map(|v| v.unwrap_or(f64::NAN)).collect()
}

/// A group's label and its values.
type Group = (String, Vec<f64>);

/// Group labels and the rows in each group, in label order or the order asked.
fn grouped(
    units: &UnitTable,
    values: &[f64],
    by: &str,
    only: &[String],
) -> Result<(Vec<Group>, usize)> {
    let labels = units.get(by)?.labels();
    let mut unlabelled = 0;
    let mut groups: std::collections::BTreeMap<String, Vec<f64>> = Default::default();
    for (label, &v) in labels.iter().zip(values) {
        match label {
            Some(l) if only.is_empty() || only.contains(l) => {
                groups.entry(l.clone()).or_default().push(v)
            }
            Some(_) => {}
            None => unlabelled += 1,
        }
    }
    let mut out: Vec<Group> = if only.is_empty() {
        groups.into_iter().collect()
    } else {
        let mut ordered = Vec::new();
        for g in only {
            match groups.remove(g) {
                Some(v) => ordered.push((g.clone(), v)),
                None => bail!("--groups: no video has `{by}` = `{g}`"),
            }
        }
        ordered
    };
    out.retain(|(_, v)| !v.is_empty());
    Ok((out, unlabelled))
}

fn describe_table(units: &UnitTable, fields: &[String], by: Option<&str>) -> Result<StatsTable> {
    let mut t = StatsTable::new(&[
        ("Field", "field"),
        ("Group", "group"),
        ("n", "n"),
        ("Missing", "missing"),
        ("Mdn", "median"),
        ("Q1", "q1"),
        ("Q3", "q3"),
        ("M", "mean"),
        ("SD", "sd"),
        ("Min", "min"),
        ("Max", "max"),
    ])
    .text_column(1);
    for field in fields {
        let values = nan_values(units.get(field)?.numeric(field)?);
        let groups = match by {
            Some(by) => {
                let (groups, unlabelled) = grouped(units, &values, by, &[])?;
                if unlabelled > 0 {
                    t.notes.push(format!(
                        "{field}: {unlabelled} videos without a `{by}` value are left out."
                    ));
                }
                groups
            }
            None => vec![("all".to_string(), values)],
        };
        for (group, values) in groups {
            let row = match describe::describe(&values) {
                Ok(d) => vec![
                    Val::Text(field.clone()),
                    Val::Text(group),
                    Val::Int(d.n as i64),
                    Val::Int(d.n_missing as i64),
                    Val::Stat(d.median, 2),
                    Val::Stat(d.q1, 2),
                    Val::Stat(d.q3, 2),
                    Val::Stat(d.mean, 2),
                    Val::stat(d.sd, 2),
                    Val::Stat(d.min, 2),
                    Val::Stat(d.max, 2),
                ],
                Err(_) => {
                    let mut row = vec![
                        Val::Text(field.clone()),
                        Val::Text(group),
                        Val::Int(0),
                        Val::Int(values.len() as i64),
                    ];
                    row.extend(std::iter::repeat_n(Val::None, 7));
                    row
                }
            };
            t.push(row);
        }
    }
    t.notes.push(
        "Quartiles by linear interpolation (numpy's default, Hyndman & Fan type 7); SD with n - 1."
            .into(),
    );
    Ok(t)
}

fn mwu_method(text: &str) -> Result<MwuMethod> {
    Ok(match text {
        "auto" => MwuMethod::Auto,
        "exact" => MwuMethod::Exact,
        "asymptotic" => MwuMethod::Asymptotic,
        other => bail!("--method: expected auto, exact or asymptotic, found `{other}`"),
    })
}

fn compare_table(
    units: &UnitTable,
    outcome: &str,
    by: &str,
    only: &[String],
    method: &str,
) -> Result<StatsTable> {
    let method = mwu_method(method)?;
    let values = nan_values(units.get(outcome)?.numeric(outcome)?);
    let (groups, unlabelled) = grouped(units, &values, by, only)?;
    if groups.len() < 2 {
        bail!(
            "`{by}` has {} group(s) with videos here; a comparison needs at least two",
            groups.len()
        );
    }
    let mut t = StatsTable::new(&[
        ("Comparison", "comparison"),
        ("Test", "test"),
        ("n", "n"),
        ("Statistic", "statistic"),
        ("df", "df"),
        ("z", "z"),
        ("p", "p"),
        ("p (Holm)", "p_holm"),
        ("p (Bonferroni)", "p_bonferroni"),
        ("Effect size", "effect_size"),
        ("Effect", "effect"),
    ])
    .text_column(1)
    .text_column(9);
    let mut summary = Vec::new();
    for (label, vals) in &groups {
        if let Ok(d) = describe::describe(vals) {
            summary.push(format!(
                "{label}: n = {}, Mdn [IQR] = {}, M (SD) = {}",
                d.n,
                uptake_report::apa::median_iqr(d.median, d.q1, d.q3, 2),
                d.sd.map_or_else(
                    || uptake_report::apa::number(d.mean, 2),
                    |sd| uptake_report::apa::mean_sd(d.mean, sd, 2)
                ),
            ));
        }
    }
    if groups.len() == 2 {
        let (a, b) = (&groups[0], &groups[1]);
        let r = compare::mann_whitney_u_with(
            &a.1,
            &b.1,
            MwuOptions {
                alternative: Alternative::TwoSided,
                method,
                continuity: true,
            },
        )
        .with_context(|| format!("Mann-Whitney U of `{outcome}` by `{by}`"))?;
        let how = match r.method {
            MwuMethod::Exact => "exact p",
            _ => "normal approximation, tie and continuity corrected",
        };
        t.push(vec![
            Val::Text(format!("{} vs {}", a.0, b.0)),
            Val::Text(format!("Mann-Whitney U ({how})")),
            Val::Int((r.n1 + r.n2) as i64),
            Val::Stat(r.u1, 1),
            Val::None,
            Val::stat(r.z, 2),
            Val::P(r.p),
            Val::None,
            Val::None,
            Val::Text("rank-biserial r".into()),
            Val::Bounded(r.rank_biserial),
        ]);
        if let Some(rz) = r.r {
            t.push(vec![
                Val::Text(format!("{} vs {}", a.0, b.0)),
                Val::Text("(effect size)".into()),
                Val::None,
                Val::None,
                Val::None,
                Val::None,
                Val::None,
                Val::None,
                Val::None,
                Val::Text("r = z / sqrt(N)".into()),
                Val::Bounded(rz),
            ]);
        }
        t.notes.push(format!(
            "U is the statistic of `{}` (U1); rank-biserial r = 1 - 2 U2 / (n1 n2) (Kerby 2014), positive when `{}` tends to be larger. Two-sided, as scipy.stats.mannwhitneyu.",
            a.0, a.0
        ));
    } else {
        let values: Vec<&[f64]> = groups.iter().map(|g| g.1.as_slice()).collect();
        let k = compare::kruskal_wallis(&values)
            .with_context(|| format!("Kruskal-Wallis H of `{outcome}` by `{by}`"))?;
        t.push(vec![
            Val::Text(format!("{} groups", groups.len())),
            Val::Text("Kruskal-Wallis H (tie-corrected)".into()),
            Val::Int(k.n as i64),
            Val::Stat(k.h, 2),
            Val::Stat(k.df, 0),
            Val::None,
            Val::P(k.p),
            Val::None,
            Val::None,
            Val::Text("epsilon²".into()),
            Val::Stat(k.epsilon_squared, 3),
        ]);
        let d = compare::dunn(&values).with_context(|| "Dunn's post-hoc test")?;
        for pair in &d.pairs {
            let name = |i: usize| groups.get(i).map_or("?", |g| g.0.as_str());
            t.push(vec![
                Val::Text(format!("{} vs {}", name(pair.a), name(pair.b))),
                Val::Text("Dunn (tie-corrected)".into()),
                Val::None,
                Val::None,
                Val::None,
                Val::Stat(pair.z, 2),
                Val::P(pair.p),
                Val::P(pair.p_holm),
                Val::P(pair.p_bonferroni),
                Val::None,
                Val::None,
            ]);
        }
        t.notes.push(
            "epsilon² = H / (n - 1) (Tomczak & Tomczak 2014). Dunn's z with the tie correction of scikit-posthocs; p adjusted over all pairs by Holm and by Bonferroni.".into(),
        );
    }
    t.notes.extend(summary);
    let missing: usize = groups
        .iter()
        .map(|g| g.1.iter().filter(|v| v.is_nan()).count())
        .sum();
    if missing > 0 {
        t.notes.push(format!(
            "{missing} videos without `{outcome}` are left out."
        ));
    }
    if unlabelled > 0 {
        t.notes
            .push(format!("{unlabelled} videos without `{by}` are left out."));
    }
    Ok(t)
}

fn correlate_table(units: &UnitTable, fields: &[String]) -> Result<StatsTable> {
    let mut t = StatsTable::new(&[
        ("X", "x"),
        ("Y", "y"),
        ("n", "n"),
        ("rho", "rho"),
        ("t", "t"),
        ("df", "df"),
        ("p", "p"),
    ])
    .text_column(1);
    let columns: Vec<Vec<f64>> = fields
        .iter()
        .map(|f| Ok(nan_values(units.get(f)?.numeric(f)?)))
        .collect::<Result<_>>()?;
    for i in 0..fields.len() {
        for j in i + 1..fields.len() {
            let s = correlate::spearman(&columns[i], &columns[j]).with_context(|| {
                format!("Spearman's rho of `{}` and `{}`", fields[i], fields[j])
            })?;
            t.push(vec![
                Val::Text(fields[i].clone()),
                Val::Text(fields[j].clone()),
                Val::Int(s.n as i64),
                Val::Bounded(s.rho),
                Val::Stat(s.t, 2),
                Val::Stat(s.df, 0),
                Val::P(s.p),
            ]);
        }
    }
    t.notes.push(
        "Spearman's rho on average ranks; two-sided p from the t distribution with n - 2 df (scipy.stats.spearmanr). Pairs with a missing value are left out.".into(),
    );
    Ok(t)
}

fn regress_table(
    units: &UnitTable,
    outcome: &str,
    on: &[String],
    log1p: &[String],
    tests: bool,
) -> Result<StatsTable> {
    for f in log1p {
        if f != outcome && !on.contains(f) {
            bail!("--log1p `{f}` is neither the outcome nor a predictor");
        }
    }
    let y = nan_values(units.get(outcome)?.numeric(outcome)?);
    let mut numeric_values: Vec<(String, Vec<f64>)> = Vec::new();
    let mut categorical_values: Vec<(String, Vec<Option<String>>)> = Vec::new();
    for f in on {
        match units.get(f)? {
            Column::Numeric(v) => numeric_values.push((f.clone(), nan_values(v))),
            Column::Categorical(v) => categorical_values.push((f.clone(), v.clone())),
        }
    }
    let cat_refs: Vec<Vec<Option<&str>>> = categorical_values
        .iter()
        .map(|(_, v)| v.iter().map(|s| s.as_deref()).collect())
        .collect();
    let numeric: Vec<regress::NumericColumn> = numeric_values
        .iter()
        .map(|(name, values)| regress::NumericColumn {
            name,
            values,
            log1p: log1p.contains(name),
        })
        .collect();
    let categorical: Vec<regress::CategoricalColumn> = categorical_values
        .iter()
        .zip(&cat_refs)
        .map(|((name, _), values)| regress::CategoricalColumn { name, values })
        .collect();
    let design = regress::design(
        regress::NumericColumn {
            name: outcome,
            values: &y,
            log1p: log1p.iter().any(|f| f == outcome),
        },
        &numeric,
        &categorical,
    )
    .with_context(|| format!("regression of `{outcome}` on {}", on.join(", ")))?;
    let fit = regress::ols(&design).with_context(|| {
        format!(
            "OLS regression of `{outcome}` ({} of {} videos have every field filled in)",
            design.n(),
            units.len()
        )
    })?;
    if tests {
        let mut t = contingency::tests_table();
        t.push(vec![
            Val::Text("OLS F test of the model".into()),
            Val::stat(fit.f, 2),
            Val::Stat(fit.df_model as f64, 0),
            Val::Stat(fit.df_resid as f64, 0),
            Val::Int(fit.n as i64),
            fit.f_p.map_or(Val::None, Val::P),
            Val::Text("R²".into()),
            Val::Bounded(fit.r_squared),
            Val::None,
        ]);
        t.push(vec![
            Val::Text("OLS".into()),
            Val::None,
            Val::None,
            Val::None,
            Val::Int(fit.n as i64),
            Val::None,
            Val::Text("adjusted R²".into()),
            Val::Bounded(fit.adj_r_squared),
            Val::None,
        ]);
        t.notes.push(format!("Outcome {}.", design.outcome()));
        return Ok(t);
    }
    let mut t = StatsTable::new(&[
        ("Term", "term"),
        ("B", "estimate"),
        ("SE", "se"),
        ("t", "t"),
        ("p", "p"),
        ("95% CI low", "ci_low"),
        ("95% CI high", "ci_high"),
    ]);
    for c in &fit.coefficients {
        t.push(vec![
            Val::Text(c.name.clone()),
            Val::Stat(c.estimate, 3),
            Val::Stat(c.se, 3),
            Val::Stat(c.t, 2),
            Val::P(c.p),
            Val::Stat(c.ci_low, 3),
            Val::Stat(c.ci_high, 3),
        ]);
    }
    t.notes.push(format!(
        "Outcome {}; n = {}; R² = {}, adjusted R² = {}{}.",
        design.outcome(),
        fit.n,
        uptake_report::apa::bounded(fit.r_squared, 3),
        uptake_report::apa::bounded(fit.adj_r_squared, 3),
        match (fit.f, fit.f_p) {
            (Some(f), Some(p)) => format!(
                "; F({}, {}) = {}, {}",
                fit.df_model,
                fit.df_resid,
                uptake_report::apa::number(f, 2),
                uptake_report::apa::p_value(p)
            ),
            _ => String::new(),
        }
    ));
    if fit.n_dropped > 0 {
        t.notes.push(format!(
            "{} videos with a missing value in the outcome or a predictor are left out.",
            fit.n_dropped
        ));
    }
    t.notes.push(
        "Ordinary least squares (QR), as statsmodels OLS; categorical predictors are dummy-coded against their first level alphabetically (`field[T.level]`).".into(),
    );
    Ok(t)
}
