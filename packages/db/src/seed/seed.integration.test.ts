import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { restaurantId } from './generate-restaurants.js';
import { runCli } from './run-cli.js';
import { resolvePlan } from './seed-plan.js';

// Seeds with --reset, which would empty tables under other packages' integration tests running on the
// same server at the same time: so this test creates, migrates and drops a database of its own.
const serverUrl = process.env.DATABASE_URL ?? '';
const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const databaseName = `seed_test_${randomBytes(6).toString('hex')}`;
const testUrl = (() => {
  const url = new URL(serverUrl || 'postgresql://unset@127.0.0.1:1/unset');
  url.pathname = `/${databaseName}`;
  return url.toString();
})();
const SEED = ['--restaurants', '500', '--seed', 'integration'];

let db: pg.Client;
let schemaBefore: string[];

async function seed(argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, {
    env: { DATABASE_URL: testUrl },
    stdout: { write: (text: string) => out.push(text) },
    stderr: { write: (text: string) => err.push(text) },
  });
  return { code, stdout: out.join(''), stderr: err.join('') };
}

const count = async (sql: string): Promise<number> => Number((await db.query(sql)).rows[0].count);

/** Every index and constraint of the seeded tables, to prove a bulk load puts them all back. */
async function schemaObjects(): Promise<string[]> {
  const { rows } = await db.query<{ def: string }>(
    `SELECT indexdef AS def FROM pg_indexes WHERE tablename IN ('users', 'restaurants', 'reviews')
     UNION ALL
     SELECT conrelid::regclass || ' ' || conname || ' ' || pg_get_constraintdef(oid) FROM pg_constraint
      WHERE conrelid IN ('users'::regclass, 'restaurants'::regclass, 'reviews'::regclass)
     ORDER BY 1`,
  );
  return rows.map((row) => row.def);
}

/** A digest of all seeded rows (not the user registered by hand below), to compare two runs. */
async function digest(): Promise<string> {
  const { rows } = await db.query<{ md5: string }>(
    `SELECT md5(
       (SELECT string_agg(concat_ws('|', id, email, name, password_hash, created_at), ',' ORDER BY id)
          FROM users WHERE email LIKE '%@example.com')
       || (SELECT string_agg(concat_ws('|', id, name, cuisine, city, address, description, lat, lng, price_level,
                                       rating_avg, rating_count, created_at), ',' ORDER BY id) FROM restaurants)
       || (SELECT string_agg(concat_ws('|', id, user_id, restaurant_id, rating, comment, created_at), ',' ORDER BY id)
             FROM reviews)) AS md5`,
  );
  return rows[0]!.md5;
}

beforeAll(async () => {
  if (!serverUrl) throw new Error('DATABASE_URL must point at the stack primary (./stack test sets it)');
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${databaseName}`);
  await admin.end();
  const migrate = spawnSync(process.execPath, ['scripts/prisma.mjs', 'migrate', 'deploy'], {
    cwd: packageDir,
    env: { ...process.env, DATABASE_URL: testUrl },
    encoding: 'utf8',
  });
  if (migrate.status !== 0) throw new Error(`migrate deploy failed:\n${migrate.stdout}\n${migrate.stderr}`);
  db = new pg.Client({ connectionString: testUrl });
  await db.connect();
  schemaBefore = await schemaObjects();
}, 120_000);

afterAll(async () => {
  await db?.end();
  if (!serverUrl) return;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${databaseName} WITH (FORCE)`);
  await admin.end();
}, 60_000);

describe('db:seed', () => {
  let firstDigest: string;

  it('seeds alongside existing rows, row by row, with consistent aggregates and search', async () => {
    // A user registered before the first seed: the tables are not empty, so no bulk load.
    await db.query(
      `INSERT INTO users (id, email, name, password_hash, updated_at)
       VALUES (gen_random_uuid(), 'someone@example.org', 'Someone', 'x', now())`,
    );
    const run = await seed(SEED);
    expect(run.stderr).not.toContain('building indexes');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^users: 100 rows in [\d.]+ s \([\d,]+ rows\/s\)$/m);
    expect(run.stdout).toMatch(/^restaurants: 500 rows in [\d.]+ s \([\d,]+ rows\/s\)$/m);
    expect(run.stdout).toMatch(/^reviews: [\d,]+ rows in [\d.]+ s \([\d,]+ rows\/s\)$/m);

    expect(await count('SELECT count(*) FROM restaurants')).toBe(500);
    expect(await count('SELECT count(*) FROM users')).toBe(101);
    const reviews = await count('SELECT count(*) FROM reviews');
    expect(reviews).toBeGreaterThan(500);
    expect(await count('SELECT sum(rating_count) AS count FROM restaurants')).toBe(reviews);
    expect(
      await count(`SELECT count(*) FROM restaurants r
                   LEFT JOIN (SELECT restaurant_id, avg(rating) AS avg, count(*) AS n FROM reviews GROUP BY 1) v
                          ON v.restaurant_id = r.id
                   WHERE r.rating_count <> coalesce(v.n, 0) OR r.rating_avg <> coalesce(v.avg, 0)::real`),
    ).toBe(0);

    const search = await db.query<{ cuisine: string; matches: number; missed: number }>(
      `SELECT count(*)::int AS matches, count(*) FILTER (WHERE cuisine <> 'Italian')::int AS missed
         FROM restaurants WHERE search @@ websearch_to_tsquery('english', 'Italian')`,
    );
    expect(search.rows[0]!.matches).toBe(
      await count(`SELECT count(*) FROM restaurants WHERE cuisine = 'Italian'`),
    );
    expect(search.rows[0]!.matches).toBeGreaterThan(0);
    expect(search.rows[0]!.missed).toBe(0);
    // The earth column is generated too: London's restaurants are within 60 km of its centre.
    expect(
      await count(`SELECT count(*) FROM restaurants WHERE city = 'London'
                     AND earth_distance(earth, ll_to_earth(51.5074, -0.1278)) > 60000`),
    ).toBe(0);
    firstDigest = await digest();
  });

  it('says "already seeded" on a rerun and changes nothing', async () => {
    const run = await seed(SEED);
    expect(run).toMatchObject({ code: 0, stderr: '' });
    expect(run.stdout).toMatch(/^already seeded \(500 restaurants, seed 'integration'\)/);
    expect(await count('SELECT count(*) FROM users')).toBe(101);
  });

  it('refuses to add to an earlier run with other counts', async () => {
    const run = await seed(['--restaurants', '600', '--seed', 'integration']);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/other counts; rerun with --reset/);
    expect(await count('SELECT count(*) FROM restaurants')).toBe(500);
  });

  it('with --reset empties the tables and bulk-loads identical rows, indexes and keys intact', async () => {
    const run = await seed([...SEED, '--reset']);
    expect(run.code).toBe(0);
    expect(run.stderr).toContain('restaurants: 500 rows copied, building indexes');
    expect(run.stdout).toMatch(/^restaurants: 500 rows in .*, of which indexes [\d.]+ s$/m);
    expect(await count('SELECT count(*) FROM users')).toBe(100);
    expect(await digest()).toBe(firstDigest);
    expect(await schemaObjects()).toEqual(schemaBefore);
    const first = await db.query('SELECT name FROM restaurants WHERE id = $1', [
      restaurantId(resolvePlan({ restaurants: 500, seed: 'integration' }), 0),
    ]);
    expect(first.rowCount).toBe(1);
  });

  it('exits 2 with the usage on a bad argument', async () => {
    const run = await seed(['--restaurants', 'many']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^seed: --restaurants must be a whole number, got 'many'\nusage: db:seed/);
  });
});
