import type { Identity } from '@tablestack/auth';

/** ARCHITECTURE.md's rate limit classes. */
export type RateLimitClassName =
  | 'public-read'
  | 'authenticated-read'
  | 'public-write'
  | 'authenticated-write'
  | 'search'
  | 'admin';

export interface RateLimitClass {
  name: RateLimitClassName;
  /** Requests allowed per window. */
  limit: number;
  windowSeconds: number;
  /** What a quota belongs to. */
  key: 'ip' | 'user';
}

/** Defaults; each limit is overridable with RATE_LIMIT_<CLASS> (e.g. RATE_LIMIT_PUBLIC_READ=200). */
export const defaultRateLimitClasses: Record<RateLimitClassName, RateLimitClass> = {
  'public-read': { name: 'public-read', limit: 100, windowSeconds: 60, key: 'ip' },
  'authenticated-read': { name: 'authenticated-read', limit: 500, windowSeconds: 60, key: 'user' },
  'public-write': { name: 'public-write', limit: 10, windowSeconds: 60, key: 'ip' },
  // Not in the architecture table: a signed-in user's writes get the public write quota, per user.
  'authenticated-write': { name: 'authenticated-write', limit: 60, windowSeconds: 60, key: 'user' },
  search: { name: 'search', limit: 30, windowSeconds: 60, key: 'ip' },
  admin: { name: 'admin', limit: 1000, windowSeconds: 60, key: 'user' },
};

const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Which class a request to the public API falls in (path without /api/v1). */
export function classify(method: string, path: string, identity: Identity | undefined): RateLimitClassName {
  if (identity?.role === 'ADMIN' && (path.startsWith('/admin') || path.startsWith('/users/by-email')))
    return 'admin';
  if (READ_METHODS.has(method)) {
    if (path === '/restaurants/search' || path.startsWith('/restaurants/search?')) return 'search';
    return identity ? 'authenticated-read' : 'public-read';
  }
  return identity ? 'authenticated-write' : 'public-write';
}
