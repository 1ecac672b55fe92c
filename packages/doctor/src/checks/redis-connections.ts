import { type CheckResult, type CheckStatus, worst } from '../check.js';
import type { DoctorContext } from '../doctor-context.js';

const APP_NAME = /^(gateway|user-service|restaurant-service|worker):([a-z]+):(\d+)$/;

/**
 * One Redis connection per role per process: `CLIENT LIST` grouped by connection name, which
 * packages/redis-client sets to `<service>:<role>:<pid>`. Two connections with one name are a pool
 * or a leak (fail); connections without a name were not made by redis-client (warn).
 */
export function evaluateRedisClients(clientList: string, ownName: string): CheckResult {
  const byName = new Map<string, number>();
  let unnamed = 0;
  for (const line of clientList.trim().split('\n')) {
    if (!line) continue;
    const name = /(?:^| )name=(\S*)/.exec(line)?.[1] ?? '';
    if (name === ownName) continue;
    if (name === '') unnamed += 1;
    else byName.set(name, (byName.get(name) ?? 0) + 1);
  }
  const details: string[] = [];
  const statuses: CheckStatus[] = [];
  const processes = new Map<string, Set<string>>(); // "<service> pid" -> roles
  for (const [name, count] of byName) {
    const match = APP_NAME.exec(name);
    if (!match) continue;
    const key = `${match[1]} pid ${match[3]}`;
    processes.set(key, (processes.get(key) ?? new Set()).add(match[2]!));
    if (count > 1) {
      statuses.push('fail');
      details.push(`${name}: ${count} connections (one per role per process expected)`);
    }
  }
  if (processes.size === 0) {
    statuses.push('fail');
    details.push(
      'no connection of any app (gateway, user-service, restaurant-service, worker) in CLIENT LIST',
    );
  }
  if (unnamed > 0) {
    statuses.push('warn');
    details.push(`${unnamed} connection(s) without a name: not made by packages/redis-client`);
  }
  const connections = [...processes.values()].reduce((sum, roles) => sum + roles.size, 0);
  const perService = new Map<string, number>();
  for (const key of processes.keys()) {
    const service = key.split(' ')[0]!;
    perService.set(service, (perService.get(service) ?? 0) + 1);
  }
  details.unshift(
    `${processes.size} processes, ${connections} named connections (${[...perService]
      .map(([service, count]) => `${service} x${count}`)
      .join(', ')})`,
  );
  return {
    id: 'redis-connections',
    title: 'one Redis connection per role per process',
    status: worst(statuses),
    details,
  };
}

export async function checkRedisConnections(context: DoctorContext): Promise<CheckResult> {
  return evaluateRedisClients(await context.redisClientList(), context.ownRedisName);
}
