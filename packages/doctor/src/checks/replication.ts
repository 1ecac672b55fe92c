import { type CheckResult, type CheckStatus, worst } from '../check.js';
import type { DoctorContext } from '../doctor-context.js';
import { samplesOf } from '../stack-snapshot.js';

export interface ReplicationRow {
  name: string;
  state: string;
  /** Bytes of WAL the replica has not replayed yet. */
  lagBytes: number;
  /** replay_lag in ms; null when the primary has been idle (nothing to replay). */
  lagMs: number | null;
}

/**
 * Replicas streaming and their lag, as the primary sees them (pg_stat_replication): fewer streaming
 * replicas than DATABASE_REPLICA_URLS lists fail; lag above DB_REPLICA_MAX_LAG_MS warns, ten times
 * that fails. Replicas the apps took out of rotation (db_replica_in_rotation 0) warn.
 */
export function evaluateReplication(
  rows: readonly ReplicationRow[],
  expected: number,
  maxLagMs: number,
  outOfRotation: readonly string[],
): CheckResult {
  const statuses: CheckStatus[] = [];
  const details: string[] = [];
  const streaming = rows.filter((row) => row.state === 'streaming');
  details.push(`${streaming.length} of ${expected} replicas streaming`);
  if (streaming.length < expected) {
    statuses.push('fail');
    const others = rows.filter((row) => row.state !== 'streaming').map((row) => `${row.name} ${row.state}`);
    details.push(
      `not streaming: ${expected - streaming.length}${others.length ? ` (${others.join(', ')})` : ''}`,
    );
  }
  for (const row of streaming) {
    const lag = row.lagMs ?? 0;
    const text = `${row.name}: replay lag ${Math.round(lag)} ms, ${row.lagBytes} bytes behind`;
    if (lag > 10 * maxLagMs) statuses.push('fail');
    else if (lag > maxLagMs) statuses.push('warn');
    details.push(text);
  }
  if (outOfRotation.length > 0) {
    statuses.push('warn');
    details.push(`out of rotation in some process: ${outOfRotation.join(', ')}`);
  }
  return { id: 'replication', title: 'replicas streaming, lag', status: worst(statuses), details };
}

export async function checkReplication(context: DoctorContext): Promise<CheckResult> {
  const { rows } = await context.primary.query<ReplicationRow>(
    `select coalesce(nullif(application_name, ''), client_addr::text, 'replica') as name, state,
            coalesce(pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn), 0)::float8 as "lagBytes",
            (extract(epoch from replay_lag) * 1000)::float8 as "lagMs"
       from pg_stat_replication order by 1`,
  );
  const outOfRotation = new Set<string>();
  for (const replica of context.replicas)
    for (const sample of samplesOf(replica, 'db_replica_in_rotation'))
      if (sample.value === 0) outOfRotation.add(`${sample.labels.replica} (${replica.app} ${replica.url})`);
  return evaluateReplication(
    rows,
    context.env.DATABASE_REPLICA_URLS.length,
    context.env.DB_REPLICA_MAX_LAG_MS,
    [...outOfRotation],
  );
}
