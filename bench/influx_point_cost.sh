#!/usr/bin/env bash
# What a point costs influxd: examples/demo.iql (synthetic `rand` values) against the TSBS
# devops example (examples/tsbs/devops.iql: walks, counters, 9 measurements, ~100 fields),
# loaded into the same throwaway influxd (Debian's package, scripts/influxd-throwaway),
# alternating, ROUNDS rounds each. docs/influxd-point-cost.md shows and explains the figures.
#
# The server's CPU is read from /proc/PID/stat (utime + stime, what `--server-pid` reports)
# before and after each whole run, and divided by the points the server accepted: a whole-run
# figure, because the statements of both scripts run side by side (GO), and each statement's own
# "Server CPU per Million Points" then charges the server's whole CPU to that statement's
# points. demo.iql's run includes its 200 templated queries (`SELECT mean(value) ...`), as a
# user running the demo gets them; DEMO_WRITES_ONLY=1 leaves them out. The run also passes
# --server-pid, so each report carries the server's side too.
#
# devops.iql runs its nine INSERTs side by side with 5000-point (up to ~5 MB) bodies: at
# --write-concurrency 4 a loaded 2-CPU machine had influxd 1.6 time out every request (10 s)
# and grow to 11 GB, so both scripts run with WRITE_CONCURRENCY=1 per INSERT (demo.iql's own
# SET WriteConcurrency [4] still applies to it) and --timeout 120s.
#
# Beside it, stressql's own CPU per million points (its report's "stressql CPU" line) for the
# devops load without gzip, against the goal of at most 0.38 (a quarter of tsbs_load_influx's
# 1.51 CPU-s per million points, quoted: TSBS is not installed here).
#
#   bench/influx_point_cost.sh [BUILD_DIR]     (default build/release)
#   env: ROUNDS=2 SCALE=100 DURATION=3h DEMO_WRITES_ONLY=0 WRITE_CONCURRENCY=1
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=$(cd "${1:-$ROOT/build/release}" && pwd)
export STRESSQL=$BUILD/cli/stressql ROOT
export ROUNDS=${ROUNDS:-2} SCALE=${SCALE:-100} DURATION=${DURATION:-3h} DEMO_WRITES_ONLY=${DEMO_WRITES_ONLY:-0}
export WRITE_CONCURRENCY=${WRITE_CONCURRENCY:-1}
[[ -x $STRESSQL ]] || { echo "missing $STRESSQL (build it first)" >&2; exit 2; }
(( ROUNDS >= 1 && ROUNDS <= 10 && SCALE >= 1 && SCALE <= 1000 )) || { echo "bounds: ROUNDS 1-10, SCALE 1-1000" >&2; exit 2; }
exec "$ROOT/scripts/influxd-throwaway" bash -c '
set -euo pipefail
tmp=$(mktemp -d /tmp/stressql-point-cost.XXXXXX); trap "rm -rf $tmp" EXIT
source "$ROOT/bench/lib.sh"  # settle
tck=$(getconf CLK_TCK)
server_cpu() { awk -v t="$tck" "{ print (\$14 + \$15) / t }" "/proc/$STRESSQL_TARGET_PID/stat"; }
q() { curl -sf -XPOST "http://$STRESSQL_TARGET/query" --data-urlencode "q=$1" >/dev/null; }
demo=$ROOT/examples/demo.iql
if (( DEMO_WRITES_ONLY )); then  # the same script without its QUERY statement
  awk "/^GO QUERY/ { skip = 1 } skip && /^\$/ { skip = 0; next } !skip" "$demo" > $tmp/demo.iql
  demo=$tmp/demo.iql
fi
echo "InfluxDB $(influxd version | head -1) on $STRESSQL_TARGET (pid $STRESSQL_TARGET_PID), $(nproc) CPUs"
echo "demo: $demo; devops: examples/tsbs/devops.iql --define scale=$SCALE --define duration=$DURATION"
# One run: prints "server_cpu_s accepted_points stressql_cpu_s".
run() {
  local name=$1; shift
  settle
  local before after
  before=$(server_cpu)
  "$STRESSQL" run --addresses "$STRESSQL_TARGET" --server-pid "$STRESSQL_TARGET_PID" --results none \
    --write-concurrency "$WRITE_CONCURRENCY" --timeout 120s "$@" \
    > "$tmp/$name.txt" 2>&1 || { echo "$name failed:" >&2; tail -20 "$tmp/$name.txt" >&2; exit 1; }
  after=$(server_cpu)
  local pts cpu
  pts=$(sed -n "s|^Points Accepted / Dropped / Failed: *\([0-9]*\).*|\1|p" "$tmp/$name.txt")
  cpu=$(awk "/^stressql CPU:/ { gsub(\"s\", \"\", \$3); gsub(\"s\", \"\", \$6); print \$3 + \$6 }" "$tmp/$name.txt")
  (( pts > 0 )) || { echo "$name: no points accepted" >&2; tail -20 "$tmp/$name.txt" >&2; exit 1; }
  echo "$(awk "BEGIN { print $after - $before }") $pts $cpu"
}
: > $tmp/sums
for r in $(seq "$ROUNDS"); do
  read -r d_srv d_pts d_cli < <(run demo "$demo")
  q "CREATE DATABASE devops$r"
  read -r o_srv o_pts o_cli < <(run devops --define scale="$SCALE" --define duration="$DURATION" \
    --define database="devops$r" "$ROOT/examples/tsbs/devops.iql")
  q "DROP DATABASE devops$r"
  awk -v r="$r" -v ds="$d_srv" -v dp="$d_pts" -v os="$o_srv" -v op="$o_pts" -v oc="$o_cli" "BEGIN {
    printf \"round %d: demo %d points, influxd %.2f CPU-s = %.2f per M | devops %d points, influxd %.2f CPU-s = %.2f per M (%.2fx demo) | stressql on devops %.3f CPU-s per M\n\",
      r, dp, ds, ds * 1e6 / dp, op, os, os * 1e6 / op, (os / op) / (ds / dp), oc * 1e6 / op }"
  echo "$d_srv $d_pts $o_srv $o_pts $o_cli" >> $tmp/sums
done
awk "{ ds += \$1; dp += \$2; os += \$3; op += \$4; oc += \$5 } END {
  printf \"all rounds: influxd %.2f CPU-s per million points on demo.iql, %.2f on devops.iql: %.2fx\n\", ds * 1e6 / dp, os * 1e6 / op, (os / op) / (ds / dp)
  printf \"stressql loading devops (no gzip): %.3f CPU-s per million points; goal <= 0.38, tsbs_load_influx (quoted) 1.51: %.1fx less\n\", oc * 1e6 / op, 1.51 / (oc * 1e6 / op) }" $tmp/sums
'
