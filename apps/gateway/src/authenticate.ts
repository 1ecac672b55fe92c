import {
  type AccessTokens,
  type Identity,
  InvalidTokenError,
  setIdentityHeaders,
  stripIdentityHeaders,
} from '@tablestack/auth';
import { ProblemError } from '@tablestack/service-kit';
import type { NextFunction, Request, RequestHandler, Response } from 'express';

/**
 * Verifies the bearer token once, here, and forwards who the caller is to the services (which trust
 * only the gateway's headers). No token: anonymous, the services decide what that may do. A token
 * that does not verify: 401 at once, whatever the route.
 */
export function authenticate(tokens: AccessTokens, internalSecret: string): RequestHandler {
  return async (req: Request, res: Response, next: NextFunction) => {
    stripIdentityHeaders(req);
    const header = req.headers.authorization;
    if (!header) {
      next();
      return;
    }
    const match = /^Bearer ([A-Za-z0-9._~+/=-]+)$/.exec(header);
    if (!match) {
      next(invalid('The Authorization header must be "Bearer <token>".'));
      return;
    }
    let identity: Identity;
    try {
      identity = await tokens.verify(match[1]!);
    } catch (error) {
      const expired = error instanceof InvalidTokenError && error.reason === 'expired';
      next(
        invalid(
          expired ? 'The access token has expired; refresh it.' : 'The access token is not valid.',
          expired,
        ),
      );
      return;
    }
    setIdentityHeaders(req, identity, internalSecret);
    res.locals.identity = identity;
    next();
  };
}

function invalid(detail: string, expired = false): ProblemError {
  return new ProblemError(expired ? 'TOKEN_EXPIRED' : 'INVALID_TOKEN', {
    status: 401,
    title: 'Authentication failed',
    detail,
    headers: { 'WWW-Authenticate': `Bearer error="invalid_token"` },
  });
}

/** The identity `authenticate` verified for this request, if any. */
export function identityOf(res: Response): Identity | undefined {
  return res.locals.identity as Identity | undefined;
}
