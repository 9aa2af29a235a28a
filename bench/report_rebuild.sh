#!/usr/bin/env bash
# Does `stressql report` rebuild a long run in bounded time and memory? The rows of a 1-hour
# rated run of 5 INSERTs at 100 req/s (1.8 M attempt rows, 1 % retried, and their interval,
# request_stats, statement and run rows) are written by bench/report_rows_gen
# (results/results_rows, as a run formats them) into a throwaway influxd; then `stressql
# report TEST_ID` is timed, with its peak RSS (/usr/bin/time), against the goal: at most 30 s
# and 100 MB. It reads the request_stats rows, not the attempt rows. In the same run, curl
# fetches the attempt rows (the chunked query the per-attempt fallback sends, to /dev/null):
# what influxd alone spends producing them, the floor of a rebuild that reads them.
#
#   bench/report_rebuild.sh [BUILD_DIR]    (default build/release)
#   env: SECONDS_RUN=3600 RATE=100 STATEMENTS=5
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
export BUILD=$(cd "${1:-$ROOT/build/release}" && pwd) ROOT
export SECONDS_RUN=${SECONDS_RUN:-3600} RATE=${RATE:-100} STATEMENTS=${STATEMENTS:-5}
[[ -x $BUILD/cli/stressql && -x $BUILD/bench/report_rows_gen ]] ||
  { echo "missing $BUILD/cli/stressql or $BUILD/bench/report_rows_gen (cmake --build --preset release --target stressql report_rows_gen)" >&2; exit 2; }
exec "$ROOT/scripts/influxd-throwaway" bash -c '
set -euo pipefail
TMP=$(mktemp -d /tmp/stressql-bench.XXXXXX); trap "rm -rf $TMP" EXIT
echo "influxd $STRESSQL_TARGET: writing a ${SECONDS_RUN} s run of $STATEMENTS statements at $RATE req/s"
start=$(date +%s.%N)
"$BUILD/bench/report_rows_gen" "$STRESSQL_TARGET" bench-rebuild "$SECONDS_RUN" "$RATE" "$STATEMENTS"
echo "written in $(echo "$(date +%s.%N) - $start" | bc) s"
Q="SELECT statement_id, status_code, response_time_ns, points, attempt, \"final\", failure_class, dropped, request_bytes, response_bytes, lag_ns, body_bytes, \"shard\" FROM \"write\" WHERE test_id = '"'"'bench-rebuild'"'"'"
/usr/bin/time -f "%e" -o "$TMP/curl" curl -sf -G "http://$STRESSQL_TARGET/query" --data-urlencode db=_stressTest \
  --data-urlencode epoch=ns --data-urlencode chunked=true --data-urlencode chunk_size=10000 --data-urlencode "q=$Q" -o /dev/null
/usr/bin/time -f "%e %M %U %S" -o "$TMP/time" "$BUILD/cli/stressql" report bench-rebuild \
  --results "http://$STRESSQL_TARGET" > "$TMP/report" 2> "$TMP/err" || { cat "$TMP/err" >&2; exit 1; }
read -r elapsed rss_kb user_s system_s < "$TMP/time"
read -r curl_s < "$TMP/curl"
grep -m1 -E "^  (Requests OK|Points Accepted)" "$TMP/report" || true
rows=$(( SECONDS_RUN * RATE * STATEMENTS ))
echo "influxd alone (curl of the attempt rows): $curl_s s; stressql report (request_stats rows): $elapsed s ($user_s s user + $system_s s system CPU), ratio report/curl $(echo "scale=2; $elapsed / $curl_s" | bc)"
echo "stressql report of $rows requests: $elapsed s (goal <= 30 s, ratio $(echo "scale=2; $elapsed / 30" | bc)), peak RSS $((rss_kb / 1024)) MB (goal <= 100 MB, ratio $(echo "scale=2; $rss_kb / 102400" | bc))"
'
