import { authEnvSchema } from '@tablestack/auth';
import { redisEnvSchema } from '@tablestack/redis-client';
import { z } from 'zod';

const urlList = z
  .string()
  .default('')
  .transform((value) =>
    value
      .split(',')
      .map((url) => url.trim())
      .filter(Boolean),
  );

/**
 * What the doctor reads: the stack's env file (`./stack env`) merged over the process env, so it sees
 * the same values the apps were started with.
 */
export const doctorEnvSchema = z.object({
  NODE_ENV: z.string().default('development'),
  STACK_MODE: z.string().default('dev'),
  DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/ }),
  DATABASE_REPLICA_URLS: urlList,
  /** Connections per server per process (as the apps read it). @default 10 */
  DB_POOL_SIZE: z.coerce.number().int().min(1).default(10),
  GATEWAY_URLS: urlList,
  USER_SERVICE_URLS: urlList,
  RESTAURANT_SERVICE_URLS: urlList,
  WORKER_URLS: urlList,
  /** Replication lag above which the replicas check warns (fails at 10x). @default 1000 */
  DB_REPLICA_MAX_LAG_MS: z.coerce.number().int().min(0).default(1000),
  /** Hit rate under which a cache namespace warns (the alert threshold users asked for). @default 0.7 */
  DOCTOR_MIN_CACHE_HIT_RATE: z.coerce.number().min(0).max(1).default(0.7),
  /** Lookups a namespace needs before its hit rate is judged. @default 100 */
  DOCTOR_MIN_CACHE_LOOKUPS: z.coerce.number().int().min(1).default(100),
  /** Milliseconds between the two queue samples that tell draining from stuck. @default 2000 */
  DOCTOR_QUEUE_SAMPLE_MS: z.coerce.number().int().min(0).default(2000),
  /** Bound of every HTTP call (GET /metrics, /ready). @default 3000 */
  DOCTOR_HTTP_TIMEOUT_MS: z.coerce.number().int().min(100).default(3000),
  ...redisEnvSchema.shape,
  ...authEnvSchema.shape,
});

export type DoctorEnv = z.infer<typeof doctorEnvSchema>;

/** The replicas of every app the stack runs, from the *_URLS variables. */
export function replicasOf(env: DoctorEnv): Array<{ app: string; url: string }> {
  const apps: Array<[string, string[]]> = [
    ['gateway', env.GATEWAY_URLS],
    ['user-service', env.USER_SERVICE_URLS],
    ['restaurant-service', env.RESTAURANT_SERVICE_URLS],
    ['worker', env.WORKER_URLS],
  ];
  return apps.flatMap(([app, urls]) => urls.map((url) => ({ app, url })));
}
