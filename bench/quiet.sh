# Sourced by run-bench.sh and run-drill.sh: how busy the machine is, and waiting until it is not.

busy_ticks() { awk '/^cpu /{print $2+$3+$4+$7+$8+$9; exit}' /proc/stat; }
all_ticks() { awk '/^cpu /{s=0; for (i=2;i<=NF;i++) s+=$i; print s; exit}' /proc/stat; }

# On a shared machine: wait (bounded by QUIET_WAIT_S, 300) until the CPU is below QUIET_PCT % of
# all cores over 2 s; no-op when QUIET_PCT is unset. The callers' own servers are idle (or not yet
# started) when they call it, so what is busy is someone else.
wait_quiet() {
  [[ -n "${QUIET_PCT:-}" ]] || return 0
  local deadline=$(( SECONDS + ${QUIET_WAIT_S:-300} )) b0 a0 pct
  while :; do
    b0=$(busy_ticks); a0=$(all_ticks); sleep 2
    pct=$(( 100 * ($(busy_ticks) - b0) / ($(all_ticks) - a0 + 1) ))
    (( pct < QUIET_PCT )) && return 0
    if (( SECONDS >= deadline )); then echo "   (machine still ${pct}% busy; running anyway)"; return 0; fi
  done
}
