// Loads Prisma's schema engine compiled to WebAssembly.
//
// The npm package @prisma/schema-engine-wasm ships `schema_engine.js`, which does
// `import * as wasm from "./schema_engine_bg.wasm"` (needs
// --experimental-wasm-modules). We avoid that by importing only the
// wasm-bindgen glue (`schema_engine_bg.js`, exported as
// "@prisma/schema-engine-wasm/schema_engine_bg"), compiling the .wasm bytes
// ourselves and wiring them together with `__wbg_set_wasm`.
//
// Which .wasm binary?
//   prisma@7.10.1 is built against engines commit d1b3f377ca835d73fd50954a5e22128b9ebdd6b8,
//   but @prisma/schema-engine-wasm was never published for that commit. The
//   `prisma` package itself, however, ships exactly that build as
//   `prisma/build/schema_engine_bg.wasm` (nothing in the 7.10.1 CLI loads it).
//   The wasm-bindgen glue is byte-identical across the 7.10.0-x / 8.1.0-x
//   publishes, so we prefer (in order):
//     1. $PRISMA_SCHEMA_ENGINE_WASM (explicit override, a path to a .wasm file)
//     2. prisma/build/schema_engine_bg.wasm (same commit as the CLI)
//     3. the .wasm inside @prisma/schema-engine-wasm (8.1.0-2.59be4fda…)
//   A candidate is used only if every import it needs is exported by the glue,
//   so a future prisma upgrade with an incompatible bundled build falls back to
//   the pinned npm package instead of crashing.
import fs from 'node:fs';
import path from 'node:path';
import { importPath, resolveModule, tryResolveModule } from './deps.mjs';

const GLUE_MODULE = './schema_engine_bg.js';

/**
 * Rust panics inside the wasm call `global.PRISMA_WASM_PANIC_REGISTRY.set_message()`
 * before trapping with "RuntimeError: unreachable". Without this object the
 * panic reason would be lost (and the glue would throw a TypeError instead).
 */
class WasmPanicRegistry {
  message = '';
  get() {
    return this.message;
  }
  set_message(message) {
    this.message = `RuntimeError: ${message}`;
  }
}

function candidateWasmFiles(gluePath) {
  const list = [];
  if (process.env.PRISMA_SCHEMA_ENGINE_WASM) {
    list.push({
      source: 'env PRISMA_SCHEMA_ENGINE_WASM',
      file: path.resolve(process.env.PRISMA_SCHEMA_ENGINE_WASM),
    });
  }
  const prismaPkg = tryResolveModule('prisma/package.json');
  if (prismaPkg) {
    list.push({
      source: 'prisma/build',
      file: path.join(path.dirname(prismaPkg), 'build', 'schema_engine_bg.wasm'),
    });
  }
  list.push({
    source: '@prisma/schema-engine-wasm',
    file: path.join(path.dirname(gluePath), 'schema_engine_bg.wasm'),
  });
  return list;
}

/**
 * @returns {Promise<{ SchemaEngine: any, version: () => string, wasmFile: string, wasmSource: string }>}
 */
export async function loadSchemaEngineWasm() {
  globalThis.PRISMA_WASM_PANIC_REGISTRY ??= new WasmPanicRegistry();

  const gluePath = resolveModule('@prisma/schema-engine-wasm/schema_engine_bg');
  const glue = await importPath(gluePath);

  const problems = [];
  for (const { source, file } of candidateWasmFiles(gluePath)) {
    if (!fs.existsSync(file)) {
      problems.push(`${source}: ${file} does not exist`);
      continue;
    }
    let module;
    try {
      module = new WebAssembly.Module(fs.readFileSync(file));
    } catch (e) {
      problems.push(`${source}: ${file} is not valid wasm (${e.message})`);
      continue;
    }
    const missing = WebAssembly.Module.imports(module).filter(
      (imp) => imp.module !== GLUE_MODULE || typeof glue[imp.name] !== 'function',
    );
    if (missing.length > 0) {
      problems.push(
        `${source}: ${file} needs imports the glue lacks (${missing.map((m) => m.name).join(', ')})`,
      );
      continue;
    }
    const instance = new WebAssembly.Instance(module, { [GLUE_MODULE]: glue });
    glue.__wbg_set_wasm(instance.exports);
    instance.exports.__wbindgen_start();
    return { SchemaEngine: glue.SchemaEngine, version: glue.version, wasmFile: file, wasmSource: source };
  }
  throw new Error(`schema-engine shim: no usable schema engine wasm found:\n  ${problems.join('\n  ')}`);
}

/** The panic message registered by the last Rust panic, if any. */
export function lastWasmPanicMessage() {
  return globalThis.PRISMA_WASM_PANIC_REGISTRY?.get?.() ?? '';
}
