// Postgres replicas under load. (1) One replica stopped (pg_ctl stop -m fast) for outageMs: reads keep
// answering from the other one or the primary. (2) Every replica's WAL replay paused
// (pg_wal_replay_pause(): they answer, but fall further and further behind) for outageMs: reads keep
// answering and every user still reads their own write at once (the router sends them to a server
// that has it). Both with review writes each followed by the writer's read.

import { check, type Drill, type DrillContext } from './drill.js';
import { underLoad, writeCounts } from './load-during.js';
import { sleep, waitFor } from './stack-control.js';
import { countOutcomes, statusHistogram } from './traffic.js';

async function streaming(context: DrillContext, replicaUrl: string): Promise<boolean> {
  const rows = await context.control.sql<{ status: string }>(
    replicaUrl,
    'select status from pg_stat_wal_receiver',
  );
  return rows[0]?.status === 'streaming';
}

function verdict(record: Awaited<ReturnType<typeof underLoad>>) {
  const reads = countOutcomes(record.reads);
  const writes = writeCounts(record.writes);
  const failed = record.reads.filter((outcome) => outcome.status === 0 || outcome.status >= 500);
  const failures = failed.length
    ? `; failures ${JSON.stringify(statusHistogram(failed))}, e.g. ${failed[0]!.label} → ${(failed[0]!.body ?? '').slice(0, 160)}`
    : '';
  return {
    counts: {
      reads: reads.total,
      readsOk: reads.ok,
      reads5xx: reads.serverErrors,
      readsNoAnswer: reads.noAnswer,
      ...writes,
    },
    checks: [
      check(
        'reads kept answering (no 5xx, none unanswered)',
        reads.serverErrors + reads.noAnswer === 0,
        `${reads.ok}/${reads.total} 200, ${reads.serverErrors} 5xx, ${reads.noAnswer} unanswered${failures}`,
      ),
      check(
        'every write was created',
        writes.writesCreated === writes.writes && writes.writes > 0,
        `${writes.writesCreated}/${writes.writes} 201; statuses ${JSON.stringify(statusHistogram(record.writes.map((w) => w.write)))}${record.writes.find((w) => w.write.status !== 201)?.write.body ? `, e.g. ${record.writes.find((w) => w.write.status !== 201)!.write.body!.slice(0, 200)}` : ''}`,
      ),
      check(
        'read-your-writes held',
        writes.readYourWritesBroken === 0 && writes.readYourWritesHeld > 0,
        `${writes.readYourWritesHeld} seen at once, ${writes.readYourWritesBroken} not`,
      ),
    ],
  };
}

export const replicaStopped: Drill = async (context) => {
  const replicaUrl = context.stack.replicaUrls[0]!;
  let restartMs = 0;
  const record = await underLoad(
    context,
    async () => {
      await context.control.stopReplica('replica1');
      context.log(`replica1 stopped for ${context.options.outageMs} ms`);
      await sleep(context.options.outageMs);
      const started = Date.now();
      await context.control.startReplica('replica1');
      restartMs = Date.now() - started;
    },
    { writeEveryMs: 700, cachedShare: 0.2 },
  );
  const streamMs = await waitFor('replica1 streaming again', 60_000, () => streaming(context, replicaUrl));
  return {
    ...verdict(record),
    restored: `pg_ctl start (${restartMs} ms), streaming ${streamMs} ms later`,
    notes: [],
  };
};

export const replicasPaused: Drill = async (context) => {
  const { control, stack } = context;
  const record = await underLoad(
    context,
    async () => {
      for (const url of stack.replicaUrls) await control.sql(url, 'select pg_wal_replay_pause()');
      context.log(
        `WAL replay paused on ${stack.replicaUrls.length} replicas for ${context.options.outageMs} ms`,
      );
      await sleep(context.options.outageMs);
      for (const url of stack.replicaUrls) await control.sql(url, 'select pg_wal_replay_resume()');
    },
    { writeEveryMs: 700, cachedShare: 0.2 },
  );
  const paused = await Promise.all(
    stack.replicaUrls.map(
      async (url) => (await control.sql<{ p: boolean }>(url, 'select pg_is_wal_replay_paused() as p'))[0]?.p,
    ),
  );
  return {
    ...verdict(record),
    restored: `pg_wal_replay_resume() on every replica (still paused: ${paused.filter(Boolean).length})`,
    notes: [],
  };
};
