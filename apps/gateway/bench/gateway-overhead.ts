// What does the gateway cost next to the service it proxies, and what does its upstream keep-alive buy?
// Issue 5 is done when "a benchmark run through the gateway reaches at least 40% of the throughput of
// the same service hit directly". In one run, with autocannon, interleaved in rotated rounds (our shared
// machines swing 2-3x between runs, so only ratios within one run mean anything): the restaurant-service
// hit directly, through an in-process gateway with its default keep-alive agent, through the same
// gateway with a keep-alive-free agent, through nginx (the stack's template) in front of it, and the
// stack's own nginx and gateway on the one route they do not rate-limit. See README.md.
//
// Usage: set -a; . .stack/dev/stack.env; set +a
//        pnpm --filter @tablestack/gateway bench [--rounds 4] [--slice-ms 2500] [--warmup-ms 1000]
//        [--connections 32,128]

import { spawnSync } from 'node:child_process';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { envSchema } from '../src/env.js';
import { type EdgeNginx, startEdgeNginx } from './edge-nginx.js';
import { type GatewayName, type InProcessGateways, startInProcessGateways } from './in-process-gateways.js';
import { runLoad } from './load-slice.js';
import { renderMarkdown } from './render-markdown.js';
import type { BenchCase, Report, SliceRecord } from './report.js';
import { RunRecords, round1 } from './summarize.js';

const packageDir = fileURLToPath(new URL('..', import.meta.url));
const resultsDir = fileURLToPath(new URL('results/', import.meta.url));
/** Issue 5: through the gateway, at least this share of the direct throughput. */
const GOAL = 0.4;

interface Options {
  rounds: number;
  sliceMs: number;
  warmupMs: number;
  /** Each case runs at each of these numbers of connections. */
  connections: number[];
}

function parseOptions(): Options {
  const { values } = parseArgs({
    options: {
      rounds: { type: 'string', default: '4' },
      'slice-ms': { type: 'string', default: '2500' },
      'warmup-ms': { type: 'string', default: '1000' },
      connections: { type: 'string', default: '32,128' },
    },
  });
  const positive = (name: string, raw: string) => {
    const value = Number(raw);
    if (!Number.isInteger(value) || value < 1)
      throw new Error(`--${name} must be a positive integer, got ${raw}`);
    return value;
  };
  return {
    rounds: positive('rounds', values.rounds),
    sliceMs: positive('slice-ms', values['slice-ms']),
    warmupMs: positive('warmup-ms', values['warmup-ms']),
    connections: values.connections.split(',').map((value) => positive('connections', value.trim())),
  };
}

function readEnv() {
  const missing = ['DATABASE_URL', 'RESTAURANT_SERVICE_URLS', 'USER_SERVICE_URLS'].filter(
    (name) => !process.env[name],
  );
  if (missing.length > 0) {
    console.error(
      `${missing.join(', ')} not set: the benchmark needs the stack (./stack up; set -a; . .stack/dev/stack.env; set +a).`,
    );
    process.exit(2);
  }
  const gatewayEnv = envSchema
    .pick({
      USER_SERVICE_URLS: true,
      RESTAURANT_SERVICE_URLS: true,
      UPSTREAM_TIMEOUT_MS: true,
      TRUST_PROXY: true,
    })
    .safeParse(process.env);
  if (!gatewayEnv.success) {
    const issue = gatewayEnv.error.issues[0]!;
    console.error(`Invalid ${issue.path.join('.')}: ${issue.message}`);
    process.exit(2);
  }
  return {
    databaseUrl: process.env.DATABASE_URL!,
    gateway: gatewayEnv.data,
    publicUrl: process.env.STACK_PUBLIC_URL,
    /** The stack starts its apps with LOG_LEVEL=info; the in-process gateways log alike (to /dev/null). */
    logLevel: process.env.LOG_LEVEL ?? 'info',
  };
}

async function existingRestaurantId(databaseUrl: string): Promise<string> {
  const client = new pg.Client({ connectionString: databaseUrl, application_name: 'gateway-bench' });
  await client.connect();
  try {
    const result = await client.query<{ id: string }>('select id from restaurants order by id limit 1');
    const id = result.rows[0]?.id;
    if (!id) {
      console.error('No restaurant in the database: ./stack up seeds the dev database.');
      process.exit(2);
    }
    return id;
  } finally {
    await client.end();
  }
}

/** One GET: its status and the Keep-Alive header the server advertises. */
async function probe(url: string): Promise<{ url: string; status: number; keepAlive: string | null }> {
  const response = await fetch(url);
  await response.arrayBuffer();
  return { url, status: response.status, keepAlive: response.headers.get('keep-alive') };
}

/** Established connections to the service's ports held by other processes than this one (ss -p). */
function otherConnectionsTo(ports: number[]): number | null {
  const filter = `( ${ports.map((port) => `dport = :${port}`).join(' or ')} )`;
  const run = spawnSync('ss', ['-Htnp', 'state', 'established', filter], { encoding: 'utf8' });
  if (run.status !== 0) return null;
  return run.stdout.split('\n').filter((line) => line.trim() && !line.includes(`pid=${process.pid},`)).length;
}

async function measure(
  benchCase: BenchCase,
  durationMs: number,
  gateways: InProcessGateways,
  servicePorts: number[],
): Promise<SliceRecord> {
  const before = benchCase.gateway ? gateways.counts(benchCase.gateway) : undefined;
  const raw = await runLoad({ urls: benchCase.urls, connections: benchCase.connections, durationMs });
  gateways.assertRunning();
  const record: SliceRecord = { raw };
  if (benchCase.gateway && before) {
    const after = gateways.counts(benchCase.gateway);
    record.upstreamOpened = after.upstream - before.upstream;
    record.clientAccepted = after.client - before.client;
  }
  if (benchCase.sampleStack) record.stackConnectionsOpen = otherConnectionsTo(servicePorts);
  return record;
}

/**
 * Warms every case up once, then runs `rounds` rounds of every case; round r starts at case r (mod
 * the count), so every case takes every position equally often. Returns the slices of each case.
 */
async function runRounds(
  cases: BenchCase[],
  options: Options,
  gateways: InProcessGateways,
  servicePorts: number[],
): Promise<SliceRecord[][]> {
  for (const benchCase of cases) {
    await runLoad({ urls: benchCase.urls, connections: benchCase.connections, durationMs: options.warmupMs });
  }
  gateways.assertRunning();
  const records: SliceRecord[][] = cases.map(() => []);
  for (let round = 0; round < options.rounds; round++) {
    for (let k = 0; k < cases.length; k++) {
      const position = (round + k) % cases.length;
      records[position]!.push(await measure(cases[position]!, options.sliceMs, gateways, servicePorts));
    }
    console.error(`gateway-bench: round ${round + 1}/${options.rounds} done`);
  }
  return records;
}

/** Every case at every number of connections, in that order: all cases at the first count, then the next. */
function buildCases(
  connectionCounts: number[],
  serviceUrls: string[],
  restaurantId: string,
  gateways: InProcessGateways,
  nginx: EdgeNginx | undefined,
  stackPublicUrl: string | undefined,
): BenchCase[] {
  const gatewayUrl = (name: GatewayName) => `http://127.0.0.1:${gateways.gateways[name].port}`;
  const paths = {
    restaurant: { direct: `/restaurants/${restaurantId}`, gateway: `/api/v1/restaurants/${restaurantId}` },
    // /health is the gateway's own; this one proxies the service's /health, without the breakers.
    health: { direct: '/health', gateway: '/upstreams/restaurant-service/health' },
  };
  const routes = ['restaurant', 'health'] as const;
  return connectionCounts.flatMap((connections) => {
    const cases: BenchCase[] = [];
    for (const route of routes) {
      cases.push({
        name: 'direct',
        route,
        via: 'direct',
        connections,
        urls: serviceUrls.map((url) => `${url}${paths[route].direct}`),
      });
    }
    for (const [name, via, gateway] of [
      ['gateway (keep-alive)', 'gateway', 'keepAlive'],
      ['gateway, no keep-alive', 'gateway-no-keep-alive', 'noKeepAlive'],
    ] as const) {
      for (const route of routes) {
        cases.push({
          name,
          route,
          via,
          connections,
          urls: [`${gatewayUrl(gateway)}${paths[route].gateway}`],
          gateway,
        });
      }
    }
    if (nginx) {
      for (const route of routes) {
        cases.push({
          name: 'nginx → gateway',
          route,
          via: 'nginx',
          connections,
          urls: [`http://127.0.0.1:${nginx.port}${paths[route].gateway}`],
          gateway: 'keepAlive',
        });
      }
    }
    if (stackPublicUrl) {
      cases.push({
        name: 'stack nginx → stack gateway',
        route: 'health',
        via: 'stack-nginx',
        connections,
        urls: [`${stackPublicUrl}${paths.health.gateway}`],
        sampleStack: true,
      });
    }
    return cases;
  });
}

async function main(): Promise<Report> {
  const options = parseOptions();
  const env = readEnv();
  const serviceUrls = env.gateway.RESTAURANT_SERVICE_URLS.map((url) => url.replace(/\/$/, ''));
  const servicePorts = serviceUrls.map((url) => Number(new URL(url).port));
  const restaurantId = await existingRestaurantId(env.databaseUrl);
  const require = createRequire(import.meta.url);

  const probes = await Promise.all(
    serviceUrls.flatMap((url) => [probe(`${url}/restaurants/${restaurantId}`), probe(`${url}/health`)]),
  );
  const failed = probes.find((result) => result.status !== 200);
  if (failed) throw new Error(`${failed.url} answered ${failed.status}, not 200: is the stack healthy?`);

  const skipped: Array<{ case: string; reason: string }> = [];
  // Why not /api/v1 through the stack's nginx: every request is rate-limited there (see README.md).
  skipped.push({
    case: 'stack nginx → stack gateway, GET /api/v1/restaurants/:id',
    reason:
      'the stack gateway rate-limits /api/v1 (public-read: RATE_LIMIT_PUBLIC_READ, 100/min per IP; ' +
      'authenticated-read: 500/min per user), so a benchmark would measure 429s; the "nginx → gateway" ' +
      'case runs the same nginx template in front of the in-process gateway instead',
  });

  const gateways = await startInProcessGateways(env.gateway, env.logLevel);
  let nginx: EdgeNginx | undefined;
  try {
    try {
      nginx = await startEdgeNginx(gateways.gateways.keepAlive.port);
    } catch (error) {
      skipped.push({ case: 'nginx → gateway', reason: `nginx did not start: ${(error as Error).message}` });
    }
    let stackPublicUrl = env.publicUrl;
    if (stackPublicUrl) {
      const stack = await probe(`${stackPublicUrl}/upstreams/restaurant-service/health`).catch(
        (error: Error) => ({ url: stackPublicUrl!, status: 0, keepAlive: error.message }),
      );
      if (stack.status !== 200) {
        skipped.push({ case: 'stack nginx → stack gateway', reason: `probe answered ${stack.status}` });
        stackPublicUrl = undefined;
      }
    } else {
      skipped.push({ case: 'stack nginx → stack gateway', reason: 'STACK_PUBLIC_URL is not set' });
    }

    const cases = buildCases(options.connections, serviceUrls, restaurantId, gateways, nginx, stackPublicUrl);
    const loadavgStart = os.loadavg();
    const started = Date.now();
    console.error(
      `gateway-bench: ${cases.length} cases × ${options.rounds} rounds × ${options.sliceMs} ms, ` +
        `${options.connections.join(' and ')} connections, about ${Math.round((cases.length * (options.rounds * options.sliceMs + options.warmupMs)) / 1000)} s`,
    );
    const run = new RunRecords(cases, await runRounds(cases, options, gateways, servicePorts));
    const first = options.connections[0]!;
    const goal = run.ratio('gateway', 'direct', 'restaurant', first)!;

    return {
      benchmark: 'gateway-overhead',
      date: new Date(started).toISOString(),
      durationSeconds: Math.round((Date.now() - started) / 1000),
      node: process.version,
      versions: {
        autocannon: (require('autocannon/package.json') as { version: string }).version,
        express: (require('express/package.json') as { version: string }).version,
        httpProxyMiddleware: (require('http-proxy-middleware/package.json') as { version: string }).version,
        nginx: nginx?.version ?? null,
      },
      host: {
        platform: `${os.platform()} ${os.release()}`,
        cpus: os.cpus().length,
        cpuModel: os.cpus()[0]?.model ?? 'unknown',
        loadavgStart: loadavgStart.map(round1),
        loadavgEnd: os.loadavg().map(round1),
      },
      parameters: {
        ...options,
        restaurantId,
        restaurantServiceUrls: serviceUrls,
        gateways: gateways.gateways,
        /** What the service advertises on its keep-alive responses (its idle timeout). */
        serviceKeepAlive: [...new Set(probes.map((result) => result.keepAlive))],
        gatewayLogLevel: env.logLevel,
      },
      goal: {
        ...goal,
        connections: first,
        target: GOAL,
        met: goal.value >= GOAL,
        verdict: goal.value < GOAL ? 'not met' : goal.perRound.median >= GOAL ? 'met' : 'borderline',
      },
      ratios: options.connections.map((connections) => run.levelRatios(connections)),
      skipped,
      cases: run.summarize(),
    };
  } finally {
    await nginx?.stop();
    await gateways.close();
  }
}

/** Writes through a .tmp file (ignored by git) so that a crash never leaves half a results file. */
async function writeAtomically(path: string, content: string): Promise<void> {
  await writeFile(`${path}.tmp`, content);
  await rename(`${path}.tmp`, path);
}

/**
 * Formats the results with the repo's Biome config, so that `biome check` passes on them and the
 * markdown table lines up in a plain editor. Biome is the root's dev dependency, on PATH under
 * `pnpm bench`; without it the files are still valid, only not formatted.
 */
function formatWithBiome(paths: string[]): void {
  const result = spawnSync('biome', ['format', '--write', ...paths], { cwd: packageDir, encoding: 'utf8' });
  if (result.status !== 0) {
    console.error(
      `gateway-bench: results not formatted (biome: ${result.error?.message ?? `exit ${result.status}`})`,
    );
  }
}

const report = await main();
const markdown = renderMarkdown(report);
const outputs = {
  json: `${resultsDir}gateway-overhead.json`,
  markdown: `${resultsDir}gateway-overhead.md`,
};
await mkdir(resultsDir, { recursive: true });
await writeAtomically(outputs.json, `${JSON.stringify(report, null, 2)}\n`);
await writeAtomically(outputs.markdown, markdown);
formatWithBiome([outputs.json, outputs.markdown]);
console.log(markdown);
