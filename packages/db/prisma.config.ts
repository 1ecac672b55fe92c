// Prisma 7 reads URLs from here, not from the schema. Migrations always run against the primary.
import { defineConfig } from 'prisma/config';

export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  datasource: {
    // `prisma generate` needs no database, so a placeholder keeps it working without env.
    url: process.env.DATABASE_URL ?? 'postgresql://unset@127.0.0.1:1/unset',
  },
});
