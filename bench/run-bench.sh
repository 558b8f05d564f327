#!/usr/bin/env bash
# Podium beside the floor, measured by the same generator in the same run.
#
# Builds nothing: run `mvn -B -DskipTests package` first. Starts the floor server and the Podium
# all-in-one on loopback, then for every N in NS, RUNS times, runs the load generator against
# each target in turn (interleaved, so both see the same machine), and prints the medians.
# Everything it started is stopped on exit.
#
#   bench/run-bench.sh                                  # defaults below
#   NS="100 500" RUNS=1 DURATION_S=10 bench/run-bench.sh
#   TARGETS=floor NS="100 500 1000" bench/run-bench.sh  # the floor alone
#   GATEWAYS=2 TARGETS=podium NS=500 bench/run-bench.sh  # listeners spread over two gateway JVMs
#
# Settings (environment): NS ("100 250 500 750 1000"), RUNS (3), TARGETS ("floor podium"),
# DURATION_S (20), WARMUP_S (2), RAMP_MS (5000), PACKET_MS (20), PAUSE_S (3, between runs),
# WARMUP_RUNS (1: after starting, each target serves this many unrecorded runs with the first N of
# NS, so that the recorded runs measure compiled code, not the JIT warming up),
# BENCH_JAR, PODIUM_JAR, GATEWAY_JAR (the jars to run; default: the ones the build made),
# FLOOR_PORT (8100), PODIUM_PORT (8000), OPS_PORT (9100: the ops port of the all-in-one, then
# +1, +2, ... for the other gateways), GATEWAYS (1; for the podium target, GATEWAYS - 1 more
# gateway JVMs join the all-in-one's cluster on PODIUM_PORT+1, +2, ...; the generator spreads the
# listeners over all of them; each run reports every gateway's event-bus media packets per mixer
# tick), QUIET_PCT (unset: before each run, wait until the
# machine's CPU use by other processes over 2 s is below this % of all cores), QUIET_WAIT_S (300,
# the most to wait for that), MAX_OTHER_PCT (unset: a run in which other processes used more than
# this % of one core is set aside in set-aside.jsonl and repeated, at most RETRIES (3) times; the
# last attempt is kept whatever it measured), GEN_ARGS (more generator options, e.g.
# "--listener-query codec=opus --subprotocol podium.v1"), OUT (results directory).
set -euo pipefail
cd "$(dirname "$0")/.."

NS="${NS:-100 250 500 750 1000}"
RUNS="${RUNS:-3}"
TARGETS="${TARGETS:-floor podium}"
DURATION_S="${DURATION_S:-20}"
WARMUP_S="${WARMUP_S:-2}"
WARMUP_RUNS="${WARMUP_RUNS:-1}"
RAMP_MS="${RAMP_MS:-5000}"
PACKET_MS="${PACKET_MS:-20}"
PAUSE_S="${PAUSE_S:-3}"
RETRIES="${RETRIES:-3}"
FLOOR_PORT="${FLOOR_PORT:-8100}"
PODIUM_PORT="${PODIUM_PORT:-8000}"
OPS_PORT="${OPS_PORT:-9100}"
GATEWAYS="${GATEWAYS:-1}"
GEN_ARGS="${GEN_ARGS:-}"
OUT="${OUT:-bench/target/results/$(date -u +%Y%m%dT%H%M%SZ)}"
SECRET="bench-secret-$RANDOM-$RANDOM-0123456789abcdef"
BENCH_JAR="${BENCH_JAR:-bench/target/podium-bench.jar}"
PODIUM_JAR="${PODIUM_JAR:-deploy/target/podium.jar}"
GATEWAY_JAR="${GATEWAY_JAR:-gateway/target/podium-gateway.jar}"
CLUSTER_PORT=5901
[[ "$GATEWAYS" =~ ^[1-9][0-9]*$ ]] || { echo "GATEWAYS must be a whole number >= 1, got '$GATEWAYS'" >&2; exit 1; }

podium=false; [[ " $TARGETS " == *" podium "* ]] && podium=true
extra_gateways=false; [[ $podium == true ]] && (( GATEWAYS > 1 )) && extra_gateways=true
run_jars=("$BENCH_JAR")
[[ $podium == true ]] && run_jars+=("$PODIUM_JAR")
[[ $extra_gateways == true ]] && run_jars+=("$GATEWAY_JAR")
for jar in "${run_jars[@]}"; do
  [[ -f "$jar" ]] || { echo "missing $jar: run 'mvn -B -DskipTests package' first" >&2; exit 1; }
done
mkdir -p "$OUT/jars"
jar_info="jars:"
for jar in "${run_jars[@]}"; do jar_info+=" $jar ($(date -u -r "$jar" +%FT%TZ))"; done
# Run copies, so a concurrent build cannot swap a jar under a running JVM.
cp "${run_jars[@]}" "$OUT/jars/"
BENCH_JAR="$OUT/jars/$(basename "$BENCH_JAR")"
PODIUM_JAR="$OUT/jars/$(basename "$PODIUM_JAR")"
GATEWAY_JAR="$OUT/jars/$(basename "$GATEWAY_JAR")"

pids=()
gen_pid=""
stop() {
  local pid
  # The generator first (timeout passes the TERM on to it), then the servers.
  [[ -n "$gen_pid" ]] && kill "$gen_pid" 2>/dev/null || true
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    kill -9 "$pid" 2>/dev/null || true
  done
}
trap stop EXIT
trap 'exit 130' INT TERM

port_free() { ! ss -ltn "sport = :$1" | grep -q LISTEN; }

wait_http() { # url seconds
  for _ in $(seq 1 "$2"); do
    curl -sf -o /dev/null "$1" && return 0
    sleep 1
  done
  return 1
}

busy_ticks() { awk '/^cpu /{print $2+$3+$4+$7+$8+$9; exit}' /proc/stat; }
all_ticks() { awk '/^cpu /{s=0; for (i=2;i<=NF;i++) s+=$i; print s; exit}' /proc/stat; }

# On a shared machine: wait (bounded) until others leave the CPU mostly idle. Our own servers are
# idle between runs, so what is busy is someone else.
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

{
  echo "date: $(date -u +%FT%TZ)"
  echo "commit: $(git rev-parse --short HEAD 2>/dev/null || echo unknown)" \
    "($(git status --short --untracked-files=no 2>/dev/null | wc -l) files changed since; jars as built)"
  echo "$jar_info"
  echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "nproc: $(nproc)"
  free -h
  java -version 2>&1
  echo "settings: MAX_OTHER_PCT='${MAX_OTHER_PCT:-}' QUIET_PCT='${QUIET_PCT:-}' NS='$NS' RUNS=$RUNS TARGETS='$TARGETS' GATEWAYS=$GATEWAYS DURATION_S=$DURATION_S WARMUP_S=$WARMUP_S WARMUP_RUNS=$WARMUP_RUNS RAMP_MS=$RAMP_MS PACKET_MS=$PACKET_MS GEN_ARGS='$GEN_ARGS'"
} | tee "$OUT/machine.txt"

declare -A base pids_of extra label
for target in $TARGETS; do
  case "$target" in
    floor)
      port_free "$FLOOR_PORT" || { echo "port $FLOOR_PORT is taken" >&2; exit 1; }
      java -cp "$BENCH_JAR" dev.podium.bench.FloorServer "$FLOOR_PORT" >"$OUT/floor.log" 2>&1 &
      pids+=($!); pids_of[floor]=$!; label[floor]=floor
      base[floor]="ws://127.0.0.1:$FLOOR_PORT"; extra[floor]=""
      wait_http "http://127.0.0.1:$FLOOR_PORT/" 30 || { echo "floor did not start; see $OUT/floor.log" >&2; exit 1; }
      ;;
    podium)
      for (( g = 0; g < GATEWAYS; g++ )); do
        port_free $(( PODIUM_PORT + g )) || { echo "port $(( PODIUM_PORT + g )) is taken" >&2; exit 1; }
        port_free $(( OPS_PORT + g )) || { echo "port $(( OPS_PORT + g )) is taken (OPS_PORT)" >&2; exit 1; }
      done
      # The generator is one address: lift the per-address edge limits (every other limit stays).
      export PODIUM_MAX_CONNECTIONS_PER_IP=1000000 PODIUM_JOIN_RATE_PER_SECOND=1000000 PODIUM_JOIN_BURST=1000000
      PODIUM_JWT_SECRET="$SECRET" PODIUM_HTTP_PORT="$PODIUM_PORT" PODIUM_HTTP_HOST=127.0.0.1 \
        PODIUM_OPS_PORT="$OPS_PORT" PODIUM_OPS_HOST=127.0.0.1 \
        PODIUM_CLUSTER_HOST=127.0.0.1 PODIUM_CLUSTER_MEMBERS=127.0.0.1 PODIUM_CLUSTER_PORT=$CLUSTER_PORT \
        PODIUM_CLUSTER_NAME="podium-bench-$$" \
        java -jar "$PODIUM_JAR" >"$OUT/podium.log" 2>&1 &
      pids+=($!); pids_of[podium]=$!
      base[podium]="ws://127.0.0.1:$PODIUM_PORT"
      metrics="http://127.0.0.1:$OPS_PORT/metrics"
      wait_http "http://127.0.0.1:$OPS_PORT/health/ready" 90 || { echo "podium did not start; see $OUT/podium.log" >&2; exit 1; }
      # More gateways join the all-in-one's cluster (its Hazelcast port is the member they contact),
      # each on the next HTTP, ops and Hazelcast port.
      for (( g = 1; g < GATEWAYS; g++ )); do
        PODIUM_JWT_SECRET="$SECRET" PODIUM_HTTP_PORT=$(( PODIUM_PORT + g )) \
          PODIUM_OPS_PORT=$(( OPS_PORT + g )) PODIUM_OPS_HOST=127.0.0.1 \
          PODIUM_HTTP_HOST=127.0.0.1 PODIUM_CLUSTER_HOST=127.0.0.1 PODIUM_CLUSTER_MEMBERS="127.0.0.1:$CLUSTER_PORT" \
          PODIUM_CLUSTER_PORT=$(( CLUSTER_PORT + g )) PODIUM_CLUSTER_NAME="podium-bench-$$" \
          java -jar "$GATEWAY_JAR" >"$OUT/gateway-$(( g + 1 )).log" 2>&1 &
        pids+=($!); pids_of[podium]+=",$!"
        base[podium]+=",ws://127.0.0.1:$(( PODIUM_PORT + g ))"
        metrics+=",http://127.0.0.1:$(( OPS_PORT + g ))/metrics"
        wait_http "http://127.0.0.1:$(( OPS_PORT + g ))/health/ready" 90 \
          || { echo "gateway $(( g + 1 )) did not become ready; see $OUT/gateway-$(( g + 1 )).log" >&2; exit 1; }
        echo "started gateway $(( g + 1 )) on port $(( PODIUM_PORT + g )) (pid $!)"
      done
      extra[podium]="--secret $SECRET --gateway-metrics $metrics"
      label[podium]=podium; (( GATEWAYS > 1 )) && label[podium]="podium-${GATEWAYS}gw"
      ;;
    *) echo "unknown target $target (floor or podium)" >&2; exit 1 ;;
  esac
  echo "started $target (pid ${pids_of[$target]//,/, })"
done

# The generator gives up on its own (watchdog); timeout is the outer bound.
budget=$(( 120 + RAMP_MS / 1000 + 2 * (WARMUP_S + DURATION_S) ))
# A freshly started JVM runs interpreted code for its first seconds under load (a run's first
# second measured 250-280 ms of p99 on both targets, the rest 15 ms): warm each target up first.
first_n=${NS%% *}
# Runs the generator against target $1 with $2 listeners, its report to file $3, and returns its
# exit code. In the background and waited for, so that Ctrl-C (or a TERM) runs the traps at once
# rather than after the run (timeout puts the generator in a process group of its own).
run_generator() {
  local target=$1 listeners=$2 report=$3 rc=0
  # shellcheck disable=SC2086
  timeout "$budget" java -jar "$BENCH_JAR" --base "${base[$target]}" --label "${label[$target]}" \
    --listeners "$listeners" --ramp-ms "$RAMP_MS" --duration-s "$DURATION_S" --warmup-s "$WARMUP_S" \
    --packet-ms "$PACKET_MS" --server-pid "${pids_of[$target]}" --json ${extra[$target]} $GEN_ARGS \
    >"$report" 2>&1 &
  gen_pid=$!
  wait "$gen_pid" || rc=$?
  gen_pid=""
  return "$rc"
}

for (( w = 1; w <= WARMUP_RUNS; w++ )); do
  for target in $TARGETS; do
    echo "== $target warm-up $w/$WARMUP_RUNS (N=$first_n, not recorded)"
    report="$OUT/$target-warmup-$w.txt"
    run_generator "$target" "$first_n" "$report" || echo "   (warm-up generator exit $?; see $report)"
    sleep "$PAUSE_S"
  done
done
for n in $NS; do
  for run in $(seq 1 "$RUNS"); do
    for target in $TARGETS; do
      for attempt in $(seq 0 "$RETRIES"); do
        echo "== $target N=$n run $run/$RUNS$( ((attempt > 0)) && echo " (attempt $((attempt + 1)))")"
        for pid in ${pids_of[$target]//,/ }; do
          kill -0 "$pid" 2>/dev/null || { echo "$target (pid $pid) died; see the logs in $OUT" >&2; exit 1; }
        done
        wait_quiet
        report="$OUT/$target-$n-$run.txt"
        gen_rc=0; run_generator "$target" "$n" "$report" || gen_rc=$?
        (( gen_rc == 0 )) || echo "   (generator exit $gen_rc; see $report)"
        grep -v '^{' "$report" | sed 's/^/   /' || true
        line=$(grep '^{' "$report" || true)
        other=$(sed -n 's/.*"other_cpu_pct":\([-0-9.]*\).*/\1/p' <<<"$line")
        if [[ -n "${MAX_OTHER_PCT:-}" && -n "$other" && "$attempt" -lt "$RETRIES" ]] \
            && awk -v o="$other" -v m="$MAX_OTHER_PCT" 'BEGIN { exit !(o > m) }'; then
          echo "   (other processes used ${other}% of a core, above MAX_OTHER_PCT=$MAX_OTHER_PCT: run set aside, repeating)"
          [[ -n "$line" ]] && echo "$line" >>"$OUT/set-aside.jsonl"
          mv "$report" "$OUT/$target-$n-$run-set-aside-$attempt.txt"
          sleep "$PAUSE_S"
          continue
        fi
        [[ -n "$line" ]] && echo "$line" >>"$OUT/results.jsonl"
        break
      done
      sleep "$PAUSE_S"
    done
  done
done

echo
echo "medians of $RUNS run(s), ${DURATION_S} s each (results in $OUT):"
[[ -f "$OUT/set-aside.jsonl" ]] && echo "($(wc -l <"$OUT/set-aside.jsonl") run(s) set aside for load from other processes: $OUT/set-aside.jsonl)"
java -cp "$BENCH_JAR" dev.podium.bench.BenchSummary "$OUT/results.jsonl" | tee "$OUT/summary.txt"
