import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { ProblemError } from '@tablestack/service-kit';
import type { NextFunction, Request, RequestHandler, Response } from 'express';

export type Role = 'USER' | 'ADMIN';

/** Who a request is for, as verified by the gateway. */
export interface Identity {
  userId: string;
  role: Role;
}

/** Headers the gateway sets after verifying a token; a client's own values are always dropped. */
export const IDENTITY_HEADERS = {
  userId: 'x-user-id',
  role: 'x-user-role',
  internalAuth: 'x-internal-auth',
} as const;

declare global {
  namespace Express {
    interface Request {
      /** Set by `trustGatewayIdentity` when the gateway vouched for the caller. */
      identity?: Identity;
    }
  }
}

/** Removes identity headers a client sent, so only the gateway's own reach the services. */
export function stripIdentityHeaders(req: IncomingMessage): void {
  for (const header of Object.values(IDENTITY_HEADERS)) delete req.headers[header];
}

/** Sets the identity headers the services will trust (gateway side). */
export function setIdentityHeaders(req: IncomingMessage, identity: Identity, internalSecret: string): void {
  req.headers[IDENTITY_HEADERS.userId] = identity.userId;
  req.headers[IDENTITY_HEADERS.role] = identity.role;
  req.headers[IDENTITY_HEADERS.internalAuth] = internalSecret;
}

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * Service side: believes the identity headers only when they come with the gateway's internal secret;
 * otherwise the request is anonymous. Services never verify tokens themselves.
 */
export function trustGatewayIdentity(internalSecret: string): RequestHandler {
  return (req: Request, _res: Response, next: NextFunction) => {
    const secret = req.headers[IDENTITY_HEADERS.internalAuth];
    const userId = req.headers[IDENTITY_HEADERS.userId];
    const role = req.headers[IDENTITY_HEADERS.role];
    if (
      typeof secret === 'string' &&
      sameSecret(secret, internalSecret) &&
      typeof userId === 'string' &&
      (role === 'USER' || role === 'ADMIN')
    ) {
      req.identity = { userId, role };
    }
    next();
  };
}

/** The caller's identity, or 401. */
export function requireUser(req: Request): Identity {
  if (!req.identity)
    throw new ProblemError('UNAUTHORIZED', {
      detail: 'A valid access token is required.',
      headers: { 'WWW-Authenticate': 'Bearer' },
    });
  return req.identity;
}

/** An admin's identity, or 401/403. */
export function requireAdmin(req: Request): Identity {
  const identity = requireUser(req);
  if (identity.role !== 'ADMIN')
    throw new ProblemError('FORBIDDEN', { detail: 'This needs an administrator.' });
  return identity;
}
