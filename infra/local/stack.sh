#!/usr/bin/env bash
# ./stack: runs Tablestack locally on loopback ports without Docker. See infra/local/README.md.
# This file only sets up paths and dispatches; the work is in lib/*.sh.
set -Eeuo pipefail
# shellcheck source-path=SCRIPTDIR

STACK_LOCAL=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
STACK_ROOT=$(cd "$STACK_LOCAL/../.." && pwd)

# shellcheck source=SCRIPTDIR/lib/common.sh
. "$STACK_LOCAL/lib/common.sh"
# shellcheck source=SCRIPTDIR/lib/ports.sh
. "$STACK_LOCAL/lib/ports.sh"
# shellcheck source=SCRIPTDIR/lib/install.sh
. "$STACK_LOCAL/lib/install.sh"
# shellcheck source=SCRIPTDIR/lib/postgres.sh
. "$STACK_LOCAL/lib/postgres.sh"
# shellcheck source=SCRIPTDIR/lib/redis.sh
. "$STACK_LOCAL/lib/redis.sh"
# shellcheck source=SCRIPTDIR/lib/maildev.sh
. "$STACK_LOCAL/lib/maildev.sh"
# shellcheck source=SCRIPTDIR/lib/apps.sh
. "$STACK_LOCAL/lib/apps.sh"
# shellcheck source=SCRIPTDIR/lib/nginx.sh
. "$STACK_LOCAL/lib/nginx.sh"
# shellcheck source=SCRIPTDIR/lib/prometheus.sh
. "$STACK_LOCAL/lib/prometheus.sh"
# shellcheck source=SCRIPTDIR/lib/envfile.sh
. "$STACK_LOCAL/lib/envfile.sh"
# shellcheck source=SCRIPTDIR/lib/status.sh
. "$STACK_LOCAL/lib/status.sh"
# shellcheck source=SCRIPTDIR/lib/commands.sh
. "$STACK_LOCAL/lib/commands.sh"
# shellcheck source=SCRIPTDIR/lib/testrun.sh
. "$STACK_LOCAL/lib/testrun.sh"

usage() {
  cat <<'USAGE'
usage: ./stack <command>
  up              install what is missing, build, start everything (idempotent)
  down            stop everything this mode started (data is kept)
  status          health of every component; exit 0 only if all are healthy
  logs [-f] [c]   last 100 lines of the logs (of component c: pg, redis, maildev, nginx, prometheus, gateway, ...)
  reset           down, then delete .stack/<mode>
  env             print the path of the env file: set -a; . "$(./stack env)"
  test            run every test against a fresh test stack, then stop it
  doctor [--json] check the running stack against the performance checklist; exit 1 on a fail
env: STACK_MODE=dev|test (default dev), STACK_PORT_BASE (dev 55000, test 56000), STACK_REPLICAS (2)
USAGE
}

# Paths of one mode; everything it writes stays in .stack/<mode> (gitignored).
init_mode() {
  case $STACK_MODE in
    dev) APP_NODE_ENV=development ;;
    test) APP_NODE_ENV="test" ;;
    *) die "STACK_MODE=$STACK_MODE is not dev or test" ;;
  esac
  STACK_DIR=$STACK_ROOT/.stack/$STACK_MODE
  LOG_DIR=$STACK_DIR/logs
  RUN_DIR=$STACK_DIR/run
  PG_DIR=$STACK_DIR/pg
  PG_SOCK=$PG_DIR/run
  REDIS_DIR=$STACK_DIR/redis
  MAILDEV_DIR=$STACK_DIR/maildev
  NGINX_DIR=$STACK_DIR/nginx
  PROM_DIR=$STACK_DIR/prometheus
  ENV_FILE=$STACK_DIR/stack.env
  TOOLS_DIR=$STACK_ROOT/.stack/tools # shared by both modes, survives reset
  resolve_layout
  find_binaries
}

main() {
  local cmd=${1:-help}
  shift || true
  install_traps
  cd "$STACK_ROOT"
  export TURBO_TELEMETRY_DISABLED=1 TURBO_NO_UPDATE_NOTIFIER=1 DO_NOT_TRACK=1
  if [[ $cmd == test ]]; then STACK_MODE="test"; fi # test always uses its own stack
  STACK_MODE=${STACK_MODE:-dev}
  case $cmd in
    up | down | status | logs | reset | env | test | doctor) init_mode ;;
    help | -h | --help) usage && return 0 ;;
    *) usage >&2 && QUIET_EXIT=1 && exit 2 ;;
  esac
  "cmd_$cmd" "$@"
}

main "$@"
