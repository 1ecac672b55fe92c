# shellcheck shell=bash
# Redis 7: one server on loopback with a generated config. No persistence in test mode; AOF in dev
# mode so queues and sessions survive a ./stack down / up.

redis_pid() { pidfile_pid "$REDIS_DIR/redis.pid" redis-server; }
redis_ping() { [[ $(timeout 3 "$REDIS_CLI" -h 127.0.0.1 -p "$PORT_REDIS" ping 2>/dev/null) == PONG ]]; }

redis_write_conf() {
  {
    echo "# Written by ./stack before every start."
    echo "bind 127.0.0.1"
    echo "port $PORT_REDIS"
    echo "protected-mode yes"
    echo "daemonize yes"
    echo "pidfile $REDIS_DIR/redis.pid"
    echo "logfile $LOG_DIR/redis.log"
    echo "dir $REDIS_DIR/data"
    echo "maxmemory-policy noeviction" # BullMQ loses jobs if Redis may evict keys
    if [[ $STACK_MODE == test ]]; then
      echo 'save ""'
      echo "appendonly no"
    else
      echo 'save ""' # the AOF is enough
      echo "appendonly yes"
      echo "appendfsync everysec"
    fi
  } >"$REDIS_DIR/redis.conf"
}

redis_up() {
  local pid state=running
  if pid=$(redis_pid) && ! wait_for 5 redis_ping; then
    stop_pid "$pid" 10 # alive but not answering: start it afresh
  fi
  if ! redis_ping; then
    mkdir -p "$REDIS_DIR/data"
    redis_write_conf
    "$REDIS_SERVER" "$REDIS_DIR/redis.conf" >>"$LOG_DIR/redis.log" 2>&1 </dev/null ||
      die "redis-server did not start on port $PORT_REDIS; see $(rel "$LOG_DIR/redis.log")" "$LOG_DIR/redis.log"
    STARTED+=(redis)
    wait_for 10 redis_ping ||
      die "redis did not answer PING on port $PORT_REDIS within 10 s; see $(rel "$LOG_DIR/redis.log")" "$LOG_DIR/redis.log"
    state=started
  fi
  step redis "$state  127.0.0.1:$PORT_REDIS"
}

redis_stop() {
  local pid
  pid=$(redis_pid) || return 1
  stop_pid "$pid" 15 # SIGTERM: redis flushes the AOF and exits
}
