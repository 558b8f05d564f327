#!/usr/bin/env bash
# Runs Podium as a cluster of separate JVMs on this machine, joined over loopback.
#
#   deploy/local-cluster.sh start           2 gateways, 2 room-services, 1 chat-service,
#                                           1 presence-service and 2 media-relays; waits (bounded)
#                                           until every gateway is healthy, prints the URLs
#   deploy/local-cluster.sh status          each recorded process: pid, alive/dead/stopped, its port,
#                                           its Hazelcast port, its health (exit 0 when all are
#                                           alive, 1 otherwise, 3 when nothing is recorded)
#   deploy/local-cluster.sh stop            SIGTERM to every process, up to STOP_TIMEOUT s, then SIGKILL
#   deploy/local-cluster.sh start-one WHAT  start one process. WHAT is an instance (room-service-2:
#                                           restarted on its own ports) or a service (room-service:
#                                           its first instance that is not running, or a new
#                                           instance when all of them run)
#   deploy/local-cluster.sh kill-one WHAT   kill -9 one process (an instance, or a service's first
#                                           running instance), for failure drills
#   deploy/local-cluster.sh stop-one WHAT   SIGTERM one process, SIGKILL after STOP_TIMEOUT s
#
# Build first: mvn -B -DskipTests package. `start` copies the five service jars into the state
# directory and every process (start-one too) runs those copies, so rebuilding never changes a
# running cluster under it; stop and start again to run a new build.
#
# Environment:
#   PODIUM_JWT_SECRET    the gateways' shared secret; required unless
#   PODIUM_DEV=true      which, without a secret, generates one once, keeps it in the state
#                        directory (jwt-secret) and gives it to every gateway, so that a token from
#                        one gateway's /dev/token is accepted by all of them
#   PODIUM_CLUSTER_NAME  default podium-local
#   GATEWAY_PORTS        default "8000 8001": one gateway per port
#   ROOM_SERVICES=2 CHAT_SERVICES=1 PRESENCE_SERVICES=1 MEDIA_RELAYS=2   instances of each
#   OPS_PORT_BASE        default 9101: every process (gateways too) gets PODIUM_OPS_PORT 9101, 9102, ...
#   CLUSTER_PORT_BASE    default 5701: every process gets its own PODIUM_CLUSTER_PORT from here on
#   LOCAL_CLUSTER_DIR    state directory (logs, pid files, jars), default deploy/target/local-cluster
#   JAVA_OPTS            default "-Xmx512m -XX:+ExitOnOutOfMemoryError" (Hazelcast's --add-opens
#                        flags are always added)
#   START_TIMEOUT=180 STOP_TIMEOUT=15  seconds (nine JVMs on a loaded 2-core machine: up to ~150 s)
#   PODIUM_CLUSTER_EXPECTED_MEMBERS  default: the number of recorded instances, so that a process
#                        is ready only in one cluster with all of them (after kill-one or stop-one
#                        the others say "split suspected: ... 8 of the 9 expected members" until
#                        the instance is back); 0 turns the check off
# Everything listens on 127.0.0.1 only: Hazelcast (hazelcast.socket.bind.any=false), the gateways
# (PODIUM_HTTP_HOST, unless set) and the ops endpoints (PODIUM_OPS_HOST, unless set).
# Every other PODIUM_* variable (PODIUM_LOG_JSON, PODIUM_CONFIG_FILE, ...) reaches every process.
# With PODIUM_CLUSTER_CONFIG=deploy/hazelcast/cluster-local.xml Hazelcast takes its ports and
# members from that file instead of PODIUM_CLUSTER_PORT/PODIUM_CLUSTER_MEMBERS.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
STATE=${LOCAL_CLUSTER_DIR:-$ROOT/deploy/target/local-cluster}
INSTANCES=$STATE/instances
GATEWAY_PORTS=${GATEWAY_PORTS:-8000 8001}
ROOM_SERVICES=${ROOM_SERVICES:-2}
CHAT_SERVICES=${CHAT_SERVICES:-1}
PRESENCE_SERVICES=${PRESENCE_SERVICES:-1}
MEDIA_RELAYS=${MEDIA_RELAYS:-2}
OPS_PORT_BASE=${OPS_PORT_BASE:-9101}
CLUSTER_PORT_BASE=${CLUSTER_PORT_BASE:-5701}
START_TIMEOUT=${START_TIMEOUT:-180}
STOP_TIMEOUT=${STOP_TIMEOUT:-15}
CLUSTER_NAME=${PODIUM_CLUSTER_NAME:-podium-local}
JAVA_OPTS=${JAVA_OPTS:--Xmx512m -XX:+ExitOnOutOfMemoryError}
# What Hazelcast needs on JDK 17: podium.addOpens of the parent pom (the jar manifests carry it too).
ADD_OPENS=(--add-modules java.se --add-exports java.base/jdk.internal.ref=ALL-UNNAMED
  --add-opens java.base/java.lang=ALL-UNNAMED --add-opens java.base/sun.nio.ch=ALL-UNNAMED
  --add-opens java.management/sun.management=ALL-UNNAMED
  --add-opens jdk.management/com.sun.management.internal=ALL-UNNAMED)
SERVICES=(gateway room-service chat-service presence-service media-relay)
# Hazelcast ports listed as members: those handed out so far, plus this many for later instances.
SPARE_CLUSTER_PORTS=8
# A service whose ops port never answers is taken as up this long after it logged "<service> started".
OPS_GRACE=5

say() { printf '%s\n' "$*"; }
die() {
  printf 'local-cluster: %s\n' "$*" >&2
  exit 1
}

usage() { sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed -e '$d' -e 's/^# \{0,1\}//'; }

is_number() { [[ $1 =~ ^[0-9]+$ ]]; }

is_service() {
  local s
  for s in "${SERVICES[@]}"; do
    [[ $1 == "$s" ]] && return 0
  done
  return 1
}

# True when something accepts TCP connections on 127.0.0.1:$1.
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

source_jar() { printf '%s/%s/target/podium-%s.jar' "$ROOT" "$1" "$1"; }
run_jar() { printf '%s/jars/podium-%s.jar' "$STATE" "$1"; }

snapshot_jars() {
  local s
  for s in "${SERVICES[@]}"; do
    [[ -f $(source_jar "$s") ]] || die "$(source_jar "$s") is missing: build first (mvn -B -DskipTests package)"
  done
  mkdir -p "$STATE/jars"
  for s in "${SERVICES[@]}"; do
    cp -f "$(source_jar "$s")" "$(run_jar "$s").tmp"
    mv -f "$(run_jar "$s").tmp" "$(run_jar "$s")"
  done
}

# --- instance records ----------------------------------------------------------------------------
# $STATE/instances has one line per process: "name service port cluster-port ops-port", where port
# is the gateway's HTTP port or another service's PODIUM_OPS_PORT, and ops-port is the process's
# PODIUM_OPS_PORT (missing for a gateway recorded before gateways had one).

records() {
  if [[ -f $INSTANCES ]]; then cat "$INSTANCES"; fi
}

# Sets R_SERVICE, R_PORT, R_CPORT and R_OPS (empty when unknown) for instance $1; fails when it
# is not recorded.
lookup() {
  local name service port cport
  while read -r name service port cport ops; do
    if [[ $name == "$1" ]]; then
      R_SERVICE=$service R_PORT=$port R_CPORT=$cport R_OPS=${ops:-}
      if [[ $service != gateway ]]; then R_OPS=$port; fi
      return 0
    fi
  done < <(records)
  return 1
}

pid_file() { printf '%s/%s.pid' "$STATE" "$1"; }
log_file() { printf '%s/%s.log' "$STATE" "$1"; }

recorded_pid() {
  local f
  f=$(pid_file "$1")
  if [[ -s $f ]]; then cat "$f"; fi
}

# True when instance $1's recorded pid runs and is that instance (not a recycled pid, not a zombie).
alive() {
  local pid
  pid=$(recorded_pid "$1")
  is_number "${pid:-x}" || return 1
  kill -0 "$pid" 2>/dev/null || return 1
  if [[ -d /proc/$pid ]]; then
    local args
    args=$(tr '\0' '\n' 2>/dev/null <"/proc/$pid/cmdline") || return 1
    [[ $'\n'$args$'\n' == *$'\n'"-Dpodium.instance=$1"$'\n'* ]] || return 1
  fi
  return 0
}

any_alive() {
  local name
  for name in "$@"; do
    alive "$name" && return 0
  done
  return 1
}

# The Hazelcast members every process contacts: the recorded cluster ports, plus spares.
cluster_members() {
  local min=-1 max=0 p out=""
  while read -r _ _ _ p _; do
    if ((min < 0 || p < min)); then min=$p; fi
    if ((p > max)); then max=$p; fi
  done < <(records)
  for ((p = min; p <= max + SPARE_CLUSTER_PORTS; p++)); do
    out+="${out:+,}127.0.0.1:$p"
  done
  printf '%s' "$out"
}

# The first port from $1 on that no record holds in column $2 (3: port, 4: cluster port) and
# nothing listens on.
next_port() {
  local p=$1
  while awk -v c="$2" -v p="$p" '$c == p { found = 1 } END { exit !found }' "$INSTANCES" || port_open "$p"; do
    p=$((p + 1))
  done
  printf '%s' "$p"
}

# --- the JWT secret ------------------------------------------------------------------------------

fingerprint() { printf '%s' "$1" | sha256sum | cut -d' ' -f1; }

# Sets JWT_SECRET and DEV_MODE for gateways: PODIUM_JWT_SECRET, or in dev mode the secret kept in
# the state directory (generated the first time). With "check" (start-one), a cluster started
# with the kept dev secret goes on using it, and a secret other than the one the cluster was
# started with is refused: tokens would work on some gateways only.
resolve_secret() {
  local mode=${1:-} kept=$STATE/jwt-secret print=$STATE/jwt-secret.sha256 marker=$STATE/dev-secret-in-use
  DEV_MODE=false
  if [[ ${PODIUM_DEV:-false} =~ ^(true|1|yes)$ ]]; then DEV_MODE=true; fi
  if [[ -n ${PODIUM_JWT_SECRET:-} ]]; then
    JWT_SECRET=$PODIUM_JWT_SECRET
    if [[ $mode != check ]]; then rm -f "$marker"; fi
  elif [[ $DEV_MODE == true || ($mode == check && -f $marker && -s $kept) ]]; then
    if [[ ! -s $kept ]]; then
      (umask 077 && od -An -N32 -tx1 /dev/urandom | tr -d ' \n' >"$kept")
      say "dev mode: generated a JWT secret for every gateway, kept in $kept"
    fi
    JWT_SECRET=$(cat "$kept")
    DEV_MODE=true
    if [[ $mode != check ]]; then touch "$marker"; fi
  else
    die "set PODIUM_JWT_SECRET (at least 16 characters, the same for every gateway), or PODIUM_DEV=true to generate one"
  fi
  if [[ $mode == check && -s $print && $(cat "$print") != "$(fingerprint "$JWT_SECRET")" ]]; then
    die "this JWT secret is not the one the cluster was started with: tokens would not work on every gateway"
  fi
  fingerprint "$JWT_SECRET" >"$print"
}

# --- processes -----------------------------------------------------------------------------------

# Starts recorded instance $1 in a session of its own, appending to its log; records its pid.
launch() {
  local name=$1 pidf log members expected i
  local -a java_opts env_args
  lookup "$name" || die "no instance named $name"
  pidf=$(pid_file "$name")
  log=$(log_file "$name")
  read -r -a java_opts <<<"$JAVA_OPTS"
  members=$(cluster_members)
  # Every recorded instance is expected in the one cluster: until they all are, a process reports
  # "split suspected" in /health/ready (docs/operations.md, "Cluster formation").
  expected=${PODIUM_CLUSTER_EXPECTED_MEMBERS:-$(records | wc -l)}
  env_args=(PODIUM_CLUSTER_NAME="$CLUSTER_NAME" PODIUM_CLUSTER_HOST=127.0.0.1
    PODIUM_CLUSTER_PORT="$R_CPORT" PODIUM_CLUSTER_MEMBERS="$members"
    PODIUM_CLUSTER_EXPECTED_MEMBERS="$expected")
  if [[ $R_SERVICE == gateway ]]; then
    env_args=("${env_args[@]}" PODIUM_HTTP_PORT="$R_PORT" PODIUM_JWT_SECRET="$JWT_SECRET"
      PODIUM_HTTP_HOST="${PODIUM_HTTP_HOST:-127.0.0.1}" PODIUM_OPS_PORT="${R_OPS:-0}"
      PODIUM_OPS_HOST="${PODIUM_OPS_HOST:-127.0.0.1}")
    if [[ $DEV_MODE == true ]]; then env_args+=(PODIUM_DEV=true); fi
  else
    env_args=(-u PODIUM_HTTP_PORT -u PODIUM_JWT_SECRET "${env_args[@]}" PODIUM_OPS_PORT="$R_PORT"
      PODIUM_OPS_HOST="${PODIUM_OPS_HOST:-127.0.0.1}")
  fi
  rm -f "$pidf"
  printf '=== %s: starting %s (port %s, cluster port %s)\n' "$(date -Is)" "$name" "$R_PORT" "$R_CPORT" >>"$log"
  # setsid: the JVM outlives this script and a Ctrl-C in its terminal. The wrapper writes its own
  # pid, then execs env, which execs java: the pid recorded is the JVM's. Fd 9 (the lock) stays here.
  # shellcheck disable=SC2016 # $$ and $@ belong to the inner bash
  setsid bash -c 'echo $$ >"$0"; exec "$@"' "$pidf" \
    env "${env_args[@]}" java "${ADD_OPENS[@]}" -Dhazelcast.socket.bind.any=false "${java_opts[@]}" \
    "-Dpodium.instance=$name" \
    -jar "$(run_jar "$R_SERVICE")" </dev/null >>"$log" 2>&1 9>&- &
  for ((i = 0; i < 50; i++)); do
    [[ -s $pidf ]] && break
    sleep 0.1
  done
  [[ -s $pidf ]] || die "$name did not start; see $log"
  say "started $name (pid $(cat "$pidf"), port $R_PORT, cluster port $R_CPORT)"
}

# HTTP status of a GET on 127.0.0.1 (000 when nothing answers within 2 s).
http_code() { curl -s -o /dev/null -w '%{http_code}' --max-time 2 "http://127.0.0.1:$1$2" || true; }

# Health of running instance $1 from GET /health/ready on its ops port: ready, not-ready, n/a (a
# service whose ops port has no such route), up/down (a gateway without an ops port or route: its
# GET /health) or no-answer.
health() {
  local code
  lookup "$1" || return 0
  if [[ -n $R_OPS ]]; then code=$(http_code "$R_OPS" /health/ready); else code=404; fi
  case $code in
    200) say ready ;;
    503) say not-ready ;;
    404)
      if [[ $R_SERVICE != gateway ]]; then
        say n/a
      elif [[ $(http_code "$R_PORT" /health) == 200 ]]; then
        say up
      else
        say down
      fi
      ;;
    000) say no-answer ;;
    *) say "http-$code" ;;
  esac
}

# True when instance $1 logged "<service> started" since it was last launched.
logged_started() {
  lookup "$1" || return 1
  awk -v s="$R_SERVICE started" '/^=== / { up = 0 } index($0, s) { up = 1 } END { exit !up }' "$(log_file "$1")" 2>/dev/null
}

tail_log() {
  say "--- last lines of $(log_file "$1"):" >&2
  tail -n 25 "$(log_file "$1")" >&2 || true
}

# Waits until deadline $1 (in $SECONDS) for instances $2... to be up, all at once: a gateway when
# it is ready (or, on a build without /health/ready, its /health answers 200); another service
# when its ops endpoint says ready, or, if its ops port never answers, OPS_GRACE s after it
# logged "<service> started". Fails as soon as one exits, or at the deadline.
wait_up() {
  local deadline=$1 name h t
  shift
  local -a pending=("$@") left
  local -A since=()
  while ((${#pending[@]} > 0)); do
    left=()
    for name in "${pending[@]}"; do
      lookup "$name"
      if ! alive "$name"; then
        tail_log "$name"
        say "$name exited during start-up"
        return 1
      fi
      h=$(health "$name")
      case $R_SERVICE:$h in
        gateway:ready | gateway:up | *:n/a) continue ;;
        gateway:*) ;;
        *:ready) continue ;;
        *:no-answer)
          if logged_started "$name"; then
            t=${since[$name]:-$SECONDS}
            since[$name]=$t
            if ((SECONDS - t >= OPS_GRACE)); then
              say "$name started (nothing answers on its ops port $R_OPS)"
              continue
            fi
          fi
          ;;
      esac
      left+=("$name")
    done
    pending=("${left[@]}")
    ((${#pending[@]} == 0)) && break
    if ((SECONDS >= deadline)); then
      for name in "${pending[@]}"; do tail_log "$name"; done
      say "not up in time: ${pending[*]} (health: $(for name in "${pending[@]}"; do printf '%s=%s ' "$name" "$(health "$name")"; done))"
      return 1
    fi
    sleep 1
  done
  return 0
}

# SIGTERM to instances $2..., up to $1 s for them to exit, then SIGKILL; forgets the pids of the
# ones that exited (status then says "stopped" rather than "dead").
stop_instances() {
  local timeout=$1 name deadline
  shift
  for name in "$@"; do
    if alive "$name"; then kill -TERM "$(recorded_pid "$name")" 2>/dev/null || true; fi
  done
  deadline=$((SECONDS + timeout))
  while any_alive "$@" && ((SECONDS < deadline)); do sleep 0.2; done
  for name in "$@"; do
    if alive "$name"; then
      say "$name (pid $(recorded_pid "$name")) still running after ${timeout}s: SIGKILL"
      kill -KILL "$(recorded_pid "$name")" 2>/dev/null || true
    fi
  done
  deadline=$((SECONDS + 5))
  while any_alive "$@" && ((SECONDS < deadline)); do sleep 0.1; done
  for name in "$@"; do
    if alive "$name"; then
      say "$name (pid $(recorded_pid "$name")) could not be stopped"
    else
      rm -f "$(pid_file "$name")"
    fi
  done
}

# One mutating command at a time. The JVMs never inherit the lock's descriptor.
with_lock() {
  mkdir -p "$STATE"
  exec 9>"$STATE/.lock"
  flock -w 300 9 || die "another local-cluster.sh command holds $STATE/.lock"
}

# Resolves WHAT ($1: an instance, or a service) to one instance name, printed. For a service: its
# first instance that is running ($2 = running) or not running ($2 = not-running); prints
# nothing when there is none.
pick() {
  local want=$1 state=$2 name service
  if lookup "$want"; then
    say "$want"
    return 0
  fi
  is_service "$want" || die "'$want' is neither a recorded instance (see status) nor a service (${SERVICES[*]})"
  while read -r name service _; do
    [[ $service == "$want" ]] || continue
    if alive "$name"; then
      [[ $state == running ]] && { say "$name"; return 0; }
    else
      [[ $state == not-running ]] && { say "$name"; return 0; }
    fi
  done < <(records)
  return 0
}

# --- commands ------------------------------------------------------------------------------------

cmd_start() {
  command -v java >/dev/null || die "java (a JDK 17) is not on the PATH"
  command -v curl >/dev/null || die "curl is not installed"
  local n name service port cport line i seed
  for n in "$ROOM_SERVICES" "$CHAT_SERVICES" "$PRESENCE_SERVICES" "$MEDIA_RELAYS" "$OPS_PORT_BASE" \
    "$CLUSTER_PORT_BASE" "$START_TIMEOUT" "$STOP_TIMEOUT"; do
    is_number "$n" || die "instance counts, port bases and timeouts are whole numbers, got '$n'"
  done
  with_lock
  while read -r name _; do
    if alive "$name"; then die "$name is already running (pid $(recorded_pid "$name")): run stop first"; fi
  done < <(records)
  resolve_secret

  # The plan, in start order: services first (the first is the seed the others join), gateways last.
  local -a plan=() gateways=() services=() busy=()
  local ops=$OPS_PORT_BASE slot=$CLUSTER_PORT_BASE
  plan_service() { # service count
    for ((i = 1; i <= $2; i++)); do
      plan+=("$1-$i $1 $ops $slot $ops")
      services+=("$1-$i")
      ops=$((ops + 1)) slot=$((slot + 1))
    done
  }
  plan_service room-service "$ROOM_SERVICES"
  plan_service chat-service "$CHAT_SERVICES"
  plan_service presence-service "$PRESENCE_SERVICES"
  plan_service media-relay "$MEDIA_RELAYS"
  i=1
  for port in $GATEWAY_PORTS; do
    is_number "$port" || die "GATEWAY_PORTS lists port numbers, got '$port'"
    plan+=("gateway-$i gateway $port $slot $ops")
    gateways+=("gateway-$i")
    i=$((i + 1)) slot=$((slot + 1)) ops=$((ops + 1))
  done
  ((${#gateways[@]} > 0)) || die "GATEWAY_PORTS lists no port"

  for line in "${plan[@]}"; do
    read -r name service port cport ops <<<"$line"
    if port_open "$port"; then busy+=("$port ($name)"); fi
    if [[ $ops != "$port" ]] && port_open "$ops"; then busy+=("$ops (ops port of $name)"); fi
    if [[ -z ${PODIUM_CLUSTER_CONFIG:-} ]] && port_open "$cport"; then busy+=("$cport (cluster port of $name)"); fi
  done
  ((${#busy[@]} == 0)) || die "ports in use: ${busy[*]}; pick others with GATEWAY_PORTS, OPS_PORT_BASE, CLUSTER_PORT_BASE"

  # A fresh state directory (the kept dev secret survives).
  rm -f "$STATE"/*.pid "$STATE"/*.log "$INSTANCES"
  snapshot_jars
  printf '%s\n' "${plan[@]}" >"$INSTANCES"
  say "cluster '$CLUSTER_NAME', state and logs in $STATE"
  if [[ -n ${PODIUM_CLUSTER_CONFIG:-} ]]; then
    say "Hazelcast configuration: $PODIUM_CLUSTER_CONFIG (ports and members come from that file)"
  fi

  local deadline=$((SECONDS + START_TIMEOUT))
  seed=${services[0]:-${gateways[0]}}
  launch "$seed"
  # The seed opens its Hazelcast port (or finishes starting) before the others look for a cluster.
  lookup "$seed"
  until { [[ -z ${PODIUM_CLUSTER_CONFIG:-} ]] && port_open "$R_CPORT"; } || logged_started "$seed"; do
    if ! alive "$seed" || ((SECONDS >= deadline)); then
      tail_log "$seed"
      stop_instances "$STOP_TIMEOUT" "$seed"
      die "$seed did not come up"
    fi
    sleep 0.5
  done
  for line in "${plan[@]}"; do
    read -r name _ <<<"$line"
    [[ $name == "$seed" ]] || launch "$name"
  done

  say "waiting (at most ${START_TIMEOUT}s) for the gateways, then the other services..."
  if ! wait_up "$deadline" "${gateways[@]}" || ! wait_up "$deadline" "${services[@]}"; then
    say "start-up failed: stopping every process"
    stop_instances "$STOP_TIMEOUT" "${gateways[@]}" "${services[@]}"
    exit 1
  fi

  say ""
  cmd_status || true
  say ""
  for line in "${plan[@]}"; do
    read -r name service port _ <<<"$line"
    if [[ $service == gateway ]]; then say "$name: http://127.0.0.1:$port/  ws://127.0.0.1:$port/ws/..."; fi
  done
  if [[ $DEV_MODE == true ]]; then
    lookup "${gateways[0]}"
    say "dev tokens, accepted by every gateway: http://127.0.0.1:$R_PORT/dev/token?user_id=alice&username=Alice"
  fi
  say "stop with: $0 stop"
}

cmd_stop() {
  with_lock
  local name
  local -a running=()
  while read -r name _; do
    if alive "$name"; then
      running+=("$name")
    else
      rm -f "$(pid_file "$name")"
    fi
  done < <(records)
  if ((${#running[@]} == 0)); then
    say "nothing running"
    return 0
  fi
  say "stopping ${running[*]} (SIGTERM, SIGKILL after ${STOP_TIMEOUT}s)"
  stop_instances "$STOP_TIMEOUT" "${running[@]}"
  any_alive "${running[@]}" && return 1
  say "stopped"
}

cmd_status() {
  [[ -s $INSTANCES ]] || {
    say "no local cluster recorded in $STATE"
    return 3
  }
  local name service port cport ops pid state h result=0
  printf '%-20s %-8s %-8s %-6s %-6s %-8s %s\n' NAME PID STATE PORT OPS CLUSTER HEALTH
  while read -r name service port cport ops; do
    pid=$(recorded_pid "$name")
    if alive "$name"; then
      state=alive h=$(health "$name")
    elif [[ -n $pid ]]; then
      state=dead h=- result=1
    else
      state=stopped h=- pid=- result=1
    fi
    printf '%-20s %-8s %-8s %-6s %-6s %-8s %s\n' "$name" "$pid" "$state" "$port" "${ops:-$port}" "$cport" "$h"
  done < <(records)
  say "PORT: a gateway's HTTP port, or a service's PODIUM_OPS_PORT; OPS: its PODIUM_OPS_PORT (health, metrics). Logs: $STATE/<name>.log"
  return "$result"
}

cmd_start_one() {
  local what=${1:-} name service port cport ops idx n=1 maxport=0 maxops=0 maxcport=0
  [[ -n $what ]] || die "usage: $0 start-one <instance or service>"
  [[ -s $INSTANCES ]] || die "no local cluster recorded in $STATE: run start first"
  with_lock
  name=$(pick "$what" not-running)
  if [[ -z $name ]]; then
    # Every instance of that service runs: add one, on ports nobody holds.
    service=$what
    while read -r name idx port cport ops; do
      if ((cport > maxcport)); then maxcport=$cport; fi
      if [[ $idx != gateway ]] && ((port > maxops)); then maxops=$port; fi
      if [[ -n $ops ]] && ((ops > maxops)); then maxops=$ops; fi
      [[ $idx == "$service" ]] || continue
      if ((port > maxport)); then maxport=$port; fi
      idx=${name##*-}
      if is_number "$idx" && ((idx >= n)); then n=$((idx + 1)); fi
    done < <(records)
    name=$service-$n
    ops=$(next_port "$((maxops > 0 ? maxops + 1 : OPS_PORT_BASE))" 3)
    if [[ $service == gateway ]]; then
      port=$(next_port "$((maxport + 1))" 3)
    else
      port=$ops
    fi
    cport=$(next_port "$((maxcport + 1))" 4)
    printf '%s %s %s %s %s\n' "$name" "$service" "$port" "$cport" "$ops" >>"$INSTANCES"
    say "adding $name"
  fi
  if alive "$name"; then die "$name is already running (pid $(recorded_pid "$name"))"; fi
  lookup "$name"
  if port_open "$R_PORT"; then die "port $R_PORT of $name is in use"; fi
  if [[ -n $R_OPS && $R_OPS != "$R_PORT" ]] && port_open "$R_OPS"; then die "ops port $R_OPS of $name is in use"; fi
  if [[ $R_SERVICE == gateway ]]; then resolve_secret check; else DEV_MODE=false JWT_SECRET=; fi
  [[ -f $(run_jar "$R_SERVICE") ]] || snapshot_jars
  launch "$name"
  wait_up $((SECONDS + START_TIMEOUT)) "$name" || exit 1
  say "$name is up (health: $(health "$name"))"
}

cmd_kill_one() {
  local what=${1:-} name pid i
  [[ -n $what ]] || die "usage: $0 kill-one <instance or service>"
  [[ -s $INSTANCES ]] || die "no local cluster recorded in $STATE"
  name=$(pick "$what" running)
  if [[ -z $name ]] || ! alive "$name"; then die "no running instance of '$what'"; fi
  pid=$(recorded_pid "$name")
  kill -KILL "$pid"
  for ((i = 0; i < 50; i++)); do
    alive "$name" || break
    sleep 0.1
  done
  if alive "$name"; then die "$name (pid $pid) survived SIGKILL"; fi
  say "killed $name (pid $pid) with SIGKILL"
}

cmd_stop_one() {
  local what=${1:-} name
  [[ -n $what ]] || die "usage: $0 stop-one <instance or service>"
  [[ -s $INSTANCES ]] || die "no local cluster recorded in $STATE"
  with_lock
  name=$(pick "$what" running)
  if [[ -z $name ]] || ! alive "$name"; then die "no running instance of '$what'"; fi
  say "stopping $name (pid $(recorded_pid "$name"); SIGTERM, SIGKILL after ${STOP_TIMEOUT}s)"
  stop_instances "$STOP_TIMEOUT" "$name"
  if alive "$name"; then return 1; fi
  say "stopped $name"
}

case ${1:-} in
  start) cmd_start ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  start-one) cmd_start_one "${2:-}" ;;
  kill-one) cmd_kill_one "${2:-}" ;;
  stop-one) cmd_stop_one "${2:-}" ;;
  -h | --help | help) usage ;;
  *)
    usage >&2
    exit 2
    ;;
esac
