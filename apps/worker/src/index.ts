// Composition root of the worker: parse env, build clients, start the queues' workers, the outbox
// relay and the schedulers, create the server, listen, handle signals.
import { Database } from '@tablestack/db';
import { RedisConnections } from '@tablestack/redis-client';
import { createLogger, exitOnEnvProblems, loadEnvOrExit, startService } from '@tablestack/service-kit';
import { Registry } from 'prom-client';
import { configurationProblems, envSchema, productionSecretProblems } from './env.js';
import { createServer, SERVICE_NAME } from './server.js';
import { WorkerRuntime } from './worker-runtime.js';

const env = loadEnvOrExit(SERVICE_NAME, envSchema);
exitOnEnvProblems(SERVICE_NAME, [...productionSecretProblems(env), ...configurationProblems(env)]);
const logger = createLogger({
  name: SERVICE_NAME,
  level: env.LOG_LEVEL,
  base: { instance: env.INSTANCE_ID },
});
const registry = new Registry();
// The process's one pool per Postgres server and one connection per Redis role, shared by everything in it.
const db = new Database({ env, logger, service: SERVICE_NAME, registry }).start();
const redis = new RedisConnections({ env, service: SERVICE_NAME, logger, registry });
redis.warmUp('command', 'queue');
const runtime = new WorkerRuntime({
  env,
  logger,
  db,
  redis,
  registry,
  databaseUrl: env.DATABASE_URL,
}).start();
logger.info({ queues: env.WORKER_QUEUES, relay: env.OUTBOX_RELAY_ENABLED }, 'worker started');
const service = createServer({
  env,
  logger,
  registry,
  queues: runtime.queues,
  // Replicas are optional (reads fall back to the primary), so only the primary decides readiness.
  readiness: { postgres: () => db.health(), redis: () => redis.ping() },
});

await startService(service, {
  port: env.PORT,
  host: env.HOST,
  shutdownTimeoutMs: env.SHUTDOWN_TIMEOUT_MS,
  // Relay, workers (active jobs get WORKER_CLOSE_TIMEOUT_MS), queues, mailer, then Redis and Postgres.
  closers: [
    ...runtime.closers(),
    { name: 'redis', close: () => redis.close() },
    { name: 'postgres', close: () => db.close() },
  ],
});
