//! Descriptive statistics: n, missing, mean (SD), median \[IQR\], min, max.
//!
//! Missing values are `NaN` throughout this crate (the convention of pandas
//! and numpy's `nan*` functions): they are counted and dropped. An infinite
//! value is an error, never silently dropped.
//!
//! Quantiles use numpy's default definition (`numpy.quantile(method="linear")`,
//! Hyndman & Fan type 7): for sorted values `x[0..n]` and probability `p`,
//! `h = (n − 1)·p` and `Q(p) = x[⌊h⌋] + (h − ⌊h⌋)·(x[⌊h⌋+1] − x[⌊h⌋])`.
//! This is what `pandas.Series.quantile` and most users' scripts report; SPSS
//! and SAS default to other types, which differ on small samples.

use crate::StatsError;

/// Summary of one numeric variable.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Description {
    /// Number of non-missing values.
    pub n: usize,
    /// Number of missing (`NaN`) values dropped.
    pub n_missing: usize,
    /// Arithmetic mean.
    pub mean: f64,
    /// Sample standard deviation (divisor n − 1); `None` when n = 1.
    pub sd: Option<f64>,
    /// Median (type-7 quantile at 0.5).
    pub median: f64,
    /// First quartile (type-7 quantile at 0.25).
    pub q1: f64,
    /// Third quartile (type-7 quantile at 0.75).
    pub q3: f64,
    /// Smallest value.
    pub min: f64,
    /// Largest value.
    pub max: f64,
}

impl Description {
    /// Interquartile range, `q3 − q1`.
    pub fn iqr(&self) -> f64 {
        self.q3 - self.q1
    }

    /// `"median [q1–q3]"` with `decimals` digits after the point, e.g.
    /// `"1200.0 [310.5–8800.0]"` (the quartiles, not their difference, as
    /// most journals print it).
    pub fn median_iqr(&self, decimals: usize) -> String {
        format!(
            "{:.d$} [{:.d$}\u{2013}{:.d$}]",
            self.median,
            self.q1,
            self.q3,
            d = decimals
        )
    }

    /// `"mean (SD)"` with `decimals` digits after the point; `"mean (–)"`
    /// when the SD is undefined (a single value).
    pub fn mean_sd(&self, decimals: usize) -> String {
        match self.sd {
            Some(sd) => format!("{:.d$} ({:.d$})", self.mean, sd, d = decimals),
            None => format!("{:.d$} (\u{2013})", self.mean, d = decimals),
        }
    }
}

/// Describes `values`, dropping `NaN` as missing.
///
/// Fails with [`StatsError::TooFew`] when no value is present and with
/// [`StatsError::Invalid`] on an infinite value.
pub fn describe(values: &[f64]) -> Result<Description, StatsError> {
    let (mut x, n_missing) = present("describe", values)?;
    let n = x.len();
    if n == 0 {
        return Err(StatsError::TooFew {
            statistic: "describe",
            what: "non-missing values",
            needed: 1,
            found: 0,
        });
    }
    let mean = mean(&x);
    let sd = if n > 1 {
        // Two-pass: the centred sum of squares avoids the cancellation of
        // Σx² − n·mean², which matters for view counts in the millions.
        let ss: f64 = x.iter().map(|v| (v - mean) * (v - mean)).sum();
        Some((ss / (n - 1) as f64).sqrt())
    } else {
        None
    };
    x.sort_unstable_by(f64::total_cmp);
    Ok(Description {
        n,
        n_missing,
        mean,
        sd,
        median: quantile_sorted(&x, 0.5),
        q1: quantile_sorted(&x, 0.25),
        q3: quantile_sorted(&x, 0.75),
        min: x[0],
        max: x[n - 1],
    })
}

/// The type-7 quantile at `p` (0 ≤ p ≤ 1) of ascending, non-empty `sorted`.
///
/// Callers guarantee both; out-of-range `p` is clamped.
pub fn quantile_sorted(sorted: &[f64], p: f64) -> f64 {
    let n = sorted.len();
    if n == 0 {
        return f64::NAN;
    }
    let h = (n - 1) as f64 * p.clamp(0.0, 1.0);
    let lo = h.floor() as usize;
    let frac = h - lo as f64;
    if lo + 1 >= n {
        return sorted[n - 1];
    }
    let (a, b) = (sorted[lo], sorted[lo + 1]);
    // numpy's _lerp: evaluate from the nearer end for accuracy.
    if frac >= 0.5 {
        b - (b - a) * (1.0 - frac)
    } else {
        a + (b - a) * frac
    }
}

/// Mean with a compensated (Neumaier) sum, so a 100 000-value mean agrees
/// with numpy's pairwise sum to the last digits.
pub(crate) fn mean(x: &[f64]) -> f64 {
    let mut sum = 0.0f64;
    let mut c = 0.0f64;
    for &v in x {
        let t = sum + v;
        if sum.abs() >= v.abs() {
            c += (sum - t) + v;
        } else {
            c += (v - t) + sum;
        }
        sum = t;
    }
    (sum + c) / x.len() as f64
}

/// The non-missing values of `values` and the count of `NaN`s dropped;
/// [`StatsError::Invalid`] on an infinite value.
pub(crate) fn present(
    statistic: &'static str,
    values: &[f64],
) -> Result<(Vec<f64>, usize), StatsError> {
    let mut out = Vec::with_capacity(values.len());
    for (i, &v) in values.iter().enumerate() {
        if v.is_nan() {
            continue;
        }
        if v.is_infinite() {
            return Err(StatsError::Invalid {
                statistic,
                reason: format!("value at index {i} is infinite"),
            });
        }
        out.push(v);
    }
    let missing = values.len() - out.len();
    Ok((out, missing))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_sample() {
        let d = describe(&[3.0, 1.0, f64::NAN, 2.0, 10.0]).unwrap();
        assert_eq!((d.n, d.n_missing), (4, 1));
        assert_eq!(d.mean, 4.0);
        assert_eq!(d.median, 2.5);
        assert_eq!(d.q1, 1.75);
        assert_eq!(d.q3, 4.75);
        assert_eq!((d.min, d.max), (1.0, 10.0));
        assert_eq!(d.median_iqr(2), "2.50 [1.75\u{2013}4.75]");
        assert_eq!(d.mean_sd(1), "4.0 (4.1)");
    }

    #[test]
    fn single_value_has_no_sd() {
        let d = describe(&[5.0]).unwrap();
        assert_eq!(d.sd, None);
        assert_eq!((d.median, d.q1, d.q3), (5.0, 5.0, 5.0));
        assert_eq!(d.mean_sd(0), "5 (\u{2013})");
    }

    #[test]
    fn constant_data_has_zero_sd() {
        let d = describe(&[2.0; 4]).unwrap();
        assert_eq!(d.sd, Some(0.0));
        assert_eq!(d.iqr(), 0.0);
    }

    #[test]
    fn empty_and_all_missing_fail() {
        assert!(matches!(describe(&[]), Err(StatsError::TooFew { .. })));
        assert!(matches!(
            describe(&[f64::NAN, f64::NAN]),
            Err(StatsError::TooFew { found: 0, .. })
        ));
    }

    #[test]
    fn infinity_is_invalid() {
        assert!(matches!(
            describe(&[1.0, f64::INFINITY]),
            Err(StatsError::Invalid { .. })
        ));
    }
}
