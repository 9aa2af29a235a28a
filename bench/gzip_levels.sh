#!/usr/bin/env bash
# Which gzip level should `SET Gzip [true]` mean? Into a real InfluxDB (Debian's influxd,
# throwaway, on loopback), the same run at gzip off and levels 1, 3 and 6, alternating for
# ROUNDS rounds: stressql's CPU-seconds per million points accepted (getrusage, by bash's
# `time`), the compression ratio (raw ÷ gzip'd body bytes, from the JSON report), and
# influxd's CPU per million points (/proc/PID/stat).
#
# The data is realistic rather than kind to gzip: TSBS's cpu-only shape (10 tags, 10 float
# fields, 1000 hosts), every field a fresh random value at every point: a table of 100 000
# full-precision values per field, cycled point by point (`[float rand(100) 100000]`; no
# batch of 5000 repeats one), so the ratio is what real metrics give. (`[float rand(100) 0]`
# would not do: count 0 draws a new value per timestamp, shared by all 1000 hosts, which
# gzip folds away; this branch has no `walk`/`normal` template.) (The other nine tags are the same on every host here, where TSBS draws them
# once per host: the same repetition within a batch, so the same work for gzip.)
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
tags="cpu,hostname=host_[int inc(0) 1000],region=us-west-1,datacenter=us-west-1a,rack=87,os=Ubuntu16.04LTS,arch=x64,team=NYC,service=18,service_version=1,service_environment=production"
fields=""
for f in usage_user usage_system usage_idle usage_nice usage_iowait usage_irq usage_softirq usage_steal usage_guest usage_guest_nice; do
  fields+="${fields:+,}$f=[float rand(100) 100000]"
done
echo "InfluxDB $(influxd version | head -1) on $STRESSQL_TARGET (pid $pid); $POINTS points a run (TSBS cpu-only shape, fresh values), BatchSize 5000, $CONNECTIONS connections, --reactors $REACTORS"
TIMEFORMAT="CPU %3U %3S"
declare -A sum_s sum_i sum_r
for r in $(seq "$ROUNDS"); do
  for gz in false $LEVELS; do
    db="r${r}_${gz}"; q "CREATE DATABASE $db"
    printf "SET Database [%s]\n\nSET Gzip [%s]\n\nSET BatchSize [5000]\n\nSET WriteConcurrency [%s]\n\nINSERT load\n%s\n%s\n%s 10s\n" \
      "$db" "$gz" "$CONNECTIONS" "$tags" "$fields" "$POINTS" > $tmp/load.iql
    settle
    i0=$(influx_cpu)
    out=$({ time "$STRESSQL" run --reactors "$REACTORS" --addresses "$STRESSQL_TARGET" --results none --json $tmp/r.json $tmp/load.iql 2>&1; } 2>&1)
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
