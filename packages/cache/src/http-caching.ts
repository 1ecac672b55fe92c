import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

export interface CacheableResponseOptions {
  /** Seconds clients and shared caches may reuse the response. */
  maxAgeSeconds: number;
  /** `public` for anyone's data, `private` for a user's own; @default 'public' */
  scope?: 'public' | 'private';
}

/** A weak ETag of a JSON body: equal bodies, equal tags, across replicas. */
export function etagOf(json: string): string {
  return `W/"${createHash('sha1').update(json).digest('base64url')}"`;
}

/** Does `If-None-Match` name this ETag (or `*`)? Weak comparison, as RFC 9110 asks for GET. */
export function matchesIfNoneMatch(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  if (header.trim() === '*') return true;
  const opaque = (tag: string) => tag.trim().replace(/^W\//, '');
  return header.split(',').some((candidate) => opaque(candidate) === opaque(etag));
}

/**
 * Sends a cacheable GET answer: JSON body with ETag and Cache-Control, or 304 without a body when
 * the client already has it.
 */
export function sendCacheable(
  req: IncomingMessage,
  res: ServerResponse,
  body: unknown,
  options: CacheableResponseOptions,
): void {
  const json = JSON.stringify(body);
  const etag = etagOf(json);
  res.setHeader('ETag', etag);
  res.setHeader('Cache-Control', `${options.scope ?? 'public'}, max-age=${options.maxAgeSeconds}`);
  if (matchesIfNoneMatch(req.headers['if-none-match'], etag)) {
    res.statusCode = 304;
    res.end();
    return;
  }
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.end(json);
}
