import { createService, type Logger, type ReadinessCheck, type Service } from '@tablestack/service-kit';
import type { Registry } from 'prom-client';
import type { Env } from './env.js';

export const SERVICE_NAME = 'user-service';

export interface ServerDeps {
  env: Pick<Env, 'JSON_BODY_LIMIT'>;
  logger: Logger;
  /** Dependency checks for /ready, built by the composition root. */
  readiness?: Record<string, ReadinessCheck>;
  /** Registry shared with the clients' metrics, so /metrics shows them all. */
  registry?: Registry;
}

/** The user-service's HTTP app: accounts, tokens and profiles (routes arrive with the gateway and user-service issue). No listen, no globals. */
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
