//! Average ranks with ties, and the tie-correction terms the rank tests share.
//!
//! Ranks are 1-based and tied values get the mean of the ranks they span
//! (`scipy.stats.rankdata(method="average")`). The tie term `Σ (t³ − t)` over
//! groups of `t` tied values is what Mann-Whitney, Kruskal-Wallis and Dunn use
//! to correct their variances. Sort-based: O(n log n).

use crate::StatsError;

/// Ranks of a sample plus the sizes of its groups of tied values.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Ranks {
    /// The average rank of each value, in input order (1-based).
    pub ranks: Vec<f64>,
    /// The size of every group of two or more equal values.
    pub tie_sizes: Vec<usize>,
}

impl Ranks {
    /// `Σ (t³ − t)` over the tie groups (0 when there are no ties).
    pub fn tie_term(&self) -> f64 {
        tie_term(&self.tie_sizes)
    }

    /// Whether any two values are equal.
    pub fn has_ties(&self) -> bool {
        !self.tie_sizes.is_empty()
    }
}

/// `Σ (t³ − t)` over groups of `t` tied values.
pub fn tie_term(tie_sizes: &[usize]) -> f64 {
    tie_sizes
        .iter()
        .map(|&t| {
            let t = t as f64;
            t * t * t - t
        })
        .sum()
}

/// Average ranks of `values` (ties share the mean of their ranks).
///
/// Fails with [`StatsError::Invalid`] on a NaN or infinite value: callers drop
/// missing values first, so a NaN here is a bug in the caller's data flow.
pub fn rank_average(values: &[f64]) -> Result<Ranks, StatsError> {
    if let Some(i) = values.iter().position(|v| !v.is_finite()) {
        return Err(StatsError::Invalid {
            statistic: "ranking",
            reason: format!("value {} (index {i}) is not a finite number", values[i]),
        });
    }
    let mut order: Vec<(f64, usize)> = values.iter().copied().zip(0..).collect();
    order.sort_unstable_by(|a, b| a.0.total_cmp(&b.0));
    let mut ranks = vec![0.0; values.len()];
    let mut tie_sizes = Vec::new();
    let mut start = 0;
    while start < order.len() {
        let mut end = start + 1;
        // `==` rather than total_cmp so that -0.0 and 0.0 tie, as in numpy.
        while end < order.len() && order[end].0 == order[start].0 {
            end += 1;
        }
        // Positions start..end hold ranks start+1..=end; their mean:
        let rank = (start + end + 1) as f64 / 2.0;
        for &(_, i) in &order[start..end] {
            ranks[i] = rank;
        }
        if end - start > 1 {
            tie_sizes.push(end - start);
        }
        start = end;
    }
    Ok(Ranks { ranks, tie_sizes })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranks_with_ties() {
        let r = rank_average(&[10.0, 20.0, 10.0, 30.0, 20.0, 20.0]).unwrap();
        assert_eq!(r.ranks, vec![1.5, 4.0, 1.5, 6.0, 4.0, 4.0]);
        assert_eq!(r.tie_sizes, vec![2, 3]);
        assert_eq!(r.tie_term(), 6.0 + 24.0);
    }

    #[test]
    fn negative_zero_ties_with_zero() {
        let r = rank_average(&[0.0, -0.0, 1.0]).unwrap();
        assert_eq!(r.ranks, vec![1.5, 1.5, 3.0]);
    }

    #[test]
    fn nan_is_rejected() {
        assert!(matches!(
            rank_average(&[1.0, f64::NAN]),
            Err(StatsError::Invalid { .. })
        ));
    }

    #[test]
    fn empty_is_empty() {
        let r = rank_average(&[]).unwrap();
        assert!(r.ranks.is_empty() && !r.has_ties());
    }
}
