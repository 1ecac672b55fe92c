import type { RedisClient } from '@tablestack/redis-client';
import { ProblemError } from '@tablestack/service-kit';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { identityOf } from './authenticate.js';
import { classify, type RateLimitClass, type RateLimitClassName } from './rate-limit-classes.js';

export interface RateLimiterOptions {
  redis: RedisClient;
  classes: Record<RateLimitClassName, RateLimitClass>;
  /** Gateway replicas: while Redis is down each one allows its share of a quota. */
  replicas: number;
  /** Classes that only log what they would refuse. */
  shadow: ReadonlySet<string>;
  logger: { warn(details: object, message: string): void };
}

interface Limiter {
  spec: RateLimitClass;
  limiter: RateLimiterRedis;
}

/**
 * Per-route, per-IP or per-user limits on the shared Redis (rate-limiter-flexible: one atomic Lua
 * call per request), so a quota holds across all gateway replicas. While Redis is down or slow,
 * rate-limiter-flexible falls back to an in-memory "insurance" limiter holding 1/replicas of the
 * quota, so limits keep applying. Answers carry the IETF RateLimit-Policy / RateLimit headers;
 * a refused request gets 429 problem+json with Retry-After.
 */
export function rateLimit(options: RateLimiterOptions): RequestHandler {
  const limiters = new Map<RateLimitClassName, Limiter>();
  for (const spec of Object.values(options.classes)) {
    limiters.set(spec.name, {
      spec,
      limiter: new RateLimiterRedis({
        storeClient: options.redis,
        keyPrefix: `rl:${spec.name}`,
        points: spec.limit,
        duration: spec.windowSeconds,
        insuranceLimiter: new RateLimiterMemory({
          keyPrefix: `rl-local:${spec.name}`,
          points: Math.max(1, Math.floor(spec.limit / options.replicas)),
          duration: spec.windowSeconds,
        }),
      }),
    });
  }

  return async (req: Request, res: Response, next: NextFunction) => {
    const identity = identityOf(res);
    const name = classify(req.method, req.path, identity);
    const { spec, limiter } = limiters.get(name)!;
    const key = spec.key === 'user' && identity ? `u:${identity.userId}` : `ip:${req.ip}`;
    res.setHeader('RateLimit-Policy', `"${name}";q=${spec.limit};w=${spec.windowSeconds}`);
    let result: RateLimiterRes;
    let refused = false;
    try {
      result = await limiter.consume(key);
    } catch (rejection) {
      if (!(rejection instanceof RateLimiterRes)) {
        // Both Redis and the insurance limiter failed: let the request through rather than fail it.
        options.logger.warn({ err: { message: (rejection as Error)?.message } }, 'rate limiter unavailable');
        next();
        return;
      }
      result = rejection;
      refused = true;
    }
    const resetSeconds = Math.ceil(result.msBeforeNext / 1000);
    res.setHeader('RateLimit', `"${name}";r=${Math.max(0, result.remainingPoints)};t=${resetSeconds}`);
    if (!refused) {
      next();
      return;
    }
    if (options.shadow.has(name)) {
      options.logger.warn({ class: name, key }, 'rate limit exceeded (shadow mode: let through)');
      next();
      return;
    }
    next(
      new ProblemError('RATE_LIMITED', {
        detail: `Too many requests (${name}: ${spec.limit} per ${spec.windowSeconds} s); retry in ${resetSeconds} s.`,
        headers: { 'Retry-After': String(Math.max(1, resetSeconds)) },
      }),
    );
  };
}
