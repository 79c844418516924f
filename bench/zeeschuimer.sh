#!/usr/bin/env bash
# Benchmark for importing a Zeeschuimer NDJSON export (issue target: a 1 GB
# capture imported in constant memory, < 200 MB peak RSS, at >= 200 MB/s on
# one core, storage included).
#   - `uptake import` of the whole file into a fresh project (release build,
#     SQLite on local disk), pinned to one core and then on every core (the
#     import reads and hashes on one thread and stores on another, and
#     a third asks the system to write the database to disk as it grows);
#   - uptake's reader alone (crates/ingest/examples/read_zeeschuimer.rs,
#     counting sink, one core): parsing, pseudonymising and scrubbing, no
#     storage;
#   - peer 0: plain typed serde_json parsing of the same file
#     (crates/ingest/examples/typed_serde_peer.rs: the captured fields into
#     structs, no raw record, no scrubbing, no records), the issue's floor;
#   - peer 1: CPython `json.loads` over the lines of the same file (parsing
#     only: no storage, no pseudonyms);
#   - peer 2: pandas `read_json(lines=True)` + `json_normalize` on a 200 MB
#     file (pandas holds everything in memory; per-MB figures are comparable).
# Data are SYNTHETIC, written by bench/gen_zeeschuimer.py (fixed seed).
# Env: SIZE_MB (1024), PANDAS_MB (200), RUNS (2 imports per setting),
#      BENCH_OUT (bench/out; the project goes to a temporary folder there),
#      DROP_CACHES (1: as root, empty the page cache before each import).
# A page cache full of other files (a build just before, say) makes the
# kernel reclaim pages while the import writes: measured here, 13 GB of
# cached build output turned 1.0 s of system time into 3.7 s (one core,
# 1 GB). The script prints the cache's size; DROP_CACHES=1 makes runs
# comparable on a busy machine.
# Needs: a Rust toolchain, python3, GNU time, taskset; pandas for peer 2.
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=${BENCH_OUT:-bench/out}
SIZE_MB=${SIZE_MB:-1024}
PANDAS_MB=${PANDAS_MB:-200}
RUNS=${RUNS:-2}
mkdir -p "$OUT"
BIG="$OUT/zeeschuimer_${SIZE_MB}m.ndjson"
SMALL="$OUT/zeeschuimer_${PANDAS_MB}m.ndjson"
[ -f "$BIG" ] || python3 bench/gen_zeeschuimer.py "$SIZE_MB" "$BIG"
[ -f "$SMALL" ] || python3 bench/gen_zeeschuimer.py "$PANDAS_MB" "$SMALL"
ONE="taskset -c 0"
command -v taskset >/dev/null || ONE=""
BYTES=$(stat -c %s "$BIG")

cargo build --release --quiet -p uptake -p uptake-ingest --example read_zeeschuimer \
  --example typed_serde_peer
UPTAKE=$(realpath target/release/uptake)
R=target/release/examples/read_zeeschuimer
TYPED=target/release/examples/typed_serde_peer

# Runs a command under GNU time; prints wall seconds, MB/s of $2 bytes and peak RSS.
timed() {
  local bytes=$1; shift
  local log
  log=$(mktemp)
  /usr/bin/time -f "%e %M" -o "$log" "$@" >/dev/null
  awk -v b="$bytes" '{ printf "  %6.2f s wall  %6.0f MB/s  %6.0f MB peak RSS\n", $1, b / 1e6 / $1, $2 / 1024 }' "$log"
  rm -f "$log"
}

import_once() { # $1: taskset prefix or empty
  local proj
  if [ "${DROP_CACHES:-0}" = 1 ]; then
    sync
    echo 1 >/proc/sys/vm/drop_caches # needs root; fails loudly otherwise
  fi
  proj=$(mktemp -d "$OUT/zeeschuimer_project.XXXX")
  "$UPTAKE" init "$proj/p" --name "Import benchmark (SYNTHETIC)" >/dev/null
  cat "$BIG" >/dev/null # the same warm page cache for every run
  sync                  # and no earlier run's database still being written back
  timed "$BYTES" $1 "$UPTAKE" --project "$proj/p" import "$BIG"
  echo "    database: $(du -m "$proj/p/.uptake/uptake.db" | cut -f1) MB"
  rm -rf "$proj"
  sync
}

echo "page cache before the runs: $(free -m | awk '/^Mem:/ { print $6 }') MB (see DROP_CACHES above)"
echo "== uptake import, $((BYTES / 1000000)) MB, one core ($RUNS runs)"
for _ in $(seq 1 "$RUNS"); do import_once "$ONE"; done

echo "== uptake import, $((BYTES / 1000000)) MB, all $(nproc) cores ($RUNS runs)"
for _ in $(seq 1 "$RUNS"); do import_once ""; done

cat "$BIG" >/dev/null
echo "== uptake reader alone (no storage), one core"
timed "$BYTES" $ONE $R "$BIG"
echo "== uptake reader alone, $(du -m "$SMALL" | cut -f1) MB (peak RSS must not grow with size)"
timed "$(stat -c %s "$SMALL")" $ONE $R "$SMALL"

echo "== peer: typed serde_json parsing alone (no raw record, scrubbing or records), one core"
timed "$BYTES" $ONE $TYPED "$BIG"

echo "== peer: CPython json.loads per line, one core"
timed "$BYTES" $ONE python3 -c '
import json, sys
with open(sys.argv[1], "rb") as f:
    for line in f:
        if line.strip():
            json.loads(line)
' "$BIG"

if python3 -c "import pandas" 2>/dev/null; then
  echo "== peer: pandas read_json(lines=True) + json_normalize, $(du -m "$SMALL" | cut -f1) MB, one core"
  timed "$(stat -c %s "$SMALL")" $ONE python3 -c '
import sys
import pandas as pd
df = pd.read_json(sys.argv[1], lines=True, dtype=False)
flat = pd.json_normalize(df["data"].tolist())
' "$SMALL"
else
  echo "(pandas not installed: pip install pandas to time peer 2)"
fi
