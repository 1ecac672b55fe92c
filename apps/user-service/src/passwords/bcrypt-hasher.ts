import { hash, parseOptions, verify } from '@node-rs/bcrypt';
import type { PasswordHasher } from './password-hasher.js';

/**
 * bcrypt through @node-rs/bcrypt (Rust, on the libuv thread pool). Only the first 72 bytes of a
 * password count (bcrypt's own limit, kept by the library for compatibility); the password policy
 * allows longer ones, which is one reason argon2id is the default.
 */
export class BcryptHasher implements PasswordHasher {
  readonly algorithm = 'bcrypt';

  /** @param cost log2 of the rounds (BCRYPT_ROUNDS) */
  constructor(private readonly cost: number) {}

  recognizes(stored: string): boolean {
    return /^\$2[abxy]\$\d\d\$/.test(stored);
  }

  isCurrent(stored: string): boolean {
    try {
      const found = parseOptions(stored);
      return found.version === '2b' && found.cost === this.cost;
    } catch {
      return false;
    }
  }

  hash(password: string): Promise<string> {
    return hash(password, { cost: this.cost });
  }

  async verify(password: string, stored: string): Promise<boolean> {
    try {
      return await verify(password, stored);
    } catch {
      return false;
    }
  }
}
