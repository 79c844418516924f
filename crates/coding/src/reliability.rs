//! Inter-rater reliability of a coding round, per item and per instrument
//! score: the numbers `uptake reliability` prints and the web app's
//! reliability page shows, computed once here from the coders' values.
//!
//! Units coded by two or more coders (the overlap set) are used; `NA` is a
//! missing value. Each item is measured at its level (binary and nominal:
//! nominal; ordinal: ordinal; numeric: interval). Instrument scores are
//! computed from each coder's own answers, then compared with Krippendorff's
//! alpha (interval) and ICC(A,1). docs/statistics.md has every definition.

use crate::codebook::{Codebook, ItemKind, Measurement, ScoreOutcome};
use crate::CodingError;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};
use uptake_stats::reliability::{
    bands, cohen_kappa, fleiss_kappa, icc, krippendorff_alpha_bootstrap, percent_agreement,
    AlphaBootstrap, BootstrapOptions, CohenKappa, FleissKappa, Icc, IccDefinition, IccModel,
    IccRow, IccUnit, KappaWeights, Level, Ratings,
};
use uptake_stats::StatsError;

/// The bootstrap of alpha's interval unless asked otherwise: 1,000
/// resamples, seed 2026, 95%. `uptake reliability` and the web app's
/// reliability page both use it, so they print the same interval.
pub const DEFAULT_BOOTSTRAP: BootstrapOptions = BootstrapOptions {
    replicates: 1000,
    seed: 2026,
    confidence: 0.95,
};

/// Why reliability could not be computed.
#[derive(Debug, thiserror::Error)]
pub enum ReliabilityError {
    /// Fewer than two coders, or no unit coded by two of them.
    #[error("no unit of `{codebook}` has been coded by two or more coders yet ({coders} coder(s) so far); reliability needs an overlap set: `uptake code sample --overlap N`, then import every coder's sheet")]
    NoOverlap {
        /// The codebook.
        codebook: String,
        /// Coders with values.
        coders: usize,
    },
    /// An item or score the codebook does not have.
    #[error("codebook `{codebook}` has no {what} `{name}`; its {what}s: {known}")]
    Unknown {
        /// The codebook.
        codebook: String,
        /// `item` or `score`.
        what: &'static str,
        /// The name asked for.
        name: String,
        /// The names it has, comma-separated.
        known: String,
    },
    /// A stored value no longer reads under the codebook.
    #[error(transparent)]
    Coding(#[from] CodingError),
    /// A statistic failed on the input.
    #[error(transparent)]
    Stats(#[from] StatsError),
}

/// One coder's value for one item of one unit, as stored.
#[derive(Debug, Clone, Copy)]
pub struct CodedValue<'a> {
    /// The unit: kind and platform id.
    pub unit: (&'a str, &'a str),
    /// The coder.
    pub coder: &'a str,
    /// The item id.
    pub item: &'a str,
    /// The canonical text (`yes`, `3`, `NA`, a level).
    pub text: &'a str,
    /// The numeric code (`None` for `NA` and text).
    pub number: Option<f64>,
}

/// Reliability of one item.
#[derive(Debug, Clone, Serialize)]
pub struct ItemReliability {
    /// Item id.
    pub item: String,
    /// Level of measurement used.
    pub level: &'static str,
    /// Units with at least two values.
    pub units: usize,
    /// Percent agreement (mean share of agreeing coder pairs per unit).
    pub agreement: Option<f64>,
    /// Cohen's kappa, with exactly two coders (quadratic weights for ordinal items).
    pub cohen: Option<CohenKappa>,
    /// Fleiss' kappa, for nominal items.
    pub fleiss: Option<FleissKappa>,
    /// Krippendorff's alpha with its bootstrap interval.
    pub alpha: Option<AlphaBootstrap>,
    /// Why alpha is missing, when it is.
    pub alpha_undefined: Option<String>,
    /// The reading of alpha, with its source.
    pub reading: Option<String>,
}

/// Reliability of one instrument score.
#[derive(Debug, Clone, Serialize)]
pub struct ScoreReliability {
    /// Score id.
    pub score: String,
    /// Units with at least two coders' scores.
    pub units: usize,
    /// Krippendorff's alpha (interval) with its bootstrap interval.
    pub alpha: Option<AlphaBootstrap>,
    /// Why alpha is missing, when it is (every score equal, too few units).
    pub alpha_undefined: Option<String>,
    /// ICC(A,1): two-way random, absolute agreement, single rater.
    pub icc: Option<IccRow>,
    /// The reading of the ICC (Koo & Li), or of alpha when there is no ICC.
    pub reading: Option<String>,
}

/// Reliability of a codebook's coding.
#[derive(Debug, Clone, Serialize)]
pub struct Reliability {
    /// Coders, sorted.
    pub coders: Vec<String>,
    /// Units coded by two or more coders.
    pub units: usize,
    /// Per item (text items are left out).
    pub items: Vec<ItemReliability>,
    /// Per instrument score.
    pub scores: Vec<ScoreReliability>,
    /// The bootstrap settings used.
    pub bootstrap: BootstrapOptions,
}

/// The overlap units, the coders, and each coder's values per unit.
struct Matrix<'a> {
    coders: Vec<String>,
    units: usize,
    /// (unit, coder) → item → value.
    cells: BTreeMap<(usize, usize), BTreeMap<&'a str, CodedValue<'a>>>,
}

impl<'a> Matrix<'a> {
    fn new(values: &[CodedValue<'a>]) -> Matrix<'a> {
        let coders: BTreeSet<&str> = values.iter().map(|v| v.coder).collect();
        let coders: Vec<String> = coders.into_iter().map(str::to_string).collect();
        let mut coders_of: BTreeMap<(&str, &str), BTreeSet<&str>> = BTreeMap::new();
        for v in values {
            coders_of.entry(v.unit).or_default().insert(v.coder);
        }
        let unit_index: BTreeMap<(&str, &str), usize> = coders_of
            .iter()
            .filter(|(_, c)| c.len() >= 2)
            .enumerate()
            .map(|(i, (unit, _))| (*unit, i))
            .collect();
        let mut cells: BTreeMap<(usize, usize), BTreeMap<&str, CodedValue>> = BTreeMap::new();
        for v in values {
            let Some(&u) = unit_index.get(&v.unit) else {
                continue;
            };
            let Ok(c) = coders.binary_search_by(|x| x.as_str().cmp(v.coder)) else {
                continue;
            };
            cells.entry((u, c)).or_default().insert(v.item, *v);
        }
        Matrix {
            coders,
            units: unit_index.len(),
            cells,
        }
    }

    fn item(&self, item: &str) -> Result<Ratings, StatsError> {
        let rows: Vec<Vec<Option<f64>>> = (0..self.units)
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
        Ratings::from_rows(&rows)
    }

    /// Each coder's `score` per unit, and how many units have it from two
    /// coders or more.
    fn score(
        &self,
        codebook: &Codebook,
        score: &str,
    ) -> Result<(Ratings, usize), ReliabilityError> {
        let mut rows = vec![vec![None; self.coders.len()]; self.units];
        for (&(u, c), items) in &self.cells {
            let values =
                codebook.values_from_texts(items.iter().map(|(item, v)| (*item, v.text)))?;
            rows[u][c] = codebook
                .score(&values)
                .into_iter()
                .find(|r| r.id == score)
                .and_then(|r| match r.outcome {
                    ScoreOutcome::Value(v) => Some(v),
                    ScoreOutcome::NotComputable(_) => None,
                });
        }
        let paired = rows
            .iter()
            .filter(|r| r.iter().flatten().count() >= 2)
            .count();
        Ok((Ratings::from_rows(&rows)?, paired))
    }
}

fn level(m: Measurement) -> Level {
    match m {
        Measurement::Nominal => Level::Nominal,
        Measurement::Ordinal => Level::Ordinal,
        Measurement::Interval => Level::Interval,
    }
}

fn reading(band: Result<bands::Band, StatsError>) -> Option<String> {
    band.ok().map(|b| format!("{} ({})", b.label, b.source))
}

fn matrix<'a>(
    codebook: &Codebook,
    values: &[CodedValue<'a>],
) -> Result<Matrix<'a>, ReliabilityError> {
    let m = Matrix::new(values);
    if m.coders.len() < 2 || m.units == 0 {
        return Err(ReliabilityError::NoOverlap {
            codebook: codebook.name.clone(),
            coders: m.coders.len(),
        });
    }
    Ok(m)
}

/// Per-item and per-score reliability. `only` restricts the items (empty:
/// all); an unknown item is an error listing the codebook's items.
pub fn reliability(
    codebook: &Codebook,
    values: &[CodedValue],
    only: &[String],
    bootstrap: &BootstrapOptions,
) -> Result<Reliability, ReliabilityError> {
    for name in only {
        if codebook.item(name).is_none() {
            return Err(ReliabilityError::Unknown {
                codebook: codebook.name.clone(),
                what: "item",
                name: name.clone(),
                known: codebook
                    .items
                    .iter()
                    .map(|i| i.id.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
            });
        }
    }
    let m = matrix(codebook, values)?;
    let two_coders = m.coders.len() == 2;
    let mut items = Vec::new();
    for item in &codebook.items {
        if !only.is_empty() && !only.contains(&item.id) {
            continue;
        }
        let Some(measurement) = item.measurement() else {
            continue;
        };
        let ratings = m.item(&item.id)?;
        let lvl = level(measurement);
        let agreement = percent_agreement(&ratings).ok();
        let weights = match item.kind {
            ItemKind::Ordinal { .. } => KappaWeights::Quadratic,
            _ => KappaWeights::Unweighted,
        };
        let alpha = krippendorff_alpha_bootstrap(&ratings, lvl, bootstrap);
        items.push(ItemReliability {
            item: item.id.clone(),
            level: lvl.name(),
            units: agreement.as_ref().map_or(0, |a| a.units_used),
            agreement: agreement.map(|a| a.agreement),
            cohen: two_coders
                .then(|| cohen_kappa(&ratings, weights).ok())
                .flatten(),
            fleiss: (measurement == Measurement::Nominal)
                .then(|| fleiss_kappa(&ratings).ok())
                .flatten(),
            reading: alpha
                .as_ref()
                .ok()
                .and_then(|a| reading(bands::krippendorff(a.estimate.alpha))),
            alpha_undefined: alpha.as_ref().err().map(ToString::to_string),
            alpha: alpha.ok(),
        });
    }
    let mut scores = Vec::new();
    for score in &codebook.scores {
        let (ratings, paired) = m.score(codebook, &score.id)?;
        let alpha = krippendorff_alpha_bootstrap(&ratings, Level::Interval, bootstrap);
        let alpha_undefined = alpha.as_ref().err().map(ToString::to_string);
        let alpha = alpha.ok();
        let icc_row = icc(&ratings).ok().and_then(|i| {
            i.get(
                IccModel::TwoWayRandom,
                IccDefinition::AbsoluteAgreement,
                IccUnit::Single,
            )
            .cloned()
        });
        scores.push(ScoreReliability {
            score: score.id.clone(),
            units: paired,
            alpha_undefined,
            reading: icc_row
                .as_ref()
                .and_then(|r| reading(bands::koo_li(r.icc)))
                .or_else(|| {
                    alpha
                        .as_ref()
                        .and_then(|a| reading(bands::krippendorff(a.estimate.alpha)))
                }),
            alpha,
            icc: icc_row,
        });
    }
    Ok(Reliability {
        coders: m.coders,
        units: m.units,
        items,
        scores,
        bootstrap: *bootstrap,
    })
}

/// Every ICC form of one instrument score, and the coders compared.
pub fn score_icc(
    codebook: &Codebook,
    values: &[CodedValue],
    score: &str,
) -> Result<(Icc, Vec<String>), ReliabilityError> {
    if !codebook.scores.iter().any(|s| s.id == score) {
        return Err(ReliabilityError::Unknown {
            codebook: codebook.name.clone(),
            what: "score",
            name: score.to_string(),
            known: codebook
                .scores
                .iter()
                .map(|s| s.id.as_str())
                .collect::<Vec<_>>()
                .join(", "),
        });
    }
    let m = matrix(codebook, values)?;
    let (ratings, _) = m.score(codebook, score)?;
    Ok((icc(&ratings)?, m.coders))
}

/// The Koo & Li (2016) reading of an ICC, with its source.
pub fn icc_reading(value: f64) -> Option<String> {
    reading(bands::koo_li(value))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values<'a>(rows: &'a [(&'a str, &'a str, &'a str, &'a str)]) -> Vec<CodedValue<'a>> {
        rows.iter()
            .map(|&(unit, coder, item, text)| CodedValue {
                unit: ("video", unit),
                coder,
                item,
                text,
                number: text.parse().ok(),
            })
            .collect()
    }

    #[test]
    fn perfect_agreement_on_gqs_is_reliable_and_a_lone_coder_is_not_enough() {
        let cb = crate::builtin("gqs").unwrap().unwrap();
        let rows = [
            ("1", "ana", "gqs", "1"),
            ("1", "ben", "gqs", "1"),
            ("2", "ana", "gqs", "3"),
            ("2", "ben", "gqs", "3"),
            ("3", "ana", "gqs", "5"),
            ("3", "ben", "gqs", "5"),
            ("4", "ana", "gqs", "2"),
        ];
        let r = reliability(&cb, &values(&rows), &[], &BootstrapOptions::default()).unwrap();
        assert_eq!(r.units, 3);
        assert_eq!(r.items[0].alpha.as_ref().unwrap().estimate.alpha, 1.0);
        assert_eq!(r.items[0].cohen.as_ref().unwrap().kappa, 1.0);
        assert!(r.items[0]
            .reading
            .as_deref()
            .unwrap()
            .starts_with("reliable"));

        let lone = [("1", "ana", "gqs", "1"), ("2", "ana", "gqs", "3")];
        let err = reliability(&cb, &values(&lone), &[], &BootstrapOptions::default()).unwrap_err();
        assert!(err.to_string().contains("--overlap"), "{err}");
        let err = reliability(
            &cb,
            &values(&rows),
            &["q9".into()],
            &BootstrapOptions::default(),
        )
        .unwrap_err();
        assert!(err.to_string().contains("has no item `q9`"), "{err}");
    }
}
