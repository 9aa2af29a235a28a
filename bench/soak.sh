#!/usr/bin/env bash
# Soak: a bounded long run (SOAK_SECONDS, default 180) of GO INSERT + GO QUERY into an
# nginx 204 sink on loopback, sampling stressql's resident memory every SAMPLE seconds.
# It stops the run with SIGINT (exercising the clean stop) and prints the RSS curve and
# the growth from the first sample after warm-up to the last; flat means bounded memory.
#
#   bench/soak.sh [BUILD_DIR]     (default build/release)
#   env: SOAK_SECONDS=180 SAMPLE=10
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=$(cd "${1:-$ROOT/build/release}" && pwd)
STRESSQL=$BUILD/cli/stressql
SOAK=${SOAK_SECONDS:-180}; SAMPLE=${SAMPLE:-10}
[[ -x $STRESSQL ]] || { echo "missing $STRESSQL" >&2; exit 2; }
(( SOAK >= 10 && SOAK <= 3600 && SAMPLE >= 1 )) || { echo "SOAK_SECONDS 10-3600" >&2; exit 2; }
[[ -n ${SINK_PORT:-} ]] || exec "$ROOT/bench/nginx-sink" "$0" "$@"
PORT=$SINK_PORT
TMP=$(mktemp -d /tmp/stressql-soak.XXXXXX); PID=
cleanup() { [[ -n $PID ]] && kill -KILL "$PID" 2>/dev/null; rm -rf "$TMP"; }
trap cleanup EXIT
cat > "$TMP/soak.iql" <<'IQL'
SET BatchSize [1000]

SET WriteConcurrency [8]

GO INSERT soak
cpu,host=server-[int inc(0) 100000],rack=[str rand(6) 50]
value=[float rand(100) 0],n=[int inc(0) 0]
100000000000 1s

GO QUERY soak
SELECT last(value) FROM %m WHERE %t
DO 1000000000

WAIT
IQL
"$STRESSQL" run --addresses "127.0.0.1:$PORT" --results none "$TMP/soak.iql" > "$TMP/report" 2>"$TMP/err" &
PID=$!
echo "soak: ${SOAK}s of GO INSERT + GO QUERY into nginx on 127.0.0.1:$PORT; RSS every ${SAMPLE}s"
first=; last=; t=0
while (( t <= SOAK )) && kill -0 "$PID" 2>/dev/null; do
  rss=$(awk '/^VmRSS/ {print $2}' "/proc/$PID/status" 2>/dev/null || echo 0)
  printf "  t=%4ds RSS %8d KiB\n" "$t" "$rss"
  (( t >= SAMPLE * 2 )) && [[ -z $first ]] && first=$rss
  last=$rss
  sleep "$SAMPLE"; t=$((t + SAMPLE))
done
kill -INT "$PID"
stopped=0
for _ in $(seq 50); do kill -0 "$PID" 2>/dev/null || { stopped=1; break; }; sleep 0.1; done
wait "$PID" 2>/dev/null || true
PID=
(( stopped )) || echo "soak: stressql did not stop within 5 s of SIGINT" >&2
grep -E "^(Points Accepted|Requests OK|stressql CPU|Result)" "$TMP/report" || cat "$TMP/err"
awk -v a="$first" -v b="$last" 'BEGIN { printf "RSS after warm-up %d KiB, at the end %d KiB: growth %+.1f%%\n", a, b, (b - a) * 100 / a }'
