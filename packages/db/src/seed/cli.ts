#!/usr/bin/env node
// Entry of `pnpm --filter @tablestack/db db:seed`; everything else is in run-cli.ts.
import { runCli } from './run-cli.js';

process.exitCode = await runCli(process.argv.slice(2), {
  env: process.env,
  stdout: process.stdout,
  stderr: process.stderr,
});
