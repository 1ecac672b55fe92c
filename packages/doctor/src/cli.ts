#!/usr/bin/env node
// ./stack doctor: reads the stack's env file, runs the checklist, prints it; exit 1 on any fail.
import { parseArgs } from 'node:util';
import { doctorEnvSchema } from './doctor-env.js';
import { readEnvFile } from './env-file.js';
import { formatReport } from './report.js';
import { runDoctor } from './run-doctor.js';

const usage = 'usage: tablestack-doctor [--env-file <stack.env>] [--json]   (default: $STACK_ENV_FILE)';

async function main(): Promise<number> {
  let args: { 'env-file'?: string; json?: boolean; help?: boolean };
  try {
    args = parseArgs({
      options: {
        'env-file': { type: 'string' },
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    }).values;
  } catch (error) {
    process.stderr.write(`doctor: ${(error as Error).message}\n${usage}\n`);
    return 2;
  }
  if (args.help) {
    process.stdout.write(`${usage}\n`);
    return 0;
  }
  const file = args['env-file'] ?? process.env.STACK_ENV_FILE;
  if (!file) {
    process.stderr.write(
      `doctor: no env file: pass --env-file or set STACK_ENV_FILE (./stack doctor does)\n`,
    );
    return 2;
  }
  let fileValues: Record<string, string>;
  try {
    fileValues = readEnvFile(file);
  } catch (error) {
    process.stderr.write(`doctor: cannot read ${file}: ${(error as Error).message}\n`);
    return 2;
  }
  // The file says where the stack is and wins; what it does not hold (NODE_ENV, the secrets the apps
  // inherited from ./stack's environment, the DOCTOR_* thresholds) comes from the process env.
  const parsed = doctorEnvSchema.safeParse({ ...process.env, ...fileValues });
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    process.stderr.write(`doctor: invalid environment: ${issue.path.join('.')}: ${issue.message}\n`);
    return 2;
  }
  const env = parsed.data;
  const report = await runDoctor(env);
  if (args.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  else {
    const replicas = Math.max(env.GATEWAY_URLS.length, env.RESTAURANT_SERVICE_URLS.length);
    process.stdout.write(
      `${formatReport(report, `tablestack doctor: ${env.STACK_MODE} stack, ${replicas} replica(s) per app, NODE_ENV=${env.NODE_ENV}`)}\n`,
    );
  }
  return report.failed > 0 ? 1 : 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: Error) => {
    process.stderr.write(`doctor: ${error.message}\n`);
    process.exitCode = 2;
  },
);
