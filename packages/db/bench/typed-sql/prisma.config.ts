// `prisma generate --sql` for the bench's TypedSQL client. It connects to DATABASE_URL: Postgres
// describes each query in ./sql (parameter and column types), so there is no offline mode.
import { defineConfig } from 'prisma/config';

export default defineConfig({
  schema: 'schema.prisma',
  typedSql: { path: 'sql' },
  datasource: { url: process.env.DATABASE_URL ?? 'postgresql://unset@127.0.0.1:1/unset' },
});
