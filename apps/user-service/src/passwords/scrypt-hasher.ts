import { randomBytes, type ScryptOptions, scrypt, timingSafeEqual } from 'node:crypto';
import type { PasswordHasher } from './password-hasher.js';

/** scrypt cost parameters, as in `scrypt$N$r$p$saltB64$hashB64`. */
export interface ScryptParameters {
  /** CPU/memory cost, a power of two. @default 16384 */
  cost: number;
  /** Block size. @default 8 */
  blockSize: number;
  /** Parallelization. @default 1 */
  parallelization: number;
}

/** What packages/db's seed uses for DEMO_PASSWORD_HASH. */
export const SEED_SCRYPT: ScryptParameters = { cost: 16_384, blockSize: 8, parallelization: 1 };

const FORMAT = /^scrypt\$(\d+)\$(\d+)\$(\d+)\$([A-Za-z0-9+/]+={0,2})\$([A-Za-z0-9+/]+={0,2})$/;
/**
 * Stored hashes are data: bounds keep a corrupted or hostile row from costing gigabytes or seconds of
 * a thread-pool thread on every login attempt. scrypt needs 128·N·r bytes; the seed's needs 16 MiB.
 */
const LIMITS = { maxMemoryBytes: 64 * 1024 * 1024, maxParallelization: 4, minKeyBytes: 16, maxKeyBytes: 128 };

export interface ParsedScryptHash extends ScryptParameters {
  salt: Buffer;
  key: Buffer;
}

/** Reads `scrypt$N$r$p$saltB64$hashB64`; undefined when malformed or outside the limits. */
export function parseScryptHash(stored: string): ParsedScryptHash | undefined {
  const match = FORMAT.exec(stored);
  if (!match) return undefined;
  const [cost, blockSize, parallelization] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const salt = Buffer.from(match[4]!, 'base64');
  const key = Buffer.from(match[5]!, 'base64');
  const powerOfTwo = cost > 1 && (cost & (cost - 1)) === 0;
  if (!powerOfTwo || blockSize < 1 || 128 * cost * blockSize > LIMITS.maxMemoryBytes) return undefined;
  if (parallelization < 1 || parallelization > LIMITS.maxParallelization) return undefined;
  if (salt.length < 8 || key.length < LIMITS.minKeyBytes || key.length > LIMITS.maxKeyBytes) return undefined;
  return { cost, blockSize, parallelization, salt, key };
}

function derive(
  password: string,
  salt: Buffer,
  keyBytes: number,
  parameters: ScryptParameters,
): Promise<Buffer> {
  const options: ScryptOptions = {
    N: parameters.cost,
    r: parameters.blockSize,
    p: parameters.parallelization,
    // Node's default cap (32 MiB) is below what the parse limits allow; this is what N and r need, with room.
    maxmem: 2 * 128 * parameters.cost * parameters.blockSize,
  };
  return new Promise((resolve, reject) => {
    scrypt(password, salt, keyBytes, options, (error, key) => (error ? reject(error) : resolve(key)));
  });
}

/**
 * node:crypto scrypt (async, on the libuv thread pool) in the seed's format. The service never makes
 * new scrypt hashes for accounts (PASSWORD_HASH is argon2id or bcrypt); it verifies the demo users'
 * hashes and re-hashes them at their first login. `hash` exists for tests and the benchmark.
 */
export class ScryptHasher implements PasswordHasher {
  readonly algorithm = 'scrypt';

  constructor(private readonly parameters: ScryptParameters = SEED_SCRYPT) {}

  recognizes(stored: string): boolean {
    return stored.startsWith('scrypt$');
  }

  isCurrent(stored: string): boolean {
    const parsed = parseScryptHash(stored);
    return (
      parsed !== undefined &&
      parsed.cost === this.parameters.cost &&
      parsed.blockSize === this.parameters.blockSize &&
      parsed.parallelization === this.parameters.parallelization
    );
  }

  async hash(password: string): Promise<string> {
    const salt = randomBytes(16);
    const key = await derive(password, salt, 64, this.parameters);
    const { cost, blockSize, parallelization } = this.parameters;
    return `scrypt$${cost}$${blockSize}$${parallelization}$${salt.toString('base64')}$${key.toString('base64')}`;
  }

  async verify(password: string, stored: string): Promise<boolean> {
    const parsed = parseScryptHash(stored);
    if (!parsed) return false;
    const key = await derive(password, parsed.salt, parsed.key.length, parsed);
    return timingSafeEqual(key, parsed.key);
  }
}
