import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RequestHandler } from 'express';
import type { Logger } from 'pino';
import { assignRequestId } from './request-id.js';

declare module 'http' {
  interface IncomingMessage {
    /** The request id (`x-request-id`), set by the kit before any route runs. */
    id: string;
    /** A child of the service's logger bound to the request id: every line a handler writes joins it. */
    log: Logger;
  }
}

export interface RequestLoggerOptions {
  logger: Logger;
  /** Paths whose requests get no access-log line (probes run every few seconds on every replica). */
  quietPaths?: readonly string[];
}

/**
 * Request id, per-request child logger and one access-log line per request, the job pino-http did.
 *
 * Hand-written because it is the hottest code of every service: pino-http builds two child loggers
 * and a fully serialized request (every header) for each request, which cost the gateway about a
 * fifth of its CPU per proxied request. Here the child logger is made only when a handler asks for
 * `req.log`, and the line holds what finds and judges a request: id, method, path, client address,
 * status and time. `bench/access-log-cost.ts` measures all three (none, pino-http, this), as CPU time per request.
 */
export function requestLogger(options: RequestLoggerOptions): RequestHandler {
  const { logger } = options;
  const quiet = new Set(options.quietPaths ?? []);
  return (req, res, next) => {
    const started = performance.now();
    const id = assignRequestId(req, res);
    req.id = id;
    let child: Logger | undefined;
    Object.defineProperty(req, 'log', {
      configurable: true,
      enumerable: false,
      get: () => (child ??= logger.child({ reqId: id })),
    });
    if (!quiet.has(req.url)) {
      res.once('close', () => writeAccessLine(logger, req, res, id, performance.now() - started));
    }
    next();
  };
}

function writeAccessLine(
  logger: Logger,
  req: IncomingMessage & { originalUrl?: string },
  res: ServerResponse,
  id: string,
  elapsedMs: number,
): void {
  // 'close' without 'finish': the client went away before the answer was complete.
  const aborted = !res.writableFinished;
  const status = res.statusCode;
  const level = status >= 500 ? 'error' : status >= 400 || aborted ? 'warn' : 'info';
  logger[level](
    {
      reqId: id,
      req: { method: req.method, url: req.originalUrl ?? req.url, remoteAddress: req.socket?.remoteAddress },
      res: { statusCode: status },
      responseTime: Math.round(elapsedMs),
    },
    aborted ? 'request aborted' : 'request completed',
  );
}
