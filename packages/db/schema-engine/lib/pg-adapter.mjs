// Driver-adapter factory for the wasm schema engine, built on @prisma/adapter-pg.
//
// The wasm engine does no I/O itself: it talks to Postgres through a
// "SqlMigrationAwareDriverAdapterFactory" ({ connect(), connectToShadowDb() }).
// @prisma/adapter-pg's PrismaPg is such a factory, but using it as-is breaks
// `migrate dev`. This module wraps it and carries the workarounds:
//
//  [W1] shadow DB dropped before its pool is closed
//       PrismaPg.connectToShadowDb() disposes the shadow adapter with
//       `DROP DATABASE` *before* `pool.end()`; Postgres refuses to drop a
//       database that still has sessions ("is being accessed by other users").
//       -> createShadowAdapter(): end the shadow pool first, then
//          `DROP DATABASE ... WITH (FORCE)` from a separate short-lived client
//          (falls back to pg_terminate_backend + DROP on Postgres < 13).
//       Also: upstream builds the shadow pool as `{ ...config, database }`, but
//       with a `connectionString` config `pg` lets the connection string win, so
//       the "shadow" pool silently points at the MAIN database. We build the
//       shadow connection string explicitly instead.
//
//  [W2] Postgres "char" catalog columns fail to deserialize
//       The engine's introspection reads pg_class.relkind, pg_constraint.contype,
//       pg_attribute.attidentity ... whose type is the internal one-byte `"char"`
//       (OID 18). adapter-pg has no column-type mapping for it and throws
//       "Unsupported column type char" (the engine reports "Column type 'char'
//       could not be deserialized from the database"). pg already returns these
//       values as JS strings, so on every result we re-label such columns as
//       `text` (OID 25) before adapter-pg maps column types (CatalogSafePool),
//       and then report them to the engine as ColumnType.Character, which is
//       what the native engine produces for "char" - the schema describer reads
//       e.g. pg_constraint.contype with get_char() and panics on a Text value
//       (seen with CHECK constraints). See retypeCatalogColumns/withCharColumns.
//
//  [W3] the engine needs a shadow-DB factory for its second data-loss check
//       After applying migrations, `migrate dev` re-evaluates the migration
//       history against a shadow database; the wasm engine then asks the
//       adapter factory for one (connectToShadowDb). We always provide it:
//       a temporary `prisma_migrate_shadow_db_<uuid>` database on the same server
//       (created with CREATE DATABASE, needs CREATEDB like the native engine),
//       or the configured `datasource.shadowDatabaseUrl` (which is wiped first,
//       as the native engine does).
//
//  [W4] executeScript splits on ';'
//       adapter-pg runs scripts as `script.split(';')`, one pool query per piece:
//       that corrupts migrations containing ';' inside strings, comments or
//       function bodies ($$ ... $$), and spreads statements over different
//       pooled connections. The native engine sends the whole script as one
//       simple-protocol query (one implicit transaction). We do the same.
import crypto from 'node:crypto';
import { loadAdapterStack } from './deps.mjs';

const TEXT_OID = 25;
const CHAR_OID = 18; // "char" (pg_class.relkind, pg_constraint.contype, pg_attribute.attidentity, ...)
/**
 * Builtin types that pg returns as plain strings (no pg-types parser) but that
 * adapter-pg cannot map. All of them are safe to present as `text`.
 */
const CATALOG_TEXT_OIDS = new Set([
  CHAR_OID,
  24, // regproc
  28, // xid
  194, // pg_node_tree
  2205, // regclass
  2206, // regtype
  4089, // regnamespace
]);

/**
 * result.rows -> indexes of columns that were "char". adapter-pg's queryRaw
 * returns the very same `rows` array it got from pg, which lets the queryRaw
 * wrapper find them again without re-implementing adapter-pg's type mapping.
 */
const charColumnsByRows = new WeakMap();

/** [W2] Re-label "char"-like columns as text. Handles multi-statement results (arrays). */
export function retypeCatalogColumns(result) {
  const results = Array.isArray(result) ? result : [result];
  for (const r of results) {
    const charColumns = [];
    (r?.fields ?? []).forEach((field, i) => {
      if (!CATALOG_TEXT_OIDS.has(field.dataTypeID)) return;
      if (field.dataTypeID === CHAR_OID) charColumns.push(i);
      field.dataTypeID = TEXT_OID;
    });
    if (charColumns.length > 0 && Array.isArray(r.rows)) charColumnsByRows.set(r.rows, charColumns);
  }
  return result;
}

/** [W2] Make a queryable (adapter or transaction) report "char" columns as ColumnType.Character. */
function withCharColumns(queryable, characterColumnType) {
  const queryRaw = queryable.queryRaw.bind(queryable);
  queryable.queryRaw = async (query) => {
    const resultSet = await queryRaw(query);
    const charColumns = charColumnsByRows.get(resultSet.rows);
    if (charColumns) {
      resultSet.columnTypes = [...resultSet.columnTypes];
      for (const i of charColumns) resultSet.columnTypes[i] = characterColumnType;
    }
    return resultSet;
  };
  return queryable;
}

const PATCHED = Symbol('schemaEngineShimPatched');

function patchClient(client) {
  if (!client || client[PATCHED]) return client;
  const original = client.query;
  client.query = function patchedQuery(...args) {
    const last = args[args.length - 1];
    if (typeof last === 'function') {
      args[args.length - 1] = (err, res) => last(err, err ? res : retypeCatalogColumns(res));
      return original.apply(this, args);
    }
    const ret = original.apply(this, args);
    return ret && typeof ret.then === 'function' ? ret.then(retypeCatalogColumns) : ret;
  };
  client[PATCHED] = true;
  return client;
}

let PoolClass;
/** [W2] A pg.Pool whose clients (pooled and checked-out) return retyped results. */
function catalogSafePool(pg) {
  if (PoolClass) return PoolClass;
  PoolClass = class CatalogSafePool extends pg.Pool {
    connect(cb) {
      if (typeof cb === 'function') {
        return super.connect((err, client, release) => cb(err, err ? client : patchClient(client), release));
      }
      return super.connect().then(patchClient);
    }
  };
  return PoolClass;
}

// Query parameters understood by Prisma's native engine but not by `pg`.
const PRISMA_ONLY_PARAMS = [
  'schema',
  'connection_limit',
  'pool_timeout',
  'socket_timeout',
  'pgbouncer',
  'statement_cache_size',
  'sslaccept',
  'max_connection_lifetime',
  'max_idle_connection_lifetime',
];

function quoteIdent(name) {
  return `"${String(name).replaceAll('"', '""')}"`;
}

/**
 * Parse a Prisma-style postgres URL into what `pg` understands plus the
 * Prisma-only bits we need (`schema`).
 */
export function parsePostgresUrl(raw) {
  if (!raw) throw new Error('schema-engine shim: no datasource url (set datasource.url in prisma.config.ts)');
  const url = new URL(raw);
  if (!/^postgres(ql)?:$/.test(url.protocol)) {
    throw new Error(
      `schema-engine shim: only postgres:// / postgresql:// URLs are supported (got ${url.protocol})`,
    );
  }
  const schema = url.searchParams.get('schema') || undefined;
  const sslaccept = url.searchParams.get('sslaccept');
  for (const p of PRISMA_ONLY_PARAMS) url.searchParams.delete(p);
  if (sslaccept === 'accept_invalid_certs' && url.searchParams.get('sslmode') !== 'disable') {
    url.searchParams.set('sslmode', 'no-verify');
  }
  if (schema) {
    // Like the native engine: unqualified names resolve in `schema`.
    const options = url.searchParams.get('options');
    const searchPath = `-c search_path=${quoteIdent(schema).replaceAll(' ', '\\ ')}`;
    url.searchParams.set('options', options ? `${options} ${searchPath}` : searchPath);
  }
  const database = decodeURIComponent(url.pathname.replace(/^\//, '')) || url.username || 'postgres';
  return {
    connectionString: url.toString(),
    schema,
    database,
    host: url.hostname,
    port: url.port || '5432',
    url,
  };
}

/** Same server/credentials/params, different database. */
function withDatabase(parsed, database) {
  const url = new URL(parsed.connectionString);
  url.pathname = `/${encodeURIComponent(database)}`;
  return { ...parsed, connectionString: url.toString(), database };
}

/** Run one statement on a short-lived dedicated connection (not the engine's pool). */
async function runOnce(pg, connectionString, sql) {
  const client = new pg.Client({ connectionString });
  client.on('error', () => {});
  await client.connect();
  try {
    return await client.query(sql);
  } finally {
    await client.end().catch(() => {});
  }
}

/** [W1] Drop a database even if something still holds a session on it. */
async function dropDatabaseForce(pg, maintenanceConnectionString, database) {
  try {
    await runOnce(
      pg,
      maintenanceConnectionString,
      `DROP DATABASE IF EXISTS ${quoteIdent(database)} WITH (FORCE)`,
    );
  } catch (e) {
    if (e?.code !== '42601') throw e; // 42601 = syntax error: Postgres < 13 has no WITH (FORCE)
    await runOnce(
      pg,
      maintenanceConnectionString,
      `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '${database.replaceAll("'", "''")}' AND pid <> pg_backend_pid()`,
    );
    await runOnce(pg, maintenanceConnectionString, `DROP DATABASE IF EXISTS ${quoteIdent(database)}`);
  }
}

/**
 * @param {{ url: string, shadowDatabaseUrl?: string, log?: (level: string, message: string) => void }} opts
 */
export function createPgAdapterFactory({ url, shadowDatabaseUrl, log = () => {} }) {
  const { PrismaPg, pg, utils } = loadAdapterStack();
  const Pool = catalogSafePool(pg);
  const CHARACTER = utils.ColumnTypeEnum.Character;
  const main = parsePostgresUrl(url);
  const poolMax = Number(process.env.PRISMA_SCHEMA_ENGINE_POOL_MAX || 1);
  const livePools = new Set();
  const tempShadowDatabases = new Set();

  /** An adapter-pg adapter on its own pool, with [W2] and [W4] applied. */
  async function connectTo(target, { onDispose } = {}) {
    // One connection by default, like the native engine: the engine takes a
    // session-level advisory lock (pg_advisory_lock) and must release it on
    // the same session; with a larger pool the unlock could land elsewhere.
    const pool = new Pool({ connectionString: target.connectionString, max: poolMax });
    pool.on('error', (e) => log('WARN', `idle postgres connection error: ${e.message}`));
    livePools.add(pool);
    const factory = new PrismaPg(pool, { schema: target.schema, disposeExternalPool: true });
    const adapter = await factory.connect();

    // [W2] "char" columns as ColumnType.Character, outside and inside transactions.
    withCharColumns(adapter, CHARACTER);
    const startTransaction = adapter.startTransaction.bind(adapter);
    adapter.startTransaction = async (...args) => withCharColumns(await startTransaction(...args), CHARACTER);

    // [W4] whole script in one simple-protocol query.
    adapter.executeScript = async function executeScript(script) {
      try {
        await pool.query(script);
      } catch (error) {
        // adapter-pg's mapping keeps only a coarse "kind" (e.g. TableDoesNotExist);
        // remember the real Postgres error so a failed migration can be
        // reported like the native engine's P3018.
        factoryApi.lastScriptError = error;
        this.onError(error); // adapter-pg's own mapping to DriverAdapterError (rethrows)
      }
    };

    const dispose = adapter.dispose.bind(adapter);
    adapter.dispose = async () => {
      if (!livePools.has(pool)) return;
      livePools.delete(pool);
      await dispose(); // ends the pool (disposeExternalPool: true)
      await onDispose?.();
    };
    return adapter;
  }

  async function connectToShadowDb() {
    // [W3] configured shadow database: wipe it first (the native engine does
    // the same), refuse if it is the main database.
    if (shadowDatabaseUrl) {
      const shadow = parsePostgresUrl(shadowDatabaseUrl);
      if (shadow.host === main.host && shadow.port === main.port && shadow.database === main.database) {
        throw new Error(
          'The datasource.shadowDatabaseUrl points to the same database as datasource.url. Use a separate database for the shadow database.',
        );
      }
      const schema = shadow.schema || 'public';
      await runOnce(
        pg,
        shadow.connectionString,
        `DROP SCHEMA IF EXISTS ${quoteIdent(schema)} CASCADE; CREATE SCHEMA ${quoteIdent(schema)}`,
      );
      log('INFO', `Using configured shadow database ${shadow.database}`);
      return connectTo(shadow);
    }

    // [W3] temporary shadow database on the same server as the main one.
    const name = `prisma_migrate_shadow_db_${crypto.randomUUID()}`;
    await runOnce(pg, main.connectionString, `CREATE DATABASE ${quoteIdent(name)}`);
    tempShadowDatabases.add(name);
    log('INFO', `Created temporary shadow database ${name}`);
    try {
      return await connectTo(withDatabase(main, name), {
        // [W1] connectTo's dispose has already ended the shadow pool when this runs.
        onDispose: async () => {
          await dropDatabaseForce(pg, main.connectionString, name);
          tempShadowDatabases.delete(name);
          log('INFO', `Dropped temporary shadow database ${name}`);
        },
      });
    } catch (e) {
      await dropDatabaseForce(pg, main.connectionString, name).catch(() => {});
      tempShadowDatabases.delete(name);
      throw e;
    }
  }

  const factoryApi = {
    /** The last Postgres error raised by executeScript (used for P3018 messages). */
    lastScriptError: undefined,
    provider: 'postgres',
    adapterName: '@prisma/adapter-pg',
    connect: () => connectTo(main),
    connectToShadowDb,
    /** Close every pool and drop any temporary shadow database left behind. */
    async close() {
      await Promise.allSettled([...livePools].map((p) => p.end()));
      livePools.clear();
      for (const name of [...tempShadowDatabases]) {
        await dropDatabaseForce(pg, main.connectionString, name).catch((e) =>
          log('WARN', `could not drop temporary shadow database ${name}: ${e.message}`),
        );
        tempShadowDatabases.delete(name);
      }
    },
  };
  return factoryApi;
}

/** Helpers for the one-shot `cli can-connect-to-database|create-database|drop-database` mode. */
export async function connectionCheck(rawUrl) {
  const { pg } = loadAdapterStack();
  const target = parsePostgresUrl(rawUrl);
  await runOnce(pg, target.connectionString, 'SELECT 1');
  return target;
}

export async function createDatabase(rawUrl) {
  const { pg } = loadAdapterStack();
  const target = parsePostgresUrl(rawUrl);
  const maintenance = await pickMaintenanceDb(pg, target);
  await runOnce(pg, maintenance.connectionString, `CREATE DATABASE ${quoteIdent(target.database)}`);
  return target;
}

export async function dropDatabase(rawUrl) {
  const { pg } = loadAdapterStack();
  const target = parsePostgresUrl(rawUrl);
  const maintenance = await pickMaintenanceDb(pg, target);
  await dropDatabaseForce(pg, maintenance.connectionString, target.database);
  return target;
}

async function pickMaintenanceDb(pg, target) {
  let lastError;
  for (const db of ['postgres', 'template1']) {
    if (db === target.database) continue;
    const candidate = withDatabase(target, db);
    try {
      await runOnce(pg, candidate.connectionString, 'SELECT 1');
      return candidate;
    } catch (e) {
      lastError = e;
    }
  }
  throw lastError ?? new Error('no maintenance database reachable');
}

/**
 * Adapter factory for when prisma.config.ts has no datasource.url, e.g.
 * `migrate diff --from-empty --to-schema schema.prisma --script`. The native
 * engine needs no database for schema-only diffs, but the wasm engine wants an
 * adapter and, when it starts, runs one probe query (schema exists? server
 * version?). We answer that probe as a Postgres 16 server and refuse every other
 * statement with a clear error.
 */
export function createOfflineAdapterFactory() {
  const { utils } = loadAdapterStack();
  const T = utils.ColumnTypeEnum;
  const noDatabase = () =>
    new Error('This command needs a database, but datasource.url is not set in prisma.config.ts.');
  const adapter = () => ({
    provider: 'postgres',
    adapterName: '@prisma/adapter-pg',
    getConnectionInfo: () => ({ schemaName: undefined, supportsRelationJoins: true }),
    async queryRaw(query) {
      if (/pg_namespace/.test(query.sql) && /version\(\)/.test(query.sql)) {
        return {
          columnNames: ['exists', 'version', 'current_setting'],
          columnTypes: [T.Boolean, T.Text, T.Int32],
          rows: [[true, 'PostgreSQL 16.0 (schema-engine shim: no database configured)', 160000]],
        };
      }
      throw noDatabase();
    },
    async executeRaw() {
      throw noDatabase();
    },
    async executeScript() {
      throw noDatabase();
    },
    async startTransaction() {
      throw noDatabase();
    },
    async dispose() {},
  });
  return {
    provider: 'postgres',
    adapterName: '@prisma/adapter-pg',
    connect: async () => adapter(),
    connectToShadowDb: async () => {
      throw noDatabase();
    },
    close: async () => {},
  };
}
