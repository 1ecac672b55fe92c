import type pg from 'pg';
import { copyRows } from './copy-rows.js';
import { withDeferredIndexes } from './deferred-indexes.js';
import { generateRestaurant, type RestaurantRow, restaurantId } from './generate-restaurants.js';
import type { ReviewRow } from './generate-reviews.js';
import { generateUsers, userId } from './generate-users.js';
import { formatCount, Progress, type ProgressStream, type TableStats } from './progress.js';
import { SeedConflictError } from './seed-conflict-error.js';
import type { SeedPlan } from './seed-plan.js';
import { restaurantsTable, reviewsTable, type SeedTable, usersTable } from './seed-tables.js';

export interface SeedDatabaseOptions {
  plan: SeedPlan;
  /** Empty users, restaurants and reviews (and, by CASCADE, the tables that reference them) first. */
  reset: boolean;
  /** Where progress is drawn (stderr in the CLI). */
  progress: ProgressStream;
}

export type SeedOutcome =
  | { kind: 'already-seeded' }
  | { kind: 'seeded'; tables: TableStats[]; seconds: number; analyzeSeconds: number };

/**
 * Writes the plan's users, restaurants and reviews in one transaction, so a run is all or nothing:
 * that is what makes the idempotency marker below trustworthy, and an interrupted run leaves
 * nothing behind. `client` must be a dedicated connection to the primary (not a pooled one).
 */
export async function seedDatabase(
  client: pg.ClientBase,
  options: SeedDatabaseOptions,
): Promise<SeedOutcome> {
  const { plan } = options;
  const startedAt = performance.now();
  const tables: TableStats[] = [];
  await client.query('BEGIN');
  try {
    // Two `./stack up`s at once must not both seed: the second waits here, then sees the marker.
    await client.query("SELECT pg_advisory_xact_lock(hashtext('tablestack:db:seed'))");
    // A big COPY may outlast a statement_timeout set on the role or database.
    await client.query('SET LOCAL statement_timeout = 0');
    // Index builds after a bulk load sort in memory instead of spilling to disk.
    await client.query("SET LOCAL maintenance_work_mem = '256MB'");
    if (!options.reset && (await isSeeded(client, plan))) {
      await client.query('ROLLBACK');
      return { kind: 'already-seeded' };
    }
    // Seeding is maintenance (it runs before the apps start): the tables are locked until it commits.
    if (options.reset) await client.query('TRUNCATE reviews, restaurants, users CASCADE');
    else await client.query('LOCK TABLE users, restaurants, reviews IN ACCESS EXCLUSIVE MODE');
    const bulk = options.reset || (await allEmpty(client));

    const load = <Row>(table: SeedTable<Row>, rows: Iterable<Row>, total: number) =>
      loadTable(client, { table, rows, total, bulk, progress: options.progress });
    tables.push(await load(usersTable, generateUsers(plan), plan.users));
    const totals = { reviews: 0 };
    tables.push(await load(restaurantsTable, restaurantRows(plan, totals), plan.restaurants));
    tables.push(await load(reviewsTable, reviewRows(plan), totals.reviews));
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
  // Fresh statistics, so that the first queries (and benchmarks) after a seed get sensible plans.
  const analyzeStartedAt = performance.now();
  await client.query('ANALYZE users, restaurants, reviews');
  const analyzeSeconds = (performance.now() - analyzeStartedAt) / 1000;
  return { kind: 'seeded', tables, seconds: (performance.now() - startedAt) / 1000, analyzeSeconds };
}

/**
 * The idempotency marker: the first and last restaurant and user of this plan exist. Ids are a pure
 * function of (seed, index) and a run commits all rows or none, so their presence means a complete
 * run of this seed with at least these counts. Row counts are deliberately not compared: restaurants
 * added or deleted through the API on a dev stack must not make the next `./stack up` reseed or fail.
 * Changing only --reviews-per-restaurant is not detected; --reset applies it.
 */
async function isSeeded(client: pg.ClientBase, plan: SeedPlan): Promise<boolean> {
  const { rows } = await client.query<{ restaurants: number; users: number }>(
    `SELECT (SELECT count(*)::int FROM restaurants WHERE id = ANY($1::uuid[])) AS restaurants,
            (SELECT count(*)::int FROM users WHERE id = ANY($2::uuid[])) AS users`,
    [
      [restaurantId(plan, 0), restaurantId(plan, plan.restaurants - 1)],
      [userId(plan, 0), userId(plan, plan.users - 1)],
    ],
  );
  const found = rows[0]!;
  if (found.restaurants === 2 && found.users === 2) return true;
  if (found.restaurants === 0 && found.users === 0) return false;
  throw new SeedConflictError(
    `the tables hold data of seed '${plan.seedText}' with other counts; rerun with --reset to replace it`,
  );
}

async function allEmpty(client: pg.ClientBase): Promise<boolean> {
  const { rows } = await client.query<{ empty: boolean }>(
    `SELECT NOT EXISTS (SELECT 1 FROM users) AND NOT EXISTS (SELECT 1 FROM restaurants)
            AND NOT EXISTS (SELECT 1 FROM reviews) AS empty`,
  );
  return rows[0]!.empty;
}

interface LoadTableOptions<Row> {
  table: SeedTable<Row>;
  rows: Iterable<Row>;
  total: number;
  /** Build indexes and check foreign keys after the COPY instead of row by row (empty tables only). */
  bulk: boolean;
  progress: ProgressStream;
}

async function loadTable<Row>(client: pg.ClientBase, options: LoadTableOptions<Row>): Promise<TableStats> {
  const { table } = options;
  const startedAt = performance.now();
  let copiedAt = startedAt;
  const copy = async (): Promise<number> => {
    const progress = new Progress({ label: table.name, total: options.total, stream: options.progress });
    const copied = await copyRows(client, table, options.rows, progress);
    progress.finish();
    copiedAt = performance.now();
    if (options.bulk)
      options.progress.write(`${table.name}: ${formatCount(copied)} rows copied, building indexes\n`);
    return copied;
  };
  const rows = options.bulk ? await withDeferredIndexes(client, table.name, copy) : await copy();
  const seconds = (performance.now() - startedAt) / 1000;
  const stats: TableStats = { table: table.name, rows, seconds, rowsPerSecond: Math.round(rows / seconds) };
  return options.bulk ? { ...stats, indexSeconds: (performance.now() - copiedAt) / 1000 } : stats;
}

/** Restaurants with their aggregates; counts the reviews on the way so their progress has a total. */
function* restaurantRows(plan: SeedPlan, totals: { reviews: number }): Generator<RestaurantRow> {
  for (let index = 0; index < plan.restaurants; index++) {
    const { restaurant, reviews } = generateRestaurant(plan, index);
    totals.reviews += reviews.length;
    yield restaurant;
  }
}

/** Regenerates each restaurant to get its reviews: cheaper than holding millions of them in memory. */
function* reviewRows(plan: SeedPlan): Generator<ReviewRow> {
  for (let index = 0; index < plan.restaurants; index++) yield* generateRestaurant(plan, index).reviews;
}
