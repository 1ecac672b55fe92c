// Light load around a fault: reads at `rate` per second and, optionally, one review write (followed
// by the writer's own read) every `writeEveryMs`, started before the fault and stopped after it.

import type { DrillContext } from './drill.js';
import { readMix, type WriteCheck, writeThenRead } from './drill-requests.js';
import { sleep } from './stack-control.js';
import { type Outcome, startTraffic } from './traffic.js';

export interface LoadRecord {
  reads: Outcome[];
  writes: WriteCheck[];
}

export async function underLoad(
  context: DrillContext,
  fault: () => Promise<void>,
  options: { writeEveryMs?: number; cachedShare?: number; beforeMs?: number; afterMs?: number } = {},
): Promise<LoadRecord> {
  const traffic = startTraffic(
    context.options.rate,
    readMix(context, { cached: options.cachedShare ?? 0.5 }),
  );
  const writes: WriteCheck[] = [];
  let writing = options.writeEveryMs !== undefined;
  const writer = (async () => {
    let i = 0;
    while (writing) {
      const user = context.users[i++ % context.users.length]!;
      writes.push(await writeThenRead(context, user, context.nextRestaurant()));
      await sleep(options.writeEveryMs ?? 1000);
    }
  })();
  try {
    await sleep(options.beforeMs ?? 2000);
    await fault();
    await sleep(options.afterMs ?? 3000);
  } finally {
    writing = false;
    await writer;
  }
  return { reads: await traffic.stop(), writes };
}

export function writeCounts(writes: WriteCheck[]) {
  return {
    writes: writes.length,
    writesCreated: writes.filter((w) => w.write.status === 201).length,
    writes5xx: writes.filter((w) => w.write.status >= 500 || w.write.status === 0).length,
    readYourWritesHeld: writes.filter((w) => w.seen === true).length,
    readYourWritesBroken: writes.filter((w) => w.write.status === 201 && w.seen !== true).length,
  };
}
