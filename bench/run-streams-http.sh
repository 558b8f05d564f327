#!/usr/bin/env bash
# GET /api/streams polled as hard as a client can: requests per second and the server's CPU per
# request, for one or more all-in-one jars, alternated ROUNDS times (docs/benchmarks.md, set BQ).
# Each run starts the jar on ports of its own, makes EVENTS live events with the generator (hosts
# streaming, nobody listening), waits SETTLE_S, polls with ApacheBench (keep-alive, CONCURRENCY
# connections) for WARM_S unrecorded and then DURATION_S recorded seconds, and stops everything.
#
# Needs `ab` (Debian: apt-get install apache2-utils). Builds nothing: run
# `mvn -B -DskipTests package` first.
#
#   bench/run-streams-http.sh                                  # deploy/target/podium.jar
#   ROUNDS=2 bench/run-streams-http.sh before.jar after.jar    # two builds, alternated
#
# Settings (environment): ROUNDS (2), EVENTS (100), CONCURRENCY (16), WARM_S (5), DURATION_S (10),
# SETTLE_S (12), PORT (8600), OPS_PORT (9600), CLUSTER_PORT (5960), BENCH_JAR, OUT (results
# directory). ab stops at 50,000 requests, so a fast server's run is shorter than DURATION_S.
set -euo pipefail
cd "$(dirname "$0")/.."

ROUNDS="${ROUNDS:-2}"
EVENTS="${EVENTS:-100}"
CONCURRENCY="${CONCURRENCY:-16}"
WARM_S="${WARM_S:-5}"
DURATION_S="${DURATION_S:-10}"
SETTLE_S="${SETTLE_S:-12}"
PORT="${PORT:-8600}"
OPS_PORT="${OPS_PORT:-9600}"
CLUSTER_PORT="${CLUSTER_PORT:-5960}"
BENCH_JAR="${BENCH_JAR:-bench/target/podium-bench.jar}"
OUT="${OUT:-bench/target/results/streams-http-$(date -u +%Y%m%dT%H%M%SZ)}"
SECRET="bench-secret-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')"
JARS=("$@")
[ ${#JARS[@]} -gt 0 ] || JARS=(deploy/target/podium.jar)

command -v ab >/dev/null || { echo "needs ab (apt-get install apache2-utils)" >&2; exit 1; }
mkdir -p "$OUT"
for j in "${JARS[@]}" "$BENCH_JAR"; do [ -f "$j" ] || { echo "missing $j" >&2; exit 1; }; done
{
  date -u; git rev-parse --short HEAD; nproc; uptime
  for j in "${JARS[@]}"; do sha256sum "$j"; done
} > "$OUT/machine.txt"

SERVER=""
GEN=""
cleanup() {
  [ -n "$GEN" ] && kill "$GEN" 2>/dev/null || true
  [ -n "$SERVER" ] && kill "$SERVER" 2>/dev/null && wait "$SERVER" 2>/dev/null || true
}
trap cleanup EXIT

# utime + stime of a process, in clock ticks.
ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
HZ=$(getconf CLK_TCK)

for round in $(seq "$ROUNDS"); do
  for jar in "${JARS[@]}"; do
    label=$(basename "$jar" .jar)
    PODIUM_JWT_SECRET="$SECRET" PODIUM_HTTP_PORT="$PORT" PODIUM_HTTP_HOST=127.0.0.1 \
      PODIUM_OPS_PORT="$OPS_PORT" PODIUM_CLUSTER_PORT="$CLUSTER_PORT" \
      PODIUM_CLUSTER_NAME="streams-http-$$" PODIUM_DATA_DIR="$OUT/podium-data-$label-$round" \
      java -Xmx256m -XX:+ExitOnOutOfMemoryError -jar "$jar" > "$OUT/$label-$round.log" 2>&1 &
    SERVER=$!
    for _ in $(seq 90); do
      curl -sf "http://127.0.0.1:$OPS_PORT/health/ready" > /dev/null && break
      sleep 1
    done
    java -jar "$BENCH_JAR" --base "ws://127.0.0.1:$PORT" --secret "$SECRET" --rooms "$EVENTS" \
      --listeners 0 --duration-s $((SETTLE_S + WARM_S + DURATION_S + 30)) --server-pid "$SERVER" \
      > "$OUT/$label-$round-generator.txt" 2>&1 &
    GEN=$!
    sleep "$SETTLE_S"
    url="http://127.0.0.1:$PORT/api/streams"
    ab -q -k -c "$CONCURRENCY" -t "$WARM_S" "$url" > /dev/null 2>&1 || true
    before=$(ticks "$SERVER")
    ab -q -k -c "$CONCURRENCY" -t "$DURATION_S" "$url" > "$OUT/$label-$round-ab.txt" 2>&1
    after=$(ticks "$SERVER")
    report="$OUT/$label-$round-ab.txt"
    n=$(awk '/^Complete requests/ {print $3}' "$report")
    rps=$(awk '/^Requests per second/ {print $4}' "$report")
    failed=$(awk '/^Failed requests/ {print $3}' "$report")
    non2xx=$(awk '/^Non-2xx responses/ {print $3}' "$report")
    p99=$(awk '$1 == "99%" {print $2}' "$report")
    cpu_ms=$(( (after - before) * 1000 / HZ ))
    per_request=$(awk -v c="$cpu_ms" -v n="$n" 'BEGIN { printf "%.1f", c * 1000 / n }')
    echo "$label round $round: $n requests, $rps per s, failed $failed, non-2xx ${non2xx:-0}," \
      "p99 $p99 ms, server CPU $cpu_ms ms, $per_request us per request" | tee -a "$OUT/summary.txt"
    kill "$GEN" 2>/dev/null || true
    GEN=""
    kill "$SERVER"
    wait "$SERVER" 2>/dev/null || true
    SERVER=""
  done
done
echo "results in $OUT"
