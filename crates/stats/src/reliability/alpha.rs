//! Krippendorff's alpha for nominal, ordinal, interval and ratio data, with
//! missing values, matching the `krippendorff` Python package.
//!
//! The package builds the V × V coincidence matrix over the V distinct
//! values. This module computes the same sums without materialising it:
//! observed disagreement is summed over the pairs of values inside each unit
//! (weight `1 / (m_u - 1)`, `m_u` = values in the unit), and expected
//! disagreement from the value totals `n_c` alone. For the ordinal metric the
//! package's distance `(sum_{g=c..k} n_g - (n_c + n_k) / 2)^2` equals
//! `(M_k - M_c)^2` with the mid-rank `M_c = n_1 + ... + n_{c-1} + n_c / 2`, so
//! ordinal is the interval metric on mid-ranks and both have an O(V)
//! expected disagreement; ratio keeps the O(V^2) double sum. The work is
//! O(values + V) (O(values + V^2) for ratio) with no V × V allocation.

use serde::Serialize;

use super::Ratings;
use crate::error::StatsError;

/// Stevens' level of measurement, which picks the distance metric.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    /// Categories: distance 0 if equal, 1 otherwise.
    Nominal,
    /// Ordered categories: squared distance between mid-ranks of the pooled
    /// pairable values (Krippendorff's ordinal metric).
    Ordinal,
    /// Differences: `(c - k)^2`.
    Interval,
    /// Ratios: `((c - k) / (c + k))^2`, 0 when `c + k = 0` (as the package).
    Ratio,
}

impl Level {
    /// All four levels, in the usual order.
    pub const ALL: [Level; 4] = [
        Level::Nominal,
        Level::Ordinal,
        Level::Interval,
        Level::Ratio,
    ];

    /// The name the `krippendorff` package uses (`level_of_measurement`).
    pub fn name(self) -> &'static str {
        match self {
            Level::Nominal => "nominal",
            Level::Ordinal => "ordinal",
            Level::Interval => "interval",
            Level::Ratio => "ratio",
        }
    }
}

/// Krippendorff's alpha with the quantities behind it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct KrippendorffAlpha {
    /// The level of measurement.
    pub level: Level,
    /// Alpha = 1 - observed / expected disagreement.
    pub alpha: f64,
    /// Observed disagreement `D_o = (1/n) sum_ck o_ck d_ck`.
    pub observed_disagreement: f64,
    /// Expected disagreement `D_e = (1/(n(n-1))) sum_ck n_c n_k d_ck`.
    pub expected_disagreement: f64,
    /// Pairable values `n` (values in units with at least two values).
    pub pairable_values: usize,
    /// Distinct pairable values `V`.
    pub distinct_values: usize,
    /// Units with at least two values (the ones that count).
    pub units_used: usize,
    /// Units with fewer than two values, which carry no pairs and are left out
    /// (the package keeps them but they add nothing to the coincidences).
    pub units_dropped: usize,
}

/// Krippendorff's alpha, matching `krippendorff.alpha(reliability_data,
/// level_of_measurement=level.name())` with the value domain it infers
/// (the sorted distinct values).
///
/// Units with fewer than two values are left out (they hold no pairable
/// values; the package's result is the same). Errors:
/// [`StatsError::TooFew`] when no unit has two values (the package raises
/// `ValueError`); [`StatsError::Undefined`] when expected disagreement is zero,
/// i.e. all pairable values are the same (the package raises `ValueError`
/// "There has to be more than one value in the domain" or, if another value
/// occurs only in units with a single value, returns NaN).
pub fn krippendorff_alpha(
    ratings: &Ratings,
    level: Level,
) -> Result<KrippendorffAlpha, StatsError> {
    let units = PairableUnits::new(ratings)?;
    let mut scratch = Scratch::default();
    units.alpha(level, None, &mut scratch)
}

/// The units with at least two values, their values coded as positions in
/// the sorted domain of distinct pairable values.
#[derive(Debug, Clone)]
pub(crate) struct PairableUnits {
    domain: Vec<f64>,
    codes: Vec<u32>,
    /// `codes[offsets[u]..offsets[u + 1]]` are unit u's codes.
    offsets: Vec<usize>,
    units_dropped: usize,
}

/// Buffers reused across bootstrap replicates.
#[derive(Debug, Default)]
pub(crate) struct Scratch {
    n_c: Vec<f64>,
    position: Vec<f64>,
}

/// Above this many distinct values the domain is built by one sort instead of
/// insertion into a small sorted vector.
const SMALL_DOMAIN: usize = 256;

impl PairableUnits {
    pub(crate) fn new(ratings: &Ratings) -> Result<Self, StatsError> {
        let mut values = Vec::with_capacity(ratings.n_units() * ratings.n_coders());
        let mut offsets = Vec::with_capacity(ratings.n_units() + 1);
        offsets.push(0);
        for row in ratings.raw_rows() {
            let before = values.len();
            values.extend(row.iter().copied().filter(|v| !v.is_nan()));
            if values.len() - before < 2 {
                values.truncate(before);
            } else {
                offsets.push(values.len());
            }
        }
        let used = offsets.len() - 1;
        if used == 0 {
            return Err(StatsError::TooFew {
                statistic: "Krippendorff's alpha",
                what: "units coded by at least two coders",
                needed: 1,
                found: 0,
            });
        }
        let domain = build_domain(&values);
        let codes = values
            .iter()
            .map(|v| domain.partition_point(|d| d < v) as u32)
            .collect();
        Ok(Self {
            domain,
            codes,
            offsets,
            units_dropped: ratings.n_units() - used,
        })
    }

    /// Number of pairable units.
    pub(crate) fn len(&self) -> usize {
        self.offsets.len() - 1
    }

    fn unit(&self, u: usize) -> &[u32] {
        self.codes
            .get(self.offsets[u]..self.offsets[u + 1])
            .unwrap_or(&[])
    }

    /// Alpha over the units, each counted `weights[u]` times (once each when
    /// `weights` is `None`; bootstrap replicates pass multiplicities).
    pub(crate) fn alpha(
        &self,
        level: Level,
        weights: Option<&[u32]>,
        scratch: &mut Scratch,
    ) -> Result<KrippendorffAlpha, StatsError> {
        let v = self.domain.len();
        let weight = |u: usize| weights.map_or(1.0, |w| f64::from(w.get(u).copied().unwrap_or(0)));
        // Pass 1: pairable value totals n_c.
        let n_c = &mut scratch.n_c;
        n_c.clear();
        n_c.resize(v, 0.0);
        for u in 0..self.len() {
            let w = weight(u);
            if w != 0.0 {
                for &c in self.unit(u) {
                    n_c[c as usize] += w;
                }
            }
        }
        let n: f64 = n_c.iter().sum();
        // Positions on the line for the metrics that are squared differences.
        let t = &mut scratch.position;
        t.clear();
        match level {
            Level::Ordinal => {
                let mut below = 0.0;
                t.extend(n_c.iter().map(|&nc| {
                    let mid = below + nc / 2.0;
                    below += nc;
                    mid
                }));
            }
            _ => t.extend_from_slice(&self.domain),
        }
        let x = &self.domain;
        // Pass 2: observed disagreement, summed over unordered pairs (x2).
        let observed = match level {
            Level::Nominal => self.observed(&weight, |a, b| f64::from(u8::from(a != b))),
            Level::Ordinal | Level::Interval => {
                self.observed(&weight, |a, b| (t[a as usize] - t[b as usize]).powi(2))
            }
            Level::Ratio => self.observed(&weight, |a, b| ratio(x[a as usize], x[b as usize])),
        };
        // Expected disagreement numerator: sum_ck n_c n_k d_ck.
        let expected = match level {
            Level::Nominal => n * n - n_c.iter().map(|c| c * c).sum::<f64>(),
            Level::Ordinal | Level::Interval => {
                let mean = n_c.iter().zip(t.iter()).map(|(c, p)| c * p).sum::<f64>() / n;
                2.0 * n
                    * n_c
                        .iter()
                        .zip(t.iter())
                        .map(|(c, p)| c * (p - mean).powi(2))
                        .sum::<f64>()
            }
            Level::Ratio => {
                let mut s = 0.0;
                for c in 0..v {
                    if n_c[c] == 0.0 {
                        continue;
                    }
                    let mut row = 0.0;
                    for k in c + 1..v {
                        row += n_c[k] * ratio(x[c], x[k]);
                    }
                    s += n_c[c] * row;
                }
                2.0 * s
            }
        } / (n - 1.0);
        if expected.is_nan() || expected <= 0.0 {
            return Err(StatsError::Undefined {
                statistic: "Krippendorff's alpha",
                reason: format!(
                    "expected disagreement is zero: every pairable value is {}",
                    x.first().copied().unwrap_or(f64::NAN)
                ),
            });
        }
        Ok(KrippendorffAlpha {
            level,
            alpha: 1.0 - observed / expected,
            observed_disagreement: observed / n,
            expected_disagreement: expected / n,
            pairable_values: n as usize,
            distinct_values: n_c.iter().filter(|c| **c > 0.0).count(),
            units_used: self.len(),
            units_dropped: self.units_dropped,
        })
    }

    /// `sum_u w_u / (m_u - 1) * sum_{i != j} d(c_i, c_j)`.
    fn observed(&self, weight: &impl Fn(usize) -> f64, d: impl Fn(u32, u32) -> f64) -> f64 {
        let mut total = 0.0;
        for u in 0..self.len() {
            let w = weight(u);
            if w == 0.0 {
                continue;
            }
            let codes = self.unit(u);
            let mut s = 0.0;
            for (i, &a) in codes.iter().enumerate() {
                for &b in &codes[i + 1..] {
                    s += d(a, b);
                }
            }
            total += w * 2.0 * s / (codes.len() - 1) as f64;
        }
        total
    }
}

/// The package's ratio metric.
fn ratio(a: f64, b: f64) -> f64 {
    let s = a + b;
    if s == 0.0 {
        0.0
    } else {
        ((a - b) / s).powi(2)
    }
}

/// Sorted distinct values. Reliability data usually has a handful of codes,
/// so insertion into a small sorted vector beats sorting every value; a
/// continuous variable falls back to one sort.
fn build_domain(values: &[f64]) -> Vec<f64> {
    let mut domain: Vec<f64> = Vec::new();
    for &v in values {
        if let Err(pos) = domain.binary_search_by(|d| d.total_cmp(&v)) {
            if domain.len() >= SMALL_DOMAIN {
                let mut all = values.to_vec();
                all.sort_unstable_by(f64::total_cmp);
                all.dedup();
                return all;
            }
            domain.insert(pos, v);
        }
    }
    domain
}

#[cfg(test)]
mod tests {
    use super::*;

    fn from_coders(coders: &[&[f64]]) -> Ratings {
        // Columns as in the package's docs (coder × unit), NaN = missing.
        let n = coders[0].len();
        let rows: Vec<Vec<Option<f64>>> = (0..n)
            .map(|u| {
                coders
                    .iter()
                    .map(|c| Some(c[u]).filter(|v| !v.is_nan()))
                    .collect()
            })
            .collect();
        Ratings::from_rows(&rows).unwrap()
    }

    const N: f64 = f64::NAN;

    #[test]
    fn package_docstring_examples() {
        let r = from_coders(&[
            &[N, N, N, N, N, 3., 4., 1., 2., 1., 1., 3., 3., N, 3.],
            &[1., N, 2., 1., 3., 3., 4., 3., N, N, N, N, N, N, N],
            &[N, N, 2., 1., 3., 4., 4., N, 2., 1., 1., 3., 3., N, 4.],
        ]);
        let a = |l| krippendorff_alpha(&r, l).unwrap().alpha;
        assert!((a(Level::Nominal) - 0.691358).abs() < 5e-7);
        assert!((a(Level::Interval) - 0.810845).abs() < 5e-7);
        let r = from_coders(&[
            &[1., 2., 3., 3., 2., 1., 4., 1., 2., N, N, N],
            &[1., 2., 3., 3., 2., 2., 4., 1., 2., 5., N, 3.],
            &[N, 3., 3., 3., 2., 3., 4., 2., 2., 5., 1., N],
            &[1., 2., 3., 3., 2., 4., 4., 1., 2., 5., 1., N],
        ]);
        assert!((krippendorff_alpha(&r, Level::Ordinal).unwrap().alpha - 0.815).abs() < 5e-4);
        assert!((krippendorff_alpha(&r, Level::Ratio).unwrap().alpha - 0.797).abs() < 5e-4);
    }

    #[test]
    fn undefined_and_too_few() {
        // All values identical: the package raises ValueError.
        let r = from_coders(&[&[3., 3., 3.], &[3., 3., N]]);
        for l in Level::ALL {
            assert!(matches!(
                krippendorff_alpha(&r, l),
                Err(StatsError::Undefined { .. })
            ));
        }
        // One unit with one value: no pairable unit.
        let r = from_coders(&[&[1.], &[N]]);
        assert!(matches!(
            krippendorff_alpha(&r, Level::Nominal),
            Err(StatsError::TooFew { .. })
        ));
        // A single unit with two different values is defined (alpha 0).
        let r = from_coders(&[&[1.], &[2.]]);
        assert!(krippendorff_alpha(&r, Level::Interval).unwrap().alpha.abs() < 1e-15);
    }

    #[test]
    fn large_domain_uses_sort_path() {
        let a: Vec<f64> = (0..1000).map(|i| f64::from(i) * 0.5).collect();
        let b: Vec<f64> = a.iter().map(|x| x + 0.25).collect();
        let r = from_coders(&[&a, &b]);
        let got = krippendorff_alpha(&r, Level::Interval).unwrap();
        assert_eq!(got.distinct_values, 2000);
        assert!(got.alpha > 0.99);
    }
}
