#!/usr/bin/env bash
# Does writing results rows slow the measured load? The same INSERT into the nginx 204
# sink, alternating --results none and --results <a throwaway influxd>, ROUNDS rounds each;
# prints points/s for both and the ratio (target: on/off >= 0.98). nginx answers as fast
# as loopback allows, so a row per request is as many rows per second as it gets.
#
#   bench/results_overhead.sh [BUILD_DIR]    (default build/release)
#   env: ROUNDS=3 POINTS=20000000 BATCH=5000 CONNECTIONS=16
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
export BUILD=$(cd "${1:-$ROOT/build/release}" && pwd) ROOT
export ROUNDS=${ROUNDS:-3} POINTS=${POINTS:-20000000} BATCH=${BATCH:-5000} CONNECTIONS=${CONNECTIONS:-16}
[[ -x $BUILD/cli/stressql ]] || { echo "missing $BUILD/cli/stressql" >&2; exit 2; }
(( ROUNDS >= 1 && ROUNDS <= 10 && POINTS <= 200000000 )) || { echo "ROUNDS 1-10, POINTS <= 2e8" >&2; exit 2; }
exec "$ROOT/scripts/influxd-throwaway" "$ROOT/bench/nginx-sink" bash -c '
set -euo pipefail
TMP=$(mktemp -d /tmp/stressql-bench.XXXXXX); trap "rm -rf $TMP" EXIT
PORT=$SINK_PORT
printf "SET BatchSize [%s]\n\nSET WriteConcurrency [%s]\n\nINSERT load\ncpu,host=server-[int inc(0) 10000],loc=[a|b|c]\nvalue=[float rand(100) 0]\n%s 10s\n" \
  "$BATCH" "$CONNECTIONS" "$POINTS" > "$TMP/load.iql"
echo "nginx sink 127.0.0.1:$PORT; results server $STRESSQL_TARGET; $POINTS points, BatchSize $BATCH, $ROUNDS rounds"
off=0; on=0
for r in $(seq "$ROUNDS"); do
  a=$("$BUILD/cli/stressql" run --addresses "127.0.0.1:$PORT" --results none "$TMP/load.iql" | sed -n "s/^  Points\/Sec: *\([0-9]*\).*/\1/p")
  out=$(cd "$TMP" && "$BUILD/cli/stressql" run --addresses "127.0.0.1:$PORT" --results "http://$STRESSQL_TARGET" "$TMP/load.iql")
  b=$(sed -n "s/^  Points\/Sec: *\([0-9]*\).*/\1/p" <<<"$out")
  rows=$(sed -n "s/^Results: *//p" <<<"$out")
  printf "round %d: results off %10d points/s | on %10d points/s (%s)\n" "$r" "$a" "$b" "$rows"
  off=$((off + a)); on=$((on + b))
done
awk -v a="$off" -v b="$on" -v n="$ROUNDS" "BEGIN { printf \"mean: off %.0f, on %.0f points/s; on/off = %.3f (target >= 0.98)\n\", a/n, b/n, b/a }"
'
