#!/usr/bin/env bash
# What an open loop costs (issue #29): stressql's CPU per request under a rate (SET WriteRate)
# against the same requests sent in a closed loop (no rate), in one run, at 1 000 and
# 10 000 req/s; and the p99 send lag (how late requests went out after their due time) from
# 100 to 30 000 req/s. 100-point bodies into the nginx 204 sink on a free 127.0.0.1 port,
# default reactors, WriteConcurrency 16. vegeta is not packaged here: its figures are the
# issue's (v12.13.0, same sink and bodies, medians of 3 interleaved pairs), printed beside.
# The timer slack the runs used (JSON rate.slack_ns) is printed with the lag.
#
#   bench/open_loop_cost.sh [BUILD_DIR]        (default build/release)
#   env: SECONDS_PER_RUN=10 ROUNDS=3 (medians over the rounds; open and closed interleaved)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=$(cd "${1:-$ROOT/build/release}" && pwd)
STRESSQL=$BUILD/cli/stressql
DUR=${SECONDS_PER_RUN:-10}; ROUNDS=${ROUNDS:-3}
[[ -x $STRESSQL ]] || { echo "missing $STRESSQL" >&2; exit 2; }
(( DUR >= 2 && DUR <= 60 && ROUNDS >= 1 && ROUNDS <= 9 )) || { echo "SECONDS_PER_RUN 2-60, ROUNDS 1-9" >&2; exit 2; }
if [[ -z ${SINK_PORT:-} ]]; then exec "$ROOT/bench/nginx-sink" "$0" "$@"; fi
source "$ROOT/bench/lib.sh"  # settle
TMP=$(mktemp -d /tmp/stressql-olc.XXXXXX); trap 'rm -rf "$TMP"' EXIT

# run NAME RATE REQUESTS: one stressql run (RATE "-" for a closed loop); its JSON in $TMP/NAME.json
run() {
  local name=$1 rate=$2 requests=$3 set_rate=""
  [[ $rate != - ]] && set_rate="SET WriteRate [$rate req/s]"$'\n\n'
  printf 'SET BatchSize [100]\n\nSET WriteConcurrency [16]\n\n%sINSERT cost\ncpu,host=server-[int inc(0) 1000],loc=[us-west|us-east|eu-north]\nvalue=[float rand(100) 0]\n%s 10s\n' \
    "$set_rate" "$((requests * 100))" > "$TMP/$name.iql"
  settle
  "$STRESSQL" run --addresses "127.0.0.1:$SINK_PORT" --results none --json "$TMP/$name.json" \
    "$TMP/$name.iql" >"$TMP/$name.out" 2>&1 || { cat "$TMP/$name.out" >&2; return 1; }
}

echo "nginx (1 worker, 204) on 127.0.0.1:$SINK_PORT; stressql, default reactors, WriteConcurrency 16,"
echo "100-point bodies; ${DUR}s a rate, $ROUNDS round(s), medians"
for rps in 1000 10000; do
  for round in $(seq "$ROUNDS"); do
    run "open-$rps-$round" "$rps" $((rps * DUR))
    run "closed-$rps-$round" - $((rps * DUR))
  done
done
for rps in 100 30000; do
  for round in $(seq "$ROUNDS"); do run "open-$rps-$round" "$rps" $((rps * DUR)); done
done
python3 - "$TMP" "$ROUNDS" <<'PY'
import json, statistics, sys
tmp, rounds = sys.argv[1], int(sys.argv[2])
def load(name):
    r = json.load(open(f"{tmp}/{name}.json"))
    st = [s for s in r["statements"] if s["kind"] == "insert"][0]
    done = st["requests"]["ok"] + st["requests"]["failed"]
    cpu = r["cpu"]["user_s"] + r["cpu"]["system_s"]
    lag = st.get("rate", {}).get("lag_ns", {}).get("p99")
    return cpu / max(done, 1) * 1e6, lag, st.get("rate", {}).get("slack_ns")
med = lambda xs: statistics.median(xs)
vegeta = {1000: 213.0, 10000: 51.0}
print()
print("CPU per request (µs)     open   closed  open/closed (goal ≤ 2.0× at 10k)  vegeta  ×vegeta (goal ≤ 0.3×)  goal")
for rps in (1000, 10000):
    o = med([load(f"open-{rps}-{k}")[0] for k in range(1, rounds + 1)])
    c = med([load(f"closed-{rps}-{k}")[0] for k in range(1, rounds + 1)])
    goal = "≤ 20 µs" if rps == 1000 else "≤ 2.0× closed"
    print(f"  {rps:>6} req/s        {o:>7.1f} {c:>8.1f} {o / c:>12.2f}×{'':>22} {vegeta[rps]:>6.0f} {o / vegeta[rps]:>8.2f}×{'':>14} {goal}")
print()
slack = load(f"open-1000-1")[2] or 0  # none before the slack was reported
print(f"p99 send lag (goal ≤ 200 µs); timer slack {slack / 1e3:.0f} µs: a request may leave that much early")
for rps in (100, 1000, 10000, 30000):
    lags = [load(f"open-{rps}-{k}")[1] for k in range(1, rounds + 1)]
    print(f"  {rps:>6} req/s        {med(lags) / 1e3:>7.0f} µs")
PY
