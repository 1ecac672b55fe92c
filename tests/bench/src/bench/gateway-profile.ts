// Where a gateway's CPU goes under load: one more gateway (limits on, unreachable) started with
// --cpu-prof, loaded directly on the cached detail route for one phase, stopped (the profile is
// written on exit), and summarised by package and by function.

import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startApp, UNREACHABLE_LIMITS } from '../lib/app-processes.js';
import { type CpuProfile, type ProfileSummary, summarizeProfile } from '../lib/cpu-profile.js';
import { type LoadResult, runLoad } from '../lib/load.js';
import type { StackEnv } from '../lib/stack-env.js';
import { urlOf } from './topology.js';

export interface GatewayProfile {
  route: string;
  load: LoadResult;
  summary: ProfileSummary;
}

export async function profileGateway(
  stack: StackEnv,
  path: string,
  connections: number,
  durationMs: number,
): Promise<GatewayProfile> {
  const dir = await mkdtemp(join(tmpdir(), 'tablestack-gateway-prof-'));
  try {
    const gateway = await startApp({
      app: 'gateway',
      instance: 'bench-profile',
      stack,
      nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${dir}`],
      logFile: join(dir, 'gateway.log'),
      env: {
        USER_SERVICE_URLS: stack.userUrls.join(','),
        RESTAURANT_SERVICE_URLS: stack.restaurantUrls.join(','),
        ...UNREACHABLE_LIMITS,
      },
    });
    const target = { urls: [urlOf(gateway)], path: `/api/v1${path}` };
    await runLoad(target, { connections, durationMs: 1000 });
    const load = await runLoad(target, { connections, durationMs });
    // Let the last requests autocannon cut off settle before the drain starts.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    await gateway.stop('SIGTERM');
    const file = (await readdir(dir)).find((name) => name.endsWith('.cpuprofile'));
    if (!file) {
      const tail = (await readFile(join(dir, 'gateway.log'), 'utf8').catch(() => ''))
        .trim()
        .split('\n')
        .slice(-3)
        .map((line) => line.slice(0, 300));
      throw new Error(
        `the profiled gateway wrote no .cpuprofile (did it exit cleanly?): ${tail.join(' / ')}`,
      );
    }
    const profile = JSON.parse(await readFile(join(dir, file), 'utf8')) as CpuProfile;
    // The load phase, the second of settling and the shutdown; not the start-up and its warm-up.
    return { route: `GET /api/v1${path}`, load, summary: summarizeProfile(profile, 15, durationMs + 1500) };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
