//! Chance-corrected agreement on categories: Cohen's kappa (two coders,
//! unweighted or weighted) and Fleiss' kappa (several coders).

use serde::Serialize;
use statrs::function::erf::erfc;

use super::Ratings;
use crate::error::StatsError;

/// The standard normal 97.5% quantile (`scipy.stats.norm.isf(0.025)`).
const Z_975: f64 = 1.959_963_984_540_054;

/// How disagreements between categories are weighted in Cohen's kappa.
///
/// Weights follow `sklearn.metrics.cohen_kappa_score`: they use the
/// **position** of each category in the sorted set of codes either coder
/// used, not the codes themselves. Codes 1, 2, 5 are positions 0, 1, 2, so 1
/// vs 5 counts as two steps (linear) or four (quadratic), not four or
/// sixteen; a category nobody used does not widen the scale.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum KappaWeights {
    /// Every disagreement counts the same (Cohen 1960).
    Unweighted,
    /// Disagreement weight `|i - j|` (Cohen 1968 weighted kappa).
    Linear,
    /// Disagreement weight `(i - j)^2`.
    Quadratic,
}

/// Cohen's kappa for two coders, with its asymptotic standard error.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CohenKappa {
    /// The weighting used.
    pub weights: KappaWeights,
    /// Kappa.
    pub kappa: f64,
    /// Asymptotic standard error (Fleiss, Cohen & Everitt 1969), as
    /// `statsmodels.stats.inter_rater.cohens_kappa` computes it (`std_kappa`).
    pub se: f64,
    /// Lower end of the 95% Wald interval `kappa ± 1.96 se`.
    pub ci_low: f64,
    /// Upper end of the 95% Wald interval.
    pub ci_high: f64,
    /// Standard error under the null hypothesis kappa = 0 (`std_kappa0`).
    pub se_null: f64,
    /// `kappa / se_null`.
    pub z: f64,
    /// Two-sided p-value of `z` against the standard normal.
    pub p_value: f64,
    /// Observed agreement: share of units on which the coders agree
    /// (unweighted), whatever the weighting.
    pub observed_agreement: f64,
    /// The sorted codes either coder used; weights use their positions.
    pub categories: Vec<f64>,
    /// Units both coders coded (the ones that count).
    pub units_used: usize,
    /// Units at least one coder left uncoded, left out.
    pub units_dropped: usize,
}

/// Cohen's kappa for exactly two coders (column 0 and column 1).
///
/// Uses the units both coders coded and matches
/// `sklearn.metrics.cohen_kappa_score(y1, y2, weights=...)` (see
/// [`KappaWeights`] for how weights use category positions). The standard
/// error, interval, z and p match `statsmodels.stats.inter_rater.cohens_kappa`
/// on the same confusion table (`wt="linear"` / `"quadratic"` for the
/// weighted forms).
///
/// Errors: [`StatsError::Invalid`] unless there are exactly two coders;
/// [`StatsError::TooFew`] when no unit has both codes;
/// [`StatsError::Undefined`] when the chance disagreement is zero (both
/// coders used one and the same category; sklearn returns NaN there).
pub fn cohen_kappa(ratings: &Ratings, weights: KappaWeights) -> Result<CohenKappa, StatsError> {
    const NAME: &str = "Cohen's kappa";
    if ratings.n_coders() != 2 {
        return Err(StatsError::Invalid {
            statistic: NAME,
            reason: format!(
                "needs exactly 2 coders, found {} (use Fleiss' kappa or Krippendorff's alpha for more)",
                ratings.n_coders()
            ),
        });
    }
    let pairs: Vec<(f64, f64)> = ratings
        .raw_rows()
        .filter_map(|r| match r {
            [a, b] if !a.is_nan() && !b.is_nan() => Some((*a, *b)),
            _ => None,
        })
        .collect();
    if pairs.is_empty() {
        return Err(StatsError::TooFew {
            statistic: NAME,
            what: "units coded by both coders",
            needed: 1,
            found: 0,
        });
    }
    let categories = sorted_codes(pairs.iter().flat_map(|&(a, b)| [a, b]));
    let k = categories.len();
    let mut table = vec![0.0; k * k];
    for &(a, b) in &pairs {
        table[position(&categories, a) * k + position(&categories, b)] += 1.0;
    }
    let n = pairs.len() as f64;
    // Row i = coder 1's category i, column j = coder 2's category j.
    let p: Vec<f64> = table.iter().map(|c| c / n).collect();
    let fr: Vec<f64> = (0..k).map(|i| (0..k).map(|j| p[i * k + j]).sum()).collect();
    let fc: Vec<f64> = (0..k).map(|j| (0..k).map(|i| p[i * k + j]).sum()).collect();
    let observed_agreement = (0..k).map(|i| p[i * k + i]).sum::<f64>();

    // Disagreement weights on category positions, as sklearn builds them.
    let wd = |i: usize, j: usize| -> f64 {
        let d = i.abs_diff(j) as f64;
        match weights {
            KappaWeights::Unweighted => f64::from(u8::from(i != j)),
            KappaWeights::Linear => d,
            KappaWeights::Quadratic => d * d,
        }
    };
    let mut observed = 0.0;
    let mut expected = 0.0;
    for i in 0..k {
        for j in 0..k {
            observed += wd(i, j) * table[i * k + j];
            expected += wd(i, j) * fc[i] * fr[j] * n;
        }
    }
    if expected == 0.0 {
        return Err(StatsError::Undefined {
            statistic: NAME,
            reason: format!(
                "both coders used only the code {} on the {} units they both coded, so chance \
                 agreement is 1",
                categories.first().copied().unwrap_or(f64::NAN),
                pairs.len()
            ),
        });
    }
    let kappa = 1.0 - observed / expected;

    let (var, var0) = match weights {
        KappaWeights::Unweighted => {
            let pe: f64 = (0..k).map(|i| fr[i] * fc[i]).sum();
            let mut term_a = 0.0;
            let mut term_b = 0.0;
            for i in 0..k {
                for j in 0..k {
                    if i == j {
                        term_a += p[i * k + i] * (1.0 - (fr[i] + fc[i]) * (1.0 - kappa)).powi(2);
                    } else {
                        term_b += p[i * k + j] * (fc[i] + fr[j]).powi(2);
                    }
                }
            }
            term_b *= (1.0 - kappa).powi(2);
            let term_c = (kappa - pe * (1.0 - kappa)).powi(2);
            let scale = (1.0 - pe).powi(2) * n;
            let var = (term_a + term_b - term_c) / scale;
            let c0: f64 = (0..k).map(|i| fc[i] * fr[i] * (fc[i] + fr[i])).sum();
            (var, (pe + pe * pe - c0) / scale)
        }
        KappaWeights::Linear | KappaWeights::Quadratic => {
            // statsmodels switches to agreement weights w = 1 - d / max(d)
            // (the SAS manual's form) for the variance.
            let max = wd(0, k - 1);
            let w = |i: usize, j: usize| 1.0 - wd(i, j) / max;
            let w_row: Vec<f64> = (0..k)
                .map(|i| (0..k).map(|j| fc[j] * w(i, j)).sum())
                .collect();
            let w_col: Vec<f64> = (0..k)
                .map(|j| (0..k).map(|i| fr[i] * w(i, j)).sum())
                .collect();
            let mut pe = 0.0;
            let mut term_a = 0.0;
            let mut term_0 = 0.0;
            for i in 0..k {
                for j in 0..k {
                    pe += w(i, j) * fc[j] * fr[i];
                    term_a +=
                        p[i * k + j] * (w(i, j) - (w_col[j] + w_row[i]) * (1.0 - kappa)).powi(2);
                    term_0 += fc[j] * fr[i] * (w(i, j) - (w_col[j] + w_row[i])).powi(2);
                }
            }
            let scale = (1.0 - pe).powi(2) * n;
            (
                (term_a - (kappa - pe * (1.0 - kappa)).powi(2)) / scale,
                (term_0 - pe * pe) / scale,
            )
        }
    };
    // A variance that rounding pushed a hair below zero is zero.
    let se = var.max(0.0).sqrt();
    let se_null = var0.max(0.0).sqrt();
    let z = kappa / se_null;
    Ok(CohenKappa {
        weights,
        kappa,
        se,
        ci_low: kappa - Z_975 * se,
        ci_high: kappa + Z_975 * se,
        se_null,
        z,
        p_value: erfc(z.abs() / std::f64::consts::SQRT_2),
        observed_agreement,
        categories,
        units_used: pairs.len(),
        units_dropped: ratings.n_units() - pairs.len(),
    })
}

/// Fleiss' kappa for two or more coders.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FleissKappa {
    /// Kappa.
    pub kappa: f64,
    /// Mean observed agreement over units (`P-bar`).
    pub observed_agreement: f64,
    /// Chance agreement from the pooled category shares (`P-bar_e`).
    pub expected_agreement: f64,
    /// The sorted codes used on the complete units.
    pub categories: Vec<f64>,
    /// Coders (raters per unit).
    pub coders: usize,
    /// Units every coder coded (the ones that count).
    pub units_used: usize,
    /// Units with at least one missing code, left out.
    pub units_dropped: usize,
}

/// Fleiss' kappa (Fleiss 1971) on the units every coder coded.
///
/// Matches `statsmodels.stats.inter_rater.fleiss_kappa(table,
/// method="fleiss")` where `table` is `aggregate_raters` of the complete
/// rows. Fleiss' formula needs the same number of raters per unit, so units
/// with any missing code are dropped and counted in `units_dropped` (use
/// Krippendorff's alpha to keep them).
///
/// Errors: [`StatsError::TooFew`] with fewer than two coders or no complete
/// unit; [`StatsError::Undefined`] when every code is the same category
/// (chance agreement 1; statsmodels returns NaN).
pub fn fleiss_kappa(ratings: &Ratings) -> Result<FleissKappa, StatsError> {
    const NAME: &str = "Fleiss' kappa";
    let m = ratings.n_coders();
    if m < 2 {
        return Err(StatsError::TooFew {
            statistic: NAME,
            what: "coders",
            needed: 2,
            found: m,
        });
    }
    let rows: Vec<&[f64]> = ratings
        .raw_rows()
        .filter(|r| r.iter().all(|v| !v.is_nan()))
        .collect();
    if rows.is_empty() {
        return Err(StatsError::TooFew {
            statistic: NAME,
            what: "units coded by every coder",
            needed: 1,
            found: 0,
        });
    }
    let categories = sorted_codes(rows.iter().flat_map(|r| r.iter().copied()));
    let k = categories.len();
    let mut counts = vec![0.0; k];
    let mut totals = vec![0.0; k];
    let mut p_sum = 0.0;
    let mf = m as f64;
    for row in &rows {
        counts.iter_mut().for_each(|c| *c = 0.0);
        for &v in row.iter() {
            counts[position(&categories, v)] += 1.0;
        }
        let sq: f64 = counts.iter().map(|c| c * c).sum();
        p_sum += (sq - mf) / (mf * (mf - 1.0));
        totals.iter_mut().zip(&counts).for_each(|(t, c)| *t += c);
    }
    let n_total = rows.len() as f64 * mf;
    let p_mean = p_sum / rows.len() as f64;
    let p_exp: f64 = totals.iter().map(|t| (t / n_total).powi(2)).sum();
    if p_exp >= 1.0 {
        return Err(StatsError::Undefined {
            statistic: NAME,
            reason: format!(
                "every code on the {} complete units is {}, so chance agreement is 1",
                rows.len(),
                categories.first().copied().unwrap_or(f64::NAN)
            ),
        });
    }
    Ok(FleissKappa {
        kappa: (p_mean - p_exp) / (1.0 - p_exp),
        observed_agreement: p_mean,
        expected_agreement: p_exp,
        categories,
        coders: m,
        units_used: rows.len(),
        units_dropped: ratings.n_units() - rows.len(),
    })
}

/// The distinct codes, sorted.
pub(crate) fn sorted_codes(values: impl Iterator<Item = f64>) -> Vec<f64> {
    let mut v: Vec<f64> = values.collect();
    v.sort_unstable_by(f64::total_cmp);
    v.dedup();
    v
}

/// Position of `v` in `sorted` (present by construction).
fn position(sorted: &[f64], v: f64) -> usize {
    sorted.partition_point(|c| *c < v)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn two(rows: &[(f64, f64)]) -> Ratings {
        let rows: Vec<Vec<Option<f64>>> =
            rows.iter().map(|&(a, b)| vec![Some(a), Some(b)]).collect();
        Ratings::from_rows(&rows).unwrap()
    }

    #[test]
    fn perfect_and_single_category() {
        let r = two(&[(1.0, 1.0), (2.0, 2.0), (3.0, 3.0)]);
        for w in [
            KappaWeights::Unweighted,
            KappaWeights::Linear,
            KappaWeights::Quadratic,
        ] {
            assert!((cohen_kappa(&r, w).unwrap().kappa - 1.0).abs() < 1e-15);
        }
        let r = two(&[(1.0, 1.0), (1.0, 1.0)]);
        assert!(matches!(
            cohen_kappa(&r, KappaWeights::Unweighted),
            Err(StatsError::Undefined { .. })
        ));
        assert!(matches!(
            fleiss_kappa(&r),
            Err(StatsError::Undefined { .. })
        ));
    }

    #[test]
    fn wrong_coder_count() {
        let r = Ratings::from_rows(&[vec![Some(1.0), Some(1.0), Some(2.0)]]).unwrap();
        assert!(matches!(
            cohen_kappa(&r, KappaWeights::Linear),
            Err(StatsError::Invalid { .. })
        ));
        let r = Ratings::from_rows(&[vec![Some(1.0)]]).unwrap();
        assert!(matches!(fleiss_kappa(&r), Err(StatsError::TooFew { .. })));
    }
}
