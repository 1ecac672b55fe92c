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
import { Database, dbEnvSchema, Prisma as PrismaModule } from '@tablestack/db';
import pg from 'pg';
import { RestaurantRepository } from '../src/repositories/restaurant-repository.js';
import { nearbySql, SEARCH_CANDIDATES, searchSql } from '../src/repositories/restaurant-sql.js';

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

/** Typos of seeded cuisines and dishes: the full text finds nothing, the trigram tier answers. */
const TYPOS = ['piza', 'sushj', 'ramne', 'bakkery', 'tiramsu', 'falafle', 'crossiant', 'berlni'];

/**
 * The search statement before the candidate cap (ts_rank over every match), kept here as the
 * baseline: the same run measures both, and compares their first pages (quality of the cap).
 */
function exactSearchSql(q: string, limit: number, offset: number) {
  return PrismaModule.Prisma.sql`
    select r.id, r.name, r.cuisine, r.city, r.address, r.description, r.lat, r.lng,
           r.price_level as "priceLevel", r.rating_avg as "ratingAvg", r.rating_count as "ratingCount",
           r.created_at as "createdAt", r.updated_at as "updatedAt", ts_rank(r.search, query) as rank
      from restaurants r, websearch_to_tsquery('english', ${q}) as query
     where r.search @@ query
     order by rank desc, r.id
     limit ${limit} offset ${offset}`;
}

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

interface RankedRow {
  id: string;
  rank: number;
  match?: string;
}

/**
 * What the candidate cap costs in quality: for every search, page 1 of the service's statement
 * against page 1 of the exact ranking over every match. `sameIds`: share of the exact page's
 * restaurants that the capped page shows too; `rankRatio`: mean ts_rank of the capped page's text hits
 * over the exact page's (1 = as relevant; lower = worse matches shown). Many restaurants tie on rank
 * (same words in the same fields), so different ids with a ratio of 1 are equally good answers.
 */
async function compareFirstPages(db: Database) {
  const perQuery: Record<string, { matches: number; sameIds: number; rankRatio: number }> = {};
  for (const q of SEARCHES) {
    const capped = (await db.read().$queryRaw<RankedRow[]>(searchSql(q, PAGE_SIZE, 0))).filter(
      (row) => row.match === 'text',
    );
    const exact = await db.read().$queryRaw<RankedRow[]>(exactSearchSql(q, PAGE_SIZE, 0));
    const counted = await db.read().$queryRaw<
      Array<{ n: number }>
    >`select count(*)::int as n from restaurants where search @@ websearch_to_tsquery('english', ${q})`;
    const n = counted[0]!.n;
    const mean = (rows: RankedRow[]) =>
      rows.reduce((sum, row) => sum + Number(row.rank), 0) / (rows.length || 1);
    const exactIds = new Set(exact.map((row) => row.id));
    perQuery[q] = {
      matches: n,
      sameIds:
        exact.length === 0
          ? 1
          : Number((capped.filter((row) => exactIds.has(row.id)).length / exact.length).toFixed(2)),
      rankRatio: exact.length === 0 ? 1 : Number((mean(capped) / mean(exact)).toFixed(3)),
    };
  }
  const values = Object.values(perQuery);
  const capped = values.filter((value) => value.matches > SEARCH_CANDIDATES);
  const average = (list: number[]) =>
    Number((list.reduce((a, b) => a + b, 0) / (list.length || 1)).toFixed(3));
  return {
    candidates: SEARCH_CANDIDATES,
    queriesOverCap: capped.length,
    meanSameIds: average(values.map((value) => value.sameIds)),
    meanRankRatio: average(values.map((value) => value.rankRatio)),
    minRankRatio: Math.min(...values.map((value) => value.rankRatio)),
    perQuery,
  };
}

const quiet = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };

type Kind = 'search' | 'search-exact' | 'typo' | 'nearby';

interface Slot {
  size: number;
  kind: Kind;
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
    const slot = (kind: Kind, run: Slot['run']): Slot => ({
      size,
      kind,
      latencies: [],
      rows: [],
      perQuery: new Map(),
      run,
    });
    slots.push(
      // Page 1 with one row more, as the service asks for it.
      slot(
        'search',
        async (index) =>
          (await restaurants.search(SEARCHES[index % SEARCHES.length]!, 0, PAGE_SIZE + 1)).length,
      ),
      slot(
        'search-exact',
        async (index) =>
          (
            await db
              .read()
              .$queryRaw<unknown[]>(exactSearchSql(SEARCHES[index % SEARCHES.length]!, PAGE_SIZE + 1, 0))
          ).length,
      ),
      slot(
        'typo',
        async (index) => (await restaurants.search(TYPOS[index % TYPOS.length]!, 0, PAGE_SIZE + 1)).length,
      ),
      slot('nearby', async (index) => {
        const point = POINTS[index % POINTS.length]!;
        return (await restaurants.nearby(point.lat, point.lng, point.radiusM, NEARBY_LIMIT)).length;
      }),
    );
  }
  const queriesOf = (kind: Kind) =>
    kind === 'nearby' ? POINTS.length : kind === 'typo' ? TYPOS.length : SEARCHES.length;
  const label = (slot: Slot, index: number) =>
    slot.kind === 'nearby'
      ? `${POINTS[index % POINTS.length]!.radiusM / 1000} km`
      : slot.kind === 'typo'
        ? TYPOS[index % TYPOS.length]!
        : SEARCHES[index % SEARCHES.length]!;

  // Warm-up: every query of every slot once (caches, connections, the planner's statistics).
  for (const slot of slots) {
    const count = queriesOf(slot.kind);
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
  for (const [index, { size, url, seedOutput }] of prepared.entries()) {
    const own = slots.filter((slot) => slot.size === size);
    const kind = (name: Kind) => own.find((slot) => slot.kind === name)!;
    const perQuery = (slot: Slot) =>
      Object.fromEntries(
        [...slot.perQuery]
          .map(([key, values]) => [key, summarize(values).p50])
          .sort((a, b) => Number(b[1]) - Number(a[1])),
      );
    const figures = (slot: Slot) => ({
      ...summarize(slot.latencies),
      meanRows: Number((slot.rows.reduce((a, b) => a + b, 0) / slot.rows.length).toFixed(1)),
      p50ByQuery: perQuery(slot),
    });
    const paris = CITIES[1]!;
    results.push({
      restaurants: size,
      seed: seedOutput.split('\n').at(-1),
      search: figures(kind('search')),
      searchExact: figures(kind('search-exact')),
      typo: figures(kind('typo')),
      nearby: figures(kind('nearby')),
      quality: await compareFirstPages(databases[index]!),
      plans: {
        "search 'tonkotsu ramen'": await explain(url, searchSql('tonkotsu ramen', PAGE_SIZE + 1, 0)),
        "search 'pizza' (a common word)": await explain(url, searchSql('pizza', PAGE_SIZE + 1, 0)),
        "exact search 'pizza' (before the cap)": await explain(
          url,
          exactSearchSql('pizza', PAGE_SIZE + 1, 0),
        ),
        "search 'piza' (a typo: trigram tier)": await explain(url, searchSql('piza', PAGE_SIZE + 1, 0)),
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
      typos: TYPOS,
      candidates: SEARCH_CANDIDATES,
      radiiKm: RADII_KM,
    },
    results,
  };
  writeFileSync(`${resultsDir}search-nearby.json`, `${JSON.stringify(report, null, 2)}\n`);
  writeFileSync(`${resultsDir}search-nearby.md`, renderMarkdown(report));
  process.stdout.write(renderTable(results));
}

// biome-ignore lint/suspicious/noExplicitAny: the results are the JSON written above
function renderTable(results: any[]) {
  const lines = [
    '| restaurants | search p50 | search p99 | exact-rank search p50 | exact-rank search p99 | typo search p50 | typo search p99 | nearby p50 | nearby p99 |',
    '|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const { restaurants, search, searchExact, typo, nearby } of results)
    lines.push(
      `| ${restaurants.toLocaleString('en')} | ${search.p50} ms | ${search.p99} ms | ${searchExact.p50} ms | ${searchExact.p99} ms | ${typo.p50} ms | ${typo.p99} ms | ${nearby.p50} ms | ${nearby.p99} ms |`,
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
    `"search" is the service's statement (full text ranked among the first ${report.parameters.candidates} matches, trigram tier for typos); "exact-rank search" the statement before the cap (ts_rank over every match), same queries, same run; "typo search": ${report.parameters.typos.map((q: string) => `\`${q}\``).join(', ')}.`,
    '',
    renderTable(report.results),
    '| restaurants | search mean rows | typo mean rows | nearby mean rows | slowest searches (p50) | slowest exact-rank searches (p50) |',
    '|---:|---:|---:|---:|---|---|',
    ...report.results.map(
      // biome-ignore lint/suspicious/noExplicitAny: see above
      (result: any) =>
        `| ${result.restaurants.toLocaleString('en')} | ${result.search.meanRows} | ${result.typo.meanRows} | ${result.nearby.meanRows} | ${slowest(result.search)} | ${slowest(result.searchExact)} |`,
    ),
    '',
    '## What the cap costs: page 1 against the exact ranking',
    '',
    '| restaurants | searches over the cap | same restaurants (mean) | mean ts_rank ratio | worst ts_rank ratio |',
    '|---:|---:|---:|---:|---:|',
    ...report.results.map(
      // biome-ignore lint/suspicious/noExplicitAny: see above
      (result: any) =>
        `| ${result.restaurants.toLocaleString('en')} | ${result.quality.queriesOverCap} of ${report.parameters.searches.length} | ${result.quality.meanSameIds} | ${result.quality.meanRankRatio} | ${result.quality.minRankRatio} |`,
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

// biome-ignore lint/suspicious/noExplicitAny: see above
function slowest(figures: any): string {
  return Object.entries(figures.p50ByQuery)
    .slice(0, 3)
    .map(([query, ms]) => `\`${query}\` ${ms} ms`)
    .join(', ');
}

await main();
