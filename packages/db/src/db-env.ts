import { z } from 'zod';

const postgresUrl = z.url({ protocol: /^postgres(ql)?$/ });

/** Database variables of every process that talks to Postgres. Merge into the service's env schema. */
export const dbEnvSchema = z.object({
  /** The primary: writes, transactions, and reads that must see the latest write. */
  DATABASE_URL: postgresUrl,
  /** Streaming replicas for reads, comma-separated; empty means every read goes to the primary. */
  DATABASE_REPLICA_URLS: z
    .string()
    .default('')
    .transform((value) =>
      value
        .split(',')
        .map((url) => url.trim())
        .filter(Boolean),
    )
    .pipe(z.array(postgresUrl)),
  /** Connections per server (primary and each replica) in this process. */
  DB_POOL_SIZE: z.coerce.number().int().min(1).max(500).default(10),
  /** Milliseconds to wait for a free connection before failing with DB_POOL_EXHAUSTED (pg waits forever). */
  DB_POOL_TIMEOUT: z.coerce.number().int().min(1).max(60_000).default(2000),
  /** Milliseconds an idle connection is kept before it is closed. */
  DB_IDLE_TIMEOUT: z.coerce.number().int().min(0).max(3_600_000).default(30_000),
  /** Seconds after which a connection is recycled (closed when next released), 0 = never. */
  DB_MAX_LIFETIME: z.coerce.number().int().min(0).max(86_400).default(1800),
  /** Milliseconds a statement may run before Postgres cancels it. */
  DB_STATEMENT_TIMEOUT: z.coerce.number().int().min(0).max(600_000).default(5000),
  /** Log every query with its duration. */
  DB_ECHO: z.stringbool().default(false),
  /** Queries slower than this are logged (parameters redacted). */
  DB_SLOW_QUERY_MS: z.coerce.number().int().min(0).default(1000),
  /** A replica further behind than this is taken out of rotation until it catches up. */
  DB_REPLICA_MAX_LAG_MS: z.coerce.number().int().min(0).default(1000),
  /** How often replica health and replay position are checked. */
  DB_REPLICA_CHECK_INTERVAL_MS: z.coerce.number().int().min(20).max(60_000).default(250),
});

export type DbEnv = z.infer<typeof dbEnvSchema>;
