#!/usr/bin/env python3
"""Reference values for crates/stats/src/reliability (uptake-stats).

Builds seeded fixtures (units x coders, None = missing) and records what the
reference packages compute on them:

  * krippendorff.alpha, all four levels (coders x units, NaN = missing);
  * sklearn.metrics.cohen_kappa_score (None / linear / quadratic) on units both
    coders coded, plus statsmodels.stats.inter_rater.cohens_kappa on the same
    confusion table (sorted labels) for the SE, 95% interval, SE under H0,
    z and two-sided p;
  * statsmodels fleiss_kappa(aggregate_raters(complete rows), method="fleiss");
  * pingouin.intraclass_corr (nan_policy="omit") with the CI95 rounding
    option turned off so the interval has full precision;
  * percent agreement, which no package above computes, from the plain
    definition below (independent Python code, not a port of the Rust).

Undefined results (an exception or NaN) are recorded as null with the reason.
Run from anywhere:  python3 crates/stats/reference/reliability_reference.py
It rewrites reliability_reference.json next to this script.
"""
import json
import math
import os
import sys
import warnings
from importlib.metadata import version

import numpy as np
import pandas as pd
import pingouin as pg
import krippendorff
from sklearn.metrics import cohen_kappa_score, confusion_matrix
from statsmodels.stats.inter_rater import aggregate_raters, cohens_kappa, fleiss_kappa

warnings.simplefilter("ignore")
pg.options["round.column.CI95"] = None  # full-precision intervals


def num(x):
    x = float(x)
    return x if math.isfinite(x) else None


def with_missing(rng, m, rate):
    m = m.astype(float)
    m[rng.random(m.shape) < rate] = np.nan
    return m


def noisy_codes(rng, n, coders, levels, p_agree, truth=None):
    """True code per unit; each coder reports it with prob p_agree, else a neighbour or random code."""
    truth = rng.integers(1, levels + 1, n) if truth is None else truth
    out = np.empty((n, coders))
    for j in range(coders):
        r = rng.random(n)
        near = np.clip(truth + rng.choice([-1, 1], n), 1, levels)
        rand = rng.integers(1, levels + 1, n)
        out[:, j] = np.where(r < p_agree, truth, np.where(r < p_agree + (1 - p_agree) / 2, near, rand))
    return out


def fixtures():
    fx = {}
    rng = np.random.default_rng(20240601)
    # Nominal binary, 2 coders, no missing.
    t = rng.integers(0, 2, 50)
    fx["binary_2c_n50"] = np.column_stack([t, np.where(rng.random(50) < 0.85, t, 1 - t)]).astype(float)
    # 5-point ordinal with many ties, 2 coders, 10% missing.
    fx["ordinal5_2c_n200_missing"] = with_missing(rng, noisy_codes(rng, 200, 2, 5, 0.6), 0.10)
    # 5-point, 4 coders, 15% missing.
    fx["ordinal5_4c_n300_missing"] = with_missing(rng, noisy_codes(rng, 300, 4, 5, 0.55), 0.15)
    # Nominal 3 categories, 5 coders, complete (Fleiss).
    fx["nominal3_5c_n60"] = noisy_codes(rng, 60, 5, 3, 0.7) - 1
    # Interval scores (instrument totals 16..80), 3 coders, with rater bias.
    true = rng.normal(48, 10, 100)
    fx["interval_3c_n100"] = np.column_stack(
        [np.clip(np.round(true + b + rng.normal(0, 4, 100)), 16, 80) for b in (0, 2, -1)])
    # Ratio data (seconds on screen, 1 decimal), 5 coders, 8% missing.
    true = rng.gamma(2.0, 10.0, 80)
    fx["ratio_5c_n80_missing"] = with_missing(
        rng, np.column_stack([np.round(true * rng.lognormal(0, 0.15, 80), 1) for _ in range(5)]), 0.08)
    # Tiny: n = 5, 3 coders, 5-point.
    fx["tiny_n5_3c"] = np.array([[1, 2, 1], [3, 3, 4], [5, 5, 5], [2, 2, 3], [4, 3, 4]], float)
    # Tiny 2 coders, n = 5.
    fx["tiny_n5_2c"] = np.array([[1, 1], [2, 3], [3, 3], [4, 5], [5, 5]], float)
    # Large: n = 2000, 6 coders, 5-point, 5% missing.
    fx["large_n2000_6c_missing"] = with_missing(rng, noisy_codes(rng, 2000, 6, 5, 0.5), 0.05)
    # Large 2 coders, n = 2000, 5-point, 5% missing.
    fx["large_n2000_2c_missing"] = with_missing(rng, noisy_codes(rng, 2000, 2, 5, 0.5), 0.05)
    # Perfect agreement, 3 coders.
    t = rng.integers(1, 6, 20).astype(float)
    fx["perfect_3c_n20"] = np.column_stack([t, t, t])
    # Systematic disagreement: alpha below zero.
    t = rng.integers(1, 6, 30).astype(float)
    fx["negative_2c_n30"] = np.column_stack([t, 6 - t])  # every unit mean is 3: ICC degenerate
    t = rng.integers(1, 6, 40).astype(float)
    fx["negative_noisy_3c_n40"] = np.column_stack(
        [t, np.clip(6 - t + rng.integers(-1, 2, 40), 1, 5), rng.integers(1, 6, 40)]).astype(float)
    # Labels with gaps (1, 2, 5, 10): kappa weights use label positions.
    codes = np.array([1, 2, 5, 10], float)
    a = rng.integers(0, 4, 40)
    b = np.where(rng.random(40) < 0.6, a, rng.integers(0, 4, 40))
    fx["gapped_labels_2c_n40"] = np.column_stack([codes[a], codes[b]])
    # Krippendorff's classic example (package docstring), coders x units transposed.
    n = np.nan
    fx["krippendorff_docs_3c"] = np.array([
        [n, n, n, n, n, 3, 4, 1, 2, 1, 1, 3, 3, n, 3],
        [1, n, 2, 1, 3, 3, 4, 3, n, n, n, n, n, n, n],
        [n, n, 2, 1, 3, 4, 4, n, 2, 1, 1, 3, 3, n, 4]]).T
    # pingouin's bundled wine dataset (8 wines x 4 judges).
    d = pg.read_dataset("icc").pivot_table(index="Wine", columns="Judge", values="Scores")
    fx["pingouin_wine_4c"] = d.to_numpy(float)
    # All values identical: alpha undefined.
    fx["constant_2c_n6"] = np.full((6, 2), 3.0)
    return fx


def guarded(fn):
    try:
        return fn(), None
    except Exception as e:  # recorded, not hidden: the Rust side must also refuse
        return None, f"{type(e).__name__}: {e}"


def percent_agreement(m):
    shares = []
    for row in m:
        v = row[~np.isnan(row)]
        if len(v) < 2:
            continue
        pairs = [(i, j) for i in range(len(v)) for j in range(i + 1, len(v))]
        shares.append(sum(v[i] == v[j] for i, j in pairs) / len(pairs))
    return (sum(shares) / len(shares), len(shares)) if shares else (None, 0)


def reference(m):
    out = {}
    pa, used = percent_agreement(m)
    out["percent_agreement"] = {"value": num(pa) if pa is not None else None, "units_used": used}

    out["alpha"] = {}
    for level in ["nominal", "ordinal", "interval", "ratio"]:
        val, err = guarded(lambda: krippendorff.alpha(reliability_data=m.T, level_of_measurement=level))
        out["alpha"][level] = {"value": None if val is None else num(val), "error": err}

    if m.shape[1] == 2:
        both = m[~np.isnan(m).any(axis=1)]
        y1, y2 = both[:, 0], both[:, 1]
        labels = np.unique(np.concatenate([y1, y2]))
        table = confusion_matrix(y1, y2, labels=labels)
        out["cohen"] = {"units_used": int(len(both))}
        for name, w in [("unweighted", None), ("linear", "linear"), ("quadratic", "quadratic")]:
            k = cohen_kappa_score(y1, y2, weights=w)
            entry = {"kappa": num(k)}
            if num(k) is not None:
                r = cohens_kappa(table, wt=w) if w else cohens_kappa(table)
                entry.update({
                    "statsmodels_kappa": num(r["kappa"]), "se": num(r["std_kappa"]),
                    "ci_low": num(r["kappa_low"]), "ci_high": num(r["kappa_upp"]),
                    "se_null": num(r["std_kappa0"]), "z": num(r["z_value"]),
                    "p_two_sided": num(r["pvalue_two_sided"])})
            out["cohen"][name] = entry

    complete = m[~np.isnan(m).any(axis=1)]
    if len(complete) and m.shape[1] >= 2:
        tab, _ = aggregate_raters(complete)
        out["fleiss"] = {"kappa": num(fleiss_kappa(tab, method="fleiss")), "units_used": int(len(complete))}

    if len(complete) >= 2 and m.shape[1] >= 2:
        long = pd.DataFrame(
            [(u, c, m[u, c]) for u in range(m.shape[0]) for c in range(m.shape[1])],
            columns=["unit", "coder", "score"])
        tab, err = guarded(lambda: pg.intraclass_corr(long, "unit", "coder", "score", nan_policy="omit"))
        if tab is not None:
            out["icc"] = [{
                "type": r["Type"], "icc": num(r["ICC"]), "f": num(r["F"]), "df1": num(r["df1"]),
                "df2": num(r["df2"]), "pval": num(r["pval"]),
                "ci_low": num(r["CI95"][0]), "ci_high": num(r["CI95"][1])} for _, r in tab.iterrows()]
        else:
            out["icc_error"] = err
    return out


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    doc = {
        "generated_by": "crates/stats/reference/reliability_reference.py",
        "versions": {p: version(p) for p in
                     ["krippendorff", "pingouin", "statsmodels", "scikit-learn", "numpy", "pandas", "scipy"]},
        "python": sys.version.split()[0],
        "notes": "null = undefined in the reference (exception or NaN); rows are units, columns coders, "
                 "null cells missing. pingouin CI95 unrounded (options['round.column.CI95'] = None).",
        "fixtures": [],
    }
    for name, m in fixtures().items():
        doc["fixtures"].append({
            "name": name,
            "ratings": [[None if math.isnan(v) else float(v) for v in row] for row in m],
            "reference": reference(m),
        })
    with open(os.path.join(here, "reliability_reference.json"), "w") as f:
        json.dump(doc, f, indent=1, allow_nan=False)
        f.write("\n")


if __name__ == "__main__":
    main()
