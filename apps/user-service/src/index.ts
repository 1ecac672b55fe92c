// Composition root of the user-service: parse env, build clients, create the server, listen, handle signals.
import { Cache } from '@tablestack/cache';
import { Database } from '@tablestack/db';
import { RedisConnections } from '@tablestack/redis-client';
import { createLogger, exitOnEnvProblems, loadEnvOrExit, startService } from '@tablestack/service-kit';
import { Registry } from 'prom-client';
import { envSchema, productionSecretProblems } from './env.js';
import { createServer, SERVICE_NAME } from './server.js';

const env = loadEnvOrExit(SERVICE_NAME, envSchema);
exitOnEnvProblems(SERVICE_NAME, productionSecretProblems(env));
const logger = createLogger({
  name: SERVICE_NAME,
  level: env.LOG_LEVEL,
  base: { instance: env.INSTANCE_ID },
});
const registry = new Registry();
// The process's one pool per Postgres server and one connection per Redis role, shared by everything in it.
const db = new Database({ env, logger, service: SERVICE_NAME, registry }).start();
const redis = new RedisConnections({ env, service: SERVICE_NAME, logger, registry });
redis.warmUp('command');
const cache = await new Cache({ env, logger, redis, registry }).start();
const service = createServer({
  env,
  logger,
  accounts: { env, db, cache, redis: redis.command },
  registry,
  // Replicas are optional (reads fall back to the primary), so only the primary decides readiness.
  readiness: { postgres: () => db.health(), redis: () => redis.ping() },
});

await startService(service, {
  port: env.PORT,
  host: env.HOST,
  shutdownTimeoutMs: env.SHUTDOWN_TIMEOUT_MS,
  closers: [
    { name: 'cache bus', close: () => cache.close() },
    { name: 'redis', close: () => redis.close() },
    { name: 'postgres', close: () => db.close() },
  ],
});
