import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { AccessTokens, authEnvSchema } from '@tablestack/auth';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stackDir, stackEnvFile } from './stack-env.js';

// 3 gateway and 3 restaurant-service replicas behind an nginx rendered from the stack's template,
// under load; then one gateway and one restaurant-service replica are SIGKILLed. No GET may fail
// (nginx moves on to the next gateway, the gateway to the next restaurant-service replica) and no POST
// may be replayed (each one creates at most one row; every 2xx created exactly one).
//
// The replicas and the nginx are this test's own (on ports base+500.. of the stack's range, which
// ./stack leaves free), on the stack's Postgres, Redis and user-service: killing the stack's shared
// replicas would fail the e2e tests that run beside this one and leave the stack short of replicas
// for the rest of the run. Three replicas of two apps cost this test ~20 s of start-up instead of
// every ./stack test run carrying a third replica of all four apps. Its package script runs it on its
// own, after the other e2e files: its load would slow them down past their timeouts.

const root = fileURLToPath(new URL('../../..', import.meta.url));
const env = stackEnvFile();
const base = Number(env.STACK_PORT_BASE);
const REPLICAS = 3;
const gatewayPorts = Array.from({ length: REPLICAS }, (_, index) => base + 500 + index);
const restaurantPorts = Array.from({ length: REPLICAS }, (_, index) => base + 510 + index);
const nginxPort = base + 520;
const nginxDir = `${stackDir()}/replica-kill-nginx`;
const publicUrl = `http://127.0.0.1:${nginxPort}`;
const nginxBin =
  ['/usr/sbin/nginx', '/usr/local/sbin/nginx', '/usr/bin/nginx'].find((path) => existsSync(path)) ?? 'nginx';

const CONCURRENCY = 12;
// Load runs for at least this long and this many answers on each side of the kill (whichever comes
// later, within the caps): on a busy machine a fixed time can hold very few requests.
const LOAD_BEFORE_KILL_MS = 3000;
const LOAD_AFTER_KILL_MS = 6000;
const MIN_ANSWERS_EACH_SIDE = 3 * CONCURRENCY;
const MAX_SIDE_MS = 45_000;
const marker = `Kill${randomUUID().replace(/-/g, '').slice(0, 10)}`;

const processes = new Map<string, ChildProcess>();
let primary: pg.Client;
let restaurantId = '';
const admin = new AccessTokens(authEnvSchema.parse({})).issue({ userId: randomUUID(), role: 'ADMIN' });

/** One replica as ./stack starts it: the stack's env file plus its own port and instance id. */
function startApp(app: 'gateway' | 'restaurant-service', index: number, port: number): void {
  const child = spawn(process.execPath, [`apps/${app}/dist/index.js`], {
    cwd: root,
    env: {
      ...process.env,
      ...env,
      PORT: String(port),
      HOST: '127.0.0.1',
      INSTANCE_ID: `kill-test-${app}-${index}`,
      NODE_ENV: 'test',
      LOG_LEVEL: 'warn',
      GATEWAY_REPLICAS: String(REPLICAS),
      // This test is about failover, not quotas: its load must not meet the per-IP limits.
      RATE_LIMIT_ENABLED: 'false',
      RESTAURANT_SERVICE_URLS: restaurantPorts.map((p) => `http://127.0.0.1:${p}`).join(','),
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-2000);
  });
  child.once('exit', (code, signal) => {
    if (code !== null && code !== 0) console.error(`${app}-${index} exited ${code}: ${stderr}`);
    if (signal && signal !== 'SIGKILL' && signal !== 'SIGTERM')
      console.error(`${app}-${index} killed by ${signal}`);
  });
  processes.set(`${app}-${index}`, child);
}

async function waitHealthy(url: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(2000) });
      await response.arrayBuffer();
      if (response.status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`${url} did not answer 200 within ${timeoutMs} ms`);
}

/** nginx from infra/nginx/tablestack.conf.template, filled in as infra/local/lib/nginx.sh does. */
function startNginx(): void {
  rmSync(nginxDir, { recursive: true, force: true });
  mkdirSync(`${nginxDir}/logs`, { recursive: true });
  mkdirSync(`${nginxDir}/tmp`, { recursive: true });
  const servers = (ports: number[]) =>
    ports.map((port) => `        server 127.0.0.1:${port} max_fails=2 fail_timeout=5s;`).join('\n');
  const stackServers = (variable: string) =>
    servers(
      (env[variable] ?? '')
        .split(',')
        .filter(Boolean)
        .map((url) => Number(new URL(url).port)),
    );
  let conf = readFileSync(`${root}/infra/nginx/tablestack.conf.template`, 'utf8');
  conf = conf
    .replaceAll('@@USER_DIRECTIVE@@', process.getuid?.() === 0 ? 'user root;' : '')
    .replaceAll('@@NGINX_DIR@@', nginxDir)
    .replaceAll('@@LISTEN@@', `127.0.0.1:${nginxPort}`)
    .replaceAll('@@CORS_ORIGINS@@', '')
    .replaceAll('@@SERVERS_GATEWAY@@', servers(gatewayPorts))
    .replaceAll('@@SERVERS_RESTAURANT_SERVICE@@', servers(restaurantPorts))
    .replaceAll('@@SERVERS_USER_SERVICE@@', stackServers('USER_SERVICE_URLS'))
    .replaceAll('@@SERVERS_WORKER@@', stackServers('WORKER_URLS'));
  expect(conf).not.toMatch(/@@[A-Z_]+@@/);
  writeFileSync(`${nginxDir}/nginx.conf`, conf);
  const args = ['-p', `${nginxDir}/`, '-e', `${nginxDir}/logs/error.log`, '-c', `${nginxDir}/nginx.conf`];
  execFileSync(nginxBin, ['-t', ...args], { stdio: 'pipe' });
  execFileSync(nginxBin, args, { stdio: 'pipe' }); // daemonizes; the master writes nginx.pid
}

function stopNginx(): void {
  try {
    process.kill(Number(readFileSync(`${nginxDir}/nginx.pid`, 'utf8').trim()), 'SIGTERM');
  } catch {
    // not running
  }
}

interface Answer {
  method: 'GET' | 'POST';
  status: number; // 0: no HTTP answer at all
  at: number;
  name?: string;
}

/** CONCURRENCY loops of requests until `until`: mostly reads (detail and list), every 4th a create. */
async function load(until: () => boolean, answers: Answer[]): Promise<void> {
  const token = await admin;
  let sequence = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (!until()) {
        const n = sequence++;
        const post = n % 4 === 3;
        const name = `${marker} ${n}`;
        const path = post
          ? '/restaurants'
          : n % 2 === 0
            ? `/restaurants/${restaurantId}`
            : '/restaurants?city=Lisbon&pageSize=5';
        let status = 0;
        try {
          const response = await fetch(`${publicUrl}/api/v1${path}`, {
            method: post ? 'POST' : 'GET',
            headers: {
              authorization: `Bearer ${token}`,
              ...(post ? { 'content-type': 'application/json' } : {}),
            },
            body: post
              ? JSON.stringify({
                  name,
                  cuisine: 'italian',
                  city: 'Lisbon',
                  address: 'Rua K 1',
                  lat: 38.7,
                  lng: -9.1,
                  priceLevel: 2,
                })
              : undefined,
            signal: AbortSignal.timeout(20_000),
          });
          await response.arrayBuffer();
          status = response.status;
        } catch {
          status = 0;
        }
        answers.push({ method: post ? 'POST' : 'GET', status, at: Date.now(), ...(post ? { name } : {}) });
      }
    }),
  );
}

async function gatewayRetries(port: number): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  const line = text
    .split('\n')
    .find((entry) => entry.startsWith('gateway_upstream_retries_total{upstream="restaurant-service"'));
  return Number(line?.split(' ').pop() ?? 0);
}

beforeAll(async () => {
  primary = new pg.Client({ connectionString: env.DATABASE_URL });
  await primary.connect();
  const { rows } = await primary.query<{ id: string }>(
    `insert into restaurants (id, name, cuisine, city, address, lat, lng, price_level, updated_at)
     values (gen_random_uuid(), $1, 'italian', 'Lisbon', 'Rua K 0', 38.7, -9.1, 2, now()) returning id`,
    [`${marker} seed`],
  );
  restaurantId = rows[0]!.id;
  for (const [index, port] of restaurantPorts.entries()) startApp('restaurant-service', index, port);
  await Promise.all(restaurantPorts.map((port) => waitHealthy(`http://127.0.0.1:${port}/health`)));
  for (const [index, port] of gatewayPorts.entries()) startApp('gateway', index, port);
  await Promise.all(gatewayPorts.map((port) => waitHealthy(`http://127.0.0.1:${port}/ready`)));
  startNginx();
  await waitHealthy(`${publicUrl}/_nginx/health`, 10_000);
  // The seed row must be on the replicas before the load reads it there.
  await waitHealthy(`${publicUrl}/api/v1/restaurants/${restaurantId}`, 20_000);
}, 180_000);

afterAll(async () => {
  stopNginx();
  for (const child of processes.values())
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
  await Promise.all(
    [...processes.values()].map(
      (child) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          const timer = setTimeout(() => {
            child.kill('SIGKILL');
            resolve();
          }, 15_000);
          child.once('exit', () => {
            clearTimeout(timer);
            resolve();
          });
        }),
    ),
  );
  if (primary) {
    await primary.query('delete from restaurants where name like $1', [`${marker} %`]);
    await primary.end();
  }
}, 60_000);

describe('killing replicas under load', () => {
  it('loses no GET and replays no POST when a gateway and a restaurant-service replica are SIGKILLed', async () => {
    const answers: Answer[] = [];
    let stop = false;
    const running = load(() => stop, answers);
    const waitFor = async (minMs: number, enough: () => boolean) => {
      const start = Date.now();
      while (Date.now() - start < MAX_SIDE_MS && (Date.now() - start < minMs || !enough()))
        await new Promise((resolve) => setTimeout(resolve, 100));
    };

    await waitFor(LOAD_BEFORE_KILL_MS, () => answers.length >= MIN_ANSWERS_EACH_SIDE);
    const killedAt = Date.now();
    processes.get('gateway-1')!.kill('SIGKILL');
    processes.get('restaurant-service-1')!.kill('SIGKILL');
    await waitFor(
      LOAD_AFTER_KILL_MS,
      () =>
        answers.filter((answer) => answer.at > killedAt && answer.method === 'GET').length >=
        MIN_ANSWERS_EACH_SIDE,
    );
    stop = true;
    await running;

    const gets = answers.filter((answer) => answer.method === 'GET');
    const posts = answers.filter((answer) => answer.method === 'POST');
    const before = answers.filter((answer) => answer.at < killedAt);
    const after = answers.filter((answer) => answer.at > killedAt);
    // There was load on both sides of the kill, and the killed gateway was serving before it.
    expect(before.length).toBeGreaterThanOrEqual(MIN_ANSWERS_EACH_SIDE);
    expect(after.filter((answer) => answer.method === 'GET').length).toBeGreaterThanOrEqual(
      MIN_ANSWERS_EACH_SIDE,
    );
    const log = readFileSync(`${nginxDir}/logs/access.log`, 'utf8');
    expect(log).toContain(`"upstream":"127.0.0.1:${gatewayPorts[1]}"`);

    // No GET lost.
    const failedGets = gets.filter((answer) => answer.status !== 200);
    expect(failedGets.map((answer) => `${answer.status} at +${answer.at - killedAt} ms`)).toEqual([]);

    // No POST replayed: at most one row per POST, exactly one for every 201.
    const { rows } = await primary.query<{ name: string; n: number }>(
      'select name, count(*)::int as n from restaurants where name like $1 and name <> $2 group by name',
      [`${marker} %`, `${marker} seed`],
    );
    const created = new Map(rows.map((row) => [row.name, row.n]));
    expect([...created].filter(([, n]) => n > 1)).toEqual([]);
    const ok = posts.filter((answer) => answer.status === 201);
    expect(ok.length).toBeGreaterThan(0);
    for (const answer of ok) expect(created.get(answer.name!), answer.name).toBe(1);
    expect(rows.length).toBeLessThanOrEqual(posts.length);
    // A POST that was in flight on a killed replica may fail (502) and may or may not have its row:
    // the client cannot tell, and that is why it is not retried for it.
    const failedPosts = posts.filter((answer) => answer.status !== 201);
    for (const answer of failedPosts) expect([0, 502, 503, 504]).toContain(answer.status);

    // The surviving gateways sent reads that met the dead restaurant-service replica to another one.
    const retries = (await Promise.all([gatewayPorts[0]!, gatewayPorts[2]!].map(gatewayRetries))).reduce(
      (a, b) => a + b,
      0,
    );
    expect(retries).toBeGreaterThan(0);

    console.info(
      `replica kill: ${gets.length} GETs (${failedGets.length} failed), ${posts.length} POSTs (${ok.length} created, ` +
        `${failedPosts.length} failed: ${JSON.stringify(failedPosts.map((answer) => answer.status))}), ` +
        `${rows.length} rows, ${retries} gateway retries to another restaurant-service replica`,
    );
  }, 150_000);
});
