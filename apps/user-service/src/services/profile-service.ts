import type { Cache } from '@tablestack/cache';
import type { Database } from '@tablestack/db';
import { ProblemError } from '@tablestack/service-kit';
import { passwordProblems } from '../passwords/password-policy.js';
import type { Passwords } from '../passwords/passwords.js';
import type { PublicUser } from '../repositories/public-user.js';
import type { RefreshTokenRepository } from '../repositories/refresh-token-repository.js';
import type { UserRepository } from '../repositories/user-repository.js';
import type { RevokedRefreshTokens } from '../tokens/revoked-refresh-tokens.js';
import { userProblem } from '../user-error-codes.js';
import type { RequestContext } from './request-context.js';
import { userCacheKeys } from './user-cache-keys.js';

export interface ProfileServiceDeps {
  db: Pick<Database, 'transaction' | 'write'>;
  users: UserRepository;
  refreshTokens: RefreshTokenRepository;
  revoked: RevokedRefreshTokens;
  passwords: Passwords;
  cache: Pick<Cache, 'getOrSet' | 'invalidateTags'>;
}

/** What a user may change about themselves; never role or email. */
export interface ProfileChange {
  name?: string;
  password?: { current: string; next: string };
}

/** Profiles: cached reads (namespace `user`) and the changes a user may make to their own account. */
export class ProfileService {
  constructor(private readonly deps: ProfileServiceDeps) {}

  /** A profile through the cache; null (also cached) when there is no such user. */
  async byId(id: string): Promise<PublicUser | null> {
    const { cache, users } = this.deps;
    return cache.getOrSet(
      userCacheKeys.namespace,
      userCacheKeys.profile(id),
      () => users.findPublicById(id),
      {
        tags: [userCacheKeys.tag(id)],
      },
    );
  }

  /** `email` is already normalized. */
  async byEmail(email: string): Promise<PublicUser | null> {
    const { cache, users } = this.deps;
    const id = await cache.getOrSet(userCacheKeys.namespace, userCacheKeys.email(email), () =>
      users.findIdByEmail(email),
    );
    return id ? this.byId(id) : null;
  }

  /**
   * Applies a change to the caller's own account. A new password needs the current one, and ends
   * every session (all refresh tokens revoked): whoever knew the old password may hold one. Access
   * tokens already issued live out their few minutes.
   */
  async update(userId: string, change: ProfileChange, context: RequestContext): Promise<PublicUser | null> {
    const { db, users, cache } = this.deps;
    let updated: PublicUser | null;
    if (change.password) {
      updated = await this.#changePassword(userId, change.password, change.name, context);
    } else {
      updated = await users.update(db.write(), userId, { name: change.name });
    }
    // Before answering: the next GET /users/me, on any replica, must not see the old profile.
    if (updated) await cache.invalidateTags(userCacheKeys.tag(userId));
    return updated;
  }

  async #changePassword(
    userId: string,
    password: { current: string; next: string },
    name: string | undefined,
    context: RequestContext,
  ): Promise<PublicUser | null> {
    const { db, users, refreshTokens, revoked, passwords } = this.deps;
    const found = await users.findCredentialsById(userId);
    if (!found) return null;
    const problems = passwordProblems(password.next, { email: found.user.email });
    if (problems.length > 0) throw validationFailed('password', problems);
    if (!(await passwords.check(password.current, found.passwordHash)).valid)
      throw userProblem('INVALID_CURRENT_PASSWORD', 'The current password is wrong.');
    const passwordHash = await passwords.hash(password.next);
    const { updated, reached } = await db.transaction(async (tx) => ({
      updated: await users.update(tx, userId, { name, passwordHash }),
      reached: await refreshTokens.revokeAllOfUser(tx, userId, new Date()),
    }));
    await revoked.remember(reached.filter((row) => row.rotatedAt === null));
    context.log.info({ userId, sessionsEnded: reached.length }, 'password changed');
    return updated;
  }
}

/** The same problem the kit makes of a zod error, for rules checked where more is known than the body. */
function validationFailed(path: string, messages: string[]): ProblemError {
  return new ProblemError('VALIDATION_FAILED', {
    detail: 'One or more fields are invalid.',
    extensions: { errors: messages.map((message) => ({ path, message })) },
  });
}
