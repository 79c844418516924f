#!/usr/bin/env bash
# Benchmark for the reliability issue: Krippendorff's alpha on 10,000 units x
# 5 coders (5-point scale, 5% missing; SYNTHETIC, seeded SplitMix64 in
# crates/stats/examples/bench_alpha.rs) for each level of measurement.
# Target: under 10 ms per level (median, release, one core). Peer: the
# `krippendorff` Python package (bench/alpha_peer.py) on the identical matrix,
# which bench_alpha writes to $OUT/alpha_10k_5.csv, in the same run.
# RUNS (200) Rust repetitions, PY_RUNS (50) Python repetitions.
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=${BENCH_OUT:-bench/out}
RUNS=${RUNS:-200}
PY_RUNS=${PY_RUNS:-50}
mkdir -p "$OUT"
ONE="taskset -c 0"; command -v taskset >/dev/null || ONE=""
cargo build --release --quiet -p uptake-stats --example bench_alpha
RUST=$($ONE target/release/examples/bench_alpha "$OUT/alpha_10k_5.csv" "$RUNS")
PY=$($ONE python3 bench/alpha_peer.py "$OUT/alpha_10k_5.csv" "$PY_RUNS")
echo "$RUST"
echo "$PY"
printf '%-9s %12s %12s %9s  %-14s %-14s %s\n' level rust_ms python_ms speedup rust_alpha python_alpha "<10ms"
for level in nominal ordinal interval ratio; do
  r=$(echo "$RUST" | awk -v l="$level" '$2 == l')
  p=$(echo "$PY" | awk -v l="$level" '$2 == l')
  rm=$(echo "$r" | sed -n 's/.*median_ms=\([0-9.]*\).*/\1/p')
  pm=$(echo "$p" | sed -n 's/.*median_ms=\([0-9.]*\).*/\1/p')
  ra=$(echo "$r" | sed -n 's/.*alpha=\([-0-9.]*\).*/\1/p')
  pa=$(echo "$p" | sed -n 's/.*alpha=\([-0-9.]*\).*/\1/p')
  awk -v l="$level" -v rm="$rm" -v pm="$pm" -v ra="$ra" -v pa="$pa" 'BEGIN {
    d = ra - pa; if (d < 0) d = -d
    printf "%-9s %12.4f %12.4f %8.1fx  %-14.10f %-14.10f %s%s\n", l, rm, pm, pm / rm, ra, pa,
      (rm < 10 ? "met" : "NOT met"), (d > 1e-9 ? "  ALPHA MISMATCH" : "") }'
done
