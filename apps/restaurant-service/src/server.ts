import type { Cache } from '@tablestack/cache';
import { type Database, readYourWrites } from '@tablestack/db';
import { createService, type Logger, type ReadinessCheck, type Service } from '@tablestack/service-kit';
import type { Registry } from 'prom-client';
import type { Env } from './env.js';
import { restaurantRoutes } from './restaurant-routes.js';

export const SERVICE_NAME = 'restaurant-service';

export interface ServerDeps {
  env: Pick<Env, 'JSON_BODY_LIMIT'>;
  logger: Logger;
  /** The database; without it (unit tests of the kit's behaviour) no data routes are mounted. */
  db?: Database;
  /** The two-tier cache; required with `db`. */
  cache?: Cache;
  /** Dependency checks for /ready, built by the composition root. */
  readiness?: Record<string, ReadinessCheck>;
  /** Registry shared with the clients' metrics, so /metrics shows them all. */
  registry?: Registry;
}

/** The restaurant-service's HTTP app: restaurant discovery, search, nearby and reviews. No listen, no globals. */
export function createServer(deps: ServerDeps): Service {
  const { db } = deps;
  return createService({
    name: SERVICE_NAME,
    logger: deps.logger,
    readiness: deps.readiness,
    jsonBodyLimit: deps.env.JSON_BODY_LIMIT,
    ...(deps.registry ? { registry: deps.registry } : {}),
    routes: (app) => {
      const cache = deps.cache;
      if (!db || !cache) return;
      // Read-your-writes: reads after this user's writes see them (x-db-lsn, managed by the gateway).
      app.use(readYourWrites(db));
      app.use(restaurantRoutes({ db, cache }));
    },
  });
}
