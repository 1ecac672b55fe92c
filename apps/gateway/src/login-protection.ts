import type { IncomingMessage } from 'node:http';
import type { RedisClient } from '@tablestack/redis-client';
import { ProblemError } from '@tablestack/service-kit';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';

export interface LoginProtectionOptions {
  redis: RedisClient;
  /** Failed logins per email + IP allowed within the window… */
  maxFailures: number;
  windowSeconds: number;
  /** …after which that email + IP is blocked this long. */
  blockSeconds: number;
  replicas: number;
  logger: { warn(details: object, message: string): void };
}

const attempts = new WeakMap<IncomingMessage, string>();

/**
 * Brute-force protection of POST /auth/login: attempts per email + client IP are counted as they
 * come, a success (200) clears the count, so LOGIN_MAX_FAILURES consecutive failures block the next
 * attempts for LOGIN_BLOCK_SECONDS. The small login
 * body is parsed here to read the email, and written back to the upstream by the proxy.
 */
export function loginProtection(options: LoginProtectionOptions): {
  check: RequestHandler;
  onProxyRes: (proxyRes: IncomingMessage, req: IncomingMessage) => void;
} {
  const failures = new RateLimiterRedis({
    storeClient: options.redis,
    keyPrefix: 'login-fail',
    points: options.maxFailures,
    duration: options.windowSeconds,
    blockDuration: options.blockSeconds,
    insuranceLimiter: new RateLimiterMemory({
      keyPrefix: 'login-fail-local',
      points: Math.max(1, Math.floor(options.maxFailures / options.replicas)),
      duration: options.windowSeconds,
      blockDuration: options.blockSeconds,
    }),
  });

  const check: RequestHandler = async (req: Request, _res: Response, next: NextFunction) => {
    const email = typeof req.body?.email === 'string' ? req.body.email.trim().toLowerCase() : '';
    if (!email) {
      next(); // the user-service answers the validation error
      return;
    }
    const key = `${email}:${req.ip}`;
    attempts.set(req, key);
    try {
      // Every attempt counts before it is made (counting failures afterwards would let a fast
      // attacker slip attempts in before the count lands); a success clears the count.
      await failures.consume(key);
    } catch (rejection) {
      if (rejection instanceof RateLimiterRes) {
        const retryAfter = Math.max(1, Math.ceil(rejection.msBeforeNext / 1000));
        next(
          new ProblemError('LOGIN_BLOCKED', {
            status: 429,
            title: 'Too many failed logins',
            detail: `Too many failed logins for this account from this address; retry in ${retryAfter} s.`,
            headers: { 'Retry-After': String(retryAfter) },
          }),
        );
        return;
      }
      options.logger.warn(
        { err: { message: (rejection as Error)?.message } },
        'login protection unavailable',
      );
    }
    next();
  };

  const onProxyRes = (proxyRes: IncomingMessage, req: IncomingMessage) => {
    const key = attempts.get(req);
    if (!key) return;
    if (proxyRes.statusCode !== 200) return;
    failures
      .delete(key)
      .catch((error: unknown) =>
        options.logger.warn({ err: { message: (error as Error)?.message } }, 'login protection not updated'),
      );
  };

  return { check, onProxyRes };
}
