import { PrismaPg } from '@prisma/adapter-pg';
import type pg from 'pg';
import { Registry } from 'prom-client';
import type { DbEnv } from './db-env.js';
import { DbPoolExhaustedError, DbUnavailableError, translateDbError } from './db-errors.js';
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
  'findUnique',
  'findUniqueOrThrow',
  'findFirst',
  'findFirstOrThrow',
  'findMany',
  'count',
  'aggregate',
  'groupBy',
]);

interface Server {
  name: string;
  pool: pg.Pool;
  /** Prisma over this server's pool, with errors translated to the typed errors of db-errors.ts. */
  client: DbClient;
  /** The same without the extension, only to disconnect it. */
  base: PrismaClient;
}

interface ExtendOptions {
  server: string;
  /** On the primary's write client: any operation that may write marks the current request. */
  markWrites?: boolean;
  /**
   * On replica clients: where a read goes when this replica fails to answer (down, or no free
   * connection), so the user never sees the failure; `onFailure` takes the replica out of rotation
   * at once instead of at the next check.
   */
  fallback?: { client: () => PrismaClient; onFailure: (reason: string) => void };
}

/**
 * The one Prisma extension every client gets, so that all clients share one type: errors become
 * typed (pool exhausted, conflict, unavailable), writes are marked (their later reads then stay on
 * the primary, and the gateway learns their WAL position), and replica reads fall back to the primary.
 */
function extendClient(base: PrismaClient, options: ExtendOptions) {
  return base.$extends({
    name: 'tablestack',
    query: {
      async $allOperations({ model, operation, args, query }) {
        if (options.markWrites && !readOperations.has(operation)) {
          const context = currentReadContext();
          if (context) {
            context.wrote = true;
            context.writeLsn = undefined;
          }
        }
        try {
          return await query(args);
        } catch (error) {
          const typed = translateDbError(error, options.server);
          const fallback = options.fallback;
          if (!fallback || !(typed instanceof DbUnavailableError || typed instanceof DbPoolExhaustedError))
            throw typed;
          fallback.onFailure(typed.code);
          try {
            return await runOn(fallback.client(), model, operation, args);
          } catch (fallbackError) {
            throw translateDbError(fallbackError, 'primary');
          }
        }
      },
    },
  });
}

/** Runs an intercepted operation again on another client (model operations and raw reads). */
function runOn(
  client: PrismaClient,
  model: string | undefined,
  operation: string,
  args: unknown,
): Promise<unknown> {
  const target = client as unknown as Record<string, Record<string, (...a: unknown[]) => Promise<unknown>>> &
    Record<string, (...a: unknown[]) => Promise<unknown>>;
  if (model) return target[model.charAt(0).toLowerCase() + model.slice(1)]![operation]!(args);
  // $queryRaw hands the extension a Sql object, $queryRawUnsafe its argument list.
  return Array.isArray(args) ? target[operation]!(...args) : target[operation]!(args);
}

export type DbClient = ReturnType<typeof extendClient>;
/** What a transaction callback receives. */
export type DbTransaction = Parameters<Parameters<DbClient['$transaction']>[0]>[0];

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
  readonly #router: ReplicaRouter<DbClient>;
  readonly #writer: DbClient;

  constructor(private readonly options: DatabaseOptions) {
    const { env, logger } = options;
    this.#primary = this.#server('primary', env.DATABASE_URL);
    this.#replicas = env.DATABASE_REPLICA_URLS.map((url, index) =>
      this.#server(`replica-${index + 1}`, url, {
        client: () => this.#primary.base,
        onFailure: (reason) => this.monitor.markDown(index, reason),
      }),
    );
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
      this.#replicas.map((server, index) => ({
        client: server.client,
        state: () => this.monitor.states[index]!,
      })),
    );
    this.metrics = new DbMetrics(
      options.registry ?? new Registry(),
      () => [this.#primary, ...this.#replicas].map(({ name, pool }) => ({ server: name, pool })),
      () => this.monitor.states,
    );
    this.#writer = extendClient(this.#primary.base, { server: 'primary', markWrites: true });
  }

  /** Starts the replica checks; call once at boot (not at import time). */
  start(): this {
    this.monitor.start();
    return this;
  }

  /** A client for reads, chosen for the current request (see the class comment). */
  read(): DbClient {
    return this.readTarget().client;
  }

  /** The read choice with the server's name, for logs and tests. */
  readTarget(): { client: DbClient; server: string } {
    const context = currentReadContext();
    if (context?.wrote) return { client: this.#primary.client, server: 'primary' };
    return this.#router.pick(context?.minLsn);
  }

  /** The primary, for writes and transactions; marks the current request as having written. */
  write(): DbClient {
    return this.#writer;
  }

  /**
   * An interactive transaction on the primary (never a replica). Use this rather than
   * `write().$transaction()`: failing to start one (pool exhausted, primary down) also becomes a typed
   * error here.
   */
  async transaction<T>(
    fn: (tx: DbTransaction) => Promise<T>,
    options?: { timeout?: number; maxWait?: number },
  ): Promise<T> {
    const context = currentReadContext();
    if (context) {
      context.wrote = true;
      context.writeLsn = undefined;
    }
    try {
      return await this.#writer.$transaction(fn, { maxWait: this.options.env.DB_POOL_TIMEOUT, ...options });
    } catch (error) {
      throw translateDbError(error, 'primary');
    }
  }

  /** The primary without the write marker, e.g. for reads that must be current. */
  primary(): DbClient {
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
      // The insert position, not pg_current_wal_lsn(): with synchronous_commit off the commit record
      // may not be written out yet, and the write position would then come before this request's commit.
      const { rows } = await this.#primary.pool.query<{ lsn: string }>(
        'select pg_current_wal_insert_lsn()::text as lsn',
      );
      context.writeLsn = parseLsn(rows[0]!.lsn);
    }
    return formatLsn(context.writeLsn);
  }

  /** For /ready: the primary answers (replicas are optional: reads fall back to the primary). */
  async health(): Promise<void> {
    await this.#primary.pool.query('select 1');
  }

  /** Pools and replicas, for /admin/stats. */
  stats(): {
    pools: Array<{ server: string; total: number; idle: number; waiting: number }>;
    replicas: ReplicaState[];
  } {
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
      await server.base.$disconnect();
      await server.pool.end();
    }
  }

  #server(name: string, url: string, fallback?: ExtendOptions['fallback']): Server {
    const { env, logger, service } = this.options;
    const pool = createPgPool({ url, env, applicationName: `${service}:${name}:${process.pid}` });
    // An idle client that loses its server emits 'error' on the pool; unhandled, it would crash the process.
    pool.on('error', (error) =>
      logger.warn({ server: name, err: { message: error.message } }, 'idle connection lost'),
    );
    const base = new PrismaClient({
      adapter: new PrismaPg(pool),
      log: [{ emit: 'event', level: 'query' }],
    });
    const where = describeServer(url);
    base.$on('query', (event) => {
      this.metrics?.queryDuration.observe({ server: name }, event.duration / 1000);
      if (env.DB_ECHO)
        logger.info({ server: name, where, durationMs: event.duration, query: event.query }, 'query');
      if (event.duration >= env.DB_SLOW_QUERY_MS) {
        // Parameters can hold personal data or secrets: only their count is logged.
        logger.warn(
          {
            server: name,
            durationMs: event.duration,
            query: event.query,
            params: redactParams(event.params),
          },
          'slow query',
        );
      }
    });
    return {
      name,
      pool,
      base,
      client: extendClient(base, { server: name, ...(fallback ? { fallback } : {}) }),
    };
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
