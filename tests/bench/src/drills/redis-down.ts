// Redis SIGKILLed for outageMs under load. Cached reads must keep answering (L1, then the origin),
// the gateway's limits fall back to per-replica memory limiters (so they still refuse), no read gets
// a 5xx, and work queued meanwhile is not lost: registrations made while Redis is down write their
// welcome email to the outbox in Postgres, and the worker relays and sends them once Redis is back.

import { check, type Drill } from './drill.js';
import { registerUser } from './drill-users.js';
import { underLoad } from './load-during.js';
import { mailCounts } from './mail-sink.js';
import { sleep, waitFor } from './stack-control.js';
import { countOutcomes, send } from './traffic.js';

export const redisDown: Drill = async (context) => {
  const { control, stack, options } = context;
  const queued: string[] = [];
  const registerFailures: number[] = [];
  const limitProbe: number[] = [];
  let redisBackMs = 0;
  const record = await underLoad(context, async () => {
    await control.kill(control.redisPid());
    context.log(`redis killed; down for ${options.outageMs} ms`);
    const outageEnds = Date.now() + options.outageMs;
    // Public searches without a token, faster than the fallback limit (30/min split over the replicas).
    const probes = await Promise.all(
      Array.from({ length: 40 }, () =>
        send({ label: 'search', url: `${stack.publicUrl}/api/v1/restaurants/search?q=pizza` }),
      ),
    );
    limitProbe.push(...probes.map((probe) => probe.status));
    for (let i = 0; i < 3; i++) {
      try {
        queued.push((await registerUser(stack, 'redis-down')).email);
      } catch (error) {
        registerFailures.push(Number(/answered (\d+)/.exec(String(error))?.[1] ?? 0));
      }
    }
    await sleep(Math.max(0, outageEnds - Date.now()));
    const started = Date.now();
    await control.startRedis();
    redisBackMs = Date.now() - started;
    context.log('redis restarted from its stack config');
  });
  const reads = countOutcomes(record.reads);
  const cached = countOutcomes(record.reads, (outcome) => outcome.label === 'cached read');
  let delivered = 0;
  const wanted = new Set(queued.map((email) => email.toLowerCase()));
  const mailWaitMs = await waitFor('the welcome emails queued while Redis was down', 90_000, async () => {
    const counts = await mailCounts(stack.vars.MAIL_API_URL!, wanted);
    delivered = counts.size;
    return delivered === wanted.size;
  }).catch(() => -1);
  const limited = limitProbe.filter((status) => status === 429).length;
  const probe5xx = limitProbe.filter((status) => status >= 500 || status === 0).length;
  return {
    counts: {
      reads: reads.total,
      readsOk: reads.ok,
      reads5xx: reads.serverErrors,
      readsNoAnswer: reads.noAnswer,
      cachedReads: cached.total,
      cachedOk: cached.ok,
      limitProbes: limitProbe.length,
      limitProbes429: limited,
      limitProbes5xx: probe5xx,
      queuedRegistrations: queued.length,
      registrationsRefused: registerFailures.length,
      emailsDelivered: delivered,
    },
    checks: [
      check(
        'no read got a 5xx or no answer',
        reads.serverErrors + reads.noAnswer === 0,
        `${reads.serverErrors} 5xx, ${reads.noAnswer} without answer of ${reads.total}`,
      ),
      check('cached reads kept answering', cached.ok === cached.total, `${cached.ok}/${cached.total} 200`),
      check(
        'limits fell back (some 429, no 5xx)',
        limited > 0 && probe5xx === 0,
        `${limited} of ${limitProbe.length} refused, ${probe5xx} 5xx`,
      ),
      check(
        'work queued during the outage was not lost',
        queued.length > 0 && delivered === queued.length,
        `${delivered}/${queued.length} welcome emails delivered${mailWaitMs >= 0 ? ` ${mailWaitMs} ms after the check began` : ' (timed out after 90 s)'}; ${registerFailures.length} registrations refused (${registerFailures.join(', ') || 'none'})`,
      ),
    ],
    restored: `redis-server with .stack/<mode>/redis/redis.conf (answering after ${redisBackMs} ms)`,
    notes: [],
  };
};
