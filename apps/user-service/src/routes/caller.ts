import { type Identity, requireUser } from '@tablestack/auth';
import { ProblemError } from '@tablestack/service-kit';
import type { Request } from 'express';
import { z } from 'zod';

const userIdSchema = z.uuid();

/**
 * The caller as the gateway vouched for them (401 without), with a user id that is a UUID. The gateway
 * only forwards ids from tokens we issued, but users.id is a uuid column: anything else reaching a
 * query would be a database error (a 500), so it is refused here like a missing identity.
 */
export function caller(req: Request): Identity {
  const identity = requireUser(req);
  if (!userIdSchema.safeParse(identity.userId).success)
    throw new ProblemError('UNAUTHORIZED', {
      detail: 'The forwarded identity is not valid.',
      headers: { 'WWW-Authenticate': 'Bearer' },
    });
  return identity;
}
