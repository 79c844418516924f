//! Comparing groups by ranks: Mann-Whitney U, Kruskal-Wallis H, Dunn's test.
//!
//! - [`mann_whitney_u`] matches `scipy.stats.mannwhitneyu` (scipy 1.17): U of
//!   the first sample, the exact null distribution when scipy's
//!   `method="auto"` would use it (either sample has at most 8 values and
//!   there are no ties), otherwise the normal approximation with tie and
//!   continuity corrections. Effect sizes: rank-biserial correlation and
//!   CLES as `pingouin.mwu` reports them, and `r = Z/√N`.
//! - [`kruskal_wallis`] matches `scipy.stats.kruskal` (tie-corrected H,
//!   chi-squared p with k − 1 df), with ε² and η²_H effect sizes.
//! - [`dunn`] matches `scikit_posthocs.posthoc_dunn` (tie-corrected z,
//!   two-sided normal p) with Holm and Bonferroni adjustment as
//!   `statsmodels.stats.multitest.multipletests` computes them.
//!
//! Missing values (`NaN`) are dropped from each sample and counted.

use statrs::distribution::{ChiSquared, ContinuousCDF, Normal};

use crate::describe::present;
use crate::rank::rank_average;
use crate::StatsError;

/// Which alternative hypothesis a test's p-value is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Alternative {
    /// The distributions differ (either direction).
    TwoSided,
    /// The first sample tends to be smaller than the second.
    Less,
    /// The first sample tends to be larger than the second.
    Greater,
}

/// How the Mann-Whitney p-value is (to be) computed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum MwuMethod {
    /// scipy's rule: exact when a sample has ≤ 8 values and nothing ties.
    Auto,
    /// The exact null distribution of U (no tie correction exists for it).
    Exact,
    /// Normal approximation with tie correction (and continuity correction
    /// when asked).
    Asymptotic,
}

/// Options for [`mann_whitney_u_with`]; the default is scipy's default.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct MwuOptions {
    /// The alternative hypothesis.
    pub alternative: Alternative,
    /// Exact, asymptotic, or scipy's automatic choice.
    pub method: MwuMethod,
    /// Apply the 0.5 continuity correction in the normal approximation.
    pub continuity: bool,
}

impl Default for MwuOptions {
    fn default() -> Self {
        MwuOptions {
            alternative: Alternative::TwoSided,
            method: MwuMethod::Auto,
            continuity: true,
        }
    }
}

/// Result of a Mann-Whitney U test.
#[derive(Debug, Clone, serde::Serialize)]
pub struct MannWhitney {
    /// Values in the first sample (after dropping missing).
    pub n1: usize,
    /// Values in the second sample (after dropping missing).
    pub n2: usize,
    /// Missing values dropped from the first sample.
    pub n1_missing: usize,
    /// Missing values dropped from the second sample.
    pub n2_missing: usize,
    /// U of the first sample: `R1 − n1(n1+1)/2` (scipy's statistic).
    pub u1: f64,
    /// U of the second sample, `n1·n2 − u1`.
    pub u2: f64,
    /// The alternative the p-value is for.
    pub alternative: Alternative,
    /// The method actually used: `Exact` or `Asymptotic`, never `Auto`.
    pub method: MwuMethod,
    /// Whether the continuity correction entered the p-value (asymptotic only).
    pub continuity: bool,
    /// p-value.
    pub p: f64,
    /// Standardised U1 with the tie-corrected variance σ, positive when the
    /// first sample tends to be larger: the statistic the p-value comes
    /// from, so that a reader can check one against the other. With the
    /// continuity correction (asymptotic), `d = U1 − n1·n2/2` is moved 0.5
    /// towards zero (two-sided: `sign(d)·max(|d| − 0.5, 0)/σ`, so `p =
    /// 2·Φ(−|z|)`), or by −0.5 for `Greater` and +0.5 for `Less` (`p =
    /// 1 − Φ(z)`, `p = Φ(z)`); otherwise `d/σ`. `None` if every value is
    /// equal.
    pub z: Option<f64>,
    /// Effect size `r = z/√N`, N = n1 + n2 (Rosenthal 1991; Fritz, Morris &
    /// Richler 2012, J Exp Psychol Gen 141:2-18), from the `z` above, as
    /// R's `rstatix::wilcox_effsize` computes it from the p-value. `None`
    /// with `z`.
    pub r: Option<f64>,
    /// Rank-biserial correlation `1 − 2·U2/(n1·n2)` = `(U1 − U2)/(n1·n2)`
    /// (Kerby 2014), as `pingouin.mwu` reports `RBC`.
    pub rank_biserial: f64,
    /// Common-language effect size `U1/(n1·n2)`: P(X > Y) + ½·P(X = Y);
    /// for `Less` it is `1 −` that, as `pingouin.mwu` reports `CLES`.
    pub cles: f64,
}

/// Mann-Whitney U test, two-sided, with scipy's defaults (automatic method,
/// continuity correction).
pub fn mann_whitney_u(x: &[f64], y: &[f64]) -> Result<MannWhitney, StatsError> {
    mann_whitney_u_with(x, y, MwuOptions::default())
}

/// Mann-Whitney U test with explicit options.
///
/// Errors: [`StatsError::TooFew`] if a sample has no values;
/// [`StatsError::Undefined`] for the asymptotic method when all values are
/// equal; [`StatsError::Invalid`] for the exact method with ties (its null
/// distribution assumes none) or an infinite value.
pub fn mann_whitney_u_with(
    x: &[f64],
    y: &[f64],
    options: MwuOptions,
) -> Result<MannWhitney, StatsError> {
    const STAT: &str = "Mann-Whitney U";
    let (x, n1_missing) = present(STAT, x)?;
    let (y, n2_missing) = present(STAT, y)?;
    let (n1, n2) = (x.len(), y.len());
    for found in [n1, n2] {
        if found == 0 {
            return Err(StatsError::TooFew {
                statistic: STAT,
                what: "non-missing values in each sample",
                needed: 1,
                found,
            });
        }
    }
    let mut all = x;
    all.extend_from_slice(&y);
    let ranks = rank_average(&all)?;
    let r1: f64 = ranks.ranks[..n1].iter().sum();
    let (n1f, n2f) = (n1 as f64, n2 as f64);
    let nn = n1f * n2f;
    let u1 = r1 - n1f * (n1f + 1.0) / 2.0;
    let u2 = nn - u1;

    let method = match options.method {
        MwuMethod::Auto => {
            if (n1 > 8 && n2 > 8) || ranks.has_ties() {
                MwuMethod::Asymptotic
            } else {
                MwuMethod::Exact
            }
        }
        m => m,
    };
    // U for the p-value and the factor, as scipy: the SF of U1 for
    // "greater", of U2 for "less", twice the SF of the larger for two-sided.
    let (u, factor) = match options.alternative {
        Alternative::Greater => (u1, 1.0),
        Alternative::Less => (u2, 1.0),
        Alternative::TwoSided => (u1.max(u2), 2.0),
    };

    let n = n1f + n2f;
    let var = nn / 12.0 * ((n + 1.0) - ranks.tie_term() / (n * (n - 1.0)));
    let sigma = if var > 0.0 { Some(var.sqrt()) } else { None };

    let p = match method {
        MwuMethod::Exact => {
            if ranks.has_ties() {
                return Err(StatsError::Invalid {
                    statistic: STAT,
                    reason: "the exact p-value assumes no tied values; use the asymptotic method"
                        .to_string(),
                });
            }
            // No ties, so U is a whole number.
            exact_sf(n1, n2, u.round() as u64)
        }
        _ => {
            let s = sigma.ok_or_else(|| StatsError::Undefined {
                statistic: STAT,
                reason: "every value is equal, so the ranks carry no information".to_string(),
            })?;
            let mut num = u - nn / 2.0;
            if options.continuity {
                num -= 0.5;
            }
            normal_sf(num / s)
        }
    };
    let p = (p * factor).clamp(0.0, 1.0);
    let continuity = options.continuity && method == MwuMethod::Asymptotic;
    let d = u1 - nn / 2.0;
    let d = match (continuity, options.alternative) {
        (false, _) => d,
        (true, Alternative::TwoSided) => d.signum() * (d.abs() - 0.5).max(0.0),
        (true, Alternative::Greater) => d - 0.5,
        (true, Alternative::Less) => d + 0.5,
    };
    let z = sigma.map(|s| d / s);
    let cles = u1 / nn;
    Ok(MannWhitney {
        n1,
        n2,
        n1_missing,
        n2_missing,
        u1,
        u2,
        alternative: options.alternative,
        method,
        continuity,
        p,
        z,
        r: z.map(|z| z / n.sqrt()),
        rank_biserial: 1.0 - 2.0 * u2 / nn,
        cles: if options.alternative == Alternative::Less {
            1.0 - cles
        } else {
            cles
        },
    })
}

/// P(U ≥ u) under the null for samples of sizes `n1`, `n2` without ties.
///
/// The number of arrangements with U = k is the coefficient of q^k in the
/// Gaussian binomial `[m+n choose m]_q = Π_{i=1..m} (1 − q^{n+i}) / (1 − q^i)`
/// (Mann & Whitney 1947; Andrews, The Theory of Partitions, ch. 3), with m
/// the smaller size. Building it factor by factor, truncated at k = mn/2 (the
/// distribution is symmetric), costs O(m²·n) additions. Counts are exact in
/// i128 while `C(m+n, m)` fits; beyond that f64 is used, as scipy does.
fn exact_sf(n1: usize, n2: usize, u: u64) -> f64 {
    let (m, n) = (n1.min(n2) as u64, n1.max(n2) as u64);
    let mn = m * n;
    let kmax = (mn / 2) as usize;
    // P(U ≥ u) = P(U ≤ mn − u) by symmetry.
    let (k, complement) = if mn - u <= mn / 2 {
        (Some(mn - u), false)
    } else if u == 0 {
        (None, false)
    } else {
        // P(U ≥ u) = 1 − P(U ≤ u − 1) with u − 1 < mn/2.
        (Some(u - 1), true)
    };
    let Some(k) = k else {
        return 1.0;
    };
    let cdf = match exact_counts_i128(m, n, kmax) {
        Some((counts, total)) => {
            let below: i128 = counts[..=k as usize].iter().sum();
            // Both are below 2^127; the ratio is the p-value to f64 precision.
            below as f64 / total as f64
        }
        None => {
            let counts = exact_counts_f64(m, n, kmax);
            let total = statrs::function::factorial::binomial(m + n, m);
            counts[..=k as usize].iter().sum::<f64>() / total
        }
    };
    if complement {
        1.0 - cdf
    } else {
        cdf
    }
}

/// Coefficients 0..=kmax of `[m+n choose m]_q` and `C(m+n, m)` in i128, or
/// `None` if `C(m+n, m)` does not fit comfortably.
fn exact_counts_i128(m: u64, n: u64, kmax: usize) -> Option<(Vec<i128>, i128)> {
    let mut total: i128 = 1;
    for i in 1..=m as i128 {
        total = total.checked_mul(n as i128 + i)? / i;
        if total > i128::MAX / 4 {
            return None;
        }
    }
    let mut c = vec![0i128; kmax + 1];
    c[0] = 1;
    for i in 1..=m as usize {
        let up = n as usize + i;
        for k in (up..=kmax).rev() {
            c[k] -= c[k - up];
        }
        for k in i..=kmax {
            c[k] += c[k - i];
        }
    }
    Some((c, total))
}

/// As [`exact_counts_i128`] in f64, for sizes whose counts exceed i128.
fn exact_counts_f64(m: u64, n: u64, kmax: usize) -> Vec<f64> {
    let mut c = vec![0.0f64; kmax + 1];
    c[0] = 1.0;
    for i in 1..=m as usize {
        let up = n as usize + i;
        for k in (up..=kmax).rev() {
            c[k] -= c[k - up];
        }
        for k in i..=kmax {
            c[k] += c[k - i];
        }
    }
    c
}

/// Upper tail of the standard normal, accurate far into the tail.
pub(crate) fn normal_sf(z: f64) -> f64 {
    match Normal::new(0.0, 1.0) {
        Ok(d) => d.sf(z),
        // Unreachable: (0, 1) are valid parameters.
        Err(_) => f64::NAN,
    }
}

/// Result of a Kruskal-Wallis H test.
#[derive(Debug, Clone, serde::Serialize)]
pub struct KruskalWallis {
    /// Total values used (after dropping missing).
    pub n: usize,
    /// Values used per group, in input order.
    pub group_sizes: Vec<usize>,
    /// Missing values dropped per group.
    pub group_missing: Vec<usize>,
    /// Mean rank per group (ranks over all groups pooled).
    pub mean_ranks: Vec<f64>,
    /// Tie-corrected H statistic (as `scipy.stats.kruskal`).
    pub h: f64,
    /// Degrees of freedom, k − 1.
    pub df: f64,
    /// p-value from the chi-squared distribution with `df`.
    pub p: f64,
    /// ε² = H / ((n² − 1)/(n + 1)) = H/(n − 1) (Tomczak & Tomczak 2014,
    /// Trends Sport Sci 21:19-25).
    pub epsilon_squared: f64,
    /// η²_H = (H − k + 1)/(n − k) (Cohen 2008, as `rstatix::kruskal_effsize`);
    /// `None` when n = k.
    pub eta_squared_h: Option<f64>,
}

/// Pools the groups' non-missing values and ranks them; shared by
/// [`kruskal_wallis`] and [`dunn`].
struct Pooled {
    sizes: Vec<usize>,
    missing: Vec<usize>,
    mean_ranks: Vec<f64>,
    n: usize,
    tie_term: f64,
}

fn pool<G: AsRef<[f64]>>(statistic: &'static str, groups: &[G]) -> Result<Pooled, StatsError> {
    if groups.len() < 2 {
        return Err(StatsError::TooFew {
            statistic,
            what: "groups",
            needed: 2,
            found: groups.len(),
        });
    }
    let mut all = Vec::new();
    let mut sizes = Vec::with_capacity(groups.len());
    let mut missing = Vec::with_capacity(groups.len());
    for g in groups {
        let (values, miss) = present(statistic, g.as_ref())?;
        if values.is_empty() {
            return Err(StatsError::TooFew {
                statistic,
                what: "non-missing values in every group",
                needed: 1,
                found: 0,
            });
        }
        sizes.push(values.len());
        missing.push(miss);
        all.extend(values);
    }
    let ranks = rank_average(&all)?;
    let n = all.len();
    if ranks.tie_sizes.first() == Some(&n) {
        return Err(StatsError::Undefined {
            statistic,
            reason: "every value is equal, so the ranks carry no information".to_string(),
        });
    }
    let mut mean_ranks = Vec::with_capacity(sizes.len());
    let mut start = 0;
    for &s in &sizes {
        let sum: f64 = ranks.ranks[start..start + s].iter().sum();
        mean_ranks.push(sum / s as f64);
        start += s;
    }
    Ok(Pooled {
        sizes,
        missing,
        mean_ranks,
        n,
        tie_term: ranks.tie_term(),
    })
}

/// Kruskal-Wallis H test across two or more groups (each a slice of values).
///
/// Errors: [`StatsError::TooFew`] for fewer than two groups or an empty
/// group; [`StatsError::Undefined`] when every value is equal.
pub fn kruskal_wallis<G: AsRef<[f64]>>(groups: &[G]) -> Result<KruskalWallis, StatsError> {
    const STAT: &str = "Kruskal-Wallis H";
    let pooled = pool(STAT, groups)?;
    let n = pooled.n as f64;
    let k = pooled.sizes.len() as f64;
    let ssbn: f64 = pooled
        .sizes
        .iter()
        .zip(&pooled.mean_ranks)
        .map(|(&s, &m)| {
            let r = m * s as f64;
            r * r / s as f64
        })
        .sum();
    let h_raw = 12.0 / (n * (n + 1.0)) * ssbn - 3.0 * (n + 1.0);
    let correction = 1.0 - pooled.tie_term / (n * n * n - n);
    let h = h_raw / correction;
    let df = k - 1.0;
    let p = chi2_sf(h, df)?;
    Ok(KruskalWallis {
        n: pooled.n,
        group_sizes: pooled.sizes,
        group_missing: pooled.missing,
        mean_ranks: pooled.mean_ranks,
        h,
        df,
        p,
        epsilon_squared: h / (n - 1.0),
        eta_squared_h: if n > k {
            Some((h - k + 1.0) / (n - k))
        } else {
            None
        },
    })
}

/// Upper tail of chi-squared with `df` degrees of freedom.
pub(crate) fn chi2_sf(x: f64, df: f64) -> Result<f64, StatsError> {
    let d = ChiSquared::new(df).map_err(|e| StatsError::Undefined {
        statistic: "chi-squared distribution",
        reason: format!("{df} degrees of freedom: {e}"),
    })?;
    Ok(d.sf(x))
}

/// One pair of groups in Dunn's test.
#[derive(Debug, Clone, serde::Serialize)]
pub struct DunnPair {
    /// Index of the first group (input order).
    pub a: usize,
    /// Index of the second group (input order), `a < b`.
    pub b: usize,
    /// Mean rank of `a` minus mean rank of `b`.
    pub mean_rank_difference: f64,
    /// `mean_rank_difference / SE` with the tie-corrected SE.
    pub z: f64,
    /// Unadjusted two-sided p-value, `2·Φ(−|z|)`.
    pub p: f64,
    /// Holm step-down adjusted p over all pairs.
    pub p_holm: f64,
    /// Bonferroni adjusted p, `min(1, m·p)` for m pairs.
    pub p_bonferroni: f64,
}

/// Result of Dunn's post-hoc test.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Dunn {
    /// Total values used.
    pub n: usize,
    /// Values used per group.
    pub group_sizes: Vec<usize>,
    /// Mean rank per group.
    pub mean_ranks: Vec<f64>,
    /// Every pair (a, b) with a < b, in order (0,1), (0,2), ..., (1,2), ...
    pub pairs: Vec<DunnPair>,
}

/// Dunn's (1964) pairwise test after Kruskal-Wallis, tie-corrected:
/// `SE = √((N(N+1)/12 − Σ(t³−t)/(12(N−1))) · (1/nᵢ + 1/nⱼ))`.
///
/// Errors as [`kruskal_wallis`].
pub fn dunn<G: AsRef<[f64]>>(groups: &[G]) -> Result<Dunn, StatsError> {
    let pooled = pool("Dunn's test", groups)?;
    let n = pooled.n as f64;
    let var = n * (n + 1.0) / 12.0 - pooled.tie_term / (12.0 * (n - 1.0));
    let k = pooled.sizes.len();
    let mut pairs = Vec::with_capacity(k * (k - 1) / 2);
    for a in 0..k {
        for b in a + 1..k {
            let diff = pooled.mean_ranks[a] - pooled.mean_ranks[b];
            let se = (var * (1.0 / pooled.sizes[a] as f64 + 1.0 / pooled.sizes[b] as f64)).sqrt();
            let z = diff / se;
            pairs.push(DunnPair {
                a,
                b,
                mean_rank_difference: diff,
                z,
                p: (2.0 * normal_sf(z.abs())).min(1.0),
                p_holm: 0.0,
                p_bonferroni: 0.0,
            });
        }
    }
    let raw: Vec<f64> = pairs.iter().map(|p| p.p).collect();
    let holm = holm(&raw);
    let bonf = bonferroni(&raw);
    for (i, pair) in pairs.iter_mut().enumerate() {
        pair.p_holm = holm[i];
        pair.p_bonferroni = bonf[i];
    }
    Ok(Dunn {
        n: pooled.n,
        group_sizes: pooled.sizes,
        mean_ranks: pooled.mean_ranks,
        pairs,
    })
}

/// Holm (1979) step-down adjusted p-values, in input order, as
/// `multipletests(method="holm")`: sorted ascending, `(m − i)·p₍ᵢ₎`, running
/// maximum, capped at 1.
pub fn holm(p: &[f64]) -> Vec<f64> {
    let m = p.len();
    let mut order: Vec<usize> = (0..m).collect();
    order.sort_by(|&a, &b| p[a].total_cmp(&p[b]));
    let mut out = vec![0.0; m];
    let mut running: f64 = 0.0;
    for (i, &idx) in order.iter().enumerate() {
        let adj = ((m - i) as f64 * p[idx]).min(1.0);
        running = running.max(adj);
        out[idx] = running;
    }
    out
}

/// Bonferroni adjusted p-values, `min(1, m·p)`.
pub fn bonferroni(p: &[f64]) -> Vec<f64> {
    let m = p.len() as f64;
    p.iter().map(|&v| (v * m).min(1.0)).collect()
}

/// Splits `values` by `labels` into groups ordered by label (ascending), for
/// [`kruskal_wallis`] and [`dunn`]. Values keep their order within a group.
///
/// Fails with [`StatsError::Invalid`] if the slices differ in length.
pub fn groups_by_label<L: Ord + Clone>(
    labels: &[L],
    values: &[f64],
) -> Result<Vec<(L, Vec<f64>)>, StatsError> {
    if labels.len() != values.len() {
        return Err(StatsError::Invalid {
            statistic: "grouping",
            reason: format!(
                "{} labels for {} values; they must pair up",
                labels.len(),
                values.len()
            ),
        });
    }
    let mut map: std::collections::BTreeMap<L, Vec<f64>> = std::collections::BTreeMap::new();
    for (l, &v) in labels.iter().zip(values) {
        map.entry(l.clone()).or_default().push(v);
    }
    Ok(map.into_iter().collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exact_distribution_small_by_enumeration() {
        // n1 = 3, n2 = 4: 35 arrangements; P(U ≤ k) counts from enumeration.
        let counts = exact_counts_i128(3, 4, 6).unwrap();
        assert_eq!(counts.1, 35);
        assert_eq!(counts.0, vec![1, 1, 2, 3, 4, 4, 5]);
        let f = exact_counts_f64(3, 4, 6);
        assert_eq!(f, vec![1.0, 1.0, 2.0, 3.0, 4.0, 4.0, 5.0]);
    }

    #[test]
    fn exact_sf_is_one_at_the_bottom_and_symmetric() {
        assert_eq!(exact_sf(3, 4, 0), 1.0);
        // P(U ≥ 12) = P(U ≤ 0) = 1/35.
        assert!((exact_sf(3, 4, 12) - 1.0 / 35.0).abs() < 1e-15);
        // P(U ≥ 11) = 2/35.
        assert!((exact_sf(4, 3, 11) - 2.0 / 35.0).abs() < 1e-15);
        // P(U ≥ 1) = 1 − P(U = 0) = 34/35.
        assert!((exact_sf(3, 4, 1) - 34.0 / 35.0).abs() < 1e-15);
    }

    #[test]
    fn f64_counts_agree_with_integer_counts() {
        let (c, _) = exact_counts_i128(8, 2000, 8000).unwrap();
        let f = exact_counts_f64(8, 2000, 8000);
        for (a, b) in c.iter().zip(&f) {
            let a = *a as f64;
            assert!((a - b).abs() <= 1e-12 * a.max(1.0), "{a} vs {b}");
        }
        // C(140, 70) ≈ 9.4e40 does not fit: the f64 path is taken.
        assert!(exact_counts_i128(70, 70, 10).is_none());
    }

    #[test]
    fn exact_with_a_huge_second_sample() {
        // scipy's auto rule picks the exact test here (8 values, no ties);
        // the q-binomial build is O(m²n), so 100 000 values are quick.
        let x: Vec<f64> = (0..8).map(|i| i as f64 * 1000.5 + 0.25).collect();
        let y: Vec<f64> = (0..100_000).map(|i| i as f64 * 0.1).collect();
        let r = mann_whitney_u(&x, &y).unwrap();
        assert_eq!(r.method, MwuMethod::Exact);
        assert!(r.p > 0.0 && r.p <= 1.0);
    }

    #[test]
    fn mwu_errors() {
        assert!(matches!(
            mann_whitney_u(&[], &[1.0]),
            Err(StatsError::TooFew { .. })
        ));
        assert!(matches!(
            mann_whitney_u(&[f64::NAN], &[1.0]),
            Err(StatsError::TooFew { .. })
        ));
        let opts = MwuOptions {
            method: MwuMethod::Asymptotic,
            ..MwuOptions::default()
        };
        assert!(matches!(
            mann_whitney_u_with(&[2.0; 10], &[2.0; 12], opts),
            Err(StatsError::Undefined { .. })
        ));
        let opts = MwuOptions {
            method: MwuMethod::Exact,
            ..MwuOptions::default()
        };
        assert!(matches!(
            mann_whitney_u_with(&[1.0, 2.0], &[2.0, 3.0], opts),
            Err(StatsError::Invalid { .. })
        ));
    }

    #[test]
    fn kruskal_errors() {
        let one: [&[f64]; 1] = [&[1.0, 2.0]];
        assert!(matches!(
            kruskal_wallis(&one),
            Err(StatsError::TooFew { needed: 2, .. })
        ));
        let empty: [&[f64]; 2] = [&[1.0, 2.0], &[]];
        assert!(matches!(
            kruskal_wallis(&empty),
            Err(StatsError::TooFew { .. })
        ));
        let constant: [&[f64]; 2] = [&[3.0, 3.0], &[3.0]];
        assert!(matches!(
            kruskal_wallis(&constant),
            Err(StatsError::Undefined { .. })
        ));
        assert!(matches!(dunn(&constant), Err(StatsError::Undefined { .. })));
    }

    #[test]
    fn holm_matches_hand_computation() {
        let adj = holm(&[0.01, 0.04, 0.03]);
        // sorted 0.01, 0.03, 0.04 -> 0.03, 0.06, 0.04 -> running max 0.03, 0.06, 0.06
        let want = [0.03, 0.06, 0.06];
        for (a, w) in adj.iter().zip(want) {
            assert!((a - w).abs() < 1e-15);
        }
        assert_eq!(bonferroni(&[0.5, 0.1]), vec![1.0, 0.2]);
    }

    #[test]
    fn grouping_sorts_labels() {
        let g = groups_by_label(&["b", "a", "b"], &[1.0, 2.0, 3.0]).unwrap();
        assert_eq!(g, vec![("a", vec![2.0]), ("b", vec![1.0, 3.0])]);
        assert!(groups_by_label(&["a"], &[]).is_err());
    }
}
