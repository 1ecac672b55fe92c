import { RedisConnections } from '@tablestack/redis-client';
import pg from 'pg';
import type { CheckResult } from './check.js';
import { checkBreakers } from './checks/breakers.js';
import { checkCacheHitRates } from './checks/cache-hit-rate.js';
import { checkDbPools } from './checks/db-pools.js';
import { checkIndexes } from './checks/indexes.js';
import { checkQueues } from './checks/queues.js';
import { checkRedisConnections } from './checks/redis-connections.js';
import { checkReplicasReady } from './checks/replicas-ready.js';
import { checkReplication } from './checks/replication.js';
import { checkSecrets } from './checks/secrets.js';
import type { DoctorContext } from './doctor-context.js';
import { type DoctorEnv, replicasOf } from './doctor-env.js';
import { type DoctorReport, summarize } from './report.js';
import { scrapeReplicas } from './stack-snapshot.js';

type Check = { id: string; title: string; run: (context: DoctorContext) => Promise<CheckResult> };

/** The performance checklist, in the order the report prints it. */
export const checklist: readonly Check[] = [
  { id: 'replicas-ready', title: 'every replica ready', run: checkReplicasReady },
  { id: 'redis-connections', title: 'one Redis connection per role per process', run: checkRedisConnections },
  { id: 'db-pools', title: 'database pool sizes and saturation', run: checkDbPools },
  { id: 'replication', title: 'replicas streaming, lag', run: checkReplication },
  { id: 'indexes', title: 'indexes the queries need', run: checkIndexes },
  { id: 'cache-hit-rate', title: 'cache hit rates', run: checkCacheHitRates },
  { id: 'breakers', title: 'circuit breakers closed', run: checkBreakers },
  { id: 'queues', title: 'queues draining', run: checkQueues },
  { id: 'secrets', title: 'no default secrets', run: checkSecrets },
];

const silent = { debug() {}, info() {}, warn() {}, error() {} };

/**
 * Runs every check against the stack `env` describes. A check that cannot run (server down, query
 * refused) becomes a fail with the reason; nothing here throws past it.
 */
export async function runDoctor(env: DoctorEnv): Promise<DoctorReport> {
  const replicas = replicasOf(env);
  const timeoutMs = env.DOCTOR_HTTP_TIMEOUT_MS;
  const primary = new pg.Client({
    connectionString: env.DATABASE_URL,
    application_name: `doctor:primary:${process.pid}`,
    connectionTimeoutMillis: timeoutMs,
    statement_timeout: timeoutMs,
  });
  const primaryReady = primary.connect().then(
    () => undefined,
    (error: Error) => error,
  );
  const redis = new RedisConnections({ env, service: 'doctor', logger: silent });
  const ownRedisName = `doctor:command:${process.pid}`;
  try {
    const connectError = await primaryReady;
    const context: DoctorContext = {
      env,
      replicas: await scrapeReplicas(replicas, timeoutMs),
      rescrape: () => scrapeReplicas(replicas, timeoutMs),
      primary,
      redisClientList: async () => {
        // The command role fails fast rather than queueing while it connects: wait for it once.
        await redis.whenReady('command', timeoutMs);
        return (await redis.command.call('CLIENT', 'LIST')) as string;
      },
      ownRedisName,
    };
    const results: CheckResult[] = [];
    for (const check of checklist) {
      try {
        if (connectError && ['db-pools', 'replication', 'indexes', 'queues'].includes(check.id))
          throw new Error(`primary unreachable: ${connectError.message}`);
        results.push(await check.run(context));
      } catch (error) {
        results.push({
          id: check.id,
          title: check.title,
          status: 'fail',
          details: [`could not check: ${(error as Error).message}`],
        });
      }
    }
    return summarize(results);
  } finally {
    await primary.end().catch(() => {});
    await redis.close().catch(() => {});
  }
}
