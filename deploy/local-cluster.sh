#!/usr/bin/env bash
# Runs every Podium service as its own process on this machine, joined into one cluster over
# loopback: room, chat, presence, media relay and one gateway (more with GATEWAYS=2, on ports
# 8000, 8001, ...). Build first: mvn -B -DskipTests package. Ctrl-C stops them all.
set -euo pipefail
cd "$(dirname "$0")/.."
: "${PODIUM_JWT_SECRET:?set PODIUM_JWT_SECRET (or PODIUM_DEV=true is not enough here: every gateway must share one secret)}"
export PODIUM_CLUSTER_NAME="${PODIUM_CLUSTER_NAME:-podium-local}"
GATEWAYS="${GATEWAYS:-1}"
logs=deploy/target/local-cluster
mkdir -p "$logs"
pids=()
stop() { kill "${pids[@]}" 2>/dev/null || true; wait 2>/dev/null || true; }
trap stop EXIT INT TERM

start() { # name jar [env...]
  local name=$1 jar=$2; shift 2
  env "$@" java -jar "$jar" >"$logs/$name.log" 2>&1 &
  pids+=($!)
  echo "started $name (pid $!, log $logs/$name.log)"
}

start room-service room-service/target/podium-room-service.jar
start chat-service chat-service/target/podium-chat-service.jar
start presence-service presence-service/target/podium-presence-service.jar
start media-relay media-relay/target/podium-media-relay.jar
for ((i = 0; i < GATEWAYS; i++)); do
  start "gateway-$i" gateway/target/podium-gateway.jar PODIUM_HTTP_PORT=$((8000 + i))
done

for ((i = 0; i < GATEWAYS; i++)); do
  port=$((8000 + i))
  for _ in $(seq 1 60); do
    curl -sf "http://127.0.0.1:$port/health" >/dev/null && break
    sleep 1
  done
  curl -sf "http://127.0.0.1:$port/health" >/dev/null || { echo "gateway on $port did not come up; see $logs"; exit 1; }
  echo "gateway ready: http://127.0.0.1:$port"
done
echo "all services running; Ctrl-C stops them"
wait
