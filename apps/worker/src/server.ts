import { createService, type Logger, type ReadinessCheck, type Service } from '@tablestack/service-kit';
import type { Registry } from 'prom-client';
import type { Env } from './env.js';
import type { QueueSet } from './queues/queue-set.js';
import { mountAdminRoutes } from './routes/admin-routes.js';

export const SERVICE_NAME = 'worker';

export interface ServerDeps {
  env: Pick<Env, 'JSON_BODY_LIMIT'> & Partial<Pick<Env, 'INTERNAL_AUTH_SECRET'>>;
  logger: Logger;
  /** Dependency checks for /ready, built by the composition root. */
  readiness?: Record<string, ReadinessCheck>;
  /** Registry shared with the clients' metrics, so /metrics shows them all. */
  registry?: Registry;
  /** The queues behind the admin routes (bull-board, replay); without them there are no admin routes. */
  queues?: QueueSet;
}

/**
 * The worker's HTTP app: health, readiness and metrics, and with `queues` the admin routes
 * (bull-board and failed-job replay at /admin/queues). No listen, no globals.
 */
export function createServer(deps: ServerDeps): Service {
  const { queues } = deps;
  const secret = deps.env.INTERNAL_AUTH_SECRET;
  if (queues && !secret) throw new Error('admin routes need INTERNAL_AUTH_SECRET');
  return createService({
    name: SERVICE_NAME,
    logger: deps.logger,
    readiness: deps.readiness,
    jsonBodyLimit: deps.env.JSON_BODY_LIMIT,
    ...(deps.registry ? { registry: deps.registry } : {}),
    routes: (app) => {
      if (queues && secret) mountAdminRoutes(app, { queues, internalAuthSecret: secret });
    },
  });
}
