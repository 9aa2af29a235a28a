#!/usr/bin/env bash
# Gzip on vs off into a real InfluxDB (Debian's influxd, throwaway, on loopback), same run,
# alternating for ROUNDS rounds: CPU-seconds per million points accepted, of stressql
# (getrusage, by bash's `time`) and of influxd (/proc/PID/stat), and the bytes sent.
# Over loopback the link is never the limit, so this measures what gzip costs in CPU on
# both sides; what it saves is bytes on the wire (the ratio). See README "When gzip helps".
#
#   bench/gzip_cpu.sh [BUILD_DIR]     (default build/release)
#   env: ROUNDS=3 POINTS=5000000 LEVEL=1 REACTORS=1 CONNECTIONS=4
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=$(cd "${1:-$ROOT/build/release}" && pwd)
export STRESSQL=$BUILD/cli/stressql
export ROUNDS=${ROUNDS:-3} POINTS=${POINTS:-5000000} LEVEL=${LEVEL:-1}
export REACTORS=${REACTORS:-1} CONNECTIONS=${CONNECTIONS:-4}
[[ -x $STRESSQL ]] || { echo "missing $STRESSQL (build it first)" >&2; exit 2; }
(( ROUNDS >= 1 && ROUNDS <= 10 && POINTS <= 50000000 && LEVEL >= 1 && LEVEL <= 12 )) || { echo "bounds: ROUNDS 1-10, POINTS <= 5e7, LEVEL 1-12" >&2; exit 2; }
exec "$ROOT/scripts/influxd-throwaway" bash -c '
set -euo pipefail
tmp=$(mktemp -d /tmp/stressql-gzip-bench.XXXXXX); trap "rm -rf $tmp" EXIT
pid=$(ss -Hltnp "sport = :${STRESSQL_TARGET##*:}" | sed -n "s/.*pid=\([0-9]*\).*/\1/p" | head -1)
tck=$(getconf CLK_TCK)
influx_cpu() { awk -v t="$tck" "{print (\$14 + \$15) / t}" /proc/$pid/stat; }
q() { curl -sf -XPOST "http://$STRESSQL_TARGET/query" --data-urlencode "q=$1" >/dev/null; }
echo "InfluxDB $(influxd version | head -1) on $STRESSQL_TARGET (pid $pid); $POINTS points a run; gzip level $LEVEL"
TIMEFORMAT="CPU %3U %3S"
declare -A sum_s sum_i
for r in $(seq "$ROUNDS"); do
  for gz in false "$LEVEL"; do
    db="r${r}_${gz}"; q "CREATE DATABASE $db"
    printf "SET Database [%s]\n\nSET Gzip [%s]\n\nSET BatchSize [5000]\n\nSET WriteConcurrency [%s]\n\nINSERT load\ncpu,host=server-[int inc(0) 1000],loc=[us-west|us-east|eu-north]\nvalue=[float rand(100) 0]\n%s 10s\n" \
      "$db" "$gz" "$CONNECTIONS" "$POINTS" > $tmp/load.iql
    i0=$(influx_cpu)
    out=$({ time "$STRESSQL" run --reactors "$REACTORS" --addresses "$STRESSQL_TARGET" --results none $tmp/load.iql 2>&1; } 2>&1)
    i1=$(influx_cpu)
    scpu=$(awk "/^CPU/ {print \$2 + \$3}" <<<"$out")
    pts=$(sed -n "s|^  Points Accepted / Dropped / Failed: *\([0-9]*\).*|\1|p" <<<"$out")
    gzl=$(sed -n "s|^  Gzip: *\(.*\)|\1|p" <<<"$out")
    s=$(awk "BEGIN {printf \"%.4f\", $scpu * 1e6 / $pts}")
    i=$(awk "BEGIN {printf \"%.4f\", ($i1 - $i0) * 1e6 / $pts}")
    printf "round %d gzip %-5s: %9d points; stressql %s CPU-s/M, influxd %s CPU-s/M %s\n" "$r" "$gz" "$pts" "$s" "$i" "${gzl:+($gzl)}"
    sum_s[$gz]=$(awk "BEGIN {print ${sum_s[$gz]:-0} + $s}"); sum_i[$gz]=$(awk "BEGIN {print ${sum_i[$gz]:-0} + $i}")
    q "DROP DATABASE $db"
  done
done
printf "mean CPU-s per million points: stressql %.4f off, %.4f gzip (%.2fx); influxd %.4f off, %.4f gzip (%.2fx)\n" \
  "$(awk "BEGIN {print ${sum_s[false]} / $ROUNDS}")" "$(awk "BEGIN {print ${sum_s[$LEVEL]} / $ROUNDS}")" \
  "$(awk "BEGIN {print ${sum_s[$LEVEL]} / ${sum_s[false]}}")" \
  "$(awk "BEGIN {print ${sum_i[false]} / $ROUNDS}")" "$(awk "BEGIN {print ${sum_i[$LEVEL]} / $ROUNDS}")" \
  "$(awk "BEGIN {print ${sum_i[$LEVEL]} / ${sum_i[false]}}")"
'
