#!/usr/bin/env node
// Offline drop-in for Prisma's native `schema-engine` binary (Postgres only).
//
// Why: the Prisma CLI (prisma@7.10.1) runs every `migrate`/`db` command through
// a native `schema-engine` executable that it downloads from Prisma's CDN on
// first use. This machine (and CI) can only reach the npm registry, so the
// download fails. Prisma 7.10.1 has no built-in code path that uses the
// WebAssembly schema engine with a driver adapter (Prisma 6's experimental
// `engine: 'js'` / `migrate.adapter` config options were removed; the 7.10.1
// config schema only has schema/migrations/datasource/tables/enums/views/
// typedSql/experimental), so we keep the CLI as it is and replace the binary:
//
//   PRISMA_SCHEMA_ENGINE_BINARY=<this file> prisma migrate dev|deploy|status|reset|diff ...
//
// This script speaks the same protocol as the native binary:
//   * JSON-RPC 2.0 on stdin/stdout, one JSON message per line (the CLI's
//     SchemaEngineCLI spawns us with `--datamodels <file>... --datasource <json>`);
//   * `--version`;
//   * one-shot `--datasource <json> cli can-connect-to-database|create-database|drop-database`
//     (used by the CLI's ensureDatabaseExists before migrate dev/deploy);
//   * log lines on stderr as JSON `{level, fields: {message}, target}`, which the
//     CLI collects for its error messages.
// Each RPC call is forwarded to the WebAssembly schema engine
// (@prisma/schema-engine-wasm, see lib/wasm-engine.mjs), which reaches Postgres
// through @prisma/adapter-pg wrapped with our workarounds (lib/pg-adapter.mjs).
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { loadAdapterStack } from './lib/deps.mjs';
import {
  connectionCheck,
  createDatabase,
  createOfflineAdapterFactory,
  createPgAdapterFactory,
  dropDatabase,
  parsePostgresUrl,
} from './lib/pg-adapter.mjs';
import { lastWasmPanicMessage, loadSchemaEngineWasm } from './lib/wasm-engine.mjs';

// ---------------------------------------------------------------- logging ---
// The CLI pipes our stderr and parses each line as JSON (see SchemaEngineCLI in
// prisma/build/cli.js): `fields.message` of every line is kept, and an ERROR
// line becomes the error shown if we exit abnormally. So stderr is JSON only.
const LEVELS = { TRACE: 0, DEBUG: 1, INFO: 2, WARN: 3, ERROR: 4 };
const minLevel = (() => {
  const v = String(process.env.RUST_LOG || 'info')
    .split(',')[0]
    .split('=')
    .pop()
    .toUpperCase();
  return LEVELS[v] ?? LEVELS.INFO;
})();

function log(level, message, extra = {}) {
  trace(`shim-${level}`, message);
  if ((LEVELS[level] ?? LEVELS.INFO) < minLevel) return;
  process.stderr.write(
    `${JSON.stringify({ timestamp: new Date().toISOString(), level, fields: { message, ...extra }, target: 'schema_engine_shim' })}\n`,
  );
}

// PRISMA_SCHEMA_ENGINE_SHIM_TRACE=<file>: append every RPC request/response and
// engine log line to <file> (the CLI swallows our stderr unless it crashes).
const traceFile = process.env.PRISMA_SCHEMA_ENGINE_SHIM_TRACE;
function trace(kind, payload) {
  if (!traceFile) return;
  try {
    fs.appendFileSync(
      traceFile,
      `${new Date().toISOString()} [${process.pid}] ${kind} ${typeof payload === 'string' ? payload : JSON.stringify(payload)}\n`,
    );
  } catch {}
}

/** Engine log callback: the wasm engine hands us ready-made JSON log lines. */
function forwardEngineLog(line) {
  trace('engine-log', String(line).trimEnd());
  try {
    const parsed = JSON.parse(line);
    if ((LEVELS[parsed.level] ?? LEVELS.INFO) < minLevel) return;
  } catch {
    /* not JSON: forward as-is */
  }
  process.stderr.write(`${String(line).trimEnd()}\n`);
}

// ------------------------------------------------------------------- args ---
function parseArgs(argv) {
  const out = { datamodels: [], datasource: undefined, previewFeatures: [], cli: undefined };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const next = () => argv[++i];
    if (a === '--datamodels' || a === '-d' || a === '--datamodel') out.datamodels.push(next());
    else if (a === '--datasource') out.datasource = JSON.parse(next());
    else if (a === '--enabled-preview-features') out.previewFeatures = next().split(',').filter(Boolean);
    else if (a === '--extension-types') out.extensionTypes = next();
    else if (a === '--version' || a === '-V') out.version = true;
    else if (a === '--help' || a === '-h') out.help = true;
    else if (a === 'cli') {
      out.cli = argv.slice(i + 1);
      break;
    } else log('WARN', `ignoring unknown argument ${a}`);
  }
  return out;
}

// ------------------------------------------------------------ error shapes ---
const RPC_ERROR_MESSAGE = 'An error happened. Check the data field for details.';

/** Maps node-postgres / socket errors to Prisma's P1xxx codes (like the native engine). */
function knownErrorForPg(err, url) {
  let t = {};
  try {
    t = parsePostgresUrl(url);
  } catch {}
  const at = `${t.host ?? '?'}:${t.port ?? '?'}`;
  switch (err?.code) {
    case 'ECONNREFUSED':
    case 'ENOTFOUND':
    case 'EHOSTUNREACH':
    case 'ETIMEDOUT':
      return {
        error_code: 'P1001',
        message: `Can't reach database server at \`${at}\`\n\nPlease make sure your database server is running at \`${at}\`.`,
        meta: { database_host: t.host, database_port: t.port },
      };
    case '3D000':
      return {
        error_code: 'P1003',
        message: `Database \`${t.database}\` does not exist on the database server at \`${at}\`.`,
        meta: { database_name: t.database, database_host: t.host, database_port: t.port },
      };
    case '28P01':
    case '28000':
      return {
        error_code: 'P1000',
        message: `Authentication failed against database server, the provided database credentials for \`${t.url?.username ?? ''}\` are not valid.\n\nPlease make sure to provide valid database credentials for the database server at the configured address.`,
        meta: { database_user: t.url?.username, database_host: t.host, database_port: t.port },
      };
    case '42P04':
      return {
        error_code: 'P1009',
        message: `Database \`${t.database}\` already exists on the database server at \`${at}\``,
        meta: {},
      };
    default:
      return undefined;
  }
}

/**
 * Turn whatever the wasm engine / adapter threw into the `data` object of a
 * native schema-engine JSON-RPC error: { is_panic, message, error_code?, meta? }.
 * The CLI shows `data.message`, and uses `data.error_code` (e.g. P3006, P3018)
 * for its own handling.
 */
function toErrorData(err, state) {
  if (err instanceof WebAssembly.RuntimeError || err?.name === 'RuntimeError') {
    return {
      is_panic: true,
      message: lastWasmPanicMessage() || String(err?.message ?? err),
      backtrace: err?.stack,
    };
  }
  // Errors thrown by adapter JS code are parked in the factory's error
  // registry; the engine only sees { kind: 'GenericJs', id }.
  const registry = state?.boundFactory?.errorRegistry;
  const parked = registry?.registeredErrors?.filter(Boolean) ?? [];
  if (parked.length > 0) {
    const original = parked[parked.length - 1].error;
    registry.registeredErrors.length = 0;
    const known = state?.url && knownErrorForPg(original, state.url);
    if (known) return { is_panic: false, ...known };
    return {
      is_panic: false,
      message: `${err?.message ?? err}\n\nCaused by: ${original?.message ?? original}`,
    };
  }
  const known = state?.url && knownErrorForPg(err?.cause ?? err, state.url);
  if (known) return { is_panic: false, ...known };
  const data = { is_panic: false, message: String(err?.message ?? err) };
  if (typeof err?.code === 'string' && /^P\d{4}$/.test(err.code)) data.error_code = err.code;
  if (err?.meta !== undefined) data.meta = normalize(err.meta);
  return data.error_code ? data : (asFailedMigration(data, state) ?? data);
}

/** Forget adapter errors from earlier requests so they are not blamed for the next one. */
function resetErrorState(state) {
  const parked = state?.boundFactory?.errorRegistry?.registeredErrors;
  if (Array.isArray(parked)) parked.length = 0;
  if (state?.factory) state.factory.lastScriptError = undefined;
}

/**
 * The wasm engine reports a migration script failure as a bare
 * SchemaConnectorError ("external connector error ... apply_script with
 * migration_name=..."), where the native engine returns P3018 with the
 * Postgres error. Rebuild the native shape from the Postgres error that
 * pg-adapter.mjs kept from executeScript.
 */
function asFailedMigration(data, state) {
  const m = /apply_script\s+with migration_name="([^"]+)"/.exec(data.message);
  const pgError = state?.factory?.lastScriptError;
  if (!m) return undefined;
  if (state?.factory) state.factory.lastScriptError = undefined;
  const dbCode = pgError?.code ?? 'unknown';
  const dbMessage = pgError
    ? `ERROR: ${pgError.message}${pgError.detail ? `\nDETAIL: ${pgError.detail}` : ''}`
    : data.message;
  return {
    is_panic: false,
    error_code: 'P3018',
    message:
      'A migration failed to apply. New migrations cannot be applied before the error is recovered from. ' +
      'Read more about how to resolve migration issues in a production database: https://pris.ly/d/migrate-resolve\n\n' +
      `Migration name: ${m[1]}\n\nDatabase error code: ${dbCode}\n\nDatabase error:\n${dbMessage}\n`,
    meta: { migration_name: m[1], database_error_code: dbCode, database_error: dbMessage },
  };
}

/** wasm-bindgen/serde values -> plain JSON (Maps become objects, BigInts numbers). */
function normalize(value) {
  if (value === undefined) return null;
  if (value === null || typeof value !== 'object') return typeof value === 'bigint' ? Number(value) : value;
  if (value instanceof Map) return Object.fromEntries([...value].map(([k, v]) => [k, normalize(v)]));
  if (Array.isArray(value)) return value.map(normalize);
  if (ArrayBuffer.isView(value)) return Array.from(value);
  const out = {};
  for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = normalize(v);
  return out;
}

// --------------------------------------------------------- engine session ---
function readDatamodels(paths) {
  const files = paths.map((p) => [p, fs.readFileSync(path.resolve(p), 'utf8')]);
  return files.length > 0 ? files : undefined; // the engine wants undefined or a non-empty list
}

let printId = 0;
/** Engine -> CLI `print` request (the CLI answers with `{ result: {} }`, which we ignore). */
function sendPrint(content) {
  const msg = { jsonrpc: '2.0', id: `shim-print-${++printId}`, method: 'print', params: { content } };
  trace('print', msg);
  process.stdout.write(`${JSON.stringify(msg)}\n`);
}

function createSession(args) {
  const state = { engine: undefined, factory: undefined, boundFactory: undefined, url: args.datasource?.url };
  let starting;

  async function start() {
    const wasm = await loadSchemaEngineWasm();
    log('INFO', `schema-engine shim: wasm engine ${wasm.version()} from ${wasm.wasmSource}`);
    const { utils } = loadAdapterStack();
    if (state.url) {
      state.factory = createPgAdapterFactory({
        url: state.url,
        shadowDatabaseUrl: args.datasource?.shadowDatabaseUrl,
        log,
      });
    } else {
      // No datasource.url (e.g. `migrate diff --from-empty --to-schema ...`):
      // schema-only commands still work, see createOfflineAdapterFactory.
      log('INFO', 'no datasource url: schema-only mode (no database connection)');
      state.factory = createOfflineAdapterFactory();
    }
    // The wasm engine expects an "error capturing" factory: every adapter call
    // returns { ok, value | error } instead of throwing.
    state.boundFactory = utils.bindMigrationAwareSqlAdapterFactory(state.factory);
    state.engine = await wasm.SchemaEngine.new(
      { datamodels: readDatamodels(args.datamodels) },
      forwardEngineLog,
      state.boundFactory,
    );
    return state.engine;
  }

  const engine = () => {
    starting ??= start().catch((e) => {
      starting = undefined;
      throw e;
    });
    return starting;
  };

  // JSON-RPC method -> engine call. Methods the CLI sends to the native binary
  // that the wasm engine names differently are mapped here.
  const methods = {
    getDatabaseVersion: async (p) => (await engine()).version(p ?? null),
    version: async (p) => (await engine()).version(p ?? null),
    applyMigrations: async (p) => (await engine()).applyMigrations(p),
    createMigration: async (p) => (await engine()).createMigration(p),
    dbExecute: async (p) => (await engine()).dbExecute(p),
    devDiagnostic: async (p) => (await engine()).devDiagnostic(p),
    diagnoseMigrationHistory: async (p) => (await engine()).diagnoseMigrationHistory(p),
    ensureConnectionValidity: async (p) => (await engine()).ensureConnectionValidity(p ?? {}),
    evaluateDataLoss: async (p) => (await engine()).evaluateDataLoss(p),
    introspect: async (p) => (await engine()).introspect(p),
    introspectSql: async (p) => (await engine()).introspectSql(p),
    // The native engine streams the diff to the CLI with a `print` request
    // (the CLI writes params.content to stdout, or into --output); the wasm
    // engine returns it as `stdout` instead. Re-create the native behaviour.
    diff: async (p) => {
      const result = await (await engine()).diff(p);
      if (result?.stdout != null) {
        sendPrint(result.stdout);
        result.stdout = null;
      }
      return result;
    },
    markMigrationApplied: async (p) => (await engine()).markMigrationApplied(p),
    markMigrationRolledBack: async (p) => (await engine()).markMigrationRolledBack(p),
    reset: async (p) => (await engine()).reset(p ?? { filter: { externalTables: [], externalEnums: [] } }),
    schemaPush: async (p) => (await engine()).schemaPush(p),
    debugPanic: async () => (await engine()).debugPanic(),
    // Not in the wasm engine: done directly with pg.
    createDatabase: async (p) => {
      const url = p?.datasource?.url ?? state.url;
      const t = await createDatabase(url);
      return { databaseName: t.database };
    },
  };

  async function close() {
    try {
      state.engine?.free();
    } catch {}
    state.engine = undefined;
    await state.factory?.close();
  }

  return { state, methods, close };
}

// -------------------------------------------------------------- RPC server ---
async function serveRpc(args) {
  const session = createSession(args);
  let queue = Promise.resolve();
  let poisoned = false;
  let failInFlight; // rejects the request being handled, if any

  onUncaught = (err) => {
    const panic = lastWasmPanicMessage();
    if (panic) poisoned = true; // no wasm method is safe to call after a panic
    if (failInFlight) {
      failInFlight(panic ? new WebAssembly.RuntimeError(panic) : err);
    } else {
      log('ERROR', `uncaught error outside a request: ${String(err?.stack ?? err)}`);
    }
    return true;
  };

  const send = (msg) => {
    trace('response', msg);
    process.stdout.write(`${JSON.stringify(msg)}\n`);
  };

  async function handle(line) {
    if (!line.trim()) return;
    trace('request', line);
    let req;
    try {
      req = JSON.parse(line);
    } catch (e) {
      send({ jsonrpc: '2.0', id: null, error: { code: -32700, message: `Parse error: ${e.message}` } });
      return;
    }
    // Responses to our own requests (we send none) and notifications: ignore.
    if (req.method === undefined) return;
    const fn = session.methods[req.method];
    if (!fn) {
      send({
        jsonrpc: '2.0',
        id: req.id,
        error: { code: -32601, message: `Method not found: ${req.method}` },
      });
      return;
    }
    if (poisoned) {
      send({
        jsonrpc: '2.0',
        id: req.id,
        error: {
          code: 4466,
          message: RPC_ERROR_MESSAGE,
          data: { is_panic: true, message: 'schema engine panicked earlier' },
        },
      });
      return;
    }
    const started = Date.now();
    resetErrorState(session.state);
    const failed = new Promise((_, reject) => {
      failInFlight = reject;
    });
    try {
      const result = await Promise.race([fn(req.params), failed]);
      log('DEBUG', `${req.method} ok in ${Date.now() - started}ms`);
      send({ jsonrpc: '2.0', id: req.id, result: normalize(result) });
    } catch (err) {
      const data = toErrorData(err, session.state);
      log('ERROR', data.message, data.error_code ? { error_code: data.error_code } : {});
      // For panics the CLI shows error.message (RustPanic), for the rest data.message.
      const message = data.is_panic ? data.message : RPC_ERROR_MESSAGE;
      send({ jsonrpc: '2.0', id: req.id, error: { code: 4466, message, data } });
      if (data.is_panic) poisoned = true; // no wasm method is safe to call after a panic
    } finally {
      failInFlight = undefined;
    }
  }

  let closing = false;
  async function shutdown(code) {
    if (closing) return;
    closing = true;
    setTimeout(() => process.exit(code), 10_000).unref(); // never hang the CLI on cleanup
    await queue.catch(() => {});
    await session.close().catch((e) => log('WARN', `cleanup failed: ${e.message}`));
    process.exit(code);
  }

  const rl = readline.createInterface({ input: process.stdin, crlfDelay: Number.POSITIVE_INFINITY });
  // Calls are serialized: engine methods take `&mut self`, and wasm-bindgen
  // throws "recursive use of an object" on overlapping calls.
  rl.on('line', (line) => {
    queue = queue.then(() => handle(line));
  });
  rl.on('close', () => shutdown(0));
  // The CLI's stop() ends stdin and immediately sends SIGTERM on POSIX; finish
  // cleanup (close pools, drop temporary shadow databases) before exiting.
  process.on('SIGTERM', () => shutdown(0));
  process.on('SIGINT', () => shutdown(130));
}

// ----------------------------------------------------------- one-shot cli ---
// `schema-engine --datasource '{"url":...}' cli <command>`: exit 0 on success.
// On failure the CLI reads stderr, *skips the first line*, JSON-parses every
// following line and looks for level ERROR + target "schema_engine::logger"
// with fields.error_code / fields.message (see `cx`/`yz` in prisma/build/cli.js).
async function runCli(args) {
  const [command] = args.cli;
  const url = args.datasource?.url;
  const fail = (err) => {
    const known = knownErrorForPg(err, url) ?? { error_code: 'P1000', message: String(err?.message ?? err) };
    const first = JSON.stringify({
      level: 'INFO',
      fields: { message: `Starting schema engine shim: cli ${command}` },
      target: 'schema_engine::logger',
    });
    const line = JSON.stringify({
      timestamp: new Date().toISOString(),
      level: 'ERROR',
      fields: { message: known.message, error_code: known.error_code },
      target: 'schema_engine::logger',
    });
    process.stderr.write(`${first}\n${line}`); // no trailing newline: the CLI JSON-parses every line after the first
    process.exitCode = 1;
  };
  try {
    switch (command) {
      case 'can-connect-to-database':
        await connectionCheck(url);
        process.stdout.write('Connection successful\n');
        break;
      case 'create-database': {
        const t = await createDatabase(url);
        process.stdout.write(`Database '${t.database}' was successfully created.\n`);
        break;
      }
      case 'drop-database': {
        const t = await dropDatabase(url);
        process.stdout.write(`The database '${t.database}' was successfully dropped.\n`);
        break;
      }
      default:
        fail(new Error(`unsupported cli command: ${command}`));
    }
  } catch (e) {
    fail(e);
  }
}

// ------------------------------------------------------------------- main ---
// Anything thrown before the RPC loop runs (bad arguments, missing
// dependencies) is reported as one JSON ERROR line, the format the CLI parses.
// Once the RPC loop runs, serveRpc installs `onUncaught`: a wasm panic inside an
// engine future surfaces as an uncaught exception rather than a rejected
// promise, and it is turned into the error response of the request in flight.
// (We must not exit there: prisma 7.10.1's SchemaEngineCLI.stop() waits for an
// 'exit' event with only an unref'd timer as fallback, so if the engine has
// already exited the CLI can quit silently with status 0.)
let onUncaught;
process.on('uncaughtException', (err) => {
  if (onUncaught?.(err)) return;
  const panic = lastWasmPanicMessage();
  log('ERROR', panic ? `Schema engine panicked: ${panic}` : String(err?.stack ?? err));
  process.exit(panic ? 101 : 1);
});

const args = parseArgs(process.argv.slice(2));
if (args.help) {
  process.stdout.write(
    'schema-engine (offline wasm shim)\n\n' +
      'Usage: schema-engine [--datamodels <file>]... [--datasource <json>]   JSON-RPC over stdio\n' +
      '       schema-engine --datasource <json> cli <can-connect-to-database|create-database|drop-database>\n' +
      '       schema-engine --version\n',
  );
} else if (args.version) {
  const wasm = await loadSchemaEngineWasm();
  process.stdout.write(`schema-engine-cli ${wasm.version()}\n`);
} else if (args.cli) {
  await runCli(args);
} else {
  await serveRpc(args);
}
