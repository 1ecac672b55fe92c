import express, { type Express, type RequestHandler } from 'express';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { notFoundHandler, problemErrorHandler } from './error-handler.js';
import { createHttpMetrics, type HttpMetrics } from './http-metrics.js';
import { Lifecycle } from './lifecycle.js';
import { type ReadinessCheck, runReadinessChecks } from './readiness.js';
import { requestLogger } from './request-logger.js';

export interface CreateServiceOptions {
  /** Service name, used in logs and as the `service` label of every metric. */
  name: string;
  logger: Logger;
  /** Mounts the service's own routes; called after the kit's middleware and before the 404 handler. */
  routes: (app: Express) => void;
  /** Dependency checks run by GET /ready. @default {} */
  readiness?: Record<string, ReadinessCheck>;
  /** Upper bound of each readiness check. @default 2000 */
  readinessTimeoutMs?: number;
  /**
   * Extra members of the /health answer (e.g. the gateway's view of each upstream). /health stays
   * a liveness probe: it answers 200 whatever they say.
   */
  healthDetails?: () => Record<string, unknown>;
  /**
   * Limit of JSON request bodies; larger bodies get 413. `false` mounts no body parser at all, which
   * the gateway needs so that proxied bodies stream through untouched.
   * @default '100kb'
   */
  jsonBodyLimit?: string | false;
  /** Express `trust proxy` setting; the gateway trusts only nginx. @default false */
  trustProxy?: boolean | string | number;
  /** A registry to add the HTTP metrics to; @default a new one */
  registry?: Registry;
}

export interface Service {
  app: Express;
  logger: Logger;
  metrics: HttpMetrics;
  lifecycle: Lifecycle;
}

/**
 * The Express 5 app every Tablestack service starts from: request id and a per-request child logger,
 * metrics, /health, /ready and /metrics, JSON bodies with a limit, 404 and problem+json errors.
 * It does not listen: `startService` does, so tests can use the app in-process.
 */
export function createService(options: CreateServiceOptions): Service {
  const { logger } = options;
  const app = express();
  const lifecycle = new Lifecycle();
  const metrics = createHttpMetrics({ service: options.name, registry: options.registry });

  app.disable('x-powered-by');
  app.set('trust proxy', options.trustProxy ?? false);
  app.set('etag', false); // caching headers are set deliberately per route, not for every body

  // Probes run every few seconds on every replica; logging them would drown everything else.
  app.use(requestLogger({ logger, quietPaths: ['/health', '/ready', '/metrics'] }));
  app.use(metrics.middleware);
  app.use(trackInFlight(lifecycle));

  app.get('/health', (_req, res) => {
    res.json({ status: 'ok', service: options.name, ...options.healthDetails?.() });
  });
  app.get('/ready', async (_req, res) => {
    if (lifecycle.shuttingDown) {
      res.status(503).json({ ready: false, shuttingDown: true, checks: {} });
      return;
    }
    const report = await runReadinessChecks(options.readiness ?? {}, options.readinessTimeoutMs ?? 2000);
    res.status(report.ready ? 200 : 503).json(report);
  });
  app.get('/metrics', async (_req, res) => {
    res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });

  if (options.jsonBodyLimit !== false) {
    app.use(express.json({ limit: options.jsonBodyLimit ?? '100kb' }));
  }
  options.routes(app);
  app.use(notFoundHandler);
  app.use(problemErrorHandler(logger));
  return { app, logger, metrics, lifecycle };
}

/** Counts requests in flight, and once shutdown began asks clients to close keep-alive connections. */
function trackInFlight(lifecycle: Lifecycle): RequestHandler {
  return (_req, res, next) => {
    lifecycle.requestStarted();
    res.once('close', () => lifecycle.requestFinished());
    if (lifecycle.shuttingDown) res.setHeader('Connection', 'close');
    next();
  };
}
