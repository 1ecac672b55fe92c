# shellcheck shell=bash
# Prometheus (Debian's package): scrapes every replica of every app, with the rules of
# infra/prometheus/rules/*.yml. Config rendered from infra/prometheus/prometheus.local.yml.template into
# .stack/<mode>/prometheus/prometheus.yml; its TSDB lives next to it (short retention: local use).

PROM_TEMPLATE=$STACK_ROOT/infra/prometheus/prometheus.local.yml.template

prom_conf() { printf '%s/prometheus.yml\n' "$PROM_DIR"; }
prom_pid() { pidfile_pid "$RUN_DIR/prometheus.pid" "STACK_INSTANCE=$STACK_MODE/prometheus"; }
prom_healthy() { http_200 "http://127.0.0.1:$PORT_PROMETHEUS/-/ready"; }

# prom_targets APP: the app's replicas as a YAML flow list; [] when the app is not built.
prom_targets() {
  local i list=()
  if app_built "$1"; then
    for ((i = 0; i < STACK_REPLICAS; i++)); do list+=("'127.0.0.1:$(app_port "$1" "$i")'"); done
  fi
  local IFS=,
  printf '[%s]\n' "${list[*]}"
}

# prom_render FILE: the template with every @@TOKEN@@ replaced.
prom_render() {
  local out app token interval=15s
  [[ $STACK_MODE == test ]] && interval=5s # the targets test waits for one scrape of each
  out=$(<"$PROM_TEMPLATE")
  out=${out//@@MODE@@/"$STACK_MODE"}
  out=${out//@@SCRAPE_INTERVAL@@/"$interval"}
  out=${out//@@RULES_GLOB@@/"$STACK_ROOT/infra/prometheus/rules/*.yml"}
  out=${out//@@SELF@@/"127.0.0.1:$PORT_PROMETHEUS"}
  for app in "${APPS[@]}"; do
    token=TARGETS_${app//-/_}
    token=${token^^}
    out=${out//@@$token@@/"$(prom_targets "$app")"}
  done
  if [[ $out =~ @@[A-Z_]+@@ ]]; then die "unknown placeholder ${BASH_REMATCH[0]} in $(rel "$PROM_TEMPLATE")"; fi
  printf '%s\n' "$out" >"$1"
}

# prom_check FILE: promtool's verdict on the config and the rule files it loads.
prom_check() {
  local log=$LOG_DIR/prometheus-check.log
  "$PROMTOOL_BIN" check config "$1" >"$log" 2>&1 </dev/null ||
    die "promtool check config rejected $(rel "$1"): $(grep -m1 -iE 'error|failed' "$log" || tail -n1 "$log")" "$log"
}

prometheus_up() {
  local conf new pid state log=$LOG_DIR/prometheus.log
  conf=$(prom_conf)
  new=$conf.new
  mkdir -p "$PROM_DIR/data" "$RUN_DIR"
  prom_render "$new"
  prom_check "$new"
  if pid=$(prom_pid) && wait_for 5 prom_healthy; then
    if cmp -s "$new" "$conf"; then
      rm -f "$new"
      state=running
    else
      mv "$new" "$conf"
      kill -HUP "$pid" # reloads the config and the rule files
      state="reloaded (config changed)"
    fi
  else
    [[ -z ${pid:-} ]] || stop_pid "$pid" 10 # alive but not ready
    mv "$new" "$conf"
    printf '\n==== %s ./stack starts prometheus on port %s ====\n' "$(date -Is)" "$PORT_PROMETHEUS" >>"$log"
    # Small and short-lived on purpose: 1 day of data (2 h in test mode), no admin API. setsid and
    # STACK_INSTANCE: see maildev_up.
    local retention=1d
    [[ $STACK_MODE == test ]] && retention=2h
    STACK_INSTANCE=$STACK_MODE/prometheus setsid "$PROMETHEUS_BIN" \
      --config.file="$conf" \
      --storage.tsdb.path="$PROM_DIR/data" \
      --storage.tsdb.retention.time="$retention" \
      --web.listen-address="127.0.0.1:$PORT_PROMETHEUS" \
      --log.level=warn >>"$log" 2>&1 </dev/null &
    echo $! >"$RUN_DIR/prometheus.pid"
    STARTED+=(prometheus)
    wait_for 30 prom_healthy ||
      die "prometheus did not become ready on port $PORT_PROMETHEUS within 30 s; see $(rel "$log")" "$log"
    state=started
  fi
  step prometheus "$state  http://127.0.0.1:$PORT_PROMETHEUS"
}

prometheus_stop() {
  local pid
  pid=$(prom_pid) || return 1
  stop_pid "$pid" 15 # SIGTERM: flushes the head block and exits
  rm -f "$RUN_DIR/prometheus.pid"
}
