#!/usr/bin/env bash
# Smoke test for the offline schema engine shim (schema-engine.mjs).
#
#   packages/db/schema-engine/smoke.sh [DATABASE_URL]     (or DATABASE_URL in the env)
#
# DATABASE_URL must point at a Postgres server with a role that may CREATE/DROP
# DATABASE. Its own database is never touched: the test works on two throwaway
# databases on the same server, <db>_smoke_dev_<rand> and <db>_smoke_deploy_<rand>,
# and drops them at the end. Scratch files live in a mktemp dir under /tmp.
#
# Steps: migrate dev --name init (with shadow DB) -> migrate status -> change the
# schema -> migrate dev --name second -> migrate dev --create-only third ->
# migrate status (pending, must exit 1) -> migrate deploy on a fresh database ->
# psql checks -> migrate status -> migrate reset --force -> no shadow DB leaked.
# Exits non-zero on the first failure.
#
# Optional env: PRISMA_BIN (path to prisma/build/index.js; default: resolved from
# this folder, then from the current directory), KEEP_SMOKE_DIR=1 (keep the
# scratch dir and databases for inspection).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
DATABASE_URL="${1:-${DATABASE_URL:-}}"
if [[ -z "$DATABASE_URL" ]]; then
  echo "usage: $0 <postgres DATABASE_URL>   (or set DATABASE_URL)" >&2
  exit 2
fi
command -v psql >/dev/null || { echo "smoke: psql not found (apt-get install postgresql-client)" >&2; exit 2; }
command -v node >/dev/null || { echo "smoke: node not found" >&2; exit 2; }

resolve_prisma() {
  node -e '
    const { createRequire } = require("node:module");
    for (const base of process.argv.slice(1)) {
      try { console.log(createRequire(base + "/x.js").resolve("prisma/build/index.js")); process.exit(0) } catch {}
    }
    process.exit(1)' "$HERE" "$PWD"
}
PRISMA_BIN="${PRISMA_BIN:-$(resolve_prisma || true)}"
if [[ -z "$PRISMA_BIN" || ! -f "$PRISMA_BIN" ]]; then
  echo "smoke: cannot find the prisma CLI (prisma/build/index.js); install packages/db deps or set PRISMA_BIN" >&2
  exit 2
fi

# url_with_db URL NAME [psql]: same server/credentials, other database. With
# "psql", Prisma-only query params (schema, connection_limit, ...) are dropped.
url_with_db() {
  node -e '
    const [raw, db, mode] = process.argv.slice(1)
    const u = new URL(raw)
    u.pathname = "/" + encodeURIComponent(db)
    if (mode === "psql") for (const k of [...u.searchParams.keys()]) if (k !== "sslmode") u.searchParams.delete(k)
    console.log(u.toString())' "$@"
}
BASE_DB="$(node -e 'console.log(decodeURIComponent(new URL(process.argv[1]).pathname.slice(1)) || "postgres")' "$DATABASE_URL")"
SUFFIX="$(date +%s)_$$"
DEV_DB="${BASE_DB}_smoke_dev_${SUFFIX}"
DEPLOY_DB="${BASE_DB}_smoke_deploy_${SUFFIX}"
DEV_URL="$(url_with_db "$DATABASE_URL" "$DEV_DB")"
DEPLOY_URL="$(url_with_db "$DATABASE_URL" "$DEPLOY_DB")"
ADMIN_PSQL_URL="$(url_with_db "$DATABASE_URL" postgres psql)"
DEV_PSQL_URL="$(url_with_db "$DATABASE_URL" "$DEV_DB" psql)"
DEPLOY_PSQL_URL="$(url_with_db "$DATABASE_URL" "$DEPLOY_DB" psql)"

WORK="$(mktemp -d /tmp/schema-engine-smoke.XXXXXX)"
LOG="$WORK/smoke.log"
cleanup() {
  local rc=$?
  if [[ "${KEEP_SMOKE_DIR:-}" == 1 ]]; then
    echo "smoke: kept $WORK and databases $DEV_DB, $DEPLOY_DB"
  else
    for db in "$DEV_DB" "$DEPLOY_DB"; do
      psql "$ADMIN_PSQL_URL" -qAtc "DROP DATABASE IF EXISTS \"$db\" WITH (FORCE)" >/dev/null 2>&1 || true
    done
    rm -rf "$WORK"
  fi
  if [[ $rc -eq 0 ]]; then echo "smoke: PASS"; else echo "smoke: FAIL (exit $rc)" >&2; fi
}
trap cleanup EXIT

export PRISMA_SCHEMA_ENGINE_BINARY="$HERE/schema-engine.mjs"
export PRISMA_ENGINES_CHECKSUM_IGNORE_MISSING=1
export CHECKPOINT_DISABLE=1
export PRISMA_HIDE_UPDATE_MESSAGE=1
export NO_COLOR=1

fail() { echo "smoke: FAILED: $*" >&2; echo "---- last output ----" >&2; tail -n 40 "$LOG" >&2 || true; exit 1; }

# prisma EXPECTED_EXIT ARGS...: run the CLI in the scratch project, keep its output in $LOG.
prisma() {
  local expected="$1"; shift
  echo "+ prisma $*" >>"$WORK/commands.log"
  set +e
  (cd "$WORK" && timeout 300 node "$PRISMA_BIN" "$@") >"$LOG" 2>&1
  local rc=$?
  set -e
  [[ $rc -eq $expected ]] || fail "prisma $* exited $rc (expected $expected)"
}
expect_output() { grep -qF -- "$1" "$LOG" || fail "expected output to contain: $1"; }
sql() { psql "$1" -v ON_ERROR_STOP=1 -qAtc "$2"; }
table_count() {
  sql "$1" "SELECT count(*) FROM information_schema.tables WHERE table_name IN ($2)"
}

# Scratch project. The config is a plain object (no `import 'prisma/config'`)
# so it loads even though /tmp has no node_modules.
mkdir -p "$WORK/prisma"
cat >"$WORK/prisma.config.ts" <<'EOF'
export default {
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  datasource: { url: process.env.DATABASE_URL },
}
EOF
cat >"$WORK/prisma/schema.prisma" <<'EOF'
datasource db {
  provider = "postgresql"
}

model Restaurant {
  id        Int        @id @default(autoincrement())
  name      String     @unique
  createdAt DateTime   @default(now())
  menuItems MenuItem[]
}

model MenuItem {
  id           Int        @id @default(autoincrement())
  restaurantId Int
  title        String
  priceCents   Int
  restaurant   Restaurant @relation(fields: [restaurantId], references: [id], onDelete: Cascade)

  @@index([restaurantId])
}
EOF

shadow_dbs() { sql "$ADMIN_PSQL_URL" "SELECT datname FROM pg_database WHERE datname LIKE 'prisma_migrate_shadow_db_%' ORDER BY 1"; }
SHADOWS_BEFORE="$(shadow_dbs)"

echo "smoke: prisma CLI $PRISMA_BIN"
echo "smoke: engine $(node "$PRISMA_SCHEMA_ENGINE_BINARY" --version)"
echo "smoke: scratch project $WORK, databases $DEV_DB / $DEPLOY_DB"

# 1. migrate dev (creates the dev database, uses a temporary shadow database)
export DATABASE_URL="$DEV_URL"
prisma 0 migrate dev --name init
expect_output "Your database is now in sync with your schema."
ls "$WORK"/prisma/migrations/*_init/migration.sql >/dev/null || fail "init migration not written"
echo "smoke: ok  migrate dev --name init"

# 2. migrate status: up to date
prisma 0 migrate status
expect_output "Database schema is up to date!"
echo "smoke: ok  migrate status (up to date)"

# 3. change the schema, second migration (replays init on a shadow database)
sed -i 's/^  priceCents   Int$/  priceCents   Int\n  available    Boolean    @default(true)/' "$WORK/prisma/schema.prisma"
cat >>"$WORK/prisma/schema.prisma" <<'EOF'

model Review {
  id     Int    @id @default(autoincrement())
  stars  Int
  body   String
  status String @default("new") @db.Char(3)
}
EOF
prisma 0 migrate dev --name second
expect_output "Your database is now in sync with your schema."
ls "$WORK"/prisma/migrations/*_second/migration.sql >/dev/null || fail "second migration not written"
grep -q '"available"' "$WORK"/prisma/migrations/*_second/migration.sql || fail "second migration lacks the new column"
echo "smoke: ok  migrate dev --name second"

# 4. a pending migration: status must report it and exit 1
cat >>"$WORK/prisma/schema.prisma" <<'EOF'

model Tag {
  id    Int    @id @default(autoincrement())
  label String
}
EOF
prisma 0 migrate dev --name third --create-only
# Hand-written SQL like real migrations have: a CHECK constraint (its
# pg_constraint.contype is a "char", which crashed the wasm engine before the
# Character mapping in lib/pg-adapter.mjs) and a function body with ';' inside.
cat >>"$(echo "$WORK"/prisma/migrations/*_third/migration.sql)" <<'EOF'

ALTER TABLE "Review" ADD CONSTRAINT "Review_stars_check" CHECK (stars BETWEEN 1 AND 5);
CREATE FUNCTION smoke_touch() RETURNS trigger AS $$
BEGIN
  NEW.stars := NEW.stars;
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;
EOF
prisma 1 migrate status
expect_output "have not yet been applied"
expect_output "_third"
echo "smoke: ok  migrate status (pending migration, exit 1)"

# 5. migrate deploy on a fresh database
export DATABASE_URL="$DEPLOY_URL"
start_ns=$(date +%s%N)
prisma 0 migrate deploy
end_ns=$(date +%s%N)
expect_output "All migrations have been successfully applied."
echo "smoke: ok  migrate deploy on a fresh database ($(( (end_ns - start_ns) / 1000000 )) ms incl. CLI start-up)"

n=$(table_count "$DEPLOY_PSQL_URL" "'Restaurant','MenuItem','Review','Tag','_prisma_migrations'")
[[ "$n" == 5 ]] || fail "deploy database has $n of 5 expected tables"
applied=$(sql "$DEPLOY_PSQL_URL" "SELECT count(*) FROM _prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL")
[[ "$applied" == 3 ]] || fail "deploy database has $applied applied migrations, expected 3"
col=$(sql "$DEPLOY_PSQL_URL" "SELECT count(*) FROM information_schema.columns WHERE table_name = 'MenuItem' AND column_name = 'available'")
[[ "$col" == 1 ]] || fail "MenuItem.available missing after deploy"
chk=$(sql "$DEPLOY_PSQL_URL" "SELECT count(*) FROM pg_constraint WHERE conname = 'Review_stars_check'")
[[ "$chk" == 1 ]] || fail "hand-written CHECK constraint missing after deploy"
echo "smoke: ok  psql: tables Restaurant, MenuItem, Review, Tag, _prisma_migrations exist; 3 migrations applied"

prisma 0 migrate status
expect_output "Database schema is up to date!"
echo "smoke: ok  migrate status on the deployed database"

# 6. back on the dev database: apply the pending migration, then reset
export DATABASE_URL="$DEV_URL"
prisma 0 migrate deploy
sql "$DEV_PSQL_URL" "INSERT INTO \"Restaurant\"(name) VALUES ('smoke')" >/dev/null
prisma 0 migrate reset --force
rows=$(sql "$DEV_PSQL_URL" "SELECT count(*) FROM \"Restaurant\"")
[[ "$rows" == 0 ]] || fail "migrate reset left $rows rows"
n=$(table_count "$DEV_PSQL_URL" "'Restaurant','MenuItem','Review','Tag','_prisma_migrations'")
[[ "$n" == 5 ]] || fail "dev database has $n of 5 expected tables after reset"
echo "smoke: ok  migrate reset --force"

# 6b. nothing to do: describes the dev database and a shadow database replaying
#     all three migrations (CHECK constraint and function included)
prisma 0 migrate dev --name noop
expect_output "Already in sync"
echo "smoke: ok  migrate dev with no changes (shadow replay of hand-written SQL)"

# 7. no temporary shadow database left behind (compared with the list taken at
#    the start, so shadow databases of unrelated runs on a shared server don't count)
leaked=""
for _ in 1 2 3; do
  leaked=$(comm -13 <(echo "$SHADOWS_BEFORE" | LC_ALL=C sort) <(shadow_dbs | LC_ALL=C sort))
  [[ -z "$leaked" ]] && break
  sleep 2
done
[[ -z "$leaked" ]] || fail "shadow database(s) left behind: $leaked"
echo "smoke: ok  no shadow database leaked"
