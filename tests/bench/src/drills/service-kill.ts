// A restaurant-service replica SIGKILLed under reads and review writes. The agreed bound (issue 8:
// "killing one ... restaurant-service replica under load loses no GET (nginx/gateway route around)"):
// zero GETs fail (5xx or no answer). No POST is replayed: a replayed review
// write would reach the service twice, and the second attempt would answer 409 (one review per user
// and restaurant) to a client that sent it once. `./stack up` restarts the replica afterwards.

import { check, type Drill } from './drill.js';
import { underLoad, writeCounts } from './load-during.js';
import { countOutcomes, statusHistogram } from './traffic.js';

export const GET_ERROR_BOUND = 0;

export const serviceKilled: Drill = async (context) => {
  const { control } = context;
  let killedAt = 0;
  const record = await underLoad(
    context,
    async () => {
      const pid = control.appPid('restaurant-service', 0);
      killedAt = Date.now();
      await control.kill(pid);
      context.log(`restaurant-service-0 (pid ${pid}) SIGKILLed`);
    },
    { writeEveryMs: 300, cachedShare: 0.3, afterMs: 8000 },
  );
  const up = await control.stackUp();
  const reads = countOutcomes(record.reads);
  const failed = reads.serverErrors + reads.noAnswer;
  const failedStatuses = statusHistogram(
    record.reads.filter((outcome) => outcome.status === 0 || outcome.status >= 500),
  );
  const failedAfter5s = countOutcomes(record.reads, (outcome) => outcome.at > killedAt + 5000);
  const writes = writeCounts(record.writes);
  const replayed = record.writes.filter((write) => write.write.status === 409).length;
  const unknown = record.writes.filter(
    (write) => write.write.status >= 500 || write.write.status === 0,
  ).length;
  return {
    counts: {
      gets: reads.total,
      getsFailed: failed,
      getsFailedAfter5s: failedAfter5s.serverErrors + failedAfter5s.noAnswer,
      posts: writes.writes,
      postsCreated: writes.writesCreated,
      postsFailed: unknown,
      postsReplayed409: replayed,
    },
    checks: [
      check(
        'no GET lost (issue 8)',
        failed <= Math.floor(reads.total * GET_ERROR_BOUND),
        `${failed} of ${reads.total} GETs failed (${((failed / Math.max(1, reads.total)) * 100).toFixed(2)}%), ${failedAfter5s.serverErrors + failedAfter5s.noAnswer} of them more than 5 s after the kill; statuses ${JSON.stringify(failedStatuses)} (0 = no answer)`,
      ),
      check(
        'no POST replayed',
        replayed === 0,
        `${replayed} review writes answered 409 to a single send; ${unknown} failed (5xx/no answer)`,
      ),
      check('./stack up restarted the replica', up.ok, `${up.ms} ms: ${up.tail}`),
    ],
    restored: `./stack up (${up.ms} ms)`,
    notes: [],
  };
};
