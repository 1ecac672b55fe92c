import type pg from 'pg';
import { type Lsn, parseLsn } from './lsn.js';

export interface ReplicaState {
  name: string;
  /** In rotation: reachable and not lagging past the limit. */
  healthy: boolean;
  /** Last WAL position the replica replayed, as of the last check. */
  replayLsn?: Lsn;
  /** Milliseconds behind the primary as of the last check (0 when caught up). */
  lagMs: number;
  /** Why it is out of rotation. */
  reason?: string;
  checkedAt?: number;
}

export interface ReplicaMonitorOptions {
  primary: pg.Pool;
  replicas: Array<{ name: string; pool: pg.Pool }>;
  maxLagMs: number;
  intervalMs: number;
  /** Called when a replica leaves or rejoins the rotation. */
  onChange?: (state: ReplicaState) => void;
}

/**
 * Checks each replica's replay position and lag against the primary on an interval. A replica that
 * does not answer, or lags more than `maxLagMs`, leaves the rotation and rejoins when healthy again.
 * Lag is zero when the replica has replayed everything the primary had written at check time. A
 * replica that has replayed what the primary had at the previous check is at most one interval
 * behind (the primary writes WAL even when idle, so "not equal right now" alone means little).
 * Otherwise lag is the age of the last transaction it replayed.
 */
export class ReplicaMonitor {
  readonly states: ReplicaState[];
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;
  #previousPrimary: { lsn: Lsn; at: number } | undefined;

  constructor(private readonly options: ReplicaMonitorOptions) {
    // Unchecked replicas start out of rotation: the first check decides.
    this.states = options.replicas.map(({ name }) => ({
      name,
      healthy: false,
      lagMs: 0,
      reason: 'not checked yet',
    }));
  }

  start(): void {
    if (this.#timer) return;
    void this.check();
    this.#timer = setInterval(() => void this.check(), this.options.intervalMs);
    this.#timer.unref();
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  /**
   * Takes a replica out of rotation now, because a query on it just failed; the next successful
   * check re-admits it.
   */
  markDown(index: number, reason: string): void {
    const previous = this.states[index];
    if (!previous?.healthy) return;
    const next: ReplicaState = {
      ...previous,
      healthy: false,
      reason: `query failed: ${reason}`,
      checkedAt: Date.now(),
    };
    this.states[index] = next;
    this.options.onChange?.(next);
  }

  /** One round of checks; concurrent callers share it. */
  check(): Promise<void> {
    this.#running ??= this.#checkAll().finally(() => {
      this.#running = undefined;
    });
    return this.#running;
  }

  async #checkAll(): Promise<void> {
    // Nothing to check: do not take a primary connection for it.
    if (this.options.replicas.length === 0) return;
    let primaryLsn: Lsn | undefined;
    try {
      const { rows } = await this.options.primary.query<{ lsn: string }>(
        'select pg_current_wal_lsn()::text as lsn',
      );
      primaryLsn = parseLsn(rows[0]!.lsn);
    } catch {
      // Without the primary's position lag cannot be judged; replicas are checked for reachability only.
    }
    const previous = this.#previousPrimary;
    await Promise.all(
      this.options.replicas.map((replica, index) =>
        this.#checkOne(replica.pool, index, primaryLsn, previous),
      ),
    );
    if (primaryLsn !== undefined) this.#previousPrimary = { lsn: primaryLsn, at: Date.now() };
  }

  async #checkOne(
    pool: pg.Pool,
    index: number,
    primaryLsn: Lsn | undefined,
    previousPrimary: { lsn: Lsn; at: number } | undefined,
  ): Promise<void> {
    const previous = this.states[index]!;
    let next: ReplicaState;
    try {
      const { rows } = await pool.query<{ lsn: string | null; age_ms: number | null }>(
        `select pg_last_wal_replay_lsn()::text as lsn,
                (extract(epoch from clock_timestamp() - pg_last_xact_replay_timestamp()) * 1000)::float8 as age_ms`,
      );
      const row = rows[0]!;
      if (!row.lsn) throw new Error('not a replica (no replay position)');
      const replayLsn = parseLsn(row.lsn);
      const age = Math.max(0, Math.round(row.age_ms ?? 0));
      const lagMs =
        primaryLsn !== undefined && replayLsn >= primaryLsn
          ? 0
          : previousPrimary && replayLsn >= previousPrimary.lsn
            ? Math.min(age, Date.now() - previousPrimary.at)
            : age;
      const tooFar = lagMs > this.options.maxLagMs;
      next = {
        name: previous.name,
        healthy: !tooFar,
        replayLsn,
        lagMs,
        ...(tooFar ? { reason: `lagging ${lagMs} ms` } : {}),
        checkedAt: Date.now(),
      };
    } catch (error) {
      next = {
        name: previous.name,
        healthy: false,
        lagMs: previous.lagMs,
        ...(previous.replayLsn === undefined ? {} : { replayLsn: previous.replayLsn }),
        reason: `unreachable: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`,
        checkedAt: Date.now(),
      };
    }
    this.states[index] = next;
    if (next.healthy !== previous.healthy) this.options.onChange?.(next);
  }
}
