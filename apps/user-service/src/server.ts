import { AccessTokens, trustGatewayIdentity } from '@tablestack/auth';
import type { Cache } from '@tablestack/cache';
import { type Database, readYourWrites } from '@tablestack/db';
import type { RedisClient } from '@tablestack/redis-client';
import { createService, type Logger, type ReadinessCheck, type Service } from '@tablestack/service-kit';
import type { Registry } from 'prom-client';
import type { Env } from './env.js';
import { Passwords } from './passwords/passwords.js';
import { OutboxRepository } from './repositories/outbox-repository.js';
import { RefreshTokenRepository } from './repositories/refresh-token-repository.js';
import { UserRepository } from './repositories/user-repository.js';
import { authRoutes } from './routes/auth-routes.js';
import { userRoutes } from './routes/user-routes.js';
import { AuthService } from './services/auth-service.js';
import { ProfileService } from './services/profile-service.js';
import { RevokedRefreshTokens } from './tokens/revoked-refresh-tokens.js';

export const SERVICE_NAME = 'user-service';

/** Env the account routes read: token signing, the internal secret, password hashing. */
export type AccountsRouteEnv = Pick<
  Env,
  | 'JWT_SECRET'
  | 'JWT_KEY_ID'
  | 'JWT_PREVIOUS_KEYS'
  | 'JWT_ISSUER'
  | 'JWT_AUDIENCE'
  | 'ACCESS_TOKEN_EXPIRE_MINUTES'
  | 'INTERNAL_AUTH_SECRET'
  | 'REFRESH_TOKEN_EXPIRE_DAYS'
  | 'PASSWORD_HASH'
  | 'BCRYPT_ROUNDS'
  | 'ARGON2_MEMORY_KIB'
  | 'ARGON2_TIME_COST'
  | 'ARGON2_PARALLELISM'
>;

/** What the account routes run on; all of it built once by the composition root (or a test). */
export interface AccountsDeps {
  env: AccountsRouteEnv;
  db: Database;
  cache: Cache;
  /** The process's shared `command` connection (revocation marks). */
  redis: RedisClient;
}

export interface ServerDeps {
  env: Pick<Env, 'JSON_BODY_LIMIT'>;
  logger: Logger;
  /** Without it (unit tests of the kit's behaviour) no account routes are mounted. */
  accounts?: AccountsDeps;
  /** Dependency checks for /ready, built by the composition root. */
  readiness?: Record<string, ReadinessCheck>;
  /** Registry shared with the clients' metrics, so /metrics shows them all. */
  registry?: Registry;
}

/** The user-service's HTTP app: accounts, tokens and profiles. No listen, no globals. */
export function createServer(deps: ServerDeps): Service {
  return createService({
    name: SERVICE_NAME,
    logger: deps.logger,
    readiness: deps.readiness,
    jsonBodyLimit: deps.env.JSON_BODY_LIMIT,
    ...(deps.registry ? { registry: deps.registry } : {}),
    routes: (app) => {
      const accounts = deps.accounts;
      if (!accounts) return;
      const { env, db, cache, redis } = accounts;
      const users = new UserRepository(db);
      const refreshTokens = new RefreshTokenRepository(db);
      const revoked = new RevokedRefreshTokens(redis, deps.logger);
      const passwords = Passwords.fromEnv(env);
      const auth = new AuthService({
        db,
        users,
        refreshTokens,
        outbox: new OutboxRepository(),
        revoked,
        passwords,
        accessTokens: new AccessTokens(env),
        cache,
        refreshTokenDays: env.REFRESH_TOKEN_EXPIRE_DAYS,
      });
      const profiles = new ProfileService({ db, users, refreshTokens, revoked, passwords, cache });
      // Identity comes only from the gateway's headers with the internal secret; anything else is anonymous.
      app.use(trustGatewayIdentity(env.INTERNAL_AUTH_SECRET));
      // Read-your-writes: reads after this user's writes see them (x-db-lsn, managed by the gateway).
      app.use(readYourWrites(db));
      app.use(authRoutes({ auth }));
      app.use(userRoutes({ profiles }));
    },
  });
}
