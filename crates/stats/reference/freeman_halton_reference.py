"""Reference values for uptake-stats' Fisher-Freeman-Halton test (crosstab/freeman_halton.rs).

Enumerates every table with the observed margins and weights each by
scipy.stats.random_table(rows, cols).pmf (scipy 1.17); the p-value sums the
tables with pmf <= observed * (1 + 1e-7), R's fisher.test tolerance. Prints
table, p_table, p, number of tables, total mass. Run: python3 freeman_halton_reference.py
"""
import numpy as np
from scipy.stats import random_table
def tables(rows, cols):
    R, C = len(rows), len(cols)
    def fill(j, rem, acc):
        if j == C - 1:
            yield acc + [list(rem)]
            return
        def col(i, left, cur):
            if i == R - 1:
                if left <= rem[i]:
                    yield cur + [left]
                return
            for x in range(0, min(left, rem[i]) + 1):
                yield from col(i + 1, left - x, cur + [x])
        for c in col(0, cols[j], []):
            yield from fill(j + 1, [r - x for r, x in zip(rem, c)], acc + [c])
    for cs in fill(0, list(rows), []):
        yield np.array(cs).T
for t in ([[3,1,2],[1,4,0]], [[8,2,3],[1,5,4]], [[2,0,1],[0,3,1],[1,1,4]], [[5,0,2,1],[1,4,1,3]], [[10,3,2],[4,9,6],[1,2,8]]):
    t = np.array(t); rows = t.sum(1); cols = t.sum(0)
    X = random_table(rows, cols)
    p_obs = X.pmf(t)
    ps = np.array([X.pmf(x) for x in tables(rows, cols)])
    print(t.tolist(), repr(float(p_obs)), repr(float(ps[ps <= p_obs * (1 + 1e-7)].sum())), len(ps), float(ps.sum()))
