#!/usr/bin/env bash
# Runs Podium on this machine as a cluster of separate JVMs, one per service instance, joined over
# 127.0.0.1. Failure drills (kill -9, SIGTERM, SIGSTOP, restarts) are Java tests in
# deploy/src/test, FailureDrillTest first (docs/operations.md, "Failures and recovery times").
#
#   deploy/local-cluster.sh start    start every instance at once, wait (at most START_TIMEOUT s)
#                                    until each one's /health/ready says ready, print the URLs
#   deploy/local-cluster.sh status   one line per instance: pid, alive/dead/stopped, ports,
#                                    readiness; exit 0 when all run, 1 when not, 3 when none recorded
#   deploy/local-cluster.sh stop     SIGTERM to every instance, SIGKILL after STOP_TIMEOUT s
#
# Build first (mvn -B -DskipTests package). start runs copies of the service jars, so a rebuild
# never changes a running cluster: stop and start again to run it.
#
# Environment, [default]:
#   PODIUM_JWT_SECRET   the secret every gateway gets; required unless PODIUM_DEV=true, which
#                       generates one, keeps it in LOCAL_CLUSTER_DIR/jwt-secret and gives it to
#                       every gateway (so a token from any gateway's /dev/token works on all)
#   PODIUM_CLUSTER_NAME [podium-local]
#   GATEWAY_PORTS       ["8000 8001"] one gateway per HTTP port
#   ROOM_SERVICES [2]  CHAT_SERVICES [1]  PRESENCE_SERVICES [1]  MEDIA_RELAYS [2]
#   HISTORY_SERVICES [1] (more than one needs one PostgreSQL for all: set PODIUM_DB_URL)
#   RECORDERS [1]       all of them write to PODIUM_RECORDINGS_DIR [LOCAL_CLUSTER_DIR/recordings]
#   PODIUM_DATA_DIR     [LOCAL_CLUSTER_DIR/data] without PODIUM_DB_URL, each history-service's
#                       embedded PostgreSQL keeps its data in <this>/<instance name>, across
#                       stop and start
#   OPS_PORT_BASE [9101]  CLUSTER_PORT_BASE [5701]   each instance's PODIUM_OPS_PORT and
#                       PODIUM_CLUSTER_PORT, counting up in start order (services, then gateways)
#   PODIUM_CLUSTER_EXPECTED_MEMBERS  [the number of instances] 0 turns the split check off
#   JAVA_OPTS           [-Xmx512m -XX:+ExitOnOutOfMemoryError] (the jars' manifests carry the
#                       flags Hazelcast needs)
#   JAVA_OPTS_<SERVICE> more options for one service's instances, after JAVA_OPTS: the service's
#                       name in capitals with _ for - (JAVA_OPTS_ROOM_SERVICE, JAVA_OPTS_GATEWAY)
#   START_TIMEOUT [180]  STOP_TIMEOUT [15]   seconds
#   LOCAL_CLUSTER_DIR   [deploy/target/local-cluster] jars, logs (<name>.log), pid files
# Every other PODIUM_* variable reaches every instance. Everything listens on 127.0.0.1 only.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
STATE=${LOCAL_CLUSTER_DIR:-$ROOT/deploy/target/local-cluster}
INSTANCES=$STATE/instances # one line per instance: name service cluster-port ops-port http-port|-
CLUSTER_NAME=${PODIUM_CLUSTER_NAME:-podium-local}
GATEWAY_PORTS=${GATEWAY_PORTS:-8000 8001}
OPS_PORT_BASE=${OPS_PORT_BASE:-9101}
CLUSTER_PORT_BASE=${CLUSTER_PORT_BASE:-5701}
JAVA_OPTS=${JAVA_OPTS:--Xmx512m -XX:+ExitOnOutOfMemoryError}
START_TIMEOUT=${START_TIMEOUT:-180}
STOP_TIMEOUT=${STOP_TIMEOUT:-15}
# Start order: the services, then the gateways (whose readiness needs them).
COUNTS=("history-service ${HISTORY_SERVICES:-1}" "recorder ${RECORDERS:-1}"
  "room-service ${ROOM_SERVICES:-2}" "chat-service ${CHAT_SERVICES:-1}"
  "presence-service ${PRESENCE_SERVICES:-1}" "media-relay ${MEDIA_RELAYS:-2}")

die() {
  printf 'local-cluster: %s\n' "$*" >&2
  exit 1
}

usage() { sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed -e '$d' -e 's/^# \{0,1\}//'; }

is_number() { [[ $1 =~ ^[0-9]+$ ]]; }

# True when something accepts TCP connections on 127.0.0.1:$1.
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

pid_file() { printf '%s/%s.pid' "$STATE" "$1"; }
log_file() { printf '%s/%s.log' "$STATE" "$1"; }
jar() { printf '%s/jars/podium-%s.jar' "$STATE" "$1"; }

# The pid recorded for instance $1, printed when that process still runs and is the instance
# (not a pid the system has since given to another process).
running_pid() {
  local pid
  pid=$(cat "$(pid_file "$1")" 2>/dev/null) || return 1
  kill -0 "$pid" 2>/dev/null || return 1
  tr '\0' '\n' <"/proc/$pid/cmdline" 2>/dev/null | grep -qx -- "-Dpodium.instance=$1" || return 1
  printf '%s' "$pid"
}

# Readiness of the instance whose ops port is $1: ready, not-ready, no-answer or http-<status>.
readiness() {
  local code
  code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "http://127.0.0.1:$1/health/ready" || true)
  case $code in
    200) echo ready ;;
    503) echo not-ready ;;
    000) echo no-answer ;;
    *) echo "http-$code" ;;
  esac
}

# Starts instance $1 (service $2, cluster port $3, ops port $4, HTTP port $5 or -) in a session of
# its own, so that it outlives this script and a Ctrl-C in its terminal, and records its pid.
launch() {
  local name=$1 service=$2 cport=$3 ops=$4 http=$5 ports i
  local -a opts env_args=(PODIUM_CLUSTER_NAME="$CLUSTER_NAME" PODIUM_CLUSTER_HOST=127.0.0.1
    PODIUM_CLUSTER_PORT="$cport" PODIUM_CLUSTER_MEMBERS="$MEMBERS"
    PODIUM_CLUSTER_EXPECTED_MEMBERS="$EXPECTED" PODIUM_OPS_PORT="$ops"
    PODIUM_OPS_HOST="${PODIUM_OPS_HOST:-127.0.0.1}")
  ports="cluster port $cport, ops port $ops"
  if [[ $service == history-service ]]; then
    env_args+=(PODIUM_DATA_DIR="${PODIUM_DATA_DIR:-$STATE/data}/$name")
  fi
  if [[ $service == recorder ]]; then
    # One folder for all recorders: one continues another's file after a failover.
    env_args+=(PODIUM_RECORDINGS_DIR="${PODIUM_RECORDINGS_DIR:-$STATE/recordings}")
  fi
  if [[ $service == gateway ]]; then
    env_args+=(PODIUM_HTTP_PORT="$http" PODIUM_HTTP_HOST="${PODIUM_HTTP_HOST:-127.0.0.1}"
      PODIUM_JWT_SECRET="$JWT_SECRET")
    if [[ $DEV == true ]]; then env_args+=(PODIUM_DEV=true); fi
    ports+=", HTTP port $http"
  else
    env_args=(-u PODIUM_HTTP_PORT -u PODIUM_JWT_SECRET "${env_args[@]}")
  fi
  # JAVA_OPTS, then the service's own (JAVA_OPTS_ROOM_SERVICE for room-service, and so on).
  local own_var="JAVA_OPTS_${service//-/_}"
  own_var=${own_var^^}
  read -r -a opts <<<"$JAVA_OPTS ${!own_var:-}"
  # The inner bash writes its own pid, then execs env, which execs java: the pid is the JVM's.
  # shellcheck disable=SC2016 # $$ and $@ belong to the inner bash
  setsid bash -c 'echo $$ >"$0"; exec "$@"' "$(pid_file "$name")" env "${env_args[@]}" \
    java "${opts[@]}" "-Dpodium.instance=$name" -jar "$(jar "$service")" \
    </dev/null >>"$(log_file "$name")" 2>&1 &
  for ((i = 0; i < 50; i++)); do
    if [[ -s $(pid_file "$name") ]]; then break; fi
    sleep 0.1
  done
  if ! running_pid "$name" >/dev/null; then
    echo "$name did not start; see $(log_file "$name")" >&2
    return 1
  fi
  echo "started $name ($ports)"
}

# The recorded instances whose process runs, one name a line.
running() {
  local name
  while read -r name _; do
    if running_pid "$name" >/dev/null; then echo "$name"; fi
  done <"$INSTANCES"
}

# Sends signal $1 to every running instance and waits up to $2 s until none runs; fails if some do.
signal_and_wait() {
  local name deadline=$((SECONDS + $2))
  for name in $(running); do kill "-$1" "$(running_pid "$name")" 2>/dev/null || true; done
  while [[ -n $(running) ]]; do
    ((SECONDS < deadline)) || return 1
    sleep 0.2
  done
}

# SIGTERM to every running instance, up to STOP_TIMEOUT s for their graceful shutdown, then
# SIGKILL to any left; forgets the pids of the ones that are gone.
stop_all() {
  local name result=0
  if ! signal_and_wait TERM "$STOP_TIMEOUT"; then
    echo "still running after ${STOP_TIMEOUT}s, so SIGKILL:" $(running)
    signal_and_wait KILL 5 || { echo "could not stop:" $(running); result=1; }
  fi
  while read -r name _; do
    if ! running_pid "$name" >/dev/null; then rm -f "$(pid_file "$name")"; fi
  done <"$INSTANCES"
  return "$result"
}

cmd_start() {
  command -v java >/dev/null || die "java (a JDK 17) is not on the PATH"
  command -v curl >/dev/null || die "curl is not installed"
  local line service n i name cport=$CLUSTER_PORT_BASE ops=$OPS_PORT_BASE port
  local -a plan=() busy=()
  for n in "$OPS_PORT_BASE" "$CLUSTER_PORT_BASE" "$START_TIMEOUT" "$STOP_TIMEOUT" $GATEWAY_PORTS \
    "${COUNTS[@]#* }"; do
    is_number "$n" || die "instance counts, ports and timeouts are whole numbers, got '$n'"
  done
  if [[ -f $INSTANCES ]]; then
    while read -r name _; do
      if running_pid "$name" >/dev/null; then die "$name is still running: stop first"; fi
    done <"$INSTANCES"
  fi

  if ((${HISTORY_SERVICES:-1} > 1)) && [[ -z ${PODIUM_DB_URL:-} ]]; then
    die "HISTORY_SERVICES=${HISTORY_SERVICES} needs PODIUM_DB_URL: each embedded PostgreSQL would hold a part of the record"
  fi

  DEV=false
  if [[ -n ${PODIUM_JWT_SECRET:-} ]]; then
    JWT_SECRET=$PODIUM_JWT_SECRET
  elif [[ ${PODIUM_DEV:-false} =~ ^(true|1|yes)$ ]]; then
    DEV=true
    mkdir -p "$STATE"
    if [[ ! -s $STATE/jwt-secret ]]; then
      (umask 077 && od -An -N32 -tx1 /dev/urandom | tr -d ' \n' >"$STATE/jwt-secret")
    fi
    JWT_SECRET=$(cat "$STATE/jwt-secret")
  else
    die "set PODIUM_JWT_SECRET (at least 16 characters), or PODIUM_DEV=true to generate one"
  fi

  # The plan: "name service cluster-port ops-port http-port|-", services first.
  for line in "${COUNTS[@]}"; do
    read -r service n <<<"$line"
    for ((i = 1; i <= n; i++)); do
      plan+=("$service-$i $service $cport $ops -")
      cport=$((cport + 1)) ops=$((ops + 1))
    done
  done
  i=1
  for port in $GATEWAY_PORTS; do
    plan+=("gateway-$i gateway $cport $ops $port")
    cport=$((cport + 1)) ops=$((ops + 1)) i=$((i + 1))
  done
  ((i > 1)) || die "GATEWAY_PORTS lists no port"

  for line in "${plan[@]}"; do
    read -r name service cport ops port <<<"$line"
    for n in "$cport" "$ops" "$port"; do
      if [[ $n != - ]] && port_open "$n"; then busy+=("$n ($name)"); fi
    done
  done
  ((${#busy[@]} == 0)) || die "ports in use: ${busy[*]}; choose others with GATEWAY_PORTS, OPS_PORT_BASE, CLUSTER_PORT_BASE"

  # The jars of the services the plan starts, and only those (a count of 0 needs no jar).
  local -a services=()
  mapfile -t services < <(printf '%s\n' "${plan[@]}" | awk '{ print $2 }' | sort -u)
  for service in "${services[@]}"; do
    [[ -f $ROOT/$service/target/podium-$service.jar ]] ||
      die "$service/target/podium-$service.jar is missing: build first (mvn -B -DskipTests package)"
  done
  mkdir -p "$STATE/jars"
  rm -f "$STATE"/*.pid "$STATE"/*.log
  for service in "${services[@]}"; do
    cp -f "$ROOT/$service/target/podium-$service.jar" "$(jar "$service")"
  done
  printf '%s\n' "${plan[@]}" >"$INSTANCES"

  # Every instance lists every Hazelcast port and expects every instance in the one cluster: until
  # they all are, /health/ready says "split suspected" (docs/operations.md, "Cluster formation").
  MEMBERS=$(awk '{ printf "%s127.0.0.1:%s", (NR > 1 ? "," : ""), $3 }' "$INSTANCES")
  EXPECTED=${PODIUM_CLUSTER_EXPECTED_MEMBERS:-${#plan[@]}}
  echo "cluster '$CLUSTER_NAME' of ${#plan[@]} instances; logs in $STATE"
  # All at once: ClusterFormationLongTest starts this layout ten times in a row.
  for line in "${plan[@]}"; do
    read -r name service cport ops port <<<"$line"
    if ! launch "$name" "$service" "$cport" "$ops" "$port"; then
      stop_all
      exit 1
    fi
  done

  echo "waiting (at most ${START_TIMEOUT}s) until every instance is ready..."
  local deadline=$((SECONDS + START_TIMEOUT)) left
  while :; do
    left=()
    for line in "${plan[@]}"; do
      read -r name _ _ ops _ <<<"$line"
      if ! running_pid "$name" >/dev/null; then
        tail -n 25 "$(log_file "$name")" >&2 || true
        echo "$name exited during start-up (its log: $(log_file "$name")); stopping the others"
        stop_all
        exit 1
      fi
      if [[ $(readiness "$ops") != ready ]]; then left+=("$name"); fi
    done
    ((${#left[@]} > 0)) || break
    if ((SECONDS >= deadline)); then
      echo "not ready after ${START_TIMEOUT}s: ${left[*]} (logs in $STATE); stopping every instance"
      stop_all
      exit 1
    fi
    sleep 1
  done

  echo
  cmd_status || true
  echo
  for line in "${plan[@]}"; do
    read -r name service _ _ port <<<"$line"
    if [[ $service == gateway ]]; then echo "$name: http://127.0.0.1:$port/  ws://127.0.0.1:$port/ws/..."; fi
  done
  if [[ $DEV == true ]]; then
    echo "dev tokens, good on every gateway: http://127.0.0.1:${GATEWAY_PORTS%% *}/dev/token?user_id=alice&username=Alice"
  fi
  echo "stop with: $0 stop"
}

cmd_stop() {
  if [[ ! -s $INSTANCES ]]; then
    echo "nothing recorded in $STATE"
    return 0
  fi
  echo "stopping (SIGTERM, SIGKILL after ${STOP_TIMEOUT}s)"
  stop_all || return 1
  echo "stopped"
}

cmd_status() {
  if [[ ! -s $INSTANCES ]]; then
    echo "no local cluster recorded in $STATE"
    return 3
  fi
  local name service cport ops http pid state ready result=0
  printf '%-20s %-8s %-8s %-6s %-6s %-8s %s\n' NAME PID STATE HTTP OPS CLUSTER READY
  while read -r name service cport ops http; do
    if pid=$(running_pid "$name"); then
      state=alive ready=$(readiness "$ops")
    elif [[ -e $(pid_file "$name") ]]; then
      state=dead pid=- ready=- result=1 # it exited, or was killed, without stop
    else
      state=stopped pid=- ready=- result=1
    fi
    printf '%-20s %-8s %-8s %-6s %-6s %-8s %s\n' "$name" "$pid" "$state" "$http" "$ops" "$cport" "$ready"
  done <"$INSTANCES"
  echo "OPS: the instance's PODIUM_OPS_PORT (/health/ready, /metrics); CLUSTER: its Hazelcast port. Logs: $STATE/<name>.log"
  return "$result"
}

case ${1:-} in
  start) cmd_start ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  -h | --help | help) usage ;;
  *)
    usage >&2
    exit 2
    ;;
esac
