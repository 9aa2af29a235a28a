#!/usr/bin/env bash
# Which gzip level should `SET Gzip [true]` mean? Into a real InfluxDB (Debian's influxd,
# throwaway, on loopback), the same run at gzip off and levels 1, 3 and 6, alternating for
# ROUNDS rounds: stressql's CPU-seconds per million points accepted (getrusage, by bash's
# `time`), the compression ratio (raw ÷ gzip'd body bytes, from the JSON report), and
# influxd's CPU per million points (/proc/PID/stat).
#
# The data is TSBS's own: examples/tsbs/cpu-only.iql, TSBS's cpu-only use case in stressql's
# language (its ten tags drawn per host, ten integer usage_* fields, each a random walk that
# takes a fresh value at every point), 1000 hosts, about 346 bytes a point as TSBS writes
# them. This is the data TSBS's loader compressed for the reference below, so the two costs
# per point compare like with like; repetitive templates compress 20-30x and would hide the
# cost of deflate.
#
# The reference is TSBS's own loader with gzip on: 3.56 CPU-s per million points, measured
# on this kind of machine (2 vCPU VM). The goal: stressql with gzip costs at most half of
# that per point. Printed: each level's CPU ÷ 3.56 (goal ≤ 0.5) and its ratio.
#
#   bench/gzip_levels.sh [BUILD_DIR]     (default build/release)
#   env: ROUNDS=2 POINTS=1000000 REACTORS=1 CONNECTIONS=4 LEVELS="1 3 6"
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=$(cd "${1:-$ROOT/build/release}" && pwd)
export STRESSQL=$BUILD/cli/stressql ROOT
export ROUNDS=${ROUNDS:-2} POINTS=${POINTS:-1000000} LEVELS=${LEVELS:-1 3 6}
export REACTORS=${REACTORS:-1} CONNECTIONS=${CONNECTIONS:-4}
export TSBS_CPU_S_PER_MPTS=3.56
[[ -x $STRESSQL ]] || { echo "missing $STRESSQL (build it first)" >&2; exit 2; }
(( ROUNDS >= 1 && ROUNDS <= 10 && POINTS >= 10000 && POINTS <= 20000000 )) ||
  { echo "bounds: ROUNDS 1-10, POINTS 1e4-2e7" >&2; exit 2; }
exec "$ROOT/scripts/influxd-throwaway" bash -c '
set -euo pipefail
source "$ROOT/bench/lib.sh"  # settle
tmp=$(mktemp -d /tmp/stressql-gzip-levels.XXXXXX); trap "rm -rf $tmp" EXIT
pid=$(ss -Hltnp "sport = :${STRESSQL_TARGET##*:}" | sed -n "s/.*pid=\([0-9]*\).*/\1/p" | head -1)
tck=$(getconf CLK_TCK)
influx_cpu() { awk -v t="$tck" "{print (\$14 + \$15) / t}" /proc/$pid/stat; }
q() { curl -sf -XPOST "http://$STRESSQL_TARGET/query" --data-urlencode "q=$1" >/dev/null; }
(( POINTS % 1000 == 0 )) || { echo "POINTS must be a multiple of 1000 (the hosts)"; exit 2; }
duration=$(( POINTS / 1000 * 10 ))s
echo "InfluxDB $(influxd version | head -1) on $STRESSQL_TARGET (pid $pid); $POINTS points a run (examples/tsbs/cpu-only.iql, 1000 hosts), BatchSize 5000, $CONNECTIONS connections, --reactors $REACTORS"
TIMEFORMAT="CPU %3U %3S"
declare -A sum_s sum_i sum_r
for r in $(seq "$ROUNDS"); do
  for gz in false $LEVELS; do
    db="r${r}_${gz}"; q "CREATE DATABASE $db"
    { printf "SET Gzip [%s]\n\nSET WriteConcurrency [%s]\n\n" "$gz" "$CONNECTIONS"; cat "$ROOT/examples/tsbs/cpu-only.iql"; } > $tmp/load.iql
    settle
    i0=$(influx_cpu)
    out=$({ time "$STRESSQL" run --reactors "$REACTORS" --addresses "$STRESSQL_TARGET" --results none --json $tmp/r.json \
             --define database=$db --define scale=1000 --define duration=$duration $tmp/load.iql 2>&1; } 2>&1)
    i1=$(influx_cpu)
    scpu=$(awk "/^CPU/ {print \$2 + \$3}" <<<"$out")
    pts=$(sed -n "s|^  Points Accepted / Dropped / Failed: *\([0-9]*\).*|\1|p" <<<"$out")
    [[ ${pts:-0} -gt 0 ]] || { echo "no points accepted:"; echo "$out"; exit 1; }
    ratio=$(python3 -c "import json,sys; s=[s for s in json.load(open(sys.argv[1]))[\"statements\"] if s[\"kind\"]==\"insert\"][0]; print(round(s[\"gzip\"][\"ratio\"] or 1, 3))" $tmp/r.json)
    s=$(awk "BEGIN {printf \"%.4f\", $scpu * 1e6 / $pts}")
    i=$(awk "BEGIN {printf \"%.4f\", ($i1 - $i0) * 1e6 / $pts}")
    printf "round %d gzip %-5s: %8d points; stressql %s CPU-s/M, ratio %6s; influxd %s CPU-s/M\n" "$r" "$gz" "$pts" "$s" "$ratio" "$i"
    sum_s[$gz]=$(awk "BEGIN {print ${sum_s[$gz]:-0} + $s}")
    sum_i[$gz]=$(awk "BEGIN {print ${sum_i[$gz]:-0} + $i}")
    sum_r[$gz]=$(awk "BEGIN {print ${sum_r[$gz]:-0} + $ratio}")
    q "DROP DATABASE $db"
  done
done
echo
printf "%-6s %16s %8s %16s %22s\n" gzip "stressql CPU-s/M" ratio "influxd CPU-s/M" "stressql ÷ TSBS (3.56)"
for gz in false $LEVELS; do
  awk -v g="$gz" -v s="${sum_s[$gz]}" -v i="${sum_i[$gz]}" -v r="${sum_r[$gz]}" -v n="$ROUNDS" -v t="$TSBS_CPU_S_PER_MPTS" \
    "BEGIN {printf \"%-6s %16.4f %8.2f %16.4f %15.3fx %s\n\", g, s / n, r / n, i / n, s / n / t, (g == \"false\" ? \"\" : (s / n / t <= 0.5 ? \"(goal <= 0.5: met)\" : \"(goal <= 0.5: NOT met)\"))}"
done
'
