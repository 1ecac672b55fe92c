# shellcheck shell=bash
# SMTP sink: maildev (installed into .stack/tools by install.sh). Apps send to SMTP_URL; tests read
# what arrived with GET $MAIL_API_URL/email.

maildev_pid() { pidfile_pid "$RUN_DIR/maildev.pid" "STACK_INSTANCE=$STACK_MODE/maildev"; }
maildev_healthy() { http_200 "http://127.0.0.1:$PORT_MAIL_WEB/healthz" && port_in_use "$PORT_SMTP"; }

maildev_up() {
  local pid state=running log=$LOG_DIR/maildev.log
  if pid=$(maildev_pid) && ! wait_for 5 maildev_healthy; then stop_pid "$pid" 5; fi
  if ! maildev_pid >/dev/null; then
    mkdir -p "$MAILDEV_DIR/mail" "$RUN_DIR"
    # setsid: own session and process group, so a Ctrl-C in the terminal does not reach it and
    # stop_pid can signal everything it spawned. STACK_INSTANCE marks the process as ours.
    STACK_INSTANCE=$STACK_MODE/maildev setsid node "$TOOLS_DIR/node_modules/maildev/bin/maildev" \
      --smtp "$PORT_SMTP" --web "$PORT_MAIL_WEB" --ip 127.0.0.1 --web-ip 127.0.0.1 \
      --mail-directory "$MAILDEV_DIR/mail" >>"$log" 2>&1 </dev/null &
    echo $! >"$RUN_DIR/maildev.pid"
    STARTED+=(maildev)
    wait_for 20 maildev_healthy ||
      die "maildev did not come up on ports $PORT_SMTP/$PORT_MAIL_WEB within 20 s; see $(rel "$log")" "$log"
    state=started
  fi
  step maildev "$state  smtp 127.0.0.1:$PORT_SMTP, web 127.0.0.1:$PORT_MAIL_WEB"
}

maildev_stop() {
  local pid
  pid=$(maildev_pid) || return 1
  stop_pid "$pid" 5
  rm -f "$RUN_DIR/maildev.pid"
}
