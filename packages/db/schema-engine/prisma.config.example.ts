// Example prisma.config.ts for running Prisma Migrate with the offline schema engine shim.
//
// Prisma 7 reads the datasource URLs from this file (not from schema.prisma). Nothing
// here is specific to the shim: the CLI passes `datasource` ({ url, shadowDatabaseUrl })
// to whatever PRISMA_SCHEMA_ENGINE_BINARY points at, and the shim uses it to build its
// @prisma/adapter-pg connections. Run the CLI with:
//
//   PRISMA_SCHEMA_ENGINE_BINARY=packages/db/schema-engine/schema-engine.mjs \
//   PRISMA_ENGINES_CHECKSUM_IGNORE_MISSING=1 \
//   pnpm exec prisma migrate dev|deploy|status|reset|diff ...
import { defineConfig } from 'prisma/config';

export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  datasource: {
    // `?schema=<name>` is honoured (search_path + the schema Prisma migrates).
    url: process.env.DATABASE_URL ?? 'postgresql://unset@127.0.0.1:1/unset',
    // Optional. Without it, `migrate dev` / `migrate diff --from-migrations` create a
    // temporary `prisma_migrate_shadow_db_<uuid>` database on the same server (the role
    // needs CREATEDB) and drop it afterwards. With it, that database is wiped
    // (DROP SCHEMA ... CASCADE) and reused; it must not be the main database.
    shadowDatabaseUrl: process.env.SHADOW_DATABASE_URL,
  },
});
