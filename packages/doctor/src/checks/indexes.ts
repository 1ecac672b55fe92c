import { type CheckResult, type CheckStatus, worst } from '../check.js';
import type { DoctorContext } from '../doctor-context.js';

/** An index a query path needs, recognised by its definition (not its name, which may change). */
export interface RequiredIndex {
  table: string;
  /** What it serves, for the report. */
  serves: string;
  /** Matched against pg_get_indexdef(), e.g. `CREATE INDEX x ON public.t USING gin (search)`. */
  definition: RegExp;
}

export const requiredIndexes: readonly RequiredIndex[] = [
  { table: 'restaurants', serves: 'full-text search (GIN on search)', definition: /USING gin \(search\)/i },
  { table: 'restaurants', serves: '"near me" (GiST on earth)', definition: /USING gist \(earth\)/i },
  {
    table: 'restaurants',
    serves: 'list by city and cuisine, best rated first',
    definition: /USING btree \(city, cuisine, rating_avg DESC\)/i,
  },
  {
    table: 'users',
    serves: 'login and by-email lookup (unique email)',
    definition: /^CREATE UNIQUE INDEX .* USING btree \(email\)/i,
  },
  {
    table: 'reviews',
    serves: 'latest reviews of a restaurant',
    definition: /USING btree \(restaurant_id, created_at DESC\)/i,
  },
  {
    table: 'reviews',
    serves: 'one review per user per restaurant',
    definition: /^CREATE UNIQUE INDEX .* USING btree \(user_id, restaurant_id\)/i,
  },
  {
    table: 'notifications',
    serves: "a user's notifications, newest first",
    definition: /USING btree \(user_id, created_at DESC\)/i,
  },
  {
    table: 'outbox',
    serves: 'outbox relay (pending rows due)',
    definition: /USING btree \(status, available_at\)/i,
  },
  {
    table: 'refresh_tokens',
    serves: 'refresh token lookup (unique hash)',
    definition: /^CREATE UNIQUE INDEX .* USING btree \(token_hash\)/i,
  },
];

export interface IndexRow {
  table: string;
  name: string;
  definition: string;
  valid: boolean;
}

/** Every required index exists and is valid (an interrupted CREATE INDEX CONCURRENTLY leaves an invalid one). */
export function evaluateIndexes(
  rows: readonly IndexRow[],
  required: readonly RequiredIndex[] = requiredIndexes,
): CheckResult {
  const statuses: CheckStatus[] = [];
  const details: string[] = [];
  let found = 0;
  for (const need of required) {
    const match = rows.find((row) => row.table === need.table && need.definition.test(row.definition));
    if (!match) {
      statuses.push('fail');
      details.push(`missing on ${need.table}: ${need.serves} (${need.definition.source})`);
    } else if (!match.valid) {
      statuses.push('fail');
      details.push(`invalid: ${match.name} on ${need.table} (${need.serves}); rebuild it`);
    } else found += 1;
  }
  details.unshift(`${found} of ${required.length} required indexes present and valid`);
  return { id: 'indexes', title: 'indexes the queries need', status: worst(statuses), details };
}

export async function checkIndexes(context: DoctorContext): Promise<CheckResult> {
  const { rows } = await context.primary.query<IndexRow>(
    `select t.relname as table, c.relname as name, pg_get_indexdef(i.indexrelid) as definition, i.indisvalid as valid
       from pg_index i
       join pg_class c on c.oid = i.indexrelid
       join pg_class t on t.oid = i.indrelid
       join pg_namespace n on n.oid = t.relnamespace
      where n.nspname = current_schema()`,
  );
  return evaluateIndexes(rows);
}
