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
#   ROOMS="1 10 50 100 250" NS=500 bench/run-bench.sh   # 500 listeners over R rooms, every host streaming
#   ROOMS="10 50 100 250" NS=0 bench/run-bench.sh       # R streaming rooms, nobody listening
#   COLD=1 NS=500 JOIN_RATE=500 WARMUP_S=0 bench/run-bench.sh   # every recorded run a fresh start
#   MODE=control TARGETS=podium EVENTS=50 JOIN_RATES="50 100 200" bench/run-bench.sh   # control plane
#
# Settings (environment): NS ("100 250 500 750 1000"), RUNS (3), TARGETS ("floor podium"),
# DURATION_S (20), WARMUP_S (2), RAMP_MS (5000), PACKET_MS (20), PAUSE_S (3, between runs),
# WARMUP_RUNS (1: after starting, each target serves this many unrecorded runs with the first N of
# NS, so that the recorded runs measure compiled code, not the JIT warming up),
# BENCH_JAR, PODIUM_JAR, GATEWAY_JAR (the jars to run; default: the ones the build made),
# PODIUM_JAVA (java: the java command for Podium's processes; the floor and the generator run on
# the default java), PODIUM_JAVA_OPTS ("-Xmx256m -XX:+ExitOnOutOfMemoryError", the options of the
# README's all-in-one command: JVM options for Podium's processes; "" runs them on the JVM's own
# defaults; e.g. add "-XX:AOTCache=deploy/target/podium.aot" on a JDK 25, see docs/operations.md),
# FLOOR_JAVA_OPTS (unset: JVM options for the floor, e.g. the same heap bound as Podium's),
# FLOOR_PORT (8100), PODIUM_PORT (8000), CLUSTER_PORT (5901, the all-in-one's Hazelcast port, then
# +1, +2, ... for the other gateways), OPS_PORT (9100: the ops port of the all-in-one, then
# +1, +2, ... for the other gateways), GATEWAYS (1; for the podium target, GATEWAYS - 1 more
# gateway JVMs join the all-in-one's cluster on PODIUM_PORT+1, +2, ...; the generator spreads the
# listeners over all of them; each run reports every gateway's event-bus media packets per mixer
# tick), QUIET_PCT (unset: before each run, wait until the
# machine's CPU use by other processes over 2 s is below this % of all cores), QUIET_WAIT_S (300,
# the most to wait for that), MAX_OTHER_PCT (unset: a run in which other processes used more than
# this % of one core is set aside in set-aside.jsonl and repeated, at most RETRIES (3) times; the
# last attempt is kept whatever it measured), GEN_ARGS (more generator options, e.g.
# "--listener-query codec=opus --subprotocol podium.v1"), OUT (results directory).
# ROOMS ("1": for each R, the listeners are spread over R events, every event's host streaming;
# N = 0 in NS measures streaming rooms nobody listens to), HEAP (1 when ROOMS is not "1", else 0:
# after each run's drain, the heap after a full GC of every server process, via jcmd),
# JOIN_RATE (unset: listeners join over RAMP_MS; set: at this many per second, ramp N/rate),
# COLD (unset: with COLD=1 the servers of a target are restarted before every recorded run, so
# every run is a fresh start, no warm-up run; without it, with WARMUP_RUNS=0, the first recorded
# run of each target is the cold one; the summary shows cold runs in rows of their own),
# MODE (stream: the default; control: the control-plane bench, see EVENTS, JOIN_RATES, STAY_MS,
# STAGE_PCT, CHAT_PCT), SERVER_CPUS / GEN_CPUS (unset: taskset -c lists for the servers and the generator),
# EXTERNAL_BASES / EXTERNAL_PIDS / EXTERNAL_SECRET / EXTERNAL_LABEL (target "external": a running
# cluster, not started here: its gateways' ws:// URLs, comma separated; its processes as
# "room-service=123 presence-service=456 gateway=789,790"; its PODIUM_JWT_SECRET).
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
ROOMS="${ROOMS:-1}"
if [[ "$ROOMS" == "1" ]]; then HEAP="${HEAP:-0}"; else HEAP="${HEAP:-1}"; fi
JOIN_RATE="${JOIN_RATE:-}"
COLD="${COLD:-0}"
MODE="${MODE:-stream}"
EVENTS="${EVENTS:-50}"
JOIN_RATES="${JOIN_RATES:-50 100 200}"
STAY_MS="${STAY_MS:-1000-5000}"
STAGE_PCT="${STAGE_PCT:-10}"
CHAT_PCT="${CHAT_PCT:-0}"
SERVER_CPUS="${SERVER_CPUS:-}"
GEN_CPUS="${GEN_CPUS:-}"
[[ "$MODE" == stream || "$MODE" == control ]] || { echo "MODE must be stream or control, got '$MODE'" >&2; exit 1; }
[[ "$COLD" == 0 || "$COLD" == 1 ]] || { echo "COLD must be 0 or 1, got '$COLD'" >&2; exit 1; }
(( COLD == 1 )) && WARMUP_RUNS=0
[[ " $TARGETS " == *" external "* && "$COLD" == 1 ]] && { echo "COLD=1 cannot restart an external target" >&2; exit 1; }
server_pin=(); [[ -n "$SERVER_CPUS" ]] && server_pin=(taskset -c "$SERVER_CPUS")
gen_pin=(); [[ -n "$GEN_CPUS" ]] && gen_pin=(taskset -c "$GEN_CPUS")
SECRET="bench-secret-$RANDOM-$RANDOM-0123456789abcdef"
BENCH_JAR="${BENCH_JAR:-bench/target/podium-bench.jar}"
PODIUM_JAR="${PODIUM_JAR:-deploy/target/podium.jar}"
GATEWAY_JAR="${GATEWAY_JAR:-gateway/target/podium-gateway.jar}"
CLUSTER_PORT="${CLUSTER_PORT:-5901}"
PODIUM_JAVA="${PODIUM_JAVA:-java}"
# Set but empty means "the JVM's defaults", so test for unset, not for empty.
PODIUM_JAVA_OPTS="${PODIUM_JAVA_OPTS--Xmx256m -XX:+ExitOnOutOfMemoryError}"
FLOOR_JAVA_OPTS="${FLOOR_JAVA_OPTS:-}"
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
# Run copies, so a concurrent build cannot swap a jar under a running JVM. They keep their times,
# which the JDK compares with an AOT cache's jar (Podium compares the SHA-256 as well).
cp -p "${run_jars[@]}" "$OUT/jars/"
BENCH_JAR="$OUT/jars/$(basename "$BENCH_JAR")"
PODIUM_JAR="$OUT/jars/$(basename "$PODIUM_JAR")"
GATEWAY_JAR="$OUT/jars/$(basename "$GATEWAY_JAR")"

gen_pid=""
declare -A base pids_of extra label served
# Stops the processes this script started for target $1 (TERM, then KILL after 10 s).
stop_target() {
  local pid
  [[ "$1" == external ]] && return 0
  for pid in ${pids_of[$1]//,/ }; do kill "$pid" 2>/dev/null || true; done
  for pid in ${pids_of[$1]//,/ }; do
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    kill -9 "$pid" 2>/dev/null || true
  done
  pids_of[$1]=""
}
stop() {
  local target
  # The generator first (timeout passes the TERM on to it), then the servers.
  [[ -n "$gen_pid" ]] && kill "$gen_pid" 2>/dev/null || true
  for target in "${!pids_of[@]}"; do stop_target "$target"; done
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

source bench/quiet.sh

{
  echo "date: $(date -u +%FT%TZ)"
  echo "commit: $(git rev-parse --short HEAD 2>/dev/null || echo unknown)" \
    "($(git status --short --untracked-files=no 2>/dev/null | wc -l) files changed since; jars as built)"
  echo "$jar_info"
  echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "nproc: $(nproc)"
  free -h
  java -version 2>&1
  [[ " $TARGETS " == *" floor "* ]] && echo "floor's java options: ${FLOOR_JAVA_OPTS:-(none)}"
  [[ $podium == true ]] && echo "podium's java: $PODIUM_JAVA $PODIUM_JAVA_OPTS" && "$PODIUM_JAVA" -version 2>&1
  echo "settings: MAX_OTHER_PCT='${MAX_OTHER_PCT:-}' QUIET_PCT='${QUIET_PCT:-}' NS='$NS' RUNS=$RUNS TARGETS='$TARGETS' GATEWAYS=$GATEWAYS DURATION_S=$DURATION_S WARMUP_S=$WARMUP_S WARMUP_RUNS=$WARMUP_RUNS RAMP_MS=$RAMP_MS PACKET_MS=$PACKET_MS GEN_ARGS='$GEN_ARGS'"
  echo "settings: MODE=$MODE ROOMS='$ROOMS' HEAP=$HEAP JOIN_RATE='$JOIN_RATE' COLD=$COLD EVENTS=$EVENTS JOIN_RATES='$JOIN_RATES' STAY_MS=$STAY_MS STAGE_PCT=$STAGE_PCT CHAT_PCT=$CHAT_PCT SERVER_CPUS='$SERVER_CPUS' GEN_CPUS='$GEN_CPUS' EXTERNAL_BASES='${EXTERNAL_BASES:-}' EXTERNAL_PIDS='${EXTERNAL_PIDS:-}'"
} | tee "$OUT/machine.txt"

# Starts target $1 (its logs get the suffix $2, so that a restarted server keeps the earlier logs)
# and waits until it is ready; sets base, pids_of, extra and label for it.
start_target() {
  local target=$1 suffix=$2 g
  case "$target" in
    floor)
      port_free "$FLOOR_PORT" || { echo "port $FLOOR_PORT is taken" >&2; exit 1; }
      "${server_pin[@]}" java $FLOOR_JAVA_OPTS -cp "$BENCH_JAR" dev.podium.bench.FloorServer "$FLOOR_PORT" >"$OUT/floor$suffix.log" 2>&1 &
      pids_of[floor]=$!; label[floor]=floor
      base[floor]="ws://127.0.0.1:$FLOOR_PORT"; extra[floor]=""
      wait_http "http://127.0.0.1:$FLOOR_PORT/" 30 || { echo "floor did not start; see $OUT/floor$suffix.log" >&2; exit 1; }
      ;;
    podium)
      for (( g = 0; g < GATEWAYS; g++ )); do
        port_free $(( PODIUM_PORT + g )) || { echo "port $(( PODIUM_PORT + g )) is taken" >&2; exit 1; }
        port_free $(( OPS_PORT + g )) || { echo "port $(( OPS_PORT + g )) is taken (OPS_PORT)" >&2; exit 1; }
      done
      # The generator is one address: lift the per-address edge limits (every other limit stays).
      export PODIUM_MAX_CONNECTIONS_PER_IP=1000000 PODIUM_JOIN_RATE_PER_SECOND=1000000 PODIUM_JOIN_BURST=1000000
      # The control plane's hosts send a stage message per co-host cycle: lift the per-user stage budget.
      [[ "$MODE" == control ]] && export PODIUM_RATE_STAGE_PER_MIN=100000 PODIUM_RATE_STAGE_BURST=100000
      PODIUM_JWT_SECRET="$SECRET" PODIUM_HTTP_PORT="$PODIUM_PORT" PODIUM_HTTP_HOST=127.0.0.1 \
        PODIUM_OPS_PORT="$OPS_PORT" PODIUM_OPS_HOST=127.0.0.1 \
        PODIUM_CLUSTER_HOST=127.0.0.1 PODIUM_CLUSTER_MEMBERS=127.0.0.1 PODIUM_CLUSTER_PORT=$CLUSTER_PORT \
        PODIUM_CLUSTER_NAME="podium-bench-$$" PODIUM_DATA_DIR="$OUT/podium-data$suffix" \
        "${server_pin[@]}" "$PODIUM_JAVA" $PODIUM_JAVA_OPTS -jar "$PODIUM_JAR" >"$OUT/podium$suffix.log" 2>&1 &
      pids_of[podium]=$!; names[podium]="all-in-one=$!"
      base[podium]="ws://127.0.0.1:$PODIUM_PORT"
      metrics="http://127.0.0.1:$OPS_PORT/metrics"
      wait_http "http://127.0.0.1:$OPS_PORT/health/ready" 90 || { echo "podium did not start; see $OUT/podium$suffix.log" >&2; exit 1; }
      # More gateways join the all-in-one's cluster (its Hazelcast port is the member they contact),
      # each on the next HTTP, ops and Hazelcast port.
      for (( g = 1; g < GATEWAYS; g++ )); do
        PODIUM_JWT_SECRET="$SECRET" PODIUM_HTTP_PORT=$(( PODIUM_PORT + g )) \
          PODIUM_OPS_PORT=$(( OPS_PORT + g )) PODIUM_OPS_HOST=127.0.0.1 \
          PODIUM_HTTP_HOST=127.0.0.1 PODIUM_CLUSTER_HOST=127.0.0.1 PODIUM_CLUSTER_MEMBERS="127.0.0.1:$CLUSTER_PORT" \
          PODIUM_CLUSTER_PORT=$(( CLUSTER_PORT + g )) PODIUM_CLUSTER_NAME="podium-bench-$$" \
          "${server_pin[@]}" "$PODIUM_JAVA" $PODIUM_JAVA_OPTS -jar "$GATEWAY_JAR" >"$OUT/gateway-$(( g + 1 ))$suffix.log" 2>&1 &
        pids_of[podium]+=",$!"; names[podium]+=" gateway-$(( g + 1 ))=$!"
        base[podium]+=",ws://127.0.0.1:$(( PODIUM_PORT + g ))"
        metrics+=",http://127.0.0.1:$(( OPS_PORT + g ))/metrics"
        wait_http "http://127.0.0.1:$(( OPS_PORT + g ))/health/ready" 90 \
          || { echo "gateway $(( g + 1 )) did not become ready; see $OUT/gateway-$(( g + 1 ))$suffix.log" >&2; exit 1; }
        echo "started gateway $(( g + 1 )) on port $(( PODIUM_PORT + g )) (pid $!)"
      done
      extra[podium]="--secret $SECRET --gateway-metrics $metrics"
      label[podium]=podium; (( GATEWAYS > 1 )) && label[podium]="podium-${GATEWAYS}gw"
      ;;
    external)
      [[ -n "${EXTERNAL_BASES:-}" ]] || { echo "target external needs EXTERNAL_BASES" >&2; exit 1; }
      base[external]="$EXTERNAL_BASES"; label[external]="${EXTERNAL_LABEL:-external}"
      extra[external]="${EXTERNAL_SECRET:+--secret $EXTERNAL_SECRET}"
      names[external]="${EXTERNAL_PIDS:-}"
      ext_pids=""
      for entry in ${EXTERNAL_PIDS:-}; do ext_pids+="${ext_pids:+,}${entry#*=}"; done
      ext_pids_of="$ext_pids"
      ;;
    *) echo "unknown target $target (floor, podium or external)" >&2; exit 1 ;;
  esac
  served[$target]=0
  [[ "$target" == external ]] || echo "started $target (pid ${pids_of[$target]//,/, })"
}

declare -A names
names[floor]=""
ext_pids_of=""
for target in $TARGETS; do
  # With COLD=1 every recorded run starts its servers itself.
  if (( COLD == 1 )); then pids_of[$target]=""; served[$target]=0; continue; fi
  start_target "$target" ""
  [[ "$target" == floor ]] && names[floor]="floor=${pids_of[floor]}"
done
# The pids a run accounts the server's CPU to (an external cluster's are not ours to stop).
server_pids() { if [[ "$1" == external ]]; then echo "$ext_pids_of"; else echo "${pids_of[$1]}"; fi; }

# The generator gives up on its own (watchdog); timeout is the outer bound.
budget=$(( 120 + RAMP_MS / 1000 + 2 * (WARMUP_S + DURATION_S) ))
(( HEAP == 1 )) && budget=$(( budget + 120 ))
# A freshly started JVM runs interpreted code for its first seconds under load (a run's first
# second measured 250-280 ms of p99 on both targets, the rest 15 ms): warm each target up first.
first_n=${NS%% *}
first_r=${ROOMS%% *}
[[ "$MODE" == control ]] && { first_n=${JOIN_RATES%% *}; NS="$JOIN_RATES"; first_r=1; ROOMS=1; }
# Runs the generator against target $1 with $2 listeners (in control mode: $2 visitors per second)
# in $4 rooms, its report to file $3, and returns its exit code. In the background and waited for,
# so that Ctrl-C (or a TERM) runs the traps at once rather than after the run (timeout puts the
# generator in a process group of its own). $5 is "--cold" for a target's first run since it started.
run_generator() {
  local target=$1 listeners=$2 report=$3 rooms=$4 cold=$5 rc=0 ramp pidargs=() entry
  if [[ "$MODE" == control ]]; then
    for entry in ${names[$target]}; do pidargs+=(--pid "$entry"); done
    local stage=$STAGE_PCT chat=$CHAT_PCT; [[ "$target" == floor ]] && stage=0 && chat=0   # the floor has neither stage nor chat
    # shellcheck disable=SC2086
    timeout $(( 180 + 2 * DURATION_S + EVENTS / 5 )) "${gen_pin[@]}" java -jar "$BENCH_JAR" --control \
      --base "${base[$target]}" --label "${label[$target]}" --events "$EVENTS" --join-rate "$listeners" \
      --duration-s "$DURATION_S" --stay-ms "$STAY_MS" --stage-pct "$stage" --chat-pct "$chat" "${pidargs[@]}" $cold --json \
      ${extra[$target]} $GEN_ARGS >"$report" 2>&1 &
  else
    ramp=(--ramp-ms "$RAMP_MS"); [[ -n "$JOIN_RATE" ]] && ramp=(--join-rate "$JOIN_RATE")
    (( HEAP == 1 )) && ramp+=(--heap-after-gc)
    # shellcheck disable=SC2086
    timeout $(( budget + rooms )) "${gen_pin[@]}" java -jar "$BENCH_JAR" --base "${base[$target]}" --label "${label[$target]}" \
      --listeners "$listeners" --rooms "$rooms" "${ramp[@]}" --duration-s "$DURATION_S" --warmup-s "$WARMUP_S" \
      --packet-ms "$PACKET_MS" --server-pid "$(server_pids "$target")" $cold --json ${extra[$target]} $GEN_ARGS \
      >"$report" 2>&1 &
  fi
  gen_pid=$!
  wait "$gen_pid" || rc=$?
  gen_pid=""
  served[$target]=$(( ${served[$target]} + 1 ))
  return "$rc"
}

for (( w = 1; w <= WARMUP_RUNS; w++ )); do
  for target in $TARGETS; do
    echo "== $target warm-up $w/$WARMUP_RUNS ($([[ $MODE == control ]] && echo "rate" || echo "N")=$first_n, R=$first_r, not recorded)"
    report="$OUT/$target-warmup-$w.txt"
    run_generator "$target" "$first_n" "$report" "$first_r" "" || echo "   (warm-up generator exit $?; see $report)"
    sleep "$PAUSE_S"
  done
done
restarts=0
for r in $ROOMS; do
for n in $NS; do
  for run in $(seq 1 "$RUNS"); do
    for target in $TARGETS; do
      for attempt in $(seq 0 "$RETRIES"); do
        what="N=$n"; [[ "$MODE" == control ]] && what="control rate=$n/s events=$EVENTS"
        [[ "$ROOMS" != 1 ]] && what+=" R=$r"
        if (( COLD == 1 )); then
          # Every recorded run on freshly started servers.
          restarts=$(( restarts + 1 ))
          stop_target "$target"
          start_target "$target" "-restart-$restarts"
          [[ "$target" == floor ]] && names[floor]="floor=${pids_of[floor]}"
        fi
        cold=""; (( ${served[$target]} == 0 )) && cold="--cold"
        echo "== $target $what run $run/$RUNS$( ((attempt > 0)) && echo " (attempt $((attempt + 1)))")${cold:+ (cold: first run since start)}"
        for pid in $(server_pids "$target" | tr , ' '); do
          kill -0 "$pid" 2>/dev/null || { echo "$target (pid $pid) died; see the logs in $OUT" >&2; exit 1; }
        done
        wait_quiet
        report="$OUT/$target-$n-$run.txt"
        [[ "$ROOMS" != 1 ]] && report="$OUT/$target-R$r-$n-$run.txt"
        [[ "$MODE" == control ]] && report="$OUT/$target-control-$n-$run.txt"
        gen_rc=0; run_generator "$target" "$n" "$report" "$r" "$cold" || gen_rc=$?
        (( gen_rc == 0 )) || echo "   (generator exit $gen_rc; see $report)"
        grep -v '^{' "$report" | sed 's/^/   /' || true
        line=$(grep '^{' "$report" || true)
        other=$(sed -n 's/.*"other_cpu_pct":\([-0-9.]*\).*/\1/p' <<<"$line")
        # A cold run is repeated only when COLD=1 restarts the servers first (else the repeat is warm).
        if [[ -n "${MAX_OTHER_PCT:-}" && -n "$other" && "$attempt" -lt "$RETRIES" && ( -z "$cold" || "$COLD" == 1 ) ]] \
            && awk -v o="$other" -v m="$MAX_OTHER_PCT" 'BEGIN { exit !(o > m) }'; then
          echo "   (other processes used ${other}% of a core, above MAX_OTHER_PCT=$MAX_OTHER_PCT: run set aside, repeating)"
          [[ -n "$line" ]] && echo "$line" >>"$OUT/set-aside.jsonl"
          mv "$report" "${report%.txt}-set-aside-$attempt.txt"
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
done

echo
echo "medians of $RUNS run(s), ${DURATION_S} s each (results in $OUT):"
[[ -f "$OUT/set-aside.jsonl" ]] && echo "($(wc -l <"$OUT/set-aside.jsonl") run(s) set aside for load from other processes: $OUT/set-aside.jsonl)"
java -cp "$BENCH_JAR" dev.podium.bench.BenchSummary "$OUT/results.jsonl" | tee "$OUT/summary.txt"
