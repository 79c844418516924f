//! Totals, medians and interquartile ranges of a column of values.

use serde::Serialize;

/// `quantile(p)` with linear interpolation between order statistics
/// (Hyndman & Fan type 7: R's default and numpy's `linear`), over values that
/// are present. `None` for an empty column.
pub fn quantile(values: &[f64], p: f64) -> Option<f64> {
    let mut sorted: Vec<f64> = values.iter().copied().filter(|v| v.is_finite()).collect();
    sorted.sort_by(f64::total_cmp);
    quantile_sorted(&sorted, p)
}

/// [`quantile`] of values already sorted ascending and finite.
pub fn quantile_sorted(sorted: &[f64], p: f64) -> Option<f64> {
    if sorted.is_empty() || !(0.0..=1.0).contains(&p) {
        return None;
    }
    let h = (sorted.len() - 1) as f64 * p;
    let lo = h.floor() as usize;
    let hi = h.ceil() as usize;
    let (a, b) = (sorted.get(lo)?, sorted.get(hi)?);
    Some(a + (h - lo as f64) * (b - a))
}

/// Summary of one column: how many values, their sum, median and quartiles.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ColumnSummary {
    /// Values present.
    pub n: usize,
    /// Values missing.
    pub missing: usize,
    /// Sum of present values (meaningful for counts only).
    pub total: Option<f64>,
    /// Median (type 7 quantile at 0.5).
    pub median: Option<f64>,
    /// First quartile (type 7 quantile at 0.25).
    pub q1: Option<f64>,
    /// Third quartile (type 7 quantile at 0.75).
    pub q3: Option<f64>,
}

/// Summarises a column whose entries may be missing.
pub fn summarise(values: &[Option<f64>]) -> ColumnSummary {
    let mut present: Vec<f64> = values
        .iter()
        .flatten()
        .copied()
        .filter(|v| v.is_finite())
        .collect();
    present.sort_by(f64::total_cmp);
    ColumnSummary {
        n: present.len(),
        missing: values.len() - present.len(),
        total: (!present.is_empty()).then(|| present.iter().sum()),
        median: quantile_sorted(&present, 0.5),
        q1: quantile_sorted(&present, 0.25),
        q3: quantile_sorted(&present, 0.75),
    }
}

/// Pooled rate over videos: `Σ numerator / Σ denominator`, over the videos
/// where both are present. This is the "total" row of a rate column: the rate
/// of the campaign as a whole, which weights big videos more than the median does.
pub fn pooled_rate(pairs: &[(Option<f64>, Option<f64>)]) -> Option<f64> {
    let (mut num, mut den) = (0.0, 0.0);
    for (n, d) in pairs {
        if let (Some(n), Some(d)) = (n, d) {
            num += n;
            den += d;
        }
    }
    (den > 0.0).then(|| num / den)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn quantiles_match_numpy_linear() {
        // numpy.quantile([1, 2, 3, 4, 10], [.25, .5, .75]) == [2, 3, 4]
        let v = [10.0, 1.0, 3.0, 2.0, 4.0];
        assert_eq!(quantile(&v, 0.25), Some(2.0));
        assert_eq!(quantile(&v, 0.5), Some(3.0));
        assert_eq!(quantile(&v, 0.75), Some(4.0));
        // numpy.quantile([1, 2, 3, 4], [.25, .5, .75]) == [1.75, 2.5, 3.25]
        let w = [1.0, 2.0, 3.0, 4.0];
        assert_eq!(quantile(&w, 0.25), Some(1.75));
        assert_eq!(quantile(&w, 0.5), Some(2.5));
        assert_eq!(quantile(&w, 0.75), Some(3.25));
        assert_eq!(quantile(&[], 0.5), None);
    }

    #[test]
    fn missing_values_are_counted_not_zeroed() {
        let s = summarise(&[Some(1.0), None, Some(3.0)]);
        assert_eq!((s.n, s.missing), (2, 1));
        assert_eq!(s.total, Some(4.0));
        assert_eq!(s.median, Some(2.0));
        assert_eq!(summarise(&[None]).total, None);
    }

    #[test]
    fn pooled_rate_skips_incomplete_pairs() {
        let r = pooled_rate(&[
            (Some(10.0), Some(100.0)),
            (Some(5.0), None),
            (Some(30.0), Some(100.0)),
        ]);
        assert_eq!(r, Some(0.2));
    }

    proptest! {
        #[test]
        fn quartiles_are_ordered_and_within_range(v in proptest::collection::vec(-1e6f64..1e6, 1..60)) {
            let q1 = quantile(&v, 0.25).unwrap_or(f64::NAN);
            let q2 = quantile(&v, 0.5).unwrap_or(f64::NAN);
            let q3 = quantile(&v, 0.75).unwrap_or(f64::NAN);
            let min = v.iter().copied().fold(f64::INFINITY, f64::min);
            let max = v.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            prop_assert!(min <= q1 && q1 <= q2 && q2 <= q3 && q3 <= max);
        }
    }
}
