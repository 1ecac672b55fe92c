import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { ConnectionRole } from './connection-role.js';

/** Prometheus series of the connections of one process. Registered once per registry. */
export class RedisMetrics {
  readonly up: Gauge<'role'>;
  readonly reconnects: Counter<'role'>;
  readonly commandDuration: Histogram<'role' | 'command'>;
  readonly commandErrors: Counter<'role' | 'command'>;

  constructor(registry: Registry) {
    this.up = new Gauge({
      name: 'redis_connection_up',
      help: '1 while the connection of this role is ready, 0 otherwise',
      labelNames: ['role'],
      registers: [registry],
    });
    this.reconnects = new Counter({
      name: 'redis_reconnects_total',
      help: 'Reconnection attempts by role',
      labelNames: ['role'],
      registers: [registry],
    });
    this.commandDuration = new Histogram({
      name: 'redis_command_duration_seconds',
      help: 'Redis command latency by role and command',
      labelNames: ['role', 'command'],
      buckets: [0.0002, 0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5, 1],
      registers: [registry],
    });
    this.commandErrors = new Counter({
      name: 'redis_command_errors_total',
      help: 'Failed Redis commands (including timeouts and commands refused while disconnected)',
      labelNames: ['role', 'command'],
      registers: [registry],
    });
  }

  connectionState(role: ConnectionRole, ready: boolean): void {
    this.up.set({ role }, ready ? 1 : 0);
  }
}
