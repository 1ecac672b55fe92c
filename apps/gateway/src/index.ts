// Composition root of the gateway: parse env, build clients, create the server, listen, handle signals.
import { AccessTokens, developmentSecretProblems } from '@tablestack/auth';
import { RedisConnections } from '@tablestack/redis-client';
import { createLogger, exitOnEnvProblems, loadEnvOrExit, startService } from '@tablestack/service-kit';
import { Registry } from 'prom-client';
import { envSchema } from './env.js';
import { rateLimitClassesFrom } from './rate-limit-env.js';
import { createServer, SERVICE_NAME } from './server.js';
import { WritePositionStore } from './write-positions.js';

const env = loadEnvOrExit(SERVICE_NAME, envSchema);
exitOnEnvProblems(SERVICE_NAME, developmentSecretProblems(env));
const logger = createLogger({
  name: SERVICE_NAME,
  level: env.LOG_LEVEL,
  base: { instance: env.INSTANCE_ID },
});
const registry = new Registry();
const redis = new RedisConnections({ env, service: SERVICE_NAME, logger, registry });
redis.warmUp('command');
const service = createServer({
  env,
  logger,
  registry,
  tokens: new AccessTokens(env),
  writePositions: new WritePositionStore(redis.command, env.READ_YOUR_WRITES_WINDOW_MS),
  ...(env.RATE_LIMIT_ENABLED
    ? {
        limits: {
          redis: redis.command,
          classes: rateLimitClassesFrom(env),
          shadow: env.RATE_LIMIT_SHADOW,
          replicas: env.GATEWAY_REPLICAS,
          login: {
            maxFailures: env.LOGIN_MAX_FAILURES,
            windowSeconds: env.LOGIN_FAILURE_WINDOW_SECONDS,
            blockSeconds: env.LOGIN_BLOCK_SECONDS,
          },
        },
      }
    : {}),
  breakers: {
    errorThresholdPercentage: env.BREAKER_ERROR_THRESHOLD_PERCENT,
    resetTimeoutMs: env.BREAKER_RESET_TIMEOUT_MS,
    volumeThreshold: env.BREAKER_VOLUME_THRESHOLD,
    rollingWindowMs: env.BREAKER_ROLLING_WINDOW_MS,
  },
});

await startService(service, {
  port: env.PORT,
  host: env.HOST,
  shutdownTimeoutMs: env.SHUTDOWN_TIMEOUT_MS,
  closers: [
    { name: 'upstream keep-alive agent', close: () => service.agent.destroy() },
    {
      name: 'circuit breakers',
      close: () => {
        for (const pool of service.pools) pool.close();
      },
    },
    { name: 'redis', close: () => redis.close() },
  ],
});
