// The results of one `pnpm bench` run: JSON (everything) and a short markdown table, written as
// results/<date>.{json,md} and copied to results/latest.{json,md}, which the README links.

import { spawnSync } from 'node:child_process';
import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ProfileEntry } from '../lib/cpu-profile.js';
import type { CaseResult, LoadResult } from '../lib/load.js';
import type { CacheOnOff } from './cache-on-off.js';
import type { ExistingResults } from './existing-results.js';
import type { GatewayProfile } from './gateway-profile.js';
import type { LoginBurst } from './login-burst.js';
import type { BenchOptions } from './options.js';
import type { PooledVsNew } from './pooled-connections.js';
import type { TargetCheck } from './targets.js';

export interface CaseRow {
  case: string;
  group: 'ceiling' | 'restaurants' | 'login';
  route: string;
  result: CaseResult;
}

export interface BenchResults {
  date: string;
  host: { cpus: number; node: string; nginx: string; loadavgStart: number[]; loadavgEnd: number[] };
  options: BenchOptions;
  stack: { envFile: string; restaurantReplicas: number; gatewayReplicas: number };
  detailBytes: number;
  cases: CaseRow[];
  ratios: {
    gatewayPathOverDirect: Record<string, number>;
    directOverBare: Record<string, number>;
    limiterOnOverOff: number;
  };
  cache: CacheOnOff;
  pooled: PooledVsNew;
  loginBurst: LoginBurst;
  profile: GatewayProfile | null;
  existing: ExistingResults;
  targets: TargetCheck[];
}

const n = (value: number, digits = 0) => (Number.isFinite(value) ? value.toFixed(digits) : '–');
const r = (value: number) => n(value, 3);
const pct = (value: number | null) => (value === null ? '–' : `${(value * 100).toFixed(1)}%`);
const bad = (load: LoadResult) => `${load.non2xx} / ${load.errors}`;

function caseTable(results: BenchResults): string[] {
  const bare = results.cases.find((row) => row.case === 'bare node:http')!.result.saturated.rps;
  const lines = [
    '| case | route | req/s (saturated) | per round | ÷ bare | half-load rate | p50 ms | p99 ms | non-2xx / errors |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const row of results.cases) {
    const { saturated, halfLoad } = row.result;
    lines.push(
      `| ${row.case} | ${row.route} | ${n(saturated.rps)} | ${row.result.perRound.map((x) => n(x)).join(', ')} | ${row.group === 'login' ? '–' : r(saturated.rps / bare)} | ` +
        `${halfLoad ? n(halfLoad.rps) : '–'} | ${halfLoad ? halfLoad.p50Ms : '–'} | ${halfLoad ? halfLoad.p99Ms : '–'} | ` +
        `${bad(saturated)}${halfLoad ? `, ${bad(halfLoad)}` : ''} |`,
    );
  }
  return lines;
}

const profileRows = (entries: ProfileEntry[]) =>
  entries
    .slice(0, 10)
    .map((entry) => `| ${entry.name.replaceAll('|', '\\|')} | ${entry.selfMs} | ${pct(entry.share)} |`);

export function renderMarkdown(results: BenchResults): string {
  const { cache, pooled, loginBurst, profile, existing, host, options } = results;
  const lines: string[] = [
    `# Benchmarks (${results.date.slice(0, 10)})`,
    '',
    `${results.date}, Node ${host.node}, ${host.nginx}, ${host.cpus} CPUs (load ${host.loadavgStart.map((x) => x.toFixed(1)).join(' ')} at the start, ` +
      `${host.loadavgEnd.map((x) => x.toFixed(1)).join(' ')} at the end). autocannon (keep-alive) runs in the same process as this script, ` +
      `on the same ${host.cpus} cores as every server it measures: **only the ratios within this run mean anything**. ` +
      `Each case: ${options.warmupMs} ms warm-up, then ${options.rounds} slices of ${options.phaseMs} ms at saturation with ${options.connections} connections ` +
      '(interleaved with the other cases, the order rotated each round; "per round" shows how much the machine moved them), ' +
      `then ${options.phaseMs} ms at a fixed rate of half the saturated throughput (p50/p99 are from that phase). ` +
      `${results.stack.restaurantReplicas} restaurant-service replicas (the stack's), ${results.stack.gatewayReplicas} gateway replicas (started by the bench, limits on but unreachable); cached detail is ${results.detailBytes} bytes.`,
    '',
    '## Targets (issue 9)',
    '',
    '| target | measured | wanted | |',
    '| --- | ---: | ---: | --- |',
    ...results.targets.map(
      (check) =>
        `| ${check.name} | ${check.measured === null ? '–' : r(check.measured)} | ${check.target} | ${check.met ? 'met' : '**missed**'} |`,
    ),
    '',
    '## Throughput and latency',
    '',
    ...caseTable(results),
    '',
    '## Ratios',
    '',
    '| ratio | cached detail | list | search | nearby |',
    '| --- | ---: | ---: | ---: | ---: |',
    `| nginx → gateway → service ÷ service direct | ${['cached detail', 'list', 'search', 'nearby'].map((route) => r(results.ratios.gatewayPathOverDirect[route] ?? Number.NaN)).join(' | ')} |`,
    `| service direct ÷ bare node:http | ${['cached detail', 'list', 'search', 'nearby'].map((route) => r(results.ratios.directOverBare[route] ?? Number.NaN)).join(' | ')} |`,
    '',
    '| ratio | value | detail |',
    '| --- | ---: | --- |',
    `| cache on ÷ off (Zipf s=${cache.s} over ${cache.items} restaurants; top 1% get ${pct(cache.topOnePercentShare)} of reads) | ${r(cache.ratio)} | ` +
      `on: ${n(cache.on.load.rps)} req/s, ${r(cache.on.dbQueriesPerRequest)} DB queries/request, hit rate ${pct(cache.on.hitRate)}; ` +
      `off: ${n(cache.off.load.rps)} req/s, ${r(cache.off.dbQueriesPerRequest)} DB queries/request |`,
    `| pooled ÷ new connection per request (${pooled.inFlight} in flight, pool of ${pooled.poolSize}) | ${r(pooled.ratio)} | ` +
      `pooled ${n(pooled.pooled.opsPerSecond)} queries/s, p50 ${pooled.pooled.p50Ms} ms; new connection ${n(pooled.newConnection.opsPerSecond)}/s, p50 ${pooled.newConnection.p50Ms} ms |`,
    `| rate limiter on ÷ off (full path, cached detail, saturated req/s) | ${r(results.ratios.limiterOnOverOff)} | ` +
      'both in the interleaved rounds above |',
    '',
    '## Event-loop delay of the user-service during a login burst',
    '',
    `${loginBurst.connections} logins in flight on the user-service replicas for ${options.phaseMs} ms (${n(loginBurst.load.rps)} logins/s), ` +
      'prom-client `nodejs_eventloop_lag_*` (monitorEventLoopDelay, 10 ms resolution) over the burst vs an idle period of the same length:',
    '',
    '| replica | idle p50 / p99 / max ms | burst p50 / p99 / max ms |',
    '| --- | ---: | ---: |',
    ...loginBurst.burst.map(
      (burst, i) =>
        `| ${i} | ${loginBurst.idle[i]!.p50Ms} / ${loginBurst.idle[i]!.p99Ms} / ${loginBurst.idle[i]!.maxMs} | ${burst.p50Ms} / ${burst.p99Ms} / ${burst.maxMs} |`,
    ),
    '',
  ];
  if ('rows' in existing.datasetGrowth) {
    lines.push(
      `## Dataset growth (from \`${existing.datasetGrowth.file}\`, run ${existing.datasetGrowth.date}; not re-run here)`,
      '',
      '| restaurants | search p50 / p99 ms | nearby p50 / p99 ms |',
      '| ---: | ---: | ---: |',
      ...existing.datasetGrowth.rows.map(
        (row) =>
          `| ${row.restaurants} | ${row.searchP50Ms} / ${row.searchP99Ms} | ${row.nearbyP50Ms} / ${row.nearbyP99Ms} |`,
      ),
      '',
    );
  } else
    lines.push(
      `Dataset growth: ${existing.datasetGrowth.file} unreadable (${existing.datasetGrowth.missing}).`,
      '',
    );
  if ('rows' in existing.workerJobs) {
    lines.push(
      `## Worker jobs/s (from \`${existing.workerJobs.file}\`, run ${existing.workerJobs.date}; not re-run here)`,
      '',
      '| job | concurrency | median jobs/s |',
      '| --- | ---: | ---: |',
      ...existing.workerJobs.rows.map(
        (row) => `| ${row.name} | ${row.concurrency} | ${row.medianJobsPerSecond} |`,
      ),
      '',
    );
  } else
    lines.push(`Worker jobs/s: ${existing.workerJobs.file} unreadable (${existing.workerJobs.missing}).`, '');
  if (profile) {
    lines.push(
      `## Where a gateway's CPU goes (--cpu-prof, ${profile.route} hit directly, ${n(profile.load.rps)} req/s)`,
      '',
      `Busy ${pct(profile.summary.busyShare)} of ${profile.summary.totalMs} ms sampled. Self time of the busy part:`,
      '',
      '| package | self ms | share |',
      '| --- | ---: | ---: |',
      ...profileRows(profile.summary.byPackage),
      '',
      '| function | self ms | share |',
      '| --- | ---: | ---: |',
      ...profileRows(profile.summary.topFunctions),
      '',
    );
  }
  return `${lines.join('\n')}\n`;
}

/** Writes <date>.json/.md and latest.json/.md; returns the paths written. */
export async function writeResults(results: BenchResults, outDir: string): Promise<string[]> {
  await mkdir(outDir, { recursive: true });
  const stamp = results.date.slice(0, 10);
  const json = join(outDir, `${stamp}.json`);
  const md = join(outDir, `${stamp}.md`);
  await writeFile(json, `${JSON.stringify(results, null, 2)}\n`);
  await writeFile(md, renderMarkdown(results));
  // Formatted as the repo's lint (biome, which also formats markdown) wants them.
  spawnSync('pnpm', ['exec', 'biome', 'format', '--write', json, md], { cwd: outDir, stdio: 'ignore' });
  await copyFile(json, join(outDir, 'latest.json'));
  await copyFile(md, join(outDir, 'latest.md'));
  return [json, md, join(outDir, 'latest.md')];
}
