#!/usr/bin/env bash
# Does writing results rows slow the measured load? The same INSERT into the nginx 204
# sink, ROUNDS rounds of three runs each, interleaved so drift hits all three alike:
#   off   --results none
#   after --results <a throwaway influxd> (the default --results-upload after: rows wait in a
#         local file and are posted once the script has ended)
#   live  --results <the same influxd> --results-upload live (posted while the load runs)
# Prints points/s of each, after/off (target >= 0.98) and live/off. The reporting influxd
# shares the machine's cores with stressql and nginx, as with the default --results
# (localhost:8086): what live costs is mostly its CPU ingesting a row per request.
# nginx answers as fast as loopback allows, so a row per request is as many rows per second
# as it gets. Before each run the machine must be idle (influxd still ingesting or compacting
# the last run's rows would slow the next one), and the order of the three turns each round;
# the median of the per-round ratios is printed next to the ratio of the means.
#
# One reactor by default: on two cores shared with nginx and influxd, one reactor is both
# faster and far steadier (run-to-run spread of a few % instead of +-15 %) than two.
# stressql's own CPU-seconds per million points (from its report) is compared as well.
#
#   bench/results_overhead.sh [BUILD_DIR]    (default build/release)
#   env: ROUNDS=10 POINTS=50000000 BATCH=5000 CONNECTIONS=16 REACTORS=1
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
export BUILD=$(cd "${1:-$ROOT/build/release}" && pwd) ROOT
export ROUNDS=${ROUNDS:-10} POINTS=${POINTS:-50000000} BATCH=${BATCH:-5000} CONNECTIONS=${CONNECTIONS:-16}
export REACTORS=${REACTORS:-1}
[[ -x $BUILD/cli/stressql ]] || { echo "missing $BUILD/cli/stressql" >&2; exit 2; }
(( ROUNDS >= 1 && ROUNDS <= 50 && POINTS <= 500000000 )) || { echo "ROUNDS 1-50, POINTS <= 5e8" >&2; exit 2; }
exec "$ROOT/scripts/influxd-throwaway" "$ROOT/bench/nginx-sink" bash -c '
set -euo pipefail
TMP=$(mktemp -d /tmp/stressql-bench.XXXXXX); trap "rm -rf $TMP" EXIT
printf "SET BatchSize [%s]\n\nSET WriteConcurrency [%s]\n\nINSERT load\ncpu,host=server-[int inc(0) 10000],loc=[a|b|c]\nvalue=[float rand(100) 0]\n%s 10s\n" \
  "$BATCH" "$CONNECTIONS" "$POINTS" > "$TMP/load.iql"
echo "nginx sink 127.0.0.1:$SINK_PORT; results server $STRESSQL_TARGET; $POINTS points, BatchSize $BATCH, $REACTORS reactor(s), $ROUNDS rounds"
run() {  # prints "points/s cpu-s-per-million|results note"
  local out
  out=$(cd "$TMP" && "$BUILD/cli/stressql" run --reactors "$REACTORS" --addresses "127.0.0.1:$SINK_PORT" "$@" "$TMP/load.iql")
  printf "%s %s|%s\n" "$(sed -n "s/^  Points\/Sec: *\([0-9]*\).*/\1/p" <<<"$out")" \
    "$(sed -n "s/^stressql CPU:.*(\([0-9.]*\) CPU-s per million points)/\1/p" <<<"$out")" "$(sed -n "s/^Results: *//p" <<<"$out")"
}
source "$ROOT/bench/lib.sh"  # settle
declare -A args=([off]="--results none" [after]="--results http://$STRESSQL_TARGET" \
                 [live]="--results http://$STRESSQL_TARGET --results-upload live")
order=(off after live)
: > "$TMP/rounds"
for r in $(seq "$ROUNDS"); do
  declare -A pps=() note=()
  for k in 0 1 2; do
    name=${order[$(( (k + r) % 3 ))]}
    settle
    res=$(run ${args[$name]}); pps[$name]=${res%%|*}; note[$name]=${res#*|}
  done
  set -- ${pps[off]} ${pps[after]} ${pps[live]}
  printf "round %2d: off %9d %6s | after %9d %6s | live %9d %6s   (points/s, CPU-s/M points; after: %s)\n" "$r" \
    $1 $2 $3 $4 $5 $6 "${note[after]##*posted after the run in }"
  echo "$1 $3 $5 $2 $4 $6" >> "$TMP/rounds"
done
sort_median() { sort -g | awk "{ v[NR] = \$1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }"; }
median_ratio() { awk -v a="$1" -v b="$2" "{ print \$b / \$a }" "$TMP/rounds" | sort_median; }
awk "{ for (i = 1; i <= 6; i++) m[i] += \$i } END {
  printf \"mean points/s: off %.0f, after %.0f, live %.0f\n\", m[1]/NR, m[2]/NR, m[3]/NR
  printf \"ratio of means, points/s: after/off = %.3f (target >= 0.98); live/off = %.3f\n\", m[2]/m[1], m[3]/m[1]
  printf \"ratio of means, stressql CPU-s per million points: after/off = %.3f; live/off = %.3f\n\", m[5]/m[4], m[6]/m[4] }" "$TMP/rounds"
printf "median of per-round ratios, points/s: after/off = %.3f; live/off = %.3f\n" "$(median_ratio 1 2)" "$(median_ratio 1 3)"
'
