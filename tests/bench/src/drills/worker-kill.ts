// A worker SIGKILLed mid-batch: a burst of registrations (each a welcome email through the outbox,
// the relay and the email queue), worker-0 killed once the first emails arrive, `./stack up` restarts
// it. Every email must arrive, and none twice: an email is the job where a second run matters, and
// its job id (the outbox id) is its idempotency key. BullMQ hands the dead worker's active jobs to
// another one after its stalled-job check (30 s by default), so the wait allows 120 s.

import { check, type Drill } from './drill.js';
import { registerUser } from './drill-users.js';
import { mailCounts } from './mail-sink.js';
import { sleep, waitFor } from './stack-control.js';

export const workerKilled: Drill = async (context) => {
  const { stack, control, options } = context;
  const mailApi = stack.vars.MAIL_API_URL!;
  const emails = new Set<string>();
  let registrationErrors = 0;
  // Two at a time: enough to build a queue the worker is busy with, without argon2 taking the machine.
  let made = 0;
  const registering = Promise.all(
    Array.from({ length: 2 }, async () => {
      while (made < options.workerJobs) {
        made++;
        try {
          emails.add((await registerUser(stack, 'worker-kill')).email.toLowerCase());
        } catch {
          registrationErrors++;
        }
      }
    }),
  );
  let killedAfter = 0;
  await waitFor('the first welcome emails', 60_000, async () => {
    killedAfter = (await mailCounts(mailApi, emails)).size;
    return killedAfter >= Math.min(3, options.workerJobs);
  }).catch(() => undefined);
  const pid = control.appPid('worker', 0);
  await control.kill(pid);
  context.log(`worker-0 (pid ${pid}) SIGKILLed after ${killedAfter} emails had arrived`);
  await registering;
  await sleep(1000);
  const up = await control.stackUp();
  let counts = new Map<string, number>();
  const waitedMs = await waitFor('every welcome email', 120_000, async () => {
    counts = await mailCounts(mailApi, emails);
    return counts.size === emails.size;
  }).catch(() => -1);
  // Late duplicates would come after the last first copy: look once more a little later.
  await sleep(2000);
  counts = await mailCounts(mailApi, emails);
  const twice = [...counts.values()].filter((count) => count > 1).length;
  return {
    counts: {
      jobs: emails.size,
      registrationErrors,
      deliveredBeforeKill: killedAfter,
      delivered: counts.size,
      deliveredTwice: twice,
    },
    checks: [
      check(
        'every job done',
        emails.size > 0 && counts.size === emails.size,
        `${counts.size}/${emails.size} emails${waitedMs >= 0 ? ` (all in ${waitedMs} ms after the restart)` : ' (timed out after 120 s)'}`,
      ),
      check('none done twice', twice === 0, `${twice} addresses got the welcome email more than once`),
      check('./stack up restarted the worker', up.ok, `${up.ms} ms: ${up.tail}`),
    ],
    restored: `./stack up (${up.ms} ms)`,
    notes: registrationErrors > 0 ? [`${registrationErrors} registrations failed and made no job`] : [],
  };
};
