import { createService, type Logger, type ReadinessCheck, type Service } from '@tablestack/service-kit';
import type { Registry } from 'prom-client';
import type { Env } from './env.js';

export const SERVICE_NAME = 'worker';

export interface ServerDeps {
  env: Pick<Env, 'JSON_BODY_LIMIT'>;
  logger: Logger;
  /** Dependency checks for /ready, built by the composition root. */
  readiness?: Record<string, ReadinessCheck>;
  /** Registry shared with the clients' metrics, so /metrics shows them all. */
  registry?: Registry;
}

/** The worker's HTTP app: BullMQ consumers and schedulers; this HTTP server only exposes health, readiness and metrics. No listen, no globals. */
export function createServer(deps: ServerDeps): Service {
  return createService({
    name: SERVICE_NAME,
    logger: deps.logger,
    readiness: deps.readiness,
    jsonBodyLimit: deps.env.JSON_BODY_LIMIT,
    ...(deps.registry ? { registry: deps.registry } : {}),
    routes: () => {},
  });
}
