// Pool exhaustion with slow queries: a transaction on the primary takes ACCESS EXCLUSIVE on the
// restaurants table for outageMs (the lock is WAL-logged; pg_switch_wal() ships it to the replicas
// at once, so their readers wait too). Every
// uncached read then holds a pooled connection while it waits, the pools run dry, and further reads
// must get 503 with Retry-After (DB_POOL_EXHAUSTED from the service, or the gateway's open breaker),
// never a hang or another 5xx; once the lock is gone, reads answer 200 again.

import pg from 'pg';
import { check, type Drill } from './drill.js';
import { underLoad } from './load-during.js';
import { sleep } from './stack-control.js';
import { countOutcomes, statusHistogram } from './traffic.js';

export const poolExhausted: Drill = async (context) => {
  let releasedAt = 0;
  const record = await underLoad(
    context,
    async () => {
      const client = new pg.Client({ connectionString: context.stack.databaseUrl });
      await client.connect();
      try {
        await client.query('begin');
        await client.query('lock table restaurants in access exclusive mode');
        // The lock's WAL record reaches the replicas only once WAL is flushed: flush it now, so their
        // readers wait too (the services read from the replicas).
        await context.control.sql(context.stack.databaseUrl, 'select pg_switch_wal()');
        context.log(`restaurants locked for ${context.options.outageMs} ms`);
        await sleep(context.options.outageMs);
        await client.query('rollback');
      } finally {
        releasedAt = Date.now();
        await client.end();
      }
    },
    { cachedShare: 0, afterMs: 12_000 },
  );
  const unavailable = record.reads.filter((outcome) => outcome.status === 503);
  const withRetryAfter = unavailable.filter((outcome) => outcome.headers?.get('retry-after'));
  const codes = new Map<string, number>();
  for (const outcome of unavailable) {
    const code = /"code":"([A-Z_]+)"/.exec(outcome.body ?? '')?.[1] ?? 'none';
    codes.set(code, (codes.get(code) ?? 0) + 1);
  }
  const others = record.reads.filter((outcome) => outcome.status >= 500 && outcome.status !== 503);
  const other5xx = others.length;
  const otherDetail = others.length
    ? `; ${JSON.stringify(statusHistogram(others))}, e.g. ${(others[0]!.body ?? '').slice(0, 200)}`
    : '';
  const noAnswer = record.reads.filter((outcome) => outcome.status === 0).length;
  // Recovery: the reads sent from 5 s after the release on all answer 200.
  const late = countOutcomes(record.reads, (outcome) => outcome.at > releasedAt + 5000);
  const firstOk = record.reads
    .filter((outcome) => outcome.at > releasedAt && outcome.status === 200)
    .sort((a, b) => a.at - b.at)[0];
  const all = countOutcomes(record.reads);
  return {
    counts: {
      reads: all.total,
      readsOk: all.ok,
      status503: unavailable.length,
      status503WithRetryAfter: withRetryAfter.length,
      other5xx,
      noAnswer,
      readsAfterRecovery: late.total,
      readsAfterRecoveryOk: late.ok,
    },
    checks: [
      check(
        'exhaustion answered 503 with Retry-After',
        unavailable.length > 0 && withRetryAfter.length === unavailable.length,
        `${withRetryAfter.length}/${unavailable.length} 503s had Retry-After; codes ${[...codes].map(([code, n]) => `${code} ${n}`).join(', ') || 'none'}`,
      ),
      check(
        'no other 5xx, nothing unanswered',
        other5xx === 0 && noAnswer === 0,
        `${other5xx} other 5xx, ${noAnswer} unanswered${otherDetail}`,
      ),
      check(
        'recovered after the slow queries',
        late.total > 0 && late.ok === late.total,
        `${late.ok}/${late.total} 200 from 5 s after the release; first 200 ${firstOk ? firstOk.at - releasedAt : '–'} ms after it`,
      ),
    ],
    restored: 'lock released (rollback); nothing was stopped',
    notes: [],
  };
};
