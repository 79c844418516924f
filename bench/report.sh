#!/usr/bin/env bash
# Benchmark for the report issue: `uptake report` (HTML) for 1,000, 10,000 and
# 100,000 videos with 30 observations each, on one core; time and size should
# grow linearly (target: under 2 s at 10,000 videos).
# Data are SYNTHETIC (bench/gen_report_data.py). SIZES="1000 10000" to skip 100k.
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=${BENCH_OUT:-bench/out}
SIZES=${SIZES:-"1000 10000 100000"}
mkdir -p "$OUT"
cargo build --release --quiet
U=$PWD/target/release/uptake
ONE="taskset -c 0"; command -v taskset >/dev/null || ONE=""
for n in $SIZES; do
  P="$OUT/report_$n"
  if [ ! -f "$P/uptake.toml" ]; then
    python3 bench/gen_report_data.py "$n" 30 "$OUT/report_$n.csv"
    rm -rf "$P" && $U init "$P" >/dev/null
    /usr/bin/time -f "  import $n x 30: %e s" $U --project "$P" import "$OUT/report_$n.csv" >/dev/null
  fi
  echo "== $n videos x 30 observations"
  for fmt in html md; do
    /usr/bin/time -f "  report --format $fmt: %e s wall, %M KB peak" $ONE $U --project "$P" report --format $fmt -o "$OUT/report_$n.$fmt" >/dev/null
    echo "  size: $(du -k "$OUT/report_$n.$fmt" | cut -f1) KB"
  done
done
