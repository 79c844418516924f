//! Ordinary least squares, as `statsmodels` OLS reports it.
//!
//! [`design`] builds the design matrix from named numeric and categorical
//! columns the way a patsy formula `y ~ x1 + x2 + g` does: an `Intercept`
//! column first, then each categorical variable dummy-coded against its
//! first level in alphabetical order (columns named `g[T.level]`), then the
//! numeric columns in the order given. A column (or the outcome) can be
//! transformed with `log(1 + x)` for counts; its name becomes `log1p(name)`.
//! Rows with a missing value (`NaN`, or `None` for a category) in any column
//! used are dropped and counted.
//!
//! [`ols`] fits by Householder QR (no normal equations, so a badly scaled
//! column of view counts does not square the condition number) and reports
//! what `statsmodels.regression.linear_model.OLS(...).fit()` does:
//! coefficients, standard errors, t, p, 95% CIs, R², adjusted R², F and its
//! p. A design whose columns are linearly dependent is refused, naming the
//! first column that is a combination of the ones before it.

use statrs::distribution::{ContinuousCDF, StudentsT};

use crate::correlate::t_sf;
use crate::StatsError;

const STAT: &str = "OLS regression";

/// A numeric column for [`design`]: the outcome or a predictor.
#[derive(Debug, Clone, Copy)]
pub struct NumericColumn<'a> {
    /// Variable name, used in coefficient names.
    pub name: &'a str,
    /// One value per row; `NaN` is missing.
    pub values: &'a [f64],
    /// Transform with `log(1 + x)` (for counts such as views); the
    /// coefficient is then named `log1p(name)`.
    pub log1p: bool,
}

/// A categorical predictor for [`design`].
#[derive(Debug, Clone, Copy)]
pub struct CategoricalColumn<'a> {
    /// Variable name; its dummies are named `name[T.level]`.
    pub name: &'a str,
    /// One level per row; `None` is missing.
    pub values: &'a [Option<&'a str>],
}

/// A design matrix with an intercept, ready for [`ols`]. Build it with
/// [`design`].
#[derive(Debug, Clone, serde::Serialize)]
pub struct Design {
    outcome: String,
    names: Vec<String>,
    y: Vec<f64>,
    columns: Vec<Vec<f64>>,
    n_dropped: usize,
}

impl Design {
    /// The outcome's name (`log1p(name)` if transformed).
    pub fn outcome(&self) -> &str {
        &self.outcome
    }
    /// Column names, `Intercept` first.
    pub fn names(&self) -> &[String] {
        &self.names
    }
    /// The outcome values of the rows kept.
    pub fn y(&self) -> &[f64] {
        &self.y
    }
    /// The columns (each one value per kept row), in the order of `names`.
    pub fn columns(&self) -> &[Vec<f64>] {
        &self.columns
    }
    /// Rows kept.
    pub fn n(&self) -> usize {
        self.y.len()
    }
    /// Rows dropped for a missing value.
    pub fn n_dropped(&self) -> usize {
        self.n_dropped
    }
}

fn transformed(col: &NumericColumn<'_>, i: usize) -> Result<f64, StatsError> {
    let v = col.values[i];
    if v.is_infinite() {
        return Err(StatsError::Invalid {
            statistic: STAT,
            reason: format!("`{}` row {} is infinite", col.name, i + 1),
        });
    }
    if !col.log1p || v.is_nan() {
        return Ok(v);
    }
    if v <= -1.0 {
        return Err(StatsError::Invalid {
            statistic: STAT,
            reason: format!(
                "`{}` row {} is {v}; log(1 + x) needs x > -1 (counts are never negative)",
                col.name,
                i + 1
            ),
        });
    }
    Ok(v.ln_1p())
}

fn column_name(col: &NumericColumn<'_>) -> String {
    if col.log1p {
        format!("log1p({})", col.name)
    } else {
        col.name.to_string()
    }
}

/// Builds a design matrix: intercept, dummies for each categorical column
/// (reference = first level alphabetically), then the numeric columns.
///
/// Errors: [`StatsError::Invalid`] if a column's length differs from the
/// outcome's, a value is infinite, or a `log1p` value is ≤ −1;
/// [`StatsError::Undefined`] if a categorical column has a single level in
/// the rows kept.
pub fn design(
    outcome: NumericColumn<'_>,
    numeric: &[NumericColumn<'_>],
    categorical: &[CategoricalColumn<'_>],
) -> Result<Design, StatsError> {
    let n = outcome.values.len();
    for (name, len) in numeric
        .iter()
        .map(|c| (c.name, c.values.len()))
        .chain(categorical.iter().map(|c| (c.name, c.values.len())))
    {
        if len != n {
            return Err(StatsError::Invalid {
                statistic: STAT,
                reason: format!(
                    "`{name}` has {len} rows but the outcome `{}` has {n}",
                    outcome.name
                ),
            });
        }
    }
    let mut keep = Vec::with_capacity(n);
    let mut y = Vec::with_capacity(n);
    let mut num_cols: Vec<Vec<f64>> = vec![Vec::with_capacity(n); numeric.len()];
    'rows: for i in 0..n {
        let yi = transformed(&outcome, i)?;
        let mut row = Vec::with_capacity(numeric.len());
        for c in numeric {
            row.push(transformed(c, i)?);
        }
        if yi.is_nan() || row.iter().any(|v| v.is_nan()) {
            continue 'rows;
        }
        if categorical.iter().any(|c| c.values[i].is_none()) {
            continue 'rows;
        }
        keep.push(i);
        y.push(yi);
        for (col, v) in num_cols.iter_mut().zip(row) {
            col.push(v);
        }
    }
    let mut names = vec!["Intercept".to_string()];
    let mut columns = vec![vec![1.0; keep.len()]];
    for c in categorical {
        let mut levels: Vec<&str> = keep.iter().filter_map(|&i| c.values[i]).collect();
        levels.sort_unstable();
        levels.dedup();
        if levels.len() < 2 && !keep.is_empty() {
            return Err(StatsError::Undefined {
                statistic: STAT,
                reason: format!(
                    "`{}` has a single level ({}) in the rows used, so it cannot be compared",
                    c.name,
                    levels.first().copied().unwrap_or("none")
                ),
            });
        }
        for level in levels.iter().skip(1) {
            names.push(format!("{}[T.{level}]", c.name));
            columns.push(
                keep.iter()
                    .map(|&i| {
                        if c.values[i] == Some(*level) {
                            1.0
                        } else {
                            0.0
                        }
                    })
                    .collect(),
            );
        }
    }
    for (c, col) in numeric.iter().zip(num_cols) {
        names.push(column_name(c));
        columns.push(col);
    }
    Ok(Design {
        outcome: column_name(&outcome),
        names,
        n_dropped: n - y.len(),
        y,
        columns,
    })
}

/// One coefficient of an OLS fit.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Coefficient {
    /// Column name (`Intercept`, `x`, `g[T.b]`, `log1p(views)`).
    pub name: String,
    /// Estimate.
    pub estimate: f64,
    /// Standard error (non-robust, as statsmodels' default).
    pub se: f64,
    /// t statistic, estimate / SE.
    pub t: f64,
    /// Two-sided p-value on `df_resid` degrees of freedom.
    pub p: f64,
    /// Lower end of the 95% confidence interval.
    pub ci_low: f64,
    /// Upper end of the 95% confidence interval.
    pub ci_high: f64,
}

/// An OLS fit.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Ols {
    /// Outcome name.
    pub outcome: String,
    /// Rows used.
    pub n: usize,
    /// Rows dropped for a missing value.
    pub n_dropped: usize,
    /// Model degrees of freedom: columns minus the intercept.
    pub df_model: usize,
    /// Residual degrees of freedom: n − columns.
    pub df_resid: usize,
    /// Coefficients in design order.
    pub coefficients: Vec<Coefficient>,
    /// R² (centred: the model has an intercept).
    pub r_squared: f64,
    /// Adjusted R², `1 − (n − 1)/(n − k)·(1 − R²)`.
    pub adj_r_squared: f64,
    /// F statistic for all slopes being zero; `None` for an intercept-only
    /// model.
    pub f: Option<f64>,
    /// p-value of `f`.
    pub f_p: Option<f64>,
    /// Residual standard error, `√(SSR/df_resid)`.
    pub residual_se: f64,
    /// Sum of squared residuals.
    pub ssr: f64,
}

/// Fits `design` by ordinary least squares.
///
/// Errors: [`StatsError::TooFew`] unless there are more rows than columns;
/// [`StatsError::Undefined`] for linearly dependent columns (naming the
/// first such column) or a constant outcome.
pub fn ols(design: &Design) -> Result<Ols, StatsError> {
    let n = design.n();
    let k = design.columns.len();
    if n <= k {
        return Err(StatsError::TooFew {
            statistic: STAT,
            what: "complete rows (more than the number of coefficients)",
            needed: k + 1,
            found: n,
        });
    }
    let beta = householder_solve(design)?;
    let mut ssr = 0.0;
    for i in 0..n {
        let fit: f64 = design
            .columns
            .iter()
            .zip(&beta.0)
            .map(|(c, b)| c[i] * b)
            .sum();
        let r = design.y[i] - fit;
        ssr += r * r;
    }
    let ybar = crate::describe::mean(&design.y);
    let tss: f64 = design.y.iter().map(|v| (v - ybar) * (v - ybar)).sum();
    if tss <= 0.0 {
        return Err(StatsError::Undefined {
            statistic: STAT,
            reason: format!("the outcome `{}` is constant", design.outcome),
        });
    }
    let df_resid = n - k;
    let df_model = k - 1;
    let dfr = df_resid as f64;
    let sigma2 = ssr / dfr;
    let t_dist = StudentsT::new(0.0, 1.0, dfr).map_err(|e| StatsError::Undefined {
        statistic: STAT,
        reason: format!("t distribution with {dfr} df: {e}"),
    })?;
    let q = t_dist.inverse_cdf(0.975);
    let mut coefficients = Vec::with_capacity(k);
    for (j, name) in design.names.iter().enumerate() {
        let est = beta.0[j];
        let se = (sigma2 * beta.1[j]).sqrt();
        let t = est / se;
        coefficients.push(Coefficient {
            name: name.clone(),
            estimate: est,
            se,
            t,
            p: (2.0 * t_sf(t.abs(), dfr)?).min(1.0),
            ci_low: est - q * se,
            ci_high: est + q * se,
        });
    }
    let r2 = 1.0 - ssr / tss;
    let (f, f_p) = if df_model > 0 {
        let dfm = df_model as f64;
        let f = ((tss - ssr) / dfm) / sigma2;
        // F upper tail as I_x(df_resid/2, df_model/2), x = dfr/(dfr + dfm·F),
        // computed directly: statrs' FisherSnedecor::sf forms 1 − x and
        // loses the tail for large F.
        let x = dfr / (dfr + dfm * f);
        let p = statrs::function::beta::checked_beta_reg(dfr / 2.0, dfm / 2.0, x).map_err(|e| {
            StatsError::Undefined {
                statistic: STAT,
                reason: format!("F distribution: {e}"),
            }
        })?;
        (Some(f), Some(p))
    } else {
        (None, None)
    };
    Ok(Ols {
        outcome: design.outcome.clone(),
        n,
        n_dropped: design.n_dropped,
        df_model,
        df_resid,
        coefficients,
        r_squared: r2,
        adj_r_squared: 1.0 - (n as f64 - 1.0) / dfr * (1.0 - r2),
        f,
        f_p,
        residual_se: sigma2.sqrt(),
        ssr,
    })
}

/// Householder QR of the design: the coefficients and the diagonal of
/// `(XᵀX)⁻¹ = R⁻¹R⁻ᵀ`.
fn householder_solve(design: &Design) -> Result<(Vec<f64>, Vec<f64>), StatsError> {
    let n = design.n();
    let k = design.columns.len();
    let mut a = design.columns.clone();
    let mut y = design.y.clone();
    let norms: Vec<f64> = a
        .iter()
        .map(|c| c.iter().map(|v| v * v).sum::<f64>().sqrt())
        .collect();
    let mut v = vec![0.0; n];
    for j in 0..k {
        let norm = a[j][j..].iter().map(|x| x * x).sum::<f64>().sqrt();
        // What is left of column j after removing the earlier columns'
        // directions; relative 1e-10 flags exact and near-exact collinearity
        // (statsmodels would silently use a pseudo-inverse instead).
        if norms[j] == 0.0 || norm <= 1e-10 * norms[j] {
            let before = design.names[..j]
                .iter()
                .map(|s| format!("`{s}`"))
                .collect::<Vec<_>>()
                .join(", ");
            return Err(StatsError::Undefined {
                statistic: STAT,
                reason: if norms[j] == 0.0 {
                    format!("column `{}` is all zeros", design.names[j])
                } else {
                    format!(
                        "column `{}` is a linear combination of {before} (collinear); drop it",
                        design.names[j]
                    )
                },
            });
        }
        let alpha = if a[j][j] > 0.0 { -norm } else { norm };
        let vj = &mut v[j..];
        vj.copy_from_slice(&a[j][j..]);
        vj[0] -= alpha;
        let vnorm2: f64 = vj.iter().map(|x| x * x).sum();
        a[j][j] = alpha;
        for x in &mut a[j][j + 1..] {
            *x = 0.0;
        }
        if vnorm2 > 0.0 {
            for col in a.iter_mut().skip(j + 1) {
                reflect(&mut col[j..], vj, vnorm2);
            }
            reflect(&mut y[j..], vj, vnorm2);
        }
    }
    // Back substitution R b = (Qᵀy)[..k]; R[i][c] = a[c][i].
    let mut b = vec![0.0; k];
    for i in (0..k).rev() {
        let mut s = y[i];
        for c in i + 1..k {
            s -= a[c][i] * b[c];
        }
        b[i] = s / a[i][i];
    }
    // R⁻¹ (upper triangular), column by column.
    let mut rinv = vec![vec![0.0; k]; k]; // rinv[row][col]
    for col in 0..k {
        rinv[col][col] = 1.0 / a[col][col];
        for row in (0..col).rev() {
            let mut s = 0.0;
            for m in row + 1..=col {
                s += a[m][row] * rinv[m][col];
            }
            rinv[row][col] = -s / a[row][row];
        }
    }
    let diag = rinv
        .iter()
        .map(|row| row.iter().map(|v| v * v).sum())
        .collect();
    Ok((b, diag))
}

/// x ← x − 2(v·x)/(v·v) v.
fn reflect(x: &mut [f64], v: &[f64], vnorm2: f64) {
    let s: f64 = x.iter().zip(v).map(|(a, b)| a * b).sum();
    let f = 2.0 * s / vnorm2;
    for (xi, vi) in x.iter_mut().zip(v) {
        *xi -= f * vi;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn col<'a>(name: &'a str, values: &'a [f64]) -> NumericColumn<'a> {
        NumericColumn {
            name,
            values,
            log1p: false,
        }
    }

    #[test]
    fn exact_line() {
        let x = [1.0, 2.0, 3.0, 4.0, 5.0];
        let y = [3.0, 5.1, 6.9, 9.0, 11.0];
        let d = design(col("y", &y), &[col("x", &x)], &[]).unwrap();
        let fit = ols(&d).unwrap();
        assert_eq!(fit.coefficients[0].name, "Intercept");
        assert!((fit.coefficients[1].estimate - 1.99).abs() < 1e-12);
        assert!(fit.r_squared > 0.99);
    }

    #[test]
    fn singular_design_names_the_column() {
        let x1 = [1.0, 2.0, 3.0, 4.0, 5.0];
        let x2 = [2.0, 4.0, 6.0, 8.0, 10.0];
        let y = [1.0, 3.0, 2.0, 5.0, 4.0];
        let d = design(col("y", &y), &[col("x1", &x1), col("x2", &x2)], &[]).unwrap();
        let e = ols(&d).unwrap_err();
        assert!(matches!(e, StatsError::Undefined { .. }));
        assert!(e.to_string().contains("`x2`"), "{e}");
    }

    #[test]
    fn constant_predictor_is_collinear_with_intercept() {
        let x = [3.0; 5];
        let y = [1.0, 3.0, 2.0, 5.0, 4.0];
        let d = design(col("y", &y), &[col("x", &x)], &[]).unwrap();
        let e = ols(&d).unwrap_err();
        assert!(
            e.to_string()
                .contains("`x` is a linear combination of `Intercept`"),
            "{e}"
        );
    }

    #[test]
    fn dummies_log1p_and_missing() {
        let y = [10.0, 100.0, f64::NAN, 1000.0, 5.0, 50.0];
        let x = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0];
        let g = [Some("b"), Some("a"), Some("c"), None, Some("c"), Some("b")];
        let d = design(
            NumericColumn {
                name: "views",
                values: &y,
                log1p: true,
            },
            &[col("x", &x)],
            &[CategoricalColumn {
                name: "g",
                values: &g,
            }],
        )
        .unwrap();
        assert_eq!(d.outcome(), "log1p(views)");
        assert_eq!(d.names(), ["Intercept", "g[T.b]", "g[T.c]", "x"]);
        assert_eq!((d.n(), d.n_dropped()), (4, 2));
        assert_eq!(d.columns()[1], vec![1.0, 0.0, 0.0, 1.0]);
        assert!((d.y()[0] - 11f64.ln()).abs() < 1e-15);
    }

    #[test]
    fn errors() {
        let y = [1.0, 2.0];
        let d = design(col("y", &y), &[col("x", &[1.0, 3.0])], &[]).unwrap();
        assert!(matches!(ols(&d), Err(StatsError::TooFew { .. })));
        assert!(matches!(
            design(col("y", &y), &[col("x", &[1.0])], &[]),
            Err(StatsError::Invalid { .. })
        ));
        let neg = NumericColumn {
            name: "v",
            values: &[-2.0, 1.0],
            log1p: true,
        };
        assert!(matches!(
            design(neg, &[], &[]),
            Err(StatsError::Invalid { .. })
        ));
        let one = [Some("a"), Some("a")];
        assert!(matches!(
            design(
                col("y", &y),
                &[],
                &[CategoricalColumn {
                    name: "g",
                    values: &one
                }]
            ),
            Err(StatsError::Undefined { .. })
        ));
        let flat = design(col("y", &[2.0; 4]), &[col("x", &[1.0, 2.0, 3.0, 5.0])], &[]).unwrap();
        assert!(matches!(ols(&flat), Err(StatsError::Undefined { .. })));
    }
}
