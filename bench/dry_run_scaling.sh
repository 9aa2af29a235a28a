#!/usr/bin/env bash
# Does rendering scale with reactors? `stressql run --dry-run` renders every request on the
# reactors (the offline engine) and sends nothing, so it measures the per-core ceiling of
# the tool itself. The same big INSERT with --reactors 1 (the reference) and --reactors 2,
# ROUNDS rounds, the order turning each round so drift hits both alike. Prints points/s of
# each run, the ratio of the means and the median of the per-round ratios (target >= 1.7 on
# the 2-core machine). Before each run it waits (up to ~10 s) for the CPUs to go idle, since
# a busy second core caps the two-reactor run; other load still shows up as spread between
# rounds, and the script says when the machine never went idle.
#
#   bench/dry_run_scaling.sh [BUILD_DIR]    (default build/release)
#   env: ROUNDS=7 POINTS=50000000 BATCH=5000 CONCURRENCY=16 REACTORS_B=2
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=$(cd "${1:-$ROOT/build/release}" && pwd)
ROUNDS=${ROUNDS:-7} POINTS=${POINTS:-50000000} BATCH=${BATCH:-5000} CONCURRENCY=${CONCURRENCY:-16}
REACTORS_B=${REACTORS_B:-2}
[[ -x $BUILD/cli/stressql ]] || { echo "missing $BUILD/cli/stressql" >&2; exit 2; }
(( ROUNDS >= 1 && ROUNDS <= 50 && POINTS <= 200000000 )) || { echo "ROUNDS 1-50, POINTS <= 2e8" >&2; exit 2; }
TMP=$(mktemp -d /tmp/stressql-dryrun.XXXXXX); trap 'rm -rf "$TMP"' EXIT
printf "SET BatchSize [%s]\n\nSET WriteConcurrency [%s]\n\nINSERT load\ncpu,host=server-[int inc(0) 10000],loc=[a|b|c]\nvalue=[float rand(100) 0]\n%s 10s\n" \
  "$BATCH" "$CONCURRENCY" "$POINTS" > "$TMP/load.iql"
echo "dry run: $POINTS points, BatchSize $BATCH, WriteConcurrency $CONCURRENCY, $ROUNDS rounds," \
     "$(nproc) CPUs; reference --reactors 1, compared --reactors $REACTORS_B"
source "$ROOT/bench/lib.sh"  # settle
run() {  # prints the statement's rendered points/s
  settle
  "$BUILD/cli/stressql" run --dry-run --seed 1 --reactors "$1" "$TMP/load.iql" |
    sed -n "s/^  Points Rendered\/Sec (not sent): *\([0-9]*\).*/\1/p"
}
: > "$TMP/rounds"
for r in $(seq "$ROUNDS"); do
  if (( r % 2 )); then a=$(run 1); b=$(run "$REACTORS_B"); else b=$(run "$REACTORS_B"); a=$(run 1); fi
  [[ -n $a && -n $b ]] || { echo "a run printed no points/s" >&2; exit 1; }
  printf "round %2d  1 reactor %12d points/s   %d reactors %12d points/s   ratio %.2f\n" \
    "$r" "$a" "$REACTORS_B" "$b" "$(bc -l <<<"$b / $a")"
  echo "$a $b" >> "$TMP/rounds"
done
median=$(awk '{ printf "%.4f\n", $2 / $1 }' "$TMP/rounds" | sort -n |
  awk '{ v[NR] = $1 } END { print NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }')
awk -v rb="$REACTORS_B" -v median="$median" '
  { a += $1; b += $2 }
  END {
    printf "mean: 1 reactor %.1f M points/s, %d reactors %.1f M points/s; ratio of means %.2f, median ratio %.2f (target >= 1.7)\n",
      a / NR / 1e6, rb, b / NR / 1e6, b / a, median
  }' "$TMP/rounds"
