//! Fisher's exact test for R×C tables by Monte Carlo, for tables too large
//! to enumerate (R's `fisher.test(x, simulate.p.value = TRUE, B = …)`).
//!
//! Tables with the observed margins are drawn under independence: the N
//! units' column labels are shuffled (Fisher–Yates) and dealt to the rows in
//! order, which draws each table with its multivariate hypergeometric
//! probability. A table is "no more probable than the observed one" when
//! `−Σ ln nᵢⱼ!` is at most the observed value divided by `1 + 64ε`
//! (R's tolerance), and the p-value is `(1 + count) / (B + 1)`, as in R:
//! never zero, and exact in distribution for the test it approximates.
//! The generator is seeded (SplitMix64), so a seed reproduces the p-value.

use super::{shape, zero_margins};
use crate::rng::SplitMix64;
use crate::StatsError;

/// Total counts at most: each replicate shuffles every unit.
pub const MAX_UNITS: u64 = 1_000_000;

/// Replicates at most.
pub const MAX_REPLICATES: usize = 1_000_000;

/// Result of the Monte Carlo Fisher-Freeman-Halton test.
#[derive(Debug, Clone, serde::Serialize)]
pub struct FreemanHaltonMonteCarlo {
    /// Rows and columns of the table.
    pub shape: (usize, usize),
    /// Total count.
    pub n: u64,
    /// Estimated p-value, `(1 + tables no more probable) / (replicates + 1)`.
    pub p: f64,
    /// Monte Carlo standard error of `p`, `√(p(1 − p)/B)`.
    pub standard_error: f64,
    /// Tables drawn (`B`).
    pub replicates: usize,
    /// Seed of the generator.
    pub seed: u64,
}

/// Fisher's exact test of independence for an R×C table of counts, with
/// the p-value estimated from `replicates` random tables with the observed
/// margins (see the module docs).
///
/// Errors: [`StatsError::Invalid`] for an empty or ragged table, no
/// replicates or more than [`MAX_REPLICATES`], or a total above
/// [`MAX_UNITS`]; [`StatsError::Undefined`] when a row or column sums to
/// zero.
pub fn fisher_freeman_halton_monte_carlo<R: AsRef<[u64]>>(
    table: &[R],
    replicates: usize,
    seed: u64,
) -> Result<FreemanHaltonMonteCarlo, StatsError> {
    const STAT: &str = "Fisher-Freeman-Halton test (Monte Carlo)";
    let (rows, cols) = shape(STAT, table)?;
    let invalid = |reason: String| StatsError::Invalid {
        statistic: STAT,
        reason,
    };
    if replicates == 0 || replicates > MAX_REPLICATES {
        return Err(invalid(format!(
            "{replicates} replicates asked for; give 1 to {MAX_REPLICATES}"
        )));
    }
    let row_sums: Vec<u64> = table.iter().map(|r| r.as_ref().iter().sum()).collect();
    let col_sums: Vec<u64> = (0..cols)
        .map(|j| table.iter().map(|r| r.as_ref()[j]).sum())
        .collect();
    let n: u64 = row_sums.iter().sum();
    if n > MAX_UNITS {
        return Err(invalid(format!(
            "N = {n} is above {MAX_UNITS}; with counts this large the chi-square test is accurate"
        )));
    }
    let as_f64 = |v: &[u64]| v.iter().map(|&x| x as f64).collect::<Vec<_>>();
    zero_margins(STAT, &as_f64(&row_sums), &as_f64(&col_sums))?;

    // ln k! for every count a cell can hold.
    let mut ln_fact = vec![0.0f64; n as usize + 1];
    for k in 1..ln_fact.len() {
        ln_fact[k] = ln_fact[k - 1] + (k as f64).ln();
    }
    let statistic = |cells: &mut dyn Iterator<Item = u64>| -> f64 {
        -cells.map(|c| ln_fact[c as usize]).sum::<f64>()
    };
    let observed = statistic(&mut table.iter().flat_map(|r| r.as_ref().iter().copied()));
    let threshold = observed / (1.0 + 64.0 * f64::EPSILON);

    // One column label per unit, shuffled for every replicate.
    let mut labels: Vec<u32> = Vec::with_capacity(n as usize);
    for (j, &c) in col_sums.iter().enumerate() {
        labels.extend(std::iter::repeat_n(j as u32, c as usize));
    }
    let mut rng = SplitMix64(seed);
    let mut cells = vec![0u64; rows * cols];
    let mut as_extreme = 0usize;
    for _ in 0..replicates {
        for i in (1..labels.len()).rev() {
            labels.swap(i, rng.below(i + 1));
        }
        cells.iter_mut().for_each(|c| *c = 0);
        let mut start = 0usize;
        for (i, &r) in row_sums.iter().enumerate() {
            for &label in &labels[start..start + r as usize] {
                cells[i * cols + label as usize] += 1;
            }
            start += r as usize;
        }
        if statistic(&mut cells.iter().copied()) <= threshold {
            as_extreme += 1;
        }
    }
    let p = (1.0 + as_extreme as f64) / (replicates as f64 + 1.0);
    Ok(FreemanHaltonMonteCarlo {
        shape: (rows, cols),
        n,
        p,
        standard_error: (p * (1.0 - p) / replicates as f64).sqrt(),
        replicates,
        seed,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crosstab::fisher_freeman_halton;

    /// Within five standard errors of the exact p-value, on tables the
    /// exact test enumerates.
    #[test]
    fn agrees_with_the_exact_test() {
        let tables: [&[[u64; 3]]; 3] = [
            &[[3, 1, 4], [1, 5, 9], [2, 6, 5]],
            &[[10, 2, 3], [1, 8, 2]],
            &[[4, 4, 4], [4, 4, 5], [3, 5, 4]],
        ];
        for t in tables {
            let exact = fisher_freeman_halton(t).unwrap();
            let mc = fisher_freeman_halton_monte_carlo(t, 20_000, 7).unwrap();
            let se = (exact.p * (1.0 - exact.p) / 20_000.0).sqrt().max(1e-4);
            assert!(
                (mc.p - exact.p).abs() < 5.0 * se,
                "{t:?}: exact {} monte carlo {}",
                exact.p,
                mc.p
            );
        }
    }

    /// R's documented example (`?fisher.test`: job satisfaction by income,
    /// N = 96; R's matrix is filled by column, the transpose of this one,
    /// which has the same p-value): exact p = 0.7827, which the enumeration
    /// here refuses as too large.
    #[test]
    fn r_job_satisfaction_example() {
        let job = [
            [1u64, 2, 1, 0],
            [3, 3, 6, 1],
            [10, 10, 14, 9],
            [6, 7, 12, 11],
        ];
        let mc = fisher_freeman_halton_monte_carlo(&job, 20_000, 1).unwrap();
        assert!((mc.p - 0.7827).abs() < 0.015, "{}", mc.p);
        assert!(mc.standard_error < 0.004);
    }

    #[test]
    fn a_seed_reproduces_the_p_value() {
        let t = [[5u64, 1, 2], [0, 4, 6]];
        let a = fisher_freeman_halton_monte_carlo(&t, 1000, 42).unwrap();
        let b = fisher_freeman_halton_monte_carlo(&t, 1000, 42).unwrap();
        assert_eq!(a.p, b.p);
        assert!(a.p > 0.0 && a.p <= 1.0);
    }

    #[test]
    fn refuses_what_it_cannot_do() {
        let t = [[1u64, 2], [3, 4]];
        assert!(fisher_freeman_halton_monte_carlo(&t, 0, 1).is_err());
        assert!(matches!(
            fisher_freeman_halton_monte_carlo(&[[0u64, 0], [3, 4]], 10, 1),
            Err(StatsError::Undefined { .. })
        ));
        assert!(fisher_freeman_halton_monte_carlo(&[[MAX_UNITS, 1], [1, 1]], 10, 1).is_err());
    }
}
