# shellcheck shell=bash
# .stack/<mode>/stack.env: where everything is, as KEY=value lines (no quotes, no spaces), readable by
# `set -a; . "$(./stack env)"`, by dotenv parsers and by node --env-file. Apps get all of it.

write_env_file() {
  local tmp=$ENV_FILE.tmp app var
  {
    echo "# Written by ./stack up ($STACK_MODE mode) on every start; edits are overwritten."
    echo "STACK_MODE=$STACK_MODE"
    echo "STACK_ENV_FILE=$ENV_FILE"
    echo "STACK_PORT_BASE=$STACK_PORT_BASE"
    echo "STACK_REPLICAS=$STACK_REPLICAS"
    echo "STACK_APPS=$(stack_apps)"
    echo "STACK_PUBLIC_URL=http://127.0.0.1:$PORT_NGINX"
    echo "DATABASE_URL=$(pg_url primary)"
    echo "DATABASE_REPLICA_URLS=$(pg_url replica1),$(pg_url replica2)"
    echo "REDIS_URL=redis://127.0.0.1:$PORT_REDIS"
    echo "SMTP_URL=smtp://127.0.0.1:$PORT_SMTP"
    echo "MAIL_API_URL=http://127.0.0.1:$PORT_MAIL_WEB"
    echo "POSTGRES_PORT=$PORT_PG_PRIMARY"
    echo "POSTGRES_REPLICA_PORTS=$PORT_PG_REPLICA1,$PORT_PG_REPLICA2"
    echo "REDIS_PORT=$PORT_REDIS"
    echo "SMTP_PORT=$PORT_SMTP"
    echo "NGINX_PORT=$PORT_NGINX"
    echo "PROMETHEUS_URL=http://127.0.0.1:$PORT_PROMETHEUS"
    echo "PROMETHEUS_PORT=$PORT_PROMETHEUS"
    # Uploaded photos and thumbnails: written by the restaurant-service and the worker, one dir per mode.
    echo "FILE_STORAGE_DIR=$STACK_DIR/files"
    # The worker's database dumps, made with the pg_dump of the server's own PostgreSQL package.
    echo "BACKUP_DIR=$STACK_DIR/backups"
    [[ -z ${PG_BIN:-} ]] || echo "PG_DUMP_PATH=$PG_BIN/pg_dump"
    # The gateway divides its rate limits by this while Redis is down (each replica enforces its share).
    echo "GATEWAY_REPLICAS=$STACK_REPLICAS"
    # Base URLs of every replica of every app (GATEWAY_URLS, USER_SERVICE_URLS, ...), for tests
    # that talk to a service directly; the gateway reads USER_SERVICE_URLS / RESTAURANT_SERVICE_URLS.
    for app in "${APPS[@]}"; do
      var=${app//-/_}
      echo "${var^^}_URLS=$(app_urls "$app")"
    done
  } >"$tmp"
  mv "$tmp" "$ENV_FILE"
  step env "$(rel "$ENV_FILE")"
}

# The apps this stack runs: those that are built (the others are skipped with a warning).
stack_apps() {
  local app list=()
  for app in "${APPS[@]}"; do app_built "$app" && list+=("$app"); done
  (IFS=,; echo "${list[*]}")
}

# Migrations (and, in dev mode, demo data) once packages/db provides the scripts.
db_script_exists() {
  [[ -f $STACK_ROOT/packages/db/package.json ]] &&
    node -e 'process.exit(require(process.argv[1]).scripts?.[process.argv[2]] ? 0 : 1)' \
      "$STACK_ROOT/packages/db/package.json" "$1"
}

db_run() {
  local script=$1 log=$LOG_DIR/db.log
  printf '\n==== %s pnpm --filter @tablestack/db run %s ====\n' "$(date -Is)" "$script" >>"$log"
  (
    set -a
    # shellcheck source=/dev/null
    . "$ENV_FILE"
    set +a
    export NODE_ENV=$APP_NODE_ENV
    cd "$STACK_ROOT" && pnpm --filter @tablestack/db run "$script"
  ) >>"$log" 2>&1 </dev/null || die "pnpm --filter @tablestack/db run $script failed; see $(rel "$log")" "$log"
}

db_prepare() {
  if ! db_script_exists db:migrate; then
    step migrations "skipped (no db:migrate script in packages/db yet)"
    return 0
  fi
  db_run db:migrate
  step migrations "ok (db:migrate)"
  if [[ $STACK_MODE == dev ]] && db_script_exists db:seed; then
    db_run db:seed
    step "demo data" "ok (db:seed)"
  fi
}
