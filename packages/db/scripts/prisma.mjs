#!/usr/bin/env node
// Runs the Prisma CLI with our offline schema engine.
//
// Why: every `prisma migrate …` command spawns a native schema-engine binary that the CLI downloads
// from Prisma's CDN, which our machines and CI cannot reach. `schema-engine/schema-engine.mjs` serves
// the same JSON-RPC protocol with the WebAssembly engine published on npm (see schema-engine/README.md).
// `prisma generate` needs no engine at all but still resolves one on start, so it goes through here too.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(join(packageDir, 'package.json'));
const prismaCli = join(dirname(require.resolve('prisma/package.json')), 'build', 'index.js');

const result = spawnSync(process.execPath, [prismaCli, ...process.argv.slice(2)], {
  cwd: packageDir,
  stdio: 'inherit',
  env: {
    ...process.env,
    PRISMA_SCHEMA_ENGINE_BINARY:
      process.env.PRISMA_SCHEMA_ENGINE_BINARY ?? join(packageDir, 'schema-engine', 'schema-engine.mjs'),
    // The CLI's update check phones home; there is nothing to reach here.
    CHECKPOINT_DISABLE: '1',
    PRISMA_HIDE_UPDATE_MESSAGE: '1',
  },
});
process.exit(result.status ?? 1);
