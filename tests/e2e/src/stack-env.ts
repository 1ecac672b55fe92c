import { readFileSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * Where the running stack is. `./stack test` exports these from .stack/test/stack.env; a test run
 * without them fails at once with a line that says how to get them, instead of timing out.
 */
function required(name: string): string {
  const value = process.env[name];
  if (!value)
    throw new Error(
      `${name} is not set: run the e2e tests through ./stack test (or export .stack/dev/stack.env)`,
    );
  return value;
}

export const stackEnv = {
  get publicUrl() {
    return required('STACK_PUBLIC_URL');
  },
  get databaseUrl() {
    return required('DATABASE_URL');
  },
  get replicaUrls() {
    return required('DATABASE_REPLICA_URLS').split(',').filter(Boolean);
  },
  get apps() {
    return required('STACK_APPS').split(',').filter(Boolean);
  },
};

/** The stack's env file as KEY=value pairs (what ./stack gives every app it starts). */
export function stackEnvFile(): Record<string, string> {
  const values: Record<string, string> = {};
  for (const line of readFileSync(required('STACK_ENV_FILE'), 'utf8').split('\n')) {
    const match = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line);
    if (match) values[match[1]!] = match[2]!;
  }
  return values;
}

/** Folder of the stack's data and logs (.stack/<mode>), next to its env file. */
export function stackDir(): string {
  return dirname(required('STACK_ENV_FILE'));
}
