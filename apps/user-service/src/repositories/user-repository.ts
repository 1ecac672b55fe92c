import type { Database, DbClient, DbTransaction } from '@tablestack/db';
import { type PublicRow, type PublicUser, publicUserFields, toPublicUser } from './public-user.js';

/** What login and password changes need: the public user and the stored hash. */
export interface UserCredentials {
  user: PublicUser;
  passwordHash: string;
}

/**
 * Users in Postgres. Profile reads go to `read()` (a replica unless this request or this user just
 * wrote); credential reads go to the primary, because a login or password check must see the latest
 * hash and a just-registered account, whatever the replicas' lag.
 */
export class UserRepository {
  constructor(private readonly db: Pick<Database, 'read' | 'write' | 'primary'>) {}

  async findPublicById(id: string): Promise<PublicUser | null> {
    // Ids come from verified tokens, so a miss on a replica most likely means the replica has not
    // replayed the registration yet (a token is issued by the registration itself, before the gateway
    // knows who the user is): ask the primary before answering 404.
    const row =
      (await this.db.read().user.findUnique({ where: { id }, select: publicUserFields })) ??
      (await this.db.primary().user.findUnique({ where: { id }, select: publicUserFields }));
    return row ? toPublicUser(row) : null;
  }

  async findIdByEmail(email: string): Promise<string | null> {
    const row = await this.db.read().user.findUnique({ where: { email }, select: { id: true } });
    return row?.id ?? null;
  }

  async findCredentialsByEmail(email: string): Promise<UserCredentials | null> {
    return this.#credentials(
      await this.db.primary().user.findUnique({ where: { email }, select: credentialFields }),
    );
  }

  async findCredentialsById(id: string): Promise<UserCredentials | null> {
    return this.#credentials(
      await this.db.primary().user.findUnique({ where: { id }, select: credentialFields }),
    );
  }

  async create(
    tx: DbTransaction,
    data: { email: string; name: string; passwordHash: string },
  ): Promise<PublicUser> {
    return toPublicUser(await tx.user.create({ data, select: publicUserFields }));
  }

  /** Changes the profile fields a user may change; null when the user no longer exists. */
  async update(
    client: DbClient | DbTransaction,
    id: string,
    data: { name?: string; passwordHash?: string },
  ): Promise<PublicUser | null> {
    const [row] = await client.user.updateManyAndReturn({ where: { id }, data, select: publicUserFields });
    return row ? toPublicUser(row) : null;
  }

  /**
   * Replaces a hash only if it is still the one that was verified, so a re-hash after login never
   * overwrites a password changed in between. Returns whether it replaced it.
   */
  async replacePasswordHash(id: string, verifiedHash: string, newHash: string): Promise<boolean> {
    const { count } = await this.db
      .write()
      .user.updateMany({ where: { id, passwordHash: verifiedHash }, data: { passwordHash: newHash } });
    return count === 1;
  }

  #credentials(row: (PublicRow & { passwordHash: string }) | null): UserCredentials | null {
    if (!row) return null;
    const { passwordHash, ...user } = row;
    return { user: toPublicUser(user), passwordHash };
  }
}

const credentialFields = { ...publicUserFields, passwordHash: true } as const;
