import type { Agent } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { ProblemError, sendProblem } from '@tablestack/service-kit';
import type { Request, RequestHandler, Response } from 'express';
import { createProxyMiddleware } from 'http-proxy-middleware';
import type { UpstreamPool } from './upstream-pool.js';

export interface UpstreamProxyOptions {
  pool: UpstreamPool;
  /** Shared keep-alive agent: a new TCP connection per proxied request costs more than the request. */
  agent: Agent;
  timeoutMs: number;
  /** Rewrites the incoming path to the upstream's, e.g. strip `/api/v1`. */
  pathRewrite?: (path: string) => string;
  /** Sees (and may edit the headers of) each upstream response before it is sent on. */
  onProxyRes?: (proxyRes: IncomingMessage, req: IncomingMessage) => void;
}

/**
 * Streams a request to the next replica of an upstream: no body parsing, request id and
 * `x-forwarded-*` forwarded. A refused or reset connection answers 502, a slow upstream 504, both as
 * problem+json.
 */
export function createUpstreamProxy(options: UpstreamProxyOptions): RequestHandler {
  const { pool } = options;
  return createProxyMiddleware<Request, Response>({
    router: () => pool.next(),
    target: pool.targets[0],
    agent: options.agent,
    xfwd: true,
    ...(options.pathRewrite ? { pathRewrite: (path: string) => options.pathRewrite!(path) } : {}),
    on: {
      // Our own timer rather than http-proxy's proxyTimeout, whose abort looks exactly like a reset.
      proxyReq: (proxyReq) => {
        proxyReq.setTimeout(options.timeoutMs, () => {
          proxyReq.destroy(Object.assign(new Error('upstream timed out'), { code: UPSTREAM_TIMEOUT }));
        });
      },
      ...(options.onProxyRes ? { proxyRes: options.onProxyRes } : {}),
      error: (error, req, res) => onProxyError(pool.name, error, req, res),
    },
  });
}

const UPSTREAM_TIMEOUT = 'UPSTREAM_TIMEOUT';

function onProxyError(
  upstream: string,
  error: Error & { code?: string },
  req: IncomingMessage,
  res: ServerResponse | Socket,
): void {
  const request = req as Request;
  request.log?.warn({ upstream, code: error.code, err: error }, 'upstream request failed');
  if (!('setHeader' in res) || res.headersSent) {
    res.destroy();
    return;
  }
  const problem = error.code === UPSTREAM_TIMEOUT
    ? new ProblemError('GATEWAY_TIMEOUT', { detail: `${upstream} did not answer in time` })
    : new ProblemError('BAD_GATEWAY', { detail: `${upstream} is unavailable` });
  sendProblem(res as Response, problem, { requestId: String(request.id ?? ''), instance: request.originalUrl });
}
