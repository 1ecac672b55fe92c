import { describe, expect, it } from 'vitest';
import type { Sample } from '../prometheus-text.js';
import type { ReplicaMetrics } from '../stack-snapshot.js';
import { evaluateBreakers } from './breakers.js';
import { evaluateCacheHitRates } from './cache-hit-rate.js';
import { evaluatePools } from './db-pools.js';
import { evaluateIndexes, requiredIndexes } from './indexes.js';
import { evaluateQueues, queueCounts } from './queues.js';
import { evaluateRedisClients } from './redis-connections.js';
import { evaluateReadiness } from './replicas-ready.js';
import { evaluateReplication } from './replication.js';
import { evaluateSecrets } from './secrets.js';

// The evaluators are pure: fixtures in, verdict out. The doctor's integration test runs them all
// against the real test stack.

const sample = (name: string, labels: Record<string, string>, value: number): Sample => ({
  name,
  labels,
  value,
});
const replica = (app: string, samples: Sample[], url = `http://127.0.0.1:1/${app}`): ReplicaMetrics => ({
  app,
  url,
  samples,
});

describe('evaluateRedisClients', () => {
  const line = (id: number, name: string) =>
    `id=${id} addr=127.0.0.1:${4000 + id} fd=8 name=${name} db=0 cmd=client`;
  it('passes one connection per role per process and leaves its own connection out', () => {
    const list = [
      line(1, 'gateway:command:10'),
      line(2, 'worker:command:11'),
      line(3, 'worker:queue:11'),
      line(4, 'doctor:command:99'),
    ];
    const result = evaluateRedisClients(list.join('\n'), 'doctor:command:99');
    expect(result.status).toBe('pass');
    expect(result.details[0]).toContain('2 processes, 3 named connections');
  });
  it('fails two connections of one role in one process (a pool or a leak)', () => {
    const result = evaluateRedisClients(
      [line(1, 'gateway:command:10'), line(2, 'gateway:command:10')].join('\n'),
      'x',
    );
    expect(result.status).toBe('fail');
    expect(result.details.join('\n')).toContain('gateway:command:10: 2 connections');
  });
  it('warns about connections without a name, fails when no app is connected', () => {
    expect(evaluateRedisClients([line(1, 'gateway:command:10'), line(2, '')].join('\n'), 'x').status).toBe(
      'warn',
    );
    expect(evaluateRedisClients(line(1, ''), 'x').status).toBe('fail');
  });
});

describe('evaluatePools', () => {
  const pools = (server: string, total: number, idle: number, waiting: number) => [
    sample('db_pool_connections', { server, state: 'total' }, total),
    sample('db_pool_connections', { server, state: 'idle' }, idle),
    sample('db_pool_connections', { server, state: 'waiting' }, waiting),
  ];
  it('passes pools within their size that fit in Postgres', () => {
    const result = evaluatePools([replica('user-service', pools('primary', 3, 2, 0))], {
      poolSize: 10,
      serverCapacity: 197,
    });
    expect(result.status).toBe('pass');
    expect(result.details[0]).toContain('busiest pool 10% in use');
  });
  it('warns on callers waiting, fails a pool above its size or pools that cannot all fit', () => {
    expect(
      evaluatePools([replica('a', pools('primary', 10, 0, 4))], { poolSize: 10, serverCapacity: 197 }).status,
    ).toBe('warn');
    expect(
      evaluatePools([replica('a', pools('primary', 12, 0, 0))], { poolSize: 10, serverCapacity: 197 }).status,
    ).toBe('fail');
    const many = Array.from({ length: 21 }, (_, index) => replica(`a${index}`, pools('primary', 1, 1, 0)));
    const result = evaluatePools(many, { poolSize: 10, serverCapacity: 197 });
    expect(result.status).toBe('fail');
    expect(result.details.join('\n')).toContain('21 pools x 10 = 210 connections');
  });
  it('fails when no replica reports pools', () => {
    expect(evaluatePools([replica('gateway', [])], { poolSize: 10, serverCapacity: 197 }).status).toBe(
      'fail',
    );
  });
});

describe('evaluateReplication', () => {
  const row = (name: string, lagMs: number | null, state = 'streaming') => ({
    name,
    state,
    lagBytes: 0,
    lagMs,
  });
  it('passes every replica streaming within the lag budget (idle primary: no lag)', () => {
    expect(evaluateReplication([row('r1', 3), row('r2', null)], 2, 1000, []).status).toBe('pass');
  });
  it('fails a missing or catching-up replica and a lag of ten times the budget; warns above the budget', () => {
    expect(evaluateReplication([row('r1', 3)], 2, 1000, []).status).toBe('fail');
    expect(evaluateReplication([row('r1', 3), row('r2', 0, 'catchup')], 2, 1000, []).status).toBe('fail');
    expect(evaluateReplication([row('r1', 3), row('r2', 20_000)], 2, 1000, []).status).toBe('fail');
    expect(evaluateReplication([row('r1', 3), row('r2', 1500)], 2, 1000, []).status).toBe('warn');
    expect(
      evaluateReplication([row('r1', 3), row('r2', 0)], 2, 1000, ['replica-1 (user-service)']).status,
    ).toBe('warn');
  });
});

describe('evaluateIndexes', () => {
  const definitions: Record<string, string> = {
    'restaurants:gin': 'CREATE INDEX restaurants_search_idx ON public.restaurants USING gin (search)',
    'restaurants:gist': 'CREATE INDEX restaurants_earth_idx ON public.restaurants USING gist (earth)',
    'restaurants:list': 'CREATE INDEX r ON public.restaurants USING btree (city, cuisine, rating_avg DESC)',
    'users:email': 'CREATE UNIQUE INDEX users_email_key ON public.users USING btree (email)',
    'reviews:latest': 'CREATE INDEX x ON public.reviews USING btree (restaurant_id, created_at DESC)',
    'reviews:unique': 'CREATE UNIQUE INDEX y ON public.reviews USING btree (user_id, restaurant_id)',
    'notifications:list': 'CREATE INDEX z ON public.notifications USING btree (user_id, created_at DESC)',
    'outbox:due': 'CREATE INDEX o ON public.outbox USING btree (status, available_at)',
    'refresh_tokens:hash': 'CREATE UNIQUE INDEX t ON public.refresh_tokens USING btree (token_hash)',
  };
  const rows = Object.entries(definitions).map(([key, definition]) => ({
    table: key.split(':')[0]!,
    name: key,
    definition,
    valid: true,
  }));
  it('passes when every required index exists and is valid', () => {
    expect(evaluateIndexes(rows).details[0]).toBe(
      `${requiredIndexes.length} of ${requiredIndexes.length} required indexes present and valid`,
    );
    expect(evaluateIndexes(rows).status).toBe('pass');
  });
  it('fails a missing index (a non-unique email index does not count) and an invalid one', () => {
    const withoutGin = rows.filter((row) => row.name !== 'restaurants:gin');
    expect(evaluateIndexes(withoutGin).details.join('\n')).toContain(
      'missing on restaurants: full-text search',
    );
    const plainEmail = rows.map((row) =>
      row.name === 'users:email'
        ? { ...row, definition: 'CREATE INDEX e ON public.users USING btree (email)' }
        : row,
    );
    expect(evaluateIndexes(plainEmail).status).toBe('fail');
    const invalid = rows.map((row) => (row.name === 'restaurants:gist' ? { ...row, valid: false } : row));
    expect(evaluateIndexes(invalid).details.join('\n')).toContain('invalid: restaurants:gist');
  });
});

describe('evaluateCacheHitRates', () => {
  const events = (namespace: string, l1: number, l2: number, miss: number, l2Errors = 0) => [
    sample('cache_events_total', { namespace, event: 'l1_hit' }, l1),
    sample('cache_events_total', { namespace, event: 'l2_hit' }, l2),
    sample('cache_events_total', { namespace, event: 'miss' }, miss),
    sample('cache_events_total', { namespace, event: 'l2_error' }, l2Errors),
  ];
  const thresholds = { minHitRate: 0.7, minLookups: 100 };
  it('sums every replica and passes at 70% or more', () => {
    const result = evaluateCacheHitRates(
      [replica('r', events('detail', 50, 10, 10)), replica('r', events('detail', 10, 10, 10))],
      thresholds,
    );
    expect(result.status).toBe('pass');
    expect(result.details).toEqual(['detail: 80% of 100 lookups']);
  });
  it('warns under 70%, on L2 errors, and when nothing has enough lookups to judge', () => {
    expect(evaluateCacheHitRates([replica('r', events('list', 30, 10, 60))], thresholds).status).toBe('warn');
    expect(evaluateCacheHitRates([replica('r', events('list', 90, 0, 10, 3))], thresholds).status).toBe(
      'warn',
    );
    expect(evaluateCacheHitRates([replica('r', events('list', 5, 0, 1))], thresholds).details[0]).toContain(
      'not enough traffic',
    );
  });
});

describe('evaluateBreakers', () => {
  const state = (target: string, value: number) =>
    sample('gateway_upstream_breaker_state', { upstream: 'restaurant-service', target }, value);
  it('passes all closed, warns half-open, fails open or a gateway without metrics', () => {
    expect(evaluateBreakers([replica('gateway', [state('a', 0), state('b', 0)])]).status).toBe('pass');
    expect(evaluateBreakers([replica('gateway', [state('a', 0), state('b', 1)])]).status).toBe('warn');
    const open = evaluateBreakers([replica('gateway', [state('a', 2)])]);
    expect(open.status).toBe('fail');
    expect(open.details.join('\n')).toContain('restaurant-service a: open');
    expect(evaluateBreakers([{ app: 'gateway', url: 'http://x', error: 'ECONNREFUSED' }]).status).toBe(
      'fail',
    );
  });
});

describe('evaluateQueues', () => {
  const counts = (waiting: number, active: number, failed = 0) =>
    queueCounts([
      replica('worker', [
        sample('bullmq_jobs', { queue: 'email', state: 'waiting' }, waiting),
        sample('bullmq_jobs', { queue: 'email', state: 'active' }, active),
        sample('bullmq_jobs', { queue: 'email', state: 'failed' }, failed),
      ]),
    ]);
  it('passes empty or draining queues', () => {
    expect(evaluateQueues(counts(0, 0), counts(0, 0), 0).status).toBe('pass');
    expect(evaluateQueues(counts(50, 2), counts(20, 2), 0).status).toBe('pass');
  });
  it('fails a backlog nobody works on; warns a growing one, failed jobs and an overdue outbox', () => {
    expect(evaluateQueues(counts(5, 0), counts(5, 0), 0).status).toBe('fail');
    expect(evaluateQueues(counts(5, 1), counts(9, 1), 0).status).toBe('warn');
    expect(evaluateQueues(counts(0, 0), counts(0, 0, 2), 0).status).toBe('warn');
    expect(evaluateQueues(counts(0, 0), counts(0, 0), 3).status).toBe('warn');
    expect(evaluateQueues(counts(0, 0), new Map(), 0).status).toBe('fail');
  });
});

describe('evaluateSecrets', () => {
  const defaults = {
    JWT_SECRET: 'tablestack-development-secret-do-not-use-in-production',
    INTERNAL_AUTH_SECRET: 'tablestack-development-internal-secret',
    DATABASE_URL: 'postgresql://tablestack:tablestack@127.0.0.1:5432/tablestack',
    REDIS_URL: 'redis://127.0.0.1:6379',
  };
  it('warns about development defaults outside production and fails them in production', () => {
    expect(evaluateSecrets({ ...defaults, NODE_ENV: 'development' }).status).toBe('warn');
    const production = evaluateSecrets({ ...defaults, NODE_ENV: 'production' });
    expect(production.status).toBe('fail');
    expect(production.details).toContain('JWT_SECRET is the development default');
  });
  it('passes real secrets', () => {
    const real = evaluateSecrets({
      NODE_ENV: 'production',
      JWT_SECRET: 'x'.repeat(40),
      INTERNAL_AUTH_SECRET: 'y'.repeat(40),
      DATABASE_URL: 'postgresql://app:s3cr3t-long@db:5432/tablestack',
      REDIS_URL: 'redis://:another-secret@redis:6379',
    });
    expect(real).toMatchObject({ status: 'pass', details: ['no default secret in use'] });
  });
});

describe('evaluateReadiness', () => {
  it('passes every replica ready, fails one that is not, warns a single replica', () => {
    const two = [
      { app: 'gateway', url: 'a', status: 200 },
      { app: 'gateway', url: 'b', status: 200 },
    ];
    expect(evaluateReadiness(two).status).toBe('pass');
    expect(evaluateReadiness([...two.slice(0, 1), { app: 'gateway', url: 'b', status: 503 }]).status).toBe(
      'fail',
    );
    expect(evaluateReadiness([{ app: 'gateway', url: 'b', status: 'ECONNREFUSED' }]).status).toBe('fail');
    expect(evaluateReadiness(two.slice(0, 1)).status).toBe('warn');
  });
});
