import { type Router as ExpressRouter, type Response, Router } from 'express';
import type { AuthService, TokenResponse } from '../services/auth-service.js';
import { loginBody, refreshTokenBody, registerBody } from './account-schemas.js';
import { requestContextOf } from './request-context-of.js';

/**
 * POST /auth/register, /auth/login, /auth/refresh, /auth/logout. Public: the gateway lets them through
 * without an access token (and counts 401s of /auth/login for its brute-force protection).
 */
export function authRoutes(deps: { auth: AuthService }): ExpressRouter {
  const { auth } = deps;
  const router = Router();
  router.post('/auth/register', async (req, res) => {
    const body = registerBody.parse(req.body);
    sendTokens(res, 201, await auth.register(body, requestContextOf(req)));
  });
  router.post('/auth/login', async (req, res) => {
    const body = loginBody.parse(req.body);
    sendTokens(res, 200, await auth.login(body, requestContextOf(req)));
  });
  router.post('/auth/refresh', async (req, res) => {
    const { refreshToken } = refreshTokenBody.parse(req.body);
    sendTokens(res, 200, await auth.refresh(refreshToken, requestContextOf(req)));
  });
  router.post('/auth/logout', async (req, res) => {
    const { refreshToken } = refreshTokenBody.parse(req.body);
    await auth.logout(refreshToken, requestContextOf(req));
    res.status(204).end();
  });
  return router;
}

/** Token responses must never be stored by a cache (RFC 6749 §5.1). */
function sendTokens(res: Response, status: number, body: TokenResponse): void {
  res.status(status).set({ 'Cache-Control': 'no-store', Pragma: 'no-cache' }).json(body);
}
