import type { Agent, IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { ProblemError, sendProblem } from '@tablestack/service-kit';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { createProxyMiddleware, fixRequestBody } from 'http-proxy-middleware';
import { mayRetryOnAnotherReplica } from './retry-policy.js';
import type { CallOutcome, UpstreamPool, UpstreamTarget } from './upstream-pool.js';

export interface UpstreamProxyOptions {
  pool: UpstreamPool;
  /** Shared keep-alive agent: a new TCP connection per proxied request costs more than the request. */
  agent: Agent;
  timeoutMs: number;
  /** Rewrites the incoming path to the upstream's, e.g. strip `/api/v1`. */
  pathRewrite?: (path: string) => string;
  /** Sees (and may edit the headers of) each upstream response before it is sent on. */
  onProxyRes?: (proxyRes: IncomingMessage, req: IncomingMessage) => void;
  /** Skip the breakers (health probes must reach a replica whatever its breaker says). */
  bypassBreakers?: boolean;
}

/** The replica chosen for a request and its breaker accounting. */
interface Routed {
  target: UpstreamTarget;
  outcome: CallOutcome;
  /** Sends the request to a replica not tried yet; false when there is none. */
  retry: () => boolean;
}
const routedRequests = new WeakMap<IncomingMessage, Routed>();

/**
 * Streams a request to the next replica of an upstream whose breaker is closed: no body parsing
 * (a body parsed earlier, e.g. for login protection, is written back), request id and
 * `x-forwarded-*` forwarded. A GET (HEAD, OPTIONS) whose replica refuses or drops the connection
 * goes to the next replica not tried yet (see retry-policy.ts); otherwise a refused or reset
 * connection answers 502, a slow upstream 504, every replica's breaker open 503 with Retry-After, all
 * as problem+json. 5xx answers, timeouts and connection errors count against the replica's breaker;
 * 4xx do not.
 */
export function createUpstreamProxy(options: UpstreamProxyOptions): RequestHandler {
  const { pool } = options;
  const proxy = createProxyMiddleware<Request, Response>({
    router: (req) => routedRequests.get(req)?.target.url ?? pool.next(),
    target: pool.targets[0],
    agent: options.agent,
    xfwd: true,
    ...(options.pathRewrite ? { pathRewrite: (path: string) => options.pathRewrite!(path) } : {}),
    on: {
      // Our own timer rather than http-proxy's proxyTimeout, whose abort looks exactly like a reset.
      proxyReq: (proxyReq, req) => {
        // A client's `Connection: close` is about its own connection to us; passed on, it would make
        // the upstream close a pooled keep-alive connection (http-party/node-http-proxy#446). Set
        // before fixRequestBody, which writes a parsed body and with it the headers.
        proxyReq.setHeader('connection', 'keep-alive');
        fixRequestBody(proxyReq, req);
        proxyReq.setTimeout(options.timeoutMs, () => {
          proxyReq.destroy(Object.assign(new Error('upstream timed out'), { code: UPSTREAM_TIMEOUT }));
        });
      },
      proxyRes: (proxyRes, req) => {
        const routed = routedRequests.get(req);
        if ((proxyRes.statusCode ?? 502) >= 500) routed?.outcome.failed(`status ${proxyRes.statusCode}`);
        else routed?.outcome.succeeded();
        options.onProxyRes?.(proxyRes, req);
      },
      error: (error, req, res) => {
        const routed = routedRequests.get(req);
        const code = (error as Error & { code?: string }).code;
        routed?.outcome.failed(code ?? 'error');
        if (routed && 'setHeader' in res && !res.headersSent && mayRetryOnAnotherReplica(req.method, code)) {
          const from = routed.target.url;
          if (routed.retry()) {
            pool.retries += 1;
            (req as Request).log?.warn(
              { upstream: pool.name, code, from, to: routedRequests.get(req)?.target.url },
              'upstream replica failed; retrying the request on another replica',
            );
            return;
          }
        }
        onProxyError(pool.name, error, req, res);
      },
    },
  });
  if (options.bypassBreakers) return proxy;
  return (req: Request, res: Response, next: NextFunction) => {
    // The proxy rewrites req.url; a retry starts again from the URL as it came in.
    const url = req.url;
    const tried = new Set<UpstreamTarget>();
    const send = (): boolean => {
      const target = pool.pick(tried);
      if (!target) return false;
      tried.add(target);
      const outcome = target.call();
      routedRequests.set(req, { target, outcome, retry: send });
      // A client that goes away is not the upstream's fault.
      res.once('close', () => outcome.succeeded());
      req.url = url;
      proxy(req, res, next);
      return true;
    };
    if (send()) return;
    const retryAfter = Math.ceil(pool.retryAfterMs / 1000);
    sendProblem(
      res,
      new ProblemError('UPSTREAM_UNAVAILABLE', {
        status: 503,
        title: 'Service unavailable',
        detail: `${pool.name} is failing; the gateway stopped calling it for now.`,
        headers: { 'Retry-After': String(retryAfter) },
      }),
      { requestId: String(req.id ?? ''), instance: req.originalUrl },
    );
  };
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
  const problem =
    error.code === UPSTREAM_TIMEOUT
      ? new ProblemError('GATEWAY_TIMEOUT', { detail: `${upstream} did not answer in time` })
      : new ProblemError('BAD_GATEWAY', { detail: `${upstream} is unavailable` });
  sendProblem(res as Response, problem, {
    requestId: String(request.id ?? ''),
    instance: request.originalUrl,
  });
}
