#!/usr/bin/env bash
# Times uptake-stats on 100 000 synthetic videos against scipy/statsmodels on
# the same data (the Rust example writes the CSV, Python reads it).
#
#   bench/stats.sh            # needs python3 with numpy, pandas, scipy,
#                             # statsmodels (scikit-posthocs optional, for Dunn)
#
# Both sides print each statistic next to its time, so the values can be
# compared as well as the speed.
set -euo pipefail
cd "$(dirname "$0")/.."

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
csv="$tmp/videos.csv"

echo "== uptake-stats (release) =="
cargo run --quiet --release -p uptake-stats --example bench_stats -- --csv "$csv"

echo
echo "== peer: numpy / scipy / statsmodels / scikit-posthocs =="
python3 - "$csv" <<'PY'
import sys
import time
import warnings

import numpy as np
import pandas as pd
from scipy import stats
import statsmodels.formula.api as smf

warnings.filterwarnings("ignore")
df = pd.read_csv(sys.argv[1])
print(f"peer on {len(df)} videos (5 runs each)")


def bench(name, f, show):
    times = []
    for _ in range(5):
        t0 = time.perf_counter()
        out = f()
        times.append(time.perf_counter() - t0)
    times.sort()
    print(f"{name:<22} best {times[0]*1e3:9.2f} ms  median {times[2]*1e3:9.2f} ms  {show(out)}")


views = df["views"].to_numpy()


def describe():
    v = views[~np.isnan(views)]
    return (v.size, v.mean(), v.std(ddof=1), *np.quantile(v, [0.25, 0.5, 0.75]), v.min(), v.max())


bench("describe(views)", describe, lambda d: f"median {d[4]:g} [{d[3]:g}–{d[5]:g}], mean {d[1]:.4f}")


def mwu():
    code = df["code"].to_numpy()
    return stats.mannwhitneyu(views[code == 1], views[code == 0], method="asymptotic")


bench("mann-whitney (code)", mwu, lambda r: f"U1 {r.statistic:.0f} p {r.pvalue:.6e}")

try:
    import scikit_posthocs as sp
except ImportError:
    sp = None


def kw():
    groups = [g["views"].to_numpy() for _, g in sorted(df.groupby("topic"), key=lambda kv: kv[0])]
    k = stats.kruskal(*groups)
    d = sp.posthoc_dunn(groups, p_adjust="holm").to_numpy() if sp else None
    return k, d


def show_kw(r):
    k, d = r
    holm = f"Dunn Holm [{d[0,1]:.4e}, {d[0,2]:.4e}, {d[1,2]:.4e}]" if d is not None else "(scikit-posthocs not installed: Kruskal only)"
    return f"H {k.statistic:.6f} p {k.pvalue:.6e} {holm}"


bench("kruskal+dunn (topic)", kw, show_kw)
bench(
    "spearman(views,likes)",
    lambda: stats.spearmanr(df["views"], df["likes"]),
    lambda r: f"rho {r.statistic:.8f} p {r.pvalue:.6e}",
)


def chi():
    t = pd.crosstab(df["topic"], df["code"]).to_numpy()
    return stats.chi2_contingency(t), stats.contingency.association(t)


bench("chi-square topic×code", chi, lambda r: f"chi2 {r[0].statistic:.6f} p {r[0].pvalue:.6e} V {r[1]:.6f}")


def ols():
    return smf.ols("np.log1p(views) ~ np.log1p(followers) + duration + topic", data=df).fit()


bench(
    "ols (3 predictors)",
    ols,
    lambda f: f"R² {f.rsquared:.6f} [" + ", ".join(f"{k.replace('np.', '')} {v:.6f}" for k, v in f.params.items()) + "]",
)
PY
