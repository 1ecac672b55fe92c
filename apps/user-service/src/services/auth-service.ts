import { randomUUID } from 'node:crypto';
import type { AccessTokens } from '@tablestack/auth';
import type { Cache } from '@tablestack/cache';
import { type Database, DbConflictError } from '@tablestack/db';
import type { Passwords } from '../passwords/passwords.js';
import type { OutboxRepository } from '../repositories/outbox-repository.js';
import type { PublicUser } from '../repositories/public-user.js';
import type { RefreshTokenRepository, RevokedRow } from '../repositories/refresh-token-repository.js';
import type { UserRepository } from '../repositories/user-repository.js';
import { hashRefreshToken, newRefreshToken, REFRESH_TOKEN_PATTERN } from '../tokens/refresh-token.js';
import type { RevokedRefreshTokens } from '../tokens/revoked-refresh-tokens.js';
import { userProblem } from '../user-error-codes.js';
import type { RequestContext } from './request-context.js';
import { userCacheKeys } from './user-cache-keys.js';
import { welcomeEmail } from './welcome-email.js';

/** The body of every successful register, login and refresh (OAuth 2 token response, camel-cased). */
export interface TokenResponse {
  accessToken: string;
  refreshToken: string;
  tokenType: 'Bearer';
  /** Seconds the access token lives. */
  expiresIn: number;
  user: PublicUser;
}

export interface AuthServiceDeps {
  db: Pick<Database, 'transaction' | 'write'>;
  users: UserRepository;
  refreshTokens: RefreshTokenRepository;
  outbox: OutboxRepository;
  revoked: RevokedRefreshTokens;
  passwords: Passwords;
  accessTokens: Pick<AccessTokens, 'issue' | 'lifetimeSeconds'>;
  cache: Pick<Cache, 'invalidate' | 'invalidateTags'>;
  /** REFRESH_TOKEN_EXPIRE_DAYS */
  refreshTokenDays: number;
}

const DAY_MS = 86_400_000;

/**
 * Accounts and sessions: registration, login, refresh-token rotation with reuse detection, logout.
 * Passwords are hashed before any transaction opens (a hash takes tens of milliseconds; a held
 * connection would be wasted meanwhile).
 */
export class AuthService {
  constructor(private readonly deps: AuthServiceDeps) {}

  /**
   * Creates the user, its first refresh token and the welcome email's outbox row in one transaction:
   * the account exists with or without Redis, and the email goes out once the worker relays it.
   */
  async register(
    input: { email: string; password: string; name: string },
    context: RequestContext,
  ): Promise<TokenResponse> {
    const { db, users, refreshTokens, outbox, cache } = this.deps;
    const passwordHash = await this.deps.passwords.hash(input.password);
    const refresh = newRefreshToken();
    let user: PublicUser;
    try {
      user = await db.transaction(async (tx) => {
        const created = await users.create(tx, { email: input.email, name: input.name, passwordHash });
        await refreshTokens.create(tx, this.#newTokenRow(created.id, randomUUID(), refresh.hash, context));
        await outbox.add(tx, welcomeEmail(created));
        return created;
      });
    } catch (error) {
      // users.email is the only unique constraint a new user can hit (token hashes are 256 random bits).
      if (error instanceof DbConflictError)
        throw userProblem('EMAIL_TAKEN', 'An account with this email already exists.');
      throw error;
    }
    // An admin may have looked this email up before it existed; that "no such user" is cached.
    await cache.invalidate(userCacheKeys.namespace, userCacheKeys.email(user.email));
    context.log.info({ userId: user.id }, 'user registered');
    return this.#tokenResponse(user, refresh.token);
  }

  /** Unknown email and wrong password give the same error after about the same time. */
  async login(input: { email: string; password: string }, context: RequestContext): Promise<TokenResponse> {
    const { users, passwords, refreshTokens, db } = this.deps;
    const found = await users.findCredentialsByEmail(input.email);
    if (!found) {
      await passwords.checkNothing(input.password);
      throw invalidCredentials();
    }
    const check = await passwords.check(input.password, found.passwordHash);
    if (!check.valid) throw invalidCredentials();
    if (check.rehash) await this.#rehash(found.user.id, found.passwordHash, input.password, context);
    const refresh = newRefreshToken();
    await refreshTokens.create(
      db.write(),
      this.#newTokenRow(found.user.id, randomUUID(), refresh.hash, context),
    );
    return this.#tokenResponse(found.user, refresh.token);
  }

  /**
   * Rotation: the presented token becomes `rotated` and a successor in the same family is issued.
   * Presenting a rotated token again means two parties hold it (one of them a thief, and we cannot
   * tell which), so the whole family is revoked and both must log in again (OAuth 2.0 Security BCP,
   * refresh token rotation). Two concurrent refreshes with one token count as reuse too.
   */
  async refresh(token: string, context: RequestContext): Promise<TokenResponse> {
    const { refreshTokens, revoked, db } = this.deps;
    if (!REFRESH_TOKEN_PATTERN.test(token)) throw invalidRefreshToken();
    const tokenHash = hashRefreshToken(token);
    if (await revoked.isRevoked(tokenHash)) throw revokedToken();
    const stored = await refreshTokens.findByHash(tokenHash);
    if (!stored) throw invalidRefreshToken();
    if (stored.revokedAt) {
      await revoked.remember([stored]);
      throw revokedToken();
    }
    if (stored.rotatedAt) throw await this.#reuse(stored, context);
    if (stored.expiresAt.getTime() <= Date.now())
      throw userProblem('REFRESH_TOKEN_EXPIRED', 'This refresh token has expired; log in again.');

    const next = newRefreshToken();
    const rotated = await db.transaction(async (tx) => {
      if (!(await refreshTokens.markRotated(tx, stored.id, new Date()))) return false;
      await refreshTokens.create(tx, this.#newTokenRow(stored.userId, stored.familyId, next.hash, context));
      return true;
    });
    if (!rotated) throw await this.#reuse(stored, context);
    return this.#tokenResponse(stored.user, next.token);
  }

  /**
   * Ends the session the token belongs to: its family is revoked in Postgres and the family's live
   * token recorded in Redis. Unknown or already revoked tokens are fine (logout is idempotent).
   */
  async logout(token: string, context: RequestContext): Promise<void> {
    const { refreshTokens, revoked } = this.deps;
    if (!REFRESH_TOKEN_PATTERN.test(token)) return;
    const stored = await refreshTokens.findByHash(hashRefreshToken(token));
    if (!stored) return;
    const reached = await refreshTokens.revokeFamily(stored.familyId, new Date());
    await revoked.remember(toRemember(reached, stored));
    if (reached.length > 0)
      context.log.info({ userId: stored.userId, familyId: stored.familyId }, 'logged out');
  }

  async #reuse(
    stored: { userId: string; familyId: string; tokenHash: string; expiresAt: Date },
    context: RequestContext,
  ) {
    const reached = await this.deps.refreshTokens.revokeFamily(stored.familyId, new Date());
    await this.deps.revoked.remember(toRemember(reached, stored));
    context.log.warn(
      { userId: stored.userId, familyId: stored.familyId, revoked: reached.length },
      'refresh token reused: family revoked',
    );
    return userProblem(
      'TOKEN_REUSED',
      'This refresh token was already used; every session of this login has ended.',
    );
  }

  /** Re-hash with the current settings after a successful login; a failure here must not fail the login. */
  async #rehash(
    userId: string,
    verifiedHash: string,
    password: string,
    context: RequestContext,
  ): Promise<void> {
    try {
      const fresh = await this.deps.passwords.hash(password);
      if (await this.deps.users.replacePasswordHash(userId, verifiedHash, fresh)) {
        // The cached profile carries updatedAt, which the new hash just changed.
        await this.deps.cache.invalidateTags(userCacheKeys.tag(userId));
        context.log.info({ userId, algorithm: this.deps.passwords.current.algorithm }, 'password re-hashed');
      }
    } catch (error) {
      context.log.warn({ userId, err: { message: (error as Error).message } }, 'password re-hash failed');
    }
  }

  #newTokenRow(userId: string, familyId: string, tokenHash: string, context: RequestContext) {
    const expiresAt = new Date(Date.now() + this.deps.refreshTokenDays * DAY_MS);
    return { userId, familyId, tokenHash, expiresAt, userAgent: context.userAgent };
  }

  async #tokenResponse(user: PublicUser, refreshToken: string): Promise<TokenResponse> {
    const accessToken = await this.deps.accessTokens.issue({ userId: user.id, role: user.role });
    return {
      accessToken,
      refreshToken,
      tokenType: 'Bearer',
      expiresIn: this.deps.accessTokens.lifetimeSeconds,
      user,
    };
  }
}

/**
 * Which revoked tokens to remember in Redis: the family's live (never rotated) token, which its holder
 * will try next, and the one just presented. Rotated ones need no mark: presenting one is reuse.
 */
function toRemember(reached: readonly RevokedRow[], presented: { tokenHash: string; expiresAt: Date }) {
  return [...reached.filter((row) => row.rotatedAt === null), presented];
}

function invalidCredentials() {
  return userProblem('INVALID_CREDENTIALS', 'The email or the password is wrong.');
}

function invalidRefreshToken() {
  return userProblem('INVALID_REFRESH_TOKEN', 'This refresh token is not valid.');
}

function revokedToken() {
  return userProblem('REFRESH_TOKEN_REVOKED', 'This session has ended; log in again.');
}
