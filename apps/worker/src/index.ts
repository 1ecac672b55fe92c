// Composition root of the worker: parse env, build clients, create the server, listen, handle signals.
import { createLogger, loadEnvOrExit, startService } from '@tablestack/service-kit';
import { envSchema } from './env.js';
import { createServer, SERVICE_NAME } from './server.js';

const env = loadEnvOrExit(SERVICE_NAME, envSchema);
const logger = createLogger({ name: SERVICE_NAME, level: env.LOG_LEVEL, base: { instance: env.INSTANCE_ID } });
const service = createServer({ env, logger });

await startService(service, { port: env.PORT, host: env.HOST, shutdownTimeoutMs: env.SHUTDOWN_TIMEOUT_MS });
