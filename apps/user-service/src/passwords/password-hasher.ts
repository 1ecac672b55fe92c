/** One password-hashing algorithm: makes hashes with its current parameters and verifies its own format. */
export interface PasswordHasher {
  /** Name used in logs and in PASSWORD_HASH. */
  readonly algorithm: string;
  /** Whether `stored` is in this hasher's format (it may still have other parameters). */
  recognizes(stored: string): boolean;
  /** Whether `stored` was made with this hasher's current parameters (no re-hash needed). */
  isCurrent(stored: string): boolean;
  hash(password: string): Promise<string>;
  /** False for a wrong password and for a hash it cannot read; never throws for either. */
  verify(password: string, stored: string): Promise<boolean>;
}
