#!/usr/bin/env bash
# Makes an ahead-of-time cache for the all-in-one jar with a JDK 25 or later (JEP 483, 514, 515):
# the classes it loads and links, and the method profiles of a training run, so that a fresh
# process starts sooner and compiles its hot paths earlier. The first room after a start then
# costs less CPU (docs/benchmarks.md, set BA). Nothing changes for JDK 17, which has no such cache.
#
#   mvn -B -DskipTests package
#   JAVA=/usr/lib/jvm/temurin-25-jdk-amd64/bin/java deploy/aot-cache.sh
#   /usr/lib/jvm/temurin-25-jdk-amd64/bin/java -XX:AOTCache=deploy/target/podium.aot -jar deploy/target/podium.jar
#
# The training run is the all-in-one on loopback (its own ports, cluster name and a data folder
# that is deleted afterwards) driven by the bench's generator (bench/target/podium-bench.jar):
# listeners of PCM and of Opus joining streaming rooms, then the control plane's joins, leaves,
# stage actions and chat. Then SIGTERM: the JVM writes the cache as it exits.
#
# A cache fits one build of the jar and one JDK build: make it again after every build. Beside the
# cache goes the jar's SHA-256 (AOT_CACHE.sha256): a Podium process started with a cache whose
# SHA-256 is not its jar's refuses to start (exit code 2), because the JDK 25.0.3 we measured did
# not check that itself and ran the old build's classes from the cache (docs/operations.md).
#
# Environment, [default]:
#   JAVA          [java] a JDK 25 or later
#   PODIUM_JAR    [deploy/target/podium.jar]
#   BENCH_JAR     [bench/target/podium-bench.jar]
#   AOT_CACHE     [deploy/target/podium.aot] the cache to write (replaced)
#   TRAIN_S       [10] seconds of each training phase (streaming, then the control plane)
#   HTTP_PORT [8390]  OPS_PORT [9390]  CLUSTER_PORT [5990]   the training process's ports
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

JAVA=${JAVA:-java}
PODIUM_JAR=${PODIUM_JAR:-deploy/target/podium.jar}
BENCH_JAR=${BENCH_JAR:-bench/target/podium-bench.jar}
AOT_CACHE=${AOT_CACHE:-deploy/target/podium.aot}
TRAIN_S=${TRAIN_S:-10}
HTTP_PORT=${HTTP_PORT:-8390}
OPS_PORT=${OPS_PORT:-9390}
CLUSTER_PORT=${CLUSTER_PORT:-5990}

die() {
  printf 'aot-cache: %s\n' "$*" >&2
  exit 2
}

for value in "$TRAIN_S" "$HTTP_PORT" "$OPS_PORT" "$CLUSTER_PORT"; do
  [[ $value =~ ^[1-9][0-9]{0,4}$ ]] || die "TRAIN_S and the ports must be whole numbers from 1 to 99999, got '$value'"
done
(( TRAIN_S <= 600 )) || die "TRAIN_S is at most 600, got $TRAIN_S"
command -v "$JAVA" >/dev/null 2>&1 || die "no java at '$JAVA' (set JAVA to a JDK 25 or later)"
# "25.0.3" or "17.0.15" from the first line of java -version.
version=$("$JAVA" -version 2>&1 | sed -n '1s/.*version "\([0-9]*\).*/\1/p')
[[ $version =~ ^[0-9]+$ && $version -ge 25 ]] \
  || die "$JAVA is Java ${version:-unknown}; the AOT cache needs a JDK 25 or later (set JAVA)"
[[ -f $PODIUM_JAR ]] || die "missing $PODIUM_JAR: run 'mvn -B -DskipTests package' first"
[[ -f $BENCH_JAR ]] || die "missing $BENCH_JAR: run 'mvn -B -DskipTests package' first"
for port in "$HTTP_PORT" "$OPS_PORT" "$CLUSTER_PORT"; do
  ! ss -ltn "sport = :$port" | grep -q LISTEN || die "port $port is taken (set HTTP_PORT, OPS_PORT, CLUSTER_PORT)"
done

work=$(mktemp -d "${TMPDIR:-/tmp}/podium-aot.XXXXXX")
pid=""
cleanup() {
  [[ -n $pid ]] && kill -KILL "$pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
secret="aot-training-$RANDOM$RANDOM-0123456789abcdef0123456789"
mkdir -p "$(dirname "$AOT_CACHE")"
rm -f "$AOT_CACHE" "$AOT_CACHE.sha256"

echo "aot-cache: training $PODIUM_JAR on $("$JAVA" -version 2>&1 | head -1)"
started=$SECONDS
# The generator is one address: lift the per-address edge limits, as the bench does.
PODIUM_JWT_SECRET=$secret PODIUM_HTTP_HOST=127.0.0.1 PODIUM_HTTP_PORT=$HTTP_PORT \
  PODIUM_OPS_HOST=127.0.0.1 PODIUM_OPS_PORT=$OPS_PORT \
  PODIUM_CLUSTER_HOST=127.0.0.1 PODIUM_CLUSTER_MEMBERS=127.0.0.1 PODIUM_CLUSTER_PORT=$CLUSTER_PORT \
  PODIUM_CLUSTER_NAME="podium-aot-$$" PODIUM_DATA_DIR="$work/data" \
  PODIUM_MAX_CONNECTIONS_PER_IP=1000000 PODIUM_JOIN_RATE_PER_SECOND=1000000 PODIUM_JOIN_BURST=1000000 \
  PODIUM_RATE_STAGE_PER_MIN=100000 PODIUM_RATE_STAGE_BURST=100000 \
  "$JAVA" "-XX:AOTCacheOutput=$AOT_CACHE" -jar "$PODIUM_JAR" >"$work/podium.log" 2>&1 &
pid=$!
ready=false
for _ in $(seq 1 120); do
  kill -0 "$pid" 2>/dev/null || break
  curl -sf -o /dev/null "http://127.0.0.1:$OPS_PORT/health/ready" && ready=true && break
  sleep 1
done
if [[ $ready != true ]]; then
  tail -30 "$work/podium.log" >&2
  die "the training process did not become ready within 120 s (its log is above)"
fi

base="ws://127.0.0.1:$HTTP_PORT"
generate() { # what, then the generator's options
  local what=$1
  shift
  echo "aot-cache: $what"
  java -jar "$BENCH_JAR" --base "$base" --secret "$secret" --label training "$@" >"$work/generator.txt" 2>&1 \
    || { tail -20 "$work/generator.txt" >&2; die "the training generator failed ($what)"; }
}
generate "PCM listeners: 300 over 10 streaming rooms" \
  --listeners 300 --rooms 10 --join-rate 300 --duration-s "$TRAIN_S" --warmup-s 1
generate "Opus listeners: 100 over 5 streaming rooms" \
  --listeners 100 --rooms 5 --join-rate 200 --duration-s "$TRAIN_S" --warmup-s 1 \
  --listener-query codec=opus --subprotocol podium.v1
generate "control plane: joins, leaves, stage actions and chat over 20 events" \
  --control --events 20 --join-rate 100 --duration-s "$TRAIN_S" --stage-pct 10 --chat-pct 20

# The JVM records until it exits, then starts a second JVM that writes the cache.
kill -TERM "$pid"
for _ in $(seq 1 180); do
  kill -0 "$pid" 2>/dev/null || break
  sleep 1
done
if kill -0 "$pid" 2>/dev/null; then
  die "the training process did not exit within 180 s of SIGTERM"
fi
wait "$pid" || true
pid=""
if [[ ! -s $AOT_CACHE ]]; then
  tail -30 "$work/podium.log" >&2
  die "no cache was written (the training process's log is above)"
fi
sha256sum "$PODIUM_JAR" >"$AOT_CACHE.sha256"
echo "aot-cache: wrote $AOT_CACHE ($(( $(stat -c %s "$AOT_CACHE") / 1048576 )) MiB) in $(( SECONDS - started )) s"
echo "aot-cache: run with: $JAVA -XX:AOTCache=$AOT_CACHE -jar $PODIUM_JAR"
