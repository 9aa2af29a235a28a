#!/usr/bin/env bash
# What does reading the server's metrics cost stressql, and does it disturb the load?
# (SPEC §7.1: the sampler reads once a second on its own thread.) The same rated INSERT into
# the nginx 204 sink, ROUNDS rounds of two runs each, their order turned each round:
#   off  --server-metrics none
#   on   three sources at 1 Hz: a throwaway influxd's /debug/vars, a node exporter's /metrics
#        (Debian's prometheus-node-exporter on a free loopback port) and the influxd process
#        by --server-pid
# Prints, per round and as medians: stressql's CPU seconds (user + system, from its report)
# and the achieved rate and sends late of each. The sampler's cost is (on − off) CPU-s over
# the run time, as a share of one core (target <= 0.5 %); rate accuracy is achieved on/off
# (target 1.00) and the sends late of each, measured side by side.
#
#   bench/server_metrics_cost.sh [BUILD_DIR]    (default build/release)
#   env: ROUNDS=6 RATE=20000 SECONDS_PER_RUN=20 BATCH=500
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
export BUILD=$(cd "${1:-$ROOT/build/release}" && pwd) ROOT
export ROUNDS=${ROUNDS:-6} RATE=${RATE:-20000} SECONDS_PER_RUN=${SECONDS_PER_RUN:-20} BATCH=${BATCH:-500}
[[ -x $BUILD/cli/stressql ]] || { echo "missing $BUILD/cli/stressql" >&2; exit 2; }
(( ROUNDS >= 1 && ROUNDS <= 50 && SECONDS_PER_RUN >= 5 && SECONDS_PER_RUN <= 600 )) ||
  { echo "ROUNDS 1-50, SECONDS_PER_RUN 5-600" >&2; exit 2; }
exec "$ROOT/scripts/influxd-throwaway" "$ROOT/bench/nginx-sink" bash -c '
set -euo pipefail
TMP=$(mktemp -d /tmp/stressql-bench.XXXXXX)
port=$((20000 + RANDOM % 40000))
prometheus-node-exporter --web.listen-address=127.0.0.1:$port --log.level=error >"$TMP/ne.log" 2>&1 &
ne=$!
trap "kill $ne 2>/dev/null; rm -rf $TMP" EXIT
for _ in $(seq 100); do curl -fsS -o /dev/null "http://127.0.0.1:$port/metrics" 2>/dev/null && break; sleep 0.1; done
points=$((RATE * SECONDS_PER_RUN))
printf "SET BatchSize [%s]\n\nSET WriteRate [%s pts/s]\n\nINSERT load\ncpu,host=server-[int inc(0) 1000]\nvalue=[float rand(100) 0]\n%s 10s\n" \
  "$BATCH" "$RATE" "$points" > "$TMP/load.iql"
echo "nginx sink 127.0.0.1:$SINK_PORT; sources: http://$STRESSQL_TARGET/debug/vars, node exporter 127.0.0.1:$port, pid $STRESSQL_TARGET_PID"
echo "$points points at $RATE pts/s ($SECONDS_PER_RUN s), BatchSize $BATCH, $ROUNDS rounds"
run() {  # prints "cpu-s run-s achieved-pts/s sent-late"
  local out
  out=$("$BUILD/cli/stressql" run --reactors 1 --addresses "127.0.0.1:$SINK_PORT" --results none "$@" "$TMP/load.iql" 2>"$TMP/err")
  printf "%s %s %s %s\n" \
    "$(sed -n "s/^stressql CPU: *\([0-9.]*\)s user + \([0-9.]*\)s system.*/\1 \2/p" <<<"$out" | awk "{ print \$1 + \$2 }")" \
    "$(sed -n "s/^Run Time: *\([0-9.]*\)s$/\1/p" <<<"$out")" \
    "$(sed -n "s/^  Achieved Rate: *\([0-9.e+]*\) pts\/s/\1/p" <<<"$out")" \
    "$(sed -n "s/^  Sent Late: *\([0-9]*\).*/\1/p" <<<"$out")"
  if grep -q "server metrics" "$TMP/err"; then echo "warning from the sampler:" >&2; cat "$TMP/err" >&2; fi
}
source "$ROOT/bench/lib.sh"  # settle
order=(off on)
: > "$TMP/rounds"
for r in $(seq "$ROUNDS"); do
  declare -A res=()
  for k in 0 1; do
    name=${order[$(( (k + r) % 2 ))]}
    settle
    if [[ $name == on ]]; then
      res[on]=$(run --server-metrics "http://$STRESSQL_TARGET/debug/vars|http://127.0.0.1:$port/metrics" --server-pid "$STRESSQL_TARGET_PID")
    else
      res[off]=$(run --server-metrics none)
    fi
  done
  set -- ${res[off]} ${res[on]}
  printf "round %2d: off %6.3f CPU-s %7.3f s %9.1f pts/s late %5d | on %6.3f CPU-s %7.3f s %9.1f pts/s late %5d\n" \
    "$r" "$1" "$2" "$3" "$4" "$5" "$6" "$7" "$8"
  echo "$@" >> "$TMP/rounds"
done
median() { sort -g | awk "{ v[NR] = \$1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }"; }
cost=$(awk "{ print (\$5 - \$1) / \$6 * 100 }" "$TMP/rounds" | median)
accuracy=$(awk "{ print \$7 / \$3 }" "$TMP/rounds" | median)
late_off=$(awk "{ print \$4 }" "$TMP/rounds" | median); late_on=$(awk "{ print \$8 }" "$TMP/rounds" | median)
printf "sampler cost (median over rounds of (on - off) CPU-s / run time): %.3f %% of a core (target <= 0.5 %%)\n" "$cost"
printf "achieved rate on / off (median of the per-round ratios): %.4f (target 1.00); sends late (median): off %s, on %s\n" \
  "$accuracy" "$late_off" "$late_on"
'
