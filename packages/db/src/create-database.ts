import { PrismaPg } from '@prisma/adapter-pg';
import type pg from 'pg';
import { Registry } from 'prom-client';
import type { DbEnv } from './db-env.js';
import type { DbLogger } from './db-logger.js';
import { DbMetrics } from './db-metrics.js';
import { PrismaClient } from './generated/prisma/client.js';
import { formatLsn, parseLsn } from './lsn.js';
import { createPgPool, describeServer } from './pg-pool.js';
import { currentReadContext } from './read-context.js';
import { ReplicaMonitor, type ReplicaState } from './replica-monitor.js';
import { ReplicaRouter } from './replica-router.js';

export interface DatabaseOptions {
  env: DbEnv;
  logger: DbLogger;
  /** Service name, shown as `application_name` in pg_stat_activity. */
  service: string;
  /** Registry for pool, query and replica metrics. @default a new one */
  registry?: Registry;
}

/** Operations that never write; everything else (including raw SQL) counts as a write. */
const readOperations = new Set([
  'findUnique', 'findUniqueOrThrow', 'findFirst', 'findFirstOrThrow', 'findMany', 'count', 'aggregate', 'groupBy',
]);

interface Server {
  name: string;
  pool: pg.Pool;
  client: PrismaClient;
}

/**
 * Prisma over pg pools, one pool per server, with reads routed to replicas:
 * - `read()`: a replica in rotation (round robin), or the primary when the current request wrote,
 *   when it must see a WAL position no replica has replayed yet, or when no replica is healthy;
 * - `write()`: the primary, for writes, transactions and raw SQL; it marks the request as having
 *   written so that its later reads stay consistent.
 */
export class Database {
  readonly metrics: DbMetrics;
  readonly monitor: ReplicaMonitor;
  readonly #primary: Server;
  readonly #replicas: Server[];
  readonly #router: ReplicaRouter<PrismaClient>;
  readonly #writer;

  constructor(private readonly options: DatabaseOptions) {
    const { env, logger } = options;
    this.#primary = this.#server('primary', env.DATABASE_URL);
    this.#replicas = env.DATABASE_REPLICA_URLS.map((url, index) => this.#server(`replica-${index + 1}`, url));
    this.monitor = new ReplicaMonitor({
      primary: this.#primary.pool,
      replicas: this.#replicas.map(({ name, pool }) => ({ name, pool })),
      maxLagMs: env.DB_REPLICA_MAX_LAG_MS,
      intervalMs: env.DB_REPLICA_CHECK_INTERVAL_MS,
      onChange: (state) =>
        state.healthy
          ? logger.info({ replica: state.name }, 'replica back in rotation')
          : logger.warn({ replica: state.name, reason: state.reason }, 'replica out of rotation'),
    });
    this.#router = new ReplicaRouter(
      this.#primary.client,
      this.#replicas.map((server, index) => ({ client: server.client, state: () => this.monitor.states[index]! })),
    );
    this.metrics = new DbMetrics(
      options.registry ?? new Registry(),
      () => [this.#primary, ...this.#replicas].map(({ name, pool }) => ({ server: name, pool })),
      () => this.monitor.states,
    );
    this.#writer = this.#primary.client.$extends({
      name: 'mark-writes',
      query: {
        $allOperations({ operation, args, query }) {
          if (!readOperations.has(operation)) {
            const context = currentReadContext();
            if (context) {
              context.wrote = true;
              context.writeLsn = undefined;
            }
          }
          return query(args);
        },
      },
    });
  }

  /** Starts the replica checks; call once at boot (not at import time). */
  start(): this {
    this.monitor.start();
    return this;
  }

  /** A client for reads, chosen for the current request (see the class comment). */
  read(): PrismaClient {
    return this.readTarget().client;
  }

  /** The read choice with the server's name, for logs and tests. */
  readTarget(): { client: PrismaClient; server: string } {
    const context = currentReadContext();
    if (context?.wrote) return { client: this.#primary.client, server: 'primary' };
    return this.#router.pick(context?.minLsn);
  }

  /** The primary, for writes and transactions; marks the current request as having written. */
  write() {
    return this.#writer;
  }

  /** The primary without the write marker, e.g. for reads that must be current. */
  primary(): PrismaClient {
    return this.#primary.client;
  }

  /**
   * The primary's WAL position after this request's writes, to hand to the client (the gateway keeps
   * it for the user's next reads). Undefined when the request did not write.
   */
  async writePosition(): Promise<string | undefined> {
    const context = currentReadContext();
    if (!context?.wrote) return undefined;
    if (context.writeLsn === undefined) {
      const { rows } = await this.#primary.pool.query<{ lsn: string }>('select pg_current_wal_lsn()::text as lsn');
      context.writeLsn = parseLsn(rows[0]!.lsn);
    }
    return formatLsn(context.writeLsn);
  }

  /** For /ready: the primary answers (replicas are optional: reads fall back to the primary). */
  async health(): Promise<void> {
    await this.#primary.pool.query('select 1');
  }

  /** Pools and replicas, for /admin/stats. */
  stats(): { pools: Array<{ server: string; total: number; idle: number; waiting: number }>; replicas: ReplicaState[] } {
    return {
      pools: [this.#primary, ...this.#replicas].map(({ name, pool }) => ({
        server: name,
        total: pool.totalCount,
        idle: pool.idleCount,
        waiting: pool.waitingCount,
      })),
      replicas: this.monitor.states.map((state) => ({ ...state })),
    };
  }

  /** Stops the checks, disconnects Prisma and ends every pool. */
  async close(): Promise<void> {
    this.monitor.stop();
    for (const server of [this.#primary, ...this.#replicas]) {
      await server.client.$disconnect();
      await server.pool.end();
    }
  }

  #server(name: string, url: string): Server {
    const { env, logger, service } = this.options;
    const pool = createPgPool({ url, env, applicationName: `${service}:${name}` });
    // An idle client that loses its server emits 'error' on the pool; unhandled, it would crash the process.
    pool.on('error', (error) => logger.warn({ server: name, err: { message: error.message } }, 'idle connection lost'));
    const client = new PrismaClient({
      adapter: new PrismaPg(pool),
      log: [{ emit: 'event', level: 'query' }],
    });
    const where = describeServer(url);
    client.$on('query', (event) => {
      this.metrics?.queryDuration.observe({ server: name }, event.duration / 1000);
      if (env.DB_ECHO) logger.info({ server: name, where, durationMs: event.duration, query: event.query }, 'query');
      if (event.duration >= env.DB_SLOW_QUERY_MS) {
        // Parameters can hold personal data or secrets: only their count is logged.
        logger.warn({ server: name, durationMs: event.duration, query: event.query, params: redactParams(event.params) }, 'slow query');
      }
    });
    return { name, pool, client };
  }
}

function redactParams(params: string): string {
  try {
    const parsed: unknown = JSON.parse(params);
    return Array.isArray(parsed) ? `[${parsed.length} redacted]` : '[redacted]';
  } catch {
    return '[redacted]';
  }
}

export type WriteClient = ReturnType<Database['write']>;
