//! Contingency tables: chi-square test of independence and Fisher's exact test.
//!
//! - [`chi_square`] matches `scipy.stats.chi2_contingency`: expected counts
//!   from the margins, Yates' continuity correction when the table has one
//!   degree of freedom and the flag is on (scipy's default), Cramér's V as
//!   `scipy.stats.contingency.association(method="cramer")` (from the
//!   uncorrected statistic), and the number of cells with expected count
//!   below 5, the usual warning that the approximation may be poor.
//! - [`fisher_exact`] matches `scipy.stats.fisher_exact` for 2×2 tables: the
//!   sample odds ratio `ad/bc` and the p-value from the hypergeometric
//!   distribution (two-sided: the sum over tables no more probable than the
//!   observed one, with scipy's relative tolerance 1e-14).
//! - [`fisher_freeman_halton`] is the exact test for any R×C table, by
//!   complete enumeration of the tables with the observed margins (R's
//!   `fisher.test`; scipy offers only Monte Carlo and permutation
//!   approximations beyond 2×2).
//!
//! Tables are rows of counts: `&[[u64; 2]]`, `&[Vec<u64>]`, ...

mod freeman_halton;
mod monte_carlo;

pub use freeman_halton::{fisher_freeman_halton, FreemanHalton, MAX_STEPS};
pub use monte_carlo::{
    fisher_freeman_halton_monte_carlo, FreemanHaltonMonteCarlo, MAX_REPLICATES, MAX_UNITS,
};

use crate::compare::{chi2_sf, Alternative};
use crate::StatsError;

/// Result of a chi-square test of independence.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ChiSquare {
    /// Total count.
    pub n: u64,
    /// Rows and columns of the table.
    pub shape: (usize, usize),
    /// The chi-square statistic (Yates-corrected if `yates` is true).
    pub chi2: f64,
    /// Degrees of freedom, (r − 1)(c − 1).
    pub df: usize,
    /// p-value (1 when `df` is 0).
    pub p: f64,
    /// Whether Yates' correction was applied (asked for and df = 1).
    pub yates: bool,
    /// Expected counts under independence, by row.
    pub expected: Vec<Vec<f64>>,
    /// Cramér's V, `√(χ²/(n·(min(r, c) − 1)))` from the uncorrected χ²;
    /// `None` for a table with a single row or column.
    pub cramers_v: Option<f64>,
    /// Cells whose expected count is below 5.
    pub cells_expected_below_5: usize,
    /// The smallest expected count.
    pub min_expected: f64,
}

/// Chi-square test of independence on an R×C table of counts.
///
/// `yates` applies Yates' correction to tables with one degree of freedom,
/// as `chi2_contingency(correction=True)`, scipy's default.
///
/// Errors: [`StatsError::Invalid`] for an empty or ragged table;
/// [`StatsError::Undefined`] when a row or column sums to zero (an expected
/// count would be 0).
pub fn chi_square<R: AsRef<[u64]>>(table: &[R], yates: bool) -> Result<ChiSquare, StatsError> {
    const STAT: &str = "chi-square test";
    let (rows, cols) = shape(STAT, table)?;
    let row_sums: Vec<f64> = table
        .iter()
        .map(|r| r.as_ref().iter().map(|&v| v as f64).sum())
        .collect();
    let mut col_sums = vec![0.0f64; cols];
    for r in table {
        for (j, &v) in r.as_ref().iter().enumerate() {
            col_sums[j] += v as f64;
        }
    }
    let total: f64 = row_sums.iter().sum();
    zero_margins(STAT, &row_sums, &col_sums)?;
    let expected: Vec<Vec<f64>> = row_sums
        .iter()
        .map(|&r| col_sums.iter().map(|&c| r * c / total).collect())
        .collect();
    let df = (rows - 1) * (cols - 1);
    let apply_yates = yates && df == 1;
    let (mut chi2, mut chi2_raw) = (0.0, 0.0);
    let mut below5 = 0;
    let mut min_expected = f64::INFINITY;
    for (r, e_row) in table.iter().zip(&expected) {
        for (&o, &e) in r.as_ref().iter().zip(e_row) {
            let o = o as f64;
            let d = o - e;
            chi2_raw += d * d / e;
            // scipy moves each observed count 0.5 toward the expected one,
            // but never past it.
            let dy = if apply_yates {
                d.signum() * (d.abs() - d.abs().min(0.5))
            } else {
                d
            };
            chi2 += dy * dy / e;
            if e < 5.0 {
                below5 += 1;
            }
            min_expected = min_expected.min(e);
        }
    }
    let p = if df == 0 {
        1.0
    } else {
        chi2_sf(chi2, df as f64)?
    };
    let k = rows.min(cols);
    Ok(ChiSquare {
        n: total as u64,
        shape: (rows, cols),
        chi2: if df == 0 { 0.0 } else { chi2 },
        df,
        p,
        yates: apply_yates,
        expected,
        cramers_v: if k > 1 {
            Some((chi2_raw / (total * (k - 1) as f64)).sqrt())
        } else {
            None
        },
        cells_expected_below_5: below5,
        min_expected,
    })
}

fn shape<R: AsRef<[u64]>>(
    statistic: &'static str,
    table: &[R],
) -> Result<(usize, usize), StatsError> {
    let rows = table.len();
    let cols = table.first().map_or(0, |r| r.as_ref().len());
    if rows == 0 || cols == 0 {
        return Err(StatsError::Invalid {
            statistic,
            reason: "the table has no cells".to_string(),
        });
    }
    if let Some(i) = table.iter().position(|r| r.as_ref().len() != cols) {
        return Err(StatsError::Invalid {
            statistic,
            reason: format!(
                "row {} has {} cells but row 1 has {cols}",
                i + 1,
                table[i].as_ref().len()
            ),
        });
    }
    Ok((rows, cols))
}

fn zero_margins(statistic: &'static str, rows: &[f64], cols: &[f64]) -> Result<(), StatsError> {
    if let Some(i) = rows.iter().position(|&s| s == 0.0) {
        return Err(StatsError::Undefined {
            statistic,
            reason: format!("row {} sums to zero; drop it", i + 1),
        });
    }
    if let Some(j) = cols.iter().position(|&s| s == 0.0) {
        return Err(StatsError::Undefined {
            statistic,
            reason: format!("column {} sums to zero; drop it", j + 1),
        });
    }
    Ok(())
}

/// Result of Fisher's exact test on a 2×2 table.
#[derive(Debug, Clone, serde::Serialize)]
pub struct FisherExact {
    /// Sample (unconditional) odds ratio `(a·d)/(b·c)` for the table
    /// `[[a, b], [c, d]]`; infinite when `b·c = 0` (serialised as `null`).
    pub odds_ratio: f64,
    /// The alternative the p-value is for (`Less`: the odds ratio is below 1).
    pub alternative: Alternative,
    /// p-value.
    pub p: f64,
}

/// Fisher's exact test on a 2×2 table `[[a, b], [c, d]]`.
///
/// Errors: [`StatsError::Invalid`] for any other shape (use
/// [`fisher_freeman_halton`] for R×C tables);
/// [`StatsError::Undefined`] when a row or column sums to zero.
pub fn fisher_exact<R: AsRef<[u64]>>(
    table: &[R],
    alternative: Alternative,
) -> Result<FisherExact, StatsError> {
    const STAT: &str = "Fisher's exact test";
    let (rows, cols) = shape(STAT, table)?;
    if (rows, cols) != (2, 2) {
        return Err(StatsError::Invalid {
            statistic: STAT,
            reason: format!(
                "this form (with the odds ratio) is for 2×2 tables, found {rows}×{cols}; use \
                 the Fisher-Freeman-Halton test for larger tables"
            ),
        });
    }
    let (a, b) = (table[0].as_ref()[0], table[0].as_ref()[1]);
    let (c, d) = (table[1].as_ref()[0], table[1].as_ref()[1]);
    zero_margins(
        STAT,
        &[(a + b) as f64, (c + d) as f64],
        &[(a + c) as f64, (b + d) as f64],
    )?;
    let odds_ratio = if b > 0 && c > 0 {
        (a as f64 * d as f64) / (b as f64 * c as f64)
    } else {
        f64::INFINITY
    };
    // X = a ~ Hypergeometric(population a+b+c+d, successes r1 = a+b, draws c1 = a+c).
    let r1 = a + b;
    let r2 = c + d;
    let c1 = a + c;
    let lo = c1.saturating_sub(r2);
    let hi = c1.min(r1);
    let w = hypergeometric_weights(r1, r2, c1, lo, hi);
    let total: f64 = w.iter().sum();
    let at = |x: u64| w[(x - lo) as usize];
    let p = match alternative {
        Alternative::Less => (lo..=a).map(at).sum::<f64>() / total,
        Alternative::Greater => (a..=hi).map(at).sum::<f64>() / total,
        Alternative::TwoSided => {
            let p_obs = at(a);
            let p_max = w.iter().copied().fold(0.0, f64::max);
            if (p_max - p_obs).abs() / p_max.max(p_obs) <= 1e-14 {
                1.0
            } else {
                let cut = p_obs * (1.0 + 1e-14);
                w.iter().filter(|&&v| v <= cut).sum::<f64>() / total
            }
        }
    };
    Ok(FisherExact {
        odds_ratio,
        alternative,
        p: p.min(1.0),
    })
}

/// Unnormalised hypergeometric probabilities for x in lo..=hi, scaled so the
/// mode is 1, built by the ratio `P(x+1)/P(x) = (r1−x)(c1−x)/((x+1)(r2−c1+x+1))`
/// outward from the mode (stable, no factorials).
fn hypergeometric_weights(r1: u64, r2: u64, c1: u64, lo: u64, hi: u64) -> Vec<f64> {
    let len = (hi - lo + 1) as usize;
    let n = (r1 + r2) as f64;
    let mode = (((c1 + 1) as f64 * (r1 + 1) as f64 / (n + 2.0)).floor() as u64).clamp(lo, hi);
    let mut w = vec![0.0f64; len];
    let m = (mode - lo) as usize;
    w[m] = 1.0;
    let ratio_up = |x: u64| {
        let x = x as f64;
        (r1 as f64 - x) * (c1 as f64 - x) / ((x + 1.0) * (r2 as f64 - c1 as f64 + x + 1.0))
    };
    for i in m + 1..len {
        let x = lo + i as u64 - 1;
        w[i] = w[i - 1] * ratio_up(x);
    }
    for i in (0..m).rev() {
        let x = lo + i as u64;
        w[i] = w[i + 1] / ratio_up(x);
    }
    w
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tea_tasting() {
        // Fisher's lady tasting tea: p = 0.4857 (two-sided), 0.2429 (greater).
        let t = [[3u64, 1], [1, 3]];
        let f = fisher_exact(&t, Alternative::TwoSided).unwrap();
        assert!((f.p - 34.0 / 70.0).abs() < 1e-12);
        assert_eq!(f.odds_ratio, 9.0);
        let g = fisher_exact(&t, Alternative::Greater).unwrap();
        assert!((g.p - 17.0 / 70.0).abs() < 1e-12);
    }

    #[test]
    fn fisher_refuses_larger_tables() {
        let t = [[1u64, 2, 3], [4, 5, 6]];
        let e = fisher_exact(&t, Alternative::TwoSided).unwrap_err();
        assert!(e.to_string().contains("Freeman-Halton"));
    }

    #[test]
    fn zero_margin_is_undefined() {
        let t = [[0u64, 0], [3, 4]];
        assert!(matches!(
            chi_square(&t, true),
            Err(StatsError::Undefined { .. })
        ));
        assert!(matches!(
            fisher_exact(&t, Alternative::TwoSided),
            Err(StatsError::Undefined { .. })
        ));
    }

    #[test]
    fn ragged_and_empty_are_invalid() {
        let ragged: [&[u64]; 2] = [&[1, 2], &[3]];
        assert!(matches!(
            chi_square(&ragged, false),
            Err(StatsError::Invalid { .. })
        ));
        let empty: [&[u64]; 0] = [];
        assert!(matches!(
            chi_square(&empty, false),
            Err(StatsError::Invalid { .. })
        ));
    }

    #[test]
    fn one_row_has_no_df() {
        let c = chi_square(&[[3u64, 4, 5]], true).unwrap();
        assert_eq!((c.df, c.p, c.chi2), (0, 1.0, 0.0));
        assert_eq!(c.cramers_v, None);
    }
}
