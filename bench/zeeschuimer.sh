#!/usr/bin/env bash
# Benchmark for the Zeeschuimer NDJSON reader (issue target: stream 1 GB in constant
# memory at >= 200 MB/s on one core, including storage; this script measures the
# reader alone, the lead measures the full import).
#   - uptake's reader (crates/ingest/examples/read_zeeschuimer.rs, counting sink,
#     release build, one core), on a 1 GB file;
#   - peer 1: CPython `json.loads` over the lines of the same file;
#   - peer 2: pandas `read_json(lines=True)` + `json_normalize` on a 200 MB file
#     (pandas holds everything in memory; per-MB figures are comparable).
# Data are SYNTHETIC, written by bench/gen_zeeschuimer.py (fixed seed).
# Needs: a Rust toolchain, python3, GNU time; pandas for peer 2.
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=${BENCH_OUT:-bench/out}
SIZE_MB=${SIZE_MB:-1024}
PANDAS_MB=${PANDAS_MB:-200}
mkdir -p "$OUT"
BIG="$OUT/zeeschuimer_${SIZE_MB}m.ndjson"
SMALL="$OUT/zeeschuimer_${PANDAS_MB}m.ndjson"
[ -f "$BIG" ] || python3 bench/gen_zeeschuimer.py "$SIZE_MB" "$BIG"
[ -f "$SMALL" ] || python3 bench/gen_zeeschuimer.py "$PANDAS_MB" "$SMALL"
ONE="taskset -c 0"
command -v taskset >/dev/null || ONE=""
TIME=(/usr/bin/time -f "  %e s wall, %M KB peak RSS")

cargo build --release --quiet -p uptake-ingest --example read_zeeschuimer
R=target/release/examples/read_zeeschuimer
cat "$BIG" >/dev/null # warm the page cache for every contender alike

echo "== uptake reader, $(du -m "$BIG" | cut -f1) MB, one core (3 runs)"
for _ in 1 2 3; do "${TIME[@]}" $ONE $R "$BIG"; done

echo "== uptake reader, $(du -m "$SMALL" | cut -f1) MB (peak RSS must not grow with size)"
"${TIME[@]}" $ONE $R "$SMALL"

echo "== peer: CPython json.loads per line, $(du -m "$BIG" | cut -f1) MB"
"${TIME[@]}" $ONE python3 -c '
import json, sys, time
t = time.perf_counter(); n = 0; size = 0
with open(sys.argv[1], "rb") as f:
    for line in f:
        size += len(line)
        if line.strip():
            json.loads(line); n += 1
s = time.perf_counter() - t
print(f"  {size/1e6:.1f} MB in {s:.2f} s = {size/1e6/s:.0f} MB/s; {n} lines")
' "$BIG"

if python3 -c "import pandas" 2>/dev/null; then
  echo "== peer: pandas read_json(lines=True) + json_normalize, $(du -m "$SMALL" | cut -f1) MB"
  "${TIME[@]}" $ONE python3 -c '
import os, sys, time
import pandas as pd
t = time.perf_counter()
df = pd.read_json(sys.argv[1], lines=True, dtype=False)
flat = pd.json_normalize(df["data"].tolist())
s = time.perf_counter() - t
size = os.path.getsize(sys.argv[1])
print(f"  {size/1e6:.1f} MB in {s:.2f} s = {size/1e6/s:.0f} MB/s; {len(df)} rows, {flat.shape[1]} columns")
' "$SMALL"
else
  echo "(pandas not installed: pip install pandas to time peer 2)"
fi
