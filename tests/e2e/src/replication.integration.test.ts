import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stackEnv } from './stack-env.js';

// A table of this run only, so parallel or repeated runs never see each other's rows.
const table = `e2e_replication_${process.pid}_${Date.now()}`;
const primary = new pg.Client({ connectionString: stackEnv.databaseUrl });

async function waitForRow(client: pg.Client, marker: string, timeoutMs = 10_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const exists = await client.query(`select to_regclass($1) is not null as present`, [table]);
    if (exists.rows[0]?.present) {
      const found = await client.query(`select 1 from ${table} where marker = $1`, [marker]);
      if (found.rowCount === 1) return true;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return false;
}

describe('Postgres streaming replication', () => {
  beforeAll(async () => {
    await primary.connect();
    await primary.query(`create table ${table} (id serial primary key, marker text not null)`);
  });
  afterAll(async () => {
    await primary.query(`drop table if exists ${table}`);
    await primary.end();
  });

  it('has two replicas streaming from the primary', async () => {
    expect(stackEnv.replicaUrls).toHaveLength(2);
    const { rows } = await primary.query(`select state from pg_stat_replication`);
    expect(rows.map((row) => row.state)).toEqual(['streaming', 'streaming']);
  });

  it.each(stackEnv.replicaUrls.map((url, index) => [index, url]))(
    'makes a write on the primary readable on replica %i',
    async (_index, url) => {
      const replica = new pg.Client({ connectionString: url as string });
      await replica.connect();
      try {
        const { rows } = await replica.query('select pg_is_in_recovery() as recovering');
        expect(rows[0].recovering).toBe(true);
        const marker = `row-${Math.random()}`;
        await primary.query(`insert into ${table} (marker) values ($1)`, [marker]);
        expect(await waitForRow(replica, marker)).toBe(true);
      } finally {
        await replica.end();
      }
    },
  );

  it.each(stackEnv.replicaUrls.map((url, index) => [index, url]))('replica %i refuses writes', async (_index, url) => {
    const replica = new pg.Client({ connectionString: url as string });
    await replica.connect();
    try {
      await expect(replica.query(`create table e2e_should_not_exist (id int)`)).rejects.toMatchObject({
        code: '25006', // read_only_sql_transaction
      });
    } finally {
      await replica.end();
    }
  });
});
