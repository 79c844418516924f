//! Fisher's exact test for R×C tables (Freeman & Halton 1951), by complete
//! enumeration.
//!
//! Under independence with both margins fixed, a table `n` has probability
//! `P(n) = ∏ rᵢ! ∏ cⱼ! / (N! ∏ nᵢⱼ!)` (the multivariate hypergeometric
//! distribution of `scipy.stats.random_table`). The p-value is the sum of
//! `P` over every table with the observed margins that is no more probable
//! than the observed one, with R's relative tolerance `1 + 10⁻⁷`
//! (`fisher.test`), so that tables equally probable up to rounding count as
//! such.
//!
//! Tables are filled column by column. Before filling the next column, two
//! bounds on the probability of any completion are computed from what is
//! left (each remaining column on its own: spread as evenly as possible for
//! the most probable completion, piled into the largest rows for the least
//! probable): when every completion is no more probable than the observed
//! table, the whole subtree's mass, known in closed form
//! (`Σ 1/∏ nᵢⱼ! = N′!/(∏ rᵢ′! ∏ cⱼ′!)`), is added at once; when none is, the
//! subtree is skipped. This is the pruning idea of Mehta & Patel's (1983)
//! network algorithm without its merging of equal nodes. The work still
//! grows quickly with the counts and the number of cells, so the search
//! stops with an error after [`MAX_STEPS`] steps; such a table gets the
//! same test by Monte Carlo ([`super::fisher_freeman_halton_monte_carlo`]). The 2×2 case is
//! [`super::fisher_exact`], which also gives the odds ratio and one-sided
//! tests.

use super::{shape, zero_margins};
use crate::StatsError;

/// Steps (tables and pruned subtrees) at most: about 1.3 s of work in a
/// release build on this project's 2-core benchmark machine.
pub const MAX_STEPS: u64 = 20_000_000;

/// R's relative tolerance for "no more probable than the observed table".
const RELATIVE_TOLERANCE: f64 = 1e-7;

/// Result of the Fisher-Freeman-Halton exact test.
#[derive(Debug, Clone, serde::Serialize)]
pub struct FreemanHalton {
    /// Rows and columns of the table.
    pub shape: (usize, usize),
    /// Total count.
    pub n: u64,
    /// Probability of the observed table under independence (scipy's
    /// `statistic` for R×C tables).
    pub p_table: f64,
    /// p-value: the probability of a table no more probable than the observed.
    pub p: f64,
    /// Tables and subtrees of tables the search visited (a measure of the
    /// work, not the number of tables with these margins).
    pub tables: u64,
}

/// Fisher's exact test of independence for an R×C table of counts
/// (Fisher-Freeman-Halton), by complete enumeration of the tables with the
/// observed margins.
///
/// Errors: [`StatsError::Invalid`] for an empty or ragged table, or when the
/// search needs more than [`MAX_STEPS`] steps (use
/// [`super::fisher_freeman_halton_monte_carlo`], or the chi-square test);
/// [`StatsError::Undefined`] when a row or column sums to zero.
pub fn fisher_freeman_halton<R: AsRef<[u64]>>(table: &[R]) -> Result<FreemanHalton, StatsError> {
    within(table, MAX_STEPS)
}

/// [`fisher_freeman_halton`] with at most `max_steps` steps.
fn within<R: AsRef<[u64]>>(table: &[R], max_steps: u64) -> Result<FreemanHalton, StatsError> {
    const STAT: &str = "Fisher-Freeman-Halton exact test";
    let (rows, cols) = shape(STAT, table)?;
    let row_sums: Vec<u64> = table.iter().map(|r| r.as_ref().iter().sum()).collect();
    let col_sums: Vec<u64> = (0..cols)
        .map(|j| table.iter().map(|r| r.as_ref()[j]).sum())
        .collect();
    let as_f64 = |v: &[u64]| v.iter().map(|&x| x as f64).collect::<Vec<_>>();
    zero_margins(STAT, &as_f64(&row_sums), &as_f64(&col_sums))?;
    let n: u64 = row_sums.iter().sum();
    let ln_fact = ln_factorials(n);
    let lf = |k: u64| ln_fact[k as usize];
    let constant: f64 = row_sums.iter().map(|&r| lf(r)).sum::<f64>()
        + col_sums.iter().map(|&c| lf(c)).sum::<f64>()
        - lf(n);
    let observed: f64 = constant
        - table
            .iter()
            .flat_map(|r| r.as_ref().iter())
            .map(|&x| lf(x))
            .sum::<f64>();
    if rows == 1 || cols == 1 {
        return Ok(FreemanHalton {
            shape: (rows, cols),
            n,
            p_table: 1.0,
            p: 1.0,
            tables: 1,
        });
    }
    let mut walk = Walk {
        max_steps,
        col_sums: &col_sums,
        ln_fact: &ln_fact,
        cut: observed + RELATIVE_TOLERANCE.ln_1p(),
        remaining: row_sums.clone(),
        tables: 0,
        p: 0.0,
        total: 0.0,
    };
    walk.column(0, constant).map_err(|()| StatsError::Invalid {
        statistic: STAT,
        reason: format!(
            "the {rows}×{cols} table with N = {n} needs more than {max_steps} steps to \
             enumerate the tables with its margins; use the chi-square test or a Monte Carlo \
             test"
        ),
    })?;
    // `total` is 1 up to rounding; dividing by it keeps p within [0, 1].
    Ok(FreemanHalton {
        shape: (rows, cols),
        n,
        p_table: observed.exp(),
        p: (walk.p / walk.total).min(1.0),
        tables: walk.tables,
    })
}

/// `ln k!` for k in 0..=n.
fn ln_factorials(n: u64) -> Vec<f64> {
    let mut out = Vec::with_capacity(n as usize + 1);
    let mut acc = 0.0f64;
    out.push(0.0);
    for k in 1..=n {
        acc += (k as f64).ln();
        out.push(acc);
    }
    out
}

/// The enumeration: fills the table column by column, each column row by
/// row, within what is left of every row's sum.
struct Walk<'a> {
    max_steps: u64,
    col_sums: &'a [u64],
    ln_fact: &'a [f64],
    /// Tables with `ln P` at most this count towards the p-value.
    cut: f64,
    /// What is left of each row's sum.
    remaining: Vec<u64>,
    tables: u64,
    p: f64,
    total: f64,
}

impl Walk<'_> {
    /// Fills column `j` onwards; `ln_p` is `ln P` with the cells so far.
    /// `Err` when the budget is spent.
    fn column(&mut self, j: usize, ln_p: f64) -> Result<(), ()> {
        if j + 1 == self.col_sums.len() {
            // The last column is what is left of each row.
            let ln_p = ln_p
                - self
                    .remaining
                    .iter()
                    .map(|&x| self.ln_fact[x as usize])
                    .sum::<f64>();
            self.tables += 1;
            if self.tables > self.max_steps {
                return Err(());
            }
            let p = ln_p.exp();
            self.total += p;
            if ln_p <= self.cut {
                self.p += p;
            }
            return Ok(());
        }
        let (most, least, mass) = self.bounds(j, ln_p);
        if most <= self.cut || least > self.cut {
            // Every completion counts, or none does: no need to visit them.
            self.tables += 1;
            if self.tables > self.max_steps {
                return Err(());
            }
            let mass = mass.exp();
            self.total += mass;
            if most <= self.cut {
                self.p += mass;
            }
            return Ok(());
        }
        self.cell(j, 0, self.col_sums[j], ln_p)
    }

    /// For the completions of columns `j..` from the current row sums, with
    /// `ln_p` so far: an upper bound on the largest `ln P`, a lower bound on
    /// the smallest, and the log of the total mass.
    fn bounds(&self, j: usize, ln_p: f64) -> (f64, f64, f64) {
        let lf = |k: u64| self.ln_fact[k as usize];
        let mut by_size = self.remaining.clone();
        by_size.sort_unstable_by(|a, b| b.cmp(a));
        let mut most = ln_p;
        let mut least = ln_p;
        let mut left = 0u64;
        for &c in &self.col_sums[j..] {
            left += c;
            // Most probable: as even as the rows' sums allow (ignoring the
            // other columns): the smallest rows are filled up first.
            let mut rest = c;
            let mut k = by_size.len() as u64;
            for &cap in by_size.iter().rev() {
                let share = rest.div_ceil(k);
                if cap < share {
                    most -= lf(cap);
                    rest -= cap;
                    k -= 1;
                } else {
                    let (q, r) = (rest / k, rest % k);
                    most -= (k - r) as f64 * lf(q) + r as f64 * lf(q + 1);
                    break;
                }
            }
            // Least probable: piled into the largest rows, each row's sum
            // at most (ignoring the other columns).
            let mut rest = c;
            for &cap in &by_size {
                let take = rest.min(cap);
                least -= lf(take);
                rest -= take;
                if rest == 0 {
                    break;
                }
            }
        }
        let mass = ln_p + lf(left)
            - self.remaining.iter().map(|&r| lf(r)).sum::<f64>()
            - self.col_sums[j..].iter().map(|&c| lf(c)).sum::<f64>();
        (most, least, mass)
    }

    /// Chooses the count of row `i` in column `j`, `left` being what the
    /// column still needs.
    fn cell(&mut self, j: usize, i: usize, left: u64, ln_p: f64) -> Result<(), ()> {
        let rows = self.remaining.len();
        if i + 1 == rows {
            // The last row takes what the column still needs.
            if left > self.remaining[i] {
                return Ok(());
            }
            self.remaining[i] -= left;
            let result = self.column(j + 1, ln_p - self.ln_fact[left as usize]);
            self.remaining[i] += left;
            return result;
        }
        // The rows below can take at most what is left of their sums.
        let below: u64 = self.remaining[i + 1..].iter().sum();
        let low = left.saturating_sub(below);
        let high = left.min(self.remaining[i]);
        for x in low..=high {
            self.remaining[i] -= x;
            let result = self.cell(j, i + 1, left - x, ln_p - self.ln_fact[x as usize]);
            self.remaining[i] += x;
            result?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_2x2_table_agrees_with_fisher_exact() {
        for t in [
            [[3u64, 1], [1, 3]],
            [[8, 2], [1, 5]],
            [[0, 9], [6, 4]],
            [[12, 5], [7, 15]],
        ] {
            let two = super::super::fisher_exact(&t, crate::compare::Alternative::TwoSided)
                .unwrap()
                .p;
            let ffh = fisher_freeman_halton(&t).unwrap();
            assert!((ffh.p - two).abs() < 1e-9, "{t:?}: {} vs {two}", ffh.p);
        }
    }

    #[test]
    fn matches_a_brute_force_enumeration_with_scipy() {
        // reference/freeman_halton_reference.py: every table with the margins
        // enumerated in Python, each weighted by
        // `scipy.stats.random_table(rows, cols).pmf` (scipy 1.17), summing
        // those with pmf <= observed * (1 + 1e-7): (table, p_table, p).
        let cases: [(&[&[u64]], f64, f64); 5] = [
            (
                &[&[3, 1, 2], &[1, 4, 0]],
                0.04329004329004331,
                0.1125541125541126,
            ),
            (
                &[&[8, 2, 3], &[1, 5, 4]],
                0.005782009079895741,
                0.057147052705001235,
            ),
            (
                &[&[2, 0, 1], &[0, 3, 1], &[1, 1, 4]],
                0.005994005994006018,
                0.16083916083916155,
            ),
            (
                &[&[5, 0, 2, 1], &[1, 4, 1, 3]],
                0.002961744138214713,
                0.04533113944878629,
            ),
            (
                &[&[10, 3, 2], &[4, 9, 6], &[1, 2, 8]],
                5.749950118932164e-06,
                0.003526111049574625,
            ),
        ];
        for (table, p_table, p) in cases {
            let r = fisher_freeman_halton(table).unwrap();
            assert!(
                (r.p_table - p_table).abs() <= 1e-10 * p_table,
                "{table:?}: {r:?}"
            );
            assert!((r.p - p).abs() <= 1e-9 * p, "{table:?}: {} vs {p}", r.p);
        }
    }

    #[test]
    fn one_row_or_column_is_certain_and_too_many_tables_are_refused() {
        let r = fisher_freeman_halton(&[[3u64, 4, 5]]).unwrap();
        assert_eq!((r.p, r.tables), (1.0, 1));
        // The most probable table: every table counts, found without search.
        let even: Vec<Vec<u64>> = (0..6).map(|_| vec![40u64; 6]).collect();
        let r = fisher_freeman_halton(&even).unwrap();
        assert_eq!((r.p, r.tables), (1.0, 1));
        let big: Vec<Vec<u64>> = (0..8u64)
            .map(|i| (0..8u64).map(|j| 5 + (i * 7 + j * 3) % 40).collect())
            .collect();
        let e = within(&big, 10_000).unwrap_err();
        assert!(e.to_string().contains("Monte Carlo"), "{e}");
        assert!(fisher_freeman_halton(&[[0u64, 0], [1, 2]]).is_err());
    }
}
