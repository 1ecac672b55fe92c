# shellcheck shell=bash
# The apps: N replicas of each, run from the repo root as `node apps/<app>/dist/index.js`, each with
# the stack env plus its own PORT and INSTANCE_ID. An app counts as up when GET /health answers 200.

app_dist() { printf '%s/apps/%s/dist/index.js\n' "$STACK_ROOT" "$1"; }
app_built() { [[ -f $(app_dist "$1") ]]; }
app_pidfile() { printf '%s/apps/%s-%s.pid\n' "$RUN_DIR" "$1" "$2"; }
# STACK_INSTANCE in its environment identifies the process even if it renames itself (process.title).
app_pid() { pidfile_pid "$(app_pidfile "$1" "$2")" "STACK_INSTANCE=$STACK_MODE/$1-$2"; }
app_healthy() { http_200 "http://127.0.0.1:$(app_port "$1" "$2")/health"; }
app_log() { printf '%s/%s-%s.log\n' "$LOG_DIR" "$1" "$2"; }

# What an instance is made of; a running instance whose fingerprint differs (env file changed, other
# replica count, other upstream list for the gateway, or a new build of it or of a workspace package)
# is restarted by `up`.
app_fingerprint() {
  { cat "$ENV_FILE"; echo "$1 $2 $APP_NODE_ENV"; [[ $1 != gateway ]] || { app_urls user-service; app_urls restaurant-service; }; build_stamp "$1"; } |
    md5sum | cut -d' ' -f1
}

# The newest file the app runs from: its own dist and every workspace package's dist.
build_stamp() {
  find "$STACK_ROOT/apps/$1/dist" "$STACK_ROOT"/packages/*/dist -type f -printf '%T@\n' 2>/dev/null | sort -n | tail -1
}
app_fpfile() { printf '%s/apps/%s-%s.fingerprint\n' "$RUN_DIR" "$1" "$2"; }
app_current() { [[ -f $(app_fpfile "$1" "$2") && $(<"$(app_fpfile "$1" "$2")") == "$(app_fingerprint "$1" "$2")" ]]; }

app_start() {
  local app=$1 i=$2 port log
  port=$(app_port "$app" "$i")
  log=$(app_log "$app" "$i")
  mkdir -p "$RUN_DIR/apps"
  printf '\n==== %s ./stack starts %s-%s on port %s ====\n' "$(date -Is)" "$app" "$i" "$port" >>"$log"
  (
    set -a
    # shellcheck source=/dev/null
    . "$ENV_FILE"
    set +a
    export PORT=$port HOST=127.0.0.1 INSTANCE_ID=$app-$i NODE_ENV=$APP_NODE_ENV LOG_LEVEL=info
    export STACK_INSTANCE=$STACK_MODE/$app-$i
    if [[ $app == gateway ]]; then
      USER_SERVICE_URLS=$(app_urls user-service)
      RESTAURANT_SERVICE_URLS=$(app_urls restaurant-service)
      export USER_SERVICE_URLS RESTAURANT_SERVICE_URLS
    fi
    cd "$STACK_ROOT" || exit 1
    exec setsid node "apps/$app/dist/index.js" # own process group: see maildev_up
  ) >>"$log" 2>&1 </dev/null &
  echo $! >"$(app_pidfile "$app" "$i")"
  app_fingerprint "$app" "$i" >"$(app_fpfile "$app" "$i")"
  STARTED+=("$app-$i")
}

# app_wait APP I: until /health answers 200; fail early if the process exits.
app_wait() {
  local app=$1 i=$2 pid deadline=$((SECONDS + ${STACK_HEALTH_TIMEOUT:-20})) log
  log=$(app_log "$app" "$i")
  read -r pid <"$(app_pidfile "$app" "$i")"
  until app_healthy "$app" "$i"; do
    alive "$pid" || die "$app-$i exited while starting (port $(app_port "$app" "$i")); see $(rel "$log")" "$log"
    ((SECONDS < deadline)) ||
      die "$app-$i did not answer GET /health with 200 within ${STACK_HEALTH_TIMEOUT:-20} s (port $(app_port "$app" "$i")); see $(rel "$log")" "$log"
    sleep 0.2
  done
}

apps_up() {
  local app i pid running restarted text why
  local -a started ports summary
  for app in "${APPS_START_ORDER[@]}"; do
    if ! app_built "$app"; then
      warn "$app not started: $(rel "$(app_dist "$app")") does not exist (not written or not built yet)"
      continue
    fi
    started=() running=0 restarted=0 ports=() why=""
    for ((i = 0; i < STACK_REPLICAS; i++)); do
      ports+=("$(app_port "$app" "$i")")
      if pid=$(app_pid "$app" "$i"); then
        if ! app_healthy "$app" "$i"; then
          why="unhealthy"
        elif ! app_current "$app" "$i"; then
          why="env or build changed"
        else
          running=$((running + 1)) && continue
        fi
        stop_pid "$pid" 15 # replace it
        restarted=$((restarted + 1))
      fi
      app_start "$app" "$i"
      started+=("$i")
    done
    for i in "${started[@]}"; do app_wait "$app" "$i"; done
    summary=()
    ((${#started[@]} - restarted == 0)) || summary+=("started x$((${#started[@]} - restarted))")
    ((restarted == 0)) || summary+=("restarted x$restarted ($why)")
    ((running == 0)) || summary+=("running x$running")
    text=$(printf '%s, ' "${summary[@]}")
    step "$app" "${text%, }  127.0.0.1:$(IFS=,; echo "${ports[*]}")"
  done
  apps_trim
}

# Instances beyond STACK_REPLICAS (left from an `up` with more replicas) are stopped.
apps_trim() {
  local f name app i
  for f in "$RUN_DIR"/apps/*.pid; do
    [[ -e $f ]] || continue
    name=$(basename "$f" .pid)
    app=${name%-*} i=${name##*-}
    ((i >= STACK_REPLICAS)) || continue
    app_stop "$app" "$i" && step "$name" "stopped (beyond STACK_REPLICAS=$STACK_REPLICAS)"
  done
}

# app_stop APP I: SIGTERM lets the service drain (SHUTDOWN_TIMEOUT_MS, 10 s by default) before we
# SIGKILL at 15 s. Returns 1 when it was not running.
app_stop() {
  local pid rc=0
  pid=$(app_pid "$1" "$2") || rc=1
  [[ $rc == 1 ]] || stop_pid "$pid" 15
  rm -f "$(app_pidfile "$1" "$2")" "$(app_fpfile "$1" "$2")"
  return "$rc"
}

# Every app instance that has a pid file, as "app i" lines (for down and status).
app_instances() {
  local f name
  for f in "$RUN_DIR"/apps/*.pid; do
    [[ -e $f ]] || continue
    name=$(basename "$f" .pid)
    echo "${name%-*} ${name##*-}"
  done
}
