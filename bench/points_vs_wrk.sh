#!/usr/bin/env bash
# `stressql run` end to end (parser, plan, engine, reporting) against wrk, into the same
# nginx 204 sink on a free 127.0.0.1 port, alternating for ROUNDS rounds. wrk replays ONE
# static body (the first 5000-point batch of the template, from `stressql run --dump`);
# stressql generates every point fresh and unique. Prints points/s and client CPU seconds
# per million points for both, and the ratios (stressql / wrk).
#
#   bench/points_vs_wrk.sh [BUILD_DIR]      (default build/release)
#   env: ROUNDS=3 SECONDS_PER_RUN=5 CONNECTIONS=16 REACTORS=1
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=$(cd "${1:-$ROOT/build/release}" && pwd)
STRESSQL=$BUILD/cli/stressql
ROUNDS=${ROUNDS:-3}; DUR=${SECONDS_PER_RUN:-5}; CONNS=${CONNECTIONS:-16}; REACTORS=${REACTORS:-1}
[[ -x $STRESSQL ]] || { echo "missing $STRESSQL" >&2; exit 2; }
(( ROUNDS >= 1 && ROUNDS <= 10 && DUR >= 1 && DUR <= 60 )) || { echo "ROUNDS 1-10, SECONDS_PER_RUN 1-60" >&2; exit 2; }
[[ -n ${SINK_PORT:-} ]] || exec "$ROOT/bench/nginx-sink" "$0" "$@"
PORT=$SINK_PORT
TMP=$(mktemp -d /tmp/stressql-bench.XXXXXX)
trap 'rm -rf "$TMP"' EXIT

template='cpu,host=server-[int inc(0) 10000],loc=[us-west|us-east|eu-north]
value=[float rand(100) 0]'
printf 'INSERT body\n%s\n5000 10s\n' "$template" > "$TMP/body.iql"
"$STRESSQL" run --dump "$TMP/body5000" "$TMP/body.iql" >/dev/null
echo "nginx (1 worker, 204) on 127.0.0.1:$PORT; $ROUNDS rounds; wrk -t1 -c$CONNS ${DUR}s; stressql --reactors $REACTORS, WriteConcurrency $CONNS, BatchSize 5000"
echo "template: cpu,host=server-[int inc(0) 10000],loc=[us-west|us-east|eu-north] value=[float rand(100) 0]"
points=0
sw_pps=0; sw_cpu=0; s_pps=0; s_cpu=0
for r in $(seq "$ROUNDS"); do
  out=$(BODY_FILE=$TMP/body5000 /usr/bin/time -f "CPU %U %S" timeout $((DUR + 30)) wrk -t1 -c"$CONNS" -d"${DUR}s" \
        -s "$ROOT/bench/wrk_post.lua" "http://127.0.0.1:$PORT/write?db=bench" 2>&1)
  reqs=$(sed -n 's/^ *\([0-9]*\) requests in.*/\1/p' <<<"$out")
  wcpu=$(awk '/^CPU/ {print $2 + $3}' <<<"$out")
  wpps=$(awk -v q="$reqs" -v d="$DUR" 'BEGIN {print q * 5000 / d}')
  # Size stressql's run to about the same duration as wrk's.
  (( points == 0 )) && points=$(awk -v p="$wpps" -v d="$DUR" 'BEGIN {printf "%d", p * d}')
  printf 'SET BatchSize [5000]\n\nSET WriteConcurrency [%s]\n\nINSERT load\n%s\n%s 10s\n' "$CONNS" "$template" "$points" > "$TMP/load.iql"
  sout=$(/usr/bin/time -f "CPU %U %S" timeout $((DUR * 10 + 30)) "$STRESSQL" run --reactors "$REACTORS" \
         --addresses "127.0.0.1:$PORT" --results none "$TMP/load.iql" 2>&1)
  spps=$(sed -n 's/^  Points\/Sec: *\([0-9]*\).*/\1/p' <<<"$sout")
  spts=$(sed -n 's|^  Points Accepted / Dropped / Failed: *\([0-9]*\).*|\1|p' <<<"$sout")
  scpu=$(awk '/^CPU/ {print $2 + $3}' <<<"$sout")
  printf "round %d: wrk %11.0f points/s %.2f CPU-s/M | stressql %11.0f points/s (%d unique) %.2f CPU-s/M\n" "$r" \
    "$wpps" "$(awk -v c="$wcpu" -v p="$wpps" -v d="$DUR" 'BEGIN {print c * 1e6 / (p * d)}')" \
    "$spps" "$spts" "$(awk -v c="$scpu" -v p="$spts" 'BEGIN {print c * 1e6 / p}')"
  sw_pps=$(awk -v a="$sw_pps" -v b="$wpps" 'BEGIN {print a + b}')
  sw_cpu=$(awk -v a="$sw_cpu" -v c="$wcpu" -v p="$wpps" -v d="$DUR" 'BEGIN {print a + c * 1e6 / (p * d)}')
  s_pps=$(awk -v a="$s_pps" -v b="$spps" 'BEGIN {print a + b}')
  s_cpu=$(awk -v a="$s_cpu" -v c="$scpu" -v p="$spts" 'BEGIN {print a + c * 1e6 / p}')
done
awk -v wp="$sw_pps" -v wc="$sw_cpu" -v sp="$s_pps" -v sc="$s_cpu" -v n="$ROUNDS" 'BEGIN {
  printf "mean: wrk %.0f points/s, %.4f CPU-s/M; stressql %.0f points/s, %.4f CPU-s/M\n", wp/n, wc/n, sp/n, sc/n
  printf "ratio stressql/wrk: points/s %.2fx (target >= 0.95), CPU per point %.2fx (target <= 1.1)\n", sp/wp, sc/wc }'
