// What does a read cost through our cache, next to bentocache and cache-manager, on its three paths
// (L1 hit, L2 hit, miss-then-load), and how close is it to the floors (lru-cache get, a bare ioredis
// GET + JSON.parse)? All cases run in one process, in rounds (see bench-runner.ts); only the ratios
// within this run are meaningful, as absolute figures on our shared machines swing 2-3x between runs.
// See README.md.
//
// Usage: REDIS_URL=... pnpm --filter @tablestack/cache bench [--rounds 8] [--time-ms 300]
//        [--warmup-ms 300] [--batch 256] [--hot 64] [--pool 5000] [--l1 1000]

import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import v8 from 'node:v8';
import vm from 'node:vm';
import { type RedisEnv, redisEnvSchema } from '@tablestack/redis-client';
import { pino } from 'pino';
import { checkPath, runRounds } from './bench-runner.js';
import { bentocache } from './contenders/bentocache.js';
import { cacheManager } from './contenders/cache-manager.js';
import type { BenchCase, BenchContext, Contender } from './contenders/contender.js';
import { floors } from './contenders/floors.js';
import { tablestack } from './contenders/tablestack.js';
import { deleteKeysUnder } from './redis-keys.js';
import { type Report, renderMarkdown, writeResults } from './render-results.js';
import { type Goal, ratio, summarizeCases } from './report.js';
import { restaurantIds, restaurantJsonBytes } from './restaurant.js';

const packageDir = fileURLToPath(new URL('..', import.meta.url));

/** Figures measured earlier with mitata (medians), quoted by the issue. */
const reference = {
  lruCacheGetNs: 25,
  ioredisGetParseUs: [40, 60],
  bentocacheL1HitUs: [11, 20],
  cacheManagerL1HitUs: 35,
};

interface Options {
  rounds: number;
  timeMs: number;
  warmupMs: number;
  batchSize: number;
  hotKeys: number;
  poolKeys: number;
  l1MaxEntries: number;
}

function parseOptions(): Options {
  const { values } = parseArgs({
    options: {
      rounds: { type: 'string', default: '8' },
      'time-ms': { type: 'string', default: '300' },
      'warmup-ms': { type: 'string', default: '300' },
      batch: { type: 'string', default: '256' },
      hot: { type: 'string', default: '64' },
      pool: { type: 'string', default: '5000' },
      l1: { type: 'string', default: '1000' },
    },
  });
  const positive = (name: string, raw: string) => {
    const value = Number(raw);
    if (!Number.isInteger(value) || value < 1)
      throw new Error(`--${name} must be a positive integer, got ${raw}`);
    return value;
  };
  const options = {
    rounds: positive('rounds', values.rounds),
    timeMs: positive('time-ms', values['time-ms']),
    warmupMs: positive('warmup-ms', values['warmup-ms']),
    // mitata unrolls batches by 4.
    batchSize: Math.ceil(positive('batch', values.batch) / 4) * 4,
    hotKeys: positive('hot', values.hot),
    poolKeys: positive('pool', values.pool),
    l1MaxEntries: positive('l1', values.l1),
  };
  // The L2-hit cases read the pool in a cycle: it must not fit in L1, or they would hit L1.
  if (options.poolKeys < 2 * options.l1MaxEntries) throw new Error('--pool must be at least twice --l1');
  if (options.hotKeys > options.l1MaxEntries) throw new Error('--hot must not exceed --l1');
  return options;
}

function readEnv(): RedisEnv {
  if (!process.env.REDIS_URL) {
    console.error(
      'REDIS_URL is not set: the benchmark needs a Redis (./stack up, then . .stack/dev/stack.env).',
    );
    process.exit(2);
  }
  const parsed = redisEnvSchema.safeParse(process.env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    console.error(`Invalid ${issue.path.join('.')}: ${issue.message}`);
    process.exit(2);
  }
  return parsed.data;
}

/** A full GC that mitata runs before each measurement; exposed at run time so `tsx` needs no flag. */
function exposeGc(): () => void {
  v8.setFlagsFromString('--expose-gc');
  return vm.runInNewContext('gc') as () => void;
}

/** Read from the files: some of these packages do not export their package.json. */
function versionOf(name: string | undefined): string {
  const path = name ? `${packageDir}node_modules/${name}/package.json` : `${packageDir}package.json`;
  return (JSON.parse(readFileSync(path, 'utf8')) as { version: string }).version;
}

function goals(report: Pick<Report, 'cases' | 'ratios'>): Goal[] {
  const l1 = report.cases.find((result) => result.name === 'tablestack l1-hit');
  const { l1Hit, l2Hit } = report.ratios;
  const list: Goal[] = [];
  if (l1) {
    list.push({ what: 'L1 hit median (ns)', value: l1.medianNs, target: '< 1000', met: l1.medianNs < 1000 });
  }
  if (l1Hit.vsBentocache) {
    const value = l1Hit.vsBentocache.perRoundMedian;
    list.push({
      what: 'L1 hit ÷ bentocache L1 hit',
      value,
      target: '< 0.1 (more than 10× faster)',
      met: value < 0.1,
    });
  }
  if (l2Hit.vsIoredis) {
    const value = l2Hit.vsIoredis.perRoundMedian;
    list.push({ what: 'L2 hit ÷ ioredis GET + JSON.parse', value, target: '≤ 1.2', met: value <= 1.2 });
  }
  return list;
}

async function main(): Promise<Report> {
  const options = parseOptions();
  const redisEnv = readEnv();
  const gc = exposeGc();
  const logger = pino({ level: 'warn', base: { service: 'cache-bench' } });
  const ctx: BenchContext = {
    runId: randomBytes(4).toString('hex'),
    redisEnv,
    logger,
    hotIds: restaurantIds(options.hotKeys),
    poolIds: restaurantIds(options.poolKeys),
    l1MaxEntries: options.l1MaxEntries,
    ttlMs: 600_000,
    keyPrefixes: [],
  };

  const contenders: Contender[] = [];
  const floor = await floors(ctx);
  let keysDeleted = 0;
  // One clean-up, whoever asks first (the end of the run, an error, or a signal) and however often.
  let cleaning: Promise<void> | undefined;
  const cleanUp = () => {
    cleaning ??= (async () => {
      for (const contender of contenders) await contender.close().catch(() => {});
      keysDeleted = await deleteKeysUnder(floor.raw, ctx.keyPrefixes);
      await floor.raw.quit();
    })();
    return cleaning;
  };
  // `on`, not `once`: under tsx a second signal with no listener left ends the process at once.
  let interrupted = false;
  const onSignal = (signal: NodeJS.Signals) => {
    console.error(`cache-bench: ${signal}, deleting this run's keys`);
    interrupted = true;
    cleanUp().finally(() => process.exit(130));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  try {
    contenders.push(floor);
    console.error(`cache-bench: run ${ctx.runId}, writing ${options.poolKeys} keys per contender`);
    for (const build of [tablestack, bentocache, cacheManager]) contenders.push(await build(ctx));
    const cases: BenchCase[] = contenders.flatMap((contender) =>
      contender.cases.map((benchCase) => ({
        ...benchCase,
        counters: async () => ({ loads: contender.loads(), ...(await contender.counters?.()) }),
      })),
    );
    const redisServer = ((await floor.raw.info('server')).match(/redis_version:(\S+)/) ?? [])[1] ?? 'unknown';
    const loadavgStart = os.loadavg();
    const started = Date.now();
    console.error(
      `cache-bench: ${cases.length} cases × ${options.rounds} rounds × ${options.timeMs} ms, ` +
        `about ${Math.round((cases.length * (options.rounds * options.timeMs + options.warmupMs) * 1.3) / 1000)} s`,
    );
    const checkPaths = async () => {
      const perOp: Record<string, number>[] = [];
      for (const benchCase of cases) perOp.push(await checkPath(benchCase, benchCase.batched ? 2000 : 200));
      return perOp;
    };
    const pathsBefore = await checkPaths();
    const measurements = await runRounds(cases, {
      ...options,
      gc,
      onRound: (round) => console.error(`cache-bench: round ${round + 1}/${options.rounds} done`),
    });
    const durationSeconds = Math.round((Date.now() - started) / 1000);
    const loadavgEnd = os.loadavg();
    const pathsAfter = await checkPaths();
    await cleanUp();

    const between = (of: string, to: string) => ratio(cases, measurements, of, to);
    const ratios = {
      l1Hit: {
        vsBentocache: between('tablestack l1-hit', 'bentocache l1-hit'),
        vsCacheManager: between('tablestack l1-hit', 'cache-manager l1-hit'),
        vsLruCache: between('tablestack l1-hit', 'lru-cache get'),
        awaitedVsBentocache: between('tablestack l1-hit (awaited)', 'bentocache l1-hit'),
      },
      l2Hit: {
        vsBentocache: between('tablestack l2-hit', 'bentocache l2-hit'),
        vsCacheManager: between('tablestack l2-hit', 'cache-manager l2-hit'),
        vsIoredis: between('tablestack l2-hit', 'ioredis GET + JSON.parse'),
        vsRedisClientConnection: between(
          'tablestack l2-hit',
          'ioredis GET + JSON.parse (redis-client command connection)',
        ),
        redisClientConnectionVsIoredis: between(
          'ioredis GET + JSON.parse (redis-client command connection)',
          'ioredis GET + JSON.parse',
        ),
        bentocacheVsIoredis: between('bentocache l2-hit', 'ioredis GET + JSON.parse'),
        cacheManagerVsIoredis: between('cache-manager l2-hit', 'ioredis GET + JSON.parse'),
      },
      miss: {
        vsBentocache: between('tablestack miss', 'bentocache miss'),
        vsCacheManager: between('tablestack miss', 'cache-manager miss'),
      },
    };
    const results = summarizeCases(cases, measurements, options.batchSize, {
      before: pathsBefore,
      after: pathsAfter,
    });
    const round2 = (values: number[]) => values.map((value) => Math.round(value * 100) / 100);
    return {
      benchmark: 'cache-paths',
      date: new Date(started).toISOString(),
      durationSeconds,
      node: process.version,
      v8: process.versions.v8,
      versions: {
        tablestackCache: versionOf(undefined),
        bentocache: versionOf('bentocache'),
        cacheManager: versionOf('cache-manager'),
        keyv: versionOf('keyv'),
        keyvRedis: versionOf('@keyv/redis'),
        cacheable: versionOf('cacheable'),
        lruCache: versionOf('lru-cache'),
        ioredis: versionOf('ioredis'),
        mitata: versionOf('mitata'),
        redisServer,
      },
      host: {
        platform: `${os.platform()} ${os.release()}`,
        cpus: os.cpus().length,
        cpuModel: os.cpus()[0]?.model ?? 'unknown',
        loadavgStart: round2(loadavgStart),
        loadavgEnd: round2(loadavgEnd),
      },
      parameters: {
        ...options,
        valueJsonBytes: restaurantJsonBytes,
        ttlMs: ctx.ttlMs,
        l2Hit:
          `each op reads the next of ${options.poolKeys} keys written before the run, in a cycle, through ` +
          `an L1 bounded to ${options.l1MaxEntries} entries (LRU): the key was evicted from L1 long ago, so ` +
          'the op is one Redis read + parse + the L1 write, as in production',
        miss: 'each op a key never used before; the loader returns a new object at once; includes the L2 write',
      },
      reference,
      cases: results,
      ratios,
      goals: goals({ cases: results, ratios }),
      keysDeleted,
    };
  } finally {
    await cleanUp();
    // The run goes on for a moment after a signal, failing on closed connections: not an error.
    if (interrupted) process.exit(130);
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

const report = await main();
const markdown = renderMarkdown(report);
await writeResults(report, markdown);
console.log(markdown);
