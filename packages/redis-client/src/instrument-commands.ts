import type { Cluster, Redis } from 'ioredis';
import type { ConnectionRole } from './connection-role.js';
import type { RedisMetrics } from './redis-metrics.js';

interface SentCommand {
  name: string;
  promise: Promise<unknown>;
}

/**
 * Times every command of a connection. ioredis has no hooks, so `sendCommand` is wrapped on this one
 * instance; the cost is one timer per command. Blocking commands of the queue role are not timed:
 * their duration is how long they waited for a job, not Redis latency.
 */
export function instrumentCommands(client: Redis | Cluster, role: ConnectionRole, metrics: RedisMetrics): void {
  if (role === 'queue') return;
  const target = client as unknown as { sendCommand: (command: SentCommand, ...rest: unknown[]) => unknown };
  const send = target.sendCommand.bind(client);
  target.sendCommand = (command, ...rest) => {
    const labels = { role, command: command.name.toLowerCase() };
    const end = metrics.commandDuration.startTimer(labels);
    command.promise.then(
      () => end(),
      () => {
        end();
        metrics.commandErrors.inc(labels);
      },
    );
    return send(command, ...rest);
  };
}
