import type { Env } from './env.js';
import {
  defaultRateLimitClasses,
  type RateLimitClass,
  type RateLimitClassName,
} from './rate-limit-classes.js';

/** The classes with the per-minute limits of the env. */
export function rateLimitClassesFrom(env: Env): Record<RateLimitClassName, RateLimitClass> {
  const limits: Record<RateLimitClassName, number> = {
    'public-read': env.RATE_LIMIT_PUBLIC_READ,
    'authenticated-read': env.RATE_LIMIT_AUTHENTICATED_READ,
    'public-write': env.RATE_LIMIT_PUBLIC_WRITE,
    'authenticated-write': env.RATE_LIMIT_AUTHENTICATED_WRITE,
    search: env.RATE_LIMIT_SEARCH,
    admin: env.RATE_LIMIT_ADMIN,
  };
  return Object.fromEntries(
    Object.entries(defaultRateLimitClasses).map(([name, spec]) => [
      name,
      { ...spec, limit: limits[name as RateLimitClassName] },
    ]),
  ) as Record<RateLimitClassName, RateLimitClass>;
}
