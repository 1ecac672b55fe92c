import { Agent } from 'node:http';
import { createService, type Logger, type Service } from '@tablestack/service-kit';
import type { Registry } from 'prom-client';
import type { Env } from './env.js';
import { upstreamHealthCheck } from './upstream-health.js';
import { UpstreamPool } from './upstream-pool.js';
import { createUpstreamProxy } from './upstream-proxy.js';
import { forwardWritePosition, rememberWritePosition, type WritePositionStore } from './write-positions.js';

export const SERVICE_NAME = 'gateway';

export interface ServerDeps {
  env: Pick<Env, 'USER_SERVICE_URLS' | 'RESTAURANT_SERVICE_URLS' | 'UPSTREAM_TIMEOUT_MS' | 'TRUST_PROXY'>;
  logger: Logger;
  /** Keep-alive agent shared by every proxy; the composition root destroys it on shutdown. */
  agent?: Agent;
  /** Read-your-writes positions per user (Redis); without it no position is carried. */
  writePositions?: WritePositionStore;
  /** Registry shared with the clients' metrics, so /metrics shows them all. */
  registry?: Registry;
}

const API_PREFIX = '/api/v1';
const stripApiPrefix = (path: string) => path.slice(API_PREFIX.length) || '/';

/**
 * The public entry behind nginx: routes /api/v1/* to the services. The services' own /health is
 * reachable as /upstreams/<service>/health. No body parser: proxied bodies stream through.
 */
export function createServer(deps: ServerDeps): Service & { agent: Agent; pools: UpstreamPool[] } {
  const agent = deps.agent ?? new Agent({ keepAlive: true, maxSockets: 256, maxFreeSockets: 32 });
  const users = new UpstreamPool('user-service', deps.env.USER_SERVICE_URLS);
  const restaurants = new UpstreamPool('restaurant-service', deps.env.RESTAURANT_SERVICE_URLS);
  const pools = [users, restaurants];
  const timeoutMs = deps.env.UPSTREAM_TIMEOUT_MS;

  // Path prefixes owned by each upstream (ARCHITECTURE.md's API table).
  const apiRoutes: Array<{ prefixes: string[]; pool: UpstreamPool }> = [
    { prefixes: ['/auth', '/users'], pool: users },
    { prefixes: ['/restaurants', '/reviews'], pool: restaurants },
  ];

  const service = createService({
    name: SERVICE_NAME,
    logger: deps.logger,
    jsonBodyLimit: false,
    trustProxy: deps.env.TRUST_PROXY,
    ...(deps.registry ? { registry: deps.registry } : {}),
    readiness: Object.fromEntries(pools.map((pool) => [pool.name, upstreamHealthCheck(pool)])),
    routes: (app) => {
      for (const pool of pools) {
        app.get(`/upstreams/${pool.name}/health`, createUpstreamProxy({ pool, agent, timeoutMs, pathRewrite: () => '/health' }));
      }
      const positions = deps.writePositions;
      if (positions) app.use(API_PREFIX, forwardWritePosition(positions, deps.logger));
      for (const { prefixes, pool } of apiRoutes) {
        const proxy = createUpstreamProxy({
          pool,
          agent,
          timeoutMs,
          pathRewrite: stripApiPrefix,
          ...(positions ? { onProxyRes: rememberWritePosition(positions, deps.logger) } : {}),
        });
        for (const prefix of prefixes) {
          // One metrics label per prefix: proxied paths are not Express routes.
          app.use(`${API_PREFIX}${prefix}`, (req, res, next) => {
            res.locals.metricsRoute = `${API_PREFIX}${prefix}/*`;
            req.url = req.originalUrl; // undo Express's mount-path stripping; the proxy sees the full path
            proxy(req, res, next);
          });
        }
      }
    },
  });
  return { ...service, agent, pools };
}
