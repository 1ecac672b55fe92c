import { trustGatewayIdentity } from '@tablestack/auth';
import type { Cache } from '@tablestack/cache';
import { type Database, readYourWrites } from '@tablestack/db';
import { createService, type Logger, type ReadinessCheck, type Service } from '@tablestack/service-kit';
import type { Registry } from 'prom-client';
import type { Env } from './env.js';
import { PhotoRepository } from './repositories/photo-repository.js';
import { RestaurantRepository } from './repositories/restaurant-repository.js';
import { ReviewRepository } from './repositories/review-repository.js';
import { adminRoutes } from './routes/admin-routes.js';
import { photoRoutes } from './routes/photo-routes.js';
import { restaurantRoutes } from './routes/restaurant-routes.js';
import { reviewRoutes } from './routes/review-routes.js';
import { PhotoUploads } from './services/photo-uploads.js';
import { RestaurantAdmin } from './services/restaurant-admin.js';
import { RestaurantCards } from './services/restaurant-cards.js';
import { RestaurantCatalog } from './services/restaurant-catalog.js';
import { ReviewService } from './services/review-service.js';

export const SERVICE_NAME = 'restaurant-service';

/** Env the data routes read. */
export type DataRouteEnv = Pick<
  Env,
  | 'INTERNAL_AUTH_SECRET'
  | 'HTTP_CACHE_MAX_AGE_SECONDS'
  | 'FILE_STORAGE_DIR'
  | 'FILE_PUBLIC_BASE_URL'
  | 'PHOTO_MAX_BYTES'
>;

/** What the data routes run on; all of it built once by the composition root (or a test). */
export interface DataDeps {
  env: DataRouteEnv;
  db: Database;
  cache: Cache;
}

export interface ServerDeps {
  env: Pick<Env, 'JSON_BODY_LIMIT'>;
  logger: Logger;
  /** Without it (unit tests of the kit's behaviour) no data routes are mounted. */
  data?: DataDeps;
  /** Dependency checks for /ready, built by the composition root. */
  readiness?: Record<string, ReadinessCheck>;
  /** Registry shared with the clients' metrics, so /metrics shows them all. */
  registry?: Registry;
}

/** The services of the data routes, wired once; the composition root also uses them (warming). */
export function createRestaurantServices({ db, cache }: Pick<DataDeps, 'db' | 'cache'>) {
  const restaurants = new RestaurantRepository(db);
  const reviews = new ReviewRepository(db);
  const cards = new RestaurantCards(cache, restaurants);
  return {
    restaurants,
    catalog: new RestaurantCatalog({ db, cache, restaurants, reviews, cards }),
    reviews: new ReviewService({ db, cache, restaurants, reviews }),
    admin: new RestaurantAdmin({ db, cache, restaurants }),
  };
}

/** The restaurant-service's HTTP app: restaurant discovery, search, nearby and reviews. No listen, no globals. */
export function createServer(deps: ServerDeps): Service {
  return createService({
    name: SERVICE_NAME,
    logger: deps.logger,
    readiness: deps.readiness,
    jsonBodyLimit: deps.env.JSON_BODY_LIMIT,
    ...(deps.registry ? { registry: deps.registry } : {}),
    routes: (app) => {
      const data = deps.data;
      if (!data) return;
      const services = createRestaurantServices(data);
      // Identity comes only from the gateway's headers with the internal secret; anything else is anonymous.
      app.use(trustGatewayIdentity(data.env.INTERNAL_AUTH_SECRET));
      // Read-your-writes: reads after this user's writes see them (x-db-lsn, managed by the gateway).
      app.use(readYourWrites(data.db));
      app.use(
        restaurantRoutes({ catalog: services.catalog, maxAgeSeconds: data.env.HTTP_CACHE_MAX_AGE_SECONDS }),
      );
      app.use(reviewRoutes({ reviews: services.reviews }));
      app.use(adminRoutes({ admin: services.admin }));
      app.use(
        photoRoutes({
          uploads: new PhotoUploads({
            db: data.db,
            photos: new PhotoRepository(data.db),
            storageDir: data.env.FILE_STORAGE_DIR,
            publicBaseUrl: data.env.FILE_PUBLIC_BASE_URL,
            maxBytes: data.env.PHOTO_MAX_BYTES,
          }),
        }),
      );
    },
  });
}
