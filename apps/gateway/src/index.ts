// Composition root of the gateway: parse env, create the server, listen, handle signals.
import { RedisConnections } from '@tablestack/redis-client';
import { createLogger, loadEnvOrExit, startService } from '@tablestack/service-kit';
import { Registry } from 'prom-client';
import { envSchema } from './env.js';
import { createServer, SERVICE_NAME } from './server.js';
import { WritePositionStore } from './write-positions.js';

const env = loadEnvOrExit(SERVICE_NAME, envSchema);
const logger = createLogger({ name: SERVICE_NAME, level: env.LOG_LEVEL, base: { instance: env.INSTANCE_ID } });
const registry = new Registry();
const redis = new RedisConnections({ env, service: SERVICE_NAME, logger, registry });
redis.warmUp('command');
const writePositions = new WritePositionStore(redis.command, env.READ_YOUR_WRITES_WINDOW_MS);
const service = createServer({ env, logger, writePositions, registry });

await startService(service, {
  port: env.PORT,
  host: env.HOST,
  shutdownTimeoutMs: env.SHUTDOWN_TIMEOUT_MS,
  closers: [
    { name: 'upstream keep-alive agent', close: () => service.agent.destroy() },
    { name: 'redis', close: () => redis.close() },
  ],
});
