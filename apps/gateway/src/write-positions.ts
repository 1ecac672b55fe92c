import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Logger } from '@tablestack/service-kit';
import type { RequestHandler } from 'express';

/** The header the services use for read-your-writes (see packages/db/src/read-your-writes.ts). */
export const DB_LSN_HEADER = 'x-db-lsn';

/** The two Redis commands the store needs; the gateway's shared command connection provides them. */
export interface WritePositionRedis {
  get(key: string): Promise<string | null>;
  set(key: string, value: string, mode: 'PX', ms: number): Promise<unknown>;
}

/**
 * Remembers, per user and for a short window, the WAL position of their last write, so that their
 * next requests (to any service, through any gateway replica) read only from a replica that has
 * replayed it. Kept in Redis because the user's next request may reach another gateway replica.
 */
export class WritePositionStore {
  constructor(
    private readonly redis: WritePositionRedis,
    private readonly windowMs: number,
  ) {}

  /** Keys are prefixed by the Redis client (`tablestack:gateway:`). */
  #key(user: string): string {
    return `ryw:${user}`;
  }

  get(user: string): Promise<string | null> {
    return this.redis.get(this.#key(user));
  }

  async remember(user: string, lsn: string): Promise<void> {
    await this.redis.set(this.#key(user), lsn, 'PX', this.windowMs);
  }
}

/** The key chosen for a request on its way in, reused for its answer. */
const requestUsers = new WeakMap<IncomingMessage, string>();

/**
 * Who the request is for, as far as read-your-writes is concerned: the user id the gateway verified,
 * or (without token verification, in tests) a hash of the credentials, so the key never holds a
 * token. Anonymous requests have no window.
 */
export function userKeyOf(req: IncomingMessage, verifiedUserId?: string): string | undefined {
  if (verifiedUserId) return `u:${verifiedUserId}`;
  const authorization = req.headers.authorization;
  if (!authorization) return undefined;
  return `t:${createHash('sha256').update(authorization).digest('base64url').slice(0, 32)}`;
}

/**
 * Before proxying: drops any x-db-lsn a client sent (a forged high position would push every read of
 * that request to the primary) and adds the user's remembered one. With Redis down the request goes
 * on without it: reads may then briefly miss the user's own write, which beats failing the request.
 */
export function forwardWritePosition(store: WritePositionStore, logger: Logger): RequestHandler {
  return async (req, res, next) => {
    delete req.headers[DB_LSN_HEADER];
    const user = userKeyOf(req, (res.locals.identity as { userId?: string } | undefined)?.userId);
    if (user) {
      requestUsers.set(req, user);
      try {
        const lsn = await store.get(user);
        if (lsn) req.headers[DB_LSN_HEADER] = lsn;
      } catch (error) {
        (req.log ?? logger).warn(
          { err: { message: (error as Error).message } },
          'read-your-writes position unavailable',
        );
      }
    }
    next();
  };
}

/**
 * On an upstream's answer: keeps the position a write reported for the user's window and removes
 * the header from what the client sees.
 */
export function rememberWritePosition(store: WritePositionStore, logger: Logger) {
  return (proxyRes: IncomingMessage, req: IncomingMessage): void => {
    const header = proxyRes.headers[DB_LSN_HEADER];
    if (header === undefined) return;
    delete proxyRes.headers[DB_LSN_HEADER];
    const user = requestUsers.get(req);
    const lsn = Array.isArray(header) ? header[0] : header;
    if (!user || !lsn) return;
    store.remember(user, lsn).catch((error: Error) => {
      logger.warn({ err: { message: error.message } }, 'could not remember a write position');
    });
  };
}
