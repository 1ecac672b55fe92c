# shellcheck shell=bash
# ./stack test: the project's one test command (README, .ci/run). A fresh test stack (mode test, its
# own ports and data), unit tests, integration tests against it, the stack stopped again whatever
# happens, and a summary whose last line is "tests: N passed, M failed".

# Exit hook: the test stack never outlives the run (success, failure or Ctrl-C).
stop_test_stack() {
  stop_all >>"$LOG_DIR/stack.log" 2>&1 || true
}

clear_reports() {
  rm -f "$STACK_ROOT"/{apps,packages,tests}/*/.reports/*.json
}

# run_turbo LABEL ARGS...: run a turbo task with the stack env exported; never exits, returns status.
run_turbo() {
  local label=$1 rc=0
  shift
  note "$label: pnpm turbo run $*"
  (
    set -a
    # shellcheck source=/dev/null
    . "$ENV_FILE"
    set +a
    cd "$STACK_ROOT" && pnpm turbo run "$@"
  ) </dev/null || rc=$?
  ((rc == 0)) || warn "$label failed (pnpm turbo run $*, exit $rc)"
  return "$rc"
}

# tests/infra runs promtool (Debian's prometheus package, only its CLI is used) on infra/prometheus.
ensure_promtool() {
  command -v promtool >/dev/null && return 0
  ((EUID == 0)) || die "missing promtool; run as root or: sudo apt-get install prometheus"
  apt_install prometheus >>"$LOG_DIR/install.log" 2>&1 || die "apt-get install prometheus failed" "$LOG_DIR/install.log"
}

cmd_test() {
  acquire_lock
  note "test: fresh test stack on ports $STACK_PORT_BASE-$((STACK_PORT_BASE + 999)), details in $(rel "$LOG_DIR")"
  find_binaries
  if [[ -d $STACK_DIR ]]; then stop_all >/dev/null 2>&1 || true; fi
  rm -rf "$STACK_DIR"
  ensure_dirs
  reserve_ports
  preflight_ports
  save_layout
  install_all
  ensure_promtool
  build_all
  clear_reports # stale reports must not count
  EXIT_HOOKS+=(stop_test_stack)
  start_stack

  local unit=0 integration=0 summary=0
  # --continue: one failing package must not hide the results of the others.
  run_turbo "unit tests" test --continue || unit=$?
  run_turbo "integration tests" test:integration --concurrency=1 --continue || integration=$?

  stop_test_stack
  note "test stack stopped (logs kept in $(rel "$STACK_DIR"))"
  node "$STACK_LOCAL/summarize-tests.mjs" || summary=$?
  if ((unit != 0 || integration != 0 || summary != 0)); then
    QUIET_EXIT=1 # the summary already says what failed
    exit 1
  fi
}
