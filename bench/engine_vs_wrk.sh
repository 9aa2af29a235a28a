#!/usr/bin/env bash
# The engine against wrk, same run, same nginx (return 204) on a free 127.0.0.1 port, same
# fixed line-protocol bodies (5000 points and 100 points), alternating for ROUNDS rounds.
# Prints requests/s, payload bytes/s and client CPU seconds per request and per GB for
# both, and the ratios (engine / wrk). CPU is measured the same way for both: user+sys of
# the client process from /usr/bin/time. HTTPS column: the engine over TLS (nginx `ssl` on
# a second port, a test certificate made here with openssl) against the engine over plain
# HTTP in the same round; the ratio https/http is printed per body size.
#
#   bench/engine_vs_wrk.sh [BUILD_DIR]      (default build/release; needs engine_http_bench)
#   env: ROUNDS=3 SECONDS_PER_RUN=4 CONNECTIONS=16 THREADS=1
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=$(cd "${1:-$ROOT/build/release}" && pwd)
DRIVER=$BUILD/bench/engine_http_bench
ROUNDS=${ROUNDS:-3}
DUR=${SECONDS_PER_RUN:-4}
CONNS=${CONNECTIONS:-16}
THREADS=${THREADS:-1}
[[ -x $DRIVER ]] || { echo "missing $DRIVER (build target engine_http_bench)" >&2; exit 2; }
command -v nginx >/dev/null || { echo "nginx not installed" >&2; exit 2; }
command -v wrk >/dev/null || { echo "wrk not installed" >&2; exit 2; }
(( ROUNDS >= 1 && ROUNDS <= 10 && DUR >= 1 && DUR <= 60 )) || { echo "ROUNDS 1-10, SECONDS_PER_RUN 1-60" >&2; exit 2; }

TMP=$(mktemp -d /tmp/stressql-bench.XXXXXX)
NGINX_PID=
cleanup() {
  [[ -n $NGINX_PID ]] && kill "$NGINX_PID" 2>/dev/null && wait "$NGINX_PID" 2>/dev/null
  rm -rf "$TMP"
}
trap cleanup EXIT

PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
TLS_PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
# Test CA and a server certificate for 127.0.0.1 (EC P-256, as a modern server would use).
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$TMP/ca.key" -out "$TMP/ca.pem" \
  -days 1 -subj /CN=bench-ca 2>/dev/null
openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$TMP/server.key" -out "$TMP/server.csr" \
  -subj /CN=127.0.0.1 2>/dev/null
printf 'subjectAltName=IP:127.0.0.1\n' > "$TMP/san.ext"
openssl x509 -req -in "$TMP/server.csr" -CA "$TMP/ca.pem" -CAkey "$TMP/ca.key" -set_serial 1 -days 1 \
  -extfile "$TMP/san.ext" -out "$TMP/server.pem" 2>/dev/null
sed -e "s|@PREFIX@|$TMP|g" -e "s|@PORT@|$PORT|g" -e "s|@TLS_PORT@|$TLS_PORT|g" "$ROOT/bench/nginx.conf.in" > "$TMP/nginx.conf"
nginx -p "$TMP" -c "$TMP/nginx.conf" -e "$TMP/error.log" &
NGINX_PID=$!
for _ in $(seq 100); do
  curl -s -o /dev/null -X POST --data x "http://127.0.0.1:$PORT/write" 2>/dev/null && break
  sleep 0.05
done

make_body() {  # points file
  awk -v n="$1" 'BEGIN { for (i = 0; i < n; i++)
    printf "cpu,host=server%04d,region=us-west-%d usage_user=%d.25,usage_system=%di,idle=%d.5 %d\n",
           i % 1000, i % 7, i % 100, i % 53, i % 97, 1700000000000000000 + i }' > "$2"
}
make_body 5000 "$TMP/body5000"
make_body 100 "$TMP/body100"

# run_engine BODY [tls] -> "rps cpu"
run_engine() {
  local out target="127.0.0.1:$PORT" tls=()
  [[ ${2:-} == tls ]] && { target="127.0.0.1:$TLS_PORT"; tls=(--tls-ca "$TMP/ca.pem"); }
  out=$(/usr/bin/time -f "%U %S" -o "$TMP/time" timeout $((DUR + 40)) "$DRIVER" --target "$target" \
        --body-file "$1" --seconds "$DUR" --concurrency "$CONNS" --reactors "$THREADS" "${tls[@]}")
  echo "    engine${2:+ ($2)}: $out" >&2
  local rps secs
  rps=$(sed -n 's/.*rps=\([0-9.]*\).*/\1/p' <<<"$out")
  echo "$rps $(awk '{print $1 + $2}' "$TMP/time")"
}
# run_wrk BODY -> "rps cpu"
run_wrk() {
  local out rps
  out=$(BODY_FILE=$1 /usr/bin/time -f "%U %S" -o "$TMP/time" timeout $((DUR + 40)) wrk -t"$THREADS" -c"$CONNS" \
        -d"${DUR}s" -s "$ROOT/bench/wrk_post.lua" "http://127.0.0.1:$PORT/write?db=bench")
  rps=$(awk '/^Requests\/sec:/ {print $2}' <<<"$out")
  local errs
  errs=$(awk '/Non-2xx|Socket errors/' <<<"$out")
  echo "    wrk:    rps=$rps ${errs}" >&2
  echo "$rps $(awk '{print $1 + $2}' "$TMP/time")"
}

echo "nginx on 127.0.0.1:$PORT (https: $TLS_PORT); $ROUNDS rounds x ${DUR}s; $CONNS connections; $THREADS client thread(s)"
for points in 5000 100; do
  body="$TMP/body$points"
  bytes=$(stat -c %s "$body")
  echo "== $points points ($bytes body bytes)"
  e_rps=0; e_cpu=0; w_rps=0; w_cpu=0; t_rps=0; t_cpu=0
  for r in $(seq "$ROUNDS"); do
    echo "  round $r" >&2
    read -r rps cpu < <(run_engine "$body"); e_rps=$(awk -v a="$e_rps" -v b="$rps" 'BEGIN{print a+b}'); e_cpu=$(awk -v a="$e_cpu" -v b="$cpu" 'BEGIN{print a+b}')
    read -r rps cpu < <(run_engine "$body" tls); t_rps=$(awk -v a="$t_rps" -v b="$rps" 'BEGIN{print a+b}'); t_cpu=$(awk -v a="$t_cpu" -v b="$cpu" 'BEGIN{print a+b}')
    read -r rps cpu < <(run_wrk "$body");    w_rps=$(awk -v a="$w_rps" -v b="$rps" 'BEGIN{print a+b}'); w_cpu=$(awk -v a="$w_cpu" -v b="$cpu" 'BEGIN{print a+b}')
  done
  awk -v er="$e_rps" -v ec="$e_cpu" -v wr="$w_rps" -v wc="$w_cpu" -v n="$ROUNDS" -v d="$DUR" -v b="$bytes" 'BEGIN {
    er /= n; wr /= n; ec /= n; wc /= n;            # per run: requests/s and CPU seconds
    ereq = er * d; wreq = wr * d;                  # requests per run (approx.)
    ecr = ec / ereq; wcr = wc / wreq;              # CPU s per request
    ecg = ecr / b * 1e9; wcg = wcr / b * 1e9;      # CPU s per GB of body
    printf "  %-7s %12s %14s %16s %12s\n", "", "requests/s", "body MB/s", "CPU us/request", "CPU s/GB"
    printf "  %-7s %12.0f %14.1f %16.2f %12.3f\n", "engine", er, er * b / 1e6, ecr * 1e6, ecg
    printf "  %-7s %12.0f %14.1f %16.2f %12.3f\n", "wrk", wr, wr * b / 1e6, wcr * 1e6, wcg
    printf "  ratio engine/wrk: throughput %.2fx, CPU per request %.2fx, CPU per byte %.2fx\n", er / wr, ecr / wcr, ecg / wcg
  }'
  awk -v er="$e_rps" -v ec="$e_cpu" -v tr="$t_rps" -v tc="$t_cpu" -v n="$ROUNDS" -v d="$DUR" -v b="$bytes" 'BEGIN {
    er /= n; tr /= n; ec /= n; tc /= n
    ecr = ec / (er * d); tcr = tc / (tr * d)
    printf "  %-7s %12.0f %14.1f %16.2f %12.3f\n", "eng+tls", tr, tr * b / 1e6, tcr * 1e6, tcr / b * 1e9
    printf "  ratio engine https/http: throughput %.2fx, CPU per request %.2fx\n", tr / er, tcr / ecr
  }'
done
