#!/usr/bin/env bash
# stressql against wrk writing into a real InfluxDB (Debian's influxd, throwaway, on
# loopback), same run, alternating for ROUNDS rounds. wrk replays ONE static 5000-point
# body (the first batch of the same template, from `stressql run --dump`), so it pays
# nothing for generating points; stressql generates every point fresh and unique.
# Prints client CPU-seconds per million points accepted for both and the ratio.
#
#   bench/influx_cpu.sh [BUILD_DIR]     (default build/release)
#   env: ROUNDS=3 POINTS=10000000 WRK_SECONDS=6 REACTORS=1 CONNECTIONS=4
# (10 M points: with 2 M, stressql's start-up CPU was a fifth of what it measured.) At the end
# it prints the CPU of a 1-point INSERT: what start-up costs.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=$(cd "${1:-$ROOT/build/release}" && pwd)
export STRESSQL=$BUILD/cli/stressql ROOT
export ROUNDS=${ROUNDS:-3} POINTS=${POINTS:-10000000} WRK_SECONDS=${WRK_SECONDS:-6}
export REACTORS=${REACTORS:-1} CONNECTIONS=${CONNECTIONS:-4}
[[ -x $STRESSQL ]] || { echo "missing $STRESSQL (build it first)" >&2; exit 2; }
(( ROUNDS >= 1 && ROUNDS <= 10 && POINTS <= 50000000 && WRK_SECONDS <= 60 )) || { echo "bounds: ROUNDS 1-10, POINTS <= 5e7, WRK_SECONDS <= 60" >&2; exit 2; }
exec "$ROOT/scripts/influxd-throwaway" bash -c '
set -euo pipefail
tmp=$(mktemp -d /tmp/stressql-influx-bench.XXXXXX); trap "rm -rf $tmp" EXIT
template="cpu,host=server-[int inc(0) 1000],loc=[us-west|us-east|eu-north]
value=[float rand(100) 0]"
printf "SET BatchSize [5000]\n\nINSERT body\n%s\n5000 10s\n" "$template" > $tmp/body.iql
"$STRESSQL" run --dump $tmp/body.lp $tmp/body.iql >/dev/null
printf "wrk.method = \"POST\"\nlocal f = io.open(\"%s\", \"rb\")\nwrk.body = f:read(\"*a\")\nf:close()\nwrk.headers[\"Content-Type\"] = \"text/plain; charset=utf-8\"\n" $tmp/body.lp > $tmp/post.lua
q() { curl -sf -XPOST "http://$STRESSQL_TARGET/query" --data-urlencode "q=$1" >/dev/null; }
echo "InfluxDB $(influxd version | head -1) on $STRESSQL_TARGET; wrk -t1 -c$CONNECTIONS; stressql --reactors $REACTORS, WriteConcurrency $CONNECTIONS"
sum_w=0; sum_s=0
# The time keyword reads getrusage to the millisecond; /usr/bin/time rounds to 10 ms, a
# fifth of what wrk spends in a round.
TIMEFORMAT="CPU %3U %3S"
for r in $(seq "$ROUNDS"); do
  q "CREATE DATABASE w$r"; q "CREATE DATABASE s$r"
  out=$({ time wrk -t1 -c"$CONNECTIONS" -d"${WRK_SECONDS}s" -s $tmp/post.lua \
        "http://$STRESSQL_TARGET/write?db=w$r&precision=s" 2>&1; } 2>&1)
  reqs=$(sed -n "s/^ *\([0-9]*\) requests in.*/\1/p" <<<"$out")
  bad=$(sed -n "s/.*Non-2xx or 3xx responses: *\([0-9]*\).*/\1/p" <<<"$out"); bad=${bad:-0}
  wcpu=$(awk "/^CPU/ {print \$2 + \$3}" <<<"$out")
  wpts=$(( (reqs - bad) * 5000 ))
  printf "SET Database [s%s]\n\nSET BatchSize [5000]\n\nSET WriteConcurrency [%s]\n\nINSERT load\n%s\n%s 10s\n" \
    "$r" "$CONNECTIONS" "$template" "$POINTS" > $tmp/load.iql
  sout=$({ time "$STRESSQL" run --reactors "$REACTORS" --addresses "$STRESSQL_TARGET" --results none $tmp/load.iql 2>&1; } 2>&1)
  scpu=$(awk "/^CPU/ {print \$2 + \$3}" <<<"$sout")
  spts=$(sed -n "s|^  Points Accepted / Dropped / Failed: *\([0-9]*\).*|\1|p" <<<"$sout")
  w=$(awk "BEGIN {printf \"%.4f\", $wcpu * 1e6 / $wpts}")
  s=$(awk "BEGIN {printf \"%.4f\", $scpu * 1e6 / $spts}")
  printf "round %d: wrk %9d points %.3f CPU-s = %s CPU-s/M | stressql %9d points %.3f CPU-s = %s CPU-s/M | ratio %.2f\n" \
    "$r" "$wpts" "$wcpu" "$w" "$spts" "$scpu" "$s" "$(awk "BEGIN {print $s / $w}")"
  sum_w=$(awk "BEGIN {print $sum_w + $w}"); sum_s=$(awk "BEGIN {print $sum_s + $s}")
  q "DROP DATABASE w$r"; q "DROP DATABASE s$r"
done
printf "mean: wrk %.4f CPU-s per million points, stressql %.4f; stressql/wrk = %.2f (target <= 1.0)\n" \
  "$(awk "BEGIN {print $sum_w / $ROUNDS}")" "$(awk "BEGIN {print $sum_s / $ROUNDS}")" "$(awk "BEGIN {print $sum_s / $sum_w}")"
# Start-up (parse, plan, engine, one connection, teardown): a 1-point INSERT, 3 times.
q "CREATE DATABASE one"
printf "SET Database [one]\n\nINSERT one\ncpu value=1\n1 10s\n" > $tmp/one.iql
one=0
for i in 1 2 3; do
  o=$({ time "$STRESSQL" run --reactors "$REACTORS" --addresses "$STRESSQL_TARGET" --results none $tmp/one.iql >/dev/null 2>&1; } 2>&1)
  one=$(awk -v a="$one" "/^CPU/ {print a + \$2 + \$3}" <<<"$o")
done
printf "start-up: a 1-point INSERT costs stressql %.1f ms of CPU (mean of 3), included in the rounds above\n" "$(awk "BEGIN {print $one * 1000 / 3}")"
'
