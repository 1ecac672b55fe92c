import pg from 'pg';
import type { DbEnv } from './db-env.js';

export type ServerRole = 'primary' | 'replica';

/**
 * One pg pool per server. The settings are the whole point: a bounded size, a bounded wait for a
 * connection (pg's default is to wait forever), idle connections closed, connections recycled, and a
 * statement timeout so one runaway query cannot hold a connection.
 */
export function createPgPool(options: { url: string; env: DbEnv; applicationName: string }): pg.Pool {
  const { env } = options;
  return new pg.Pool({
    connectionString: options.url,
    max: env.DB_POOL_SIZE,
    connectionTimeoutMillis: env.DB_POOL_TIMEOUT,
    idleTimeoutMillis: env.DB_IDLE_TIMEOUT,
    maxLifetimeSeconds: env.DB_MAX_LIFETIME,
    statement_timeout: env.DB_STATEMENT_TIMEOUT || undefined,
    application_name: options.applicationName,
    keepAlive: true,
  });
}

/** Host:port/db of a URL, for logs and metric labels; never the password. */
export function describeServer(url: string): string {
  const parsed = new URL(url);
  return `${parsed.hostname}:${parsed.port || 5432}${parsed.pathname}`;
}
