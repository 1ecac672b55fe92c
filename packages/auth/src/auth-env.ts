import { z } from 'zod';

/** The signing secret of development and tests; production refuses to start with it. */
export const DEVELOPMENT_JWT_SECRET = 'tablestack-development-secret-do-not-use-in-production';
export const DEVELOPMENT_INTERNAL_SECRET = 'tablestack-development-internal-secret';

/** `kid:secret,kid:secret` → { kid: secret } */
const keyList = z
  .string()
  .default('')
  .transform((value, context) => {
    const keys: Record<string, string> = {};
    for (const pair of value
      .split(',')
      .map((entry) => entry.trim())
      .filter(Boolean)) {
      const at = pair.indexOf(':');
      if (at <= 0 || pair.length - at - 1 < 32) {
        context.addIssue({
          code: 'custom',
          message: 'expected kid:secret pairs with secrets of at least 32 characters',
        });
        return z.NEVER;
      }
      keys[pair.slice(0, at)] = pair.slice(at + 1);
    }
    return keys;
  });

/** Token variables of the gateway (verifies) and the user-service (issues). */
export const authEnvSchema = z.object({
  /** HMAC secret of access tokens (HS256), at least 32 characters. */
  JWT_SECRET: z.string().min(32).default(DEVELOPMENT_JWT_SECRET),
  /** Key id put in new tokens' header; change it together with JWT_SECRET to rotate. */
  JWT_KEY_ID: z
    .string()
    .regex(/^[A-Za-z0-9._-]{1,64}$/)
    .default('k1'),
  /** Earlier keys still accepted while their tokens live out (`kid:secret,...`). */
  JWT_PREVIOUS_KEYS: keyList,
  JWT_ISSUER: z.string().min(1).default('tablestack'),
  JWT_AUDIENCE: z.string().min(1).default('tablestack-api'),
  /** Lifetime of access tokens. */
  ACCESS_TOKEN_EXPIRE_MINUTES: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 60)
    .default(15),
  /**
   * Shared by the gateway and the services: the gateway sends it with the identity it verified, and
   * services believe identity headers only when it matches, so a request that bypasses the gateway
   * cannot claim to be anyone.
   */
  INTERNAL_AUTH_SECRET: z.string().min(16).default(DEVELOPMENT_INTERNAL_SECRET),
});

export type AuthEnv = z.infer<typeof authEnvSchema>;

/** developmentSecretsIn as env problems, in the one-line form of every other bad variable. */
export function developmentSecretProblems(env: AuthEnv & { NODE_ENV: string }): string[] {
  return developmentSecretsIn(env).map(
    (name) => `${name}: the development default must not be used in production (value hidden)`,
  );
}

/** Production must not run on the development secrets; returns the variables that still hold them. */
export function developmentSecretsIn(env: AuthEnv & { NODE_ENV: string }): string[] {
  if (env.NODE_ENV !== 'production') return [];
  const offending: string[] = [];
  if (env.JWT_SECRET === DEVELOPMENT_JWT_SECRET) offending.push('JWT_SECRET');
  if (env.INTERNAL_AUTH_SECRET === DEVELOPMENT_INTERNAL_SECRET) offending.push('INTERNAL_AUTH_SECRET');
  return offending;
}
