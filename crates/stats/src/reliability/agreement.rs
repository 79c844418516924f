//! Percent agreement: the share of coder pairs that gave a unit the same code.

use serde::Serialize;

use super::Ratings;
use crate::error::StatsError;

/// Percent agreement, with the units it was computed on.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PercentAgreement {
    /// Agreement as a fraction in `0..=1` (multiply by 100 to print a percentage).
    pub agreement: f64,
    /// Units with at least two values (the ones that count).
    pub units_used: usize,
    /// Units with fewer than two values, left out.
    pub units_dropped: usize,
}

/// Percent agreement (exact equality of codes, no chance correction).
///
/// For each unit with at least two values, the share of the pairs of coders
/// who coded it that gave the same code; the result is the mean of that share
/// over those units, each unit weighted equally. With two coders this is the
/// familiar "share of units both coded on which they agree"; with more coders
/// it is mean pairwise agreement per unit (a unit coded 1, 1, 2 by three
/// coders agrees on 1 of its 3 pairs). Units with fewer than two values are
/// left out and counted in `units_dropped`.
///
/// Errors with [`StatsError::TooFew`] when no unit has two values.
pub fn percent_agreement(ratings: &Ratings) -> Result<PercentAgreement, StatsError> {
    let mut present = Vec::with_capacity(ratings.n_coders());
    let mut total = 0.0;
    let mut used = 0usize;
    for row in ratings.raw_rows() {
        present.clear();
        present.extend(row.iter().copied().filter(|v| !v.is_nan()));
        let m = present.len();
        if m < 2 {
            continue;
        }
        let mut agree = 0usize;
        for (i, a) in present.iter().enumerate() {
            agree += present[i + 1..].iter().filter(|b| *b == a).count();
        }
        total += agree as f64 / (m * (m - 1) / 2) as f64;
        used += 1;
    }
    if used == 0 {
        return Err(StatsError::TooFew {
            statistic: "percent agreement",
            what: "units coded by at least two coders",
            needed: 1,
            found: 0,
        });
    }
    Ok(PercentAgreement {
        agreement: total / used as f64,
        units_used: used,
        units_dropped: ratings.n_units() - used,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn two_and_three_coders() {
        let r = Ratings::from_rows(&[
            vec![Some(1.0), Some(1.0)],
            vec![Some(1.0), Some(2.0)],
            vec![Some(2.0), None],
        ])
        .unwrap();
        let a = percent_agreement(&r).unwrap();
        assert_eq!((a.agreement, a.units_used, a.units_dropped), (0.5, 2, 1));
        let r = Ratings::from_rows(&[vec![Some(1.0), Some(1.0), Some(2.0)]]).unwrap();
        assert!((percent_agreement(&r).unwrap().agreement - 1.0 / 3.0).abs() < 1e-15);
        let r = Ratings::from_rows(&[vec![Some(1.0), None]]).unwrap();
        assert!(matches!(
            percent_agreement(&r),
            Err(StatsError::TooFew { .. })
        ));
    }
}
