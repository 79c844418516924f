//! Spearman rank correlation with its two-sided p-value.
//!
//! Matches `scipy.stats.spearmanr`: ρ is Pearson's r of the average ranks
//! (so ties are handled by mid-ranks), and the p-value comes from
//! `t = ρ·√((n − 2)/((1 − ρ)(1 + ρ)))` on a t distribution with n − 2
//! degrees of freedom. Pairs with a missing (`NaN`) value on either side are
//! dropped (pairwise deletion) and counted.

use statrs::distribution::{ContinuousCDF, StudentsT};

use crate::rank::rank_average;
use crate::StatsError;

/// Result of a Spearman correlation.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Spearman {
    /// Pairs used.
    pub n: usize,
    /// Pairs dropped because either value was missing.
    pub n_dropped: usize,
    /// Spearman's ρ.
    pub rho: f64,
    /// The t statistic of the test (infinite when |ρ| = 1).
    pub t: f64,
    /// Degrees of freedom, n − 2.
    pub df: f64,
    /// Two-sided p-value (0 when |ρ| = 1, as scipy).
    pub p: f64,
}

/// Spearman's ρ between `x` and `y` with a two-sided p-value.
///
/// Errors: [`StatsError::Invalid`] if the slices differ in length or hold an
/// infinite value; [`StatsError::TooFew`] with fewer than 3 complete pairs
/// (the t test needs n − 2 ≥ 1); [`StatsError::Undefined`] if either
/// variable is constant.
pub fn spearman(x: &[f64], y: &[f64]) -> Result<Spearman, StatsError> {
    const STAT: &str = "Spearman correlation";
    if x.len() != y.len() {
        return Err(StatsError::Invalid {
            statistic: STAT,
            reason: format!(
                "{} x values for {} y values; they must pair up",
                x.len(),
                y.len()
            ),
        });
    }
    let mut xs = Vec::with_capacity(x.len());
    let mut ys = Vec::with_capacity(y.len());
    for (i, (&a, &b)) in x.iter().zip(y).enumerate() {
        if a.is_infinite() || b.is_infinite() {
            return Err(StatsError::Invalid {
                statistic: STAT,
                reason: format!("pair at index {i} has an infinite value"),
            });
        }
        if a.is_nan() || b.is_nan() {
            continue;
        }
        xs.push(a);
        ys.push(b);
    }
    let n = xs.len();
    if n < 3 {
        return Err(StatsError::TooFew {
            statistic: STAT,
            what: "complete pairs",
            needed: 3,
            found: n,
        });
    }
    let rx = rank_average(&xs)?;
    let ry = rank_average(&ys)?;
    let rho = pearson(&rx.ranks, &ry.ranks).ok_or_else(|| StatsError::Undefined {
        statistic: STAT,
        reason: "one of the variables is constant".to_string(),
    })?;
    let df = (n - 2) as f64;
    let (t, p) = if (1.0 - rho.abs()) <= 0.0 {
        (rho.signum() * f64::INFINITY, 0.0)
    } else {
        let t = rho * (df / ((rho + 1.0) * (1.0 - rho))).sqrt();
        (t, 2.0 * t_sf(t.abs(), df)?)
    };
    Ok(Spearman {
        n,
        n_dropped: x.len() - n,
        rho,
        t,
        df,
        p: p.min(1.0),
    })
}

/// Pearson's r; `None` if either side has zero variance.
fn pearson(a: &[f64], b: &[f64]) -> Option<f64> {
    let n = a.len() as f64;
    let ma = a.iter().sum::<f64>() / n;
    let mb = b.iter().sum::<f64>() / n;
    let (mut sab, mut saa, mut sbb) = (0.0, 0.0, 0.0);
    for (&x, &y) in a.iter().zip(b) {
        let (dx, dy) = (x - ma, y - mb);
        sab += dx * dy;
        saa += dx * dx;
        sbb += dy * dy;
    }
    if saa <= 0.0 || sbb <= 0.0 {
        return None;
    }
    Some((sab / (saa * sbb).sqrt()).clamp(-1.0, 1.0))
}

/// Upper tail of Student's t with `df` degrees of freedom.
pub(crate) fn t_sf(t: f64, df: f64) -> Result<f64, StatsError> {
    let d = StudentsT::new(0.0, 1.0, df).map_err(|e| StatsError::Undefined {
        statistic: "t distribution",
        reason: format!("{df} degrees of freedom: {e}"),
    })?;
    Ok(d.sf(t))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn perfect_monotone_gives_p_zero() {
        let s = spearman(&[1.0, 2.0, 3.0, 4.0], &[1.0, 4.0, 9.0, 16.0]).unwrap();
        assert_eq!(s.rho, 1.0);
        assert_eq!(s.p, 0.0);
    }

    #[test]
    fn missing_pairs_are_dropped() {
        let s = spearman(
            &[1.0, f64::NAN, 3.0, 4.0, 5.0],
            &[2.0, 1.0, 1.0, f64::NAN, 3.0],
        )
        .unwrap();
        assert_eq!((s.n, s.n_dropped), (3, 2));
    }

    #[test]
    fn errors() {
        assert!(matches!(spearman(&[], &[]), Err(StatsError::TooFew { .. })));
        assert!(matches!(
            spearman(&[1.0, 2.0], &[1.0]),
            Err(StatsError::Invalid { .. })
        ));
        assert!(matches!(
            spearman(&[1.0, 1.0, 1.0], &[1.0, 2.0, 3.0]),
            Err(StatsError::Undefined { .. })
        ));
    }
}
