import { type Algorithm, hash, parseOptions, verify } from '@node-rs/argon2';
import type { PasswordHasher } from './password-hasher.js';

/** argon2id cost parameters (the PHC string's m, t and p). */
export interface Argon2Parameters {
  /** Memory in KiB; @default 19456 (OWASP) */
  memoryKib: number;
  /** Passes; @default 2 (OWASP) */
  timeCost: number;
  /** Lanes; @default 1 (OWASP) */
  parallelism: number;
}

/** OWASP Password Storage Cheat Sheet's first argon2id setting: m=19456 KiB (19 MiB), t=2, p=1. */
export const OWASP_ARGON2ID: Argon2Parameters = { memoryKib: 19_456, timeCost: 2, parallelism: 1 };

// `Algorithm` is an ambient const enum: under isolatedModules it cannot be read as a value, and the
// package's runtime `Algorithm` object is empty, so the member's value is spelled out.
const ARGON2ID = 2 as Algorithm;
const OUTPUT_BYTES = 32;

/**
 * argon2id through @node-rs/argon2 (Rust, run on the libuv thread pool, so the event loop stays free).
 * Every parameter is passed explicitly: the library's defaults have changed between versions (1.x used
 * m=4096, t=3, below OWASP) and the stored hashes must not follow a dependency upgrade silently.
 */
export class Argon2idHasher implements PasswordHasher {
  readonly algorithm = 'argon2id';

  constructor(private readonly parameters: Argon2Parameters = OWASP_ARGON2ID) {}

  recognizes(stored: string): boolean {
    // argon2i/argon2d hashes verify here too; they are simply never current.
    return /^\$argon2(id|i|d)\$/.test(stored);
  }

  isCurrent(stored: string): boolean {
    if (!stored.startsWith('$argon2id$')) return false;
    try {
      const found = parseOptions(stored);
      return (
        found.memoryCost === this.parameters.memoryKib &&
        found.timeCost === this.parameters.timeCost &&
        found.parallelism === this.parameters.parallelism &&
        found.outputLen === OUTPUT_BYTES &&
        found.version === 1 // 0x13, the current Argon2 version
      );
    } catch {
      return false;
    }
  }

  hash(password: string): Promise<string> {
    return hash(password, {
      algorithm: ARGON2ID,
      memoryCost: this.parameters.memoryKib,
      timeCost: this.parameters.timeCost,
      parallelism: this.parameters.parallelism,
      outputLen: OUTPUT_BYTES,
    });
  }

  async verify(password: string, stored: string): Promise<boolean> {
    try {
      // The parameters come from the stored string; none are passed, so old hashes keep verifying.
      return await verify(stored, password);
    } catch {
      return false; // undecodable hash
    }
  }
}
