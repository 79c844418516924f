#!/usr/bin/env bash
# Benchmark for the comment-analysis issue: classify comments with all rule
# schemes together (kmb + safety + claims) on one core. Target: at least
# 200,000 comments/s on realistic comments.
# Comments are SYNTHETIC (bench/gen_comments.py, seeded): reactions, emoji,
# questions and testimony, a French fifth, hostile comments half obfuscated.
# Rules: every .toml under crates/analysis/rules/, or, if there are none,
# ~300 generated rules. Peer: the same rules with Python's `re`
# (bench/classify_baseline.py), one alternation per rule, no normalisation.
# N=400000 comments by default; PY_N (50000) for the slower Python run.
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=${BENCH_OUT:-bench/out}
N=${N:-400000}
PY_N=${PY_N:-50000}
mkdir -p "$OUT"
ONE="taskset -c 0"; command -v taskset >/dev/null || ONE=""
RULES=crates/analysis/rules
if ! find "$RULES" -name '*.toml' 2>/dev/null | grep -q .; then
  RULES="$OUT/synthetic_rules"
  python3 bench/gen_comments.py --rules 300 "$RULES"
fi
[ -f "$OUT/comments_100k.tsv" ] || python3 bench/gen_comments.py 100000 "$OUT/comments_100k.tsv"
cargo build --release --quiet -p uptake-analysis --example classify_bench
RUST=$($ONE target/release/examples/classify_bench "$RULES" "$OUT/comments_100k.tsv" "$N")
echo "$RUST"
PY=$($ONE python3 bench/classify_baseline.py "$RULES" "$OUT/comments_100k.tsv" "$PY_N")
echo "$PY"
r=$(echo "$RUST" | sed -n 's/^rust: \([0-9]*\) comments\/s.*/\1/p')
p=$(echo "$PY" | sed -n 's/^python: \([0-9]*\) comments\/s.*/\1/p')
awk -v r="$r" -v p="$p" 'BEGIN { printf "ratio: rust/python = %.1fx; target 200000 comments/s: %s\n", r / p, (r >= 200000 ? "met" : "NOT met") }'
