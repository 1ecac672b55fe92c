// What does Prisma cost on the hottest read we have, one restaurant by primary key, next to raw pg,
// and what does a connection per query cost next to a pool? All paths run in one process, interleaved
// (see bench-runner.ts); only the ratios to raw pg within this run are meaningful, as absolute figures
// on our shared machines swing 2-3x from one run to the next. See README.md.
//
// Usage: DATABASE_URL=... pnpm --filter @tablestack/db bench [--rounds 8] [--slice-ms 1000]
//        [--warmup-ms 500] [--concurrency 1,16] [--rows 1000]

import { spawnSync } from 'node:child_process';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { Histogram, Registry } from 'prom-client';
import { type DbEnv, dbEnvSchema } from '../src/db-env.js';
import { Prisma, PrismaClient } from '../src/generated/prisma/client.js';
import { createPgPool } from '../src/pg-pool.js';
import {
  type BenchCase,
  median,
  opsPerSecond,
  percentile,
  runInterleaved,
  type SliceResult,
  type Slot,
  sortedLatencies,
} from './bench-runner.js';

const packageDir = fileURLToPath(new URL('..', import.meta.url));
const resultsDir = fileURLToPath(new URL('results/', import.meta.url));
const baseline = 'pg.query (prepared)';

// Every path reads the same columns: what findUnique returns without a select (all scalar columns;
// Prisma never reads the Unsupported `search` and `earth`).
const columns =
  'id, name, cuisine, city, address, description, lat, lng, price_level, rating_avg, rating_count, created_at, updated_at';
const byIdSql = `select ${columns} from restaurants where id = $1`;

/** Figures from the issue that asked for this benchmark, to compare with. */
const reference = {
  prismaFindUniqueOpsRatio: { concurrency1: [0.15, 0.32], concurrency16: [0.5, 1.0] },
  newConnectionPerQueryMs: [14, 21],
  pooledQueryMs: 0.12,
  newConnectionOverPooled: [120, 170],
};

interface Options {
  rounds: number;
  sliceMs: number;
  warmupMs: number;
  concurrency: number[];
  rows: number;
}

function parseOptions(): Options {
  const { values } = parseArgs({
    options: {
      rounds: { type: 'string', default: '8' },
      'slice-ms': { type: 'string', default: '1000' },
      'warmup-ms': { type: 'string', default: '500' },
      concurrency: { type: 'string', default: '1,16' },
      rows: { type: 'string', default: '1000' },
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
    concurrency: values.concurrency.split(',').map((value) => positive('concurrency', value.trim())),
    rows: positive('rows', values.rows),
  };
}

function readEnv(): DbEnv {
  if (!process.env.DATABASE_URL) {
    console.error('DATABASE_URL is not set: the benchmark needs a Postgres with the migrations applied.');
    process.exit(2);
  }
  const parsed = dbEnvSchema.safeParse(process.env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    console.error(`Invalid ${issue.path.join('.')}: ${issue.message}`);
    process.exit(2);
  }
  return parsed.data;
}

/**
 * Reads the ids of existing restaurants and inserts the missing ones (marked cuisine 'bench'), so
 * that the benchmark works on an empty database and leaves a seeded one alone. Returns the ids to
 * read and those it inserted, which `main` deletes at the end.
 */
async function ensureRows(pool: pg.Pool, wanted: number): Promise<{ ids: string[]; inserted: string[] }> {
  const existing = await pool.query<{ id: string }>('select id from restaurants order by id limit $1', [
    wanted,
  ]);
  const ids = existing.rows.map((row) => row.id);
  if (ids.length >= wanted) return { ids, inserted: [] };
  // search and earth are generated columns: Postgres fills them.
  const added = await pool.query<{ id: string }>(
    `insert into restaurants (id, name, cuisine, city, address, lat, lng, price_level, updated_at)
     select gen_random_uuid(), 'Bench restaurant ' || n, 'bench', 'Benchville', n || ' Bench Street',
            48.80 + n * 0.0001, 2.30 + n * 0.0001, 1 + n % 4, now()
     from generate_series(1, $1::int) as n
     returning id`,
    [wanted - ids.length],
  );
  const inserted = added.rows.map((row) => row.id);
  return { ids: [...ids, ...inserted], inserted };
}

/**
 * `prisma generate --sql` (TypedSQL) asks the schema engine to describe each query against the
 * database. Tried on every run, with a bench-only schema (typed-sql/) so that the services' client
 * does not change, so that the results say whether it works with our offline engine.
 */
function probeTypedSql(): { ran: false; reason: string } {
  const result = spawnSync(
    process.execPath,
    ['scripts/prisma.mjs', 'generate', '--sql', '--config', 'bench/typed-sql/prisma.config.ts'],
    { cwd: packageDir, encoding: 'utf8', timeout: 60_000 },
  );
  if (result.status === 0) {
    return { ran: false, reason: 'prisma generate --sql now succeeds: a $queryRawTyped case can be added' };
  }
  const errors = `${result.stdout}\n${result.stderr}`
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.startsWith('Error'));
  return {
    ran: false,
    reason:
      `prisma generate --sql failed (${errors.join(' / ') || `exit ${result.status}`}): our offline WebAssembly ` +
      'schema engine (schema-engine/) overflows its stack in introspectSql, and the native engine that ' +
      'TypedSQL needs cannot be downloaded here',
  };
}

interface Resources {
  pools: pg.Pool[];
  clients: Array<{ $disconnect(): Promise<void> }>;
}

function buildCases(
  url: string,
  env: DbEnv,
  resources: Resources,
  misses: Map<string, number>,
  ids: string[],
) {
  // One pool per path, with the services' settings (createPgPool, DB_POOL_SIZE...), so that no path
  // waits for another's connections.
  const pool = (name: string) => {
    const created = createPgPool({ url, env, applicationName: `db-bench:${name}` });
    created.on('error', (error) => console.warn(`db-bench ${name}: idle connection lost: ${error.message}`));
    resources.pools.push(created);
    return created;
  };
  const miss = (name: string) => misses.set(name, (misses.get(name) ?? 0) + 1);
  const id = (index: number) => ids[index % ids.length]!;

  const bare = new PrismaClient({ adapter: new PrismaPg(pool('prisma')) });

  // Built like create-database.ts builds every client: query events feeding a histogram and the
  // slow-query check, and a $allOperations extension. The real hook also checks the operation name
  // and translates errors; what it costs is the extension machinery, which this one has too.
  const databaseBase = new PrismaClient({
    adapter: new PrismaPg(pool('prisma-db')),
    log: [{ emit: 'event', level: 'query' }],
  });
  const histogram = new Histogram({
    name: 'bench_query_seconds',
    help: 'bench',
    labelNames: ['server'],
    registers: [new Registry()],
  });
  let slowQueries = 0;
  databaseBase.$on('query', (event) => {
    histogram.observe({ server: 'primary' }, event.duration / 1000);
    if (event.duration >= env.DB_SLOW_QUERY_MS) slowQueries++;
  });
  const database = databaseBase.$extends({
    name: 'bench',
    query: {
      async $allOperations({ args, query }) {
        return query(args);
      },
    },
  });
  resources.clients.push(bare, databaseBase);

  const pgPool = pool('pg');
  const cases: BenchCase[] = [
    {
      name: 'prisma findUnique',
      run: async (index) => {
        if (!(await bare.restaurant.findUnique({ where: { id: id(index) } }))) miss('prisma findUnique');
      },
    },
    {
      name: 'prisma findUnique (as Database)',
      run: async (index) => {
        if (!(await database.restaurant.findUnique({ where: { id: id(index) } }))) {
          miss('prisma findUnique (as Database)');
        }
      },
    },
    {
      name: 'prisma $queryRaw',
      run: async (index) => {
        const rows = await bare.$queryRaw<
          unknown[]
        >`select ${Prisma.raw(columns)} from restaurants where id = ${id(index)}::uuid`;
        if (rows.length === 0) miss('prisma $queryRaw');
      },
    },
    {
      name: baseline,
      run: async (index) => {
        const result = await pgPool.query({
          name: 'bench-restaurant-by-id',
          text: byIdSql,
          values: [id(index)],
        });
        if (result.rowCount === 0) miss(baseline);
      },
    },
    {
      // What a service would pay without a pool: TCP connect, startup and auth, the query, then close.
      name: 'pg new connection per query',
      run: async (index) => {
        const client = new pg.Client({ connectionString: url, application_name: 'db-bench:connect' });
        await client.connect();
        try {
          const result = await client.query(byIdSql, [id(index)]);
          if (result.rowCount === 0) miss('pg new connection per query');
        } finally {
          await client.end();
        }
      },
    },
  ];
  return { cases, slowQueries: () => slowQueries };
}

interface CaseResult {
  name: string;
  concurrency: number;
  ops: number;
  opsPerSec: number;
  p50Ms: number;
  p99Ms: number;
  meanMs: number;
  ratioToPg: {
    /** ops/s of the case ÷ ops/s of raw pg at the same concurrency, over the whole run. */
    opsPerSec: number;
    /** The same ratio per round: its median and spread show how much the noise moved it. */
    opsPerSecPerRound: { median: number; min: number; max: number };
    /** p50 latency of the case ÷ p50 of raw pg. */
    p50: number;
  };
}

function summarize(slots: Slot[], slices: SliceResult[][]): CaseResult[] {
  const round3 = (value: number) => Math.round(value * 1000) / 1000;
  const stats = slots.map((slot, index) => {
    const sorted = sortedLatencies(slices[index]!);
    return {
      slot,
      slices: slices[index]!,
      ops: sorted.length,
      opsPerSec: opsPerSecond(slices[index]!),
      p50: percentile(sorted, 50),
      p99: percentile(sorted, 99),
      mean: sorted.reduce((sum, value) => sum + value, 0) / sorted.length,
    };
  });
  return stats.map((stat) => {
    const pgStat = stats.find(
      (other) => other.slot.case.name === baseline && other.slot.concurrency === stat.slot.concurrency,
    )!;
    const perRound = stat.slices.map((slice, round) => {
      const pgSlice = pgStat.slices[round]!;
      return slice.ops / slice.elapsedMs / (pgSlice.ops / pgSlice.elapsedMs);
    });
    return {
      name: stat.slot.case.name,
      concurrency: stat.slot.concurrency,
      ops: stat.ops,
      opsPerSec: Math.round(stat.opsPerSec * 10) / 10,
      p50Ms: round3(stat.p50),
      p99Ms: round3(stat.p99),
      meanMs: round3(stat.mean),
      ratioToPg: {
        opsPerSec: round3(stat.opsPerSec / pgStat.opsPerSec),
        opsPerSecPerRound: {
          median: round3(median(perRound)),
          min: round3(Math.min(...perRound)),
          max: round3(Math.max(...perRound)),
        },
        p50: round3(stat.p50 / pgStat.p50),
      },
    };
  });
}

function renderMarkdown(report: Report): string {
  const { cases, parameters } = report;
  const find = (name: string, concurrency: number) =>
    cases.find((result) => result.name === name && result.concurrency === concurrency);
  const lines = [
    `# DB read paths: one restaurant by primary key (${report.date.slice(0, 10)})`,
    '',
    `Node ${report.node}, Prisma ${report.versions.prisma} (client ${report.versions.prismaClient}), pg ` +
      `${report.versions.pg}, Postgres ${report.versions.postgres}; ${report.host.cpus} CPUs. ` +
      `${parameters.rounds} rounds × ${parameters.sliceMs} ms per case and concurrency, interleaved, after ` +
      `${parameters.warmupMs} ms warmup; pools of ${parameters.poolSize}. Ratios are to \`${baseline}\` at the ` +
      'same concurrency in this run; "per round" is the min–max of the ratio over the rounds.',
    '',
    '| case | in flight | ops/s | p50 ms | p99 ms | ops/s ÷ pg | per round | p50 ÷ pg |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...cases.map(
      (c) =>
        `| ${c.name} | ${c.concurrency} | ${c.opsPerSec} | ${c.p50Ms} | ${c.p99Ms} | ${c.ratioToPg.opsPerSec} | ` +
        `${c.ratioToPg.opsPerSecPerRound.min}–${c.ratioToPg.opsPerSecPerRound.max} | ${c.ratioToPg.p50} |`,
    ),
    '',
    '## Reading',
    '',
  ];
  const [low, high] = [Math.min(...parameters.concurrency), Math.max(...parameters.concurrency)];
  const prismaLow = find('prisma findUnique', low);
  const prismaHigh = find('prisma findUnique', high);
  if (prismaLow && prismaHigh) {
    lines.push(
      `Prisma \`findUnique\` reaches ${prismaLow.ratioToPg.opsPerSec} of raw pg's queries/s with ${low} in ` +
        `flight and ${prismaHigh.ratioToPg.opsPerSec} with ${high} (issue: 0.15–0.32 and 0.5–1.0); built ` +
        `like \`Database\` builds its clients it reaches ${find('prisma findUnique (as Database)', low)?.ratioToPg.opsPerSec} ` +
        `and ${find('prisma findUnique (as Database)', high)?.ratioToPg.opsPerSec}, and \`$queryRaw\` ` +
        `${find('prisma $queryRaw', low)?.ratioToPg.opsPerSec} and ${find('prisma $queryRaw', high)?.ratioToPg.opsPerSec}.`,
    );
  }
  const pooled = find(baseline, low);
  const connect = find('pg new connection per query', low);
  if (pooled && connect) {
    lines.push(
      `A new connection per query takes ${connect.p50Ms} ms at p50 against ${pooled.p50Ms} ms pooled ` +
        `(${Math.round(connect.p50Ms / pooled.p50Ms)}x; issue: 14–21 ms vs 0.12 ms, 120–170x).`,
    );
  }
  lines.push(`TypedSQL was not measured: ${report.typedSql.reason}.`, '');
  const missed = Object.entries(parameters.misses);
  if (missed.length > 0) {
    lines.push(
      `Warning: some reads found no row (${missed.map(([name, n]) => `${name}: ${n}`).join(', ')}).`,
      '',
    );
  }
  return lines.join('\n');
}

type Report = Awaited<ReturnType<typeof main>>;

async function main() {
  const options = parseOptions();
  const env = readEnv();
  const url = env.DATABASE_URL;
  const require = createRequire(import.meta.url);
  const typedSql = probeTypedSql();

  const resources: Resources = { pools: [], clients: [] };
  const setup = new pg.Pool({ connectionString: url, max: 1, application_name: 'db-bench:setup' });
  const { ids, inserted } = await ensureRows(setup, options.rows);
  const misses = new Map<string, number>();
  try {
    const { cases, slowQueries } = buildCases(url, env, resources, misses, ids);
    const slots: Slot[] = options.concurrency.flatMap((concurrency) =>
      cases.map((benchCase) => ({ case: benchCase, concurrency })),
    );
    const loadavgStart = os.loadavg();
    const started = Date.now();
    console.error(
      `db-bench: ${ids.length} rows (${inserted.length} inserted), ${slots.length} slots × ${options.rounds} ` +
        `rounds × ${options.sliceMs} ms, about ${Math.round((slots.length * (options.rounds * options.sliceMs + options.warmupMs)) / 1000)} s`,
    );
    const slices = await runInterleaved(slots, {
      ...options,
      onSlice: (round, slot) => {
        if (slot === slots[(round + slots.length - 1) % slots.length]) {
          console.error(`db-bench: round ${round + 1}/${options.rounds} done`);
        }
      },
    });
    const postgres = await setup.query<{ server_version: string }>('show server_version');
    return {
      benchmark: 'db-read-paths',
      date: new Date(started).toISOString(),
      durationSeconds: Math.round((Date.now() - started) / 1000),
      node: process.version,
      versions: {
        prisma: (require('prisma/package.json') as { version: string }).version,
        prismaClient: (require('@prisma/client/package.json') as { version: string }).version,
        pg: (require('pg/package.json') as { version: string }).version,
        postgres: postgres.rows[0]!.server_version,
      },
      host: {
        platform: `${os.platform()} ${os.release()}`,
        cpus: os.cpus().length,
        cpuModel: os.cpus()[0]?.model ?? 'unknown',
        loadavgStart: loadavgStart.map((value) => Math.round(value * 100) / 100),
        loadavgEnd: os.loadavg().map((value) => Math.round(value * 100) / 100),
      },
      parameters: {
        ...options,
        poolSize: env.DB_POOL_SIZE,
        baseline,
        query: byIdSql,
        rowsInserted: inserted.length,
        slowQueriesLogged: slowQueries(),
        /** Reads that found no row, per case (both concurrencies): non-zero means rows vanished mid-run. */
        misses: Object.fromEntries(misses),
      },
      typedSql,
      reference,
      cases: summarize(slots, slices),
    };
  } finally {
    for (const client of resources.clients) await client.$disconnect();
    for (const pool of resources.pools) await pool.end();
    // Leave the database as found: only the rows this run inserted go.
    if (inserted.length > 0) {
      await setup.query('delete from restaurants where id = any($1::uuid[])', [inserted]);
    }
    await setup.end();
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
      `db-bench: results not formatted (biome: ${result.error?.message ?? `exit ${result.status}`})`,
    );
  }
}

const report = await main();
const markdown = renderMarkdown(report);
const outputs = { json: `${resultsDir}db-read-paths.json`, markdown: `${resultsDir}db-read-paths.md` };
await mkdir(resultsDir, { recursive: true });
await writeAtomically(outputs.json, `${JSON.stringify(report, null, 2)}\n`);
await writeAtomically(outputs.markdown, markdown);
formatWithBiome([outputs.json, outputs.markdown]);
console.log(markdown);
