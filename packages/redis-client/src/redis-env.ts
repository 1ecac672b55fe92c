import { z } from 'zod';

/** `host:port,host:port` → [{ host, port }] */
const hostList = z
  .string()
  .transform((value) =>
    value
      .split(',')
      .map((entry) => entry.trim())
      .filter(Boolean),
  )
  .pipe(
    z.array(
      z
        .string()
        .regex(/^[^:\s]+:\d{1,5}$/, 'expected host:port')
        .transform((entry) => {
          const [host, port] = entry.split(':') as [string, string];
          return { host, port: Number(port) };
        }),
    ),
  );

/** Redis variables every process that talks to Redis reads. Merge into the service's env schema. */
export const redisEnvSchema = z.object({
  /** redis:// or rediss:// URL of the server (or of the first node when Sentinel/Cluster is unset). */
  REDIS_URL: z.url({ protocol: /^rediss?$/ }).default('redis://127.0.0.1:6379'),
  /** Upper bound of one command on the request path; past it the command fails instead of hanging. */
  REDIS_COMMAND_TIMEOUT_MS: z.coerce.number().int().min(10).max(60_000).default(500),
  /** Upper bound of establishing a connection. */
  REDIS_CONNECT_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(2000),
  /** First part of every key, so several apps can share one Redis. */
  REDIS_KEY_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_-]+$/)
    .default('tablestack'),
  /** Sentinel nodes (`host:port,...`); when set, REDIS_URL's host is ignored and the master is discovered. */
  REDIS_SENTINELS: hostList.optional(),
  /** Name of the master the sentinels watch. */
  REDIS_SENTINEL_MASTER: z.string().min(1).default('mymaster'),
  /** Cluster seed nodes (`host:port,...`); when set, a Redis Cluster client is used. */
  REDIS_CLUSTER_NODES: hostList.optional(),
});

export type RedisEnv = z.infer<typeof redisEnvSchema>;
