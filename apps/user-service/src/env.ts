import { authEnvSchema, developmentSecretProblems } from '@tablestack/auth';
import { cacheEnvSchema } from '@tablestack/cache';
import { dbEnvSchema } from '@tablestack/db';
import { redisEnvSchema } from '@tablestack/redis-client';
import { baseEnvSchema } from '@tablestack/service-kit';
import { z } from 'zod';

/** Variables only the user-service reads (tokens it issues, how it hashes passwords). */
export const accountsEnvSchema = z.object({
  /** Lifetime of a refresh token; each rotation issues a new one with a full lifetime. @default 30 */
  REFRESH_TOKEN_EXPIRE_DAYS: z.coerce.number().int().min(1).max(365).default(30),
  /**
   * Algorithm of new password hashes. Hashes of the other one (and the seed's scrypt) still verify and
   * are re-hashed to this one at the next successful login. @default argon2id
   */
  PASSWORD_HASH: z.enum(['argon2id', 'bcrypt']).default('argon2id'),
  /** bcrypt cost (log2 of the rounds) when PASSWORD_HASH=bcrypt; OWASP asks for at least 10. @default 12 */
  BCRYPT_ROUNDS: z.coerce.number().int().min(10).max(20).default(12),
  /** argon2id memory in KiB; OWASP's smallest recommended setting is 7168 (with t=5). @default 19456 */
  ARGON2_MEMORY_KIB: z.coerce.number().int().min(7168).max(1_048_576).default(19_456),
  /** argon2id passes. @default 2 */
  ARGON2_TIME_COST: z.coerce.number().int().min(1).max(10).default(2),
  /** argon2id lanes. @default 1 */
  ARGON2_PARALLELISM: z.coerce.number().int().min(1).max(8).default(1),
});

/** The user-service's env. Parsed once in index.ts; a bad value stops the process with one line. */
export const envSchema = baseEnvSchema
  .extend(dbEnvSchema.shape)
  .extend(redisEnvSchema.shape)
  .extend(cacheEnvSchema.shape)
  .extend(authEnvSchema.shape)
  .extend(accountsEnvSchema.shape);

export type Env = z.infer<typeof envSchema>;
export type AccountsEnv = z.infer<typeof accountsEnvSchema>;

/**
 * What is wrong with running this env in production, worded like loadEnvOrExit's problems
 * (`NAME: message (value hidden)`), so a refused boot reads the same as any other bad variable.
 */
export function productionSecretProblems(env: Env): string[] {
  return developmentSecretProblems(env);
}
