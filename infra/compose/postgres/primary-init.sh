#!/usr/bin/env bash
# Runs once, when the official postgres image initialises an empty data directory
# (/docker-entrypoint-initdb.d): the replication role, one physical slot per replica, and the
# statement timeout of the app role (PgBouncer drops the one the apps send; see docker-compose.scaling.yml).
set -euo pipefail
: "${REPLICATION_PASSWORD:?REPLICATION_PASSWORD must be set}"
timeout_ms=${APP_STATEMENT_TIMEOUT_MS:-5000}
[[ $timeout_ms =~ ^[0-9]+$ ]] || { echo "APP_STATEMENT_TIMEOUT_MS must be a number of milliseconds" >&2; exit 1; }

psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
  -v app_role="$POSTGRES_USER" -v replication_password="$REPLICATION_PASSWORD" -v timeout_ms="$timeout_ms" <<'SQL'
CREATE ROLE replicator WITH REPLICATION LOGIN PASSWORD :'replication_password';
-- Slots keep the WAL a replica still needs, so a replica that was down catches up instead of
-- needing a new base backup (watch pg_replication_slots: a dead replica's slot keeps WAL forever).
SELECT pg_create_physical_replication_slot('replica1');
SELECT pg_create_physical_replication_slot('replica2');
ALTER ROLE :"app_role" SET statement_timeout = :timeout_ms;
SQL

# The image's pg_hba.conf allows `all` databases over TCP, which does not cover replication.
echo "host replication replicator all scram-sha-256" >>"$PGDATA/pg_hba.conf"
