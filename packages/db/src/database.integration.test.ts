import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { TcpFaultProxy } from '@tablestack/test-tooling';
import pg from 'pg';
import { Registry } from 'prom-client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Database, type DbClient } from './create-database.js';
import { dbEnvSchema } from './db-env.js';
import { DbConflictError, DbPoolExhaustedError } from './db-errors.js';
import type { DbLogger } from './db-logger.js';
import { parseLsn } from './lsn.js';
import { runWithReadContext } from './read-context.js';
import { DB_LSN_HEADER, readYourWrites } from './read-your-writes.js';

// Runs against the primary and the two streaming replicas of the stack (`./stack test` sets the env).
const primaryUrl = process.env.DATABASE_URL ?? '';
const replicaUrls = (process.env.DATABASE_REPLICA_URLS ?? '').split(',').filter(Boolean);
const portOf = (url: string) => Number(new URL(url).port);

const logged: Array<{ message: string; details: object }> = [];
const logger: DbLogger = {
  debug: () => {},
  info: (details, message) => logged.push({ details, message }),
  warn: (details, message) => logged.push({ details, message }),
  error: (details, message) => logged.push({ details, message }),
};

const opened: Database[] = [];
function openDatabase(overrides: Record<string, string> = {}, registry?: Registry): Database {
  const env = dbEnvSchema.parse({
    DATABASE_URL: primaryUrl,
    DATABASE_REPLICA_URLS: replicaUrls.join(','),
    // Fast checks keep the tests short; the lag limit stays well above one check interval.
    DB_REPLICA_CHECK_INTERVAL_MS: '50',
    DB_REPLICA_MAX_LAG_MS: '400',
    DB_POOL_TIMEOUT: '2000',
    ...overrides,
  });
  const db = new Database({
    env,
    logger,
    service: 'db-integration-test',
    ...(registry ? { registry } : {}),
  }).start();
  opened.push(db);
  return db;
}

async function until(
  what: string,
  condition: () => boolean | Promise<boolean>,
  timeoutMs = 10_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

const allInRotation = (db: Database) =>
  until('every replica in rotation', () => db.monitor.states.every((s) => s.healthy));

/** Which server a client really talks to: Postgres says its own port and whether it is a standby. */
async function serverOf(client: Pick<DbClient, '$queryRaw'>): Promise<{ port: number; standby: boolean }> {
  const rows = await client.$queryRaw<Array<{ port: number; standby: boolean }>>`
    select inet_server_port() as port, pg_is_in_recovery() as standby`;
  return rows[0]!;
}

async function onReplica(url: string, sql: string): Promise<pg.QueryResult> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await client.query(sql);
  } finally {
    await client.end();
  }
}

/** Pausing is a request; replay stops a moment later, so wait until the replica says it is paused. */
async function pauseReplay(url: string): Promise<void> {
  await onReplica(url, 'select pg_wal_replay_pause()');
  await until('replay paused', async () => {
    const { rows } = await onReplica(url, 'select pg_get_wal_replay_pause_state() as state');
    return rows[0].state === 'paused';
  });
}
const resumeReplay = (url: string) => onReplica(url, 'select pg_wal_replay_resume()');

function newUser() {
  return {
    email: `it-${randomUUID()}@example.test`,
    name: 'Integration Test',
    passwordHash: 'not-a-real-hash',
  };
}

beforeAll(() => {
  expect(primaryUrl, 'DATABASE_URL must point at the stack primary').not.toBe('');
  expect(replicaUrls, 'DATABASE_REPLICA_URLS must list the two stack replicas').toHaveLength(2);
});

afterEach(async () => {
  // A failed test must not leave replay paused for the next one.
  await Promise.all(replicaUrls.map(resumeReplay));
});

afterAll(async () => {
  await Promise.all(opened.map((db) => db.close()));
});

describe('routing', () => {
  it('reads go to the replicas in turn, writes to the primary', async () => {
    const db = openDatabase();
    await allInRotation(db);
    const reads = await Promise.all([1, 2, 3, 4].map(() => serverOf(db.read())));
    expect(reads.every((server) => server.standby)).toBe(true);
    expect(new Set(reads.map((server) => server.port))).toEqual(new Set(replicaUrls.map(portOf)));
    expect(await serverOf(db.write())).toEqual({ port: portOf(primaryUrl), standby: false });
  });

  it('a transaction runs on the primary, and reads in its request stay there', async () => {
    const db = openDatabase();
    await allInRotation(db);
    await runWithReadContext({}, () =>
      db.transaction(async (tx) => {
        expect(await serverOf(tx)).toEqual({ port: portOf(primaryUrl), standby: false });
        await tx.user.create({ data: newUser() });
        expect(db.readTarget().server).toBe('primary');
      }),
    );
  });
});

describe('read-your-writes', () => {
  it('with replay paused on every replica, a read right after a write still sees it', async () => {
    const db = openDatabase();
    await allInRotation(db);
    await Promise.all(replicaUrls.map(pauseReplay));
    const user = newUser();

    // The same request: it wrote, so it reads from the primary.
    const lsn = await runWithReadContext({}, async () => {
      await db.write().user.create({ data: user });
      expect(await db.read().user.findUnique({ where: { email: user.email } })).not.toBeNull();
      return db.writePosition();
    });
    expect(lsn).toMatch(/^[0-9A-F]+\/[0-9A-F]+$/);

    // The replicas really have not seen it: without the position a read could miss it.
    for (const url of replicaUrls) {
      const { rows } = await onReplica(
        url,
        `select count(*)::int as n from users where email = '${user.email}'`,
      );
      expect(rows[0].n).toBe(0);
    }

    // The user's next request carries the position (the gateway's header): it must see the write.
    await runWithReadContext({ minLsn: parseLsn(lsn!) }, async () => {
      expect(db.readTarget().server).toBe('primary');
      expect(await db.read().user.findUnique({ where: { email: user.email } })).not.toBeNull();
    });

    // Once a replica has replayed the position, it serves that user again.
    await Promise.all(replicaUrls.map(resumeReplay));
    await until('a replica replayed the write', () =>
      runWithReadContext({ minLsn: parseLsn(lsn!) }, () => db.readTarget().server !== 'primary'),
    );
    await runWithReadContext({ minLsn: parseLsn(lsn!) }, async () => {
      expect(await db.read().user.findUnique({ where: { email: user.email } })).not.toBeNull();
    });
  });

  it('the middleware hands out the position after a write and honours it on the next request', async () => {
    const db = openDatabase();
    await allInRotation(db);
    const middleware = readYourWrites(db);
    const user = newUser();
    // POST writes the user; GET answers whether its read sees the user, and where it read.
    const server = http.createServer((req, res) =>
      middleware(req, res, async () => {
        if (req.method === 'POST') {
          await db.write().user.create({ data: user });
          res.end(db.readTarget().server);
          return;
        }
        const target = db.readTarget();
        const seen = await target.client.user.findUnique({ where: { email: user.email } });
        res.end(`${seen ? 'seen' : 'missing'} on ${target.server}`);
      }),
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const read = await fetch(base);
      expect(read.headers.get(DB_LSN_HEADER)).toBeNull();

      await Promise.all(replicaUrls.map(pauseReplay));
      const write = await fetch(base, { method: 'POST' });
      expect(await write.text()).toBe('primary');
      const lsn = write.headers.get(DB_LSN_HEADER);
      expect(lsn).toMatch(/^[0-9A-F]+\/[0-9A-F]+$/);

      // The next request carries the position: it sees the write (on the primary, or on a replica only
      // if that one had already replayed it).
      const next = await fetch(base, { headers: { [DB_LSN_HEADER]: lsn! } });
      expect(await next.text()).toMatch(/^seen on /);
      // A malformed header is ignored rather than breaking the request.
      const garbage = await fetch(base, { headers: { [DB_LSN_HEADER]: 'not-an-lsn' } });
      expect(garbage.status).toBe(200);
    } finally {
      server.close();
    }
  });
});

describe('replica faults', () => {
  it('a lagging replica is skipped, and re-admitted when it catches up', async () => {
    const db = openDatabase();
    await allInRotation(db);
    const [lagging, healthy] = replicaUrls as [string, string];
    await pauseReplay(lagging);
    // Keep writing so that the paused replica falls further behind than DB_REPLICA_MAX_LAG_MS.
    await until(
      'the paused replica is taken out',
      async () => {
        await db.write().user.create({ data: newUser() });
        return !db.monitor.states[0]!.healthy;
      },
      15_000,
    );
    expect(db.monitor.states[0]!.reason).toMatch(/lagging/);
    const reads = await Promise.all([1, 2, 3, 4, 5, 6].map(() => serverOf(db.read())));
    // None on the lagging replica; the healthy one serves them (or, if a busy machine made it lag
    // past the limit too, the primary does).
    expect(reads.map((server) => server.port)).not.toContain(portOf(lagging));
    expect(
      reads
        .map((server) => server.port)
        .every((port) => port === portOf(healthy) || port === portOf(primaryUrl)),
    ).toBe(true);

    await resumeReplay(lagging);
    await until('the replica is back in rotation', () => db.monitor.states[0]!.healthy);
  });

  it('a stopped replica causes no failed read and is used again after it restarts', async () => {
    const proxy = await new TcpFaultProxy({
      target: { host: '127.0.0.1', port: portOf(replicaUrls[0]!) },
    }).start();
    try {
      const db = openDatabase({
        DATABASE_REPLICA_URLS: [proxy.rewrite(replicaUrls[0]!), replicaUrls[1]!].join(','),
      });
      await allInRotation(db);

      // Reads keep flowing, 8 at a time, while the replica goes away under them.
      const failures: unknown[] = [];
      let done = 0;
      const reader = async () => {
        while (done < 300) {
          done += 1;
          if (done === 60) proxy.setMode('refuse');
          await db
            .read()
            .user.count()
            .catch((error: unknown) => failures.push(error));
        }
      };
      await Promise.all(Array.from({ length: 8 }, reader));
      expect(failures).toEqual([]);
      expect(db.monitor.states[0]!.healthy).toBe(false);

      proxy.setMode('pass');
      await until('the restarted replica is back in rotation', () => db.monitor.states[0]!.healthy);
      const reads = await Promise.all([1, 2, 3, 4].map(() => serverOf(db.read())));
      expect(reads.map((server) => server.port)).toContain(portOf(replicaUrls[0]!));
    } finally {
      await proxy.stop();
    }
  });
});

describe('typed errors', () => {
  it('pool exhaustion fails fast with DB_POOL_EXHAUSTED (503, Retry-After) instead of waiting', async () => {
    const db = openDatabase({ DATABASE_REPLICA_URLS: '', DB_POOL_SIZE: '1', DB_POOL_TIMEOUT: '300' });
    // Hold the only connection for 3 s.
    let holding = false;
    const holder = db.transaction(
      async (tx) => {
        holding = true;
        return tx.$executeRaw`select pg_sleep(3)`;
      },
      { timeout: 10_000 },
    );
    await until('the connection is taken', () => holding);

    const started = Date.now();
    const error = await db
      .write()
      .user.count()
      .catch((caught: unknown) => caught);
    const waited = Date.now() - started;
    expect(error).toBeInstanceOf(DbPoolExhaustedError);
    expect((error as DbPoolExhaustedError).status).toBe(503);
    expect((error as DbPoolExhaustedError).headers['Retry-After']).toBe('1');
    // It gave up around DB_POOL_TIMEOUT, long before the holder let go.
    expect(waited).toBeLessThan(2500);

    const transactionError = await db
      .transaction(async (tx) => tx.user.count())
      .catch((caught: unknown) => caught);
    await holder;
    expect(transactionError).toBeInstanceOf(DbPoolExhaustedError);
  });

  it('a unique violation is a 409 conflict naming the constraint', async () => {
    const db = openDatabase();
    const user = newUser();
    await db.write().user.create({ data: user });
    const error = await db
      .write()
      .user.create({ data: user })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(DbConflictError);
    expect((error as DbConflictError).status).toBe(409);
    expect((error as DbConflictError).constraint).toBe('users_email_key');

    const raw = await db.write()
      .$executeRaw`insert into users (id, email, name, password_hash, updated_at) values (gen_random_uuid(), ${user.email}, 'x', 'x', now())`.catch(
      (caught: unknown) => caught,
    );
    expect(raw).toBeInstanceOf(DbConflictError);
  });
});

describe('observability', () => {
  it('DB_ECHO logs every query, slow ones are logged with parameters redacted, pools and lag are metrics', async () => {
    const registry = new Registry();
    const db = openDatabase({ DB_ECHO: 'true', DB_SLOW_QUERY_MS: '0' }, registry);
    await allInRotation(db);
    const secret = `secret-${randomUUID()}@example.test`;
    logged.length = 0;
    await db.write().user.findUnique({ where: { email: secret } });
    const messages = logged.map((entry) => entry.message);
    expect(messages).toContain('query');
    expect(messages).toContain('slow query');
    const slow = logged.find((entry) => entry.message === 'slow query')!.details as {
      params: string;
      query: string;
    };
    expect(slow.params).toMatch(/redacted/);
    expect(JSON.stringify(logged)).not.toContain(secret);

    const metrics = await registry.metrics();
    expect(metrics).toMatch(/db_pool_connections\{server="primary",state="total"\} [1-9]/);
    expect(metrics).toMatch(/db_query_duration_seconds_count\{server="primary"\} [1-9]/);
    expect(metrics).toContain('db_replica_lag_ms{replica="replica-1"}');
    expect(metrics).toContain('db_replica_in_rotation{replica="replica-2"} 1');
  });
});
