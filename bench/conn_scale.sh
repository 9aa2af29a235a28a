#!/usr/bin/env bash
# Fleets of connections (issue #29): 1k, 10k and 19k keep-alive connections from one
# stressql with the default reactors, at 1 000 and 5 000 req/s of 100-point bodies, into the
# nginx 204 sink on a free 127.0.0.1 port. For each: the connections established to the
# sink mid-run (ss, counted on the sink's port), stressql's RSS mid-run and at its peak,
# its CPU per request, its reconnects and failures. The goal it prints beside them: 15 000
# connections established at 1 000 req/s, no failures, RSS ≤ 60 MB (≤ 2 KB a connection
# above the run without connections to speak of: the 1k row).
#
#   bench/conn_scale.sh [BUILD_DIR]        (default build/release)
#   env: SECONDS_PER_RUN=20 CONNECTIONS="1000 10000 19000" RATES="1000 5000"
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=$(cd "${1:-$ROOT/build/release}" && pwd)
STRESSQL=$BUILD/cli/stressql
DUR=${SECONDS_PER_RUN:-20}
CONNS=${CONNECTIONS:-1000 10000 19000}
RATES=${RATES:-1000 5000}
[[ -x $STRESSQL ]] || { echo "missing $STRESSQL" >&2; exit 2; }
(( DUR >= 4 && DUR <= 120 )) || { echo "SECONDS_PER_RUN 4-120" >&2; exit 2; }
max=0; for c in $CONNS; do (( c > max )) && max=$c; done
if [[ -z ${SINK_PORT:-} ]]; then export SINK_CONNECTIONS=$max; exec "$ROOT/bench/nginx-sink" "$0" "$@"; fi
source "$ROOT/bench/lib.sh"  # settle
TMP=$(mktemp -d /tmp/stressql-conns.XXXXXX); trap 'rm -rf "$TMP"' EXIT

echo "nginx (1 worker, 204) on 127.0.0.1:$SINK_PORT; stressql with its default reactors; ${DUR}s a run;"
echo "descriptor limit $(ulimit -Sn) soft / $(ulimit -Hn) hard; goal: 15 000 connections at 1 000 req/s established,"
echo "no failures, RSS ≤ 60 MB"
printf '%7s %6s | %11s %9s %9s | %8s %8s %10s %6s\n' conns req/s "established" "RSS mid" "RSS peak" \
  "requests" failures "CPU/req" reconn
for conns in $CONNS; do
  for rps in $RATES; do
    requests=$((rps * DUR))
    printf 'SET BatchSize [100]\n\nSET WriteConcurrency [%s]\n\nSET WriteRate [%s req/s]\n\nINSERT fleet\ncpu,host=server-[int inc(0) 1000],loc=[us-west|us-east|eu-north]\nvalue=[float rand(100) 0]\n%s 10s\n' \
      "$conns" "$rps" "$((requests * 100))" > "$TMP/fleet.iql"
    settle
    "$STRESSQL" run --addresses "127.0.0.1:$SINK_PORT" --results none --json "$TMP/fleet.json" \
      "$TMP/fleet.iql" >"$TMP/out.txt" 2>&1 &
    pid=$!
    sleep "$((DUR / 2))"
    est=$(ss -Htn state established "( dport = :$SINK_PORT )" | wc -l)
    rss_mid=$(awk '/^VmRSS/ {print $2}' "/proc/$pid/status" 2>/dev/null || echo 0)
    peak=0
    while kill -0 "$pid" 2>/dev/null; do
      p=$(awk '/^VmHWM/ {print $2}' "/proc/$pid/status" 2>/dev/null || echo 0)
      (( ${p:-0} > peak )) && peak=$p
      sleep 0.2
    done
    wait "$pid" || true
    python3 - "$TMP/fleet.json" "$conns" "$rps" "$est" "$rss_mid" "$peak" <<'PY' || cat "$TMP/out.txt"
import json, sys
path, conns, rps, est, rss_mid, peak = sys.argv[1], *map(int, sys.argv[2:7])
report = json.load(open(path))
st = [s for s in report["statements"] if s["kind"] == "insert"][0]
req = st["requests"]
cpu = report["cpu"]["user_s"] + report["cpu"]["system_s"]
done = req["ok"] + req["failed"]
reconnects = report["engine"].get("reconnects", "-")
print(f"{conns:>7} {rps:>6} | {est:>11} {rss_mid / 1024:>7.1f}MB {peak / 1024:>7.1f}MB | "
      f"{done:>8} {req['failed']:>8} {cpu / max(done, 1) * 1e6:>8.1f}µs {reconnects:>6}")
PY
  done
done
