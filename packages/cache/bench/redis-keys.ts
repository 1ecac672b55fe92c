import type { RedisConnections } from '@tablestack/redis-client';
import type { Redis } from 'ioredis';

/** Commands sent so far on the command connection (`redis.<command>`), from the connections' own metrics. */
export async function commandCounts(redis: RedisConnections): Promise<Record<string, number>> {
  const { values } = await redis.metrics.commandDuration.get();
  const counts: Record<string, number> = {};
  for (const { metricName, labels, value } of values) {
    if (metricName?.endsWith('_count') && labels.role === 'command')
      counts[`redis.${labels.command}`] = value;
  }
  return counts;
}

/** Deletes every key under the given full-key prefixes (SCAN + UNLINK); returns how many went. */
export async function deleteKeysUnder(client: Redis, prefixes: readonly string[]): Promise<number> {
  let deleted = 0;
  for (const prefix of prefixes) {
    // Escape the glob characters Redis knows, so a prefix can only ever match its own keys.
    const pattern = `${prefix.replace(/[*?[\]\\]/g, '\\$&')}*`;
    let cursor = '0';
    do {
      const [next, keys] = await client.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) deleted += await client.unlink(...keys);
    } while (cursor !== '0');
  }
  return deleted;
}
