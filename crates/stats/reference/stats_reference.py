#!/usr/bin/env python3
"""Reference values for crates/stats (uptake-stats).

Builds seeded fixtures and records, for each, the inputs and what scipy,
statsmodels, pingouin and scikit-posthocs report. The Rust tests in
tests/stats_reference.rs read stats_reference.json; this script need not run
in CI. Regenerate with:

    python3 crates/stats/reference/stats_reference.py

JSON cannot hold NaN or infinity: a missing input value is `null`, and an
infinite output is the string "inf" / "-inf".

Which reference produced what:
  describe      numpy (mean, std ddof=1, quantile method="linear" = type 7)
  mann_whitney  scipy.stats.mannwhitneyu (U1, p, for each alternative, method
                "auto" unless stated); pingouin.mwu (RBC, CLES); the method
                scipy's auto rule chose (scipy/stats/_mannwhitneyu.py
                _mwu_choose_method); z = (U1 - n1 n2/2)/sigma_tie and
                r = z/sqrt(N) computed here from scipy.stats.rankdata (no
                package reports them)
  kruskal       scipy.stats.kruskal (H, p); epsilon^2 = H/(n-1) and
                eta^2_H = (H-k+1)/(n-k) computed here from scipy's H
  dunn          scikit_posthocs.posthoc_dunn with p_adjust None, "holm",
                "bonferroni" (p); z computed here from the same formula and
                checked against posthoc_dunn's raw p before writing
  spearman      scipy.stats.spearmanr (nan_policy="omit")
  chi_square    scipy.stats.chi2_contingency (correction flag as recorded),
                scipy.stats.contingency.association(method="cramer")
  fisher        scipy.stats.fisher_exact (2x2, each alternative)
  ols           statsmodels.formula.api.ols (patsy drops rows with missing
                values; names "np.log1p(x)" are renamed "log1p(x)")
"""
import json
import math
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pingouin
import scikit_posthocs as sp
import scipy
import statsmodels
import statsmodels.formula.api as smf
from scipy import stats
from scipy.stats.contingency import association

OUT = Path(__file__).with_name("stats_reference.json")
rng = np.random.default_rng(20240611)


def clean(x):
    """Make numpy values JSON-safe: NaN -> None, inf -> "inf"."""
    if isinstance(x, dict):
        return {k: clean(v) for k, v in x.items()}
    if isinstance(x, (list, tuple, np.ndarray)):
        return [clean(v) for v in x]
    if isinstance(x, (np.integer,)):
        return int(x)
    if isinstance(x, (float, np.floating)):
        x = float(x)
        if math.isnan(x):
            return None
        if math.isinf(x):
            return "inf" if x > 0 else "-inf"
        return x
    if isinstance(x, np.bool_):
        return bool(x)
    return x


def with_missing(a, frac):
    a = np.asarray(a, dtype=float).copy()
    a[rng.random(a.size) < frac] = np.nan
    return a


# ---------------------------------------------------------------- describe
def describe_case(name, x):
    x = np.asarray(x, dtype=float)
    v = x[~np.isnan(x)]
    return {
        "name": name,
        "x": x,
        "n": v.size,
        "n_missing": int(np.isnan(x).sum()),
        "mean": np.mean(v),
        "sd": np.std(v, ddof=1) if v.size > 1 else None,
        "median": np.quantile(v, 0.5),
        "q1": np.quantile(v, 0.25),
        "q3": np.quantile(v, 0.75),
        "min": v.min(),
        "max": v.max(),
    }


describe_cases = [
    describe_case("small_ties", [3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5]),
    describe_case("small_missing", with_missing(rng.normal(50, 10, 15).round(1), 0.2)),
    describe_case("large_heavy_tailed_views", np.floor(rng.lognormal(8, 2, 2000))),
    describe_case("large_missing", with_missing(rng.gamma(2.0, 3.0, 1500), 0.1)),
    describe_case("single", [42.0]),
    describe_case("even_n", [10.0, 1.0, 7.0, 4.0]),
]


# ------------------------------------------------------------ Mann-Whitney
def mwu_method(x, y):
    ties = np.unique(np.concatenate([x, y])).size < x.size + y.size
    if x.size > 8 and y.size > 8:
        return "asymptotic"
    return "asymptotic" if ties else "exact"


def mwu_case(name, x, y, method="auto"):
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    xv, yv = x[~np.isnan(x)], y[~np.isnan(y)]
    n1, n2 = xv.size, yv.size
    ranks = stats.rankdata(np.concatenate([xv, yv]))
    _, t = np.unique(ranks, return_counts=True)
    n = n1 + n2
    sigma = math.sqrt(n1 * n2 / 12 * ((n + 1) - (t**3 - t).sum() / (n * (n - 1))))
    out = {"name": name, "x": x, "y": y, "method_requested": method, "n1": n1, "n2": n2}
    u1 = ranks[:n1].sum() - n1 * (n1 + 1) / 2
    out["z"] = (u1 - n1 * n2 / 2) / sigma if sigma > 0 else None
    out["r"] = out["z"] / math.sqrt(n) if sigma > 0 else None
    out["method_used"] = mwu_method(xv, yv) if method == "auto" else method
    for alt in ["two-sided", "less", "greater"]:
        res = stats.mannwhitneyu(x, y, alternative=alt, method=method, nan_policy="omit")
        pg = pingouin.mwu(xv, yv, alternative=alt, method=method)
        out[alt] = {
            "u1": res.statistic,
            "p": res.pvalue,
            "rbc": pg["RBC"].iloc[0],
            "cles": pg["CLES"].iloc[0],
        }
        assert abs(pg["p_val"].iloc[0] - res.pvalue) <= 1e-12 * max(1, res.pvalue)
    return out


def distinct(k, scale=1000.0):
    """k distinct continuous values (no ties)."""
    v = rng.normal(0, scale, k)
    assert np.unique(v).size == k
    return v


mwu_cases = [
    mwu_case("exact_5_7", distinct(5), distinct(7) + 500),
    mwu_case("exact_8_8_overlap", distinct(8), distinct(8)),
    mwu_case("exact_3_300", distinct(3) + 800, distinct(300)),
    mwu_case("exact_8_2000_float_counts", distinct(8) + 400, distinct(2000)),
    mwu_case("exact_1_9", [0.5], distinct(9)),
    mwu_case("exact_6_40_separated", distinct(6, 1.0) + 4.0, distinct(40, 1.0)),
    mwu_case("small_ties_asymptotic", rng.integers(0, 5, 6), rng.integers(1, 6, 8)),
    mwu_case("nine_each_no_ties_asymptotic", distinct(9), distinct(9) + 700),
    mwu_case("forced_exact_12_15", distinct(12), distinct(15) + 300, method="exact"),
    # C(140, 70) > 2^127: the Rust side falls back to f64 counts here.
    mwu_case("forced_exact_70_70_float_counts", distinct(70), distinct(70) + 250, method="exact"),
    mwu_case("forced_asymptotic_6_7", distinct(6), distinct(7) + 300, method="asymptotic"),
    mwu_case(
        "large_ties_unequal",
        np.floor(rng.lognormal(6, 1.5, 700) / 50),
        np.floor(rng.lognormal(6.3, 1.5, 1300) / 50),
    ),
    mwu_case(
        "large_missing",
        with_missing(rng.poisson(30, 900), 0.05),
        with_missing(rng.poisson(33, 1100), 0.1),
    ),
    mwu_case("far_tail", rng.normal(0, 1, 1000), rng.normal(1.5, 1, 1000)),
]


# ------------------------------------------------------ Kruskal-Wallis, Dunn
def kruskal_case(name, groups):
    groups = [np.asarray(g, dtype=float) for g in groups]
    vals = [g[~np.isnan(g)] for g in groups]
    h, p = stats.kruskal(*groups, nan_policy="omit")
    n = sum(v.size for v in vals)
    k = len(vals)
    ranks = stats.rankdata(np.concatenate(vals))
    _, t = np.unique(ranks, return_counts=True)
    var = n * (n + 1) / 12 - (t**3 - t).sum() / (12 * (n - 1))
    bounds = np.cumsum([0] + [v.size for v in vals])
    mean_ranks = [ranks[bounds[i]:bounds[i + 1]].mean() for i in range(k)]
    raw = sp.posthoc_dunn(groups).to_numpy()
    holm = sp.posthoc_dunn(groups, p_adjust="holm").to_numpy()
    bonf = sp.posthoc_dunn(groups, p_adjust="bonferroni").to_numpy()
    pairs = []
    for a in range(k):
        for b in range(a + 1, k):
            z = (mean_ranks[a] - mean_ranks[b]) / math.sqrt(var * (1 / vals[a].size + 1 / vals[b].size))
            assert abs(2 * stats.norm.sf(abs(z)) - raw[a, b]) <= 1e-12, (name, a, b)
            pairs.append({"a": a, "b": b, "z": z, "p": raw[a, b], "p_holm": holm[a, b], "p_bonferroni": bonf[a, b]})
    return {
        "name": name,
        "groups": groups,
        "n": n,
        "h": h,
        "df": k - 1,
        "p": p,
        "mean_ranks": mean_ranks,
        "epsilon_squared": h / (n - 1),
        "eta_squared_h": (h - k + 1) / (n - k),
        "dunn": pairs,
    }


kruskal_cases = [
    kruskal_case("small_ties_unequal", [[1, 2, 2, 3, 5], [2, 4, 4, 6, 7, 7, 8], [3, 3, 9]]),
    kruskal_case(
        "large_four_groups_ties",
        [np.floor(rng.lognormal(m, 1.2, s) / 20) for m, s in [(6, 500), (6.2, 800), (5.9, 300), (6.6, 1200)]],
    ),
    kruskal_case(
        "missing_values",
        [with_missing(rng.normal(m, 1, s), 0.1) for m, s in [(0, 40), (0.5, 60), (0.2, 25)]],
    ),
    kruskal_case("two_groups", [distinct(10), distinct(12) + 300]),
]


# ---------------------------------------------------------------- Spearman
def spearman_case(name, x, y):
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    res = stats.spearmanr(x, y, nan_policy="omit")
    ok = ~(np.isnan(x) | np.isnan(y))
    return {"name": name, "x": x, "y": y, "n": int(ok.sum()), "rho": res.statistic, "p": res.pvalue}


xs = rng.lognormal(7, 2, 1500)
spearman_cases = [
    spearman_case("small_ties", [1, 2, 2, 3, 4, 5, 5, 6], [2, 1, 3, 3, 5, 4, 6, 6]),
    spearman_case("small_negative", [10, 20, 30, 40, 50, 60], [6.1, 5.2, 5.9, 3.3, 2.0, 2.5]),
    spearman_case(
        "large_missing",
        with_missing(xs, 0.05),
        with_missing(np.floor(xs * rng.lognormal(-3, 1, 1500)), 0.05),
    ),
    spearman_case("large_weak", rng.normal(0, 1, 2000), rng.normal(0, 1, 2000)),
]


# ------------------------------------------------------ chi-square, Fisher
def chi_case(name, table, correction=True):
    table = np.asarray(table)
    res = stats.chi2_contingency(table, correction=correction)
    return {
        "name": name,
        "table": table,
        "correction": correction,
        "chi2": res.statistic,
        "p": res.pvalue,
        "df": res.dof,
        "expected": res.expected_freq,
        "cramers_v": association(table, method="cramer"),
        "cells_expected_below_5": int((res.expected_freq < 5).sum()),
    }


chi_cases = [
    chi_case("2x2_yates", [[12, 5], [7, 15]]),
    chi_case("2x2_no_yates", [[12, 5], [7, 15]], correction=False),
    chi_case("2x2_small_expected", [[3, 1], [1, 4]]),
    chi_case("2x2_large", [[480, 520], [390, 610]]),
    chi_case("3x4", [[20, 15, 30, 8], [12, 25, 18, 14], [9, 11, 27, 31]]),
    chi_case("2x3_sparse", [[1, 0, 6], [4, 3, 2]]),
    chi_case("5x2_large_far_tail", [[300, 100], [250, 160], [180, 220], [120, 290], [90, 340]]),
]


def fisher_case(name, table):
    out = {"name": name, "table": np.asarray(table)}
    for alt in ["two-sided", "less", "greater"]:
        res = stats.fisher_exact(table, alternative=alt)
        out[alt] = {"odds_ratio": res.statistic, "p": res.pvalue}
    return out


fisher_cases = [
    fisher_case("tea", [[3, 1], [1, 3]]),
    fisher_case("small", [[8, 2], [1, 5]]),
    fisher_case("zero_cell", [[0, 9], [6, 4]]),
    fisher_case("moderate", [[12, 5], [7, 15]]),
    fisher_case("large", [[480, 520], [390, 610]]),
    fisher_case("unbalanced", [[2, 150], [15, 90]]),
    fisher_case("symmetric_p_one", [[5, 5], [5, 5]]),
]


# -------------------------------------------------------------------- OLS
def ols_case(name, formula, df, columns):
    fit = smf.ols(formula, data=df).fit()
    rename = lambda s: s.replace("np.log1p(", "log1p(")
    ci = fit.conf_int(0.05)
    return {
        "name": name,
        "formula": formula,
        "data": {c: [None if (v is None or (isinstance(v, float) and math.isnan(v))) else v for v in df[c].tolist()] for c in columns},
        "n": int(fit.nobs),
        "n_dropped": int(len(df) - fit.nobs),
        "df_model": fit.df_model,
        "df_resid": fit.df_resid,
        "r_squared": fit.rsquared,
        "adj_r_squared": fit.rsquared_adj,
        "f": fit.fvalue,
        "f_p": fit.f_pvalue,
        "ssr": fit.ssr,
        "coefficients": [
            {
                "name": rename(k),
                "estimate": fit.params[k],
                "se": fit.bse[k],
                "t": fit.tvalues[k],
                "p": fit.pvalues[k],
                "ci_low": ci.loc[k, 0],
                "ci_high": ci.loc[k, 1],
            }
            for k in fit.params.index
        ],
    }


n = 40
x = rng.uniform(0, 10, n)
simple = pd.DataFrame({"y": 3 + 0.8 * x + rng.normal(0, 2, n), "x": x})

n = 900
topics = rng.choice(["nutrition", "mental health", "vaccines"], n, p=[0.5, 0.3, 0.2])
duration = rng.uniform(5, 180, n).round(1)
followers = np.floor(rng.lognormal(8, 2.5, n))
eff = pd.Series(topics).map({"nutrition": 0.0, "mental health": 0.4, "vaccines": -0.3}).to_numpy()
views = np.floor(np.expm1(2 + 0.6 * np.log1p(followers) + 0.004 * duration + eff + rng.normal(0, 1, n)))
multi = pd.DataFrame(
    {
        "views": with_missing(views, 0.03),
        "followers": followers,
        "duration": with_missing(duration, 0.03),
        "topic": pd.Series(topics, dtype=object).where(rng.random(n) > 0.03, None),
    }
)
raw = pd.DataFrame(
    {
        "likes": np.floor(views * rng.beta(2, 30, n)),
        "views": views,
        "duration": duration,
    }
)

ols_cases = [
    ols_case("simple", "y ~ x", simple, ["y", "x"]),
    ols_case(
        "multiple_log1p_categorical_missing",
        "np.log1p(views) ~ np.log1p(followers) + duration + topic",
        multi,
        ["views", "followers", "duration", "topic"],
    ),
    ols_case("multiple_raw_counts", "likes ~ views + duration", raw, ["likes", "views", "duration"]),
]

doc = {
    "generated_by": "crates/stats/reference/stats_reference.py",
    "versions": {
        "python": sys.version.split()[0],
        "numpy": np.__version__,
        "scipy": scipy.__version__,
        "statsmodels": statsmodels.__version__,
        "pingouin": pingouin.__version__,
        "scikit_posthocs": sp.__version__,
        "pandas": pd.__version__,
    },
    "describe": describe_cases,
    "mann_whitney": mwu_cases,
    "kruskal": kruskal_cases,
    "spearman": spearman_cases,
    "chi_square": chi_cases,
    "fisher": fisher_cases,
    "ols": ols_cases,
}
OUT.write_text(json.dumps(clean(doc), indent=1) + "\n")
print(f"wrote {OUT}")
