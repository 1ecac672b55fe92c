import { randomBytes } from 'node:crypto';
import type { AccountsEnv } from '../env.js';
import { Argon2idHasher } from './argon2id-hasher.js';
import { BcryptHasher } from './bcrypt-hasher.js';
import type { PasswordHasher } from './password-hasher.js';
import { ScryptHasher } from './scrypt-hasher.js';

/** The outcome of checking a password against a stored hash. */
export type PasswordCheck = { valid: false } | { valid: true; rehash: boolean };

export type PasswordsEnv = Pick<
  AccountsEnv,
  'PASSWORD_HASH' | 'BCRYPT_ROUNDS' | 'ARGON2_MEMORY_KIB' | 'ARGON2_TIME_COST' | 'ARGON2_PARALLELISM'
>;

/**
 * Password hashing with one current algorithm and any number of accepted older ones, the way
 * passlib's CryptContext(deprecated="auto") works: new hashes use the current hasher with its current
 * parameters; a hash in another format, or in the current format with other parameters, still
 * verifies, and `check` then says to re-hash it (the caller stores `hash(password)` after login).
 */
export class Passwords {
  readonly current: PasswordHasher;
  readonly #hashers: readonly PasswordHasher[];
  #decoy: Promise<string> | undefined;

  constructor(current: PasswordHasher, accepted: readonly PasswordHasher[] = []) {
    this.current = current;
    this.#hashers = [current, ...accepted];
  }

  /** argon2id or bcrypt as configured; argon2, bcrypt and the seed's scrypt are all accepted. */
  static fromEnv(env: PasswordsEnv): Passwords {
    const argon2id = new Argon2idHasher({
      memoryKib: env.ARGON2_MEMORY_KIB,
      timeCost: env.ARGON2_TIME_COST,
      parallelism: env.ARGON2_PARALLELISM,
    });
    const bcrypt = new BcryptHasher(env.BCRYPT_ROUNDS);
    const scrypt = new ScryptHasher();
    return env.PASSWORD_HASH === 'bcrypt'
      ? new Passwords(bcrypt, [argon2id, scrypt])
      : new Passwords(argon2id, [bcrypt, scrypt]);
  }

  hash(password: string): Promise<string> {
    return this.current.hash(password);
  }

  /** The hasher that reads this stored format, if any. */
  hasherFor(stored: string): PasswordHasher | undefined {
    return this.#hashers.find((hasher) => hasher.recognizes(stored));
  }

  /** Whether a (verified) stored hash should be replaced by one made with the current settings. */
  needsRehash(stored: string): boolean {
    return !this.current.recognizes(stored) || !this.current.isCurrent(stored);
  }

  async check(password: string, stored: string): Promise<PasswordCheck> {
    const hasher = this.hasherFor(stored);
    if (!hasher) {
      // Unreadable hash (a format we never wrote): spend the usual time, then fail like a wrong password.
      await this.checkNothing(password);
      return { valid: false };
    }
    if (!(await hasher.verify(password, stored))) return { valid: false };
    return { valid: true, rehash: this.needsRehash(stored) };
  }

  /**
   * Costs what checking a real account costs, for logins with an unknown email: without it the answer
   * would come back in a fraction of the time and tell an attacker which emails have accounts.
   */
  async checkNothing(password: string): Promise<void> {
    this.#decoy ??= this.current.hash(randomBytes(16).toString('base64url'));
    await this.current.verify(password, await this.#decoy);
  }
}
