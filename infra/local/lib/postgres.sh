# shellcheck shell=bash
# PostgreSQL: a primary and two hot-standby replicas made with pg_basebackup -R, each streaming over
# its own physical replication slot. Data dirs: .stack/<mode>/pg/<server>; sockets: .stack/<mode>/pg/run.

PG_REPLICAS=(replica1 replica2)
PG_USER=tablestack
PG_PASSWORD=tablestack # loopback-only throwaway cluster; the password is in DATABASE_URL anyway
PG_DB=tablestack

pg_port() {
  case $1 in
    primary) echo "$PORT_PG_PRIMARY" ;;
    replica1) echo "$PORT_PG_REPLICA1" ;;
    replica2) echo "$PORT_PG_REPLICA2" ;;
  esac
}
pg_data() { printf '%s/%s\n' "$PG_DIR" "$1"; }
pg_log() { printf '%s/pg-%s.log\n' "$LOG_DIR" "$1"; }
pg_url() { printf 'postgresql://%s:%s@127.0.0.1:%s/%s\n' "$PG_USER" "$PG_PASSWORD" "$(pg_port "$1")" "$PG_DB"; }
pg_pid() { pidfile_pid "$(pg_data "$1")/postmaster.pid" "$(pg_data "$1")"; }
pg_ready() { "$PG_BIN/pg_isready" -q -t 2 -h 127.0.0.1 -p "$(pg_port "$1")" 2>/dev/null; }

# Postgres refuses to run as root: as root, run its programs as the postgres user (from / so that an
# unreadable working directory does not matter).
as_pg() {
  if ((EUID == 0)); then (cd / && runuser -u postgres -- "$@"); else "$@"; fi
}
own_pg() { if ((EUID == 0)); then chown postgres:postgres "$@"; fi; }

# pg_sql SERVER SQL: run SQL over the server's unix socket (trust auth), print unaligned tuples.
pg_sql() {
  "$PG_BIN/psql" -X -q -tA -v ON_ERROR_STOP=1 -h "$PG_SOCK" -p "$(pg_port "$1")" -U "$PG_USER" -d postgres -c "$2"
}
pg_streaming() { [[ $(pg_sql "$1" "select status from pg_stat_wal_receiver" 2>/dev/null) == streaming ]]; }

pg_prepare_dirs() {
  mkdir -p "$PG_SOCK"
  own_pg "$PG_DIR" "$PG_SOCK"
  chmod 700 "$PG_DIR"
  local sock="$PG_SOCK/.s.PGSQL.$PORT_PG_PRIMARY"
  ((${#sock} < 100)) || die "the postgres socket path $sock is too long for a unix socket; move the repo to a shorter path"
  pg_make_reachable
}

# The postgres user must be able to walk down to its data; a repo in a private dir (mktemp -d is
# 700, root) blocks it. Add search (o+x) permission where it is missing, top-down, and say so.
pg_make_reachable() {
  ((EUID == 0)) || return 0
  as_pg test -x "$PG_DIR" && return 0
  local path="" part fixed=()
  local -a parts
  IFS=/ read -ra parts <<<"${PG_DIR#/}"
  for part in "${parts[@]}"; do
    path+=/$part
    if ! as_pg test -x "$path"; then chmod o+x "$path" && fixed+=("$path"); fi
  done
  note "added o+x (search permission) to ${fixed[*]} so the postgres user can reach $(rel "$PG_DIR")"
}

# The settings ./stack owns, rewritten before every start (postgresql.conf includes this file).
pg_write_conf() {
  local name=$1 f
  f=$(pg_data "$name")/stack.conf
  {
    echo "# Written by ./stack before every start; local changes belong in postgresql.auto.conf."
    echo "listen_addresses = '127.0.0.1'"
    echo "port = $(pg_port "$name")"
    echo "unix_socket_directories = '$PG_SOCK'"
    echo "cluster_name = 'tablestack-$STACK_MODE-$name'" # = application_name in pg_stat_replication
    echo "max_connections = 200"                          # N replicas x pool size x 3 services + tests
    echo "wal_level = replica"
    echo "max_wal_senders = 10"
    echo "max_replication_slots = 10"
    echo "wal_keep_size = '256MB'"
    echo "hot_standby = on"
    echo "hot_standby_feedback = on" # long reads on a replica do not get cancelled by vacuum
    echo "password_encryption = 'scram-sha-256'"
    echo "log_line_prefix = '%m [%p] %q%u@%d '"
    if [[ $STACK_MODE == test ]]; then
      echo "# test mode: the data is thrown away after the run, durability only costs time"
      echo "fsync = off"
      echo "synchronous_commit = off"
      echo "full_page_writes = off"
    fi
  } >"$f"
  own_pg "$f"
}

pg_init_primary() {
  local data pwfile log
  data=$(pg_data primary)
  [[ -f $data/PG_VERSION ]] && return 0
  log=$LOG_DIR/pg-init.log
  pwfile=$PG_DIR/.pwfile
  printf '%s\n' "$PG_PASSWORD" >"$pwfile"
  own_pg "$pwfile"
  # Password (scram) for TCP, trust for the local socket; superuser `tablestack`.
  as_pg "$PG_BIN/initdb" -D "$data" -U "$PG_USER" --pwfile="$pwfile" --auth-local=trust \
    --auth-host=scram-sha-256 --encoding=UTF8 --locale=C.UTF-8 >>"$log" 2>&1 </dev/null ||
    { rm -f "$pwfile"; die "initdb failed; see $(rel "$log")" "$log"; }
  rm -f "$pwfile"
  echo "include 'stack.conf'" >>"$data/postgresql.conf"
}

# A replica is a base backup of the primary; -R writes standby.signal plus primary_conninfo and
# primary_slot_name, so it starts as a hot standby streaming over its slot.
pg_init_replica() {
  local name=$1 data log
  data=$(pg_data "$name")
  [[ -f $data/PG_VERSION ]] && return 0
  log=$LOG_DIR/pg-init.log
  as_pg env PGPASSWORD="$PG_PASSWORD" "$PG_BIN/pg_basebackup" -h 127.0.0.1 -p "$PORT_PG_PRIMARY" \
    -U "$PG_USER" -D "$data" -R -S "$name" -X stream -c fast >>"$log" 2>&1 </dev/null ||
    die "pg_basebackup for pg-$name failed; see $(rel "$log")" "$log"
}

# The database and one slot per replica; both idempotent.
pg_setup_primary() {
  [[ -n $(pg_sql primary "select 1 from pg_database where datname = '$PG_DB'") ]] ||
    pg_sql primary "create database $PG_DB" >/dev/null
  local r
  for r in "${PG_REPLICAS[@]}"; do
    pg_sql primary "select pg_create_physical_replication_slot('$r') where not exists
      (select 1 from pg_replication_slots where slot_name = '$r')" >/dev/null
  done
}

pg_start() {
  local name=$1 data log
  data=$(pg_data "$name")
  log=$(pg_log "$name")
  pg_write_conf "$name"
  if [[ $name != primary ]]; then # follow the primary if STACK_PORT_BASE moved since the base backup
    as_pg sed -i -E "/^primary_conninfo/s/port=[0-9]+/port=$PORT_PG_PRIMARY/" "$data/postgresql.auto.conf"
  fi
  touch "$log" && own_pg "$log"
  as_pg "$PG_BIN/pg_ctl" -D "$data" -l "$log" -w -t 60 start >>"$LOG_DIR/pg-ctl.log" 2>&1 </dev/null ||
    die "pg-$name did not start on port $(pg_port "$name"); see $(rel "$log")" "$log"
  STARTED+=("pg-$name")
}

# pg_up_server NAME: leave a healthy server alone, otherwise create and/or start it.
pg_up_server() {
  local name=$1 port
  port=$(pg_port "$name")
  if pg_pid "$name" >/dev/null; then
    # Running: it may still be recovering after a crash; give it a moment before giving up.
    wait_for 30 pg_ready "$name" ||
      die "pg-$name is running but not accepting connections on port $port; see $(rel "$(pg_log "$name")") or run ./stack down" "$(pg_log "$name")"
    PG_STATE=running
  else
    if [[ $name == primary ]]; then pg_init_primary; else pg_init_replica "$name"; fi
    pg_start "$name"
    PG_STATE=started
  fi
}

pg_up() {
  pg_prepare_dirs
  pg_up_server primary
  pg_setup_primary
  step pg-primary "$PG_STATE  127.0.0.1:$PORT_PG_PRIMARY"
  local r
  for r in "${PG_REPLICAS[@]}"; do
    pg_up_server "$r"
    wait_for 30 pg_streaming "$r" ||
      die "pg-$r runs but does not stream from the primary; see $(rel "$(pg_log "$r")")" "$(pg_log "$r")"
    step "pg-$r" "$PG_STATE  127.0.0.1:$(pg_port "$r") (streaming)"
  done
}

# pg_stop NAME: fast shutdown (rolls back open transactions, no waiting for clients). Returns 1 when
# the server was not running.
pg_stop() {
  local pid
  pid=$(pg_pid "$1") || return 1
  as_pg "$PG_BIN/pg_ctl" -D "$(pg_data "$1")" -m fast -w -t 60 stop >>"$LOG_DIR/pg-ctl.log" 2>&1 </dev/null ||
    stop_pid "$pid" 10
  return 0
}
