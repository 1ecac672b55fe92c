import type { Lsn } from './lsn.js';
import type { ReplicaState } from './replica-monitor.js';

export interface RoutedTarget<Client> {
  client: Client;
  /** `primary` or the replica's name, for logs and tests. */
  server: string;
}

/**
 * Picks the server for a read: replicas in rotation, round robin, limited to those that have replayed
 * `minLsn` when the caller must see a write; the primary when none qualifies. Never throws: a read
 * always has somewhere to go.
 */
export class ReplicaRouter<Client> {
  #next = 0;

  constructor(
    private readonly primary: Client,
    private readonly replicas: ReadonlyArray<{ client: Client; state: () => ReplicaState }>,
  ) {}

  pick(minLsn?: Lsn): RoutedTarget<Client> {
    const count = this.replicas.length;
    for (let tried = 0; tried < count; tried += 1) {
      const replica = this.replicas[(this.#next + tried) % count]!;
      const state = replica.state();
      if (!state.healthy) continue;
      if (minLsn !== undefined && (state.replayLsn === undefined || state.replayLsn < minLsn)) continue;
      this.#next = (this.#next + tried + 1) % count;
      return { client: replica.client, server: state.name };
    }
    return { client: this.primary, server: 'primary' };
  }
}
