# Sourced by scripts that start tandem-localnet (run.sh, netem-compare.sh).
# wait_for_localnet OUT LOG PID: waits up to 30 s until the tandem-localnet running as PID has
# printed "ready" to OUT. Fails (with LOG on stderr) if it exits first, or if the time is up.
wait_for_localnet() {
  local out=$1 log=$2 pid=$3
  for _ in $(seq 1 150); do
    grep -q ready "$out" 2>/dev/null && return 0
    kill -0 "$pid" 2>/dev/null || { cat "$log" >&2; return 1; }
    sleep 0.2
  done
  grep -q ready "$out" 2>/dev/null
}
