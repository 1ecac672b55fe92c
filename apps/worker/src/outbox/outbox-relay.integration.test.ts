import type { Database } from '@tablestack/db';
import type { RedisConnections } from '@tablestack/redis-client';
import { TcpFaultProxy } from '@tablestack/test-tooling';
import { Queue } from 'bullmq';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  deleteKeys,
  eventually,
  logger,
  openDatabase,
  openRedis,
  requireEnv,
  uniqueId,
} from '../../test/support.js';
import { OutboxRelay, type OutboxRelayOptions } from './outbox-relay.js';

const db: Database = openDatabase();
const userId = '3f1c2b4a-9d8e-4f7a-8b6c-5d4e3f2a1b0c';
const cleanups: Array<() => Promise<unknown>> = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});
afterAll(() => db.close());

/**
 * A relay over a namespace of its own: its outbox route (`email~<id>`) is a queue value no other
 * relay serves, and its BullMQ queue lives under a unique prefix.
 */
function setUp(label: string, redis?: RedisConnections, options: Partial<OutboxRelayOptions> = {}) {
  const id = uniqueId(label);
  const route = `email~${id}`;
  const connections = redis ?? openRedis(id);
  const queue = new Queue('email', { connection: connections.queue, prefix: connections.queuePrefix });
  queue.on('error', () => {});
  const relay = new OutboxRelay({
    db,
    routes: new Map([[route, queue]]),
    isRedisReady: () => connections.queue.status === 'ready',
    logger,
    pollIntervalMs: 50,
    publishTimeoutMs: 500,
    retry: { baseMs: 200, maxMs: 400 },
    ...options,
  });
  cleanups.push(async () => {
    await relay.stop();
    await db.primary().outbox.deleteMany({ where: { queue: route } });
    await queue.obliterate({ force: true }).catch(() => {});
    await queue.close();
    if (!redis) await connections.close();
  });
  const addRows = (count: number, payload: object = { userId, email: 'a@example.com', name: 'A' }) =>
    db.primary().outbox.createManyAndReturn({
      data: Array.from({ length: count }, () => ({ queue: route, jobName: 'welcome', payload })),
      select: { id: true },
    });
  const rows = () => db.primary().outbox.findMany({ where: { queue: route } });
  return { id, route, queue, relay, connections, addRows, rows };
}

describe('OutboxRelay against real Postgres and Redis', () => {
  beforeAll(() => db.health());

  it('publishes a pending row with the outbox id as job id and marks it SENT', async () => {
    const { queue, relay, addRows, rows } = setUp('publish');
    await eventually('redis', () => true);
    const [row] = await addRows(1);
    const result = await eventually('a poll that claims the row', async () => {
      const polled = await relay.relayOnce();
      return polled.claimed > 0 && polled;
    });
    expect(result).toEqual({ claimed: 1, sent: 1, retried: 0, invalid: 0 });
    const job = await queue.getJob(row!.id);
    expect(job).toMatchObject({ id: row!.id, name: 'welcome', data: { userId, email: 'a@example.com' } });
    expect(await rows()).toMatchObject([{ status: 'SENT', attempts: 1, lastError: null }]);
    expect((await rows())[0]!.sentAt).toBeInstanceOf(Date);
  });

  it('publishes a row again as a no-op (crash between publish and commit): still one job', async () => {
    const { queue, relay, addRows, route } = setUp('idempotent');
    const [row] = await addRows(1);
    await eventually('sent', async () => (await relay.relayOnce()).sent === 1);
    // As if the relay had crashed before committing: the row is PENDING again.
    await db.primary().outbox.update({ where: { id: row!.id }, data: { status: 'PENDING', sentAt: null } });
    expect(await relay.relayOnce()).toMatchObject({ claimed: 1, sent: 1 });
    expect(await queue.getJobCounts('waiting')).toMatchObject({ waiting: 1 });
    expect(await db.primary().outbox.count({ where: { queue: route, status: 'SENT' } })).toBe(1);
  });

  it('marks a row with an invalid payload FAILED without publishing it', async () => {
    const { queue, relay, addRows, rows } = setUp('invalid');
    await addRows(1, { userId: 'not-a-guid', email: 'nope' });
    await eventually('claimed', async () => (await relay.relayOnce()).invalid === 1);
    expect(await rows()).toMatchObject([{ status: 'FAILED', attempts: 1 }]);
    expect((await rows())[0]!.lastError).toMatch(/invalid job email\/welcome/);
    expect(await queue.getJobCounts('waiting')).toMatchObject({ waiting: 0 });
  });

  it('leaves rows of routes it does not serve alone', async () => {
    const { relay } = setUp('routes');
    const other = setUp('other');
    await other.addRows(2);
    await eventually('redis', () => relay.relayOnce().then(() => true));
    expect(await other.rows()).toMatchObject([{ status: 'PENDING' }, { status: 'PENDING' }]);
  });

  it('shares the work between concurrent relays: every row published exactly once', async () => {
    const first = setUp('concurrent');
    const redis = openRedis(`${first.id}-b`);
    cleanups.push(() => redis.close());
    // Two more relays on the same route and queue, each with its own connection, like other replicas.
    const others = [0, 1].map(() => {
      const queue = new Queue('email', { connection: redis.queue, prefix: first.connections.queuePrefix });
      cleanups.push(() => queue.close());
      return new OutboxRelay({
        db,
        routes: new Map([[first.route, queue]]),
        isRedisReady: () => redis.queue.status === 'ready',
        logger,
        batchSize: 25,
      });
    });
    await redis.whenReady('queue', 2000);
    await first.connections.whenReady('queue', 2000);
    await first.addRows(300);
    const relays = [first.relay, ...others];
    const totals = await Promise.all(
      relays.map(async (relay) => {
        let sent = 0;
        for (let polls = 0; polls < 100; polls++) {
          const result = await relay.relayOnce();
          sent += result.sent;
          if (result.claimed === 0) break;
        }
        return sent;
      }),
    );
    expect(totals.reduce((a, b) => a + b, 0)).toBe(300);
    expect(totals.filter((sent) => sent > 0).length).toBeGreaterThan(1);
    expect(await first.queue.getJobCounts('waiting')).toMatchObject({ waiting: 300 });
    expect(await db.primary().outbox.count({ where: { queue: first.route, status: 'SENT' } })).toBe(300);
  });

  describe('with Redis unreachable', () => {
    let proxy: TcpFaultProxy;
    beforeAll(async () => {
      const target = new URL(requireEnv('REDIS_URL'));
      proxy = await new TcpFaultProxy({
        target: { host: target.hostname, port: Number(target.port) },
      }).start();
    });
    afterAll(() => proxy.stop());

    it('keeps rows PENDING, backs off when a publication hangs, and sends them all once Redis is back', async () => {
      proxy.setMode('pass');
      const redis = openRedis(uniqueId('outage'), proxy.rewrite(requireEnv('REDIS_URL')));
      const { relay, addRows, rows, queue } = setUp('outage', redis);
      cleanups.push(async () => {
        proxy.setMode('pass');
        await deleteKeys(openedAdmin(), `${redis.queuePrefix}:*`);
        await redis.close();
      });
      await redis.whenReady('queue', 2000);

      // Refused: the connection is down, so the relay leaves the rows untouched.
      proxy.setMode('refuse');
      await eventually('the connection to notice', () => redis.queue.status !== 'ready');
      const created = await addRows(3);
      expect(await relay.relayOnce()).toEqual({ claimed: 0, sent: 0, retried: 0, invalid: 0 });
      expect(await rows()).toMatchObject([{ status: 'PENDING', attempts: 0 }, { status: 'PENDING' }, {}]);

      // Black hole: the connection looks up but nothing answers. The publication times out and the
      // rows are retried later, with attempts, the error and a later availableAt recorded.
      proxy.setMode('pass');
      await redis.whenReady('queue', 5000);
      proxy.setMode('blackhole');
      const before = Date.now();
      expect(await relay.relayOnce()).toMatchObject({ claimed: 3, sent: 0, retried: 3 });
      for (const row of await rows()) {
        expect(row).toMatchObject({ status: 'PENDING', attempts: 1 });
        expect(row.lastError).toMatch(/took over 500 ms/);
        expect(row.availableAt.getTime()).toBeGreaterThan(before);
      }

      // Redis comes back (the cut connections reconnect), the running relay sends everything.
      proxy.setMode('refuse');
      relay.start();
      await new Promise((resolve) => setTimeout(resolve, 300));
      proxy.setMode('pass');
      await eventually('all rows SENT', async () => (await rows()).every((row) => row.status === 'SENT'));
      const jobs = await queue.getJobs(['waiting']);
      expect(jobs.map((job) => job.id).sort()).toEqual(created.map((row) => row.id).sort());
    });
  });
});

let admin: RedisConnections | undefined;
/** A direct connection for clean-up, opened on first use. */
function openedAdmin(): RedisConnections {
  if (!admin) {
    admin = openRedis(uniqueId('admin'));
    cleanups.push(async () => {
      await admin?.close();
      admin = undefined;
    });
  }
  return admin;
}
