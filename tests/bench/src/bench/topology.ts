// Every process the bench starts besides the stack's own: the ceiling servers, the naive baseline,
// and the full path (nginx with the stack's template → gateway replicas → the stack's
// restaurant-service and user-service replicas) twice: with the rate limiter on (limits nobody
// reaches, so every request still pays for its Redis round trip) and off. The stack's own gateway is
// not measured on /api/v1: its limits (100 reads/min per IP) would turn the bench into a 429 count.

import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startApp, UNREACHABLE_LIMITS } from '../lib/app-processes.js';
import { type Started, startProcess } from '../lib/child-process.js';
import { freePort } from '../lib/free-port.js';
import { startNginx } from '../lib/nginx.js';
import type { StackEnv } from '../lib/stack-env.js';

const packageDir = fileURLToPath(new URL('../../', import.meta.url));
const server = (name: string) => join(packageDir, 'src', 'servers', `${name}.ts`);
const hostPort = (started: Started) => `127.0.0.1:${started.port}`;
export const urlOf = (started: Started) => `http://${hostPort(started)}`;

async function startTsServer(name: string, env: Record<string, string>): Promise<Started> {
  const port = await freePort();
  return startProcess({
    name,
    command: process.execPath,
    args: ['--import', 'tsx', server(name)],
    cwd: packageDir,
    env: { ...env, PORT: String(port), NODE_ENV: 'production' },
    port,
    healthUrl: `http://127.0.0.1:${port}/health`,
  });
}

export interface Topology {
  bare: Started;
  express: Started;
  nginxBare: Started;
  naive: Started;
  fullPath: Started;
  fullPathNoLimits: Started;
  gateways: Started[];
}

/** The stack's replicas behind the /_ops upstreams of the template (host:port lists). */
function opsUpstreams(stack: StackEnv): Record<string, string[]> {
  const hosts = (urls: string[]) => urls.map((url) => new URL(url).host);
  return {
    USER_SERVICE: hosts(stack.userUrls),
    RESTAURANT_SERVICE: hosts(stack.restaurantUrls),
    WORKER: hosts(stack.workerUrls),
  };
}

async function startGateways(
  stack: StackEnv,
  label: string,
  env: Record<string, string>,
): Promise<Started[]> {
  const replicas = Math.max(1, stack.gatewayUrls.length);
  const gateways: Started[] = [];
  for (let i = 0; i < replicas; i++) {
    gateways.push(
      await startApp({
        app: 'gateway',
        instance: `bench-${label}-${i}`,
        stack,
        env: {
          USER_SERVICE_URLS: stack.userUrls.join(','),
          RESTAURANT_SERVICE_URLS: stack.restaurantUrls.join(','),
          GATEWAY_REPLICAS: String(replicas),
          ...env,
        },
      }),
    );
  }
  return gateways;
}

export async function startTopology(stack: StackEnv, bodyFile: string): Promise<Topology> {
  const bare = await startTsServer('bare-server', { BODY_FILE: bodyFile });
  const express = await startTsServer('express-server', { BODY_FILE: bodyFile });
  const nginxBare = await startNginx({ name: 'nginx-bare', config: 'template', upstreams: [hostPort(bare)] });
  // The naive baseline has its own minimal Express service, so it shares no process with the others.
  const naiveService = await startTsServer('express-server', { BODY_FILE: bodyFile });
  const naiveGateway = await startTsServer('naive-gateway', { TARGET_URL: urlOf(naiveService) });
  const naive = await startNginx({
    name: 'nginx-naive',
    config: 'naive',
    upstreams: [hostPort(naiveGateway)],
  });

  const limited = await startGateways(stack, 'limits', UNREACHABLE_LIMITS);
  const unlimited = await startGateways(stack, 'no-limits', { RATE_LIMIT_ENABLED: 'false' });
  const ops = opsUpstreams(stack);
  const fullPath = await startNginx({
    name: 'nginx-full',
    config: 'template',
    upstreams: limited.map(hostPort),
    ops,
  });
  const fullPathNoLimits = await startNginx({
    name: 'nginx-full-no-limits',
    config: 'template',
    upstreams: unlimited.map(hostPort),
    ops,
  });
  return { bare, express, nginxBare, naive, fullPath, fullPathNoLimits, gateways: limited };
}
