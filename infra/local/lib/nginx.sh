# shellcheck shell=bash
# nginx in front of the gateway replicas, configured from infra/nginx/tablestack.conf.template.

NGINX_TEMPLATE=$STACK_ROOT/infra/nginx/tablestack.conf.template

nginx_conf() { printf '%s/nginx.conf\n' "$NGINX_DIR"; }
# The master's title is "nginx: master process <binary> -p ... -c <conf>": match on our conf path.
nginx_pid() { pidfile_pid "$NGINX_DIR/nginx.pid" "$(nginx_conf)"; }
nginx_healthy() { http_200 "http://127.0.0.1:$PORT_NGINX/_nginx/health"; }
# -e: the error log nginx uses before it has read the config (default /var/log/nginx/error.log).
nginx_cmd() { "$NGINX_BIN" -p "$NGINX_DIR/" -e "$NGINX_DIR/logs/error.log" "$@"; }

# nginx_render FILE: the template with every @@TOKEN@@ replaced.
nginx_render() {
  local out app i token servers user_directive=""
  out=$(<"$NGINX_TEMPLATE")
  if ((EUID == 0)); then
    # Running as root, workers would switch to `nobody`, which cannot reach the temp dirs inside the
    # repo (often in a 700 directory); they run as root instead. Loopback-only, local use only.
    user_directive="# Workers run as root (./stack runs as root): as nobody they could not reach the temp dirs
# under the repo, which often lives in a mode-700 directory. Loopback-only, local use.
user root;"
  fi
  out=${out//@@USER_DIRECTIVE@@/"$user_directive"}
  out=${out//@@NGINX_DIR@@/"$NGINX_DIR"}
  out=${out//@@LISTEN@@/"127.0.0.1:$PORT_NGINX"}
  nginx_cors_map_lines # in this shell, not $(...): its die must end ./stack
  out=${out//@@CORS_ORIGINS@@/"$NGINX_CORS_LINES"}
  for app in "${APPS[@]}"; do
    servers=""
    for ((i = 0; i < STACK_REPLICAS; i++)); do
      servers+="        server 127.0.0.1:$(app_port "$app" "$i") max_fails=2 fail_timeout=5s;"$'\n'
    done
    token=SERVERS_${app//-/_}
    token=${token^^}
    out=${out//@@$token@@/"${servers%$'\n'}"}
  done
  if [[ $out =~ @@[A-Z_]+@@ ]]; then die "unknown placeholder ${BASH_REMATCH[0]} in $(rel "$NGINX_TEMPLATE")"; fi
  printf '%s\n' "$out" >"$1"
}

# The map lines of the preflight origins: CORS_ORIGINS (comma-separated, as the gateway reads it) from
# ./stack's own environment, which the apps inherit too. Anything but scheme://host[:port] is refused:
# it would end up inside nginx.conf. Sets NGINX_CORS_LINES.
nginx_cors_map_lines() {
  local origin lines=()
  local -a origins
  IFS=, read -ra origins <<<"${CORS_ORIGINS:-}"
  for origin in "${origins[@]}"; do
    origin=${origin//[[:space:]]/}
    [[ -n $origin ]] || continue
    [[ $origin =~ ^https?://[A-Za-z0-9.-]+(:[0-9]+)?$ ]] || die "CORS_ORIGINS: '$origin' is not an origin (scheme://host[:port])"
    lines+=("        \"$origin\" \$http_origin;")
  done
  NGINX_CORS_LINES=""
  if ((${#lines[@]} > 0)); then printf -v NGINX_CORS_LINES '%s\n' "${lines[@]}"; fi
  NGINX_CORS_LINES=${NGINX_CORS_LINES%$'\n'}
}

# nginx_test FILE: nginx -t on FILE, dying with nginx's own message when it is invalid.
nginx_test() {
  local log=$LOG_DIR/nginx-test.log
  nginx_cmd -t -c "$1" >"$log" 2>&1 </dev/null ||
    die "nginx -t rejected $(rel "$1"): $(grep -m1 emerg "$log" || tail -n1 "$log")" "$log"
}

nginx_up() {
  local conf new state pid
  conf=$(nginx_conf)
  new=$conf.new
  mkdir -p "$NGINX_DIR"/{logs,tmp}
  nginx_render "$new"
  if pid=$(nginx_pid) && nginx_healthy; then
    if cmp -s "$new" "$conf"; then
      rm -f "$new"
      state="running"
    else
      nginx_test "$new"
      mv "$new" "$conf"
      nginx_cmd -c "$conf" -s reload >>"$LOG_DIR/nginx-test.log" 2>&1 </dev/null ||
        die "nginx -s reload failed; see $(rel "$NGINX_DIR/logs/error.log")" "$NGINX_DIR/logs/error.log"
      state="reloaded (config changed)"
    fi
  else
    [[ -z ${pid:-} ]] || stop_pid "$pid" 10 # alive but not answering
    mv "$new" "$conf"
    nginx_test "$conf"
    # nginx daemonizes itself (own session); the master writes nginx.pid.
    nginx_cmd -c "$conf" >>"$NGINX_DIR/logs/error.log" 2>&1 </dev/null ||
      die "nginx did not start on port $PORT_NGINX; see $(rel "$NGINX_DIR/logs/error.log")" "$NGINX_DIR/logs/error.log"
    STARTED+=(nginx)
    wait_for 10 nginx_healthy ||
      die "nginx did not answer on port $PORT_NGINX within 10 s; see $(rel "$NGINX_DIR/logs/error.log")" "$NGINX_DIR/logs/error.log"
    state="started"
  fi
  step nginx "$state  127.0.0.1:$PORT_NGINX"
}

nginx_stop() {
  local pid
  pid=$(nginx_pid) || return 1
  stop_pid "$pid" 10 # SIGTERM = fast shutdown of master and workers
}
