//! A seeded bootstrap interval for Krippendorff's alpha.
//!
//! Method: the units with at least two values are resampled with
//! replacement (as many draws as there are such units), alpha is recomputed
//! on each replicate with the same level of measurement, and the interval is
//! the percentile interval of the replicates (linear interpolation between
//! order statistics, numpy's default `percentile` method). Replicates on
//! which alpha is undefined (every drawn value equal) are skipped and
//! counted. The generator is SplitMix64 (Steele, Lea & Flood 2014) seeded by
//! the caller, so a seed reproduces the interval exactly on every platform.
//!
//! This is **not** Krippendorff's own bootstrap (Hayes & Krippendorff 2007,
//! the `KALPHA` macro), which resamples pairs of values from the coincidence
//! matrix under a model of the observed disagreement; a paper citing this
//! interval should describe it as a unit-level percentile bootstrap.

use crate::rng::SplitMix64;
use serde::Serialize;

use super::alpha::{KrippendorffAlpha, Level, PairableUnits, Scratch};
use super::Ratings;
use crate::error::StatsError;

/// Settings for [`krippendorff_alpha_bootstrap`].
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct BootstrapOptions {
    /// Number of replicates (default 1,000).
    pub replicates: usize,
    /// Seed of the generator; the same seed gives the same interval.
    pub seed: u64,
    /// Coverage of the interval, in `(0, 1)` (default 0.95).
    pub confidence: f64,
}

impl Default for BootstrapOptions {
    fn default() -> Self {
        Self {
            replicates: 1000,
            seed: 20_240_601,
            confidence: 0.95,
        }
    }
}

/// Alpha with a unit-resampling percentile bootstrap interval.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AlphaBootstrap {
    /// The point estimate on the full data.
    pub estimate: KrippendorffAlpha,
    /// Lower end of the percentile interval.
    pub ci_low: f64,
    /// Upper end of the percentile interval.
    pub ci_high: f64,
    /// The settings used.
    pub options: BootstrapOptions,
    /// Replicates on which alpha was defined (the interval uses these).
    pub replicates_used: usize,
    /// Replicates skipped because alpha was undefined on them.
    pub replicates_undefined: usize,
    /// The method in one line, for a methods section.
    pub method: &'static str,
}

const METHOD: &str = "percentile bootstrap resampling units with at least two values \
                      (SplitMix64, seeded); not Hayes & Krippendorff's (2007) algorithm";

/// Krippendorff's alpha with a seeded bootstrap percentile interval (see the
/// module docs for the method).
///
/// Errors as [`krippendorff_alpha`](super::krippendorff_alpha) for the point
/// estimate; [`StatsError::Invalid`] when `replicates` is 0 or `confidence`
/// is not inside `(0, 1)`; [`StatsError::Undefined`] when alpha is undefined
/// on every replicate.
pub fn krippendorff_alpha_bootstrap(
    ratings: &Ratings,
    level: Level,
    options: &BootstrapOptions,
) -> Result<AlphaBootstrap, StatsError> {
    const NAME: &str = "Krippendorff's alpha bootstrap";
    let coverage_ok = options.confidence > 0.0 && options.confidence < 1.0;
    if options.replicates == 0 || !coverage_ok {
        return Err(StatsError::Invalid {
            statistic: NAME,
            reason: format!(
                "expected at least 1 replicate and a confidence inside (0, 1), found {} and {}",
                options.replicates, options.confidence
            ),
        });
    }
    let units = PairableUnits::new(ratings)?;
    let mut scratch = Scratch::default();
    let estimate = units.alpha(level, None, &mut scratch)?;
    let n = units.len();
    let mut rng = SplitMix64(options.seed);
    let mut counts = vec![0u32; n];
    let mut alphas = Vec::with_capacity(options.replicates);
    for _ in 0..options.replicates {
        counts.iter_mut().for_each(|c| *c = 0);
        for _ in 0..n {
            if let Some(c) = counts.get_mut(rng.below(n)) {
                *c += 1;
            }
        }
        if let Ok(a) = units.alpha(level, Some(&counts), &mut scratch) {
            alphas.push(a.alpha);
        }
    }
    if alphas.is_empty() {
        return Err(StatsError::Undefined {
            statistic: NAME,
            reason: format!(
                "alpha was undefined on all {} replicates",
                options.replicates
            ),
        });
    }
    alphas.sort_unstable_by(f64::total_cmp);
    let tail = (1.0 - options.confidence) / 2.0;
    Ok(AlphaBootstrap {
        estimate,
        ci_low: percentile(&alphas, tail),
        ci_high: percentile(&alphas, 1.0 - tail),
        options: *options,
        replicates_used: alphas.len(),
        replicates_undefined: options.replicates - alphas.len(),
        method: METHOD,
    })
}

/// Quantile `q` of sorted `xs` with linear interpolation (numpy's default).
fn percentile(xs: &[f64], q: f64) -> f64 {
    let h = (xs.len() - 1) as f64 * q;
    let lo = h.floor() as usize;
    let hi = (lo + 1).min(xs.len() - 1);
    let (a, b) = (xs[lo], xs[hi]);
    a + (h - lo as f64) * (b - a)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Ratings {
        let mut rng = SplitMix64(7);
        let rows: Vec<Vec<Option<f64>>> = (0..200)
            .map(|_| {
                let truth = rng.below(5) as f64 + 1.0;
                (0..3)
                    .map(|_| match rng.below(10) {
                        0 => None,
                        1 | 2 => Some(rng.below(5) as f64 + 1.0),
                        _ => Some(truth),
                    })
                    .collect()
            })
            .collect();
        Ratings::from_rows(&rows).unwrap()
    }

    #[test]
    fn reproducible_and_contains_estimate() {
        let r = sample();
        let opts = BootstrapOptions::default();
        for level in Level::ALL {
            let a = krippendorff_alpha_bootstrap(&r, level, &opts).unwrap();
            let b = krippendorff_alpha_bootstrap(&r, level, &opts).unwrap();
            assert_eq!(a, b);
            assert!(
                a.ci_low < a.estimate.alpha && a.estimate.alpha < a.ci_high,
                "{a:?}"
            );
            assert!(a.ci_high - a.ci_low < 0.3);
            assert_eq!(a.replicates_used, 1000);
            let other = BootstrapOptions { seed: 1, ..opts };
            let c = krippendorff_alpha_bootstrap(&r, level, &other).unwrap();
            assert_ne!(a.ci_low, c.ci_low);
        }
    }

    #[test]
    fn rejects_bad_options() {
        let r = sample();
        let bad = BootstrapOptions {
            replicates: 0,
            ..BootstrapOptions::default()
        };
        assert!(matches!(
            krippendorff_alpha_bootstrap(&r, Level::Nominal, &bad),
            Err(StatsError::Invalid { .. })
        ));
    }

    #[test]
    fn generator_is_uniform_enough() {
        let mut rng = SplitMix64(1);
        let mut hist = [0usize; 7];
        for _ in 0..70_000 {
            hist[rng.below(7)] += 1;
        }
        assert!(
            hist.iter().all(|&h| (9_500..10_500).contains(&h)),
            "{hist:?}"
        );
        assert!((percentile(&[1.0, 2.0, 3.0, 4.0], 0.5) - 2.5).abs() < 1e-15);
    }
}
