// Search and nearby latency at several table sizes: the statements the service runs (through its own
// repository, Prisma $queryRaw over the pg pool), on databases of their own seeded by packages/db.
//
//   set -a; . .stack/dev/stack.env; set +a          # DATABASE_URL: the server to create them on
//   pnpm --filter @tablestack/restaurant-service bench [--sizes 10000,100000,1000000] [--rounds 8]
//        [--per-slice 40] [--keep]
//
// Our machines are shared and their speed swings within a minute, so sizes and kinds are interleaved:
// every round runs a slice of every (size, kind) in a rotated order, and all of them meet the same
// noise. Results: bench/results/search-nearby.{json,md} (overwritten on each run).

import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Database, dbEnvSchema } from '@tablestack/db';
import pg from 'pg';
import { RestaurantRepository } from '../src/repositories/restaurant-repository.js';
import { nearbySql, searchSql } from '../src/repositories/restaurant-sql.js';

const { values: args } = parseArgs({
  options: {
    sizes: { type: 'string', default: '10000,100000,1000000' },
    rounds: { type: 'string', default: '8' },
    'per-slice': { type: 'string', default: '40' },
    keep: { type: 'boolean', default: false },
  },
});
const sizes = args.sizes.split(',').map(Number);
const rounds = Number(args.rounds);
const perSlice = Number(args['per-slice']);
const serverUrl = process.env.DATABASE_URL;
if (!serverUrl) {
  process.stderr.write(
    'bench: DATABASE_URL must point at a Postgres server (set -a; . .stack/dev/stack.env; set +a)\n',
  );
  process.exit(2);
}
const dbPackage = fileURLToPath(new URL('../../../packages/db/', import.meta.url));
const resultsDir = fileURLToPath(new URL('./results/', import.meta.url));

/** Full-text queries as people type them: cuisines, dishes, places, phrases, exclusions; common and rare. */
const SEARCHES = [
  'pizza',
  'sushi',
  'ramen',
  'thai',
  'italian',
  'vegan',
  'bakery',
  'duck confit',
  'tonkotsu ramen',
  '"steak frites"',
  'omakase nigiri',
  'tiramisu',
  'gyoza -ramen',
  'tacos or burritos',
  'paris bistro',
  'tokyo izakaya',
  'london curry',
  'wood-fired margherita',
  'pad thai',
  'pho',
  'dim sum',
  'ceviche',
  'croissant',
  'falafel hummus',
];

/** A few seeded cities (centre, spread in km as in the seed), and radii people ask for. */
const CITIES = [
  { lat: 51.5074, lng: -0.1278, spreadKm: 9 },
  { lat: 48.8566, lng: 2.3522, spreadKm: 5 },
  { lat: 40.7128, lng: -74.006, spreadKm: 8 },
  { lat: 35.6762, lng: 139.6503, spreadKm: 10 },
  { lat: 52.52, lng: 13.405, spreadKm: 7 },
  { lat: 41.9028, lng: 12.4964, spreadKm: 6 },
  { lat: 37.7749, lng: -122.4194, spreadKm: 4 },
  { lat: 1.3521, lng: 103.8198, spreadKm: 6 },
];
const RADII_KM = [1, 2, 5];
const NEARBY_LIMIT = 20;
const PAGE_SIZE = 20;

/** mulberry32: the same points on every run. */
function prng(seed: number) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function nearbyPoints(count: number) {
  const random = prng(42);
  const gaussian = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  return Array.from({ length: count }, (_, index) => {
    const city = CITIES[index % CITIES.length]!;
    const lat = city.lat + (gaussian() * city.spreadKm) / 111.32;
    const lng = city.lng + (gaussian() * city.spreadKm) / (111.32 * Math.cos((city.lat * Math.PI) / 180));
    return { lat, lng, radiusM: RADII_KM[index % RADII_KM.length]! * 1000 };
  });
}
const POINTS = nearbyPoints(120);

const databaseUrl = (name: string) => {
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
};

async function onServer<T extends pg.QueryResultRow>(sql: string): Promise<pg.QueryResult<T>> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    return await client.query<T>(sql);
  } finally {
    await client.end();
  }
}

function runNode(what: string, argv: string[], url: string): string {
  const result = spawnSync(process.execPath, argv, {
    cwd: dbPackage,
    env: { ...process.env, DATABASE_URL: url },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  if (result.status !== 0) throw new Error(`${what} failed (exit ${result.status}):\n${result.stdout}`);
  return result.stdout.trim();
}

/** Creates, migrates and seeds `bench_restaurants_<size>` (all idempotent: a kept database is reused). */
async function prepare(size: number): Promise<{ name: string; url: string; seedOutput: string }> {
  const name = `bench_restaurants_${size}`;
  const url = databaseUrl(name);
  const exists = await onServer(`select 1 from pg_database where datname = '${name}'`);
  if (exists.rowCount === 0) await onServer(`CREATE DATABASE ${name}`);
  runNode('migrate deploy', ['scripts/prisma.mjs', 'migrate', 'deploy'], url);
  process.stderr.write(`bench: seeding ${name} (${size.toLocaleString('en')} restaurants)...\n`);
  const seedOutput = runNode('seed', ['dist/seed/cli.js', '--restaurants', String(size)], url);
  process.stderr.write(`${seedOutput}\n`);
  return { name, url, seedOutput };
}

interface PlanNode {
  'Node Type': string;
  'Index Name'?: string;
  'Actual Total Time'?: number;
  Plans?: PlanNode[];
}
const nodesOf = (node: PlanNode): PlanNode[] => [node, ...(node.Plans ?? []).flatMap(nodesOf)];

/** The plan (node types, indexes) and server-side time of one statement. */
async function explain(url: string, statement: { text: string; values: unknown[] }) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query(`EXPLAIN (ANALYZE, FORMAT JSON) ${statement.text}`, statement.values);
    const top = rows[0]['QUERY PLAN'][0] as { Plan: PlanNode; 'Execution Time': number };
    return {
      nodes: nodesOf(top.Plan).map((node) =>
        node['Index Name'] ? `${node['Node Type']} on ${node['Index Name']}` : node['Node Type'],
      ),
      executionMs: Number(top['Execution Time'].toFixed(2)),
    };
  } finally {
    await client.end();
  }
}

function summarize(latencies: number[]) {
  const sorted = [...latencies].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  const round = (value: number) => Number(value.toFixed(2));
  return {
    n: sorted.length,
    p50: round(at(0.5)),
    p95: round(at(0.95)),
    p99: round(at(0.99)),
    max: round(sorted.at(-1)!),
    mean: round(sorted.reduce((sum, value) => sum + value, 0) / sorted.length),
  };
}

const quiet = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };

interface Slot {
  size: number;
  kind: 'search' | 'nearby';
  run: (index: number) => Promise<number>;
  latencies: number[];
  rows: number[];
  perQuery: Map<string, number[]>;
}

async function main() {
  const prepared = [];
  for (const size of sizes) prepared.push({ size, ...(await prepare(size)) });

  const databases: Database[] = [];
  const slots: Slot[] = [];
  for (const { size, url } of prepared) {
    const env = dbEnvSchema.parse({ DATABASE_URL: url, DATABASE_REPLICA_URLS: '' });
    const db = new Database({ env, logger: quiet, service: 'restaurant-bench' }).start();
    databases.push(db);
    const restaurants = new RestaurantRepository(db);
    const perSearch = new Map<string, number[]>();
    const perRadius = new Map<string, number[]>();
    slots.push(
      {
        size,
        kind: 'search',
        latencies: [],
        rows: [],
        perQuery: perSearch,
        // Page 1 with one row more, as the service asks for it.
        run: async (index) =>
          (await restaurants.search(SEARCHES[index % SEARCHES.length]!, 0, PAGE_SIZE + 1)).length,
      },
      {
        size,
        kind: 'nearby',
        latencies: [],
        rows: [],
        perQuery: perRadius,
        run: async (index) => {
          const point = POINTS[index % POINTS.length]!;
          return (await restaurants.nearby(point.lat, point.lng, point.radiusM, NEARBY_LIMIT)).length;
        },
      },
    );
  }
  const label = (slot: Slot, index: number) =>
    slot.kind === 'search'
      ? SEARCHES[index % SEARCHES.length]!
      : `${POINTS[index % POINTS.length]!.radiusM / 1000} km`;

  // Warm-up: every query of every slot once (caches, connections, the planner's statistics).
  for (const slot of slots) {
    const count = slot.kind === 'search' ? SEARCHES.length : POINTS.length;
    for (let index = 0; index < count; index++) await slot.run(index);
  }

  const counters = new Map<Slot, number>(slots.map((slot) => [slot, 0]));
  for (let round = 0; round < rounds; round++) {
    for (let offset = 0; offset < slots.length; offset++) {
      const slot = slots[(round + offset) % slots.length]!;
      for (let step = 0; step < perSlice; step++) {
        const index = counters.get(slot)!;
        counters.set(slot, index + 1);
        const started = performance.now();
        const rows = await slot.run(index);
        const ms = performance.now() - started;
        slot.latencies.push(ms);
        slot.rows.push(rows);
        const key = label(slot, index);
        slot.perQuery.set(key, [...(slot.perQuery.get(key) ?? []), ms]);
      }
    }
    process.stderr.write(`bench: round ${round + 1}/${rounds}\n`);
  }

  const results = [];
  for (const { size, url, seedOutput } of prepared) {
    const [search, nearby] = slots.filter((slot) => slot.size === size) as [Slot, Slot];
    const perQuery = (slot: Slot) =>
      Object.fromEntries(
        [...slot.perQuery]
          .map(([key, values]) => [key, summarize(values).p50])
          .sort((a, b) => Number(b[1]) - Number(a[1])),
      );
    const paris = CITIES[1]!;
    results.push({
      restaurants: size,
      seed: seedOutput.split('\n').at(-1),
      search: {
        ...summarize(search.latencies),
        meanRows: Number((search.rows.reduce((a, b) => a + b, 0) / search.rows.length).toFixed(1)),
        p50ByQuery: perQuery(search),
      },
      nearby: {
        ...summarize(nearby.latencies),
        meanRows: Number((nearby.rows.reduce((a, b) => a + b, 0) / nearby.rows.length).toFixed(1)),
        p50ByRadius: perQuery(nearby),
      },
      plans: {
        "search 'tonkotsu ramen'": await explain(url, searchSql('tonkotsu ramen', PAGE_SIZE + 1, 0)),
        "search 'pizza' (a common word)": await explain(url, searchSql('pizza', PAGE_SIZE + 1, 0)),
        'nearby Paris 2 km': await explain(url, nearbySql(paris.lat, paris.lng, 2000, NEARBY_LIMIT)),
        'nearby Paris 5 km': await explain(url, nearbySql(paris.lat, paris.lng, 5000, NEARBY_LIMIT)),
      },
    });
  }
  for (const db of databases) await db.close();
  if (!args.keep)
    for (const { name } of prepared) await onServer(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);

  const { rows: version } = await onServer<{ v: string }>("select current_setting('server_version') as v");
  const report = {
    date: new Date().toISOString(),
    node: process.version,
    postgres: version[0]!.v,
    host: { cpus: os.cpus().length, loadavg: os.loadavg().map((value) => Number(value.toFixed(2))) },
    parameters: {
      rounds,
      perSlice,
      pageSize: PAGE_SIZE,
      nearbyLimit: NEARBY_LIMIT,
      searches: SEARCHES,
      radiiKm: RADII_KM,
    },
    results,
  };
  writeFileSync(`${resultsDir}search-nearby.json`, `${JSON.stringify(report, null, 2)}\n`);
  writeFileSync(`${resultsDir}search-nearby.md`, renderMarkdown(report));
  process.stdout.write(renderTable(results));
}

function renderTable(
  results: Array<{
    restaurants: number;
    search: ReturnType<typeof summarize>;
    nearby: ReturnType<typeof summarize>;
  }>,
) {
  const lines = [
    '| restaurants | search p50 | search p99 | nearby p50 | nearby p99 |',
    '|---:|---:|---:|---:|---:|',
  ];
  for (const { restaurants, search, nearby } of results)
    lines.push(
      `| ${restaurants.toLocaleString('en')} | ${search.p50} ms | ${search.p99} ms | ${nearby.p50} ms | ${nearby.p99} ms |`,
    );
  return `${lines.join('\n')}\n`;
}

// biome-ignore lint/suspicious/noExplicitAny: the report is the JSON written above
function renderMarkdown(report: any): string {
  const out = [
    '# search and nearby latency by table size',
    '',
    `${report.date}, Node ${report.node}, Postgres ${report.postgres}, ${report.host.cpus} CPUs (load ${report.host.loadavg.join(' / ')} at the end).`,
    `Sequential queries through the service's repository (Prisma \`$queryRaw\` on the pool), ${report.parameters.rounds} interleaved rounds of ${report.parameters.perSlice} per size and kind; page 1 of search (${report.parameters.pageSize} + 1 rows), nearby limit ${report.parameters.nearbyLimit} with radii ${report.parameters.radiiKm.join(', ')} km around seeded cities.`,
    '',
    renderTable(report.results),
    '| restaurants | search mean rows | nearby mean rows | slowest searches (p50) |',
    '|---:|---:|---:|---|',
    ...report.results.map(
      // biome-ignore lint/suspicious/noExplicitAny: see above
      (result: any) =>
        `| ${result.restaurants.toLocaleString('en')} | ${result.search.meanRows} | ${result.nearby.meanRows} | ${Object.entries(
          result.search.p50ByQuery,
        )
          .slice(0, 3)
          .map(([query, ms]) => `\`${query}\` ${ms} ms`)
          .join(', ')} |`,
    ),
    '',
    '## Plans (EXPLAIN ANALYZE)',
    '',
  ];
  for (const result of report.results) {
    out.push(`### ${result.restaurants.toLocaleString('en')} restaurants`, '');
    for (const [name, plan] of Object.entries(result.plans) as Array<
      [string, { nodes: string[]; executionMs: number }]
    >)
      out.push(`- ${name}: ${plan.executionMs} ms — ${plan.nodes.join(' → ')}`);
    out.push('');
  }
  return `${out.join('\n')}\n`;
}

await main();
