# shellcheck shell=bash
# Shared helpers for ./stack: output, failure handling, locking, pid files and waiting.

# ---- output -----------------------------------------------------------------------------------------
# Commands print one short line per step; the details of every step go to files in $LOG_DIR.
step() { printf '  %-20s %s\n' "$1" "$2"; }
note() { printf 'stack: %s\n' "$*"; }
warn() { printf 'stack: warning: %s\n' "$*" >&2; }
rel() { printf '%s\n' "${1#"$STACK_ROOT"/}"; } # repo-relative path, for messages

# ---- failure handling -------------------------------------------------------------------------------
# die MESSAGE [LOGFILE]: remember the message and exit. The EXIT trap then runs the cleanup hooks
# (e.g. stops what this `up` started) and prints the tail of LOGFILE followed by MESSAGE, so the last
# line the user sees is always the one that says what happened and what to do.
die() {
  STACK_ERROR=$1
  STACK_ERROR_LOG=${2:-}
  exit 1
}

# Hooks run by the EXIT trap, in order, with the exit status as $1 (registered by up and test).
EXIT_HOOKS=()

on_err() { # remember the command that tripped `set -e`, for the message of an unexpected failure
  FAILED_CMD=$BASH_COMMAND
  FAILED_AT="${BASH_SOURCE[1]#"$STACK_ROOT"/}:${BASH_LINENO[0]}"
}

on_exit() {
  local rc=$? hook
  trap - ERR EXIT
  set +e
  for hook in "${EXIT_HOOKS[@]}"; do "$hook" "$rc"; done
  release_lock
  if ((rc != 0)) && [[ -z ${QUIET_EXIT:-} ]]; then
    if [[ -n ${STACK_ERROR:-} ]]; then
      if [[ -n ${STACK_ERROR_LOG:-} && -s $STACK_ERROR_LOG ]]; then
        printf '    | %s\n' "==> $(rel "$STACK_ERROR_LOG") (last lines)" >&2
        # Only this run's part of an appended log: what follows the last "==== " start marker.
        awk '/^==== /{n=0; delete buf} {buf[++n]=$0} END{for(i=1;i<=n;i++) print buf[i]}' "$STACK_ERROR_LOG" |
          tail -n 15 | sed 's/^/    | /' >&2
      fi
      printf 'stack: %s\n' "$STACK_ERROR" >&2
    elif ((rc == 130 || rc == 143)); then
      printf 'stack: interrupted\n' >&2
    else
      printf "stack: unexpected failure of '%s' (exit %d) at %s; details in %s\n" \
        "${FAILED_CMD:-?}" "$rc" "${FAILED_AT:-?}" "$(rel "${LOG_DIR:-$STACK_ROOT/.stack}")" >&2
    fi
  fi
  exit "$rc"
}

install_traps() {
  set -E # let functions and subshells inherit the ERR trap
  trap on_err ERR
  trap on_exit EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
}

# ---- one command per mode at a time -----------------------------------------------------------------
# A directory lock rather than flock: an flock'ed fd would be inherited by every server we start and
# keep the lock held for as long as they run.
acquire_lock() {
  local dir=$STACK_ROOT/.stack/.lock-$STACK_MODE other=""
  mkdir -p "$STACK_ROOT/.stack"
  if ! mkdir "$dir" 2>/dev/null; then
    other=$(cat "$dir/pid" 2>/dev/null || true)
    if [[ -n $other ]] && kill -0 "$other" 2>/dev/null; then
      die "another ./stack command (pid $other) is working on the $STACK_MODE stack; wait for it to finish"
    fi
    rm -rf "$dir" && mkdir "$dir" # left behind by a run that was killed
  fi
  echo $$ >"$dir/pid"
  LOCK_DIR=$dir
}
release_lock() { if [[ -n ${LOCK_DIR:-} ]]; then rm -rf "$LOCK_DIR"; LOCK_DIR=""; fi; }

# ---- processes --------------------------------------------------------------------------------------
# alive PID: the process exists and is not a zombie (a child we started and that died stays a zombie
# until reaped, and kill -0 would still succeed on it).
alive() {
  local stat
  [[ $1 =~ ^[0-9]+$ ]] && stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
  stat=${stat##*) }
  [[ ${stat:0:1} != Z ]]
}

# proc_matches PID PATTERN: PID is alive and PATTERN occurs in its command line or environment.
# Guards against pid files whose pid was recycled by an unrelated process (e.g. after a reboot).
proc_matches() {
  local text
  alive "$1" || return 1
  # (no `| grep -q`: with pipefail, grep quitting early makes the writer die of SIGPIPE and fail)
  text=$(tr '\0' '\n' <"/proc/$1/cmdline" 2>/dev/null; tr '\0' '\n' <"/proc/$1/environ" 2>/dev/null) || true
  [[ $text == *"$2"* ]]
}

# pidfile_pid FILE PATTERN: print the pid recorded on the first line of FILE if that process is ours.
pidfile_pid() {
  local pid=""
  [[ -r $1 ]] || return 1
  read -r pid <"$1" || true
  proc_matches "$pid" "$2" || return 1
  printf '%s\n' "$pid"
}

# stop_pid PID [SECONDS]: SIGTERM (to its whole process group when it leads one, so nothing it spawned
# survives), wait up to SECONDS, then SIGKILL.
stop_pid() {
  local pid=$1 timeout=${2:-15} stat pgrp target
  alive "$pid" || return 0
  stat=$(cat "/proc/$pid/stat" 2>/dev/null) || return 0
  read -r _ _ pgrp _ <<<"${stat##*) }"
  target=$pid
  [[ $pgrp == "$pid" ]] && target=-$pid
  kill -TERM -- "$target" 2>/dev/null || true
  wait_for "$timeout" not alive "$pid" || kill -KILL -- "$target" 2>/dev/null || true
  wait_for 5 not alive "$pid" || true
  # Leftovers of the group (children that ignored SIGTERM) go too.
  if [[ $target == -* ]]; then kill -KILL -- "$target" 2>/dev/null || true; fi
}

not() { ! "$@"; }

# wait_for SECONDS CMD...: run CMD every 0.2 s until it succeeds (0) or SECONDS pass (1).
wait_for() {
  local deadline=$((SECONDS + $1))
  shift
  until "$@"; do
    ((SECONDS < deadline)) || return 1
    sleep 0.2
  done
}

# http_200 URL: the URL answers 200 within 2 seconds.
http_200() {
  [[ $(curl -s -o /dev/null -m 2 -w '%{http_code}' "$1" 2>/dev/null) == 200 ]]
}
