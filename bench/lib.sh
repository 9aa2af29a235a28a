# Shared by the bench/*.sh harnesses: source it.

# settle: waits until the CPUs are >= 90 % idle over a quarter second (at most ~10 s), so a
# round does not start while a build or the previous round still runs.
settle() {
  local a b
  for _ in $(seq 40); do
    a=($(head -1 /proc/stat)); sleep 0.25; b=($(head -1 /proc/stat))
    local busy=0 total=0 i
    for i in 1 2 3 4 5 6 7 8; do total=$((total + b[i] - a[i])); done
    busy=$((total - (b[4] - a[4]) - (b[5] - a[5])))
    (( total > 0 && busy * 10 < total )) && return 0
  done
  echo "(the machine did not go idle; measuring anyway)" >&2
}
