// `pnpm bench`: every benchmark of issue 9 in one run against the running dev stack, with the
// processes it needs besides the stack started and stopped here. Writes results/<date>.json and .md
// (and latest.json / latest.md). See ../../README.md for what each figure is and how to read it.

import { rm } from 'node:fs/promises';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { stopAll, stopAllOnSignals } from '../lib/child-process.js';
import { type Case, measureCases, type Target } from '../lib/load.js';
import { nginxVersion } from '../lib/nginx.js';
import { resetLoopbackLimits } from '../lib/rate-limit-keys.js';
import { loadStackEnv } from '../lib/stack-env.js';
import { measureCacheOnOff } from './cache-on-off.js';
import { readExistingResults } from './existing-results.js';
import { loadFixtures, restaurantRoutes } from './fixtures.js';
import { profileGateway } from './gateway-profile.js';
import { measureLoginBurst } from './login-burst.js';
import { parseOptions } from './options.js';
import { measurePooledVsNew } from './pooled-connections.js';
import { type BenchResults, type CaseRow, writeResults } from './render-results.js';
import { checkTargets } from './targets.js';
import { startTopology, urlOf } from './topology.js';

const resultsDir = fileURLToPath(new URL('../../results/', import.meta.url));
const NAIVE = 'naive: nginx → Express + http-proxy-middleware → Express';
const DIRECT = 'restaurant-service direct';
const FULL = 'nginx → gateway → restaurant-service';
const NO_LIMITS = `${FULL}, rate limiter off`;
const log = (line: string) => process.stdout.write(`bench: ${line}\n`);

type BenchCase = Case & { row: Omit<CaseRow, 'result'> };

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2), resultsDir);
  const stack = loadStackEnv('bench');
  stopAllOnSignals();
  const startedAt = new Date();
  const loadStart = loadavg();

  log(`fixtures from ${stack.envFile}`);
  const fixtures = await loadFixtures(stack, options.zipfItems);
  try {
    log('starting the bare server, minimal Express, the naive baseline, gateways and nginx');
    const topology = await startTopology(stack, fixtures.detailBodyFile);
    const detail = fixtures.detailPath;
    const routes = restaurantRoutes(fixtures);

    const cases: BenchCase[] = [];
    const add = (row: Omit<CaseRow, 'result'>, target: Target, extra: Partial<Case> = {}) => {
      cases.push({ key: `${row.case} · ${row.route}`, target, row, ...extra });
    };
    const same = 'same JSON';
    add(
      { case: 'bare node:http', group: 'ceiling', route: same },
      { urls: [urlOf(topology.bare)], path: detail },
    );
    add(
      { case: 'minimal Express 5', group: 'ceiling', route: same },
      { urls: [urlOf(topology.express)], path: detail },
    );
    add(
      { case: 'nginx → bare node:http', group: 'ceiling', route: same },
      { urls: [urlOf(topology.nginxBare)], path: detail },
    );
    add(
      { case: NAIVE, group: 'ceiling', route: same },
      { urls: [urlOf(topology.naive)], path: `/api/v1${detail}` },
    );
    for (const [route, path] of Object.entries(routes)) {
      add({ case: DIRECT, group: 'restaurants', route }, { urls: stack.restaurantUrls, path });
      add(
        { case: FULL, group: 'restaurants', route },
        { urls: [urlOf(topology.fullPath)], path: `/api/v1${path}` },
      );
    }
    add(
      { case: NO_LIMITS, group: 'restaurants', route: 'cached detail' },
      { urls: [urlOf(topology.fullPathNoLimits)], path: `/api/v1${detail}` },
      { halfLoad: false },
    );
    let nextLogin = 0;
    const loginBody = () => JSON.stringify(fixtures.logins[nextLogin++ % fixtures.logins.length]);
    const loginTarget = (urls: string[], path: string): Target => ({
      urls,
      path,
      method: 'POST',
      body: loginBody,
    });
    const loginCase = { connections: options.loginConnections };
    add(
      { case: 'user-service direct', group: 'login', route: 'POST login' },
      loginTarget(stack.userUrls, '/auth/login'),
      loginCase,
    );
    add(
      { case: 'nginx → gateway → user-service', group: 'login', route: 'POST login' },
      loginTarget([urlOf(topology.fullPath)], '/api/v1/auth/login'),
      loginCase,
    );

    const durations = {
      warmupMs: options.warmupMs,
      phaseMs: options.phaseMs,
      connections: options.connections,
      rounds: options.rounds,
    };
    const measured = await measureCases(cases, durations, (key, phase) => log(`${key} (${phase})`));
    const rows: CaseRow[] = cases.map((item) => ({ ...item.row, result: measured.get(item.key)! }));
    const result = (caseName: string, route: string) =>
      rows.find((row) => row.case === caseName && row.route === route)!.result;
    const bare = result('bare node:http', same);
    const fullDetail = result(FULL, 'cached detail');
    const directDetail = result(DIRECT, 'cached detail');

    log('event-loop delay of the user-service during a login burst');
    const loginBurst = await measureLoginBurst(
      stack.userUrls,
      loginTarget(stack.userUrls, '/auth/login'),
      options.loginConnections,
      options.phaseMs,
    );
    log('cache on / off on a Zipf read workload');
    const cache = await measureCacheOnOff(stack, fixtures.restaurantIds, options);
    log('pooled vs a new connection per request');
    const pooled = await measurePooledVsNew(stack.databaseUrl, fixtures.restaurantIds[0]!, options.phaseMs);
    if (options.profile) log('CPU profile of a gateway under load');
    const profile = options.profile
      ? await profileGateway(stack, detail, options.connections, options.phaseMs)
      : null;
    const existing = await readExistingResults();

    const results: BenchResults = {
      date: startedAt.toISOString(),
      host: {
        cpus: cpus().length,
        node: process.version,
        nginx: nginxVersion(),
        loadavgStart: loadStart,
        loadavgEnd: loadavg(),
      },
      options,
      stack: {
        envFile: stack.envFile,
        restaurantReplicas: stack.restaurantUrls.length,
        gatewayReplicas: topology.gateways.length,
      },
      detailBytes: fixtures.detailBytes,
      cases: rows,
      ratios: {
        gatewayPathOverDirect: Object.fromEntries(
          Object.keys(routes).map((route) => [
            route,
            result(FULL, route).saturated.rps / result(DIRECT, route).saturated.rps,
          ]),
        ),
        directOverBare: Object.fromEntries(
          Object.keys(routes).map((route) => [
            route,
            result(DIRECT, route).saturated.rps / bare.saturated.rps,
          ]),
        ),
        limiterOnOverOff: fullDetail.saturated.rps / result(NO_LIMITS, 'cached detail').saturated.rps,
      },
      cache,
      pooled,
      loginBurst,
      profile,
      existing,
      targets: checkTargets({
        fullDetailRps: fullDetail.saturated.rps,
        naiveRps: result(NAIVE, same).saturated.rps,
        directDetailRps: directDetail.saturated.rps,
        expressRps: result('minimal Express 5', same).saturated.rps,
        fullDetailHalfLoadP99Ms: fullDetail.halfLoad?.p99Ms ?? null,
        cacheRatio: cache.ratio,
        cacheHitRate: cache.on.hitRate,
      }),
    };
    const files = await writeResults(results, options.outDir);
    for (const check of results.targets) {
      const measuredValue = check.measured === null ? 'n/a' : check.measured.toFixed(3);
      log(`${check.met ? 'MET   ' : 'MISSED'} ${check.name}: ${measuredValue} (target ${check.target})`);
    }
    log(`wrote ${files.join(', ')} in ${Math.round((Date.now() - startedAt.getTime()) / 1000)} s`);
  } finally {
    await stopAll();
    await rm(fixtures.detailBodyFile, { force: true });
    // The bench's gateways counted their requests under 127.0.0.1 in the Redis the stack's gateway uses.
    await resetLoopbackLimits(stack.redisUrl);
  }
}

main().catch(async (error: unknown) => {
  process.stderr.write(`bench: ${error instanceof Error ? error.message : String(error)}\n`);
  await stopAll();
  process.exit(1);
});
