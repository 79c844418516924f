#!/usr/bin/env bash
# Benchmark for issue "Foundation" (own-account analytics):
#   - import a 365-day Studio export (Overview + Followers ZIPs) and a
#     10,000-video Business API response, each on one core (target < 1 s);
#   - `uptake videos` over 100,000 videos x 10 observations (target < 1 s);
#   - peer: the same table computed with pandas from the same database.
# Data are SYNTHETIC, written by bench/gen_own_account.py (fixed seed).
# Needs: a Rust toolchain, python3; hyperfine and pandas if present.
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=${BENCH_OUT:-bench/out}
cargo build --release --quiet
U=$PWD/target/release/uptake
[ -f "$OUT/manual_100k.csv" ] || python3 bench/gen_own_account.py "$OUT"
ONE="taskset -c 0"
command -v taskset >/dev/null || ONE=""

run_import() { # project, file
  rm -rf "$1" && $U init "$1" >/dev/null
  /usr/bin/time -f "  %e s wall, %M KB peak" $ONE $U --project "$1" import "$2" >/dev/null
}

echo "== import (one core), fresh project each time"
for f in "$OUT"/Overview_*.zip "$OUT"/Followers_*.zip "$OUT/business_10k.json"; do
  echo "$(basename "$f")"
  if command -v hyperfine >/dev/null; then
    hyperfine -N --warmup 1 --runs 10 --prepare "sh -c 'rm -rf $OUT/p_imp && $U init $OUT/p_imp >/dev/null'" \
      "$ONE $U --project $OUT/p_imp import $f" | grep -E "Time|Range" || true
  else
    run_import "$OUT/p_imp" "$f"
  fi
done

echo "== 100,000 videos x 10 observations"
if [ ! -f "$OUT/p100k/uptake.toml" ]; then
  rm -rf "$OUT/p100k" && $U init "$OUT/p100k" >/dev/null
  echo "import manual_100k.csv (1,000,000 rows):"
  /usr/bin/time -f "  %e s wall, %M KB peak" $ONE $U --project "$OUT/p100k" import "$OUT/manual_100k.csv" >/dev/null
fi
for fmt in table csv json md; do
  echo "uptake videos --format $fmt"
  if command -v hyperfine >/dev/null; then
    hyperfine -N --warmup 1 --runs 5 "$ONE $U --project $OUT/p100k videos --format $fmt" --output=null | grep -E "Time|Range" || true
  else
    /usr/bin/time -f "  %e s wall, %M KB peak" $ONE $U --project "$OUT/p100k" videos --format $fmt >/dev/null
  fi
  /usr/bin/time -f "  peak memory %M KB" $ONE $U --project "$OUT/p100k" videos --format $fmt >/dev/null
done
echo "uptake videos --as-of 2025-06-01 (scans observations)"
/usr/bin/time -f "  %e s wall, %M KB peak" $ONE $U --project "$OUT/p100k" videos --as-of 2025-06-01 >/dev/null

if python3 -c "import pandas" 2>/dev/null; then
  echo "== peer: pandas, same database, same table (bench/peer_videos_pandas.py)"
  /usr/bin/time -f "  %e s wall, %M KB peak" $ONE python3 bench/peer_videos_pandas.py "$OUT/p100k/.uptake/uptake.db" >/dev/null
else
  echo "(pandas not installed: pip install pandas to time the peer)"
fi
