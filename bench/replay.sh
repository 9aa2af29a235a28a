#!/usr/bin/env bash
# Replay (INSERT … FROM, docs/replay.md) measured side by side with a reference in one run:
#  1. into the nginx 204 sink: stressql replaying TSBS's devops sample (ReplayLoops scale it
#     up, every pass shifted) against wrk POSTing the sample's first batch, the same bytes,
#     again and again; points/s, CPU-s per million points and the ratio (target >= 0.9);
#  2. --dry-run from the page cache: a file of about 1 GiB (the sample written over and
#     over), rendered by one reactor; GB/s per CPU-second, against `wc -l` reading the same
#     file (target >= 1 GB/s per core);
#  3. into a throwaway influxd: stressql's CPU-s per million points replayed, and wrk's for
#     the same first batch (target <= 0.3; TSBS's tsbs_load_influx measured 1.51 on this
#     kind of machine).
#
# Like with like, in 1 and 3: one client thread each (wrk -t1, stressql --reactors 1, whose
# control thread is counted too), CONNECTIONS keep-alive connections each (wrk -c, stressql
# WriteConcurrency), the same request body size (BatchSize is half the sample's 6480 lines,
# so every request of a pass is full, like wrk's 3240-line body; shifted 2016 -> 2024
# timestamps keep their 19 digits) and the same run length: in 1, stressql replays as many
# passes as wrk sent points in its SECONDS_PER_RUN seconds just before (at most 5000), so
# both run about as long; in 3, INFLUX_LOOPS=150 is about a million points. What differs is
# what each does per request (stressql runs with --server-metrics none: wrk reads no server
# metrics, and nginx has none): wrk sends one buffer it built once; stressql reads the lines
# from the file: over plain HTTP it maps the file and sends the lines from the page cache
# (sendmsg of iovecs), copying only lines whose timestamp moves (short ones, with their new
# digits), and for a looped small file only once: later passes rewrite the digits of that
# copy; then the kernel copies them into the socket.
#
# Last measured (docs/replay.md#measured, 2026-12-08, ROUNDS=3 SECONDS_PER_RUN=5, load 1-2.5
# on 2 cores): all three met. 1: 0.95x, 0.98x and 1.00x wrk in three runs (rounds
# 0.92x-1.06x; 0.085-0.104 CPU-s per million points against wrk's 0.072-0.080), with loops
# rewriting only the digits of a kept copy of each batch (the build before, which copied
# every line every pass: 0.81x-0.85x); 2: keep 2.24-2.48, shift 1.65-2.07 GB/s per core;
# 3: 0.208 CPU-s per million points (wrk 0.146). Then with --server-metrics none in both:
# 1: 1.02x (rounds 0.95x-1.22x), 3: 0.182 (wrk 0.141).
#
#   bench/replay.sh [BUILD_DIR]       (default build/release)
#   env: ROUNDS=3 INFLUX_LOOPS=150 GIB=1 SECONDS_PER_RUN=5 CONNECTIONS=8 REACTORS=1
#        TSBS=<dir of the samples> PARTS=123 (the parts to run, e.g. PARTS=1 for nginx alone)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=$(cd "${1:-$ROOT/build/release}" && pwd)
export STRESSQL=$BUILD/cli/stressql ROOT
export ROUNDS=${ROUNDS:-3} GIB=${GIB:-1} DUR=${SECONDS_PER_RUN:-5}
export CONNS=${CONNECTIONS:-8} REACTORS=${REACTORS:-1} INFLUX_LOOPS=${INFLUX_LOOPS:-150}
PARTS=${PARTS:-123}
[[ $PARTS =~ ^[123]+$ ]] || { echo "PARTS: some of 1, 2 and 3 (e.g. PARTS=13)" >&2; exit 2; }
export TSBS=${TSBS:-$ROOT/../shared/data/tsbs}
SAMPLE=$TSBS/devops-seed11-scale2-1h.lp.gz
[[ -x $STRESSQL ]] || { echo "missing $STRESSQL (build it first)" >&2; exit 2; }
[[ -r $SAMPLE ]] || { echo "missing $SAMPLE (set TSBS to the folder of the TSBS samples)" >&2; exit 2; }
(( ROUNDS >= 1 && ROUNDS <= 10 && INFLUX_LOOPS >= 1 && INFLUX_LOOPS <= 5000 && GIB >= 1 && GIB <= 8 && DUR >= 1 && DUR <= 60 )) ||
  { echo "bounds: ROUNDS 1-10, INFLUX_LOOPS 1-5000, GIB 1-8, SECONDS_PER_RUN 1-60" >&2; exit 2; }
[[ -n ${SINK_PORT:-} ]] || exec "$ROOT/bench/nginx-sink" "$0" "$@"
source "$ROOT/bench/lib.sh"
TMP=$(mktemp -d /tmp/stressql-replay-bench.XXXXXX)
trap 'rm -rf "$TMP"' EXIT
export TMP
gzip -dc "$SAMPLE" > "$TMP/devops.lp"
lines=$(wc -l < "$TMP/devops.lp")
BATCH=$(( (lines + 1) / 2 ))
export BATCH
head -n "$BATCH" "$TMP/devops.lp" > "$TMP/batch.lp"   # wrk's body: the file's first request
TIMEFORMAT="CPU %3U %3S"
cpu_of() { awk '/^CPU/ {print $2 + $3}' <<<"$1"; }
accepted() { sed -n 's|^  Points Accepted / Dropped / Failed: *\([0-9]*\).*|\1|p' <<<"$1"; }

if [[ $PARTS == *1* ]]; then
echo "== 1. into nginx (1 worker, 204) on 127.0.0.1:$SINK_PORT: devops sample ($lines lines, $(stat -c %s "$TMP/devops.lp") bytes), passes for wrk's points, vs wrk -t1 -c$CONNS posting its first $BATCH lines for ${DUR}s"
sum_w=0; sum_s=0
for r in $(seq "$ROUNDS"); do
  settle
  out=$({ time BODY_FILE=$TMP/batch.lp timeout $((DUR + 30)) wrk -t1 -c"$CONNS" -d"${DUR}s" \
        -s "$ROOT/bench/wrk_post.lua" "http://127.0.0.1:$SINK_PORT/write?db=bench&precision=ns" 2>&1; } 2>&1)
  reqs=$(sed -n 's/^ *\([0-9]*\) requests in.*/\1/p' <<<"$out")
  wpps=$(awk -v q="$reqs" -v d="$DUR" -v b="$BATCH" 'BEGIN {print q * b / d}')
  wcpu=$(cpu_of "$out")
  loops=$(( reqs * BATCH / lines )); (( loops >= 1 )) || loops=1; (( loops <= 5000 )) || loops=5000
  printf 'SET Precision [ns]\n\nSET BatchSize [%s]\n\nSET WriteConcurrency [%s]\n\nSET ReplayTime [shift]\n\nSET StartDate [now]\n\nSET ReplayLoops [%s]\n\nINSERT devops FROM '"'"'%s'"'"'\n' \
    "$BATCH" "$CONNS" "$loops" "$TMP/devops.lp" > "$TMP/sink.iql"
  settle
  sout=$({ time "$STRESSQL" run --reactors "$REACTORS" --addresses "127.0.0.1:$SINK_PORT" --results none --server-metrics none "$TMP/sink.iql" 2>&1; } 2>&1)
  spps=$(sed -n 's/^  Points\/Sec: *\([0-9]*\).*/\1/p' <<<"$sout")
  scpu=$(cpu_of "$sout"); spts=$(accepted "$sout")
  printf "round %d: wrk %10.0f points/s (%.3f CPU-s/M) | stressql replay %10.0f points/s (%s points, %.3f CPU-s/M) | ratio %.2f\n" \
    "$r" "$wpps" "$(awk -v c="$wcpu" -v q="$reqs" -v b="$BATCH" 'BEGIN {print c * 1e6 / (q * b)}')" \
    "$spps" "$spts" "$(awk -v c="$scpu" -v p="$spts" 'BEGIN {print c * 1e6 / p}')" \
    "$(awk -v s="$spps" -v w="$wpps" 'BEGIN {print s / w}')"
  sum_w=$(awk -v a="$sum_w" -v b="$wpps" 'BEGIN {print a + b}'); sum_s=$(awk -v a="$sum_s" -v b="$spps" 'BEGIN {print a + b}')
done
awk -v w="$sum_w" -v s="$sum_s" -v n="$ROUNDS" 'BEGIN {
  printf "mean: wrk %.0f points/s, stressql replay %.0f points/s; ratio stressql/wrk %.2f (target >= 0.9)\n", w/n, s/n, s/w }'
fi

if [[ $PARTS == *2* ]]; then
echo "== 2. --dry-run from the page cache, 1 reactor: about $GIB GiB of the sample written over and over"
copies=$(( GIB * 1073741824 / $(stat -c %s "$TMP/devops.lp") + 1 ))
for _ in $(seq "$copies"); do cat "$TMP/devops.lp"; done > "$TMP/big.lp"
bytes=$(stat -c %s "$TMP/big.lp")
printf 'SET Precision [ns]\n\nINSERT big FROM '"'"'%s'"'"'\n' "$TMP/big.lp" > "$TMP/keep.iql"
printf 'SET Precision [ns]\n\nSET ReplayTime [shift]\n\nSET StartDate [2024-01-01]\n\nINSERT big FROM '"'"'%s'"'"'\n' "$TMP/big.lp" > "$TMP/shift.iql"
cat "$TMP/big.lp" > /dev/null  # into the page cache
for r in $(seq "$ROUNDS"); do
  settle
  wout=$({ time wc -l "$TMP/big.lp" >/dev/null; } 2>&1); wcpu=$(cpu_of "$wout")
  kout=$({ time "$STRESSQL" run --dry-run --reactors 1 --results none "$TMP/keep.iql" >/dev/null 2>&1; } 2>&1); kcpu=$(cpu_of "$kout")
  hout=$({ time "$STRESSQL" run --dry-run --reactors 1 --results none "$TMP/shift.iql" >/dev/null 2>&1; } 2>&1); hcpu=$(cpu_of "$hout")
  awk -v b="$bytes" -v w="$wcpu" -v k="$kcpu" -v h="$hcpu" -v r="$r" 'BEGIN {
    printf "round %d: %.2f GB: wc -l %.2f GB/s per core | stressql keep %.2f GB/s per core (%.2fx wc) | shift %.2f GB/s per core (%.2fx wc)\n",
      r, b/1e9, b/1e9/w, b/1e9/k, w/k, b/1e9/h, w/h }'
done
rm -f "$TMP/big.lp"
fi

[[ $PARTS == *3* ]] || exit 0
echo "== 3. into a throwaway influxd: CPU-s per million points (tsbs_load_influx: 1.51 measured on this kind of machine)"
"$ROOT/scripts/influxd-throwaway" bash -c '
set -euo pipefail
source "$ROOT/bench/lib.sh"
TIMEFORMAT="CPU %3U %3S"
q() { curl -sf -XPOST "http://$STRESSQL_TARGET/query" --data-urlencode "q=$1" >/dev/null; }
printf "wrk.method = \"POST\"\nlocal f = io.open(\"%s\", \"rb\")\nwrk.body = f:read(\"*a\")\nf:close()\n" "$TMP/batch.lp" > "$TMP/post.lua"
sum_w=0; sum_s=0
for r in $(seq "$ROUNDS"); do
  q "CREATE DATABASE w$r"; q "CREATE DATABASE s$r"
  settle
  # influxd takes a while per request of new series: a long timeout, so wrk counts them.
  out=$({ time wrk -t1 -c"$CONNS" -d"$((DUR * 2))s" --timeout 30s -s "$TMP/post.lua" "http://$STRESSQL_TARGET/write?db=w$r&precision=ns" 2>&1; } 2>&1)
  reqs=$(sed -n "s/^ *\([0-9]*\) requests in.*/\1/p" <<<"$out")
  bad=$(sed -n "s/.*Non-2xx or 3xx responses: *\([0-9]*\).*/\1/p" <<<"$out"); bad=${bad:-0}
  wcpu=$(awk "/^CPU/ {print \$2 + \$3}" <<<"$out"); wpts=$(( (reqs - bad) * BATCH ))
  printf "SET Database [s%s]\n\nSET Precision [ns]\n\nSET BatchSize [%s]\n\nSET WriteConcurrency [%s]\n\nSET ReplayTime [shift]\n\nSET StartDate [2024-01-01]\n\nSET ReplayLoops [%s]\n\nINSERT devops FROM '"'"'%s'"'"'\n" \
    "$r" "$BATCH" "$CONNS" "$INFLUX_LOOPS" "$TMP/devops.lp" > "$TMP/influx.iql"
  settle
  sout=$({ time "$STRESSQL" run --reactors "$REACTORS" --addresses "$STRESSQL_TARGET" --results none --server-metrics none "$TMP/influx.iql" 2>&1; } 2>&1)
  scpu=$(awk "/^CPU/ {print \$2 + \$3}" <<<"$sout")
  spts=$(sed -n "s|^  Points Accepted / Dropped / Failed: *\([0-9]*\).*|\1|p" <<<"$sout")
  w=$(awk "BEGIN {printf \"%.4f\", $wcpu * 1e6 / $wpts}"); s=$(awk "BEGIN {printf \"%.4f\", $scpu * 1e6 / $spts}")
  printf "round %d: wrk %9d points %.3f CPU-s = %s CPU-s/M | stressql replay %9d points %.3f CPU-s = %s CPU-s/M | ratio %.2f\n" \
    "$r" "$wpts" "$wcpu" "$w" "$spts" "$scpu" "$s" "$(awk "BEGIN {print $s / $w}")"
  sum_w=$(awk "BEGIN {print $sum_w + $w}"); sum_s=$(awk "BEGIN {print $sum_s + $s}")
  q "DROP DATABASE w$r"; q "DROP DATABASE s$r"
done
printf "mean: wrk %.4f CPU-s per million points, stressql replay %.4f (target <= 0.3; tsbs_load_influx 1.51: %.1fx less); stressql/wrk = %.2f\n" \
  "$(awk "BEGIN {print $sum_w / $ROUNDS}")" "$(awk "BEGIN {print $sum_s / $ROUNDS}")" \
  "$(awk "BEGIN {print 1.51 * $ROUNDS / $sum_s}")" "$(awk "BEGIN {print $sum_s / $sum_w}")"
'
