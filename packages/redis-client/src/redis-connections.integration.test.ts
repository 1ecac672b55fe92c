import { createServer, type Server } from 'node:net';
import { Registry } from 'prom-client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { RedisConnections } from './redis-connections.js';
import { redisEnvSchema } from './redis-env.js';

const REDIS_URL = process.env.REDIS_URL;
if (!REDIS_URL) throw new Error('REDIS_URL is not set: run integration tests through ./stack test');

const silent = { info() {}, warn() {}, error() {} };
const opened: RedisConnections[] = [];
// Each test namespaces its keys under its own service name, so runs never collide.
const service = (name: string) => `it-${name}-${process.pid}-${Date.now()}`;

function connections(name: string, env: Record<string, string> = {}, registry = new Registry()) {
  const redis = unmanagedConnections(name, env, registry);
  opened.push(redis);
  return redis;
}

function unmanagedConnections(name: string, env: Record<string, string> = {}, registry = new Registry()) {
  return new RedisConnections({
    env: redisEnvSchema.parse({
      REDIS_URL,
      REDIS_COMMAND_TIMEOUT_MS: '300',
      REDIS_CONNECT_TIMEOUT_MS: '500',
      ...env,
    }),
    service: service(name),
    logger: silent,
    registry,
  });
}

/** CLIENT LIST lines whose connection name starts with the given service name. */
async function clientsOf(admin: RedisConnections, serviceName: string): Promise<string[]> {
  const list = (await admin.command.client('LIST')) as string;
  return list.split('\n').filter((line) => line.includes(` name=${serviceName}:`));
}

afterEach(async () => {
  await Promise.all(opened.splice(0).map((redis) => redis.close()));
});

describe('RedisConnections against a real Redis', () => {
  const admin = unmanagedConnections('admin');
  beforeAll(async () => {
    await admin.whenReady('command', 2000);
    await admin.whenReady('queue', 2000);
  });
  afterAll(() => admin.close());

  it('opens one connection per role, however many callers and concurrent commands', async () => {
    const redis = connections('one-per-role');
    await redis.whenReady('command', 2000);
    await Promise.all(Array.from({ length: 200 }, (_, i) => redis.command.set(`k${i}`, String(i))));
    const values = await Promise.all(Array.from({ length: 200 }, (_, i) => redis.command.get(`k${i}`)));
    expect(values).toEqual(Array.from({ length: 200 }, (_, i) => String(i)));
    expect(redis.command).toBe(redis.command);

    await redis.whenReady('subscriber', 2000);
    await redis.whenReady('queue', 2000);
    const lines = await clientsOf(admin, redis.keyPrefix.split(':')[1]!);
    const roles = lines.map((line) => /name=[^:]+:(\w+):/.exec(line)?.[1]).sort();
    expect(roles).toEqual(['command', 'queue', 'subscriber']);
  });

  it('prefixes keys with the service namespace', async () => {
    const redis = connections('prefix');
    await redis.whenReady('command', 2000);
    await redis.command.set('greeting', 'hello', 'EX', 60);
    // The queue connection has no keyPrefix, so it sees the full key names.
    expect(await admin.queue.get(`${redis.keyPrefix}greeting`)).toBe('hello');
    expect(await admin.queue.get('greeting')).toBeNull();
  });

  it('delivers pub/sub on the subscriber connection with namespaced channels', async () => {
    const redis = connections('pubsub');
    await redis.whenReady('command', 2000);
    const channel = redis.channel('invalidate');
    const received = new Promise<string>((resolve) =>
      redis.subscriber.on('message', (_c: string, message: string) => resolve(message)),
    );
    await redis.subscriber.subscribe(channel);
    await redis.command.publish(channel, 'restaurant:42');
    expect(await received).toBe('restaurant:42');
    expect(channel).toBe(`${redis.keyPrefix}invalidate`);
  });

  it('times out a command on a stalled Redis instead of hanging', async () => {
    const redis = connections('timeout');
    await redis.whenReady('command', 2000);
    await admin.command.call('CLIENT', 'PAUSE', '1500', 'ALL');
    try {
      await expect(redis.command.get('anything')).rejects.toThrow(/timed out/i);
    } finally {
      await admin.command.call('CLIENT', 'UNPAUSE').catch(() => undefined);
    }
  });

  it('fails at once, without queueing, when Redis is unreachable', async () => {
    const blackhole: Server = createServer((socket) => socket.destroy());
    await new Promise<void>((resolve) => blackhole.listen(0, '127.0.0.1', resolve));
    const port = (blackhole.address() as { port: number }).port;
    await new Promise((resolve) => blackhole.close(resolve));
    const redis = connections('down', { REDIS_URL: `redis://127.0.0.1:${port}` });
    await expect(redis.command.get('x')).rejects.toThrow(/writeable|offline|connect|closed/i);
    await expect(redis.ping()).rejects.toThrow();
    await expect(redis.whenReady('command', 200)).rejects.toThrow(/not ready/);
  });

  it('counts command latency and errors in its metrics', async () => {
    const registry = new Registry();
    const redis = connections('metrics', {}, registry);
    await redis.whenReady('command', 2000);
    await redis.command.get('missing');
    await expect(redis.command.call('NOSUCHCOMMAND')).rejects.toThrow();
    const text = await registry.metrics();
    expect(text).toMatch(/redis_command_duration_seconds_count\{role="command",command="get"\} 1/);
    expect(text).toMatch(/redis_command_errors_total\{role="command",command="nosuchcommand"\} 1/);
    expect(text).toMatch(/redis_connection_up\{role="command"\} 1/);
  });

  it('closes every role and refuses use afterwards', async () => {
    const redis = connections('close');
    await redis.whenReady('command', 2000);
    await redis.whenReady('subscriber', 2000);
    const name = redis.keyPrefix.split(':')[1]!;
    expect(await clientsOf(admin, name)).toHaveLength(2);
    await redis.close();
    expect(redis.openRoles()).toEqual([]);
    expect(() => redis.command).toThrow(/closed/);
    // QUIT has been answered; the server drops the connections right after.
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await clientsOf(admin, name)).toHaveLength(0);
  });
});
