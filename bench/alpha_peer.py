#!/usr/bin/env python3
"""Times krippendorff.alpha on the matrix bench_alpha wrote (peer for bench/reliability.sh).

Usage: alpha_peer.py DATA.csv [RUNS]. DATA.csv: one unit per line, one field
per coder, empty = missing. The package takes coders x units with NaN for
missing; building that array is outside the timed call, as building
`Ratings` is outside the Rust timing. Prints, per level:
`python <level> median_ms=<m> min_ms=<m> runs=<n> alpha=<a>`.
"""
import sys
import time
from importlib.metadata import version

import numpy as np
import krippendorff


def main():
    path = sys.argv[1]
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 50
    with open(path) as f:
        rows = [[float(x) if x else np.nan for x in line.rstrip("\n").split(",")] for line in f]
    data = np.array(rows, dtype=float).T.copy()  # coders x units
    print(f"python krippendorff {version('krippendorff')}, numpy {np.__version__}, data {data.shape[1]} units x "
          f"{data.shape[0]} coders", file=sys.stderr)
    for level in ["nominal", "ordinal", "interval", "ratio"]:
        for _ in range(3):
            krippendorff.alpha(reliability_data=data, level_of_measurement=level)
        times = []
        for _ in range(runs):
            t = time.perf_counter()
            a = krippendorff.alpha(reliability_data=data, level_of_measurement=level)
            times.append((time.perf_counter() - t) * 1e3)
        times.sort()
        print(f"python {level} median_ms={times[len(times) // 2]:.4f} min_ms={times[0]:.4f} runs={runs} "
              f"alpha={float(a):.12f}")


if __name__ == "__main__":
    main()
