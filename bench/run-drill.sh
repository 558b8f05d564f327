#!/usr/bin/env bash
# The ownership drill (issue 12), RUNS times: each run starts a fresh local cluster of separate
# JVMs with deploy/local-cluster.sh (3 room-services, 3 presence-services, 1 chat-service, 1 media
# relay, 2 gateways), runs the generator's --ownership-drill against it once (docs/benchmarks.md,
# "The ownership drill"), and stops the cluster, whatever happened. Then it prints the medians.
#
# Builds nothing: run `mvn -B -DskipTests package` first.
#
#   bench/run-drill.sh                       # 3 runs, 300 events
#   RUNS=1 EVENTS=60 bench/run-drill.sh      # one quick run
#
# Settings (environment): RUNS (3), EVENTS (300), KILL_INSTANCE (1: the drill kills the K-th
# room-service and presence-service in start order; the first started is usually Hazelcast's
# master, so 1 also kills the master, 2 leaves it), FREEZE_MS (15000: the SIGSTOP), HOST_GRACE_MS
# (12000: the cluster's PODIUM_HOST_GRACE_MS, shorter than the freeze), GATEWAY_PORTS ("8401
# 8402"), OPS_PORT_BASE (9401), CLUSTER_PORT_BASE (6401) (ports of its own: a developer's
# local-cluster.sh uses 8000/9101/5701, run-bench.sh 8000/9100/5901, the deploy tests 20000-32000),
# JAVA_OPTS ("-Xmx256m -XX:+ExitOnOutOfMemoryError", for each of the ten JVMs; JAVA_OPTS_ROOM_SERVICE
# and the like add to one service's, as in local-cluster.sh), START_TIMEOUT
# (240 s for the cluster to be ready), SETTLE_S (20: after it is ready, before the drill), PAUSE_S
# (5, between runs), QUIET_PCT (unset: before each run's cluster starts, wait until the machine's
# CPU use over 2 s is below this % of all cores), QUIET_WAIT_S (300, the most to wait for that),
# GEN_ARGS (more generator options), BENCH_JAR, OUT (results directory). Each run's cluster logs
# stay in OUT/run-N/cluster. On a machine others run multi-JVM tests on, run it under their lock:
# flock /tmp/podium-deploy-tests.lock bench/run-drill.sh
# Exit status: 0 when every run met every target, 4 when a run missed one, 1 when a run could not
# be made (the cluster did not start, the generator failed).
set -euo pipefail
cd "$(dirname "$0")/.."

RUNS="${RUNS:-3}"
EVENTS="${EVENTS:-300}"
FREEZE_MS="${FREEZE_MS:-15000}"
KILL_INSTANCE="${KILL_INSTANCE:-1}"
HOST_GRACE_MS="${HOST_GRACE_MS:-12000}"
GATEWAY_PORTS="${GATEWAY_PORTS:-8401 8402}"
OPS_PORT_BASE="${OPS_PORT_BASE:-9401}"
CLUSTER_PORT_BASE="${CLUSTER_PORT_BASE:-6401}"
JAVA_OPTS="${JAVA_OPTS:--Xmx256m -XX:+ExitOnOutOfMemoryError}"
START_TIMEOUT="${START_TIMEOUT:-240}"
PAUSE_S="${PAUSE_S:-5}"
SETTLE_S="${SETTLE_S:-20}"
GEN_ARGS="${GEN_ARGS:-}"
BENCH_JAR="${BENCH_JAR:-bench/target/podium-bench.jar}"
OUT="${OUT:-bench/target/results/drill-$(date -u +%Y%m%dT%H%M%SZ)}"
for n in "$RUNS" "$EVENTS" "$FREEZE_MS" "$HOST_GRACE_MS" "$PAUSE_S" "$SETTLE_S" "$KILL_INSTANCE"; do
  [[ "$n" =~ ^[0-9]+$ ]] || { echo "RUNS, EVENTS, FREEZE_MS, HOST_GRACE_MS, PAUSE_S, SETTLE_S and KILL_INSTANCE are whole numbers, got '$n'" >&2; exit 1; }
done
(( HOST_GRACE_MS < FREEZE_MS )) || { echo "HOST_GRACE_MS must be shorter than FREEZE_MS" >&2; exit 1; }
[[ -f "$BENCH_JAR" ]] || { echo "missing $BENCH_JAR: run 'mvn -B -DskipTests package' first" >&2; exit 1; }
OUT=$(mkdir -p "$OUT" && cd "$OUT" && pwd)
mkdir -p "$OUT/jars"
cp "$BENCH_JAR" "$OUT/jars/podium-bench.jar" # a copy: a concurrent build cannot swap it mid-run
BENCH_JAR="$OUT/jars/podium-bench.jar"
SECRET="drill-secret-$RANDOM-$RANDOM-0123456789abcdef"
bases=""
for port in $GATEWAY_PORTS; do bases+="${bases:+,}ws://127.0.0.1:$port"; done

# What every instance of the cluster gets (local-cluster.sh passes every PODIUM_* on). The drill
# is one address: the per-address connection and join limits are lifted, and the per-user stage
# budget, since an invitee retries accept_cohost every 250 ms while its event moves.
export PODIUM_JWT_SECRET="$SECRET" PODIUM_HOST_GRACE_MS="$HOST_GRACE_MS" \
  PODIUM_MAX_CONNECTIONS_PER_IP=1000000 PODIUM_JOIN_RATE_PER_SECOND=1000000 PODIUM_JOIN_BURST=1000000 \
  PODIUM_RATE_STAGE_PER_MIN=100000 PODIUM_RATE_STAGE_BURST=100000
# No history-service or recorder: the drill is about room and presence ownership, and on two cores
# two more JVMs (one with an embedded PostgreSQL) would only add to the load it recovers under; the
# ten JVMs are the layout of every drill set in docs/benchmarks.md.
export ROOM_SERVICES=3 PRESENCE_SERVICES=3 CHAT_SERVICES=1 MEDIA_RELAYS=1 HISTORY_SERVICES=0 RECORDERS=0 \
  GATEWAY_PORTS OPS_PORT_BASE CLUSTER_PORT_BASE JAVA_OPTS START_TIMEOUT

cluster_dir=""
# Stops the current run's cluster: SIGCONT first (a drill that died mid-freeze leaves one stopped,
# and a stopped JVM cannot shut down cleanly), then local-cluster.sh stop.
stop_cluster() {
  [[ -n "$cluster_dir" ]] || return 0
  local f
  for f in "$cluster_dir"/*.pid; do
    [[ -e "$f" ]] && kill -CONT "$(cat "$f")" 2>/dev/null || true
  done
  LOCAL_CLUSTER_DIR="$cluster_dir" deploy/local-cluster.sh stop || true
  rm -rf "$cluster_dir/jars" # copies of the service jars; the logs stay
  cluster_dir=""
}
trap stop_cluster EXIT
trap 'exit 130' INT TERM

{
  echo "date: $(date -u +%FT%TZ)"
  echo "commit: $(git rev-parse --short HEAD 2>/dev/null || echo unknown)" \
    "($(git status --short --untracked-files=no 2>/dev/null | wc -l) files changed since; jars as built)"
  echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "nproc: $(nproc)"
  free -h
  java -version 2>&1
  echo "settings: RUNS=$RUNS EVENTS=$EVENTS FREEZE_MS=$FREEZE_MS HOST_GRACE_MS=$HOST_GRACE_MS KILL_INSTANCE=$KILL_INSTANCE GATEWAY_PORTS='$GATEWAY_PORTS'" \
    "OPS_PORT_BASE=$OPS_PORT_BASE CLUSTER_PORT_BASE=$CLUSTER_PORT_BASE JAVA_OPTS='$JAVA_OPTS' QUIET_PCT='${QUIET_PCT:-}'" \
    "GEN_ARGS='$GEN_ARGS'"
  # A service's own JVM options (local-cluster.sh's JAVA_OPTS_<SERVICE>), when any are set.
  env | grep '^JAVA_OPTS_' | sed 's/^/service options: /' || true
} | tee "$OUT/machine.txt"

source bench/quiet.sh

# Runs that kill other instances than the first (usually Hazelcast's master) are summarised apart.
label="drill-3x3x2"
(( KILL_INSTANCE == 1 )) || label="drill-3x3x2-kill$KILL_INSTANCE"

status=0
for run in $(seq 1 "$RUNS"); do
  wait_quiet
  echo "== drill run $run/$RUNS: starting the cluster (a minute or two; load average $(cut -d' ' -f1 /proc/loadavg))"
  dir="$OUT/run-$run"
  mkdir -p "$dir"
  cluster_dir="$dir/cluster"
  if ! LOCAL_CLUSTER_DIR="$cluster_dir" PODIUM_CLUSTER_NAME="podium-drill-$$-$run" \
      deploy/local-cluster.sh start >"$dir/start.log" 2>&1; then
    tail -n 20 "$dir/start.log" | sed 's/^/   /'
    echo "   the cluster did not start; see $dir/start.log"
    stop_cluster
    status=1
    continue
  fi
  # Ready is not yet quiet: ten JVMs that just started still compile and migrate partitions.
  sleep "$SETTLE_S"
  echo "   cluster ready (load average $(cut -d' ' -f1 /proc/loadavg)); the drill runs (E=$EVENTS)"
  gen_rc=0
  # shellcheck disable=SC2086 # GEN_ARGS is a list of options
  java -jar "$BENCH_JAR" --ownership-drill --cluster-dir "$cluster_dir" --base "$bases" --secret "$SECRET" \
    --events "$EVENTS" --freeze-ms "$FREEZE_MS" --host-grace-ms "$HOST_GRACE_MS" --kill-instance "$KILL_INSTANCE" \
    --label "$label" --json \
    $GEN_ARGS >"$dir/report.txt" 2>"$dir/generator.err" || gen_rc=$?
  grep -v '^{' "$dir/report.txt" | sed 's/^/   /' || true
  sed 's/^/   /' "$dir/generator.err" || true
  line=$(grep '^{' "$dir/report.txt" || true)
  if [[ -n "$line" ]]; then
    echo "$line" >>"$OUT/results.jsonl"
  fi
  if (( gen_rc == 4 )); then
    (( status == 1 )) || status=4
  elif (( gen_rc != 0 )) || [[ -z "$line" ]]; then
    echo "   (generator exit $gen_rc; see $dir)"
    status=1
  fi
  stop_cluster
  (( run == RUNS )) || sleep "$PAUSE_S"
done

echo
if [[ -f "$OUT/results.jsonl" ]]; then
  echo "medians of $(wc -l <"$OUT/results.jsonl") run(s) (results in $OUT):"
  java -cp "$BENCH_JAR" dev.podium.bench.BenchSummary "$OUT/results.jsonl" | tee "$OUT/summary.txt"
else
  echo "no run completed (results in $OUT)"
fi
exit "$status"
