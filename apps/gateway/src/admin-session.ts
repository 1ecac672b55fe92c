import { type AccessTokens, InvalidTokenError } from '@tablestack/auth';
import { ProblemError } from '@tablestack/service-kit';
import express, { type RequestHandler, type Router } from 'express';

/** Holds an admin's access token for the browser pages under /admin (bull-board). */
export const ADMIN_SESSION_COOKIE = 'tablestack_admin';
const TOKEN_SHAPE = /^[A-Za-z0-9._~+/=-]+$/;

/**
 * A browser cannot send a bearer header when it navigates to /admin/queues, so an admin trades the
 * access token for an HttpOnly cookie scoped to /admin: `POST /admin/session` with
 * `Authorization: Bearer <admin token>` sets it (204), `DELETE /admin/session` clears it. The cookie
 * is the token itself, so it expires with it and is verified like any bearer token on every request.
 * SameSite=Strict keeps other sites from riding it (bull-board's actions are POSTs); Secure is set
 * whenever nginx says the client came over https. `GET /admin/login` is a small sign-in page that
 * does both steps from the browser.
 */
export function adminSessionRoutes(tokens: AccessTokens): Router {
  const router = express.Router();
  router.post('/admin/session', async (req, res, next) => {
    const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    if (!token || !TOKEN_SHAPE.test(token)) {
      next(unauthorized('Send the admin access token as "Authorization: Bearer <token>".'));
      return;
    }
    try {
      const identity = await tokens.verify(token);
      if (identity.role !== 'ADMIN') {
        next(new ProblemError('FORBIDDEN', { status: 403, title: 'Forbidden', detail: 'Admins only.' }));
        return;
      }
    } catch (error) {
      if (!(error instanceof InvalidTokenError)) throw error;
      next(unauthorized('The access token is not valid.'));
      return;
    }
    res.cookie(ADMIN_SESSION_COOKIE, token, {
      httpOnly: true,
      sameSite: 'strict',
      secure: req.secure,
      path: '/admin',
      maxAge: tokens.lifetimeSeconds * 1000,
    });
    res.status(204).end();
  });
  router.delete('/admin/session', (req, res) => {
    res.clearCookie(ADMIN_SESSION_COOKIE, {
      httpOnly: true,
      sameSite: 'strict',
      secure: req.secure,
      path: '/admin',
    });
    res.status(204).end();
  });
  router.get('/admin/login', (_req, res) => {
    res.type('html').send(loginPage);
  });
  router.get('/admin/login.js', (_req, res) => {
    res.type('js').send(loginScript);
  });
  return router;
}

/** Lets the session cookie stand in for a missing Authorization header (the bearer wins if both). */
export function bearerFromAdminSession(): RequestHandler {
  return (req, _res, next) => {
    if (!req.headers.authorization) {
      const token = sessionToken(req.headers.cookie);
      if (token) req.headers.authorization = `Bearer ${token}`;
    }
    next();
  };
}

function sessionToken(cookieHeader: string | undefined): string | undefined {
  for (const part of (cookieHeader ?? '').split(';')) {
    const [name, ...value] = part.trim().split('=');
    if (name !== ADMIN_SESSION_COOKIE) continue;
    const token = decodeURIComponent(value.join('='));
    return TOKEN_SHAPE.test(token) ? token : undefined;
  }
  return undefined;
}

function unauthorized(detail: string): ProblemError {
  return new ProblemError('INVALID_TOKEN', {
    status: 401,
    title: 'Authentication failed',
    detail,
    headers: { 'WWW-Authenticate': 'Bearer' },
  });
}

const loginPage = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Tablestack admin</title></head>
<body>
<h1>Tablestack admin</h1>
<form id="login"><label>Email <input name="email" type="email" required></label>
<label>Password <input name="password" type="password" required></label>
<button type="submit">Sign in</button></form>
<p id="status" role="status"></p>
<script src="/admin/login.js"></script>
</body>
</html>`;

// A file rather than an inline script, so helmet's Content-Security-Policy (script-src 'self') holds.
const loginScript = `document.getElementById('login').addEventListener('submit', async (event) => {
  event.preventDefault();
  const form = new FormData(event.target);
  const status = document.getElementById('status');
  const login = await fetch('/api/v1/auth/login', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: form.get('email'), password: form.get('password') }),
  });
  if (!login.ok) { status.textContent = 'Sign-in failed (' + login.status + ')'; return; }
  const { accessToken } = await login.json();
  const session = await fetch('/admin/session', { method: 'POST', headers: { authorization: 'Bearer ' + accessToken } });
  if (session.status !== 204) { status.textContent = session.status === 403 ? 'Admins only.' : 'Sign-in failed.'; return; }
  location.href = '/admin/queues';
});
`;
