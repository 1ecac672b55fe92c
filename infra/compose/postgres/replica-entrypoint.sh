#!/usr/bin/env bash
# Entrypoint of a streaming replica (official postgres image): on an empty data directory, wait for
# the primary and clone it with pg_basebackup -R (writes standby.signal and primary_conninfo) on this
# replica's slot; then hand over to the image's own entrypoint, which finds an initialised directory
# and starts postgres as a hot standby.
set -euo pipefail
: "${PRIMARY_HOST:?PRIMARY_HOST must be set}" "${REPLICA_SLOT:?REPLICA_SLOT must be set}"
: "${REPLICATION_PASSWORD:?REPLICATION_PASSWORD must be set}"
PGDATA=${PGDATA:-/var/lib/postgresql/data}

if [[ ! -s $PGDATA/PG_VERSION ]]; then
  mkdir -p "$PGDATA"
  chown postgres:postgres "$PGDATA"
  chmod 700 "$PGDATA"
  until pg_isready -q -h "$PRIMARY_HOST" -p 5432; do
    echo "replica $REPLICA_SLOT: waiting for $PRIMARY_HOST"
    sleep 1
  done
  echo "replica $REPLICA_SLOT: pg_basebackup from $PRIMARY_HOST"
  # gosu keeps the environment: PGPASSWORD reaches pg_basebackup, and -R writes it into
  # primary_conninfo so the standby can reconnect after a restart.
  PGPASSWORD=$REPLICATION_PASSWORD gosu postgres pg_basebackup \
    -h "$PRIMARY_HOST" -p 5432 -U replicator -D "$PGDATA" -S "$REPLICA_SLOT" -X stream -R --checkpoint=fast
fi

exec docker-entrypoint.sh "$@"
