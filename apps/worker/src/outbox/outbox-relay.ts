import type { Database, DbTransaction } from '@tablestack/db';
import { InvalidJobError, parseJob } from '@tablestack/jobs';
import type { Logger } from '@tablestack/service-kit';
import type { Queue } from 'bullmq';
import { type BackoffPolicy, jitteredBackoff } from '../backoff.js';
import type { WorkerMetrics } from '../metrics/worker-metrics.js';

export interface OutboxRelayOptions {
  db: Pick<Database, 'transaction'>;
  /** Outbox `queue` value → the BullMQ queue its rows are published to. Rows of other values are left alone. */
  routes: ReadonlyMap<string, Queue>;
  /** False while the queue connection is down: the relay then leaves the rows untouched. */
  isRedisReady: () => boolean;
  logger: Logger;
  metrics?: WorkerMetrics;
  /** Rows claimed per poll. @default 100 */
  batchSize?: number;
  /** Pause after a poll that found less than a full batch. @default 500 */
  pollIntervalMs?: number;
  /** Bound of publishing one batch; past it the rows are retried later. @default 2000 */
  publishTimeoutMs?: number;
  /** Delay before a row whose publication failed is tried again. @default 1 s doubling to 30 s, jittered */
  retry?: BackoffPolicy;
}

/** What one poll did. */
export interface RelayResult {
  claimed: number;
  sent: number;
  retried: number;
  invalid: number;
}

interface OutboxRow {
  id: string;
  queue: string;
  jobName: string;
  payload: unknown;
  attempts: number;
}

/**
 * The outbox relay: publishes rows that producers wrote in their own transactions (see
 * `enqueueOutbox`) to BullMQ, with the outbox id as job id, and marks them SENT. Each poll claims a
 * batch with `FOR UPDATE SKIP LOCKED` inside a transaction, so any number of relays (one per worker
 * replica) share the work without publishing a row twice at the same time; a crash before the
 * commit leaves the rows PENDING, and publishing them again is a no-op because the job id exists.
 *
 * Redis down: the relay does not claim rows at all (they stay PENDING, untouched, and go out as
 * soon as the connection is back). A publication that fails or outlasts `publishTimeoutMs` leaves
 * the rows PENDING with attempts + 1, lastError and a later availableAt (jittered backoff). Rows
 * whose job name or payload is invalid become FAILED: retrying cannot fix them.
 */
export class OutboxRelay {
  readonly #options: Required<Omit<OutboxRelayOptions, 'metrics'>> & Pick<OutboxRelayOptions, 'metrics'>;
  #running: Promise<void> | undefined;
  #stopping = false;
  #wake: (() => void) | undefined;
  #lastError = '';

  constructor(options: OutboxRelayOptions) {
    this.#options = {
      batchSize: 100,
      pollIntervalMs: 500,
      publishTimeoutMs: 2000,
      retry: { baseMs: 1000, maxMs: 30_000 },
      ...options,
    };
  }

  /** Starts polling in the background. */
  start(): void {
    this.#stopping = false;
    this.#running ??= this.#loop();
  }

  /** Stops polling; resolves once the poll in progress (if any) has committed or rolled back. */
  async stop(): Promise<void> {
    this.#stopping = true;
    this.#wake?.();
    await this.#running;
    this.#running = undefined;
  }

  /** One poll: claim, publish, mark. Exposed for tests and benchmarks. */
  async relayOnce(): Promise<RelayResult> {
    const empty = { claimed: 0, sent: 0, retried: 0, invalid: 0 };
    if (!this.#options.isRedisReady()) return empty;
    const { db, publishTimeoutMs } = this.#options;
    // The transaction outlives the publication bound, so a slow Redis never aborts it half-way.
    return db.transaction((tx) => this.#relayBatch(tx), { timeout: publishTimeoutMs + 10_000 });
  }

  async #loop(): Promise<void> {
    while (!this.#stopping) {
      let full = false;
      try {
        const result = await this.relayOnce();
        full = result.claimed === this.#options.batchSize;
        if (this.#lastError) this.#options.logger.info('outbox relay recovered');
        this.#lastError = '';
      } catch (error) {
        // Postgres down or similar: log once per distinct error, not on every poll.
        const message = error instanceof Error ? error.message : String(error);
        if (message !== this.#lastError)
          this.#options.logger.error({ err: error }, 'outbox relay poll failed');
        this.#lastError = message;
      }
      if (!full && !this.#stopping) await this.#sleep(this.#options.pollIntervalMs);
    }
  }

  async #relayBatch(tx: DbTransaction): Promise<RelayResult> {
    const { routes, batchSize, logger, metrics } = this.#options;
    const rows = await tx.$queryRaw<OutboxRow[]>`
      SELECT id::text AS id, queue, job_name AS "jobName", payload, attempts
      FROM outbox
      WHERE status = 'PENDING' AND available_at <= now() AND queue = ANY(${[...routes.keys()]}::text[])
      ORDER BY available_at
      LIMIT ${batchSize}
      FOR UPDATE SKIP LOCKED`;
    if (rows.length === 0) return { claimed: 0, sent: 0, retried: 0, invalid: 0 };

    const invalid: Array<{ row: OutboxRow; reason: string }> = [];
    const byQueue = new Map<Queue, OutboxRow[]>();
    for (const row of rows) {
      const queue = routes.get(row.queue)!;
      try {
        parseJob(queue.name, row.jobName, row.payload);
      } catch (error) {
        if (!(error instanceof InvalidJobError)) throw error;
        invalid.push({ row, reason: error.message });
        continue;
      }
      byQueue.set(queue, [...(byQueue.get(queue) ?? []), row]);
    }

    const sent: string[] = [];
    const failed: Array<{ row: OutboxRow; reason: string }> = [];
    for (const [queue, queueRows] of byQueue) {
      try {
        await this.#publish(queue, queueRows);
        sent.push(...queueRows.map((row) => row.id));
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        failed.push(...queueRows.map((row) => ({ row, reason })));
      }
    }

    if (sent.length > 0)
      await tx.$executeRaw`
        UPDATE outbox SET status = 'SENT', sent_at = now(), attempts = attempts + 1, last_error = NULL
        WHERE id = ANY(${sent}::uuid[])`;
    if (failed.length > 0) await this.#scheduleRetries(tx, failed);
    if (invalid.length > 0) {
      for (const { row, reason } of invalid)
        await tx.$executeRaw`
          UPDATE outbox SET status = 'FAILED', attempts = attempts + 1, last_error = ${reason}
          WHERE id = ${row.id}::uuid`;
      logger.error({ ids: invalid.map(({ row }) => row.id) }, 'outbox rows with invalid jobs marked FAILED');
    }

    metrics?.outboxRows.inc({ result: 'sent' }, sent.length);
    metrics?.outboxRows.inc({ result: 'retried' }, failed.length);
    metrics?.outboxRows.inc({ result: 'invalid' }, invalid.length);
    if (failed.length > 0)
      logger.warn(
        { rows: failed.length, err: { message: failed[0]!.reason } },
        'outbox publish failed; will retry',
      );
    return { claimed: rows.length, sent: sent.length, retried: failed.length, invalid: invalid.length };
  }

  /** addBulk is one MULTI: the batch of a queue goes in whole or not at all. Job id = outbox id. */
  async #publish(queue: Queue, rows: OutboxRow[]): Promise<void> {
    const jobs = rows.map((row) => ({
      name: row.jobName,
      data: row.payload,
      opts: { jobId: row.id },
    }));
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`publishing to ${queue.name} took over ${this.#options.publishTimeoutMs} ms`)),
        this.#options.publishTimeoutMs,
      );
    });
    try {
      // If the bound passes, the command may still reach Redis later: harmless, the job id makes the
      // next publication of these rows a no-op.
      await Promise.race([queue.addBulk(jobs), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  async #scheduleRetries(
    tx: DbTransaction,
    failed: Array<{ row: OutboxRow; reason: string }>,
  ): Promise<void> {
    const ids = failed.map(({ row }) => row.id);
    const delays = failed.map(({ row }) => jitteredBackoff(row.attempts + 1, this.#options.retry));
    const reason = failed[0]!.reason.slice(0, 1000);
    await tx.$executeRaw`
      UPDATE outbox AS o
      SET attempts = o.attempts + 1, last_error = ${reason},
          available_at = now() + d.delay_ms * interval '1 millisecond'
      FROM unnest(${ids}::uuid[], ${delays}::int[]) AS d(id, delay_ms)
      WHERE o.id = d.id`;
  }

  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.#wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
}
