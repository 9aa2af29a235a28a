#!/usr/bin/env bash
# How exactly stressql keeps an open-loop rate (SET WriteRate), into the nginx 204 sink on
# a free 127.0.0.1 port. For each target: achieved ÷ target (the reference is the target
# itself), how late requests went out (the lag: p50/p99/max from stressql's own JSON, and
# cross-checked against nginx's access log, $msec, at its millisecond resolution: the
# arrivals against the schedule), and stressql's CPU-seconds per second of run.
#
#   bench/rate_accuracy.sh [BUILD_DIR]        (default build/release)
#   env: SECONDS_PER_RUN=10 CONNECTIONS=16 REACTORS=2
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=$(cd "${1:-$ROOT/build/release}" && pwd)
STRESSQL=$BUILD/cli/stressql
DUR=${SECONDS_PER_RUN:-10}; CONNS=${CONNECTIONS:-16}; REACTORS=${REACTORS:-2}
[[ -x $STRESSQL ]] || { echo "missing $STRESSQL" >&2; exit 2; }
(( DUR >= 1 && DUR <= 60 )) || { echo "SECONDS_PER_RUN 1-60" >&2; exit 2; }
if [[ -z ${SINK_PORT:-} ]]; then export SINK_ACCESS_LOG=1; exec "$ROOT/bench/nginx-sink" "$0" "$@"; fi
source "$ROOT/bench/lib.sh"  # settle
TMP=$(mktemp -d /tmp/stressql-rate.XXXXXX); trap 'rm -rf "$TMP"' EXIT

echo "nginx (1 worker, 204) on 127.0.0.1:$SINK_PORT; ${DUR}s a target; stressql --reactors $REACTORS," \
     "WriteConcurrency $CONNS, BatchSize 100 (100-point bodies); goals: achieved within ±0.5 %," \
     "p99 lag ≤ 200 µs below saturation, ≤ 2 % of a core at 1000 req/s"
printf '%-12s %10s %9s %9s %9s %9s | %s | %s\n' target requests achieved "lag p50" "lag p99" "lag max" \
  "nginx: arrivals vs schedule p50/p99/max (ms)" "CPU % of a core"
# target rate, requests per second it means (BatchSize 100), for the count and the log check
for spec in "100 req/s:100" "1000 req/s:1000" "10000 req/s:10000" "30000 req/s:30000" \
            "300k pts/s:3000" "20 MB/s:-"; do
  target=${spec%%:*}; rps=${spec##*:}
  # MB/s: the run is sized by the template's ~7.3 kB per 100-point body (about 2740 req/s)
  [[ $rps == - ]] && rps=$(awk 'BEGIN {print int(20e6 / 7300)}')
  requests=$((rps * DUR))
  printf 'SET BatchSize [100]\n\nSET WriteConcurrency [%s]\n\nSET WriteRate [%s]\n\nINSERT rate\ncpu,host=server-[int inc(0) 10000],loc=[us-west|us-east|eu-north]\nvalue=[float rand(100) 0]\n%s 10s\n' \
    "$CONNS" "$target" "$((requests * 100))" > "$TMP/rate.iql"
  settle
  : > "$SINK_ACCESS_LOG_FILE"
  TIMEFORMAT='%U %S %R'
  { time "$STRESSQL" run --reactors "$REACTORS" --addresses "127.0.0.1:$SINK_PORT" --results none \
      --json "$TMP/rate.json" "$TMP/rate.iql" >"$TMP/out.txt" 2>&1 ; } 2>"$TMP/time.txt"
  read -r user sys real <"$TMP/time.txt"
  python3 - "$TMP/rate.json" "$SINK_ACCESS_LOG_FILE" "$target" "$user" "$sys" "$real" <<'PY'
import json, sys
report, log, target, user, sys_, real = sys.argv[1], sys.argv[2], sys.argv[3], *map(float, sys.argv[4:7])
st = [s for s in json.load(open(report))["statements"] if s["kind"] == "insert"][0]
rate = st["rate"]
want = float(target.split()[0].replace("k", "e3").replace("M", "e6"))
lag = rate["lag_ns"]
arr = sorted(float(l) for l in open(log) if l.strip())
n = len(arr)
# Arrivals against the schedule: the k-th arrival vs the k-th due time, both from the first.
per_req = rate["units_per_request"]
dev = sorted(abs((a - arr[0]) - k * per_req / want) * 1e3 for k, a in enumerate(arr)) if n else [0]
pct = lambda v, p: v[min(len(v) - 1, int(p / 100 * len(v)))]
print(f"{target:<12} {st['requests']['ok']:>10} {rate['achieved'] / want:>8.4f}x "
      f"{lag['p50'] / 1e3:>7.0f}µs {lag['p99'] / 1e3:>7.0f}µs {lag['max'] / 1e3:>7.0f}µs | "
      f"{n} arrivals, {pct(dev, 50):.0f} / {pct(dev, 99):.0f} / {max(dev):.0f} ms"
      f"{' ' * 8}| {(user + sys_) / real * 100:5.2f} %")
PY
done
