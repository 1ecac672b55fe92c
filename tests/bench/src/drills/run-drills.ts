// `pnpm drills`: every fault drill of issue 9, one after the other, against the running dev stack.
// Each breaks one thing under light load, prints a PASS/FAIL line with its counts and mends what it
// broke; the results go to results/drills-<date>.{json,md}. Exit code 1 if a drill failed.

import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { resetLoopbackLimits } from '../lib/rate-limit-keys.js';
import { loadStackEnv } from '../lib/stack-env.js';
import type { Drill, DrillContext, DrillOptions, DrillResult } from './drill.js';
import { passLine, writeDrills } from './drill-report.js';
import { restaurantPicker } from './drill-requests.js';
import { refreshToken, registerUsers } from './drill-users.js';
import { hostileInputs } from './hostile-inputs.js';
import { poolExhausted } from './pool-exhaustion.js';
import { redisDown } from './redis-down.js';
import { replicaStopped, replicasPaused } from './replica-drills.js';
import { serviceKilled } from './service-kill.js';
import { StackControl } from './stack-control.js';
import { workerKilled } from './worker-kill.js';

const drills: Array<[string, Drill]> = [
  ['redis-down', redisDown],
  ['replica-stopped', replicaStopped],
  ['replicas-paused', replicasPaused],
  ['service-replica-killed', serviceKilled],
  ['worker-killed', workerKilled],
  ['pool-exhaustion', poolExhausted],
  // Last: its authenticated writes through the gateway use up the drill users' write limits for a minute.
  ['hostile-inputs', hostileInputs],
];

const usage = `usage: pnpm drills [--rate 12] [--outage-ms 10000] [--hostile-count 3000] [--worker-jobs 30]
                   [--only ${drills.map(([name]) => name).join(',')}] [--out-dir DIR]`;

function parseOptions(argv: string[]): DrillOptions {
  const options: DrillOptions = {
    rate: 12,
    outageMs: 10_000,
    hostileCount: 3000,
    workerJobs: 30,
    only: null,
    outDir: fileURLToPath(new URL('../../results/', import.meta.url)),
  };
  const numeric: Record<string, 'rate' | 'outageMs' | 'hostileCount' | 'workerJobs'> = {
    '--rate': 'rate',
    '--outage-ms': 'outageMs',
    '--hostile-count': 'hostileCount',
    '--worker-jobs': 'workerJobs',
  };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]!;
    if (flag === '--') continue;
    const value = argv[++i];
    if (value === undefined) throw new Error(`${flag} needs a value\n${usage}`);
    if (flag === '--only') {
      options.only = new Set(value.split(','));
      const unknown = [...options.only].filter((name) => !drills.some(([drill]) => drill === name));
      if (unknown.length > 0) throw new Error(`unknown drill ${unknown.join(', ')}\n${usage}`);
    } else if (flag === '--out-dir') options.outDir = value;
    else if (numeric[flag]) {
      const number = Number(value);
      if (!Number.isFinite(number) || number <= 0)
        throw new Error(`${flag} must be a positive number\n${usage}`);
      options[numeric[flag]] = number;
    } else throw new Error(`unknown option ${flag}\n${usage}`);
  }
  return options;
}

const log = (line: string) => process.stdout.write(`drills: ${line}\n`);

async function restaurantIds(databaseUrl: string): Promise<string[]> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const rows = await client.query<{ id: string }>(
      'select id from restaurants order by rating_count desc, id limit 5000',
    );
    return rows.rows.map((row) => row.id);
  } finally {
    await client.end();
  }
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const stack = loadStackEnv('drills');
  const control = new StackControl(stack);
  const started = new Date();
  const loadStart = loadavg();
  const ids = await restaurantIds(stack.databaseUrl);
  if (ids.length < 100) throw new Error('the stack has fewer than 100 restaurants: ./stack up seeds them');
  log('registering drill users');
  let users = await registerUsers(stack, 'user', 6);
  const context: DrillContext = {
    stack,
    control,
    users,
    restaurantIds: ids,
    nextRestaurant: restaurantPicker(ids),
    options,
    log: (line) => log(`  ${line}`),
  };
  const results: DrillResult[] = [];
  for (const [name, drill] of drills) {
    if (options.only && !options.only.has(name)) continue;
    users = await Promise.all(users.map((user) => refreshToken(stack, user)));
    context.users = users;
    await resetLoopbackLimits(stack.redisUrl);
    log(`${name}…`);
    const t0 = Date.now();
    let result: DrillResult;
    try {
      const outcome = await drill(context);
      result = {
        name,
        pass: outcome.checks.every((item) => item.ok),
        durationMs: Date.now() - t0,
        ...outcome,
      };
    } catch (error) {
      // A drill that could not run (or mend) is a failure; ./stack up puts back what it left down.
      const up = await control.stackUp();
      result = {
        name,
        pass: false,
        counts: {},
        checks: [
          {
            what: 'the drill ran',
            ok: false,
            detail: error instanceof Error ? error.message : String(error),
          },
        ],
        restored: `./stack up after the error (${up.ok ? 'ok' : up.tail})`,
        durationMs: Date.now() - t0,
        notes: [],
      };
    }
    results.push(result);
    log(passLine(result));
    for (const item of result.checks.filter((entry) => !entry.ok))
      log(`  failed: ${item.what}: ${item.detail}`);
  }
  const up = await control.stackUp();
  const report = {
    date: started.toISOString(),
    host: { cpus: cpus().length, node: process.version, loadavgStart: loadStart, loadavgEnd: loadavg() },
    options: { ...options, only: options.only ? [...options.only] : null },
    drills: results,
    finalStatus: up.ok
      ? `./stack up ok in ${up.ms} ms (everything running)`
      : `./stack up FAILED: ${up.tail}`,
  };
  await resetLoopbackLimits(stack.redisUrl);
  const files = await writeDrills(report, options.outDir);
  const failed = results.filter((result) => !result.pass).length;
  log(
    `${results.length - failed} passed, ${failed} failed; wrote ${files.join(', ')} in ${Math.round((Date.now() - started.getTime()) / 1000)} s`,
  );
  process.exitCode = failed > 0 ? 1 : 0;
}

main().catch((error: unknown) => {
  process.stderr.write(`drills: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(2);
});
