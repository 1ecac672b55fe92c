import { requireAdmin } from '@tablestack/auth';
import { sendCacheable } from '@tablestack/cache';
import { ProblemError } from '@tablestack/service-kit';
import { type Router as ExpressRouter, type Request, type Response, Router } from 'express';
import type { PublicUser } from '../repositories/public-user.js';
import type { ProfileService } from '../services/profile-service.js';
import { emailParams, updateMeBody } from './account-schemas.js';
import { caller } from './caller.js';
import { requestContextOf } from './request-context-of.js';

/**
 * GET/PATCH /users/me for the caller, GET /users/by-email/:email for admins. Who the caller is comes
 * from the gateway's identity headers (trustGatewayIdentity); identity is checked before the input,
 * so an anonymous request gets 401 whatever it sends.
 */
export function userRoutes(deps: { profiles: ProfileService }): ExpressRouter {
  const { profiles } = deps;
  const router = Router();
  router.get('/users/me', async (req, res) => {
    const { userId } = caller(req);
    sendProfile(req, res, found(await profiles.byId(userId)));
  });
  router.patch('/users/me', async (req, res) => {
    const { userId } = caller(req);
    const body = updateMeBody.parse(req.body);
    const change = {
      ...(body.name !== undefined ? { name: body.name } : {}),
      ...(body.password !== undefined
        ? { password: { current: body.currentPassword!, next: body.password } }
        : {}),
    };
    res.json(found(await profiles.update(userId, change, requestContextOf(req))));
  });
  router.get('/users/by-email/:email', async (req, res) => {
    requireAdmin(req);
    const { email } = emailParams.parse(req.params);
    sendProfile(req, res, found(await profiles.byEmail(email)));
  });
  return router;
}

/** A user's own data: private, and revalidated on every use (ETag, so an unchanged profile is a 304). */
function sendProfile(req: Request, res: Response, user: PublicUser): void {
  sendCacheable(req, res, user, { maxAgeSeconds: 0, scope: 'private' });
}

function found(user: PublicUser | null): PublicUser {
  if (!user) throw new ProblemError('NOT_FOUND', { detail: 'No such user.' });
  return user;
}
