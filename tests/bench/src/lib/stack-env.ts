// The running stack's env file (written by ./stack up), loaded into process.env unless the caller
// already loaded it (`set -a; . "$(./stack env)"; set +a`). Both commands need the URLs of the stack's
// servers and nothing else, so they read them here, once.

import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));

export interface StackEnv {
  envFile: string;
  publicUrl: string;
  databaseUrl: string;
  replicaUrls: string[];
  redisUrl: string;
  restaurantUrls: string[];
  userUrls: string[];
  gatewayUrls: string[];
  workerUrls: string[];
  portBase: number;
  /** Every variable of the env file, for child processes built from the stack's own apps. */
  vars: Record<string, string>;
}

function parseEnvFile(text: string): Record<string, string> {
  const vars: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const match = /^([A-Z0-9_]+)=(.*)$/.exec(line.trim());
    if (match) vars[match[1]!] = match[2]!;
  }
  return vars;
}

const list = (value: string | undefined) =>
  (value ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);

/** Reads STACK_ENV_FILE (else .stack/dev/stack.env); exits with 2 and one line when there is none. */
export function loadStackEnv(command: string): StackEnv {
  const envFile = process.env.STACK_ENV_FILE ?? `${repoRoot}.stack/dev/stack.env`;
  if (!existsSync(envFile)) {
    process.stderr.write(
      `${command}: no stack env file at ${envFile}: run ./stack up first (or set STACK_ENV_FILE)\n`,
    );
    process.exit(2);
  }
  const vars = parseEnvFile(readFileSync(envFile, 'utf8'));
  const get = (name: string) => process.env[name] ?? vars[name];
  const required = [
    'STACK_PUBLIC_URL',
    'DATABASE_URL',
    'REDIS_URL',
    'RESTAURANT_SERVICE_URLS',
    'USER_SERVICE_URLS',
  ];
  const missing = required.filter((name) => !get(name));
  if (missing.length > 0) {
    process.stderr.write(`${command}: ${envFile} lacks ${missing.join(', ')}: run ./stack up again\n`);
    process.exit(2);
  }
  return {
    envFile,
    publicUrl: get('STACK_PUBLIC_URL')!,
    databaseUrl: get('DATABASE_URL')!,
    replicaUrls: list(get('DATABASE_REPLICA_URLS')),
    redisUrl: get('REDIS_URL')!,
    restaurantUrls: list(get('RESTAURANT_SERVICE_URLS')),
    userUrls: list(get('USER_SERVICE_URLS')),
    gatewayUrls: list(get('GATEWAY_URLS')),
    workerUrls: list(get('WORKER_URLS')),
    portBase: Number(get('STACK_PORT_BASE') ?? 55000),
    vars,
  };
}
