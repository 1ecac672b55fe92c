import { DEVELOPMENT_INTERNAL_SECRET, DEVELOPMENT_JWT_SECRET } from '@tablestack/auth';
import { type CheckResult, type CheckStatus, worst } from '../check.js';
import type { DoctorContext } from '../doctor-context.js';

export interface SecretsInput {
  NODE_ENV: string;
  JWT_SECRET: string;
  INTERNAL_AUTH_SECRET: string;
  DATABASE_URL: string;
  REDIS_URL: string;
}

/** The local stack's Postgres password (infra/local/lib/postgres.sh). */
const LOCAL_DATABASE_PASSWORD = 'tablestack';

/**
 * No default secrets: the development JWT and internal secrets, the local stack's database password,
 * and a Redis without a password. In production each fails (the services refuse the two secrets at
 * boot, the others they cannot know); elsewhere they are expected and only warn.
 */
export function evaluateSecrets(env: SecretsInput): CheckResult {
  const found: string[] = [];
  if (env.JWT_SECRET === DEVELOPMENT_JWT_SECRET) found.push('JWT_SECRET is the development default');
  if (env.INTERNAL_AUTH_SECRET === DEVELOPMENT_INTERNAL_SECRET)
    found.push('INTERNAL_AUTH_SECRET is the development default');
  const database = new URL(env.DATABASE_URL);
  if (decodeURIComponent(database.password) === LOCAL_DATABASE_PASSWORD || database.password === '')
    found.push('DATABASE_URL uses the local stack password (or none)');
  if (new URL(env.REDIS_URL).password === '') found.push('REDIS_URL has no password');
  const production = env.NODE_ENV === 'production';
  const statuses: CheckStatus[] = found.map(() => (production ? 'fail' : 'warn'));
  const details =
    found.length === 0
      ? ['no default secret in use']
      : [
          production
            ? `NODE_ENV=production with ${found.length} default secret(s):`
            : `NODE_ENV=${env.NODE_ENV}: ${found.length} development default(s), refused in production:`,
          ...found,
        ];
  return { id: 'secrets', title: 'no default secrets', status: worst(statuses), details };
}

export async function checkSecrets(context: DoctorContext): Promise<CheckResult> {
  return evaluateSecrets(context.env);
}
