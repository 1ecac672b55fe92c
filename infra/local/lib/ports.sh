# shellcheck shell=bash
# Port layout of the local stack. Every port is STACK_PORT_BASE + a fixed offset, so the two modes
# (dev 55000, test 56000) never collide and one variable moves the whole stack elsewhere.
#
#   offset        component                       dev      test
#   +25           maildev SMTP                    55025    56025
#   +80           maildev web UI + REST API       55080    56080
#   +90           prometheus (web UI + HTTP API)  55090    56090
#   +100+i        gateway replica i (i = 0..N-1)  55100..  56100..
#   +200+i        user-service replica i          55200..  56200..
#   +300+i        restaurant-service replica i    55300..  56300..
#   +379          redis                           55379    56379
#   +400+i        worker replica i                55400..  56400..
#   +432          postgres primary                55432    56432
#   +433, +434    postgres replica1, replica2     55433/4  56433/4
#   +500..+599    free for tests that start processes of their own (the e2e replica-kill test: its
#                 gateways +500.., restaurant-services +510.., nginx +520)
#   +800          nginx (public entry)            55800    56800
#
# Every offset is below 1000, so a mode owns exactly [base, base+999]. N (STACK_REPLICAS) is capped at
# 20 so the app ranges never reach redis (+379) or postgres (+432).

APPS=(gateway user-service restaurant-service worker)
# Start order: the services the gateway proxies to come up before it.
APPS_START_ORDER=(user-service restaurant-service worker gateway)
declare -A APP_OFFSET=([gateway]=100 [user-service]=200 [restaurant-service]=300 [worker]=400)
MAX_REPLICAS=20

# set_ports: derive every port from STACK_PORT_BASE (called once the base is known).
set_ports() {
  local b=$STACK_PORT_BASE
  PORT_SMTP=$((b + 25))
  PORT_MAIL_WEB=$((b + 80))
  PORT_PROMETHEUS=$((b + 90))
  PORT_REDIS=$((b + 379))
  PORT_PG_PRIMARY=$((b + 432))
  PORT_PG_REPLICA1=$((b + 433))
  PORT_PG_REPLICA2=$((b + 434))
  PORT_NGINX=$((b + 800))
}

app_port() { printf '%s\n' $((STACK_PORT_BASE + APP_OFFSET[$1] + $2)); }

# app_urls APP: comma-separated base URLs of all replicas of APP.
app_urls() {
  local i urls=()
  for ((i = 0; i < STACK_REPLICAS; i++)); do urls+=("http://127.0.0.1:$(app_port "$1" "$i")"); done
  (IFS=,; printf '%s\n' "${urls[*]}")
}

# resolve_layout: pick STACK_PORT_BASE and STACK_REPLICAS. An explicit env value wins; otherwise the
# values of the last `up` of this mode (saved in layout.env, so `status` finds a stack that was started
# with STACK_PORT_BASE=... without being told again); otherwise the mode's defaults.
resolve_layout() {
  local saved_base="" saved_replicas="" key value
  REQUESTED_PORT_BASE=${STACK_PORT_BASE:-}
  # ./stack test starts from scratch every time: it never reuses a saved layout.
  if [[ $STACK_MODE != test && -r $STACK_DIR/layout.env ]]; then
    while IFS='=' read -r key value; do
      case $key in
        STACK_PORT_BASE) saved_base=$value ;;
        STACK_REPLICAS) saved_replicas=$value ;;
      esac
    done <"$STACK_DIR/layout.env"
  fi
  SAVED_PORT_BASE=$saved_base
  local default_base=55000
  [[ $STACK_MODE == test ]] && default_base=56000
  STACK_PORT_BASE=${STACK_PORT_BASE:-${saved_base:-$default_base}}
  STACK_REPLICAS=${STACK_REPLICAS:-${saved_replicas:-2}}

  if ! [[ $STACK_PORT_BASE =~ ^[0-9]+$ ]] || ((STACK_PORT_BASE < 1024 || STACK_PORT_BASE > 64535)); then
    die "STACK_PORT_BASE=$STACK_PORT_BASE is not a number between 1024 and 64535"
  fi
  if ! [[ $STACK_REPLICAS =~ ^[0-9]+$ ]] || ((STACK_REPLICAS < 1 || STACK_REPLICAS > MAX_REPLICAS)); then
    die "STACK_REPLICAS=$STACK_REPLICAS is not a number between 1 and $MAX_REPLICAS"
  fi
  set_ports
}

save_layout() {
  mkdir -p "$STACK_DIR"
  printf 'STACK_PORT_BASE=%s\nSTACK_REPLICAS=%s\n' "$STACK_PORT_BASE" "$STACK_REPLICAS" >"$STACK_DIR/layout.env"
}

# ---- is a port free? --------------------------------------------------------------------------------

# A port is taken when a TCP socket other than a TIME-WAIT one has it as its local port: a listener,
# or a client connection that got it as its ephemeral port (55000-56999 lie inside Linux's default
# ephemeral range, 32768-60999), which makes bind() fail just the same.
port_in_use() {
  if command -v ss >/dev/null; then
    [[ -n $(ss -Htan exclude time-wait "sport = :$1" 2>/dev/null) ]]
  else # no iproute2 (slim images): a connect attempt is the next best thing
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
  fi
}

# port_users PORT: "pid name" lines for every process with a socket on PORT (root sees all).
port_users() {
  command -v ss >/dev/null || return 0
  ss -Htanp exclude time-wait "sport = :$1" 2>/dev/null | grep -oE '"[^"]+",pid=[0-9]+' |
    sed -E 's/^"([^"]+)",pid=([0-9]+)$/\2 \1/' | sort -u
}

# Keep the kernel from handing out this mode's ports as ephemeral ports for outgoing connections
# (net.ipv4.ip_local_reserved_ports; explicit bind() is unaffected). Root only; best effort.
reserve_ports() {
  local f=/proc/sys/net/ipv4/ip_local_reserved_ports range="$STACK_PORT_BASE-$((STACK_PORT_BASE + 999))" current
  ((EUID == 0)) && [[ -w $f ]] || return 0
  current=$(<"$f")
  [[ ,$current, == *",$range,"* ]] && return 0
  if echo "${current:+$current,}$range" >"$f" 2>/dev/null; then
    echo "$(date -Is) reserved ports $range (net.ipv4.ip_local_reserved_ports)" >>"$LOG_DIR/stack.log"
  fi
}

# check_port PORT WHAT [OUR_PID]: fail unless PORT is free or held by OUR_PID (the component that
# is already running from an earlier `up`).
check_port() {
  local port=$1 what=$2 ours=${3:-} listeners who
  port_in_use "$port" || return 0
  listeners=$(port_users "$port")
  if [[ -n $ours ]] && grep -q "^$ours " <<<"$listeners"; then return 0; fi
  who="another process"
  [[ -n $listeners ]] && who="pid ${listeners%%$'\n'*}" && who="${who% *} (${who##* })"
  die "port $port ($what) is taken by $who; stop it or set STACK_PORT_BASE (now $STACK_PORT_BASE) to move the whole stack"
}
