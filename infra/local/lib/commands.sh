# shellcheck shell=bash
# ./stack up | down | reset | env | logs.

STARTED=() # components this run started, in order: what a failed `up` stops again

ensure_dirs() { mkdir -p "$LOG_DIR" "$RUN_DIR/apps" "$PG_DIR" "$REDIS_DIR" "$MAILDEV_DIR" "$NGINX_DIR" "$PROM_DIR" "$STACK_DIR/files"; }

# Refuse to move a running stack to other ports: its servers would keep the old ones.
check_layout_change() {
  [[ -n $REQUESTED_PORT_BASE && -n $SAVED_PORT_BASE && $REQUESTED_PORT_BASE != "$SAVED_PORT_BASE" ]] || return 0
  STACK_PORT_BASE=$SAVED_PORT_BASE set_ports
  if any_running; then
    die "the $STACK_MODE stack runs on STACK_PORT_BASE=$SAVED_PORT_BASE; run ./stack down first to move it to $REQUESTED_PORT_BASE"
  fi
  STACK_PORT_BASE=$REQUESTED_PORT_BASE
  set_ports
}

any_running() {
  local name
  pg_pid primary >/dev/null && return 0
  for name in "${PG_REPLICAS[@]}"; do pg_pid "$name" >/dev/null && return 0; done
  redis_pid >/dev/null || maildev_pid >/dev/null || nginx_pid >/dev/null || prom_pid >/dev/null ||
    [[ -n $(app_instances) ]]
}

# Before anything starts: every port of the layout is free or held by our own running component.
preflight_ports() {
  local name app i
  check_port "$PORT_PG_PRIMARY" "postgres primary" "$(pg_pid primary || true)"
  for name in "${PG_REPLICAS[@]}"; do
    check_port "$(pg_port "$name")" "postgres $name" "$(pg_pid "$name" || true)"
  done
  check_port "$PORT_REDIS" redis "$(redis_pid || true)"
  check_port "$PORT_SMTP" "maildev smtp" "$(maildev_pid || true)"
  check_port "$PORT_MAIL_WEB" "maildev web" "$(maildev_pid || true)"
  for app in "${APPS[@]}"; do
    app_built "$app" || continue
    for ((i = 0; i < STACK_REPLICAS; i++)); do
      check_port "$(app_port "$app" "$i")" "$app-$i" "$(app_pid "$app" "$i" || true)"
    done
  done
  check_port "$PORT_NGINX" nginx "$(nginx_pid || true)"
  check_port "$PORT_PROMETHEUS" prometheus "$(prom_pid || true)"
}

require_binaries() {
  find_binaries
  [[ -n $PG_BIN ]] || die "postgres is not installed (no /usr/lib/postgresql/*/bin/postgres); ./stack up installs it as root"
  [[ -n $REDIS_SERVER && -n $REDIS_CLI ]] || die "redis-server/redis-cli not found; ./stack up installs them as root"
  [[ -n $NGINX_BIN ]] || die "nginx not found; ./stack up installs it as root"
  [[ -n $PROMETHEUS_BIN && -n $PROMTOOL_BIN ]] || die "prometheus/promtool not found; ./stack up installs them (Debian package prometheus) as root"
}

# Exit hook of `up`: when it fails, stop what this run started (newest first) so nothing is left
# half-started. Components that were already running before are left alone.
rollback_on_failure() {
  (($1 != 0)) && ((${#STARTED[@]} > 0)) || return 0
  local i
  for ((i = ${#STARTED[@]} - 1; i >= 0; i--)); do
    stop_component "${STARTED[i]}" >>"$LOG_DIR/stack.log" 2>&1 || true
  done
  echo "rolled back: ${STARTED[*]}" >>"$LOG_DIR/stack.log"
}

stop_component() {
  case $1 in
    pg-*) pg_stop "${1#pg-}" ;;
    redis) redis_stop ;;
    maildev) maildev_stop ;;
    nginx) nginx_stop ;;
    prometheus) prometheus_stop ;;
    *) app_stop "${1%-*}" "${1##*-}" ;;
  esac
}

# start_stack: the servers in dependency order (each leaves a healthy running one alone).
start_stack() {
  require_binaries
  pg_up
  redis_up
  maildev_up
  write_env_file # before migrations and apps: they read it
  db_prepare
  apps_up
  nginx_up
  prometheus_up
}

cmd_up() {
  acquire_lock
  check_layout_change
  note "up: $STACK_MODE mode, ports $STACK_PORT_BASE-$((STACK_PORT_BASE + 999)), details in $(rel "$LOG_DIR")"
  ensure_dirs
  reserve_ports
  preflight_ports # fail before installing or starting anything
  save_layout
  install_all
  build_all
  EXIT_HOOKS+=(rollback_on_failure)
  start_stack
  print_urls
}

print_urls() {
  local public=http://127.0.0.1:$PORT_NGINX
  note "ready"
  step "API" "$public/api/v1"
  step "docs" "$public/docs"
  step "mail (maildev)" "http://127.0.0.1:$PORT_MAIL_WEB"
  step "queues" "$public/admin/queues"
  step "metrics" "$public/_ops/gateway/metrics"
  step "prometheus" "http://127.0.0.1:$PORT_PROMETHEUS  (targets: /targets)"
  step "env file" "$(rel "$ENV_FILE")  (set -a; . \"\$(./stack env)\")"
  local stop="./stack down"
  [[ $STACK_MODE == dev ]] || stop="STACK_MODE=$STACK_MODE ./stack down"
  step "stop" "$stop"
}

# stop_all: reverse start order; prints one line per component it stopped.
stop_all() {
  local stopped=0 app i name
  if prometheus_stop; then step prometheus stopped; stopped=$((stopped + 1)); fi
  if nginx_stop; then step nginx stopped; stopped=$((stopped + 1)); fi
  # Apps in parallel: each may take its drain time (SHUTDOWN_TIMEOUT_MS) to exit.
  local -a pids=() names=()
  while read -r app i; do
    [[ -n $app ]] || continue
    app_pid "$app" "$i" >/dev/null || { rm -f "$(app_pidfile "$app" "$i")"; continue; }
    app_stop "$app" "$i" &
    pids+=($!) names+=("$app-$i")
  done < <(app_instances)
  for i in "${!pids[@]}"; do
    wait "${pids[i]}" || true
    step "${names[i]}" stopped
    stopped=$((stopped + 1))
  done
  if maildev_stop; then step maildev stopped; stopped=$((stopped + 1)); fi
  if redis_stop; then step redis stopped; stopped=$((stopped + 1)); fi
  for name in "${PG_REPLICAS[@]}" primary; do
    if pg_stop "$name"; then step "pg-$name" stopped; stopped=$((stopped + 1)); fi
  done
  STOPPED_COUNT=$stopped
}

cmd_down() {
  acquire_lock
  if [[ ! -d $STACK_DIR ]]; then note "nothing to stop ($STACK_MODE mode has no $(rel "$STACK_DIR"))"; return 0; fi
  mkdir -p "$LOG_DIR"
  find_binaries
  stop_all
  if ((STOPPED_COUNT == 0)); then
    note "nothing was running ($STACK_MODE mode)"
  elif [[ ${1:-} != --quiet ]]; then
    note "down ($STACK_MODE mode); data kept in $(rel "$STACK_DIR")"
  fi
}

cmd_reset() {
  cmd_down --quiet
  rm -rf "$STACK_DIR"
  note "reset: stopped everything and removed $(rel "$STACK_DIR") (data, logs, settings)"
}

cmd_env() {
  [[ -f $ENV_FILE ]] || die "no env file yet ($(rel "$ENV_FILE")); run ./stack up first"
  printf '%s\n' "$ENV_FILE"
}

# ./stack doctor [--json]: packages/doctor against this mode's running stack, through its env file.
# NODE_ENV is the apps' (development / test) unless set, so the secrets check judges what they run with.
cmd_doctor() {
  local cli=$STACK_ROOT/packages/doctor/dist/cli.js
  [[ -f $ENV_FILE ]] || die "no env file yet ($(rel "$ENV_FILE")); run ./stack up first"
  [[ -f $cli ]] || die "$(rel "$cli") is not built; run ./stack up (or pnpm --filter @tablestack/doctor build)"
  QUIET_EXIT=1 # the doctor's own output says what failed
  NODE_ENV=${NODE_ENV:-$APP_NODE_ENV} node "$cli" --env-file "$ENV_FILE" "$@"
}

# ./stack logs [-f] [component]: the last 100 lines (and follow with -f).
cmd_logs() {
  local follow="" comp="" arg files=()
  for arg in "$@"; do
    case $arg in
      -f | --follow) follow=1 ;;
      *) comp=$arg ;;
    esac
  done
  case $comp in
    "") files=("$LOG_DIR"/*.log "$NGINX_DIR"/logs/*.log) ;;
    nginx) files=("$NGINX_DIR"/logs/error.log "$NGINX_DIR"/logs/access.log) ;;
    postgres | pg) files=("$LOG_DIR"/pg-*.log) ;;
    *) files=("$LOG_DIR/$comp.log" "$LOG_DIR/$comp"-[0-9]*.log "$LOG_DIR/pg-$comp.log") ;;
  esac
  local existing=() f
  for f in "${files[@]}"; do [[ -f $f ]] && existing+=("$f"); done
  ((${#existing[@]} > 0)) ||
    die "no logs for '${comp:-any component}' in $(rel "$LOG_DIR"); components: pg, pg-primary, pg-replica1, pg-replica2, redis, maildev, nginx, prometheus, gateway, gateway-0, user-service, ..., build, install, db"
  if [[ -n $follow ]]; then exec tail -n 100 -F "${existing[@]}"; fi
  tail -n 100 "${existing[@]}"
}
