#!/usr/bin/env bash
# TSBS's data shapes at stressql's speed (SPEC §7.2, docs/realistic-data.md). Generates
# examples/tsbs/devops.iql with `stressql run --dry-run` (every point rendered on the
# reactors, nothing sent) and prints the CPU-seconds per million points beside TSBS's
# generator, quoted: tsbs_generate_data --use-case=devops makes 377k points/s, 3.15 CPU-s per
# million points, on this kind of machine (TSBS itself is not installed here). Goal: at least
# 20x TSBS's figure, 7.5 M points/s per core. CPU time, not wall time: the figure holds on a
# machine shared with other work, though caches shared with it still slow it.
#
# With LOAD=1 it also loads devops-shaped data into a local influxd (Debian's package, on a
# free loopback port in a temporary directory) and prints stressql's own CPU-seconds per million
# points without gzip beside tsbs_load_influx's quoted 1.51 (goal: at most 0.38), and the
# server's for scale (bench/influx_point_cost.sh compares the server's cost across scripts).
# Like for like: tsbs_load_influx only sends, so the load runs with --server-metrics none
# (stressql's reading of influxd's /debug/vars once a second is a report feature, not loading;
# on this load it adds ~0.25 % of a core, ~0.06 CPU-s per million points at its pace).
#
#   bench/tsbs_shapes.sh [BUILD_DIR]    (default build/release)
#   env: SCALE=1000 DURATION=3h ROUNDS=3 REACTORS=1 LOAD=0 LOAD_SCALE=100 LOAD_DURATION=1h
#        LOAD_ROUNDS=3 (loads, each into a fresh database; the median is the figure)
#        INFLUXD_INDEX=tsi1 (or inmem, 1.6's default; see scripts/influxd-throwaway)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=$(cd "${1:-$ROOT/build/release}" && pwd)
SCALE=${SCALE:-1000} DURATION=${DURATION:-3h} ROUNDS=${ROUNDS:-3} REACTORS=${REACTORS:-1}
LOAD=${LOAD:-0} LOAD_SCALE=${LOAD_SCALE:-100} LOAD_DURATION=${LOAD_DURATION:-1h}
TSBS_GEN_CPU_S_PER_M=3.15 TSBS_GEN_PTS_S=377000 TSBS_LOAD_CPU_S_PER_M=1.51
[[ -x $BUILD/cli/stressql ]] || { echo "missing $BUILD/cli/stressql" >&2; exit 2; }
(( ROUNDS >= 1 && ROUNDS <= 20 && SCALE <= 100000 )) || { echo "ROUNDS 1-20, SCALE <= 1e5" >&2; exit 2; }
TMP=$(mktemp -d /tmp/stressql-tsbs.XXXXXX)
PID=""
cleanup() { [[ -n $PID ]] && kill "$PID" 2>/dev/null; rm -rf "$TMP"; }
trap cleanup EXIT
source "$ROOT/bench/lib.sh"  # settle
EX="$ROOT/examples/tsbs/devops.iql"

# CPU seconds (user + system) of one dry run, and its points, as "cpu points".
dry_run() {
  settle
  "$BUILD/cli/stressql" run --dry-run --seed 1 --reactors "$REACTORS" --define scale="$SCALE" \
    --define duration="$DURATION" "$EX" > "$TMP/out.txt"
  awk '/^  Points Rendered \(not sent\):/ { p += $NF }
       /^stressql CPU:/ { gsub("s", "", $3); gsub("s", "", $6); cpu = $3 + $6 }
       END { print cpu, p }' "$TMP/out.txt"
}

echo "devops.iql --dry-run: scale $SCALE, duration $DURATION, --reactors $REACTORS, $ROUNDS rounds, $(nproc) CPUs"
: > "$TMP/rounds"
for r in $(seq "$ROUNDS"); do
  read -r cpu points < <(dry_run)
  (( points > 0 )) || { echo "the dry run rendered no points" >&2; cat "$TMP/out.txt" >&2; exit 1; }
  awk -v r="$r" -v c="$cpu" -v p="$points" 'BEGIN {
    printf "round %d  %d points  %.2f CPU-s  %.3f CPU-s per million  %.2f M points/s per core\n",
      r, p, c, c * 1e6 / p, p / c / 1e6 }'
  echo "$cpu $points" >> "$TMP/rounds"
done
sort -n "$TMP/rounds" | head -1 | awk -v t="$TSBS_GEN_CPU_S_PER_M" -v tp="$TSBS_GEN_PTS_S" '{
  per_m = $1 * 1e6 / $2
  printf "best round: stressql %.3f CPU-s per million points (%.2f M points/s per core)\n", per_m, 1 / per_m
  printf "TSBS tsbs_generate_data (quoted): %.2f CPU-s per million points (%.0fk points/s)\n", t, tp / 1e3
  printf "ratio: %.1fx TSBS (goal >= 20x: 7.5 M points/s per core)\n", t / per_m }'

(( LOAD )) || exit 0
command -v influxd > /dev/null || { echo "influxd missing (Debian package influxdb)" >&2; exit 2; }
port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
HTTP=$(port) RPC=$(port)
mkdir -p "$TMP/influx"
cat > "$TMP/influx.conf" <<CONF
bind-address = "127.0.0.1:$RPC"
reporting-disabled = true
[meta]
  dir = "$TMP/influx/meta"
[data]
  dir = "$TMP/influx/data"
  wal-dir = "$TMP/influx/wal"
  query-log-enabled = false
  index-version = "${INFLUXD_INDEX:-tsi1}"
[http]
  bind-address = "127.0.0.1:$HTTP"
  log-enabled = false
[monitor]
  store-enabled = false
CONF
influxd run -config "$TMP/influx.conf" > "$TMP/influxd.log" 2>&1 &
PID=$!
for _ in $(seq 150); do
  [[ $(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$HTTP/ping") == 204 ]] && break
  sleep 0.2
done
curl -sf -XPOST "http://127.0.0.1:$HTTP/query" --data-urlencode "q=CREATE DATABASE benchmark" > /dev/null ||
  { echo "influxd did not start:" >&2; tail -5 "$TMP/influxd.log" >&2; exit 1; }
ticks() { awk '{ print $14 + $15 }' "/proc/$PID/stat"; }
LOAD_ROUNDS=${LOAD_ROUNDS:-3}
(( LOAD_ROUNDS >= 1 && LOAD_ROUNDS <= 10 )) || { echo "LOAD_ROUNDS 1-10" >&2; exit 2; }
q() { curl -sf -XPOST "http://127.0.0.1:$HTTP/query" --data-urlencode "q=$1" > /dev/null; }
: > "$TMP/loads"
for r in $(seq "$LOAD_ROUNDS"); do
  q "DROP DATABASE benchmark"; q "CREATE DATABASE benchmark"
  settle
  before=$(ticks)
  "$BUILD/cli/stressql" run --seed 1 --addresses "127.0.0.1:$HTTP" --results none --server-metrics none \
    --timeout 120s --write-concurrency 2 \
    --define scale="$LOAD_SCALE" --define duration="$LOAD_DURATION" "$EX" > "$TMP/load.txt" ||
    { echo "the load run failed:" >&2; tail -20 "$TMP/load.txt" >&2; exit 1; }
  after=$(ticks)
  accepted=$(awk '/^Points Accepted \/ Dropped \/ Failed:/ { print $(NF-4) }' "$TMP/load.txt")
  client=$(awk '/^stressql CPU:/ { gsub("s", "", $3); gsub("s", "", $6); print $3 + $6 }' "$TMP/load.txt")
  awk -v r="$r" -v b="$before" -v a="$after" -v hz="$(getconf CLK_TCK)" -v p="$accepted" -v c="$client" -v s="$LOAD_SCALE" 'BEGIN {
    cpu = (a - b) / hz
    printf "load %d: devops into influxd (scale %s, no gzip): %d points accepted; stressql %.2f CPU-s, %.3f CPU-s per million points; influxd %.2f CPU-s, %.2f per million\n",
      r, s, p, c, c * 1e6 / p, cpu, cpu * 1e6 / p }'
  awk -v p="$accepted" -v c="$client" 'BEGIN { printf "%.4f\n", c * 1e6 / p }' >> "$TMP/loads"
done
sort -n "$TMP/loads" | awk -v t="$TSBS_LOAD_CPU_S_PER_M" '{ v[NR] = $1 } END {
  m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
  printf "stressql (the loader, --server-metrics none), median of %d loads: %.3f CPU-s per million points (%.3f-%.3f)\n", NR, m, v[1], v[NR]
  printf "tsbs_load_influx (quoted): %.2f CPU-s per million points; ratio %.1fx (goal >= 4x: <= 0.38)\n", t, t / m }'
