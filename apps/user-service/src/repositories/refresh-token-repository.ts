import type { Database, DbClient, DbTransaction } from '@tablestack/db';
import { type PublicUser, publicUserFields, toPublicUser } from './public-user.js';

/** A stored refresh token with what the refresh path needs of its user. */
export interface StoredRefreshToken {
  id: string;
  userId: string;
  familyId: string;
  tokenHash: string;
  expiresAt: Date;
  revokedAt: Date | null;
  rotatedAt: Date | null;
  user: PublicUser;
}

/** A token a revocation just reached. */
export interface RevokedRow {
  tokenHash: string;
  expiresAt: Date;
  rotatedAt: Date | null;
}

const revokedFields = { tokenHash: true, expiresAt: true, rotatedAt: true } as const;

/**
 * Refresh tokens (table refresh_tokens): only SHA-256 hashes are stored. A family is the chain of
 * tokens of one login: each rotation marks the presented token `rotatedAt` and adds its successor
 * with the same familyId; a revocation sets `revokedAt` on every token of the family. All of it on
 * the primary: a token issued a moment ago must be found, whatever the replicas' lag.
 */
export class RefreshTokenRepository {
  constructor(private readonly db: Pick<Database, 'primary' | 'write'>) {}

  async create(
    client: DbClient | DbTransaction,
    data: { userId: string; familyId: string; tokenHash: string; expiresAt: Date; userAgent: string | null },
  ): Promise<void> {
    await client.refreshToken.create({ data, select: { id: true } });
  }

  async findByHash(tokenHash: string): Promise<StoredRefreshToken | null> {
    const row = await this.db.primary().refreshToken.findUnique({
      where: { tokenHash },
      select: {
        id: true,
        userId: true,
        familyId: true,
        tokenHash: true,
        expiresAt: true,
        revokedAt: true,
        rotatedAt: true,
        user: { select: publicUserFields },
      },
    });
    return row ? { ...row, user: toPublicUser(row.user) } : null;
  }

  /**
   * Marks a token rotated if it still is the family's live token. False when another request rotated
   * or revoked it first: the same token was presented twice, which is treated as reuse.
   */
  async markRotated(tx: DbTransaction, id: string, at: Date): Promise<boolean> {
    const { count } = await tx.refreshToken.updateMany({
      where: { id, rotatedAt: null, revokedAt: null },
      data: { rotatedAt: at },
    });
    return count === 1;
  }

  async revokeFamily(familyId: string, at: Date): Promise<RevokedRow[]> {
    return this.db.write().refreshToken.updateManyAndReturn({
      where: { familyId, revokedAt: null },
      data: { revokedAt: at },
      select: revokedFields,
    });
  }

  /** Every session of a user, e.g. after a password change. */
  async revokeAllOfUser(client: DbClient | DbTransaction, userId: string, at: Date): Promise<RevokedRow[]> {
    return client.refreshToken.updateManyAndReturn({
      where: { userId, revokedAt: null },
      data: { revokedAt: at },
      select: revokedFields,
    });
  }
}
