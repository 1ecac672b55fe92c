import type { RequestHandler } from 'express';
import { collectDefaultMetrics, Histogram, Registry } from 'prom-client';

export interface HttpMetrics {
  registry: Registry;
  middleware: RequestHandler;
}

/**
 * A registry with Node's default metrics and one histogram of request durations by method, route and
 * status. The route label is the matched Express route pattern (`/restaurants/:id`), never the raw
 * path, so the number of series stays bounded; unmatched requests share one label.
 */
export function createHttpMetrics(options: { service: string; registry?: Registry }): HttpMetrics {
  const registry = options.registry ?? new Registry();
  registry.setDefaultLabels({ service: options.service });
  collectDefaultMetrics({ register: registry });
  const duration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request duration in seconds, by method, route pattern and status code',
    labelNames: ['method', 'route', 'status_code'] as const,
    buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const middleware: RequestHandler = (req, res, next) => {
    const end = duration.startTimer();
    res.once('finish', () => {
      const pattern = req.route?.path;
      const route =
        typeof pattern === 'string' ? `${req.baseUrl}${pattern}` : (res.locals.metricsRoute ?? 'unmatched');
      end({ method: req.method, route, status_code: String(res.statusCode) });
    });
    next();
  };
  return { registry, middleware };
}
