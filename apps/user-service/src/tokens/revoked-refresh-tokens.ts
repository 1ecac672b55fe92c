import type { RedisClient } from '@tablestack/redis-client';

export interface RevokedTokenLogger {
  warn(details: object, message: string): void;
}

/** A token revoked in Postgres, to be remembered in Redis until it would have expired anyway. */
export interface RevokedToken {
  tokenHash: string;
  expiresAt: Date;
}

/**
 * Revocations recorded in Redis (`refresh-revoked:<sha256>` under the service's key prefix), so that a
 * revoked refresh token presented again is refused with one GET, before Postgres is asked. Postgres
 * stays the source of truth: when Redis is down, marks are not written and `isRevoked` answers false,
 * and the refresh path then finds the revocation in the database.
 */
export class RevokedRefreshTokens {
  constructor(
    private readonly redis: RedisClient,
    private readonly logger: RevokedTokenLogger,
  ) {}

  async isRevoked(tokenHash: string): Promise<boolean> {
    try {
      return (await this.redis.exists(key(tokenHash))) === 1;
    } catch (error) {
      this.logger.warn(
        { err: { message: (error as Error).message } },
        'revocation check skipped: redis unavailable',
      );
      return false;
    }
  }

  /** Marks tokens as revoked until their expiry; expired ones need no mark. Never throws. */
  async remember(tokens: readonly RevokedToken[]): Promise<void> {
    const now = Date.now();
    const live = tokens.filter((token) => token.expiresAt.getTime() > now);
    if (live.length === 0) return;
    try {
      // Separate SETs, not MULTI: the keys hash to different Cluster slots, and there are one or two.
      await Promise.all(
        live.map((token) => this.redis.set(key(token.tokenHash), '1', 'PX', token.expiresAt.getTime() - now)),
      );
    } catch (error) {
      this.logger.warn({ err: { message: (error as Error).message } }, 'revocation not recorded in redis');
    }
  }
}

const key = (tokenHash: string) => `refresh-revoked:${tokenHash}`;
