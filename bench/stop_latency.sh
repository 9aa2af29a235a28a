#!/usr/bin/env bash
# How fast stressql stops: the timing the end-to-end tests no longer assert (they only bound
# their waits). Three measurements per round, all on 127.0.0.1, each bounded by BOUND s:
#   flowing  SIGINT to exit while writing into the nginx 204 sink;
#            reference: wrk (GET, same connections) into the same sink, SIGINT to exit.
#   stalled  SIGINT to exit with every request stuck on a server that accepts and never
#            answers (request timeout 30 s, so a client that waits it out shows);
#            reference: wrk against the same server with the same 30 s timeout.
#   dead     start to exit of a 10 000-point INSERT against a port nothing listens on
#            (stressql must give the target up with "connect: ECONNREFUSED");
#            reference: the same script, start to exit, against the nginx sink.
# Prints the medians of the rounds in ms, the ratios stressql / reference, and each
# stressql time as a share of BOUND (the tests' wait bounds are 20-60 s).
#
#   bench/stop_latency.sh [BUILD_DIR]     (default build/release)
#   env: ROUNDS=5 WARM_MS=1000 BOUND=20
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=$(cd "${1:-$ROOT/build/release}" && pwd)
STRESSQL=$BUILD/cli/stressql
ROUNDS=${ROUNDS:-5}; WARM_MS=${WARM_MS:-1000}; BOUND=${BOUND:-20}
[[ -x $STRESSQL ]] || { echo "missing $STRESSQL" >&2; exit 2; }
command -v wrk >/dev/null || { echo "wrk not installed" >&2; exit 2; }
(( ROUNDS >= 1 && ROUNDS <= 20 && WARM_MS >= 100 && WARM_MS <= 10000 && BOUND >= 5 && BOUND <= 120 )) ||
  { echo "ROUNDS 1-20, WARM_MS 100-10000, BOUND 5-120" >&2; exit 2; }
[[ -n ${SINK_PORT:-} ]] || exec "$ROOT/bench/nginx-sink" "$0" "$@"
SINK=127.0.0.1:$SINK_PORT

TMP=$(mktemp -d /tmp/stressql-stop.XXXXXX); STALL_PID=; PID=
cleanup() {
  if [[ -n $PID ]]; then kill -KILL "$PID" 2>/dev/null || true; fi
  if [[ -n $STALL_PID ]]; then kill "$STALL_PID" 2>/dev/null || true; fi
  rm -rf "$TMP"
}
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
now_ns() { date +%s%N; }

# A server that accepts and reads, and never answers.
STALL_PORT=$(free_port)
python3 - "$STALL_PORT" <<'PY' &
import selectors, socket, sys
sel = selectors.DefaultSelector()
ls = socket.socket(); ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
ls.bind(("127.0.0.1", int(sys.argv[1]))); ls.listen(128); sel.register(ls, selectors.EVENT_READ)
while True:
    for key, _ in sel.select():
        if key.fileobj is ls:
            c, _ = ls.accept(); sel.register(c, selectors.EVENT_READ)
        elif not key.fileobj.recv(65536):
            sel.unregister(key.fileobj); key.fileobj.close()
PY
STALL_PID=$!
for _ in $(seq 100); do (exec 3<>"/dev/tcp/127.0.0.1/$STALL_PORT") 2>/dev/null && break; sleep 0.05; done
STALL=127.0.0.1:$STALL_PORT

script() {  # FILE POINTS INTERVAL
  printf 'SET BatchSize [100]\n\nSET WriteConcurrency [4]\n\nSET WriteInterval [%s]\n\nINSERT stop\ncpu,host=h-[int inc(0) 100]\nvalue=[int inc(0) 0]\n%s 1s\n' \
    "$3" "$2" > "$1"
}
script "$TMP/forever.iql" 100000000000 0s
script "$TMP/short.iql" 10000 0s

# wait_bounded PID -> waits for PID's exit, killing it after BOUND s; fails when killed.
wait_bounded() {
  local dog rc=0
  ( sleep "$BOUND"; kill -KILL "$1" 2>/dev/null ) & dog=$!
  wait "$1" 2>/dev/null || rc=$?
  kill "$dog" 2>/dev/null; wait "$dog" 2>/dev/null || true
  (( rc != 137 )) || { echo "  did not stop within the ${BOUND}s bound" >&2; return 1; }
}
# sigint_ms CMD... -> MS: ms from SIGINT to exit, after WARM_MS of running. (Results go
# through a global, not $(…), so the child is this shell's and the EXIT trap can reap it.)
sigint_ms() {
  "$@" > "$TMP/out" 2> "$TMP/err" & PID=$!
  sleep "$(awk -v m="$WARM_MS" 'BEGIN { print m / 1000 }')"
  kill -0 "$PID" 2>/dev/null || { echo "  ended before the signal: $*" >&2; cat "$TMP/err" >&2; PID=; return 1; }
  local t0; t0=$(now_ns)
  kill -INT "$PID"
  wait_bounded "$PID"; PID=
  MS=$(( ($(now_ns) - t0) / 1000000 ))
}
# run_ms CMD... -> MS: ms from start to exit.
run_ms() {
  local t0; t0=$(now_ns)
  "$@" > "$TMP/out" 2> "$TMP/err" & PID=$!
  wait_bounded "$PID"; PID=
  MS=$(( ($(now_ns) - t0) / 1000000 ))
}
# An array, not a function: a backgrounded function is a subshell, and the signal would
# go to it instead of stressql.
STRESSQL_RUN=("$STRESSQL" run --results none --addresses)

DEAD=127.0.0.1:$(free_port)  # nothing listens
declare -A T
echo "stop latency on 127.0.0.1: $ROUNDS rounds, signal after ${WARM_MS} ms, bound ${BOUND} s; sink $SINK, stalled $STALL, dead $DEAD"
for r in $(seq "$ROUNDS"); do
  sigint_ms "${STRESSQL_RUN[@]}" "$SINK" "$TMP/forever.iql"; T[flow_s]+=" $MS"
  grep -q INTERRUPTED "$TMP/out" || { echo "  no INTERRUPTED report" >&2; exit 1; }
  sigint_ms wrk -t1 -c4 -d600s "http://$SINK/write"; T[flow_w]+=" $MS"
  sigint_ms "${STRESSQL_RUN[@]}" "$STALL" --timeout 30s "$TMP/forever.iql"; T[stall_s]+=" $MS"
  sigint_ms wrk -t1 -c4 -d600s --timeout 30s "http://$STALL/write"; T[stall_w]+=" $MS"
  run_ms "${STRESSQL_RUN[@]}" "$DEAD" "$TMP/short.iql"; T[dead_s]+=" $MS"
  grep -q "connect: ECONNREFUSED" "$TMP/out" || { echo "  no 'connect: ECONNREFUSED' in the report" >&2; exit 1; }
  run_ms "${STRESSQL_RUN[@]}" "$SINK" "$TMP/short.iql"; T[dead_r]+=" $MS"
  echo "  round $r: flowing ${T[flow_s]##* }/${T[flow_w]##* } ms, stalled ${T[stall_s]##* }/${T[stall_w]##* } ms, dead ${T[dead_s]##* }/${T[dead_r]##* } ms (stressql/reference)" >&2
done
median() { tr ' ' '\n' <<<"$1" | grep . | sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
row() {  # LABEL STRESSQL_TIMES REFERENCE_TIMES REFERENCE_NAME
  awk -v l="$1" -v s="$(median "$2")" -v r="$(median "$3")" -v n="$4" -v b="$BOUND" 'BEGIN {
    printf "  %-34s stressql %7.0f ms   %-24s %7.0f ms   ratio %6.2fx   %5.1f%% of the %d s bound\n",
           l, s, n, r, (r > 0 ? s / r : 0), s * 100 / (b * 1000), b }'
}
echo "medians:"
row "SIGINT to exit, answers flowing" "${T[flow_s]}" "${T[flow_w]}" "wrk"
row "SIGINT to exit, requests stuck" "${T[stall_s]}" "${T[stall_w]}" "wrk"
row "dead target, start to exit" "${T[dead_s]}" "${T[dead_r]}" "same script into nginx"
