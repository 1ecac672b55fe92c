// Composition root of the restaurant-service: parse env, build clients, create the server, listen, handle signals.
import { Cache } from '@tablestack/cache';
import { Database } from '@tablestack/db';
import { RedisConnections } from '@tablestack/redis-client';
import { createLogger, exitOnEnvProblems, loadEnvOrExit, startService } from '@tablestack/service-kit';
import { Registry } from 'prom-client';
import { envSchema, productionSecretProblems } from './env.js';
import { createRestaurantServices, createServer, SERVICE_NAME } from './server.js';
import { warmRestaurantDetails } from './services/cache-warmer.js';

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
// Warm the most reviewed details before taking traffic, but never hold the start back for long: past
// the deadline warming goes on in the background and requests that miss load as usual.
const WARM_DEADLINE_MS = 5000;
const warming = warmRestaurantDetails(
  { cache, ...createRestaurantServices({ db, cache }) },
  { count: env.CACHE_WARM_RESTAURANTS, concurrency: env.CACHE_WARM_CONCURRENCY },
).then(
  (result) => logger.info(result, 'cache warmed'),
  (error: Error) => logger.warn({ err: { message: error.message } }, 'cache warming failed'),
);
await Promise.race([warming, new Promise((resolve) => setTimeout(resolve, WARM_DEADLINE_MS).unref())]);

const service = createServer({
  env,
  logger,
  data: { env, db, cache },
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
