// Dependency resolution for the schema-engine shim.
//
// Why not plain `import '@prisma/adapter-pg'`?
//  - The Prisma CLI spawns this script with `cwd` set to the project that holds
//    prisma.config.ts, and the script itself may live in a different package
//    (packages/db/schema-engine) than the one whose node_modules has the deps
//    (e.g. a scratch project in /tmp during smoke tests). So we look in the
//    script's own folder first and then in the working directory.
//  - `pg` and `@prisma/driver-adapter-utils` are resolved *from
//    @prisma/adapter-pg's own location*, so that we use the exact same module
//    instances the adapter uses. PrismaPg checks `pool instanceof pg.Pool`; a
//    second copy of `pg` (possible under pnpm) would silently break that check.
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));

function baseRequires() {
  const bases = [path.join(here, '..')];
  // Extra folders to resolve from (path-delimited), e.g. a scratch install in
  // /tmp when the shim is used outside packages/db.
  const extra = process.env.PRISMA_SCHEMA_ENGINE_SHIM_RESOLVE_FROM;
  if (extra)
    bases.push(
      ...extra
        .split(path.delimiter)
        .filter(Boolean)
        .map((p) => path.resolve(p)),
    );
  bases.push(process.cwd());
  if (process.env.INIT_CWD) bases.push(process.env.INIT_CWD);
  return bases.map((b) => createRequire(path.join(b, '__schema_engine_shim__.js')));
}

/** Resolve a module specifier to an absolute path, trying every base folder. */
export function resolveModule(specifier) {
  const errors = [];
  for (const req of baseRequires()) {
    try {
      return req.resolve(specifier);
    } catch (e) {
      errors.push(e.message.split('\n')[0]);
    }
  }
  const err = new Error(
    `schema-engine shim: cannot resolve "${specifier}" from ${path.join(here, '..')}, ` +
      `$PRISMA_SCHEMA_ENGINE_SHIM_RESOLVE_FROM or ${process.cwd()}.\n` +
      'Its dependencies (see packages/db/schema-engine/package.json) must be installed in packages/db.\n' +
      errors.join('\n'),
  );
  err.code = 'SHIM_MISSING_DEPENDENCY';
  throw err;
}

/** Like resolveModule but returns undefined instead of throwing. */
export function tryResolveModule(specifier) {
  try {
    return resolveModule(specifier);
  } catch {
    return undefined;
  }
}

let cached;
/**
 * Load the CommonJS builds of the adapter stack, all from one place.
 * @returns {{ PrismaPg: any, pg: any, utils: any, adapterPgPath: string }}
 */
export function loadAdapterStack() {
  if (cached) return cached;
  const adapterPgPath = resolveModule('@prisma/adapter-pg');
  const fromAdapter = createRequire(adapterPgPath);
  const { PrismaPg } = fromAdapter(adapterPgPath);
  const pg = fromAdapter('pg');
  const utils = fromAdapter('@prisma/driver-adapter-utils');
  cached = { PrismaPg, pg, utils, adapterPgPath };
  return cached;
}

/** Dynamic import of an ESM file by absolute path. */
export function importPath(absPath) {
  return import(pathToFileURL(absPath).href);
}
