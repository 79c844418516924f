#!/usr/bin/env bash
# Benchmark for the web app (`uptake serve`). Issue target: with 100,000
# videos and 1,000,000 comments, every page's p99 latency under 50 ms at 50
# concurrent clients on loopback, and server memory under 300 MB.
#
# - Builds a SYNTHETIC project once (bench/gen_web_project.py writes the
#   database directly, then `uptake analyze` flags the comments), cached in
#   $OUT/web_project_<videos>v_<comments>c (bench/out is gitignored).
# - Starts `uptake serve` (release build, loopback, no accounts: the local
#   owner needs no sign-in) pinned to core 0; wrk runs pinned to core 1.
# - Times the first (cold) request of each page, warms it, then runs
#   `wrk -t1 -c50 -d10s --latency` per page and prints p50 / p99 / req/s.
# - Times the report download (the whole offline HTML report) cold and warm
#   with curl, and prints the server's peak RSS (VmHWM) at the end.
#
# Env: VIDEOS (100000), COMMENTS (1000000), DURATION (10s), CONNS (50),
#      RUNS (wrk runs per page, 1), PORT (18080),
#      UPTAKE (a prebuilt binary; default: build release).
# Needs: a Rust toolchain, python3, wrk, curl, taskset.
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=${BENCH_OUT:-bench/out}
VIDEOS=${VIDEOS:-100000}
COMMENTS=${COMMENTS:-1000000}
DURATION=${DURATION:-10s}
CONNS=${CONNS:-50}
RUNS=${RUNS:-1}
PORT=${PORT:-18080}
if [ -z "${UPTAKE:-}" ]; then
  cargo build --release --quiet -p uptake
  UPTAKE=target/release/uptake
fi
UPTAKE=$(realpath "$UPTAKE")
PROJ="$OUT/web_project_${VIDEOS}v_${COMMENTS}c"
mkdir -p "$OUT"

if [ ! -f "$PROJ/.complete" ]; then
  rm -rf "$PROJ"
  "$UPTAKE" --project "$PROJ" init "$PROJ" --name "Web benchmark (SYNTHETIC)" --handle our_lab >/dev/null
  sed -i 's/^synthetic_data = false/synthetic_data = true/' "$PROJ/uptake.toml"
  echo "== generating $VIDEOS videos and $COMMENTS comments"
  t0=$(date +%s.%N)
  python3 bench/gen_web_project.py "$PROJ/.uptake/uptake.db" "$VIDEOS" "$COMMENTS"
  t1=$(date +%s.%N)
  "$UPTAKE" --project "$PROJ" analyze >"$PROJ/analyze.log"; grep -v "^pile-on" "$PROJ/analyze.log" || true
  t2=$(date +%s.%N)
  awk -v a="$t0" -v b="$t1" -v c="$t2" \
    'BEGIN { printf "generator %.1f s, uptake analyze %.1f s, total %.1f s\n", b - a, c - b, c - a }' \
    | tee "$PROJ/generation_time.txt"
  touch "$PROJ/.complete"
fi
echo "project: $PROJ ($(du -sh "$PROJ/.uptake" | cut -f1)); built in: $(cat "$PROJ/generation_time.txt")"

BASE="http://127.0.0.1:$PORT"
(cd "$PROJ" && exec taskset -c 0 "$UPTAKE" serve --addr "127.0.0.1:$PORT" --no-upload) \
  2>"$OUT/web_server.log" &
SERVER=$!
trap 'kill "$SERVER" 2>/dev/null || true' EXIT
for _ in $(seq 1 600); do
  curl -fs -o /dev/null "$BASE/assets/style.css" && break
  sleep 0.1
done
PID=$(pgrep -P "$SERVER" -x uptake || echo "$SERVER")

# A heavy video (the most comments) and the last page of the views sort.
read -r HEAVY TYPICAL < <(python3 - "$PROJ/.uptake/uptake.db" <<'EOF'
import sqlite3, sys
con = sqlite3.connect(f"file:{sys.argv[1]}?mode=ro", uri=True)
heavy = con.execute("SELECT v.platform_id FROM videos v JOIN (SELECT video_id, COUNT(*) n FROM comments "
                    "GROUP BY video_id ORDER BY n DESC LIMIT 1) c ON c.video_id = v.id").fetchone()[0]
typical = con.execute("SELECT platform_id FROM videos WHERE id = (SELECT MAX(id) / 2 FROM videos)").fetchone()[0]
print(heavy, typical)
EOF
)
LAST=$(( (VIDEOS + 49) / 50 ))
PAGES=(
  "/"
  "/?campaign="
  "/videos"
  "/videos?sort=views&dir=desc&page=$((LAST * 2 / 3))"
  "/videos?sort=views&dir=desc&page=$LAST"
  "/videos?q=melatonin"
  "/videos/$TYPICAL"
  "/videos/$HEAVY"
  "/comments"
  "/comments?page=500"
  "/comments?q=love"
  "/comments?q=puberty+blockers"
  "/comments?scheme=safety"
  "/comments?lang=fr"
  "/review"
  "/review?scheme=claims&state=all&page=20"
  "/claims"
  "/claims?by=month"
  "/imports"
  "/settings"
  "/report"
)

ms() { curl -s -o /dev/null -w '%{http_code} %{time_total}' "$1" | awk '{ printf "%s %.1f\n", $1, $2 * 1000 }'; }

echo "== first request (cold caches) of each page, ms"
for p in "${PAGES[@]}"; do
  read -r code t < <(ms "$BASE$p")
  printf '  %-48s %s %8s ms\n' "$p" "$code" "$t"
done
echo "== report download (whole offline HTML report)"
read -r code t < <(ms "$BASE/report/download"); echo "  cold: $code $t ms"
read -r code t < <(ms "$BASE/report/download"); echo "  warm: $code $t ms"
read -r code t < <(ms "$BASE/report/download"); echo "  warm: $code $t ms"

echo "== wrk -t1 -c$CONNS -d$DURATION --latency, server on core 0, wrk on core 1"
printf '%-48s %9s %9s %9s %7s\n' page p50_ms p99_ms req/s errors
for p in "${PAGES[@]}"; do
  for _ in $(seq 1 "$RUNS"); do
    r=$(taskset -c 1 wrk -t1 -c"$CONNS" -d"$DURATION" --timeout 30s --latency "$BASE$p")
    echo "$r" | awk -v page="$p" '
      function ms(v) { if (v ~ /us$/) return v / 1000; if (v ~ /ms$/) return v + 0; if (v ~ /m$/) return v * 60000; return v * 1000 }
      /^ +50%/ { p50 = ms($2) } /^ +99%/ { p99 = ms($2) } /^Requests\/sec/ { rps = $2 }
      /Non-2xx/ { err += $NF } /Socket errors/ { err += $NF }
      END { printf "%-48s %9.2f %9.2f %9.0f %7d\n", page, p50, p99, rps, err }'
  done
done
echo "== server memory"
grep -E 'VmHWM|VmRSS' "/proc/$PID/status" | sed 's/^/  /'
