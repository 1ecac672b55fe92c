import { Agent, type IncomingMessage } from 'node:http';
import type { AccessTokens } from '@tablestack/auth';
import type { RedisClient } from '@tablestack/redis-client';
import { createService, type Logger, type Service } from '@tablestack/service-kit';
import cors from 'cors';
import express from 'express';
import helmet from 'helmet';
import type { Registry } from 'prom-client';
import { adminSessionRoutes, bearerFromAdminSession } from './admin-session.js';
import { apiDocs } from './api-docs.js';
import { authenticate } from './authenticate.js';
import type { Env } from './env.js';
import { loginProtection } from './login-protection.js';
import {
  defaultRateLimitClasses,
  type RateLimitClass,
  type RateLimitClassName,
} from './rate-limit-classes.js';
import { rateLimit } from './rate-limiter.js';
import { upstreamHealthCheck } from './upstream-health.js';
import { registerUpstreamMetrics, upstreamStates } from './upstream-metrics.js';
import { type BreakerSettings, defaultBreakerSettings, UpstreamPool } from './upstream-pool.js';
import { createUpstreamProxy } from './upstream-proxy.js';
import { forwardWritePosition, rememberWritePosition, type WritePositionStore } from './write-positions.js';

export const SERVICE_NAME = 'gateway';

type ProxyResHook = (proxyRes: IncomingMessage, req: IncomingMessage) => void;

export interface ServerDeps {
  env: Pick<Env, 'USER_SERVICE_URLS' | 'RESTAURANT_SERVICE_URLS' | 'UPSTREAM_TIMEOUT_MS' | 'TRUST_PROXY'> &
    Partial<Pick<Env, 'CORS_ORIGINS' | 'INTERNAL_AUTH_SECRET' | 'WORKER_URLS'>>;
  logger: Logger;
  /** Keep-alive agent shared by every proxy; the composition root destroys it on shutdown. */
  agent?: Agent;
  /** Verifies bearer tokens; without it identity is not forwarded (unit tests of routing). */
  tokens?: AccessTokens;
  /** Read-your-writes positions per user (Redis); without it no position is carried. */
  writePositions?: WritePositionStore;
  /** Rate limits and login protection on Redis; without it none apply. */
  limits?: {
    redis: RedisClient;
    classes?: Record<RateLimitClassName, RateLimitClass>;
    shadow?: ReadonlySet<string>;
    replicas: number;
    login: { maxFailures: number; windowSeconds: number; blockSeconds: number };
  };
  breakers?: BreakerSettings;
  /** Registry shared with the clients' metrics, so /metrics shows them all. */
  registry?: Registry;
}

const API_PREFIX = '/api/v1';
const stripApiPrefix = (path: string) => path.slice(API_PREFIX.length) || '/';

/**
 * The public entry behind nginx: verifies tokens, applies rate limits, routes /api/v1/* to the
 * services over keep-alive pools with a breaker per replica. The services' own /health is reachable
 * as /upstreams/<service>/health; breaker states at /upstreams. No body parser (except the login
 * body, for brute-force protection): proxied bodies stream through.
 */
export function createServer(deps: ServerDeps): Service & { agent: Agent; pools: UpstreamPool[] } {
  // Idle upstream connections are dropped after 30 s, well before the services' own 65 s keep-alive
  // timeout, so the gateway never reuses a connection the service is closing.
  const agent =
    deps.agent ?? new Agent({ keepAlive: true, maxSockets: 256, maxFreeSockets: 32, timeout: 30_000 });
  const breakers = deps.breakers ?? defaultBreakerSettings;
  const users = new UpstreamPool('user-service', deps.env.USER_SERVICE_URLS, breakers);
  const restaurants = new UpstreamPool('restaurant-service', deps.env.RESTAURANT_SERVICE_URLS, breakers);
  const workers = deps.env.WORKER_URLS?.length
    ? new UpstreamPool('worker', deps.env.WORKER_URLS, breakers)
    : undefined;
  const pools = workers ? [users, restaurants, workers] : [users, restaurants];
  const timeoutMs = deps.env.UPSTREAM_TIMEOUT_MS;
  const { logger, limits } = deps;

  // Path prefixes owned by each upstream (ARCHITECTURE.md's API table).
  const apiRoutes: Array<{ prefixes: string[]; pool: UpstreamPool }> = [
    { prefixes: ['/auth', '/users'], pool: users },
    { prefixes: ['/restaurants', '/reviews', '/notifications'], pool: restaurants },
  ];

  /** /api/v1: identity, rate limits, read-your-writes positions, login protection, then the proxies. */
  const apiRouter = (): express.Router => {
    const router = express.Router();
    if (deps.tokens) router.use(authenticate(deps.tokens, deps.env.INTERNAL_AUTH_SECRET ?? ''));
    if (limits) {
      router.use(
        rateLimit({
          redis: limits.redis,
          classes: limits.classes ?? defaultRateLimitClasses,
          replicas: limits.replicas,
          shadow: limits.shadow ?? new Set(),
          logger,
        }),
      );
    }
    const positions = deps.writePositions;
    if (positions) router.use(forwardWritePosition(positions, logger));

    const hooks: ProxyResHook[] = [];
    if (positions) hooks.push(rememberWritePosition(positions, logger));
    if (limits) {
      const login = loginProtection({
        redis: limits.redis,
        replicas: limits.replicas,
        logger,
        ...limits.login,
      });
      router.post('/auth/login', express.json({ limit: '10kb' }), login.check);
      hooks.push(login.onProxyRes);
    }
    const onProxyRes: ProxyResHook = (proxyRes, req) => {
      for (const hook of hooks) hook(proxyRes, req);
    };
    for (const { prefixes, pool } of apiRoutes) {
      const proxy = createUpstreamProxy({ pool, agent, timeoutMs, pathRewrite: stripApiPrefix, onProxyRes });
      for (const prefix of prefixes) {
        // One metrics label per prefix: proxied paths are not Express routes.
        const metricsRoute = `${API_PREFIX}${prefix}/*`;
        router.use(prefix, (req, res, next) => {
          res.locals.metricsRoute = metricsRoute;
          req.url = req.originalUrl; // undo Express's mount-path stripping; the proxy sees the full path
          proxy(req, res, next);
        });
      }
    }
    return router;
  };

  const service = createService({
    name: SERVICE_NAME,
    logger,
    jsonBodyLimit: false,
    trustProxy: deps.env.TRUST_PROXY,
    ...(deps.registry ? { registry: deps.registry } : {}),
    // The worker is not on the request path: the gateway is ready without it.
    readiness: Object.fromEntries([users, restaurants].map((pool) => [pool.name, upstreamHealthCheck(pool)])),
    // Aggregated: the breaker state of every upstream replica, as the gateway sees it.
    healthDetails: () => ({ upstreams: upstreamStates(pools) }),
    routes: (app) => {
      app.use(helmet());
      const origins = deps.env.CORS_ORIGINS ?? new Set<string>();
      app.use(
        cors({
          origin: (origin, done) => done(null, origin !== undefined && origins.has(origin)),
          maxAge: 600,
        }),
      );

      // Every /api/v1 request goes through this one router, mounted first: the ops and docs routes
      // below are never tried for the traffic that matters (each Express layer costs a path match).
      app.use(API_PREFIX, apiRouter());

      for (const pool of pools) {
        app.get(
          `/upstreams/${pool.name}/health`,
          createUpstreamProxy({ pool, agent, timeoutMs, pathRewrite: () => '/health', bypassBreakers: true }),
        );
      }
      app.get('/upstreams', (_req, res) => {
        res.json(upstreamStates(pools));
      });
      app.use(apiDocs());

      if (workers && deps.tokens) {
        // The worker's queue admin (bull-board and failed-job replay); the worker itself requires an
        // admin identity, which only the gateway can vouch for.
        const workerProxy = createUpstreamProxy({ pool: workers, agent, timeoutMs });
        // Browsers reach the dashboard with the session cookie of /admin/session (admin-session.ts).
        app.use(adminSessionRoutes(deps.tokens));
        app.use(
          '/admin/queues',
          bearerFromAdminSession(),
          authenticate(deps.tokens, deps.env.INTERNAL_AUTH_SECRET ?? ''),
          (req, res, next) => {
            res.locals.metricsRoute = '/admin/queues/*';
            req.url = req.originalUrl;
            workerProxy(req, res, next);
          },
        );
      }
    },
  });
  registerUpstreamMetrics(service.metrics.registry, pools);
  return { ...service, agent, pools };
}
