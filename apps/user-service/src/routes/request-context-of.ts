import type { Request } from 'express';
import type { RequestContext } from '../services/request-context.js';

/** Longest User-Agent kept with a refresh token; the header itself can be kilobytes. */
const USER_AGENT_MAX = 256;

export function requestContextOf(req: Request): RequestContext {
  return { log: req.log, userAgent: req.get('user-agent')?.slice(0, USER_AGENT_MAX) ?? null };
}
