export { Database, type DatabaseOptions, type DbClient, type DbTransaction } from './create-database.js';
export { type DbEnv, dbEnvSchema } from './db-env.js';
export {
  DbConflictError,
  DbInvalidTextError,
  DbPoolExhaustedError,
  DbStatementTimeoutError,
  DbUnavailableError,
  translateDbError,
} from './db-errors.js';
export type { DbLogger } from './db-logger.js';
export { DbMetrics } from './db-metrics.js';
export * as Prisma from './generated/prisma/client.js';
export { formatLsn, type Lsn, parseLsn, parseLsnOrUndefined } from './lsn.js';
export { createPgPool, describeServer } from './pg-pool.js';
export { currentReadContext, type ReadContext, runWithReadContext } from './read-context.js';
export { DB_LSN_HEADER, readYourWrites } from './read-your-writes.js';
export { ReplicaMonitor, type ReplicaState } from './replica-monitor.js';
export { ReplicaRouter } from './replica-router.js';
