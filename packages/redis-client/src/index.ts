export {
  clusterOptionsFor,
  keyPrefixFor,
  queuePrefixFor,
  redisOptionsFor,
  retryStrategy,
} from './connection-options.js';
export { type ConnectionRole, connectionRoles } from './connection-role.js';
export type { RedisLogger } from './logger.js';
export { type RedisClient, RedisConnections, type RedisConnectionsOptions } from './redis-connections.js';
export { type RedisEnv, redisEnvSchema } from './redis-env.js';
export { RedisMetrics } from './redis-metrics.js';
