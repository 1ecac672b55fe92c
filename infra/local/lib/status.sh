# shellcheck shell=bash
# ./stack status: one row per process, healthy or down; exit 0 only when every row is healthy.

STATUS_DOWN=0

status_row() { # COMPONENT PID PORT HEALTHY(0|1) [NOTE]
  local state=healthy
  if (($4 != 0)); then state=down; STATUS_DOWN=$((STATUS_DOWN + 1)); fi
  printf '%-22s %-8s %-13s %s\n' "$1" "${2:--}" "$3" "$state${5:+ ($5)}"
}

ok() { if "$@"; then echo 0; else echo 1; fi; }

cmd_status() {
  local name pid note app i healthy
  printf '%-22s %-8s %-13s %s\n' COMPONENT PID PORT STATE
  pid=$(pg_pid primary) || pid=""
  status_row pg-primary "$pid" "$PORT_PG_PRIMARY" "$(ok pg_ready primary)"
  for name in "${PG_REPLICAS[@]}"; do
    pid=$(pg_pid "$name") || pid=""
    note=$(pg_sql "$name" "select status from pg_stat_wal_receiver" 2>/dev/null) || note=""
    healthy=1
    if pg_ready "$name" && [[ $note == streaming ]]; then healthy=0; fi
    status_row "pg-$name" "$pid" "$(pg_port "$name")" "$healthy" "${note:-not streaming}"
  done
  pid=$(redis_pid) || pid=""
  status_row redis "$pid" "$PORT_REDIS" "$(ok redis_ping)"
  pid=$(maildev_pid) || pid=""
  status_row maildev "$pid" "$PORT_SMTP,$PORT_MAIL_WEB" "$(ok maildev_healthy)"
  for app in "${APPS[@]}"; do
    if ! app_built "$app"; then
      printf '%-22s %-8s %-13s %s\n' "$app" - - "not built (no $(rel "$(app_dist "$app")")), not part of the stack"
      continue
    fi
    for ((i = 0; i < STACK_REPLICAS; i++)); do
      pid=$(app_pid "$app" "$i") || pid=""
      status_row "$app-$i" "$pid" "$(app_port "$app" "$i")" "$(ok app_healthy "$app" "$i")"
    done
  done
  pid=$(nginx_pid) || pid=""
  status_row nginx "$pid" "$PORT_NGINX" "$(ok nginx_healthy)"
  pid=$(prom_pid) || pid=""
  status_row prometheus "$pid" "$PORT_PROMETHEUS" "$(ok prom_healthy)"
  if ((STATUS_DOWN > 0)); then
    note "$STATUS_DOWN component(s) down ($STACK_MODE mode); ./stack up starts them, ./stack logs <component> shows why"
    QUIET_EXIT=1 # that line says it all
    exit 1
  fi
}
