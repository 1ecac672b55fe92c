// Extra instances of the stack's own apps (their built dist/index.js, as ./stack starts them) with a
// few variables changed: a gateway whose limits cannot be reached, one without limits, a
// restaurant-service without cache. They use the stack's Postgres and Redis; only their port is
// their own (ephemeral).

import { join } from 'node:path';
import { type Started, startProcess } from './child-process.js';
import { freePort } from './free-port.js';
import { repoRoot, type StackEnv } from './stack-env.js';

export type AppName = 'gateway' | 'restaurant-service' | 'user-service';

export interface AppOptions {
  app: AppName;
  instance: string;
  stack: StackEnv;
  env?: Record<string, string>;
  nodeArgs?: string[];
  logFile?: string;
}

export async function startApp(options: AppOptions): Promise<Started> {
  const port = await freePort();
  return startProcess({
    name: `${options.app} ${options.instance}`,
    command: process.execPath,
    args: [...(options.nodeArgs ?? []), join(repoRoot, 'apps', options.app, 'dist', 'index.js')],
    cwd: repoRoot,
    env: {
      ...options.stack.vars,
      PORT: String(port),
      HOST: '127.0.0.1',
      INSTANCE_ID: `${options.app}-${options.instance}`,
      NODE_ENV: 'development',
      LOG_LEVEL: 'info',
      ...options.env,
    },
    port,
    healthUrl: `http://127.0.0.1:${port}/health`,
    ...(options.logFile ? { logFile: options.logFile } : {}),
  });
}

/** Requests per minute no benchmark reaches: the limiter runs (Redis round trip and all) but never refuses. */
export const UNREACHABLE_LIMITS: Record<string, string> = Object.fromEntries(
  ['PUBLIC_READ', 'AUTHENTICATED_READ', 'PUBLIC_WRITE', 'AUTHENTICATED_WRITE', 'SEARCH', 'ADMIN'].map(
    (name) => [`RATE_LIMIT_${name}`, '1000000'],
  ),
);
